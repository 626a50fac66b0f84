/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fake sysfs trees for tests (see gen-sysfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen-sysfs.h"

static int mkdir_p(const char *path)
{
	char tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char p[8192];
	int fd;
	ssize_t w;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	w = write(fd, data, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -EIO;
}

static int put_text(const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int put_text(const char *dir, const char *name, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_file(dir, name, buf, (size_t)n);
}

static int put_link(const char *dir, const char *name, const char *target)
{
	char p[8192];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
	return symlink(target, p) < 0 ? -errno : 0;
}

static long find(const struct gs_func *fns, size_t n, const char *bdf)
{
	for (size_t i = 0; bdf && i < n; i++)
		if (!strcmp(fns[i].bdf, bdf))
			return (long)i;
	return -1;
}

long gs_func_index(const struct gs_func *fns, size_t n, const char *bdf)
{
	return find(fns, n, bdf);
}

/* Path below root, and the number of components below /sys. */
static int syspath(const struct gs_func *fns, size_t n, size_t idx, char *buf, size_t len,
		   int *depth)
{
	const struct gs_func *f = &fns[idx];
	const char *parent = f->parent;
	long p;
	int r, d = 0;

	if (!parent && f->physfn) {
		p = find(fns, n, f->physfn);
		if (p < 0)
			return -EINVAL;
		parent = fns[p].parent;
	}
	p = find(fns, n, parent);
	if (parent && p < 0)
		return -EINVAL;
	if (p >= 0) {
		r = syspath(fns, n, (size_t)p, buf, len, &d);
		if (r)
			return r;
	} else {
		snprintf(buf, len, "/sys/devices/pci%.4s:00", f->bdf);
		d = 2;
	}
	if (strlen(buf) + strlen(f->bdf) + 2 > len)
		return -ENAMETOOLONG;
	strcat(buf, "/");
	strcat(buf, f->bdf);
	if (depth)
		*depth = d + 1;
	return 0;
}

int gs_func_syspath(const struct gs_func *fns, size_t n, size_t idx, char *buf, size_t len)
{
	return syspath(fns, n, idx, buf, len, NULL);
}

static void ups(char *buf, int depth)
{
	buf[0] = '\0';
	for (int i = 0; i < depth; i++)
		strcat(buf, "../");
}

static int write_config(const char *dir, const struct gs_func *f)
{
	unsigned char cfg[256] = { 0 };
	uint16_t vendor = f->physfn ? 0xffff : f->vendor, device = f->physfn ? 0xffff : f->device;

	cfg[0] = vendor & 0xff;
	cfg[1] = vendor >> 8;
	cfg[2] = device & 0xff;
	cfg[3] = device >> 8;
	cfg[4] = 0x06; /* memory + bus master */
	cfg[8] = 1;    /* revision */
	cfg[9] = f->class_code & 0xff;
	cfg[10] = (f->class_code >> 8) & 0xff;
	cfg[11] = (f->class_code >> 16) & 0xff;
	cfg[14] = (uint8_t)((f->bridge ? 1 : 0) | (f->multifunction ? 0x80 : 0));
	cfg[0x2c] = cfg[0]; /* subsystem IDs */
	cfg[0x2d] = cfg[1];
	return put_file(dir, "config", cfg, sizeof(cfg));
}

static int write_resource(const char *dir, const struct gs_func *f)
{
	char text[2048] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < 13; i++) {
		const struct gs_bar *b = i < 6 ? &f->bar[i] : NULL;
		uint64_t start = b && b->size ? b->start : 0;
		uint64_t end = b && b->size ? b->start + b->size - 1 : 0;

		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"0x%016llx 0x%016llx 0x%016llx\n",
					(unsigned long long)start, (unsigned long long)end,
					(unsigned long long)(b && b->size ? b->flags : 0));
	}
	return put_file(dir, "resource", text, len);
}

int gs_write_func(const char *root, const struct gs_func *fns, size_t n, size_t idx)
{
	const struct gs_func *f = &fns[idx];
	char rel[1024], dir[2048], up[256], target[2048], p[4096];
	int depth, r;

	r = syspath(fns, n, idx, rel, sizeof(rel), &depth);
	if (r)
		return r;
	snprintf(dir, sizeof(dir), "%s%s", root, rel);
	if ((r = mkdir_p(dir)))
		return r;
	ups(up, depth);
	if ((r = write_config(dir, f)) || (r = write_resource(dir, f)) ||
	    (r = put_text(dir, "vendor", "0x%04x\n", f->vendor)) ||
	    (r = put_text(dir, "device", "0x%04x\n", f->device)) ||
	    (r = put_text(dir, "class", "0x%06x\n", f->class_code)) ||
	    (r = put_text(dir, "revision", "0x%02x\n", 1)) ||
	    (r = put_text(dir, "subsystem_vendor", "0x%04x\n", f->vendor)) ||
	    (r = put_text(dir, "subsystem_device", "0x%04x\n", 0)) ||
	    (r = put_text(dir, "irq", "%d\n", 0)) ||
	    (r = put_text(dir, "uevent", "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
			  "MODALIAS=pci:v%08Xd%08Xsv*sd*bc%02Xsc%02Xi%02X\n", f->class_code,
			  f->vendor, f->device, f->bdf, f->vendor, f->device, f->class_code >> 16,
			  (f->class_code >> 8) & 0xff, f->class_code & 0xff)))
		return r;
	snprintf(target, sizeof(target), "%sbus/pci", up);
	if ((r = put_link(dir, "subsystem", target)))
		return r;
	if (f->bridge) {
		snprintf(p, sizeof(p), "%s/pci_bus", dir);
		if ((r = mkdir_p(p)))
			return r;
	}
	if (f->group >= 0) {
		snprintf(target, sizeof(target), "%skernel/iommu_groups/%d", up, f->group);
		if ((r = put_link(dir, "iommu_group", target)))
			return r;
		snprintf(p, sizeof(p), "%s/sys/kernel/iommu_groups/%d/devices", root, f->group);
		if ((r = mkdir_p(p)))
			return r;
		snprintf(target, sizeof(target), "../../../..%s", rel + 4); /* rel minus "/sys" */
		if ((r = put_link(p, f->bdf, target)))
			return r;
	}
	if (f->pe >= 0 &&
	    ((r = put_text(dir, "eeh_pe_config_addr", "0x%lx\n", f->pe)) ||
	     (r = put_text(dir, "eeh_mode", "0x%x\n", f->bridge ? 1 : 0)) ||
	     (r = put_text(dir, "eeh_pe_state", "0x%08x 0x%08x\n", 0x78, 0))))
		return r;
	if (f->physfn) {
		long pf = find(fns, n, f->physfn);
		char pfdir[4096], name[32];
		int vfn = 0;

		snprintf(target, sizeof(target), "../%s", f->physfn);
		if ((r = put_link(dir, "physfn", target)))
			return r;
		if (pf >= 0 && syspath(fns, n, (size_t)pf, rel, sizeof(rel), NULL) == 0) {
			snprintf(pfdir, sizeof(pfdir), "%s%s", root, rel);
			for (size_t i = 0; i < idx; i++)
				if (fns[i].physfn && !strcmp(fns[i].physfn, f->physfn))
					vfn++;
			snprintf(name, sizeof(name), "virtfn%d", vfn);
			snprintf(target, sizeof(target), "../%s", f->bdf);
			if ((r = put_link(pfdir, name, target)))
				return r;
		}
	}
	/* /sys/bus/pci/devices/BDF -> ../../../devices/... */
	syspath(fns, n, idx, rel, sizeof(rel), NULL);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices", root);
	snprintf(target, sizeof(target), "../../..%s", rel + 4);
	return put_link(p, f->bdf, target);
}

static int write_devtree(const char *root, unsigned int domain)
{
	char dir[4096];
	unsigned char be[8];
	uint64_t id = GS_PHBID(domain);
	int r;

	snprintf(dir, sizeof(dir), "%s/sys/firmware/devicetree/base/pciex@%x/pci@0", root, domain);
	if ((r = mkdir_p(dir)))
		return r;
	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)(id >> (56 - 8 * i));
	snprintf(dir, sizeof(dir), "%s/sys/firmware/devicetree/base/pciex@%x", root, domain);
	return put_file(dir, "ibm,opal-phbid", be, sizeof(be));
}

