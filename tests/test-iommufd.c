/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommufd device objects and the one-group rule. Every scenario runs
 * twice: on the simulated iommufd, and through the real-kernel code path
 * against the fake kernel (tests/fake-kernel.c). PE ops land on the
 * simulated host's PEs in both cases.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <linux/vfio.h>

#include "fake-kernel.h"
#include "iommufd-abi.h"
#include "test-util.h"

enum mode { SIM, KERNEL };

/* Functions of the built-in host used as devices, and their groups. */
static const char *const bdfs[] = { "0000:01:00.0", "0000:01:00.1", "0000:03:00.0",
				    "0000:04:00.0", "0001:01:00.0" };
static const int groups[] = { 1, 1, 3, 4, 5 };

struct fx {
	enum mode mode;
	struct eeh_ctx *ctx;
	struct eeh_iommufd *ifd;
	struct fake_kernel *fk;
	char name[64];
};

static void fx_setup(struct fx *f, enum mode mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->ctx);
	if (mode == KERNEL) {
		f->fk = fake_new();
		for (unsigned int i = 0; i < 5; i++)
			fake_add_cdev(f->fk, i, groups[i]);
		fake_install(f->fk, f->ctx);
	}
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(f->ctx, mode == KERNEL ? EEH_IOMMUFD_KERNEL : 0,
					       &f->ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_fd(f->ifd) >= 0, mode == KERNEL);
}

static void fx_teardown(struct fx *f)
{
	eeh_iommufd_close(f->ifd);
	if (f->fk) {
		/* every cdev and /dev/iommu fd the library opened is closed */
		CU_ASSERT_EQUAL(f->fk->open_fds, 0);
		fake_free(f->fk);
	}
	eeh_unref(f->ctx);
}

static const char *dev_name(struct fx *f, unsigned int i)
{
	if (f->mode == SIM)
		return bdfs[i];
	snprintf(f->name, sizeof(f->name), "/dev/vfio/devices/vfio%u", i);
	return f->name;
}

static uint32_t bind(struct fx *f, unsigned int i)
{
	uint32_t id = 0;

	CU_ASSERT_EQUAL(eeh_iommufd_bind(f->ifd, dev_name(f, i), &id), 0);
	CU_ASSERT_NOT_EQUAL(id, 0);
	return id;
}

static uint32_t ioas(struct fx *f)
{
	uint32_t id = 0;

	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(f->ifd, &id), 0);
	return id;
}

static uint32_t attach(struct fx *f, uint32_t dev, uint32_t pt)
{
	uint32_t hwpt = 0;

	CU_ASSERT_EQUAL(eeh_iommufd_attach(f->ifd, dev, pt, &hwpt), 0);
	return hwpt;
}

static int dev_op(struct fx *f, uint32_t dev, unsigned int code)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = code };

	return eeh_iommufd_pe_op(f->ifd, dev, &o);
}

static struct eeh_pe *pe_of_group(struct fx *f, int g)
{
	return eeh_pe_by_group(f->ctx, g);
}

/* Run a scenario in both modes. */
#define BOTH(name)                                   \
	static void name(enum mode mode);            \
	static void name##_sim(void) { name(SIM); }  \
	static void name##_kernel(void) { name(KERNEL); } \
	static void name(enum mode mode)

BOTH(ids_start_at_1_and_the_device_knows_its_group_and_pe)
{
	struct fx f;
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	uint32_t d0, d2, a;

	fx_setup(&f, mode);
	d0 = bind(&f, 0);
	d2 = bind(&f, 2);
	a = ioas(&f);
	CU_ASSERT_EQUAL(d0, 1);
	CU_ASSERT_EQUAL(d2, 2);
	CU_ASSERT_EQUAL(a, 3);
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(f.ifd, d2, &info), 0);
	CU_ASSERT_EQUAL(info.group, 3);
	CU_ASSERT_PTR_EQUAL(info.pe, pe_of_group(&f, 3));
	CU_ASSERT_EQUAL(info.ioas_id, 0);
	CU_ASSERT_EQUAL(info.hwpt_id, 0);
	CU_ASSERT_FALSE(info.registered);
	CU_ASSERT_STRING_EQUAL(info.name, dev_name(&f, 2));
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(f.ifd, 0, &info), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_device_next(f.ifd, 0), d0);
	CU_ASSERT_EQUAL(eeh_iommufd_device_next(f.ifd, d0), d2);
	CU_ASSERT_EQUAL(eeh_iommufd_device_next(f.ifd, d2), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_next(f.ifd, 0), a);
	fx_teardown(&f);
}

