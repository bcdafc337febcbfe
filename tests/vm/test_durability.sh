#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The durability contract (Documentation/conformance.rst), checked with a
# power cut. The backing disk is a null_blk device with a volatile write
# cache (memory_backed, cache_size): powering it off through configfs drops
# whatever is still in its cache, as a real disk's power loss would. ktgt
# serves it; the initiator writes with sg_dd (SCSI WRITE through SG_IO, so
# the initiator's kernel adds no flush of its own); the disk is cut while
# the session is up; then it is powered on again and read locally.
#   - WCE=0: every write that got GOOD is there.
#   - WCE=1: FUA writes, and writes followed by SYNCHRONIZE CACHE, are there.
#   - Control: a WCE=1 write with neither is gone, which shows the cut
#     really loses what only reached the cache.
# On 6.12, null_blk can also hide FUA (fua=0): the block layer must then
# turn ktgt's REQ_FUA into a flush. Prints TAP. ktgt only.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:durable
NULLB=/sys/kernel/config/nullb
PAT=$LOGDIR/pattern
BLK=512
MiB=$((1 << 20))

diag "target $TARGET_KIND, kernel $(uname -r)"
if [ "$TARGET_KIND" != ktgt ]; then
	skip "durability" "sets write-cache per LUN with ktgtctl"
	done_testing
	exit
fi

check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "configfs" eval 'mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config'
check "modprobe null_blk nr_devices=0" modprobe null_blk nr_devices=0 || bail_out "no null_blk"
check "target $IQN" eval 'tgt_target_add "$IQN" && tgt_portal_add "$IQN" "$PORTAL" &&
	tgt_acl_add "$IQN" ALL' || bail_out "no target"
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery" iscsi_discover
check "a 1 MiB random pattern" dd if=/dev/urandom of="$PAT" bs=$MiB count=1 status=none

# nullb_create NAME FUA: a 64 MiB disk with a 32 MiB volatile cache
nullb_create() {
	local d=$NULLB/$1
	mkdir "$d" && echo 64 >"$d/size" && echo 1 >"$d/memory_backed" &&
		echo 32 >"$d/cache_size" && echo $BLK >"$d/blocksize" || return
	if [ -e "$d/fua" ]; then
		echo "$2" >"$d/fua" || return
	fi
	echo 1 >"$d/power"
}
# 6.12 names the disk after its configfs directory, 6.1 after its index
nullb_dev() {
	if [ -b "/dev/$1" ]; then
		echo "/dev/$1"
	else
		echo "/dev/nullb$(cat "$NULLB/$1/index")"
	fi
}
nullb_power() { echo "$2" >"$NULLB/$1/power"; }

# write_at DISK MIB [OFLAG]: the pattern at offset MIB MiB, with sg_dd
write_at() {
	sg_dd if="$PAT" of="$1" bs=$BLK seek=$(($2 * MiB / BLK)) count=$((MiB / BLK)) \
		oflag=sgio${3:+,$3} 2>&1
}

# holds DEV MIB: the pattern is at offset MIB MiB of DEV (read locally)
holds() {
	dd if="$1" bs=$MiB skip="$2" count=1 iflag=direct status=none | cmp -s - "$PAT"
}

# round NAME FUA WCE: one LUN on a fresh disk, writes, a power cut, checks
round() {
	check "$1 (device FUA $2, WCE $3): null_blk disk with a volatile cache" \
		nullb_create "$1" "$2" && _round "$@"
	iscsi_logout "$IQN" >/dev/null 2>&1
	ktgtctl lun del "$IQN" 1 >/dev/null 2>&1
	nullb_power "$1" 0 2>/dev/null
	rmdir "$NULLB/$1"
}
_round() {
	local name=$1 fua=$2 wce=$3 disk dev tag="$1 (device FUA $2, WCE $3)"
	dev=$(nullb_dev "$name")
	check "$tag: lun add $dev write-cache $wce" \
		ktgtctl lun add "$IQN" 1 "$dev" write-cache "$wce" || return
	check "$tag: login" iscsi_login "$IQN" || return
	if ! disk=$(iscsi_disk "$IQN" 1); then
		not_ok "$tag: LUN 1 has a disk"
		return
	fi
	if [ "$wce" = off ]; then
		check "$tag: plain WRITE at 0 MiB" write_at "$disk" 0
	else
		check "$tag: FUA WRITE at 0 MiB" write_at "$disk" 0 fua
		check "$tag: plain WRITE at 8 MiB" write_at "$disk" 8
		check "$tag: SYNCHRONIZE CACHE" sg_sync "$disk"
		check "$tag: plain WRITE at 16 MiB, never synced" write_at "$disk" 16
	fi
	check "$tag: power cut with the session up" nullb_power "$name" 0
	# the initiator's last SYNCHRONIZE CACHE at logout fails: no disk
	iscsi_logout "$IQN" >/dev/null 2>&1
	check "$tag: lun del" ktgtctl lun del "$IQN" 1
	check "$tag: power on" nullb_power "$name" 1
	dev=$(nullb_dev "$name")
	if [ "$wce" = off ]; then
		check "$tag: the acknowledged write survived" holds "$dev" 0
	else
		check "$tag: the FUA write survived" holds "$dev" 0
		check "$tag: the synced write survived" holds "$dev" 8
		check "$tag: control: the unsynced write was lost" eval '! holds "$dev" 16'
	fi
}

round dur_native_wt 1 off
round dur_native_wb 1 on
if [ -e "$NULLB/features" ] && grep -qw fua "$NULLB/features"; then
	round dur_nofua_wt 0 off
	round dur_nofua_wb 0 on
else
	diag "this null_blk cannot hide FUA (no fua attribute): native FUA only"
fi

stop_iscsid
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
