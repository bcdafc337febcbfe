#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Login keys: "ktgtctl target set" changes what a target offers, show lists
# the offers, and a login with open-iscsi negotiates against them (RFC 7143:
# MaxBurstLength and FirstBurstLength the lower of both offers, ImmediateData
# Yes only if both say Yes, a digest both accept). A FirstBurstLength above
# MaxBurstLength is refused with the kernel's message; a session keeps what
# it negotiated when the offers change. fio verifies data through the
# session. ktgt only: LIO has no ktgtctl.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:params
DEV=/dev/ram0
MAX_BURST=131072
FIRST_BURST=32768

diag "target $TARGET_KIND, kernel $(uname -r)"
if [ "$TARGET_KIND" != ktgt ]; then
	skip "login keys" "ktgtctl target set is ktgt's"
	done_testing
	exit
fi

check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 16 MiB $DEV" modprobe brd rd_nr=1 rd_size=16384 || bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"

check "target set MaxBurstLength, FirstBurstLength, ImmediateData, HeaderDigest" \
	ktgtctl target set "$IQN" MaxBurstLength $MAX_BURST firstburstlength $FIRST_BURST \
	ImmediateData No HeaderDigest CRC32C

# show_has PATTERN...: each pattern (a fixed string) is in "ktgtctl show IQN"
show_has() {
	local out p
	out=$(ktgtctl show "$IQN") || return
	echo "$out"
	for p in "$@"; do
		grep -qF -- "$p" <<<"$out" || { echo "missing: $p"; return 1; }
	done
}
check "show lists the new offers under Login parameters" show_has \
	"Login parameters:" "HeaderDigest: CRC32C" "MaxBurstLength: $MAX_BURST" \
	"FirstBurstLength: $FIRST_BURST" "ImmediateData: No" "DataDigest: None"

# json_is FILTER VALUE: jq FILTER on "ktgtctl -j show IQN" gives VALUE
json_is() {
	local out v
	out=$(ktgtctl -j show "$IQN") || return
	v=$(jq -r "$1" <<<"$out") || { echo "$out"; return 1; }
	[ "$v" = "$2" ] || { echo "$out"; echo "$1 is '$v', want '$2'"; return 1; }
}

refuse_first_burst() {
	local err rc=0
	err=$(ktgtctl target set "$IQN" FirstBurstLength $((MAX_BURST * 2)) 2>&1) || rc=$?
	echo "exit $rc: $err"
	[ $rc -eq 1 ] && grep -q 'FirstBurstLength exceeds MaxBurstLength' <<<"$err"
}
check "FirstBurstLength > MaxBurstLength is refused with the kernel's message" \
	refuse_first_burst
check "the refused set changed nothing" json_is '.[0].params.FirstBurstLength' $FIRST_BURST

check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery" iscsi_discover
node_set() { # KEY VALUE
	timeout 30 iscsiadm -m node -T "$IQN" -p "$PORTAL" -o update -n "$1" -v "$2"
}
# open-iscsi offers HeaderDigest None alone by default: let it take CRC32C,
# but as its second choice, so that only the target's offer makes it CRC32C
check "node offers HeaderDigest None,CRC32C" node_set node.conn[0].iscsi.HeaderDigest None,CRC32C
node_val() { # KEY: the node's value
	timeout 30 iscsiadm -m node -T "$IQN" -p "$PORTAL" | sed -n "s/^$1 = //p"
}
INI_BURST=$(node_val node.session.iscsi.MaxBurstLength)
INI_FIRST=$(node_val node.session.iscsi.FirstBurstLength)
INI_IMM=$(node_val node.session.iscsi.ImmediateData)
INI_MRDSL=$(node_val 'node.conn\[0\].iscsi.MaxRecvDataSegmentLength')
diag "initiator offers MaxBurstLength=$INI_BURST FirstBurstLength=$INI_FIRST" \
	"ImmediateData=$INI_IMM MaxRecvDataSegmentLength=$INI_MRDSL"
check "login" iscsi_login "$IQN"

min() { echo $(($1 < $2 ? $1 : $2)); }
WANT_BURST=$(min "${INI_BURST:-262144}" $MAX_BURST)
WANT_FIRST=$(min "${INI_FIRST:-65536}" $FIRST_BURST)
S='.[0].sessions[0].params'
check "negotiated MaxBurstLength is min(initiator, target) = $WANT_BURST" \
	json_is "$S.MaxBurstLength" "$WANT_BURST"
check "negotiated FirstBurstLength is min(initiator, target) = $WANT_FIRST" \
	json_is "$S.FirstBurstLength" "$WANT_FIRST"
