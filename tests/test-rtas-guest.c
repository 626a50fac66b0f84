/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replays of what a Linux pseries guest does with its EEH RTAS calls
 * (arch/powerpc/platforms/pseries/eeh_pseries.c, kernel/eeh.c,
 * kernel/eeh_driver.c), against the simulated host through the front
 * end, in both modes. The guest talks to "firmware" only through RTAS
 * argument blocks in its memory and H_RTAS (eeh_vm_rtas_call_mem), looks
 * its tokens up in the device tree the VMM built, and sleeps on the
 * library's virtual clock.
 */
#include <errno.h>
#include <stdarg.h>

#include "test-util.h"


/* The guest kernel's EEH_STATE_* bits and constants. */
#define G_UNAVAILABLE 0x01
#define G_NOT_SUPPORT 0x02
#define G_RESET_ACTIVE 0x04
#define G_MMIO_ACTIVE 0x08
#define G_DMA_ACTIVE 0x10
#define G_MMIO_ENABLED 0x20
#define G_DMA_ENABLED 0x40
#define RTAS_UNKNOWN_SERVICE (-1)
#define PCI_BUS_RESET_WAIT_MSEC (5 * 60 * 1000)

#define MEM_SIZE (16 * 1024)
#define ARGS_AT 0x100
#define DRV_LOG_AT 0x1000
#define ERR_BUF_AT 0x2000

/* Guest PHB 0: the NIC (2 functions at 00:01.0/1), PHB 1: the SAS
 * adapter without fundamental reset (00:01.0), PHB 2: an NVMe behind a
 * host switch (bus 1 in the guest). */
static const uint64_t guest_buid[] = { 0x800000020000000ULL, 0x800000020000001ULL,
				       0x800000020000002ULL };
static const int host_group[] = { 1, 8, 3 };

struct gdev {
	int phb;
	unsigned int bus, devfn;
	uint32_t pe_addr;
	bool eeh;
};

struct guest {
	struct eeh_ctx *ctx;
	struct eeh_vm *vm;
	uint8_t mem[MEM_SIZE];
	/* tokens the guest found in /rtas */
	int set_eeh_option, get_config_addr_info2, get_config_addr_info;
	int read_slot_reset_state2, read_slot_reset_state, set_slot_reset;
	int slot_error_detail, configure_pe, configure_bridge;
	struct gdev dev[4];
	int ndev;
	/* the last log slot-error-detail returned */
	int log_status;
	unsigned int polls;
};

static int g_mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct guest *g = opaque;

	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(buf, g->mem + addr, len);
	return 0;
}

static int g_mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct guest *g = opaque;

	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(g->mem + addr, buf, len);
	return 0;
}

static const struct eeh_vm_ops vm_ops = { .size = sizeof(struct eeh_vm_ops), .mem_read = g_mem_read, .mem_write = g_mem_write };

/* rtas_token(): from the /rtas properties the VMM generated. */
static int rtas_token(struct guest *g, const char *name)
{
	struct eeh_rtas_token t[16];
	int n = eeh_vm_rtas_tokens(g->vm, t, ARRAY_SIZE(t));

	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return (int)t[i].token;
	return RTAS_UNKNOWN_SERVICE;
}

/* rtas_call(): build the argument block, H_RTAS, status = rets[0],
 * outputs[] = rets[1..]. */
