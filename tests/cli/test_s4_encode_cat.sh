# test_s4_encode_cat.sh — `s4codec encode` and `s4codec cat`: S4's single-PUT
# body (the golden 42-byte "hello" body, frame counts at the chunk-size edges,
# sidecar only with more than one frame, the metadata keys), decode round
# trips, identical bodies for 1 and 2 threads, and --range reads equal to the
# slice of the original across frame boundaries, with and without the sidecar.
source "$(dirname "$0")/common.sh"
MiB=1048576

check "encode hello: the golden 42-byte body of s4-compat.md §3.1, metadata, no sidecar"
printf hello > hello.txt
expect_rc 0 "$S4C" encode hello.txt -o hello.s4
[ "$(od -An -tx1 -v hello.s4 | tr -d ' \n')" = \
  "53344632010000000500000000000000""0e00000000000000""4cbb719a28b52ffd005829000068656c6c6f" ] \
  || fail "hello body: $(od -An -tx1 -v hello.s4 | tr -d ' \n')"
absent hello.s4.s4index
[ "$(cat hello.s4.meta.json)" = '{"s4-codec": "cpu-zstd", "s4-original-size": "5", "s4-compressed-size": "42", "s4-crc32c": "2591144780", "s4-framed": "true"}' ] \
    || fail "metadata: $(cat hello.s4.meta.json)"

# Mostly compressible data with some noise, so frames differ in size.
{ for _ in 1 2 3 4 5 6; do cat "$SAMPLE"; done; head -c $((512 * 1024)) /dev/urandom; } > pool.bin

# frames_of BODY : total_frames from inspect --json.
frames_of() { "$S4C" inspect --json "$1" | sed -n 's/^  "total_frames": \([0-9]*\),$/\1/p'; }

for spec in "$MiB 1" "$((4 * MiB + 1)) 2" "$((9 * MiB)) 3"; do
    set -- $spec
    n=$1 want=$2
    check "encode/decode round trip at $n bytes: $want frame(s)"
    head -c "$n" pool.bin > in.bin
    expect_rc 0 "$S4C" encode in.bin -o in.s4
    [ "$(frames_of in.s4)" = "$want" ] || fail "$n bytes: $(frames_of in.s4) frames, want $want"
    if [ "$want" -gt 1 ]; then
        [ -f in.s4.s4index ] || fail "no sidecar for $want frames"
        expect_rc 0 "$S4C" index in.s4.s4index
        out_has "entries:                 $want"
        out_has "total_padded_size:       $(stat -c %s in.s4)"
    else
        absent in.s4.s4index
    fi
    grep -qF "\"s4-original-size\": \"$n\", \"s4-compressed-size\": \"$(stat -c %s in.s4)\"" in.s4.meta.json \
        || fail "metadata: $(cat in.s4.meta.json)"
    expect_rc 0 "$S4C" decode in.s4 -o out.bin
    same out.bin in.bin
    err_has "decoded $want frame(s)"
    rm -f out.bin
done

check "encode output is byte-identical for --threads 1 and 2 (body and sidecar), and from stdin"
head -c $((9 * MiB)) pool.bin > in.bin
expect_rc 0 "$S4C" encode --threads 1 in.bin -o t1.s4
expect_rc 0 "$S4C" encode --threads 2 -l 3 in.bin -o t2.s4
same t1.s4 t2.s4
same t1.s4.s4index t2.s4.s4index
same t1.s4.meta.json t2.s4.meta.json
"$S4C" encode --threads 2 -o t3.s4 - < in.bin
same t1.s4 t3.s4 # 9 MiB: 4 MiB chunks either way

check "a single-frame re-encode removes the stale sidecar; no temporary files left"
printf small > small.txt
expect_rc 0 "$S4C" encode small.txt -o t2.s4
absent t2.s4.s4index
no_temp_files .

