/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Declarations shared between libeeh modules. Never installed.
 */
#ifndef LIBEEH_PRIVATE_H
#define LIBEEH_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <syslog.h>

#include "libeeh.h"
#include "hashmap.h"

#define EEH_EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Kernel EEH_STATE_* platform bits (arch/powerpc/include/asm/eeh.h). */
#define EEH_STATE_UNAVAILABLE 0x01
#define EEH_STATE_NOT_SUPPORT 0x02
#define EEH_STATE_RESET_ACTIVE 0x04
#define EEH_STATE_MMIO_ACTIVE 0x08
#define EEH_STATE_DMA_ACTIVE 0x10
#define EEH_STATE_MMIO_ENABLED 0x20
#define EEH_STATE_DMA_ENABLED 0x40

/* eeh_pe_get_state()'s mapping of platform bits to the VFIO GET_STATE
 * value (which equals the PAPR state number). */
static inline int state_bits_to_vfio(int s)
{
	if (s & EEH_STATE_RESET_ACTIVE)
		return EEH_PAPR_STATE_RESET;
	switch (s & (EEH_STATE_MMIO_ENABLED | EEH_STATE_DMA_ENABLED)) {
	case EEH_STATE_MMIO_ENABLED | EEH_STATE_DMA_ENABLED:
		return EEH_PAPR_STATE_NORMAL;
	case EEH_STATE_MMIO_ENABLED:
		return EEH_PAPR_STATE_STOPPED_DMA;
	case EEH_STATE_DMA_ENABLED:
		return EEH_PAPR_STATE_UNAVAIL;
	}
	/* UNAVAILABLE and NOT_SUPPORT land here too, as in the kernel. */
	return EEH_PAPR_STATE_STOPPED;
}

/* Kernel pe->state flags. */
#define EEH_PE_ISOLATED 0x001
#define EEH_PE_RECOVERING 0x002
#define EEH_PE_CFG_BLOCKED 0x004
#define EEH_PE_RESET 0x008
#define EEH_PE_REMOVED 0x400

/* Kernel option and reset numbers (same as the RTAS ones). */
#define EEH_OPT_DISABLE 0
#define EEH_OPT_ENABLE 1
#define EEH_OPT_THAW_MMIO 2
#define EEH_OPT_THAW_DMA 3
#define EEH_OPT_FREEZE_PE 4
#define EEH_RESET_DEACTIVATE 0
#define EEH_RESET_HOT 1
#define EEH_RESET_FUNDAMENTAL 3

#define EEH_ERR_FUNC_MAX 19

/* Timing (asm/eeh.h, PAPR). */
#define EEH_RST_HOLD_US (250 * 1000ULL)     /* kernel sleep after assert */
#define EEH_RST_SETTLE_US (1800 * 1000ULL)  /* kernel sleep after deactivate */
#define PAPR_RST_MIN_HOLD_US (100 * 1000ULL) /* PAPR: reset active >= 100 ms */
#define PAPR_SETTLE_US (1500 * 1000ULL)     /* PAPR: >= 1.5 s after deactivate (PCIe) */
#define EEH_FREEZE_WINDOW_US (3600ULL * 1000000ULL)
#define EEH_DEFAULT_MAX_FREEZES 5

/* ---- logging ---- */
void eeh_log(struct eeh_ctx *ctx, int prio, const char *file, int line, const char *fn,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define eeh_log_cond(ctx, prio, ...)                                                      \
	do {                                                                              \
		if (eeh_get_log_priority(ctx) >= (prio))                                  \
			eeh_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__);    \
	} while (0)
#define err(ctx, ...) eeh_log_cond(ctx, LOG_ERR, __VA_ARGS__)
#define warn(ctx, ...) eeh_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define info(ctx, ...) eeh_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define dbg(ctx, ...) eeh_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)

/* ---- model ---- */
struct eeh_bar {
	uint64_t addr;
	uint64_t size; /* 0: not implemented */
	uint8_t flags; /* EEH_BAR_* */
};

/* Lazily allocated device state: most functions never need it. */
struct func_regs {
	uint8_t cfg[4096];
	uint64_t mmio[8]; /* a small register file at BAR0 offsets 0..63 */
};

