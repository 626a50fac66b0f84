/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The differential scenario (scenario.h). Every ioctl libeeh issues on an
 * x86 host with iommufd is reached: VFIO_DEVICE_BIND_IOMMUFD,
 * ATTACH/DETACH_IOMMUFD_PT, IOMMU_IOAS_ALLOC, IOMMU_HWPT_ALLOC,
 * IOMMU_DESTROY, IOMMU_IOAS_IOVA_RANGES, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * and VFIO_DEVICE_PCI_HOT_RESET (the iommufd device route's reset), and on
 * the legacy side VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 * VFIO_GROUP_GET_STATUS and VFIO_GROUP_SET_CONTAINER (SET_IOMMU, the SPAPR
 * GET_INFO and VFIO_EEH_PE_OP are never issued without the SPAPR
 * extension, which is the point of the container steps). Lines name the
 * step and print return codes as errno names, object IDs as numbers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "iommufd-abi.h"
#include "scenario.h"

static const char *ename(int rc)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ 0, "0" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ENOTTY, "ENOTTY" },
		{ E2BIG, "E2BIG" }, { EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EIO, "EIO" }, { EFAULT, "EFAULT" }, { EBADFD, "EBADFD" },
		{ EADDRINUSE, "EADDRINUSE" }, { EOVERFLOW, "EOVERFLOW" }, { ENXIO, "ENXIO" },
	};
	static char other[32];

	if (rc > 0) {
		snprintf(other, sizeof(other), "%d", rc);
		return other;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -rc)
			return names[i].name;
	snprintf(other, sizeof(other), "errno%d", -rc);
	return other;
}

struct run {
	const struct scen_env *e;
	int lines;
};

#define OUT(r, ...)                                                                           \
	do {                                                                                  \
		fprintf((r)->e->out, __VA_ARGS__);                                            \
		fputc('\n', (r)->e->out);                                                     \
		(r)->lines++;                                                                 \
	} while (0)

static void ranges(struct run *r, struct eeh_iommufd *ifd, const char *step, uint32_t ioas)
{
	struct eeh_iova_range v[4];
	unsigned int n = 0;
	int rc = eeh_iommufd_iova_ranges(ifd, ioas, v, &n);

	OUT(r, "%s.n0 %s n=%u", step, ename(rc), n);
	n = 4;
	rc = eeh_iommufd_iova_ranges(ifd, ioas, v, &n);
	fprintf(r->e->out, "%s %s", step, ename(rc));
	for (unsigned int i = 0; rc == 0 && i < n; i++)
		fprintf(r->e->out, " [%#llx,%#llx]", (unsigned long long)v[i].start,
			(unsigned long long)v[i].last);
	OUT(r, "%s", "");
}

static int pe_op(struct eeh_iommufd *ifd, uint32_t devid, unsigned int op)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = op };

	return eeh_iommufd_pe_op(ifd, devid, &o);
}

/* IOMMU_* with a struct of the wrong size or stray bits, through the raw
 * fd: copy_struct_from_user() and the per-ioctl checks. */
static void raw_abi(struct run *r, int fd, uint32_t ioas)
{
	const struct scen_env *e = r->e;
	union {
		struct iommu_ioas_alloc a;
		struct iommu_destroy d;
		struct iommu_ioas_iova_ranges q;
		uint8_t bytes[64];
	} u;
	int rc;

	memset(&u, 0, sizeof(u));
	u.a.size = 4;
	rc = e->ioctl(e->data, fd, IOMMU_IOAS_ALLOC, &u);
	OUT(r, "raw.ioas_alloc.size4 %s", ename(rc));
	memset(&u, 0, sizeof(u));
	u.a.size = 16;
	u.bytes[14] = 1;
	rc = e->ioctl(e->data, fd, IOMMU_IOAS_ALLOC, &u);
	OUT(r, "raw.ioas_alloc.tail %s", ename(rc));
	memset(&u, 0, sizeof(u));
	u.a.size = sizeof(u.a);
	u.a.flags = 1;
	rc = e->ioctl(e->data, fd, IOMMU_IOAS_ALLOC, &u);
	OUT(r, "raw.ioas_alloc.flags %s", ename(rc));
	memset(&u, 0, sizeof(u));
	u.d.size = sizeof(u.d);
	u.d.id = 0;
	rc = e->ioctl(e->data, fd, IOMMU_DESTROY, &u);
	OUT(r, "raw.destroy.id0 %s", ename(rc));
	u.d.size = 4;
	u.d.id = ioas;
	rc = e->ioctl(e->data, fd, IOMMU_DESTROY, &u);
	OUT(r, "raw.destroy.size4 %s", ename(rc));
	memset(&u, 0, sizeof(u));
	u.q.size = sizeof(u.q);
	u.q.ioas_id = ioas;
	u.q.__reserved = 1;
	rc = e->ioctl(e->data, fd, IOMMU_IOAS_IOVA_RANGES, &u);
	OUT(r, "raw.iova_ranges.reserved %s", ename(rc));
	rc = e->ioctl(e->data, fd, _IO(IOMMUFD_TYPE, 0x7f), &u);
	OUT(r, "raw.unknown_nr %s", ename(rc));
}

