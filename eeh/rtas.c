/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VMM front end: a POWER guest's EEH RTAS calls answered from the host
 * PE behind each guest PHB.
 *
 * QEMU-compatible mode reproduces hw/ppc/spapr_pci.c + spapr_pci_vfio.c
 * call for call (the mapping of rtas-vmm.md section 11). PAPR-strict mode
 * follows LoPAR: the PE state control table, -8, state 5 with the
 * unavailable time, a real error log, permanent unavailability.
 *
 * Concurrency: the BUID -> PHB map is copied on write and published with
 * one atomic pointer, so lookups take no lock; a guest PHB has its own
 * mutex for the calls that change the PE's state; reads of the state go
 * straight to the PE (eeh_pe_op() locks per PE).
 */
#include <stdlib.h>
#include <string.h>

#include "iommufd.h"
#include "rtas.h"

/* QEMU's RTAS_EEH_PE_UNAVAIL_INFO: the guest polls again in 1 s. */
#define QEMU_UNAVAIL_INFO_MS 1000
/* QEMU's RTAS_PE_MODE_SHARED, PAPR's "not shared". */
#define PE_MODE_NONE 0
#define PE_MODE_NOT_SHARED 1
#define PE_MODE_SHARED 2

static const char *const call_names[EEH_RTAS_NCALLS] = {
	[EEH_RTAS_SET_EEH_OPTION] = "ibm,set-eeh-option",
	[EEH_RTAS_GET_CONFIG_ADDR_INFO2] = "ibm,get-config-addr-info2",
	[EEH_RTAS_READ_SLOT_RESET_STATE2] = "ibm,read-slot-reset-state2",
	[EEH_RTAS_SET_SLOT_RESET] = "ibm,set-slot-reset",
	[EEH_RTAS_CONFIGURE_PE] = "ibm,configure-pe",
	[EEH_RTAS_SLOT_ERROR_DETAIL] = "ibm,slot-error-detail",
	[EEH_RTAS_ERRINJCT] = "ibm,errinjct",
	[EEH_RTAS_OPEN_ERRINJCT] = "ibm,open-errinjct",
	[EEH_RTAS_CLOSE_ERRINJCT] = "ibm,close-errinjct",
};

/* QEMU's tokens: RTAS_TOKEN_BASE 0x2000 + 0x20.. (errinjct: the RFC's). */
static const uint32_t default_tokens[EEH_RTAS_NCALLS] = {
	0x2020, 0x2021, 0x2022, 0x2023, 0x2024, 0x2025, 0x202d, 0x202e, 0x202f,
};

static bool is_errinjct_call(unsigned int call)
{
	return call >= EEH_RTAS_ERRINJCT && call <= EEH_RTAS_CLOSE_ERRINJCT;
}

EEH_EXPORT const char *eeh_rtas_call_name(enum eeh_rtas_call call)
{
	return (unsigned int)call < EEH_RTAS_NCALLS ? call_names[call] : NULL;
}