static int rtas_call(struct guest *g, int token, int nargs, int nret, int *outputs, ...)
{
	uint8_t *b = g->mem + ARGS_AT;
	va_list ap;
	int rc;

	be32_put(b, (uint32_t)token);
	be32_put(b + 4, (uint32_t)nargs);
	be32_put(b + 8, (uint32_t)nret);
	va_start(ap, outputs);
	for (int i = 0; i < nargs; i++)
		be32_put(b + 12 + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	for (int i = 0; i < nret; i++)
		be32_put(b + 12 + 4 * (nargs + i), 0);
	rc = eeh_vm_rtas_call_mem(g->vm, ARGS_AT);
	CU_ASSERT(rc == 0 || rc == -ENOENT);
	for (int i = 1; outputs && i < nret; i++)
		outputs[i - 1] = (int)be32_get(b + 12 + 4 * (nargs + i));
	return (int)be32_get(b + 12 + 4 * nargs);
}

#define BUID_HI(b) ((uint32_t)((b) >> 32))
#define BUID_LO(b) ((uint32_t)(b))

static uint32_t config_addr(unsigned int bus, unsigned int devfn)
{
	return (bus & 0xff) << 16 | devfn << 8;
}

/* The VMM side: a VM with three passthrough PHBs; machine reset. */
static struct guest *boot(enum eeh_rtas_mode mode)
{
	static struct guest gs;
	struct guest *g = &gs;
	static const struct gdev devs[] = {
		{ 0, 0, 0x08, 0, false }, { 0, 0, 0x09, 0, false },
		{ 1, 0, 0x08, 0, false }, { 2, 1, 0x00, 0, false },
	};

	memset(g, 0, sizeof(*g));
	g->ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(g->ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(g->ctx, &vm_ops, g, &g->vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_set_mode(g->vm, mode), 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(eeh_vm_add_phb(g->vm, guest_buid[i],
					       eeh_pe_by_group(g->ctx, host_group[i])), 0);
	memcpy(g->dev, devs, sizeof(devs));
	g->ndev = ARRAY_SIZE(devs);
	for (int i = 0; i < g->ndev; i++)
		CU_ASSERT_EQUAL(eeh_vm_add_device(g->vm, guest_buid[g->dev[i].phb], g->dev[i].bus,
						  g->dev[i].devfn), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset(g->vm), 0);
	return g;
}

static void shutdown_guest(struct guest *g)
{
	eeh_vm_unref(g->vm);
	eeh_unref(g->ctx);
}

/* eeh_pseries_init(): tokens, and EEH only if the required calls exist. */
static bool guest_eeh_init(struct guest *g)
{
	g->set_eeh_option = rtas_token(g, "ibm,set-eeh-option");
	g->set_slot_reset = rtas_token(g, "ibm,set-slot-reset");
	g->read_slot_reset_state2 = rtas_token(g, "ibm,read-slot-reset-state2");
	g->read_slot_reset_state = rtas_token(g, "ibm,read-slot-reset-state");
	g->slot_error_detail = rtas_token(g, "ibm,slot-error-detail");
	g->get_config_addr_info2 = rtas_token(g, "ibm,get-config-addr-info2");
	g->get_config_addr_info = rtas_token(g, "ibm,get-config-addr-info");
	g->configure_pe = rtas_token(g, "ibm,configure-pe");
	if (g->configure_pe == RTAS_UNKNOWN_SERVICE)
		g->configure_pe = rtas_token(g, "ibm,configure-bridge");
	return g->set_eeh_option != RTAS_UNKNOWN_SERVICE &&
	       g->set_slot_reset != RTAS_UNKNOWN_SERVICE &&
	       (g->read_slot_reset_state2 != RTAS_UNKNOWN_SERVICE ||
		g->read_slot_reset_state != RTAS_UNKNOWN_SERVICE) &&
	       g->slot_error_detail != RTAS_UNKNOWN_SERVICE &&
	       g->configure_pe != RTAS_UNKNOWN_SERVICE;
}

/* pseries_eeh_get_state() */
static int guest_get_state(struct guest *g, struct gdev *d, int *delay)
{
	uint64_t buid = guest_buid[d->phb];
	int rets[4], ret, result;

	ret = rtas_call(g, g->read_slot_reset_state2, 3, 4, rets, d->pe_addr, BUID_HI(buid),
			BUID_LO(buid));
	if (ret)
		return ret;
	if (!rets[1])
		return G_NOT_SUPPORT;
	switch (rets[0]) {
	case 0:
		return G_MMIO_ACTIVE | G_DMA_ACTIVE | G_MMIO_ENABLED | G_DMA_ENABLED;
	case 1:
		return G_RESET_ACTIVE | G_MMIO_ACTIVE | G_DMA_ACTIVE;
	case 2:
		return 0;
	case 4:
		return G_MMIO_ENABLED;
	case 5:
		if (rets[2]) {
			if (delay)
				*delay = rets[2];
			result = G_UNAVAILABLE;
		} else {
			result = G_NOT_SUPPORT;
		}
		return result;
	}
	return G_NOT_SUPPORT;
}

/* eeh_wait_state(): poll while unavailable, sleeping what firmware says
 * (at least 1 s). */
static int guest_wait_state(struct guest *g, struct gdev *d, int max_wait)
{
	for (;;) {
		int mwait = 0, ret = guest_get_state(g, d, &mwait);

		if (ret != G_UNAVAILABLE)
			return ret;
		if (max_wait <= 0)
			return G_NOT_SUPPORT;
		if (mwait < 1000)
			mwait = 1000;
		g->polls++;
		eeh_clock_advance(g->ctx, (uint64_t)mwait * MS);
		max_wait -= mwait;
	}
}

/* pseries_eeh_get_pe_config_addr() (>= 5.10) */
static int guest_pe_config_addr(struct guest *g, struct gdev *d)
{
	uint64_t buid = guest_buid[d->phb];
	uint32_t ca = config_addr(d->bus, d->devfn);
	int rets[2], ret;

	ret = rtas_call(g, g->get_config_addr_info2, 4, 2, rets, ca, BUID_HI(buid), BUID_LO(buid),
			1);
	if (ret || rets[0] == 0)
		return -ENOENT;
	ret = rtas_call(g, g->get_config_addr_info2, 4, 2, rets, ca, BUID_HI(buid), BUID_LO(buid),
			0);
	if (ret)
		return -ENXIO;
	return rets[0];
}

static int guest_set_option(struct guest *g, struct gdev *d, uint32_t addr, int option)
{
	uint64_t buid = guest_buid[d->phb];

	return rtas_call(g, g->set_eeh_option, 4, 1, NULL, addr, BUID_HI(buid), BUID_LO(buid),
			 option);
}

/* pseries_eeh_init_edev() of >= 5.10 */
static bool probe_new(struct guest *g, struct gdev *d)
{
	int addr = guest_pe_config_addr(g, d);

	if (addr < 0)
		return false;
	d->pe_addr = (uint32_t)addr;
	if (guest_set_option(g, d, d->pe_addr, 1))
		return false;
	d->eeh = true;
	return true;
}

/* The pre-5.10 probe: ENABLE on the device's own address, then the PE
 * address, then a state read that must say EEH works. */
static bool probe_old(struct guest *g, struct gdev *d)
{
	uint64_t buid = guest_buid[d->phb];
	uint32_t ca = config_addr(d->bus, d->devfn);
	int rets[2], ret, st;

	d->pe_addr = ca;
	if (guest_set_option(g, d, ca, 1))
		return false;
	ret = rtas_call(g, g->get_config_addr_info2, 4, 2, rets, ca, BUID_HI(buid), BUID_LO(buid),
			0);
	if (!ret && rets[0])
		d->pe_addr = (uint32_t)rets[0];
	st = guest_get_state(g, d, NULL);
	if (st <= 0 || st == G_NOT_SUPPORT)
		return false;
	d->eeh = true;
	return true;
}

/* eeh_pci_enable(): skip the thaw if already active, then wait for it. */
static int guest_pci_enable(struct guest *g, struct gdev *d, int option)
{
	int mask = option == 2 ? G_MMIO_ACTIVE | G_MMIO_ENABLED : G_DMA_ACTIVE;
	int rc, st = guest_wait_state(g, d, PCI_BUS_RESET_WAIT_MSEC);

	if (st < 0)
		return st;
	if (st != G_NOT_SUPPORT && (st & mask))
		return 0;
	rc = guest_set_option(g, d, d->pe_addr, option);
	(void)rc; /* the kernel logs it; the state below decides */
	st = guest_wait_state(g, d, PCI_BUS_RESET_WAIT_MSEC);
	if (st < 0)
		return st;
	return (st != G_NOT_SUPPORT && (st & mask)) ? 0 : -EIO;
}

static int guest_configure_pe(struct guest *g, struct gdev *d)
{
	uint64_t buid = guest_buid[d->phb];
	int ret = rtas_call(g, g->configure_pe, 3, 1, NULL, d->pe_addr, BUID_HI(buid),
			    BUID_LO(buid));

	return ret == 0 ? 0 : ret == -3 ? -EINVAL : -EIO;
}

/* eeh_slot_error_detail(): thaw MMIO for the log, configure, dump
 * config space into the driver buffer, ask for the log. */
static int guest_slot_error_detail(struct guest *g, struct gdev *d, int severity)
{
	static const char dump[] = "EEH: PCI device/vendor: 15728086\nEEH: PCI cmd/status: 00100546\n";
	uint64_t buid = guest_buid[d->phb];

	if (severity == 1) {
		guest_pci_enable(g, d, 2);
		guest_configure_pe(g, d);
	}
	memcpy(g->mem + DRV_LOG_AT, dump, sizeof(dump));
	g->log_status = rtas_call(g, g->slot_error_detail, 8, 1, NULL, d->pe_addr, BUID_HI(buid),
				  BUID_LO(buid), DRV_LOG_AT, (uint32_t)sizeof(dump) - 1, ERR_BUF_AT,
				  EEH_RTAS_ERROR_LOG_MAX, severity);
	return g->log_status;
}

static int guest_reset(struct guest *g, struct gdev *d, int option)
{
	uint64_t buid = guest_buid[d->phb];

	return rtas_call(g, g->set_slot_reset, 4, 1, NULL, d->pe_addr, BUID_HI(buid),
			 BUID_LO(buid), option);
}

/* pseries_eeh_reset() as eeh_pe_reset_full() drives it: up to three
 * assert/hold/deactivate/settle rounds until MMIO and DMA are active. */
static int guest_reset_full(struct guest *g, struct gdev *d, bool freset)
{
	int st = 0;

	for (int i = 0; i < 3; i++) {
		int ret = guest_reset(g, d, freset ? 3 : 1);

		/* -8: no fundamental reset on this slot, try hot. */
		if (ret == -8)
			ret = guest_reset(g, d, 1);
		if (ret)
			continue;
		eeh_clock_advance(g->ctx, 250 * MS);
		if (guest_reset(g, d, 0))
			continue;
		eeh_clock_advance(g->ctx, 1800 * MS);
		st = guest_wait_state(g, d, PCI_BUS_RESET_WAIT_MSEC);
		if (st < 0)
			return -ENOTRECOVERABLE;
		if ((st & (G_MMIO_ACTIVE | G_DMA_ACTIVE)) == (G_MMIO_ACTIVE | G_DMA_ACTIVE))
			return 0;
	}
	return -EIO;
}

/* A driver's MMIO load from BAR 0 of the passed-through function. */
static uint64_t guest_mmio_read(struct guest *g, struct gdev *d)
{
	struct eeh_pe *pe = eeh_pe_by_group(g->ctx, host_group[d->phb]);
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t v = 0;

	if (d->phb == 0 && d->devfn == 0x09)
		f = eeh_func_next(f);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x10, 4, &v), 0);
	return v;
}

/*
 * eeh_dev_check_failure() + eeh_handle_normal_event(): all-ones read,
 * state check, error_detected, wait, log, reset, configure, thaw, resume.
 * Returns 0 when the device works again, < 0 when the PE was given up.
 */
static int guest_recover(struct guest *g, struct gdev *d, bool needs_freset)
{
	int st;

	if (guest_mmio_read(g, d) != 0xffffffff)
		return 1; /* nothing to recover */
	st = guest_get_state(g, d, NULL);
	if (st < 0 || st == G_NOT_SUPPORT ||
	    (st & (G_MMIO_ACTIVE | G_DMA_ACTIVE)) == (G_MMIO_ACTIVE | G_DMA_ACTIVE))
		return 2; /* a false positive */
	st = guest_wait_state(g, d, 300 * 1000);
	if (st < 0 || st == G_NOT_SUPPORT)
		goto hard_failure;
	guest_slot_error_detail(g, d, 1);
	if (guest_reset_full(g, d, needs_freset))
		goto hard_failure;
	if (guest_configure_pe(g, d))
		goto hard_failure;
	/* eeh_pe_state_clear(): thaw only what is not active. */
	if (guest_pci_enable(g, d, 2) || guest_pci_enable(g, d, 3))
		goto hard_failure;
	return guest_mmio_read(g, d) == 0xffffffff ? -EIO : 0;
hard_failure:
	guest_slot_error_detail(g, d, 2);
	return -ENODEV;
}

/* ---- probe ---- */

static void probe_5_10_style(enum eeh_rtas_mode mode)
{
	struct guest *g = boot(mode);

	CU_ASSERT_TRUE(guest_eeh_init(g));
	CU_ASSERT_EQUAL(g->read_slot_reset_state, RTAS_UNKNOWN_SERVICE);
	for (int i = 0; i < g->ndev; i++) {
		struct gdev *d = &g->dev[i];

		CU_ASSERT_TRUE(probe_new(g, d));
		CU_ASSERT_EQUAL((int64_t)d->pe_addr, eeh_vm_pe_config_addr(g->vm, guest_buid[d->phb]));
		CU_ASSERT_EQUAL(guest_get_state(g, d, NULL),
				G_MMIO_ACTIVE | G_DMA_ACTIVE | G_MMIO_ENABLED | G_DMA_ENABLED);
	}
	/* Both functions of the NIC share one PE address. */
	CU_ASSERT_EQUAL(g->dev[0].pe_addr, g->dev[1].pe_addr);
	CU_ASSERT_EQUAL(g->dev[0].pe_addr, mode == EEH_RTAS_MODE_QEMU ? 0x000001u : 0x000800u);
	CU_ASSERT_EQUAL(g->dev[3].pe_addr, mode == EEH_RTAS_MODE_QEMU ? 0x010001u : 0x010000u);
	/* A function the VMM does not pass through is not EEH capable. */
	{
		struct gdev ghost = { 0, 0, 0x10, 0, false };

		CU_ASSERT_FALSE(probe_new(g, &ghost));
		/* QEMU says "shared" for anything, then fails function 0. */
		CU_ASSERT_EQUAL(guest_pe_config_addr(g, &ghost),
				mode == EEH_RTAS_MODE_PAPR ? -ENOENT : -ENXIO);
	}
	shutdown_guest(g);
}

static void probe_5_10_style_qemu(void) { probe_5_10_style(EEH_RTAS_MODE_QEMU); }
static void probe_5_10_style_papr(void) { probe_5_10_style(EEH_RTAS_MODE_PAPR); }

static void probe_old_style(enum eeh_rtas_mode mode)
{
	struct guest *g = boot(mode);

	CU_ASSERT_TRUE(guest_eeh_init(g));
	for (int i = 0; i < g->ndev; i++)
		CU_ASSERT_TRUE(probe_old(g, &g->dev[i]));
	CU_ASSERT_EQUAL(g->dev[1].pe_addr, g->dev[0].pe_addr);
	shutdown_guest(g);
}

static void probe_old_style_qemu(void) { probe_old_style(EEH_RTAS_MODE_QEMU); }
static void probe_old_style_papr(void) { probe_old_style(EEH_RTAS_MODE_PAPR); }

/* kdump with reset_devices: fundamental reset, deactivate, configure on
 * the first child of each PHB (eeh_pseries_init). */
static void kdump_reset_devices(enum eeh_rtas_mode mode)
{
	struct guest *g = boot(mode);

	CU_ASSERT_TRUE(guest_eeh_init(g));
	for (int p = 0; p < 3; p++) {
		struct gdev *d = p == 0 ? &g->dev[0] : p == 1 ? &g->dev[2] : &g->dev[3];
		int ret;

		CU_ASSERT_TRUE(probe_new(g, d));
		ret = guest_reset(g, d, 3);
		/* PAPR-strict: the SAS slot has no fundamental reset. */
		CU_ASSERT_EQUAL(ret, mode == EEH_RTAS_MODE_PAPR && p == 1 ? -8 : 0);
		if (ret == -8) {
			CU_ASSERT_EQUAL(guest_reset(g, d, 1), 0);
		}
		CU_ASSERT_EQUAL(guest_get_state(g, d, NULL), G_RESET_ACTIVE | G_MMIO_ACTIVE |
								     G_DMA_ACTIVE);
		eeh_clock_advance(g->ctx, 250 * MS);
		CU_ASSERT_EQUAL(guest_reset(g, d, 0), 0);
		CU_ASSERT_EQUAL(guest_configure_pe(g, d), 0);
		CU_ASSERT_NOT_EQUAL(guest_mmio_read(g, d), 0xffffffff);
	}
	shutdown_guest(g);
}

static void kdump_reset_devices_qemu(void) { kdump_reset_devices(EEH_RTAS_MODE_QEMU); }
static void kdump_reset_devices_papr(void) { kdump_reset_devices(EEH_RTAS_MODE_PAPR); }

/* ---- recovery ---- */

/* The guest itself injects an IOA bus error (the Dec-2025 pseries
 * errinjct flow), then a driver load hits it. */
static void guest_injects_load_error(struct guest *g, struct gdev *d)
{
	uint64_t buid = guest_buid[d->phb], bar = 0;
	struct eeh_pe *pe = eeh_pe_by_group(g->ctx, host_group[d->phb]);
	int tok_open = rtas_token(g, "ibm,open-errinjct");
	int tok_inj = rtas_token(g, "ibm,errinjct");
	int tok_close = rtas_token(g, "ibm,close-errinjct");
	int rets[2], token, ret;
	uint8_t *w = g->mem + 0x3000;

	CU_ASSERT_EQUAL(eeh_func_bar(eeh_func_first(pe), 0, &bar, NULL, NULL), 0);
	ret = rtas_call(g, tok_open, 0, 2, rets);
	token = ret; /* open: the token comes first, the status second */
	CU_ASSERT_EQUAL(rets[0], 0);
	memset(w, 0, 1024);
	be32_put(w, (uint32_t)(bar >> 32));
	be32_put(w + 4, (uint32_t)bar + 0x10);
	be32_put(w + 8, 0xffffffff);
	be32_put(w + 12, 0xffffffff);
	be32_put(w + 16, d->pe_addr);
	be32_put(w + 20, BUID_HI(buid));
	be32_put(w + 24, BUID_LO(buid));
	be32_put(w + 28, 1); /* load, memory, data parity */
	CU_ASSERT_EQUAL(rtas_call(g, tok_inj, 3, 1, NULL, EEH_ERRINJCT_IOA_BUS_ERROR_64, token,
				  0x3000), 0);
	CU_ASSERT_EQUAL(rtas_call(g, tok_close, 1, 1, NULL, token), 0);
}

static void recovery(enum eeh_rtas_mode mode, int which, bool freset)
{
	struct guest *g = boot(mode);
	struct gdev *d = &g->dev[which];
	struct eeh_pe *pe = eeh_pe_by_group(g->ctx, host_group[d->phb]);
	struct eeh_pe_error e = { .size = sizeof(e) };
	int state;

	CU_ASSERT_TRUE(guest_eeh_init(g));
	for (int i = 0; i < g->ndev; i++)
		CU_ASSERT_TRUE(probe_new(g, &g->dev[i]));
	CU_ASSERT_EQUAL(guest_recover(g, d, freset), 1);
	guest_injects_load_error(g, d);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &state, NULL), 0);
	CU_ASSERT_EQUAL(state, 0); /* armed, not fired */
	CU_ASSERT_EQUAL(guest_recover(g, d, freset), 0);
	/* What the host saw: the injected load froze the PE. */
	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.func, 1);
	/* The log: QEMU has none; PAPR returns one naming function 1. */
	if (mode == EEH_RTAS_MODE_QEMU) {
		CU_ASSERT_EQUAL(g->log_status, 1);
	} else {
		CU_ASSERT_EQUAL(g->log_status, 0);
		CU_ASSERT_EQUAL(g->mem[ERR_BUF_AT], 6);
		CU_ASSERT_EQUAL(be32_get(g->mem + ERR_BUF_AT + 24 + 24), 1);
		CU_ASSERT_EQUAL(memcmp(g->mem + ERR_BUF_AT + 24 + 48 + 8, "EEH: PCI", 8), 0);
	}
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &state, NULL), 0);
	CU_ASSERT_EQUAL(state, 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_permanent(g->vm, guest_buid[d->phb]), 0);
	/* Every other device kept working. */
	for (int i = 0; i < g->ndev; i++)
		if (g->dev[i].phb != d->phb)
			CU_ASSERT_NOT_EQUAL(guest_mmio_read(g, &g->dev[i]), 0xffffffff);
	shutdown_guest(g);
}

