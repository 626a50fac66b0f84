/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Simulator images: the input is an image (JSON text) up to its first NUL
 * byte, then operations run on the host it holds (injections, freezes,
 * fences, PE ops, firmware calls, device traffic, recovery, clock moves,
 * adapter replacement). The image loads or is refused with -EINVAL; then
 * the state the operations leave is saved with eeh_save_image() and must
 * load again and round-trip (fuzz-roundtrip.h).
 */
#include <errno.h>

#include <linux/vfio.h>

#include "fuzz-roundtrip.h"

#define MAX_OPS 64
#define MAX_PES 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static unsigned int collect_pes(struct eeh_ctx *ctx, struct eeh_pe **pes)
{
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	unsigned int n = 0;

	eeh_phb_foreach(ctx, phb)
		eeh_pe_foreach(phb, pe)
			if (n < MAX_PES)
				pes[n++] = pe;
	return n;
}

static void traffic(struct eeh_pe *pe, unsigned int kind)
{
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t v, addr, size;
	uint32_t c;

	if (!f)
		return;
	switch (kind % 4) {
	case 0:
		eeh_func_mmio_read(f, 0, 0, 4, &v);
		break;
	case 1:
		eeh_func_mmio_write(f, 0, 8, 8, 0x1234);
		break;
	case 2:
		eeh_func_cfg_read(f, 0, 4, &c);
		break;
	default:
		if (eeh_func_bar(f, 0, &addr, &size, NULL) == 0)
			eeh_func_dma(f, kind & 4, addr, 64);
		break;
	}
}

static void recover(struct eeh_ctx *ctx, struct eeh_pe *pe)
{
	struct eeh_recovery_result res = { .size = sizeof(res) };
	struct eeh_recovery *rec;

	if (eeh_recovery_new(ctx, &rec))
		return;
	eeh_recovery_run(rec, pe, &res);
	eeh_recovery_free(rec);
}

static void inject_at_bar(struct eeh_pe *pe, unsigned int type, unsigned int func)
{
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t addr = 0, size;

	if (f && eeh_func_bar(f, 0, &addr, &size, NULL) == 0)
		eeh_inject_ioa(pe, type, func, addr, ~0ULL);
}

static void run_op(struct eeh_ctx *ctx, struct eeh_pe *pe, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in), arg = fuzz_u8(in);

	switch (op % 12) {
	case 0:
		eeh_inject_ioa(pe, arg & 1, (arg >> 1) % 20, 0, 0);
		break;
	case 1:
		inject_at_bar(pe, arg & 1, (arg >> 1) % 20);
		break;
	case 2:
		eeh_inject_freeze(pe);
		break;
	case 3:
		eeh_inject_fence(eeh_pe_phb(pe));
		break;
	case 4:
		eeh_pe_op_simple(pe, arg % 8);
		break;
	case 5:
		eeh_sim_papr_call(pe, arg % 5);
		break;
	case 6: /* waits, and now and then a clock near its end */
		eeh_clock_advance(ctx, arg < 250 ? 50000ULL * arg : (uint64_t)arg << 55);
		break;
	case 7:
		eeh_set_max_freezes(ctx, arg % 4);
		break;
	case 8:
		eeh_sim_replace_pe(pe);
		break;
	case 9:
		traffic(pe, arg);
		break;
	case 10:
		recover(ctx, pe);
		break;
	default:
		eeh_set_enabled(ctx, arg & 1);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t json_len = nul ? (size_t)(nul - data) : size;
	struct fuzz_in in = { nul ? nul + 1 : data + size, nul ? size - json_len - 1 : 0 };
	struct eeh_pe *pes[MAX_PES];
	struct eeh_ctx *ctx = NULL;
	const char *path;
	unsigned int npes;
	int r;

	path = fuzz_write_file("image.json", data, json_len);
	FUZZ_CHECK(path);
	r = eeh_new_sim_image(path, NULL, &ctx);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r)
		return 0;
	/* A PHB may have no PE: then there is nothing to operate on. */
	npes = collect_pes(ctx, pes);
	for (unsigned int i = 0; npes && i < MAX_OPS && in.left; i++)
		run_op(ctx, pes[fuzz_u8(&in) % npes], &in);
	FUZZ_CHECK(eeh_save_image(ctx) == 0);
	eeh_unref(ctx);
	/* The image as saved opens again, and round-trips. */
	r = eeh_new_sim_image(path, NULL, &ctx);
	if (r) {
		size_t len;
		char *text = fuzz_slurp(path, &len);

		fprintf(stderr, "eeh_new_sim_image refuses the image it saved (%d):\n%s\n", r, text);
		free(text);
	}
	FUZZ_CHECK(r == 0);
	fuzz_round_trip(ctx);
	eeh_unref(ctx);
	return 0;
}