EEH_EXPORT int eeh_rtas_call_from_name(const char *name)
{
	for (unsigned int i = 0; name && i < EEH_RTAS_NCALLS; i++)
		if (!strcmp(name, call_names[i]))
			return (int)i;
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* The VM and its PHB map                                               */
/* ------------------------------------------------------------------ */

static uint32_t buid_slot(uint64_t buid, uint32_t mask)
{
	return (uint32_t)((buid * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

struct rtas_phb *rtas_phb_find(struct eeh_vm *vm, uint64_t buid)
{
	const struct phb_table *t = atomic_load_explicit(&vm->table, memory_order_acquire);
	struct rtas_phb *phb;

	if (!t)
		return NULL;
	for (uint32_t i = buid_slot(buid, t->mask);; i = (i + 1) & t->mask) {
		phb = t->slot[i];
		if (!phb || phb->buid == buid)
			return phb;
	}
}

struct rtas_phb *rtas_phb_eeh(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb = rtas_phb_find(vm, buid);

	return phb && phb->op_fn && (!phb->usable || phb->usable(phb)) ? phb : NULL;
}

/* Publish a new map of the live PHBs; setup_lock held. The old map stays
 * allocated until the VM is freed: a vCPU may still be reading it. */
static int table_rebuild(struct eeh_vm *vm)
{
	struct phb_table *t, *old;
	uint32_t n = 0, size = 8;

	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next)
		n += p->live;
	while (size < 2 * n)
		size *= 2;
	t = calloc(1, sizeof(*t) + size * sizeof(t->slot[0]));
	if (!t)
		return -ENOMEM;
	t->mask = size - 1;
	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next) {
		uint32_t i = buid_slot(p->buid, t->mask);

		if (!p->live)
			continue;
		while (t->slot[i])
			i = (i + 1) & t->mask;
		t->slot[i] = p;
	}
	old = atomic_load_explicit(&vm->table, memory_order_relaxed);
	atomic_store_explicit(&vm->table, t, memory_order_release);
	if (old) {
		old->old_next = vm->old_tables;
		vm->old_tables = old;
	}
	return 0;
}

EEH_EXPORT int eeh_vm_new(struct eeh_ctx *ctx, const struct eeh_vm_ops *ops, void *opaque,
			  struct eeh_vm **out)
{
	struct eeh_vm *vm;

	if (!ctx || !out)
		return -EINVAL;
	*out = NULL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	atomic_init(&vm->refcount, 1);
	vm->ctx = eeh_ref(ctx);
	if (ops)
		vm->ops = *ops;
	vm->opaque = opaque;
	atomic_init(&vm->mode, EEH_RTAS_MODE_QEMU);
	atomic_init(&vm->errinjct_on, true);
	memcpy(vm->tokens, default_tokens, sizeof(vm->tokens));
	pthread_mutex_init(&vm->setup_lock, NULL);
	*out = vm;
	return 0;
}

EEH_EXPORT struct eeh_vm *eeh_vm_ref(struct eeh_vm *vm)
{
	if (vm)
		atomic_fetch_add(&vm->refcount, 1);
	return vm;
}

static void vm_free(struct eeh_vm *vm)
{
	struct rtas_phb *p, *pn;
	struct phb_table *t, *tn;

	for (p = vm->all_phbs; p; p = pn) {
		pn = p->all_next;
		pthread_mutex_destroy(&p->lock);
		free(p);
	}
	for (t = vm->old_tables; t; t = tn) {
		tn = t->old_next;
		free(t);
	}
	free(atomic_load(&vm->table));
	pthread_mutex_destroy(&vm->setup_lock);
	eeh_unref(vm->ctx);
	free(vm);
}

EEH_EXPORT struct eeh_vm *eeh_vm_unref(struct eeh_vm *vm)
{
	if (vm && atomic_fetch_sub(&vm->refcount, 1) == 1)
		vm_free(vm);
	return NULL;
}

EEH_EXPORT struct eeh_ctx *eeh_vm_ctx(struct eeh_vm *vm)
{
	return vm ? vm->ctx : NULL;
}

EEH_EXPORT int eeh_vm_set_mode(struct eeh_vm *vm, enum eeh_rtas_mode mode)
{
	if (!vm || (mode != EEH_RTAS_MODE_QEMU && mode != EEH_RTAS_MODE_PAPR))
		return -EINVAL;
	atomic_store(&vm->mode, mode);
	return 0;
}

EEH_EXPORT enum eeh_rtas_mode eeh_vm_get_mode(struct eeh_vm *vm)
{
	return vm ? rtas_mode(vm) : EEH_RTAS_MODE_QEMU;
}

EEH_EXPORT int eeh_vm_token(struct eeh_vm *vm, enum eeh_rtas_call call)
{
	if (!vm || (unsigned int)call >= EEH_RTAS_NCALLS)
		return -EINVAL;
	return (int)vm->tokens[call];
}

EEH_EXPORT int eeh_vm_set_token(struct eeh_vm *vm, enum eeh_rtas_call call, uint32_t token)
{
	if (!vm || (unsigned int)call >= EEH_RTAS_NCALLS || !token || token > INT32_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		if (i != (unsigned int)call && vm->tokens[i] == token)
			return -EEXIST;
	vm->tokens[call] = token;
	return 0;
}

EEH_EXPORT void eeh_vm_set_errinjct(struct eeh_vm *vm, bool enabled)
{
	if (vm)
		atomic_store(&vm->errinjct_on, enabled);
}

/* The PE op through eeh_pe_op(): the default target of a PHB. */
static int direct_pe_op(void *data, struct vfio_eeh_pe_op *op)
{
	return eeh_pe_op(data, op);
}

struct binding {
	eeh_pe_op_fn fn;
	void *data;             /* NULL with ifd: the PHB itself */
	struct eeh_pe *pe;
	bool direct;
	bool (*usable)(struct rtas_phb *phb);
	struct eeh_iommufd *ifd;
	uint32_t devid;
};

static int add_phb(struct eeh_vm *vm, uint64_t buid, const struct binding *b)
{
	struct eeh_pe *pe = b->pe;
	struct rtas_phb *phb;
	int rc;

	if (!vm || (pe && eeh_pe_ctx(pe) != vm->ctx))
		return -EINVAL;
	pthread_mutex_lock(&vm->setup_lock);
	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next) {
		if (!p->live)
			continue;
		if (p->buid == buid) {
			rc = -EEXIST;
			goto out;
		}
		/* One PHB per PE, as QEMU's one AddressSpace per group: two
		 * guest PHBs on one PE would reset each other's devices. */
		if (pe && p->pe == pe) {
			rc = -EBUSY;
			goto out;
		}
	}
	phb = calloc(1, sizeof(*phb));
	if (!phb) {
		rc = -ENOMEM;
		goto out;
	}
	phb->buid = buid;
	phb->vm = vm;
	phb->pe = pe;
	phb->op_fn = b->fn;
	phb->op_data = b->ifd ? phb : b->data;
	phb->direct = b->direct;
	phb->usable = b->usable;
	phb->ifd = b->ifd;
	phb->devid = b->devid;
	phb->live = true;
	pthread_mutex_init(&phb->lock, NULL);
	atomic_init(&phb->freset, -1);
	phb->all_next = vm->all_phbs;
	vm->all_phbs = phb;
	rc = table_rebuild(vm);
	if (rc) {
		vm->all_phbs = phb->all_next;
		pthread_mutex_destroy(&phb->lock);
		free(phb);
	}
out:
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
}

EEH_EXPORT int eeh_vm_add_phb(struct eeh_vm *vm, uint64_t buid, struct eeh_pe *pe)
{
	struct binding b = { .fn = pe ? direct_pe_op : NULL, .data = pe, .pe = pe,
			     .direct = pe != NULL };

	return add_phb(vm, buid, &b);
}

EEH_EXPORT int eeh_vm_add_phb_op(struct eeh_vm *vm, uint64_t buid, eeh_pe_op_fn fn, void *data,
				 struct eeh_pe *pe)
{
	struct binding b = { .fn = fn, .data = data, .pe = pe };

	if (!fn)
		return -EINVAL;
	return add_phb(vm, buid, &b);
}

/* iommufd: the op goes to the device object; the one-group rule decides
 * whether the PHB has EEH at all, as QEMU's availability check does. */
static int iommufd_pe_op(void *data, struct vfio_eeh_pe_op *op)
{
	struct rtas_phb *phb = data;

	return eeh_iommufd_pe_op(phb->ifd, phb->devid, op);
}

/* On every call: the iommufd's lock-free check, as its PE op uses, not
 * eeh_iommufd_check(), whose lock one iommufd shares across all PHBs. */
static bool iommufd_usable(struct rtas_phb *phb)
{
	struct eeh_pe *pe;

	return iofd_check(phb->ifd, phb->devid, &pe) == 0;
}

EEH_EXPORT int eeh_vm_add_phb_iommufd(struct eeh_vm *vm, uint64_t buid, struct eeh_iommufd *ifd,
				      uint32_t devid)
{
	struct binding b = { .fn = iommufd_pe_op, .usable = iommufd_usable, .ifd = ifd,
			     .devid = devid };
	int err = 0;

	if (!vm || !ifd)
		return -EINVAL;
	b.pe = eeh_iommufd_device_pe(ifd, devid, &err);
	if (!b.pe && err == -ENOENT)
		return -ENOENT;
	return add_phb(vm, buid, &b);
}

/* A legacy container: QEMU's rule, exactly one group and EEH there. */
static int container_pe_op(void *data, struct vfio_eeh_pe_op *op)
{
	return eeh_container_pe_op(data, op);
}

static bool container_usable(struct rtas_phb *phb)
{
	return eeh_container_group_count(phb->op_data) == 1 &&
	       eeh_container_eeh_supported(phb->op_data) == 0;
}

EEH_EXPORT int eeh_vm_add_phb_container(struct eeh_vm *vm, uint64_t buid,
					struct eeh_container *c, struct eeh_pe *pe)
{
	struct binding b = { .fn = container_pe_op, .data = c, .pe = pe,
			     .usable = container_usable };

	if (!c)
		return -EINVAL;
	return add_phb(vm, buid, &b);
}

EEH_EXPORT int eeh_vm_del_phb(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int rc;

	if (!vm)
		return -EINVAL;
	pthread_mutex_lock(&vm->setup_lock);
	phb = rtas_phb_find(vm, buid);
	if (!phb) {
		rc = -ENOENT;
	} else {
		phb->live = false;
		rc = table_rebuild(vm);
		if (rc)
			phb->live = true;
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
}

bool rtas_phb_has_dev(struct rtas_phb *phb, unsigned int bus, unsigned int devfn)
{
	uint64_t w = atomic_load_explicit(&phb->devs[bus & 0xff][(devfn & 0xff) / 64],
					  memory_order_relaxed);

	return (w >> (devfn % 64)) & 1;
}

static bool phb_has_bus(struct rtas_phb *phb, unsigned int bus)
{
	for (unsigned int i = 0; i < 4; i++)
		if (atomic_load_explicit(&phb->devs[bus][i], memory_order_relaxed))
			return true;
	return false;
}

static int set_device(struct eeh_vm *vm, uint64_t buid, unsigned int bus, unsigned int devfn,
		      bool present)
{
	struct rtas_phb *phb;
	uint64_t bit, old;

	if (!vm || bus > 0xff || devfn > 0xff)
		return -EINVAL;
	phb = rtas_phb_find(vm, buid);
	if (!phb)
		return -ENOENT;
	bit = 1ULL << (devfn % 64);
	if (present) {
		old = atomic_fetch_or(&phb->devs[bus][devfn / 64], bit);
		if (!(old & bit))
			atomic_fetch_add(&phb->ndevs, 1);
	} else {
		old = atomic_fetch_and(&phb->devs[bus][devfn / 64], ~bit);
		if (old & bit)
			atomic_fetch_sub(&phb->ndevs, 1);
	}
	return 0;
}

EEH_EXPORT int eeh_vm_add_device(struct eeh_vm *vm, uint64_t buid, unsigned int bus,
				 unsigned int devfn)
{
	return set_device(vm, buid, bus, devfn, true);
}

EEH_EXPORT int eeh_vm_del_device(struct eeh_vm *vm, uint64_t buid, unsigned int bus,
				 unsigned int devfn)
{
	return set_device(vm, buid, bus, devfn, false);
}

EEH_EXPORT int eeh_vm_set_fundamental_reset(struct eeh_vm *vm, uint64_t buid, int offered)
{
	struct rtas_phb *phb;

	if (!vm || offered < -1 || offered > 1)
		return -EINVAL;
	phb = rtas_phb_find(vm, buid);
	if (!phb)
		return -ENOENT;
	atomic_store(&phb->freset, offered);
	return 0;
}

/* The lowest (bus, devfn) with a device, as bus << 8 | devfn; -1 if none. */
static int first_device(struct rtas_phb *phb)
{
	for (unsigned int bus = 0; bus < 256; bus++)
		for (unsigned int i = 0; i < 4; i++) {
			uint64_t w = atomic_load_explicit(&phb->devs[bus][i], memory_order_relaxed);

			if (w)
				return (int)(bus << 8 | (i * 64 + (unsigned int)__builtin_ctzll(w)));
		}
	return -1;
}

/*
 * The guest's PE config address. QEMU: bus << 16 | 1 (the low byte keeps
 * it non-zero on bus 0, old guests read 0 as "none"). PAPR: the config
 * address of the PE's first function with the register fields 0.
 */
static int64_t pe_config_addr(struct rtas_phb *phb, enum eeh_rtas_mode mode)
{
	int first = first_device(phb);

	if (first < 0)
		return -ENOENT;
	if (mode == EEH_RTAS_MODE_QEMU)
		return ((int64_t)(first >> 8) << 16) | 1;
	return (int64_t)first << 8;
}

EEH_EXPORT int64_t eeh_vm_pe_config_addr(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;

	if (!vm)
		return -EINVAL;
	phb = rtas_phb_find(vm, buid);
	return phb ? pe_config_addr(phb, rtas_mode(vm)) : -ENOENT;
}

EEH_EXPORT int eeh_vm_phb_permanent(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;

	if (!vm)
		return -EINVAL;
	phb = rtas_phb_find(vm, buid);
	return phb ? atomic_load(&phb->perm) : -ENOENT;
}

/* PAPR (R1-7.3.4-1): the register fields of an EEH config address are 0;
 * a PHB is one PE, so any function behind it names the PE. */
bool rtas_addr_in_pe(struct rtas_phb *phb, uint32_t config_addr)
{
	if (config_addr & 0xff0000ffu)
		return false;
	return rtas_phb_has_dev(phb, (config_addr >> 16) & 0xff, (config_addr >> 8) & 0xff);
}

int rtas_phb_op(struct rtas_phb *phb, struct vfio_eeh_pe_op *op)
{
	return phb->op_fn(phb->op_data, op);
}

static int phb_op_simple(struct rtas_phb *phb, unsigned int op)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = op };

	return rtas_phb_op(phb, &o);
}

/* A state-changing op: one guest call on a PHB at a time. */
static int phb_op_locked(struct rtas_phb *phb, unsigned int op)
{
	int rc;

	pthread_mutex_lock(&phb->lock);
	rc = phb_op_simple(phb, op);
	pthread_mutex_unlock(&phb->lock);
	return rc;
}

static int phb_reset(struct rtas_phb *phb)
{
	atomic_store(&phb->perm, false);
	atomic_store(&phb->enabled, false);
	if (phb->pe) {
		struct eeh_pe_error e;

		/* Errors from before the reboot are not the new guest's. */
		if (eeh_pe_last_error(phb->pe, &e) == 0)
			atomic_store(&phb->log_seen, e.errors);
	}
	if (!phb->op_fn)
		return 0;
	/* spapr_phb_reset(): the PE may be frozen across a guest reboot;
	 * ENABLE thaws it so the devices work after the reboot. */
	return phb_op_simple(phb, VFIO_EEH_PE_ENABLE);
}

EEH_EXPORT int eeh_vm_phb_reset(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int rc;

	if (!vm)
		return -EINVAL;
	phb = rtas_phb_find(vm, buid);
	if (!phb)
		return -ENOENT;
	pthread_mutex_lock(&phb->lock);
	rc = phb_reset(phb);
	pthread_mutex_unlock(&phb->lock);
	return rc < 0 ? rc : 0;
}

EEH_EXPORT int eeh_vm_reset(struct eeh_vm *vm)
{
	int rc = 0;

	if (!vm)
		return -EINVAL;
	atomic_store(&vm->errinjct_owner, 0);
	pthread_mutex_lock(&vm->setup_lock);
	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next) {
		int r;

		if (!p->live)
			continue;
		pthread_mutex_lock(&p->lock);
		r = phb_reset(p);
		pthread_mutex_unlock(&p->lock);
		if (r < 0 && !rc)
			rc = r;
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
}

/* ------------------------------------------------------------------ */
/* PE state as PAPR firmware reports it                                 */
/* ------------------------------------------------------------------ */

struct papr_state {
	int state;         /* 0, 1, 2, 4, 5 */
	unsigned int info; /* state 5: ms until available, 0 permanent */
	bool perm;
};

/*
 * PAPR: ibm,read-slot-reset-state2 does not fail; a PE the platform cannot
 * read is permanently unavailable (state 5, info 0).
 */
static void phb_papr_state(struct rtas_phb *phb, struct papr_state *ps)
{
	int s;

	ps->state = EEH_PAPR_STATE_UNAVAIL;
	ps->info = 0;
	ps->perm = true;
	if (atomic_load_explicit(&phb->perm, memory_order_relaxed))
		return;
	if (phb->direct) {
		if (eeh_pe_papr_state(phb->pe, &s, &ps->info) < 0)
			return;
	} else {
		unsigned int info = 0;
		int ps_state;

		s = phb_op_simple(phb, VFIO_EEH_PE_GET_STATE);
		if (s < 0)
			return;
		/* The op target only says "5": the host PE knows for how long. */
		if (s == EEH_PAPR_STATE_UNAVAIL) {
			if (!phb->pe || eeh_pe_papr_state(phb->pe, &ps_state, &info) < 0 ||
			    ps_state != EEH_PAPR_STATE_UNAVAIL)
				info = QEMU_UNAVAIL_INFO_MS;
		}
		ps->info = info;
	}
	ps->state = s;
	if (s != EEH_PAPR_STATE_UNAVAIL)
		ps->info = 0;
	ps->perm = s == EEH_PAPR_STATE_UNAVAIL && ps->info == 0;
}

/*
 * PAPR-strict: the PE state control table decides first. Returns the RTAS
 * status when the table refuses or makes the call a no-op (*run false),
 * else 0 with *run true: the op may go to the host.
 */
static int papr_table_check(struct rtas_phb *phb, enum eeh_papr_call call, bool *run)
{
	struct papr_state ps;
	int next = -1, status;

	*run = false;
	phb_papr_state(phb, &ps);
	status = eeh_papr_state_control(call, ps.state, ps.perm, &next);
	if (status < 0 && status != EEH_RTAS_PARAM_ERROR && status != EEH_RTAS_STATE_CHANGE)
		return EEH_RTAS_STATE_CHANGE; /* a state the table does not know */
	if (status)
		return status;
	*run = next >= 0;
	return EEH_RTAS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* The calls                                                            */
/* ------------------------------------------------------------------ */

/*
 * The common prologue (spapr_pci.c): exact nargs/nret, the BUID in args
 * hi/lo, a known PHB with usable EEH; else -3 and nothing else written.
 */
static struct rtas_phb *prologue(struct rtas_req *r, uint32_t nargs, uint32_t nret_min,
				 uint32_t nret_max)
{
	struct rtas_phb *phb;

	if (r->nargs != nargs || r->nret < nret_min || r->nret > nret_max) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return NULL;
	}
	phb = rtas_phb_eeh(r->vm, rtas_buid(r, 1));
	if (!phb)
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
	return phb;
}

/* QEMU: any op failure is -1 (hardware error). */
static int32_t status_of(int rc)
{
	return rc < 0 ? EEH_RTAS_HW_ERROR : EEH_RTAS_SUCCESS;
}

static int32_t strict_op(struct rtas_phb *phb, enum eeh_papr_call call, unsigned int op)
{
	bool run;
	int32_t st;

	pthread_mutex_lock(&phb->lock);
	st = papr_table_check(phb, call, &run);
	if (!st && run)
		st = status_of(phb_op_simple(phb, op));
	pthread_mutex_unlock(&phb->lock);
	return st;
}

static void set_eeh_option(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 4, 1, 1);
	uint32_t addr, fn;
	int32_t st;
	bool strict;

	if (!phb)
		return;
	addr = r->args[0];
	fn = r->args[3];
	strict = rtas_mode(r->vm) == EEH_RTAS_MODE_PAPR;
	/* PAPR: -3 when EEH is not implemented for the address. */
	if (strict && !rtas_addr_in_pe(phb, addr)) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	switch (fn) {
	case EEH_OPT_DISABLE:
		st = status_of(phb_op_locked(phb, VFIO_EEH_PE_DISABLE));
		if (!st)
			atomic_store(&phb->enabled, false);
		rtas_ret(r, 0, st);
		return;
	case EEH_OPT_ENABLE:
		/* QEMU: old guests pass a device's address, >= 5.10 guests the
		 * PE address (devfn 0): any passthrough function on the bus. */
		if (!phb_has_bus(phb, (addr >> 16) & 0xff)) {
			rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
			return;
		}
		st = status_of(phb_op_locked(phb, VFIO_EEH_PE_ENABLE));
		if (!st)
			atomic_store(&phb->enabled, true);
		rtas_ret(r, 0, st);
		return;
	case EEH_OPT_THAW_MMIO:
		rtas_ret(r, 0, strict ? strict_op(phb, EEH_PAPR_THAW_MMIO, VFIO_EEH_PE_UNFREEZE_IO)
				      : status_of(phb_op_locked(phb, VFIO_EEH_PE_UNFREEZE_IO)));
		return;
	case EEH_OPT_THAW_DMA:
		rtas_ret(r, 0, strict ? strict_op(phb, EEH_PAPR_THAW_DMA, VFIO_EEH_PE_UNFREEZE_DMA)
				      : status_of(phb_op_locked(phb, VFIO_EEH_PE_UNFREEZE_DMA)));
		return;
	}
	/* 4/5 (EEH event interrupt) are optional in PAPR: not implemented. */
	rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
}