BOTH(unknown_id_is_enoent_unattached_is_enodev)
{
	struct fx f;
	struct eeh_pe *pe = (struct eeh_pe *)&f;
	uint32_t d, a;

	fx_setup(&f, mode);
	d = bind(&f, 2);
	a = ioas(&f);
	CU_ASSERT_EQUAL(dev_op(&f, 0, VFIO_EEH_PE_GET_STATE), -ENOENT);
	CU_ASSERT_EQUAL(dev_op(&f, 77, VFIO_EEH_PE_GET_STATE), -ENOENT);
	CU_ASSERT_EQUAL(dev_op(&f, a, VFIO_EEH_PE_GET_STATE), -ENOENT); /* an IOAS is no device */
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_iommufd_check(f.ifd, d, &pe), -ENODEV);
	CU_ASSERT_PTR_NULL(pe);
	attach(&f, d, a);
	CU_ASSERT_EQUAL(eeh_iommufd_check(f.ifd, d, &pe), 0);
	CU_ASSERT_PTR_EQUAL(pe, pe_of_group(&f, 3));
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_iommufd_pe_op(f.ifd, d, NULL), -EFAULT);
	CU_ASSERT_EQUAL(eeh_iommufd_pe_op(NULL, d, NULL), -EINVAL);
	fx_teardown(&f);
}

BOTH(one_group_ops_reach_the_pe_thaw_after_freeze)
{
	struct fx f;
	struct eeh_pe *pe;
	uint32_t d, a;

	fx_setup(&f, mode);
	pe = pe_of_group(&f, 3);
	d = bind(&f, 2);
	a = ioas(&f);
	attach(&f, d, a);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED_DMA);
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_UNFREEZE_DMA), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	/* op validation is eeh_pe_op()'s: the kernel's EINVALs */
	CU_ASSERT_EQUAL(dev_op(&f, d, 10), -EINVAL);
	if (f.fk) /* iommufd has no EEH uAPI: nothing went to the kernel */
		CU_ASSERT_EQUAL(fake_count(f.fk, VFIO_EEH_PE_OP), 0);
	fx_teardown(&f);
}

BOTH(two_groups_on_one_auto_hwpt_are_refused_before_the_backend)
{
	struct fx f;
	struct eeh_pe *p3, *p4;
	uint32_t d2, d3, a, h2, h3;
	uint64_t t0;

	fx_setup(&f, mode);
	p3 = pe_of_group(&f, 3);
	p4 = pe_of_group(&f, 4);
	d2 = bind(&f, 2);
	d3 = bind(&f, 3);
	a = ioas(&f);
	h2 = attach(&f, d2, a);
	h3 = attach(&f, d3, a);
	/* the kernel reuses the IOAS's automatic HWPT: one HWPT, two groups */
	CU_ASSERT_EQUAL(h2, h3);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 2);
	CU_ASSERT_EQUAL(eeh_inject_freeze(p3), 0);
	t0 = eeh_clock_now_us(f.ctx);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(dev_op(&f, d3, VFIO_EEH_PE_RESET_HOT), -EPERM);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_UNFREEZE_IO), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_check(f.ifd, d3, NULL), -EPERM);
	/* nothing ran: no reset hold elapsed, both PEs as they were */
	CU_ASSERT_EQUAL(eeh_clock_now_us(f.ctx), t0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(p3, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(p4, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(p4), 0);
	fx_teardown(&f);
}

BOTH(ops_work_again_when_the_second_group_leaves)
{
	struct fx f;
	uint32_t d2, d3, d4, a;

	fx_setup(&f, mode);
	d2 = bind(&f, 2);
	d3 = bind(&f, 3);
	d4 = bind(&f, 4);
	a = ioas(&f);
	attach(&f, d2, a);
	attach(&f, d3, a);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d3), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 1);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(dev_op(&f, d3, VFIO_EEH_PE_GET_STATE), -ENODEV);
	/* a third group comes and goes by unbinding (closing the cdev) */
	attach(&f, d4, a);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(f.ifd, d4), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 1);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(dev_op(&f, d4, VFIO_EEH_PE_GET_STATE), -ENOENT);
	fx_teardown(&f);
}

