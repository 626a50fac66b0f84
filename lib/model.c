/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The platform model: PHBs, PEs and PCI functions, with O(1) lookups.
 * One PE is one IOMMU group: model_add_pe() refuses a second PE for a
 * group, and every function of a PE belongs to the PE's group.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libeeh-private.h"

#define PE_KEY(phb_index, addr) (((uint64_t)(phb_index) << 32) | (uint32_t)(addr))
#define BDF_KEY(domain, bus, devfn) (((uint64_t)(domain) << 16) | ((bus) << 8) | (devfn))

void model_init(struct eeh_model *m)
{
	memset(m, 0, sizeof(*m));
	hashmap_init(&m->phb_by_buid);
	hashmap_init(&m->pe_by_addr);
	hashmap_init(&m->pe_by_group);
	hashmap_init(&m->func_by_bdf);
	hashmap_init(&m->phb_by_domain);
}

#define HUGE_CHUNK (2u << 20)

/* A PE and its backend's area, rounded to whole cache lines. */
static size_t pe_stride(const struct eeh_ctx *ctx)
{
	size_t priv = ctx->ops ? ctx->ops->pe_priv_size : 0;

	return (offsetof(struct eeh_pe, priv) + priv + 63) & ~(size_t)63;
}

/* GET_STATE reads the PE's hot fields and the first EEH_PE_PRIV_HOT bytes
 * of the backend's area: one cache line, as PEs start on a line. */
_Static_assert(offsetof(struct eeh_pe, phb) / 64 ==
		       (offsetof(struct eeh_pe, priv) + EEH_PE_PRIV_HOT - 1) / 64,
	       "the PE's hot fields and the backend's hot bytes share a cache line");

/*
 * PEs come from chunks that double in size up to 2 MiB, transparent huge
 * pages where the kernel gives them: a large host's PEs are dense in
 * memory, so a random GET_STATE misses neither the cache nor the TLB more
 * than it must; a small host wastes nothing. PEs are freed with the model.
 */
static struct eeh_pe *alloc_pe(struct eeh_model *m, size_t stride)
{
	if (m->pe_room < stride) {
		size_t size = stride * (m->npes < 64 ? 64 : m->npes);
		void **chunks;
		void *chunk;

		if (size > HUGE_CHUNK)
			size = HUGE_CHUNK;
		chunks = realloc(m->pe_chunks, sizeof(*chunks) * (m->npe_chunks + 1));
		if (!chunks)
			return NULL;
		m->pe_chunks = chunks;
		chunk = aligned_alloc(size == HUGE_CHUNK ? HUGE_CHUNK : 64, size);
		if (!chunk)
			return NULL;
		if (size == HUGE_CHUNK)
			madvise(chunk, size, MADV_HUGEPAGE); /* a hint; failure is harmless */
		m->pe_chunks[m->npe_chunks++] = chunk;
		m->pe_next = chunk;
		m->pe_room = size;
	}
	m->pe_next += stride;
	m->pe_room -= stride;
	return memset(m->pe_next - stride, 0, stride);
}

void model_release_pe(struct eeh_pe *pe)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;
	struct eeh_func *f, *fn;

	for (f = pe->funcs; f; f = fn) {
		fn = f->next;
		free(f->regs);
		free(f);
	}
	if (ops && ops->pe_release)
		ops->pe_release(pe);
	pthread_mutex_destroy(&pe->lock);
}

void model_free(struct eeh_model *m)
{
	struct eeh_phb *phb, *pn;
	struct eeh_pe *pe, *pen;

	for (phb = m->phbs; phb; phb = pn) {
		pn = phb->next;
		for (pe = phb->pes; pe; pe = pen) {
			pen = pe->next;
			model_release_pe(pe);
		}
		free(phb);
	}
	for (unsigned int i = 0; i < m->npe_chunks; i++)
		free(m->pe_chunks[i]);
	free(m->pe_chunks);
	hashmap_free(&m->phb_by_buid);
	hashmap_free(&m->pe_by_addr);
	hashmap_free(&m->pe_by_group);
	hashmap_free(&m->func_by_bdf);
	hashmap_free(&m->phb_by_domain);
	model_init(m);
}