static void get_config_addr_info2(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 4, 2, 2);
	uint32_t addr, bus, devfn;
	bool strict, present;

	if (!phb)
		return;
	addr = r->args[0];
	bus = (addr >> 16) & 0xff;
	devfn = (addr >> 8) & 0xff;
	strict = rtas_mode(r->vm) == EEH_RTAS_MODE_PAPR;
	present = strict ? rtas_addr_in_pe(phb, addr) : rtas_phb_has_dev(phb, bus, devfn);
	switch (r->args[3]) {
	case 0: /* RTAS_GET_PE_ADDR */
		if (!present) {
			rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
			return;
		}
		rtas_ret(r, 1, strict ? (int32_t)pe_config_addr(phb, EEH_RTAS_MODE_PAPR)
				      : (int32_t)((bus << 16) | 1));
		rtas_ret(r, 0, EEH_RTAS_SUCCESS);
		return;
	case 1: /* RTAS_GET_PE_MODE: QEMU always "shared", unvalidated */
		if (!strict)
			rtas_ret(r, 1, PE_MODE_SHARED);
		else if (!present)
			rtas_ret(r, 1, PE_MODE_NONE);
		else
			rtas_ret(r, 1, atomic_load(&phb->ndevs) > 1 ? PE_MODE_SHARED
								    : PE_MODE_NOT_SHARED);
		rtas_ret(r, 0, EEH_RTAS_SUCCESS);
		return;
	}
	rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
}

