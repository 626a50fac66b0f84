/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery: the host's PCI functions, IOMMU groups and EEH PEs, read
 * from sysfs into the same platform model the simulator uses.
 *
 * Enumeration: libudev lists the PCI devices when the root is the real
 * one (or a umockdev testbed, which redirects libudev itself). libudev
 * cannot be pointed at another directory, so with a root directory set
 * the walk reads <root>/sys/bus/pci/devices instead. Either way every
 * attribute is read through the sys layer:
 *   config (first 64 bytes)   vendor, device, class, header type; an SR-IOV
 *                             VF reads 0xffff there (SR-IOV spec), so its
 *                             IDs come from the vendor/device files
 *   resource                  BARs (start end flags per line, CPU addresses)
 *   iommu_group (link)        the group number
 *   physfn (link)             the PF of an SR-IOV VF
 *   eeh_pe_config_addr        the PE (powernv: PE number; pseries: PE
 *                             config address), eeh_sysfs.c "0x%x"
 * PHBs are the PCI domains (powerpc: domain == hose->global_number, the
 * PHB index). The BUID comes from the device tree when the root has one
 * (ibm,opal-phbid on powernv, else the first 64 bits of "reg", the pseries
 * BUID) and is the domain number otherwise.
 *
 * PEs: with EEH attributes, the functions sharing (domain, PE address);
 * without (x86, EEH off), one PE per IOMMU group. One PE is one IOMMU group
 * (vfio.rst sPAPR note): a function whose group differs from its PE's, or a
 * group claimed by two PEs, is logged and counted in eeh_host_stats.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "host.h"
#include "sys.h"

#define NO_KEY UINT64_MAX

/* IORESOURCE_* bits of the sysfs resource file (include/linux/ioport.h). */
#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_PREFETCH 0x00002000
#define IORESOURCE_MEM_64 0x00100000

struct fn_rec {
	uint64_t key;
	uint64_t parent_key; /* the bridge above, NO_KEY under the root bus */
	uint64_t physfn_key;
	int64_t pe_addr;     /* -1: no EEH attribute */
	int group;
	unsigned int depth;
	unsigned int pe;     /* index in the PE table */
	uint16_t vendor, device;
	uint32_t class_code;
	uint8_t hdr;
	struct eeh_bar bar[6];
};

struct pe_rec {
	uint64_t key;
	unsigned int domain;
	int64_t addr;
	int group;
	unsigned int first, nfuncs; /* first function (lowest BDF) */
	int parent;                 /* PE index, -1 none */
	unsigned int first_child, next_sibling; /* PE index + 1, 0 none */
	bool skip;
	struct eeh_pe *pe;
};

struct scan {
	struct eeh_ctx *ctx;
	struct host *h;
	struct fn_rec *fns;
	size_t nfns, cap;
	struct pe_rec *pes;
	size_t npes;
	struct hashmap fn_by_key, pe_by_key;
};

static bool parse_bdf_name(const char *s, uint64_t *key)
{
	unsigned int d, b, devfn;

	if (parse_bdf(s, &d, &b, &devfn) < 0 || strlen(s) != 12)
		return false;
	*key = HOST_BDF_KEY(d, b, devfn);
	return true;
}

static uint64_t hex_u64(const char *s, const char **end)
{
	uint64_t v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		int c = (unsigned char)*s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		v = (v << 4) | (uint64_t)d;
	}
	if (end)
		*end = s;
	return v;
}

static ssize_t read_attr(struct eeh_ctx *ctx, const char *dir, const char *name, char *buf,
			 size_t len)
{
	char p[512];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return -ENAMETOOLONG;
	return sys_read_file(ctx, p, buf, len);
}

