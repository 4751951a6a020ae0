# test_gpu_cli.sh — the GPU kinds in the CLI (docs/gpu.md): FCG1 blobs built
# here from LZ4 blocks / zstd frames (python3: liblz4-free literal blocks and
# the zstd CLI) decode on the CPU through `decompress` and, inside S4F2
# frames, through `decode`; without a GPU, `compress -c nvcomp-*` and
# GPU-only frames fail with exit 1 and say why. S4C_TEST_HAS_GPU=1 (set by
# tests/gpu/run_gpu_tests.sh) turns the no-GPU refusals into round trips.
source "$(dirname "$0")/common.sh"
MK="python3 $CLI_TESTS_DIR/s4_bodies.py"

# fcg1 TAG CHUNK ORIG_FILE OUT: FCG1 blob; chunks are literal-only LZ4 blocks
# (TAG 2) or zstd frames from the zstd CLI (TAG 3).
fcg1() {
    python3 - "$@" <<'PY'
import struct, subprocess, sys
tag, chunk, src, out = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "rb").read(), sys.argv[4]
def lz4_literals(b):  # one sequence of literals only: a valid raw LZ4 block
    n = len(b)
    if n < 15:
        return bytes([n << 4]) + b
    ext, rest = bytearray([0xF0]), n - 15
    while rest >= 255:
        ext.append(255); rest -= 255
    ext.append(rest)
    return bytes(ext) + b
chunks = [src[i:i + chunk] for i in range(0, len(src), chunk)]
enc = [lz4_literals(c) if tag == 2 else
       subprocess.run(["zstd", "-q", "-c", "--no-check"], input=c, capture_output=True, check=True).stdout
       for c in chunks]
hdr = b"FCG1" + bytes([tag, 0, 0, 0]) + struct.pack("<QII", len(src), chunk, len(enc))
open(out, "wb").write(hdr + b"".join(struct.pack("<I", len(e)) for e in enc) + b"".join(enc))
PY
}

head -c 200000 "$SAMPLE" > a.txt
printf 'x' > one.txt
: > empty.txt

check "decompress: FCG1 nvcomp-lz4 and nvcomp-zstd blobs decode on the CPU (multi-chunk)"
fcg1 2 65536 a.txt a.lz4.fcg1
fcg1 3 65536 a.txt a.zstd.fcg1
expect_rc 0 "$S4C" decompress -o a1.out a.lz4.fcg1
same a1.out a.txt
expect_rc 0 "$S4C" decompress -o a2.out a.zstd.fcg1
same a2.out a.txt
cat a.lz4.fcg1 a.zstd.fcg1 | "$S4C" decompress -o - - > a3.out
cat a.txt a.txt > aa.txt
same a3.out aa.txt

check "decompress: empty blob, one byte, truncated blob"
fcg1 2 65536 empty.txt e.fcg1
expect_rc 0 "$S4C" decompress -o e.out e.fcg1
same e.out empty.txt
fcg1 3 65536 one.txt o.fcg1
expect_rc 0 "$S4C" decompress -o o.out o.fcg1
same o.out one.txt
head -c 1000 a.lz4.fcg1 > t.fcg1
expect_rc 1 "$S4C" decompress -o t.out t.fcg1
err_has "truncated"

check "decode: S4F2 frames of kinds 65 (nvcomp-lz4) and 2 (nvcomp-zstd) holding FCG1"
{ $MK raw-frame 65 a.txt a.lz4.fcg1; $MK pad 7; $MK raw-frame 2 a.txt a.zstd.fcg1; } > gpu.s4
expect_rc 0 "$S4C" decode gpu.s4 -o gpu.out
same gpu.out aa.txt

check "decode: a forged FCG1 orig_size is S4's size mismatch; a bad CRC is S4's CRC error"
$MK raw-frame 65 one.txt a.lz4.fcg1 > forged.s4
expect_rc 1 "$S4C" decode forged.s4 -o f.out
err_has "compressed size mismatch"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[24] ^= 0xff; open(sys.argv[1], "wb").write(b)' gpu.s4
expect_rc 1 "$S4C" decode gpu.s4 -o g2.out
err_has "crc32c mismatch"

if [ -z "${S4C_TEST_HAS_GPU:-}" ]; then
    check "no GPU: compress -c nvcomp-* exits 1 and says why"
    for c in nvcomp-zstd nvcomp-lz4 nvcomp-bitcomp nvcomp-gdeflate; do
        expect_rc 1 "$S4C" compress -c "$c" -o x.fcg1 a.txt
        err_has "cannot start $c"
        absent x.fcg1
    done
    err_has "needs a GPU"

    check "no GPU: GPU-only FCG1 algorithms are refused by decompress"
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[4] = 5; open(sys.argv[2], "wb").write(b)' a.lz4.fcg1 gd.fcg1
    expect_rc 1 "$S4C" decompress -o gd.out gd.fcg1
    err_has "NvcompGDeflate is not available"
else
    check "GPU: compress -c nvcomp-* round-trips through decompress"
    for c in nvcomp-zstd nvcomp-lz4 nvcomp-bitcomp nvcomp-gdeflate; do
        expect_rc 0 "$S4C" compress -c "$c" -f -o "r.$c.fcg1" a.txt
        expect_rc 0 "$S4C" decompress -f -o "r.$c.out" "r.$c.fcg1"
        same "r.$c.out" a.txt
    done
fi
done_ok