static void read_slot_reset_state2(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 3, 4, 5);
	struct papr_state ps;
	int s;

	if (!phb)
		return;
	if (rtas_mode(r->vm) == EEH_RTAS_MODE_QEMU) {
		/* GET_STATE verbatim (VFIO and RTAS states are the same
		 * numbers); a failure is -3, the other cells untouched. */
		s = phb_op_simple(phb, VFIO_EEH_PE_GET_STATE);
		if (s < 0) {
			rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
			return;
		}
		rtas_ret(r, 1, s);
		rtas_ret(r, 2, 1);
		rtas_ret(r, 3, QEMU_UNAVAIL_INFO_MS);
	} else {
		if (!rtas_addr_in_pe(phb, r->args[0])) {
			rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
			return;
		}
		phb_papr_state(phb, &ps);
		rtas_ret(r, 1, ps.state);
		/* Capabilities stay 1 in state 5: Linux reads 0 as "no EEH". */
		rtas_ret(r, 2, 1);
		rtas_ret(r, 3, (int32_t)ps.info);
	}
	rtas_ret(r, 4, 0); /* PE recovery info: no platform-initiated reset */
	rtas_ret(r, 0, EEH_RTAS_SUCCESS);
}

/*
 * Fundamental reset offered? Learnt once: the simulated host's slot says
 * so; a kernel silently falls back to a hot reset, so other backends
 * count as offering it.
 */
