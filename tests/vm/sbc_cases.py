#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SBC cases through the raw initiator, checked byte by byte: COMPARE AND
WRITE (atomic across sessions, miscompare offset, Data-Out size), GET LBA
STATUS, read-only LUNs, MEDIUM ERROR with the failing LBA in fixed and
descriptor sense, and the null backend with its INQUIRY identity.

Usage: sbc_cases.py IQN. The LUNs are set up by test_backends.sh:
1 brd (bdev), 2 a file on tmpfs, 3 null-store 1G with identity strings,
4 a read-only file, 5 a device-mapper device whose blocks 2048-4095 fail.
Prints TAP."""
import os
import struct
import sys
import threading

import iscsi_raw as r
from tap import case, expect, report

IQN = sys.argv[1]
BDEV, FILE, NULL, RO, BAD = 1, 2, 3, 4, 5
BAD_FIRST, BAD_END = 2048, 4096

GOOD, CHECK = 0x00, 0x02
NOT_READY, MEDIUM, ILLEGAL, DATA_PROTECT, MISCOMPARE = 0x2, 0x3, 0x5, 0x7, 0xE


class Result:
    def __init__(self, status, data, sense):
        self.status, self.data, self.sense = status, data, sense

    def decoded(self):
        """(key, asc, ascq, info or None, descriptor format)"""
        s = self.sense
        if not s:
            return None
        if s[0] & 0x7F == 0x72:
            info = None
            off = 8
            while off + 2 <= len(s):
                if s[off] == 0x00 and s[off + 2] & 0x80:
                    info = struct.unpack(">Q", s[off + 4:off + 12])[0]
                off += 2 + s[off + 1]
            return s[1] & 0xF, s[2], s[3], info, True
        info = struct.unpack(">I", s[3:7])[0] if s[0] & 0x80 else None
        return s[2] & 0xF, s[12], s[13], info, False

    def __repr__(self):
        return "status 0x%02x sense %s" % (self.status, self.decoded())


def login():
    c = r.Conn(timeout=60)
    c.isid = b"\x80" + os.urandom(5)
    p = c.login(IQN)
    expect(p.status == 0, "login 0x%04x" % p.status)
    # a new I_T nexus has a unit attention pending on every LUN: take them
    data = run(c, 0, struct.pack(">BBBBBBIBB", 0xA0, 0, 0, 0, 0, 0, 4096, 0, 0),
               edtl=4096, read=True).data
    n = struct.unpack(">I", data[:4])[0] // 8 if len(data) >= 4 else 0
    for i in range(n):
        c.clear_ua(lun=data[8 + 8 * i + 1])
    return c


def run(c, lun, cdb, edtl=0, read=False, data=b""):
    """one command, its data sent immediately; returns a Result"""
    c.scsi_cmd(cdb, lun=lun, edtl=edtl or len(data), read=read, write=bool(data), data=data)
    got = b""
    while True:
        p = c.recv()
        if p.opcode == r.OP_DATA_IN:
            got += p.data
            if p.flags & 0x01:
                return Result(p.bhs[3], got, b"")
        elif p.opcode == r.OP_SCSI_RSP:
            sense = b""
            if len(p.data) >= 2:
                n = struct.unpack(">H", p.data[:2])[0]
                sense = p.data[2:2 + n]
            return Result(p.bhs[3], got, sense)
        elif p.opcode == r.OP_R2T:
            raise AssertionError("unexpected R2T: immediate data was refused")


def expect_good(res, what):
    expect(res.status == GOOD, "%s: %r" % (what, res))


def expect_sense(res, key, asc, ascq=0, info=None, desc=False, what=""):
    d = res.decoded()
    expect(res.status == CHECK and d is not None, "%s: %r, expected CHECK CONDITION" % (what, res))
    expect(d[:3] == (key, asc, ascq), "%s: sense %r, expected %x/%02x/%02x" %
           (what, d, key, asc, ascq))
    expect(d[4] == desc, "%s: %s format sense" % (what, "descriptor" if d[4] else "fixed"))
    if info is not None:
        expect(d[3] == info, "%s: INFORMATION %r, expected %d" % (what, d[3], info))


def read10(lba, n):
    return struct.pack(">BBIBHB", 0x28, 0, lba, 0, n, 0)


def write10(lba, n, flags=0):
    return struct.pack(">BBIBHB", 0x2A, flags, lba, 0, n, 0)


def caw(lba, n, flags=0):
    return struct.pack(">BBQ3xBBB", 0x89, flags, lba, n, 0, 0)


def read(c, lun, lba, n):
    res = run(c, lun, read10(lba, n), edtl=512 * n, read=True)
    expect_good(res, "READ(10) LUN %d LBA %d" % (lun, lba))
    return res.data


def write(c, lun, lba, data):
    expect_good(run(c, lun, write10(lba, len(data) // 512), data=data),
                "WRITE(10) LUN %d LBA %d" % (lun, lba))


def inquiry(c, lun, page=None, alloc=255):
    evpd = 0 if page is None else 1
    res = run(c, lun, struct.pack(">BBBHB", 0x12, evpd, page or 0, alloc, 0), edtl=alloc,
              read=True)
    expect_good(res, "INQUIRY page %r" % page)
    return res.data


def mode_sense6(c, lun, page, pc=0):
    res = run(c, lun, struct.pack(">BBBBBB", 0x1A, 0x08, pc << 6 | page, 0, 255, 0), edtl=255,
              read=True)
    expect_good(res, "MODE SENSE(6) page 0x%02x" % page)
    return res.data


def set_d_sense(c, lun, on):
    """MODE SELECT(6) of the control page with D_SENSE on or off"""
    cur = mode_sense6(c, lun, 0x0A)
    page = bytearray(cur[4:4 + 12])
    page[2] = (page[2] & ~0x04) | (0x04 if on else 0)
    plist = bytes(4) + bytes(page)
    expect_good(run(c, lun, struct.pack(">BBBBBB", 0x15, 0x10, 0, 0, len(plist), 0), data=plist),
                "MODE SELECT(6) D_SENSE=%d" % on)
    expect(bool(mode_sense6(c, lun, 0x0A)[4 + 2] & 0x04) == on, "MODE SENSE shows D_SENSE")


def counter_block(n):
    return (struct.pack(">Q", n) * 64)[:512]


# ---------------------------------------------------------------------------
# COMPARE AND WRITE


def caw_race(lun, per_session=120, lba=4000):
    """Two sessions increment a counter in block lba with COMPARE AND WRITE
    (read, then compare-and-write old -> old + 1, retried on MISCOMPARE),
    over two blocks whose second one a third session keeps overwriting.
    A lost or torn update shows as a final count below the successes."""
    setup = login()
    write(setup, lun, lba, counter_block(0) + bytes(512))
    errors, counts = [], {"ok": 0, "miscompare": 0, "writes": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def incrementer():
        try:
            c = login()
            done = 0
            while done < per_session:
                old = read(c, lun, lba, 2)
                n = struct.unpack(">Q", old[:8])[0]
                expect(old[:512] == counter_block(n), "counter block torn: %r" % old[:16])
                res = run(c, lun, caw(lba, 2), data=old + counter_block(n + 1) + old[512:])
                if res.status == GOOD:
                    done += 1
                    with lock:
                        counts["ok"] += 1
                    continue
                expect_sense(res, MISCOMPARE, 0x1D, what="CAW")
                with lock:
                    counts["miscompare"] += 1
            c.close()
        except Exception as e:  # reported below
            errors.append("incrementer: %s: %s" % (type(e).__name__, e))

    def writer():
        try:
            c = login()
            i = 0
            while not stop.is_set():
                write(c, lun, lba + 1, bytes([i & 0xFF]) * 512)
                i += 1
            counts["writes"] = i
            c.close()
        except Exception as e:
            errors.append("writer: %s: %s" % (type(e).__name__, e))

    threads = [threading.Thread(target=incrementer) for _ in range(2)]
    w = threading.Thread(target=writer)
    w.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    stop.set()
    w.join(60)
    expect(not errors, "; ".join(errors))
    final = struct.unpack(">Q", read(setup, lun, lba, 1)[:8])[0]
    print("# LUN %d: %d compare and writes, %d miscompares, %d writes; counter %d" %
          (lun, counts["ok"], counts["miscompare"], counts["writes"], final))
    expect(counts["ok"] == 2 * per_session, "successes %d" % counts["ok"])
    expect(final == 2 * per_session, "counter %d after %d increments: an update was lost" %
           (final, 2 * per_session))
    setup.close()


@case
def compare_and_write_is_atomic_across_sessions_bdev():
    caw_race(BDEV)


@case
def compare_and_write_is_atomic_across_sessions_file():
    caw_race(FILE)


@case
def compare_and_write_miscompare_reports_the_offset_and_writes_nothing():
    c = login()
    for lun in (BDEV, FILE):
        a = os.urandom(1024)
        write(c, lun, 100, a)
        wrong = bytearray(a)
        wrong[700] ^= 0xFF
        res = run(c, lun, caw(100, 2), data=bytes(wrong) + os.urandom(1024))
        expect_sense(res, MISCOMPARE, 0x1D, info=700, what="LUN %d CAW miscompare" % lun)
        expect(read(c, lun, 100, 2) == a, "LUN %d: a miscompare wrote" % lun)
        new = os.urandom(1024)
        expect_good(run(c, lun, caw(100, 2, flags=0x08), data=a + new), "CAW FUA")
        expect(read(c, lun, 100, 2) == new, "LUN %d: CAW did not write" % lun)
    c.close()


@case
def compare_and_write_needs_both_instances():
    c = login()
    for edtl in (512, 1024 + 512, 4096):
        res = run(c, BDEV, caw(0, 2), data=bytes(min(edtl, 4096)), edtl=edtl)
        expect_sense(res, ILLEGAL, 0x24, what="CAW of 2 blocks with %d bytes" % edtl)
    # zero blocks: nothing to compare, GOOD
    expect_good(run(c, BDEV, caw(0, 0)), "CAW of 0 blocks")
    expect_sense(run(c, BDEV, caw(1 << 40, 1), data=bytes(1024)), ILLEGAL, 0x21,
                 what="CAW past the end")
    b0 = inquiry(c, BDEV, 0xB0)
    expect(b0[5] == 255, "MAXIMUM COMPARE AND WRITE LENGTH %d" % b0[5])
    c.close()


# ---------------------------------------------------------------------------
# GET LBA STATUS


def get_lba_status(c, lun, lba, alloc=4096):
    res = run(c, lun, struct.pack(">BBQIBB", 0x9E, 0x12, lba, alloc, 0, 0), edtl=alloc,
              read=True)
    if res.status != GOOD:
        return res, []
    d = res.data
    n = (struct.unpack(">I", d[:4])[0] - 4) // 16
    descs = []
    for i in range(min(n, (len(d) - 8) // 16)):
        o = 8 + 16 * i
        lba0, nr = struct.unpack(">QI", d[o:o + 12])
        descs.append((lba0, nr, d[o + 12] & 0x0F))
    return res, descs


def unmap(c, lun, lba, n):
    plist = struct.pack(">HH4x", 6 + 16, 16) + struct.pack(">QI4x", lba, n)
    expect_good(run(c, lun, struct.pack(">BB4xBHB", 0x42, 0, 0, len(plist), 0), data=plist),
                "UNMAP %d+%d" % (lba, n))


@case
def get_lba_status_file_reports_holes():
    c = login()
    for i in range(0, 256, 16):
        write(c, FILE, 8192 + i, os.urandom(8192))
    unmap(c, FILE, 8192 + 128, 128)
    res, d = get_lba_status(c, FILE, 8192)
    expect_good(res, "GET LBA STATUS")
    expect(d[:2] == [(8192, 128, 0), (8192 + 128, d[1][1], 1)], "descriptors %r" % d[:3])
    expect(d[1][1] >= 128, "deallocated run %r" % (d[1],))
    res, d = get_lba_status(c, FILE, 8192 + 200, alloc=24)
    expect(d and d[0][0] == 8192 + 200 and d[0][2] == 1, "from a hole: %r" % d)
    c.close()


@case
def get_lba_status_bdev_mapped_and_out_of_range():
    c = login()
    res, d = get_lba_status(c, BDEV, 10)
    expect_good(res, "GET LBA STATUS")
    cap = struct.unpack(">Q", run(c, BDEV, struct.pack(">BB8xIBB", 0x9E, 0x10, 32, 0, 0),
                                  edtl=32, read=True).data[:8])[0] + 1
    expect(d == [(10, cap - 10, 0)], "one mapped run to the end: %r (capacity %d)" % (d, cap))
    res, d = get_lba_status(c, BDEV, cap)
    expect_sense(res, ILLEGAL, 0x21, what="GET LBA STATUS at the capacity")
    c.close()


# ---------------------------------------------------------------------------
# read-only LUN


@case
def readonly_lun_refuses_every_write_command():
    c = login()
    blk = bytes(512)
    plist = struct.pack(">HH4x", 22, 16) + struct.pack(">QI4x", 0, 1)
    cmds = {
        "WRITE(6)": (struct.pack(">BBHBB", 0x0A, 0, 0, 1, 0), blk),
        "WRITE(10)": (write10(0, 1), blk),
        "WRITE(12)": (struct.pack(">BBIIBB", 0xAA, 0, 0, 1, 0, 0), blk),
        "WRITE(16)": (struct.pack(">BBQIBB", 0x8A, 0, 0, 1, 0, 0), blk),
        "WRITE AND VERIFY(10)": (struct.pack(">BBIBHB", 0x2E, 0, 0, 0, 1, 0), blk),
        "WRITE AND VERIFY(16)": (struct.pack(">BBQIBB", 0x8E, 0, 0, 1, 0, 0), blk),
        "WRITE SAME(10)": (struct.pack(">BBIBHB", 0x41, 0, 0, 0, 1, 0), blk),
        "WRITE SAME(16) UNMAP": (struct.pack(">BBQIBB", 0x93, 0x08, 0, 1, 0, 0), blk),
        "UNMAP": (struct.pack(">BB4xBHB", 0x42, 0, 0, len(plist), 0), plist),
        "COMPARE AND WRITE": (caw(0, 1), blk + blk),
    }
    for name, (cdb, data) in cmds.items():
        expect_sense(run(c, RO, cdb, data=data), DATA_PROTECT, 0x27, what=name)
    read(c, RO, 0, 1)
    expect(mode_sense6(c, RO, 0x08)[2] & 0x80, "MODE SENSE(6): WP clear on a read-only LUN")
    res = run(c, RO, struct.pack(">BBBB3xHB", 0x5A, 0x08, 0x08, 0, 255, 0), edtl=255,
              read=True)
    expect_good(res, "MODE SENSE(10)")
    expect(res.data[3] & 0x80, "MODE SENSE(10): WP clear on a read-only LUN")
    expect(not mode_sense6(c, BDEV, 0x08)[2] & 0x80, "MODE SENSE(6): WP set on a writable LUN")
    c.close()


# ---------------------------------------------------------------------------
# MEDIUM ERROR from the backing device


@case
def medium_error_carries_the_first_failing_lba():
    c = login()
    read(c, BAD, 0, 16)
    write(c, BAD, BAD_END, os.urandom(4096))
    expect_sense(run(c, BAD, read10(BAD_FIRST - 8, 16), edtl=16 * 512, read=True),
                 MEDIUM, 0x11, info=BAD_FIRST, what="READ(10) across the start of the bad range")
    expect_sense(run(c, BAD, read10(BAD_FIRST + 100, 4), edtl=4 * 512, read=True),
                 MEDIUM, 0x11, info=BAD_FIRST + 100, what="READ(10) inside the bad range")
    expect_sense(run(c, BAD, write10(BAD_FIRST + 7, 2), data=os.urandom(1024)),
                 MEDIUM, 0x0C, info=BAD_FIRST + 7, what="WRITE(10) inside the bad range")
    expect_sense(run(c, BAD, write10(BAD_FIRST - 4, 8, flags=0x08), data=os.urandom(4096)),
                 MEDIUM, 0x0C, info=BAD_FIRST, what="FUA WRITE(10) across the start")
    # VERIFY with BYTCHK reads the medium too
    expect_sense(run(c, BAD, struct.pack(">BBIBHB", 0x2F, 0x02, BAD_FIRST, 0, 1, 0),
                     data=bytes(512)), MEDIUM, 0x11, info=BAD_FIRST, what="VERIFY(10)")
    # and the good blocks are still good
    read(c, BAD, BAD_FIRST - 8, 8)
    read(c, BAD, BAD_END, 8)
    c.close()


@case
def descriptor_sense_when_d_sense_is_set():
    c = login()
    chg = mode_sense6(c, BAD, 0x0A, pc=1)
    expect(chg[4 + 2] & 0x04, "D_SENSE is not changeable")
    set_d_sense(c, BAD, True)
    expect_sense(run(c, BAD, read10(BAD_FIRST + 1, 1), edtl=512, read=True),
                 MEDIUM, 0x11, info=BAD_FIRST + 1, desc=True, what="READ in descriptor format")
    expect_sense(run(c, BAD, read10(1 << 30, 1), edtl=512, read=True),
                 ILLEGAL, 0x21, desc=True, what="LBA OUT OF RANGE in descriptor format")
    set_d_sense(c, BAD, False)
    expect_sense(run(c, BAD, read10(BAD_FIRST + 1, 1), edtl=512, read=True),
                 MEDIUM, 0x11, info=BAD_FIRST + 1, what="READ in fixed format again")
    c.close()


# ---------------------------------------------------------------------------
# the null backend and INQUIRY identity


@case
def null_lun_reads_zeros_and_has_its_identity():
    c = login()
    std = inquiry(c, NULL)
    expect(std[8:16] == b"ACME    ", "vendor %r" % std[8:16])
    expect(std[16:32] == b"Null Disk       ", "product %r" % std[16:32])
    expect(std[32:36] == b"0042", "revision %r" % std[32:36])
    sn = inquiry(c, NULL, 0x80)
    expect(sn[4:4 + sn[3]] == b"SN-NULL-3", "unit serial number %r" % sn)
    di = inquiry(c, NULL, 0x83)
    expect(b"ACME    ID-NULL-3" in di, "T10 vendor ID designator in %r" % di)
    cap = run(c, NULL, struct.pack(">BB8xIBB", 0x9E, 0x10, 32, 0, 0), edtl=32, read=True)
    expect(struct.unpack(">QI", cap.data[:12]) == ((1 << 30) // 512 - 1, 512),
           "capacity %r" % cap.data[:12])
    write(c, NULL, 1000, os.urandom(4096))
    expect(read(c, NULL, 1000, 8) == bytes(4096), "a null LUN read back data")
    expect_good(run(c, NULL, caw(5, 1), data=bytes(512) + os.urandom(512)), "CAW of zeros")
    expect_sense(run(c, NULL, caw(5, 1), data=b"\1" * 512 + bytes(512)), MISCOMPARE, 0x1D,
                 info=0, what="CAW of non-zeros")
    res, d = get_lba_status(c, NULL, 0)
    expect(d == [(0, (1 << 30) // 512, 1)], "null LUN: all deallocated %r" % d)
    # the defaults elsewhere
    std = inquiry(c, BDEV)
    expect(std[8:36] == b"KTGT    Virtual disk    0001", "default identity %r" % std[8:36])
    c.close()


report()