check "negotiated ImmediateData is ${INI_IMM:-Yes} AND No = false" \
	json_is "$S.ImmediateData" false
check "negotiated HeaderDigest is CRC32C" json_is "$S.HeaderDigest" CRC32C
check "negotiated DataDigest is None" json_is "$S.DataDigest" None
check "MaxXmitDataSegmentLength is the initiator's ${INI_MRDSL:-262144}" \
	json_is "$S.MaxXmitDataSegmentLength" "${INI_MRDSL:-262144}"
check "show prints the session's Negotiated parameters" show_has \
	"Negotiated parameters:" "MaxXmitDataSegmentLength: ${INI_MRDSL:-262144}"

check "target set MaxBurstLength 65536 with the session logged in" \
	ktgtctl target set "$IQN" MaxBurstLength 65536
check "the target offers 65536 now" json_is '.[0].params.MaxBurstLength' 65536
check "the session keeps its $WANT_BURST" json_is "$S.MaxBurstLength" "$WANT_BURST"

DISK=$(iscsi_disk "$IQN" 1)
result $? "disk appears ($DISK)"
# CPU pinning: with "cpus N" the session's work runs on CPU N alone. The
# per-CPU io_work counters of debugfs ktgt/datapath must not move elsewhere
# while fio reads.
io_runs() { # CPU
	awk -v k="cpu$1_io_work_runs" '$1 == k { print $2 }' /sys/kernel/debug/ktgt/datapath
}
pinned_to() { # CPU OTHER
	local before_on before_off on off
	sleep 1
	before_on=$(io_runs "$1") before_off=$(io_runs "$2")
	fio --name=pin --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=8 \
		--rw=randread --bs=4k --size=8m --time_based --runtime=3 --eta=never \
		--output=/dev/null || return
	on=$(io_runs "$1") off=$(io_runs "$2")
	echo "cpu$1: $before_on -> $on, cpu$2: $before_off -> $off"
	[ "$on" -gt "$before_on" ] && [ "$off" -eq "$before_off" ]
}
# Without a CPU set, a connection still gets one CPU (round robin over the
# online ones): exactly one of the two counters moves.
on_one_cpu() {
	local b0 b1 d0 d1
	sleep 1
	b0=$(io_runs 0) b1=$(io_runs 1)
	fio --name=one --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=8 \
		--rw=randread --bs=4k --size=8m --time_based --runtime=3 --eta=never \
		--output=/dev/null || return
	d0=$(($(io_runs 0) - b0)) d1=$(($(io_runs 1) - b1))
	echo "cpu0 +$d0, cpu1 +$d1"
	{ [ "$d0" -gt 0 ] && [ "$d1" -eq 0 ]; } || { [ "$d1" -gt 0 ] && [ "$d0" -eq 0 ]; }
}
refuse_cpus() { # LIST MESSAGE
	local err rc=0
	err=$(ktgtctl target set "$IQN" cpus "$1" 2>&1) || rc=$?
	echo "exit $rc: $err"
	[ $rc -eq 1 ] && grep -q "$2" <<<"$err"
}
if [ "$(nproc)" -ge 2 ]; then
	check "debugfs" eval 'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug'
	check "target set cpus 1" ktgtctl target set "$IQN" cpus 1
	check "show lists CPUs: 1" show_has "CPUs: 1"
	check "JSON cpus is 1" json_is '.[0].cpus' 1
	check "the session's work runs on CPU 1 only" pinned_to 1 0
	check "target set cpus 0 moves the logged-in session" ktgtctl target set "$IQN" cpus 0
	check "the session's work runs on CPU 0 only" pinned_to 0 1
	check "a CPU that does not exist is refused with the kernel's message" \
		refuse_cpus 4095 'CPU that does not exist'
	check "a malformed list is refused by the kernel" refuse_cpus 1-0 'bad CPU list'
	check "JSON cpus is still 0" json_is '.[0].cpus' 0
	check "target set cpus none" ktgtctl target set "$IQN" cpus none
	check "JSON has no cpus" json_is '.[0].cpus' null
	check "without a CPU set, the session's work still stays on one CPU" on_one_cpu
else
	not_ok "CPU pinning needs 2 CPUs in the guest, it has $(nproc)"
fi

check "fio write + crc32c verify of 8 MiB" \
	fio --name=params --filename="$DISK" --direct=1 --ioengine=libaio --iodepth=8 \
	--rw=randwrite --bsrange=4k-256k --size=8m --verify=crc32c --do_verify=1 \
	--verify_fatal=1 --randrepeat=0 --eta=never

check "logout" iscsi_logout "$IQN"
stop_iscsid
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