BOTH(two_devices_of_one_group_are_allowed)
{
	struct fx f;
	struct eeh_pe *p1;
	uint32_t d0, d1, a;

	fx_setup(&f, mode);
	p1 = pe_of_group(&f, 1);
	d0 = bind(&f, 0);
	d1 = bind(&f, 1);
	a = ioas(&f);
	CU_ASSERT_EQUAL(attach(&f, d0, a), attach(&f, d1, a));
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 1);
	CU_ASSERT_EQUAL(eeh_inject_freeze(p1), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d1, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	/* a reset through either device resets the one PE */
	CU_ASSERT_EQUAL(dev_op(&f, d0, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d1, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_RESET);
	CU_ASSERT_EQUAL(dev_op(&f, d0, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(p1, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	/* one device leaving keeps the group there */
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d0), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 1);
	CU_ASSERT_EQUAL(dev_op(&f, d1, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	fx_teardown(&f);
}

BOTH(replace_moves_the_device_and_the_rule_follows)
{
	struct fx f;
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	uint32_t d2, d3, a, b, hb;

	fx_setup(&f, mode);
	d2 = bind(&f, 2);
	d3 = bind(&f, 3);
	a = ioas(&f);
	b = ioas(&f);
	attach(&f, d2, a);
	hb = attach(&f, d3, b);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d3, VFIO_EEH_PE_GET_STATE), 0);
	/* a second attach is a replace: d3 joins d2's IOAS */
	attach(&f, d3, a);
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(f.ifd, d3, &info), 0);
	CU_ASSERT_EQUAL(info.ioas_id, a);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 2);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, b), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), -EPERM);
	/* b's automatic HWPT went with its last device */
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, hb), -ENOENT);
	/* and back: both allowed again */
	attach(&f, d3, b);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), 0);
	CU_ASSERT_EQUAL(dev_op(&f, d3, VFIO_EEH_PE_GET_STATE), 0);
	/* re-attaching where it already is changes nothing */
	attach(&f, d3, b);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, b), 1);
	fx_teardown(&f);
}

BOTH(replace_moves_every_device_of_the_group)
{
	struct fx f;
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	uint32_t d0, d1, d2, a, b;

	fx_setup(&f, mode);
	d0 = bind(&f, 0);
	d1 = bind(&f, 1);
	d2 = bind(&f, 2);
	a = ioas(&f);
	b = ioas(&f);
	attach(&f, d0, a);
	attach(&f, d1, a);
	attach(&f, d2, b);
	attach(&f, d0, b);
	/* iommufd's igroup has one HWPT: d1 moved with d0 */
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(f.ifd, d1, &info), 0);
	CU_ASSERT_EQUAL(info.ioas_id, b);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, b), 2);
	CU_ASSERT_EQUAL(dev_op(&f, d1, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, a), 0);
	fx_teardown(&f);
}

BOTH(destroy_while_attached_is_ebusy)
{
	struct fx f;
	uint32_t d, a, h;

	fx_setup(&f, mode);
	d = bind(&f, 2);
	a = ioas(&f);
	h = attach(&f, d, a);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, a), -EBUSY);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, h), -EBUSY);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, d), -EBUSY);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, 60), -ENOENT);
	/* still attached, still usable */
	CU_ASSERT_EQUAL(dev_op(&f, d, VFIO_EEH_PE_GET_STATE), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d), 0); /* detaching twice is fine */
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, a), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, a), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f.ifd, d, a, NULL), -ENOENT);
	/* the kernel hands out the lowest free ID again */
	CU_ASSERT_EQUAL(ioas(&f), a);
	fx_teardown(&f);
}

