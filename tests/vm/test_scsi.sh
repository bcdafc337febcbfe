#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SBC/SPC commands beyond the basics (VERIFY, WRITE AND VERIFY,
# PRE-FETCH, UNMAP, WRITE SAME, REPORT SUPPORTED OPERATION CODES, MODE
# SENSE/SELECT, ...) through libiscsi's iscsi-test-cu, in a guest
# (scripts/vm-run), on both backends: a 64 MiB brd ramdisk as LUN 1 (block
# device backend) and a 64 MiB file on the guest's tmpfs as LUN 2 (file
# backend), plus a read-only file LUN 3 for SCSI.ReadOnly. One TAP line per
# suite and LUN; the full iscsi-test-cu output
# is in scsi-<lun>-<suite>.log in the output directory. Set
# KTGT_SCSI_SUITES to run other suites on both LUNs.
#
# libiscsi has no MODE SELECT test, so the Linux initiator (open-iscsi, sd
# and sg3-utils) then checks that WCE can be toggled, shows in MODE SENSE,
# is reported changeable, and that other changes are refused.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:scsi
DEV=/dev/ram0
FILE=/tmp/ktgt-scsi-lun2.img
ROFILE=/tmp/ktgt-scsi-lun3.img

# Both LUNs: the commands whose execution depends on the backend.
BACKEND_SUITES=(
	SCSI.Verify10 SCSI.WriteVerify16 SCSI.Unmap SCSI.WriteSame10
	SCSI.CompareAndWrite
)
# The file LUN only: libiscsi's UnmapSingle is wrong with more than one
# logical block per physical block (brd's is a page); Documentation/conformance.rst
FILE_SUITES=(SCSI.GetLBAStatus)
# The block device LUN only: parsing and emulation, the same for any backend.
EMUL_SUITES=(
	SCSI.Verify12 SCSI.Verify16 SCSI.WriteVerify10 SCSI.WriteVerify12
	SCSI.WriteSame16
	SCSI.Prefetch10 SCSI.Prefetch16
	SCSI.Inquiry SCSI.ReadCapacity16
	SCSI.ReportSupportedOpcodes SCSI.ModeSense6
	SCSI.Read6 SCSI.Read12 SCSI.Read16 SCSI.Write12 SCSI.Write16
	SCSI.StartStopUnit SCSI.PreventAllow SCSI.Mandatory
)
if [ -n "${KTGT_SCSI_SUITES+set}" ]; then
	read -ra BACKEND_SUITES <<<"$KTGT_SCSI_SUITES"
	EMUL_SUITES=()
	FILE_SUITES=()
fi

diag "target $TARGET_KIND, kernel $(uname -r)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 ||
	bail_out "no ramdisk"
check "64 MiB file $FILE" truncate -s 64M "$FILE" || bail_out "no file"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "LUN 2: $FILE" tgt_lun_add "$IQN" 2 "$FILE" || bail_out "no file LUN"
ro_lun_add() {
	truncate -s 16M "$ROFILE" && ktgtctl lun add "$IQN" 3 "$ROFILE" readonly on
}
check "LUN 3: $ROFILE, read-only" ro_lun_add || bail_out "no read-only LUN"

known=$(iscsi-test-cu --list 2>&1)

# run_suite LUN SUITE: passes when CUnit ran at least one test and none
# failed. -d allows the data-destroying tests (both LUNs are ours).
run_suite() {
	local lun=$1 suite=$2
	if ! grep -qx "$suite" <<<"$known"; then
		skip "LUN $lun $suite" "not in this iscsi-test-cu's --list"
		return
	fi
	libiscsi_suite "LUN $lun iscsi-test-cu $suite" "iscsi://$PORTAL/$IQN/$lun" "$suite" \
		"$LOGDIR/scsi-$lun-$suite.log"
}

for suite in "${BACKEND_SUITES[@]}"; do
	run_suite 1 "$suite"
	run_suite 2 "$suite"
done
for suite in "${FILE_SUITES[@]}"; do
	run_suite 2 "$suite"
done
for suite in "${EMUL_SUITES[@]}"; do
	run_suite 1 "$suite"
