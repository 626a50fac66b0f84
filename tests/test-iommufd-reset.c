/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PE resets through an iommufd device (lib/iommufd-reset.c) on a real
 * host: a fake POWER sysfs tree (tests/gen-sysfs.c) whose eeh_pe_state
 * behaves as PowerNV's (a read marks a frozen PE isolated, a write thaws
 * only an isolated PE), and the fake kernel's VFIO cdevs with their PCI
 * hot reset ioctls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include <linux/vfio.h>

#include "fake-kernel.h"
#include "gen-sysfs.h"
#include "iommufd-abi.h"
#include "test-util.h"

/* A PowerNV PHB: A behind the root port (bus 1, a bus reset), R on the
 * root bus (none), each its own PE and IOMMU group. */
static const struct gs_func host[] = {
	{ .bdf = "0000:00:00.0", .vendor = 0x1014, .device = 0x04c1, .class_code = 0x060400,
	  .bridge = true, .group = 1, .pe = 1 },
	{ .bdf = "0000:01:00.0", .parent = "0000:00:00.0", .vendor = 0x144d, .device = 0xa808,
	  .class_code = 0x010802, .group = 2, .pe = 2 },
	{ .bdf = "0000:00:01.0", .vendor = 0x144d, .device = 0xa808, .class_code = 0x010802,
	  .group = 3, .pe = 3 },
};

enum { CDEV_A, CDEV_R };

struct fx {
	char root[64];
	struct fake_kernel *fk;
	struct eeh_ctx *ctx;
	struct eeh_iommufd *ifd;
	uint32_t a, r;
};

static void fx_setup(struct fx *f)
{
	uint32_t ioas = 0, ioas2 = 0;

	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/eeh-reset-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(f->root));
	CU_ASSERT_EQUAL_FATAL(gs_write_host(f->root, host, ARRAY_SIZE(host),
					    GS_PROC_EEH | GS_DEBUGFS), 0);
	f->fk = fake_new();
	f->fk->root = f->root;
	fake_add_cdev(f->fk, CDEV_A, 2);
	f->fk->cdev[CDEV_A].bus = 1;
	fake_add_cdev(f->fk, CDEV_R, 3);
	f->fk->cdev[CDEV_R].bus = 0;
	CU_ASSERT_EQUAL_FATAL(eeh_new_host(f->root, &f->ctx), 0);
	test_log[0] = '\0';
	eeh_set_log_fn(f->ctx, test_log_fn);
	eeh_set_log_priority(f->ctx, LOG_INFO);
	fake_install(f->fk, f->ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(f->ctx, 0, &f->ifd), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_bind(f->ifd, "/dev/vfio/devices/vfio0", &f->a), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_bind(f->ifd, "/dev/vfio/devices/vfio1", &f->r), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(f->ifd, &ioas), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(f->ifd, &ioas2), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f->ifd, f->a, ioas, NULL), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f->ifd, f->r, ioas2, NULL), 0);
	f->fk->nlog = 0;
}

static void fx_teardown(struct fx *f)
{
	eeh_iommufd_close(f->ifd);
	eeh_unref(f->ctx);
	fake_free(f->fk);
	gs_rmtree(f->root);
}

static int op(struct fx *f, uint32_t devid, unsigned int o)
{
	struct vfio_eeh_pe_op x = { .argsz = sizeof(x), .op = o };

	return eeh_iommufd_pe_op(f->ifd, devid, &x);
}

/* Index in the fake's log of the first entry of kind (and request), or -1. */
static int first(const struct fake_kernel *fk, enum fake_fd_kind kind, unsigned long req)
{
	for (unsigned int i = 0; i < fk->nlog; i++)
		if (fk->log[i].kind == kind && (!req || fk->log[i].request == req))
			return (int)i;
	return -1;
}

static void hot_reset_thaws_frozen_pe_first_read_then_write(void)
{
	struct fx f;
	int rd, wr, info, reset;

	fx_setup(&f);
	f.fk->pe_frozen = true;
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_HOT), 0);
	rd = first(f.fk, FK_PE_STATE_READ, 0);
	wr = first(f.fk, FK_PE_STATE_WRITE, 0);
	info = first(f.fk, FK_CDEV, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
	reset = first(f.fk, FK_CDEV, VFIO_DEVICE_PCI_HOT_RESET);
	/* read marks isolated, the write thaws, then the bus reset */
	CU_ASSERT(rd >= 0 && wr > rd && info > wr && reset > info);
	CU_ASSERT_FALSE(f.fk->pe_frozen);
	CU_ASSERT_EQUAL(f.fk->cdev[CDEV_A].hot_resets, 1);
	fx_teardown(&f);
}

