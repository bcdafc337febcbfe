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
	SCSI.Reserve6
	SCSI.PrinReadKeys
	SCSI.PrinServiceactionRange
	SCSI.PrinReportCapabilities
	SCSI.ProutRegister
	SCSI.ProutReserve
	SCSI.ProutClear
	SCSI.ProutPreempt
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

run_suite() {
	libiscsi_suite "iscsi-test-cu $1" "$URL" "$1" "$LOGDIR/libiscsi-$1.log"
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
