/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RTAS front end's internals, shared by its files. Who uses whom
 * (never both ways):
 *   rtas.c          new VM, tokens, dispatch  -> rtas-calls.c, rtas-vm.c
 *   rtas-dt.c       device tree helpers       -> rtas-calls.c, rtas-vm.c
 *   rtas-calls.c    the calls, rtas_calls[]   -> rtas-errinjct.c, rtas-ddw.c, rtas-vm.c
 *   rtas-ddw.c      DDW calls, TCE hcalls     -> rtas-vm.c
 *   rtas-errinjct.c the errinjct calls        -> rtas-vm.c
 *   rtas-vm.c       the VM and PHB registry   -> (none of these)
 */
#ifndef EEH_RTAS_H
#define EEH_RTAS_H

#include <linux/vfio.h>

#include "libeeh-private.h"
#include "rcu.h"

/* The largest argument block Linux builds (struct rtas_args). */
#define RTAS_MAX_CELLS 16

/* A guest PHB: one host PE (an IOMMU group) behind one guest BUID. */
struct rtas_phb {
	uint64_t buid;
	struct eeh_vm *vm;
	struct eeh_pe *pe;      /* the host PE, NULL if unknown */
	eeh_pe_op_fn op_fn;     /* NULL: no EEH on this PHB */
	void *op_data;
	bool direct;            /* op_fn is eeh_pe_op() on pe */
	/* QEMU's spapr_phb_eeh_available(): checked before every call; NULL
	 * when the binding is always usable. */
	bool (*usable)(struct rtas_phb *phb);
	struct eeh_iommufd *ifd; /* iommufd binding: the device object */
	uint32_t devid;
	/* iommufd binding whose device route has no reset (the platform
	 * offers no bus reset for the function): no EEH on this PHB. */
	bool no_reset;
	/* Container binding: every container the VMM put behind the PHB
	 * (changed under lock), and the one ops go to: NULL unless there is
	 * exactly one (QEMU: no EEH state sync across containers). */
	struct eeh_container **containers;
	unsigned int ncontainers;
	_Atomic(struct eeh_container *) container;
	bool live;              /* false once removed */
	/* Serializes the guest's calls that change the PE's state, so a
	 * state check and the op it allows are one step for the guest. */
	pthread_mutex_t lock;
	_Atomic int freset;     /* fundamental reset offered: -1 unknown, 0, 1 */
	_Atomic bool perm;      /* made permanently unavailable by the guest */
	_Atomic bool enabled;   /* the guest enabled EEH (set-eeh-option 1) */
	_Atomic unsigned int log_seen; /* host error count at the last log read */
	_Atomic unsigned int ndevs;
	/* Guest (bus, devfn) with a passthrough function: 256 buses x 256. */
	_Atomic uint64_t devs[256][4];
	struct rtas_phb *all_next; /* the VM's PHBs, and removed ones until reclaimed */
	/* DMA windows (eeh_vm_set_phb_dma()): NULL without */
	_Atomic(struct eeh_spapr *) dma;
	unsigned int liobn_index;
};

/* Copy-on-write open-addressing map BUID -> PHB: readers never lock. */
struct phb_table {
	struct phb_table *old_next;
	uint32_t mask;
	struct rtas_phb *slot[];
};

struct eeh_vm {
	_Atomic int refcount;
	struct eeh_ctx *ctx;
	struct eeh_vm_ops ops;
	void *opaque;
	_Atomic int mode;
	_Atomic bool errinjct_on;
	uint32_t tokens[EEH_RTAS_NCALLS];
	_Atomic(struct phb_table *) table;
	pthread_mutex_t setup_lock; /* writers of table, the PHB list */
	struct phb_table *old_tables;
	struct rtas_phb *all_phbs;
	/* What lock-free readers of the table (calls and the VMM's per-PHB
	 * functions, in RCU read sections) may still hold: old tables and
	 * removed PHBs, freed once the grace period is over (rtas_reclaim()). */
	bool retired;
	struct rcu_grace grace;
	/* ibm,open-errinjct: the open token, 0 when closed. */
	_Atomic uint32_t errinjct_owner;
	_Atomic uint32_t errinjct_seq;
	/* DDW: PHB by LIOBN index (SPAPR_PCI_LIOBN), the calls served */
	_Atomic(struct rtas_phb *) liobn_phb[256];
	_Atomic bool ddw_on;
};

/* Is call served on this VM (the errinjct and DDW options)? */
static inline bool rtas_call_on(const struct eeh_vm *vm, bool errinjct, bool ddw)
{
	if (errinjct && !atomic_load_explicit(&vm->errinjct_on, memory_order_relaxed))
		return false;
	return !ddw || atomic_load_explicit(&vm->ddw_on, memory_order_relaxed);
}

/* One call being serviced: the cells and how many returns were set. */
struct rtas_req {
	struct eeh_vm *vm;
	uint32_t nargs, nret;
	const uint32_t *args;
	uint32_t *rets;
	uint32_t nset;
};

static inline void rtas_ret(struct rtas_req *r, uint32_t i, int32_t v)
{
	if (i >= r->nret)
		return;
	r->rets[i] = (uint32_t)v;
	if (i + 1 > r->nset)
		r->nset = i + 1;
}

