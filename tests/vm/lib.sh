# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for guest-side tests (run through scripts/vm-run): TAP output,
# bounded waits, the open-iscsi initiator, and the target under test.
#
# KTGT_TEST_TARGET picks the target: "ktgt" (default: build/<uname -r>/ktgt.ko
# and build/ktgtctl) or "lio" (the kernel's own LIO, set up through configfs),
# so that the initiator-side test code can be checked against a known-good
# peer. The tgt_* functions hide the difference.
#
# Logs go to $KTGT_VM_OUT (the vm-run output directory) or /tmp/ktgt-test.

KTGT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KTGT_KO=$KTGT_REPO/build/$(uname -r)/ktgt.ko
KTGTCTL=$KTGT_REPO/build/ktgtctl
TARGET_KIND=${KTGT_TEST_TARGET:-ktgt}
LOGDIR=${KTGT_VM_OUT:-/tmp/ktgt-test}
mkdir -p "$LOGDIR"
case $TARGET_KIND in ktgt | lio) ;; *)
	echo "Bail out! KTGT_TEST_TARGET must be ktgt or lio, not '$TARGET_KIND'"
	exit 1
	;;
esac

# ---------------------------------------------------------------------------
# TAP. The plan is printed at the end (done_testing), so a test may decide
# on the way what to run. A script that dies early still reports it as a
# failure, from the EXIT trap.
_tap_n=0
_tap_failed=0
_tap_done=0

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

skip() { # DESC REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# result RC DESC: ok when RC is 0.
result() {
	local rc=$1
	shift
	if [ "$rc" -eq 0 ]; then ok "$@"; else not_ok "$@"; fi
	return "$rc"
}

# check DESC CMD...: run CMD with its output in a log file; one TAP line;
# on failure the tail of the output as diagnostics. Returns CMD's status.
check() {
	local desc=$1 log rc=0
	shift
	log=$LOGDIR/tap-$(printf %02d $((_tap_n + 1))).log
	echo "\$ $*" >"$log"
	"$@" >>"$log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$(tail -n 20 "$log"; echo "(exit $rc; full log ${log##*/})")"
	fi
	return $rc
}

# tap_import FILE: fold the TAP of a case runner (tests/vm/*_cases.py) into
# this script's numbering; a runner that did not finish counts as a failure.
tap_import() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) not_ok "${line#not ok * - }" ;;
		"#"*) diag "${line#\# }" ;;
		esac
	done <"$1"
	grep -q '^1\.\.' "$1" || not_ok "${1##*/}: the cases did not finish"
}

# libiscsi_suite DESC URL SUITE LOG: one iscsi-test-cu suite as one TAP
# line. It passes when CUnit ran at least one test and none failed (-d
# allows the data-destroying tests). Checks that libiscsi skipped for a
# missing feature count as passed there, so they are listed as diagnostics.
libiscsi_suite() {
	local desc=$1 url=$2 suite=$3 log=$4 rc=0 summary ran failed
	timeout 300 iscsi-test-cu -d -t "$suite" "$url" >"$log" 2>&1 || rc=$?
	# "  tests  12  12  10  2  0" (Type Total Ran Passed Failed Inactive)
	summary=$(awk '$1 == "tests" && NF >= 5 { print $3, $5; exit }' "$log")
	read -r ran failed <<<"${summary:-0 0}"
	if [ "$rc" -eq 0 ] && [ "$ran" -gt 0 ] && [ "$failed" -eq 0 ]; then
		ok "$desc ($ran tests)"
	else
		not_ok "$desc (exit $rc, $ran ran, $failed failed)"
		# "Test: X ...FAILED", then "1. file.c:155  - CU_ASSERT...(...)"
		diag "$(grep -E 'FAILED|CU_ASSERT|Assertion|^ +[0-9]+\. .*:[0-9]+' "$log" | head -20)"
		diag "full output: ${log##*/}"
	fi
	grep -q SKIPPED "$log" && diag "$(grep -o '\[SKIPPED\].*' "$log" | sort -u | head -10)"
	return 0
}

