#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions: open-iscsi losing its TCP connection mid I/O (session
# reinstatement, data verified), then raw-initiator cases for reinstatement,
# logout during writes, and login/logout cycles checked against ktgt's
# live-object counters in debugfs.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:session
DEV=/dev/ram0

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "uses ktgt's debugfs counters"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "debugfs" eval 'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug'
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery and login" eval 'iscsi_discover && iscsi_login "$IQN"'
DISK=$(iscsi_disk "$IQN" 1)
result $? "disk appears ($DISK)"

check "fio writes a verify pattern" \
	fio --name=w --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=8 --rw=write \
	--bs=64k --size=32m --verify=crc32c --do_verify=0
# sessions opened so far, as ktgt logs them
sessions_opened() {
	dmesg | grep -c "ktgt: $IQN: session [0-9]* from"
}
opened_before=$(sessions_opened)
check "kill the initiator's TCP connection" ss -K dst 127.0.0.1 dport = 3260
reinstated() {
	[ "$(sessions_opened)" -gt "$opened_before" ] &&
		ktgtctl show "$IQN" | grep -q "I_T nexus:"
}
check "open-iscsi logs in again: a new session replaces the old" wait_for 60 reinstated
check "fio verifies the data after reinstatement" \
	fio --name=w --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=8 --rw=read \
	--bs=64k --size=32m --verify=crc32c --verify_only
check "logout" iscsi_logout "$IQN"
stop_iscsid

# ktgtctl monitor reports the raw client's reinstatement below
MON=$LOGDIR/monitor.txt
monitor_start "$MON"
python3 "$(dirname "${BASH_SOURCE[0]}")/session_cases.py" "$IQN" 200 >"$LOGDIR/session.tap" 2>&1
tap_import "$LOGDIR/session.tap"
check "monitor saw a reinstate event (the session replaced)" \
	wait_for 20 grep -Eq "^reinstate $IQN tsih [0-9]+ initiator " "$MON"
monitor_stop

check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
