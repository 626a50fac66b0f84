/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a scenario file: a missing file, a JSON syntax error and a key
 * the format does not know are three different errors, each named with its
 * place (FILE:LINE:COLUMN). json-c reports an offset only for syntax
 * errors, so the keys are found by a second, small scan of the text that
 * knows where each object stands in the format (doc/scenarios.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* Where an object or array stands in the format. */
enum where { W_ANY, W_ROOT, W_DRIVERS, W_DRIVER, W_STEPS, W_STEP };

static const char *const root_keys[] = { "description", "topology", "max_freezes", "drivers",
					 "steps", NULL };
static const char *const driver_keys[] = { "function", "driver", "error_detected",
					   "mmio_enabled", "slot_reset", "needs_freset", NULL };

/* A step is named by its action key; each action takes these keys. */
static const struct {
	const char *action;
	const char *const keys[8];
} step_kinds[] = {
	{ "inject", { "func", "addr", "mask", "type", "expect_error", NULL } },
	{ "freeze", { NULL } },
	{ "fence", { NULL } },
	{ "bad_dma", { "addr", "write", NULL } },
	{ "access", { "kind", "bar", "offset", "addr", NULL } },
	{ "wait_ms", { NULL } },
	{ "expect_state", { "state", NULL } },
	{ "recover", { "expect", "path", "resets", "within_ms", "fell_back_to_hot", NULL } },
	{ "replace", { NULL } },
	{ "repeat", { "steps", NULL } },
};
#define NKINDS (sizeof(step_kinds) / sizeof(step_kinds[0]))

#define MAX_KEYS 64

struct key {
	char name[64];
	unsigned int line, col;
};

struct scan {
	const char *path, *s;
	size_t pos, len;
	unsigned int line, col;
	int err;
	char *why; /* "LINE:COL: what is wrong" */
	size_t whylen;
};

static void pos_of(const char *s, size_t off, unsigned int *line, unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int at_key(struct scan *sc, const struct key *k, const char *fmt, const char *a,
		  const char *b)
{
	int n = snprintf(sc->why, sc->whylen, "%u:%u: ", k->line, k->col);

	if (n > 0 && (size_t)n < sc->whylen)
		snprintf(sc->why + n, sc->whylen - (size_t)n, fmt, a, b);
	sc->err = -1;
	return -1;
}

static char peek(struct scan *sc)
{
	while (sc->pos < sc->len && strchr(" \t\r\n", sc->s[sc->pos])) {
		if (sc->s[sc->pos] == '\n') {
			sc->line++;
			sc->col = 1;
		} else {
			sc->col++;
		}
		sc->pos++;
	}
	return sc->pos < sc->len ? sc->s[sc->pos] : '\0';
}

static void advance(struct scan *sc)
{
	sc->pos++;
	sc->col++;
}

/* A string (the text is valid JSON: json-c parsed it first). */
static void scan_string(struct scan *sc, char *out, size_t outlen)
{
	size_t n = 0;

	advance(sc); /* the opening quote */
	while (sc->pos < sc->len && sc->s[sc->pos] != '"') {
		if (sc->s[sc->pos] == '\\')
			advance(sc);
		if (out && n + 1 < outlen)
			out[n++] = sc->s[sc->pos];
		advance(sc);
	}
	advance(sc);
	if (out)
		out[n] = '\0';
}

static unsigned int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned int d[64], prev;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		d[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int t = d[j], best = prev + (a[i - 1] != b[j - 1]);

			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = t;
		}
	}
	return d[lb];
}

static bool listed(const char *const *keys, const char *k)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, k))
			return true;
	return false;
}

/* "unknown key 'expct' in a recover step (did you mean 'expect'?)" */
static int unknown(struct scan *sc, const struct key *k, const char *where,
		   const char *const *keys, const char *also)
{
	char hint[96] = "";

	for (const char *const *c = keys; *c; c++)
		if (distance(k->name, *c) <= 2) {
			snprintf(hint, sizeof(hint), " (did you mean '%s'?)", *c);
			break;
		}
	if (!hint[0] && also && distance(k->name, also) <= 2)
		snprintf(hint, sizeof(hint), " (did you mean '%s'?)", also);
	snprintf(sc->why, sc->whylen, "%u:%u: unknown key '%s' in %s%s", k->line, k->col,
		 k->name, where, hint);
	sc->err = -1;
	return -1;
}

static int check_step(struct scan *sc, const struct key *keys, size_t n, unsigned int line,
		      unsigned int col)
{
	int kind = -1;
	const struct key *first = NULL;
	char where[64];

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < NKINDS; k++) {
			if (strcmp(keys[i].name, step_kinds[k].action))
				continue;
			if (kind >= 0)
				return at_key(sc, &keys[i], "a step has one action: '%s' after '%s'",
					      keys[i].name, first->name);
			kind = (int)k;
			first = &keys[i];
		}
	if (kind < 0) {
		struct key at = { .line = line, .col = col };
		const char *near = NULL;

		for (size_t i = 0; i < n && !near; i++)
			for (size_t k = 0; k < NKINDS && !near; k++)
				if (distance(keys[i].name, step_kinds[k].action) <= 2) {
					at = keys[i];
					near = step_kinds[k].action;
				}
		if (near)
			return at_key(sc, &at, "unknown step action '%s' (did you mean '%s'?)",
				      at.name, near);
		return at_key(sc, &at, "%s%s", "a step needs one action: inject, freeze, fence, bad_dma, "
			      "access, wait_ms, expect_state, recover, replace or repeat", "");
	}
	snprintf(where, sizeof(where), "a%s %s step", strchr("aeiou", step_kinds[kind].action[0])
			 ? "n" : "", step_kinds[kind].action);
	for (size_t i = 0; i < n; i++)
		if (&keys[i] != first && !listed(step_kinds[kind].keys, keys[i].name))
			return unknown(sc, &keys[i], where, step_kinds[kind].keys, NULL);
	return 0;
}

