/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libeeh - POWER EEH (Enhanced Error Handling) for userspace.
 *
 * Partitionable Endpoints (PEs), their freeze and recovery semantics, the
 * VFIO_EEH_PE_OP operations applied to PEs and to iommufd device objects,
 * and a simulated POWER host that runs all of it on any Linux machine.
 *
 * Contents, in this order:
 *   Context       eeh_new*(), ref/unref, logging, root directory, system calls
 *   Clock         the virtual or real clock every EEH wait runs on
 *   Model         PHBs, PEs, PCI functions: iteration, lookups, device access
 *   Simulator     PAPR state control, error record, freeze limit, EEH switch
 *   PE ops        eeh_pe_op(): VFIO_EEH_PE_OP with the kernel's semantics
 *   iommufd       device objects, the one-group rule; legacy VFIO containers
 *   RTAS          the guest's RTAS EEH calls for a VMM (eeh_vm_*)
 *   Injection     IOA bus error functions 0..19, freezes, fences, records
 *   Recovery      the kernel's host recovery (eeh_recovery_*)
 *   Campaigns     seeded, shardable random fault campaigns
 *   Real hosts    discovery statistics, /proc and debugfs files, udev monitor
 *
 * Conventions: every function that can fail returns a negative errno value
 * (-EINVAL, -ENODEV, ...). What the library checks: NULL pointers, handles
 * against their context, and every value it reads (sizes, flags, op
 * codes, ranges), each refused with the errno documented next to the
 * call. What it cannot check: that a non-NULL pointer points to memory
 * that is readable (or writable) for as many bytes as the call says it
 * uses, nor that a handle has not been released; as with any C library,
 * such input is undefined behaviour. Handles are opaque and owned by the
 * context; they stay valid until the context is released. Public structs
 * that may grow in later versions (options, callbacks, results,
 * statistics) carry their size as first member: set it to sizeof the
 * struct (for example
 * `struct eeh_recovery_result res = { .size = sizeof(res) };`). A size
 * smaller than the struct's first version is refused with -EINVAL; the
 * library fills or reads only as much as the size covers.
 */
#ifndef LIBEEH_H
#define LIBEEH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_eeh_pe_op;

struct eeh_ctx;
struct eeh_phb;
struct eeh_pe;
struct eeh_func;

/* ------------------------------------------------------------------ */
/* Context                                                              */
/* ------------------------------------------------------------------ */

/*
 * Create a context on the default backend: the real host when it has EEH
 * (/proc/powerpc/eeh says enabled) or EEH_BACKEND=host, else the simulated
 * host. The simulated host loads $EEH_TOPOLOGY (a topology file) or the
 * built-in topology; $EEH_IMAGE names a persistent simulator image instead.
 * EEH_BACKEND=host gives a host context even where the host has no EEH; its
 * operations then fail with -EOPNOTSUPP and eeh_host_missing() says what is
 * missing. Returns 0, -ENOMEM, -EINVAL (bad topology, or EEH_BACKEND is
 * neither "sim" nor "host"; the log says why), or an errno from the image
 * or host discovery.
 */
int eeh_new(struct eeh_ctx **ctx);

/*
 * Create a context on the simulated host. topology is a topology file path,
 * or NULL for the built-in topology. Returns 0, -ENOMEM, -ENOENT/-EACCES
 * (cannot open the file), -EISDIR (a directory), -EINVAL (malformed;
 * nothing is half loaded).
 */
int eeh_new_sim(const char *topology, struct eeh_ctx **ctx);

/* As eeh_new_sim() with the topology as a JSON text in memory. */
int eeh_new_sim_json(const char *json, struct eeh_ctx **ctx);

/*
 * Create a context on a persistent simulator image. The image file itself
 * is locked (exclusively, flock) for the lifetime of the context, whatever
 * name reaches it (symbolic or hard links), so concurrent command
 * invocations queue behind each other. A symbolic link is followed: the
 * image is its target, and saves go there. If the image does not exist (or
 * is empty) it is created from topology (NULL: built-in); a created image
 * that is never saved is removed again when the context goes.
 * eeh_save_image() writes it back atomically. Returns 0, -EINVAL (also a
 * file that is no valid image), -EISDIR (a directory), -EACCES, -ENOMEM,
 * -EIO, -ELOOP.
 */
int eeh_new_sim_image(const char *image, const char *topology, struct eeh_ctx **ctx);

/*
 * Create a context on the real host: discover PCI functions, IOMMU groups
 * and EEH PEs from sysfs under root (NULL: $EEH_ROOT, else "/"), and use
 * the kernel's EEH files (sysfs eeh_pe_state, /proc/powerpc/eeh, debugfs)
 * for PE operations. With the real root, libudev enumerates the functions;
 * with another root, <root>/sys is walked. A host without EEH (x86) still
 * gives a model (one PE per IOMMU group) whose ops fail with -EOPNOTSUPP
 * and a log line naming what is missing. The model is read once; changing
 * the root later does not rediscover. Returns 0, -ENOMEM, -ENOENT (no
 * <root>/sys/bus/pci: no sysfs or no PCI), -EACCES.
 */
int eeh_new_host(const char *root, struct eeh_ctx **ctx);
/* true if the context runs on the real-host backend */
bool eeh_is_host(struct eeh_ctx *ctx);

/* Write the simulator state back to its image (atomic rename; the new file
 * is locked before it takes the old one's place). -EINVAL if the context
 * has no image, -EIO/-EACCES on write failure. */
int eeh_save_image(struct eeh_ctx *ctx);

/* Write the current model and simulator state as a topology/image JSON
 * file that eeh_new_sim() and eeh_new_sim_image() load again. */
int eeh_save_topology(struct eeh_ctx *ctx, const char *path);

struct eeh_ctx *eeh_ref(struct eeh_ctx *ctx);
struct eeh_ctx *eeh_unref(struct eeh_ctx *ctx);

/* Name of the backend in use: "sim", "host", ... */
const char *eeh_backend_name(struct eeh_ctx *ctx);

/* Logging, syslog priorities (3 err, 4 warning, 6 info, 7 debug). The
 * default priority comes from $EEH_LOG ("err", "info", "debug" or a
 * number), else err. The default function prints to stderr. */
typedef void (*eeh_log_fn)(struct eeh_ctx *ctx, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args);
void eeh_set_log_fn(struct eeh_ctx *ctx, eeh_log_fn fn);
void eeh_set_log_priority(struct eeh_ctx *ctx, int priority);
int eeh_get_log_priority(struct eeh_ctx *ctx);
void eeh_set_userdata(struct eeh_ctx *ctx, void *data);
void *eeh_get_userdata(struct eeh_ctx *ctx);

/*
 * The root directory under which sysfs, debugfs, procfs and /dev paths are
 * resolved (default "/"; also from $EEH_ROOT), for tests on fake trees.
 */
int eeh_set_root(struct eeh_ctx *ctx, const char *dir);
const char *eeh_get_root(struct eeh_ctx *ctx);

/*
 * Replace the system calls the library makes to the kernel, for tests
 * that stand in for the kernel in process. Any member may be NULL (the
 * real call is used). Each returns what the system call returns, with
 * -errno instead of -1/errno. ops must outlive the context's use of it.
 */
struct stat;
struct eeh_syscalls {
	size_t size;  /* sizeof(struct eeh_syscalls), set by the caller */
	int (*open)(void *data, const char *path, int flags, unsigned int mode);
	int (*close)(void *data, int fd);
	int (*ioctl)(void *data, int fd, unsigned long request, void *arg);
	long (*read)(void *data, int fd, void *buf, size_t len);
	long (*write)(void *data, int fd, const void *buf, size_t len);
	int (*fstat)(void *data, int fd, struct stat *st);
	int (*stat)(void *data, const char *path, struct stat *st);
	long (*readlink)(void *data, const char *path, char *buf, size_t len);
};
int eeh_set_syscalls(struct eeh_ctx *ctx, const struct eeh_syscalls *ops, void *data);

/* ------------------------------------------------------------------ */
/* Clock                                                                */
/* ------------------------------------------------------------------ */

/* The library clock drives every EEH wait (reset hold, settle, state
 * polling). Virtual (the default): time moves only when a wait or
 * eeh_clock_advance() moves it, so a 2 s reset cycle takes microseconds.
 * Real: CLOCK_MONOTONIC and real sleeps. */
enum eeh_clock_mode { EEH_CLOCK_VIRTUAL = 0, EEH_CLOCK_REAL = 1 };
int eeh_clock_set_mode(struct eeh_ctx *ctx, enum eeh_clock_mode mode); /* 0 or -EINVAL */
enum eeh_clock_mode eeh_clock_get_mode(struct eeh_ctx *ctx);
uint64_t eeh_clock_now_us(struct eeh_ctx *ctx);
/* The virtual clock's end: 2^63-1 us (292,000 years). */
#define EEH_CLOCK_MAX_US ((uint64_t)INT64_MAX)
/* Advance the virtual clock; -EINVAL on a real clock, -EOVERFLOW (clock
 * unchanged) when it would pass EEH_CLOCK_MAX_US. */
int eeh_clock_advance(struct eeh_ctx *ctx, uint64_t us);
/* Wait us on the library clock (virtual: advance; real: sleep). */
void eeh_clock_sleep(struct eeh_ctx *ctx, uint64_t us);

/* ------------------------------------------------------------------ */
/* Platform model: PHBs, PEs, PCI functions                             */
/* ------------------------------------------------------------------ */

/* PE types, the kernel's EEH_PE_* type values. */
enum eeh_pe_type {
	EEH_PE_TYPE_PHB = 0x02,
	EEH_PE_TYPE_DEVICE = 0x04,
	EEH_PE_TYPE_BUS = 0x08,
	EEH_PE_TYPE_VF = 0x10,
};
const char *eeh_pe_type_name(enum eeh_pe_type type); /* "phb", "device", "bus", "vf" */

struct eeh_phb *eeh_phb_first(struct eeh_ctx *ctx);
struct eeh_phb *eeh_phb_next(struct eeh_phb *phb);
#define eeh_phb_foreach(ctx, phb) \
	for ((phb) = eeh_phb_first(ctx); (phb); (phb) = eeh_phb_next(phb))
unsigned int eeh_phb_index(struct eeh_phb *phb);
uint64_t eeh_phb_buid(struct eeh_phb *phb);
unsigned int eeh_phb_domain(struct eeh_phb *phb);
unsigned int eeh_phb_pe_count(struct eeh_phb *phb);
struct eeh_phb *eeh_phb_by_buid(struct eeh_ctx *ctx, uint64_t buid); /* NULL if none */

/* PEs of a PHB in topology order. */
struct eeh_pe *eeh_pe_first(struct eeh_phb *phb);
struct eeh_pe *eeh_pe_next(struct eeh_pe *pe);
#define eeh_pe_foreach(phb, pe) \
	for ((pe) = eeh_pe_first(phb); (pe); (pe) = eeh_pe_next(pe))
