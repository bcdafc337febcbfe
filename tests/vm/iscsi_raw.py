#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal iSCSI initiator that sends exactly the PDUs a test asks for,
well-formed or not, for protocol tests against the target (RFC 7143)."""
import socket
import struct
import time

OP_NOOP_OUT, OP_SCSI_CMD, OP_TMF, OP_LOGIN, OP_TEXT, OP_DATA_OUT, OP_LOGOUT = 0, 1, 2, 3, 4, 5, 6
OP_NOOP_IN, OP_SCSI_RSP, OP_TMF_RSP, OP_LOGIN_RSP, OP_TEXT_RSP = 0x20, 0x21, 0x22, 0x23, 0x24
OP_DATA_IN, OP_LOGOUT_RSP, OP_R2T, OP_ASYNC, OP_REJECT = 0x25, 0x26, 0x31, 0x32, 0x3F
IMMEDIATE = 0x40
RSVD = 0xFFFFFFFF
INITIATOR = "iqn.2026-11.org.ktgt:raw"


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC_TABLE = _crc32c_table()


def digest(data):
    """iSCSI CRC32C digest bytes (RFC 7143 section 13.1), as sent on the wire."""
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return struct.pack("<I", c ^ 0xFFFFFFFF)


def keys(*pairs):
    """b'k=v\\0...' from ('k', 'v') pairs or preformatted strings."""
    out = b""
    for p in pairs:
        out += (p if isinstance(p, bytes) else ("%s=%s" % p if isinstance(p, tuple) else p).encode()) + b"\0"
    return out


def parse_keys(data):
    res = {}
    for item in data.split(b"\0"):
        if item:
            k, _, v = item.partition(b"=")
            res[k.decode()] = v.decode()
    return res


class Pdu:
    def __init__(self, bhs, data=b""):
        self.bhs = bhs
        self.data = data
        self.opcode = bhs[0] & 0x3F
        self.flags = bhs[1]
        self.itt, self.ttt, self.sn, self.exp_sn, self.max_sn = struct.unpack(">5I", bhs[16:36])
        self.w9, self.w10, self.w11 = struct.unpack(">3I", bhs[36:48])

    @property
    def status(self):
        """login status class << 8 | detail"""
        return self.bhs[36] << 8 | self.bhs[37]

    def __repr__(self):
        return "Pdu(op=0x%02x flags=0x%02x itt=0x%x ttt=0x%x dlen=%d)" % (
            self.opcode, self.flags, self.itt, self.ttt, len(self.data))


def bhs(opcode, flags=0x80, b2=0, b3=0, dlen=0, lun=b"\0" * 8, itt=0, w5=0, w6=0, w7=0,
        rest=b"\0" * 16, ahslen=0):
    return (struct.pack(">BBBBB", opcode, flags, b2, b3, ahslen) + dlen.to_bytes(3, "big") +
            lun + struct.pack(">4I", itt, w5, w6, w7) + rest)


class Conn:
    def __init__(self, host="127.0.0.1", port=3260, timeout=10):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.isid = b"\x80\x12\x34\x56\x78\x9a"
        self.initiator = INITIATOR
        self.tsih = 0
        self.cmdsn = 1
        self.exp_statsn = 0
        self.itt = 0x1000
        self.hdigest = False
        self.ddigest = False
        self.pieces = None    # send() in pieces of these sizes, each its own segment

    def close(self):
        self.s.close()

    def send_raw(self, data):
        self.s.sendall(data)

    def frame(self, hdr, data=b"", bad_hdigest=False, bad_ddigest=False):
        """a PDU as it goes on the wire: padding and the digests in use"""
        data = data + b"\0" * ((4 - len(data) % 4) % 4)
        out = hdr
        if self.hdigest:
            d = digest(hdr)
            out += bytes([d[0] ^ 1]) + d[1:] if bad_hdigest else d
        out += data
        if self.ddigest and data:
            d = digest(data)
            out += bytes([d[0] ^ 1]) + d[1:] if bad_ddigest else d
        return out

    def send(self, hdr, data=b"", bad_hdigest=False, bad_ddigest=False):
        out = self.frame(hdr, data, bad_hdigest, bad_ddigest)
        if self.pieces:
            self.send_in_pieces(out)
        else:
            self.s.sendall(out)

    def send_in_pieces(self, out):
        """Each piece leaves as its own TCP segment, so that the target
        finds PDU parts split at every kind of boundary."""
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        i = 0
        while out:
            n = self.pieces[i % len(self.pieces)]
            self.s.sendall(out[:n])
            out = out[n:]
            i += 1
            time.sleep(0.002)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed by target")
            buf += chunk
        return buf

    def recv(self):
        h = self.recv_exact(48)
        ahs = h[4] * 4
        dlen = int.from_bytes(h[5:8], "big")
        hdr = h + (self.recv_exact(ahs) if ahs else b"")
        if self.hdigest and h[0] & 0x3F != OP_LOGIN_RSP:
            if self.recv_exact(4) != digest(hdr):
                raise ValueError("bad header digest from target")
        padded = self.recv_exact(dlen + (4 - dlen % 4) % 4) if dlen else b""
        if self.ddigest and dlen and h[0] & 0x3F != OP_LOGIN_RSP:
            if self.recv_exact(4) != digest(padded):
                raise ValueError("bad data digest from target")
        p = Pdu(h, padded[:dlen])
        if p.opcode in (OP_SCSI_RSP, OP_NOOP_IN, OP_TEXT_RSP, OP_LOGOUT_RSP, OP_LOGIN_RSP,
                        OP_REJECT, OP_TMF_RSP) and not (p.opcode == OP_NOOP_IN and p.itt == RSVD):
            self.exp_statsn = p.sn + 1
        return p

    def closed(self, wait=5.0):
        """True if the target closes the connection within wait seconds."""
        self.s.settimeout(wait)
        try:
            while True:
                if not self.s.recv(4096):
                    return True
        except (ConnectionError, OSError):
            return True
        except socket.timeout:
            return False

    def next_itt(self):
        self.itt += 1
        return self.itt

    def login_pdu(self, data, csg=1, nsg=3, transit=True, itt=None, version=(0, 0)):
        flags = (0x80 if transit else 0) | csg << 2 | nsg
        lun = self.isid + struct.pack(">H", self.tsih)
        return bhs(OP_LOGIN | IMMEDIATE, flags, version[0], version[1], len(data), lun,
                   itt if itt is not None else self.next_itt(), 0, self.cmdsn, self.exp_statsn), data

    def login(self, target, extra=(), discovery=False):
        """One-PDU operational login straight to full feature; returns the response."""
        kv = [("InitiatorName", self.initiator),
              ("SessionType", "Discovery" if discovery else "Normal")]
        if not discovery:
            kv.append(("TargetName", target))
        names = [k[0] for k in extra if isinstance(k, tuple)]
        kv += [(k, "None") for k in ("HeaderDigest", "DataDigest") if k not in names]
        kv += [("MaxRecvDataSegmentLength", "65536")] + list(extra)
        self.send(*self.login_pdu(keys(*kv)))
        r = self.recv()
        if r.opcode == OP_LOGIN_RSP and r.status == 0:
            self.tsih = int.from_bytes(r.bhs[14:16], "big")
            self.keys = parse_keys(r.data)
            self.hdigest = self.keys.get("HeaderDigest") == "CRC32C"
            self.ddigest = self.keys.get("DataDigest") == "CRC32C"
        return r

    def chap_login(self, target, user, secret, algs="5", mutual=None, tamper=None,
                   stop_after=None):
        """CHAP through the security stage, then to full feature.
        mutual: (user, secret) the target must prove it knows.
        tamper(step, keys) may change the keys of step 'A' or 'R'.
        Returns the failing login response, or the final one."""
        import hashlib
        hashes = {5: hashlib.md5, 7: hashlib.sha256, 8: hashlib.sha3_256}
        kv = [("InitiatorName", INITIATOR), ("SessionType", "Normal"),
              ("TargetName", target), ("AuthMethod", "CHAP,None")]
        self.send(*self.login_pdu(keys(*kv), csg=0, nsg=1, transit=True))
        p = self.recv()
        if p.status or parse_keys(p.data).get("AuthMethod") != "CHAP":
            return p
        a = [("CHAP_A", algs)]
        if tamper:
            a = tamper("A", a)
        self.send(*self.login_pdu(keys(*a), csg=0, nsg=1, transit=False))
        p = self.recv()
        k = parse_keys(p.data)
        if p.status or stop_after == "A":
            return p
        alg, cid = int(k["CHAP_A"]), int(k["CHAP_I"])
        chal = bytes.fromhex(k["CHAP_C"][2:])
        resp = hashes[alg](bytes([cid]) + secret.encode() + chal).digest()
        rkeys = [("CHAP_N", user), ("CHAP_R", "0x" + resp.hex())]
        my_id, my_chal = 77, bytes(range(16))
        if mutual:
            rkeys += [("CHAP_I", str(my_id)), ("CHAP_C", "0x" + my_chal.hex())]
        if tamper:
            rkeys = tamper("R", rkeys, chal)
        self.send(*self.login_pdu(keys(*rkeys), csg=0, nsg=1, transit=True))
        p = self.recv()
        if p.status:
            return p
        k = parse_keys(p.data)
        if mutual:
            want = hashes[alg](bytes([my_id]) + mutual[1].encode() + my_chal).digest()
            if k.get("CHAP_N") != mutual[0] or k.get("CHAP_R") != "0x" + want.hex():
                raise ValueError("target failed mutual CHAP: %r" % k)
        if not (p.flags & 0x80):
            raise ValueError("no transit after CHAP: flags 0x%x" % p.flags)
        self.send(*self.login_pdu(keys(("MaxRecvDataSegmentLength", "65536")), csg=1, nsg=3))
        p = self.recv()
        if p.status == 0:
            self.tsih = int.from_bytes(p.bhs[14:16], "big")
        self.chap_alg = alg
        return p

    def nop_out(self, data=b"", itt=None, ttt=RSVD, immediate=True, cmdsn=None):
        itt = self.next_itt() if itt is None else itt
        hdr = bhs(OP_NOOP_OUT | (IMMEDIATE if immediate else 0), 0x80, dlen=len(data), itt=itt,
                  w5=ttt, w6=self.cmdsn if cmdsn is None else cmdsn, w7=self.exp_statsn)
        if not immediate and cmdsn is None:
            self.cmdsn += 1
        self.send(hdr, data)
        return itt

    def scsi_cmd(self, cdb, lun=1, edtl=0, read=False, write=False, data=b"", final=True,
                 cmdsn=None):
        itt = self.next_itt()
        flags = (0x80 if final else 0) | (0x40 if read else 0) | (0x20 if write else 0)
        lunb = bytes([0, lun]) + b"\0" * 6
        hdr = bhs(OP_SCSI_CMD, flags, dlen=len(data), lun=lunb, itt=itt, w5=edtl,
                  w6=self.cmdsn if cmdsn is None else cmdsn, w7=self.exp_statsn,
                  rest=cdb.ljust(16, b"\0"))
        if cmdsn is None:
            self.cmdsn += 1
        self.send(hdr, data)
        return itt

    def clear_ua(self, lun=1, tries=10):
        """TEST UNIT READY until GOOD, as initiators do after login: a new
        I_T nexus has a unit attention pending. Returns the (asc, ascq) of
        each unit attention seen."""
        seen = []
        for _ in range(tries):
            itt = self.scsi_cmd(b"\0" * 6, lun=lun)
            p = self.wait_for(OP_SCSI_RSP)
            if p.itt != itt:
                raise AssertionError("response for another task: %r" % p)
            if p.bhs[3] in (0, 0x18):     # GOOD, or RESERVATION CONFLICT: none left
                return seen
            sense = p.data[2:]
            if len(sense) < 14 or sense[2] & 0xF != 6:
                raise AssertionError("TEST UNIT READY: status %d sense %r" %
                                     (p.bhs[3], sense[:14]))
            seen.append((sense[12], sense[13]))
        raise AssertionError("unit attentions do not stop: %r" % seen)

    def wait_for(self, opcode, timeout=10):
        end = time.time() + timeout
        self.s.settimeout(timeout)
        while time.time() < end:
            p = self.recv()
            if p.opcode == opcode:
                return p
        raise TimeoutError("no PDU 0x%02x" % opcode)
