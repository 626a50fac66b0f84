/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's EEH RTAS calls and the one table of them (rtas_calls[]).
 *
 * QEMU-compatible mode reproduces hw/ppc/spapr_pci.c + spapr_pci_vfio.c
 * call for call (the mapping of rtas-vmm.md section 11). PAPR-strict mode
 * follows LoPAR: the PE state control table, -8, state 5 with the
 * unavailable time, a real error log, permanent unavailability.
 *
 * Reads of the state go straight to the PE (eeh_pe_op() locks per PE);
 * the calls that change it hold the guest PHB's mutex.
 */
#include <string.h>

#include "rtas.h"

/* QEMU's RTAS_EEH_PE_UNAVAIL_INFO: the guest polls again in 1 s. */
#define QEMU_UNAVAIL_INFO_MS 1000
/* QEMU's RTAS_PE_MODE_SHARED, PAPR's "not shared". */
#define PE_MODE_NONE 0
#define PE_MODE_NOT_SHARED 1
#define PE_MODE_SHARED 2

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
		bool host5;

		s = rtas_phb_op_simple(phb, VFIO_EEH_PE_GET_STATE);
		if (s < 0)
			return;
		/* The op target says "5" without for how long, and "2" for a
		 * permanently failed PE (the kernel maps NOT_SUPPORT to
		 * STOPPED): the host PE, when known, tells both. Only those
		 * two answers need asking (the hot path is state 0). */
		host5 = (s == EEH_PAPR_STATE_STOPPED || s == EEH_PAPR_STATE_UNAVAIL) && phb->pe &&
			eeh_pe_papr_state(phb->pe, &ps_state, &info) == 0 &&
			ps_state == EEH_PAPR_STATE_UNAVAIL;
		if (host5 && info == 0)
			s = EEH_PAPR_STATE_UNAVAIL; /* permanent */
		else if (s == EEH_PAPR_STATE_UNAVAIL && !host5)
			info = QEMU_UNAVAIL_INFO_MS;
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
 * The common prologue (spapr_pci.c), after the cell counts (checked by the
 * dispatcher from rtas_calls[]): the BUID in args hi/lo, a known PHB with
 * usable EEH; else -3 and nothing else written.
 */
static struct rtas_phb *prologue(struct rtas_req *r)
{
	struct rtas_phb *phb = rtas_phb_eeh(r->vm, rtas_buid(r, 1));

	if (!phb)
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
	return phb;
}

/* QEMU: any op failure is -1 (hardware error). */
static int32_t status_of(int rc)
{
	return rc < 0 ? EEH_RTAS_HW_ERROR : EEH_RTAS_SUCCESS;
}

/* A state-changing op: one guest call on a PHB at a time. */
static int phb_op_locked(struct rtas_phb *phb, unsigned int op)
{
	int rc;

	pthread_mutex_lock(&phb->lock);
	rc = rtas_phb_op_simple(phb, op);
	pthread_mutex_unlock(&phb->lock);
	return rc;
}

static int32_t strict_op(struct rtas_phb *phb, enum eeh_papr_call call, unsigned int op)
{
	bool run;
	int32_t st;

	pthread_mutex_lock(&phb->lock);
	st = papr_table_check(phb, call, &run);
	if (!st && run)
		st = status_of(rtas_phb_op_simple(phb, op));
	pthread_mutex_unlock(&phb->lock);
	return st;
}

