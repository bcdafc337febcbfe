#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The backends and the SBC commands that depend on them, in a guest
# (scripts/vm-run). One target with five LUNs:
#   1  a 64 MiB brd ramdisk (block device backend)
#   2  a 64 MiB file on the guest's tmpfs (file backend)
#   3  null-store 1G, with INQUIRY identity strings (null backend)
#   4  a read-only 16 MiB file
#   5  a device-mapper device over a second ramdisk whose sectors
#      2048-4095 are dm-error
#   6  a 48 MiB file on ext4 on a third ramdisk, opened with O_DIRECT
# Through open-iscsi: a fio verify run on LUNs 1 and 2, a fio run on LUN 3
# (which keeps no data, so nothing to verify), and what ktgtctl show says.
# Then tests/vm/sbc_cases.py checks COMPARE AND WRITE across sessions, GET
# LBA STATUS, the read-only LUN, MEDIUM ERROR with the failing LBA (fixed
# and descriptor sense), and the null LUN's identity, byte by byte.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:backends
FILE=/tmp/ktgt-backends-lun2.img
ROFILE=/tmp/ktgt-backends-lun4.img
DM=ktgt-bad

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "tests ktgt's own backends"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: four 64 MiB ramdisks" modprobe brd rd_nr=4 rd_size=65536 ||
	bail_out "no ramdisk"
check "64 MiB file $FILE" truncate -s 64M "$FILE" || bail_out "no file"
check "16 MiB file $ROFILE" truncate -s 16M "$ROFILE" || bail_out "no file"

# dm_bad: /dev/ram1 with sectors 2048-4095 failing every I/O (dm-error).
dm_bad() {
	modprobe dm_mod &&
		printf '0 2048 linear /dev/ram1 0\n2048 2048 error\n4096 126976 linear /dev/ram1 4096\n' |
		DM_DISABLE_UDEV=1 dmsetup create "$DM" &&
		[ -b "/dev/mapper/$DM" ]
}
check "dm-error in /dev/mapper/$DM (sectors 2048-4095 fail)" dm_bad ||
	bail_out "no device-mapper device"

tgt_serve "$IQN" 1 /dev/ram0 || bail_out "the target would not serve /dev/ram0"
check "LUN 2: $FILE" ktgtctl lun add "$IQN" 2 "$FILE" || bail_out "no file LUN"
check "LUN 3: null-store 1G with identity strings" \
	ktgtctl lun add "$IQN" 3 null-store 1G vendor_id ACME product_id "Null Disk" \
	product_rev 0042 scsi_sn SN-NULL-3 scsi_id ID-NULL-3 || bail_out "no null LUN"
check "LUN 4: $ROFILE, read-only" ktgtctl lun add "$IQN" 4 "$ROFILE" readonly on ||
	bail_out "no read-only LUN"
check "LUN 5: /dev/mapper/$DM" ktgtctl lun add "$IQN" 5 "/dev/mapper/$DM" ||
	bail_out "no dm LUN"
DIRECT_MNT=/mnt/ktgt-direct
DIRECT_FILE=$DIRECT_MNT/lun6.img
check "ext4 on /dev/ram2, a 48 MiB file on it" eval 'mkfs.ext4 -q -F /dev/ram2 &&
	mkdir -p "$DIRECT_MNT" && mount /dev/ram2 "$DIRECT_MNT" &&
	fallocate -l 48M "$DIRECT_FILE"'
check "LUN 6: $DIRECT_FILE with direct on" ktgtctl lun add "$IQN" 6 "$DIRECT_FILE" direct on
check "direct on a block device is refused by the kernel" eval \
	'! ktgtctl lun add "$IQN" 7 /dev/ram3 direct on 2>"$LOGDIR/direct-bdev.err" &&
	cat "$LOGDIR/direct-bdev.err" && grep -q "direct is for files" "$LOGDIR/direct-bdev.err"'
check "show and JSON: LUN 6 has direct I/O, LUN 2 not" eval \
	'ktgtctl show "$IQN" | grep -q "Direct I/O: Yes" &&
	ktgtctl -j show "$IQN" | python3 -c "import json,sys; l=json.load(sys.stdin)[0][\"luns\"]; \
	d={x[\"lun\"]: x.get(\"direct\") for x in l}; assert d[6] is True and d[2] is False, d"'

# What ktgtctl says about the null LUN, as text and JSON
show_null() {
	local out
	out=$(ktgtctl show "$IQN") && echo "$out" &&
		grep -q "Backing store type: null" <<<"$out" &&
		grep -q "Vendor: ACME" <<<"$out" && grep -q "Product: Null Disk" <<<"$out" &&
		grep -q "SCSI SN: SN-NULL-3" <<<"$out" && grep -q "SCSI ID: ID-NULL-3" <<<"$out"
}
check "ktgtctl show: the null backend and the identity strings" show_null
check "ktgtctl -j show: the same in JSON" eval \
	'ktgtctl -j show "$IQN" | python3 -c "import json,sys; l=json.load(sys.stdin)[0][\"luns\"][2]; \
	assert l[\"backing_store_type\"] == \"null\" and l[\"size\"] == 1 << 30 and \
	l[\"vendor_id\"] == \"ACME\" and l[\"scsi_id\"] == \"ID-NULL-3\", l"'
