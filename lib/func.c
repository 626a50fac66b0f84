/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI function state: config space and a small MMIO register file.
 *
 * Config space is synthesized from the model until something writes to it,
 * so a 65,536-PE host costs no 4 KiB per function. A reset drops the
 * written state: the function reads back its power-on values (BARs
 * unassigned, decoding off) until the BARs are restored.
 */
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_EXP 0x10

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t bar_flag_bits(const struct eeh_bar *b)
{
	if (b->flags & EEH_BAR_IO)
		return 0x1;
	return ((b->flags & EEH_BAR_MEM64) ? 0x4 : 0) | ((b->flags & EEH_BAR_PREFETCH) ? 0x8 : 0);
}

/* The 64-byte header the function has after probe (configured) or reset. */
static void build_header(const struct eeh_func *f, uint8_t *h, bool poweron)
{
	uint16_t cmd = 0;

	memset(h, 0, 64);
	put16(h + 0x00, f->vendor);
	put16(h + 0x02, f->device);
	put16(h + 0x06, PCI_STATUS_CAP_LIST);
	put32(h + 0x08, (f->class_code << 8) | 0x01);
	h[0x0e] = f->multifunction ? 0x80 : 0x00;
	for (unsigned int i = 0; i < 6; i++) {
		const struct eeh_bar *b = &f->bar[i];
		uint64_t addr = poweron ? 0 : b->addr;

		if (!b->size)
			continue;
		cmd |= (b->flags & EEH_BAR_IO) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
		put32(h + 0x10 + 4 * i, (uint32_t)addr | bar_flag_bits(b));
		if ((b->flags & EEH_BAR_MEM64) && i < 5)
			put32(h + 0x14 + 4 * i, (uint32_t)(addr >> 32));
	}
	if (!poweron)
		put16(h + 0x04, cmd | PCI_COMMAND_MASTER);
	put16(h + 0x2c, f->vendor);
	put16(h + 0x2e, f->device);
	h[0x34] = 0x40;
	h[0x3d] = 0x01;
}

/* The synthesized config space; everything past SYNTH_LEN reads as zero. */
#define SYNTH_LEN 0x48

static void build_image(const struct eeh_func *f, uint8_t *cfg, size_t len, bool poweron)
{
	memset(cfg, 0, len);
	build_header(f, cfg, poweron);
	/* A PCI Express endpoint capability, version 2, ending the list. */
	cfg[0x40] = PCI_CAP_ID_EXP;
	put16(cfg + 0x42, 0x0002);
}

static int materialize(struct eeh_func *f)
{
	if (f->regs)
		return 0;
	f->regs = calloc(1, sizeof(*f->regs));
	if (!f->regs)
		return -ENOMEM;
	build_image(f, f->regs->cfg, sizeof(f->regs->cfg), f->cfg_poweron);
	return 0;
}

uint32_t func_cfg_raw_read(struct eeh_func *f, unsigned int off, unsigned int size)
{
	uint8_t img[SYNTH_LEN];
	const uint8_t *cfg = f->regs ? f->regs->cfg : img;
	uint32_t v = 0;

	if (!f->regs) {
		if (off >= SYNTH_LEN)
			return 0;
		build_image(f, img, sizeof(img), f->cfg_poweron);
	}
	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

/* Which bits of the dword at off a write may change. */
static uint32_t writable_mask(const struct eeh_func *f, unsigned int dword_off)
{
	if (dword_off == 0x04)
		return 0x0000ffff; /* command; status bits are RW1C, kept simple */
	if (dword_off == 0x0c)
		return 0x0000ffff; /* cache line size, latency timer */
	if (dword_off == 0x3c)
		return 0x000000ff;
	if (dword_off >= 0x10 && dword_off <= 0x24) {
		unsigned int i = (dword_off - 0x10) / 4;
		const struct eeh_bar *b = &f->bar[i];

		if (b->size)
			/* Size the BAR the PCI way: low bits hard-wired to zero. */
			return (uint32_t)~(b->size - 1) & ((b->flags & EEH_BAR_IO) ? ~0x3u : ~0xfu);
		if (i > 0 && (f->bar[i - 1].flags & EEH_BAR_MEM64) && f->bar[i - 1].size)
			return (uint32_t)(~(f->bar[i - 1].size - 1) >> 32);
		return 0;
	}
	if (dword_off < 0x40 || dword_off == 0x40)
		return 0; /* read-only header fields and the capability header */
	return 0xffffffff;
}

int func_cfg_raw_write(struct eeh_func *f, unsigned int off, unsigned int size, uint32_t val)
{
	unsigned int dw = off & ~3u, shift = (off & 3) * 8;
	uint32_t old, mask, width = size == 4 ? 0xffffffff : ((1u << (8 * size)) - 1);
	int r = materialize(f);

	if (r < 0)
		return r;
	old = func_cfg_raw_read(f, dw, 4);
	mask = writable_mask(f, dw) & (width << shift);
	put32(f->regs->cfg + dw, (old & ~mask) | ((val << shift) & mask));
	return 0;
}

void func_cfg_reset(struct eeh_func *f)
{
	free(f->regs);
	f->regs = NULL;
	f->mmio_dirty = false;
	f->cfg_poweron = true;
}

void func_restore_bars(struct eeh_func *f)
{
	uint8_t hdr[64];

	f->cfg_poweron = false;
	if (!f->regs)
		return;
	/* eeh_restore_bars(): the saved header dwords go back in place. */
	build_header(f, hdr, false);
	memcpy(f->regs->cfg + 0x04, hdr + 0x04, 4);
	memcpy(f->regs->cfg + 0x0c, hdr + 0x0c, 4);
	memcpy(f->regs->cfg + 0x10, hdr + 0x10, 24);
}

uint64_t func_mmio_raw_read(struct eeh_func *f, unsigned int bar, uint64_t off, unsigned int size)
{
	uint64_t v = 0;

	if (bar != 0 || off >= 64 || !f->regs || !f->mmio_dirty)
		return 0;
	for (unsigned int i = 0; i < size && off + i < 64; i++) {
		unsigned int o = (unsigned int)off + i;

		v |= ((f->regs->mmio[o / 8] >> (8 * (o % 8))) & 0xff) << (8 * i);
	}
	return v;
}

int func_mmio_raw_write(struct eeh_func *f, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val)
{
	int r;

	if (bar != 0 || off >= 64)
		return 0; /* a sink: the device accepts and ignores it */
	r = materialize(f);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < size && off + i < 64; i++) {
		unsigned int o = (unsigned int)off + i;
		uint64_t m = 0xffULL << (8 * (o % 8));

		f->regs->mmio[o / 8] = (f->regs->mmio[o / 8] & ~m) |
				       (((val >> (8 * i)) & 0xff) << (8 * (o % 8)));
	}
	f->mmio_dirty = true;
	return 0;
}