static void set_eeh_option(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r);
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
		if (!rtas_phb_has_bus(phb, (addr >> 16) & 0xff)) {
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
	struct rtas_phb *phb = prologue(r);
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
		rtas_ret(r, 1, strict ? (int32_t)rtas_pe_config_addr(phb, EEH_RTAS_MODE_PAPR)
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
	struct rtas_phb *phb = prologue(r);
	struct papr_state ps;
	int s;

	if (!phb)
		return;
	if (rtas_mode(r->vm) == EEH_RTAS_MODE_QEMU) {
		/* GET_STATE verbatim (VFIO and RTAS states are the same
		 * numbers); a failure is -3, the other cells untouched. */
		s = rtas_phb_op_simple(phb, VFIO_EEH_PE_GET_STATE);
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
	if (fn == EEH_RESET_FUNDAMENTAL && !rtas_phb_freset_offered(phb))
		return EEH_RTAS_NO_FRESET;
	pthread_mutex_lock(&phb->lock);
	st = papr_table_check(phb, call_of[fn], &run);
	if (st || !run)
		goto out;
	if (fn != EEH_RESET_DEACTIVATE && vm->ops.pre_reset)
		vm->ops.pre_reset(vm->opaque, phb->buid);
	st = status_of(rtas_phb_op_simple(phb, op_of[fn]));
out:
	pthread_mutex_unlock(&phb->lock);
	return st;
}

static void set_slot_reset(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r);
	struct eeh_vm *vm = r->vm;
	uint32_t fn;
	unsigned int op;
	int rc;

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
	op = fn == EEH_RESET_DEACTIVATE ? VFIO_EEH_PE_RESET_DEACTIVATE
	     : fn == EEH_RESET_HOT	 ? VFIO_EEH_PE_RESET_HOT
					 : VFIO_EEH_PE_RESET_FUNDAMENTAL;
	/* spapr_phb_vfio_eeh_pre_reset(): MSI-X state dropped first. QEMU
	 * runs the scrub and the reset as one step (under its big lock): no
	 * other call on the PHB lands between them, and the callback never
	 * runs concurrently with itself for one PHB. */
	pthread_mutex_lock(&phb->lock);
	if (fn != EEH_RESET_DEACTIVATE && vm->ops.pre_reset)
		vm->ops.pre_reset(vm->opaque, phb->buid);
	rc = rtas_phb_op_simple(phb, op);
	pthread_mutex_unlock(&phb->lock);
	rtas_ret(r, 0, status_of(rc));
}

static void configure_pe(struct rtas_req *r)
{
	struct rtas_phb *phb = prologue(r);
	int rc;

	if (!phb)
		return;
	if (rtas_mode(r->vm) == EEH_RTAS_MODE_QEMU) {
		rc = phb_op_locked(phb, VFIO_EEH_PE_CONFIGURE);
		rtas_ret(r, 0, rc < 0 ? EEH_RTAS_PARAM_ERROR : EEH_RTAS_SUCCESS);
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
	rc = rtas_phb_op_simple(phb, VFIO_EEH_PE_CONFIGURE);
	pthread_mutex_unlock(&phb->lock);
	rtas_ret(r, 0, rc == 0 ? EEH_RTAS_SUCCESS
		       : rc == -EINVAL ? EEH_RTAS_PARAM_ERROR : EEH_RTAS_HW_ERROR);
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
	struct eeh_pe_error e = { .size = sizeof(e) };
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
		in.pe_addr = (uint32_t)rtas_pe_config_addr(phb, EEH_RTAS_MODE_PAPR);
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
	struct rtas_phb *phb = prologue(r);
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
/* The table                                                            */
/* ------------------------------------------------------------------ */

/*
 * Every call the front end answers, indexed by enum eeh_rtas_call. The
 * tokens are QEMU's defaults: RTAS_TOKEN_BASE 0x2000 + 0x20.., errinjct
 * the RFC's. The cell counts are spapr_pci.c's (and the errinjct RFC's):
 * exact nargs, nret within [nret_min, nret_max].
 */
const struct rtas_call rtas_calls[EEH_RTAS_NCALLS] = {
	[EEH_RTAS_SET_EEH_OPTION] = { "ibm,set-eeh-option", 0x2020, set_eeh_option, 4, 1, 1 },
	[EEH_RTAS_GET_CONFIG_ADDR_INFO2] = { "ibm,get-config-addr-info2", 0x2021,
					     get_config_addr_info2, 4, 2, 2 },
	[EEH_RTAS_READ_SLOT_RESET_STATE2] = { "ibm,read-slot-reset-state2", 0x2022,
					      read_slot_reset_state2, 3, 4, 5 },
	[EEH_RTAS_SET_SLOT_RESET] = { "ibm,set-slot-reset", 0x2023, set_slot_reset, 4, 1, 1 },
	[EEH_RTAS_CONFIGURE_PE] = { "ibm,configure-pe", 0x2024, configure_pe, 3, 1, 1 },
	[EEH_RTAS_SLOT_ERROR_DETAIL] = { "ibm,slot-error-detail", 0x2025, slot_error_detail,
					 8, 1, 1 },
	[EEH_RTAS_ERRINJCT] = { "ibm,errinjct", 0x202d, rtas_errinjct, 3, 1, 1,
				.errinjct = true },
	/* The open token first, then the status. */
	[EEH_RTAS_OPEN_ERRINJCT] = { "ibm,open-errinjct", 0x202e, rtas_open_errinjct, 0, 2, 2,
				     .errinjct = true },
	[EEH_RTAS_CLOSE_ERRINJCT] = { "ibm,close-errinjct", 0x202f, rtas_close_errinjct, 1, 1, 1,
				      .errinjct = true },
	/* QEMU accepts 5 or 6 outputs whatever ibm,ddw-extensions says. */
	[EEH_RTAS_QUERY_PE_DMA_WINDOW] = { "ibm,query-pe-dma-window", 0x2026,
					   rtas_query_pe_dma_window, 3, 5, 6, .ddw = true },
	[EEH_RTAS_CREATE_PE_DMA_WINDOW] = { "ibm,create-pe-dma-window", 0x2027,
					    rtas_create_pe_dma_window, 5, 4, 4, .ddw = true },
	[EEH_RTAS_REMOVE_PE_DMA_WINDOW] = { "ibm,remove-pe-dma-window", 0x2028,
					    rtas_remove_pe_dma_window, 1, 1, 1, .ddw = true },
	[EEH_RTAS_RESET_PE_DMA_WINDOW] = { "ibm,reset-pe-dma-window", 0x2029,
					   rtas_reset_pe_dma_window, 3, 1, 1, .ddw = true },
};

EEH_EXPORT const char *eeh_rtas_call_name(enum eeh_rtas_call call)
{
	return (unsigned int)call < EEH_RTAS_NCALLS ? rtas_calls[call].name : NULL;
}

EEH_EXPORT int eeh_rtas_call_from_name(const char *name)
{
	for (unsigned int i = 0; name && i < EEH_RTAS_NCALLS; i++)
		if (!strcmp(name, rtas_calls[i].name))
			return (int)i;
	return -EINVAL;
}
