/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Topology and image files: errors name the problem, nothing half loads,
 * and what is saved loads back the same. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "test-util.h"

/* Load json; expect failure with a log line containing want. */
static void expect_rejected(const char *json, const char *want)
{
	struct eeh_ctx *ctx = (struct eeh_ctx *)1;
	FILE *f = tmpfile();
	char *text = NULL;
	size_t len = 0;
	int r, saved = dup(2);

	/* Construction errors go to the default log function, stderr:
	 * route it to a file to read the message. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	dup2(fileno(f), 2);
	setenv("EEH_LOG", "err", 1);
	r = eeh_new_sim_json(json, &ctx);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CU_ASSERT_EQUAL(r, -EINVAL);
	CU_ASSERT_PTR_NULL(ctx);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	CU_ASSERT_EQUAL(fread(text, 1, len, f), len);
	if (!strstr(text, want))
		fprintf(stdout, "\n    wanted \"%s\" in \"%s\"\n", want, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
	free(text);
	fclose(f);
}

#define PHB(pes) "{\"phbs\":[{\"index\":0,\"buid\":\"0x10\",\"pes\":[" pes "]}]}"
#define FUNC(bdf) "{\"bdf\":\"" bdf "\",\"vendor\":1,\"device\":2}"
#define PE(n, grp, funcs) "{\"number\":" #n ",\"type\":\"device\",\"group\":" #grp \
	",\"functions\":[" funcs "]}"

static void malformed_files_are_rejected_with_the_reason(void)
{
	expect_rejected("{\"phbs\": [", "not valid JSON");
	expect_rejected("[]", "the top level must be an object");
	expect_rejected("{}", "missing \"phbs\"");
	expect_rejected("{\"phbs\":[]}", "\"phbs\" is empty");
	expect_rejected("{\"format\":\"v9\",\"phbs\":[]}", "unknown format");
	expect_rejected("{\"format\":null,\"phbs\":[]}", "unknown format \"null\"");
	expect_rejected(PHB("{\"number\":1,\"type\":null,\"group\":1,\"functions\":[]}"),
			"phbs[0].pes[0]: missing \"type\"");
	expect_rejected("{\"phbs\":[{\"index\":0,\"pes\":[]}]}", "phbs[0]: missing \"buid\"");
	expect_rejected(PHB(PE(1, 1, FUNC("0000:01:00"))),
			"phbs[0].pes[0].functions[0].bdf: expected DDDD:BB:DD.F, got \"0000:01:00\"");
	expect_rejected(PHB(PE(1, 1, FUNC("0000:01:00.0")) "," PE(2, 1, FUNC("0000:02:00.0"))),
			"phbs[0].pes[1]: IOMMU group 1 already belongs to another PE");
	expect_rejected(PHB(PE(1, 1, FUNC("0000:01:00.0")) "," PE(1, 2, FUNC("0000:02:00.0"))),
			"PE number 0x1 is listed twice");
	expect_rejected(PHB(PE(1, 1, FUNC("0000:01:00.0") "," FUNC("0000:01:00.0"))),
			"function 0000:01:00.0 is listed twice");
	expect_rejected(PHB(PE(1, 1, FUNC("0001:01:00.0"))), "is not in domain 0000 of its PHB");
	expect_rejected(PHB(PE(1, 1, )), "a PE needs at least one function");
	expect_rejected(PHB("{\"number\":1,\"type\":\"blob\",\"group\":1,\"functions\":[]}"),
			"unknown PE type \"blob\"");
	expect_rejected(PHB("{\"number\":2,\"type\":\"device\",\"group\":1,\"parent\":7,"
			    "\"functions\":[" FUNC("0000:01:00.0") "]}"),
			"parent PE 0x7 must be listed earlier");
	expect_rejected(PHB("{\"number\":2,\"type\":\"vf\",\"group\":1,\"functions\":["
			    FUNC("0000:01:00.0") "]}"),
			"function 0000:01:00.0 of a VF PE needs \"physfn\"");
	expect_rejected(PHB(PE(1, 1, "{\"bdf\":\"0000:01:00.0\",\"vendor\":\"0x1ffff\",\"device\":2}")),
			"functions[0].vendor: value 0x1ffff is larger than 0xffff");
	expect_rejected(PHB(PE(1, 1, "{\"bdf\":\"0000:01:00.0\",\"vendor\":1,\"device\":2,"
				     "\"bars\":[{\"bar\":0,\"addr\":\"0x1800\",\"size\":\"0x1000\"}]}")),
			"bars[0]: address 0x1800 is not aligned to its size");
	expect_rejected(PHB(PE(1, 1, "{\"bdf\":\"0000:01:00.0\",\"vendor\":1,\"device\":2,"
				     "\"bars\":[{\"bar\":5,\"addr\":0,\"size\":16,\"flags\":[\"mem64\"]}]}")),
			"a 64-bit BAR needs the next BAR slot free");
	expect_rejected(PHB(PE(1, 1, "{\"bdf\":\"0000:01:00.0\",\"vendor\":1,\"device\":2,"
				     "\"bars\":[{\"bar\":0,\"addr\":0,\"size\":24}]}")),
			"size 0x18 is not a power of two");
	expect_rejected("{\"phbs\":[{\"index\":0,\"buid\":1,\"pes\":[]},"
			"{\"index\":1,\"buid\":1,\"pes\":[]}]}",
			"phbs[1]: PHB index, BUID or domain is used twice");
}

static struct eeh_ctx *save_and_load(struct eeh_ctx *ctx);

/* A topology holds CPU addresses (sysfs resource): a POWER host's 32-bit
 * BARs sit above 4 GiB there, and a capture of one loads. */
static void a_32bit_bar_above_4g_cpu_address_loads(void)
{
	struct eeh_ctx *ctx = NULL, *back;
	uint64_t addr = 0, size = 0;
	unsigned int flags = 1;
	uint32_t v = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_json(PHB(PE(1, 1,
		"{\"bdf\":\"0000:01:00.0\",\"vendor\":1,\"device\":2,"
		"\"bars\":[{\"bar\":0,\"addr\":\"0x3fe000000\",\"size\":\"0x40000\"}]}")), &ctx), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(eeh_func_bar(eeh_func_by_bdf(ctx, 0, 1, 0), 0, &addr, &size, &flags), 0);
	CU_ASSERT_EQUAL(addr, 0x3fe000000ULL);
	CU_ASSERT_EQUAL(size, 0x40000);
	CU_ASSERT_EQUAL(flags, 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_by_bdf(ctx, 0, 1, 0), 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfe000000);
	back = save_and_load(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(eeh_func_bar(eeh_func_by_bdf(back, 0, 1, 0), 0, &addr, &size, &flags), 0);
	CU_ASSERT_EQUAL(addr, 0x3fe000000ULL);
	eeh_unref(back);
	eeh_unref(ctx);
}

static void missing_file_gives_enoent(void)
{
	struct eeh_ctx *ctx = NULL;

	setenv("EEH_LOG", "emerg", 1);
	CU_ASSERT_EQUAL(eeh_new_sim("/nonexistent/topology.json", &ctx), -ENOENT);
	CU_ASSERT_PTR_NULL(ctx);
}

static void minimal_topology_gets_default_addresses(void)
{
	struct eeh_ctx *ctx = NULL;
	struct eeh_pe *pe;

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_json(PHB(PE(1, 9, FUNC("0000:05:02.1"))), &ctx), 0);
	pe = eeh_pe_by_group(ctx, 9);
	CU_ASSERT_EQUAL(eeh_pe_config_addr(pe), 0x051100);
	CU_ASSERT_EQUAL(eeh_phb_domain(eeh_pe_phb(pe)), 0);
	CU_ASSERT_EQUAL(eeh_get_max_freezes(ctx), 5);
	eeh_unref(ctx);
}

static void saved_topology_loads_back_the_same(void)
{
	char path[] = "/tmp/eeh-topo-XXXXXX";
	struct eeh_ctx *a = builtin_host(), *b = NULL;
	struct eeh_phb *pa, *pb;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(eeh_save_topology(a, path), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim(path, &b), 0);
	for (pa = eeh_phb_first(a), pb = eeh_phb_first(b); pa && pb;
	     pa = eeh_phb_next(pa), pb = eeh_phb_next(pb)) {
		struct eeh_pe *ea, *eb;

		CU_ASSERT_EQUAL(eeh_phb_buid(pa), eeh_phb_buid(pb));
		for (ea = eeh_pe_first(pa), eb = eeh_pe_first(pb); ea && eb;
		     ea = eeh_pe_next(ea), eb = eeh_pe_next(eb)) {
			struct eeh_func *fa = eeh_func_first(ea), *fb = eeh_func_first(eb);

			CU_ASSERT_EQUAL(eeh_pe_config_addr(ea), eeh_pe_config_addr(eb));
			CU_ASSERT_EQUAL(eeh_pe_iommu_group(ea), eeh_pe_iommu_group(eb));
			CU_ASSERT_EQUAL(eeh_pe_type(ea), eeh_pe_type(eb));
			CU_ASSERT_EQUAL(eeh_pe_func_count(ea), eeh_pe_func_count(eb));
			CU_ASSERT_STRING_EQUAL(eeh_func_bdf(fa), eeh_func_bdf(fb));
			for (unsigned int i = 0; i < 6; i++) {
				uint64_t a1 = 0, a2 = 0, s1 = 0, s2 = 0;

				eeh_func_bar(fa, i, &a1, &s1, NULL);
				eeh_func_bar(fb, i, &a2, &s2, NULL);
				CU_ASSERT_EQUAL(a1, a2);
				CU_ASSERT_EQUAL(s1, s2);
			}
		}
		CU_ASSERT_PTR_NULL(ea);
		CU_ASSERT_PTR_NULL(eb);
	}
	CU_ASSERT_PTR_NULL(pa);
	CU_ASSERT_PTR_NULL(pb);
	unlink(path);
	eeh_unref(a);
	eeh_unref(b);
}

static void image_keeps_state_between_contexts_and_is_locked(void)
{
	char dir[] = "/tmp/eeh-img-XXXXXX", image[96];
	struct eeh_ctx *ctx = NULL;
	struct eeh_pe *pe;
	uint32_t v;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/host.json", dir);
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	/* the image file itself is held exclusively while the context lives */
	fd = open(image, O_RDWR);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(flock(fd, LOCK_EX | LOCK_NB), -1);
	pe = eeh_pe_by_group(ctx, 3);
	CU_ASSERT_EQUAL(eeh_func_cfg_write(eeh_func_first(pe), 0x3c, 1, 0x2a), 0);
	CU_ASSERT_EQUAL(pe_inject_err(eeh_pe_by_group(ctx, 4), 0, 16, 0x1000, 0xfffff000), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(eeh_pe_by_group(ctx, 1)), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(eeh_save_image(ctx), 0);
	eeh_unref(ctx);
	CU_ASSERT_EQUAL(flock(fd, LOCK_EX | LOCK_NB), 0);
	flock(fd, LOCK_UN);
	close(fd);

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx), 250 * MS);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_pe_by_group(ctx, 1), VFIO_EEH_PE_GET_STATE), 2);
	/* A freeze is not a recovery: the freeze limit has counted nothing. */
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(eeh_pe_by_group(ctx, 1)), 0);
	pe = eeh_pe_by_group(ctx, 3);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), 1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	/* the written interrupt line was lost in the reset, BARs came back */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x3c, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x83000004);
	/* the armed DMA injection survived and fires on a matching DMA */
	CU_ASSERT_EQUAL(eeh_func_dma(eeh_func_first(eeh_pe_by_group(ctx, 4)), true, 0x1234, 8), -EIO);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_pe_by_group(ctx, 4), VFIO_EEH_PE_GET_STATE), 2);
	eeh_unref(ctx);
	unlink(image);
	rmdir(dir);
}

