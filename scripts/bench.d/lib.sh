# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The guest side of the benchmark, shared by scripts/bench-guest.sh (the
# full run) and tests/vm/test_bench_smoke.sh (a short run with verify, in
# `make check`). Source tests/vm/lib.sh first: this uses its open-iscsi
# helpers, ktgt_insmod and the lio_* configfs helpers.
#
# One "phase" is one target kind (ktgt, lio, tgt, or local: fio straight on
# the backing device) on one backend (null_blk or brd): the target is set up
# with BENCH_NT targets of BENCH_NL LUNs each, the initiator logs in to the
# first target and runs the single-LUN rows, then logs in to all of them for
# the aggregate rows, then everything is torn down (logout, delete, unload)
# so that the next kind can take port 3260.
#
# Each fio run leaves, in $BENCH_RAW: fio's JSON (bench_json names it) and
# a line in $BENCH_RAW/manifest.tsv:
#   backend kind row status cpu-before cpu-after clk_tck jobs max_sectors_kb label pass
# where cpu-* are the /proc/stat "cpu" lines' numbers (comma-separated) and
# status is fio's exit status (124/137: killed by the timeout; -1: the
# target could not be set up). scripts/bench.d/report.py turns these into
# tables and JSON.

declare -F lio_load >/dev/null || {
	echo "bench lib: source tests/vm/lib.sh first" >&2
	return 1
}

BENCH_RUNTIME=${BENCH_RUNTIME:-5}	# seconds per row
BENCH_NT=${BENCH_NT:-4}			# targets (sessions) for the aggregate rows
BENCH_NL=${BENCH_NL:-4}			# LUNs per target
BENCH_VERIFY=${BENCH_VERIFY:-0}		# 1: --verify=crc32c on the write rows
BENCH_PASS=${BENCH_PASS:-1}		# which pass of a repeated run (scripts/bench --repeat)
BENCH_RAW=${BENCH_RAW:-$LOGDIR/raw}
BENCH_IQN=iqn.2026-11.org.ktgt:bench
BRD_MB=${BRD_MB:-256}			# per brd disk; only ram0 is prefilled
# tgt's rdwr backstore opens the device with O_DIRECT, so that all three
# targets reach the same bios and none reads from a page cache. Set to ""
# for tgt's default (buffered) mode.
BENCH_TGT_OFLAGS=${BENCH_TGT_OFLAGS-direct}

# Rows: id, label, fio options (per job; the aggregate rows run one job per
# LUN of every target). Ids starting with "agg-" are the aggregate rows.
BENCH_ROWS_ALL=(
	"seqread|1M seq read QD16|--rw=read --bs=1M --iodepth=16"
	"seqwrite|1M seq write QD16|--rw=write --bs=1M --iodepth=16"
	"randread|4k rand read QD32|--rw=randread --bs=4k --iodepth=32"
	"randwrite|4k rand write QD32|--rw=randwrite --bs=4k --iodepth=32"
	"lat|4k rand read QD1|--rw=randread --bs=4k --iodepth=1"
	"mixed|8k rand 70/30 r/w QD16|--rw=randrw --rwmixread=70 --bs=8k --iodepth=16"
	"agg-randread|NTxNL 4k rand read QD8/LUN|--rw=randread --bs=4k --iodepth=8"
	"agg-seqread|NTxNL 1M seq read QD2/LUN|--rw=read --bs=1M --iodepth=2"
)

bench_say() { echo "# bench: $*"; }

# bench_json BACKEND KIND ROW: fio's JSON for this pass; report.py reads
# the same names.
bench_json() {
	local sfx=
	[ "$BENCH_PASS" = 1 ] || sfx=.p$BENCH_PASS
	echo "$BENCH_RAW/$1-$2-$3$sfx.json"
}

