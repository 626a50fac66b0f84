/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The iommufd and VFIO device cdev uAPI subset libeeh uses.
 *
 * <linux/iommufd.h> appeared in Linux 6.2 and the VFIO cdev ioctls
 * (VFIO_DEVICE_BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT) in 6.6; Debian 12's
 * linux-libc-dev (6.1) has neither. When configure finds the system
 * definitions they are used; otherwise the minimal copies below are,
 * written from the documented layouts (include/uapi/linux/iommufd.h and
 * vfio.h). Every ioctl is _IO(';', nr): the numbers differ between
 * architectures (powerpc's _IOC_NONE is 1), so they are never spelled out.
 * Never installed.
 */
#ifndef EEH_IOMMUFD_ABI_H
#define EEH_IOMMUFD_ABI_H

#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

#define ABI_OFFSETOFEND(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
/* Every iommufd and VFIO ioctl is a bare _IO(';', nr). */
#define ABI_IS_IO(req, nr) (_IOC_TYPE(req) == ';' && _IOC_NR(req) == (nr) && _IOC_SIZE(req) == 0 \
			    && _IOC_DIR(req) == _IOC_NONE)

#if defined(HAVE_LINUX_IOMMUFD_H)
#include <linux/iommufd.h>
#else
#define EEH_OWN_IOMMUFD_H 1
#define IOMMUFD_TYPE (';')

struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, 0x80)

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)

struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, 0x84)

struct iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
};
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, 0x82)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, 0x83)

struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, 0x85)

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, 0x86)

#endif /* HAVE_LINUX_IOMMUFD_H */

/* A 6.2-6.5 <linux/iommufd.h> has no HWPT_ALLOC yet. */
#if defined(EEH_OWN_IOMMUFD_H) || !defined(IOMMU_HWPT_ALLOC)
/* The layout through data_uptr; newer kernels accept it (the fault_id
 * tail they added is optional). */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
};
#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, 0x89)

_Static_assert(sizeof(struct iommu_hwpt_alloc) == 40, "iommu_hwpt_alloc (our layout) is 40");
_Static_assert(offsetof(struct iommu_hwpt_alloc, data_uptr) == 32, "hwpt data_uptr at 32");
#endif

#if defined(HAVE_DECL_VFIO_DEVICE_BIND_IOMMUFD) && HAVE_DECL_VFIO_DEVICE_BIND_IOMMUFD
/* <linux/vfio.h> has the cdev ioctls. */
#else
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
	__u32 pasid;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pasid;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)

_Static_assert(sizeof(struct vfio_device_bind_iommufd) == 24, "bind struct is 24");
_Static_assert(sizeof(struct vfio_device_attach_iommufd_pt) == 16, "attach struct is 16");
_Static_assert(sizeof(struct vfio_device_detach_iommufd_pt) == 12, "detach struct is 12");
#endif

/* The kernel's minimum sizes (offsetofend of the last mandatory field):
 * these hold for every header version, ours or the system's. */
#define IOMMU_DESTROY_MINSZ ABI_OFFSETOFEND(struct iommu_destroy, id)
#define IOMMU_IOAS_ALLOC_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_alloc, out_ioas_id)
#define IOMMU_IOVA_RANGES_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_iova_ranges, out_iova_alignment)
#define IOMMU_HWPT_ALLOC_MINSZ ABI_OFFSETOFEND(struct iommu_hwpt_alloc, __reserved)
#define VFIO_BIND_MINSZ ABI_OFFSETOFEND(struct vfio_device_bind_iommufd, out_devid)
#define VFIO_ATTACH_MINSZ ABI_OFFSETOFEND(struct vfio_device_attach_iommufd_pt, pt_id)
#define VFIO_DETACH_MINSZ ABI_OFFSETOFEND(struct vfio_device_detach_iommufd_pt, flags)

#define IOMMU_ALLOW_IOVAS_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_allow_iovas, allowed_iovas)
#define IOMMU_IOAS_MAP_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_map, iova)
#define IOMMU_IOAS_COPY_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_copy, src_iova)
#define IOMMU_IOAS_UNMAP_MINSZ ABI_OFFSETOFEND(struct iommu_ioas_unmap, length)

