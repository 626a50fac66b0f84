/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Topology files (doc/topology.md): the PHBs, PEs and functions of a
 * simulated host, optionally with the simulator state (an "image").
 * A file is loaded into a fresh model and swapped in only when all of it
 * is valid, so a bad file never leaves a half-loaded host.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "libeeh-private.h"

#define TOPOLOGY_FORMAT "libeeh-topology-1"

struct topo_loader {
	struct eeh_ctx *ctx;
	struct eeh_model model;
	const char *origin;
	char path[160];
	bool with_state;
};

__attribute__((format(printf, 2, 3))) int topo_fail(struct topo_loader *ld, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err(ld->ctx, "%s: %s%s%s", ld->origin, ld->path, ld->path[0] ? ": " : "", msg);
	return -EINVAL;
}

/* Push a path component; returns the previous length to pop back to. */
size_t topo_path_push(struct topo_loader *ld, const char *fmt, ...)
{
	size_t len = strlen(ld->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ld->path + len, sizeof(ld->path) - len, fmt, ap);
	va_end(ap);
	return len;
}

void topo_path_pop(struct topo_loader *ld, size_t len)
{
	ld->path[len] = '\0';
}

/* A number as a JSON integer or a string ("0x..." hex or decimal). */
int topo_get_u64(struct topo_loader *ld, json_object *obj, const char *key, bool required,
		   uint64_t def, uint64_t max, uint64_t *out)
{
	json_object *v;
	size_t len;
	int r = 0;

	*out = def;
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			r = topo_fail(ld, "missing \"%s\"", key);
		return r;
	}
	len = topo_path_push(ld, ".%s", key);
	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		/* json-c holds integers past INT64_MAX as unsigned (the saver
		 * writes times that way): read those whole. */
		if (i < 0)
			r = topo_fail(ld, "must not be negative");
		else
			*out = json_object_get_uint64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;

		errno = 0;
		*out = strtoull(s, &end, 0);
		if (*s < '0' || *s > '9' || *end || errno)
			r = topo_fail(ld, "expected a number, got \"%s\"", s);
	} else {
		r = topo_fail(ld, "expected a number or a string like \"0x10\"");
	}
	if (!r && *out > max)
		r = topo_fail(ld, "value 0x%llx is larger than 0x%llx", (unsigned long long)*out,
			 (unsigned long long)max);
	topo_path_pop(ld, len);
	return r;
}

int topo_get_bool(struct topo_loader *ld, json_object *obj, const char *key, bool def, bool *out)
{
	json_object *v;
	size_t len;
	int r = 0;

	*out = def;
	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	len = topo_path_push(ld, ".%s", key);
	if (!json_object_is_type(v, json_type_boolean))
		r = topo_fail(ld, "expected true or false");
	else
		*out = json_object_get_boolean(v);
	topo_path_pop(ld, len);
	return r;
}

