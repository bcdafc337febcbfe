#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every SCSI.* suite this iscsi-test-cu lists (Debian's libiscsi 1.19 has
# 47), with -d, in a guest (scripts/vm-run): the acceptance run of issue 4.
# LUN 1 is a 64 MiB brd ramdisk and takes every suite but two:
# SCSI.ReadOnly runs on LUN 2, a read-only file, and SCSI.GetLBAStatus on
# LUN 3, a file, because libiscsi's UnmapSingle is wrong with more than one
# logical block per physical block (brd's physical block is a page;
# Documentation/conformance.rst). The ACL is ALL: the suites log in under
# two initiator names. One TAP line per suite; what libiscsi skipped for a
# feature ktgt lacks is listed as a diagnostic (conformance.rst explains
# each). Full outputs: all-<lun>-<suite>.log in the output directory.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:all
DEV=/dev/ram0
ROFILE=/var/tmp/ktgt-all-ro.img
FILE=/var/tmp/ktgt-all-file.img

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "uses ktgtctl for the read-only LUN"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
check "files for LUNs 2 and 3" eval 'truncate -s 16M "$ROFILE" && truncate -s 64M "$FILE"'
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "LUN 2: $ROFILE, read-only" ktgtctl lun add "$IQN" 2 "$ROFILE" readonly on
check "LUN 3: $FILE" ktgtctl lun add "$IQN" 3 "$FILE"

SUITES=()
read -ra SUITES <<<"$(iscsi-test-cu --list 2>&1 | grep -E '^SCSI\.[A-Za-z0-9]+$' | tr '\n' ' ')"
check "iscsi-test-cu lists SCSI suites (${#SUITES[@]})" test ${#SUITES[@]} -gt 0
for suite in "${SUITES[@]}"; do
	case $suite in
	SCSI.ReadOnly) lun=2 ;;
	SCSI.GetLBAStatus) lun=3 ;;
	*) lun=1 ;;
	esac
	libiscsi_suite "LUN $lun $suite" "iscsi://$PORTAL/$IQN/$lun" "$suite" \
		"$LOGDIR/all-$lun-$suite.log"
done

check "target del $IQN" tgt_target_del "$IQN"
rm -f "$ROFILE" "$FILE"
check "$(tgt_unload_desc)" tgt_unload
done_testing
