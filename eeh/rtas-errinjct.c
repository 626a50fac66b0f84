/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PAPR error injection option for a guest: ibm,open-errinjct,
 * ibm,errinjct and ibm,close-errinjct (LoPAR "Error Injection Option";
 * QEMU's RFC of October 2025 and its later revision for the QEMU mode).
 * Only the IOA bus error types are served: they become VFIO_EEH_PE_OP
 * INJECT_ERR on the host PE behind the PHB the work buffer names.
 * The handlers sit in rtas_calls[] (rtas-calls.c), which checks the cell
 * counts; they find the PHB through the registry (rtas-vm.c).
 */
#include <string.h>

#include "rtas.h"

/* Work buffer words (LoPAR): ioa-bus-error and ioa-bus-error-64. */
enum {
	W32_ADDR, W32_MASK, W32_CONFIG_ADDR, W32_BUID_HI, W32_BUID_LO, W32_FUNC, W32_WORDS
};
enum {
	W64_ADDR_HI, W64_ADDR_LO, W64_MASK_HI, W64_MASK_LO, W64_CONFIG_ADDR, W64_BUID_HI,
	W64_BUID_LO, W64_FUNC, W64_WORDS
};

/* The kernel's EEH_ERR_TYPE_32 / _64: what vfio_eeh_pe_err.type takes. */
#define VFIO_ERR_TYPE_32 0
#define VFIO_ERR_TYPE_64 1
/* LoPAR: the work buffer is 1 KiB on a 1 KiB boundary. */
#define ERRINJCT_BUF_ALIGN 1024

static bool strict(const struct rtas_req *r)
{
	return rtas_mode(r->vm) == EEH_RTAS_MODE_PAPR;
}

/* A new open token: QEMU's is always 1; PAPR-strict never reuses one soon,
 * so a stale token of an earlier session does not pass. */
static uint32_t new_token(struct rtas_req *r)
{
	if (!strict(r))
		return 1;
	return atomic_fetch_add(&r->vm->errinjct_seq, 1) % INT32_MAX + 1;
}

void rtas_open_errinjct(struct rtas_req *r)
{
	uint32_t closed = 0, token = new_token(r);

	if (!atomic_compare_exchange_strong(&r->vm->errinjct_owner, &closed, token)) {
		/* One opener at a time. Outputs: token first, then status. */
		rtas_ret(r, 0, 0);
		rtas_ret(r, 1, EEH_RTAS_ERRINJCT_BUSY);
		return;
	}
	rtas_ret(r, 0, (int32_t)token);
	rtas_ret(r, 1, EEH_RTAS_SUCCESS);
}

void rtas_close_errinjct(struct rtas_req *r)
{
	uint32_t token = r->args[0];

	/* Not the opener, or nothing open: the facility stays as it is. */
	if (!token || !atomic_compare_exchange_strong(&r->vm->errinjct_owner, &token, 0)) {
		rtas_ret(r, 0, strict(r) ? EEH_RTAS_ERRINJCT_BUSY : EEH_RTAS_NOT_OPEN);
		return;
	}
	rtas_ret(r, 0, EEH_RTAS_SUCCESS);
}

struct ioa_error {
	uint32_t vfio_type;
	uint32_t func;
	uint32_t config_addr;
	uint64_t buid, addr, mask;
};

static int read_work_buffer(struct rtas_req *r, uint32_t type, uint64_t buf, struct ioa_error *e)
{
	struct eeh_vm *vm = r->vm;
	uint8_t raw[4 * W64_WORDS];
	uint32_t w[W64_WORDS];
	unsigned int n = type == EEH_ERRINJCT_IOA_BUS_ERROR ? W32_WORDS : W64_WORDS;

	if (!vm->ops.mem_read || vm->ops.mem_read(vm->opaque, buf, raw, 4 * n) < 0)
		return -EFAULT;
	for (unsigned int i = 0; i < n; i++)
		w[i] = rtas_be32(raw + 4 * i);
	if (type == EEH_ERRINJCT_IOA_BUS_ERROR) {
		e->vfio_type = VFIO_ERR_TYPE_32;
		e->addr = w[W32_ADDR];
		e->mask = w[W32_MASK];
		e->config_addr = w[W32_CONFIG_ADDR];
		e->buid = (uint64_t)w[W32_BUID_HI] << 32 | w[W32_BUID_LO];
		e->func = w[W32_FUNC];
	} else {
		e->vfio_type = VFIO_ERR_TYPE_64;
		e->addr = (uint64_t)w[W64_ADDR_HI] << 32 | w[W64_ADDR_LO];
		e->mask = (uint64_t)w[W64_MASK_HI] << 32 | w[W64_MASK_LO];
		e->config_addr = w[W64_CONFIG_ADDR];
		e->buid = (uint64_t)w[W64_BUID_HI] << 32 | w[W64_BUID_LO];
		e->func = w[W64_FUNC];
	}
	return 0;
}

/* Does addr lie in a BAR of the space func names (memory or I/O) of a
 * function of pe or of a PE below it? */
static bool in_pe_bar(struct eeh_pe *pe, unsigned int func, uint64_t addr)
{
	bool io = eeh_err_func_space(func) == EEH_ERR_SPACE_IO;

	if (!pe)
		return false;
	if (model_func_by_bar(pe, io, addr))
		return true;
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		if (in_pe_bar(c, func, addr))
			return true;
	return false;
}

/* The later QEMU revision's errno mapping: EINVAL, ENOTTY, EOPNOTSUPP are
 * -3, the rest -1. PAPR-strict also counts the platform's refusals (ERANGE:
 * a function it cannot inject; ENOENT: no injection at all) as -3. */
static int32_t inject_status(const struct rtas_req *r, int rc)
{
	switch (rc) {
	case 0:
		return EEH_RTAS_SUCCESS;
	case -EINVAL:
	case -ENOTTY:
	case -EOPNOTSUPP:
		return EEH_RTAS_PARAM_ERROR;
	case -ERANGE:
	case -ENOENT:
		return strict(r) ? EEH_RTAS_PARAM_ERROR : EEH_RTAS_HW_ERROR;
	}
	return rc < 0 ? EEH_RTAS_HW_ERROR : EEH_RTAS_SUCCESS;
}

static int32_t do_errinjct(struct rtas_req *r)
{
	struct eeh_vm *vm = r->vm;
	uint32_t type = r->args[0], open_token = r->args[1];
	uint64_t buf = r->args[2];
	uint32_t owner = atomic_load(&vm->errinjct_owner);
	struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_INJECT_ERR };
	struct ioa_error e;
	struct rtas_phb *phb;
	int rc;

	if (!owner || open_token != owner)
		return strict(r) ? EEH_RTAS_ERRINJCT_BUSY : EEH_RTAS_PARAM_ERROR;
	/* Only the IOA bus error types: the rest concern the partition's
	 * CPUs and memory, which a VMM does not inject through the host. */
	if (type != EEH_ERRINJCT_IOA_BUS_ERROR && type != EEH_ERRINJCT_IOA_BUS_ERROR_64)
		return EEH_RTAS_PARAM_ERROR;
	if (strict(r) && buf % ERRINJCT_BUF_ALIGN)
		return EEH_RTAS_PARAM_ERROR;
	if (read_work_buffer(r, type, buf, &e) < 0)
		return EEH_RTAS_PARAM_ERROR;
	/* Functions 20 (disable) and 21 (read back) have no VFIO mapping. */
	if (e.func > EEH_ERR_FUNC_MAX)
		return EEH_RTAS_PARAM_ERROR;
	/* The PHB the buffer names, never "the first one" (the RFC's bug),
	 * and only among this guest's. */
	phb = rtas_phb_eeh(vm, e.buid);
	if (!phb)
		return EEH_RTAS_PARAM_ERROR;
	/* LoPAR: under LPAR, IOA bus errors only where EEH is enabled. */
	if (strict(r) && (!rtas_addr_in_pe(phb, e.config_addr) || !atomic_load(&phb->enabled)))
		return EEH_RTAS_PARAM_ERROR;
	/* The guest names its own bus address; the host injects at the host
	 * BAR address behind it. */
	if (e.addr && vm->ops.bar_to_host &&
	    vm->ops.bar_to_host(vm->opaque, e.buid, e.addr, &e.addr) < 0)
		return EEH_RTAS_PARAM_ERROR;
	/* Without a translation the address is the host's: an MMIO or I/O
	 * error at an address in no BAR of the PHB's PEs could never fire
	 * (QEMU's translation refuses it too; the Linux guest checks the
	 * PE's BARs before it calls). */
	if (e.addr && !vm->ops.bar_to_host &&
	    (eeh_err_func_space(e.func) == EEH_ERR_SPACE_MEM ||
	     eeh_err_func_space(e.func) == EEH_ERR_SPACE_IO) &&
	    !in_pe_bar(phb->pe, e.func, e.addr))
		return EEH_RTAS_PARAM_ERROR;
	op.err.type = e.vfio_type;
	op.err.func = e.func;
	op.err.addr = e.addr;
	op.err.mask = e.mask;
	pthread_mutex_lock(&phb->lock);
	rc = rtas_phb_op(phb, &op);
	pthread_mutex_unlock(&phb->lock);
	return inject_status(r, rc);
}

void rtas_errinjct(struct rtas_req *r)
{
	rtas_ret(r, 0, do_errinjct(r));
}