int topo_get_array(struct topo_loader *ld, json_object *obj, const char *key, bool required,
		     json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out)) {
		if (required)
			return topo_fail(ld, "missing \"%s\" (an array)", key);
		return 0;
	}
	if (!json_object_is_type(*out, json_type_array))
		return topo_fail(ld, "\"%s\" must be an array", key);
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int load_bar(struct topo_loader *ld, struct eeh_func *f, json_object *jb)
{
	uint64_t idx, addr, size;
	json_object *flags;
	struct eeh_bar *b;
	int r;

	if (!json_object_is_type(jb, json_type_object))
		return topo_fail(ld, "expected an object");
	if ((r = topo_get_u64(ld, jb, "bar", true, 0, 5, &idx)) ||
	    (r = topo_get_u64(ld, jb, "addr", true, 0, UINT64_MAX, &addr)) ||
	    (r = topo_get_u64(ld, jb, "size", true, 0, UINT64_MAX, &size)))
		return r;
	b = &f->bar[idx];
	if (b->size || (idx > 0 && (f->bar[idx - 1].flags & EEH_BAR_MEM64)))
		return topo_fail(ld, "BAR %llu is already in use", (unsigned long long)idx);
	if (json_object_object_get_ex(jb, "flags", &flags)) {
		if (!json_object_is_type(flags, json_type_array))
			return topo_fail(ld, "\"flags\" must be an array of \"io\", \"mem64\", \"prefetch\"");
		for (size_t i = 0; i < json_object_array_length(flags); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(flags, i));

			if (s && !strcmp(s, "io"))
				b->flags |= EEH_BAR_IO;
			else if (s && !strcmp(s, "mem64"))
				b->flags |= EEH_BAR_MEM64;
			else if (s && !strcmp(s, "prefetch"))
				b->flags |= EEH_BAR_PREFETCH;
			else
				return topo_fail(ld, "unknown BAR flag \"%s\"", s ? s : "");
		}
	}
	if ((b->flags & EEH_BAR_IO) && (b->flags & (EEH_BAR_MEM64 | EEH_BAR_PREFETCH)))
		return topo_fail(ld, "an I/O BAR cannot be mem64 or prefetch");
	if ((b->flags & EEH_BAR_MEM64) && (idx == 5 || f->bar[idx + 1].size))
		return topo_fail(ld, "a 64-bit BAR needs the next BAR slot free");
	if (!is_pow2(size) || size < ((b->flags & EEH_BAR_IO) ? 4 : 16))
		return topo_fail(ld, "size 0x%llx is not a power of two of at least %d",
			    (unsigned long long)size, (b->flags & EEH_BAR_IO) ? 4 : 16);
	if (addr & (size - 1))
		return topo_fail(ld, "address 0x%llx is not aligned to its size",
			    (unsigned long long)addr);
	/* No 4 GiB limit for a 32-bit BAR: addr is the CPU address, as the
	 * kernel's sysfs resource file gives it. A 32-bit BAR's bus address
	 * lies below 4 GiB, but the PHB's window maps it anywhere in CPU
	 * space (on POWER, far above 4 GiB), and captured hosts say so. */
	b->addr = addr;
	b->size = size;
	return 0;
}

static int load_func_state(struct topo_loader *ld, struct eeh_func *f, json_object *jf)
{
	json_object *v;
	const char *hex;
	int r;

	if ((r = topo_get_bool(ld, jf, "cfg_poweron", false, &f->cfg_poweron)))
		return r;
	if (!json_object_object_get_ex(jf, "config", &v))
		return 0;
	hex = json_object_get_string(v);
	if (!hex || strlen(hex) != 2 * sizeof(f->regs->cfg) + 2 * sizeof(f->regs->mmio))
		return topo_fail(ld, "\"config\" must hold %zu hex digits",
			    2 * (sizeof(f->regs->cfg) + sizeof(f->regs->mmio)));
	f->regs = calloc(1, sizeof(*f->regs));
	if (!f->regs)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(*f->regs); i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return topo_fail(ld, "\"config\" has a non-hex digit at %zu", 2 * i);
		((uint8_t *)f->regs)[i] = (uint8_t)byte;
	}
	return topo_get_bool(ld, jf, "mmio_dirty", false, &f->mmio_dirty);
}

