#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A very short scripts/bench run, as a regression check (in a guest,
# through scripts/vm-run): ktgt on brd, every benchmark row for 1 s
# (KTGT_SMOKE_RUNTIME), with fio --verify=crc32c (verify_backlog) on the
# write rows, and the aggregate rows on 2 targets x 2 LUNs. It asserts only
# that each row completes (and verifies) and that dmesg stays clean; it
# times nothing. The 1M read and 4k write rows run once more with CRC32C
# digests (scripts/bench --digests). Then one row under perf (--perf),
# whose reports must show the target's own work; KTGT_SMOKE_NO_PERF=1
# leaves that out. The code is scripts/bench.d/lib.sh, the benchmark's own.
# KTGT_TEST_TARGET=lio runs the same against LIO.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_RUNTIME=${KTGT_SMOKE_RUNTIME:-1}
BENCH_VERIFY=1
BENCH_NT=2
BENCH_NL=2
BRD_MB=64
BENCH_RAW=$LOGDIR/raw
# shellcheck source=scripts/bench.d/lib.sh
. "$KTGT_REPO/scripts/bench.d/lib.sh"

DMESG_BAD='BUG:|WARNING:|Oops|KFENCE|refcount_t|hung_task'
diag "target $TARGET_KIND, kernel $(uname -r), brd, ${BENCH_RUNTIME}s per row"

# Called by bench_phase after each set-up/tear-down step and each row.
bench_on_step() { # RC DESC
	result "$1" "$2"
}
# fio's exit status covers verify errors; its JSON must say error 0 and
# show data moved. (grep, not report.py: python starts slowly under TCG.)
fio_done() { # JSON
	grep -q '"error" : 0,' "$1" && grep -Eq '"io_bytes" : [1-9]' "$1"
}
# On the write rows, the verify reads show as reads.
fio_verified() { # JSON
	grep -A1 '"read" : {' "$1" | grep -Eq '"io_bytes" : [1-9]'
}
datapath_counter() { # NAME: its value in debugfs ktgt/datapath
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/ktgt/datapath
}
bench_on_row() { # SPEC RC DESC
	local spec=$1 rc=$2 label json
	json=$(bench_json brd "$TARGET_KIND" "${spec%%|*}")
	label=${spec#*|}
	label=${label%%|*}
	if [ "${BENCH_ROW_FN:-}" = bench_perf ]; then
		result "$rc" "$3: $label, under perf"
		return
	fi
	local check_verify=:
	if [[ $spec == *--rw=write* || $spec == *--rw=randwrite* ]]; then
		label="$label, verify"
		check_verify=fio_verified
	fi
	# ktgt unloads with the phase: read its counters while it runs
	if [ "$TARGET_KIND" = ktgt ] && [ -n "${BENCH_DIGESTS:-}" ]; then
		[ "${spec%%|*}" = seqread ] &&
			DIGEST_DATA_IN="$(datapath_counter data_in_zerocopy_bytes) $(datapath_counter data_in_copied_bytes)"
	elif [ "$TARGET_KIND" = ktgt ]; then
		case ${spec%%|*} in
		seqread) WINDOW_CUTS=$(datapath_counter data_in_window_cuts) ;;
		randwrite) HEADERS_AHEAD=$(datapath_counter data_out_headers_ahead) ;;
		esac
	fi
	[ -z "${BENCH_DIGESTS:-}" ] || label="$label, $BENCH_DIGESTS digests"
	if [ "$rc" -eq 0 ] && fio_done "$json" && $check_verify "$json"; then
		ok "$3: $label"
	else
		not_ok "$3: $label"
		diag "$(tail -n 15 "$json.log" "$json" 2>/dev/null; echo "fio exit $rc")"
	fi
}

WINDOW_CUTS=
HEADERS_AHEAD=
DIGEST_DATA_IN=
rm -rf "$BENCH_RAW"
mkdir -p "$BENCH_RAW"
dmesg_start=$(dmesg | wc -l)
t_start=$SECONDS
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid' ||
	bail_out "no initiator"
check "brd: $((BENCH_NT * BENCH_NL)) x $BRD_MB MiB" bench_backend_load brd || bail_out "no brd"

rows=$(bench_rows "$@")
mapfile -t ROWS <<<"$rows"
bench_phase brd "$TARGET_KIND" "${ROWS[@]}"

# Data-In in pieces that fit the initiator's window (kernel/tx_window.h):
# the 1M read row at QD16 keeps far more than a window outstanding, so
# some pieces were cut to the window.
window_cuts() {
	echo "data_in_window_cuts after the 1M read row: ${WINDOW_CUTS:-none}"
	[ "${WINDOW_CUTS:-0}" -gt 0 ]
}
# A 4k write's data and the next PDU's header in one recvmsg()
# (recv_cmd_pages_ahead()): the 4k write row, verified, took that path.
headers_ahead() {
	echo "data_out_headers_ahead after the 4k write row: ${HEADERS_AHEAD:-none}"
	[ "${HEADERS_AHEAD:-0}" -gt 0 ]
}
if [ "$TARGET_KIND" = ktgt ]; then
	check "Data-In cut to the initiator's window" window_cuts
	check "Data-Out received with the next header" headers_ahead
fi

# scripts/bench --digests: the login step fails unless every session
# negotiated CRC32C for both digests (_bench_digests_on); the write row
# verifies through them.
BENCH_DIGESTS=CRC32C
rows=$(bench_rows seqread randwrite)
mapfile -t ROWS <<<"$rows"
bench_phase brd "$TARGET_KIND" "${ROWS[@]}"
BENCH_DIGESTS=
# Data digests are computed over the commands' pages: with them, Data-In
# still leaves without a copy.
digest_zero_copy() {
	local zc copied
	read -r zc copied <<<"$DIGEST_DATA_IN"
	echo "with digests, after the 1M read row: data_in_zerocopy_bytes ${zc:-none}," \
		"data_in_copied_bytes ${copied:-none}"
	[ "${zc:-0}" -gt 0 ] && [ "$copied" = 0 ]
}
[ "$TARGET_KIND" != ktgt ] || check "Data-In with data digests sent without a copy" digest_zero_copy

# scripts/bench --perf: one row profiled (bench_perf), its reports written,
# and the target's own work found in them.
perf_found() { # KIND
	local f=$BENCH_RAW/perf/brd-$1-randread.children.txt entry=ktgt_io_work
	[ "$1" = lio ] && entry=iscsi_target_rx_thread
	grep -E "^ +[0-9.]+% +[0-9.]+% +\[k\] $entry\$" "$f" | grep -vq "^ *0.00%" || {
		echo "no $entry in $f:"
		head -n 30 "$f" 2>/dev/null
		return 1
	}
}
if [ -z "${KTGT_SMOKE_NO_PERF:-}" ]; then
	BENCH_PERF_SECONDS=2
	rows=$(bench_rows randread)
	BENCH_ROW_FN=bench_perf bench_phase brd "$TARGET_KIND" "$rows"
	check "perf: $TARGET_KIND's own work in the profile" perf_found "$TARGET_KIND"
fi

stop_iscsid
check "rmmod brd" bench_backend_unload brd

dmesg_clean() {
	! dmesg | tail -n +"$((dmesg_start + 1))" | grep -E "$DMESG_BAD"
}
check "dmesg clean" dmesg_clean
diag "bench rows and set-up took $((SECONDS - t_start))s"
done_testing