/* A PE's programmed DMA windows and TCEs survive a save and a load: the
 * default window with TCEs from contiguous memory (one run) and a lone
 * read-only one, and a 64 KiB-page DDW; DMA goes through them after. */
static void image_keeps_dma_windows_and_tces(void)
{
	char dir[] = "/tmp/eeh-img-XXXXXX", image[96];
	const uint64_t ram = 0x7f0000000000ULL;
	struct eeh_spapr_window w;
	struct eeh_iommufd *ifd = NULL;
	struct eeh_spapr *sp = NULL;
	struct eeh_ctx *ctx = NULL;
	struct eeh_func *f;
	uint32_t dev, ioas;
	uint64_t start = 0;
	FILE *img;
	char text[8192];
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/host.json", dir);
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:01:00.0", &dev), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(ifd, &ioas), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(ifd, dev, ioas, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_spapr_new(ifd, ioas, &sp), 0);
	CU_ASSERT_EQUAL(eeh_spapr_register(sp, ram, 1ULL << 30), 0);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(sp, 0x10000, ram | EEH_TCE_READ | EEH_TCE_WRITE, 1),
			0);
	for (uint64_t i = 1; i < 16; i++)
		CU_ASSERT_EQUAL(eeh_spapr_put_tce(sp, 0x10000 + (i << 12),
						  (ram + (i << 12)) | EEH_TCE_READ | EEH_TCE_WRITE),
				0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(sp, 0x40000, (ram + 0x100000) | EEH_TCE_READ), 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(sp, 16, 1ULL << 30, 1, &start), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(sp, start + 0x20000, (ram + 0x200000) | EEH_TCE_WRITE),
			0);
	CU_ASSERT_EQUAL(eeh_save_image(ctx), 0);
	eeh_spapr_free(sp);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
	/* the default window's 16 contiguous TCEs are one run */
	img = fopen(image, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	n = fread(text, 1, sizeof(text) - 1, img);
	text[n] = '\0';
	fclose(img);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"dma_windows\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"count\":16"));

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	f = eeh_func_by_bdf(ctx, 0, 1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(eeh_pe_dma_window(eeh_func_pe(f), 0, &w), 0);
	CU_ASSERT_EQUAL(w.start, 0);
	CU_ASSERT_EQUAL(w.size, 1ULL << 31);
	CU_ASSERT_EQUAL(w.page_shift, 12);
	CU_ASSERT_EQUAL(w.mapped, 17);
	CU_ASSERT_EQUAL(eeh_pe_dma_window(eeh_func_pe(f), 1, &w), 0);
	CU_ASSERT_EQUAL(w.start, start);
	CU_ASSERT_EQUAL(w.size, 1ULL << 30);
	CU_ASSERT_EQUAL(w.page_shift, 16);
	CU_ASSERT_EQUAL(w.mapped, 1);
	/* DMA through the loaded tables: mapped pages work, the rest freeze */
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x10000, 16 << 12), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x40000, 8), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, start + 0x20000, 0x10000), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_func_pe(f), VFIO_EEH_PE_GET_STATE), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x40000, 8), -EIO);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_func_pe(f), VFIO_EEH_PE_GET_STATE), 2);
	eeh_unref(ctx);
	/* malformed: an empty run, a run past the window, pages below 4 KiB */
	setenv("EEH_LOG", "emerg", 1);
	for (int i = 0; i < 3; i++) {
		static const char *const from[] = { "\"count\":16", "\"count\":16",
						     "\"page_shift\":16" };
		static const char *const to[] = { "\"count\":0", "\"count\":999999999",
						  "\"page_shift\":11" };
		char bad[8192], *at = strstr(text, from[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		snprintf(bad, sizeof(bad), "%.*s%s%s", (int)(at - text), text, to[i],
			 at + strlen(from[i]));
		img = fopen(image, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(img);
		fputs(bad, img);
		fclose(img);
		ctx = NULL;
		CU_ASSERT_EQUAL(eeh_new_sim_image(image, NULL, &ctx), -EINVAL);
		CU_ASSERT_PTR_NULL(ctx);
	}
	unsetenv("EEH_LOG");
	unlink(image);
	snprintf(text, sizeof(text), "%s.lock", image);
	unlink(text);
	rmdir(dir);
}

static bool locked(const char *path)
{
	int fd = open(path, O_RDONLY);
	bool held = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;

	if (fd >= 0)
		close(fd);
	return held;
}

/* Every name of an image reaches one file, one lock; a save goes through
 * a symbolic link to its target. */
static void image_names_share_the_file_and_its_lock(void)
{
	char dir[] = "/tmp/eeh-img-XXXXXX", image[96], lnk[96], hard[96], target[96] = "";
	struct eeh_ctx *ctx = NULL;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/host.json", dir);
	snprintf(lnk, sizeof(lnk), "%s/link.json", dir);
	snprintf(hard, sizeof(hard), "%s/hard.json", dir);
	CU_ASSERT_EQUAL(symlink("host.json", lnk), 0);
	/* created through a dangling link: the file appears at its target */
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(lnk, NULL, &ctx), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(eeh_pe_by_group(ctx, 1)), 0);
	CU_ASSERT_EQUAL(eeh_save_image(ctx), 0);
	CU_ASSERT_EQUAL(lstat(lnk, &st), 0);
	CU_ASSERT(S_ISLNK(st.st_mode));
	CU_ASSERT_EQUAL(readlink(lnk, target, sizeof(target) - 1), 9);
	CU_ASSERT_STRING_EQUAL(target, "host.json");
	CU_ASSERT_EQUAL(lstat(image, &st), 0);
	CU_ASSERT(S_ISREG(st.st_mode));
	/* the lock is on the file: every name sees it, also after the save */
	CU_ASSERT_EQUAL(link(image, hard), 0);
	CU_ASSERT(locked(image));
	CU_ASSERT(locked(lnk));
	CU_ASSERT(locked(hard));
	eeh_unref(ctx);
	CU_ASSERT(!locked(hard));
	/* saved through the link, loaded through another name */
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_pe_by_group(ctx, 1), VFIO_EEH_PE_GET_STATE), 2);
	eeh_unref(ctx);
	unlink(hard);
	unlink(lnk);
	unlink(image);
	rmdir(dir);
}