static int load_func(struct topo_loader *ld, struct eeh_pe *pe, json_object *jf)
{
	unsigned int domain, bus, devfn;
	uint64_t vendor, device, class_code;
	json_object *v, *bars;
	struct eeh_func *f;
	const char *s;
	size_t len;
	int r;

	if (!json_object_is_type(jf, json_type_object))
		return topo_fail(ld, "expected an object");
	if (!json_object_object_get_ex(jf, "bdf", &v) || !json_object_is_type(v, json_type_string))
		return topo_fail(ld, "missing \"bdf\" (a string like \"0000:01:00.0\")");
	s = json_object_get_string(v);
	if (parse_bdf(s, &domain, &bus, &devfn) < 0) {
		len = topo_path_push(ld, ".bdf");
		r = topo_fail(ld, "expected DDDD:BB:DD.F, got \"%s\"", s);
		topo_path_pop(ld, len);
		return r;
	}
	if (domain != pe->phb->domain)
		return topo_fail(ld, "%s is not in domain %04x of its PHB", s, pe->phb->domain);
	if ((r = topo_get_u64(ld, jf, "vendor", true, 0, 0xffff, &vendor)) ||
	    (r = topo_get_u64(ld, jf, "device", true, 0, 0xffff, &device)) ||
	    (r = topo_get_u64(ld, jf, "class", false, 0, 0xffffff, &class_code)))
		return r;
	f = model_add_func(&ld->model, pe, domain, bus, devfn, &r);
	if (!f)
		return r == -EEXIST ? topo_fail(ld, "function %s is listed twice", s) : r;
	f->vendor = (uint16_t)vendor;
	f->device = (uint16_t)device;
	f->class_code = (uint32_t)class_code;
	if (json_object_object_get_ex(jf, "physfn", &v)) {
		unsigned int pd, pb, pdf;
		const char *ps = json_object_get_string(v);

		if (!ps || parse_bdf(ps, &pd, &pb, &pdf) < 0)
			return topo_fail(ld, "\"physfn\" must be a BDF");
		f->physfn = hashmap_get(&ld->model.func_by_bdf,
					((uint64_t)pd << 16) | (pb << 8) | pdf);
		if (!f->physfn || f->physfn == f)
			return topo_fail(ld, "physfn %s must name a function listed earlier", ps);
	}
	if ((r = topo_get_array(ld, jf, "bars", false, &bars)))
		return r;
	for (size_t i = 0; bars && i < json_object_array_length(bars); i++) {
		len = topo_path_push(ld, ".bars[%zu]", i);
		r = load_bar(ld, f, json_object_array_get_idx(bars, i));
		topo_path_pop(ld, len);
		if (r)
			return r;
	}
	if (ld->with_state && (r = load_func_state(ld, f, jf)))
		return r;
	return 0;
}

static const struct {
	const char *name;
	uint8_t type;
} pe_types[] = { { "device", EEH_PE_TYPE_DEVICE },
		 { "bus", EEH_PE_TYPE_BUS },
		 { "vf", EEH_PE_TYPE_VF } };

/* The kernel's part of an image's PE "state" object; the backend's
 * pe_load hook reads the rest and calls this. */
int topology_load_pe_common(struct topo_loader *ld, struct eeh_pe *pe, json_object *st)
{
	uint64_t v;
	int r;

	if ((r = topo_get_u64(ld, st, "freeze_tstamp_us", false, 0, UINT64_MAX,
			      &pe->freeze_tstamp_us)) ||
	    (r = topo_get_u64(ld, st, "freeze_count", false, 0, UINT32_MAX, &v)))
		return r;
	pe->freeze_count = (unsigned int)v;
	if ((r = topo_get_u64(ld, st, "flags", false, 0, UINT32_MAX, &v)))
		return r;
	atomic_store(&pe->kflags, (uint32_t)v);
	return 0;
}

