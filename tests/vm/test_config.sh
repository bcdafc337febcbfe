#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktgtctl load and save, in a guest (scripts/vm-run): the seed's
# targets.conf (tests/unit/data/seed.conf) with files standing in for
# /dev/sdb and /dev/sdc and a portal on 127.0.0.1, loaded, shown, reloaded
# (nothing to do), changed (a LUN less, an ACL more), saved and loaded back
# (nothing to do); a load that fails midway is rolled back; open-iscsi logs
# in to a loaded target; a target with incominguser and outgoinguser is
# loaded, shown without its secrets, saved with them, logged in to with
# one-way and mutual CHAP, and given a new secret; an empty file deletes
# every target; login keys and cpus are loaded, shown, saved (only those
# not the default) and reloaded with nothing to do. Prints TAP.
set -uo pipefail
# shellcheck source=tests/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "$TARGET_KIND" != ktgt ]; then
	echo "1..0 # SKIP targets.conf is ktgt's"
	_tap_done=1
	exit 0
fi

H1=iqn.2012-11.li.cudd.router:htpc1
H2=iqn.2012-11.li.cudd.router:htpc2
H3=iqn.2012-11.li.cudd.router:htpc3
H4=iqn.2012-11.li.cudd.router:chap
INITIATOR=iqn.2024-01.org.example:client
DIR=/tmp/ktgt-config
SDB=$DIR/sdb.img
SDC=$DIR/sdc.img
EXTRA=$DIR/extra.img
CONF=$DIR/targets.conf
CHANGED=$DIR/changed.conf
BROKEN=$DIR/broken.conf
SAVED=$DIR/saved.conf
CHAP=$DIR/chap.conf
CHAP2=$DIR/chap2.conf
CHAP_SAVED=$DIR/chap-saved.conf
CUSER=alice CSECRET=alice-secret-1 CSECRET2=alice-secret-2
TUSER=target TSECRET=target-secret-1
SEED=$KTGT_REPO/tests/unit/data/seed.conf

diag "kernel $(uname -r)"
check "$(tgt_load_desc)" tgt_load || bail_out "the target would not load"
check "files for /dev/sdb, /dev/sdc and an extra LUN" eval \
	"mkdir -p $DIR && fallocate -l 64M $SDB && fallocate -l 32M $SDC && fallocate -l 16M $EXTRA"

# The seed's file, with our paths, a portal per target and an extra LUN in htpc1.
sed -e "s|/dev/sdb|$SDB\n    backing-store $EXTRA|" -e "s|/dev/sdc|$SDC|" \
	-e 's|^<target .*>$|&\n    portal 127.0.0.1:3260|' "$SEED" >"$CONF"
diag "$(cat "$CONF")"

# same_output DESC WANT CMD...: CMD succeeds and prints exactly WANT.
same_output() {
	local desc=$1 want=$2 out
	shift 2
	out=$("$@" 2>&1)
	local rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$(printf 'exit %d; got:\n%s\nwanted:\n%s' $rc "$out" "$want")"
	fi
}

PLAN="target add $H1
lun add $H1 1 $SDB
lun add $H1 2 $EXTRA
acl add $H1 ALL
portal add $H1 127.0.0.1:3260
target add $H2
lun add $H2 1 $SDC
acl add $H2 ALL
portal add $H2 127.0.0.1:3260"
same_output "load --dry-run prints the plan for both targets" "$PLAN" ktgtctl --dry-run load "$CONF"
same_output "load --dry-run changes nothing" "" ktgtctl show
check "load $CONF" ktgtctl load "$CONF"

show_loaded() {
	local out
	out=$(ktgtctl show) || return
	echo "$out"
	for want in "$H1" "$H2" "$SDB" "$SDC" "$EXTRA" "127.0.0.1:3260" ALL; do
		grep -qF -- "$want" <<<"$out" || { echo "missing $want"; return 1; }
	done
	[ "$(grep -c 'LUN: ' <<<"$out")" -eq 3 ] || { echo "not 3 LUNs"; return 1; }
}
check "show lists both targets, their LUNs, portal and ACL" show_loaded