int gs_write_host(const char *root, const struct gs_func *fns, size_t n, unsigned int flags)
{
	char p[4096];
	bool domains[16] = { false };
	int r;

	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices", root);
	if ((r = mkdir_p(p)))
		return r;
	snprintf(p, sizeof(p), "%s/sys/kernel/iommu_groups", root);
	if ((r = mkdir_p(p)))
		return r;
	for (size_t i = 0; i < n; i++) {
		unsigned int d = (unsigned int)strtoul(fns[i].bdf, NULL, 16);

		if ((r = gs_write_func(root, fns, n, i)))
			return r;
		if (d < 16)
			domains[d] = true;
	}
	for (unsigned int d = 0; d < 16; d++) {
		if (!domains[d])
			continue;
		if ((flags & GS_DEVTREE) && (r = write_devtree(root, d)))
			return r;
		if (flags & GS_ERR_INJCT) {
			snprintf(p, sizeof(p), "%s/sys/kernel/debug/powerpc/PCI%04x", root, d);
			if ((r = mkdir_p(p)) || (r = put_text(p, "err_injct", "%s", "")))
				return r;
		}
	}
	if (flags & GS_DEVTREE) {
		/* of_node of root-bus functions: a node under their PHB's node */
		for (size_t i = 0; i < n; i++) {
			char rel[1024], dir[4096], target[2048];
			int depth;

			if (fns[i].parent || fns[i].physfn ||
			    syspath(fns, n, i, rel, sizeof(rel), &depth))
				continue;
			snprintf(dir, sizeof(dir), "%s%s", root, rel);
			ups(target, depth);
			snprintf(target + strlen(target), sizeof(target) - strlen(target),
				 "firmware/devicetree/base/pciex@%x/pci@0", (unsigned int)strtoul(
					 fns[i].bdf, NULL, 16));
			if ((r = put_link(dir, "of_node", target)))
				return r;
		}
	}
	if (flags & (GS_PROC_EEH | GS_PROC_EEH_OFF)) {
		snprintf(p, sizeof(p), "%s/proc/powerpc", root);
		if ((r = mkdir_p(p)))
			return r;
		if (flags & GS_PROC_EEH)
			r = put_text(p, "eeh", "EEH Subsystem is enabled\nno device=1\n"
				     "no device node=2\nno config address=3\ncheck not wanted=4\n"
				     "eeh_total_mmio_ffs=5\neeh_false_positives=6\n"
				     "eeh_slot_resets=7\n");
		else
			r = put_text(p, "eeh", "EEH Subsystem is globally disabled\n"
				     "eeh_total_mmio_ffs=0\n");
		if (r)
			return r;
	}
	if (flags & GS_DEBUGFS) {
		static const char *const files[] = { "eeh_dev_break", "eeh_dev_check",
						     "eeh_dev_can_recover", "eeh_force_recover" };

		snprintf(p, sizeof(p), "%s/sys/kernel/debug/powerpc", root);
		if ((r = mkdir_p(p)) || (r = put_text(p, "eeh_max_freezes", "5\n")) ||
		    (r = put_text(p, "eeh_enable", "0x1\n")))
			return r;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			r = put_text(p, files[i], "input format: <domain>:<bus>:<dev>.<fn>\n");
			if (r)
				return r;
		}
	}
	return 0;
}

