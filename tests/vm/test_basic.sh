#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end, in a guest (scripts/vm-run): two targets on one portal, a
# 256 MiB brd ramdisk and a 64 MiB file; open-iscsi discovers and logs in to
# both; sg3-utils checks INQUIRY and the capacity; fio writes every block of
# each disk and verifies it twice; then logout, target removal, module unload.
# Prints TAP. KTGT_TEST_TARGET=lio runs the same against LIO.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RAM_IQN=iqn.2026-11.org.ktgt:ram
FILE_IQN=iqn.2026-11.org.ktgt:file
RAM_DEV=/dev/ram0
RAM_SIZE=$((256 << 20))
FILE=/tmp/ktgt-file.img
FILE_SIZE=$((64 << 20))
IQNS=("$RAM_IQN" "$FILE_IQN")
declare -A BACKING=([$RAM_IQN]=$RAM_DEV [$FILE_IQN]=$FILE)
declare -A SIZE=([$RAM_IQN]=$RAM_SIZE [$FILE_IQN]=$FILE_SIZE)
declare -A DISK=()

diag "target $TARGET_KIND, kernel $(uname -r)"

check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 256 MiB $RAM_DEV" modprobe brd rd_nr=1 rd_size=$((RAM_SIZE >> 10))
check "64 MiB file disk $FILE" fallocate -l $FILE_SIZE $FILE

for iqn in "${IQNS[@]}"; do
	check "target add $iqn" tgt_target_add "$iqn"
	check "portal add $iqn $PORTAL" tgt_portal_add "$iqn" "$PORTAL"
	check "lun add $iqn 1 ${BACKING[$iqn]}" tgt_lun_add "$iqn" 1 "${BACKING[$iqn]}"
	check "acl add $iqn ALL" tgt_acl_add "$iqn" ALL
done

show_names_all() {
	local out
	out=$(tgt_show) || return
	echo "$out"
	for iqn in "${IQNS[@]}"; do
		grep -qF "$iqn" <<<"$out" || { echo "missing target $iqn"; return 1; }
		grep -qF "${BACKING[$iqn]}" <<<"$out" || { echo "missing LUN ${BACKING[$iqn]}"; return 1; }
	done
	grep -qE 'LUN: (.*[^0-9])?1$' <<<"$out" || { echo "no LUN 1"; return 1; }
}
check "show names both targets and their LUNs" show_names_all

check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'

discover_all() {
	local out
	out=$(iscsi_discover "$PORTAL") || return
	echo "$out"
	for iqn in "${IQNS[@]}"; do
		grep -qE "^$PORTAL,[0-9]+ $iqn\$" <<<"$out" || { echo "missing $iqn"; return 1; }
	done
}
check "discovery on $PORTAL_IP lists both targets" discover_all

for iqn in "${IQNS[@]}"; do
	check "login $iqn" iscsi_login "$iqn"
done

for iqn in "${IQNS[@]}"; do
	if d=$(iscsi_disk "$iqn" 1); then
		DISK[$iqn]=$d
		ok "$iqn LUN 1 is $d"
	else
		not_ok "$iqn LUN 1 has a disk"
		diag "$(find /sys/class/iscsi_session/ 2>&1 | head -20)"
	fi
done

inquiry() { # DEV
	local out
	out=$(sg_inq "$1") || return
	echo "$out"
	grep -q 'Peripheral device type: disk' <<<"$out"
}

capacity() { # DEV BYTES
	local out bytes
	out=$(sg_readcap "$1") || return
	echo "$out"
	bytes=$(sed -n 's/.*Device size: \([0-9]*\) bytes.*/\1/p' <<<"$out")
	[ "$bytes" = "$2" ] || { echo "size $bytes, want $2"; return 1; }
}

# REPORT LUNS: exactly LUN 1 (peripheral addressing: 0001000000000000)
report_luns() {
	local out
	out=$(sg_luns "$1") || return
	echo "$out"
	[ "$(grep -cE '^ +[0-9a-f]{16}' <<<"$out")" -eq 1 ] && grep -qE '^ +0001000000000000' <<<"$out"
}