struct eeh_phb *eeh_pe_phb(struct eeh_pe *pe);
unsigned int eeh_pe_number(struct eeh_pe *pe);
enum eeh_pe_type eeh_pe_type(struct eeh_pe *pe);
struct eeh_pe *eeh_pe_parent(struct eeh_pe *pe); /* NULL for a top-level PE */
uint32_t eeh_pe_config_addr(struct eeh_pe *pe);
int eeh_pe_iommu_group(struct eeh_pe *pe);
unsigned int eeh_pe_func_count(struct eeh_pe *pe);
struct eeh_ctx *eeh_pe_ctx(struct eeh_pe *pe);
/* Freeze accounting: host recoveries of the PE in the current one-hour
 * window, which the freeze limit counts (doc/passthrough.md). */
unsigned int eeh_pe_freeze_count(struct eeh_pe *pe);
/* Kernel software flags (EEH_PE_ISOLATED 0x1, RECOVERING 0x2, CFG_BLOCKED
 * 0x4, RESET 0x8, REMOVED 0x400), as the 2nd word of sysfs eeh_pe_state. */
uint32_t eeh_pe_flags(struct eeh_pe *pe);
/* Text "PHB#<index>-PE#<number>" for messages; valid while pe lives. */
const char *eeh_pe_name(struct eeh_pe *pe);

/* Lookups, all O(1). NULL when not found. */
struct eeh_pe *eeh_pe_by_addr(struct eeh_ctx *ctx, uint64_t buid, uint32_t pe_addr);
struct eeh_pe *eeh_pe_by_dev_addr(struct eeh_ctx *ctx, uint64_t buid, uint32_t cfg_addr);
struct eeh_pe *eeh_pe_by_group(struct eeh_ctx *ctx, int group);
struct eeh_func *eeh_func_by_bdf(struct eeh_ctx *ctx, unsigned int domain, unsigned int bus,
				 unsigned int devfn);
/*
 * Name a PE as users do: "group:N" or "N" (an IOMMU group), a BDF
 * "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) of any of its functions, or
 * "phbI:peN". Returns the PE or NULL (-ENOENT not found, -EINVAL bad
 * syntax, in *err if err is not NULL).
 */
struct eeh_pe *eeh_pe_lookup(struct eeh_ctx *ctx, const char *name, int *err);

/* Functions of a PE. */
struct eeh_func *eeh_func_first(struct eeh_pe *pe);
struct eeh_func *eeh_func_next(struct eeh_func *func);
#define eeh_func_foreach(pe, func) \
	for ((func) = eeh_func_first(pe); (func); (func) = eeh_func_next(func))
struct eeh_pe *eeh_func_pe(struct eeh_func *func);
unsigned int eeh_func_domain(struct eeh_func *func);
unsigned int eeh_func_bus(struct eeh_func *func);
unsigned int eeh_func_devfn(struct eeh_func *func);
/* "DDDD:BB:DD.F"; valid while the function lives. */
const char *eeh_func_bdf(struct eeh_func *func);
uint16_t eeh_func_vendor(struct eeh_func *func);
uint16_t eeh_func_device(struct eeh_func *func);
uint32_t eeh_func_class(struct eeh_func *func);
/* The function's device config address as RTAS encodes it (bus<<16|devfn<<8). */
uint32_t eeh_func_config_addr(struct eeh_func *func);
/* The physical function of an SR-IOV VF, else NULL. */
struct eeh_func *eeh_func_physfn(struct eeh_func *func);

enum eeh_bar_flags {
	EEH_BAR_IO = 0x1,
	EEH_BAR_MEM64 = 0x4,
	EEH_BAR_PREFETCH = 0x8,
};
/* BAR bar (0..5) as a bus address and size; -ENOENT if not implemented. */
int eeh_func_bar(struct eeh_func *func, unsigned int bar, uint64_t *addr, uint64_t *size,
		 unsigned int *flags);

/*
 * Device accessors, as a driver or a test sees the device. While the PE
 * (or a parent PE) is frozen, loads return all-ones and stores are dropped;
 * while config access is blocked (reset in progress) config loads return
 * all-ones. Each returns 0, or -EINVAL for a bad size/offset/BAR.
 * size is 1, 2, 4 (config) or 1, 2, 4, 8 (MMIO).
 */
int eeh_func_cfg_read(struct eeh_func *func, unsigned int off, unsigned int size, uint32_t *val);
int eeh_func_cfg_write(struct eeh_func *func, unsigned int off, unsigned int size, uint32_t val);
int eeh_func_mmio_read(struct eeh_func *func, unsigned int bar, uint64_t off, unsigned int size,
		       uint64_t *val);
int eeh_func_mmio_write(struct eeh_func *func, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val);
/* A DMA by the device (read or write of host memory at a bus address).
 * Returns 0 if it went through, -EIO if the PE's DMA is stopped. */
int eeh_func_dma(struct eeh_func *func, bool write, uint64_t addr, size_t len);

/* ------------------------------------------------------------------ */
/* Simulated host control                                               */
/* ------------------------------------------------------------------ */

/* PAPR PE states as ibm,read-slot-reset-state2 reports them. */
enum eeh_papr_state {
	EEH_PAPR_STATE_NORMAL = 0,
	EEH_PAPR_STATE_RESET = 1,
	EEH_PAPR_STATE_STOPPED = 2,
	EEH_PAPR_STATE_STOPPED_DMA = 4,
	EEH_PAPR_STATE_UNAVAIL = 5,
};

/*
 * The LoPAR "PE State Control" table. For a call and a current PAPR state
 * (0, 1, 2, 4 or 5; permanent tells 5-permanent from 5-temporary) it gives
 * the RTAS status (0, -3 parameter error / not applicable, -7 unexpected
 * state change) and, when the call changes the state, *next_state (else
 * -1). Returns -EINVAL for an unknown call or state.
 */
enum eeh_papr_call {
	EEH_PAPR_THAW_MMIO = 0,      /* ibm,set-eeh-option 2 */
	EEH_PAPR_THAW_DMA = 1,       /* ibm,set-eeh-option 3 */
	EEH_PAPR_RESET_DEACTIVATE = 2, /* ibm,set-slot-reset 0 */
	EEH_PAPR_RESET_HOT = 3,      /* ibm,set-slot-reset 1 */
	EEH_PAPR_RESET_FUNDAMENTAL = 4, /* ibm,set-slot-reset 3 */
};
int eeh_papr_state_control(enum eeh_papr_call call, int state, bool permanent, int *next_state);

/* Make the firmware call on a simulated PE (no kernel waits, no BAR
 * restore): returns the RTAS status (0, -3, -7, -8 no fundamental reset),
 * or -EOPNOTSUPP on another backend. */
int eeh_sim_papr_call(struct eeh_pe *pe, enum eeh_papr_call call);

/* What froze a PE last, as the platform recorded it (the source of the
 * PAPR error log). func is the IOA bus error function 0..19, -1 for a
 * freeze with no cause, -2 for a PHB fence. Returns 0, -EINVAL, or
 * -EOPNOTSUPP when the backend keeps no record. */
/* The name of an eeh_pe_error.func: "bad-dma", "fence", "none", or the
 * IOA bus error function's ("dma-wr-target"...); NULL if unknown. */
const char *eeh_pe_error_name(int func);
/* eeh_pe_error.func beyond the IOA bus error functions 0..19. */
#define EEH_PE_ERROR_NONE (-1)
#define EEH_PE_ERROR_FENCE (-2)   /* PHB fence */
#define EEH_PE_ERROR_BAD_DMA (-3) /* DMA refused by the TCE tables (sPAPR DMA windows) */
struct eeh_pe_error {
	size_t size;  /* sizeof(struct eeh_pe_error), set by the caller */
	unsigned int errors;   /* errors seen since the PE was created */
	int func;
	uint64_t addr;         /* bus address of the failing access, 0 if none */
	uint64_t time_us;      /* library clock at the last error */
};
int eeh_pe_last_error(struct eeh_pe *pe, struct eeh_pe_error *err);

/* true if the context runs the simulated host */
bool eeh_is_sim(struct eeh_ctx *ctx);

/* Freeze limit per window (default 5; the kernel's eeh_max_freezes). It
 * counts host recoveries (eeh_recovery_run()), not freezes, and never a
 * passed-through PE's (doc/passthrough.md). */
int eeh_set_max_freezes(struct eeh_ctx *ctx, unsigned int max);
unsigned int eeh_get_max_freezes(struct eeh_ctx *ctx);
/* Global EEH switch (the kernel's eeh_enabled()): when off, ENABLE
 * gives -EIO as the kernel does. */
void eeh_set_enabled(struct eeh_ctx *ctx, bool enabled);
bool eeh_get_enabled(struct eeh_ctx *ctx);

/* ------------------------------------------------------------------ */
/* PE operations (VFIO_EEH_PE_OP semantics)                             */
/* ------------------------------------------------------------------ */

/*
 * Run one VFIO_EEH_PE_OP on a PE with the kernel's exact validation and
 * semantics (struct vfio_eeh_pe_op from <linux/vfio.h>). Returns what the
 * ioctl returns: >= 0 (the state for GET_STATE, else 0) or a negative errno:
 * -EINVAL (argsz < 12, flags != 0, unknown op, INJECT_ERR with argsz < 40,
 * type not 0/1 or func outside 0..19), -ENODEV (no PE), -EIO (ENABLE with
 * EEH disabled, a thaw that did not take), -ENOENT (platform lacks the op),
 * -EFAULT (op is NULL). Waits (reset hold 250 ms, settle 1.8 s, state
 * polling) run on the library clock. The buffer: op NULL is -EFAULT; a
 * non-NULL op must be readable for its first 12 bytes (argsz, flags, op),
 * and for all 40 when op is INJECT_ERR with argsz >= 40 (the err member
 * is read only then), as the kernel copies it; the library never reads
 * past argsz, never writes the struct, and cannot detect an unreadable
 * pointer (the kernel answers -EFAULT there). While the PE's IOMMU group sits in a
 * kernel VFIO container (eeh_container_open() with EEH_CONTAINER_KERNEL),
 * the op goes to the kernel through that container and its answers are
 * the container's (-EPERM when it holds more than one group).
 */
int eeh_pe_op(struct eeh_pe *pe, struct vfio_eeh_pe_op *op);

/* Shorthand: build the struct for op (0..8) and run it. */
int eeh_pe_op_simple(struct eeh_pe *pe, unsigned int op);
/* (INJECT_ERR takes arguments: eeh_pe_op(), or eeh_inject_ioa() below.) */

/* Op names: "disable", "enable", "thaw-mmio", "thaw-dma", "get-state",
 * "reset-deactivate", "reset-hot", "reset-fundamental", "configure",
 * "inject". NULL / -EINVAL for unknown ones. */
const char *eeh_op_name(unsigned int op);
int eeh_op_from_name(const char *name);
/* "normal", "reset", "stopped", "stopped-dma", "unavailable" */
const char *eeh_state_name(int state);

/*
 * The PAPR-level state (what ibm,read-slot-reset-state2 shows): state
 * 0/1/2/4/5 and, for state 5, the time until the PE becomes available in
 * ms, or 0 when it is permanently unavailable. Returns 0 or -errno.
 */
int eeh_pe_papr_state(struct eeh_pe *pe, int *state, unsigned int *unavail_ms);