# bench_rows [ID...]: the row specs for those ids (all when none).
bench_rows() {
	local r
	for r in "${BENCH_ROWS_ALL[@]}"; do
		if [ $# -eq 0 ] || [[ " $* " == *" ${r%%|*} "* ]]; then
			r=${r//NTxNL/${BENCH_NT}x$BENCH_NL}
			echo "$r"
		fi
	done
}

_cpu_line() { awk '$1 == "cpu" { $1 = ""; sub(/^ /, ""); gsub(/ /, ","); print; exit }' /proc/stat; }

# ---------------------------------------------------------------------------
# Backing devices: BENCH_NT * BENCH_NL of each kind, dev 0 for single rows.

# null_blk: blk-mq, completions inline, no memory behind it: zero-cost I/O.
bench_nullb_load() {
	local n=$((BENCH_NT * BENCH_NL))
	modprobe null_blk nr_devices=$n gb=1 queue_mode=2 irqmode=0 completion_nsec=0 \
		memory_backed=0 hw_queue_depth=256 submit_queues=2 || return
	wait_for 10 test -b /dev/nullb$((n - 1))
}

bench_brd_load() {
	local n=$((BENCH_NT * BENCH_NL))
	modprobe brd rd_nr=$n rd_size=$((BRD_MB << 10)) max_part=0 || return
	wait_for 10 test -b /dev/ram$((n - 1)) || return
	# Reads of never-written brd pages are just zeroes; fill the first disk
	# (the one the single-LUN rows use) so that they copy real pages.
	dd if=/dev/zero of=/dev/ram0 bs=1M count="$BRD_MB" oflag=direct status=none
}

# bench_backend_load BACKEND; bench_backend_dev BACKEND I; ..._unload.
bench_backend_load() {
	case $1 in
	null_blk) bench_nullb_load ;;
	brd) bench_brd_load ;;
	*) echo "unknown backend $1" >&2; return 1 ;;
	esac
}
bench_backend_dev() {
	case $1 in
	null_blk) echo "/dev/nullb$2" ;;
	brd) echo "/dev/ram$2" ;;
	esac
}
bench_backend_unload() {
	case $1 in
	null_blk) modprobe -r null_blk ;;
	brd) modprobe -r brd ;;
	esac
}

# ---------------------------------------------------------------------------
# Targets. bench_up KIND BACKEND; bench_down KIND. Target i (0-based) is
# $BENCH_IQN-i, its LUN j (1-based) is backing device i*NL + j-1.

_bench_iqn() { echo "$BENCH_IQN-$1"; }

TGTD_PID=
_tgtd_up() { timeout 5 tgtadm --lld iscsi --mode sys --op show >/dev/null 2>&1; }
_tgtadm() { timeout 30 tgtadm --lld iscsi "$@"; }

bench_up() { # KIND BACKEND
	local kind=$1 be=$2 i j k iqn dev
	case $kind in
	ktgt) ktgt_insmod || return ;;
	lio) lio_load || return ;;
	tgt)
		mkdir -p /var/run/tgtd
		setsid tgtd -f --iscsi portal="$PORTAL" >"$LOGDIR/tgtd.log" 2>&1 </dev/null &
		TGTD_PID=$!
		wait_for 20 _tgtd_up || { echo "tgtd did not come up"; cat "$LOGDIR/tgtd.log"; return 1; }
		;;
	*) echo "unknown target kind $kind" >&2; return 1 ;;
	esac
	for ((i = 0; i < BENCH_NT; i++)); do
		iqn=$(_bench_iqn $i)
		case $kind in
		ktgt)
			ktgtctl target add "$iqn" && ktgtctl portal add "$iqn" "$PORTAL" || return
			;;
		lio) lio_target_add "$iqn" && lio_portal_add "$iqn" "$PORTAL" || return ;;
		tgt)
			_tgtadm --mode target --op new --tid $((i + 1)) -T "$iqn" || return
			# tgt offers no digest unless told; ktgt and LIO accept CRC32C
			if [ -n "${BENCH_DIGESTS:-}" ]; then
				for k in HeaderDigest DataDigest; do
					_tgtadm --mode target --op update --tid $((i + 1)) \
						--name $k --value "$BENCH_DIGESTS" || return
				done
			fi
			;;
		esac
		for ((j = 1; j <= BENCH_NL; j++)); do
			dev=$(bench_backend_dev "$be" $((i * BENCH_NL + j - 1)))
			case $kind in
			ktgt) ktgtctl lun add "$iqn" $j "$dev" || return ;;
			lio) lio_lun_add "$iqn" $j "$dev" || return ;;
			tgt)
				_tgtadm --mode logicalunit --op new --tid $((i + 1)) --lun $j \
					-b "$dev" --bstype rdwr ${BENCH_TGT_OFLAGS:+--bsoflags "$BENCH_TGT_OFLAGS"} ||
					return
				;;
			esac
		done
		case $kind in
		ktgt) ktgtctl acl add "$iqn" ALL || return ;;
		lio) lio_acl_add "$iqn" ALL || return ;;
		tgt) _tgtadm --mode target --op bind --tid $((i + 1)) -I ALL || return ;;
		esac
	done
}

