# test_crc32c.sh — `s4codec crc32c`: the CRC-32C check value, sha256sum-style
# lines for several files, stdin as '-' or no operand, a missing file
# reported (exit 3) without hiding the others, and large files streamed.
source "$(dirname "$0")/common.sh"
make_inputs

check "check value: CRC-32C(\"123456789\") = e3069283"
printf 123456789 > check.txt
expect_rc 0 "$S4C" crc32c check.txt
[ "$(cat out.log)" = "e3069283  check.txt" ] || fail "got '$(cat out.log)'"

check "stdin: '-' and no operand"
[ "$(printf 123456789 | "$S4C" crc32c -)" = "e3069283  -" ] || fail "crc32c -"
[ "$(printf 123456789 | "$S4C" crc32c)" = "e3069283  -" ] || fail "crc32c with no operand"

check "known values: empty input, one byte 'a', 32 zero bytes (RFC 3720 B.4)"
[ "$("$S4C" crc32c empty.txt)" = "00000000  empty.txt" ] || fail "empty"
printf a > a.txt
[ "$("$S4C" crc32c a.txt)" = "c1d04330  a.txt" ] || fail "'a'"
head -c 32 /dev/zero > zeros
[ "$("$S4C" crc32c zeros)" = "8a9136aa  zeros" ] || fail "32 zeros"

check "several files, one line each, in order"
expect_rc 0 "$S4C" crc32c check.txt empty.txt a.txt
[ "$(wc -l < out.log)" = 3 ] || fail "expected 3 lines"
[ "$(sed -n 2p out.log)" = "00000000  empty.txt" ] || fail "line 2: $(sed -n 2p out.log)"

check "a missing file: exit 3, reported on stderr, the other files still printed"
expect_rc 3 "$S4C" crc32c check.txt missing.txt a.txt
err_has "missing.txt"
[ "$(wc -l < out.log)" = 2 ] || fail "the readable files were not all printed"

check "streaming over buffer boundaries: chunked reads give the CRC of the whole"
# 3.5 MiB: the concatenation's CRC equals the one computed through a pipe in small writes.
cat text.txt text.txt random.bin > big.bin
a=$("$S4C" crc32c big.bin | cut -d' ' -f1)
b=$(cat text.txt text.txt random.bin | "$S4C" crc32c | cut -d' ' -f1)
[ "$a" = "$b" ] || fail "file $a vs pipe $b"
if command -v python3 >/dev/null; then
    want=$(python3 - big.bin <<'PY'
import sys
poly = 0x82F63B78
table = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ poly if c & 1 else c >> 1
    table.append(c)
crc = 0xFFFFFFFF
data = open(sys.argv[1], "rb").read()
for b in data[:200000]:
    crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
print("%08x" % (crc ^ 0xFFFFFFFF))
PY
)
    head -c 200000 big.bin > head.bin
    [ "$("$S4C" crc32c head.bin | cut -d' ' -f1)" = "$want" ] || fail "differs from a bitwise reference"
fi

done_ok