bail_out() {
	echo "Bail out! $*"
	_tap_done=1
	exit 1
}

done_testing() {
	echo "1..$_tap_n"
	_tap_done=1
	[ $_tap_failed -eq 0 ]
}

_tap_exit() {
	local rc=$? cmd=$BASH_COMMAND
	[ $_tap_done -eq 1 ] && return
	not_ok "${0##*/} ended early (exit $rc, at: $cmd)"
	echo "1..$_tap_n"
	exit 1
}
trap _tap_exit EXIT

# ---------------------------------------------------------------------------
# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------
# open-iscsi initiator
PORTAL_IP=127.0.0.1
PORTAL=$PORTAL_IP:3260

load_initiator_modules() {
	modprobe -a sd_mod sg iscsi_tcp
}

_iscsid_listening() {
	grep -q '@ISCSIADM_ABSTRACT_NAMESPACE' /proc/net/unix
}

# iscsid in a session of its own: on SIGTERM it signals its process group.
start_iscsid() {
	_iscsid_listening && return 0
	setsid iscsid -f >"$LOGDIR/iscsid.log" 2>&1 </dev/null &
	ISCSID_PID=$!
	wait_for 20 _iscsid_listening
}

stop_iscsid() {
	[ -n "${ISCSID_PID:-}" ] || return 0
	timeout 10 iscsiadm -k 0 >/dev/null 2>&1 || kill -KILL "$ISCSID_PID" 2>/dev/null
	wait "$ISCSID_PID" 2>/dev/null
	ISCSID_PID=
	return 0
}

iscsi_discover() { # [PORTAL]
	timeout 60 iscsiadm -m discovery -t st -p "${1:-$PORTAL}"
}

iscsi_login() { # IQN [PORTAL]
	timeout 120 iscsiadm -m node -T "$1" -p "${2:-$PORTAL}" -l
}

iscsi_logout() { # IQN [PORTAL]
	timeout 60 iscsiadm -m node -T "$1" -p "${2:-$PORTAL}" -u
}

# iscsi_sysfs_disk IQN LUN: the block device name of LUN in IQN's session.
iscsi_sysfs_disk() {
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "$1" ] || continue
		for b in "$s"/device/target*/*:"$2"/block/*; do
			[ -e "$b" ] && { echo "${b##*/}"; return 0; }
		done
	done
	return 1
}

_disk_ready() {
	local d
	d=$(iscsi_sysfs_disk "$1" "$2") && [ -b "/dev/$d" ] &&
		[ "$(cat "/sys/block/$d/size")" -gt 0 ]
}

# iscsi_disk IQN [LUN]: wait (30 s at most) for the LUN's disk, print /dev/sdX.
iscsi_disk() {
	wait_for 30 _disk_ready "$1" "${2:-1}" || return 1
	echo "/dev/$(iscsi_sysfs_disk "$1" "${2:-1}")"
}

# ---------------------------------------------------------------------------
# LIO through configfs (targetcli needs D-Bus, which the guest lacks).
LIO=/sys/kernel/config/target

lio_load() {
	modprobe -a target_core_mod target_core_iblock target_core_file iscsi_target_mod &&
		wait_for 10 test -d $LIO/core &&
		mkdir -p $LIO/iscsi
}

lio_target_add() { # IQN
	mkdir -p "$LIO/iscsi/$1/tpgt_1" &&
		echo 0 >"$LIO/iscsi/$1/tpgt_1/attrib/authentication"
}

# lio_portal_add IQN IP:PORT: also enables the TPG, which starts serving.
lio_portal_add() {
	mkdir "$LIO/iscsi/$1/tpgt_1/np/$2" &&
		echo 1 >"$LIO/iscsi/$1/tpgt_1/enable"
}

