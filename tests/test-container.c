/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VFIO container backend: extension probing (SPAPR, iommufd compat,
 * type1), the one-group rule on containers, and the bytes that reach the
 * kernel, against the fake kernel; then the simulated SPAPR container.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include <linux/vfio.h>

#include "fake-kernel.h"
#include "iommufd-abi.h"
#include "test-util.h"

struct cfx {
	struct eeh_ctx *ctx;
	struct fake_kernel *fk;
	struct eeh_container *c;
};

static void cfx_setup(struct cfx *f, enum fake_container_mode mode)
{
	f->ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->ctx);
	f->fk = fake_new();
	f->fk->mode = mode;
	for (int g = 1; g <= 5; g++)
		fake_add_group(f->fk, g);
	fake_install(f->fk, f->ctx);
	f->c = NULL;
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(f->ctx, -1, EEH_CONTAINER_KERNEL, &f->c), 0);
}

static void cfx_teardown(struct cfx *f)
{
	eeh_container_close(f->c);
	CU_ASSERT_EQUAL(f->fk->open_fds, 0);
	fake_free(f->fk);
	eeh_unref(f->ctx);
}

static int c_op(struct eeh_container *c, unsigned int code)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = code };

	return eeh_container_pe_op(c, &o);
}

static void spapr_container_runs_pe_ops_on_its_one_group(void)
{
	struct cfx f;
	struct vfio_iommu_spapr_tce_info info;
	const struct fake_ioctl *l;

	cfx_setup(&f, FAKE_SPAPR);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(f.c), 0);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_iommu_type(f.c), VFIO_SPAPR_TCE_v2_IOMMU);
	f.fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED;
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 2);
	CU_ASSERT_EQUAL(f.fk->group[3].last_op, VFIO_EEH_PE_RESET_HOT);
	l = fake_last(f.fk, VFIO_EEH_PE_OP);
	CU_ASSERT(l && l->kind == FK_CONTAINER && l->size == 40 && l->rc == 0);
	/* SPAPR GET_INFO is allowed here, and reads the default window */
	CU_ASSERT_EQUAL(eeh_container_spapr_info(f.c, &info), 0);
	CU_ASSERT_EQUAL(info.dma32_window_size, 0x80000000u);
	CU_ASSERT_EQUAL(info.flags, VFIO_IOMMU_SPAPR_INFO_DDW);
	l = fake_last(f.fk, VFIO_IOMMU_SPAPR_TCE_GET_INFO);
	CU_ASSERT(l && l->size == sizeof(info));
	/* the probe passed VFIO_EEH by value */
	CU_ASSERT(fake_count(f.fk, VFIO_CHECK_EXTENSION) >= 3);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_SET_IOMMU), 1);
	cfx_teardown(&f);
}

static void a_container_with_two_groups_is_eperm_before_the_kernel_loops(void)
{
	struct cfx f;
	unsigned int before;

	cfx_setup(&f, FAKE_SPAPR);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 4), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 4), -EEXIST);
	CU_ASSERT_EQUAL(eeh_container_group_count(f.c), 2);
	before = fake_count(f.fk, VFIO_EEH_PE_OP);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_RESET_HOT), -EPERM);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_EEH_PE_OP), before);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops + f.fk->group[4].pe_ops, 0);
	/* the second group leaves: allowed again */
	CU_ASSERT_EQUAL(eeh_container_remove_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_remove_group(f.c, 3), -ENOENT);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), 0);
	CU_ASSERT_EQUAL(f.fk->group[4].pe_ops, 1);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 0);
	cfx_teardown(&f);
}

static void pe_ops_on_a_pe_go_through_its_kernel_container(void)
{
	struct cfx f;
	struct eeh_pe *pe;

	cfx_setup(&f, FAKE_SPAPR);
	pe = eeh_pe_by_group(f.ctx, 3);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	f.fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED_DMA;
	/* addressed by PE, answered by the kernel */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED_DMA);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 1);
	CU_ASSERT_EQUAL(pe_inject_err(pe, 0, 4, 0, 0), 0);
	CU_ASSERT_EQUAL(f.fk->group[3].last_op, VFIO_EEH_PE_INJECT_ERR);
	/* the container's one-group rule applies to the PE too */
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 4), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 2);
	/* out of the container, the PE is the simulated host's again */
	CU_ASSERT_EQUAL(eeh_container_remove_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 2);
	cfx_teardown(&f);
	/* closing a container stops the routing */
	cfx_setup(&f, FAKE_SPAPR);
	pe = eeh_pe_by_group(f.ctx, 5);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 5), 0);
	eeh_container_close(f.c);
	f.c = NULL;
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(f.fk->group[5].pe_ops, 0);
	cfx_teardown(&f);
}

static void pe_op_validation_never_reaches_the_kernel(void)
{
	struct cfx f;
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = VFIO_EEH_PE_GET_STATE, .flags = 1 };

	cfx_setup(&f, FAKE_SPAPR);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, &o), -EINVAL);
	o.flags = 0;
	o.argsz = 11;
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, &o), -EINVAL);
	o.argsz = sizeof(o);
	o.op = VFIO_EEH_PE_INJECT_ERR;
	o.err.func = 20;
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, &o), -EINVAL);
	o.op = 10;
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, &o), -EINVAL);
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, NULL), -EFAULT);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_EEH_PE_OP), 0);
	cfx_teardown(&f);
}

