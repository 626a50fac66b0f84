/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library clock: virtual (tests, simulations) or the monotonic clock. */
#include <time.h>

#include "libeeh-private.h"

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

EEH_EXPORT int eeh_clock_set_mode(struct eeh_ctx *ctx, enum eeh_clock_mode mode)
{
	if (mode != EEH_CLOCK_VIRTUAL && mode != EEH_CLOCK_REAL)
		return -EINVAL;
	if (mode == EEH_CLOCK_REAL && ctx->clock.mode != EEH_CLOCK_REAL)
		/* Continue from the current virtual time so deadlines stay valid. */
		ctx->clock.real_base_ns = monotonic_ns() - ctx->clock.virt_us * 1000ULL;
	else if (mode == EEH_CLOCK_VIRTUAL && ctx->clock.mode == EEH_CLOCK_REAL)
		ctx->clock.virt_us = eeh_clock_now_us(ctx);
	ctx->clock.mode = mode;
	return 0;
}

EEH_EXPORT enum eeh_clock_mode eeh_clock_get_mode(struct eeh_ctx *ctx)
{
	return ctx->clock.mode;
}

EEH_EXPORT uint64_t eeh_clock_now_us(struct eeh_ctx *ctx)
{
	if (ctx->clock.mode == EEH_CLOCK_REAL)
		return (monotonic_ns() - ctx->clock.real_base_ns) / 1000ULL;
	return atomic_load(&ctx->clock.virt_us);
}

EEH_EXPORT int eeh_clock_advance(struct eeh_ctx *ctx, uint64_t us)
{
	uint64_t now;

	if (ctx->clock.mode != EEH_CLOCK_VIRTUAL)
		return -EINVAL;
	/* Refused, not wrapped: the deadlines derived from the clock (reset
	 * hold, settle, freeze window) keep room above it in 64 bits. */
	now = atomic_load(&ctx->clock.virt_us);
	do {
		if (us > EEH_CLOCK_MAX_US || now > EEH_CLOCK_MAX_US - us)
			return -EOVERFLOW;
	} while (!atomic_compare_exchange_weak(&ctx->clock.virt_us, &now, now + us));
	return 0;
}

EEH_EXPORT void eeh_clock_sleep(struct eeh_ctx *ctx, uint64_t us)
{
	struct timespec ts;

	if (ctx->clock.mode == EEH_CLOCK_VIRTUAL) {
		atomic_fetch_add(&ctx->clock.virt_us, us);
		return;
	}
	ts.tv_sec = (time_t)(us / 1000000ULL);
	ts.tv_nsec = (long)(us % 1000000ULL) * 1000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