struct eeh_func {
	struct eeh_pe *pe;
	struct eeh_func *next; /* in PE */
	struct eeh_func *physfn;
	uint16_t domain;
	uint8_t bus, devfn;
	uint16_t vendor, device;
	uint32_t class_code;
	bool multifunction;
	struct eeh_bar bar[6];
	/* Config space: NULL means the synthesized image, power-on or
	 * configured (BARs programmed, memory decoding on) per cfg_poweron. */
	struct func_regs *regs;
	bool cfg_poweron;
	bool mmio_dirty; /* regs->mmio holds stored values */
	char bdf[24];
};

/* Firmware (PAPR) view of a PE in the simulated host. */
/* state, perm and settle_until_us are read without the PE lock (GET_STATE
 * is lock-free, as in the kernel); writers hold the lock and bracket their
 * changes with seq (a seqlock) so a reader never sees half an update. */
struct sim_pe {
	_Atomic uint32_t seq;
	_Atomic uint8_t state; /* 0, 1, 2 or 4 */
	_Atomic bool perm;     /* 5, permanent */
	bool no_freset;   /* ibm,set-slot-reset 3 not offered: -8 */
	bool eeh_on;      /* ibm,set-eeh-option 1/0 */
	_Atomic uint64_t settle_until_us; /* state 5 (temporary) until then */
	uint64_t reset_at_us;
	uint32_t errors;  /* errors recorded since the last error log read */
	int last_func;    /* injection function that froze it, -1 none */
	uint64_t last_addr;
	uint64_t last_error_us;
};

/* What GET_STATE reads sits in the first cache lines. */
struct eeh_pe {
	struct eeh_phb *phb;
	struct eeh_pe *parent;
	/* A kernel VFIO container holding this PE's group: PE ops go to the
	 * kernel through it (vfio-container.c sets and clears it). */
	_Atomic(struct eeh_container *) container;
	_Atomic uint32_t kflags;
	uint8_t type;
	struct sim_pe sim;
	pthread_mutex_t lock;
	struct eeh_pe *next;       /* in PHB */
	struct eeh_pe *first_child, *next_sibling;
	struct eeh_func *funcs;
	unsigned int nfuncs;
	uint32_t number;
	uint32_t addr;
	int group;
	unsigned int freeze_count;
	uint64_t freeze_tstamp_us;
	void *inject;  /* armed injections, owned by the simulator */
	void *inject_log; /* injection record, owned by sim-inject.c */
	char name[32];
};

struct eeh_phb {
	struct eeh_ctx *ctx;
	struct eeh_phb *next;
	struct eeh_pe *pes, *last_pe;
	unsigned int npes;
	unsigned int index;
	unsigned int domain;
	uint64_t buid;
};

struct eeh_model {
	struct eeh_phb *phbs;
	unsigned int nphbs, npes, nfuncs;
	struct hashmap phb_by_buid;  /* buid -> phb */
	struct hashmap pe_by_addr;   /* phb index << 32 | pe addr -> pe */
	struct hashmap pe_by_group;  /* group -> pe */
	struct hashmap func_by_bdf;  /* domain << 16 | bus << 8 | devfn -> func */
	struct hashmap phb_by_domain;
	/* PEs live in chunks, packed and cache-line aligned (model.c) */
	void **pe_chunks;
	unsigned int npe_chunks;
	char *pe_next;
	size_t pe_room;
};

void model_init(struct eeh_model *m);
void model_free(struct eeh_model *m);
struct eeh_phb *model_add_phb(struct eeh_ctx *ctx, struct eeh_model *m, unsigned int index,
			      uint64_t buid, unsigned int domain, int *err);
struct eeh_pe *model_add_pe(struct eeh_model *m, struct eeh_phb *phb, uint32_t number,
			    uint8_t type, uint32_t addr, int group, struct eeh_pe *parent, int *err);
struct eeh_func *model_add_func(struct eeh_model *m, struct eeh_pe *pe, unsigned int domain,
				unsigned int bus, unsigned int devfn, int *err);
struct eeh_pe *model_pe_by_number(struct eeh_phb *phb, uint32_t number);
/* Free what a PE owns (functions, injections, lock); the PE's own memory
 * belongs to the model and goes with model_free(). */
void model_release_pe(struct eeh_pe *pe);
/* The function of pe with a BAR of that space (I/O or memory) decoding the
 * bus address addr, else NULL. */
