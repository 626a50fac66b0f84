/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sys.h"

const char *sys_path(struct eeh_ctx *ctx, const char *path, char *buf, size_t len)
{
	int n;

	if (!ctx->sysroot || path[0] != '/')
		n = snprintf(buf, len, "%s", path);
	else
		n = snprintf(buf, len, "%s%s", ctx->sysroot, path);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/* A call a signal interrupted (EINTR) is made again, in the kernel's
 * stead (hooks) as for the kernel: callers never see -EINTR. close() is
 * the exception: Linux has released the fd even then. */

int sys_open(struct eeh_ctx *ctx, const char *path, int flags, mode_t mode)
{
	char p[4096];
	int fd;

	if (ctx->sys && ctx->sys->open) {
		do
			fd = ctx->sys->open(ctx->sys_data, path, flags, (unsigned int)mode);
		while (fd == -EINTR);
		return fd;
	}
	if (!sys_path(ctx, path, p, sizeof(p)))
		return -ENAMETOOLONG;
	do
		fd = open(p, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int sys_close(struct eeh_ctx *ctx, int fd)
{
	if (ctx->sys && ctx->sys->close)
		return ctx->sys->close(ctx->sys_data, fd);
	return close(fd) < 0 ? -errno : 0;
}

int sys_ioctl(struct eeh_ctx *ctx, int fd, unsigned long request, void *arg)
{
	int r;

	if (ctx->sys && ctx->sys->ioctl) {
		do
			r = ctx->sys->ioctl(ctx->sys_data, fd, request, arg);
		while (r == -EINTR);
		return r;
	}
	do
		r = ioctl(fd, request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t sys_read(struct eeh_ctx *ctx, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (ctx->sys && ctx->sys->read) {
		do
			n = (ssize_t)ctx->sys->read(ctx->sys_data, fd, buf, len);
		while (n == -EINTR);
		return n;
	}
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t sys_write(struct eeh_ctx *ctx, int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (ctx->sys && ctx->sys->write) {
		do
			n = (ssize_t)ctx->sys->write(ctx->sys_data, fd, buf, len);
		while (n == -EINTR);
		return n;
	}
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int sys_fstat(struct eeh_ctx *ctx, int fd, struct stat *st)
{
	int r;

	if (ctx->sys && ctx->sys->fstat) {
		do
			r = ctx->sys->fstat(ctx->sys_data, fd, st);
		while (r == -EINTR);
		return r;
	}
	return fstat(fd, st) < 0 ? -errno : 0;
}

int sys_stat(struct eeh_ctx *ctx, const char *path, struct stat *st)
{
	char p[4096];
	int r;

	if (ctx->sys && ctx->sys->stat) {
		do
			r = ctx->sys->stat(ctx->sys_data, path, st);
		while (r == -EINTR);
		return r;
	}
	if (!sys_path(ctx, path, p, sizeof(p)))
		return -ENAMETOOLONG;
	return stat(p, st) < 0 ? -errno : 0;
}

ssize_t sys_readlink(struct eeh_ctx *ctx, const char *path, char *buf, size_t len)
{
	char p[4096];
	ssize_t n;

	if (ctx->sys && ctx->sys->readlink) {
		do
			n = (ssize_t)ctx->sys->readlink(ctx->sys_data, path, buf, len);
		while (n == -EINTR);
		return n;
	}
	if (!sys_path(ctx, path, p, sizeof(p)))
		return -ENAMETOOLONG;
	n = readlink(p, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

ssize_t sys_read_file(struct eeh_ctx *ctx, const char *path, char *buf, size_t len)
{
	int fd = sys_open(ctx, path, O_RDONLY, 0);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = sys_read(ctx, fd, buf, len - 1);
	sys_close(ctx, fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

int sys_write_file(struct eeh_ctx *ctx, const char *path, const char *text)
{
	int fd = sys_open(ctx, path, O_WRONLY, 0);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = sys_write(ctx, fd, text, len);
	sys_close(ctx, fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

EEH_EXPORT int eeh_set_syscalls(struct eeh_ctx *ctx, const struct eeh_syscalls *ops, void *data)
{
	if (!ctx || (ops && !struct_size_ok(ops, EEH_V1_SIZE(eeh_syscalls, readlink))))
		return -EINVAL;
	ctx->sys = ops;
	ctx->sys_data = data;
	return 0;
}

EEH_EXPORT int eeh_set_root(struct eeh_ctx *ctx, const char *dir)
{
	char *copy = NULL;

	if (!ctx)
		return -EINVAL;
	if (dir && *dir) {
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
		/* "/" and "" mean the real root. */
		if (!strcmp(copy, "/"))
			copy[0] = '\0';
	}
	free(ctx->sysroot);
	ctx->sysroot = copy && *copy ? copy : (free(copy), NULL);
	return 0;
}

EEH_EXPORT const char *eeh_get_root(struct eeh_ctx *ctx)
{
	return ctx->sysroot ? ctx->sysroot : "/";
}
