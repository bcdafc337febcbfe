#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane around live sessions: ktgtctl monitor (text and JSON)
# sees configuration changes and each open-iscsi login and logout;
# session show, stats and their counters; lun set (write cache, readonly,
# resize); a forced session logout; and deletes refused while sessions are
# logged in, then done with --force.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:events
DEV=/dev/ram0
IMG=/tmp/events-lun2.img
MON=$LOGDIR/monitor.txt
MONJ=$LOGDIR/monitor.jsonl

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "tests ktgtctl itself"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"

ktgtctl_bg() { "$KTGTCTL" "$@"; }
ktgtctl_bg monitor >"$MON" 2>"$LOGDIR/monitor.err" &
MON_PID=$!
ktgtctl_bg -j monitor >"$MONJ" 2>"$LOGDIR/monitor-json.err" &
MONJ_PID=$!
stop_monitors() {
	kill "$MON_PID" "$MONJ_PID" 2>/dev/null
	wait "$MON_PID" "$MONJ_PID" 2>/dev/null
	return 0
}

# seen FILE REGEX: the monitor wrote a matching line (within 20 s)
seen() {
	wait_for 20 grep -Eq "$2" "$1"
}

# Both monitors subscribe asynchronously: add and delete a probe target
# until both report it, so no later event can be missed.
_monitors_ready() {
	ktgtctl target add iqn.2026-11.org.ktgt:probe >/dev/null 2>&1
	ktgtctl target del iqn.2026-11.org.ktgt:probe >/dev/null 2>&1
	grep -q "^target-del iqn.2026-11.org.ktgt:probe" "$MON" &&
		grep -q '"event":"target-del"' "$MONJ"
}
check "both monitors receive events" wait_for 20 _monitors_ready ||
	bail_out "no events: $(cat "$LOGDIR"/monitor*.err)"

tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "monitor: target-add" seen "$MON" "^target-add $IQN\$"
check "monitor: portal-add" seen "$MON" "^portal-add $IQN portal 127.0.0.1:3260\$"
check "monitor: lun-add with the path and size" \
	seen "$MON" "^lun-add $IQN lun 1 path $DEV size 64 MB readonly off write-cache on\$"
check "monitor: acl-add" seen "$MON" "^acl-add $IQN acl ALL\$"
check "monitor: target-set" eval 'ktgtctl target set "$IQN" MaxBurstLength 524288 &&
	seen "$MON" "^target-set $IQN .*MaxBurstLength=524288"'

check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery and login" eval 'iscsi_discover && iscsi_login "$IQN"'
DISK=$(iscsi_disk "$IQN" 1)
result $? "disk appears ($DISK)"
INITIATOR=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
check "monitor: login with TSIH, initiator and address" \
	seen "$MON" "^login $IQN tsih [0-9]+ initiator $INITIATOR isid 0x[0-9a-f]{12} address 127.0.0.1:[0-9]+\$"
TSIH=$(sed -nE "s/^login $IQN tsih ([0-9]+) .*/\1/p" "$MON" | tail -n1)
diag "session TSIH $TSIH"

# json_check FILE PYTHON: run PYTHON with d bound to the JSON in FILE
json_check() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"
}
# the JSON lines of the monitor, as a list in d
jsonl_check() {
	python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; $2" "$1"
}
check "monitor -j: every line is JSON; the login carries the session" \
	jsonl_check "$MONJ" "
s=[e['target']['sessions'][0] for e in d if e['event']=='login']
assert s and s[-1]['tsih']==$TSIH and s[-1]['initiator']=='$INITIATOR', s
assert s[-1]['connections'][0]['peer']['address']=='127.0.0.1', s"

check "session show: TSIH, initiator, ISID, addresses, keys" eval '
	ktgtctl session show >"$LOGDIR/session.txt" &&
	grep -q "^Session $TSIH: $INITIATOR\$" "$LOGDIR/session.txt" &&
	grep -Eq "^    ISID: 0x[0-9a-f]{12}\$" "$LOGDIR/session.txt" &&
	grep -Eq "^        Initiator address: 127.0.0.1:[0-9]+\$" "$LOGDIR/session.txt" &&
	grep -q "^        Target address: 127.0.0.1:3260\$" "$LOGDIR/session.txt" &&
	grep -q "^        MaxBurstLength: " "$LOGDIR/session.txt"'
check "session show -j: one session, as show -j describes it" eval '
	ktgtctl -j session show "$IQN" >"$LOGDIR/session.json" &&
	json_check "$LOGDIR/session.json" "
