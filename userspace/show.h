/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: print targets as text (laid out like tgtadm's "show") or JSON.
 */
#ifndef KTGTCTL_SHOW_H
#define KTGTCTL_SHOW_H

#include <stdio.h>

#include "json.h"
#include "target.h"

void ktgt_show_text(FILE *f, const struct ktgt_target *t);
void ktgt_show_json(struct json_writer *w, const struct ktgt_target *t);
void ktgt_show_session_text(FILE *f, const struct ktgt_target *t,
			    const struct ktgt_session_info *s);
void ktgt_show_session_json(struct json_writer *w, const struct ktgt_target *t,
			    const struct ktgt_session_info *s);
void ktgt_show_stats_text(FILE *f, const struct ktgt_target *t);
void ktgt_show_stats_json(struct json_writer *w, const struct ktgt_target *t);
const char *ktgt_event_name(uint8_t cmd);
void ktgt_show_discovery_text(FILE *f, const struct ktgt_target *t);
void ktgt_show_discovery_json(struct json_writer *w, const struct ktgt_target *t);
void ktgt_show_event_text(FILE *f, uint8_t cmd, const struct ktgt_target *t);
void ktgt_show_event_json(struct json_writer *w, uint8_t cmd, const struct ktgt_target *t);

#endif /* KTGTCTL_SHOW_H */