static void iommufd_steps(struct run *r, struct eeh_iommufd *ifd)
{
	const struct scen_env *e = r->e;
	uint32_t a = 0, b = 0, c0 = 0, c1 = 0, dup = 0, ioas1 = 0, ioas2 = 0, ioas3 = 0;
	uint32_t ha = 0, hb = 0, hm = 0, hc = 0, h = 0;
	struct eeh_iommufd_device ia, ib, ic0, ic1;
	struct eeh_pe *pe = NULL;
	int rc;

	rc = eeh_iommufd_bind(ifd, e->cdev_a, &a);
	OUT(r, "bind.a %s id=%u", ename(rc), a);
	rc = eeh_iommufd_bind(ifd, e->cdev_a, &dup);
	OUT(r, "bind.a.again %s", ename(rc));
	rc = eeh_iommufd_bind(ifd, e->cdev_b, &b);
	OUT(r, "bind.b %s id=%u", ename(rc), b);
	rc = eeh_iommufd_bind(ifd, e->cdev_c0, &c0);
	OUT(r, "bind.c0 %s id=%u", ename(rc), c0);
	rc = eeh_iommufd_bind(ifd, e->cdev_c1, &c1);
	OUT(r, "bind.c1 %s id=%u", ename(rc), c1);
	rc = eeh_iommufd_bind(ifd, "/dev/vfio/devices/vfio99", &dup);
	OUT(r, "bind.missing %s", ename(rc));
	memset(&ia, 0, sizeof(ia));
	ia.size = sizeof(ia);
	ib = ic0 = ic1 = ia;
	eeh_iommufd_device_info(ifd, a, &ia);
	eeh_iommufd_device_info(ifd, b, &ib);
	eeh_iommufd_device_info(ifd, c0, &ic0);
	eeh_iommufd_device_info(ifd, c1, &ic1);
	OUT(r, "groups a!=b %d c0==c1 %d a!=c0 %d", ia.group != ib.group, ic0.group == ic1.group,
	    ia.group != ic0.group);

	rc = eeh_iommufd_ioas_alloc(ifd, &ioas1);
	OUT(r, "ioas_alloc.1 %s id=%u", ename(rc), ioas1);
	rc = eeh_iommufd_ioas_alloc(ifd, &ioas2);
	OUT(r, "ioas_alloc.2 %s id=%u", ename(rc), ioas2);
	ranges(r, ifd, "iova.empty", ioas1);
	ranges(r, ifd, "iova.not_ioas", a);
	ranges(r, ifd, "iova.unknown", 999);
	rc = pe_op(ifd, a, VFIO_EEH_PE_RESET_HOT);
	OUT(r, "reset.a.unattached %s", ename(rc));

	/* Two groups on one IOAS: one automatic HWPT, and the rule refuses. */
	rc = eeh_iommufd_attach(ifd, a, ioas1, &ha);
	OUT(r, "attach.a.ioas1 %s hwpt=%u", ename(rc), ha);
	rc = eeh_iommufd_attach(ifd, b, ioas1, &hb);
	OUT(r, "attach.b.ioas1 %s hwpt=%u shared=%d", ename(rc), hb, ha == hb);
	OUT(r, "ioas1.groups %d", eeh_iommufd_ioas_groups(ifd, ioas1));
	rc = eeh_iommufd_check(ifd, a, &pe);
	OUT(r, "check.a.two_groups %s", ename(rc));
	rc = pe_op(ifd, a, VFIO_EEH_PE_RESET_HOT);
	OUT(r, "reset.a.two_groups %s", ename(rc));
	ranges(r, ifd, "iova.vtd", ioas1);
	rc = eeh_iommufd_destroy(ifd, ioas1);
	OUT(r, "destroy.ioas1.busy %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, ha);
	OUT(r, "destroy.hwpt.busy %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, a);
	OUT(r, "destroy.device %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, 999);
	OUT(r, "destroy.unknown %s", ename(rc));
	rc = eeh_iommufd_detach(ifd, b);
	OUT(r, "detach.b %s groups=%d", ename(rc), eeh_iommufd_ioas_groups(ifd, ioas1));
	rc = eeh_iommufd_check(ifd, a, &pe);
	OUT(r, "check.a.one_group %s", ename(rc));

	/* The iommufd device route's reset: A alone on its bus. */
	rc = pe_op(ifd, a, VFIO_EEH_PE_RESET_HOT);
	OUT(r, "reset.a.hot %s", ename(rc));
	rc = pe_op(ifd, a, VFIO_EEH_PE_RESET_DEACTIVATE);
	OUT(r, "reset.a.deactivate %s", ename(rc));
	rc = pe_op(ifd, a, VFIO_EEH_PE_CONFIGURE);
	OUT(r, "configure.a %s", ename(rc));
	rc = pe_op(ifd, a, VFIO_EEH_PE_RESET_FUNDAMENTAL);
	OUT(r, "reset.a.fundamental %s", ename(rc));

	/* Replace: to a manual HWPT on another IOAS, then back. */
	rc = eeh_iommufd_hwpt_alloc(ifd, a, ioas2, &hm);
	OUT(r, "hwpt_alloc.a.ioas2 %s id=%u", ename(rc), hm);
	rc = eeh_iommufd_hwpt_alloc(ifd, a, hm, &h);
	OUT(r, "hwpt_alloc.on_hwpt %s", ename(rc));
	rc = eeh_iommufd_hwpt_alloc(ifd, a, 999, &h);
	OUT(r, "hwpt_alloc.unknown_pt %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, a, hm, &h);
	OUT(r, "replace.a.manual %s hwpt=%u groups1=%d groups2=%d", ename(rc), h,
	    eeh_iommufd_ioas_groups(ifd, ioas1), eeh_iommufd_ioas_groups(ifd, ioas2));
	rc = eeh_iommufd_destroy(ifd, ha);
	OUT(r, "destroy.auto_hwpt.gone %s", ename(rc));
	ranges(r, ifd, "iova.ioas1.after", ioas1);
	rc = eeh_iommufd_destroy(ifd, ioas2);
	OUT(r, "destroy.ioas2.busy %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, a, ioas1, &ha);
	OUT(r, "replace.a.back %s hwpt=%u", ename(rc), ha);
	rc = eeh_iommufd_destroy(ifd, hm);
	OUT(r, "destroy.manual %s", ename(rc));

	/* One group, two functions: C0 and C1 count once; the group has one
	 * HWPT; a bus reset reaches both, both owned. */
	rc = eeh_iommufd_ioas_alloc(ifd, &ioas3);
	OUT(r, "ioas_alloc.3 %s id=%u", ename(rc), ioas3);
	rc = eeh_iommufd_attach(ifd, c0, ioas3, &hc);
	OUT(r, "attach.c0 %s hwpt=%u", ename(rc), hc);
	rc = eeh_iommufd_attach(ifd, c1, ioas2, &h);
	OUT(r, "attach.c1.other_ioas %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, c1, ioas3, &h);
	OUT(r, "attach.c1 %s hwpt=%u same=%d groups=%d", ename(rc), h, h == hc,
	    eeh_iommufd_ioas_groups(ifd, ioas3));
	rc = eeh_iommufd_check(ifd, c0, &pe);
	OUT(r, "check.c0.shared_group %s", ename(rc));
	rc = pe_op(ifd, c0, VFIO_EEH_PE_RESET_HOT);
	OUT(r, "reset.c0.hot %s", ename(rc));
	rc = pe_op(ifd, c1, VFIO_EEH_PE_RESET_DEACTIVATE);
	OUT(r, "reset.c1.deactivate %s", ename(rc));
	rc = eeh_iommufd_unbind(ifd, c1);
	OUT(r, "unbind.c1 %s", ename(rc));
	rc = pe_op(ifd, c0, VFIO_EEH_PE_RESET_HOT);
	OUT(r, "reset.c0.c1_unbound %s", ename(rc));

	rc = eeh_iommufd_detach(ifd, a);
	OUT(r, "detach.a %s", ename(rc));
	rc = eeh_iommufd_detach(ifd, a);
	OUT(r, "detach.a.again %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, ioas1);
	OUT(r, "destroy.ioas1 %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, ioas2);
	OUT(r, "destroy.ioas2 %s", ename(rc));
	rc = eeh_iommufd_unbind(ifd, a);
	OUT(r, "unbind.a %s", ename(rc));
	rc = eeh_iommufd_unbind(ifd, a);
	OUT(r, "unbind.a.again %s", ename(rc));
	rc = eeh_iommufd_unbind(ifd, b);
	OUT(r, "unbind.b %s", ename(rc));
	/* A freed ID is handed out again, lowest first. */
	rc = eeh_iommufd_ioas_alloc(ifd, &ioas1);
	OUT(r, "ioas_alloc.reuse %s id=%u", ename(rc), ioas1);
	raw_abi(r, eeh_iommufd_fd(ifd), ioas1);
}

/* Raw IOMMU_IOAS_COPY (FIXED_IOVA) of length bytes from src_ioas to dst_ioas. */
static int copy(const struct scen_env *e, int fd, uint32_t dst, uint64_t dst_iova, uint32_t src,
		uint64_t src_iova, uint64_t length, uint32_t flags)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c), .flags = flags | IOMMU_IOAS_MAP_FIXED_IOVA, .dst_ioas_id = dst,
		.src_ioas_id = src, .length = length, .dst_iova = dst_iova, .src_iova = src_iova,
	};

	return e->ioctl(e->data, fd, IOMMU_IOAS_COPY, &c);
}

static int allow(const struct scen_env *e, int fd, uint32_t ioas, const struct iommu_iova_range *v,
		 uint32_t n)
{
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas, .num_iovas = n,
					    .allowed_iovas = (uintptr_t)v };

	return e->ioctl(e->data, fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

/*
 * The preregistration path of lib/spapr-dma.c on the kernel's iommufd:
 * registered memory is an IOAS_MAP into an implicit IOAS no device is
 * attached to, a TCE is an IOAS_COPY from it into the device's IOAS, a
 * window is the IOAS's allowed IOVAs. Then the raw COPY, UNMAP and
 * ALLOW_IOVAS rules the library leans on, with and without a device.
 * Addresses are the process's own memory, never printed.
 */
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
static void dma_steps(struct run *r, struct eeh_iommufd *ifd)
{
	const struct scen_env *e = r->e;
	const uint64_t len = 64 * 1024, pg = 4096;
	struct iommu_iova_range v[2];
	uint32_t a = 0, b = 0, dev = 0, other = 0, ro = 0, pre = 0;
	struct eeh_spapr *sp = NULL;
	uint64_t va, tce = 0, n = 0, win = 0;
	int fd = eeh_iommufd_fd(ifd), rc;
	void *buf = NULL;

	if (posix_memalign(&buf, len, 2 * len))
		return;
	memset(buf, 0x5a, 2 * len); /* pinned by the copies into a domain */
	va = (uintptr_t)buf;
	rc = eeh_iommufd_bind(ifd, e->cdev_a, &a);
	OUT(r, "dma.bind.a %s", ename(rc));
	rc = eeh_iommufd_ioas_alloc(ifd, &dev);
	OUT(r, "dma.ioas_alloc.dev %s", ename(rc));
	rc = eeh_iommufd_ioas_alloc(ifd, &other);
	OUT(r, "dma.ioas_alloc.other %s", ename(rc));
	rc = eeh_iommufd_ioas_alloc(ifd, &ro);
	OUT(r, "dma.ioas_alloc.ro %s", ename(rc));
	rc = eeh_spapr_new(ifd, dev, &sp);
	OUT(r, "dma.spapr_new %s", ename(rc));
	if (rc)
		goto out;
	pre = eeh_spapr_prereg_ioas(sp);

	/* Preregistration: IOAS_MAP into the device-less IOAS. */
	rc = eeh_spapr_register(sp, va, len);
	OUT(r, "dma.register %s", ename(rc));
	rc = eeh_spapr_register(sp, va, len);
	OUT(r, "dma.register.again %s", ename(rc));
	rc = eeh_spapr_register(sp, va + 8, len);
	OUT(r, "dma.register.misaligned %s", ename(rc));
	ranges(r, ifd, "dma.iova.prereg", pre);

	/* COPY between two IOASes with no device attached to either. */
	rc = copy(e, fd, other, 0x100000, pre, va, len, RW);
	OUT(r, "dma.copy.nodev %s", ename(rc));
	rc = copy(e, fd, other, 0x100000, pre, va, pg, RW);
	OUT(r, "dma.copy.nodev.overlap %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, pre, va + len, pg, RW);
	OUT(r, "dma.copy.unmapped_src %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, pre, va + len - pg, 2 * pg, RW);
	OUT(r, "dma.copy.src_past_end %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, pre, va, 0, RW);
	OUT(r, "dma.copy.len0 %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, pre, va, pg, 0);
	OUT(r, "dma.copy.noperm %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, 999, va, pg, RW);
	OUT(r, "dma.copy.src_unknown %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, pre, va, 100, RW);
	OUT(r, "dma.copy.len_unaligned %s", ename(rc));
	rc = eeh_iommufd_ioas_map(ifd, ro, 0, len, va, EEH_IOAS_MAP_READ);
	OUT(r, "dma.map.readonly %s", ename(rc));
	rc = copy(e, fd, other, 0x200000, ro, 0, pg, RW);
	OUT(r, "dma.copy.write_from_readonly %s", ename(rc));
	rc = copy(e, fd, other, 0x300000, ro, 0, pg, RW);
	OUT(r, "dma.copy.write_from_readonly.free_dst %s", ename(rc));
	rc = copy(e, fd, other, 0x300000, ro, 0, pg, IOMMU_IOAS_MAP_READABLE);
	OUT(r, "dma.copy.read_from_readonly %s", ename(rc));
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x100000, pg, &n);
	OUT(r, "dma.unmap.part_of_area %s", ename(rc));
	n = 0;
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x100000, 2 * len, &n);
	OUT(r, "dma.unmap.whole %s bytes=%#llx", ename(rc), (unsigned long long)n);
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x100000, len, &n);
	OUT(r, "dma.unmap.again %s", ename(rc));
	n = 0;
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0, UINT64_MAX, &n);
	OUT(r, "dma.unmap.all %s bytes=%#llx", ename(rc), (unsigned long long)n);
	/* Adjacent copies of contiguous source pages stay two areas: each
	 * unmaps alone (no coalescing), the pair unmaps together. */
	rc = copy(e, fd, other, 0x400000, pre, va, pg, RW);
	OUT(r, "dma.copy.adjacent1 %s", ename(rc));
	rc = copy(e, fd, other, 0x401000, pre, va + pg, pg, RW);
	OUT(r, "dma.copy.adjacent2 %s", ename(rc));
	rc = copy(e, fd, other, 0x402000, pre, va + 2 * pg, 2 * pg, RW);
	OUT(r, "dma.copy.adjacent3 %s", ename(rc));
	n = 0;
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x401000, pg, &n);
	OUT(r, "dma.unmap.adjacent2_alone %s bytes=%#llx", ename(rc), (unsigned long long)n);
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x402000, pg, &n);
	OUT(r, "dma.unmap.half_of_adjacent3 %s", ename(rc));
	n = 0;
	rc = eeh_iommufd_ioas_unmap(ifd, other, 0x400000, 4 * pg, &n);
	OUT(r, "dma.unmap.adjacent_rest %s bytes=%#llx", ename(rc), (unsigned long long)n);

	/* ALLOW_IOVAS without a device. */
	v[0] = (struct iommu_iova_range){ 0x1000, 0x1000 };
	rc = allow(e, fd, other, v, 1);
	OUT(r, "dma.allow.one_byte %s", ename(rc));
	v[0] = (struct iommu_iova_range){ 0x2000, 0x1000 };
	rc = allow(e, fd, other, v, 1);
	OUT(r, "dma.allow.inverted %s", ename(rc));
	v[0] = (struct iommu_iova_range){ 0, 0xffff };
	v[1] = (struct iommu_iova_range){ 0x8000, 0x1ffff };
	rc = allow(e, fd, other, v, 2);
	OUT(r, "dma.allow.overlapping %s", ename(rc));
	v[0] = (struct iommu_iova_range){ 0xfee00000, 0xfeefffff };
	rc = allow(e, fd, other, v, 1);
	OUT(r, "dma.allow.msi_nodev %s", ename(rc));
	/* A device whose reserved MSI range is allowed cannot attach. */
	rc = eeh_iommufd_bind(ifd, e->cdev_b, &b);
	OUT(r, "dma.bind.b %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, b, other, NULL);
	OUT(r, "dma.attach.b.msi_allowed %s", ename(rc));
	rc = allow(e, fd, other, v, 0);
	OUT(r, "dma.allow.clear %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, b, other, NULL);
	OUT(r, "dma.attach.b.cleared %s", ename(rc));
	rc = allow(e, fd, other, v, 1);
	OUT(r, "dma.allow.msi_attached %s", ename(rc));
	ranges(r, ifd, "dma.iova.other", other);
	rc = eeh_iommufd_detach(ifd, b);
	OUT(r, "dma.detach.b %s", ename(rc));
	rc = eeh_iommufd_unbind(ifd, b);
	OUT(r, "dma.unbind.b %s", ename(rc));

	/* Windows and TCEs: A attached to the device IOAS. */
	rc = eeh_spapr_put_tce(sp, 0, va | EEH_TCE_READ);
	OUT(r, "dma.put_tce.no_device %s", ename(rc));
	rc = eeh_iommufd_attach(ifd, a, dev, NULL);
	OUT(r, "dma.attach.a %s", ename(rc));
	rc = eeh_spapr_put_tce(sp, 0x3000, va | EEH_TCE_READ | EEH_TCE_WRITE);
	OUT(r, "dma.put_tce %s", ename(rc));
	rc = eeh_spapr_get_tce(sp, 0x3000, &tce);
	OUT(r, "dma.get_tce %s same=%d", ename(rc), tce == (va | EEH_TCE_READ | EEH_TCE_WRITE));
	rc = eeh_spapr_put_tce(sp, 0x3000, (va + pg) | EEH_TCE_READ);
	OUT(r, "dma.put_tce.replace %s", ename(rc));
	rc = eeh_spapr_put_tce(sp, 0x4000, (va + len) | EEH_TCE_READ);
	OUT(r, "dma.put_tce.unregistered %s", ename(rc));
	rc = eeh_spapr_put_tce(sp, 0x80000000ULL, va | EEH_TCE_READ);
	OUT(r, "dma.put_tce.outside %s", ename(rc));
	ranges(r, ifd, "dma.iova.dev", dev);
	rc = copy(e, fd, dev, 0x3000, pre, va, pg, RW);
	OUT(r, "dma.copy.dev.over_tce %s", ename(rc));
	rc = copy(e, fd, dev, 0x100000000ULL, pre, va, len, RW);
	OUT(r, "dma.copy.dev.outside_allowed %s", ename(rc));
	rc = copy(e, fd, dev, 0xfee00000, pre, va, pg, RW);
	OUT(r, "dma.copy.dev.msi %s", ename(rc));
	rc = copy(e, fd, dev, 0x8000000000ULL, pre, va, pg, RW);
	OUT(r, "dma.copy.dev.past_aperture %s", ename(rc));
	rc = eeh_iommufd_ioas_unmap(ifd, dev, 0x100000000ULL, len, &n);
	OUT(r, "dma.unmap.dev %s", ename(rc));
	rc = eeh_spapr_create_window(sp, 12, 1ULL << 30, 1, &win);
	OUT(r, "dma.create_window.64 %s", ename(rc));
	rc = eeh_spapr_unregister(sp, va, len);
	OUT(r, "dma.unregister.in_use %s", ename(rc));
	rc = eeh_spapr_put_tce(sp, 0x3000, 0);
	OUT(r, "dma.put_tce.clear %s", ename(rc));
	rc = eeh_spapr_get_tce(sp, 0x3000, &tce);
	OUT(r, "dma.get_tce.cleared %s tce=%llu", ename(rc), (unsigned long long)tce);
	n = 0;
	rc = eeh_iommufd_ioas_unmap(ifd, dev, 0, UINT64_MAX, &n);
	OUT(r, "dma.unmap.dev.all %s bytes=%#llx", ename(rc), (unsigned long long)n);
	rc = eeh_spapr_unregister(sp, va, len);
	OUT(r, "dma.unregister %s", ename(rc));
	rc = eeh_spapr_unregister(sp, va, len);
	OUT(r, "dma.unregister.again %s", ename(rc));
	eeh_spapr_free(sp);
	rc = eeh_iommufd_detach(ifd, a);
	OUT(r, "dma.detach.a %s", ename(rc));
	rc = eeh_iommufd_destroy(ifd, pre);
	OUT(r, "dma.prereg.destroyed %s", ename(rc));
out:
	eeh_iommufd_unbind(ifd, a);
	eeh_iommufd_destroy(ifd, dev);
	eeh_iommufd_destroy(ifd, other);
	eeh_iommufd_destroy(ifd, ro);
	free(buf);
}

/* A group in a legacy container: /dev/vfio/vfio (type1 here), then a
 * VMM's iommufd standing in as the container (iommufd's VFIO compat).
 * Neither offers EEH, and libeeh issues no SPAPR or EEH ioctl. */
static void container_steps(struct run *r, int group)
{
	const struct scen_env *e = r->e;
	struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_GET_STATE };
	struct eeh_container *c = NULL;
	int rc, fd;

	rc = eeh_container_open(e->ctx, -1, 0, &c);
	OUT(r, "container.open %s", ename(rc));
	if (rc)
		return;
	OUT(r, "container.eeh %s type=%d", ename(eeh_container_eeh_supported(c)),
	    eeh_container_iommu_type(c));
	rc = eeh_container_add_group(c, group);
	OUT(r, "container.add_group %s count=%u", ename(rc), eeh_container_group_count(c));
	rc = eeh_container_add_group(c, group);
	OUT(r, "container.add_group.again %s", ename(rc));
	OUT(r, "container.pe_op %s", ename(eeh_container_pe_op(c, &op)));
	rc = eeh_container_remove_group(c, group);
	OUT(r, "container.remove_group %s", ename(rc));
	eeh_container_close(c);

	fd = e->open(e->data, "/dev/iommu");
	OUT(r, "compat.open_iommufd %s", ename(fd < 0 ? fd : 0));
	if (fd < 0)
		return;
	c = NULL;
	rc = eeh_container_open(e->ctx, fd, 0, &c);
	OUT(r, "compat.open %s", ename(rc));
	if (!rc) {
		OUT(r, "compat.eeh %s type=%d", ename(eeh_container_eeh_supported(c)),
		    eeh_container_iommu_type(c));
		rc = eeh_container_add_group(c, group);
		OUT(r, "compat.add_group %s", ename(rc));
		OUT(r, "compat.pe_op %s", ename(eeh_container_pe_op(c, &op)));
		eeh_container_close(c);
	}
	e->close(e->data, fd);
}

int scen_run(const struct scen_env *e)
{
	struct run r = { .e = e };
	struct eeh_iommufd *ifd = NULL;
	struct eeh_iommufd_device ib = { .size = sizeof(ib) };
	uint32_t b = 0;
	int rc, group = -1;

	rc = eeh_iommufd_open(e->ctx, EEH_IOMMUFD_KERNEL, &ifd);
	OUT(&r, "iommufd.open %s", ename(rc));
	if (rc)
		return r.lines;
	iommufd_steps(&r, ifd);
	dma_steps(&r, ifd);
	/* B's group, for the containers: bound elsewhere it cannot join one
	 * (vfio_device_block_group), so bind, note the group, unbind. */
	if (!eeh_iommufd_bind(ifd, e->cdev_b, &b) && !eeh_iommufd_device_info(ifd, b, &ib))
		group = ib.group;
	eeh_iommufd_close(ifd);
	container_steps(&r, group);
	return r.lines;
}