same_output "reloading the same file: empty plan" "" ktgtctl -n load "$CONF"
check "reloading the same file" ktgtctl load "$CONF"

# A LUN less in htpc1, an initiator more in htpc2 (which keeps ALL).
sed -e "\|backing-store $EXTRA|d" \
	-e "\|direct-store $SDC|a\\    initiator-address ALL\n    initiator-name $INITIATOR" \
	"$CONF" >"$CHANGED"
same_output "changed file: the plan is that LUN and that ACL" \
	"lun del $H1 2
acl add $H2 $INITIATOR" ktgtctl -n load "$CHANGED"
check "load the changed file" ktgtctl load "$CHANGED"

show_changed() {
	local out
	out=$(ktgtctl show) || return
	echo "$out"
	grep -qF "$EXTRA" <<<"$out" && { echo "$EXTRA still there"; return 1; }
	grep -qF "$INITIATOR" <<<"$out" || { echo "no ACL for $INITIATOR"; return 1; }
}
check "show: the LUN is gone, the ACL is there" show_changed
same_output "the changed file reloads with an empty plan" "" ktgtctl -n load "$CHANGED"

check "save $SAVED" ktgtctl save "$SAVED"
diag "$(cat "$SAVED")"
same_output "save to stdout writes the same" "$(cat "$SAVED")" ktgtctl save
same_output "loading the saved file: empty plan" "" ktgtctl -n load "$SAVED"

# A new target whose portal cannot be bound (192.0.2.1 is not ours), after
# an ACL removal: the kernel fails the last step, and everything is undone.
{
	grep -v "initiator-name" "$CHANGED"
	printf '<target %s>\n    backing-store %s\n    portal 192.0.2.1:3260\n</target>\n' \
		"$H3" "$EXTRA"
} >"$BROKEN"
load_fails() {
	local out
	out=$(ktgtctl load "$BROKEN" 2>&1) && { echo "$out"; echo "load succeeded"; return 1; }
	echo "$out"
	grep -q "portal add $H3 192.0.2.1:3260" <<<"$out" &&
		grep -q "not loaded, the running targets are as they were" <<<"$out"
}
check "a load whose last step fails reports it" load_fails
same_output "and leaves the running targets as they were" "$(cat "$SAVED")" ktgtctl save

# Errors: every one, with its line, and nothing changes.
printf '<target %s>\n    frobnicate\n    initiator-address 192.0.2.300\n    incominguser a short\n' \
	"$H3" >"$DIR/bad.conf"
bad_file() {
	local out
	out=$(ktgtctl load "$DIR/bad.conf" 2>&1) && { echo "$out"; return 1; }
	echo "$out"
	grep -qx "$DIR/bad.conf:2: unknown directive 'frobnicate'" <<<"$out" &&
		grep -qx "$DIR/bad.conf:1: <target $H3> is missing </target>" <<<"$out" &&
		grep -qx "$DIR/bad.conf:3: invalid initiator address '192.0.2.300' (expected ALL, or an IPv4 or IPv6 address with an optional /PREFIX)" <<<"$out" &&
		grep -qx "$DIR/bad.conf:4: incominguser a: the secret has 5 characters (expected 12 to 255)" <<<"$out"
}
check "a bad file is refused with file:line errors" bad_file
same_output "and changes nothing" "$(cat "$SAVED")" ktgtctl save

check "initiator modules and iscsid" eval 'load_initiator_modules && start_iscsid'
discover() {
	local out
	out=$(iscsi_discover "$PORTAL") || return
	echo "$out"
	grep -qE "^$PORTAL,[0-9]+ $H1\$" <<<"$out" && ! grep -qE " $H2\$" <<<"$out"
}
# htpc2 admits every address (ALL) but names one initiator, not this one:
# as with tgt, a login must match an entry of each kind present
check "discovery lists $H1, not $H2 (its initiator-name is another's)" discover
check "login $H1" iscsi_login "$H1"
disk_size() {
	local d
	d=$(iscsi_disk "$H1" 1) || return
	echo "$d"
	[ "$(blockdev --getsize64 "$d")" -eq $((64 << 20)) ]
}
check "$H1 LUN 1 is a 64 MiB disk" disk_size
check "logout $H1" iscsi_logout "$H1"