static int load_pe(struct topo_loader *ld, struct eeh_phb *phb, json_object *jpe)
{
	uint64_t number, addr, group, parent_no;
	struct eeh_pe *pe, *parent = NULL;
	json_object *v, *funcs;
	uint8_t type = 0;
	int r;

	if (!json_object_is_type(jpe, json_type_object))
		return topo_fail(ld, "expected an object");
	if ((r = topo_get_u64(ld, jpe, "number", true, 0, UINT32_MAX, &number)) ||
	    (r = topo_get_u64(ld, jpe, "group", true, 0, INT32_MAX, &group)))
		return r;
	if (!json_object_object_get_ex(jpe, "type", &v) || !v) /* absent or null */
		return topo_fail(ld, "missing \"type\" (device, bus or vf)");
	for (size_t i = 0; i < ARRAY_SIZE(pe_types); i++)
		if (!strcmp(json_object_get_string(v), pe_types[i].name))
			type = pe_types[i].type;
	if (!type)
		return topo_fail(ld, "unknown PE type \"%s\" (device, bus or vf)",
			    json_object_get_string(v));
	if (model_pe_by_number(phb, (uint32_t)number))
		return topo_fail(ld, "PE number 0x%llx is listed twice", (unsigned long long)number);
	if (json_object_object_get_ex(jpe, "parent", &v) && !json_object_is_type(v, json_type_null)) {
		if ((r = topo_get_u64(ld, jpe, "parent", true, 0, UINT32_MAX, &parent_no)))
			return r;
		parent = model_pe_by_number(phb, (uint32_t)parent_no);
		if (!parent)
			return topo_fail(ld, "parent PE 0x%llx must be listed earlier on this PHB",
				    (unsigned long long)parent_no);
	}
	if ((r = topo_get_array(ld, jpe, "functions", true, &funcs)))
		return r;
	if (json_object_array_length(funcs) == 0)
		return topo_fail(ld, "a PE needs at least one function");
	/* Default PE address: the config address of its first function's bus
	 * (and device, for device and VF PEs), register fields zero. */
	{
		json_object *f0 = json_object_array_get_idx(funcs, 0), *b;
		unsigned int d, bus = 0, devfn = 0;

		if (json_object_object_get_ex(f0, "bdf", &b))
			parse_bdf(json_object_get_string(b) ? json_object_get_string(b) : "", &d,
				  &bus, &devfn);
		addr = ((uint64_t)bus << 16) | (type == EEH_PE_TYPE_BUS ? 0 : (uint64_t)devfn << 8);
	}
	if ((r = topo_get_u64(ld, jpe, "addr", false, addr, UINT32_MAX, &addr)))
		return r;
	pe = model_add_pe(&ld->model, phb, (uint32_t)number, type, (uint32_t)addr, (int)group,
			  parent, &r);
	if (!pe) {
		if (r != -EEXIST)
			return r;
		if (hashmap_get(&ld->model.pe_by_group, group))
			return topo_fail(ld, "IOMMU group %llu already belongs to another PE "
				    "(one PE is one IOMMU group)", (unsigned long long)group);
		return topo_fail(ld, "PE address 0x%llx is used twice on this PHB",
			    (unsigned long long)addr);
	}
	for (size_t i = 0; i < json_object_array_length(funcs); i++) {
		size_t len = topo_path_push(ld, ".functions[%zu]", i);

		r = load_func(ld, pe, json_object_array_get_idx(funcs, i));
		topo_path_pop(ld, len);
		if (r)
			return r;
	}
	if (type == EEH_PE_TYPE_VF)
		for (struct eeh_func *f = pe->funcs; f; f = f->next)
			if (!f->physfn)
				return topo_fail(ld, "function %s of a VF PE needs \"physfn\"", f->bdf);
	/* The backend's part: a simulated PE's reset offer and its state. */
	if (ld->ctx->ops && ld->ctx->ops->pe_load)
		return ld->ctx->ops->pe_load(ld, pe, jpe, ld->with_state);
	return 0;
}

static int load_phb(struct topo_loader *ld, json_object *jphb)
{
	uint64_t index, buid, domain;
	json_object *pes;
	struct eeh_phb *phb;
	int r;

	if (!json_object_is_type(jphb, json_type_object))
		return topo_fail(ld, "expected an object");
	if ((r = topo_get_u64(ld, jphb, "index", true, 0, 0xffff, &index)) ||
	    (r = topo_get_u64(ld, jphb, "buid", true, 0, UINT64_MAX, &buid)) ||
	    (r = topo_get_u64(ld, jphb, "domain", false, index, 0xffff, &domain)) ||
	    (r = topo_get_array(ld, jphb, "pes", true, &pes)))
		return r;
	phb = model_add_phb(ld->ctx, &ld->model, (unsigned int)index, buid, (unsigned int)domain, &r);
	if (!phb)
		return r == -EEXIST ? topo_fail(ld, "PHB index, BUID or domain is used twice") : r;
	for (size_t i = 0; i < json_object_array_length(pes); i++) {
		size_t len = topo_path_push(ld, ".pes[%zu]", i);

		r = load_pe(ld, phb, json_object_array_get_idx(pes, i));
		topo_path_pop(ld, len);
		if (r)
			return r;
	}
	return 0;
}