static void a_directory_is_no_image_or_topology(void)
{
	char dir[] = "/tmp/eeh-dir-XXXXXX";
	struct eeh_ctx *ctx = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	setenv("EEH_LOG", "emerg", 1);
	CU_ASSERT_EQUAL(eeh_new_sim_image(dir, NULL, &ctx), -EISDIR);
	CU_ASSERT_PTR_NULL(ctx);
	CU_ASSERT_EQUAL(eeh_new_sim(dir, &ctx), -EISDIR);
	CU_ASSERT_PTR_NULL(ctx);
	unsetenv("EEH_LOG");
	rmdir(dir);
}

static void an_image_a_failed_open_created_is_removed(void)
{
	char dir[] = "/tmp/eeh-img-XXXXXX", image[96], topo[96];
	struct eeh_ctx *ctx = NULL;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/host.json", dir);
	snprintf(topo, sizeof(topo), "%s/bad-topology.json", dir);
	f = fopen(topo, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{ \"phbs\": [] }", f);
	fclose(f);
	setenv("EEH_LOG", "emerg", 1);
	CU_ASSERT_EQUAL(eeh_new_sim_image(image, topo, &ctx), -EINVAL);
	unsetenv("EEH_LOG");
	CU_ASSERT_EQUAL(access(image, F_OK), -1);
	/* opened and dropped without a save: no file either */
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_image(image, NULL, &ctx), 0);
	eeh_unref(ctx);
	CU_ASSERT_EQUAL(access(image, F_OK), -1);
	unlink(topo);
	rmdir(dir);
}