static bool fundamental_reset_offered(struct rtas_phb *phb)
{
	int offered = atomic_load(&phb->freset);

	if (offered < 0) {
		offered = !(phb->pe && eeh_is_sim(eeh_pe_ctx(phb->pe)) && phb->pe->sim.no_freset);
		atomic_store(&phb->freset, offered);
	}
	return offered;
}

static int32_t strict_slot_reset(struct rtas_phb *phb, uint32_t fn)
{
	static const enum eeh_papr_call call_of[] = { EEH_PAPR_RESET_DEACTIVATE,
						      EEH_PAPR_RESET_HOT, 0,
						      EEH_PAPR_RESET_FUNDAMENTAL };
	static const unsigned int op_of[] = { VFIO_EEH_PE_RESET_DEACTIVATE, VFIO_EEH_PE_RESET_HOT,
					      0, VFIO_EEH_PE_RESET_FUNDAMENTAL };
	struct eeh_vm *vm = phb->vm;
	int32_t st;
	bool run;

	/* PAPR: -8 leaves the state unchanged (and the VMM's MSI-X state:
	 * no pre_reset); it comes before the table. */
	if (fn == EEH_RESET_FUNDAMENTAL && !fundamental_reset_offered(phb))
		return EEH_RTAS_NO_FRESET;
	pthread_mutex_lock(&phb->lock);
	st = papr_table_check(phb, call_of[fn], &run);
	if (st || !run)
		goto out;
	if (fn != EEH_RESET_DEACTIVATE && vm->ops.pre_reset)
		vm->ops.pre_reset(vm->opaque, phb->buid);
	st = status_of(phb_op_simple(phb, op_of[fn]));
out:
	pthread_mutex_unlock(&phb->lock);
	return st;
}