static void hot_reset_issues_zero_length_group_array(void)
{
	const struct fake_ioctl *l;
	struct fx f;

	fx_setup(&f);
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_HOT), 0);
	l = fake_last(f.fk, VFIO_DEVICE_PCI_HOT_RESET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->size, 12); /* the header alone: count 0, no group fds */
	CU_ASSERT_EQUAL(l->rc, 0);
	/* a thawed PE is only read, never written */
	CU_ASSERT_EQUAL(first(f.fk, FK_PE_STATE_WRITE, 0), -1);
	fx_teardown(&f);
}

static void deactivate_rethaws_pe_the_reset_left_frozen(void)
{
	struct fx f;

	fx_setup(&f);
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_HOT), 0);
	f.fk->pe_frozen = true; /* the reset froze it again */
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	CU_ASSERT_FALSE(f.fk->pe_frozen);
	CU_ASSERT(first(f.fk, FK_PE_STATE_WRITE, 0) > first(f.fk, FK_PE_STATE_READ, 0));
	fx_teardown(&f);
}

static void deactivate_on_pe_that_stays_frozen_gives_eio(void)
{
	struct fx f;

	fx_setup(&f);
	f.fk->pe_frozen = true;
	f.fk->pe_thaw_fails = true;
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_DEACTIVATE), -EIO);
	CU_ASSERT_TRUE(f.fk->pe_frozen);
	/* and no reset is tried on a frozen PE (it would stall 60 s) */
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_HOT), -EIO);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_DEVICE_PCI_HOT_RESET), 0);
	fx_teardown(&f);
}

static void reset_reaching_unowned_function_gives_eperm_without_reset(void)
{
	struct fx f;

	fx_setup(&f);
	f.fk->foreign[1] = 1; /* a function on A's bus without vfio-pci */
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_HOT), -EPERM);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO), 2);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_DEVICE_PCI_HOT_RESET), 0);
	CU_ASSERT_EQUAL(f.fk->cdev[CDEV_A].hot_resets, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "not owned"));
	fx_teardown(&f);
}

static void function_on_root_bus_has_no_reset_enodev(void)
{
	struct fx f;

	fx_setup(&f);
	CU_ASSERT_EQUAL(op(&f, f.r, VFIO_EEH_PE_RESET_HOT), -ENODEV);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_DEVICE_PCI_HOT_RESET), 0);
	fx_teardown(&f);
}

static void fundamental_reset_falls_back_to_hot_with_note(void)
{
	struct fx f;

	fx_setup(&f);
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_RESET_FUNDAMENTAL), 0);
	CU_ASSERT_EQUAL(f.fk->cdev[CDEV_A].hot_resets, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "a hot reset instead"));
	CU_ASSERT_EQUAL(op(&f, f.a, VFIO_EEH_PE_CONFIGURE), 0);
	fx_teardown(&f);
}

static void rtas_phb_without_bus_reset_has_no_eeh(void)
{
	uint32_t args[3] = { 0, 0x8000000, 0x20000001 }, rets[4];
	struct eeh_vm *vm = NULL;
	struct fx f;

	fx_setup(&f);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(f.ctx, NULL, NULL, &vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_iommufd(vm, 0x800000020000001ULL, f.ifd, f.a), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_iommufd(vm, 0x800000020000002ULL, f.ifd, f.r), 0);
	memset(rets, 0xff, sizeof(rets));
	eeh_vm_rtas_call_by_name(vm, "ibm,read-slot-reset-state2", 3, args, 4, rets);
	CU_ASSERT_EQUAL((int32_t)rets[0], 0);
	args[2] = 0x20000002;
	memset(rets, 0xff, sizeof(rets));
	eeh_vm_rtas_call_by_name(vm, "ibm,read-slot-reset-state2", 3, args, 4, rets);
	CU_ASSERT_EQUAL((int32_t)rets[0], -3);
	eeh_vm_unref(vm);
	fx_teardown(&f);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(hot_reset_thaws_frozen_pe_first_read_then_write),
		TEST(hot_reset_issues_zero_length_group_array),
		TEST(deactivate_rethaws_pe_the_reset_left_frozen),
		TEST(deactivate_on_pe_that_stays_frozen_gives_eio),
		TEST(reset_reaching_unowned_function_gives_eperm_without_reset),
		TEST(function_on_root_bus_has_no_reset_enodev),
		TEST(fundamental_reset_falls_back_to_hot_with_note),
		TEST(rtas_phb_without_bus_reset_has_no_eeh),
	};

	return RUN_SUITE("iommufd-reset", tests);
}