static int read_hex_attr(struct eeh_ctx *ctx, const char *dir, const char *name, uint64_t *v)
{
	char buf[32];
	const char *end;
	ssize_t n = read_attr(ctx, dir, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	*v = hex_u64(buf, &end);
	return end == buf ? -EINVAL : 0;
}

/* Basename of a symlink's target. */
static int read_link_base(struct eeh_ctx *ctx, const char *dir, const char *name, char *out,
			  size_t len)
{
	char p[512], target[512];
	const char *base;
	ssize_t n;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return -ENAMETOOLONG;
	n = sys_readlink(ctx, p, target, sizeof(target));
	if (n < 0)
		return (int)n;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(out, base);
	return 0;
}

static void parse_resource(const char *text, struct eeh_bar *bars)
{
	const char *s = text;

	for (unsigned int i = 0; i < 6 && *s; i++) {
		uint64_t start = hex_u64(s, &s), end = hex_u64(s, &s), flags = hex_u64(s, &s);

		while (*s && *s != '\n')
			s++;
		if (*s)
			s++;
		if (!end || end < start)
			continue;
		bars[i].addr = start;
		bars[i].size = end - start + 1;
		bars[i].flags = (uint8_t)(((flags & IORESOURCE_IO) ? EEH_BAR_IO : 0) |
					  ((flags & IORESOURCE_MEM_64) ? EEH_BAR_MEM64 : 0) |
					  ((flags & IORESOURCE_PREFETCH) ? EEH_BAR_PREFETCH : 0));
	}
}

/*
 * Where a function sits: syspath is /sys/devices/pciDDDD:BB/[bridge/...]BDF.
 * The component before the BDF is its upstream bridge unless it is the
 * host bridge directory.
 */
static void place_from_syspath(const char *syspath, struct fn_rec *r)
{
	const char *last = strrchr(syspath, '/'), *prev;
	char comp[32];
	uint64_t key;

	r->parent_key = NO_KEY;
	r->depth = 0;
	for (const char *p = syspath; (p = strstr(p, "/")) != NULL; p++) {
		const char *q = strchr(p + 1, '/');
		size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);

		if (n == 12 && n < sizeof(comp)) {
			memcpy(comp, p + 1, n);
			comp[n] = '\0';
			if (parse_bdf_name(comp, &key))
				r->depth++;
		}
	}
	if (!last || last == syspath)
		return;
	for (prev = last - 1; prev > syspath && *prev != '/'; prev--)
		;
	if ((size_t)(last - prev - 1) == 12) {
		memcpy(comp, prev + 1, 12);
		comp[12] = '\0';
		if (parse_bdf_name(comp, &key))
			r->parent_key = key;
	}
}

