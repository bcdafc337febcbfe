#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reservations and unit attentions with two initiators: raw sessions under
# two initiator names (pr_cases.py) for persistent and SPC-2 reservations,
# preemption, the unit attentions of resets, reinstatement, MODE SELECT and
# "ktgtctl lun add/del"; APTPL state across rmmod/insmod, and an APTPL
# that cannot be saved; then open-iscsi with sg_persist holding a
# reservation that the raw initiator runs into.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:pr
DEV=/dev/ram0
PRDIR=/var/lib/ktgt/pr
CASES=$(dirname "${BASH_SOURCE[0]}")/pr_cases.py
export KTGTCTL PR_SPARE=/var/tmp/ktgt-pr-spare.img

cases() { # PHASE
	python3 "$CASES" "$IQN" "$1" >"$LOGDIR/pr-$1.tap" 2>&1
	tap_import "$LOGDIR/pr-$1.tap"
}

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "uses ktgt's pr_dir module parameter"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
check "spare backing file" truncate -s 8M "$PR_SPARE"

# an APTPL state that cannot be written is never GOOD
check "insmod, pr_dir that does not exist" ktgt_insmod pr_dir=/nonexistent/ktgt-pr ||
	bail_out "the target would not load"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
cases aptpl-fails
check "target del $IQN" tgt_target_del "$IQN"
check "rmmod ktgt" tgt_unload

check "pr_dir $PRDIR" eval "mkdir -p $PRDIR && rm -f $PRDIR/*"
check "insmod, pr_dir=$PRDIR" ktgt_insmod pr_dir=$PRDIR || bail_out "the target would not load"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
cases main
check "APTPL state in $PRDIR/$IQN-1" grep -q "^aptpl 1" "$PRDIR/$IQN-1"
diag "$(cat "$PRDIR/$IQN-1" 2>&1)"

# restart the target: the APTPL reservation comes back with the LUN
check "target del $IQN" tgt_target_del "$IQN"
check "rmmod ktgt" tgt_unload
check "insmod again" ktgt_insmod pr_dir=$PRDIR || bail_out "the target would not load"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
cases aptpl-restored

# open-iscsi and sg_persist against a raw initiator
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery and login" eval 'iscsi_discover && iscsi_login "$IQN"'
DISK=$(iscsi_disk "$IQN" 1)
result $? "disk appears ($DISK)"
KEY=0x5e1f
sgp() { # expected-regex sg_persist-args...
	local want=$1 out
	shift
	out=$(sg_persist "$@" "$DISK" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	grep -Eqi -- "$want" <<<"$out"
}
check "sg_persist: report capabilities (CRH, PTPL_C, ATP_C)" \
	sgp "Persist Through Power Loss Capable.*1" -n --in --report-capabilities
check "sg_persist: register" sgp "" -n --out --register --param-sark=$KEY
check "sg_persist: read keys" sgp "$KEY" -n --in --read-keys
check "sg_persist: reserve WRITE EXCLUSIVE" sgp "" -n --out --reserve --param-rk=$KEY --prout-type=1
check "sg_persist: read reservation" sgp "Key=$KEY" -n --in --read-reservation
check "sg_persist: read full status" sgp "Key=$KEY" -n --in --read-full-status
check "dd writes through the holder's session" \
	dd if=/dev/zero of="$DISK" bs=4k count=16 oflag=direct status=none
cases foreign-we
check "sg_persist: release" sgp "" -n --out --release --param-rk=$KEY --prout-type=1
check "sg_persist: unregister" sgp "" -n --out --register --param-rk=$KEY --param-sark=0
check "sg_persist: no keys left" sgp "no registered reservation keys" -n --in --read-keys
check "logout" iscsi_logout "$IQN"
stop_iscsid

check "target del $IQN" tgt_target_del "$IQN"
check "rmmod ktgt" tgt_unload
rm -f "$PR_SPARE"
done_testing
