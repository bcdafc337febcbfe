#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of scripts/bench (run through scripts/vm-run): for each
# backend (null_blk, brd), fio straight on the device (the ceiling), then
# ktgt, LIO and tgt in turn, each over open-iscsi on 127.0.0.1:3260 and torn
# down before the next. Raw results go to $KTGT_VM_OUT/raw (fio JSON and
# manifest.tsv); scripts/bench.d/report.py makes the tables.
#
# Environment (scripts/bench sets these from its options):
#   KTGT_BENCH_RUNTIME   seconds per row (5)
#   KTGT_BENCH_TARGETS   "local ktgt lio tgt"
#   KTGT_BENCH_BACKENDS  "null_blk brd"
#   KTGT_BENCH_ROWS      row ids (default: all; see scripts/bench.d/lib.sh)
#   KTGT_BENCH_REPEAT    passes over every backend and target (1); report.py
#                        takes each row's median
#   KTGT_BENCH_NT, KTGT_BENCH_NL   targets and LUNs per target for agg rows (4, 4)
#   KTGT_BENCH_KO, KTGT_BENCH_CTL  ktgt.ko and ktgtctl (default: under build/)
#   KTGT_BENCH_RMEM_MAX  net.core.rmem_max/wmem_max for the run (4194304; 0: as booted)
#   KTGT_BENCH_PERF      row ids to profile with perf after the passes (none)
#   KTGT_BENCH_PERF_SECONDS  seconds each profile samples (5)
#   KTGT_BENCH_DIGESTS   header and data digest for every session (CRC32C;
#                        default: none)
set -uo pipefail
unset KTGT_TEST_TARGET # lib.sh's choice of target; the bench runs them all
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/vm/lib.sh"
trap - EXIT # lib.sh's TAP bookkeeping is for tests
# scripts/bench hands us a snapshot of the module and the tool, so that a
# concurrent `make` cannot swap them under a running benchmark.
KTGT_KO=${KTGT_BENCH_KO:-$KTGT_KO}
KTGTCTL=${KTGT_BENCH_CTL:-$KTGTCTL}

BENCH_RUNTIME=${KTGT_BENCH_RUNTIME:-5}
BENCH_NT=${KTGT_BENCH_NT:-4}
BENCH_NL=${KTGT_BENCH_NL:-4}
BENCH_RAW=$LOGDIR/raw
BENCH_REPEAT=${KTGT_BENCH_REPEAT:-1}
BENCH_DIGESTS=${KTGT_BENCH_DIGESTS:-}
# shellcheck source=scripts/bench.d/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench.d/lib.sh"

TARGETS=${KTGT_BENCH_TARGETS:-local ktgt lio tgt}
BACKENDS=${KTGT_BENCH_BACKENDS:-null_blk brd}
# shellcheck disable=SC2086 # lists of words
rows=$(bench_rows ${KTGT_BENCH_ROWS:-})
mapfile -t ROWS <<<"$rows"
[ -n "$rows" ] || { echo "bench: no rows match '${KTGT_BENCH_ROWS:-}'"; exit 2; }

rm -rf "$BENCH_RAW"
mkdir -p "$BENCH_RAW"
{
	echo "kernel $(uname -r)"
	echo "cpus $(nproc)"
	grep MemTotal /proc/meminfo
	grep -m1 'model name' /proc/cpuinfo
	echo "fio $(fio --version)"
	echo "open-iscsi $(iscsiadm --version)"
	echo "tgt $(dpkg-query -W -f='${Version}' tgt 2>/dev/null)"
	echo "runtime $BENCH_RUNTIME"
	echo "repeat $BENCH_REPEAT"
	echo "targets $TARGETS"
	echo "backends $BACKENDS"
	echo "agg ${BENCH_NT}x$BENCH_NL"
	echo "digests ${BENCH_DIGESTS:-none}"
} >"$BENCH_RAW/guest.txt"
bench_say "kernel $(uname -r), $(nproc) vCPUs, ${BENCH_RUNTIME}s per row, ${#ROWS[@]} rows"

failed=0
if [ -f "$KTGT_KO" ]; then
	bench_say "ktgt: $(modinfo -F version "$KTGT_KO" 2>/dev/null) ${KTGT_KO#"$KTGT_REPO"/}"
else
	bench_say "no $KTGT_KO: run make"
fi
# open-iscsi asks for 512 KiB socket buffers (node.conn[0].tcp.window_size);
# Debian's net.core.rmem_max/wmem_max (208 KiB) silently cap them, and the
# initiator then advertises at most 256 KiB. Let it have what it asks for,
# as iSCSI tuning guides do, the same for every target.
# KTGT_BENCH_RMEM_MAX=0 keeps the distribution's defaults.
BENCH_RMEM_MAX=${KTGT_BENCH_RMEM_MAX:-4194304}
if [ "$BENCH_RMEM_MAX" != 0 ]; then
	sysctl -q -w net.core.rmem_max="$BENCH_RMEM_MAX" net.core.wmem_max="$BENCH_RMEM_MAX"
fi
echo "rmem_max $(sysctl -n net.core.rmem_max) wmem_max $(sysctl -n net.core.wmem_max)" >>"$BENCH_RAW/guest.txt"
if ! load_initiator_modules || ! start_iscsid; then
	echo "bench: the initiator would not start"
	exit 1
fi

# Pass after pass over everything, rather than each row N times in a row:
# a slow spell of the host then hits every target alike.
for ((BENCH_PASS = 1; BENCH_PASS <= BENCH_REPEAT; BENCH_PASS++)); do
	[ "$BENCH_REPEAT" = 1 ] || bench_say "pass $BENCH_PASS of $BENCH_REPEAT"
	for be in $BACKENDS; do
		if ! bench_backend_load "$be" >>"$LOGDIR/bench-backend.log" 2>&1; then
			bench_say "$be would not load"
			for kind in $TARGETS; do bench_fail "$be" "$kind" "${ROWS[@]}"; done
			failed=1
			continue
		fi
		for kind in $TARGETS; do
			start=$SECONDS
			bench_phase "$be" "$kind" "${ROWS[@]}" || failed=1
			bench_say "$be $kind done in $((SECONDS - start))s"
		done
		bench_backend_unload "$be" >>"$LOGDIR/bench-backend.log" 2>&1
	done
done
# Profiles (scripts/bench --perf): one more run of the chosen rows per
# backend and target, under perf, after the measured passes.
if [ -n "${KTGT_BENCH_PERF:-}" ]; then
	# shellcheck disable=SC2086 # a list of row ids
	rows=$(bench_rows $KTGT_BENCH_PERF)
	mapfile -t PERF_ROWS <<<"$rows"
	BENCH_PERF_SECONDS=${KTGT_BENCH_PERF_SECONDS:-5}
	for be in $BACKENDS; do
		bench_backend_load "$be" >>"$LOGDIR/bench-backend.log" 2>&1 || { failed=1; continue; }
		for kind in $TARGETS; do
			[ "$kind" != local ] || continue
			start=$SECONDS
			BENCH_ROW_FN=bench_perf bench_phase "$be" "$kind" "${PERF_ROWS[@]}" || failed=1
			bench_say "$be $kind profiled in $((SECONDS - start))s"
		done
		bench_backend_unload "$be" >>"$LOGDIR/bench-backend.log" 2>&1
	done
fi
stop_iscsid
bench_say "guest done, failed=$failed"
exit $failed
