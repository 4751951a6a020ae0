#!/usr/bin/env bash
# bench/run.sh — builds s4c_bench (in build-bench/), builds the corpus if it is
# missing, and prints every benchmark table (docs/benchmarks.md).
#   bench/run.sh                 all tables, final settings (best of 5 rounds)
#   bench/run.sh --quick         1 MiB inputs only, 3 rounds (smoke run)
#   bench/run.sh codecs --file linux.tar --codec cpu-zstd   (see s4c_bench --help)
#   bench/run.sh objects         table 5, S4 objects (issue 5): 1 GiB object
#   bench/run.sh objects --object-size 32M --range-reads 20   (a small run)
#   bench/run.sh python          the Python benchmarks (bench/python/run.sh; args follow)
# Environment: S4C_BENCH_BUILD (build dir), S4C_CORPUS (corpus dir),
# S4C_MAKE_CORPUS (the corpus script, default /work/shared/corpus/make-corpus.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${S4C_BENCH_BUILD:-$root/build-bench}
corpus=${S4C_CORPUS:-$root/corpus}
make_corpus=${S4C_MAKE_CORPUS:-/work/shared/corpus/make-corpus.sh}

if [ "${1:-}" = python ]; then
  shift
  exec "$root/bench/python/run.sh" "$@"
fi

for f in linux.tar binaries.bin packages.txt random.bin; do
  if [ ! -s "$corpus/$f" ]; then
    if [ ! -x "$make_corpus" ]; then
      echo "run.sh: $corpus/$f is missing and no corpus script at $make_corpus" >&2
      exit 2
    fi
    echo "run.sh: building the corpus in $corpus (a few minutes)" >&2
    "$make_corpus" "$corpus" >&2
    break
  fi
done

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DS4C_BUILD_BENCH=ON \
  -DS4C_BUILD_TESTS=OFF -DS4C_BUILD_TOOLS=ON >/dev/null
# s4c_bench depends on the s4codec CLI (table 5 spawns `s4codec cat --range`).
make -C "$build" -j2 s4c_bench >/dev/null

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, Linux $(uname -r)"
echo "libraries: $(dpkg-query -W -f '${Package} ${Version}, ' libzstd-dev liblz4-dev libdeflate-dev libisal-dev zlib1g-dev 2>/dev/null | sed 's/, $//')"
echo "compiler: $(cc --version | head -1); load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: bench/run.sh $*"
"$build/bench/s4c_bench" --corpus "$corpus" "$@"
echo
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
