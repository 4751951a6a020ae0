#!/usr/bin/env bash
# run_gpu_tests.sh — the GPU test suite in one call, on a machine with an
# NVIDIA GPU (docs/gpu.md). From the repository root:
#     bash tests/gpu/fetch_nvcomp.sh          # where pip works: build-nvcomp/
#     bash tests/gpu/run_gpu_tests.sh          # on the GPU machine (carry build-nvcomp/)
# Builds build-gpu-dev/ with the nvCOMP backend, checks that a device answers
# (fails loudly with the loader's reason otherwise), then runs:
#   1. the C tests touching GPU kinds, with the device (round trips of every kind,
#      batches byte-identical to singles, GPU -> CPU cross-decode of lz4/zstd);
#   2. the same tests with S4C_GPU_DISABLE=1 (CPU fallback on this machine);
#   3. the CLI: compress -c nvcomp-* round trips; GPU-written lz4/zstd FCG1
#      decoded with the GPU disabled;
#   4. the Python tests (tests/python/test_s4_codec_gpu.py) when python3 has
#      pytest and zstandard, against the extension built by CMake;
#   5. a small gpu_bench run (smoke; the full bench is bench/gpu_bench.sh).
# Exit 0 only if everything passed. DRY=1 goes on without a device (checks the
# script itself on a CPU machine: the GPU-only steps are skipped, nothing is
# claimed). Environment: NVCOMP_ROOT (default
# build-nvcomp/nvcomp), S4C_CUDART_LIB (default build-nvcomp/cudart/lib/libcudart.so.13
# when present, else the system's), JOBS.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
NVCOMP_ROOT=${NVCOMP_ROOT:-$PWD/build-nvcomp/nvcomp}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 4)}
B=build-gpu-dev
step() { echo; echo "=== $*"; }

[ -f "$NVCOMP_ROOT/include/nvcomp/zstd.h" ] ||
    { echo "run_gpu_tests: no nvCOMP headers under $NVCOMP_ROOT (run tests/gpu/fetch_nvcomp.sh)" >&2; exit 2; }
export S4C_NVCOMP_LIB=${S4C_NVCOMP_LIB:-$(ls "$NVCOMP_ROOT"/lib64/libnvcomp.so.* | head -1)}
if [ -z "${S4C_CUDART_LIB:-}" ] && ls build-nvcomp/cudart/lib/libcudart.so.* >/dev/null 2>&1; then
    export S4C_CUDART_LIB=$PWD/$(ls build-nvcomp/cudart/lib/libcudart.so.* | head -1)
fi
step "device"
nvidia-smi -L 2>/dev/null || echo "(nvidia-smi not available)"
echo "S4C_NVCOMP_LIB=$S4C_NVCOMP_LIB S4C_CUDART_LIB=${S4C_CUDART_LIB:-<system>}"

step "build ($B)"
py_opt=()
if python3 -c 'import pytest, zstandard' 2>/dev/null; then
    py_opt=(-DS4C_BUILD_PYTHON=ON -DPython_EXECUTABLE="$(command -v python3)")
fi
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS4C_NVCOMP_ROOT="$NVCOMP_ROOT" \
    -DS4C_BUILD_BENCH=ON "${py_opt[@]}" >/dev/null
cmake --build "$B" -j "$JOBS" >/dev/null
grep -q "S4C_NVCOMP_INCLUDE_DIR:PATH=.*include" "$B/CMakeCache.txt" ||
    { echo "run_gpu_tests: CMake did not pick up the nvCOMP headers" >&2; exit 2; }

step "loader"
out=$("$B/tests/test_gpu" 2>&1) || { echo "$out"; exit 1; }
echo "$out"
HAS_GPU=1
if echo "$out" | grep -q "no GPU"; then
    if [ -z "${DRY:-}" ]; then
        echo "run_gpu_tests: the GPU backend cannot run here (reason above)" >&2
        exit 1
    fi
    HAS_GPU=
    echo "run_gpu_tests: DRY=1 without a device: GPU-only steps are skipped"
fi

step "1. C tests with the GPU"
S4C_TEST_HAS_GPU=$HAS_GPU ctest --test-dir "$B" --output-on-failure \
    -R '^(test_gpu|test_core|test_object|replay_fuzz_fcg1_parse|cli_test_gpu_cli|cli_test_s4_decode)$'

step "2. the same with the GPU disabled (CPU fallback)"
S4C_GPU_DISABLE=1 ctest --test-dir "$B" --output-on-failure \
    -R '^(test_gpu|test_core|test_object|replay_fuzz_fcg1_parse|cli_test_gpu_cli|cli_test_s4_decode)$'

step "3. CLI: GPU-written FCG1 decoded with and without the GPU"
cli=$B/tools/s4codec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in ${HAS_GPU:+nvcomp-zstd nvcomp-lz4 nvcomp-bitcomp nvcomp-gdeflate}; do
    "$cli" compress -q -f -c "$c" -o "$tmp/s.$c.fcg1" samples/sample.txt
    "$cli" decompress -q -f -o "$tmp/s.$c.out" "$tmp/s.$c.fcg1"
    cmp samples/sample.txt "$tmp/s.$c.out"
    printf '%-16s %9d -> %9d bytes, GPU round trip identical\n' "$c" \
        "$(stat -c %s samples/sample.txt)" "$(stat -c %s "$tmp/s.$c.fcg1")"
done
for c in ${HAS_GPU:+nvcomp-zstd nvcomp-lz4}; do
    S4C_GPU_DISABLE=1 "$cli" decompress -q -f -o "$tmp/cpu.$c.out" "$tmp/s.$c.fcg1"
    cmp samples/sample.txt "$tmp/cpu.$c.out"
    echo "$c: GPU-written FCG1 decodes on the CPU"
done

step "4. Python"
if [ ${#py_opt[@]} -gt 0 ]; then
    so=$(find "$B" -name '_s4codec*.so' | head -1)
    PYTHONPATH="$(dirname "$so"):$PWD/python" python3 -m pytest -q tests/python/test_s4_codec_gpu.py
    PYTHONPATH="$(dirname "$so"):$PWD/python" S4C_GPU_DISABLE=1 \
        python3 -m pytest -q tests/python/test_s4_codec_gpu.py
else
    echo "skipped: python3 lacks pytest or zstandard"
fi

step "5. gpu_bench smoke"
"$B/bench/gpu/gpu_bench" -r 1 -n 100 samples/sample.txt

echo
[ -n "$HAS_GPU" ] && echo "run_gpu_tests: all passed" || echo "run_gpu_tests: DRY run passed (no GPU: nothing GPU-side was tested)"