/* Raw platform state bits (EEH_STATE_*: UNAVAILABLE 0x01, NOT_SUPPORT 0x02,
 * RESET_ACTIVE 0x04, MMIO_ACTIVE 0x08, DMA_ACTIVE 0x10, MMIO_ENABLED 0x20,
 * DMA_ENABLED 0x40), the 1st word of sysfs eeh_pe_state. */
int eeh_pe_platform_state(struct eeh_pe *pe);

/* ------------------------------------------------------------------ */
/* iommufd device objects and legacy VFIO containers                  */
/* ------------------------------------------------------------------ */

/*
 * EEH on iommufd device objects. Linux has no EEH uAPI for iommufd: libeeh
 * keeps, per iommufd, device -> IOMMU group -> PE and device -> HWPT ->
 * IOAS, and runs VFIO_EEH_PE_OP semantics on the device's PE when its IOAS
 * holds exactly one IOMMU group (the rule QEMU applies to containers).
 * Object IDs are the kernel's (from 1; 0 is never valid). All calls are
 * thread safe; PE ops on different devices run concurrently.
 */
struct eeh_iommufd;

/* Open /dev/iommu even on the simulated host (the devices' groups are
 * then looked up among the simulated PEs). */
#define EEH_IOMMUFD_KERNEL 0x1

/*
 * Open an iommufd context: on the simulated host a simulated iommufd
 * (unless flags has EEH_IOMMUFD_KERNEL), else /dev/iommu. Returns 0,
 * -EINVAL (unknown flags, NULL argument), -ENOMEM, or the errno of
 * opening /dev/iommu (-ENOENT: kernel without iommufd, -EACCES).
 */
int eeh_iommufd_open(struct eeh_ctx *ctx, unsigned int flags, struct eeh_iommufd **out);
/*
 * Use a VMM's iommufd: fd is its open /dev/iommu (libeeh issues ioctls on
 * it and never closes it), or -1 for a context that only records what the
 * VMM registers (then bind/ioas/hwpt/attach/detach give -EBADF).
 * Returns 0, -EINVAL, -ENOMEM.
 */
int eeh_iommufd_adopt(struct eeh_ctx *ctx, int fd, struct eeh_iommufd **out);
/* Close: devices libeeh bound are unbound (their cdev fds closed); an
 * iommufd libeeh opened is closed, which destroys its objects. */
void eeh_iommufd_close(struct eeh_iommufd *ifd);
/* The /dev/iommu fd, or -1 (simulated, record-only). */
int eeh_iommufd_fd(struct eeh_iommufd *ifd);

/*
 * Bind a device: a VFIO cdev path ("/dev/vfio/devices/vfio0") on the
 * kernel, a function's BDF ("0000:01:00.0") on the simulated iommufd.
 * Its IOMMU group comes from /sys/class/vfio-dev/vfioN/device/iommu_group
 * (or fstat of the cdev). *devid gets the device object ID. Returns 0,
 * -ENOENT (no such device), -EINVAL (already bound, bad name), -ENODEV
 * (no IOMMU group), -EPERM (the group is owned elsewhere), -EBADF, or the
 * kernel's errno (ENOTTY: kernel without VFIO cdev).
 */
int eeh_iommufd_bind(struct eeh_iommufd *ifd, const char *dev, uint32_t *devid);
/* Unbind a device libeeh bound (closing its cdev detaches it). 0, -ENOENT
 * (unknown devid), -EINVAL (a registered device: unregister it). */
int eeh_iommufd_unbind(struct eeh_iommufd *ifd, uint32_t devid);
/* Allocate an IOAS. 0, -EBADF, -ENOMEM, kernel errno. */
int eeh_iommufd_ioas_alloc(struct eeh_iommufd *ifd, uint32_t *ioas_id);
/* Allocate a paging HWPT on an IOAS for a device. 0, -ENOENT (unknown
 * devid), -EINVAL (ioas_id is not an IOAS), -EBADF, kernel errno. */
int eeh_iommufd_hwpt_alloc(struct eeh_iommufd *ifd, uint32_t devid, uint32_t ioas_id,
			   uint32_t *hwpt_id);
/*
 * Attach a device to an IOAS (the kernel picks or creates an automatic
 * HWPT) or to an HWPT; attaching an attached device replaces its HWPT,
 * and, as in the kernel, moves every device of its IOMMU group along.
 * *hwpt_id (may be NULL) gets the HWPT used. Returns 0, -ENOENT (unknown
 * devid or pt_id), -EINVAL (pt_id is a device; a device of the same
 * group sits on another HWPT), -EBADF, kernel errno.
 */
int eeh_iommufd_attach(struct eeh_iommufd *ifd, uint32_t devid, uint32_t pt_id,
		       uint32_t *hwpt_id);
/* Detach (DMA blocked); 0 also when not attached. -ENOENT, -EBADF. */
int eeh_iommufd_detach(struct eeh_iommufd *ifd, uint32_t devid);
/* IOMMU_DESTROY an IOAS or HWPT. 0, -ENOENT, -EBUSY (in use: an IOAS
 * with HWPTs, an HWPT with devices, a device), -EBADF. */
int eeh_iommufd_destroy(struct eeh_iommufd *ifd, uint32_t id);

struct eeh_iova_range {
	uint64_t start, last; /* inclusive */
};
/*
 * The IOAS's usable IOVA ranges. On the simulated host, once a device is
 * attached, they are the PE's DMA windows: the 32-bit default window
 * [0, 2 GiB) and the 64-bit window at 1<<59 (1 TiB); an empty IOAS
 * reports [0, UINT64_MAX]. *n is the array size in and the count out.
 * Returns 0, -EMSGSIZE (array too small: *n is the number needed),
 * -ENOENT (not an IOAS), -EBADF, kernel errno.
 */
int eeh_iommufd_iova_ranges(struct eeh_iommufd *ifd, uint32_t ioas_id,
			    struct eeh_iova_range *ranges, unsigned int *n);

/*
 * IOMMU_IOAS_MAP with a fixed IOVA (flags: EEH_IOAS_MAP_READ/WRITE, the
 * device's view) and IOMMU_IOAS_UNMAP (*unmapped, may be NULL, gets the
 * bytes), on the kernel or the simulated iommufd (which asks 4 KiB
 * alignment and fills the attached PEs' TCE tables). The kernel's
 * errnos: -EINVAL, -EEXIST (overlap), -ENOENT (an area only partly
 * covered, nothing to unmap), -EOVERFLOW, -EBADF.
 */
#define EEH_IOAS_MAP_WRITE 0x2u
#define EEH_IOAS_MAP_READ 0x4u
int eeh_iommufd_ioas_map(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			 uint64_t vaddr, unsigned int flags);
int eeh_iommufd_ioas_unmap(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova,
			   uint64_t len, uint64_t *unmapped);

/*
 * For a VMM that did its own binding: record (or update) a device it
 * bound, with its IOMMU group and where it is attached (ioas_id 0: not
 * attached; hwpt_id 0: not known). Unknown IOAS and HWPT IDs are
 * recorded. Returns 0, -EINVAL (devid 0, group < 0, hwpt_id belongs to
 * another IOAS, an ID already naming an object of another type: IDs
 * share one namespace), -EEXIST (libeeh bound that devid itself), -ENOMEM.
 */
int eeh_iommufd_register_device(struct eeh_iommufd *ifd, uint32_t devid, int group,
				uint32_t ioas_id, uint32_t hwpt_id);
/* The VMM closed the device. 0, -ENOENT, -EINVAL (libeeh bound it). */
int eeh_iommufd_unregister_device(struct eeh_iommufd *ifd, uint32_t devid);

struct eeh_iommufd_device {
	size_t size;  /* sizeof(struct eeh_iommufd_device), set by the caller */
	uint32_t devid;
	int group;
	uint32_t ioas_id;    /* 0: not attached */
	uint32_t hwpt_id;    /* 0: not attached or not known */
	struct eeh_pe *pe;   /* NULL: the group is no known PE */
	bool registered;     /* the VMM bound it */
	char name[64];       /* cdev path or BDF; "" when registered */
};
/* 0, -ENOENT (unknown devid or 0), -EINVAL. */
int eeh_iommufd_device_info(struct eeh_iommufd *ifd, uint32_t devid,
			    struct eeh_iommufd_device *info);
/* Devices in ascending ID order: the first ID above after, 0 at the end. */
uint32_t eeh_iommufd_device_next(struct eeh_iommufd *ifd, uint32_t after);
/* IOASes in ascending ID order, likewise. */
uint32_t eeh_iommufd_ioas_next(struct eeh_iommufd *ifd, uint32_t after);
/* Distinct IOMMU groups attached to an IOAS (>= 0), or -ENOENT. */
int eeh_iommufd_ioas_groups(struct eeh_iommufd *ifd, uint32_t ioas_id);

/*
 * The one-group rule, without running anything: 0 and *pe (may be NULL)
 * when a PE op on devid would run; -ENOENT (unknown devid or 0), -ENODEV
 * (bound but not attached, or its group is no known PE), -EPERM (its IOAS
 * holds two or more IOMMU groups).
 */
int eeh_iommufd_check(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe);
/* The PE of a device, whatever its attachment; NULL (*err -ENOENT or
 * -ENODEV) if none. */
struct eeh_pe *eeh_iommufd_device_pe(struct eeh_iommufd *ifd, uint32_t devid, int *err);
/*
 * VFIO_EEH_PE_OP addressed by (iommufd, device ID): the rule of
 * eeh_iommufd_check() decides first, before any backend call (so never a
 * partial fan-out), then eeh_pe_op() runs on the device's PE. On a real
 * host with no container holding the PE, RESET_HOT, RESET_FUNDAMENTAL (a
 * hot reset), RESET_DEACTIVATE and CONFIGURE go through the device's VFIO
 * cdev instead (doc/pe-op-routes.md): -EPERM when the bus reset would
 * reach a function this iommufd does not own, -ENODEV when the platform
 * has no bus reset for the function, -EIO when the PE stays frozen.
 * Returns -ENOENT, -ENODEV, -EPERM as eeh_iommufd_check(), -EFAULT (op
 * NULL), -EINVAL (ifd NULL, flags, short argsz), else what eeh_pe_op()
 * returns.
 */
int eeh_iommufd_pe_op(struct eeh_iommufd *ifd, uint32_t devid, struct vfio_eeh_pe_op *op);

/* ---- sPAPR DMA windows on iommufd (issue 13) ---- */