struct eeh_func *model_func_by_bar(struct eeh_pe *pe, bool io, uint64_t addr);
/* Mark every PE in the subtree of pe (pe included). */
void pe_subtree_set_flags(struct eeh_pe *pe, uint32_t set, uint32_t clear);
bool pe_ancestor_flags(struct eeh_pe *pe, uint32_t mask);

/* Config space helpers (func.c). */
void func_cfg_reset(struct eeh_func *func);       /* back to power-on values */
void func_restore_bars(struct eeh_func *func);    /* the kernel's eeh_restore_bars */
uint32_t func_cfg_raw_read(struct eeh_func *f, unsigned int off, unsigned int size);
int func_cfg_raw_write(struct eeh_func *f, unsigned int off, unsigned int size, uint32_t val);
uint64_t func_mmio_raw_read(struct eeh_func *f, unsigned int bar, uint64_t off, unsigned int size);
int func_mmio_raw_write(struct eeh_func *f, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val);

/* ---- clock ---- */
struct eeh_clock {
	enum eeh_clock_mode mode;
	_Atomic uint64_t virt_us;
	uint64_t real_base_ns;
};

/* ---- backends ---- */
/*
 * A platform backend: what the kernel's eeh_ops are to the kernel. The
 * PE_OP engine (eeh/pe-op.c) implements kernel semantics over these;
 * a backend whose kernel does that itself (a VFIO container) sets pe_op.
 */
struct eeh_backend_ops {
	const char *name;
	/* EEH_STATE_* bits, or -errno; *delay_ms the suggested wait when
	 * UNAVAILABLE. */
	int (*get_state)(struct eeh_pe *pe, unsigned int *delay_ms);
	/* EEH_OPT_*: 0, or a negative RTAS-like status (-3, -7) or -errno. */
	int (*set_option)(struct eeh_pe *pe, int option);
	/* EEH_RESET_*: the firmware call only (no waits): 0, -3, -7, -8. */
	int (*reset)(struct eeh_pe *pe, int option);
	int (*configure)(struct eeh_pe *pe);
	int (*err_inject)(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
			  uint64_t mask);
	/* Optional: the whole op is done by a kernel. */
	int (*pe_op)(struct eeh_pe *pe, struct vfio_eeh_pe_op *op);
	/* Optional device access hooks (the simulator's hardware). */
	int (*cfg_access)(struct eeh_func *func, bool write, unsigned int off, unsigned int size,
			  uint32_t *val);
	int (*mmio_access)(struct eeh_func *func, bool write, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t *val);
	int (*dma_access)(struct eeh_func *func, bool write, uint64_t addr, size_t len);
	void (*destroy)(struct eeh_ctx *ctx);
};

struct eeh_ctx {
	_Atomic int refcount;
	eeh_log_fn log_fn;
	int log_priority;
	void *userdata;
	struct eeh_clock clock;
	struct eeh_model model;
	const struct eeh_backend_ops *ops;
	void *backend;
	unsigned int max_freezes;
	bool eeh_enabled;
	/* system call layer (sys.c) */
	const struct eeh_syscalls *sys;
	void *sys_data;
	char *sysroot;
	/* per-area state, owned by the area's module */
	void *iommufd;  /* lib/iommufd.c */
	void *host;     /* lib/host.c */
	/* persistent simulator image */
	char *image_path;
	int image_lock_fd;
};

struct eeh_ctx *ctx_alloc(void);
void ctx_set_backend(struct eeh_ctx *ctx, const struct eeh_backend_ops *ops, void *data);

/* Freeze accounting with the kernel's window rule (eeh_pe_update_time_stamp
 * and the freeze_count check of eeh_handle_normal_event). Returns true when
 * this freeze exceeds the limit. */
bool pe_count_freeze(struct eeh_pe *pe);

/* ---- simulator ---- */
extern const struct eeh_backend_ops sim_backend_ops;
int sim_attach(struct eeh_ctx *ctx);

/* ---- topology (topology.c) ---- */
struct json_object;
int topology_load_json(struct eeh_ctx *ctx, struct json_object *root, const char *origin);
int topology_load_file(struct eeh_ctx *ctx, const char *path);
int topology_load_string(struct eeh_ctx *ctx, const char *json, const char *origin);
struct json_object *topology_to_json(struct eeh_ctx *ctx, bool with_state);
extern const char topology_builtin_json[];

/* ---- helpers ---- */
int parse_bdf(const char *s, unsigned int *domain, unsigned int *bus, unsigned int *devfn);

#endif