done
# every write command, UNMAP and WRITE SAME included, is WRITE PROTECTED
[ ${#EMUL_SUITES[@]} -gt 0 ] && run_suite 3 SCSI.ReadOnly

# ---------------------------------------------------------------------------
# MODE SELECT through the Linux initiator.

# caching_byte DEV [PC]: byte 2 of the caching page (WCE is 0x04), from a
# MODE SENSE(6) without block descriptors; PC 1 asks for the changeable bits.
caching_byte() {
	sg_modes -6 -d -r -p 8 -c "${2:-0}" "$1" | od -An -tx1 -j6 -N1 | tr -d ' '
}

# set_wce DEV 0|1: MODE SELECT(6) of the caching page through sg_wr_mode.
set_wce() {
	sg_wr_mode -6 -p 8 -c "0,0,$(($2 * 4))" -m 0,0,4 "$1" &&
		[ "$(caching_byte "$1")" = "0$(($2 * 4))" ]
}

# sd_cache_type DEV TYPE: sd's own MODE SELECT, then its MODE SENSE re-read.
sd_cache_type() {
	local f
	f=$(echo "/sys/block/${1#/dev/}/device/scsi_disk/"*/cache_type)
	echo "$2" >"$f" && [ "$(cat "$f")" = "$2" ]
}

# discard_zeroes DEV: 1 MiB of 0xff, blkdiscard (UNMAP, since the LUN
# reports LBPU), then zeros; the file backend sets LBPRZ.
discard_zeroes() {
	local mode
	mode=$(cat "/sys/block/${1#/dev/}/device/scsi_disk/"*/provisioning_mode)
	[ "$mode" = unmap ] || { echo "provisioning_mode $mode"; return 1; }
	head -c 1048576 /dev/zero | tr '\0' '\377' >/tmp/ktgt-scsi-ff.bin &&
		dd if=/tmp/ktgt-scsi-ff.bin of="$1" bs=1M count=1 oflag=direct &&
		blkdiscard -o 0 -l 1M "$1" &&
		cmp -n 1048576 "$1" /dev/zero
}

# not CMD...: CMD fails (and says why).
not() {
	! "$@"
}

# refused DEV: a caching page that also sets RCD (not changeable) gets
# INVALID FIELD IN PARAMETER LIST.
refused() {
	local out
	out=$(sg_wr_mode -v -6 -f -p 8 -c 8,12,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 "$1" 2>&1)
	echo "$out"
	grep -qi 'invalid field in parameter list' <<<"$out"
}

# the initiator's disk has the backing store's physical block size (READ
# CAPACITY(16)'s LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT)
same_physical_block() { # DISK BYTES
	local got
	got=$(cat "/sys/block/${1#/dev/}/queue/physical_block_size") || return
	sg_readcap -l "$1"
	echo "physical block $got, want $2"
	[ "$got" = "$2" ]
}

# VPD page 86h: listed in page 00h, and with what ktgt claims
extended_inquiry() { # DISK
	local out
	sg_vpd -p 0 "$1" | grep -qi 'extended inquiry' || { sg_vpd -p 0 "$1"; return 1; }
	out=$(sg_vpd -p ei "$1") || return
	echo "$out"
	grep -q 'SIMPSUP=1' <<<"$out" && grep -q 'V_SUP=1' <<<"$out" &&
		grep -q 'HEADSUP=0' <<<"$out"
}

if true; then
	load_initiator_modules
	check "start iscsid" start_iscsid
	check "discovery" iscsi_discover
	check "login $IQN" iscsi_login "$IQN"
	if d=$(iscsi_disk "$IQN" 1); then
		ok "LUN 1 is $d"
		check "LUN 1: physical block of $DEV ($(cat /sys/block/ram0/queue/physical_block_size))" \
			same_physical_block "$d" "$(cat /sys/block/ram0/queue/physical_block_size)"
		check "LUN 1: VPD 86h, extended INQUIRY data" extended_inquiry "$d"
		check "caching page: WCE is changeable" test "$(caching_byte "$d" 1)" = 04
		check "MODE SELECT(6) WCE=0 shows in MODE SENSE" set_wce "$d" 0
		check "MODE SELECT(6) WCE=1 shows in MODE SENSE" set_wce "$d" 1
		check "sd: cache_type write through" sd_cache_type "$d" "write through"
		check "sd: cache_type write back" sd_cache_type "$d" "write back"
		check "MODE SELECT of a bit that is not changeable is refused" refused "$d"
		check "the refused MODE SELECT changed nothing" test "$(caching_byte "$d")" = 04
		# libiscsi 1.19 takes any INVALID FIELD IN CDB to a MAINTENANCE IN
		# for "not implemented", so its OneCommand test stops early: check
		# the one-command forms with sg_opcodes.
		check "sg_opcodes: all commands, with timeouts" sg_opcodes -R "$d"
		check "sg_opcodes: READ(16), one command" sg_opcodes -o 0x88 "$d"
		check "sg_opcodes: READ CAPACITY(16), opcode and service action" \
			sg_opcodes -o 0x9e,0x10 "$d"
		check "sg_opcodes: an opcode with service actions needs one" \
			not sg_opcodes -o 0x9e "$d"
		check "sg_opcodes: task management functions (abort task, LU reset)" \
			eval 'out=$(sg_opcodes -t "$d") && echo "$out" &&
			grep -qi "abort task" <<<"$out" && grep -qi "logical unit reset" <<<"$out"'
	else
		not_ok "LUN 1 has a disk"
	fi
	if d=$(iscsi_disk "$IQN" 2); then
		check "LUN 2 ($d): sd discards with UNMAP, the file reads back zeros" \
			discard_zeroes "$d"
		check "LUN 2: a file's physical block is its logical block, 512" \
			same_physical_block "$d" 512
	else
		not_ok "LUN 2 has a disk"
	fi
	check "logout $IQN" iscsi_logout "$IQN"
	stop_iscsid
fi

check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
