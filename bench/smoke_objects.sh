#!/usr/bin/env bash
# smoke_objects.sh S4C_BENCH S4CODEC — a quick run of s4c_bench's table 5
# (S4 objects) on a small generated corpus: 8 MiB object (two 4 MiB frames),
# one round, 6 range reads per path. Checks that the table runs, that the
# bodies of 1 and 2 threads are identical and every decode/range read is
# correct (s4c_bench exits non-zero otherwise), and that each part printed
# its line. Timings are not checked.
set -euo pipefail
bench=$1
cli=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/corpus" "$T/tmp"
# Compressible text and binary stand-ins for the corpus files (the real corpus
# is large and built by bench/run.sh); random.bin incompressible.
src=$(cd "$(dirname "$0")/.." && pwd)
# (|| true: once the sources exceed 3 MiB, head closes the pipe and cat dies of SIGPIPE)
for i in 1 2 3 4 5 6; do cat "$src"/src/*/*.c "$src"/include/*.h; done | head -c 3145728 >"$T/corpus/linux.tar" || true
head -c 1048576 "$bench" >"$T/corpus/binaries.bin"
for i in $(seq 1 20000); do echo "package-$i version 1.$((i % 97)).$((i % 13)) depends libc6"; done >"$T/corpus/packages.txt"
head -c 524288 /dev/urandom >"$T/corpus/random.bin"

out=$("$bench" --corpus "$T/corpus" --rounds 1 --budget 1 --object-size 8M --range-reads 6 \
  --cli "$cli" --tmpdir "$T/tmp" objects)
echo "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -q '^## 5\. S4 objects' <<<"$out" || fail "no table 5 heading"
grep -qE '^\| 2 \| [0-9.]+ \| .*\| yes \| [0-9]+ \|$' <<<"$out" || fail "no 2-thread line with identical bodies"
grep -qE '^\| raw ZSTD_decompressDCtx \| [0-9.]+ ' <<<"$out" || fail "no raw decode line"
grep -qE '^\| raw ZSTD_decompressStream, stable output \| [0-9.]+ ' <<<"$out" || fail "no raw stream decode line"
grep -qE '^\| raw \((stream|DCtx)\) \+ CRC32C \| [0-9.]+ ' <<<"$out" || fail "no raw + CRC32C line"
grep -qE '^\| CLI `s4codec cat --range` \| 6 \| ' <<<"$out" || fail "no CLI range line"
grep -qE '^\| library, [0-9]+ thread\(s\) \| 6 \| ' <<<"$out" || fail "no library range line"
[ -z "$(ls -A "$T/tmp")" ] || fail "left files in the temporary directory: $(ls -A "$T/tmp")"
echo "PASS"