static void set_slot_reset(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 4, 1, 1);
	struct eeh_vm *vm = r->vm;
	uint32_t fn;
	unsigned int op;

	if (!phb)
		return;
	fn = r->args[3];
	if (fn != EEH_RESET_DEACTIVATE && fn != EEH_RESET_HOT && fn != EEH_RESET_FUNDAMENTAL) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	if (rtas_mode(vm) == EEH_RTAS_MODE_PAPR) {
		rtas_ret(r, 0, rtas_addr_in_pe(phb, r->args[0]) ? strict_slot_reset(phb, fn)
								: EEH_RTAS_PARAM_ERROR);
		return;
	}
	/* QEMU ignores config_addr: the PHB is the PE. */
	if (fn == EEH_RESET_DEACTIVATE) {
		op = VFIO_EEH_PE_RESET_DEACTIVATE;
	} else {
		/* spapr_phb_vfio_eeh_pre_reset(): MSI-X state dropped first. */
		if (vm->ops.pre_reset)
			vm->ops.pre_reset(vm->opaque, phb->buid);
		op = fn == EEH_RESET_HOT ? VFIO_EEH_PE_RESET_HOT : VFIO_EEH_PE_RESET_FUNDAMENTAL;
	}
	rtas_ret(r, 0, status_of(phb_op_locked(phb, op)));
}

static void configure_pe(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 3, 1, 1);
	int rc;

	if (!phb)
		return;
	if (rtas_mode(r->vm) == EEH_RTAS_MODE_QEMU) {
		rtas_ret(r, 0, phb_op_locked(phb, VFIO_EEH_PE_CONFIGURE) < 0 ? EEH_RTAS_PARAM_ERROR : EEH_RTAS_SUCCESS);
		return;
	}
	if (!rtas_addr_in_pe(phb, r->args[0])) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	if (atomic_load(&phb->perm)) {
		rtas_ret(r, 0, EEH_RTAS_HW_ERROR);
		return;
	}
	pthread_mutex_lock(&phb->lock);
	rc = phb_op_simple(phb, VFIO_EEH_PE_CONFIGURE);
	pthread_mutex_unlock(&phb->lock);
	rtas_ret(r, 0, rc == 0 ? EEH_RTAS_SUCCESS : rc == -EINVAL ? EEH_RTAS_PARAM_ERROR : EEH_RTAS_HW_ERROR);
}

/* ---- ibm,slot-error-detail: the PAPR error log ---- */

/* Linux asm/rtas.h values for the fixed part of an RTAS error log. */
#define ELOG_VERSION_6 0x06
#define ELOG_SEV_ERROR_SYNC 0x3
#define ELOG_SEV_ERROR 0x4
#define ELOG_DISP_LIMITED 0x1
#define ELOG_DISP_NOT_RECOVERED 0x2
#define ELOG_EXTENDED 0x04
#define ELOG_PCI 0x2
#define ELOG_TYPE_INTERN_DEV_FAIL 0x03
#define ELOG_TYPE_DATA_PARITY 0x05
#define ELOG_TYPE_ADDR_PARITY 0x06
#define ELOG_TYPE_ADDR_INVALID 0x08
#define ELOG_TYPE_PLATFORM 0xe0
/* Version 6 extended log: byte 0 flags, byte 2 format, company id. */
#define ELOG6_VALID 0x80
#define ELOG6_UNRECOVERABLE 0x40
#define ELOG6_RECOVERABLE 0x20
#define ELOG6_NEW 0x04
#define ELOG6_BIG_ENDIAN 0x02
#define ELOG6_POWERPC_FORMAT 0x80
#define ELOG6_FORMAT_EVENT_LOG 14
#define ELOG_FIXED_LEN 8
#define ELOG6_HDR_LEN 16
#define ELOG_SECT_HDR_LEN 8
#define ELOG_EEH_DATA_LEN 40
#define ELOG_SUBTYPE_EEH 0x01
#define ELOG_SUBTYPE_DRIVER 0x02
#define ELOG_MIN_LEN (ELOG_FIXED_LEN + ELOG6_HDR_LEN + ELOG_SECT_HDR_LEN + ELOG_EEH_DATA_LEN)

/* RTAS error type for the IOA bus error function that froze the PE. */
static uint8_t elog_type(int func)
{
	if (func == -2)
		return ELOG_TYPE_PLATFORM; /* PHB fence */
	if (func < 0 || func > EEH_ERR_FUNC_MAX)
		return ELOG_TYPE_INTERN_DEV_FAIL;
	/* 14/18 master abort, 15/19 target abort; even functions below 12
	 * and 12/16 are address parity (TLP ECRC on PCIe), the rest data. */
	if (func == 14 || func == 15 || func == 18 || func == 19)
		return ELOG_TYPE_ADDR_INVALID;
	if (func == 12 || func == 16 || (func < 12 && func % 2 == 0))
		return ELOG_TYPE_ADDR_PARITY;
	return ELOG_TYPE_DATA_PARITY;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	rtas_put_be32(p, (uint32_t)(v >> 32));
	rtas_put_be32(p + 4, (uint32_t)v);
}

/* A user-defined ("UD") section header: id, length, version, subtype. */
static void put_section(uint8_t *p, size_t len, uint8_t subtype)
{
	p[0] = 'U';
	p[1] = 'D';
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 1;
	p[5] = subtype;
	p[6] = 'L'; /* creator component: "LE", libeeh */
	p[7] = 'E';
}

struct elog_in {
	struct rtas_phb *phb;
	const struct eeh_pe_error *err;
	uint32_t pe_addr;
	int state;
	bool perm;
	const uint8_t *drv;
	size_t drv_len;
};

/*
 * A version 6 RTAS error log: the 8-byte fixed part, the extended header
 * ("IBM", event log format), one section with what froze the PE and, when
 * the driver passed a buffer, one with its data (truncated to fit).
 * Returns the length written to buf (cap bytes).
 */
