/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Declarations shared between libeeh modules. Never installed.
 */
#ifndef LIBEEH_PRIVATE_H
#define LIBEEH_PRIVATE_H

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include "libeeh.h"
#include "hashmap.h"
#include "backend.h"

#define EEH_EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Public structs that may grow carry their size first (libeeh.h). A
 * caller built against an older libeeh.h passes a smaller struct, never
 * one smaller than the first version's (EEH_V1_SIZE: up to its last
 * member then). struct_size_ok(): the caller's struct is big enough.
 * struct_out(): hand a struct the library filled to the caller, as much
 * of it as the caller's size covers. struct_in(): take the caller's
 * struct, the members it does not know zeroed.
 */
#define EEH_V1_SIZE(type, last) (offsetof(struct type, last) + sizeof(((struct type *)0)->last))
static inline bool struct_size_ok(const void *p, size_t v1_size)
{
	return p && *(const size_t *)p >= v1_size;
}

static inline void struct_out(void *dst, const void *src, size_t src_size)
{
	size_t n = *(const size_t *)dst;

	if (n > src_size)
		n = src_size;
	memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t), n - sizeof(size_t));
}

static inline void struct_in(void *dst, size_t dst_size, const void *src)
{
	size_t n = *(const size_t *)src;

	memset(dst, 0, dst_size);
	memcpy(dst, src, n < dst_size ? n : dst_size);
	*(size_t *)dst = dst_size;
}

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

/*
 * A PE, followed in memory by its backend's private area (pe_priv()).
 * GET_STATE reads the last fields here and the first EEH_PE_PRIV_HOT
 * bytes of the private area without a lock; they come last so the two
 * share one cache line (model.c aligns PEs to cache lines and checks it).
 */
struct eeh_pe {
	pthread_mutex_t lock;
	struct eeh_pe *next;       /* in PHB */
	struct eeh_pe *first_child, *next_sibling;
	struct eeh_func *funcs;
	unsigned int nfuncs;
	uint32_t number;
	uint32_t addr;
	int group;
	/* Written under lock (the platform counts a freeze); read by getters
	 * and recovery without it. */
	_Atomic unsigned int freeze_count;
	uint64_t freeze_tstamp_us; /* under lock */
	char name[32];
	/* hot: read by GET_STATE */
	struct eeh_phb *phb;
	struct eeh_pe *parent;
	/* A kernel VFIO container holding this PE's group: PE ops go to the
	 * kernel through it (vfio-container.c sets and clears it). */
	_Atomic(struct eeh_container *) container;
	_Atomic uint32_t kflags;
	uint8_t type;
	/* VFIO ownership (pe-owner.c), written under lock, in the line's
	 * spare bytes: simulated containers holding the group, and functions
	 * owned (the kernel's pass_dev_cnt: with no container, all of them
	 * bound through an iommufd). */
	uint8_t owner_groups;
	_Atomic uint16_t pass_dev_cnt;
	/* the backend's area, ops->pe_priv_size bytes */
	_Alignas(8) unsigned char priv[];
};

#define EEH_PE_PRIV_HOT 16

static inline void *pe_priv(struct eeh_pe *pe)
{
	return pe->priv;
}

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

/* ---- backends (backend.h) ---- */
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
	char *image_path;   /* the image file itself, links resolved */
	int image_lock_fd;  /* an open fd of the image file, flock()ed */
	bool image_created; /* the open created it empty ... */
	bool image_saved;   /* ... and it was saved since (else it goes again) */
};

static inline bool ctx_has(const struct eeh_ctx *ctx, unsigned int cap)
{
	return backend_has(ctx->ops, cap);
}

struct eeh_ctx *ctx_alloc(void);
void ctx_set_backend(struct eeh_ctx *ctx, const struct eeh_backend_ops *ops, void *data);

/* Freeze accounting with the kernel's window rule (eeh_pe_update_time_stamp
 * and the freeze_count check of eeh_handle_normal_event): host recovery
 * counts, never the freeze itself. Returns true when this recovery
 * exceeds the limit. */
bool pe_count_freeze(struct eeh_pe *pe);

/*
 * VFIO ownership of a PE's functions (pe-owner.c), the kernel's
 * eeh_dev_open()/eeh_dev_release(): a PE is passed while any of its
 * functions is owned through VFIO. Each take and each release runs
 * pe_change_owner() first (a frozen PE is thawed, or fully reset for the
 * kernel's eeh_reset_ids devices), then counts nfuncs functions. The host
 * does not detect or recover errors on a passed PE. A group held by a
 * container and a function bound through an iommufd exclude each other
 * (drivers/vfio/group.c): -EBUSY. Each takes pe->lock.
 */