BOTH(groups_are_counted_not_hwpts)
{
	struct fx f;
	uint32_t d2, d3, a, h, h3, dummy = 0;

	fx_setup(&f, mode);
	d2 = bind(&f, 2);
	d3 = bind(&f, 3);
	a = ioas(&f);
	CU_ASSERT_EQUAL(eeh_iommufd_hwpt_alloc(f.ifd, d2, a, &h), 0);
	CU_ASSERT_EQUAL(attach(&f, d2, h), h);
	h3 = attach(&f, d3, a); /* a manual HWPT is never picked automatically */
	CU_ASSERT_NOT_EQUAL(h3, h);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 2);
	CU_ASSERT_EQUAL(dev_op(&f, d2, VFIO_EEH_PE_GET_STATE), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_hwpt_alloc(f.ifd, d2, d3, &dummy), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_hwpt_alloc(f.ifd, 55, a, &dummy), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f.ifd, d2, d3, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, h), -EBUSY);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d2), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, h), 0); /* a manual HWPT stays until destroyed */
	CU_ASSERT_EQUAL(dev_op(&f, d3, VFIO_EEH_PE_GET_STATE), 0);
	fx_teardown(&f);
}

BOTH(a_group_sits_on_one_hwpt)
{
	struct fx f;
	uint32_t d0, d1, a, b, h;

	fx_setup(&f, mode);
	d0 = bind(&f, 0);
	d1 = bind(&f, 1);
	a = ioas(&f);
	b = ioas(&f);
	CU_ASSERT_EQUAL(eeh_iommufd_hwpt_alloc(f.ifd, d0, a, &h), 0);
	attach(&f, d0, h);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f.ifd, d1, b, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f.ifd, d1, a, NULL), -EINVAL);
	CU_ASSERT_EQUAL(attach(&f, d1, h), h);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, a), 1);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(f.ifd, b), 0);
	fx_teardown(&f);
}

BOTH(bind_refuses_twice_and_unknown_devices)
{
	struct fx f;
	uint32_t id = 0;

	fx_setup(&f, mode);
	bind(&f, 2);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, dev_name(&f, 2), &id), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, mode == SIM ? "0000:09:00.0"
							    : "/dev/vfio/devices/vfio9", &id),
			-ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(f.ifd, 42), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, 42), -ENOENT);
	fx_teardown(&f);
}

BOTH(iova_ranges_follow_attachment)
{
	struct fx f;
	struct eeh_iova_range r[4];
	unsigned int n = 4, one = 1;
	uint32_t d, a;

	fx_setup(&f, mode);
	d = bind(&f, 2);
	a = ioas(&f);
	CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f.ifd, a, r, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(r[0].start, 0);
	CU_ASSERT_EQUAL(r[0].last, UINT64_MAX);
	n = 0; /* asking for the count */
	CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f.ifd, a, NULL, &n), -EMSGSIZE);
	CU_ASSERT_EQUAL(n, 1);
	attach(&f, d, a);
	n = 4;
	CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f.ifd, a, r, &n), 0);
	if (mode == SIM) {
		/* the PE's two TCE windows */
		CU_ASSERT_EQUAL(n, 2);
		CU_ASSERT_EQUAL(r[0].start, 0);
		CU_ASSERT_EQUAL(r[0].last, (1ULL << 31) - 1);
		CU_ASSERT_EQUAL(r[1].start, 1ULL << 59);
		CU_ASSERT(r[1].last > r[1].start);
		CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f.ifd, a, r, &one), -EMSGSIZE);
		CU_ASSERT_EQUAL(one, 2);
	} else {
		/* what the fake kernel's domain reports, passed through */
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(r[0].start, 1ULL << 24);
		CU_ASSERT_EQUAL(r[0].last, (1ULL << 31) - 1);
	}
	CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f.ifd, d, r, &n), -ENOENT);
	fx_teardown(&f);
}