static size_t elog_build(const struct elog_in *in, uint8_t *buf, size_t cap)
{
	struct eeh_vm *vm = in->phb->vm;
	uint64_t addr = in->err->addr;
	size_t len, drv = 0;
	uint8_t *p;

	memset(buf, 0, cap);
	buf[0] = ELOG_VERSION_6;
	buf[1] = (uint8_t)(((in->perm ? ELOG_SEV_ERROR : ELOG_SEV_ERROR_SYNC) << 5) |
			   ((in->perm ? ELOG_DISP_NOT_RECOVERED : ELOG_DISP_LIMITED) << 3) |
			   ELOG_EXTENDED);
	buf[2] = ELOG_PCI << 4 | ELOG_PCI;
	buf[3] = elog_type(in->err->func);
	p = buf + ELOG_FIXED_LEN;
	p[0] = ELOG6_VALID | (in->perm ? ELOG6_UNRECOVERABLE : ELOG6_RECOVERABLE) | ELOG6_NEW |
	       ELOG6_BIG_ENDIAN;
	p[2] = ELOG6_POWERPC_FORMAT | ELOG6_FORMAT_EVENT_LOG;
	memcpy(p + 12, "IBM", 4);
	p += ELOG6_HDR_LEN;
	/* The guest sees its own bus addresses, never the host's. */
	if (addr) {
		uint64_t g = addr;

		if (vm->ops.bar_to_guest &&
		    vm->ops.bar_to_guest(vm->opaque, in->phb->buid, addr, &g) < 0)
			g = 0;
		addr = g;
	}
	put_section(p, ELOG_SECT_HDR_LEN + ELOG_EEH_DATA_LEN, ELOG_SUBTYPE_EEH);
	rtas_put_be32(p + 8, (uint32_t)(in->phb->buid >> 32));
	rtas_put_be32(p + 12, (uint32_t)in->phb->buid);
	rtas_put_be32(p + 16, in->pe_addr);
	rtas_put_be32(p + 20, (uint32_t)in->state);
	rtas_put_be32(p + 24, (uint32_t)in->err->func);
	rtas_put_be32(p + 28, in->err->errors);
	put_be64(p + 32, addr);
	put_be64(p + 40, in->err->time_us);
	p += ELOG_SECT_HDR_LEN + ELOG_EEH_DATA_LEN;
	len = (size_t)(p - buf);
	if (in->drv_len && cap >= len + ELOG_SECT_HDR_LEN + 4) {
		drv = in->drv_len;
		if (drv > cap - len - ELOG_SECT_HDR_LEN)
			drv = cap - len - ELOG_SECT_HDR_LEN;
		drv &= ~(size_t)3; /* sections stay word aligned */
		put_section(p, ELOG_SECT_HDR_LEN + drv, ELOG_SUBTYPE_DRIVER);
		memcpy(p + ELOG_SECT_HDR_LEN, in->drv, drv);
		len += ELOG_SECT_HDR_LEN + drv;
	}
	rtas_put_be32(buf + 4, (uint32_t)(len - ELOG_FIXED_LEN));
	return len;
}

static int32_t strict_error_detail(struct rtas_req *r, struct rtas_phb *phb, bool perm_fn)
{
	struct eeh_vm *vm = r->vm;
	uint8_t log[EEH_RTAS_ERROR_LOG_MAX], drv[EEH_RTAS_ERROR_LOG_MAX];
	uint64_t drv_addr = r->args[3], ret_addr = r->args[5];
	uint32_t drv_len = r->args[4], ret_len = r->args[6];
	struct eeh_pe_error e;
	struct papr_state ps;
	struct elog_in in = { .phb = phb, .err = &e };
	bool have_log = false;
	int32_t st = EEH_RTAS_NO_LOG;
	size_t len;

	pthread_mutex_lock(&phb->lock);
	phb_papr_state(phb, &ps);
	if (phb->pe && eeh_pe_last_error(phb->pe, &e) == 0 && e.errors)
		/* A log per error; the permanent log repeats the last one. */
		have_log = e.errors != atomic_load(&phb->log_seen) || perm_fn;
	if (have_log && vm->ops.mem_write) {
		if (ret_len < ELOG_MIN_LEN) {
			st = EEH_RTAS_PARAM_ERROR;
			goto out;
		}
		if (drv_len > sizeof(drv))
			drv_len = sizeof(drv);
		if (drv_len && vm->ops.mem_read &&
		    vm->ops.mem_read(vm->opaque, drv_addr, drv, drv_len) == 0) {
			in.drv = drv;
			in.drv_len = drv_len;
		}
		in.pe_addr = (uint32_t)pe_config_addr(phb, EEH_RTAS_MODE_PAPR);
		in.state = perm_fn ? EEH_PAPR_STATE_UNAVAIL : ps.state;
		in.perm = perm_fn || ps.perm;
		len = elog_build(&in, log, ret_len < sizeof(log) ? ret_len : sizeof(log));
		if (vm->ops.mem_write(vm->opaque, ret_addr, log, len) < 0) {
			st = EEH_RTAS_PARAM_ERROR;
			goto out;
		}
		atomic_store(&phb->log_seen, e.errors);
		st = EEH_RTAS_SUCCESS;
	}
	/* PAPR R1: after function 2 the PE stays unavailable (state 5, info
	 * 0) until power cycle, reboot or reassignment. */
	if (perm_fn)
		atomic_store(&phb->perm, true);
out:
	pthread_mutex_unlock(&phb->lock);
	return st;
}

static void slot_error_detail(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r, 8, 1, 1);
	uint32_t fn;

	if (!phb)
		return;
	fn = r->args[7];
	if (fn != 1 && fn != 2) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	if (rtas_mode(r->vm) == EEH_RTAS_MODE_QEMU) {
		rtas_ret(r, 0, EEH_RTAS_NO_LOG); /* QEMU never returns a log */
		return;
	}
	if (!rtas_addr_in_pe(phb, r->args[0])) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	rtas_ret(r, 0, strict_error_detail(r, phb, fn == 2));
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */
/* ------------------------------------------------------------------ */

static void (*const handlers[EEH_RTAS_NCALLS])(struct rtas_req *) = {
	[EEH_RTAS_SET_EEH_OPTION] = set_eeh_option,
	[EEH_RTAS_GET_CONFIG_ADDR_INFO2] = get_config_addr_info2,
	[EEH_RTAS_READ_SLOT_RESET_STATE2] = read_slot_reset_state2,
	[EEH_RTAS_SET_SLOT_RESET] = set_slot_reset,
	[EEH_RTAS_CONFIGURE_PE] = configure_pe,
	[EEH_RTAS_SLOT_ERROR_DETAIL] = slot_error_detail,
	[EEH_RTAS_ERRINJCT] = rtas_errinjct,
	[EEH_RTAS_OPEN_ERRINJCT] = rtas_open_errinjct,
	[EEH_RTAS_CLOSE_ERRINJCT] = rtas_close_errinjct,
};

