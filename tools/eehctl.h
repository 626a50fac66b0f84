/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eehctl commands that live in files of their own (tools/eehctl-*.c). */
#ifndef EEH_EEHCTL_H
#define EEH_EEHCTL_H

#include "cli.h"

extern const struct cli_command eehctl_capture; /* tools/eehctl-capture.c */
extern const struct cli_command eehctl_ioas;    /* tools/eehctl-ioas.c */
extern const struct cli_command eehctl_dma;     /* tools/eehctl-dma.c */

#endif