/* A function is multi-function when its device has another function. */
static void mark_multifunction(struct eeh_model *m)
{
	for (struct eeh_phb *phb = m->phbs; phb; phb = phb->next)
		for (struct eeh_pe *pe = phb->pes; pe; pe = pe->next)
			for (struct eeh_func *f = pe->funcs; f; f = f->next)
				for (unsigned int fn = 0; fn < 8 && !f->multifunction; fn++) {
					unsigned int devfn = (f->devfn & ~7u) | fn;

					f->multifunction =
						devfn != f->devfn &&
						hashmap_get(&m->func_by_bdf,
							    ((uint64_t)f->domain << 16) |
								    (f->bus << 8) | devfn);
				}
}

int topology_load_json(struct eeh_ctx *ctx, json_object *root, const char *origin)
{
	struct topo_loader ld = { .ctx = ctx, .origin = origin };
	json_object *phbs, *v;
	uint64_t max_freezes, clock_us;
	bool enabled;
	int r;

	model_init(&ld.model);
	if (!json_object_is_type(root, json_type_object)) {
		r = topo_fail(&ld, "the top level must be an object");
		goto out;
	}
	/* A JSON null is present but has no string. */
	if (json_object_object_get_ex(root, "format", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	     strcmp(json_object_get_string(v), TOPOLOGY_FORMAT) != 0)) {
		r = topo_fail(&ld, "unknown format \"%s\" (expected \"%s\")",
			 v ? json_object_get_string(v) : "null", TOPOLOGY_FORMAT);
		goto out;
	}
	ld.with_state = json_object_object_get_ex(root, "clock_us", NULL);
	if ((r = topo_get_u64(&ld, root, "max_freezes", false, EEH_DEFAULT_MAX_FREEZES, UINT32_MAX,
			 &max_freezes)) ||
	    (r = topo_get_u64(&ld, root, "clock_us", false, 0, UINT64_MAX, &clock_us)) ||
	    (r = topo_get_bool(&ld, root, "eeh_enabled", true, &enabled)) ||
	    (r = topo_get_array(&ld, root, "phbs", true, &phbs)))
		goto out;
	if (json_object_array_length(phbs) == 0) {
		r = topo_fail(&ld, "\"phbs\" is empty: a host needs at least one PHB");
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(phbs); i++) {
		snprintf(ld.path, sizeof(ld.path), "phbs[%zu]", i);
		r = load_phb(&ld, json_object_array_get_idx(phbs, i));
		if (r)
			goto out;
	}
	mark_multifunction(&ld.model);
	model_free(&ctx->model);
	ctx->model = ld.model;
	ctx->max_freezes = (unsigned int)max_freezes;
	ctx->eeh_enabled = enabled;
	atomic_store(&ctx->clock.virt_us, clock_us);
	return 0;
out:
	model_free(&ld.model);
	return r;
}

