/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The POWER9-like fixture host (see fixture-power9.h).
 *
 * PHB 0 (domain 0000): root ports 00:00.0 and 00:01.0 (no IOMMU group, no
 *   EEH attributes);
 *   - PE 2, group 1: a dual-function NIC 01:00.0/01:00.1 (BAR 0, and BAR 3
 *     on function 0);
 *   - PE 3, group 2: a switch, upstream port 02:00.0 (a 32-bit BAR) and
 *     downstream ports 03:00.0 and 03:01.0, one bus PE;
 *   - PE 4, group 3: NVMe 04:00.0 below 03:00.0, and PE 5, group 4: NVMe
 *     05:00.0 below 03:01.0, both children of PE 3.
 * PHB 1 (domain 0001): root ports 00:00.0 and 00:01.0;
 *   - PE 2, group 5: an SR-IOV PF 01:00.0 below 00:00.0;
 *   - PE 3, group 6 and PE 4, group 7: its VFs 01:00.2 and 01:00.3;
 *   - PE 5, group 8: a SAS adapter 02:00.0 below 00:01.0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture-power9.h"

#define MEM64P (GS_MEM | GS_MEM64 | GS_PREFETCH)

const struct gs_func power9[] = {
	{ .bdf = "0000:00:00.0", .vendor = 0x1014, .device = 0x04c1, .class_code = 0x060400,
	  .bridge = true, .group = -1, .pe = -1 },
	{ .bdf = "0000:00:01.0", .vendor = 0x1014, .device = 0x04c1, .class_code = 0x060400,
	  .bridge = true, .group = -1, .pe = -1 },
	{ .bdf = "0000:01:00.0", .parent = "0000:00:00.0", .vendor = 0x8086, .device = 0x1572,
	  .class_code = 0x020000, .multifunction = true, .group = 1, .pe = 2,
	  .bar = { { 0x600c000000000ULL, 0x800000, MEM64P }, {0}, {0},
		   { 0x600c001000000ULL, 0x8000, MEM64P } } },
	{ .bdf = "0000:01:00.1", .parent = "0000:00:00.0", .vendor = 0x8086, .device = 0x1572,
	  .class_code = 0x020000, .multifunction = true, .group = 1, .pe = 2,
	  .bar = { { 0x600c000800000ULL, 0x800000, MEM64P } } },
	{ .bdf = "0000:02:00.0", .parent = "0000:00:01.0", .vendor = 0x10b5, .device = 0x8725,
	  .class_code = 0x060400, .bridge = true, .group = 2, .pe = 3,
	  .bar = { { 0x3fe000000, 0x40000, GS_MEM } } },
	{ .bdf = "0000:03:00.0", .parent = "0000:02:00.0", .vendor = 0x10b5, .device = 0x8725,
	  .class_code = 0x060400, .bridge = true, .group = 2, .pe = 3 },
	{ .bdf = "0000:03:01.0", .parent = "0000:02:00.0", .vendor = 0x10b5, .device = 0x8725,
	  .class_code = 0x060400, .bridge = true, .group = 2, .pe = 3 },
	{ .bdf = "0000:04:00.0", .parent = "0000:03:00.0", .vendor = 0x144d, .device = 0xa808,
	  .class_code = 0x010802, .group = 3, .pe = 4,
	  .bar = { { 0x600c100000000ULL, 0x4000, GS_MEM | GS_MEM64 } } },
	{ .bdf = "0000:05:00.0", .parent = "0000:03:01.0", .vendor = 0x144d, .device = 0xa808,
	  .class_code = 0x010802, .group = 4, .pe = 5,
	  .bar = { { 0x600c200000000ULL, 0x4000, GS_MEM | GS_MEM64 } } },
	{ .bdf = "0001:00:00.0", .vendor = 0x1014, .device = 0x04c1, .class_code = 0x060400,
	  .bridge = true, .group = -1, .pe = -1 },
	{ .bdf = "0001:00:01.0", .vendor = 0x1014, .device = 0x04c1, .class_code = 0x060400,
	  .bridge = true, .group = -1, .pe = -1 },
	{ .bdf = "0001:01:00.0", .parent = "0001:00:00.0", .vendor = 0x15b3, .device = 0x1019,
	  .class_code = 0x020000, .group = 5, .pe = 2,
	  .bar = { { 0x6010000000000ULL, 0x2000000, MEM64P } } },
	{ .bdf = "0001:01:00.2", .physfn = "0001:01:00.0", .vendor = 0x15b3, .device = 0x101a,
	  .class_code = 0x020000, .group = 6, .pe = 3,
	  .bar = { { 0x6010002000000ULL, 0x100000, MEM64P } } },
	{ .bdf = "0001:01:00.3", .physfn = "0001:01:00.0", .vendor = 0x15b3, .device = 0x101a,
	  .class_code = 0x020000, .group = 7, .pe = 4,
	  .bar = { { 0x6010002100000ULL, 0x100000, MEM64P } } },
	{ .bdf = "0001:02:00.0", .parent = "0001:00:01.0", .vendor = 0x1014, .device = 0x034a,
	  .class_code = 0x010400, .group = 8, .pe = 5,
	  .bar = { { 0x3fe800000, 0x40000, GS_MEM }, {0},
		   { 0x6010010000000ULL, 0x40000, GS_MEM | GS_MEM64 } } },
};

size_t power9_index(const char *bdf)
{
	long i = gs_func_index(power9, NPOWER9, bdf);

	if (i < 0) {
		fprintf(stderr, "fixture-power9: no function %s\n", bdf);
		abort();
	}
	return (size_t)i;
}
