/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated POWER host: PAPR firmware behaviour per PE.
 *
 * Each PE holds a PAPR state (0 normal, 1 reset, 2 stopped, 4 DMA
 * stopped, 5 temporarily or permanently unavailable) and moves through the
 * LoPAR "PE State Control" table. The backend answers the kernel's eeh_ops
 * questions the way pseries firmware does (eeh_pseries.c mapping), so the
 * PE_OP engine above it behaves as the kernel does on a POWER host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libeeh-private.h"
#include "sim.h"


EEH_EXPORT int eeh_pe_last_error(struct eeh_pe *pe, struct eeh_pe_error *e)
{
	if (!pe || !struct_size_ok(e, EEH_V1_SIZE(eeh_pe_error, time_us)))
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	e->errors = sim_pe_of(pe)->errors;
	e->func = sim_pe_of(pe)->last_func;
	e->addr = sim_pe_of(pe)->last_addr;
	e->time_us = sim_pe_of(pe)->last_error_us;
	pthread_mutex_unlock(&pe->lock);
	return 0;
}

EEH_EXPORT bool eeh_is_sim(struct eeh_ctx *ctx)
{
	return ctx->ops == &sim_backend_ops;
}

int sim_freeze(struct eeh_pe *pe)
{
	int r;

	if (!pe)
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	r = sim_pe_of(pe)->perm ? -ENODEV : sim_freeze_locked(pe, -1, 0);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

int sim_fence_phb(struct eeh_phb *phb)
{
	struct eeh_pe *pe;

	if (!phb)
		return -EINVAL;
	if (!eeh_is_sim(phb->ctx))
		return -EOPNOTSUPP;
	eeh_pe_foreach(phb, pe) {
		pthread_mutex_lock(&pe->lock);
		if (!sim_pe_of(pe)->perm)
			sim_freeze_locked(pe, SIM_CAUSE_FENCE, 0);
		pthread_mutex_unlock(&pe->lock);
	}
	return 0;
}

static int sim_set_option(struct eeh_pe *pe, int option);

/* ---- eeh_ops ---- */

static int sim_reset(struct eeh_pe *pe, int option);

EEH_EXPORT int eeh_sim_papr_call(struct eeh_pe *pe, enum eeh_papr_call call)
{
	static const int8_t option_of[] = { EEH_OPT_THAW_MMIO, EEH_OPT_THAW_DMA,
					    EEH_RESET_DEACTIVATE, EEH_RESET_HOT,
					    EEH_RESET_FUNDAMENTAL };
	int r;

	if (!pe || (unsigned int)call >= ARRAY_SIZE(option_of))
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	r = call <= EEH_PAPR_THAW_DMA ? sim_set_option(pe, option_of[call])
				      : sim_reset(pe, option_of[call]);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_set_option(struct eeh_pe *pe, int option)
{
	switch (option) {
	case EEH_OPT_DISABLE:
		sim_pe_of(pe)->eeh_on = false;
		return EEH_RTAS_SUCCESS;
	case EEH_OPT_ENABLE:
		sim_pe_of(pe)->eeh_on = true;
		return EEH_RTAS_SUCCESS;
	case EEH_OPT_THAW_MMIO:
		return sim_table_op(pe, SIM_ROW_THAW_MMIO);
	case EEH_OPT_THAW_DMA:
		return sim_table_op(pe, SIM_ROW_THAW_DMA);
	case EEH_OPT_FREEZE_PE:
		return EEH_RTAS_SUCCESS; /* pseries has no freeze call: a no-op */
	}
	return EEH_RTAS_PARAM_ERROR;
}

static int sim_reset(struct eeh_pe *pe, int option)
{
	switch (option) {
	case EEH_RESET_DEACTIVATE:
		return sim_table_op(pe, SIM_ROW_DEACTIVATE);
	case EEH_RESET_FUNDAMENTAL:
		if (sim_pe_of(pe)->no_freset)
			return EEH_RTAS_NO_FRESET;
		/* fall through */
	case EEH_RESET_HOT:
		return sim_table_op(pe, SIM_ROW_ACTIVATE);
	}
	return EEH_RTAS_PARAM_ERROR;
}

/* ibm,slot-error-detail 2 (PAPR): permanently unavailable, state 5. */
static void sim_perm_failure(struct eeh_pe *pe)
{
	sim_set_state(pe, sim_pe_of(pe)->state, true, sim_pe_of(pe)->settle_until_us);
	sim_inject_disarm(pe);
}

static int sim_configure(struct eeh_pe *pe)
{
	/* ibm,configure-pe: -1 (hardware error) on a dead PE. */
	return sim_pe_of(pe)->perm ? -1 : EEH_RTAS_SUCCESS;
}

/* ---- device access: the simulator's hardware ---- */

static int sim_cfg_access(struct eeh_func *f, bool write, unsigned int off, unsigned int size,
			  uint32_t *val)
{
	struct eeh_pe *pe = f->pe;
	int r = 0;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, write ? SIM_ACCESS_CFG_ST : SIM_ACCESS_CFG_LD, 0);
	if (sim_mmio_stopped(pe) || (atomic_load(&pe->kflags) & EEH_PE_CFG_BLOCKED)) {
		if (!write)
			*val = size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
	} else if (write) {
		r = func_cfg_raw_write(f, off, size, *val);
	} else {
		*val = func_cfg_raw_read(f, off, size);
	}
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_mmio_access(struct eeh_func *f, bool write, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t *val)
{
	struct eeh_pe *pe = f->pe;
	bool io = f->bar[bar].flags & EEH_BAR_IO;
	int kind = io ? (write ? SIM_ACCESS_IO_ST : SIM_ACCESS_IO_LD)
		      : (write ? SIM_ACCESS_MEM_ST : SIM_ACCESS_MEM_LD);
	int r = 0;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, kind, f->bar[bar].addr + off);
	if (sim_mmio_stopped(pe)) {
		if (!write)
			*val = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	} else if (write) {
		r = func_mmio_raw_write(f, bar, off, size, *val);
	} else {
		*val = func_mmio_raw_read(f, bar, off, size);
	}
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_dma_access(struct eeh_func *f, bool write, uint64_t addr, size_t len)
{
	struct eeh_pe *pe = f->pe;
	int r;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, write ? SIM_ACCESS_DMA_WR : SIM_ACCESS_DMA_RD, addr);
	r = sim_dma_stopped(pe) ? -EIO : sim_dma_translate_locked(f, write, addr, len);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

/* ---- PE life ---- */

static void sim_pe_release(struct eeh_pe *pe)
{
	sim_inject_clear(pe);
	sim_dma_release(pe);
}

static void sim_pe_init(struct eeh_pe *pe)
{
	sim_pe_of(pe)->eeh_on = true;
	sim_pe_of(pe)->last_func = -1;
}

static bool sim_pe_has_freset(struct eeh_pe *pe)
{
	return !sim_pe_of(pe)->no_freset;
}

/* ---- adapter replacement ---- */

static void replace_subtree(struct eeh_pe *pe)
{
	struct eeh_func *f;

	pthread_mutex_lock(&pe->lock);
	sim_set_state(pe, EEH_PAPR_STATE_NORMAL, false, 0);
	/* A new adapter is a new device to the kernel: a new freeze window. */
	pe->freeze_count = 0;
	pe->freeze_tstamp_us = 0;
	sim_inject_disarm(pe);
	eeh_func_foreach(pe, f) {
		func_cfg_reset(f);
		func_restore_bars(f); /* probed again: BARs assigned, decoding on */
	}
	atomic_fetch_and(&pe->kflags, ~(uint32_t)(EEH_PE_ISOLATED | EEH_PE_REMOVED |
						   EEH_PE_CFG_BLOCKED | EEH_PE_RESET |
						   EEH_PE_RECOVERING));
	pthread_mutex_unlock(&pe->lock);
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		replace_subtree(c);
}

EEH_EXPORT int eeh_sim_replace_pe(struct eeh_pe *pe)
{
	if (!pe)
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	replace_subtree(pe);
	return 0;
}

static int sim_open(struct eeh_ctx **out);

const struct eeh_backend_ops sim_backend_ops = {
	.name = "sim",
	.caps = EEH_BACKEND_CAP_HOT_RESET | EEH_BACKEND_CAP_FRESET | EEH_BACKEND_CAP_CONFIGURE |
		EEH_BACKEND_CAP_INJECT | EEH_BACKEND_CAP_DEVICE_ACCESS | EEH_BACKEND_CAP_SIM_KERNEL,
	.pe_priv_size = sizeof(struct sim_pe),
	.open = sim_open,
	.pe_init = sim_pe_init,
	.pe_release = sim_pe_release,
	.pe_load = sim_pe_load,
	.pe_save = sim_pe_save,
	.pe_save_state = sim_pe_save_state,
	.get_state = sim_get_state,
	.set_option = sim_set_option,
	.reset = sim_reset,
	.pe_has_freset = sim_pe_has_freset,
	.configure = sim_configure,
	.pe_perm_failure = sim_perm_failure,
	.err_inject = sim_err_inject,
	.cfg_access = sim_cfg_access,
	.mmio_access = sim_mmio_access,
	.dma_access = sim_dma_access,
};

/* ---- construction ---- */

static struct eeh_ctx *sim_ctx_new(void)
{
	struct eeh_ctx *ctx = ctx_alloc();

	if (ctx)
		ctx_set_backend(ctx, &sim_backend_ops, NULL);
	return ctx;
}

static int new_sim_common(struct eeh_ctx **out, struct eeh_ctx *ctx, int r)
{
	if (r < 0) {
		eeh_unref(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

EEH_EXPORT int eeh_new_sim(const char *topology, struct eeh_ctx **out)
{
	struct eeh_ctx *ctx;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ctx = sim_ctx_new();
	if (!ctx)
		return -ENOMEM;
	return new_sim_common(out, ctx,
			      topology ? topology_load_file(ctx, topology)
				       : topology_load_string(ctx, topology_builtin_json, "built-in"));
}

EEH_EXPORT int eeh_new_sim_json(const char *json, struct eeh_ctx **out)
{
	struct eeh_ctx *ctx;

	if (!out || !json)
		return -EINVAL;
	*out = NULL;
	ctx = sim_ctx_new();
	if (!ctx)
		return -ENOMEM;
	return new_sim_common(out, ctx, topology_load_string(ctx, json, "topology"));
}

/* Open the image file (creating it empty when there is none) and lock it:
 * the lock is on the file, whatever name reaches it. A save replaces the
 * file by rename (see eeh_save_image()), so a lock won on a file that has
 * left the path meanwhile is given up and taken again on the one now
 * there. *created: the file is new and empty. */
static int lock_image(struct eeh_ctx *ctx, const char *path, bool *created)
{
	struct stat held, now;
	int fd, r;

	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 && (errno == EACCES || errno == EROFS))
			fd = open(path, O_RDONLY | O_CLOEXEC); /* a read-only image */
		if (fd < 0) {
			r = -errno;
			err(ctx, "%s: cannot open the image%s: %s", path,
			    errno == EISDIR ? " (a directory)" : "", strerror(errno));
			return r;
		}
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				r = -errno;
				close(fd);
				return r;
			}
		}
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino)
			break;
		close(fd);
	}
	ctx->image_lock_fd = fd;
	*created = held.st_size == 0;
	return 0;
}