# bench_down KIND: best effort, every step bounded; non-zero if anything
# was left behind.
bench_down() {
	local kind=$1 i rc=0
	case $kind in
	ktgt)
		for ((i = 0; i < BENCH_NT; i++)); do
			ktgtctl --force target del "$(_bench_iqn $i)" 2>/dev/null
		done
		if grep -q '^ktgt ' /proc/modules; then
			timeout 30 rmmod ktgt || rc=1
		fi
		;;
	lio) timeout 60 bash -c "$(declare -f lio_target_del lio_unload); LIO=$LIO; lio_unload" || rc=1 ;;
	tgt)
		if [ -n "$TGTD_PID" ]; then
			for ((i = 0; i < BENCH_NT; i++)); do
				_tgtadm --mode target --op delete --force --tid $((i + 1)) 2>/dev/null
			done
			timeout 10 tgtadm --op delete --mode system >/dev/null 2>&1
			wait_for 10 eval "! kill -0 $TGTD_PID" || { kill -KILL "$TGTD_PID"; rc=1; }
			wait "$TGTD_PID" 2>/dev/null
			TGTD_PID=
		fi
		;;
	esac
	return $rc
}

# ---------------------------------------------------------------------------
# Initiator. bench_login_first / bench_login_rest fill BENCH_DEVS (the
# single row's disk) and BENCH_AGG_DEVS (every LUN of every target).
BENCH_DEVS=()
BENCH_AGG_DEVS=()

_bench_disks() { # IQN: every LUN's /dev/sdX, LUN order
	local j d
	for ((j = 1; j <= BENCH_NL; j++)); do
		d=$(iscsi_disk "$1" $j) || { echo "no disk for $1 LUN $j" >&2; return 1; }
		# The same I/O scheduler (none) for every target's disks.
		echo none >"/sys/block/${d#/dev/}/queue/scheduler" 2>/dev/null
		echo "$d"
	done
}

# With BENCH_DIGESTS (CRC32C, iSCSI's one digest), every connection must
# have negotiated both digests (libiscsi shows 1 in sysfs): a target that
# fell back to None would be measured without their cost.
_bench_digests_on() {
	local c f v
	[ -n "${BENCH_DIGESTS:-}" ] || return 0
	for c in /sys/class/iscsi_connection/connection*; do
		for f in header_digest data_digest; do
			v=$(cat "$c/$f" 2>/dev/null)
			[ "$v" = 1 ] || { echo "${c##*/}: $f is ${v:-unknown}, not on"; return 1; }
		done
	done
}