/* ---- the kernel path only ---- */

static void ioctl_numbers_are_the_kernel_values(void)
{
#if defined(__powerpc__)
	const unsigned long dir = 0x20000000UL;
#else
	const unsigned long dir = 0;
#endif
	CU_ASSERT_EQUAL(IOMMU_DESTROY, dir | 0x3B80);
	CU_ASSERT_EQUAL(IOMMU_IOAS_ALLOC, dir | 0x3B81);
	CU_ASSERT_EQUAL(IOMMU_IOAS_IOVA_RANGES, dir | 0x3B84);
	CU_ASSERT_EQUAL(IOMMU_HWPT_ALLOC, dir | 0x3B89);
	CU_ASSERT_EQUAL(VFIO_DEVICE_BIND_IOMMUFD, dir | 0x3B76);
	CU_ASSERT_EQUAL(VFIO_DEVICE_ATTACH_IOMMUFD_PT, dir | 0x3B77);
	CU_ASSERT_EQUAL(VFIO_DEVICE_DETACH_IOMMUFD_PT, dir | 0x3B78);
	CU_ASSERT_EQUAL(VFIO_EEH_PE_OP, dir | 0x3B79);
}

static void structs_reach_the_kernel_with_exact_sizes(void)
{
	struct fx f;
	const struct fake_ioctl *l;
	uint32_t d, a, h;

	fx_setup(&f, KERNEL);
	d = bind(&f, 2);
	a = ioas(&f);
	CU_ASSERT_EQUAL(eeh_iommufd_hwpt_alloc(f.ifd, d, a, &h), 0);
	attach(&f, d, a);
	CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_destroy(f.ifd, h), 0);
	l = fake_last(f.fk, VFIO_DEVICE_BIND_IOMMUFD);
	CU_ASSERT(l && l->kind == FK_CDEV && l->size == sizeof(struct vfio_device_bind_iommufd) &&
		  l->rc == 0);
	l = fake_last(f.fk, VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	CU_ASSERT(l && l->kind == FK_CDEV &&
		  l->size == sizeof(struct vfio_device_attach_iommufd_pt));
	l = fake_last(f.fk, VFIO_DEVICE_DETACH_IOMMUFD_PT);
	CU_ASSERT(l && l->size == sizeof(struct vfio_device_detach_iommufd_pt));
	l = fake_last(f.fk, IOMMU_IOAS_ALLOC);
	CU_ASSERT(l && l->kind == FK_IOMMUFD && l->size == 12);
	l = fake_last(f.fk, IOMMU_HWPT_ALLOC);
	CU_ASSERT(l && l->kind == FK_IOMMUFD && l->size == sizeof(struct iommu_hwpt_alloc));
	l = fake_last(f.fk, IOMMU_DESTROY);
	CU_ASSERT(l && l->kind == FK_IOMMUFD && l->size == 8 && l->rc == 0);
	fx_teardown(&f);
}

static void group_comes_from_the_cdev_number_without_the_class_link(void)
{
	struct fx f;
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	uint32_t d;

	fx_setup(&f, KERNEL);
	f.fk->cdev[3].hide_class_link = true;
	d = bind(&f, 3);
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(f.ifd, d, &info), 0);
	CU_ASSERT_EQUAL(info.group, 4);
	CU_ASSERT_PTR_EQUAL(info.pe, pe_of_group(&f, 4));
	fx_teardown(&f);
}

