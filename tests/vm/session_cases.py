#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Session cases: reinstatement, logout during writes, and login/logout
cycles that must leave no object behind. Usage: session_cases.py IQN
[CYCLES]. Prints TAP."""
import os
import struct
import sys
import time

import iscsi_raw as r
from tap import case, expect, report

IQN = sys.argv[1]
CYCLES = int(sys.argv[2]) if len(sys.argv) > 2 else 200
OBJECTS = "/sys/kernel/debug/ktgt/objects"


def objects():
    return {n: int(open(os.path.join(OBJECTS, n)).read()) for n in os.listdir(OBJECTS)}


def settle(want, timeout=20):
    """wait until the live-object counters equal want"""
    end = time.time() + timeout
    while time.time() < end:
        if objects() == want:
            return
        time.sleep(0.2)
    raise AssertionError("objects %r, expected %r" % (objects(), want))


def login(isid=b"\x80\x12\x34\x56\x78\x9a"):
    c = r.Conn()
    c.isid = isid
    p = c.login(IQN)
    expect(p.status == 0, "login 0x%04x" % p.status)
    c.ua = c.clear_ua()     # a new I_T nexus starts with a unit attention
    return c


def write10(c, lba, data):
    cdb = struct.pack(">BBIBHB", 0x2A, 0, lba, 0, len(data) // 512, 0)
    c.scsi_cmd(cdb, edtl=len(data), write=True, data=data)
    p = c.wait_for(r.OP_SCSI_RSP)
    expect(p.bhs[3] == 0, "write status %d" % p.bhs[3])


def read10(c, lba, n):
    cdb = struct.pack(">BBIBHB", 0x28, 0, lba, 0, n // 512, 0)
    c.scsi_cmd(cdb, edtl=n, read=True)
    data = b""
    while True:
        p = c.recv()
        if p.opcode == r.OP_DATA_IN:
            data += p.data
            if p.flags & 1:
                return data
        elif p.opcode == r.OP_SCSI_RSP:
            return data


def logout(c):
    itt = c.next_itt()
    c.send(r.bhs(r.OP_LOGOUT | r.IMMEDIATE, 0x80, itt=itt, w6=c.cmdsn, w7=c.exp_statsn))
    p = c.wait_for(r.OP_LOGOUT_RSP)
    expect(p.bhs[2] == 0, "logout response %d" % p.bhs[2])
    c.close()


BASE = objects()


@case
def reinstatement_closes_the_old_session_and_keeps_data():
    old = login()
    pattern = os.urandom(8192)
    write10(old, 64, pattern)
    expect(old.ua[:1] == [(0x29, 0x00)], "first command: %r, not POWER ON (29h/00h)" % old.ua)
    new = login()   # same initiator name and ISID, TSIH 0
    expect(new.ua[:1] == [(0x29, 0x07)],
           "reinstated: %r, not I_T NEXUS LOSS OCCURRED (29h/07h)" % new.ua)
    expect(old.closed(10), "old connection still open after reinstatement")
    expect(read10(new, 64, 8192) == pattern, "data lost across reinstatement")
    logout(new)
    settle(BASE)


@case
def logout_during_writes_terminates_them_first():
    c = login()
    # a write that waits for data the initiator never sends
    cdb = struct.pack(">BBIBHB", 0x2A, 0, 8, 0, 64, 0)
    c.scsi_cmd(cdb, edtl=64 * 512, write=True, final=True)
    c.wait_for(r.OP_R2T)
    logout(c)
    settle(BASE)


@case
def login_logout_cycles_leave_nothing_behind():
    for i in range(CYCLES):
        c = login(isid=b"\x80" + struct.pack(">I", i) + b"\x01")
        if i % 10 == 0:
            write10(c, i, bytes(512))
        logout(c)
    settle(BASE, timeout=60)


@case
def dropped_connections_leave_nothing_behind():
    for i in range(20):
        c = login(isid=b"\x80" + struct.pack(">I", 1000 + i) + b"\x02")
        cdb = struct.pack(">BBIBHB", 0x2A, 0, 8, 0, 64, 0)
        c.scsi_cmd(cdb, edtl=64 * 512, write=True, data=bytes(4096), final=False)
        c.close()    # mid Data-Out
    settle(BASE, timeout=60)


report()
