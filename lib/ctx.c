/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference counting, logging, clock, backend choice. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "libeeh-private.h"

static void log_stderr(struct eeh_ctx *ctx, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	fputs("libeeh: ", stderr);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

void eeh_log(struct eeh_ctx *ctx, int prio, const char *file, int line, const char *fn,
	     const char *fmt, ...)
{
	va_list args;

	if (!ctx->log_fn)
		return;
	va_start(args, fmt);
	ctx->log_fn(ctx, prio, file, line, fn, fmt, args);
	va_end(args);
}

static int log_priority_from_string(const char *s)
{
	static const struct {
		const char *name;
		int prio;
	} names[] = { { "emerg", LOG_EMERG },	  { "alert", LOG_ALERT },   { "crit", LOG_CRIT },
		      { "err", LOG_ERR },	  { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
		      { "info", LOG_INFO },	  { "debug", LOG_DEBUG } };
	char *end;
	long v = strtol(s, &end, 10);

	if (end != s && *end == '\0' && v >= 0 && v <= 7)
		return (int)v;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].prio;
	return LOG_ERR;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct eeh_ctx *ctx_alloc(void)
{
	struct eeh_ctx *ctx = calloc(1, sizeof(*ctx));
	const char *env;

	if (!ctx)
		return NULL;
	ctx->refcount = 1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = LOG_ERR;
	env = secure_getenv("EEH_LOG");
	if (env)
		ctx->log_priority = log_priority_from_string(env);
	ctx->clock.mode = EEH_CLOCK_VIRTUAL;
	ctx->max_freezes = EEH_DEFAULT_MAX_FREEZES;
	ctx->eeh_enabled = true;
	ctx->image_lock_fd = -1;
	env = secure_getenv("EEH_ROOT");
	if (env && *env && strcmp(env, "/") != 0)
		ctx->sysroot = strdup(env);
	model_init(&ctx->model);
	return ctx;
}

void ctx_set_backend(struct eeh_ctx *ctx, const struct eeh_backend_ops *ops, void *data)
{
	ctx->ops = ops;
	ctx->backend = data;
}

EEH_EXPORT struct eeh_ctx *eeh_ref(struct eeh_ctx *ctx)
{
	if (ctx)
		atomic_fetch_add(&ctx->refcount, 1);
	return ctx;
}

EEH_EXPORT struct eeh_ctx *eeh_unref(struct eeh_ctx *ctx)
{
	if (!ctx || atomic_fetch_sub(&ctx->refcount, 1) > 1)
		return NULL;
	if (ctx->ops && ctx->ops->destroy)
		ctx->ops->destroy(ctx);
	model_free(&ctx->model);
	if (ctx->image_lock_fd >= 0)
		close(ctx->image_lock_fd); /* releases the image lock */
	free(ctx->image_path);
	free(ctx->sysroot);
	free(ctx);
	return NULL;
}

EEH_EXPORT const char *eeh_backend_name(struct eeh_ctx *ctx)
{
	return ctx->ops ? ctx->ops->name : "none";
}

EEH_EXPORT void eeh_set_log_fn(struct eeh_ctx *ctx, eeh_log_fn fn)
{
	ctx->log_fn = fn;
}

EEH_EXPORT void eeh_set_log_priority(struct eeh_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

EEH_EXPORT int eeh_get_log_priority(struct eeh_ctx *ctx)
{
	return ctx->log_priority;
}

EEH_EXPORT void eeh_set_userdata(struct eeh_ctx *ctx, void *data)
{
	ctx->userdata = data;
}

EEH_EXPORT void *eeh_get_userdata(struct eeh_ctx *ctx)
{
	return ctx->userdata;
}

EEH_EXPORT int eeh_set_max_freezes(struct eeh_ctx *ctx, unsigned int max)
{
	ctx->max_freezes = max;
	return 0;
}

EEH_EXPORT unsigned int eeh_get_max_freezes(struct eeh_ctx *ctx)
{
	return ctx->max_freezes;
}

EEH_EXPORT void eeh_set_enabled(struct eeh_ctx *ctx, bool enabled)
{
	ctx->eeh_enabled = enabled;
}

EEH_EXPORT bool eeh_get_enabled(struct eeh_ctx *ctx)
{
	return ctx->eeh_enabled;
}

/* ---- clock ---- */

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
	if (ctx->clock.mode != EEH_CLOCK_VIRTUAL)
		return -EINVAL;
	atomic_fetch_add(&ctx->clock.virt_us, us);
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

/* ---- construction ---- */

static bool host_has_eeh(void)
{
	char line[128] = "";
	FILE *f = fopen("/proc/powerpc/eeh", "re");

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "EEH Subsystem is enabled") != NULL;
}

EEH_EXPORT int eeh_new(struct eeh_ctx **out)
{
	const char *backend = secure_getenv("EEH_BACKEND");
	const char *image = secure_getenv("EEH_IMAGE");
	const char *topology = secure_getenv("EEH_TOPOLOGY");

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (backend && strcmp(backend, "sim") != 0) {
		/* EEH_BACKEND=host: the real host, or the tree under $EEH_ROOT;
		 * without EEH its ops say what is missing. */
		if (strcmp(backend, "host") == 0)
			return eeh_new_host(NULL, out);
		return -EINVAL;
	}
	if (!backend && !(image && *image) && !(topology && *topology) && host_has_eeh())
		return eeh_new_host(NULL, out);
	if (image && *image)
		return eeh_new_sim_image(image, topology, out);
	return eeh_new_sim(topology && *topology ? topology : NULL, out);
}

int parse_bdf(const char *s, unsigned int *domain, unsigned int *bus, unsigned int *devfn)
{
	unsigned int d = 0, b, dev, fn;
	int n = -1;

	if (sscanf(s, "%x:%x:%x.%x%n", &d, &b, &dev, &fn, &n) == 4 && n > 0 && s[n] == '\0')
		goto ok;
	d = 0;
	n = -1;
	if (sscanf(s, "%x:%x.%x%n", &b, &dev, &fn, &n) == 3 && n > 0 && s[n] == '\0')
		goto ok;
	return -EINVAL;
ok:
	if (d > 0xffff || b > 0xff || dev > 0x1f || fn > 7 || !isxdigit((unsigned char)s[0]))
		return -EINVAL;
	*domain = d;
	*bus = b;
	*devfn = (dev << 3) | fn;
	return 0;
}