/* Read one function's attributes. -ENOENT if it vanished meanwhile. */
static int read_function(struct eeh_ctx *ctx, const char *syspath, uint64_t key, struct fn_rec *r)
{
	unsigned char cfg[64];
	char buf[1024], name[32];
	uint64_t v = 0;
	ssize_t n;
	int fd;

	memset(r, 0, sizeof(*r));
	r->key = key;
	r->physfn_key = NO_KEY;
	r->pe_addr = -1;
	r->group = -1;
	place_from_syspath(syspath, r);
	if ((size_t)snprintf(buf, sizeof(buf), "%s/config", syspath) >= sizeof(buf))
		return -ENAMETOOLONG;
	fd = sys_open(ctx, buf, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	n = sys_read(ctx, fd, cfg, sizeof(cfg));
	sys_close(ctx, fd);
	if (n < 16)
		return n < 0 ? (int)n : -EIO;
	r->vendor = (uint16_t)(cfg[0] | cfg[1] << 8);
	r->device = (uint16_t)(cfg[2] | cfg[3] << 8);
	r->class_code = (uint32_t)cfg[9] | (uint32_t)cfg[10] << 8 | (uint32_t)cfg[11] << 16;
	r->hdr = cfg[14];
	if (read_link_base(ctx, syspath, "physfn", name, sizeof(name)) == 0)
		parse_bdf_name(name, &r->physfn_key);
	if (r->vendor == 0xffff) {
		/* An SR-IOV VF: IDs read as all-ones in its config space. */
		if (read_hex_attr(ctx, syspath, "vendor", &v) == 0)
			r->vendor = (uint16_t)v;
		if (read_hex_attr(ctx, syspath, "device", &v) == 0)
			r->device = (uint16_t)v;
	}
	if (read_attr(ctx, syspath, "resource", buf, sizeof(buf)) > 0)
		parse_resource(buf, r->bar);
	if (read_link_base(ctx, syspath, "iommu_group", name, sizeof(name)) == 0) {
		char *end;
		long g = strtol(name, &end, 10);

		if (end != name && !*end && g >= 0 && g <= 0x7fffffff)
			r->group = (int)g;
	}
	if (read_hex_attr(ctx, syspath, "eeh_pe_config_addr", &v) == 0 && v <= UINT32_MAX)
		r->pe_addr = (int64_t)v;
	return 0;
}

static int add_rec(struct scan *s, const char *syspath, const char *bdf)
{
	uint64_t key;
	int r;

	if (!parse_bdf_name(bdf, &key)) {
		dbg(s->ctx, "%s: not a PCI function name, skipped", syspath);
		return 0;
	}
	if (s->nfns == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct fn_rec *n = realloc(s->fns, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->fns = n;
		s->cap = cap;
	}
	r = read_function(s->ctx, syspath, key, &s->fns[s->nfns]);
	if (r == -ENOENT || r == -ENODEV) {
		dbg(s->ctx, "%s vanished during discovery", bdf);
		return 0;
	}
	if (r < 0) {
		warn(s->ctx, "%s: cannot read its attributes: %s", syspath, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	s->nfns++;
	return 0;
}

/* Resolve "../../../devices/..." against /sys/bus/pci/devices. */
static int resolve_bus_link(const char *target, char *out, size_t len)
{
	char base[512] = "/sys/bus/pci/devices";
	const char *t = target;

	if (target[0] == '/')
		return snprintf(out, len, "%s", target) < (int)len ? 0 : -ENAMETOOLONG;
	while (!strncmp(t, "../", 3)) {
		char *slash = strrchr(base, '/');

		if (!slash || slash == base)
			return -EINVAL;
		*slash = '\0';
		t += 3;
	}
	return snprintf(out, len, "%s/%s", base, t) < (int)len ? 0 : -ENAMETOOLONG;
}

static int enumerate_walk(struct scan *s)
{
	char dirpath[4096], link[512], target[512], syspath[512];
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (s->ctx->sys && (s->ctx->sys->open || s->ctx->sys->readlink))
		return -EOPNOTSUPP; /* a fake kernel cannot list directories */
	if (!sys_path(s->ctx, "/sys/bus/pci/devices", dirpath, sizeof(dirpath)))
		return -ENAMETOOLONG;
	dir = opendir(dirpath);
	if (!dir) {
		r = -errno;
		err(s->ctx, "cannot list %s: %s (no sysfs, or no PCI bus)", dirpath,
		    strerror(errno));
		return r;
	}
	while (!r && (de = readdir(dir)) != NULL) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s", de->d_name);
		n = sys_readlink(s->ctx, link, target, sizeof(target));
		if (n < 0 || resolve_bus_link(target, syspath, sizeof(syspath)) < 0)
			snprintf(syspath, sizeof(syspath), "%s", link);
		r = add_rec(s, syspath, de->d_name);
	}
	closedir(dir);
	return r;
}

static int enumerate_udev(struct scan *s)
{
	struct udev_enumerate *e;
	struct udev_list_entry *le;
	int r;

	if (!s->h->udev) {
		s->h->udev = udev_new();
		if (!s->h->udev)
			return -ENOMEM;
	}
	e = udev_enumerate_new(s->h->udev);
	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "pci");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		err(s->ctx, "libudev cannot enumerate PCI devices: %s", strerror(-r));
		udev_enumerate_unref(e);
		return r;
	}
	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e)) {
		const char *syspath = udev_list_entry_get_name(le);
		const char *base = strrchr(syspath, '/');

		r = add_rec(s, syspath, base ? base + 1 : syspath);
		if (r < 0)
			break;
	}
	udev_enumerate_unref(e);
	return r < 0 ? r : 0;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct fn_rec *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

#define DOMAIN_OF(key) ((unsigned int)((key) >> 16))

/* The PE key: (domain, PE address) with EEH attributes, else the group. */
static uint64_t pe_key(const struct fn_rec *f)
{
	if (f->pe_addr >= 0)
		return (1ULL << 63) | ((uint64_t)DOMAIN_OF(f->key) << 32) | (uint64_t)f->pe_addr;
	return (1ULL << 62) | (uint64_t)f->group;
}