# CHAP: a fourth target with two incoming users and an outgoing one.
{
	cat "$CHANGED"
	printf '<target %s>\n    portal 127.0.0.1:3260\n    backing-store %s\n' "$H4" "$EXTRA"
	printf '    incominguser %s %s\n    incominguser bob "bob secret 01"\n' "$CUSER" "$CSECRET"
	printf '    outgoinguser %s %s\n</target>\n' "$TUSER" "$TSECRET"
} >"$CHAP"
same_output "CHAP target: accounts before ACL and portal, secrets left out of the plan" \
	"target add $H4
lun add $H4 1 $EXTRA
account add $H4 $CUSER <secret>
account add $H4 bob <secret>
account add $H4 $TUSER <secret> outgoing
acl add $H4 ALL
portal add $H4 127.0.0.1:3260" ktgtctl -n load "$CHAP"
check "load $CHAP" ktgtctl load "$CHAP"

no_secrets() { # TEXT
	local s
	for s in "$CSECRET" "bob secret 01" "$TSECRET"; do
		! grep -qF -- "$s" <<<"$1" || { echo "secret $s shown"; return 1; }
	done
}
show_chap() {
	local out
	out=$(ktgtctl show "$H4") || return
	echo "$out"
	no_secrets "$out" || return
	[ "$(sed -n '/^    Account information:$/,/^    ACL information:$/p' <<<"$out")" = \
		"    Account information:
        $CUSER
        bob
        $TUSER (outgoing)
    ACL information:" ] || { echo "no account section as tgtadm's"; return 1; }
}
check "show: the accounts, the outgoing one last, no secret" show_chap
show_chap_json() {
	local out
	out=$(ktgtctl -j show "$H4") || return
	echo "$out"
	no_secrets "$out" && ! grep -q secret <<<"$out" &&
		python3 -c '
import json, sys
t = json.load(sys.stdin)[0]
want = [{"user": sys.argv[1], "outgoing": False}, {"user": "bob", "outgoing": False},
        {"user": sys.argv[2], "outgoing": True}]
sys.exit(sorted(t["accounts"], key=str) != sorted(want, key=str))' "$CUSER" "$TUSER" <<<"$out"
}
check "show -j: accounts with user and outgoing, no secret" show_chap_json
same_output "reloading the CHAP file: empty plan" "" ktgtctl -n load "$CHAP"
check "save $CHAP_SAVED" ktgtctl save "$CHAP_SAVED"
saved_chap() {
	cat "$CHAP_SAVED"
	[ "$(stat -c %a "$CHAP_SAVED")" = 600 ] || { echo "mode is not 600"; return 1; }
	grep -qxF "    incominguser $CUSER $CSECRET" "$CHAP_SAVED" &&
		grep -qxF '    incominguser bob "bob secret 01"' "$CHAP_SAVED" &&
		grep -qxF "    outgoinguser $TUSER $TSECRET" "$CHAP_SAVED"
}
check "save writes the accounts with their secrets, mode 600" saved_chap
same_output "loading the saved CHAP file: empty plan" "" ktgtctl -n load "$CHAP_SAVED"

node_set() { # IQN NAME VALUE...
	local iqn=$1 n v
	shift
	while [ $# -ge 2 ]; do
		n=$1 v=$2
		shift 2
		timeout 30 iscsiadm -m node -T "$iqn" -p "$PORTAL" -o update \
			-n "node.session.auth.$n" -v "$v" || return
	done
}
login_read_logout() { # IQN
	local disk
	iscsi_login "$1" || return
	disk=$(iscsi_disk "$1" 1) || { iscsi_logout "$1"; return 1; }
	dd if="$disk" of=/dev/null bs=64k count=16 iflag=direct || { iscsi_logout "$1"; return 1; }
	iscsi_logout "$1"
}
discover_chap() {
	local out
	out=$(iscsi_discover "$PORTAL") || return
	echo "$out"
	grep -qE "^$PORTAL,[0-9]+ $H4\$" <<<"$out"
}
check "discovery lists $H4" discover_chap
check "$H4 without CHAP: refused" eval '! iscsi_login "$H4"'
node_set "$H4" authmethod CHAP username "$CUSER" password "$CSECRET"
check "$H4 one-way CHAP: login, read, logout" login_read_logout "$H4"
node_set "$H4" username_in "$TUSER" password_in "$TSECRET"
check "$H4 mutual CHAP: login, read, logout" login_read_logout "$H4"

# A new secret: the account is replaced in place (never missing), the old
# secret stops working.
sed "s|$CSECRET|$CSECRET2|" "$CHAP" >"$CHAP2"
same_output "a changed secret: the plan replaces that account in place" \
	"account add $H4 $CUSER <secret> (replacing the account in place)" ktgtctl -n load "$CHAP2"
check "load $CHAP2" ktgtctl load "$CHAP2"
check "$H4 with the old secret: refused" eval '! iscsi_login "$H4"'
node_set "$H4" password "$CSECRET2"
check "$H4 with the new secret: login, read, logout" login_read_logout "$H4"
stop_iscsid

# Login keys and cpus in a <target> (the guest has 2 CPUs): a key left out
# is the default, cpus compare as CPU sets, save writes what differs from
# the defaults only.
H5=iqn.2012-11.li.cudd.router:keys
H6=iqn.2012-11.li.cudd.router:fresh
KEYS=$DIR/keys.conf KEYS2=$DIR/keys2.conf KEYS_SAVED=$DIR/keys-saved.conf
printf '<target %s>\n    portal 127.0.0.1:3260\n    null-store 16M\n    MaxBurstLength 524288\n    ImmediateData No\n    cpus 1\n</target>\n' \
	"$H5" >"$KEYS"
diag "$(cat "$KEYS")"
plan_has_set() {
	local out
	out=$(ktgtctl -n load "$KEYS") || return
	echo "$out"
	grep -A1 -xF "target add $H5" <<<"$out" |
		grep -qxF "target set $H5 MaxBurstLength 524288 ImmediateData No cpus 1"
}
check "keys file: the plan sets the keys and cpus right after target add" plan_has_set
check "load $KEYS" ktgtctl load "$KEYS"
json_target() { # FILTER WANT: jq FILTER on H5's object in "ktgtctl -j show"
	local out v
	out=$(ktgtctl -j show) || return
	v=$(jq -r --arg n "$H5" ".[] | select(.name == \$n) | $1" <<<"$out") || { echo "$out"; return 1; }
	[ "$v" = "$2" ] || { echo "$out"; echo "$1 is '$v', want '$2'"; return 1; }
}
check "show -j: MaxBurstLength 524288" json_target .params.MaxBurstLength 524288
check "show -j: ImmediateData false" json_target .params.ImmediateData false
check "show -j: cpus 1" json_target .cpus 1
check "show -j: the keys the file leaves out are the defaults" json_target \
	'[.params.MaxRecvDataSegmentLength, .params.FirstBurstLength, .params.InitialR2T, .params.HeaderDigest] | join(" ")' \
	"262144 262144 false None,CRC32C"
same_output "reloading the keys file: empty plan" "" ktgtctl -n load "$KEYS"
# MaxBurstLength below the default FirstBurstLength: the file's error, at its line
sed 's/MaxBurstLength 524288/MaxBurstLength 131072/' "$KEYS" >"$KEYS2"
refuse_bursts() {
	local err rc=0
	err=$(ktgtctl load "$KEYS2" 2>&1) || rc=$?
	echo "exit $rc: $err"
	[ $rc -eq 1 ] &&
		grep -qxF "$KEYS2:4: FirstBurstLength 262144 (the default) exceeds MaxBurstLength 131072" <<<"$err"
}
check "MaxBurstLength below the default FirstBurstLength: refused at its line" refuse_bursts
check "and nothing changed" json_target .params.MaxBurstLength 524288
# A CPU the guest lacks: the kernel refuses the new target's target set, and
# the load is undone, the first target's keys set back included.
H7=iqn.2012-11.li.cudd.router:nocpu
{
	sed 's/MaxBurstLength 524288/MaxBurstLength 786432/' "$KEYS"
	printf '<target %s>\n    portal 127.0.0.1:3260\n    null-store 16M\n    cpus 5\n</target>\n' "$H7"
} >"$KEYS2"
refuse_cpu() {
	local err rc=0
	err=$(ktgtctl load "$KEYS2" 2>&1) || rc=$?
	echo "exit $rc: $err"
	[ $rc -eq 1 ] && grep -qF "target set $H7 cpus 5: " <<<"$err" &&
		grep -qF "not loaded, the running targets are as they were" <<<"$err"
}
check "cpus 5 on 2 CPUs: the kernel refuses it, the load is rolled back" refuse_cpu
check "the first target's MaxBurstLength is set back" json_target .params.MaxBurstLength 524288
check "the new target is gone" eval '! ktgtctl show | grep -qF "$H7"'
check "save $KEYS_SAVED" ktgtctl save "$KEYS_SAVED"
diag "$(cat "$KEYS_SAVED")"
saved_keys() {
	local lines
	lines=$(grep -E '^ *(HeaderDigest|DataDigest|MaxRecvDataSegmentLength|MaxBurstLength|FirstBurstLength|InitialR2T|ImmediateData|MaxOutstandingR2T|DefaultTime2Wait|DefaultTime2Retain|cpus) ' "$KEYS_SAVED")
	echo "$lines"
	[ "$(printf '%s\n' "$lines" | sed 's/^ *//')" = "$(printf 'MaxBurstLength 524288\nImmediateData No\ncpus 1')" ]
}
check "save writes the two keys and cpus, nothing else" saved_keys
same_output "loading the saved keys file: empty plan" "" ktgtctl -n load "$KEYS_SAVED"
# ImmediateData left out: back to Yes; cpus 1,0 is 0-1
sed -e '/ImmediateData/d' -e 's/cpus 1$/cpus 1,0/' "$KEYS" >"$KEYS2"
same_output "keys file changed: one target set back to the default, cpus canonical" \
	"target set $H5 ImmediateData Yes cpus 0-1" ktgtctl -n load "$KEYS2"
check "load $KEYS2" ktgtctl load "$KEYS2"
check "show -j: ImmediateData true again" json_target .params.ImmediateData true
check "show -j: cpus 0-1" json_target .cpus 0-1
same_output "reloading it: empty plan (0-1 equals 1,0)" "" ktgtctl -n load "$KEYS2"
sed -i '/cpus/d' "$KEYS2"
same_output "cpus left out: the plan unpins" "target set $H5 cpus none" ktgtctl -n load "$KEYS2"
check "load it" ktgtctl load "$KEYS2"
check "show -j: no cpus" json_target .cpus null
# a fresh target: the kernel's defaults are the table's, so save writes no key
check "target add $H6" ktgtctl target add "$H6"
fresh_saved() {
	local out block
	out=$(ktgtctl save) || return
	block=$(sed -n "/^<target ${H6//./\\.}>/,/^<\/target>/p" <<<"$out")
	echo "$block"
	[ -n "$block" ] || return 1
	! grep -qvE "^(<target |</target>|    # no (portal|ACL))" <<<"$block"
}
check "save: a fresh target has no key lines" fresh_saved

printf 'default-driver iscsi\n' >"$DIR/empty.conf"
check "loading a file without targets deletes them all" ktgtctl load "$DIR/empty.conf"
same_output "nothing is left" "" ktgtctl show
check "$(tgt_unload_desc)" tgt_unload
done_testing
