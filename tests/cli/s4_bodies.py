#!/usr/bin/env python3
# s4_bodies.py — builds S4F2 bodies and S4IX sidecars for tests/cli/test_s4_*.sh,
# independently of libs4codec: the layouts of docs/formats/s4f2.md and s4ix.md
# written out with struct, payloads from the zstd CLI, CRC-32C in pure Python.
#
#   s4_bodies.py frame KIND ORIG_FILE [ZSTD_ARGS...]   -> one data frame on stdout
#   s4_bodies.py raw-frame KIND ORIG_FILE PAYLOAD_FILE -> a frame around a given payload
#   s4_bodies.py pad N                                 -> a padding frame of N bytes
#   s4_bodies.py sidecar VERSION ETAG SRC_SIZE PADDED [SSE] OO:OS:CO:CS...
#                                                      -> a sidecar (ETAG "" for none,
#                                                         SSE "cs:cc:key:salthex:plen:hdr" or "-")
import struct
import subprocess
import sys

_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    _TABLE.append(c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def frame(kind, orig, payload):
    return b"S4F2" + struct.pack("<IQQI", kind, len(orig), len(payload), crc32c(orig)) + payload


def main(argv):
    out = sys.stdout.buffer
    cmd = argv[1]
    if cmd == "frame":
        orig = open(argv[3], "rb").read()
        payload = subprocess.run(["zstd", "-q", "-c", "--no-check"] + argv[4:], input=orig,
                                 capture_output=True, check=True).stdout
        out.write(frame(int(argv[2]), orig, payload))
    elif cmd == "raw-frame":
        out.write(frame(int(argv[2]), open(argv[3], "rb").read(), open(argv[4], "rb").read()))
    elif cmd == "pad":
        n = int(argv[2])
        out.write(b"S4P1" + struct.pack("<Q", n) + b"\0" * n)
    elif cmd == "sidecar":
        version, etag, src, padded = int(argv[2]), argv[3].encode(), int(argv[4]), int(argv[5])
        sse, entries = argv[6], [tuple(int(x) for x in e.split(":")) for e in argv[7:]]
        total = entries[-1][0] + entries[-1][1] if entries else 0
        b = b"S4IX" + struct.pack("<IQQQ", version, len(entries), total, padded)
        if version >= 2:
            b += struct.pack("<QI", src, len(etag)) + etag
        if version == 3:
            cs, cc, key, salt, plen, hdr = sse.split(":")
            b += struct.pack("<IIH", int(cs), int(cc), int(key)) + bytes.fromhex(salt)
            b += struct.pack("<QI", int(plen), int(hdr))
        for e in entries:
            b += struct.pack("<QQQQ", *e)
        out.write(b)
    else:
        sys.exit("unknown command " + cmd)


main(sys.argv)