static int group_functions(struct scan *s)
{
	struct eeh_ctx *ctx = s->ctx;

	s->pes = calloc(s->nfns ? s->nfns : 1, sizeof(*s->pes));
	if (!s->pes)
		return -ENOMEM;
	for (size_t i = 0; i < s->nfns; i++) {
		struct fn_rec *f = &s->fns[i];
		struct pe_rec *p;
		uintptr_t idx;

		if (hashmap_put(&s->fn_by_key, f->key, f) < 0)
			return -ENOMEM;
		if (f->pe_addr >= 0)
			s->h->stats.eeh_attrs = true;
		if (f->group < 0) {
			/* No IOMMU group, no PE a user could own: VFIO cannot
			 * reach it and the model needs a group per PE. */
			info(ctx, "%04x:%02x:%02x.%x has no IOMMU group; left out",
			     DOMAIN_OF(f->key), (unsigned int)(f->key >> 8) & 0xff,
			     (unsigned int)(f->key >> 3) & 0x1f, (unsigned int)f->key & 7);
			s->h->stats.no_group++;
			f->pe = UINT32_MAX;
			continue;
		}
		idx = (uintptr_t)hashmap_get(&s->pe_by_key, pe_key(f));
		if (!idx) {
			p = &s->pes[s->npes++];
			p->key = pe_key(f);
			p->domain = DOMAIN_OF(f->key);
			p->addr = f->pe_addr >= 0 ? f->pe_addr : f->group;
			p->group = f->group;
			p->first = (unsigned int)i;
			p->parent = -1;
			if (hashmap_put(&s->pe_by_key, p->key, (void *)(uintptr_t)s->npes) < 0)
				return -ENOMEM;
			idx = s->npes;
		}
		p = &s->pes[idx - 1];
		f->pe = (unsigned int)(idx - 1);
		p->nfuncs++;
		if (f->group != p->group) {
			err(ctx, "one PE, one IOMMU group violated: %04x:%02x:%02x.%x is in "
			    "group %d but its PE 0x%llx is group %d", DOMAIN_OF(f->key),
			    (unsigned int)(f->key >> 8) & 0xff, (unsigned int)(f->key >> 3) & 0x1f,
			    (unsigned int)f->key & 7, f->group, (long long)p->addr, p->group);
			s->h->stats.group_mismatch++;
		}
	}
	return 0;
}

/* The PE above p: the PE of the nearest upstream bridge (or the PF of a
 * VF) that is not p itself. */
static int find_parent(struct scan *s, unsigned int pi)
{
	const struct fn_rec *f = &s->fns[s->pes[pi].first];
	uint64_t up = f->physfn_key != NO_KEY ? f->physfn_key : f->parent_key;

	while (up != NO_KEY) {
		const struct fn_rec *a = hashmap_get(&s->fn_by_key, up);

		if (!a)
			return -1;
		if (a->pe != UINT32_MAX && a->pe != pi && !s->pes[a->pe].skip)
			return (int)a->pe;
		up = a->parent_key;
	}
	return -1;
}

static uint8_t pe_type(struct scan *s, const struct pe_rec *p)
{
	if (s->fns[p->first].physfn_key != NO_KEY)
		return EEH_PE_TYPE_VF;
	/* eeh_pe_tree_insert(): a PE is created for its first device and
	 * becomes a bus PE when a second one joins. */
	return p->nfuncs > 1 ? EEH_PE_TYPE_BUS : EEH_PE_TYPE_DEVICE;
}

static uint64_t phb_buid(struct eeh_ctx *ctx, const struct fn_rec *f, unsigned int domain)
{
	char dir[64], p[128];
	unsigned char be[8];
	int fd;
	ssize_t n;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%04x:%02x:%02x.%x", domain,
		 (unsigned int)(f->key >> 8) & 0xff, (unsigned int)(f->key >> 3) & 0x1f,
		 (unsigned int)f->key & 7);
	/* of_node/.. is the PHB node for a function on the root bus. */
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/of_node/../%s", dir, i ? "reg" : "ibm,opal-phbid");
		fd = sys_open(ctx, p, O_RDONLY, 0);
		if (fd < 0)
			continue;
		n = sys_read(ctx, fd, be, sizeof(be));
		sys_close(ctx, fd);
		if (n == 8) {
			uint64_t v = 0;

			for (int b = 0; b < 8; b++)
				v = v << 8 | be[b];
			return v;
		}
	}
	return domain;
}

static int add_phbs(struct scan *s)
{
	struct eeh_ctx *ctx = s->ctx;

	for (size_t i = 0; i < s->nfns; i++) {
		unsigned int domain = DOMAIN_OF(s->fns[i].key);
		const struct fn_rec *top = &s->fns[i];
		uint64_t buid;
		int r = 0;

		if (hashmap_get(&ctx->model.phb_by_domain, domain + 1ULL))
			continue;
		for (size_t j = i; j < s->nfns && DOMAIN_OF(s->fns[j].key) == domain; j++)
			if (s->fns[j].depth < top->depth)
				top = &s->fns[j];
		buid = phb_buid(ctx, top, domain);
		if (!model_add_phb(ctx, &ctx->model, domain, buid, domain, &r) && r == -EEXIST &&
		    buid != domain)
			/* Two PHBs with one device-tree BUID: fall back to the rule
			 * that cannot collide. */
			model_add_phb(ctx, &ctx->model, domain, domain, domain, &r);
		if (r)
			return r;
	}
	return 0;
}