/* The IOAS map/copy/unmap/allow-iovas layouts (sPAPR DMA windows). */
_Static_assert(sizeof(struct iommu_ioas_allow_iovas) == 24, "iommu_ioas_allow_iovas is 24");
_Static_assert(offsetof(struct iommu_ioas_allow_iovas, allowed_iovas) == 16, "allow iovas at 16");
_Static_assert(sizeof(struct iommu_ioas_map) == 40, "iommu_ioas_map is 40");
_Static_assert(offsetof(struct iommu_ioas_map, user_va) == 16, "map user_va at 16");
_Static_assert(offsetof(struct iommu_ioas_map, length) == 24, "map length at 24");
_Static_assert(offsetof(struct iommu_ioas_map, iova) == 32, "map iova at 32");
_Static_assert(sizeof(struct iommu_ioas_copy) == 40, "iommu_ioas_copy is 40");
_Static_assert(offsetof(struct iommu_ioas_copy, src_ioas_id) == 12, "copy src_ioas_id at 12");
_Static_assert(offsetof(struct iommu_ioas_copy, length) == 16, "copy length at 16");
_Static_assert(offsetof(struct iommu_ioas_copy, dst_iova) == 24, "copy dst_iova at 24");
_Static_assert(offsetof(struct iommu_ioas_copy, src_iova) == 32, "copy src_iova at 32");
_Static_assert(sizeof(struct iommu_ioas_unmap) == 24, "iommu_ioas_unmap is 24");
_Static_assert(offsetof(struct iommu_ioas_unmap, iova) == 8, "unmap iova at 8");
_Static_assert(offsetof(struct iommu_ioas_unmap, length) == 16, "unmap length at 16");
_Static_assert(IOMMU_IOAS_MAP_FIXED_IOVA == 1 && IOMMU_IOAS_MAP_WRITEABLE == 2 &&
	       IOMMU_IOAS_MAP_READABLE == 4, "IOAS map flags");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_ALLOW_IOVAS, 0x82), "ALLOW_IOVAS is _IO(';', 0x82)");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_COPY, 0x83), "IOAS_COPY is _IO(';', 0x83)");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_MAP, 0x85), "IOAS_MAP is _IO(';', 0x85)");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_UNMAP, 0x86), "IOAS_UNMAP is _IO(';', 0x86)");
/* The legacy SPAPR TCE v2 structs eeh_spapr_ioctl() takes. */
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_create) == 40, "spapr_tce_create is 40");
_Static_assert(offsetof(struct vfio_iommu_spapr_tce_create, window_size) == 16, "window_size 16");
_Static_assert(offsetof(struct vfio_iommu_spapr_tce_create, levels) == 24, "levels at 24");
_Static_assert(offsetof(struct vfio_iommu_spapr_tce_create, start_addr) == 32, "start at 32");
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_remove) == 16, "spapr_tce_remove is 16");
_Static_assert(sizeof(struct vfio_iommu_spapr_register_memory) == 24, "register_memory is 24");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_map) == 32, "dma_map is 32");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_unmap) == 24, "dma_unmap is 24");
_Static_assert(ABI_IS_IO(VFIO_IOMMU_MAP_DMA, 113) && ABI_IS_IO(VFIO_IOMMU_UNMAP_DMA, 114) &&
	       ABI_IS_IO(VFIO_IOMMU_ENABLE, 115) && ABI_IS_IO(VFIO_IOMMU_DISABLE, 116) &&
	       ABI_IS_IO(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, 117) &&
	       ABI_IS_IO(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, 118) &&
	       ABI_IS_IO(VFIO_IOMMU_SPAPR_TCE_CREATE, 119) &&
	       ABI_IS_IO(VFIO_IOMMU_SPAPR_TCE_REMOVE, 120), "SPAPR TCE ioctl numbers");

_Static_assert(sizeof(struct iommu_destroy) == 8, "iommu_destroy is 8");
_Static_assert(IOMMU_DESTROY_MINSZ == 8, "iommu_destroy minsz 8");
_Static_assert(sizeof(struct iommu_ioas_alloc) == 12, "iommu_ioas_alloc is 12");
_Static_assert(offsetof(struct iommu_ioas_alloc, out_ioas_id) == 8, "out_ioas_id at 8");
_Static_assert(sizeof(struct iommu_iova_range) == 16, "iommu_iova_range is 16");
_Static_assert(sizeof(struct iommu_ioas_iova_ranges) == 32, "iommu_ioas_iova_ranges is 32");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, num_iovas) == 8, "num_iovas at 8");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, allowed_iovas) == 16, "iovas at 16");
_Static_assert(offsetof(struct iommu_ioas_iova_ranges, out_iova_alignment) == 24, "align at 24");
_Static_assert(sizeof(struct iommu_hwpt_alloc) >= 24, "iommu_hwpt_alloc is >= 24");
_Static_assert(offsetof(struct iommu_hwpt_alloc, pt_id) == 12, "hwpt pt_id at 12");
_Static_assert(offsetof(struct iommu_hwpt_alloc, out_hwpt_id) == 16, "hwpt out_hwpt_id at 16");
_Static_assert(IOMMU_HWPT_ALLOC_MINSZ == 24, "iommu_hwpt_alloc minsz 24");
_Static_assert(offsetof(struct vfio_device_bind_iommufd, iommufd) == 8, "bind iommufd at 8");
_Static_assert(VFIO_BIND_MINSZ == 16, "bind minsz 16");
_Static_assert(VFIO_ATTACH_MINSZ == 12, "attach minsz 12");
_Static_assert(VFIO_DETACH_MINSZ == 8, "detach minsz 8");

