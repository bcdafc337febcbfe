#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# open-iscsi with HeaderDigest and DataDigest set to CRC32C: the session
# must come up with both, and fio must write and verify a 64 MiB ramdisk
# through it. Digest errors themselves are in protocol_cases.py.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:digest
DEV=/dev/ram0

diag "target $TARGET_KIND, kernel $(uname -r)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery" iscsi_discover

set_digests() {
	local k
	for k in HeaderDigest DataDigest; do
		timeout 30 iscsiadm -m node -T "$IQN" -p "$PORTAL" -o update \
			-n "node.conn[0].iscsi.$k" -v CRC32C || return
	done
}
check "node set to CRC32C header and data digests" set_digests
check "login" iscsi_login "$IQN"

# the negotiated values, as open-iscsi reports them
session_digests() {
	local out
	out=$(timeout 30 iscsiadm -m session -P 2) || return
	echo "$out"
	grep -q 'HeaderDigest: CRC32C' <<<"$out" && grep -q 'DataDigest: CRC32C' <<<"$out"
}
check "session runs with CRC32C on both" session_digests

DISK=$(iscsi_disk "$IQN" 1)
result $? "disk appears ($DISK)"
check "fio write + crc32c verify of the whole LUN over digests" \
	fio --name=digest --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=16 \
	--rw=randwrite --bsrange=4k-256k --size=64m --verify=crc32c --do_verify=1 \
	--verify_fatal=1 --randrepeat=0

check "logout" iscsi_logout "$IQN"
stop_iscsid
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
