#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reservations and unit attentions with two initiators (raw iscsi_raw.py
sessions under two initiator names). Usage: pr_cases.py IQN PHASE, where
PHASE is one of:
  main            persistent and SPC-2 reservations, the unit attentions
                  they and resets, reinstatement, MODE SELECT and LUN
                  inventory changes cause, PREEMPT AND ABORT of another
                  nexus's tasks; ends with an APTPL reservation
  aptpl-restored  after a module reload: the APTPL state is back
  aptpl-fails     pr_dir cannot be written: APTPL gets CHECK CONDITION
  foreign-we      another initiator (open-iscsi) holds WRITE EXCLUSIVE
Environment: KTGTCTL (the ktgtctl binary), PR_SPARE (a file for a new LUN).
Prints TAP."""
import os
import struct
import subprocess
import sys
import time

import iscsi_raw as r
from tap import case, expect, report

IQN = sys.argv[1]
PHASE = sys.argv[2]
A_NAME = "iqn.2026-11.org.ktgt:pr-a"
B_NAME = "iqn.2026-11.org.ktgt:pr-b"
ISID_A = b"\x80\x00\x00\x00\x00\x0a"
ISID_B = b"\x80\x00\x00\x00\x00\x0b"
KEY_A, KEY_B = 0xAAAA0001, 0xBBBB0002
GOOD, CHECK, CONFLICT = 0, 2, 0x18
WE, EA, WE_RO, EA_AR = 1, 3, 5, 8
REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT_ABORT, REG_IGNORE, MOVE = range(8)


def nexus(name, isid):
    c = r.Conn()
    c.initiator = name
    c.isid = isid
    p = c.login(IQN)
    expect(p.status == 0, "%s: login 0x%04x" % (name, p.status))
    c.ua = c.clear_ua()
    return c


def cmd(c, cdb, out=b"", read=0, lun=1):
    """one command: (status, (key, asc, ascq) or None, data)"""
    itt = c.scsi_cmd(cdb, lun=lun, edtl=len(out) or read, read=bool(read), write=bool(out),
                     data=out)
    data = b""
    while True:
        p = c.recv()
        if p.itt != itt:
            continue
        if p.opcode == r.OP_DATA_IN:
            data += p.data
            if p.flags & 1:
                return p.bhs[3], None, data
        elif p.opcode == r.OP_SCSI_RSP:
            sense = p.data[2:]
            s = (sense[2] & 0xF, sense[12], sense[13]) if len(sense) >= 14 else None
            return p.bhs[3], s, data
        else:
            raise AssertionError("unexpected %r" % p)


def tur(c, lun=1):
    return cmd(c, bytes(6), lun=lun)


def read10(c, lba=0):
    return cmd(c, struct.pack(">BBIBHB", 0x28, 0, lba, 0, 1, 0), read=512)


def write10(c, lba=0):
    return cmd(c, struct.pack(">BBIBHB", 0x2A, 0, lba, 0, 1, 0), out=bytes(512))


def pr_out(c, sa, key=0, sa_key=0, prtype=0, aptpl=False):
    params = struct.pack(">QQ4sBBH", key, sa_key, b"", 1 if aptpl else 0, 0, 0)
    cdb = struct.pack(">BBBHIB", 0x5F, sa, prtype, 0, len(params), 0)
    return cmd(c, cdb, out=params)


def transport_id(name, isid):
    """iSCSI TransportID, format 01b: "name,i,0x<isid>"""
    s = ("%s,i,0x%s" % (name, isid.hex())).encode() + b"\0"
    s += bytes(-len(s) % 4)
    return bytes([0x45, 0]) + struct.pack(">H", len(s)) + s


def register_and_move(c, key, sa_key, tid, prtype, unreg=True):
    params = struct.pack(">QQBBHI", key, sa_key, 0, 0x02 if unreg else 0, 1, len(tid)) + tid
    cdb = struct.pack(">BBBHIB", 0x5F, MOVE, prtype, 0, len(params), 0)
    return cmd(c, cdb, out=params)


def pr_in(c, sa):
    st, s, data = cmd(c, struct.pack(">BB5sHB", 0x5E, sa, b"", 1024, 0), read=1024)
    expect(st == GOOD, "PR IN %d: status %d %r" % (sa, st, s))
    return data


