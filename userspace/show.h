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

#endif /* KTGTCTL_SHOW_H */