/*
 * The DMA half of sPAPR on iommufd, in userspace: a struct eeh_spapr is
 * bound to one IOAS (the device's) and gives the PE behind it the sPAPR
 * IOMMU model: up to two DMA windows (the default 32-bit window at
 * dma32_start, and a dynamic one at the platform's 64-bit base, 1<<59 on
 * the simulated host, slots taken lowest first as the kernel does), TCE
 * updates, and preregistered memory. Windows become the IOAS's allowed
 * IOVAs (IOMMU_IOAS_ALLOW_IOVAS); on the simulated host they are also
 * programmed into the PE's TVEs, so IOMMU_IOAS_IOVA_RANGES reports them
 * and the functions' DMA goes through the TCE tables. A TCE update is an
 * IOMMU_IOAS_COPY of one window page from the implicit, device-less
 * preregistration IOAS (identity-mapped VMM addresses) into the device's
 * IOAS, or an IOMMU_IOAS_UNMAP. The IOAS must hold exactly one IOMMU group
 * for any window or TCE call: -ENODEV with none attached, -EPERM with two
 * or more (the rule of eeh_iommufd_check()). Calls are thread safe.
 *
 * A TCE is the page's address (bits above the window's page shift) with
 * EEH_TCE_READ (the device may read memory) and EEH_TCE_WRITE (it may
 * write); neither bit clears the entry. The address is a VMM virtual
 * address unless a translation is set (eeh_spapr_set_translate()).
 */
struct eeh_spapr;

#define EEH_TCE_READ 0x1ULL
#define EEH_TCE_WRITE 0x2ULL
#define EEH_SPAPR_MAX_WINDOWS 2
/* PAPR: H_PUT_TCE_INDIRECT takes at most 512 TCEs (one 4 KiB page). */
#define EEH_TCE_LIST_MAX 512

/*
 * A DMA-window object on IOAS ioas_id of ifd (which must outlive it). It
 * allocates the preregistration IOAS. The default window is pending, as
 * in the kernel's v2 container: it comes into being with the first
 * window creation or TCE update, unless removed first. Returns 0,
 * -EINVAL, -ENOENT (not an IOAS of ifd), -ENOMEM, the IOAS_ALLOC errno.
 */
int eeh_spapr_new(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_spapr **out);
/* Unmap every TCE, drop the allowed IOVAs, destroy the prereg IOAS. */
void eeh_spapr_free(struct eeh_spapr *sp);
/* The IOAS it is bound to, and its preregistration IOAS. */
uint32_t eeh_spapr_ioas(struct eeh_spapr *sp);
uint32_t eeh_spapr_prereg_ioas(struct eeh_spapr *sp);

/* Translation of the address in a TCE to the VMM address to map (the
 * guest-physical to host-virtual step of a VMM): 0 or -errno. NULL (the
 * default) is the identity. */
typedef int (*eeh_spapr_xlate_fn)(void *opaque, uint64_t addr, uint64_t *vaddr);
void eeh_spapr_set_translate(struct eeh_spapr *sp, eeh_spapr_xlate_fn fn, void *opaque);

struct eeh_spapr_info {
	uint64_t dma32_start, dma32_size; /* the default window */
	uint64_t dma64_base;              /* where window slot 1 goes */
	uint64_t pgsizes;                 /* I/O page sizes: bit n = 2^n bytes */
	unsigned int max_windows;         /* 2 */
	unsigned int max_levels;          /* 5 */
};
/* The platform's DMA geometry (GET_INFO). 0, -EINVAL. */
int eeh_spapr_get_info(struct eeh_spapr *sp, struct eeh_spapr_info *info);

struct eeh_spapr_window {
	uint64_t start, size;          /* bus address range */
	unsigned int page_shift;       /* I/O page: 12 (4 KiB), 16, 21, 24 */
	unsigned int levels;           /* TCE table levels asked for */
	bool is_default;               /* the default window (created by reset) */
	bool pending;                  /* the default window, not yet created */
	uint64_t mapped;               /* valid TCEs */
	size_t table_bytes;            /* memory of libeeh's TCE table for it */
};
/* Window slot 0 or 1: 0, -ENOENT (slot empty), -EINVAL. */
int eeh_spapr_window(struct eeh_spapr *sp, unsigned int slot, struct eeh_spapr_window *w);

/*
 * Create a window in the lowest free slot (slot 0 at dma32_start, slot 1
 * at dma64_base): *start gets its bus address. Checks as the kernel's
 * v2 container and PowerNV: -ENOSPC (both slots used), -EINVAL (page
 * size not in pgsizes, window size not a power of two or below one page,
 * levels not 1..5, a table the levels cannot index), then -ENODEV,
 * -EPERM (the group rule), or the IOAS's errno.
 */
int eeh_spapr_create_window(struct eeh_spapr *sp, unsigned int page_shift, uint64_t window_size,
			    unsigned int levels, uint64_t *start);
/* Remove the window containing start (its TCEs cleared first); start 0
 * with the default window pending cancels it. 0, -EINVAL (no window
 * there), -ENODEV, -EPERM. */
int eeh_spapr_remove_window(struct eeh_spapr *sp, uint64_t start);
/* Remove every window and create the default one (4 KiB pages,
 * dma32_size, one level): ibm,reset-pe-dma-window. 0, -ENODEV, -EPERM. */
int eeh_spapr_reset(struct eeh_spapr *sp);

/*
 * Preregister VMM memory [vaddr, vaddr+size): aligned to the host page
 * (64 KiB on the simulated POWER host, else the page size), mapped into
 * the preregistration IOAS. 0, -EINVAL (misaligned, empty, wraps,
 * overlaps another region), -EBUSY (the same region is registered),
 * -ENOMEM, the IOAS_MAP errno.
 */
int eeh_spapr_register(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size);
/* 0, -EINVAL (misaligned), -ENOENT (no such region: exact match),
 * -EBUSY (TCEs still map it). */
int eeh_spapr_unregister(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size);

/*
 * TCE updates at bus address ioba (aligned to the window page). A valid
 * TCE replaces what was there. Returns 0, -ENXIO (ioba in no window),
 * -EINVAL (misaligned ioba; the translation fails; the page not inside a
 * registered region, or in one whose alignment is below the window page; the list or range
 * runs past the window; more than 512 entries), -ENODEV, -EPERM, or the
 * IOAS's errno. put_tce_list and stuff_tce apply entries in order and
 * stop at the first failure (the earlier ones stay, as QEMU's).
 */
int eeh_spapr_put_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t tce);
int eeh_spapr_put_tce_list(struct eeh_spapr *sp, uint64_t ioba, const uint64_t *tces,
			   unsigned int n);
int eeh_spapr_stuff_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t tce, uint64_t npages);
/* The TCE at ioba (0 if never set). 0, -ENXIO, -EINVAL. */
int eeh_spapr_get_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t *tce);

/*
 * The DMA window slot (0, 1) programmed into a PE of the simulated host
 * (its TVE and TCE table, what its functions' DMA goes through): start,
 * size, page_shift, mapped (valid TCEs) and table_bytes are filled;
 * levels and is_default are libeeh's (eeh_spapr_window()), not the
 * hardware's, and stay 0. Returns 0, -ENOENT (slot off, or the PE's DMA
 * is not translated at all), -EINVAL, -EOPNOTSUPP (not the simulated
 * host).
 */
int eeh_pe_dma_window(struct eeh_pe *pe, unsigned int slot, struct eeh_spapr_window *w);

/*
 * The legacy SPAPR TCE v2 container over iommufd: request and arg as for
 * ioctl(2) on /dev/vfio/vfio with VFIO_SPAPR_TCE_v2_IOMMU set (the
 * <linux/vfio.h> structs): VFIO_IOMMU_SPAPR_TCE_GET_INFO,
 * VFIO_IOMMU_SPAPR_REGISTER_MEMORY, _UNREGISTER_MEMORY,
 * VFIO_IOMMU_SPAPR_TCE_CREATE, _REMOVE, VFIO_IOMMU_MAP_DMA, _UNMAP_DMA,
 * VFIO_EEH_PE_OP; VFIO_IOMMU_ENABLE/DISABLE are v1 calls a v2 container
 * refuses (-ENOTTY). Returns what the kernel's container returns: 0 (the
 * state for GET_STATE), a negative errno, or 1 where the kernel's
 * parameter check returns 1 (a MAP/UNMAP iova not aligned to the window
 * page). -EFAULT for arg NULL, -ENOTTY for other requests.
 */
int eeh_spapr_ioctl(struct eeh_spapr *sp, unsigned long request, void *arg);

/*
 * Legacy VFIO container (/dev/vfio/vfio) with the SPAPR TCE IOMMU: the
 * only kernel EEH path today. On the simulated host without an fd, a
 * simulated SPAPR container.
 */
struct eeh_container;
struct vfio_iommu_spapr_tce_info;
/* Open /dev/vfio/vfio even on the simulated host. */
#define EEH_CONTAINER_KERNEL 0x1
/*
 * fd < 0: open /dev/vfio/vfio (a simulated container on the simulated
 * host unless flags has EEH_CONTAINER_KERNEL); else use the VMM's
 * container fd (never closed by libeeh). Probes the API version and the
 * VFIO_SPAPR_TCE_v2/VFIO_SPAPR_TCE/VFIO_EEH extensions. Returns 0,
 * -EINVAL, -ENOMEM, the errno of the open (-ENOENT: no VFIO container
 * support), -EPROTO (unknown VFIO API version).
 */
int eeh_container_open(struct eeh_ctx *ctx, int fd, unsigned int flags,
		       struct eeh_container **out);
void eeh_container_close(struct eeh_container *c);
/*
 * Add IOMMU group N: opens /dev/vfio/N, checks it is viable, sets the
 * container, and on the first group sets the SPAPR IOMMU (v2, else v1) if
 * the SPAPR extension is there. Returns 0, -EEXIST (already in), -EPERM
 * (group not viable), -EBUSY (SPAPR v1 takes one group), -ENOENT, kernel
 * errno.
 */
int eeh_container_add_group(struct eeh_container *c, int group);
/* For a VMM that attached the group itself: record it. 0, -EEXIST,
 * -EINVAL, -ENOMEM. */
int eeh_container_register_group(struct eeh_container *c, int group);
/* Remove a group (closing a group libeeh opened). 0, -ENOENT. */
int eeh_container_remove_group(struct eeh_container *c, int group);
unsigned int eeh_container_group_count(struct eeh_container *c);
/* 0 if VFIO_CHECK_EXTENSION(VFIO_EEH) said yes, else -EOPNOTSUPP (an
 * iommufd-backed or type1 /dev/vfio/vfio answers 0). */
int eeh_container_eeh_supported(struct eeh_container *c);
/* The IOMMU type set (VFIO_SPAPR_TCE_v2_IOMMU 7, VFIO_SPAPR_TCE_IOMMU 2),
 * 0 if none. */
int eeh_container_iommu_type(struct eeh_container *c);
/* VFIO_IOMMU_SPAPR_TCE_GET_INFO, only once the SPAPR extension check
 * passed and the SPAPR IOMMU is set (the same ioctl number is type1's
 * GET_INFO, which "succeeds" with other data). 0, -EOPNOTSUPP, kernel
 * errno (ENXIO: no group). */
int eeh_container_spapr_info(struct eeh_container *c, struct vfio_iommu_spapr_tce_info *info);
/*
 * VFIO_EEH_PE_OP on the container: -ENODEV (no group), -EPERM (more than
 * one group: the kernel would loop over them), -EOPNOTSUPP (no SPAPR TCE
 * IOMMU set: an iommufd-backed or type1 /dev/vfio/vfio), -EINVAL/-EFAULT
 * (checked locally as the kernel does), else the ioctl's result (the
 * state for GET_STATE). With EEH globally disabled (VFIO_EEH says 0) the
 * ops still run, as in the kernel; only ENABLE gives -EIO.
 */