BOTH(a_group_owned_by_another_iommufd_is_eperm)
{
	struct fx f;
	struct eeh_iommufd *other;
	uint32_t id = 0, mine;

	fx_setup(&f, mode);
	mine = bind(&f, 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(f.ctx, mode == KERNEL ? EEH_IOMMUFD_KERNEL : 0,
					       &other), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(other, dev_name(&f, 1), &id), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(other, dev_name(&f, 2), &id), 0);
	CU_ASSERT_EQUAL(id, 1); /* IDs are per iommufd */
	/* once the owner lets go of the group, the other may take it */
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(f.ifd, mine), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(other, dev_name(&f, 1), &id), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, dev_name(&f, 0), &id), -EPERM);
	eeh_iommufd_close(other);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, dev_name(&f, 0), &id), 0);
	fx_teardown(&f);
}

/* drivers/vfio/group.c: a group in a container cannot have its devices
 * bound through an iommufd (vfio_device_block_group), and a group with a
 * bound device cannot be used through a container (vfio_group_fops_open):
 * EBUSY both ways. */
BOTH(a_group_in_a_container_and_a_bound_device_exclude_each_other)
{
	struct fx f;
	struct eeh_container *c;
	uint32_t id = 0, mine;

	fx_setup(&f, mode);
	if (mode == KERNEL)
		fake_add_group(f.fk, groups[2]);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(f.ctx, -1, mode == KERNEL ? EEH_CONTAINER_KERNEL
									   : 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, groups[2]), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, dev_name(&f, 2), &id), -EBUSY);
	mine = bind(&f, 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, groups[0]), -EBUSY);
	CU_ASSERT_EQUAL(eeh_container_group_count(c), 1);
	/* each released, the other way is open */
	CU_ASSERT_EQUAL(eeh_container_remove_group(c, groups[2]), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f.ifd, dev_name(&f, 2), &id), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(f.ifd, mine), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, groups[0]), 0);
	eeh_container_close(c);
	fx_teardown(&f);
}

/* eeh_dev_open(): binding a function of a frozen PE thaws it for its new
 * owner, and the PE is then passed (the host leaves it alone). */
static void binding_a_function_of_a_frozen_pe_thaws_it(void)
{
	struct fx f;
	struct eeh_pe *pe;
	struct eeh_recovery *rec;
	struct eeh_recovery_result res = { .size = sizeof(res) };
	int st = -1;

	fx_setup(&f, SIM);
	pe = eeh_pe_by_group(f.ctx, groups[2]);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	bind(&f, 2);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &st, NULL), 0);
	CU_ASSERT_EQUAL(st, EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_recovery_new(f.ctx, &rec), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(rec, pe, &res), -EBUSY);
	eeh_recovery_free(rec);
	fx_teardown(&f); /* closing unbinds: the release thaws it again */
}

static void no_dev_iommu_is_enoent(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct fake_kernel *fk = fake_new();
	struct eeh_iommufd *ifd = NULL;

	fk->have_iommu = false;
	fake_install(fk, ctx);
	CU_ASSERT_EQUAL(eeh_iommufd_open(ctx, EEH_IOMMUFD_KERNEL, &ifd), -ENOENT);
	CU_ASSERT_PTR_NULL(ifd);
	CU_ASSERT_EQUAL(eeh_iommufd_open(ctx, 0x80, &ifd), -EINVAL);
	fake_free(fk);
	eeh_unref(ctx);
}

/* ---- objects a VMM bound itself ---- */

