#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of scripts/demo: each step printed, then run.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/vm/lib.sh"
trap - EXIT # lib.sh's TAP bookkeeping is for tests

IQN=iqn.2026-11.org.ktgt:demo

run() {
	echo "\$ $*"
	"$@"
}

echo "== ktgt demo on Linux $(uname -r)"
IFS=, read -ra deps <<<"$(modinfo -F depends "$KTGT_KO")"
[ ${#deps[@]} -eq 0 ] || run modprobe -a "${deps[@]}"
run insmod "${KTGT_KO#"$PWD"/}"
run modprobe brd rd_nr=1 rd_size=262144
run ktgtctl target add $IQN
run ktgtctl portal add $IQN "$PORTAL"
run ktgtctl lun add $IQN 1 /dev/ram0
run ktgtctl acl add $IQN ALL

echo "== the initiator: open-iscsi"
load_initiator_modules
start_iscsid
run iscsiadm -m discovery -t st -p "$PORTAL_IP"
run iscsiadm -m node -T $IQN -p "$PORTAL" -l
disk=$(iscsi_disk $IQN 1) || { echo "no disk appeared for $IQN" >&2; exit 1; }
run lsblk -o NAME,SIZE,TYPE,VENDOR,MODEL,REV "$disk" /dev/ram0

echo "== data written through iSCSI lands on the ramdisk"
run dd if=/dev/urandom of="$disk" bs=1M count=16 oflag=direct status=none
run cmp -n $((16 << 20)) "$disk" /dev/ram0
echo "(identical)"

echo "== what ktgt says"
run ktgtctl show

echo "== cleanup"
run iscsiadm -m node -T $IQN -p "$PORTAL" -u
stop_iscsid
run ktgtctl target del $IQN
run rmmod ktgt
echo "== demo done"
