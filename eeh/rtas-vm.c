/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RTAS front end's registry: a VM, its guest PHBs (each bound to one
 * host PE through an op target) and the passthrough functions behind them.
 * The calls (rtas-calls.c, rtas-errinjct.c) look PHBs up here; nothing here
 * knows the calls.
 *
 * Concurrency: the BUID -> PHB map is copied on write and published with
 * one atomic pointer, so lookups take no lock; a guest PHB has its own
 * mutex for the calls that change the PE's state.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "iommufd.h"
#include "rtas.h"

/* Free what removals and rebuilds retired (old tables, removed PHBs) once
 * every reader that could still hold them has left its section;
 * setup_lock held. Called on every change, so a VMM that adds and removes
 * PHBs keeps at most one generation of them. */
static void rtas_reclaim(struct eeh_vm *vm)
{
	struct rtas_phb **pp = &vm->all_phbs, *p;
	struct phb_table *t, *tn;

	if (!vm->retired || !rcu_grace_done(&vm->grace))
		return;
	vm->retired = false;
	for (t = vm->old_tables; t; t = tn) {
		tn = t->old_next;
		free(t);
	}
	vm->old_tables = NULL;
	while ((p = *pp)) {
		if (p->live) {
			pp = &p->all_next;
			continue;
		}
		*pp = p->all_next;
		pthread_mutex_destroy(&p->lock);
		free(p->containers);
		free(p);
	}
}

/* Publish a new map of the live PHBs; setup_lock held. The old map is
 * retired: a vCPU may still be reading it. */
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
		uint32_t i = rtas_buid_slot(p->buid, t->mask);

		if (!p->live)
			continue;
		while (t->slot[i])
			i = (i + 1) & t->mask;
		t->slot[i] = p;
	}
	old = atomic_load_explicit(&vm->table, memory_order_relaxed);
	atomic_store(&vm->table, t);
	if (old) {
		old->old_next = vm->old_tables;
		vm->old_tables = old;
		vm->retired = true;
		rcu_grace_start(&vm->grace);
	}
	rtas_reclaim(vm);
	return 0;
}

/* A VM with no PHBs in QEMU mode with errinjct on; the caller sets the tokens. */
struct eeh_vm *rtas_vm_alloc(struct eeh_ctx *ctx, const struct eeh_vm_ops *ops, void *opaque)
{
	struct eeh_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	atomic_init(&vm->refcount, 1);
	vm->ctx = eeh_ref(ctx);
	if (ops)
		struct_in(&vm->ops, sizeof(vm->ops), ops);
	vm->opaque = opaque;
	atomic_init(&vm->mode, EEH_RTAS_MODE_QEMU);
	atomic_init(&vm->errinjct_on, true);
	pthread_mutex_init(&vm->setup_lock, NULL);
	return vm;
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
		free(p->containers);
		free(p);
	}
	for (t = vm->old_tables; t; t = tn) {
		tn = t->old_next;
		free(t);
	}
	free(atomic_load(&vm->table));
	pthread_mutex_destroy(&vm->setup_lock);
	eeh_unref(vm->ctx);
	rcu_grace_release(&vm->grace);
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

EEH_EXPORT void eeh_vm_set_errinjct(struct eeh_vm *vm, bool enabled)
{
	if (vm)
		atomic_store(&vm->errinjct_on, enabled);
}