/* iommufd's /dev/vfio/vfio and type1 answer 0 for VFIO_EEH and SPAPR. */
static void no_eeh_container(enum fake_container_mode mode)
{
	struct cfx f;
	struct vfio_iommu_spapr_tce_info info;

	cfx_setup(&f, mode);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(f.c), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_iommu_type(f.c), 0);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(eeh_container_spapr_info(f.c, &info), -EOPNOTSUPP);
	/* no SPAPR ioctl was ever issued: not SET_IOMMU(SPAPR), not the
	 * GET_INFO that type1 would have "answered", not the PE op */
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_SET_IOMMU), 0);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_IOMMU_SPAPR_TCE_GET_INFO), 0);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_EEH_PE_OP), 0);
	CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_GROUP_SET_CONTAINER), 1);
	cfx_teardown(&f);
}

static void iommufd_compat_container_reports_eeh_unsupported(void)
{
	no_eeh_container(FAKE_IOMMUFD_COMPAT);
}

static void type1_container_reports_eeh_unsupported(void)
{
	no_eeh_container(FAKE_TYPE1);
}

static void spapr_with_eeh_disabled_is_eopnotsupp(void)
{
	struct cfx f;
	struct vfio_iommu_spapr_tce_info info;

	f.ctx = builtin_host();
	f.fk = fake_new();
	f.fk->eeh_enabled = false;
	fake_add_group(f.fk, 3);
	fake_install(f.fk, f.ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(f.ctx, -1, EEH_CONTAINER_KERNEL, &f.c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), -EOPNOTSUPP);
	/* still a SPAPR container: its window can be read */
	CU_ASSERT_EQUAL(eeh_container_spapr_info(f.c, &info), 0);
	cfx_teardown(&f);
}

static void unviable_or_missing_groups_are_refused(void)
{
	struct cfx f;

	cfx_setup(&f, FAKE_SPAPR);
	f.fk->group[2].not_viable = true;
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 2), -EPERM);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 9), -ENOENT);
	CU_ASSERT_EQUAL(eeh_container_group_count(f.c), 0);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), -ENODEV);
	cfx_teardown(&f);
}

static void no_container_device_is_enoent(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct fake_kernel *fk = fake_new();
	struct eeh_container *c = NULL;

	fk->have_container = false;
	fake_install(fk, ctx);
	CU_ASSERT_EQUAL(eeh_container_open(ctx, -1, EEH_CONTAINER_KERNEL, &c), -ENOENT);
	CU_ASSERT_PTR_NULL(c);
	fake_free(fk);
	eeh_unref(ctx);
}

static void a_vmm_container_is_used_through_its_fd(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct fake_kernel *fk = fake_new();
	struct eeh_container *vmm = NULL;
	int cfd, gfd;

	fake_add_group(fk, 3);
	fake_install(fk, ctx);
	/* the VMM set up its container itself */
	cfd = fake_open(fk, "/dev/vfio/vfio");
	gfd = fake_open(fk, "/dev/vfio/3");
	CU_ASSERT_EQUAL_FATAL(fake_ioctl(fk, gfd, VFIO_GROUP_SET_CONTAINER, &cfd), 0);
	CU_ASSERT_EQUAL_FATAL(fake_ioctl(fk, cfd, VFIO_SET_IOMMU,
					 (void *)(uintptr_t)VFIO_SPAPR_TCE_v2_IOMMU), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, cfd, 0, &vmm), 0);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(vmm), 0);
	CU_ASSERT_EQUAL(c_op(vmm, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_container_register_group(vmm, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_register_group(vmm, 3), -EEXIST);
	CU_ASSERT_EQUAL(eeh_container_iommu_type(vmm), VFIO_SPAPR_TCE_v2_IOMMU);
	fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED_DMA;
	CU_ASSERT_EQUAL(c_op(vmm, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED_DMA);
	CU_ASSERT_EQUAL(fk->group[3].pe_ops, 1);
	eeh_container_close(vmm);
	/* libeeh closed none of the VMM's fds */
	CU_ASSERT_EQUAL(fk->open_fds, 2);
	fake_close(fk, gfd);
	fake_close(fk, cfd);
	fake_free(fk);
	eeh_unref(ctx);
}

/* ---- the simulated SPAPR container ---- */

static void simulated_container_runs_ops_on_the_pe(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	struct vfio_iommu_spapr_tce_info info;
	struct eeh_container *c;

	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(c), 0);
	CU_ASSERT_EQUAL(eeh_container_spapr_info(c, &info), -EOPNOTSUPP); /* no IOMMU set yet */
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 99), -ENOENT);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_iommu_type(c), VFIO_SPAPR_TCE_v2_IOMMU);
	CU_ASSERT_EQUAL(eeh_container_spapr_info(c, &info), 0);
	CU_ASSERT_EQUAL(info.dma32_window_start, 0);
	CU_ASSERT_EQUAL(info.dma32_window_size, 0x80000000u);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 4), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_UNFREEZE_IO), -EPERM);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 4), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_UNFREEZE_DMA), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	/* the last group out releases the IOMMU */
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 3), 0);
	CU_ASSERT_EQUAL(eeh_container_iommu_type(c), 0);
	CU_ASSERT_EQUAL(eeh_container_spapr_info(c, &info), -EOPNOTSUPP);
	eeh_container_close(c);
	/* EEH off globally: the kernel's CHECK_EXTENSION(VFIO_EEH) is 0 */
	eeh_set_enabled(ctx, false);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(c), -EOPNOTSUPP);
	eeh_container_close(c);
	eeh_unref(ctx);
}