# and save writes them back so that they load again unchanged
save_load() {
	ktgtctl save "$LOGDIR/backends.conf" && cat "$LOGDIR/backends.conf" &&
		grep -q "null-store 1G" "$LOGDIR/backends.conf" &&
		grep -q "vendor_id ACME" "$LOGDIR/backends.conf" &&
		ktgtctl --dry-run load "$LOGDIR/backends.conf" >"$LOGDIR/backends.plan" &&
		cat "$LOGDIR/backends.plan" && ! grep -q "lun" "$LOGDIR/backends.plan"
}
check "save writes null-store and the identity; loading it back changes nothing" save_load
# the kernel checks identity strings too: printable ASCII only
check "lun set on the null LUN: readonly on, then off (no file to check)" \
	eval 'ktgtctl lun set "$IQN" 3 readonly on && ktgtctl lun set "$IQN" 3 readonly off'
check "ktgtctl refuses a vendor_id that is not printable ASCII" \
	eval '! ktgtctl lun add "$IQN" 6 null-store 1M vendor_id "$(printf "a\\tb")"'

# ---------------------------------------------------------------------------
# fio through the Linux initiator

FIO=(fio --direct=1 --ioengine=libaio --iodepth=16 --size=48m --output-format=terse)
fio_verify() { # DEV
	"${FIO[@]}" --name=verify --filename="$1" --rw=randwrite --bs=4k --bsrange=4k-64k \
		--verify=crc32c --verify_fatal=1 --verify_backlog=64 --do_verify=1 &&
		"${FIO[@]}" --name=verify --filename="$1" --rw=randwrite --bs=4k --bsrange=4k-64k \
		--verify=crc32c --verify_fatal=1 --verify_only
}
fio_null() { # DEV: no data is kept, so no verify; the run must finish without errors
	"${FIO[@]}" --name=null --filename="$1" --rw=randrw --bs=4k --bsrange=512-128k \
		--runtime=20 --time_based &&
		cmp -n 1048576 "$1" /dev/zero
}

load_initiator_modules
check "start iscsid" start_iscsid
check "discovery" iscsi_discover
check "login $IQN" iscsi_login "$IQN"
# direct I/O leaves nothing of the file in the page cache
uncached() { # FILE
	local pages
	pages=$(fincore --bytes --noheadings --output PAGES "$1") || return
	echo "$1: $pages pages cached"
	[ "$pages" -eq 0 ]
}

for lun in 1 2 6; do
	if d=$(iscsi_disk "$IQN" $lun); then
		check "LUN $lun ($d): fio random writes of 4k-64k, verified (crc32c)" fio_verify "$d"
	else
		not_ok "LUN $lun has a disk"
	fi
done
check "LUN 6: fio went past the page cache (fincore)" uncached "$DIRECT_FILE"
if d=$(iscsi_disk "$IQN" 3); then
	check "LUN 3 ($d, null): fio random reads and writes; reads are zeros" fio_null "$d"
else
	not_ok "LUN 3 has a disk"
fi
check "logout $IQN" iscsi_logout "$IQN"
stop_iscsid

# ---------------------------------------------------------------------------
# byte-level cases with the raw initiator
# ktgtctl monitor reports the dm-error LUN's failures as lun-error events
MON=$LOGDIR/monitor.txt
monitor_start "$MON"
python3 "$(dirname "${BASH_SOURCE[0]}")/sbc_cases.py" "$IQN" >"$LOGDIR/sbc.tap" 2>&1
tap_import "$LOGDIR/sbc.tap"
check "monitor saw lun-error on LUN 5, with a failing block in 2048-4095 and EIO" \
	wait_for 20 grep -Eq "^lun-error $IQN lun 5 .* lba (204[89]|20[5-9][0-9]|2[1-9][0-9]{2}|3[0-9]{3}|40[0-8][0-9]|409[0-5]) error Input/output error" "$MON"
monitor_stop

check "target del $IQN" tgt_target_del "$IQN"
check "dmsetup remove $DM" dmsetup remove "$DM"
check "umount $DIRECT_MNT" umount "$DIRECT_MNT"

# ---------------------------------------------------------------------------
# direct-store: the identity comes from the device (scsi_debug: vendor
# Linux, model scsi_debug, its unit serial number)
SD_IQN=iqn.2026-11.org.ktgt:direct
sd_disk() {
	local b
	for b in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$b" ] && echo "/dev/${b##*/}" && return
	done
	return 1
}
direct_identity() {
	local dev=$1 sys sn out
	sys=/sys/dev/block/$(($(stat -c '0x%t' "$dev"))):$(($(stat -c '0x%T' "$dev")))/device
	sn=$(tail -c +5 "$sys/vpd_pg80" | tr -d '\0' | sed 's/^ *//; s/ *$//')
	printf '<target %s>\n    direct-store %s\n</target>\n' "$SD_IQN" "$dev" \
		>"$LOGDIR/direct.conf" &&
		ktgtctl load "$LOGDIR/direct.conf" &&
		out=$(ktgtctl show "$SD_IQN") && echo "$out" && echo "serial from sysfs: $sn" &&
		grep -q "Vendor: Linux" <<<"$out" && grep -q "Product: scsi_debug" <<<"$out" &&
		grep -q "Revision: $(cat "$sys/rev")" <<<"$out" &&
		{ [ -z "$sn" ] || grep -qF "SCSI SN: $sn" <<<"$out"; }
}
if modprobe scsi_debug dev_size_mb=16 && d=$(wait_for 30 sd_disk && sd_disk); then
	ok "scsi_debug disk $d"
	check "direct-store $d: vendor, product, revision and serial from the device" \
		direct_identity "$d"
	check "target del $SD_IQN" tgt_target_del "$SD_IQN"
	check "rmmod scsi_debug" rmmod scsi_debug
else
	not_ok "scsi_debug disk"
fi
check "$(tgt_unload_desc)" tgt_unload
done_testing
