/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The differential test, fake-kernel side: the scenario of
 * tests/vm/scenario.c against the fake kernel, on a fake sysfs tree laid
 * out as the VM tier's QEMU machine (q35, intel-iommu, each function
 * behind its own PCIe root port, two functions sharing one group). Its
 * transcript must equal tests/vm/scenario.expected, which is what a real
 * Linux 6.12 kernel answered; 'make check-vm' checks the real side.
 *
 *   test-differential            the CUnit suite
 *   test-differential --print    print the fake kernel's transcript
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake-kernel.h"
#include "gen-sysfs.h"
#include "test-util.h"
#include "vm/scenario.h"

/* The VM tier's machine (tests/vm/run-vm.sh): root ports 00:10.0-00:12.0,
 * e1000e functions below them. Groups as intel-iommu made them there. */
static const struct gs_func machine[] = {
	{ .bdf = "0000:00:10.0", .vendor = 0x1b36, .device = 0x000c, .class_code = 0x060400,
	  .bridge = true, .group = 1, .pe = -1 },
	{ .bdf = "0000:00:11.0", .vendor = 0x1b36, .device = 0x000c, .class_code = 0x060400,
	  .bridge = true, .group = 2, .pe = -1 },
	{ .bdf = "0000:00:12.0", .vendor = 0x1b36, .device = 0x000c, .class_code = 0x060400,
	  .bridge = true, .group = 3, .pe = -1 },
	{ .bdf = "0000:01:00.0", .parent = "0000:00:10.0", .vendor = 0x8086, .device = 0x10d3,
	  .class_code = 0x020000, .group = 7, .pe = -1 },
	{ .bdf = "0000:02:00.0", .parent = "0000:00:11.0", .vendor = 0x8086, .device = 0x10d3,
	  .class_code = 0x020000, .group = 8, .pe = -1 },
	{ .bdf = "0000:03:00.0", .parent = "0000:00:12.0", .vendor = 0x8086, .device = 0x10d3,
	  .class_code = 0x020000, .multifunction = true, .group = 9, .pe = -1 },
	{ .bdf = "0000:03:00.1", .parent = "0000:00:12.0", .vendor = 0x8086, .device = 0x10d3,
	  .class_code = 0x020000, .multifunction = true, .group = 9, .pe = -1 },
};

struct setup {
	char root[64];
	struct fake_kernel *fk;
	struct eeh_ctx *ctx;
};

static int setup(struct setup *s)
{
	static const int groups[] = { 7, 8, 9, 9 }, buses[] = { 1, 2, 3, 3 };

	snprintf(s->root, sizeof(s->root), "/tmp/eeh-diff-XXXXXX");
	if (!mkdtemp(s->root) || gs_write_host(s->root, machine, ARRAY_SIZE(machine), 0))
		return -EIO;
	s->fk = fake_new();
	s->fk->mode = FAKE_TYPE1;
	s->fk->eeh_enabled = false;
	s->fk->root = s->root;
	for (unsigned int i = 0; i < 4; i++) {
		fake_add_cdev(s->fk, i, groups[i]);
		s->fk->cdev[i].iommu = FAKE_IOMMU_VTD;
		s->fk->cdev[i].bus = buses[i];
	}
	if (eeh_new_host(s->root, &s->ctx))
		return -EIO;
	fake_install(s->fk, s->ctx);
	return 0;
}

static void teardown(struct setup *s)
{
	eeh_unref(s->ctx);
	fake_free(s->fk);
	gs_rmtree(s->root);
}

static int f_open(void *data, const char *path)
{
	return fake_open(data, path);
}

static int f_close(void *data, int fd)
{
	return fake_close(data, fd);
}

static int f_ioctl(void *data, int fd, unsigned long req, void *arg)
{
	return fake_ioctl(data, fd, req, arg);
}

static int transcript(FILE *out, struct setup *s)
{
	struct scen_env e = {
		.ctx = s->ctx,
		.cdev_a = "/dev/vfio/devices/vfio0",
		.cdev_b = "/dev/vfio/devices/vfio1",
		.cdev_c0 = "/dev/vfio/devices/vfio2",
		.cdev_c1 = "/dev/vfio/devices/vfio3",
		.open = f_open,
		.close = f_close,
		.ioctl = f_ioctl,
		.data = s->fk,
		.out = out,
	};

	return scen_run(&e);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Line by line, so a failure names the first step that differs. */
static void fake_kernel_answers_as_the_real_one(void)
{
	const char *srcdir = getenv("top_srcdir");
	char path[512], *got = NULL, *want, *g, *w;
	size_t len = 0;
	struct setup s;
	FILE *out;

	CU_ASSERT_EQUAL_FATAL(setup(&s), 0);
	out = open_memstream(&got, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT(transcript(out, &s) > 40);
	fclose(out);
	teardown(&s);
	snprintf(path, sizeof(path), "%s/tests/vm/scenario.expected", srcdir ? srcdir : ".");
	want = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	g = got;
	w = want;
	while (*g || *w) {
		size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");

		if (gl != wl || strncmp(g, w, gl)) {
			fprintf(stderr, "\nfake:  %.*s\nkernel: %.*s\n", (int)gl, g, (int)wl, w);
			CU_FAIL("the fake kernel answered differently");
			break;
		}
		g += gl + (g[gl] == '\n');
		w += wl + (w[wl] == '\n');
	}
	free(got);
	free(want);
}

int main(int argc, char **argv)
{
	static const struct test tests[] = {
		TEST(fake_kernel_answers_as_the_real_one),
	};

	if (argc > 1 && !strcmp(argv[1], "--print")) {
		struct setup s;

		if (setup(&s))
			return 1;
		transcript(stdout, &s);
		teardown(&s);
		return 0;
	}
	return RUN_SUITE("differential", tests);
}