static void registered_devices_follow_the_same_rule(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_iommufd *ifd;
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	struct eeh_pe *pe = NULL;
	uint32_t id = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_adopt(ctx, -1, &ifd), 0);
	/* record-only: nothing can be created through it */
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:03:00.0", &id), -EBADF);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(ifd, &id), -EBADF);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 0, 3, 7, 8), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 5, -1, 7, 8), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 5, 3, 7, 8), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_check(ifd, 5, &pe), 0);
	CU_ASSERT_PTR_EQUAL(pe, eeh_pe_by_group(ctx, 3));
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 6, 4, 7, 8), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(ifd, 7), 2);
	CU_ASSERT_EQUAL(eeh_iommufd_check(ifd, 5, NULL), -EPERM);
	/* HWPT 8 is on IOAS 7 */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 9, 4, 10, 8), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 9, 4, 10, 7), -EINVAL); /* 7 is an IOAS */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 9, 4, 10, 5), -EINVAL); /* 5 a device */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 9, 4, 8, 0), -EINVAL);  /* 8 an HWPT */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 9, 4, 5, 0), -EINVAL);  /* 5 a device */
	/* the VMM detached device 6: re-register it unattached */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 6, 4, 0, 0), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_check(ifd, 6, NULL), -ENODEV);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(ifd, 7), 1);
	CU_ASSERT_EQUAL(eeh_inject_freeze(eeh_pe_by_group(ctx, 3)), 0);
	{
		struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = VFIO_EEH_PE_GET_STATE };

		CU_ASSERT_EQUAL(eeh_iommufd_pe_op(ifd, 5, &o), VFIO_EEH_PE_STATE_STOPPED);
	}
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(ifd, 5, &info), 0);
	CU_ASSERT_TRUE(info.registered);
	CU_ASSERT_EQUAL(info.ioas_id, 7);
	CU_ASSERT_EQUAL(info.hwpt_id, 8);
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(ifd, 5), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_unregister_device(ifd, 5), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_check(ifd, 5, NULL), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_unregister_device(ifd, 5), -ENOENT);
	/* a group that is no PE of the host */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 11, 999, 12, 0), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_check(ifd, 11, NULL), -ENODEV);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
}

static void registered_ids_are_not_reused_by_the_simulated_kernel(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_iommufd *ifd;
	uint32_t id = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 1, 3, 2, 0), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:04:00.0", &id), 0);
	CU_ASSERT_EQUAL(id, 3);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 3, 4, 0, 0), -EEXIST);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
}


static int op_state(struct eeh_iommufd *ifd, uint32_t devid)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = VFIO_EEH_PE_GET_STATE };

	return eeh_iommufd_pe_op(ifd, devid, &o);
}

static void many_devices_and_large_ids_keep_the_rule(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_iommufd *ifd;
	int bad = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_adopt(ctx, -1, &ifd), 0);
	for (uint32_t id = 1; id <= 150; id++)
		CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, id, 3, 500, 0), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(ifd, 500), 1);
	CU_ASSERT_EQUAL(op_state(ifd, 150), 0);
	/* a second group reaches every one of the 150 devices */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 151, 4, 500, 0), 0);
	for (uint32_t id = 1; id <= 151; id++)
		bad += op_state(ifd, id) != -EPERM;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(eeh_iommufd_unregister_device(ifd, 151), 0);
	for (uint32_t id = 1; id <= 150; id++)
		bad += op_state(ifd, id) != 0;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(op_state(ifd, 151), -ENOENT);
	/* IDs far past the table take the locked path, same answers */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 100000, 5, 600, 0), 0);
	CU_ASSERT_EQUAL(op_state(ifd, 100000), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 100001, 6, 600, 0), 0);
	CU_ASSERT_EQUAL(op_state(ifd, 100000), -EPERM);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 100001, 6, 0, 0), 0);
	CU_ASSERT_EQUAL(op_state(ifd, 100000), 0);
	CU_ASSERT_EQUAL(op_state(ifd, 100001), -ENODEV);
	CU_ASSERT_EQUAL(op_state(ifd, 100002), -ENOENT);
	CU_ASSERT_EQUAL(op_state(ifd, UINT32_MAX), -ENOENT);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
}

static void updating_a_registered_device_keeps_its_hwpt(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	struct eeh_iommufd *ifd;

	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_adopt(ctx, -1, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 2, 3, 7, 8), 0);
	/* the same device, now in group 8, on the same IOAS and HWPT */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 2, 8, 7, 8), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_device_info(ifd, 2, &info), 0);
	CU_ASSERT_EQUAL(info.group, 8);
	CU_ASSERT_EQUAL(info.ioas_id, 7);
	CU_ASSERT_EQUAL(info.hwpt_id, 8);
	/* HWPT 8 is still known, and still belongs to IOAS 7 */
	CU_ASSERT_EQUAL(eeh_iommufd_register_device(ifd, 5, 4, 9, 8), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_groups(ifd, 7), 1);
	CU_ASSERT_EQUAL(eeh_iommufd_unregister_device(ifd, 2), 0);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
}

