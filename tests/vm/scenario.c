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
	/* B's group, for the containers: bound elsewhere it cannot join one
	 * (vfio_device_block_group), so bind, note the group, unbind. */
	if (!eeh_iommufd_bind(ifd, e->cdev_b, &b) && !eeh_iommufd_device_info(ifd, b, &ib))
		group = ib.group;
	eeh_iommufd_close(ifd);
	container_steps(&r, group);
	return r.lines;
}