static int add_pe_tree(struct scan *s, unsigned int pi);

static int add_pe(struct scan *s, unsigned int pi)
{
	struct eeh_ctx *ctx = s->ctx;
	struct pe_rec *p = &s->pes[pi];
	struct eeh_phb *phb = hashmap_get(&ctx->model.phb_by_domain, p->domain + 1ULL);
	struct eeh_pe *parent = p->parent >= 0 ? s->pes[p->parent].pe : NULL;
	int r = 0;

	p->pe = model_add_pe(&ctx->model, phb, (uint32_t)p->addr, pe_type(s, p), (uint32_t)p->addr,
			     p->group, parent, &r);
	if (!p->pe)
		return r;
	for (unsigned int i = p->first; i < s->nfns; i++) {
		const struct fn_rec *f = &s->fns[i];
		struct eeh_func *fn;

		if (f->pe != pi)
			continue;
		fn = model_add_func(&ctx->model, p->pe, DOMAIN_OF(f->key), (f->key >> 8) & 0xff,
				    f->key & 0xff, &r);
		if (!fn)
			return r;
		fn->vendor = f->vendor;
		fn->device = f->device;
		fn->class_code = f->class_code;
		fn->multifunction = (f->hdr & 0x80) != 0;
		memcpy(fn->bar, f->bar, sizeof(fn->bar));
	}
	return add_pe_tree(s, pi);
}

/* Children after their parent, so a topology file lists them in order. */
static int add_pe_tree(struct scan *s, unsigned int pi)
{
	for (unsigned int c = s->pes[pi].first_child; c; c = s->pes[c - 1].next_sibling) {
		int r = add_pe(s, c - 1);

		if (r)
			return r;
	}
	return 0;
}

static void check_group_owners(struct scan *s)
{
	struct hashmap owner;

	hashmap_init(&owner);
	for (size_t i = 0; i < s->npes; i++) {
		struct pe_rec *p = &s->pes[i];
		struct pe_rec *o = hashmap_get(&owner, (uint64_t)p->group);

		if (!o) {
			hashmap_put(&owner, (uint64_t)p->group, p);
			continue;
		}
		err(s->ctx, "one PE, one IOMMU group violated: PE 0x%llx and PE 0x%llx of domain "
		    "%04x both hold group %d; the second is left out", (long long)o->addr,
		    (long long)p->addr, p->domain, p->group);
		s->h->stats.group_mismatch++;
		s->h->stats.skipped += p->nfuncs;
		p->skip = true;
	}
	hashmap_free(&owner);
}

static int build_model(struct scan *s)
{
	int r;

	if (s->nfns) /* a host with no PCI functions has no array to sort */
		qsort(s->fns, s->nfns, sizeof(*s->fns), cmp_rec);
	r = group_functions(s);
	if (r)
		return r;
	check_group_owners(s);
	/* Link children in BDF order (the PE table is in BDF order of first
	 * functions); append at the tail. */
	{
		unsigned int *tail = calloc(s->npes ? s->npes : 1, sizeof(*tail));

		if (!tail)
			return -ENOMEM;
		for (size_t i = 0; i < s->npes; i++) {
			int par;

			if (s->pes[i].skip)
				continue;
			par = find_parent(s, (unsigned int)i);
			if (par >= 0 && s->pes[par].domain != s->pes[i].domain)
				par = -1;
			s->pes[i].parent = par;
			if (par < 0)
				continue;
			if (tail[par])
				s->pes[tail[par] - 1].next_sibling = (unsigned int)i + 1;
			else
				s->pes[par].first_child = (unsigned int)i + 1;
			tail[par] = (unsigned int)i + 1;
		}
		free(tail);
	}
	r = add_phbs(s);
	for (size_t i = 0; !r && i < s->npes; i++)
		if (!s->pes[i].skip && s->pes[i].parent < 0)
			r = add_pe(s, (unsigned int)i);
	if (r)
		return r;
	/* physfn links once every function exists */
	for (size_t i = 0; i < s->nfns; i++) {
		const struct fn_rec *f = &s->fns[i];
		struct eeh_func *fn, *pf;

		if (f->physfn_key == NO_KEY)
			continue;
		fn = hashmap_get(&s->ctx->model.func_by_bdf, f->key);
		pf = hashmap_get(&s->ctx->model.func_by_bdf, f->physfn_key);
		if (fn && pf)
			fn->physfn = pf;
	}
	s->h->stats.funcs = s->ctx->model.nfuncs;
	return 0;
}

