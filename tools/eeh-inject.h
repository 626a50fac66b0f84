/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The eeh-inject commands that live in files of their own (tools/eeh-inject-*.c). */
#ifndef EEH_EEH_INJECT_H
#define EEH_EEH_INJECT_H

#include "cli.h"

extern const struct cli_command inject_campaign; /* tools/eeh-inject-campaign.c */
extern const struct cli_command inject_scenario; /* tools/eeh-inject-scenario.c */
extern const struct cli_command inject_merge;    /* tools/eeh-inject-merge.c */
extern const struct cli_command inject_report;   /* tools/eeh-inject-report.c */

/* Pictures of a JSON report (tools/eeh-inject-report.c): 0 or -EIO. */
int report_html(json_object *doc, FILE *out);
int report_trace(json_object *doc, FILE *out);
/* Write doc with fn to path ('-': stdout); prints the error, returns -1. */
int report_write(const char *path, json_object *doc, int (*fn)(json_object *, FILE *));

#endif