static int scan_value(struct scan *sc, enum where w);

static enum where child_of(enum where w, const char *key)
{
	if (w == W_ROOT && !strcmp(key, "drivers"))
		return W_DRIVERS;
	if ((w == W_ROOT || w == W_STEP) && !strcmp(key, "steps"))
		return W_STEPS;
	return W_ANY;
}

static int scan_object(struct scan *sc, enum where w)
{
	struct key keys[MAX_KEYS];
	unsigned int line = sc->line, col = sc->col;
	size_t n = 0;

	advance(sc);
	while (peek(sc) == '"') {
		struct key k = { .line = sc->line, .col = sc->col };

		scan_string(sc, k.name, sizeof(k.name));
		if (n < MAX_KEYS)
			keys[n++] = k;
		if (peek(sc) != ':')
			return -1;
		advance(sc);
		if (scan_value(sc, child_of(w, k.name)) < 0)
			return -1;
		if (peek(sc) == ',')
			advance(sc);
	}
	if (peek(sc) != '}')
		return -1;
	advance(sc);
	for (size_t i = 0; i < n; i++) {
		if (w == W_ROOT && !listed(root_keys, keys[i].name))
			return unknown(sc, &keys[i], "the scenario", root_keys, NULL);
		if (w == W_DRIVER && !listed(driver_keys, keys[i].name))
			return unknown(sc, &keys[i], "a driver", driver_keys, NULL);
	}
	return w == W_STEP ? check_step(sc, keys, n, line, col) : 0;
}

static int scan_array(struct scan *sc, enum where w)
{
	enum where elem = w == W_DRIVERS ? W_DRIVER : w == W_STEPS ? W_STEP : W_ANY;

	advance(sc);
	while (peek(sc) != ']' && sc->pos < sc->len) {
		if (scan_value(sc, elem) < 0)
			return -1;
		if (peek(sc) == ',')
			advance(sc);
	}
	advance(sc);
	return 0;
}

static int scan_value(struct scan *sc, enum where w)
{
	char c = peek(sc);

	if (c == '{')
		return scan_object(sc, w);
	if (c == '[')
		return scan_array(sc, w);
	if (c == '"') {
		scan_string(sc, NULL, 0);
		return 0;
	}
	while (sc->pos < sc->len && !strchr(",}] \t\r\n", sc->s[sc->pos]))
		advance(sc);
	return 0;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 4096 + 1);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		int e = errno;

		free(buf);
		buf = NULL;
		errno = e;
	} else {
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

json_object *scenario_load(const char *path, char *why, size_t whylen)
{
	struct json_tokener *tok;
	json_object *root;
	char *text = read_text(path);
	struct scan sc = { .path = path, .line = 1, .col = 1, .why = why, .whylen = whylen };
	unsigned int line, col;
	size_t end;

	if (!text) {
		snprintf(why, whylen, "cannot %s the scenario: %s", errno == ENOENT ? "find" : "read",
			 strerror(errno));
		fprintf(stderr, "eeh-inject: %s: %s\n", path, why);
		return NULL;
	}
	tok = json_tokener_new();
	root = tok ? json_tokener_parse_ex(tok, text, (int)strlen(text)) : NULL;
	end = tok ? json_tokener_get_parse_end(tok) : 0;
	if (root)
		end += strspn(text + end, " \t\r\n");
	if (!root || text[end]) {
		enum json_tokener_error e = tok ? json_tokener_get_error(tok) : json_tokener_success;

		pos_of(text, end, &line, &col);
		snprintf(why, whylen, "%u:%u: JSON syntax error: %s", line, col,
			 !root && e == json_tokener_continue ? "unexpected end of the file"
			 : root ? "text after the scenario object"
				: json_tokener_error_desc(e));
		fprintf(stderr, "eeh-inject: %s:%s\n", path, why);
		json_object_put(root);
		root = NULL;
	} else if (!json_object_is_type(root, json_type_object)) {
		snprintf(why, whylen, "1:1: a scenario is a JSON object");
		fprintf(stderr, "eeh-inject: %s:%s\n", path, why);
		json_object_put(root);
		root = NULL;
	} else {
		sc.s = text;
		sc.len = strlen(text);
		snprintf(why, whylen, "1:1: cannot follow the file's structure");
		if (scan_value(&sc, W_ROOT) < 0 || sc.err) {
			fprintf(stderr, "eeh-inject: %s:%s\n", path, why);
			json_object_put(root);
			root = NULL;
		} else {
			why[0] = '\0';
		}
	}
	json_tokener_free(tok);
	free(text);
	return root;
}