static void recovery_hot_reset_qemu(void) { recovery(EEH_RTAS_MODE_QEMU, 0, false); }
static void recovery_hot_reset_papr(void) { recovery(EEH_RTAS_MODE_PAPR, 0, false); }
static void recovery_freset_on_slot_without_it_qemu(void)
{
	recovery(EEH_RTAS_MODE_QEMU, 2, true);
}
static void recovery_freset_on_slot_without_it_papr(void)
{
	recovery(EEH_RTAS_MODE_PAPR, 2, true);
}
static void recovery_freset_behind_a_switch_papr(void) { recovery(EEH_RTAS_MODE_PAPR, 3, true); }

/* The host recovers the parent bus PE while the guest waits: state 5
 * with "retry in 1 s", polled until the host is done. */
static void guest_waits_while_the_host_recovers_the_parent(enum eeh_rtas_mode mode)
{
	struct guest *g = boot(mode);
	struct gdev *d = &g->dev[3];
	struct eeh_pe *parent = eeh_pe_by_group(g->ctx, 2);
	int delay = 0;

	CU_ASSERT_TRUE(guest_eeh_init(g));
	CU_ASSERT_TRUE(probe_new(g, d));
	CU_ASSERT_EQUAL(eeh_inject_freeze(parent), 0);
	CU_ASSERT_EQUAL(guest_get_state(g, d, &delay), G_UNAVAILABLE);
	CU_ASSERT_EQUAL(delay, 1000);
	/* The host thaws the parent; the next poll sees the PE again. */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(parent, 1), 0);
	CU_ASSERT_EQUAL(guest_wait_state(g, d, 10000),
			G_MMIO_ACTIVE | G_DMA_ACTIVE | G_MMIO_ENABLED | G_DMA_ENABLED);
	shutdown_guest(g);
}