# lio_lun_add IQN LUN PATH: block devices through iblock, files through fileio.
lio_lun_add() {
	local tpg=$LIO/iscsi/$1/tpgt_1 name so
	name=$(echo "$1-$2" | tr -c 'A-Za-z0-9_\n-' _)
	if [ -b "$3" ]; then
		so=$LIO/core/iblock_0/$name
		mkdir -p "$so" && echo "udev_path=$3" >"$so/control" || return
	else
		so=$LIO/core/fileio_0/$name
		mkdir -p "$so" &&
			echo "fd_dev_name=$3,fd_dev_size=$(stat -c %s "$3")" >"$so/control" || return
	fi
	# udev_path is informational; what tgt_show prints.
	echo "$3" >"$so/udev_path" && echo 1 >"$so/enable" &&
		mkdir "$tpg/lun/lun_$2" &&
		ln -s "$so" "$tpg/lun/lun_$2/$name" || return
	# Map the new LUN into the explicit ACLs too.
	local acl
	for acl in "$tpg"/acls/*/; do
		[ -d "$acl" ] || continue
		mkdir "$acl/lun_$2" && ln -s "$tpg/lun/lun_$2" "$acl/lun_$2/map" || return
	done
}

# lio_acl_add IQN INITIATOR|ALL: ALL is LIO's demo mode (which refuses
# PERSISTENT RESERVE), anything else an explicit ACL with every LUN mapped.
lio_acl_add() {
	local tpg=$LIO/iscsi/$1/tpgt_1 acl l
	if [ "$2" = ALL ]; then
		echo 1 >"$tpg/attrib/generate_node_acls" &&
			echo 1 >"$tpg/attrib/cache_dynamic_acls" &&
			echo 0 >"$tpg/attrib/demo_mode_write_protect"
		return
	fi
	acl=$tpg/acls/$2
	mkdir "$acl" || return
	for l in "$tpg"/lun/lun_*; do
		[ -d "$l" ] || continue
		mkdir "$acl/${l##*/}" && ln -s "$l" "$acl/${l##*/}/map" || return
	done
}

# lio_target_del IQN: the target, then the backstores it used.
lio_target_del() {
	local t=$LIO/iscsi/$1 tpg=$LIO/iscsi/$1/tpgt_1 d l stores=()
	[ -d "$t" ] || return 1
	echo 0 >"$tpg/enable" 2>/dev/null
	for d in "$tpg"/acls/*/; do
		[ -d "$d" ] || continue
		for l in "$d"lun_*; do
			[ -d "$l" ] || continue
			find "$l" -maxdepth 1 -type l -delete && rmdir "$l" || return
		done
		rmdir "$d" || return
	done
	for l in "$tpg"/lun/lun_*; do
		[ -d "$l" ] || continue
		for d in "$l"/*; do
			[ -L "$d" ] || continue
			stores+=("$(readlink -f "$d")")
			rm "$d" || return
		done
		rmdir "$l" || return
	done
	for d in "$tpg"/np/*; do
		[ -d "$d" ] && { rmdir "$d" || return; }
	done
	rmdir "$tpg" "$t" || return
	for d in "${stores[@]}"; do
		rmdir "$d" || return
	done
}

lio_unload() {
	local d
	for d in "$LIO"/iscsi/iqn.* "$LIO"/iscsi/eui.* "$LIO"/iscsi/naa.*; do
		[ -d "$d" ] && lio_target_del "${d##*/}"
	done
	rmdir "$LIO/iscsi" 2>/dev/null
	# The HBA directories (iblock_0, fileio_0) pin their backend modules.
	for d in "$LIO"/core/iblock_* "$LIO"/core/fileio_*; do
		[ -d "$d" ] && rmdir "$d"
	done
	modprobe -r iscsi_target_mod target_core_iblock target_core_file
}

# ---------------------------------------------------------------------------
# The target under test. Each tgt_* call is one ktgtctl command for ktgt.
ktgtctl() {
	timeout 30 "$KTGTCTL" "$@"
}