int topology_load_string(struct eeh_ctx *ctx, const char *json, const char *origin)
{
	enum json_tokener_error jerr;
	json_object *root;
	int r;

	root = json_tokener_parse_verbose(json, &jerr);
	if (!root) {
		err(ctx, "%s: not valid JSON: %s", origin, json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	r = topology_load_json(ctx, root, origin);
	json_object_put(root);
	return r;
}

static char *read_file(struct eeh_ctx *ctx, int fd, const char *path, int *errp)
{
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		err(ctx, "%s: is a directory, not a JSON file", path);
		*errp = -EISDIR;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size > 256 * 1024 * 1024) {
		err(ctx, "%s: not a readable file of sane size", path);
		*errp = -EINVAL;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		*errp = -ENOMEM;
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*errp = n < 0 ? -errno : -EIO;
			err(ctx, "%s: read failed", path);
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

int topology_load_file(struct eeh_ctx *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
	char *buf;

	if (fd < 0) {
		r = -errno;
		err(ctx, "%s: cannot open: %s", path, strerror(errno));
		return r;
	}
	buf = read_file(ctx, fd, path, &r);
	close(fd);
	if (!buf)
		return r;
	r = topology_load_string(ctx, buf, path);
	free(buf);
	return r;
}

/* ---- writing ---- */

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

static json_object *func_to_json(struct eeh_func *f, bool with_state)
{
	json_object *jf = json_object_new_object(), *bars = json_object_new_array();

	json_object_object_add(jf, "bdf", json_object_new_string(f->bdf));
	json_object_object_add(jf, "vendor", hex(f->vendor));
	json_object_object_add(jf, "device", hex(f->device));
	json_object_object_add(jf, "class", hex(f->class_code));
	if (f->physfn)
		json_object_object_add(jf, "physfn", json_object_new_string(f->physfn->bdf));
	for (unsigned int i = 0; i < 6; i++) {
		json_object *jb, *flags;

		if (!f->bar[i].size)
			continue;
		jb = json_object_new_object();
		flags = json_object_new_array();
		json_object_object_add(jb, "bar", json_object_new_int((int)i));
		json_object_object_add(jb, "addr", hex(f->bar[i].addr));
		json_object_object_add(jb, "size", hex(f->bar[i].size));
		if (f->bar[i].flags & EEH_BAR_IO)
			json_object_array_add(flags, json_object_new_string("io"));
		if (f->bar[i].flags & EEH_BAR_MEM64)
			json_object_array_add(flags, json_object_new_string("mem64"));
		if (f->bar[i].flags & EEH_BAR_PREFETCH)
			json_object_array_add(flags, json_object_new_string("prefetch"));
		json_object_object_add(jb, "flags", flags);
		json_object_array_add(bars, jb);
	}
	json_object_object_add(jf, "bars", bars);
	if (with_state) {
		json_object_object_add(jf, "cfg_poweron", json_object_new_boolean(f->cfg_poweron));
		if (f->regs) {
			size_t n = sizeof(*f->regs);
			char *s = malloc(2 * n + 1);

			for (size_t i = 0; s && i < n; i++)
				snprintf(s + 2 * i, 3, "%02x", ((uint8_t *)f->regs)[i]);
			if (s)
				json_object_object_add(jf, "config", json_object_new_string(s));
			free(s);
			json_object_object_add(jf, "mmio_dirty",
					       json_object_new_boolean(f->mmio_dirty));
		}
	}
	return jf;
}

/* The kernel's part of an image's PE "state" object (pe_save_state). */
void topology_save_pe_common(struct eeh_pe *pe, json_object *st)
{
	json_object_object_add(st, "freeze_count", json_object_new_int64(pe->freeze_count));
	json_object_object_add(st, "freeze_tstamp_us",
			       json_object_new_uint64(pe->freeze_tstamp_us));
	json_object_object_add(st, "flags", json_object_new_int64(atomic_load(&pe->kflags)));
}

json_object *topology_to_json(struct eeh_ctx *ctx, bool with_state)
{
	json_object *root = json_object_new_object(), *phbs = json_object_new_array();
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	struct eeh_func *f;

	json_object_object_add(root, "format", json_object_new_string(TOPOLOGY_FORMAT));
	json_object_object_add(root, "max_freezes", json_object_new_int64(ctx->max_freezes));
	json_object_object_add(root, "eeh_enabled", json_object_new_boolean(ctx->eeh_enabled));
	if (with_state)
		json_object_object_add(root, "clock_us",
				       json_object_new_uint64(eeh_clock_now_us(ctx)));
	eeh_phb_foreach(ctx, phb) {
		json_object *jphb = json_object_new_object(), *pes = json_object_new_array();

		json_object_object_add(jphb, "index", json_object_new_int((int)phb->index));
		json_object_object_add(jphb, "buid", hex(phb->buid));
		json_object_object_add(jphb, "domain", json_object_new_int((int)phb->domain));
		eeh_pe_foreach(phb, pe) {
			json_object *jpe = json_object_new_object(), *funcs = json_object_new_array();

			json_object_object_add(jpe, "number", json_object_new_int64(pe->number));
			json_object_object_add(jpe, "type",
					       json_object_new_string(eeh_pe_type_name(pe->type)));
			json_object_object_add(jpe, "addr", hex(pe->addr));
			json_object_object_add(jpe, "group", json_object_new_int(pe->group));
			if (pe->parent)
				json_object_object_add(jpe, "parent",
						       json_object_new_int64(pe->parent->number));
			if (ctx->ops && ctx->ops->pe_save)
				ctx->ops->pe_save(pe, jpe);
			eeh_func_foreach(pe, f)
				json_object_array_add(funcs, func_to_json(f, with_state));
			json_object_object_add(jpe, "functions", funcs);
			if (with_state && ctx->ops && ctx->ops->pe_save_state)
				json_object_object_add(jpe, "state", ctx->ops->pe_save_state(pe));
			json_object_array_add(pes, jpe);
		}
		json_object_object_add(jphb, "pes", pes);
		json_object_array_add(phbs, jphb);
	}
	json_object_object_add(root, "phbs", phbs);
	return root;
}

/* Write atomically: a temporary file in the same directory, then rename.
 * With lock_fd, the new file is locked before it takes the old one's
 * place, and *lock_fd (the lock on the old one) is swapped for it. */
static int write_json_file(struct eeh_ctx *ctx, const char *path, json_object *root, int *lock_fd)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 16);
	const char *text;
	int fd, r = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		err(ctx, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	for (size_t off = 0, n = strlen(text); off < n;) {
		ssize_t w = write(fd, text + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (!r && (write(fd, "\n", 1) != 1 || fsync(fd) < 0))
		r = -EIO;
	/* Nobody else knows the new file yet: this lock cannot wait. */
	if (!r && lock_fd && flock(fd, LOCK_EX | LOCK_NB) < 0)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (!r && lock_fd) {
		close(*lock_fd);
		*lock_fd = fd;
	} else if (close(fd) < 0 && !r) {
		r = -EIO;
	}
	if (r) {
		err(ctx, "%s: write failed: %s", path, strerror(-r));
		unlink(tmp);
	}
	free(tmp);
	return r;
}

char *topology_resolve_path(const char *path)
{
	char *cur = realpath(path, NULL);
	struct stat st;

	if (cur || errno != ENOENT)
		return cur;
	/* No file (yet): a dangling link still names where it is created. */
	cur = strdup(path);
	for (int hops = 0; cur && hops < 40; hops++) {
		char target[PATH_MAX], *next, *slash;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash) {
			next = strdup(target);
		} else {
			size_t len = (size_t)(slash - cur) + 2 + (size_t)n;

			next = malloc(len);
			if (next)
				snprintf(next, len, "%.*s/%s", (int)(slash - cur), cur, target);
		}
		free(cur);
		cur = next;
	}
	if (cur) {
		free(cur);
		errno = ELOOP;
	}
	return NULL;
}

/* Only a backend that saves PE state has state worth saving (the simulator). */
static bool topology_has_state(struct eeh_ctx *ctx)
{
	return ctx->ops && ctx->ops->pe_save_state;
}

EEH_EXPORT int eeh_save_topology(struct eeh_ctx *ctx, const char *path)
{
	json_object *root;
	char *real;
	int r;

	if (!ctx || !path)
		return -EINVAL;
	real = topology_resolve_path(path); /* through a link, not over it */
	root = topology_to_json(ctx, topology_has_state(ctx));
	r = write_json_file(ctx, real ? real : path, root, NULL);
	json_object_put(root);
	free(real);
	return r;
}

EEH_EXPORT int eeh_save_image(struct eeh_ctx *ctx)
{
	json_object *root;
	int r;

	if (!ctx || !ctx->image_path)
		return -EINVAL;
	root = topology_to_json(ctx, true);
	r = write_json_file(ctx, ctx->image_path, root, &ctx->image_lock_fd);
	if (!r)
		ctx->image_saved = true;
	json_object_put(root);
	return r;
}