static void scan_free(struct scan *s)
{
	free(s->fns);
	free(s->pes);
	hashmap_free(&s->fn_by_key);
	hashmap_free(&s->pe_by_key);
}

int discover_model(struct eeh_ctx *ctx, struct host *h)
{
	struct scan s = { .ctx = ctx, .h = h };
	int r;

	hashmap_init(&s.fn_by_key);
	hashmap_init(&s.pe_by_key);
	if (!ctx->sysroot && !ctx->sys)
		r = enumerate_udev(&s);
	else
		r = enumerate_walk(&s);
	if (!r)
		r = build_model(&s);
	if (!r)
		info(ctx, "discovered %u PHB%s, %u PEs, %u functions (%u without IOMMU group, "
		     "%u one-PE-one-group violations)", ctx->model.nphbs,
		     ctx->model.nphbs == 1 ? "" : "s", ctx->model.npes, ctx->model.nfuncs,
		     h->stats.no_group, h->stats.group_mismatch);
	scan_free(&s);
	return r;
}

/* ---- hotplug ---- */

static struct eeh_pe *find_pe_for(struct eeh_ctx *ctx, const struct fn_rec *f)
{
	struct eeh_phb *phb = hashmap_get(&ctx->model.phb_by_domain, DOMAIN_OF(f->key) + 1ULL);
	struct eeh_pe *pe;

	if (!phb)
		return NULL;
	eeh_pe_foreach(phb, pe)
		if (f->pe_addr >= 0 ? pe->addr == (uint32_t)f->pe_addr : pe->group == f->group)
			return pe;
	return NULL;
}

int discover_add_func(struct eeh_ctx *ctx, struct host *h, const char *bdf, bool retry)
{
	char syspath[512], target[512], full[512];
	struct fn_rec rec;
	struct eeh_pe *pe, *parent = NULL;
	struct eeh_phb *phb;
	struct eeh_func *fn;
	uint64_t key;
	int r = 0;

	if (!parse_bdf_name(bdf, &key))
		return -EINVAL;
	if (hashmap_get(&ctx->model.func_by_bdf, key))
		return -EEXIST;
	snprintf(syspath, sizeof(syspath), "/sys/bus/pci/devices/%s", bdf);
	if (sys_readlink(ctx, syspath, target, sizeof(target)) >= 0 &&
	    resolve_bus_link(target, full, sizeof(full)) == 0)
		snprintf(syspath, sizeof(syspath), "%s", full);
	r = read_function(ctx, syspath, key, &rec);
	if (r)
		return r;
	if (rec.group < 0) {
		if (!retry)
			h->stats.no_group++;
		return -ENODEV;
	}
	/* The kernel creates the EEH files in its late probe, after the add
	 * uevent: on an EEH host, wait for them (the bind event retries). */
	if (rec.pe_addr < 0 && h->stats.eeh_attrs) {
		dbg(ctx, "%s: no eeh_pe_config_addr yet; waiting for its bind event", bdf);
		return -EAGAIN;
	}
	pe = find_pe_for(ctx, &rec);
	if (pe && pe->group != rec.group) {
		err(ctx, "one PE, one IOMMU group violated: %s is in group %d but its PE %s is "
		    "group %d", bdf, rec.group, pe->name, pe->group);
		h->stats.group_mismatch++;
	}
	if (!pe) {
		phb = hashmap_get(&ctx->model.phb_by_domain, DOMAIN_OF(key) + 1ULL);
		if (!phb) {
			phb = model_add_phb(ctx, &ctx->model, DOMAIN_OF(key), DOMAIN_OF(key),
					    DOMAIN_OF(key), &r);
			if (!phb)
				return r;
		}
		{
			uint64_t up = rec.physfn_key != NO_KEY ? rec.physfn_key : rec.parent_key;
			struct eeh_func *a = up != NO_KEY ? hashmap_get(&ctx->model.func_by_bdf, up)
							  : NULL;

			/* the PE of the bridge above (or of the PF) */
			parent = a ? a->pe : NULL;
		}
		rec.pe_addr = rec.pe_addr >= 0 ? rec.pe_addr : rec.group;
		pe = model_add_pe(&ctx->model, phb, (uint32_t)rec.pe_addr,
				  rec.physfn_key != NO_KEY ? EEH_PE_TYPE_VF : EEH_PE_TYPE_DEVICE,
				  (uint32_t)rec.pe_addr, rec.group, parent, &r);
		if (!pe) {
			if (r == -EEXIST) {
				err(ctx, "one PE, one IOMMU group violated: %s: group %d already "
				    "belongs to another PE; left out", bdf, rec.group);
				h->stats.group_mismatch++;
				h->stats.skipped++;
			}
			return r;
		}
	} else if (pe->nfuncs && pe->type == EEH_PE_TYPE_DEVICE) {
		pe->type = EEH_PE_TYPE_BUS;
	}
	fn = model_add_func(&ctx->model, pe, DOMAIN_OF(key), (key >> 8) & 0xff, key & 0xff, &r);
	if (!fn)
		return r;
	fn->vendor = rec.vendor;
	fn->device = rec.device;
	fn->class_code = rec.class_code;
	fn->multifunction = (rec.hdr & 0x80) != 0;
	memcpy(fn->bar, rec.bar, sizeof(fn->bar));
	if (rec.physfn_key != NO_KEY)
		fn->physfn = hashmap_get(&ctx->model.func_by_bdf, rec.physfn_key);
	h->stats.added++;
	h->stats.funcs = ctx->model.nfuncs;
	info(ctx, "%s added to %s", bdf, pe->name);
	return 0;
}