struct eeh_phb *model_add_phb(struct eeh_ctx *ctx, struct eeh_model *m, unsigned int index,
			      uint64_t buid, unsigned int domain, int *err)
{
	struct eeh_phb *phb, **tail;

	if (hashmap_get(&m->phb_by_buid, buid) || hashmap_get(&m->phb_by_domain, domain + 1ULL)) {
		*err = -EEXIST;
		return NULL;
	}
	for (phb = m->phbs; phb; phb = phb->next)
		if (phb->index == index) {
			*err = -EEXIST;
			return NULL;
		}
	phb = calloc(1, sizeof(*phb));
	if (!phb) {
		*err = -ENOMEM;
		return NULL;
	}
	phb->ctx = ctx;
	phb->index = index;
	phb->buid = buid;
	phb->domain = domain;
	if (hashmap_put(&m->phb_by_buid, buid, phb) < 0 ||
	    hashmap_put(&m->phb_by_domain, domain + 1ULL, phb) < 0) {
		hashmap_del(&m->phb_by_buid, buid);
		free(phb);
		*err = -ENOMEM;
		return NULL;
	}
	for (tail = &m->phbs; *tail; tail = &(*tail)->next)
		;
	*tail = phb;
	m->nphbs++;
	return phb;
}

struct eeh_pe *model_pe_by_number(struct eeh_phb *phb, uint32_t number)
{
	struct eeh_pe *pe;

	for (pe = phb->pes; pe; pe = pe->next)
		if (pe->number == number)
			return pe;
	return NULL;
}

struct eeh_pe *model_add_pe(struct eeh_model *m, struct eeh_phb *phb, uint32_t number,
			    uint8_t type, uint32_t addr, int group, struct eeh_pe *parent, int *err)
{
	struct eeh_pe *pe;

	if (group < 0 && type != EEH_PE_TYPE_PHB) {
		*err = -EINVAL;
		return NULL;
	}
	if (hashmap_get(&m->pe_by_addr, PE_KEY(phb->index, addr)) ||
	    (group >= 0 && hashmap_get(&m->pe_by_group, (uint64_t)group))) {
		*err = -EEXIST;
		return NULL;
	}
	pe = alloc_pe(m, pe_stride(phb->ctx));
	if (!pe) {
		*err = -ENOMEM;
		return NULL;
	}
	pe->phb = phb;
	pe->number = number;
	pe->type = type;
	pe->addr = addr;
	pe->group = group;
	pe->parent = parent;
	if (phb->ctx->ops && phb->ctx->ops->pe_init)
		phb->ctx->ops->pe_init(pe);
	pthread_mutex_init(&pe->lock, NULL);
	snprintf(pe->name, sizeof(pe->name), "PHB#%x-PE#%x", phb->index, number);
	if (hashmap_put(&m->pe_by_addr, PE_KEY(phb->index, addr), pe) < 0 ||
	    (group >= 0 && hashmap_put(&m->pe_by_group, (uint64_t)group, pe) < 0)) {
		hashmap_del(&m->pe_by_addr, PE_KEY(phb->index, addr));
		model_release_pe(pe);
		*err = -ENOMEM;
		return NULL;
	}
	if (parent) {
		struct eeh_pe **c;

		for (c = &parent->first_child; *c; c = &(*c)->next_sibling)
			;
		*c = pe;
	}
	if (phb->last_pe)
		phb->last_pe->next = pe;
	else
		phb->pes = pe;
	phb->last_pe = pe;
	phb->npes++;
	m->npes++;
	return pe;
}