_Static_assert(ABI_IS_IO(IOMMU_DESTROY, 0x80), "IOMMU_DESTROY is _IO(';', 0x80)");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_ALLOC, 0x81), "IOMMU_IOAS_ALLOC is _IO(';', 0x81)");
_Static_assert(ABI_IS_IO(IOMMU_IOAS_IOVA_RANGES, 0x84), "IOVA_RANGES is _IO(';', 0x84)");
_Static_assert(ABI_IS_IO(IOMMU_HWPT_ALLOC, 0x89), "IOMMU_HWPT_ALLOC is _IO(';', 0x89)");
_Static_assert(ABI_IS_IO(VFIO_DEVICE_BIND_IOMMUFD, 118), "BIND is _IO(';', 118)");
_Static_assert(ABI_IS_IO(VFIO_DEVICE_ATTACH_IOMMUFD_PT, 119), "ATTACH is _IO(';', 119)");
_Static_assert(ABI_IS_IO(VFIO_DEVICE_DETACH_IOMMUFD_PT, 120), "DETACH is _IO(';', 120)");

/* The legacy container side, from the system <linux/vfio.h>. */
_Static_assert(ABI_IS_IO(VFIO_CHECK_EXTENSION, 101), "VFIO_CHECK_EXTENSION is nr 101");
_Static_assert(ABI_IS_IO(VFIO_SET_IOMMU, 102), "VFIO_SET_IOMMU is nr 102");
_Static_assert(ABI_IS_IO(VFIO_GROUP_GET_STATUS, 103), "VFIO_GROUP_GET_STATUS is nr 103");
_Static_assert(ABI_IS_IO(VFIO_GROUP_SET_CONTAINER, 104), "VFIO_GROUP_SET_CONTAINER is nr 104");
_Static_assert(ABI_IS_IO(VFIO_IOMMU_SPAPR_TCE_GET_INFO, 112), "SPAPR_TCE_GET_INFO is nr 112");
_Static_assert(ABI_IS_IO(VFIO_EEH_PE_OP, 121), "VFIO_EEH_PE_OP is nr 121");
_Static_assert(sizeof(struct vfio_group_status) == 8, "vfio_group_status is 8");
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_info) == 32, "spapr_tce_info is 32");
_Static_assert(ABI_OFFSETOFEND(struct vfio_iommu_spapr_tce_info, dma32_window_size) == 16,
	       "spapr_tce_info minsz 16");
_Static_assert(sizeof(struct vfio_eeh_pe_op) == 40, "vfio_eeh_pe_op is 40");
_Static_assert(VFIO_EEH == 5 && VFIO_SPAPR_TCE_IOMMU == 2 && VFIO_SPAPR_TCE_v2_IOMMU == 7,
	       "VFIO extension numbers");

/* PCI hot reset through a VFIO device (vfio.h). The structs are in every
 * <linux/vfio.h> since 3.12; the cdev flags arrived in 6.6: in a reply
 * with VFIO_PCI_HOT_RESET_FLAG_DEV_ID, devices[].group_id is a devid. */
#ifndef VFIO_PCI_HOT_RESET_FLAG_DEV_ID
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID (1 << 0)
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED (1 << 1)
#endif
#ifndef VFIO_PCI_DEVID_OWNED
#define VFIO_PCI_DEVID_OWNED 0
#define VFIO_PCI_DEVID_NOT_OWNED (-1)
#endif
_Static_assert(ABI_IS_IO(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, 112), "HOT_RESET_INFO is nr 112");
_Static_assert(ABI_IS_IO(VFIO_DEVICE_PCI_HOT_RESET, 113), "PCI_HOT_RESET is nr 113");
_Static_assert(sizeof(struct vfio_pci_dependent_device) == 8, "dependent device is 8");
_Static_assert(sizeof(struct vfio_pci_hot_reset_info) == 12, "hot_reset_info header is 12");
_Static_assert(sizeof(struct vfio_pci_hot_reset) == 12, "hot_reset header is 12");

#endif