# insmod resolves no dependencies (depmod never saw build/): load what
# modinfo says the module needs first. ktgt_insmod [PARAM=VALUE...]
ktgt_insmod() {
	local list deps=()
	list=$(modinfo -F depends "$KTGT_KO") || return
	IFS=, read -ra deps <<<"$list"
	if [ ${#deps[@]} -gt 0 ]; then
		modprobe -a "${deps[@]}" || return
	fi
	insmod "$KTGT_KO" "$@"
}

# monitor_start FILE: ktgtctl monitor in the background, writing FILE;
# monitor_stop ends it. The sleep lets it join the events group first.
monitor_start() {
	"$KTGTCTL" monitor >"$1" 2>"$1.err" &
	MONITOR_PID=$!
	sleep 1
}
monitor_stop() {
	kill "$MONITOR_PID" 2>/dev/null
	wait "$MONITOR_PID" 2>/dev/null
	return 0
}

tgt_load() {
	case $TARGET_KIND in
	ktgt) [ -f "$KTGT_KO" ] && [ -x "$KTGTCTL" ] && ktgt_insmod ;;
	lio) lio_load ;;
	esac
}
tgt_load_desc() {
	case $TARGET_KIND in
	ktgt) echo "insmod ${KTGT_KO#"$KTGT_REPO"/}" ;;
	lio) echo "load LIO (target_core_mod, iscsi_target_mod)" ;;
	esac
}

tgt_unload_desc() {
	case $TARGET_KIND in
	ktgt) echo "rmmod ktgt" ;;
	lio) echo "unload LIO" ;;
	esac
}

tgt_unload() {
	case $TARGET_KIND in
	ktgt) rmmod ktgt ;;
	lio) lio_unload ;;
	esac
}

tgt_target_add() { # IQN
	case $TARGET_KIND in
	ktgt) ktgtctl target add "$1" ;;
	lio) lio_target_add "$1" ;;
	esac
}

tgt_target_del() { # IQN
	case $TARGET_KIND in
	ktgt) ktgtctl target del --force "$1" ;;
	lio) lio_target_del "$1" ;;
	esac
}

tgt_portal_add() { # IQN IP:PORT
	case $TARGET_KIND in
	ktgt) ktgtctl portal add "$1" "$2" ;;
	lio) lio_portal_add "$1" "$2" ;;
	esac
}

tgt_lun_add() { # IQN LUN PATH
	case $TARGET_KIND in
	ktgt) ktgtctl lun add "$1" "$2" "$3" ;;
	lio) lio_lun_add "$1" "$2" "$3" ;;
	esac
}

tgt_acl_add() { # IQN INITIATOR|ALL
	case $TARGET_KIND in
	ktgt) ktgtctl acl add "$1" "$2" ;;
	lio) lio_acl_add "$1" "$2" ;;
	esac
}

# tgt_show: what the target says it serves (for ktgt, "ktgtctl show").
tgt_show() {
	case $TARGET_KIND in
	ktgt) ktgtctl show ;;
	lio)
		local t l
		for t in "$LIO"/iscsi/*/tpgt_1; do
			echo "Target: $(basename "$(dirname "$t")")"
			for l in "$t"/lun/lun_*/*; do
				[ -L "$l" ] || continue
				echo "    LUN: ${l%/*}"
				echo "    Backing store path: $(cat "$(readlink -f "$l")/udev_path")"
			done
		done
		;;
	esac
}

# tgt_serve IQN LUN PATH [PORTAL]: a whole target in one go, one TAP line.
tgt_serve() {
	local iqn=$1 lun=$2 path=$3 portal=${4:-$PORTAL}
	check "serve $path as $iqn LUN $lun on $portal" \
		_tgt_serve "$iqn" "$lun" "$path" "$portal"
}
_tgt_serve() {
	tgt_target_add "$1" && tgt_portal_add "$1" "$4" &&
		tgt_lun_add "$1" "$2" "$3" && tgt_acl_add "$1" ALL
}
