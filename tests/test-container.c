/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VFIO container backend: extension probing (SPAPR, iommufd compat,
 * type1), the one-group rule on containers, and the bytes that reach the
 * kernel, against the fake kernel; then the simulated SPAPR container.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

/* A signal interrupting the library's system calls is not an error: the
 * calls are made again, and the answers are the uninterrupted ones. */
static void interrupted_system_calls_are_retried(void)
{
	struct cfx f;

	f.ctx = builtin_host();
	f.fk = fake_new();
	f.fk->mode = FAKE_SPAPR;
	f.fk->interrupt = true;
	fake_add_group(f.fk, 3);
	fake_install(f.fk, f.ctx);
	f.c = NULL;
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(f.ctx, -1, EEH_CONTAINER_KERNEL, &f.c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	f.fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED;
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 2);
	CU_ASSERT(f.fk->interrupted >= 4);
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

static void spapr_with_eeh_disabled_runs_ops_but_enable_is_eio(void)
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
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(f.c), -EOPNOTSUPP);
	/* The kernel gates only ENABLE on eeh_enabled(): GET_STATE and the
	 * other ops still reach it through the container. */
	f.fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED;
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(c_op(f.c, VFIO_EEH_PE_ENABLE), -EIO);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 3);
	CU_ASSERT_EQUAL(f.fk->group[3].last_op, VFIO_EEH_PE_ENABLE);
	/* still a SPAPR container: its window can be read */
	CU_ASSERT_EQUAL(eeh_container_spapr_info(f.c, &info), 0);
	cfx_teardown(&f);
}

/* eeh_dev_open(): a group joining a (simulated) container owns its PE,
 * and a frozen PE is thawed for its new owner. */
static void taking_a_group_of_a_frozen_pe_thaws_it(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_container *c;
	uint32_t v = 0;

	CU_ASSERT_EQUAL(eeh_func_cfg_write(eeh_func_first(pe), 0x3c, 1, 0x2a), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT(eeh_pe_flags(pe) & 0x1); /* ISOLATED */
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 1), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x1, 0);
	/* thawed, not reset: config space kept */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x3c, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 0x2a);
	/* eeh_dev_release(): giving the group up thaws again */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 1), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	eeh_container_close(c);
	eeh_unref(ctx);
}

/* A BCM5719 (14e4:1657) is one of eeh_reset_ids: its PE is fully reset,
 * not thawed, when it changes hands. */
static const char bcm5719[] =
	"{ \"format\": \"libeeh-topology-1\", \"phbs\": [ { \"index\": 0,"
	"  \"buid\": \"0x800000020000000\", \"domain\": 0, \"pes\": ["
	"  { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
	"    { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x14e4\", \"device\": \"0x1657\","
	"      \"class\": \"0x020000\", \"bars\": [ { \"bar\": 0, \"addr\": \"0x80000000\","
	"      \"size\": \"0x1000\" } ] } ] } ] } ] }";

static void a_reset_id_device_is_reset_when_its_group_changes_hands(void)
{
	struct eeh_ctx *ctx = NULL;
	struct eeh_pe *pe;
	struct eeh_container *c;
	uint32_t v = 1, bar0 = 0;
	uint64_t t0;

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_json(bcm5719, &ctx), 0);
	pe = eeh_pe_by_group(ctx, 1);
	CU_ASSERT_EQUAL(eeh_func_cfg_write(eeh_func_first(pe), 0x3c, 1, 0x2a), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	t0 = eeh_clock_now_us(ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 1), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	/* the reset's 250 ms hold and 1.8 s settle, on the library clock */
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx) - t0, 2050 * MS);
	/* the reset lost the interrupt line; the BARs came back */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x3c, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x10, 4, &bar0), 0);
	CU_ASSERT_EQUAL(bar0 & ~0xfu, 0x80000000U);
	/* a PE that is not frozen changes hands untouched */
	t0 = eeh_clock_now_us(ctx);
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 1), 0);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx), t0);
	eeh_container_close(c);
	eeh_unref(ctx);
}

/* The VMM: injects, resets and recovers the PE of its container
 * six times within an hour. A passed PE has no host recovery and no host
 * freeze count: it never becomes permanently failed. */
static void a_vmm_recovering_its_pe_six_times_in_an_hour_keeps_it(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_container *c;
	struct eeh_recovery *rec;
	struct eeh_recovery_result res = { .size = sizeof(res) };

	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 1), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_recovery_new(ctx, &rec), 0);
	for (int i = 0; i < 7; i++) {
		struct vfio_eeh_pe_op inj = { .argsz = sizeof(inj), .op = VFIO_EEH_PE_INJECT_ERR,
					      .err = { .type = 0, .func = 0 } };

		CU_ASSERT_EQUAL(eeh_container_pe_op(c, &inj), 0);
		CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
		/* the host leaves a passed PE to its owner */
		CU_ASSERT_EQUAL(eeh_recovery_run(rec, pe, &res), -EBUSY);
		CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x2, 0); /* never RECOVERING */
		CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_RESET_HOT), 0);
		CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
		CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_CONFIGURE), 0);
		CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
		eeh_clock_advance(ctx, 5 * 60 * 1000 * MS);
	}
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_event_count(rec), 0);
	/* given back to the host, it is recovered (and counted) again */
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 1), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(rec, pe, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 1);
	eeh_recovery_free(rec);
	eeh_container_close(c);
	eeh_unref(ctx);
}

