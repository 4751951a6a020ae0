# test_s4_decode.sh — `s4codec decode`, S4's `s4-codec decode`: bodies built
# independently (tests/cli/s4_bodies.py + the zstd CLI) decode to the original;
# S4's refusals (SSE, empty, padding only, GPU codecs, dict without --dict),
# its error layout and contexts, and -o left untouched on every failure.
source "$(dirname "$0")/common.sh"
MK="python3 $CLI_TESTS_DIR/s4_bodies.py"

head -c 3000 "$SAMPLE" > a.txt
tail -c 2000 "$SAMPLE" > b.txt
cat a.txt b.txt > ab.txt
{ $MK frame 1 a.txt; $MK pad 100; $MK frame 1 b.txt; $MK pad 5; } > two.s4

check "two zstd frames with padding between them decode to the original"
expect_rc 0 "$S4C" decode two.s4 -o out.bin
same out.bin ab.txt
err_has "decoded 2 frame(s)"
payload=$(( $(stat -c %s two.s4) - 2 * 28 - 12 - 100 - 12 - 5 ))
grep -qxF "s4-codec: decoded 2 frame(s), $payload compressed bytes -> 5000 original bytes (per-frame crc32c verified)" err.log \
    || fail "summary line: $(cat err.log)"

check "without -o the bytes go to stdout when it is a pipe"
"$S4C" decode two.s4 2>/dev/null | cmp -s - ab.txt || fail "stdout differs"

check "BODY '-' reads stdin (decode and inspect)"
"$S4C" decode - < two.s4 2>/dev/null | cmp -s - ab.txt || fail "stdin decode differs"
"$S4C" inspect - < two.s4 | grep -q "total: 2 frame(s)" || fail "stdin inspect"

check "-o replaces an existing file atomically on success"
echo old > out.bin
expect_rc 0 "$S4C" decode two.s4 -o out.bin
same out.bin ab.txt
no_temp_files .

if command -v script >/dev/null; then
    check "binary output to a terminal is refused"
    script -qec "$S4C decode two.s4" /dev/null > tty.log 2>&1 || true
    grep -q "refusing to write binary output to a terminal" tty.log || fail "no tty refusal: $(cat tty.log)"
fi

# expect_fail BODY TEXT... : decode fails with exit 1, says TEXT, leaves -o as it was.
expect_fail() {
    local body=$1
    shift
    echo "previous content" > keep.out
    expect_rc 1 "$S4C" decode "$body" -o keep.out
    for t in "$@"; do err_has "$t"; done
    [ "$(cat keep.out)" = "previous content" ] || fail "$body: -o file changed"
    no_temp_files .
}

check "a CRC flip at offset 24 fails with crc32c mismatch, S4's error layout"
cp two.s4 badcrc.s4
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[24] ^= 0xff; open(sys.argv[1], "wb").write(b)' badcrc.s4
expect_fail badcrc.s4 "crc32c mismatch" "decoding frame 0 (codec \`cpu-zstd\`)"
head -1 err.log | grep -q '^Error: ' || fail "first line is not 'Error: ...'"
grep -qx 'Caused by:' err.log || fail "no 'Caused by:' line"

check "to stdout nothing is written when a later frame fails"
{ $MK frame 1 a.txt; cat badcrc.s4; } > late.s4
expect_rc 1 "$S4C" decode late.s4
err_has "decoding frame 1 (codec \`cpu-zstd\`)"
[ ! -s out.log ] || fail "bytes reached stdout before the error"

check "passthrough frames (S4 multipart parts) decode, CRC checked"
$MK raw-frame 0 a.txt a.txt > pt.s4
{ cat pt.s4; $MK pad 7; cat pt.s4; } > pt2.s4
expect_rc 0 "$S4C" decode pt2.s4 -o pt.out
cat a.txt a.txt | cmp -s - pt.out || fail "passthrough frames differ"
$MK raw-frame 0 b.txt a.txt > ptbad.s4
expect_fail ptbad.s4 "crc32c mismatch" "decoding frame 0 (codec \`passthrough\`)"

check "a padding-only body fails and leaves -o intact"
$MK pad 40 > pad.s4
expect_fail pad.s4 "no S4F2 data frames found" "refusing to write empty output"

check "an empty file is refused"
: > empty.s4
expect_fail empty.s4 "file is empty"

check "SSE-encrypted bodies (S4E1..S4E6) are refused by decode and inspect"
for n in 1 2 6; do
    { printf "S4E$n"; head -c 60 /dev/zero; } > sse$n.s4
    expect_fail sse$n.s4 "SSE-encrypted" "S4E$n"
    expect_rc 1 "$S4C" inspect sse$n.s4
    err_has "SSE-encrypted"; err_has "S4E$n"
done

check "an nvcomp-bitcomp frame: decode fails naming the GPU codec, inspect lists it"
$MK frame 3 a.txt > gpu.s4
if [ -z "${S4C_TEST_HAS_GPU:-}" ]; then # without a GPU (nvcomp-lz4/-zstd: test_gpu_cli.sh)
    expect_fail gpu.s4 "GPU codec \`nvcomp-bitcomp\`" "s4\` gateway"
fi
expect_rc 0 "$S4C" inspect gpu.s4
out_has nvcomp-bitcomp

check "a corrupt frame before a GPU frame is reported first (S4's frame order)"
{ cat badcrc.s4; $MK frame 6 a.txt; } > order.s4
expect_fail order.s4 "crc32c mismatch" "decoding frame 0"

check "a cpu-zstd-dict frame decodes with --dict and fails without it"
head -c 4096 "$SAMPLE" > dict.bin
head -c 2000 "$SAMPLE" > d.txt
$MK frame 8 d.txt -D dict.bin > dict.s4
expect_rc 0 "$S4C" decode dict.s4 --dict dict.bin -o d.out
same d.out d.txt
expect_fail dict.s4 "cpu-zstd-dict" "--dict" ".s4dict/<dict-id>" "x-amz-meta-s4-dict-id"

check "frame 0 that does not parse: the passthrough / x-amz-meta-s4-framed hint"
expect_fail a.txt "parsing frame 0" "x-amz-meta-s4-framed" "bad frame magic: expected [83, 52, 70, 50]"

check "a later parse error names its frame"
{ cat two.s4; printf 'S4F2xx'; } > tail.s4
expect_fail tail.s4 "parsing frame 2" "frame too short"

check "usage errors exit 2"
expect_rc 2 "$S4C" decode
expect_rc 2 "$S4C" decode two.s4 extra
expect_rc 3 "$S4C" decode missing.s4 -o x.out
absent x.out
done_ok