/* What the library saves, it loads: a temporary image round trip. */
static struct eeh_ctx *save_and_load(struct eeh_ctx *ctx)
{
	char dir[] = "/tmp/eeh-rt-XXXXXX", path[64];
	struct eeh_ctx *back = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/img.json", dir);
	CU_ASSERT_EQUAL(eeh_save_topology(ctx, path), 0);
	CU_ASSERT_EQUAL(eeh_new_sim(path, &back), 0);
	unlink(path);
	rmdir(dir);
	return back;
}

/* An image in which a PE failed permanently with an injection still armed
 * (as the library saved it before a permanent failure disarmed it) loads. */
static void permanent_failure_with_an_armed_injection_loads_back(void)
{
	char dir[] = "/tmp/eeh-rt-XXXXXX", path[64], *text, *p;
	struct eeh_ctx *ctx = builtin_host(), *back = NULL;
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5);
	unsigned int ms = 1;
	long len;
	FILE *f;
	int st = -1, flipped = 0;

	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_DMA_WR_ADDR, 0x1000,
				       0xfffff000), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/img.json", dir);
	CU_ASSERT_EQUAL_FATAL(eeh_save_topology(ctx, path), 0);
	f = fopen(path, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	text = calloc(1, (size_t)len + 1);
	rewind(f);
	CU_ASSERT_EQUAL(fread(text, 1, (size_t)len, f), (size_t)len);
	/* every PE failed permanently: "perm": false -> "perm":  true */
	while ((p = strstr(text, "\"perm\":false")) || (p = strstr(text, "\"perm\": false"))) {
		memcpy(strstr(p, "false"), "true ", 5);
		flipped++;
	}
	CU_ASSERT(flipped >= 8);
	rewind(f);
	fwrite(text, 1, (size_t)len, f);
	fclose(f);
	free(text);
	CU_ASSERT_EQUAL(eeh_new_sim(path, &back), 0);
	unlink(path);
	rmdir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	pe = eeh_pe_by_group(back, 5);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &st, &ms), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(ms, 0); /* permanent */
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 1);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, 0, 0, 0, 0), -ENODEV);
	eeh_unref(back);
	eeh_unref(ctx);
}

