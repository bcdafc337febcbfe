#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ACLs by initiator address (tgt's initiator-address) and name, with
# open-iscsi: a login must match one entry of each kind present, else it
# is refused with status 0x0202 and SendTargets leaves the target out.
# Then the same rules through targets.conf: save writes them, load of the
# saved file has nothing to do, and a changed address is applied.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IQN=iqn.2026-11.org.ktgt:acl
DEV=/dev/ram0
DIR=$LOGDIR/acl
mkdir -p "$DIR"

diag "target $TARGET_KIND, kernel $(uname -r)"
[ "$TARGET_KIND" = ktgt ] || bail_out "ACLs by address are set with ktgtctl"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "modprobe brd: 64 MiB $DEV" modprobe brd rd_nr=1 rd_size=65536 || bail_out "no ramdisk"
check "target, portal and LUN, no ACL" eval 'ktgtctl target add "$IQN" &&
	ktgtctl portal add "$IQN" "$PORTAL" && ktgtctl lun add "$IQN" 1 "$DEV"'
check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
INITIATOR=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)

# discovered: does SendTargets list the target?
discovered() {
	iscsi_discover 2>/dev/null | grep -q " $IQN\$"
}
login_logout() {
	iscsi_login "$IQN" && iscsi_disk "$IQN" 1 >/dev/null && iscsi_logout "$IQN"
}
refused_0202() {
	local before
	before=$(dmesg | grep -c "login from .*$INITIATOR.* refused.*0x0202")
	! iscsi_login "$IQN" &&
		[ "$(dmesg | grep -c "login from .*$INITIATOR.* refused.*0x0202")" -gt "$before" ]
}

check "acl add --address 10.0.0.0/8" ktgtctl acl add "$IQN" --address 10.1.2.3/8
check "show: the range as 10.0.0.0/8" eval 'ktgtctl show "$IQN" | grep -q "^        10.0.0.0/8\$"'
check "from 127.0.0.1: not discovered" eval '! discovered'
# node records come from discovery: make one by hand for the refused logins
check "node record for $IQN" \
	timeout 30 iscsiadm -m node -o new -T "$IQN" -p "$PORTAL"
check "from 127.0.0.1: login refused with 0x0202" refused_0202
check "acl add --address 127.0.0.1" ktgtctl acl add "$IQN" --address 127.0.0.1
check "discovered now" discovered
check "login and logout" login_logout
check "acl add -a ::1/128 and 2001:db8::/32" eval '
	ktgtctl acl add "$IQN" -a ::1/128 && ktgtctl acl add "$IQN" -a "[2001:db8::7]/32"'
check "show -j: addresses as given, ranges masked" eval '
	ktgtctl -j show "$IQN" | python3 -c "import json,sys; a=json.load(sys.stdin)[0][\"initiator_addresses\"]; assert a==[\"10.0.0.0/8\",\"127.0.0.1\",\"::1\",\"2001:db8::/32\"], a"'
check "acl add of an existing range: refused" eval '
	! ktgtctl acl add "$IQN" --address 10.9.9.9/8 2>"$DIR/exists.err" && grep -q "ACL entry exists" "$DIR/exists.err"'
check "acl add --address with a bad prefix: usage error" eval '
	ktgtctl acl add "$IQN" --address 10.0.0.0/33; [ $? = 2 ]'
check "acl add with a name and --address: usage error" eval '
	ktgtctl acl add "$IQN" ALL --address 10.0.0.1; [ $? = 2 ]'

# names and addresses: one of each kind must match
check "acl add another initiator's name" ktgtctl acl add "$IQN" iqn.2026-11.org.example:other
check "name rule present, ours not in it: refused with 0x0202" refused_0202
check "acl add our initiator name" ktgtctl acl add "$IQN" "$INITIATOR"
check "name and address match: login and logout" login_logout
check "acl del --address 127.0.0.1" ktgtctl acl del "$IQN" --address 127.0.0.1
check "name matches, address does not: refused with 0x0202" refused_0202
check "acl add ALL (matches every address)" ktgtctl acl add "$IQN" ALL
check "name matches, ALL: login and logout" login_logout
check "acl del of a missing address: refused" eval '
	! ktgtctl acl del "$IQN" --address 192.0.2.1 2>"$DIR/missing.err" && grep -q "no such ACL entry" "$DIR/missing.err"'

# targets.conf: save writes initiator-address, load takes it back
check "save" ktgtctl save "$DIR/saved.conf"
check "saved: initiator-address and initiator-name lines" eval '
	grep -q "^    initiator-address 10.0.0.0/8\$" "$DIR/saved.conf" &&
	grep -q "^    initiator-address 2001:db8::/32\$" "$DIR/saved.conf" &&
	grep -q "^    initiator-address ALL\$" "$DIR/saved.conf" &&
	grep -q "^    initiator-name $INITIATOR\$" "$DIR/saved.conf"'
same_plan() { [ -z "$(ktgtctl -n load "$1")" ]; }
check "loading the saved file: empty plan" same_plan "$DIR/saved.conf"
sed -e 's|initiator-address 10.0.0.0/8|initiator-address 127.0.0.0/8|' \
	-e '/initiator-address ALL/d' "$DIR/saved.conf" >"$DIR/changed.conf"
check "load -n of a changed address: the plan" eval '
	ktgtctl -n load "$DIR/changed.conf" >"$DIR/plan.txt" &&
	grep -q "^acl del $IQN --address 10.0.0.0/8\$" "$DIR/plan.txt" &&
	grep -q "^acl del $IQN ALL\$" "$DIR/plan.txt" &&
	grep -q "^acl add $IQN --address 127.0.0.0/8\$" "$DIR/plan.txt"'
check "load it" ktgtctl load "$DIR/changed.conf"
check "127.0.0.0/8 and our name: login and logout" login_logout
check "loading it again: empty plan" same_plan "$DIR/changed.conf"

stop_iscsid
check "target del $IQN" tgt_target_del "$IQN"
check "$(tgt_unload_desc)" tgt_unload
done_testing
