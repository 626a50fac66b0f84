/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libeeh - POWER EEH (Enhanced Error Handling) for userspace.
 *
 * Partitionable Endpoints (PEs), their freeze and recovery semantics, the
 * VFIO_EEH_PE_OP operations applied to PEs and to iommufd device objects,
 * and a simulated POWER host that runs all of it on any Linux machine.
 *
 * Conventions: every function that can fail returns a negative errno value
 * (-EINVAL, -ENODEV, ...) and never aborts on caller input. Handles are
 * opaque and owned by the context; they stay valid until the context is
 * released.
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
 * Returns 0, -ENOMEM, -EINVAL (bad topology; the log says why), -ENODEV
 * (EEH_BACKEND=host on a machine without EEH), or an errno from the image.
 */
int eeh_new(struct eeh_ctx **ctx);

/*
 * Create a context on the simulated host. topology is a topology file path,
 * or NULL for the built-in topology. Returns 0, -ENOMEM, -ENOENT/-EACCES
 * (cannot open the file), -EINVAL (malformed; nothing is half loaded).
 */
int eeh_new_sim(const char *topology, struct eeh_ctx **ctx);

/* As eeh_new_sim() with the topology as a JSON text in memory. */
int eeh_new_sim_json(const char *json, struct eeh_ctx **ctx);

/*
 * Create a context on a persistent simulator image. The image file is
 * locked (exclusively) for the lifetime of the context, so concurrent
 * command invocations queue behind each other. If the image does not
 * exist it is created from topology (NULL: built-in). eeh_sim_save()
 * writes it back atomically. Returns 0, -EINVAL, -EACCES, -ENOMEM, -EIO.
 */
int eeh_new_sim_image(const char *image, const char *topology, struct eeh_ctx **ctx);

/* Write the simulator state back to its image (atomic rename). -EINVAL if
 * the context has no image, -EIO/-EACCES on write failure. */
int eeh_sim_save(struct eeh_ctx *ctx);

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
/* Advance the virtual clock; -EINVAL on a real clock. */
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
/* Freeze accounting: freezes in the current window and when it began. */
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
struct eeh_pe_error {
	unsigned int errors;   /* errors seen since the PE was created */
	int func;
	uint64_t addr;         /* bus address of the failing access, 0 if none */
	uint64_t time_us;      /* library clock at the last error */
};
int eeh_pe_last_error(struct eeh_pe *pe, struct eeh_pe_error *err);

/* true if the context runs the simulated host */
bool eeh_is_sim(struct eeh_ctx *ctx);

/*
 * Freeze a PE as an error would (MMIO and DMA stopped, PAPR state 2). This
 * counts a freeze with the kernel's window rule; the freeze past the limit
 * leaves the PE permanently unavailable. Returns 0, -EOPNOTSUPP (not the
 * simulated host), -ENODEV (PE permanently failed).
 */
int eeh_sim_freeze(struct eeh_pe *pe);
/* Fence a PHB: every PE under it freezes. */
int eeh_sim_fence_phb(struct eeh_phb *phb);
/* Freeze limit per window (default 5; the kernel's eeh_max_freezes). */
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
 * polling) run on the library clock.
 */
int eeh_pe_op(struct eeh_pe *pe, struct vfio_eeh_pe_op *op);

/* Shorthand: build the struct for op (0..8) and run it. */
int eeh_pe_op_simple(struct eeh_pe *pe, unsigned int op);
/* Shorthand for INJECT_ERR (type 0 = 32-bit, 1 = 64-bit; func 0..19). */
int eeh_pe_inject(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
		  uint64_t mask);

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

/* ---- iommufd device objects (issue: iommufd) ---- */

/* ---- RTAS front end (issue: VMM front end) ---- */

/* ---- recovery driver (issue: injector and recovery) ---- */

/* ---- host discovery (issue: real hosts) ---- */

#ifdef __cplusplus
}
#endif
#endif /* LIBEEH_H */