static void host_recovers_parent_qemu(void)
{
	guest_waits_while_the_host_recovers_the_parent(EEH_RTAS_MODE_QEMU);
}
static void host_recovers_parent_papr(void)
{
	guest_waits_while_the_host_recovers_the_parent(EEH_RTAS_MODE_PAPR);
}

/* The PE fails for good on the host (host recovery past the freeze
 * limit): the guest gives up (hard failure) and asks for the permanent
 * log. */
static void hard_failure(enum eeh_rtas_mode mode)
{
	struct guest *g = boot(mode);
	struct gdev *d = &g->dev[0];
	struct eeh_pe *pe = eeh_pe_by_group(g->ctx, 1);
	int rc;

	CU_ASSERT_TRUE(guest_eeh_init(g));
	CU_ASSERT_TRUE(probe_new(g, d));
	fail_pe_permanently(g->ctx, pe);
	rc = guest_recover(g, d, false);
	if (mode == EEH_RTAS_MODE_PAPR) {
		/* State 5 info 0 -> NOT_SUPPORT: a false positive for the
		 * detector, the device stays dead; the guest removes it. */
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_EQUAL(guest_get_state(g, d, NULL), G_NOT_SUPPORT);
		CU_ASSERT_EQUAL(guest_slot_error_detail(g, d, 2), 0);
		CU_ASSERT_EQUAL(eeh_vm_phb_permanent(g->vm, guest_buid[0]), 1);
	} else {
		/* QEMU shows the dead PE as stopped (2); every reset round
		 * ends stopped, so the guest gives up after three. */
		CU_ASSERT_EQUAL(rc, -ENODEV);
		CU_ASSERT_EQUAL(g->log_status, 1);
		CU_ASSERT_EQUAL(eeh_vm_phb_permanent(g->vm, guest_buid[0]), 0);
	}
	shutdown_guest(g);
}