bool host_func_gone(struct eeh_ctx *ctx, struct eeh_func *f)
{
	return hashmap_get(&ctx->model.func_by_bdf,
			   HOST_BDF_KEY(f->domain, f->bus, f->devfn)) != f;
}

static void unlink_pe(struct eeh_ctx *ctx, struct host *h, struct eeh_pe *pe)
{
	struct eeh_model *m = &ctx->model;
	struct eeh_phb *phb = pe->phb;
	struct eeh_pe **pp, *prev = NULL;

	for (pp = &phb->pes; *pp; prev = *pp, pp = &(*pp)->next)
		if (*pp == pe) {
			*pp = pe->next;
			if (phb->last_pe == pe)
				phb->last_pe = prev;
			break;
		}
	if (pe->parent)
		for (pp = &pe->parent->first_child; *pp; pp = &(*pp)->next_sibling)
			if (*pp == pe) {
				*pp = pe->next_sibling;
				break;
			}
	hashmap_del(&m->pe_by_addr, ((uint64_t)phb->index << 32) | pe->addr);
	if (pe->group >= 0)
		hashmap_del(&m->pe_by_group, (uint64_t)pe->group);
	phb->npes--;
	m->npes--;
	atomic_fetch_or(&pe->kflags, EEH_PE_REMOVED);
	pe->next = h->dead_pes;
	h->dead_pes = pe;
	if (pe->parent && !pe->parent->nfuncs && !pe->parent->first_child &&
	    !(atomic_load(&pe->parent->kflags) & EEH_PE_REMOVED))
		unlink_pe(ctx, h, pe->parent);
}

void discover_remove_func(struct eeh_ctx *ctx, struct host *h, struct eeh_func *f)
{
	struct eeh_model *m = &ctx->model;
	struct eeh_pe *pe = f->pe;
	struct eeh_func **pp;

	if (host_func_gone(ctx, f))
		return;
	hashmap_del(&m->func_by_bdf, HOST_BDF_KEY(f->domain, f->bus, f->devfn));
	for (pp = &pe->funcs; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	pe->nfuncs--;
	m->nfuncs--;
	f->next = h->dead_funcs;
	h->dead_funcs = f;
	h->stats.removed++;
	h->stats.funcs = m->nfuncs;
	info(ctx, "%s removed from %s", f->bdf, pe->name);
	/* A PE with no function left is gone too; its children (if any
	 * remain) keep it as their parent until they go. */
	if (!pe->nfuncs && !pe->first_child)
		unlink_pe(ctx, h, pe);
}
