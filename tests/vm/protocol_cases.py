#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Protocol cases from shared/protocol-checklist.md against a running target.
Usage: protocol_cases.py IQN [HOST [PORT]]. Prints TAP."""
import socket
import struct
import sys
import time

import iscsi_raw as r
from tap import case, expect, report

IQN = sys.argv[1]
HOST = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 3260
# a target with CHAP accounts, set up by test_protocol.sh
CHAP_IQN = IQN + "-chap"
USER, SECRET = "alice", "alice-secret-1"
TUSER, TSECRET = "target", "target-secret-1"


def conn():
    return r.Conn(HOST, PORT)


def logged_in():
    c = conn()
    p = c.login(IQN)
    expect(p.opcode == r.OP_LOGIN_RSP and p.status == 0, "login failed: 0x%04x" % p.status)
    expect(p.flags & 0x80 and p.flags & 3 == 3, "no transit to full feature")
    c.clear_ua()
    return c


def login_status(data, **kw):
    c = conn()
    c.send(*c.login_pdu(data, **kw))
    p = c.recv()
    expect(p.opcode == r.OP_LOGIN_RSP, "not a login response: %r" % p)
    closed = c.closed(3) if p.status else None
    c.close()
    return p.status, closed


def base_keys(target=None):
    return [("InitiatorName", r.INITIATOR), ("SessionType", "Normal"),
            ("TargetName", target or IQN)]


@case
def login_and_logout():
    c = logged_in()
    expect(c.keys.get("TargetPortalGroupTag") == "1", "TPGT missing: %r" % c.keys)
    itt = c.next_itt()
    c.send(r.bhs(r.OP_LOGOUT | r.IMMEDIATE, 0x80, itt=itt, w6=c.cmdsn, w7=c.exp_statsn))
    p = c.wait_for(r.OP_LOGOUT_RSP)
    expect(p.bhs[2] == 0 and p.itt == itt, "logout response %r" % p)
    expect(c.closed(3), "connection stays open after logout")


@case
def non_login_pdu_during_login_gets_0x020b():
    c = conn()
    c.nop_out()
    p = c.recv()
    expect(p.opcode == r.OP_LOGIN_RSP and p.status == 0x020B, "got %r 0x%04x" % (p, p.status))
    expect(c.closed(3), "not closed")


@case
def unsupported_version_gets_0x0205():
    st, closed = login_status(r.keys(*base_keys()), version=(2, 1))
    expect(st == 0x0205 and closed, "status 0x%04x closed %s" % (st, closed))


@case
def unknown_target_gets_0x0203():
    st, closed = login_status(r.keys(*base_keys("iqn.2026-11.org.ktgt:nosuch")))
    expect(st == 0x0203 and closed, "status 0x%04x" % st)


@case
def missing_initiator_name_gets_0x0207():
    st, _ = login_status(r.keys(("SessionType", "Normal"), ("TargetName", IQN)))
    expect(st == 0x0207, "status 0x%04x" % st)


@case
def key_offered_twice_gets_0x0200():
    st, _ = login_status(r.keys(*base_keys(), ("MaxBurstLength", "65536"),
                                ("MaxBurstLength", "65536")))
    expect(st == 0x0200, "status 0x%04x" % st)


@case
def key_name_over_63_bytes_gets_0x0200():
    st, _ = login_status(r.keys(*base_keys(), ("K" * 64, "1")))
    expect(st == 0x0200, "status 0x%04x" % st)


@case
def value_over_255_bytes_gets_0x0200():
    st, _ = login_status(r.keys(*base_keys(), ("X-ktgt.test", "v" * 256)))
    expect(st == 0x0200, "status 0x%04x" % st)


@case
def key_without_equals_gets_0x0200():
    st, _ = login_status(r.keys(*base_keys()) + b"NoEquals\0")
    expect(st == 0x0200, "status 0x%04x" % st)


@case
def segment_without_nul_gets_0x0200():
    st, _ = login_status(r.keys(*base_keys())[:-1])
    expect(st == 0x0200, "status 0x%04x" % st)


@case
def thousands_of_unknown_keys_get_a_bounded_answer():
    data = b"".join(b"X-k%d=1\0" % i for i in range(2000))
    st, _ = login_status(r.keys(*base_keys()) + data)
    # NotUnderstood for each would not fit: the target refuses, it must not overflow
    expect(st in (0x0200, 0), "status 0x%04x" % st)


@case
def unknown_nonzero_tsih_gets_0x020a():
    c = conn()
    c.tsih = 0x7777
    c.send(*c.login_pdu(r.keys(*base_keys())))
    p = c.recv()
    expect(p.status == 0x020A, "status 0x%04x" % p.status)


@case
def out_of_range_value_is_rejected_by_key():
    c = conn()
    p = c.login(IQN, extra=[("MaxBurstLength", "511"), ("ErrorRecoveryLevel", "3")])
    expect(p.status == 0, "status 0x%04x" % p.status)
    expect(c.keys.get("MaxBurstLength") == "Reject", "MaxBurstLength=%r" % c.keys.get("MaxBurstLength"))
    expect(c.keys.get("ErrorRecoveryLevel") == "Reject", "ERL=%r" % c.keys.get("ErrorRecoveryLevel"))


@case
def unknown_key_gets_notunderstood():
    c = conn()
    p = c.login(IQN, extra=[("X-org.example.Foo", "1")])
    expect(p.status == 0 and c.keys.get("X-org.example.Foo") == "NotUnderstood", "%r" % c.keys)


@case
def idle_connection_hits_the_login_timeout():
    c = conn()
    t = time.time()
    expect(c.closed(25), "still open after 25 s")
    expect(time.time() - t >= 10, "closed too early")


@case
def nop_out_is_answered_with_its_data():
    c = logged_in()
    itt = c.nop_out(b"ping-data", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.itt == itt and p.data == b"ping-data" and p.ttt == r.RSVD, "%r %r" % (p, p.data))


@case
def nop_out_reserved_itt_without_i_bit_gets_reject_0x04():
    c = logged_in()
    c.nop_out(itt=r.RSVD, immediate=False)
    p = c.wait_for(r.OP_REJECT)
    expect(p.bhs[2] == 0x04 and p.data[:1] == bytes([r.OP_NOOP_OUT]), "%r" % p)


@case
def unknown_opcode_gets_reject_0x05():
    c = logged_in()
    c.send(r.bhs(0x1E | r.IMMEDIATE, 0x80, itt=c.next_itt(), w6=c.cmdsn, w7=c.exp_statsn))
    p = c.wait_for(r.OP_REJECT)
    expect(p.bhs[2] == 0x05 and len(p.data) == 48, "%r" % p)
    c.nop_out()
    expect(c.wait_for(r.OP_NOOP_IN), "connection not usable after reject")


@case
def data_segment_over_mrdsl_gets_reject_0x04():
    c = logged_in()
    mrdsl = int(c.keys["MaxRecvDataSegmentLength"])
    c.nop_out(b"x" * (mrdsl + 4))
    p = c.wait_for(r.OP_REJECT)
    expect(p.bhs[2] == 0x04, "%r" % p)
    c.nop_out(b"ok")
    expect(c.wait_for(r.OP_NOOP_IN).data == b"ok", "connection not usable after reject")


@case
def cmdsn_outside_the_window_is_ignored():
    c = logged_in()
    c.nop_out(b"high", immediate=False, cmdsn=c.cmdsn + 1000)
    c.nop_out(b"low", immediate=False, cmdsn=(c.cmdsn - 5) & 0xFFFFFFFF)
    c.nop_out(b"good", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.data == b"good", "answered an out-of-window command: %r" % p.data)


def ready(c):
    """TEST UNIT READY until GOOD: a new nexus may have unit attentions"""
    for _ in range(8):
        c.scsi_cmd(b"\0" * 6)
        if c.wait_for(r.OP_SCSI_RSP).bhs[3] == 0:
            return
    expect(False, "TEST UNIT READY never GOOD")


def no_pdu(c, opcode, wait=1.0):
    try:
        p = c.wait_for(opcode, timeout=wait)
    except (TimeoutError, socket.timeout):
        return True
    expect(False, "unexpected %r" % p)
    return False


@case
def command_ahead_of_a_gap_waits_for_it():
    c = logged_in()
    ready(c)
    late = c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn + 1)
    expect(no_pdu(c, r.OP_SCSI_RSP), "ran before the command ahead of it")
    first = c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn)
    got = [c.wait_for(r.OP_SCSI_RSP).itt, c.wait_for(r.OP_SCSI_RSP).itt]
    expect(got == [first, late], "answered in order %r, want %r" % (got, [first, late]))
    c.cmdsn += 2
    c.nop_out(b"after", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.data == b"after" and p.exp_sn == c.cmdsn, "ExpCmdSN %d, want %d" % (p.exp_sn, c.cmdsn))


@case
def duplicate_of_a_held_command_is_ignored():
    c = logged_in()
    ready(c)
    late = c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn + 1)
    c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn + 1)
    first = c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn)
    got = [c.wait_for(r.OP_SCSI_RSP).itt, c.wait_for(r.OP_SCSI_RSP).itt]
    expect(got == [first, late], "answered %r, want %r" % (got, [first, late]))
    c.cmdsn += 2
    c.nop_out(b"next", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.data == b"next", "the duplicate was answered: %r" % p)


@case
def write_held_for_a_gap_lands_after_it():
    c = logged_in()
    ready(c)
    lba, a, b = 300, b"A" * 512, b"B" * 512
    write = struct.pack(">BBIBHB", 0x2A, 0, lba, 0, 1, 0)
    c.scsi_cmd(write, edtl=512, write=True, data=a, cmdsn=c.cmdsn + 1)
    c.scsi_cmd(write, edtl=512, write=True, data=b, cmdsn=c.cmdsn)
    st = [c.wait_for(r.OP_SCSI_RSP).bhs[3], c.wait_for(r.OP_SCSI_RSP).bhs[3]]
    expect(st == [0, 0], "write status %r" % st)
    c.cmdsn += 2
    c.scsi_cmd(struct.pack(">BBIBHB", 0x28, 0, lba, 0, 1, 0), edtl=512, read=True)
    got = c.wait_for(r.OP_DATA_IN).data
    expect(got == a, "block holds %r..., want the later CmdSN's A" % got[:4])


@case
def read_past_the_end_gets_lba_out_of_range():
    c = logged_in()
    cdb = struct.pack(">BBIBHB", 0x28, 0, 0xFFFFFFF0, 0, 8, 0)
    itt = c.scsi_cmd(cdb, edtl=4096, read=True)
    p = c.wait_for(r.OP_SCSI_RSP)
    sense = p.data[2:]
    expect(p.itt == itt and p.bhs[3] == 2 and sense[2] & 0xF == 5 and sense[12] == 0x21,
           "status %d sense %r" % (p.bhs[3], sense[:14]))


@case
def unmapped_lun_gets_lun_not_supported():
    c = logged_in()
    c.scsi_cmd(b"\0" * 6, lun=77)
    p = c.wait_for(r.OP_SCSI_RSP)
    expect(p.bhs[3] == 2 and p.data[2 + 12] == 0x25, "status %d %r" % (p.bhs[3], p.data))


@case
def silent_initiator_is_pinged_then_dropped():
    c = logged_in()
    c.s.settimeout(12)
    p = c.recv()
    expect(p.opcode == r.OP_NOOP_IN and p.itt == r.RSVD and p.ttt != r.RSVD, "%r" % p)
    # answer one ping: the connection stays
    c.send(r.bhs(r.OP_NOOP_OUT | r.IMMEDIATE, 0x80, itt=r.RSVD, w5=p.ttt, w6=c.cmdsn,
                 w7=c.exp_statsn))
    p = c.recv()
    expect(p.opcode == r.OP_NOOP_IN and p.itt == r.RSVD, "no second ping: %r" % p)
    # ignore the second: dropped within the NOP timeout
    expect(c.closed(25), "not dropped after an unanswered ping")


def digest_login():
    c = conn()
    p = c.login(IQN, extra=[("HeaderDigest", "CRC32C,None"), ("DataDigest", "CRC32C,None")])
    expect(p.status == 0 and c.hdigest and c.ddigest, "digests not agreed: %r" % c.keys)
    c.clear_ua()
    return c


@case
def crc32c_digests_both_ways():
    c = digest_login()
    itt = c.nop_out(b"digested", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)   # recv() checks the target's digests
    expect(p.itt == itt and p.data == b"digested", "%r" % p)
    cdb = struct.pack(">BBIBHB", 0x28, 0, 0, 0, 8, 0)
    c.scsi_cmd(cdb, edtl=4096, read=True)
    p = c.wait_for(r.OP_DATA_IN)
    expect(len(p.data) == 4096, "%r" % p)


@case
def header_digest_error_drops_the_connection():
    c = digest_login()
    itt = c.next_itt()
    c.send(r.bhs(r.OP_NOOP_OUT | r.IMMEDIATE, 0x80, itt=itt, w5=r.RSVD, w6=c.cmdsn,
                 w7=c.exp_statsn), bad_hdigest=True)
    expect(c.closed(5), "connection stays after a header digest error")


@case
def data_digest_error_gets_reject_0x02():
    c = digest_login()
    data = b"payload!"
    c.send(r.bhs(r.OP_NOOP_OUT | r.IMMEDIATE, 0x80, dlen=len(data), itt=c.next_itt(),
                 w5=r.RSVD, w6=c.cmdsn, w7=c.exp_statsn), data, bad_ddigest=True)
    p = c.wait_for(r.OP_REJECT)
    expect(p.bhs[2] == 0x02, "%r" % p)
    expect(c.closed(5), "no session recovery after a data digest error (ERL 0)")


@case
def pdus_split_into_small_segments_are_whole():
    c = digest_login()
    c.pieces = [1, 3, 7, 13, 48, 2, 501, 4, 1000]
    itt = c.nop_out(b"in pieces", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.itt == itt and p.data == b"in pieces", "%r" % p)
    lba, data = 600, bytes(range(256)) * 16
    c.scsi_cmd(struct.pack(">BBIBHB", 0x2A, 0, lba, 0, 8, 0), edtl=4096, write=True,
               data=data)
    p = c.wait_for(r.OP_SCSI_RSP)
    expect(p.bhs[3] == 0, "write status %d" % p.bhs[3])
    c.scsi_cmd(struct.pack(">BBIBHB", 0x28, 0, lba, 0, 8, 0), edtl=4096, read=True)
    got = c.wait_for(r.OP_DATA_IN).data
    expect(got == data, "read back %r..., want %r..." % (got[:8], data[:8]))


@case
def pdus_back_to_back_in_one_send_are_whole():
    """Small data segments, their padding and the next PDU's header arrive
    together; the target reads a segment and the next header in one go
    (recv_cmd_pages_ahead()). Eight one-block writes with immediate data,
    then a write whose Data-Out comes as 509 and 3 bytes (3 and 1 bytes of
    padding) followed by a NOP-Out, each batch in one send."""
    c = logged_in()
    ready(c)
    lba, lunb = 800, bytes([0, 1]) + bytes(6)
    blocks = [bytes([i]) * 7 + bytes((j * 13 + i) & 0xFF for j in range(505)) for i in range(9)]
    out, itts = b"", []
    for i in range(8):
        itts.append(c.next_itt())
        cdb = struct.pack(">BBIBHB", 0x2A, 0, lba + i, 0, 1, 0).ljust(16, b"\0")
        out += c.frame(r.bhs(r.OP_SCSI_CMD, 0xA0, dlen=512, lun=lunb, itt=itts[-1], w5=512,
                             w6=c.cmdsn, w7=c.exp_statsn, rest=cdb), blocks[i])
        c.cmdsn += 1
    c.send_raw(out)
    got = sorted((p.itt, p.bhs[3]) for p in (c.wait_for(r.OP_SCSI_RSP) for _ in itts))
    expect(got == sorted((itt, 0) for itt in itts), "write responses %r" % got)

    itt = c.scsi_cmd(struct.pack(">BBIBHB", 0x2A, 0, lba + 8, 0, 1, 0), edtl=512, write=True)
    q = c.wait_for(r.OP_R2T)
    expect(q.itt == itt and q.w10 == 0 and q.w11 == 512, "R2T %r" % q)
    out = b""
    for sn, (off, n) in enumerate(((0, 509), (509, 3))):
        out += c.frame(r.bhs(r.OP_DATA_OUT, 0x80 if sn else 0, dlen=n, lun=lunb, itt=itt,
                             w5=q.ttt, w7=c.exp_statsn,
                             rest=bytes(4) + struct.pack(">III", sn, off, 0)),
                       blocks[8][off:off + n])
    nop = c.next_itt()
    out += c.frame(r.bhs(r.OP_NOOP_OUT | r.IMMEDIATE, 0x80, dlen=5, itt=nop, w5=r.RSVD,
                         w6=c.cmdsn, w7=c.exp_statsn), b"after")
    c.send_raw(out)
    # the NOP-In may come first: the write's response waits for its I/O
    got = {}
    while len(got) < 2:
        p = c.recv()
        if p.itt != r.RSVD:         # not a ping of the target's own
            got[p.opcode] = p
    p = got.get(r.OP_SCSI_RSP)
    expect(p and p.itt == itt and p.bhs[3] == 0, "write response %r" % got)
    p = got.get(r.OP_NOOP_IN)
    expect(p and p.itt == nop and p.data == b"after", "NOP-In %r" % got)

    c.scsi_cmd(struct.pack(">BBIBHB", 0x28, 0, lba, 0, 9, 0), edtl=9 * 512, read=True)
    data = b""
    while len(data) < 9 * 512:
        data += c.wait_for(r.OP_DATA_IN).data
    for i in range(9):
        expect(data[i * 512:(i + 1) * 512] == blocks[i], "block %d read back differs" % i)


def tmf(c, func, lun=1, rtt=r.RSVD):
    itt = c.next_itt()
    lunb = bytes([0, lun]) + b"\0" * 6
    c.send(r.bhs(r.OP_TMF | r.IMMEDIATE, 0x80 | func, lun=lunb, itt=itt, w5=rtt, w6=c.cmdsn,
                 w7=c.exp_statsn))
    p = c.wait_for(r.OP_TMF_RSP)
    expect(p.itt == itt, "TMF response for another ITT: %r" % p)
    return p.bhs[2]


def pending_write(c):
    """a WRITE the target asks data for (R2T) and never gets"""
    cdb = struct.pack(">BBIBHB", 0x2A, 0, 16, 0, 64, 0)
    itt = c.scsi_cmd(cdb, edtl=64 * 512, write=True)
    r2t = c.wait_for(r.OP_R2T)
    expect(r2t.itt == itt, "R2T for another task")
    return itt


@case
def abort_task_of_a_write_waiting_for_data():
    c = logged_in()
    itt = pending_write(c)
    expect(tmf(c, 1, rtt=itt) == 0, "not function complete")
    c.nop_out(b"after", immediate=False)
    p = c.wait_for(r.OP_NOOP_IN)
    expect(p.data == b"after", "connection not usable after abort")


@case
def abort_task_that_does_not_exist():
    c = logged_in()
    expect(tmf(c, 1, rtt=0x4242) == 1, "expected task does not exist")


@case
def abort_of_a_held_command_closes_its_gap():
    c = logged_in()
    ready(c)
    late = c.scsi_cmd(b"\0" * 6, cmdsn=c.cmdsn + 1)
    expect(tmf(c, 1, rtt=late) == 0, "abort of the held command not complete")
    c.nop_out(b"fill", immediate=False)          # the gap: CmdSN n
    expect(c.wait_for(r.OP_NOOP_IN).data == b"fill", "gap filler not answered")
    c.cmdsn += 1                                 # n + 1 was the aborted one
    c.scsi_cmd(b"\0" * 6)
    p = c.wait_for(r.OP_SCSI_RSP)
    expect(p.bhs[3] == 0 and p.exp_sn == c.cmdsn, "after the gap: status %d ExpCmdSN %d, want %d"
           % (p.bhs[3], p.exp_sn, c.cmdsn))


@case
def lun_reset_of_an_unmapped_lun():
    c = logged_in()
    expect(tmf(c, 5, lun=99) == 2, "expected LUN does not exist")


@case
def lun_reset_with_a_task_in_progress():
    c = logged_in()
    pending_write(c)
    expect(tmf(c, 5) == 0, "LUN reset not complete")
    c.nop_out(b"x", immediate=False)
    expect(c.wait_for(r.OP_NOOP_IN).data == b"x", "not usable after reset")


@case
def task_reassign_is_refused_at_erl0():
    c = logged_in()
    expect(tmf(c, 8, rtt=0x10) == 4, "expected reassignment not supported")


@case
def unknown_task_management_function_is_rejected():
    c = logged_in()
    expect(tmf(c, 0x55) == 255, "expected function rejected")


@case
def target_cold_reset_closes_the_connection():
    c = logged_in()
    pending_write(c)
    expect(tmf(c, 7) == 0, "cold reset not complete")
    expect(c.closed(5), "connection open after cold reset")


@case
def several_r2ts_outstanding_and_answered_in_order():
    c = conn()
    p = c.login(IQN, extra=[("MaxOutstandingR2T", "4"), ("MaxBurstLength", "8192"),
                            ("FirstBurstLength", "8192"), ("InitialR2T", "Yes"),
                            ("ImmediateData", "No")])
    expect(p.status == 0 and c.keys.get("MaxOutstandingR2T") == "4", "%r" % c.keys)
    c.clear_ua()
    data = bytes(range(256)) * 256          # 64 KiB: 8 bursts of 8 KiB
    cdb = struct.pack(">BBIBHB", 0x2A, 0, 256, 0, len(data) // 512, 0)
    itt = c.scsi_cmd(cdb, edtl=len(data), write=True)
    done = 0
    while done < len(data):
        r2ts = [c.wait_for(r.OP_R2T)]
        while len(r2ts) < 4 and r2ts[-1].w10 + r2ts[-1].w11 < len(data):
            r2ts.append(c.wait_for(r.OP_R2T))
        expect(len(r2ts) == min(4, (len(data) - done) // 8192), "%d R2Ts at once" % len(r2ts))
        for q in r2ts:
            expect(q.itt == itt and q.w10 == done and q.w11 == 8192, "R2T %r" % q)
            for sn, off in enumerate(range(q.w10, q.w10 + q.w11, 4096)):
                last = off + 4096 == q.w10 + q.w11
                c.send(r.bhs(r.OP_DATA_OUT, 0x80 if last else 0, dlen=4096,
                             lun=bytes([0, 1]) + bytes(6), itt=itt, w5=q.ttt,
                             w7=c.exp_statsn, rest=bytes(4) + struct.pack(">III", sn, off, 0)),
                       data[off:off + 4096])
            done += q.w11
    p = c.wait_for(r.OP_SCSI_RSP)
    expect(p.itt == itt and p.bhs[3] == 0, "write status %d" % p.bhs[3])
    cdb = struct.pack(">BBIBHB", 0x28, 0, 256, 0, len(data) // 512, 0)
    c.scsi_cmd(cdb, edtl=len(data), read=True)
    got = b""
    while len(got) < len(data):
        got += c.wait_for(r.OP_DATA_IN).data
    expect(got == data, "read back differs")


def chap_status(**kw):
    c = conn()
    p = c.chap_login(CHAP_IQN, kw.pop("user", USER), kw.pop("secret", SECRET), **kw)
    closed = c.closed(3) if p.status else None
    return p.status, closed, c


@case
def chap_md5_one_way():
    st, _, c = chap_status()
    expect(st == 0 and c.chap_alg == 5, "status 0x%04x" % st)


@case
def chap_sha256_when_offered_first():
    st, _, c = chap_status(algs="7,5")
    expect(st == 0 and c.chap_alg == 7, "status 0x%04x alg %s" % (st, getattr(c, "chap_alg", None)))


@case
def chap_sha3_256():
    st, _, c = chap_status(algs="8")
    expect(st == 0 and c.chap_alg == 8, "status 0x%04x" % st)


@case
def chap_mutual():
    st, _, _ = chap_status(mutual=(TUSER, TSECRET))
    expect(st == 0, "status 0x%04x" % st)


@case
def chap_wrong_secret_gets_0x0201():
    st, closed, _ = chap_status(secret="not-the-secret")
    expect(st == 0x0201 and closed, "status 0x%04x" % st)


@case
def chap_wrong_name_gets_0x0201():
    st, _, _ = chap_status(user="mallory")
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_unsupported_algorithm_gets_0x0201():
    st, _, _ = chap_status(algs="6,99")
    expect(st == 0x0201, "status 0x%04x" % st)


def replace(step, key, value):
    def tamper(s, keys, *_):
        if s != step:
            return keys
        return [(k, value if k == key else v) for k, v in keys]
    return tamper


@case
def chap_oversized_hex_response_gets_0x0201():
    st, _, _ = chap_status(tamper=replace("R", "CHAP_R", "0x" + "ab" * 1000))
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_oversized_base64_response_gets_0x0201():
    st, _, _ = chap_status(tamper=replace("R", "CHAP_R", "0b" + "QUJD" * 700))
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_response_base64_is_accepted():
    import base64
    import hashlib

    def b64(step, keys, chal=None):
        if step != "R":
            return keys
        return [(k, "0b" + base64.b64encode(bytes.fromhex(v[2:])).decode() if k == "CHAP_R"
                 else v) for k, v in keys]
    st, _, _ = chap_status(tamper=b64)
    expect(st == 0, "status 0x%04x" % st)


@case
def chap_identifier_over_255_gets_0x0201():
    st, _, _ = chap_status(mutual=(TUSER, TSECRET), tamper=replace("R", "CHAP_I", "256"))
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_challenge_over_1024_bytes_gets_0x0201():
    st, _, _ = chap_status(mutual=(TUSER, TSECRET),
                           tamper=replace("R", "CHAP_C", "0x" + "cd" * 1025))
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_reflected_challenge_gets_0x0201():
    def reflect(step, keys, chal=None):
        if step != "R":
            return keys
        return [(k, "0x" + chal.hex() if k == "CHAP_C" else v) for k, v in keys]
    st, _, _ = chap_status(mutual=(TUSER, TSECRET), tamper=reflect)
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_keys_out_of_order_get_0x0201():
    st, _, _ = chap_status(tamper=replace("A", "CHAP_A", "5") and
                           (lambda s, keys, *_: keys + [("CHAP_N", USER)] if s == "A" else keys),
                           stop_after="A")
    expect(st == 0x0201, "status 0x%04x" % st)


@case
def chap_target_refuses_authmethod_none():
    c = conn()
    kv = [("InitiatorName", r.INITIATOR), ("SessionType", "Normal"),
          ("TargetName", CHAP_IQN), ("AuthMethod", "None")]
    c.send(*c.login_pdu(r.keys(*kv), csg=0, nsg=1))
    p = c.recv()
    expect(p.status == 0x0201, "status 0x%04x" % p.status)


@case
def chap_target_refuses_skipping_security():
    c = conn()
    p = c.login(CHAP_IQN)
    expect(p.status == 0x0201, "status 0x%04x" % p.status)


@case
def discovery_lists_the_target():
    c = conn()
    p = c.login(None, discovery=True)
    expect(p.status == 0, "discovery login 0x%04x" % p.status)
    data = r.keys(("SendTargets", "All"))
    c.send(r.bhs(r.OP_TEXT, 0x80, dlen=len(data), itt=c.next_itt(), w5=r.RSVD, w6=c.cmdsn,
                 w7=c.exp_statsn), data)
    c.cmdsn += 1
    p = c.wait_for(r.OP_TEXT_RSP)
    expect(("TargetName=%s" % IQN).encode() in p.data, "%r" % p.data)
    expect(b"TargetAddress=" in p.data, "%r" % p.data)


report()