static void a_clock_near_its_end_saves_and_loads_back(void)
{
	struct eeh_ctx *ctx = builtin_host(), *back;
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	uint64_t end = EEH_CLOCK_MAX_US - 1000;
	unsigned int ms = 0;
	int st = -1;

	CU_ASSERT_EQUAL(eeh_clock_advance(ctx, end), 0);
	CU_ASSERT_EQUAL(eeh_clock_advance(ctx, 1001), -EOVERFLOW);
	CU_ASSERT_EQUAL(eeh_clock_advance(ctx, UINT64_MAX), -EOVERFLOW);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx), end);
	/* reset hold and settle end past the clock's end, past INT64_MAX */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	back = save_and_load(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(eeh_clock_now_us(back), eeh_clock_now_us(ctx));
	CU_ASSERT(eeh_clock_now_us(back) > (uint64_t)INT64_MAX);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(eeh_pe_by_group(back, 3), &st, &ms), 0);
	CU_ASSERT_EQUAL(st, 0);
	eeh_unref(back);
	eeh_unref(ctx);
}

static void bad_image_is_refused_and_left_untouched(void)
{
	char path[] = "/tmp/eeh-bad-XXXXXX";
	struct eeh_ctx *ctx = NULL;
	char buf[64] = "";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "{\"phbs\": 7}", 11), 11);
	close(fd);
	setenv("EEH_LOG", "emerg", 1);
	CU_ASSERT_EQUAL(eeh_new_sim_image(path, NULL, &ctx), -EINVAL);
	CU_ASSERT_PTR_NULL(ctx);
	fd = open(path, O_RDONLY);
	CU_ASSERT_EQUAL(read(fd, buf, sizeof(buf) - 1), 11);
	CU_ASSERT_STRING_EQUAL(buf, "{\"phbs\": 7}");
	close(fd);
	unlink(path);
	snprintf(buf, sizeof(buf), "%s.lock", path);
	unlink(buf);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(malformed_files_are_rejected_with_the_reason),
		TEST(missing_file_gives_enoent),
		TEST(minimal_topology_gets_default_addresses),
		TEST(saved_topology_loads_back_the_same),
		TEST(permanent_failure_with_an_armed_injection_loads_back),
		TEST(a_32bit_bar_above_4g_cpu_address_loads),
		TEST(a_clock_near_its_end_saves_and_loads_back),
		TEST(image_names_share_the_file_and_its_lock),
		TEST(a_directory_is_no_image_or_topology),
		TEST(an_image_a_failed_open_created_is_removed),
		TEST(image_keeps_state_between_contexts_and_is_locked),
		TEST(image_keeps_dma_windows_and_tces),
		TEST(bad_image_is_refused_and_left_untouched),
	};

	return RUN_SUITE("topology", tests);
}