bench_login_first() {
	local out devs k
	BENCH_DEVS=()
	BENCH_AGG_DEVS=()
	timeout 30 iscsiadm -m node -o delete >/dev/null 2>&1
	out=$(iscsi_discover "$PORTAL") || { echo "$out"; return 1; }
	# A hung target fails I/O after 15 s instead of open-iscsi's 120.
	timeout 30 iscsiadm -m node -o update -n node.session.timeo.replacement_timeout -v 15 ||
		return
	if [ -n "${BENCH_DIGESTS:-}" ]; then
		for k in HeaderDigest DataDigest; do
			timeout 30 iscsiadm -m node -o update -n "node.conn[0].iscsi.$k" \
				-v "$BENCH_DIGESTS" || return
		done
	fi
	iscsi_login "$(_bench_iqn 0)" >/dev/null || return
	_bench_digests_on || return
	# (no /dev/fd in the guest, so no process substitution)
	devs=$(_bench_disks "$(_bench_iqn 0)") || return
	mapfile -t BENCH_AGG_DEVS <<<"$devs"
	[ ${#BENCH_AGG_DEVS[@]} -eq "$BENCH_NL" ] || return 1
	BENCH_DEVS=("${BENCH_AGG_DEVS[0]}")
}

bench_login_rest() {
	local i iqn devs
	for ((i = 1; i < BENCH_NT; i++)); do
		iqn=$(_bench_iqn $i)
		iscsi_login "$iqn" >/dev/null || return
		_bench_digests_on || return
		devs=$(_bench_disks "$iqn") || return
		mapfile -t devs <<<"$devs"
		[ ${#devs[@]} -eq "$BENCH_NL" ] || return 1
		BENCH_AGG_DEVS+=("${devs[@]}")
	done
}

bench_logout() {
	local rc=0
	if [ -n "$(ls /sys/class/iscsi_session/ 2>/dev/null)" ]; then
		timeout 90 iscsiadm -m node -u >/dev/null 2>&1 || rc=1
	fi
	timeout 30 iscsiadm -m node -o delete >/dev/null 2>&1
	return $rc
}

# ---------------------------------------------------------------------------
# bench_fio BACKEND KIND ROWSPEC DEV...: one row, fio's JSON and a manifest
# line. Returns fio's status (124/137 when the timeout killed it).
bench_fio() {
	local be=$1 kind=$2 spec=$3 id args out before after rc=0 d n=0 jobs=() verify=()
	shift 3
	id=${spec%%|*}
	args=${spec##*|}
	out=$(bench_json "$be" "$kind" "$id")
	for d in "$@"; do
		jobs+=(--name="j$n" --filename="$d")
		n=$((n + 1))
	done
	# Verify in the same pass (verify_backlog): with time_based, fio's
	# verify phase after the writes would never start.
	if [ "$BENCH_VERIFY" = 1 ] && [[ $args == *--rw=write* || $args == *--rw=randwrite* ]]; then
		# a backlog of 1 verifies each block soon after it is written, so even
		# a run slowed to a few writes checks what it wrote
		verify=(--verify=crc32c --verify_backlog=1 --verify_fatal=1 --verify_dump=0)
	fi
	before=$(_cpu_line)
	# shellcheck disable=SC2086 # $args is a list of options
	timeout -k 5 $((BENCH_RUNTIME + 60)) fio --thread --ioengine=libaio --direct=1 --time_based \
		--runtime="$BENCH_RUNTIME" --group_reporting --randrepeat=0 \
		--eta=never --output-format=json --output="$out" \
		$args "${verify[@]}" "${jobs[@]}" >"$out.log" 2>&1 || rc=$?
	after=$(_cpu_line)
	local msk label
	msk=$(cat "/sys/block/$(basename "$1")/queue/max_sectors_kb" 2>/dev/null || echo -)
	label=${spec#*|}
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$be" "$kind" "$id" "$rc" "$before" "$after" \
		"$(getconf CLK_TCK)" "$n" "$msk" "${label%%|*}" "$BENCH_PASS" >>"$BENCH_RAW/manifest.tsv"
	[ $rc -eq 0 ] || { tail -n 5 "$out.log" "$out" 2>/dev/null; }
	return $rc
}

# bench_perf BACKEND KIND ROWSPEC DEV...: a profile of one row, no figures
# (scripts/bench --perf). fio runs the row until perf has sampled every CPU
# for BENCH_PERF_SECONDS (perf takes 15 s or more to start under TCG);
# perf's reports go to $BENCH_RAW/perf/BACKEND-KIND-ROW.{comm,self,children}.txt,
# which report.py summarizes. Nothing goes into the manifest: a profiled
# run is slower than a measured one.
BENCH_PERF_SECONDS=${BENCH_PERF_SECONDS:-5}
bench_perf() {
	local be=$1 kind=$2 spec=$3 args base data=/tmp/bench-perf.data ks=/tmp/bench-kallsyms
	local d n=0 jobs=() fpid rc=0
	shift 3
	args=${spec##*|}
	mkdir -p "$BENCH_RAW/perf"
	base=$BENCH_RAW/perf/$be-$kind-${spec%%|*}
	for d in "$@"; do
		jobs+=(--name="j$n" --filename="$d")
		n=$((n + 1))
	done
	# shellcheck disable=SC2086 # $args is a list of options
	timeout -k 5 900 fio --thread --ioengine=libaio --direct=1 --time_based --runtime=800 \
		--group_reporting --randrepeat=0 --eta=never --output-format=json \
		--output="$base.fio.json" $args "${jobs[@]}" >"$base.fio.log" 2>&1 &
	fpid=$!
	sleep 2
	# Debian 12's perf (6.1) resolved no core kernel symbol of 6.12 from
	# /proc/kallsyms itself; from a copy it does.
	cat /proc/kallsyms >"$ks"
	timeout 600 perf record -q -e cpu-clock -F 999 -a -g -o "$data" \
		-- sleep "$BENCH_PERF_SECONDS" >"$base.record.log" 2>&1 || rc=$?
	# fio must have run through the whole profile
	kill -0 "$fpid" 2>/dev/null || { echo "fio ended before perf did"; rc=1; }
	kill -INT "$fpid" 2>/dev/null
	wait "$fpid"
	if [ $rc -eq 0 ]; then
		perf report -i "$data" --kallsyms="$ks" --stdio -g none --no-children --sort comm \
			>"$base.comm.txt" 2>>"$base.record.log" &&
		perf report -i "$data" --kallsyms="$ks" --stdio -g none --no-children --sort sym \
			--percent-limit 0.3 >"$base.self.txt" 2>>"$base.record.log" &&
		perf report -i "$data" --kallsyms="$ks" --stdio -g none --children --sort sym \
			--percent-limit 0.3 >"$base.children.txt" 2>>"$base.record.log" || rc=$?
	fi
	rm -f "$data" "$data.old"
	return $rc
}

# bench_fail BACKEND KIND ROWSPEC...: rows that could not run (setup failed).
bench_fail() {
	local be=$1 kind=$2 spec label
	shift 2
	for spec in "$@"; do
		label=${spec#*|}
		printf '%s\t%s\t%s\t-1\t\t\t\t0\t-\t%s\t%s\n' "$be" "$kind" "${spec%%|*}" "${label%%|*}" \
			"$BENCH_PASS" >>"$BENCH_RAW/manifest.tsv"
	done
}

# bench_phase BACKEND KIND ROWSPEC...: set up, every row, tear down. Each
# row is run by $BENCH_ROW_FN (bench_fio; bench_perf to profile it). Calls
# bench_on_row ROWSPEC RC DESC after each row, and bench_on_step RC DESC
# after setup and teardown steps, if the caller defines them (the smoke test
# turns them into TAP lines). Returns non-zero if anything failed.
bench_phase() {
	local be=$1 kind=$2 spec single=() agg=() failed=0 rc log
	shift 2
	for spec in "$@"; do
		if [[ $spec == agg-* ]]; then agg+=("$spec"); else single+=("$spec"); fi
	done
	log=$LOGDIR/bench-$be-$kind.log
	_step() { # RC DESC
		declare -F bench_on_step >/dev/null && bench_on_step "$@"
		[ "$1" -eq 0 ] || failed=1
		return "$1"
	}
	_row() { # SPEC DEV...
		local s=$1 r=0 label t0=$SECONDS
		shift
		label=${s#*|}
		"${BENCH_ROW_FN:-bench_fio}" "$be" "$kind" "$s" "$@" >>"$log" 2>&1 || r=$?
		bench_say "$be $kind: ${label%%|*}: fio exit $r after $((SECONDS - t0))s"
		declare -F bench_on_row >/dev/null && bench_on_row "$s" $r "$be $kind"
		[ $r -eq 0 ] || { failed=1; tail -n 5 "$log" | sed 's/^/#   /'; }
	}

	if [ "$kind" = local ]; then
		local devs=() i
		for spec in "${single[@]}"; do _row "$spec" "$(bench_backend_dev "$be" 0)"; done
		for ((i = 0; i < BENCH_NT * BENCH_NL; i++)); do devs+=("$(bench_backend_dev "$be" $i)"); done
		for spec in "${agg[@]}"; do _row "$spec" "${devs[@]}"; done
		return $failed
	fi

	rc=0
	local t0=$SECONDS
	bench_up "$kind" "$be" >>"$log" 2>&1 || rc=$?
	bench_say "$be $kind: set up in $((SECONDS - t0))s"
	_step $rc "$kind: set up $BENCH_NT targets x $BENCH_NL LUNs on $be"
	if [ $rc -eq 0 ]; then
		t0=$SECONDS
		bench_login_first >>"$log" 2>&1 || rc=$?
		bench_say "$be $kind: first login in $((SECONDS - t0))s"
		_step $rc "$kind: login to one target, disk ${BENCH_DEVS[0]:-none}"
	fi
	if [ $rc -eq 0 ]; then
		for spec in "${single[@]}"; do _row "$spec" "${BENCH_DEVS[0]}"; done
	else
		bench_fail "$be" "$kind" "${single[@]}"
	fi
	if [ ${#agg[@]} -gt 0 ]; then
		if [ $rc -eq 0 ]; then
			t0=$SECONDS
			bench_login_rest >>"$log" 2>&1 || rc=$?
			bench_say "$be $kind: other logins in $((SECONDS - t0))s"
			_step $rc "$kind: login to all $BENCH_NT targets, ${#BENCH_AGG_DEVS[@]} disks"
		fi
		if [ $rc -eq 0 ]; then
			for spec in "${agg[@]}"; do _row "$spec" "${BENCH_AGG_DEVS[@]}"; done
		else
			bench_fail "$be" "$kind" "${agg[@]}"
		fi
	fi
	rc=0
	t0=$SECONDS
	bench_logout >>"$log" 2>&1 || rc=$?
	bench_say "$be $kind: logout in $((SECONDS - t0))s"
	_step $rc "$kind: logout"
	rc=0
	bench_down "$kind" >>"$log" 2>&1 || rc=$?
	_step $rc "$kind: tear down"
	[ $failed -eq 0 ]
}