static void hard_failure_qemu(void) { hard_failure(EEH_RTAS_MODE_QEMU); }
static void hard_failure_papr(void) { hard_failure(EEH_RTAS_MODE_PAPR); }

/* After the guest gave a PE up (PAPR function 2), a reboot gives it back. */
static void reboot_after_permanent_failure_papr(void)
{
	struct guest *g = boot(EEH_RTAS_MODE_PAPR);
	struct gdev *d = &g->dev[2];

	CU_ASSERT_TRUE(guest_eeh_init(g));
	CU_ASSERT_TRUE(probe_new(g, d));
	CU_ASSERT_EQUAL(eeh_inject_freeze(eeh_pe_by_group(g->ctx, 8)), 0);
	CU_ASSERT_EQUAL(guest_slot_error_detail(g, d, 2), 0);
	CU_ASSERT_EQUAL(guest_get_state(g, d, NULL), G_NOT_SUPPORT);
	CU_ASSERT_EQUAL(eeh_vm_reset(g->vm), 0);
	CU_ASSERT_TRUE(probe_new(g, d));
	CU_ASSERT_EQUAL(guest_get_state(g, d, NULL),
			G_MMIO_ACTIVE | G_DMA_ACTIVE | G_MMIO_ENABLED | G_DMA_ENABLED);
	CU_ASSERT_NOT_EQUAL(guest_mmio_read(g, d), 0xffffffff);
	shutdown_guest(g);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(probe_5_10_style_qemu),
		TEST(probe_5_10_style_papr),
		TEST(probe_old_style_qemu),
		TEST(probe_old_style_papr),
		TEST(kdump_reset_devices_qemu),
		TEST(kdump_reset_devices_papr),
		TEST(recovery_hot_reset_qemu),
		TEST(recovery_hot_reset_papr),
		TEST(recovery_freset_on_slot_without_it_qemu),
		TEST(recovery_freset_on_slot_without_it_papr),
		TEST(recovery_freset_behind_a_switch_papr),
		TEST(host_recovers_parent_qemu),
		TEST(host_recovers_parent_papr),
		TEST(hard_failure_qemu),
		TEST(hard_failure_papr),
		TEST(reboot_after_permanent_failure_papr),
	};

	return RUN_SUITE("rtas-guest", tests);
}
