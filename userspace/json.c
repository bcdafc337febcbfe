// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: a small streaming JSON writer.
 */
#include <inttypes.h>
#include <stddef.h>

#include "json.h"

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629, no
 * surrogates, no overlong forms), or 0 if there is none.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;

	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;

	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

static void escape_char(FILE *f, unsigned char c)
{
	/* pairs of (character, letter after the backslash) */
	static const char short_esc[] = "\bb\ff\nn\rr\tt\"\"\\\\";
	size_t i;

	for (i = 0; i < sizeof(short_esc) - 1; i += 2) {
		if (c == (unsigned char)short_esc[i]) {
			fprintf(f, "\\%c", short_esc[i + 1]);
			return;
		}
	}
	if (c < 0x20 || c == 0x7f)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

/**
 * json_escape() - write a string as a quoted JSON string
 * @f: the output
 * @s: the string; bytes that are not valid UTF-8 become U+FFFD, so the
 *     output is always valid JSON
 */
void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 1) {
			escape_char(f, *p);
		} else if (n) {
			fwrite(p, 1, n, f);
		} else {
			fputs("\\ufffd", f);
			n = 1;
		}
		p += n;
	}
	fputc('"', f);
}

/**
 * json_init() - start a JSON document
 * @w: the writer
 * @f: the output
 * @indent: spaces per level, 0 to write everything on one line
 */
void json_init(struct json_writer *w, FILE *f, int indent)
{
	w->f = f;
	w->indent = indent;
	w->depth = 0;
	w->has_items = 0;
}

static void newline(struct json_writer *w)
{
	if (w->indent)
		fprintf(w->f, "\n%*s", w->depth * w->indent, "");
}

/* Separate a new member from the previous one and write its key. */
static void member(struct json_writer *w, const char *key)
{
	uint32_t bit = 1u << (w->depth % JSON_MAX_DEPTH);

	if (w->depth) {
		if (w->has_items & bit)
			fputc(',', w->f);
		w->has_items |= bit;
		newline(w);
	}
	if (key) {
		json_escape(w->f, key);
		fputs(w->indent ? ": " : ":", w->f);
	}
}

static void begin(struct json_writer *w, const char *key, char open)
{
	member(w, key);
	fputc(open, w->f);
	w->depth++;
	w->has_items &= ~(1u << (w->depth % JSON_MAX_DEPTH));
}

static void end(struct json_writer *w, char close)
{
	bool had_items = w->has_items & (1u << (w->depth % JSON_MAX_DEPTH));

	w->depth--;
	if (had_items)
		newline(w);
	fputc(close, w->f);
	if (!w->depth)
		fputc('\n', w->f);
}

void json_begin_object(struct json_writer *w, const char *key)
{
	begin(w, key, '{');
}

void json_end_object(struct json_writer *w)
{
	end(w, '}');
}

void json_begin_array(struct json_writer *w, const char *key)
{
	begin(w, key, '[');
}

void json_end_array(struct json_writer *w)
{
	end(w, ']');
}

/* A NULL @val is written as null. */
void json_string(struct json_writer *w, const char *key, const char *val)
{
	member(w, key);
	if (val)
		json_escape(w->f, val);
	else
		fputs("null", w->f);
}

void json_uint(struct json_writer *w, const char *key, uint64_t val)
{
	member(w, key);
	fprintf(w->f, "%" PRIu64, val);
}

void json_bool(struct json_writer *w, const char *key, bool val)
{
	member(w, key);
	fputs(val ? "true" : "false", w->f);
}