EEH_EXPORT int eeh_vm_set_phb_dma(struct eeh_vm *vm, uint64_t buid, struct eeh_spapr *sp,
				  unsigned int index)
{
	struct rtas_phb *phb, *other;
	int rc = 0;

	if (!vm || index >= ARRAY_SIZE(vm->liobn_phb))
		return -EINVAL;
	pthread_mutex_lock(&vm->setup_lock);
	phb = rtas_phb_find(vm, buid);
	other = atomic_load(&vm->liobn_phb[index]);
	if (!phb) {
		rc = -ENOENT;
	} else if (sp && other && other != phb) {
		rc = -EEXIST;
	} else {
		if (atomic_load(&phb->dma))
			atomic_store(&vm->liobn_phb[phb->liobn_index], NULL);
		phb->liobn_index = index;
		atomic_store(&phb->dma, sp);
		if (sp) {
			atomic_store(&vm->liobn_phb[index], phb);
			atomic_store(&vm->ddw_on, true);
		}
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
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
	bool no_reset;
	struct eeh_container *container;
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
	phb->op_data = b->ifd || b->container ? phb : b->data;
	phb->direct = b->direct;
	phb->usable = b->usable;
	phb->ifd = b->ifd;
	phb->devid = b->devid;
	phb->no_reset = b->no_reset;
	phb->live = true;
	pthread_mutex_init(&phb->lock, NULL);
	atomic_init(&phb->freset, -1);
	if (b->container) {
		phb->containers = malloc(sizeof(*phb->containers));
		if (!phb->containers) {
			pthread_mutex_destroy(&phb->lock);
			free(phb);
			rc = -ENOMEM;
			goto out;
		}
		phb->containers[0] = b->container;
		phb->ncontainers = 1;
		atomic_init(&phb->container, b->container);
	}
	phb->all_next = vm->all_phbs;
	vm->all_phbs = phb;
	rc = table_rebuild(vm);
	if (rc) {
		vm->all_phbs = phb->all_next;
		pthread_mutex_destroy(&phb->lock);
		free(phb->containers);
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

	return !phb->no_reset && iofd_check(phb->ifd, phb->devid, &pe) == 0;
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
	/* A PE whose resets only the device route can do, on a function
	 * the platform has no bus reset for (pSeries: on the PHB root bus):
	 * a recovery could never succeed, so the guest is told the PHB has
	 * no EEH rather than offered one. Asked once: the topology is fixed. */
	if (b.pe && backend_has(eeh_pe_ctx(b.pe)->ops, EEH_BACKEND_CAP_DEVICE_RESET) &&
	    iofd_reset_probe(ifd, devid) == -ENODEV) {
		info(vm->ctx, "PHB %llx: no bus reset for device %u: EEH unavailable",
		     (unsigned long long)buid, devid);
		b.no_reset = true;
	}
	return add_phb(vm, buid, &b);
}

/*
 * Legacy containers: QEMU's spapr_phb_eeh_available(), exactly one
 * container behind the PHB, exactly one group in it, and EEH there. With
 * two containers there is no EEH on the PHB at all: no call reaches a
 * kernel (QEMU has no logic to keep EEH state in step across them).
 */
static int container_pe_op(void *data, struct vfio_eeh_pe_op *op)
{
	struct rtas_phb *phb = data;
	struct eeh_container *c = atomic_load(&phb->container);

	return c ? eeh_container_pe_op(c, op) : -EPERM;
}

static bool container_usable(struct rtas_phb *phb)
{
	struct eeh_container *c = atomic_load(&phb->container);

	return c && eeh_container_group_count(c) == 1 && eeh_container_eeh_supported(c) == 0;
}

EEH_EXPORT int eeh_vm_add_phb_container(struct eeh_vm *vm, uint64_t buid,
					struct eeh_container *c, struct eeh_pe *pe)
{
	struct binding b = { .fn = container_pe_op, .pe = pe, .usable = container_usable,
			     .container = c };

	if (!c)
		return -EINVAL;
	return add_phb(vm, buid, &b);
}

/* The container PHB named by buid, with setup_lock held; *rc set if none. */
static struct rtas_phb *container_phb(struct eeh_vm *vm, uint64_t buid, int *rc)
{
	struct rtas_phb *phb = rtas_phb_find(vm, buid);

	*rc = !phb ? -ENOENT : phb->op_fn != container_pe_op ? -EINVAL : 0;
	return *rc ? NULL : phb;
}

/* Publish the one container ops go to, if there is exactly one. */
static void containers_changed(struct rtas_phb *phb)
{
	atomic_store(&phb->container, phb->ncontainers == 1 ? phb->containers[0] : NULL);
}

EEH_EXPORT int eeh_vm_phb_add_container(struct eeh_vm *vm, uint64_t buid,
					struct eeh_container *c)
{
	struct eeh_container **n;
	struct rtas_phb *phb;
	int rc;

	if (!vm || !c)
		return -EINVAL;
	pthread_mutex_lock(&vm->setup_lock);
	phb = container_phb(vm, buid, &rc);
	if (phb) {
		pthread_mutex_lock(&phb->lock);
		for (unsigned int i = 0; i < phb->ncontainers && !rc; i++)
			if (phb->containers[i] == c)
				rc = -EEXIST;
		n = rc ? NULL : realloc(phb->containers, (phb->ncontainers + 1) * sizeof(*n));
		if (!rc && !n)
			rc = -ENOMEM;
		if (!rc) {
			phb->containers = n;
			phb->containers[phb->ncontainers++] = c;
			containers_changed(phb);
		}
		pthread_mutex_unlock(&phb->lock);
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
}

EEH_EXPORT int eeh_vm_phb_del_container(struct eeh_vm *vm, uint64_t buid,
					struct eeh_container *c)
{
	struct rtas_phb *phb;
	int rc;

	if (!vm || !c)
		return -EINVAL;
	pthread_mutex_lock(&vm->setup_lock);
	phb = container_phb(vm, buid, &rc);
	if (phb) {
		pthread_mutex_lock(&phb->lock);
		rc = -ENOENT;
		for (unsigned int i = 0; i < phb->ncontainers; i++)
			if (phb->containers[i] == c) {
				phb->containers[i] = phb->containers[--phb->ncontainers];
				containers_changed(phb);
				rc = 0;
				break;
			}
		pthread_mutex_unlock(&phb->lock);
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
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
		/* out of the LIOBN map before it can be reclaimed */
		bool by_liobn = atomic_load(&vm->liobn_phb[phb->liobn_index]) == phb;

		if (by_liobn)
			atomic_store(&vm->liobn_phb[phb->liobn_index], NULL);
		phb->live = false;
		rc = table_rebuild(vm);
		if (rc) {
			phb->live = true;
			if (by_liobn)
				atomic_store(&vm->liobn_phb[phb->liobn_index], phb);
		}
	}
	pthread_mutex_unlock(&vm->setup_lock);
	return rc;
}

bool rtas_phb_has_bus(struct rtas_phb *phb, unsigned int bus)
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
	rtas_enter(vm);
	phb = rtas_phb_find(vm, buid);
	if (!phb) {
		rtas_exit(vm);
		return -ENOENT;
	}
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
	rtas_exit(vm);
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
	rtas_enter(vm);
	phb = rtas_phb_find(vm, buid);
	if (phb)
		atomic_store(&phb->freset, offered);
	rtas_exit(vm);
	return phb ? 0 : -ENOENT;
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
int64_t rtas_pe_config_addr(struct rtas_phb *phb, enum eeh_rtas_mode mode)
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
	int64_t r;

	if (!vm)
		return -EINVAL;
	rtas_enter(vm);
	phb = rtas_phb_find(vm, buid);
	r = phb ? rtas_pe_config_addr(phb, rtas_mode(vm)) : -ENOENT;
	rtas_exit(vm);
	return r;
}

EEH_EXPORT int eeh_vm_phb_permanent(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int r;

	if (!vm)
		return -EINVAL;
	rtas_enter(vm);
	phb = rtas_phb_find(vm, buid);
	r = phb ? atomic_load(&phb->perm) : -ENOENT;
	rtas_exit(vm);
	return r;
}

static int phb_reset(struct rtas_phb *phb)
{
	atomic_store(&phb->perm, false);
	atomic_store(&phb->enabled, false);
	if (phb->pe) {
		struct eeh_pe_error e = { .size = sizeof(e) };

		/* Errors from before the reboot are not the new guest's. */
		if (eeh_pe_last_error(phb->pe, &e) == 0)
			atomic_store(&phb->log_seen, e.errors);
	}
	/* spapr_phb_reset(): ENABLE only "if EEH is available"; a PHB
	 * without EEH (no PE, or a binding breaking the one-group or
	 * one-container rule) is skipped, which is no error. */
	if (!phb->op_fn || (phb->usable && !phb->usable(phb)))
		return 0;
	/* spapr_phb_reset(): the PE may be frozen across a guest reboot;
	 * ENABLE thaws it so the devices work after the reboot. */
	return rtas_phb_op_simple(phb, VFIO_EEH_PE_ENABLE);
}

EEH_EXPORT int eeh_vm_phb_reset(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int rc;

	if (!vm)
		return -EINVAL;
	rtas_enter(vm);
	phb = rtas_phb_find(vm, buid);
	if (!phb) {
		rtas_exit(vm);
		return -ENOENT;
	}
	pthread_mutex_lock(&phb->lock);
	rc = phb_reset(phb);
	pthread_mutex_unlock(&phb->lock);
	rtas_exit(vm);
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

/*
 * Fundamental reset offered? Learnt once from the backend: a slot may lack
 * it (the simulated host's slot says so); a kernel silently falls back to
 * a hot reset, so backends without EEH_BACKEND_CAP_FRESET offer it.
 */
bool rtas_phb_freset_offered(struct rtas_phb *phb)
{
	int offered = atomic_load(&phb->freset);

	if (offered < 0) {
		offered = !phb->pe || pe_offers_freset(phb->pe);
		atomic_store(&phb->freset, offered);
	}
	return offered;
}
