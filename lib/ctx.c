/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference counting, logging, settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	/* An image this context created and never saved goes again, still
	 * under the lock: a failed first command leaves no file behind. */
	if (ctx->image_created && !ctx->image_saved && ctx->image_path)
		unlink(ctx->image_path);
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