check "passthrough: raw unframed body, four metadata keys, no sidecar"
expect_rc 0 "$S4C" encode -c passthrough in.bin -o pt.bin
same pt.bin in.bin
absent pt.bin.s4index
grep -qF '"s4-codec": "passthrough"' pt.bin.meta.json || fail "$(cat pt.bin.meta.json)"
grep -q 's4-framed' pt.bin.meta.json && fail "passthrough has s4-framed"

check "encode usage errors"
expect_rc 2 "$S4C" encode in.bin
expect_rc 2 "$S4C" encode -c cpu-gzip in.bin -o x.s4
expect_rc 2 "$S4C" encode -c passthrough -l 3 in.bin -o x.s4
expect_rc 2 "$S4C" encode -l 23 in.bin -o x.s4
absent x.s4

# slice START END : bytes START..END (inclusive) of in.bin
slice() { dd if=in.bin iflag=skip_bytes,count_bytes skip="$1" count=$(($2 - $1 + 1)) bs=64K status=none; }
F=$((4 * MiB)) # frame size of a 9 MiB body
check "cat --range equals the slice of the original, across frame boundaries (sidecar)"
for r in "0 0" "0 99" "$((F - 10)) $((F + 9))" "$((F - 1)) $F" "100 $((2 * F + 5))" \
         "$((2 * F)) $((9 * MiB - 1))" "$((9 * MiB - 1)) $((9 * MiB - 1))"; do
    set -- $r
    "$S4C" cat t1.s4 --range "$1-$2" > got.bin || fail "cat $1-$2 failed"
    slice "$1" "$2" | cmp -s - got.bin || fail "cat $1-$2 differs"
done
"$S4C" cat t1.s4 --range "$((F - 5))-" | cmp -s - <(tail -c +$((F - 4)) in.bin) || fail "START- differs"
"$S4C" cat t1.s4 --range "-1000" | cmp -s - <(tail -c 1000 in.bin) || fail "-N differs"
"$S4C" cat t1.s4 --range "bytes=5-$((20 * MiB))" | cmp -s - <(tail -c +6 in.bin) || fail "clamped end differs"

check "cat without the sidecar scans the frames (padding included) and gives the same bytes"
rm t1.s4.s4index
"$S4C" cat t1.s4 --range "$((F - 10))-$((F + 9))" | cmp -s - <(slice $((F - 10)) $((F + 9))) || fail "no-sidecar cat differs"
python3 - "$CLI_TESTS_DIR/s4_bodies.py" <<'PY'
import subprocess, sys
pieces = [b"A" * 1000, b"B" * 777, b"C" * 5]
body = b""
for i, p in enumerate(pieces):
    open("piece", "wb").write(p)
    body += subprocess.run([sys.executable, sys.argv[1], "frame", "1", "piece"], capture_output=True, check=True).stdout
    body += subprocess.run([sys.executable, sys.argv[1], "pad", str(3 + i)], capture_output=True, check=True).stdout
open("padded.s4", "wb").write(body)
open("padded.orig", "wb").write(b"".join(pieces))
PY
"$S4C" cat padded.s4 --range 990-1780 | cmp -s - <(tail -c +991 padded.orig | head -c 791) || fail "padded cat differs"

check "cat errors: range past the end (exit 1), bad range (exit 2), corrupt frame (exit 1)"
expect_rc 1 "$S4C" cat t1.s4 --range "$((9 * MiB))-"
err_has "not satisfiable"
expect_rc 2 "$S4C" cat t1.s4 --range 10-5
expect_rc 2 "$S4C" cat t1.s4 --range abc
expect_rc 2 "$S4C" cat t1.s4
python3 -c 'import sys; b = bytearray(open("padded.s4", "rb").read()); b[24] ^= 1; open("bad.s4", "wb").write(b)'
expect_rc 1 "$S4C" cat bad.s4 --range 0-10
err_has "crc32c mismatch"
expect_rc 0 "$S4C" cat bad.s4 --range 1000-1010 # frame 0 is not read
done_ok