# Every block, 256 KiB requests, 16 in flight, each block's crc32c checked
# right after the write pass (do_verify) and again by a second, read-only run.
fio_write_verify() { # FILE TAG DIRECT [FIO-ARG...]
	local dev=$1 tag=$2 direct=$3
	shift 3
	timeout 600 fio --name=v --filename="$dev" --rw=write --bs=256k --direct="$direct" \
		--ioengine=libaio --iodepth=16 --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --eta=never "$@" --output="$LOGDIR/fio-$tag.log" || {
		cat "$LOGDIR/fio-$tag.log"
		return 1
	}
	grep -E 'WRITE:|READ:' "$LOGDIR/fio-$tag.log"
}

for iqn in "${IQNS[@]}"; do
	d=${DISK[$iqn]:-}
	tag=${iqn##*:}
	if [ -z "$d" ]; then
		for t in "sg_inq" "sg_readcap" "sg_luns" "fio write+verify" "fio verify pass"; do
			not_ok "$t $iqn: no disk"
		done
		continue
	fi
	check "sg_inq $d ($iqn): a disk" inquiry "$d"
	check "sg_readcap $d ($iqn): ${SIZE[$iqn]} bytes" capacity "$d" "${SIZE[$iqn]}"
	check "sg_luns $d ($iqn): REPORT LUNS lists LUN 1" report_luns "$d"
	check "fio write+verify all of $d ($iqn)" fio_write_verify "$d" "$tag-write" 1
	check "fio read-verify all of $d ($iqn)" fio_write_verify "$d" "$tag-verify" 1 --verify_only
done

# Where the payload went (debugfs ktgt/datapath): every byte fio read left
# from the commands' pages without a copy, every byte it wrote landed
# straight in them, and the page pool served most pages.
datapath() { # MIN-READ MIN-WRITTEN
	local f=/sys/kernel/debug/ktgt/datapath out zc copied direct hits misses
	out=$(cat "$f") || return
	echo "$out"
	zc=$(awk '$1 == "data_in_zerocopy_bytes" { print $2 }' <<<"$out")
	copied=$(awk '$1 == "data_in_copied_bytes" { print $2 }' <<<"$out")
	direct=$(awk '$1 == "data_out_direct_bytes" { print $2 }' <<<"$out")
	hits=$(awk '$1 == "page_pool_hits" { print $2 }' <<<"$out")
	misses=$(awk '$1 == "page_pool_misses" { print $2 }' <<<"$out")
	[ "${zc:-0}" -ge "$1" ] || { echo "zero-copy Data-In $zc < $1"; return 1; }
	[ "$copied" = 0 ] || { echo "copied Data-In: $copied bytes"; return 1; }
	[ "${direct:-0}" -ge "$2" ] || { echo "direct Data-Out $direct < $2"; return 1; }
	[ "${hits:-0}" -gt "${misses:-0}" ] || { echo "pool: $hits hits, $misses misses"; return 1; }
}
if [ "$TARGET_KIND" = ktgt ]; then
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	check "datapath: Data-In sent zero-copy, Data-Out received in place" \
		datapath $((2 * (RAM_SIZE + FILE_SIZE))) $((RAM_SIZE + FILE_SIZE))
fi

for iqn in "${IQNS[@]}"; do
	check "logout $iqn" iscsi_logout "$iqn"
done

# What fio wrote through iSCSI must be on the backing store itself, at the
# same offsets. brd takes O_DIRECT; a file on tmpfs may not.
for iqn in "${IQNS[@]}"; do
	b=${BACKING[$iqn]}
	if [ -z "${DISK[$iqn]:-}" ]; then
		not_ok "$b holds what fio wrote: no disk"
		continue
	fi
	direct=1
	[ -b "$b" ] || direct=0
	check "$b holds what fio wrote through $iqn" \
		fio_write_verify "$b" "${iqn##*:}-backing" $direct --verify_only
done
for iqn in "${IQNS[@]}"; do
	check "target del $iqn" tgt_target_del "$iqn"
done
stop_iscsid
check "$(tgt_unload_desc)" tgt_unload
done_testing