int gs_remove_func(const char *root, const struct gs_func *fns, size_t n, size_t idx)
{
	char rel[1024], p[4096];
	int r = syspath(fns, n, idx, rel, sizeof(rel), NULL);

	if (r)
		return r;
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s", root, fns[idx].bdf);
	unlink(p);
	if (fns[idx].group >= 0) {
		snprintf(p, sizeof(p), "%s/sys/kernel/iommu_groups/%d/devices/%s", root,
			 fns[idx].group, fns[idx].bdf);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s%s", root, rel);
	return gs_rmtree(p);
}

int gs_set_pe_state(const char *root, const struct gs_func *fns, size_t n, unsigned int domain,
		    long pe, unsigned int state, unsigned int flags)
{
	char rel[1024], dir[4096];
	int r;

	for (size_t i = 0; i < n; i++) {
		if (fns[i].pe != pe || strtoul(fns[i].bdf, NULL, 16) != domain)
			continue;
		if ((r = syspath(fns, n, i, rel, sizeof(rel), NULL)))
			return r;
		snprintf(dir, sizeof(dir), "%s%s", root, rel);
		if ((r = put_text(dir, "eeh_pe_state", "0x%08x 0x%08x\n", state, flags)))
			return r;
	}
	return 0;
}

int gs_gen_large(unsigned int npes, unsigned int fpp, struct gs_func **out, size_t *nout)
{
	size_t n = (size_t)npes * fpp;
	struct gs_func *fns = calloc(n ? n : 1, sizeof(*fns));

	if (!fns || fpp == 0 || fpp > 8)
		return free(fns), -EINVAL;
	for (unsigned int pe = 0; pe < npes; pe++) {
		unsigned int domain = pe % 4, slot = pe / 4;
		unsigned int bus = 1 + slot / 32, dev = slot % 32;

		for (unsigned int fn = 0; fn < fpp; fn++) {
			struct gs_func *f = &fns[(size_t)pe * fpp + fn];
			char *bdf = malloc(24);

			if (!bdf || bus > 255)
				return gs_free_large(fns, n), -EINVAL;
			snprintf(bdf, 24, "%04x:%02x:%02x.%x", domain & 0xffff, bus & 0xff,
				 dev & 0x1f, fn & 7);
			f->bdf = bdf;
			f->vendor = 0x15b3;
			f->device = 0x1019;
			f->class_code = 0x020000;
			f->multifunction = fpp > 1;
			f->group = (int)pe;
			f->pe = (long)(slot + 1);
			f->bar[0] = (struct gs_bar){ 0x600000000000ULL + ((uint64_t)pe * 8 + fn) *
								      0x100000,
						     0x100000, GS_MEM | GS_MEM64 | GS_PREFETCH };
		}
	}
	*out = fns;
	*nout = n;
	return 0;
}

void gs_free_large(struct gs_func *fns, size_t n)
{
	for (size_t i = 0; fns && i < n; i++)
		free((char *)fns[i].bdf);
	free(fns);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int gs_rmtree(const char *dir)
{
	return nftw(dir, rm_one, 64, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}
