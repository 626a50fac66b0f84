/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fake sysfs/procfs/debugfs trees for tests and benchmarks, written at test
 * time into a directory (a root for eeh_set_root(), or a umockdev testbed's
 * root). The layout follows the kernel: /sys/devices/pciDDDD:00/.../BDF with
 * config, resource, vendor/device/class, uevent, subsystem and iommu_group
 * links, physfn/virtfnN for SR-IOV, and the powerpc EEH attributes.
 */
#ifndef EEH_GEN_SYSFS_H
#define EEH_GEN_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IORESOURCE_* flags as the sysfs resource file shows them. */
#define GS_IO 0x00000100
#define GS_MEM 0x00000200
#define GS_PREFETCH 0x00002000
#define GS_MEM64 0x00100000

struct gs_bar {
	uint64_t start, size;
	unsigned int flags;
};

struct gs_func {
	const char *bdf;
	const char *parent;  /* upstream bridge BDF, NULL on the root bus */
	const char *physfn;  /* PF of a VF (the VF sits beside it) */
	uint16_t vendor, device;
	uint32_t class_code;
	bool bridge, multifunction;
	int group;           /* IOMMU group, -1 none */
	long pe;             /* eeh_pe_config_addr, -1: no EEH attributes */
	struct gs_bar bar[6];
};

enum gs_flags {
	GS_PROC_EEH = 0x1,      /* /proc/powerpc/eeh says enabled */
	GS_PROC_EEH_OFF = 0x2,  /* /proc/powerpc/eeh says globally disabled */
	GS_DEBUGFS = 0x4,       /* /sys/kernel/debug/powerpc with the EEH files */
	GS_ERR_INJCT = 0x8,     /* powernv PCIxxxx/err_injct per domain */
	GS_DEVTREE = 0x10,      /* device-tree PHB nodes with ibm,opal-phbid */
};

/* The PHB id written for a domain with GS_DEVTREE. */
#define GS_PHBID(domain) (0x8000000000000000ULL | ((uint64_t)(domain) << 8) | 0x42)

/* Write a host: every function, the iommu_groups directory and what the
 * flags ask. 0 or -errno. */
int gs_write_host(const char *root, const struct gs_func *fns, size_t n, unsigned int flags);
/* Write one more function (hotplug); its parent/physfn must exist. */
int gs_write_func(const char *root, const struct gs_func *fns, size_t n, size_t idx);
/* The index of the function with this BDF in fns, or -1. */
long gs_func_index(const struct gs_func *fns, size_t n, const char *bdf);
/* The function's directory below root ("/sys/devices/pci..../BDF"). */
int gs_func_syspath(const struct gs_func *fns, size_t n, size_t idx, char *buf, size_t len);
/* Remove a function's directory and links (not its children). */
int gs_remove_func(const char *root, const struct gs_func *fns, size_t n, size_t idx);
/* Set a PE's eeh_pe_state text for every function of the PE. PE numbers
 * are per PHB, so the domain says which PHB's PE. */
int gs_set_pe_state(const char *root, const struct gs_func *fns, size_t n, unsigned int domain,
		    long pe, unsigned int state, unsigned int flags);

/* A large host: npes multi-function PEs of fpp functions each, spread over
 * 4 PHBs, with EEH attributes; the array is malloc'd into *fns. */
int gs_gen_large(unsigned int npes, unsigned int fpp, struct gs_func **fns, size_t *n);
void gs_free_large(struct gs_func *fns, size_t n);

/* rm -rf */
int gs_rmtree(const char *dir);

#endif