def read_keys(c):
    data = pr_in(c, 0)
    n = struct.unpack(">I", data[4:8])[0] // 8
    return struct.unpack(">I", data[:4])[0], [struct.unpack(">Q", data[8 + 8 * i:16 + 8 * i])[0]
                                              for i in range(n)]


def read_reservation(c):
    """(key, type) or None"""
    data = pr_in(c, 1)
    if struct.unpack(">I", data[4:8])[0] == 0:
        return None
    return struct.unpack(">Q", data[8:16])[0], data[21] & 0xF


def is_ua(res, asc, ascq):
    return res[0] == CHECK and res[1] == (6, asc, ascq)


def ok(res, what):
    expect(res[0] == GOOD, "%s: status %d sense %r" % (what, res[0], res[1]))


def clear_all(c, key):
    """leave no registration behind (c registers with key if need be)"""
    ok(pr_out(c, REG_IGNORE, sa_key=key), "register and ignore")
    ok(pr_out(c, CLEAR, key=key), "clear")


def tmf(c, func, lun=1):
    itt = c.next_itt()
    c.send(r.bhs(r.OP_TMF | r.IMMEDIATE, 0x80 | func, lun=bytes([0, lun]) + bytes(6), itt=itt,
                 w5=r.RSVD, w6=c.cmdsn, w7=c.exp_statsn))
    p = c.wait_for(r.OP_TMF_RSP)
    return p.bhs[2]


OBJECTS = "/sys/kernel/debug/ktgt/objects"


def live_cmds():
    return int(open(os.path.join(OBJECTS, "cmds")).read())


def settle_cmds(want, timeout=20):
    """wait until the target's live commands are back to want"""
    end = time.time() + timeout
    while time.time() < end and live_cmds() != want:
        time.sleep(0.2)
    return live_cmds()


def pending_write(c):
    """a WRITE of 64 blocks the target asks data for (R2T) and never gets"""
    itt = c.scsi_cmd(struct.pack(">BBIBHB", 0x2A, 0, 16, 0, 64, 0), edtl=64 * 512, write=True)
    r2t = c.wait_for(r.OP_R2T)
    expect(r2t.itt == itt, "R2T for another task")
    return itt


def watch(c):
    """every PDU c receives from now on, in a list"""
    seen, recv = [], c.recv

    def watched():
        p = recv()
        seen.append(p)
        return p
    c.recv = watched
    return seen


def ktgtctl(*args):
    subprocess.run([os.environ["KTGTCTL"]] + list(args), check=True, timeout=30,
                   stdout=subprocess.DEVNULL)