struct routing_race {
	struct eeh_container *c;
	atomic_bool stop;
};

static void *toggle_routing(void *arg)
{
	struct routing_race *r = arg;

	while (!atomic_load(&r->stop)) {
		eeh_container_register_group(r->c, 3);
		eeh_container_remove_group(r->c, 3);
	}
	return NULL;
}

/* A group entering and leaving the container while PE ops run on its PE:
 * each op is either the container's (two groups: EPERM, before the
 * kernel) or the simulated host's, never a spurious error. */
static void routing_that_changes_during_an_op_gives_a_whole_answer(void)
{
	struct routing_race r = { .stop = false };
	struct eeh_pe *pe;
	struct cfx f;
	pthread_t t;
	unsigned int odd = 0, routed = 0;

	cfx_setup(&f, FAKE_SPAPR);
	pe = eeh_pe_by_group(f.ctx, 3);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 4), 0);
	r.c = f.c;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, toggle_routing, &r), 0);
	for (int i = 0; i < 400000; i++) {
		int rc = eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);

		if (rc == -EPERM)
			routed++;
		else if (rc != VFIO_EEH_PE_STATE_NORMAL)
			odd++;
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(odd, 0);
	CU_ASSERT_EQUAL(f.fk->group[4].pe_ops, 0);
	if (!routed)
		fprintf(stdout, "\n    (no op found the group in the container this run)\n");
	cfx_teardown(&f);
}

struct close_race {
	struct eeh_ctx *ctx;
	int cfd;
	atomic_bool stop, done;
	atomic_uint rounds;
};

static void *open_register_close(void *arg)
{
	struct close_race *r = arg;

	while (!atomic_load(&r->stop)) {
		struct eeh_container *c = NULL;

		if (eeh_container_open(r->ctx, r->cfd, 0, &c) < 0)
			break;
		/* group 4 first: group 3's PE is routed only to two groups */
		eeh_container_register_group(c, 4);
		eeh_container_register_group(c, 3);
		eeh_container_close(c);
		atomic_fetch_add(&r->rounds, 1);
	}
	atomic_store(&r->done, true);
	return NULL;
}

/* A VMM closing its container while PE ops run on a PE whose group it
 * held: an op never uses the container after it is gone (ASan sees a use
 * after free otherwise). With two groups in it the answer is EPERM, out
 * of it the simulated host's. */
static void closing_a_container_under_pe_ops_is_safe(void)
{
	struct close_race r = { .stop = false, .done = false, .rounds = 0 };
	struct fake_kernel *fk = fake_new();
	unsigned int odd = 0;
	struct eeh_pe *pe;
	pthread_t t;

	r.ctx = builtin_host();
	pe = eeh_pe_by_group(r.ctx, 3);
	fake_install(fk, r.ctx);
	r.cfd = fake_open(fk, "/dev/vfio/vfio");
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, open_register_close, &r), 0);
	/* A loaded machine may not run the thread during the first million
	 * ops: go on until it has closed a container at least once. */
	for (int i = 0; i < 1000000 || (!atomic_load(&r.rounds) && !atomic_load(&r.done)); i++) {
		int rc = eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);

		if (rc != -EPERM && rc != VFIO_EEH_PE_STATE_NORMAL)
			odd++;
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(odd, 0);
	CU_ASSERT(atomic_load(&r.rounds) > 0);
	fake_close(fk, r.cfd);
	fake_free(fk);
	eeh_unref(r.ctx);
}

static const struct test tests[] = {
	TEST(spapr_container_runs_pe_ops_on_its_one_group),
	TEST(a_container_with_two_groups_is_eperm_before_the_kernel_loops),
	TEST(pe_ops_on_a_pe_go_through_its_kernel_container),
	TEST(pe_op_validation_never_reaches_the_kernel),
	TEST(iommufd_compat_container_reports_eeh_unsupported),
	TEST(type1_container_reports_eeh_unsupported),
	TEST(spapr_with_eeh_disabled_is_eopnotsupp),
	TEST(unviable_or_missing_groups_are_refused),
	TEST(no_container_device_is_enoent),
	TEST(a_vmm_container_is_used_through_its_fd),
	TEST(simulated_container_runs_ops_on_the_pe),
	TEST(routing_that_changes_during_an_op_gives_a_whole_answer),
	TEST(closing_a_container_under_pe_ops_is_safe),
};

int main(void)
{
	return RUN_SUITE("container", tests);
}