static int call_of_token(struct eeh_vm *vm, uint32_t token)
{
	bool errinjct = atomic_load_explicit(&vm->errinjct_on, memory_order_relaxed);

	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		if (vm->tokens[i] == token)
			return !errinjct && is_errinjct_call(i) ? -ENOENT : (int)i;
	return -ENOENT;
}

static int dispatch(struct rtas_req *r, int call)
{
	if (call < 0) {
		/* spapr_rtas_call(): unknown token -> -3, H_PARAMETER. */
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return -ENOENT;
	}
	handlers[call](r);
	return 0;
}

EEH_EXPORT int eeh_vm_rtas_call(struct eeh_vm *vm, uint32_t token, uint32_t nargs,
				const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	struct rtas_req r = { .vm = vm, .nargs = nargs, .nret = nret, .args = args, .rets = rets };

	if (!vm || (nargs && !args) || (nret && !rets))
		return -EINVAL;
	return dispatch(&r, call_of_token(vm, token));
}

EEH_EXPORT int eeh_vm_rtas_call_by_name(struct eeh_vm *vm, const char *name, uint32_t nargs,
					const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	int call = eeh_rtas_call_from_name(name);

	if (!vm || (nargs && !args) || (nret && !rets))
		return -EINVAL;
	if (call < 0 || (is_errinjct_call((unsigned int)call) && !atomic_load(&vm->errinjct_on)))
		return -ENOENT;
	return eeh_vm_rtas_call(vm, vm->tokens[call], nargs, args, nret, rets);
}

/*
 * More cells than any of the nine calls takes: a wrong nargs/nret (or an
 * unknown token), so -3 in the first return cell as QEMU writes it, and
 * nothing else; the arguments are not read.
 */
static int too_many_cells(struct eeh_vm *vm, uint64_t addr, const struct rtas_req *r,
			  uint32_t token)
{
	uint8_t cell[4];

	rtas_put_be32(cell, (uint32_t)EEH_RTAS_PARAM_ERROR);
	if (r->nret &&
	    vm->ops.mem_write(vm->opaque, addr + 12 + 4ULL * r->nargs, cell, sizeof(cell)) < 0)
		return -EFAULT;
	return call_of_token(vm, token) < 0 ? -ENOENT : 0;
}

EEH_EXPORT int eeh_vm_rtas_call_mem(struct eeh_vm *vm, uint64_t addr)
{
	uint8_t hdr[12], cells[4 * RTAS_MAX_CELLS];
	uint32_t args[RTAS_MAX_CELLS], rets[RTAS_MAX_CELLS];
	struct rtas_req r = { .vm = vm, .args = args, .rets = rets };
	int rc;

	if (!vm)
		return -EINVAL;
	if (!vm->ops.mem_read || !vm->ops.mem_write)
		return -EFAULT;
	if (vm->ops.mem_read(vm->opaque, addr, hdr, sizeof(hdr)) < 0)
		return -EFAULT;
	r.nargs = rtas_be32(hdr + 4);
	r.nret = rtas_be32(hdr + 8);
	if (r.nargs > RTAS_MAX_CELLS || r.nret > RTAS_MAX_CELLS ||
	    r.nargs + r.nret > RTAS_MAX_CELLS)
		return too_many_cells(vm, addr, &r, rtas_be32(hdr));
	if (r.nargs && vm->ops.mem_read(vm->opaque, addr + 12, cells, 4 * r.nargs) < 0)
		return -EFAULT;
	for (uint32_t i = 0; i < r.nargs; i++)
		args[i] = rtas_be32(cells + 4 * i);
	rc = dispatch(&r, call_of_token(vm, rtas_be32(hdr)));
	for (uint32_t i = 0; i < r.nset; i++)
		rtas_put_be32(cells + 4 * i, rets[i]);
	if (r.nset &&
	    vm->ops.mem_write(vm->opaque, addr + 12 + 4ULL * r.nargs, cells, 4 * r.nset) < 0)
		return -EFAULT;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Device tree helpers                                                  */
/* ------------------------------------------------------------------ */

EEH_EXPORT int eeh_vm_rtas_tokens(struct eeh_vm *vm, struct eeh_rtas_token *tokens, size_t n)
{
	bool errinjct;
	size_t k = 0;

	if (!vm || (n && !tokens))
		return -EINVAL;
	errinjct = atomic_load(&vm->errinjct_on);
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++) {
		if (!errinjct && is_errinjct_call(i))
			continue;
		if (k < n) {
			tokens[k].name = call_names[i];
			tokens[k].token = vm->tokens[i];
		}
		k++;
	}
	return (int)k;
}

EEH_EXPORT long eeh_vm_errinjct_tokens(struct eeh_vm *vm, void *buf, size_t len)
{
	static const struct {
		const char *name;
		uint32_t token;
	} types[] = { { "ioa-bus-error", EEH_ERRINJCT_IOA_BUS_ERROR },
		      { "ioa-bus-error-64", EEH_ERRINJCT_IOA_BUS_ERROR_64 } };
	uint8_t blob[64];
	size_t n = 0;

	if (!vm || (len && !buf))
		return -EINVAL;
	if (!atomic_load(&vm->errinjct_on))
		return 0;
	/* LoPAR: (NUL-terminated name, be32 token) pairs, back to back. */
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t l = strlen(types[i].name) + 1;

		memcpy(blob + n, types[i].name, l);
		rtas_put_be32(blob + n + l, types[i].token);
		n += l + 4;
	}
	if (len)
		memcpy(buf, blob, len < n ? len : n);
	return (long)n;
}

static int phb_reset_caps(struct rtas_phb *phb)
{
	return fundamental_reset_offered(phb);
}

EEH_EXPORT int eeh_vm_reset_capabilities(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int caps = 1;

	if (!vm)
		return -EINVAL;
	if (buid != EEH_VM_ALL_PHBS) {
		phb = rtas_phb_find(vm, buid);
		return phb ? phb_reset_caps(phb) : -ENOENT;
	}
	pthread_mutex_lock(&vm->setup_lock);
	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next)
		if (p->live && p->op_fn && !phb_reset_caps(p))
			caps = 0;
	pthread_mutex_unlock(&vm->setup_lock);
	return caps;
}
