#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Builds Crypto4A QASM-shaped ATTESTATION MESSAGEs for fuzz_crypto4a's
# committed seeds (scripts/fuzz-seed.sh), from the seed PKI: the encoding
# of asn1/Crypto4A-QASM.asn1 with the sample's claims.
#   c4a-seed.py claims SPKI OUT
#   c4a-seed.py message CLAIMS AK_CERT SIG ROOT OUT OUT_ONE_SIGNER
import sys


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xff])
    return bytes([tag]) + ln + body


def oid(*tail):
    # 1.3.6.1.4.1.39901.6.<tail>
    return tlv(0x06, bytes([0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xb7, 0x5d, 0x06]) + bytes(tail))


KEY = bytes(range(0x10, 0x20))       # the key's object UUID
QASM = bytes(range(0x80, 0x90))      # the HSM's UUID


def claim(o, subject=None, value=None):
    body = o
    if subject is not None:
        body += tlv(0xa0, tlv(0x80, subject))
    if value is not None:
        body += tlv(0xa1, value)
    return tlv(0x30, body)


def claims(spki):
    c = [
        claim(oid(1, 0), value=tlv(0x80, QASM)),
        claim(oid(1, 1), value=tlv(0x81, b"QSM000001")),
        claim(oid(1, 2), value=tlv(0x82, b"20260101000000Z")),
        claim(oid(1, 3), value=tlv(0x81, b"4.0.2.493")),
        claim(oid(1, 4)),
        claim(oid(1, 5)),
        claim(oid(2, 0)),
        claim(oid(2, 1), KEY, tlv(0x80, spki)),
        claim(oid(2, 4), KEY, tlv(0x83, b"\x04")),
        claim(oid(2, 5), KEY, tlv(0x83, b"\x02")),
        claim(oid(2, 6), KEY, tlv(0x83, b"\x01\x00")),
        claim(oid(2, 7), KEY),
        claim(oid(2, 8), KEY),
        claim(oid(2, 9), KEY),
        claim(oid(2, 13), KEY, tlv(0x83, b"\x01\x05")),
        claim(oid(2, 14), KEY, tlv(0x83, b"\x01\x07")),
        claim(oid(9, 9), KEY, tlv(0x81, b"unknown")),
    ]
    return tlv(0x30, tlv(0x02, b"\x01") + tlv(0x30, b"".join(c)))


ECDSA_SHA384 = tlv(0x30, tlv(0x06, bytes([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03])))
HSS = tlv(0x30, tlv(0x06, bytes([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x03, 0x11])))


def block(cert, alg, sig):
    sid = tlv(0x30, tlv(0xa0, tlv(0x04, bytes(16))) + tlv(0xa2, cert))
    return tlv(0x30, sid + alg + tlv(0x03, b"\x00" + sig))


def main():
    rd = lambda p: open(p, "rb").read()
    if sys.argv[1] == "claims":
        open(sys.argv[3], "wb").write(claims(rd(sys.argv[2])))
        return
    cl, ak, sig, root = (rd(p) for p in sys.argv[2:6])
    one = tlv(0x30, block(ak, ECDSA_SHA384, sig))
    two = tlv(0x30, block(ak, ECDSA_SHA384, sig) + block(ak, HSS, bytes(64)))
    ver = tlv(0x02, b"\x01")
    open(sys.argv[6], "wb").write(tlv(0x30, ver + cl + two + tlv(0xa0, root)))
    open(sys.argv[7], "wb").write(tlv(0x30, ver + cl + one))


main()
