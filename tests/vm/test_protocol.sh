#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input and faults at the iSCSI level (shared/protocol-checklist.md),
# sent by a raw initiator (iscsi_raw.py), against a target with one 64 MiB
# ramdisk LUN. The cases print their own TAP; this wrapper sets up and tears
# down around them, and its own steps are TAP lines too.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:protocol
DEV=/dev/ram0

diag "target $TARGET_KIND, kernel $(uname -r)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"

# a second target that needs CHAP (user alice), with an outgoing account
CHAP_IQN=$IQN-chap
chap_target() {
	ktgtctl target add "$CHAP_IQN" &&
		ktgtctl portal add "$CHAP_IQN" "$PORTAL" &&
		truncate -s 16M /tmp/chap.img &&
		ktgtctl lun add "$CHAP_IQN" 1 /tmp/chap.img &&
		ktgtctl acl add "$CHAP_IQN" ALL &&
		ktgtctl account add "$CHAP_IQN" alice alice-secret-1 &&
		ktgtctl account add "$CHAP_IQN" target target-secret-1 outgoing
}
check "CHAP target $CHAP_IQN" chap_target

# the cases' TAP lines are renumbered into this script's plan
python3 "$(dirname "${BASH_SOURCE[0]}")/protocol_cases.py" "$IQN" "${PORTAL%:*}" "${PORTAL##*:}" \
	>"$LOGDIR/protocol.tap" 2>&1
tap_import "$LOGDIR/protocol.tap"

check "target del $CHAP_IQN" tgt_target_del "$CHAP_IQN"
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
