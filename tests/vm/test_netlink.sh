#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed netlink requests sent raw (build/nl_malformed, libmnl): wrong
# attribute types, missing attributes, huge strings, unknown attributes,
# each refused with its errno and an extack message; and every operation
# refused (EPERM) to a caller without CAP_NET_ADMIN, dropped two ways.
# The target stays as it was and the kernel clean (vm-run checks dmesg).
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:netlink
NLM=$KTGT_REPO/build/nl_malformed

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "tests ktgt's netlink family"
[ -x "$NLM" ] || bail_out "$NLM is not built (make nl-malformed)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "target add $IQN, LUN 1" eval 'truncate -s 8M /tmp/nl.img && ktgtctl target add "$IQN" &&
	ktgtctl lun add "$IQN" 1 /tmp/nl.img'
ktgtctl save >"$LOGDIR/before.conf"

"$NLM" "$IQN" >"$LOGDIR/malformed.tap" 2>&1
tap_import "$LOGDIR/malformed.tap"

setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$NLM" --unprivileged "$IQN" >"$LOGDIR/setpriv.tap" 2>&1
tap_import "$LOGDIR/setpriv.tap"
capsh --drop=cap_net_admin -- -c "exec \"$NLM\" --unprivileged \"$IQN\"" \
	>"$LOGDIR/capsh.tap" 2>&1
tap_import "$LOGDIR/capsh.tap"
check "ktgtctl without CAP_NET_ADMIN: refused, exit 1" eval '
	capsh --drop=cap_net_admin -- -c "exec \"$KTGTCTL\" show" 2>"$LOGDIR/eperm.err"; [ $? = 1 ] &&
	grep -q "Operation not permitted" "$LOGDIR/eperm.err"'

check "the target is as it was" eval '[ "$(ktgtctl save)" = "$(cat "$LOGDIR/before.conf")" ]'
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
