/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one thin layer every kernel-touching system call goes through
 * (open, close, ioctl, read, write, readlink, stat of sysfs, debugfs,
 * procfs and device nodes). Absolute paths are resolved under the
 * context's root directory, and tests can replace the calls themselves
 * with an in-process fake kernel (eeh_set_syscalls()).
 */
#ifndef EEH_SYS_H
#define EEH_SYS_H

#include <sys/stat.h>
#include <sys/types.h>

#include "libeeh-private.h"

int sys_open(struct eeh_ctx *ctx, const char *path, int flags, mode_t mode);
int sys_close(struct eeh_ctx *ctx, int fd);
/* Returns the ioctl's result (>= 0) or -errno. */
int sys_ioctl(struct eeh_ctx *ctx, int fd, unsigned long request, void *arg);
ssize_t sys_read(struct eeh_ctx *ctx, int fd, void *buf, size_t len);
ssize_t sys_write(struct eeh_ctx *ctx, int fd, const void *buf, size_t len);
int sys_fstat(struct eeh_ctx *ctx, int fd, struct stat *st);
int sys_stat(struct eeh_ctx *ctx, const char *path, struct stat *st);
ssize_t sys_readlink(struct eeh_ctx *ctx, const char *path, char *buf, size_t len);
/* Read a small text file whole (NUL-terminated); returns length or -errno. */
ssize_t sys_read_file(struct eeh_ctx *ctx, const char *path, char *buf, size_t len);
/* Write a string to a file (sysfs/debugfs style); returns 0 or -errno. */
int sys_write_file(struct eeh_ctx *ctx, const char *path, const char *text);
/* path under the root directory, in buf; returns buf or NULL if too long. */
const char *sys_path(struct eeh_ctx *ctx, const char *path, char *buf, size_t len);

#endif
