#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktgt.service, as make install writes it: systemd-analyze verify, then
# its ExecStart commands run by hand (systemd is not PID 1 in the guest):
# modprobe and load /etc/ktgt/targets.conf; an open-iscsi login; then its
# ExecStop commands with the session still logged in: every target
# deleted with --force (the initiator is asked to log out), the module
# unloaded.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:service
UNIT=/etc/systemd/system/ktgt.service
IMG=/tmp/service.img

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "tests ktgt.service"
check "make install (module, ktgtctl, man pages, unit)" \
	make -s -C "$KTGT_REPO" -o all install KVER="$(uname -r)" ||
	bail_out "not installed"
check "the unit names the installed ktgtctl" grep -q "^ExecStart=/usr/local/sbin/ktgtctl load /etc/ktgt/targets.conf\$" "$UNIT"
check "systemd-analyze verify" systemd-analyze verify --man=no "$UNIT"

mkdir -p /etc/ktgt
truncate -s 16M "$IMG"
cat >/etc/ktgt/targets.conf <<CONF
default-driver iscsi
<target $IQN>
    portal $PORTAL
    backing-store $IMG
    initiator-address 127.0.0.1
</target>
CONF

# run_unit KEY: each KEY= command of the unit, in order, as systemd would
run_unit() {
	local cmd
	while IFS= read -r cmd; do
		echo "+ $cmd"
		$cmd || return
	done <<<"$(sed -n "s/^$1=//p" "$UNIT")"
}
check "ExecStart: modprobe ktgt, ktgtctl load" run_unit ExecStart
check "the target is served" eval 'ktgtctl show "$IQN" | grep -q "Backing store path: $IMG"'
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery and login" eval 'iscsi_discover && iscsi_login "$IQN"'
check "disk appears" iscsi_disk "$IQN" 1
check "ExecReload: load again, nothing to do" eval '
	[ -z "$(/usr/local/sbin/ktgtctl -n load /etc/ktgt/targets.conf)" ] && run_unit ExecReload'
check "ExecStop with the session logged in: flush --force, modprobe -r" run_unit ExecStop
check "the module is unloaded" eval '! grep -q "^ktgt " /proc/modules'
check "the session was closed first" eval 'dmesg | grep -q "ktgt: $IQN: session [0-9]* from .* closed"'
timeout 60 iscsiadm -m node -T "$IQN" -u >/dev/null 2>&1
stop_iscsid
check "ExecStart again, and a login" eval 'run_unit ExecStart && start_iscsid && iscsi_login "$IQN"'
check "target flush without --force refuses a busy target" eval '
	! /usr/local/sbin/ktgtctl target flush 2>"$LOGDIR/flush.err" &&
	grep -q "target del $IQN: " "$LOGDIR/flush.err" && ktgtctl show "$IQN" >/dev/null'
check "ExecStop again" run_unit ExecStop
timeout 60 iscsiadm -m node -T "$IQN" -u >/dev/null 2>&1
stop_iscsid
done_testing