/* ---- public accessors: validation, then the backend's hardware ---- */

static bool size_ok(unsigned int off, unsigned int size, unsigned int max_size)
{
	return (size == 1 || size == 2 || size == 4 || (size == 8 && max_size == 8)) &&
	       (off & (size - 1)) == 0;
}

EEH_EXPORT int eeh_func_cfg_read(struct eeh_func *func, unsigned int off, unsigned int size,
				 uint32_t *val)
{
	struct eeh_ctx *ctx;

	if (!func || !val || !size_ok(off, size, 4) || off + size > 4096)
		return -EINVAL;
	ctx = func->pe->phb->ctx;
	if (backend_has(ctx->ops, EEH_BACKEND_CAP_DEVICE_ACCESS))
		return ctx->ops->cfg_access(func, false, off, size, val);
	*val = func_cfg_raw_read(func, off, size);
	return 0;
}

EEH_EXPORT int eeh_func_cfg_write(struct eeh_func *func, unsigned int off, unsigned int size,
				  uint32_t val)
{
	struct eeh_ctx *ctx;

	if (!func || !size_ok(off, size, 4) || off + size > 4096)
		return -EINVAL;
	ctx = func->pe->phb->ctx;
	if (backend_has(ctx->ops, EEH_BACKEND_CAP_DEVICE_ACCESS))
		return ctx->ops->cfg_access(func, true, off, size, &val);
	return func_cfg_raw_write(func, off, size, val);
}

static int mmio_check(struct eeh_func *func, unsigned int bar, uint64_t off, unsigned int size)
{
	if (!func || bar >= 6 || !func->bar[bar].size || !size_ok((unsigned int)off, size, 8) ||
	    off >= func->bar[bar].size || size > func->bar[bar].size - off)
		return -EINVAL;
	return 0;
}

EEH_EXPORT int eeh_func_mmio_read(struct eeh_func *func, unsigned int bar, uint64_t off,
				  unsigned int size, uint64_t *val)
{
	struct eeh_ctx *ctx;
	int r = mmio_check(func, bar, off, size);

	if (r < 0 || !val)
		return r < 0 ? r : -EINVAL;
	ctx = func->pe->phb->ctx;
	if (backend_has(ctx->ops, EEH_BACKEND_CAP_DEVICE_ACCESS))
		return ctx->ops->mmio_access(func, false, bar, off, size, val);
	*val = func_mmio_raw_read(func, bar, off, size);
	return 0;
}

EEH_EXPORT int eeh_func_mmio_write(struct eeh_func *func, unsigned int bar, uint64_t off,
				   unsigned int size, uint64_t val)
{
	struct eeh_ctx *ctx;
	int r = mmio_check(func, bar, off, size);

	if (r < 0)
		return r;
	ctx = func->pe->phb->ctx;
	if (backend_has(ctx->ops, EEH_BACKEND_CAP_DEVICE_ACCESS))
		return ctx->ops->mmio_access(func, true, bar, off, size, &val);
	return func_mmio_raw_write(func, bar, off, size, val);
}

EEH_EXPORT int eeh_func_dma(struct eeh_func *func, bool write, uint64_t addr, size_t len)
{
	struct eeh_ctx *ctx;

	if (!func || !len)
		return -EINVAL;
	ctx = func->pe->phb->ctx;
	if (backend_has(ctx->ops, EEH_BACKEND_CAP_DEVICE_ACCESS))
		return ctx->ops->dma_access(func, write, addr, len);
	return -EOPNOTSUPP;
}
