#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data page pool (kernel/pool.c), in a guest. A connection's pool grows
# to what its commands hold at once: 4 KiB I/O at 32 in flight keeps at
# most 256 pages; after a first pass of 1M writes and verifying reads at
# 16 in flight (16 MiB), a second pass takes at most 1 % of its pages from
# the page allocator (with the pool fixed at 4 MiB, 40 to 50 % of a 1M
# write's pages were). drop_caches runs the kernel's shrinkers: ktgt's
# takes every free pool page back, and I/O goes on, verified. ktgt only:
# the counters are ktgt's (debugfs ktgt/datapath).
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:pool
DEV=/dev/ram0
SIZE_MB=128

diag "target $TARGET_KIND, kernel $(uname -r)"
if [ "$TARGET_KIND" != ktgt ]; then
	skip "page pool" "the pool and its counters are ktgt's"
	done_testing
	exit
fi

check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: $SIZE_MB MiB $DEV" modprobe brd rd_nr=1 rd_size=$((SIZE_MB << 10)) ||
	bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery" iscsi_discover
check "login" iscsi_login "$IQN"
DISK=$(iscsi_disk "$IQN" 1) || bail_out "the session has no disk"
check "debugfs" eval 'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug'

pool() { # NAME: debugfs counter page_pool_NAME
	awk -v n="page_pool_$1" '$1 == n { print $2 }' /sys/kernel/debug/ktgt/datapath
}

# All of the disk in 1M requests, 16 in flight, then read back and checked.
fio_1m() { # TAG
	timeout 300 fio --name=p --filename="$DISK" --rw=write --bs=1M --direct=1 \
		--ioengine=libaio --iodepth=16 --verify=crc32c --do_verify=1 --verify_fatal=1 \
		--eta=never --output="$LOGDIR/fio-$1.log" || {
		cat "$LOGDIR/fio-$1.log"
		return 1
	}
	grep -E 'WRITE:|READ:' "$LOGDIR/fio-$1.log"
}
# A pool holds what its commands used, not its cap: 4 KiB I/O at 32 in
# flight stays within the 256 pages (1 MiB) a pool starts with.
small_io() {
	local free
	timeout 120 fio --name=s --filename="$DISK" --rw=randrw --bs=4k --direct=1 \
		--ioengine=libaio --iodepth=32 --runtime=2 --time_based --eta=never \
		--output="$LOGDIR/fio-4k.log" || { cat "$LOGDIR/fio-4k.log"; return 1; }
	grep -E 'WRITE:|READ:' "$LOGDIR/fio-4k.log"
	free=$(pool free_pages)
	echo "free pool pages after 4 KiB I/O: $free"
	[ "${free:-0}" -gt 0 ] && [ "$free" -le 256 ]
}
check "4 KiB I/O, 32 in flight: the pool keeps at most 256 pages" small_io
check "first pass: 1M writes and verifying reads, 16 in flight" fio_1m first

steady() {
	local h0 m0 h m
	h0=$(pool hits)
	m0=$(pool misses)
	fio_1m second || return
	h=$(($(pool hits) - h0))
	m=$(($(pool misses) - m0))
	echo "second pass: $h pages from the pool, $m from the page allocator"
	[ "$h" -gt 0 ] && [ $((m * 100)) -le $((h + m)) ]
}
check "second pass: at most 1 % of the pages allocated anew" steady

shrink() {
	local free s0 left s
	free=$(pool free_pages)
	s0=$(pool shrunk_pages)
	echo "free pool pages: $free"
	[ "${free:-0}" -gt 0 ] || { echo "nothing to take back"; return 1; }
	echo 2 >/proc/sys/vm/drop_caches
	left=$(pool free_pages)
	s=$(($(pool shrunk_pages) - s0))
	echo "after drop_caches: $left free, $s taken back"
	[ "$left" -eq 0 ] && [ "$s" -ge "$free" ]
}
check "drop_caches: the shrinker takes every free pool page back" shrink
check "then 1M writes and reads still verify" fio_1m third

check "logout" iscsi_logout "$IQN"
check "target del $IQN" tgt_target_del "$IQN"
stop_iscsid
check "$(tgt_unload_desc)" tgt_unload
done_testing
