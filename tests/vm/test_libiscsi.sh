#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libiscsi's conformance suites (iscsi-test-cu) against one target, in a
# guest (scripts/vm-run): a 256 MiB brd ramdisk as LUN 1, ACL ALL (the suites
# log in under two initiator names). One TAP line per suite; the full
# iscsi-test-cu output is in libiscsi-<suite>.log in the output directory.
# KTGT_TEST_TARGET=lio runs the same against LIO.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:libiscsi
DEV=/dev/ram0
URL=iscsi://$PORTAL/$IQN/1
SUITES=(
	SCSI.TestUnitReady
	SCSI.Inquiry
	SCSI.ReadCapacity10
	SCSI.ReadCapacity16
	SCSI.ReportLuns
	SCSI.Read10
	SCSI.Write10
	iSCSI.iSCSIcmdsn
	iSCSI.iSCSIdatasn
	iSCSI.iSCSIResiduals
	iSCSI.iSCSITMF
)

diag "target $TARGET_KIND, kernel $(uname -r)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 256 MiB $DEV" modprobe brd rd_nr=1 rd_size=262144 ||
	bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"

known=$(iscsi-test-cu --list 2>&1)

# run_suite SUITE: passes when CUnit ran at least one test and none failed.
# -d allows the data-destroying tests (the ramdisk is ours).
run_suite() {
	local suite=$1 log=$LOGDIR/libiscsi-$1.log rc=0 summary ran failed
	timeout 300 iscsi-test-cu -d -t "$suite" "$URL" >"$log" 2>&1 || rc=$?
	# "  tests  12  12  10  2  0" (Type Total Ran Passed Failed Inactive)
	summary=$(awk '$1 == "tests" && NF >= 5 { print $3, $5; exit }' "$log")
	read -r ran failed <<<"${summary:-0 0}"
	if [ "$rc" -eq 0 ] && [ "$ran" -gt 0 ] && [ "$failed" -eq 0 ]; then
		ok "iscsi-test-cu $suite ($ran tests)"
	else
		not_ok "iscsi-test-cu $suite (exit $rc, $ran ran, $failed failed)"
		# "Test: X ...FAILED", then "1. file.c:155  - CU_ASSERT...(...)"
		diag "$(grep -E 'FAILED|CU_ASSERT|^ +[0-9]+\. .*:[0-9]+' "$log" | head -20)"
		diag "full output: ${log##*/}"
	fi
	# Checks skipped for a missing feature pass; say what was missing.
	grep -q SKIPPED "$log" && diag "$(grep -o '\[SKIPPED\].*' "$log" | sort -u | head -10)"
	return 0
}

for suite in "${SUITES[@]}"; do
	if ! grep -qx "$suite" <<<"$known"; then
		diag "$suite: not in this iscsi-test-cu's --list, skipped"
		continue
	fi
	run_suite "$suite"
done

check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
