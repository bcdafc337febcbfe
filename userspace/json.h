/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: a small streaming JSON writer. It tracks commas and indentation
 * so callers only say what to write.
 */
#ifndef KTGTCTL_JSON_H
#define KTGTCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	32

/**
 * struct json_writer - the state of one JSON document being written
 * @f: the output
 * @indent: spaces per nesting level, 0 for one line
 * @depth: the number of open objects and arrays
 * @has_items: bit n is set once the container at depth n has a member
 */
struct json_writer {
	FILE *f;
	int indent;
	int depth;
	uint32_t has_items;
};

void json_init(struct json_writer *w, FILE *f, int indent);
void json_escape(FILE *f, const char *s);

/* @key names the member inside an object and must be NULL inside an array. */
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *val);
void json_uint(struct json_writer *w, const char *key, uint64_t val);
void json_bool(struct json_writer *w, const char *key, bool val);

#endif /* KTGTCTL_JSON_H */