EEH_EXPORT int eeh_new_sim_image(const char *image, const char *topology, struct eeh_ctx **out)
{
	struct eeh_ctx *ctx;
	bool created = false;
	int r;

	if (!out || !image || !*image)
		return -EINVAL;
	*out = NULL;
	ctx = sim_ctx_new();
	if (!ctx)
		return -ENOMEM;
	/* Saved through a symbolic link to its target, not over the link. */
	ctx->image_path = topology_resolve_path(image);
	r = ctx->image_path ? lock_image(ctx, ctx->image_path, &created) : -errno;
	if (r < 0)
		return new_sim_common(out, ctx, r);
	/* An empty file is an image not written yet (this open or one that
	 * failed before its first save created it). */
	ctx->image_created = created;
	if (!created)
		r = topology_load_file(ctx, ctx->image_path);
	else if (topology)
		r = topology_load_file(ctx, topology);
	else
		r = topology_load_string(ctx, topology_builtin_json, "built-in");
	return new_sim_common(out, ctx, r);
}

/* EEH_BACKEND=sim, or no other backend: an image (EEH_IMAGE) if named,
 * else a topology file (EEH_TOPOLOGY), else the built-in host. */
static int sim_open(struct eeh_ctx **out)
{
	const char *image = secure_getenv("EEH_IMAGE");
	const char *topology = secure_getenv("EEH_TOPOLOGY");

	if (image && *image)
		return eeh_new_sim_image(image, topology, out);
	return eeh_new_sim(topology && *topology ? topology : NULL, out);
}