/* drivers/vfio/group.c: a group is used through a container or through
 * its devices' cdevs, never both (EBUSY either way). */
static void a_group_in_a_container_and_a_bound_device_exclude_each_other(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_container *c, *c2;
	struct eeh_iommufd *ifd;
	uint32_t id = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c2), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 1), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:01:00.1", &id), -EBUSY);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:02:00.0", &id), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c2, 2), -EBUSY);
	CU_ASSERT_EQUAL(eeh_container_register_group(c2, 2), -EBUSY);
	CU_ASSERT_EQUAL(eeh_container_group_count(c2), 0);
	/* once released, the other way is open */
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(ifd, id), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c2, 2), 0);
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, 1), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:01:00.1", &id), 0);
	eeh_iommufd_close(ifd);
	eeh_container_close(c2);
	eeh_container_close(c);
	eeh_unref(ctx);
}

/* What eeh_pe_op() documents of the caller's buffer: 12 readable bytes
 * (argsz, flags, op) are all an op but INJECT_ERR needs, on every route
 * (engine, simulated container, kernel container); the library neither
 * reads past argsz nor writes the struct. Exact-size heap buffers let
 * ASan catch any overread. NULL is -EFAULT. */
static struct vfio_eeh_pe_op *short_op(unsigned int code)
{
	struct vfio_eeh_pe_op full = { .argsz = 12, .op = code };
	struct vfio_eeh_pe_op *o = malloc(12);

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	memcpy(o, &full, 12);
	return o;
}

static void a_12_byte_op_buffer_is_enough_on_every_route(void)
{
	struct cfx f;
	struct eeh_container *sc;
	struct eeh_pe *pe;
	struct vfio_eeh_pe_op *o;
	unsigned char before[12];

	cfx_setup(&f, FAKE_SPAPR);
	CU_ASSERT_EQUAL(eeh_container_add_group(f.c, 3), 0);
	f.fk->group[3].pe_state = VFIO_EEH_PE_STATE_STOPPED;
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(f.ctx, -1, 0, &sc), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(sc, 1), 0);
	pe = eeh_pe_by_group(f.ctx, 2);
	o = short_op(VFIO_EEH_PE_GET_STATE);
	memcpy(before, o, 12);
	CU_ASSERT_EQUAL(eeh_pe_op(pe, o), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_container_pe_op(sc, o), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, o), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_op(eeh_pe_by_group(f.ctx, 3), o), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(f.fk->group[3].pe_ops, 2);
	CU_ASSERT_EQUAL(memcmp(before, o, 12), 0);
	free(o);
	o = short_op(VFIO_EEH_PE_RESET_HOT);
	CU_ASSERT_EQUAL(eeh_pe_op(pe, o), 0);
	CU_ASSERT_EQUAL(eeh_container_pe_op(sc, o), 0);
	free(o);
	/* INJECT_ERR with argsz 12 is refused before err is read */
	o = short_op(VFIO_EEH_PE_INJECT_ERR);
	CU_ASSERT_EQUAL(eeh_pe_op(pe, o), -EINVAL);
	CU_ASSERT_EQUAL(eeh_container_pe_op(sc, o), -EINVAL);
	CU_ASSERT_EQUAL(eeh_container_pe_op(f.c, o), -EINVAL);
	free(o);
	CU_ASSERT_EQUAL(eeh_pe_op(pe, NULL), -EFAULT);
	CU_ASSERT_EQUAL(eeh_container_pe_op(sc, NULL), -EFAULT);
	eeh_container_close(sc);
	cfx_teardown(&f);
}

static void simulated_container_with_eeh_disabled_runs_ops_but_enable_is_eio(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_container *c;

	eeh_set_enabled(ctx, false);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 1), 0);
	CU_ASSERT_EQUAL(eeh_container_eeh_supported(c), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED_DMA);
	CU_ASSERT_EQUAL(c_op(c, VFIO_EEH_PE_ENABLE), -EIO);
	eeh_container_close(c);
	eeh_unref(ctx);
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
	TEST(interrupted_system_calls_are_retried),
	TEST(spapr_container_runs_pe_ops_on_its_one_group),
	TEST(a_container_with_two_groups_is_eperm_before_the_kernel_loops),
	TEST(pe_ops_on_a_pe_go_through_its_kernel_container),
	TEST(pe_op_validation_never_reaches_the_kernel),
	TEST(iommufd_compat_container_reports_eeh_unsupported),
	TEST(type1_container_reports_eeh_unsupported),
	TEST(spapr_with_eeh_disabled_runs_ops_but_enable_is_eio),
	TEST(simulated_container_with_eeh_disabled_runs_ops_but_enable_is_eio),
	TEST(a_12_byte_op_buffer_is_enough_on_every_route),
	TEST(taking_a_group_of_a_frozen_pe_thaws_it),
	TEST(a_reset_id_device_is_reset_when_its_group_changes_hands),
	TEST(a_vmm_recovering_its_pe_six_times_in_an_hour_keeps_it),
	TEST(a_group_in_a_container_and_a_bound_device_exclude_each_other),
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
