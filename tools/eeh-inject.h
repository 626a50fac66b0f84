/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eeh-inject commands that live in files of their own (tools/eeh-inject-*.c). */
#ifndef EEH_EEH_INJECT_H
#define EEH_EEH_INJECT_H

#include "cli.h"

extern const struct cli_command inject_campaign; /* tools/eeh-inject-campaign.c */
extern const struct cli_command inject_scenario; /* tools/eeh-inject-scenario.c */
extern const struct cli_command inject_merge;    /* tools/eeh-inject-merge.c */

#endif