assert len(d)==1 and d[0][\"target\"]==\"$IQN\" and d[0][\"tsih\"]==$TSIH, d
assert d[0][\"connections\"][0][\"local\"][\"port\"]==3260, d
assert \"MaxRecvDataSegmentLength\" in d[0][\"params\"] and \"stats\" in d[0], d"'

# a second initiator (the raw client, another initiator name) logs in too:
# show and show -j list both I_T nexuses
SECOND=iqn.2026-11.org.ktgt:second
PYTHONPATH=$(dirname "${BASH_SOURCE[0]}") python3 -c '
import sys, time, iscsi_raw as r
c = r.Conn(); c.initiator = sys.argv[2]
p = c.login(sys.argv[1]); assert p.status == 0, hex(p.status)
open(sys.argv[3], "w").write("in\n"); time.sleep(40)' "$IQN" "$SECOND" "$LOGDIR/second.up" \
	>"$LOGDIR/second.log" 2>&1 &
SECOND_PID=$!
check "two initiators: show lists both I_T nexuses" eval '
	wait_for 20 test -s "$LOGDIR/second.up" && ktgtctl show "$IQN" >"$LOGDIR/two.txt" &&
	cat "$LOGDIR/two.txt" && [ "$(grep -c "^        I_T nexus: " "$LOGDIR/two.txt")" = 2 ] &&
	grep -q "^            Initiator: $INITIATOR\$" "$LOGDIR/two.txt" &&
	grep -q "^            Initiator: $SECOND\$" "$LOGDIR/two.txt"'
check "two initiators: show -j parses, with both sessions" eval '
	ktgtctl -j show "$IQN" >"$LOGDIR/two.json" && json_check "$LOGDIR/two.json" "
s=d[0][\"sessions\"]
assert sorted(x[\"initiator\"] for x in s)==sorted([\"$INITIATOR\", \"$SECOND\"]), s"'
kill "$SECOND_PID" 2>/dev/null
wait "$SECOND_PID" 2>/dev/null
check "the second initiator's session ends when its connection goes" \
	wait_for 20 eval '[ "$(ktgtctl show "$IQN" | grep -c "^        I_T nexus: ")" = 1 ]'

check "read 4 MiB and write 2 MiB through the session" eval '
	dd if="$DISK" of=/dev/null bs=1M count=4 iflag=direct &&
	dd if=/dev/urandom of="$DISK" bs=1M count=2 oflag=direct'
check "stats -j: the session and LUN 1 counted the bytes" eval '
	ktgtctl -j stats "$IQN" >"$LOGDIR/stats.json" &&
	json_check "$LOGDIR/stats.json" "
t=d[\"targets\"][0]
s=t[\"sessions\"][0][\"stats\"]; l=[x for x in t[\"luns\"] if x[\"lun\"]==1][0][\"stats\"]
for st in (s, l):
    assert st[\"read_bytes\"]>=4<<20 and st[\"write_bytes\"]>=2<<20, st
    assert st[\"commands\"]>=6 and st[\"latency_us\"]>0, st
assert s[\"errors\"]==l[\"errors\"], (s, l)"'
check "stats: one line per session and LUN" eval '
	ktgtctl stats >"$LOGDIR/stats.txt" &&
	grep -Eq "^session $IQN $TSIH $INITIATOR: commands [1-9][0-9]* read_bytes [0-9]+ write_bytes [0-9]+ errors [0-9]+ avg_latency_us [0-9]+\$" "$LOGDIR/stats.txt" &&
	grep -Eq "^lun $IQN 1: commands [1-9]" "$LOGDIR/stats.txt"'
check "stats --watch 1 -j: a JSON line each second" eval '
	timeout 3.5 "$KTGTCTL" -j stats --watch 1 >"$LOGDIR/watch.jsonl"; [ $? = 124 ] &&
	jsonl_check "$LOGDIR/watch.jsonl" "assert len(d)>=3 and all(\"targets\" in x for x in d), d"'

check "target del with a session: refused" eval '
	! ktgtctl target del "$IQN" 2>"$LOGDIR/busy.err" &&
	grep -Eq "the target has (1 session|sessions); force logs them out" "$LOGDIR/busy.err"'
check "lun del with a session: refused" eval '
	! ktgtctl lun del "$IQN" 1 2>"$LOGDIR/busy-lun.err" &&
	grep -Eq "the target has (1 session|sessions); force logs them out" "$LOGDIR/busy-lun.err"'
check "the refused deletes changed nothing" eval 'ktgtctl show "$IQN" | grep -q "^        LUN: 1\$"'

check "lun set write-cache off: show and monitor say so" eval '
	ktgtctl lun set "$IQN" 1 write-cache off &&
	ktgtctl -j show "$IQN" | python3 -c "import json,sys; assert not json.load(sys.stdin)[0][\"luns\"][0][\"write_cache\"]" &&
	seen "$MON" "^lun-set $IQN lun 1 .* write-cache off\$"'
check "lun set readonly on: writes fail" eval '
	ktgtctl lun set "$IQN" 1 readonly on &&
	! dd if=/dev/zero of="$DISK" bs=4k count=1 oflag=direct'
check "lun set readonly off: writes work again" eval '
	ktgtctl lun set "$IQN" 1 readonly off write-cache on &&
	dd if=/dev/zero of="$DISK" bs=4k count=1 oflag=direct'
check "lun set with nothing to set: usage error" eval '
	ktgtctl lun set "$IQN" 1; [ $? = 2 ]'

check "file LUN 2 of 8 MiB" eval 'truncate -s 8M "$IMG" && ktgtctl lun add "$IQN" 2 "$IMG"'
check "grow the file, lun set resize: 16 MiB, logged and notified" eval '
	truncate -s 16M "$IMG" && ktgtctl lun set "$IQN" 2 resize &&
	ktgtctl show "$IQN" | grep -q "Size: 16 MB" &&
	seen "$MON" "^lun-set $IQN lun 2 path $IMG size 16 MB" &&
	dmesg | grep -q "LUN 2 has now 32768 blocks"'
check "lun set on a missing LUN: refused with a message" eval '
	! ktgtctl lun set "$IQN" 9 resize 2>"$LOGDIR/nolun.err" && grep -q "no such LUN" "$LOGDIR/nolun.err"'
# open-iscsi logs in again after a forced logout (TSIHs are reused)
logins() { grep -c "^login $IQN" "$MON"; }
_relogged() { [ "$(logins)" -gt "$1" ] && ktgtctl session show "$IQN" | grep -q "^Session "; }
last_tsih() { sed -nE "s/^login $IQN tsih ([0-9]+) .*/\1/p" "$MON" | tail -n1; }

n=$(logins)
check "lun del --force of LUN 2: the session is logged out first" eval '
	ktgtctl --force lun del "$IQN" 2 && seen "$MON" "^lun-del $IQN lun 2 " &&
	seen "$MON" "^logout $IQN tsih $TSIH "'
check "open-iscsi logs in again" wait_for 60 _relogged "$n"
TSIH=$(last_tsih)
n=$(logins)
check "session logout $IQN $TSIH: gone, logout event" eval '
	ktgtctl session logout "$IQN" "$TSIH" &&
	! ktgtctl session show "$IQN" | grep -q "^Session $TSIH:" &&
	seen "$MON" "^logout $IQN tsih $TSIH "'
check "session logout of an unknown TSIH: refused" eval '
	! ktgtctl session logout "$IQN" 65535 2>"$LOGDIR/notsih.err" &&
	grep -q "no such session" "$LOGDIR/notsih.err"'
check "open-iscsi logs in again" wait_for 60 _relogged "$n"
TSIH=$(last_tsih)
_all_out() { [ "$(grep -c "^logout $IQN" "$MON")" = "$(logins)" ]; }
check "logout: monitor sees it" eval 'iscsi_logout "$IQN" && wait_for 20 _all_out'
check "monitor -j: a logout for each login" jsonl_check "$MONJ" "
i=[e['target']['sessions'][0]['tsih'] for e in d if e['event']=='login']
o=[e['target']['sessions'][0]['tsih'] for e in d if e['event']=='logout']
assert len(i)>=3 and sorted(i)==sorted(o), (i, o)"

check "login again" iscsi_login "$IQN"
check "target del --force with a session: done" ktgtctl target del --force "$IQN"
check "monitor: logout and target-del" eval '
	seen "$MON" "^target-del $IQN\$" && [ "$(grep -c "^login $IQN" "$MON")" = "$(grep -c "^logout $IQN" "$MON")" ]'
timeout 60 iscsiadm -m node -T "$IQN" -u >/dev/null 2>&1
stop_iscsid
stop_monitors
check "$(tgt_unload_desc)" tgt_unload
done_testing