struct eeh_func *model_add_func(struct eeh_model *m, struct eeh_pe *pe, unsigned int domain,
				unsigned int bus, unsigned int devfn, int *err)
{
	struct eeh_func *f, **tail;

	if (hashmap_get(&m->func_by_bdf, BDF_KEY(domain, bus, devfn))) {
		*err = -EEXIST;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->pe = pe;
	f->domain = (uint16_t)domain;
	f->bus = (uint8_t)bus;
	f->devfn = (uint8_t)devfn;
	snprintf(f->bdf, sizeof(f->bdf), "%04x:%02x:%02x.%x", domain, bus, devfn >> 3, devfn & 7);
	if (hashmap_put(&m->func_by_bdf, BDF_KEY(domain, bus, devfn), f) < 0) {
		free(f);
		*err = -ENOMEM;
		return NULL;
	}
	for (tail = &pe->funcs; *tail; tail = &(*tail)->next)
		;
	*tail = f;
	pe->nfuncs++;
	m->nfuncs++;
	return f;
}

void pe_subtree_set_flags(struct eeh_pe *pe, uint32_t set, uint32_t clear)
{
	struct eeh_pe *c;

	atomic_fetch_or(&pe->kflags, set);
	atomic_fetch_and(&pe->kflags, ~clear);
	for (c = pe->first_child; c; c = c->next_sibling)
		pe_subtree_set_flags(c, set, clear);
}

bool pe_ancestor_flags(struct eeh_pe *pe, uint32_t mask)
{
	for (struct eeh_pe *p = pe->parent; p; p = p->parent)
		if (atomic_load(&p->kflags) & mask)
			return true;
	return false;
}

bool pe_count_freeze(struct eeh_pe *pe)
{
	struct eeh_ctx *ctx = pe->phb->ctx;
	uint64_t now = eeh_clock_now_us(ctx);

	/* eeh_pe_update_time_stamp(): a window restarts when the first freeze
	 * of the old one is more than an hour old. */
	if (pe->freeze_count == 0 || now - pe->freeze_tstamp_us > EEH_FREEZE_WINDOW_US) {
		pe->freeze_count = 0;
		pe->freeze_tstamp_us = now;
	}
	pe->freeze_count++;
	return pe->freeze_count > ctx->max_freezes;
}

/* ---- public getters ---- */

EEH_EXPORT const char *eeh_pe_type_name(enum eeh_pe_type type)
{
	switch (type) {
	case EEH_PE_TYPE_PHB:
		return "phb";
	case EEH_PE_TYPE_DEVICE:
		return "device";
	case EEH_PE_TYPE_BUS:
		return "bus";
	case EEH_PE_TYPE_VF:
		return "vf";
	}
	return "unknown";
}

EEH_EXPORT struct eeh_phb *eeh_phb_first(struct eeh_ctx *ctx) { return ctx->model.phbs; }
EEH_EXPORT struct eeh_phb *eeh_phb_next(struct eeh_phb *phb) { return phb->next; }
EEH_EXPORT unsigned int eeh_phb_index(struct eeh_phb *phb) { return phb->index; }
EEH_EXPORT uint64_t eeh_phb_buid(struct eeh_phb *phb) { return phb->buid; }
EEH_EXPORT unsigned int eeh_phb_domain(struct eeh_phb *phb) { return phb->domain; }
EEH_EXPORT unsigned int eeh_phb_pe_count(struct eeh_phb *phb) { return phb->npes; }

EEH_EXPORT struct eeh_phb *eeh_phb_by_buid(struct eeh_ctx *ctx, uint64_t buid)
{
	return hashmap_get(&ctx->model.phb_by_buid, buid);
}

EEH_EXPORT struct eeh_pe *eeh_pe_first(struct eeh_phb *phb) { return phb->pes; }
EEH_EXPORT struct eeh_pe *eeh_pe_next(struct eeh_pe *pe) { return pe->next; }
EEH_EXPORT struct eeh_phb *eeh_pe_phb(struct eeh_pe *pe) { return pe->phb; }
EEH_EXPORT unsigned int eeh_pe_number(struct eeh_pe *pe) { return pe->number; }
EEH_EXPORT enum eeh_pe_type eeh_pe_type(struct eeh_pe *pe) { return (enum eeh_pe_type)pe->type; }
EEH_EXPORT struct eeh_pe *eeh_pe_parent(struct eeh_pe *pe) { return pe->parent; }
EEH_EXPORT uint32_t eeh_pe_config_addr(struct eeh_pe *pe) { return pe->addr; }
EEH_EXPORT int eeh_pe_iommu_group(struct eeh_pe *pe) { return pe->group; }
EEH_EXPORT unsigned int eeh_pe_func_count(struct eeh_pe *pe) { return pe->nfuncs; }
EEH_EXPORT struct eeh_ctx *eeh_pe_ctx(struct eeh_pe *pe) { return pe->phb->ctx; }
EEH_EXPORT unsigned int eeh_pe_freeze_count(struct eeh_pe *pe) { return atomic_load(&pe->freeze_count); }
EEH_EXPORT uint32_t eeh_pe_flags(struct eeh_pe *pe) { return atomic_load(&pe->kflags); }
EEH_EXPORT const char *eeh_pe_name(struct eeh_pe *pe) { return pe->name; }

EEH_EXPORT struct eeh_pe *eeh_pe_by_addr(struct eeh_ctx *ctx, uint64_t buid, uint32_t pe_addr)
{
	struct eeh_phb *phb = eeh_phb_by_buid(ctx, buid);

	return phb ? hashmap_get(&ctx->model.pe_by_addr, PE_KEY(phb->index, pe_addr)) : NULL;
}

EEH_EXPORT struct eeh_pe *eeh_pe_by_dev_addr(struct eeh_ctx *ctx, uint64_t buid, uint32_t cfg_addr)
{
	struct eeh_phb *phb = eeh_phb_by_buid(ctx, buid);
	struct eeh_func *f;

	if (!phb)
		return NULL;
	f = eeh_func_by_bdf(ctx, phb->domain, (cfg_addr >> 16) & 0xff, (cfg_addr >> 8) & 0xff);
	return f ? f->pe : NULL;
}

EEH_EXPORT struct eeh_pe *eeh_pe_by_group(struct eeh_ctx *ctx, int group)
{
	return group < 0 ? NULL : hashmap_get(&ctx->model.pe_by_group, (uint64_t)group);
}

EEH_EXPORT struct eeh_func *eeh_func_by_bdf(struct eeh_ctx *ctx, unsigned int domain,
					    unsigned int bus, unsigned int devfn)
{
	if (domain > 0xffff || bus > 0xff || devfn > 0xff)
		return NULL;
	return hashmap_get(&ctx->model.func_by_bdf, BDF_KEY(domain, bus, devfn));
}

static int set_err(int *err, int v)
{
	if (err)
		*err = v;
	return v;
}

static bool digits(const char **p, int base, unsigned int max, unsigned int *out);
static bool expect(const char **p, const char *word);

/* "phbI:peN": I decimal, N hex, digits only. */
static bool parse_phb_pe(const char *s, unsigned int *phb, unsigned int *pe)
{
	return expect(&s, "phb") && digits(&s, 10, 9, phb) && expect(&s, ":pe") &&
	       digits(&s, 16, 8, pe) && !*s;
}

EEH_EXPORT struct eeh_pe *eeh_pe_lookup(struct eeh_ctx *ctx, const char *name, int *errp)
{
	unsigned int domain, bus, devfn, a, b;
	struct eeh_func *f;
	struct eeh_pe *pe = NULL;
	char *end = NULL;

	if (!name || !*name) {
		set_err(errp, -EINVAL);
		return NULL;
	}
	if (strncmp(name, "group:", 6) == 0 || (name[0] >= '0' && name[0] <= '9' &&
						 !strpbrk(name, ":."))) {
		const char *num = name[0] == 'g' ? name + 6 : name;
		long g = isdigit((unsigned char)num[0]) ? strtol(num, &end, 10) : -1;

		if (g < 0 || *end || g > 0x7fffffff) {
			set_err(errp, -EINVAL);
			return NULL;
		}
		pe = eeh_pe_by_group(ctx, (int)g);
	} else if (parse_phb_pe(name, &a, &b)) {
		struct eeh_phb *phb;

		eeh_phb_foreach(ctx, phb)
			if (phb->index == a)
				pe = model_pe_by_number(phb, b);
	} else if (parse_bdf(name, &domain, &bus, &devfn) == 0) {
		f = eeh_func_by_bdf(ctx, domain, bus, devfn);
		pe = f ? f->pe : NULL;
	} else {
		set_err(errp, -EINVAL);
		return NULL;
	}
	set_err(errp, pe ? 0 : -ENOENT);
	return pe;
}

EEH_EXPORT struct eeh_func *eeh_func_first(struct eeh_pe *pe) { return pe->funcs; }
EEH_EXPORT struct eeh_func *eeh_func_next(struct eeh_func *func) { return func->next; }
EEH_EXPORT struct eeh_pe *eeh_func_pe(struct eeh_func *func) { return func->pe; }
EEH_EXPORT unsigned int eeh_func_domain(struct eeh_func *func) { return func->domain; }
EEH_EXPORT unsigned int eeh_func_bus(struct eeh_func *func) { return func->bus; }
EEH_EXPORT unsigned int eeh_func_devfn(struct eeh_func *func) { return func->devfn; }
EEH_EXPORT const char *eeh_func_bdf(struct eeh_func *func) { return func->bdf; }
EEH_EXPORT uint16_t eeh_func_vendor(struct eeh_func *func) { return func->vendor; }
EEH_EXPORT uint16_t eeh_func_device(struct eeh_func *func) { return func->device; }
EEH_EXPORT uint32_t eeh_func_class(struct eeh_func *func) { return func->class_code; }
EEH_EXPORT struct eeh_func *eeh_func_physfn(struct eeh_func *func) { return func->physfn; }

EEH_EXPORT uint32_t eeh_func_config_addr(struct eeh_func *func)
{
	return ((uint32_t)func->bus << 16) | ((uint32_t)func->devfn << 8);
}

EEH_EXPORT int eeh_func_bar(struct eeh_func *func, unsigned int bar, uint64_t *addr,
			    uint64_t *size, unsigned int *flags)
{
	if (bar >= 6 || !func->bar[bar].size)
		return -ENOENT;
	if (addr)
		*addr = func->bar[bar].addr;
	if (size)
		*size = func->bar[bar].size;
	if (flags)
		*flags = func->bar[bar].flags;
	return 0;
}

struct eeh_func *model_func_by_bar(struct eeh_pe *pe, bool io, uint64_t addr)
{
	struct eeh_func *f;

	eeh_func_foreach(pe, f)
		for (unsigned int i = 0; i < 6; i++) {
			const struct eeh_bar *b = &f->bar[i];

			if (b->size && !!(b->flags & EEH_BAR_IO) == io && addr >= b->addr &&
			    addr - b->addr < b->size)
				return f;
		}
	return NULL;
}

/* 1..max digits of base 10 or 16 at *p, nothing else (no blank, sign or
 * "0x": sscanf() and strtoul() take those). */
static bool digits(const char **p, int base, unsigned int max, unsigned int *out)
{
	unsigned int n = 0, v = 0;

	for (; n < max && (base == 16 ? isxdigit((unsigned char)**p) : isdigit((unsigned char)**p));
	     n++, (*p)++)
		v = v * (unsigned int)base +
		    (unsigned int)(isdigit((unsigned char)**p) ? **p - '0' : (**p | 0x20) - 'a' + 10);
	*out = v;
	return n > 0;
}

static bool expect(const char **p, const char *word)
{
	size_t len = strlen(word);

	if (strncmp(*p, word, len))
		return false;
	*p += len;
	return true;
}

/* "DDDD:BB:DD.F" or "BB:DD.F", hex (domain up to 4 digits, bus and device
 * up to 2, the function one digit 0-7). */
int parse_bdf(const char *s, unsigned int *domain, unsigned int *bus, unsigned int *devfn)
{
	const char *p = s, *first_end;
	unsigned int d = 0, b, dev, fn;

	if (!digits(&p, 16, 4, &b))
		return -EINVAL;
	first_end = p;
	if (!expect(&p, ":") || !digits(&p, 16, 2, &dev))
		return -EINVAL;
	if (*p == ':') { /* the first field was the domain */
		p++;
		d = b;
		b = dev;
		if (!digits(&p, 16, 2, &dev))
			return -EINVAL;
	} else if (first_end - s > 2) {
		return -EINVAL; /* a bus has two digits */
	}
	if (!expect(&p, ".") || !digits(&p, 16, 1, &fn) || *p)
		return -EINVAL;
	if (b > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*domain = d;
	*bus = b;
	*devfn = (dev << 3) | fn;
	return 0;
}