def main_cases():
    @case
    def new_nexus_gets_power_on_unit_attention_once():
        a = nexus(A_NAME, ISID_A)
        expect(a.ua[:1] == [(0x29, 0x00)], "first unit attention %r" % a.ua)
        ok(tur(a), "second TEST UNIT READY")
        a.close()

    @case
    def reinstated_session_gets_nexus_loss():
        a = nexus(A_NAME, ISID_A)
        a2 = nexus(A_NAME, ISID_A)
        expect(a2.ua[:1] == [(0x29, 0x07)], "after reinstatement %r" % a2.ua)
        expect(a.closed(10), "old session still open")

    @case
    def inquiry_and_report_luns_do_not_clear_a_unit_attention():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        expect(tmf(a, 5) == 0, "LUN RESET")
        ok(cmd(b, struct.pack(">BBBHB", 0x12, 0, 0, 96, 0), read=96), "INQUIRY")
        ok(cmd(b, struct.pack(">BBIIBB", 0xA0, 0, 0, 256, 0, 0), read=256), "REPORT LUNS")
        res = tur(b)
        expect(is_ua(res, 0x29, 0x03), "other nexus after LUN RESET: %r" % (res,))
        ok(tur(b), "unit attention reported once")
        ok(tur(a), "no unit attention for the nexus that reset")

    @case
    def target_warm_reset_tells_the_other_nexus():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        expect(tmf(a, 6) == 0, "TARGET WARM RESET")
        res = tur(b)
        expect(is_ua(res, 0x29, 0x03), "other nexus after TARGET WARM RESET: %r" % (res,))
        ok(tur(a), "no unit attention for the nexus that reset")

    @case
    def request_sense_returns_and_clears_a_unit_attention():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        expect(tmf(a, 5) == 0, "LUN RESET")
        st, _, data = cmd(b, struct.pack(">BBBBBB", 0x03, 0, 0, 0, 18, 0), read=18)
        expect(st == GOOD and data[2] & 0xF == 6 and data[12:14] == b"\x29\x03",
               "REQUEST SENSE: %d %r" % (st, data[:14]))
        ok(tur(b), "cleared by REQUEST SENSE")

    @case
    def write_exclusive_conflicts_for_the_other_initiator():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(pr_out(a, REGISTER, sa_key=KEY_A), "A registers")
        ok(pr_out(b, REGISTER, sa_key=KEY_B), "B registers")
        gen, keys = read_keys(b)
        expect(sorted(keys) == sorted([KEY_A, KEY_B]), "keys %r" % keys)
        ok(pr_out(a, RESERVE, key=KEY_A, prtype=WE), "A reserves WRITE EXCLUSIVE")
        expect(read_reservation(b) == (KEY_A, WE), "reservation %r" % (read_reservation(b),))
        ok(read10(b), "B reads")
        expect(write10(b)[0] == CONFLICT, "B writes despite the reservation")
        ok(write10(a), "A writes")
        expect(pr_out(b, RESERVE, key=KEY_B, prtype=WE)[0] == CONFLICT, "B reserves too")
        expect(pr_out(b, RESERVE, key=KEY_A, prtype=WE)[0] == CONFLICT, "B with A's key")
        # RELEASE by a non-holder: GOOD, and nothing changes
        ok(pr_out(b, RELEASE, key=KEY_B, prtype=WE), "B releases")
        expect(read_reservation(a) == (KEY_A, WE), "released by a non-holder")
        gen2, _ = read_keys(a)
        expect(gen2 == gen, "generation moved on RESERVE/RELEASE: %d -> %d" % (gen, gen2))
        # PREEMPT: B takes A's place as EXCLUSIVE ACCESS; A hears of it
        ok(pr_out(b, PREEMPT, key=KEY_B, sa_key=KEY_A, prtype=EA), "B preempts A")
        res = tur(a)
        expect(is_ua(res, 0x2A, 0x05), "A after preemption: %r" % (res,))
        _, keys = read_keys(a)
        expect(keys == [KEY_B], "keys after preemption %r" % keys)
        expect(read_reservation(a) == (KEY_B, EA), "reservation %r" % (read_reservation(a),))
        expect(read10(a)[0] == CONFLICT, "A reads under EXCLUSIVE ACCESS")
        ok(pr_out(b, RELEASE, key=KEY_B, prtype=EA), "B releases")
        expect(read_reservation(a) is None, "still reserved")
        ok(read10(a), "A reads again")
        clear_all(b, KEY_B)

    @case
    def release_of_registrants_only_tells_the_registrants():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(pr_out(a, REGISTER, sa_key=KEY_A), "A registers")
        ok(pr_out(b, REGISTER, sa_key=KEY_B), "B registers")
        ok(pr_out(a, RESERVE, key=KEY_A, prtype=WE_RO), "A reserves WE registrants only")
        ok(write10(b), "registered B writes")
        expect(pr_out(a, RELEASE, key=KEY_A, prtype=WE)[0] == CHECK, "release with another type")
        ok(pr_out(a, RELEASE, key=KEY_A, prtype=WE_RO), "A releases")
        res = tur(b)
        expect(is_ua(res, 0x2A, 0x04), "B after release: %r" % (res,))
        ok(tur(a), "no unit attention for the releaser")
        # CLEAR: everything goes, the others hear RESERVATIONS PREEMPTED
        ok(pr_out(b, RESERVE, key=KEY_B, prtype=EA_AR), "B reserves all registrants")
        ok(write10(a), "registrant A writes under all registrants")
        ok(pr_out(a, CLEAR, key=KEY_A), "A clears")
        res = tur(b)
        expect(is_ua(res, 0x2A, 0x03), "B after CLEAR: %r" % (res,))
        expect(read_keys(b)[1] == [] and read_reservation(b) is None, "CLEAR left state")

    @case
    def unregistered_initiator_cannot_reserve_or_clear():
        a = nexus(A_NAME, ISID_A)
        expect(pr_out(a, RESERVE, key=KEY_A, prtype=WE)[0] == CONFLICT, "reserve")
        expect(pr_out(a, CLEAR, key=KEY_A)[0] == CONFLICT, "clear")
        expect(pr_out(a, REGISTER, key=KEY_A, sa_key=KEY_A)[0] == CONFLICT,
               "register with a key while not registered")
        res = pr_out(a, RESERVE, key=0, prtype=2)
        expect(res[0] == CHECK and res[1][:2] == (5, 0x24), "type 2: %r" % (res,))

    @case
    def reserve6_conflicts_and_goes_with_the_session():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(cmd(a, bytes([0x16, 0, 0, 0, 0, 0])), "A RESERVE(6)")
        expect(tur(b)[0] == CONFLICT, "B TEST UNIT READY")
        expect(cmd(b, bytes([0x16, 0, 0, 0, 0, 0]))[0] == CONFLICT, "B RESERVE(6)")
        expect(pr_out(b, REGISTER, sa_key=KEY_B)[0] == CONFLICT, "B PR OUT")
        ok(cmd(b, struct.pack(">BBBHB", 0x12, 0, 0, 96, 0), read=96), "B INQUIRY")
        ok(cmd(b, bytes([0x17, 0, 0, 0, 0, 0])), "B RELEASE(6): GOOD, no effect")
        expect(tur(b)[0] == CONFLICT, "released by B")
        ok(cmd(a, bytes([0x17, 0, 0, 0, 0, 0])), "A RELEASE(6)")
        ok(tur(b), "B after release")
        # I_T nexus loss releases it
        ok(cmd(a, bytes([0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0])), "A RESERVE(10)")
        a.close()
        end = time.time() + 15
        while tur(b)[0] == CONFLICT and time.time() < end:
            time.sleep(0.2)
        ok(tur(b), "B after A's connection is gone")
        # and LUN RESET does too
        ok(cmd(b, bytes([0x16, 0, 0, 0, 0, 0])), "B RESERVE(6)")
        a = nexus(A_NAME, ISID_A)
        expect(tur(a)[0] == CONFLICT, "A while B holds it")
        expect(tmf(a, 5) == 0, "LUN RESET")
        ok(tur(a), "A after LUN RESET")

    @case
    def mode_select_tells_the_other_nexus():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        st, _, sense = cmd(a, struct.pack(">BBBBBB", 0x1A, 0x08, 0x08, 0, 255, 0), read=255)
        expect(st == GOOD, "MODE SENSE %d" % st)
        page = bytearray(sense[4:4 + 20])
        for _ in range(2):      # flip WCE, then put it back
            page[2] ^= 0x04
            ok(cmd(a, struct.pack(">BBBBBB", 0x15, 0x10, 0, 0, 24, 0),
                   out=bytes(4) + bytes(page)), "MODE SELECT")
            res = tur(b)
            expect(is_ua(res, 0x2A, 0x01), "B after MODE SELECT: %r" % (res,))
            ok(tur(a), "no unit attention for the changer")

    @case
    def lun_add_reports_luns_changed_and_a_busy_del_needs_force():
        a = nexus(A_NAME, ISID_A)
        ktgtctl("lun", "add", IQN, "7", os.environ["PR_SPARE"])
        res = tur(a)
        expect(is_ua(res, 0x3F, 0x0E), "after lun add: %r" % (res,))
        ok(tur(a), "once")
        # REPORT LUNS clears it without a TEST UNIT READY in between
        ktgtctl("lun", "add", IQN, "8", os.environ["PR_SPARE"])
        ok(cmd(a, struct.pack(">BBIIBB", 0xA0, 0, 0, 256, 0, 0), read=256), "REPORT LUNS")
        ok(tur(a), "REPORT LUNS cleared it")
        # a bigger backing file, taken with lun set resize: CAPACITY DATA HAS CHANGED
        spare = os.environ["PR_SPARE"]
        a.clear_ua(lun=7)
        os.truncate(spare, os.path.getsize(spare) + (1 << 20))
        ktgtctl("lun", "set", IQN, "7", "resize")
        res = tur(a, lun=7)
        expect(is_ua(res, 0x2A, 0x09), "after lun set resize: %r" % (res,))
        ok(tur(a, lun=7), "once")
        # new identity strings: INQUIRY DATA HAS CHANGED, and INQUIRY shows them
        ktgtctl("lun", "set", IQN, "7", "vendor_id", "NEWV", "scsi_sn", "SN-SEVEN")
        res = tur(a, lun=7)
        expect(is_ua(res, 0x3F, 0x03), "after lun set vendor_id: %r" % (res,))
        st, _, data = cmd(a, struct.pack(">BBBHB", 0x12, 0, 0, 96, 0), read=96, lun=7)
        expect(st == GOOD and data[8:16] == b"NEWV    ", "INQUIRY vendor %r" % data[8:16])
        st, _, data = cmd(a, struct.pack(">BBBHB", 0x12, 1, 0x80, 96, 0), read=96, lun=7)
        expect(st == GOOD and data[4:4 + data[3]] == b"SN-SEVEN", "VPD 80 %r" % data[:20])
        # with a session logged in, lun del is refused; --force logs it out
        busy = subprocess.run([os.environ["KTGTCTL"], "lun", "del", IQN, "7"], timeout=30,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        expect(busy.returncode == 1 and b"force" in busy.stderr,
               "busy lun del: exit %d %r" % (busy.returncode, busy.stderr))
        forced = subprocess.Popen([os.environ["KTGTCTL"], "--force", "lun", "del", IQN, "7"],
                                  stdout=subprocess.DEVNULL)
        p = a.wait_for(r.OP_ASYNC, timeout=20)
        expect(p.bhs[36] == 1, "Async Message event %d, want 1 (logout request)" % p.bhs[36])
        a.close()
        expect(forced.wait(60) == 0, "forced lun del failed")
        ktgtctl("--force", "lun", "del", IQN, "8")

    @case
    def register_and_move_hands_the_reservation_over():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(pr_out(a, REGISTER, sa_key=KEY_A), "A registers")
        ok(pr_out(a, RESERVE, key=KEY_A, prtype=WE), "A reserves")
        res = register_and_move(a, KEY_A, KEY_B, transport_id(A_NAME, ISID_A), WE)
        expect(res[0] == CHECK and res[1] == (5, 0x26, 0), "move to itself: %r" % (res,))
        ok(register_and_move(a, KEY_A, KEY_B, transport_id(B_NAME, ISID_B), WE), "move to B")
        expect(read_keys(b)[1] == [KEY_B], "keys %r" % (read_keys(b)[1],))
        expect(read_reservation(b) == (KEY_B, WE), "reservation %r" % (read_reservation(b),))
        ok(write10(b), "B writes")
        expect(write10(a)[0] == CONFLICT, "A writes")
        # READ FULL STATUS names B's port, as holder
        data = pr_in(b, 3)
        tid = data[8 + 24:8 + 24 + struct.unpack(">I", data[8 + 20:8 + 24])[0]]
        expect(data[8 + 12] & 1 and data[8 + 13] == WE, "B not the holder: %r" % data[:24])
        expect(tid == transport_id(B_NAME, ISID_B), "TransportID %r" % tid)
        # PREEMPT AND ABORT: A comes back and takes it
        ok(pr_out(a, REGISTER, sa_key=KEY_A), "A registers again")
        ok(pr_out(a, PREEMPT_ABORT, key=KEY_A, sa_key=KEY_B, prtype=EA), "A preempts and aborts")
        res = tur(b)
        expect(is_ua(res, 0x2A, 0x05), "B after preemption: %r" % (res,))
        expect(read_reservation(b) == (KEY_A, EA), "reservation %r" % (read_reservation(b),))
        clear_all(a, KEY_A)

    @case
    def preempt_and_abort_aborts_the_preempted_nexus_tasks():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(pr_out(a, REGISTER, sa_key=KEY_A), "A registers")
        ok(pr_out(b, REGISTER, sa_key=KEY_B), "B registers")
        ok(pr_out(b, RESERVE, key=KEY_B, prtype=WE), "B reserves")
        base = settle_cmds(0, timeout=2)
        seen = watch(b)
        witt = pending_write(b)
        expect(live_cmds() == base + 1, "pending write not counted: %d, base %d"
               % (live_cmds(), base))
        ok(pr_out(a, PREEMPT_ABORT, key=KEY_A, sa_key=KEY_B, prtype=WE), "A preempts and aborts")
        # the write waiting for data is gone, without a response
        now = settle_cmds(base)
        expect(now == base, "live commands %d, expected %d" % (now, base))
        # B hears both, in the order they were established (SPC-4 5.14)
        uas = []
        for _ in range(4):
            res = tur(b)
            if res[0] == GOOD:
                break
            expect(res[0] == CHECK and res[1][0] == 6, "B's TEST UNIT READY: %r" % (res,))
            uas.append(res[1][1:])
        expect(sorted(uas) == [(0x2A, 0x05), (0x2F, 0x00)], "B's unit attentions %r" % uas)
        # B's connection still works, and the aborted write never answers
        ok(read10(b), "B reads")
        expect(write10(b)[0] == CONFLICT, "B writes under A's WRITE EXCLUSIVE")
        b.nop_out(b"after", immediate=False)
        expect(b.wait_for(r.OP_NOOP_IN).data == b"after", "B's NOP-Out")
        late = [p for p in seen if p.itt == witt and p.opcode != r.OP_R2T]
        expect(not late, "the aborted write answered: %r" % late)
        expect(read_reservation(a) == (KEY_A, WE), "reservation %r" % (read_reservation(a),))
        expect(read_keys(a)[1] == [KEY_A], "keys %r" % (read_keys(a)[1],))
        # A's own tasks were not touched, and its nexus got no unit attention
        ok(tur(a), "A's TEST UNIT READY")
        clear_all(a, KEY_A)
        a.close()
        b.close()

    @case
    def aptpl_reservation_is_set_up():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        ok(pr_out(a, REGISTER, sa_key=KEY_A, aptpl=True), "A registers with APTPL")
        # the last register action decides APTPL (SPC-4 6.16.3)
        ok(pr_out(b, REGISTER, sa_key=KEY_B), "B registers without APTPL")
        expect(not pr_in(a, 2)[3] & 0x01, "PTPL_A still set")
        ok(pr_out(b, REGISTER, key=KEY_B, sa_key=KEY_B, aptpl=True), "B registers with APTPL")
        ok(pr_out(a, RESERVE, key=KEY_A, prtype=EA), "A reserves EXCLUSIVE ACCESS")
        data = pr_in(a, 2)
        expect(data[3] & 0x01 and data[2] & 0x01, "PTPL_A/PTPL_C %r" % data[:8])
        expect(read10(b)[0] == CONFLICT, "B reads")


def aptpl_restored():
    @case
    def aptpl_state_is_back_after_reload():
        a = nexus(A_NAME, ISID_A)
        b = nexus(B_NAME, ISID_B)
        _, keys = read_keys(a)
        expect(sorted(keys) == sorted([KEY_A, KEY_B]), "keys %r" % keys)
        expect(read_reservation(a) == (KEY_A, EA), "reservation %r" % (read_reservation(a),))
        expect(read10(b)[0] == CONFLICT, "B reads")
        ok(read10(a), "A reads")
        clear_all(a, KEY_A)
        res = read10(b)
        expect(is_ua(res, 0x2A, 0x03), "B after CLEAR: %r" % (res,))
        ok(read10(b), "B reads after CLEAR")


def aptpl_fails():
    @case
    def aptpl_that_cannot_be_saved_is_not_good():
        a = nexus(A_NAME, ISID_A)
        res = pr_out(a, REGISTER, sa_key=KEY_A, aptpl=True)
        expect(res[0] == CHECK and res[1][0] == 4, "APTPL register: %r" % (res,))
        clear_all(a, KEY_A)


def foreign_we():
    @case
    def open_iscsi_holds_write_exclusive():
        b = nexus(B_NAME, ISID_B)
        expect(read_reservation(b)[1] == WE, "reservation %r" % (read_reservation(b),))
        ok(read10(b), "B reads")
        expect(write10(b)[0] == CONFLICT, "B writes")


{"main": main_cases, "aptpl-restored": aptpl_restored, "aptpl-fails": aptpl_fails,
 "foreign-we": foreign_we}[PHASE]()
report()
