# test_terminal.sh — terminals: compressed data is never written to one (exit
# 4), compressed input is never read from one, decompressed data may go to
# one; the progress line appears on a terminal stderr after a second, and
# never when stderr is a file. `script` provides the pseudo-terminal.
source "$(dirname "$0")/common.sh"
make_inputs
command -v script >/dev/null || fail "script(1) from util-linux/bsdutils is required"

# in_pty "COMMAND" : runs COMMAND in a pty, its terminal output in pty.log; returns its exit code.
in_pty() { script -qec "$1" pty.log >/dev/null </dev/null; }

check "compress to a terminal stdout: refused with exit 4 and a message"
rc=0
in_pty "'$S4C' compress < text.txt" || rc=$?
[ "$rc" = 4 ] || fail "exit $rc, expected 4"
grep -q "refusing to write compressed data to a terminal" pty.log || fail "no refusal message"
rc=0
in_pty "'$S4C' compress -o - text.txt" || rc=$?
[ "$rc" = 4 ] || fail "-o -: exit $rc, expected 4"
rc=0
in_pty "'$S4C' compress -o /dev/tty text.txt" || rc=$?
[ "$rc" = 4 ] || fail "-o /dev/tty: exit $rc, expected 4"
absent text.txt.zst

check "compressed input from a terminal stdin: refused with exit 4"
rc=0
in_pty "'$S4C' decompress > out.bin" || rc=$?
[ "$rc" = 4 ] || fail "exit $rc, expected 4"

check "decompressed data to a terminal is allowed (like zcat)"
echo "hello terminal" | "$S4C" compress > h.zst
in_pty "'$S4C' decompress < h.zst" || fail "decompress to a terminal failed"
grep -q "hello terminal" pty.log || fail "decompressed text not shown"

check "a terminal stdout does not matter when writing a file"
in_pty "'$S4C' compress -q text.txt" || fail "compress to a file from a pty failed"
[ -f text.txt.zst ] || fail "no output"

check "progress line on a terminal stderr once the work runs > 1 s, erased at the end"
# The second 1 MiB buffer arrives after 1.5 s, so an update happens after the threshold.
# Three slow runs side by side: progress expected, -q, and stderr not a terminal.
slow="(cat text.txt; sleep 1.5; cat text.txt)"
script -qec "$slow | '$S4C' compress -o slow.zst" pty1.log >/dev/null </dev/null &
p1=$!
script -qec "$slow | '$S4C' compress -q -o slow2.zst" pty2.log >/dev/null </dev/null &
p2=$!
(cat text.txt; sleep 1.5; cat text.txt) | "$S4C" compress -o slow3.zst 2>err3.log
wait $p1 || fail "slow compress failed"
wait $p2 || fail "slow compress -q failed"
grep -q "MiB in" pty1.log || fail "no progress line: $(cat -v pty1.log)"
grep -q "MB/s" pty1.log || fail "no MB/s in the progress line"
grep -q $'\r' pty1.log || fail "the progress line is not \\r-updated"
grep -qP '\r {20,}\r' pty1.log || fail "the progress line is not erased: $(cat -v pty1.log)"
"$S4C" decompress < slow.zst | cmp -s - <(cat text.txt text.txt) || fail "slow.zst wrong"

check "no progress line with -q, and none when stderr is not a terminal"
! grep -q "MiB in" pty2.log || fail "progress shown despite -q"
[ ! -s err3.log ] || fail "stderr not empty when not a terminal: $(cat -v err3.log)"
"$S4C" decompress < slow3.zst | cmp -s - <(cat text.txt text.txt) || fail "slow3.zst wrong"

done_ok
