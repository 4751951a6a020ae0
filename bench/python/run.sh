#!/usr/bin/env bash
# bench/python/run.sh — the Python benchmarks (docs/benchmarks.md, "Python"):
# builds the corpus if it is missing (as bench/run.sh), builds libs4codec.so
# (Release, in build-bench/ by default) for the C-API side, and runs
# bench/python/bench_python.py with the project's venv. Arguments go to the script:
#   bench/python/run.sh                  the full run (64 MiB inputs, best of 5)
#   bench/python/run.sh --quick          1 MiB inputs, 3 rounds (a smoke run)
#   bench/python/run.sh --sections CD --files linux.tar
# Environment: PYTHON (default .venv/bin/python, which needs `pip install .` and
# requirements-test.txt), S4C_BENCH_BUILD (build dir), S4C_CORPUS (corpus dir),
# S4C_MAKE_CORPUS (the corpus script, default /work/shared/corpus/make-corpus.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${S4C_BENCH_BUILD:-$root/build-bench}
corpus=${S4C_CORPUS:-$root/corpus}
make_corpus=${S4C_MAKE_CORPUS:-/work/shared/corpus/make-corpus.sh}
python=${PYTHON:-$root/.venv/bin/python}

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

if ! "$python" -c 'import s4_codec, lz4framed, lz4.frame, zstandard' 2>/dev/null; then
  echo "run.sh: $python cannot import s4_codec, lz4framed, lz4 and zstandard;" >&2
  echo "  python3 -m venv .venv && .venv/bin/pip install -r requirements-test.txt && .venv/bin/pip install ." >&2
  exit 2
fi

# The C side: the shared library from the same sources, Release (-O3) like the wheel.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DS4C_BUILD_SHARED=ON >/dev/null
make -C "$build" -j2 s4codec >/dev/null

exec "$python" "$root/bench/python/bench_python.py" --corpus "$corpus" --lib "$build/libs4codec.so" "$@"