int eeh_container_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op);

/* ------------------------------------------------------------------ */
/* RTAS front end for VMMs                                            */
/* ------------------------------------------------------------------ */

/*
 * The VMM front end: a POWER guest's EEH RTAS calls, forwarded by the VMM
 * with one call and answered as PAPR firmware would. A struct eeh_vm holds
 * the guest's PHBs (guest BUID -> the host PE behind it) and the guest's
 * view of the devices on them. The guest reaches only the PEs bound to its
 * own PHBs: BUIDs and config addresses it forges are answered with -3.
 *
 * Calls may come from any number of vCPU threads: the calls that change a
 * PE's state are serialized per guest PHB (state reads run alongside, the
 * PE's own lock orders them), calls on different PHBs share no lock; the
 * op target of a PHB must accept that. Set the VM up
 * (PHBs, devices, tokens, mode) before the guest runs; adding devices and
 * PHBs later is safe, removing a PHB is too (its memory lives until the VM
 * is freed). Every function here returning int gives -EINVAL for a NULL vm.
 */
struct eeh_vm;

/* The nine calls, in the order of their default tokens. */
enum eeh_rtas_call {
	EEH_RTAS_SET_EEH_OPTION = 0,        /* ibm,set-eeh-option         0x2020 */
	EEH_RTAS_GET_CONFIG_ADDR_INFO2 = 1, /* ibm,get-config-addr-info2  0x2021 */
	EEH_RTAS_READ_SLOT_RESET_STATE2 = 2, /* ibm,read-slot-reset-state2 0x2022 */
	EEH_RTAS_SET_SLOT_RESET = 3,        /* ibm,set-slot-reset         0x2023 */
	EEH_RTAS_CONFIGURE_PE = 4,          /* ibm,configure-pe           0x2024 */
	EEH_RTAS_SLOT_ERROR_DETAIL = 5,     /* ibm,slot-error-detail      0x2025 */
	EEH_RTAS_ERRINJCT = 6,              /* ibm,errinjct               0x202d */
	EEH_RTAS_OPEN_ERRINJCT = 7,         /* ibm,open-errinjct          0x202e */
	EEH_RTAS_CLOSE_ERRINJCT = 8,        /* ibm,close-errinjct         0x202f */
	/* Dynamic DMA windows: served once a guest PHB has DMA windows
	 * (eeh_vm_set_phb_dma()); QEMU's tokens. */
	EEH_RTAS_QUERY_PE_DMA_WINDOW = 9,   /* ibm,query-pe-dma-window    0x2026 */
	EEH_RTAS_CREATE_PE_DMA_WINDOW = 10, /* ibm,create-pe-dma-window   0x2027 */
	EEH_RTAS_REMOVE_PE_DMA_WINDOW = 11, /* ibm,remove-pe-dma-window   0x2028 */
	EEH_RTAS_RESET_PE_DMA_WINDOW = 12,  /* ibm,reset-pe-dma-window    0x2029 */
	EEH_RTAS_NCALLS = 13,
};
/* "ibm,set-eeh-option", ...; NULL for an unknown call. */
const char *eeh_rtas_call_name(enum eeh_rtas_call call);
/* The call for a name, or -EINVAL. */
int eeh_rtas_call_from_name(const char *name);

/*
 * QEMU-compatible (the default): exactly QEMU's answers (hw/ppc/
 * spapr_pci.c), which existing guests are tuned to. PAPR-strict: the
 * LoPAR PE state control table (-7), -8 when fundamental reset is not
 * offered, state 5 with the unavailable time or 0 for permanent, a real
 * error log from ibm,slot-error-detail, function 2 making the PE
 * permanently unavailable to the guest, PE config addresses validated.
 */
enum eeh_rtas_mode { EEH_RTAS_MODE_QEMU = 0, EEH_RTAS_MODE_PAPR = 1 };

/* RTAS status values the front end returns. */
#define EEH_RTAS_SUCCESS 0
#define EEH_RTAS_NO_LOG 1          /* ibm,slot-error-detail: no error log */
#define EEH_RTAS_HW_ERROR (-1)
#define EEH_RTAS_PARAM_ERROR (-3)  /* also "not supported" */
#define EEH_RTAS_ERRINJCT_BUSY (-4) /* open: already open; PAPR: not the opener */
#define EEH_RTAS_NOT_OPEN (-5)     /* QEMU: close with a wrong token */
#define EEH_RTAS_STATE_CHANGE (-7) /* PAPR: unexpected state change */
#define EEH_RTAS_NO_FRESET (-8)    /* PAPR: fundamental reset not offered */
/* The error log size to advertise as /rtas rtas-error-log-max. */
#define EEH_RTAS_ERROR_LOG_MAX 2048
/* ibm,errinjct error tokens (ibm,errinjct-tokens) the front end serves. */
#define EEH_ERRINJCT_IOA_BUS_ERROR 7
#define EEH_ERRINJCT_IOA_BUS_ERROR_64 15

/*
 * What the front end needs from the VMM. Every member may be NULL.
 * mem_read/mem_write: guest real memory (RTAS argument blocks, the
 * slot-error-detail buffers, the errinjct work buffer); 0 or -errno.
 * pre_reset: called before ibm,set-slot-reset 1 or 3 reaches the host PE
 * of guest PHB buid (QEMU clears MSI-X enable and its MSI-X table there,
 * because the reset wipes the device's). It runs in one critical section
 * with that reset, in both modes: callbacks are serialized per guest PHB
 * (never two at once for one PHB, and no other state-changing call on the
 * PHB lands between the callback and its reset), so it must not make RTAS
 * calls on the same PHB; PHBs do not wait for each other.
 * bar_to_host: a guest PCI bus address behind guest PHB buid to the host
 * bus address, 0 or -errno (-ENOENT: not in a passthrough BAR; the
 * ibm,errinjct call is then -3). NULL means identical addresses; an
 * ioa-bus-error(-64) for a memory or I/O function whose non-zero address
 * lies in no BAR of that space of the PHB's host PEs (the PE behind it
 * and its children) is then -3 in both modes, as it could never fire.
 * bar_to_guest: the reverse, for addresses reported in error logs.
 */