enum pe_owner { PE_OWNER_GROUP, PE_OWNER_CDEV };
int pe_own(struct eeh_pe *pe, enum pe_owner how, unsigned int nfuncs);
void pe_disown(struct eeh_pe *pe, enum pe_owner how, unsigned int nfuncs);
static inline bool pe_passed(struct eeh_pe *pe)
{
	return atomic_load(&pe->pass_dev_cnt) > 0;
}
/* Does pe hold one of the devices the kernel resets instead of thawing
 * when ownership changes (eeh_reset_ids)? */
bool pe_resets_on_owner_change(struct eeh_pe *pe);
/* eeh_pe_change_owner() over the backend, pe->lock held: 0 or -errno. */
int pe_change_owner(struct eeh_pe *pe);

/* Whether pe offers a fundamental reset (ibm,set-slot-reset 3); when
 * not, the call answers EEH_RTAS_NO_FRESET (backend.c). */
bool pe_offers_freset(struct eeh_pe *pe);
/* The reset call of pe's backend: -EOPNOTSUPP without EEH_BACKEND_CAP_HOT_RESET. */
int pe_backend_reset(struct eeh_pe *pe, int option);

/* A freeze with no cause, a PHB fence (sim.c), for inject/: 0, -EINVAL,
 * -EOPNOTSUPP (not the simulator), -ENODEV (PE permanently failed). */
int sim_freeze(struct eeh_pe *pe);
int sim_fence_phb(struct eeh_phb *phb);
/* Make sure the PE translates DMA (sim-dma.c): a PE with no window
 * programmed gets its default window, empty. 0, -EINVAL, -ENOMEM,
 * -EOPNOTSUPP (not the simulator). */
int sim_dma_arm(struct eeh_pe *pe);

/* ---- the simulator's injection record (sim-inject.c), for inject/:
 * callers check eeh_is_sim() first; each takes pe->lock ---- */
void sim_record_event(struct eeh_pe *pe, enum eeh_inject_kind kind);
int sim_record_count(struct eeh_pe *pe);
int sim_record_pending(struct eeh_pe *pe);
/* 0 and *out, or -EINVAL for an index past the record. */
int sim_record_get(struct eeh_pe *pe, unsigned int index, struct eeh_inject_record *out);

/* ---- topology (topology.c) ---- */
struct json_object;
int topology_load_json(struct eeh_ctx *ctx, struct json_object *root, const char *origin);
int topology_load_file(struct eeh_ctx *ctx, const char *path);
/* The file path names, its symbolic links followed (also a dangling one,
 * to where it points): malloc'd, or NULL with errno. */
char *topology_resolve_path(const char *path);
int topology_load_string(struct eeh_ctx *ctx, const char *json, const char *origin);
struct json_object *topology_to_json(struct eeh_ctx *ctx, bool with_state);
extern const char topology_builtin_json[];
/* The loader, for the backends' pe_load hooks: read a key of obj (errors
 * logged with the path to it), push/pop a path component, fail. */
int topo_get_u64(struct topo_loader *ld, struct json_object *obj, const char *key, bool required,
		 uint64_t def, uint64_t max, uint64_t *out);
int topo_get_bool(struct topo_loader *ld, struct json_object *obj, const char *key, bool def,
		  bool *out);
int topo_get_array(struct topo_loader *ld, struct json_object *obj, const char *key,
		   bool required, struct json_object **out);
size_t topo_path_push(struct topo_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void topo_path_pop(struct topo_loader *ld, size_t len);
int topo_fail(struct topo_loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int topology_load_pe_common(struct topo_loader *ld, struct eeh_pe *pe, struct json_object *st);
void topology_save_pe_common(struct eeh_pe *pe, struct json_object *st);

/* ---- PE ops (pe-op-check.c) ---- */
#define OFFSETOFEND(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
struct vfio_eeh_pe_op;
/* vfio_spapr_ioctl_eeh_pe_op()'s argument checks (argsz, flags, op, the
 * INJECT_ERR type and function), made before a kernel sees the op so
 * the answer is the same on every kernel: 0 or -EINVAL. */
int pe_op_validate(const struct vfio_eeh_pe_op *op);

/* ---- helpers (model.c) ---- */
int parse_bdf(const char *s, unsigned int *domain, unsigned int *bus, unsigned int *devfn);

#endif