static inline uint64_t rtas_buid(const struct rtas_req *r, uint32_t hi)
{
	return ((uint64_t)r->args[hi] << 32) | r->args[hi + 1];
}

static inline uint32_t rtas_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void rtas_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline enum eeh_rtas_mode rtas_mode(const struct eeh_vm *vm)
{
	return (enum eeh_rtas_mode)atomic_load_explicit(&vm->mode, memory_order_relaxed);
}

/* Run one VFIO_EEH_PE_OP on the PHB's PE through its op target. */
static inline int rtas_phb_op(struct rtas_phb *phb, struct vfio_eeh_pe_op *op)
{
	return phb->op_fn(phb->op_data, op);
}

/* An op without arguments (GET_STATE, ENABLE, the resets...). */
static inline int rtas_phb_op_simple(struct rtas_phb *phb, unsigned int op)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = op };

	return rtas_phb_op(phb, &o);
}

/*
 * The registry's read path, inline: every call runs it (lock-free), and
 * bench-rtas counts the cost of a call across files.
 */
static inline uint32_t rtas_buid_slot(uint64_t buid, uint32_t mask)
{
	return (uint32_t)((buid * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

/* Around every lock-free use of the table and its PHBs: an RCU read
 * section (lib/rcu.h), two stores into the thread's own slot. */
static inline void rtas_enter(struct eeh_vm *vm)
{
	(void)vm;
	rcu_read_lock();
}

static inline void rtas_exit(struct eeh_vm *vm)
{
	(void)vm;
	rcu_read_unlock();
}

static inline struct rtas_phb *rtas_phb_find(struct eeh_vm *vm, uint64_t buid)
{
	const struct phb_table *t = atomic_load(&vm->table);
	struct rtas_phb *phb;

	if (!t)
		return NULL;
	for (uint32_t i = rtas_buid_slot(buid, t->mask);; i = (i + 1) & t->mask) {
		phb = t->slot[i];
		if (!phb || phb->buid == buid)
			return phb;
	}
}

/* The PHB named by a BUID if it has EEH, else NULL. */
static inline struct rtas_phb *rtas_phb_eeh(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb = rtas_phb_find(vm, buid);

	return phb && phb->op_fn && (!phb->usable || phb->usable(phb)) ? phb : NULL;
}

static inline bool rtas_phb_has_dev(struct rtas_phb *phb, unsigned int bus, unsigned int devfn)
{
	uint64_t w = atomic_load_explicit(&phb->devs[bus & 0xff][(devfn & 0xff) / 64],
					  memory_order_relaxed);

	return (w >> (devfn % 64)) & 1;
}

/* PAPR (R1-7.3.4-1): the register fields of an EEH config address are 0;
 * a PHB is one PE, so any function behind it names the PE. PAPR-strict:
 * is config_addr the PE's address or a device's behind it? */
static inline bool rtas_addr_in_pe(struct rtas_phb *phb, uint32_t config_addr)
{
	if (config_addr & 0xff0000ffu)
		return false;
	return rtas_phb_has_dev(phb, (config_addr >> 16) & 0xff, (config_addr >> 8) & 0xff);
}

/* The rest of the registry (rtas-vm.c). */
/* A VM with no PHBs, QEMU mode, errinjct on; the caller sets its tokens. */
struct eeh_vm *rtas_vm_alloc(struct eeh_ctx *ctx, const struct eeh_vm_ops *ops, void *opaque);
/* Any passthrough function on the guest bus? */
bool rtas_phb_has_bus(struct rtas_phb *phb, unsigned int bus);
/* The guest's PE config address in a mode; -ENOENT without devices. */
int64_t rtas_pe_config_addr(struct rtas_phb *phb, enum eeh_rtas_mode mode);
/* Does the PHB offer a fundamental reset (ibm,set-slot-reset 3)? */
bool rtas_phb_freset_offered(struct rtas_phb *phb);

/*
 * One RTAS call: a new call is one entry in rtas_calls[] (rtas-calls.c)
 * and one handler. The dispatcher checks the cell counts before the
 * handler runs; a wrong count gets -3 and nothing else written.
 */
struct rtas_call {
	const char *name;               /* the /rtas property, e.g. "ibm,configure-pe" */
	uint32_t token;                 /* default token (QEMU's) */
	void (*handler)(struct rtas_req *r);
	uint32_t nargs;                 /* argument cells, exactly */
	uint32_t nret_min, nret_max;    /* return cells accepted */
	bool errinjct;                  /* part of the errinjct option (eeh_vm_set_errinjct) */
	bool ddw;                       /* served once a PHB has DMA windows */
};

/* Indexed by enum eeh_rtas_call. */
extern const struct rtas_call rtas_calls[EEH_RTAS_NCALLS];

/* The DDW calls (rtas-ddw.c). */
void rtas_query_pe_dma_window(struct rtas_req *r);
void rtas_create_pe_dma_window(struct rtas_req *r);
void rtas_remove_pe_dma_window(struct rtas_req *r);
void rtas_reset_pe_dma_window(struct rtas_req *r);

/* The errinjct calls (rtas-errinjct.c). */
void rtas_open_errinjct(struct rtas_req *r);
void rtas_close_errinjct(struct rtas_req *r);
void rtas_errinjct(struct rtas_req *r);

#endif