struct race {
	struct eeh_iommufd *ifd;
	uint32_t dev;
	_Atomic int stop;
	_Atomic unsigned int ok, refused, other;
};

static void *race_ops(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		int rc = op_state(r->ifd, r->dev);

		if (rc == 0)
			r->ok++;
		else if (rc == -EPERM)
			r->refused++;
		else
			r->other++;
	}
	return NULL;
}

static void ops_racing_attach_detach_see_only_whole_states(void)
{
	struct fx f;
	struct race r = { 0 };
	pthread_t th;
	uint32_t d2, d3, a;

	fx_setup(&f, SIM);
	d2 = bind(&f, 2);
	d3 = bind(&f, 3);
	a = ioas(&f);
	attach(&f, d2, a);
	r.ifd = f.ifd;
	r.dev = d2;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, race_ops, &r), 0);
	/* at least 2000 flips, and on until the other thread ran a while */
	for (int i = 0; i < 2000 || (atomic_load(&r.ok) + atomic_load(&r.refused) < 1000 &&
				     i < 5000000); i++) {
		CU_ASSERT_EQUAL(eeh_iommufd_attach(f.ifd, d3, a, NULL), 0);
		CU_ASSERT_EQUAL(eeh_iommufd_detach(f.ifd, d3), 0);
	}
	atomic_store(&r.stop, 1);
	pthread_join(th, NULL);
	/* d2 never left: every answer was "one group" or "two groups" */
	CU_ASSERT_EQUAL(r.other, 0);
	CU_ASSERT(r.ok + r.refused > 0);
	CU_ASSERT_EQUAL(op_state(f.ifd, d2), 0);
	fx_teardown(&f);
}

#define BOTH_TESTS(name) TEST(name##_sim), TEST(name##_kernel)

static const struct test tests[] = {
	BOTH_TESTS(ids_start_at_1_and_the_device_knows_its_group_and_pe),
	BOTH_TESTS(unknown_id_is_enoent_unattached_is_enodev),
	BOTH_TESTS(one_group_ops_reach_the_pe_thaw_after_freeze),
	BOTH_TESTS(two_groups_on_one_auto_hwpt_are_refused_before_the_backend),
	BOTH_TESTS(ops_work_again_when_the_second_group_leaves),
	BOTH_TESTS(two_devices_of_one_group_are_allowed),
	BOTH_TESTS(replace_moves_the_device_and_the_rule_follows),
	BOTH_TESTS(replace_moves_every_device_of_the_group),
	BOTH_TESTS(destroy_while_attached_is_ebusy),
	BOTH_TESTS(groups_are_counted_not_hwpts),
	BOTH_TESTS(a_group_sits_on_one_hwpt),
	BOTH_TESTS(bind_refuses_twice_and_unknown_devices),
	BOTH_TESTS(iova_ranges_follow_attachment),
	BOTH_TESTS(a_group_owned_by_another_iommufd_is_eperm),
	BOTH_TESTS(a_group_in_a_container_and_a_bound_device_exclude_each_other),
	TEST(ioctl_numbers_are_the_kernel_values),
	TEST(structs_reach_the_kernel_with_exact_sizes),
	TEST(group_comes_from_the_cdev_number_without_the_class_link),
	TEST(binding_a_function_of_a_frozen_pe_thaws_it),
	TEST(no_dev_iommu_is_enoent),
	TEST(registered_devices_follow_the_same_rule),
	TEST(registered_ids_are_not_reused_by_the_simulated_kernel),
	TEST(many_devices_and_large_ids_keep_the_rule),
	TEST(updating_a_registered_device_keeps_its_hwpt),
	TEST(ops_racing_attach_detach_see_only_whole_states),
};

int main(void)
{
	return RUN_SUITE("iommufd", tests);
}
