#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CHAP with real initiators: open-iscsi one-way, mutual and with a wrong
# password (refused), and libiscsi with user%password in its URL. Abuse of
# the CHAP keys themselves is in protocol_cases.py.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:chap
DEV=/dev/ram0
USER=alice SECRET=alice-secret-1
TUSER=target TSECRET=target-secret-1

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "CHAP accounts are set with ktgtctl"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
tgt_serve "$IQN" 1 "$DEV" || bail_out "the target would not serve $DEV"
check "account add $USER" ktgtctl account add "$IQN" "$USER" "$SECRET"
check "account add $TUSER outgoing" ktgtctl account add "$IQN" "$TUSER" "$TSECRET" outgoing
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
check "discovery (no discovery auth)" iscsi_discover

node_set() { # NAME VALUE...
	local n v
	while [ $# -ge 2 ]; do
		n=$1 v=$2
		shift 2
		timeout 30 iscsiadm -m node -T "$IQN" -p "$PORTAL" -o update \
			-n "node.session.auth.$n" -v "$v" || return
	done
}

login_io_logout() {
	local disk
	iscsi_login "$IQN" || return
	disk=$(iscsi_disk "$IQN" 1) || return
	dd if="$disk" of=/dev/null bs=64k count=16 iflag=direct || return
	iscsi_logout "$IQN"
}

check "no CHAP configured: refused" eval '! iscsi_login "$IQN"'
node_set authmethod CHAP username "$USER" password "$SECRET"
check "one-way CHAP: login, read, logout" login_io_logout
node_set username_in "$TUSER" password_in "$TSECRET"
check "mutual CHAP: login, read, logout" login_io_logout
node_set password_in wrong-target-secret
check "mutual CHAP, target's secret not the one expected: refused" eval '! iscsi_login "$IQN"'
node_set password wrong-password-1 username_in "" password_in ""
check "wrong password: refused" eval '! iscsi_login "$IQN"'
stop_iscsid

check "libiscsi with user%password" \
	timeout 60 iscsi-inq "iscsi://$USER%$SECRET@$PORTAL/$IQN/1"
check "libiscsi with a wrong password: refused" \
	eval '! timeout 60 iscsi-inq "iscsi://$USER%wrong-password-1@$PORTAL/$IQN/1"'
check "dmesg logs the refusals" eval 'dmesg | grep -q "ktgt: login from .* refused.*0x0201"'

# A changed secret, through load: the account is replaced in place
check "save" ktgtctl save "$LOGDIR/chap.conf"
sed "s/^\(    incominguser $USER\) .*/\1 $USER-secret-2/" "$LOGDIR/chap.conf" >"$LOGDIR/chap2.conf"
check "load -n: one step, the account replaced in place" eval '
	[ "$(ktgtctl -n load "$LOGDIR/chap2.conf")" = "account add $IQN $USER <secret> (replacing the account in place)" ]'
check "load the new secret" ktgtctl load "$LOGDIR/chap2.conf"
check "start iscsid" start_iscsid
node_set authmethod CHAP username "$USER" password "$SECRET" username_in "" password_in ""
check "the old secret: refused" eval '! iscsi_login "$IQN"'
node_set password "$USER-secret-2"
check "the new secret: login, read, logout" login_io_logout

# Discovery CHAP (tgt's incominguser outside a target)
DUSER=disco DSECRET=disco-secret-1
check "account add discovery $DUSER" ktgtctl account add discovery "$DUSER" "$DSECRET"
check "show discovery lists $DUSER" eval 'ktgtctl show discovery | grep -q "^        $DUSER\$"'
check "show -j discovery" eval 'ktgtctl -j show discovery | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"discovery\"] and d[\"accounts\"]==[{\"user\":\"$DUSER\",\"outgoing\":False}], d"'
check "discovery without CHAP: refused" eval '! iscsi_discover'
discovery_chap() { # USER PASSWORD
	local n=discovery.sendtargets.auth
	timeout 30 iscsiadm -m discoverydb -t st -p "$PORTAL" -o new >/dev/null 2>&1
	timeout 30 iscsiadm -m discoverydb -t st -p "$PORTAL" -o update -n $n.authmethod -v CHAP &&
		timeout 30 iscsiadm -m discoverydb -t st -p "$PORTAL" -o update -n $n.username -v "$1" &&
		timeout 30 iscsiadm -m discoverydb -t st -p "$PORTAL" -o update -n $n.password -v "$2" &&
		timeout 60 iscsiadm -m discoverydb -t st -p "$PORTAL" --discover
}
check "discovery with CHAP: $IQN listed" eval 'discovery_chap "$DUSER" "$DSECRET" | grep -q " $IQN\$"'
check "discovery with a wrong secret: refused" eval '! discovery_chap "$DUSER" wrong-secret-12'
check "save writes the discovery account outside any target" eval '
	ktgtctl save "$LOGDIR/disco.conf" && grep -q "^incominguser $DUSER $DSECRET\$" "$LOGDIR/disco.conf"'
check "loading it: empty plan" eval '[ -z "$(ktgtctl -n load "$LOGDIR/disco.conf")" ]'
grep -v "^incominguser $DUSER " "$LOGDIR/disco.conf" >"$LOGDIR/nodisco.conf"
check "load without it: the discovery account goes" eval '
	[ "$(ktgtctl -n load "$LOGDIR/nodisco.conf")" = "account del discovery $DUSER" ] &&
	ktgtctl load "$LOGDIR/nodisco.conf" && ! ktgtctl show discovery | grep -q "$DUSER"'
check "load with it: back" eval '
	ktgtctl load "$LOGDIR/disco.conf" && ktgtctl show discovery | grep -q "^        $DUSER\$"'
check "account del discovery $DUSER" ktgtctl account del discovery "$DUSER"
timeout 30 iscsiadm -m discoverydb -t st -p "$PORTAL" -o delete >/dev/null 2>&1
check "discovery without CHAP works again" eval 'iscsi_discover | grep -q " $IQN\$"'
check "account add discovery with a bad name: usage error" eval '
	ktgtctl account add discovery "" disco-secret-1; [ $? = 2 ]'
stop_iscsid

check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