struct eeh_vm_ops {
	size_t size;  /* sizeof(struct eeh_vm_ops), set by the caller */
	int (*mem_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	int (*mem_write)(void *opaque, uint64_t addr, const void *buf, size_t len);
	void (*pre_reset)(void *opaque, uint64_t buid);
	int (*bar_to_host)(void *opaque, uint64_t buid, uint64_t guest_addr, uint64_t *host_addr);
	int (*bar_to_guest)(void *opaque, uint64_t buid, uint64_t host_addr, uint64_t *guest_addr);
};

/*
 * A VM on ctx (which it references). ops (copied) and opaque may be NULL.
 * Returns 0, -EINVAL (ctx or out NULL), -ENOMEM.
 */
int eeh_vm_new(struct eeh_ctx *ctx, const struct eeh_vm_ops *ops, void *opaque,
	       struct eeh_vm **out);
struct eeh_vm *eeh_vm_ref(struct eeh_vm *vm);
/* Drops a reference; the last one frees the VM. Returns NULL. */
struct eeh_vm *eeh_vm_unref(struct eeh_vm *vm);
struct eeh_ctx *eeh_vm_ctx(struct eeh_vm *vm);
/* 0, -EINVAL (unknown mode). */
int eeh_vm_set_mode(struct eeh_vm *vm, enum eeh_rtas_mode mode);
enum eeh_rtas_mode eeh_vm_get_mode(struct eeh_vm *vm);
/* The token of a call (default 0x2020 + offset as above), or -EINVAL. */
int eeh_vm_get_token(struct eeh_vm *vm, enum eeh_rtas_call call);
/* Use another token for a call: 0, -EINVAL (unknown call, token 0 or
 * above INT32_MAX), -EEXIST (another call has it). */
int eeh_vm_set_token(struct eeh_vm *vm, enum eeh_rtas_call call, uint32_t token);
/* Serve the three errinjct calls (default true); when off their tokens
 * are unknown and left out of the device tree helpers. */
void eeh_vm_set_errinjct(struct eeh_vm *vm, bool enabled);

/*
 * The op target of a guest PHB: run one VFIO_EEH_PE_OP and return what
 * the ioctl returns (>= 0, or -errno). Use it to route through a legacy
 * VFIO container, an iommufd device object or the VMM's own code.
 */
typedef int (*eeh_pe_op_fn)(void *data, struct vfio_eeh_pe_op *op);

/*
 * Add a guest PHB with unit id buid, backed by host PE pe (ops run with
 * eeh_pe_op()). pe NULL: a PHB without EEH (every EEH call on it -> -3).
 * Returns 0, -EINVAL (vm NULL, pe of another context), -EEXIST (buid
 * taken), -EBUSY (pe already behind another PHB of this VM), -ENOMEM.
 */
int eeh_vm_add_phb(struct eeh_vm *vm, uint64_t buid, struct eeh_pe *pe);
/*
 * Add a guest PHB whose ops go to fn(data, op). pe (may be NULL) is the
 * host PE behind it, used for information only: the unavailable time and
 * permanent state in PAPR-strict mode, the error log, the errinjct and
 * isolation checks. Errors as eeh_vm_add_phb(), -EINVAL if fn is NULL.
 */
int eeh_vm_add_phb_op(struct eeh_vm *vm, uint64_t buid, eeh_pe_op_fn fn, void *data,
		      struct eeh_pe *pe);
/*
 * Add a guest PHB whose ops go through an iommufd device object
 * (eeh_iommufd_pe_op()); its PE is the device's. While the device's IOAS
 * breaks the one-group rule (eeh_iommufd_check() fails) the PHB has no
 * EEH: every call on it is -3, as QEMU answers for a PHB whose container
 * holds two groups. Likewise when the PE's resets can only go through the
 * device's VFIO bus reset and the platform offers none for it (a function
 * on a PHB root bus, as in pSeries LPARs: asked once, here; see
 * doc/pe-op-routes.md). The VM holds no reference on ifd: keep it open
 * until the PHB is deleted or the VM released. Errors as eeh_vm_add_phb(),
 * -ENOENT (unknown devid).
 */
int eeh_vm_add_phb_iommufd(struct eeh_vm *vm, uint64_t buid, struct eeh_iommufd *ifd,
			   uint32_t devid);
/*
 * Add a guest PHB whose ops go through a legacy VFIO container
 * (eeh_container_pe_op()); pe (may be NULL) is the PE of its group, for
 * information. The PHB has EEH only while exactly one container is
 * behind it, holding exactly one group, with VFIO_EEH (QEMU's
 * spapr_phb_eeh_available()). As with iommufd, c must outlive the PHB.
 * Errors as eeh_vm_add_phb(), -EINVAL (c NULL).
 */
int eeh_vm_add_phb_container(struct eeh_vm *vm, uint64_t buid, struct eeh_container *c,
			     struct eeh_pe *pe);
/*
 * Another container behind a container PHB (its DMA address space spans
 * several, as QEMU makes one per group that cannot share one). With more
 * than one, the PHB has no EEH: every EEH call on it is -3 and no op
 * reaches any container (QEMU keeps no EEH state in step across
 * containers); deleting back to one restores it. Returns 0, -ENOENT
 * (unknown buid), -EINVAL (vm or c NULL, or not a container PHB),
 * -EEXIST (already behind it), -ENOMEM.
 */
int eeh_vm_phb_add_container(struct eeh_vm *vm, uint64_t buid, struct eeh_container *c);
/* Take a container from behind a container PHB. 0, -ENOENT (unknown buid
 * or container), -EINVAL. */
int eeh_vm_phb_del_container(struct eeh_vm *vm, uint64_t buid, struct eeh_container *c);
/* Remove a guest PHB. 0, -ENOENT. */
int eeh_vm_del_phb(struct eeh_vm *vm, uint64_t buid);
/*
 * The guest sees a passthrough function at (bus, devfn) behind guest PHB
 * buid (what get-config-addr-info2 and set-eeh-option ENABLE check).
 * Returns 0, -ENOENT (unknown buid), -EINVAL (bus > 255, devfn > 255).
 */
int eeh_vm_add_device(struct eeh_vm *vm, uint64_t buid, unsigned int bus, unsigned int devfn);
/* The function is gone (hot unplug). Errors as eeh_vm_add_device(). */
int eeh_vm_del_device(struct eeh_vm *vm, uint64_t buid, unsigned int bus, unsigned int devfn);
/*
 * Whether the host slot behind buid offers fundamental reset (PAPR-strict
 * answers -8 for ibm,set-slot-reset 3 when not). -1 (the default): ask
 * the host when first needed (the simulated host's slot says; a kernel
 * silently falls back to hot reset, so other backends count as offering
 * it). Returns 0, -ENOENT, -EINVAL (offered not -1/0/1).
 */
int eeh_vm_set_fundamental_reset(struct eeh_vm *vm, uint64_t buid, int offered);
/* The PE config address the guest gets for PHB buid (QEMU: bus<<16 | 1 of
 * its lowest bus with a device; PAPR: bus<<16 | devfn<<8 of its first
 * device), or -ENOENT (unknown buid, no device). */
int64_t eeh_vm_pe_config_addr(struct eeh_vm *vm, uint64_t buid);
/* 1 if the guest made the PE behind buid permanently unavailable
 * (PAPR-strict ibm,slot-error-detail 2), 0 if not, -ENOENT. */
int eeh_vm_phb_permanent(struct eeh_vm *vm, uint64_t buid);

/*
 * PHB reset (the VMM's machine or PHB reset): clears what the guest did
 * to the PHB (permanent unavailability, the error log read mark) and
 * re-enables EEH on its PE (VFIO_EEH_PE_ENABLE), which thaws a PE left
 * frozen across a guest reboot. A PHB without EEH (no PE, or a binding
 * that breaks the one-group or one-container rule) is skipped: no
 * ENABLE, and no error. Returns the ENABLE result (0 or -errno), -ENOENT
 * (unknown buid), 0 for a PHB without EEH.
 */
int eeh_vm_phb_reset(struct eeh_vm *vm, uint64_t buid);
/* Machine reset: every PHB as eeh_vm_phb_reset() and the errinjct
 * facility closed. Returns 0 or the first PHB's error. */
int eeh_vm_reset(struct eeh_vm *vm);

/*
 * Service one RTAS call: token, nargs input cells args, nret output cells
 * rets (host-endian values). Returns 0 when the token is one of the nine
 * (the RTAS status is rets[0]), -ENOENT for an unknown token (rets[0] =
 * -3, as QEMU, which then answers H_PARAMETER), -EINVAL (vm NULL, args
 * NULL with nargs > 0, rets NULL with nret > 0). Wrong nargs/nret, an
 * unknown BUID or a PHB without EEH give rets[0] = -3 and nothing else
 * written; with nret 0 nothing is written at all.
 */
int eeh_vm_rtas_call(struct eeh_vm *vm, uint32_t token, uint32_t nargs, const uint32_t *args,
		     uint32_t nret, uint32_t *rets);
/* As eeh_vm_rtas_call() with the call's name; -ENOENT for an unknown or
 * disabled name. */
int eeh_vm_rtas_call_by_name(struct eeh_vm *vm, const char *name, uint32_t nargs,
			     const uint32_t *args, uint32_t nret, uint32_t *rets);
/*
 * Service the RTAS argument block at guest real address addr (H_RTAS r3):
 * big-endian token, nargs, nret at +0, +4, +8, the arguments from +12,
 * the returns after them; only the return cells the call sets are
 * written back (with more than 16 cells, which no call takes: -3 in the
 * first). Returns as eeh_vm_rtas_call(), -EFAULT (no mem_read/mem_write,
 * or they failed).
 */
int eeh_vm_rtas_call_mem(struct eeh_vm *vm, uint64_t addr);

/*
 * Device tree helpers. eeh_vm_rtas_tokens() fills up to n (name, token)
 * pairs, one /rtas property each (name -> one cell holding the token),
 * and returns how many there are (call it with n = 0 to size the array).
 */
struct eeh_rtas_token {
	const char *name;
	uint32_t token;
};
int eeh_vm_rtas_tokens(struct eeh_vm *vm, struct eeh_rtas_token *tokens, size_t n);
/* The /rtas ibm,errinjct-tokens value: (NUL-terminated name, be32 token)
 * pairs for ioa-bus-error and ioa-bus-error-64. Writes up to len bytes,
 * returns the full size (call with len 0 to size it), 0 when errinjct is
 * off, -EINVAL (buf NULL with len > 0). */
long eeh_vm_errinjct_tokens(struct eeh_vm *vm, void *buf, size_t len);
/* The ibm,reset-capabilities value for guest PHB buid: 1 (functions 0, 1
 * and 3) or 0 (0 and 1); buid EEH_VM_ALL_PHBS: 1 only if every PHB with
 * EEH offers fundamental reset (for a single /rtas property). -ENOENT. */
#define EEH_VM_ALL_PHBS UINT64_MAX
int eeh_vm_reset_capabilities(struct eeh_vm *vm, uint64_t buid);

/*
 * DMA windows of a guest PHB (issue 13): the guest's sPAPR IOMMU is the
 * DMA-window object sp on the host (struct eeh_spapr), so the guest's
 * windows are the host's, at the same bus addresses (QEMU refuses any
 * other). Window n of the PHB has LIOBN 0x80000000 | index << 8 | n
 * (QEMU's SPAPR_PCI_LIOBN). The guest's TCEs hold guest-physical
 * addresses: set the translation to VMM addresses with
 * eeh_spapr_set_translate(). Setting a PHB's DMA turns on the four DDW
 * RTAS calls (their tokens join eeh_vm_rtas_tokens()). sp NULL removes
 * it. sp must outlive the PHB's use. Returns 0, -ENOENT (unknown buid),
 * -EINVAL (index > 255), -EEXIST (index used by another PHB).
 */
int eeh_vm_set_phb_dma(struct eeh_vm *vm, uint64_t buid, struct eeh_spapr *sp,
		       unsigned int index);

/* PAPR hypercall status values and the TCE hypercalls (QEMU's spapr.h). */
#define EEH_H_SUCCESS 0
#define EEH_H_HARDWARE (-1)
#define EEH_H_FUNCTION (-2)
#define EEH_H_PARAMETER (-4)
#define EEH_H_GET_TCE 0x1C
#define EEH_H_PUT_TCE 0x20
#define EEH_H_STUFF_TCE 0x138
#define EEH_H_PUT_TCE_INDIRECT 0x13C
/*
 * One TCE hypercall, answered as QEMU answers it (hw/ppc/spapr_iommu.c):
 * args are the guest's r4.. (LIOBN, ioba, then the TCE; for STUFF the
 * value and npages; for INDIRECT the guest-physical address of a list
 * of big-endian TCEs, read with ops.mem_read, and npages). rets[0] gets
 * H_GET_TCE's TCE. The ioba is masked down to the window page; an
 * unknown or disabled LIOBN, an ioba outside its window, more than 512
 * entries or a list not 4 KiB-aligned is H_PARAMETER; a TCE the host
 * cannot map (memory not preregistered) is H_PARAMETER too, the host
 * failing is H_HARDWARE. Lists and ranges stop at the first failure.
 * Returns the H_* status (H_FUNCTION for another opcode, H_PARAMETER
 * for NULL arguments).
 */
long eeh_vm_hcall(struct eeh_vm *vm, unsigned long opcode, const uint64_t *args, uint64_t *rets);

/*
 * Device tree properties of guest PHB buid, as host-endian cells (write
 * them big-endian): ibm,dma-window (5 cells: LIOBN of window 0, its bus
 * address hi and lo, size hi and lo), ibm,ddw-applicable (3 cells: the
 * query, create and remove tokens) and ibm,ddw-extensions (QEMU >= 7.1:
 * {2, the reset token, 1}, the last saying query takes 6 outputs).
 * Each returns its number of cells, -ENOENT (unknown buid or no DMA
 * windows on it), -EINVAL.
 */
int eeh_vm_dma_window(struct eeh_vm *vm, uint64_t buid, uint32_t cells[5]);
int eeh_vm_ddw_applicable(struct eeh_vm *vm, uint64_t buid, uint32_t cells[3]);
int eeh_vm_ddw_extensions(struct eeh_vm *vm, uint64_t buid, uint32_t cells[3]);


/* ------------------------------------------------------------------ */
/* Error injection                                                    */
/* ------------------------------------------------------------------ */

/*
 * Error injection (inject/inject.c). PAPR ibm,errinjct ioa-bus-error and
 * ioa-bus-error-64: 20 functions, each a kind of traffic (MMIO, I/O or
 * config load/store, DMA read/write) that fails. On the simulated host an
 * injection arms the PHB and the PE freezes on the next matching access
 * (MMIO/I/O: the bus address under the mask; config: any config access;
 * DMA: any DMA of that direction); an MMIO/I/O injection with addr = mask
 * = 0 freezes at once. Each injection fires once; traffic the PHB stops
 * itself (a frozen or resetting PE) does not reach the bus and leaves it
 * armed. On a VFIO container it
 * is VFIO_EEH_PE_OP INJECT_ERR (type 0 = 32-bit, 1 = 64-bit).
 */
enum eeh_err_type { EEH_ERR_TYPE_32 = 0, EEH_ERR_TYPE_64 = 1 };
enum eeh_err_func {
	EEH_ERR_FUNC_LD_MEM_ADDR = 0, EEH_ERR_FUNC_LD_MEM_DATA = 1,
	EEH_ERR_FUNC_LD_IO_ADDR = 2, EEH_ERR_FUNC_LD_IO_DATA = 3,
	EEH_ERR_FUNC_LD_CFG_ADDR = 4, EEH_ERR_FUNC_LD_CFG_DATA = 5,
	EEH_ERR_FUNC_ST_MEM_ADDR = 6, EEH_ERR_FUNC_ST_MEM_DATA = 7,
	EEH_ERR_FUNC_ST_IO_ADDR = 8, EEH_ERR_FUNC_ST_IO_DATA = 9,
	EEH_ERR_FUNC_ST_CFG_ADDR = 10, EEH_ERR_FUNC_ST_CFG_DATA = 11,
	EEH_ERR_FUNC_DMA_RD_ADDR = 12, EEH_ERR_FUNC_DMA_RD_DATA = 13,
	EEH_ERR_FUNC_DMA_RD_MASTER = 14, EEH_ERR_FUNC_DMA_RD_TARGET = 15,
	EEH_ERR_FUNC_DMA_WR_ADDR = 16, EEH_ERR_FUNC_DMA_WR_DATA = 17,
	EEH_ERR_FUNC_DMA_WR_MASTER = 18, EEH_ERR_FUNC_DMA_WR_TARGET = 19,
	EEH_ERR_FUNC_COUNT = 20,
};
/* The traffic a function fails. */
enum eeh_err_space { EEH_ERR_SPACE_MEM, EEH_ERR_SPACE_IO, EEH_ERR_SPACE_CFG, EEH_ERR_SPACE_DMA };
/* "ld-mem-addr", "st-cfg-data", "dma-wr-target", ...; NULL past 19. */
const char *eeh_err_func_name(unsigned int func);
/* Text as in LoPAR: "Load, memory, address parity". NULL past 19. */
const char *eeh_err_func_desc(unsigned int func);
/* A name as above or a number 0..19; -EINVAL otherwise. */
int eeh_err_func_from_name(const char *name);
enum eeh_err_space eeh_err_func_space(unsigned int func); /* func must be 0..19 */
bool eeh_err_func_is_store(unsigned int func); /* store / DMA write */

/*
 * Inject IOA bus error func into pe. addr/mask: the failing bus address and
 * the address bits compared (1 bits); 0/0 means "any address" (MMIO and
 * I/O functions then fire at once). For MMIO/I/O functions a non-zero addr
 * must lie in a memory (resp. I/O) BAR of one of the PE's functions, and
 * addr & mask == addr (PAPR). Returns 0 or -EINVAL (type not 0/1, func > 19,
 * a 32-bit error with an address or mask above 4 GiB, addr & mask != addr),
 * -ENXIO (addr in no suitable BAR of the PE), -ENODEV (pe NULL, or
 * permanently failed), -ENOENT (the platform cannot inject), -ENOMEM.
 */
int eeh_inject_ioa(struct eeh_pe *pe, enum eeh_err_type type, unsigned int func, uint64_t addr,
		   uint64_t mask);
/*
 * Freeze a PE as an error would, with no cause (simulated host): MMIO and
 * DMA stopped, PAPR state 2, recorded. A freeze is not counted against
 * the freeze limit: host recovery counts (eeh_recovery_run()), as the
 * kernel's eeh_handle_normal_event() does, and a passed-through PE is
 * never counted (doc/passthrough.md). Returns 0, -EINVAL (pe NULL), -EOPNOTSUPP (not
 * the simulated host), -ENODEV (PE permanently failed).
 */
int eeh_inject_freeze(struct eeh_pe *pe);
/* Fence a PHB (simulated host): every PE under it freezes, recorded.
 * Errors as eeh_inject_freeze(). */
int eeh_inject_fence(struct eeh_phb *phb);
/*
 * A bad DMA (simulated host): the function DMAs to bus address addr (8
 * bytes, a write if write) through its PE's TCE tables, as a device with
 * a stale or wrong DMA address does; with no valid TCE there (or a write
 * through a read-only one) the PHB freezes the PE, recorded as
 * EEH_INJECT_BAD_DMA and eeh_pe_error.func EEH_PE_ERROR_BAD_DMA. A PE
 * whose DMA windows were never programmed gets its empty default window
 * first. Returns 0 (the DMA was refused), -EBUSY (a valid TCE let it
 * through), -EINVAL, -EOPNOTSUPP (not the simulated host).
 */
int eeh_inject_bad_dma(struct eeh_func *func, bool write, uint64_t addr);

/*
 * The injection record of a PE (simulated host): the last 32 injections
 * into it, oldest first, with what each one hit. fired is false while the
 * injection is armed; hit_func is the function whose access matched (NULL
 * for an immediate freeze, a fence, or a DMA/config hit the PHB cannot
 * attribute). Getters return 0, -EINVAL (bad index / NULL), -EOPNOTSUPP
 * (not the simulated host).
 */
/* EEH_INJECT_BAD_DMA: no injection but the fault a DMA with no valid TCE
 * (or a write through a read-only TCE) raises on a PE whose DMA windows
 * are programmed; hit_addr is the bus address, hit_func the function,
 * type 1 for a write. */
enum eeh_inject_kind {
	EEH_INJECT_IOA = 0,
	EEH_INJECT_FREEZE = 1,
	EEH_INJECT_FENCE = 2,
	EEH_INJECT_BAD_DMA = 3,
};
struct eeh_inject_record {
	size_t size;  /* sizeof(struct eeh_inject_record), set by the caller */
	enum eeh_inject_kind kind;
	unsigned int type;      /* EEH_ERR_TYPE_* for EEH_INJECT_IOA */
	unsigned int func;      /* 0..19 for EEH_INJECT_IOA */
	uint64_t addr, mask;
	uint64_t armed_us;      /* library clock */
	bool fired;
	uint64_t hit_us;
	uint64_t hit_addr;      /* bus address of the failing access */
	struct eeh_func *hit_func;
};
/* Number of records kept for pe (0..32), or -errno as above. */
int eeh_inject_record_count(struct eeh_pe *pe);
int eeh_inject_record_get(struct eeh_pe *pe, unsigned int index, struct eeh_inject_record *rec);
/* Injections armed and not yet fired, or -errno as above. */
int eeh_inject_pending(struct eeh_pe *pe);

/*
 * Replace the adapter of a permanently failed PE (simulated host), as an
 * operator reseats or replaces a card: the PE and its child PEs come back
 * in state 0 with a new freeze window, power-on config space restored to
 * the probed BARs, REMOVED and ISOLATED cleared, armed injections dropped.
 * Returns 0, -EINVAL, -EOPNOTSUPP (not the simulated host).
 */
int eeh_sim_replace_pe(struct eeh_pe *pe);

/* ------------------------------------------------------------------ */
/* Recovery driver                                                    */
/* ------------------------------------------------------------------ */

/*
 * Host-side recovery driver (eeh/recovery.c): the kernel's
 * eeh_handle_normal_event() in userspace. The caller registers a driver
 * per PCI function; functions without one are EEH-unaware.
 */
enum eeh_ers_result {
	EEH_ERS_NONE = 1,
	EEH_ERS_CAN_RECOVER = 2,
	EEH_ERS_NEED_RESET = 3,
	EEH_ERS_DISCONNECT = 4,
	EEH_ERS_RECOVERED = 5,
	EEH_ERS_NO_AER_DRIVER = 6,
};
enum eeh_channel_state {
	EEH_CHANNEL_NORMAL = 1,
	EEH_CHANNEL_FROZEN = 2,
	EEH_CHANNEL_PERM_FAILURE = 3,
};
/* "none", "can-recover", "need-reset", "disconnect", "recovered", "no-aer-driver" */
const char *eeh_ers_name(enum eeh_ers_result r);
int eeh_ers_from_name(const char *name); /* -EINVAL if unknown */
/* The kernel's merge: keep the answer of higher priority (NONE <
 * NO_AER_DRIVER < RECOVERED < CAN_RECOVER < DISCONNECT < NEED_RESET). */
enum eeh_ers_result eeh_ers_merge(enum eeh_ers_result old, enum eeh_ers_result answer);

/* struct pci_error_handlers, plus needs_freset. A NULL callback is one the
 * driver does not implement; a driver without error_detected or slot_reset
 * is removed and rescanned around a reset, as the kernel does. */
struct eeh_driver {
	size_t size;  /* sizeof(struct eeh_driver), set by the caller */
	const char *name;
	enum eeh_ers_result (*error_detected)(struct eeh_func *func, enum eeh_channel_state state,
					      void *data);
	enum eeh_ers_result (*mmio_enabled)(struct eeh_func *func, void *data);
	enum eeh_ers_result (*slot_reset)(struct eeh_func *func, void *data);
	void (*resume)(struct eeh_func *func, void *data);
	bool needs_freset; /* pdev->needs_freset: ask for a fundamental reset */
};

struct eeh_recovery;
/* 0, -ENOMEM, -EINVAL. One recovery object per context is enough; use it
 * from one thread at a time (callbacks run without any library lock held,
 * so drivers may access their devices). */
int eeh_recovery_new(struct eeh_ctx *ctx, struct eeh_recovery **rec);
void eeh_recovery_free(struct eeh_recovery *rec);
/* Bind drv (NULL: unbind) to func; drv must outlive the binding.
 * Returns 0, -EINVAL (func of another context), -ENOMEM. */
int eeh_recovery_set_driver(struct eeh_recovery *rec, struct eeh_func *func,
			    const struct eeh_driver *drv, void *data);

enum eeh_recovery_outcome {
	EEH_RECOVERY_RECOVERED = 0,  /* the PE works again */
	EEH_RECOVERY_NOT_FROZEN = 1, /* nothing to do (false positive, or a parent's reset cleared it) */
	EEH_RECOVERY_PERM_FAILED = 2, /* permanently failed: devices removed */
	EEH_RECOVERY_REMOVED = 3,    /* the PE was already removed */
};
enum eeh_recovery_path {
	EEH_RECOVERY_PATH_NONE = 0,
	EEH_RECOVERY_PATH_THAW = 1,    /* all drivers could recover: MMIO then DMA thawed */
	EEH_RECOVERY_PATH_RESET = 2,   /* reset without hotplug activity */
	EEH_RECOVERY_PATH_HOTPLUG = 3, /* no EEH-aware driver: remove, reset, rescan */
};
struct eeh_recovery_result {
	size_t size;  /* sizeof(struct eeh_recovery_result), set by the caller */
	enum eeh_recovery_outcome outcome;
	enum eeh_recovery_path path;
	enum eeh_ers_result result;   /* the merged driver result at the end */
	unsigned int reset_attempts;  /* assert/deactivate cycles done */
	bool fundamental;             /* a fundamental reset was asked for */
	bool fell_back_to_hot;        /* the slot offers no fundamental reset */
	unsigned int freeze_count;    /* the PE's recoveries in the current window */
	uint64_t start_us, end_us;    /* library clock */
	struct eeh_pe *pe;            /* the PE recovered: pe, or its frozen parent */
};
/*
 * Recover a frozen PE (and its child PEs) as the kernel's host recovery
 * does. As eeh_dev_check_failure() does, a frozen parent PE is recovered
 * instead of pe (the highest frozen one; res->pe says which). Then: freeze
 * limit check (this recovery is counted: the sixth within an hour fails
 * the PE permanently), error_detected on every function, the merged
 * result deciding thaw, reset (fundamental if a driver needs it, hot as the
 * platform's fallback, up to 3 attempts with the 250 ms hold and 1.8 s
 * settle on the library clock), configure, BAR restore, slot_reset,
 * resume; permanent failure otherwise. Returns 0 (see res->outcome),
 * -EINVAL, -EOPNOTSUPP (a backend whose kernel owns recovery), -ENOMEM,
 * -EBUSY (pe is passed through: a function of it is owned through VFIO,
 * so its owner recovers it with PE ops; nothing is done or counted).
 */
int eeh_recovery_run(struct eeh_recovery *rec, struct eeh_pe *pe, struct eeh_recovery_result *res);
const char *eeh_recovery_outcome_name(enum eeh_recovery_outcome o);
const char *eeh_recovery_path_name(enum eeh_recovery_path p);

/* The event log: every step of every run, stamped with the library clock,
 * until eeh_recovery_log_clear(). value: the step's result or argument
 * (a driver answer, an errno, a state, a reset type, an attempt number). */
enum eeh_recovery_step {
	EEH_STEP_BEGIN, EEH_STEP_FREEZE_COUNT, EEH_STEP_ERROR_DETECTED, EEH_STEP_WAIT_STATE,
	EEH_STEP_ERROR_LOG, EEH_STEP_THAW_MMIO, EEH_STEP_MMIO_ENABLED, EEH_STEP_THAW_DMA,
	EEH_STEP_REMOVE, EEH_STEP_RESET_ASSERT, EEH_STEP_RESET_FALLBACK_HOT,
	EEH_STEP_RESET_DEACTIVATE, EEH_STEP_RESET_DONE, EEH_STEP_CONFIGURE,
	EEH_STEP_RESTORE_BARS, EEH_STEP_UNFREEZE, EEH_STEP_RESCAN, EEH_STEP_SLOT_RESET,
	EEH_STEP_RESUME, EEH_STEP_RECOVERED, EEH_STEP_PERM_FAILURE, EEH_STEP_END,
	EEH_STEP_ESCALATE, /* a parent PE is frozen: it is recovered instead (pe = the parent) */
};
struct eeh_recovery_event {
	size_t size;  /* sizeof(struct eeh_recovery_event), set by the caller */
	uint64_t time_us;
	enum eeh_recovery_step step;
	struct eeh_pe *pe;
	struct eeh_func *func;  /* for per-function steps, else NULL */
	int value;
};
const char *eeh_recovery_step_name(enum eeh_recovery_step step); /* "error-detected", ... */
unsigned int eeh_recovery_event_count(struct eeh_recovery *rec);
/* 0, or -EINVAL past the end. */
int eeh_recovery_event_get(struct eeh_recovery *rec, unsigned int index,
			   struct eeh_recovery_event *ev);
void eeh_recovery_log_clear(struct eeh_recovery *rec);
/* Keep the log (default) or drop events (faster campaigns). */
void eeh_recovery_set_logging(struct eeh_recovery *rec, bool on);

/* ------------------------------------------------------------------ */
/* Campaigns                                                          */
/* ------------------------------------------------------------------ */

/*
 * Campaigns (inject/campaign.c): count random faults over a simulated
 * host, each one injected, detected by the device traffic it breaks,
 * recovered, and checked against the model's prediction (recovered, or
 * permanently failed past the freeze limit). Faults come in trials of
 * trial_len faults; each trial runs on a fresh host from its own seed, so
 * shard I of N (the trials t with t % N == I - 1) is a disjoint slice and
 * the shards together give exactly the cases of the whole campaign.
 */
struct eeh_campaign_opts {
	size_t size;  /* sizeof(struct eeh_campaign_opts), set by the caller */
	uint64_t seed;
	unsigned int count;      /* faults in the whole campaign */
	unsigned int shard;      /* 1..nshards; 0 = whole campaign */
	unsigned int nshards;
	unsigned int trial_len;  /* faults per trial; 0 = 100 */
	uint64_t interval_ms;    /* mean virtual time between faults; 0 = 600000 */
	const char *topology;    /* topology file; NULL = built-in host */
	const char *topology_json; /* or the topology as text */
	/* Percent of faults (0..100, default 0) that are bad DMAs
	 * (EEH_FAULT_BAD_DMA): a function's DMA into its PE's empty
	 * default window. 0 draws exactly the faults it always did. */
	unsigned int bad_dma_percent;
};
enum eeh_fault_kind {
	EEH_FAULT_IOA = 0,    /* one IOA bus error */
	EEH_FAULT_FREEZE = 1, /* freeze with no cause */
	EEH_FAULT_FENCE = 2,  /* PHB fence */
	EEH_FAULT_STORM = 3,  /* one of a burst of IOA errors on one PE, 1 s apart */
	EEH_FAULT_BAD_DMA = 4, /* a DMA with no valid TCE (eeh_inject_bad_dma()) */
};
/* "ioa", "freeze", "fence", "storm", "bad-dma" */
const char *eeh_fault_kind_name(enum eeh_fault_kind k);
/* What happened to one PE in one case. */
struct eeh_campaign_pe {
	const char *pe;          /* "phb0:pe1" */
	enum eeh_recovery_outcome expected, outcome;
	enum eeh_recovery_path path;
	unsigned int resets;     /* reset attempts */
	uint64_t recovery_us;    /* virtual time the recovery took */
	bool replaced;           /* permanently failed, then replaced */
};
struct eeh_campaign_case {
	unsigned int index;      /* 0..count-1, the same in every shard */
	unsigned int trial;
	enum eeh_fault_kind kind;
	const char *target;      /* "phb0:pe1" or "phb0" for a fence */
	int func;                /* IOA function, -1 if none */
	unsigned int type;
	uint64_t addr, mask;
	uint64_t time_us;        /* virtual time of the fault in its trial */
	unsigned int npes;
	const struct eeh_campaign_pe *pes;
	bool passed;
	const char *message;     /* why it failed, "" if passed */
};
/* Called for each case in order; the case and its strings live until the
 * callback returns. Return non-zero to stop the campaign. */
typedef int (*eeh_campaign_case_fn)(const struct eeh_campaign_case *c, void *data);
/*
 * Run the campaign (or its shard). Returns the number of failed cases
 * (>= 0), or -EINVAL (count 0, shard out of range, nshards 0 with shard
 * set), -ENOENT/-EINVAL (topology), -ENOMEM, -ECANCELED (callback stop).
 */
int eeh_campaign_run(const struct eeh_campaign_opts *opts, eeh_campaign_case_fn fn, void *data);
/* Cases a shard runs (for progress bars); -EINVAL as above. */
int eeh_campaign_shard_size(const struct eeh_campaign_opts *opts);

/* ------------------------------------------------------------------ */
/* Real hosts: discovery, kernel EEH files, hotplug                   */
/* ------------------------------------------------------------------ */


/* What discovery saw and what the monitor changed since. */
struct eeh_host_stats {
	size_t size;  /* sizeof(struct eeh_host_stats), set by the caller */
	unsigned int funcs;           /* functions in the model now */
	unsigned int no_group;        /* functions left out: no IOMMU group */
	unsigned int group_mismatch;  /* one-PE-one-group violations (each logged) */
	unsigned int skipped;         /* functions left out because of a mismatch */
	unsigned int added, removed;  /* hotplug events applied */
	bool eeh_attrs;               /* the functions carry sysfs EEH attributes */
};
/* 0, -EINVAL (not a host context). */
int eeh_host_get_stats(struct eeh_ctx *ctx, struct eeh_host_stats *stats);

/* /proc/powerpc/eeh. */
struct eeh_host_counters {
	size_t size;  /* sizeof(struct eeh_host_counters), set by the caller */
	bool enabled;                 /* "EEH Subsystem is enabled" */
	uint64_t no_device, no_dn, no_cfg_addr, ignored_check;
	uint64_t total_mmio_ffs, false_positives, slot_resets;
};
/* 0, -EINVAL, -ENODEV (no /proc/powerpc/eeh: not a POWER host or no
 * procfs under the root), -EIO (unparsable). */
int eeh_host_get_counters(struct eeh_ctx *ctx, struct eeh_host_counters *c);

/*
 * Why EEH operations cannot work on this host, or NULL when they can. The
 * text is static and begins with one of: "not a POWER host with EEH: no
 * /proc/powerpc/eeh", "/proc/powerpc/eeh is unreadable", "EEH is disabled",
 * "no sysfs EEH attributes", "debugfs is not mounted on /sys/kernel/debug",
 * "not root", or "not a host context" (ctx NULL or not a host context).
 */
const char *eeh_host_missing(struct eeh_ctx *ctx);

/* debugfs powerpc/eeh_max_freezes (decimal). The context's limit follows
 * it. 0, -EINVAL, -ENOENT (debugfs not mounted or not POWER), -EACCES, and
 * for get -EIO (not a number). */
int eeh_host_get_max_freezes(struct eeh_ctx *ctx, unsigned int *max);
int eeh_host_set_max_freezes(struct eeh_ctx *ctx, unsigned int max);

/*
 * debugfs eeh_dev_can_recover: 1 if the function's driver can recover
 * from an EEH error (has error_detected and slot_reset), 0 if not, or
 * -EINVAL (NULL, not a host context), -ENODEV (function removed), -ENOENT
 * (no debugfs file), -EACCES.
 */
int eeh_host_can_recover(struct eeh_func *func);
/*
 * debugfs eeh_dev_break: make the function's MMIO fail so its PE freezes
 * (the kernel's eeh_break_device). Refuses bridges (-EINVAL) and, unless
 * flags has EEH_HOST_BREAK_FORCE, functions whose driver cannot recover
 * (-EOPNOTSUPP), as the kernel selftests do. Also -EINVAL (NULL, unknown
 * flags, not a host context), -ENODEV (removed), -ENOENT (no debugfs
 * file), -ENXIO (no memory BAR), -EACCES.
 */
#define EEH_HOST_BREAK_FORCE 0x1
int eeh_host_dev_break(struct eeh_func *func, unsigned int flags);
/* debugfs eeh_dev_check: let the kernel check the function now (it
 * notices a frozen PE and starts recovery). -EINVAL, -ENODEV, -ENOENT,
 * -EACCES. */
int eeh_host_dev_check(struct eeh_func *func);

/* false once the function was removed (by the monitor, or when its sysfs
 * directory vanished during an operation); ops on it give -ENODEV. */
bool eeh_func_present(struct eeh_func *func);

/* "vendor device" names from pci.ids via libpci (any backend); falls back
 * to the hex IDs. Returns buf. */
const char *eeh_func_name(struct eeh_func *func, char *buf, size_t len);

/*
 * udev monitor: keep the model current while functions come and go.
 * eeh_host_monitor_start() subscribes to PCI uevents; poll the fd it
 * returns for input, then call eeh_host_monitor_process(), which applies
 * the pending events in the caller's thread (so iterations in other
 * threads must not overlap it) and returns how many changed the model.
 * A removed function leaves the model but its handle stays valid; a PE
 * whose last function went is flagged REMOVED (0x400) and leaves its PHB.
 * Returns the fd / count, or -EINVAL (not a host context; for process,
 * also when the monitor was not started), -EOPNOTSUPP (a root directory
 * is set: libudev cannot watch it), -ENOMEM.
 */
int eeh_host_monitor_start(struct eeh_ctx *ctx);
int eeh_host_monitor_process(struct eeh_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* LIBEEH_H */
