#!/usr/bin/env bash
# gpu_bench.sh — the GPU benchmark of docs/gpu.md / docs/benchmarks.md in one
# call, on a GPU machine (after tests/gpu/run_gpu_tests.sh has built
# build-gpu-dev/, or it builds it). Inputs: the shared corpus files given as
# arguments (default: samples/sample.txt and corpus/packages.txt when present)
# plus a generated integer column (16 Mi little-endian u32 of a slowly
# growing id with noise, 64 MiB). Prints gpu_bench's table: e2e / batch-layer /
# kernel GB/s per kind, our overhead, cpu-zstd-3 on 1 and all cores, and the
# 1000 x 8 KiB small-object path.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
B=${B:-build-gpu-dev}
RUNS=${RUNS:-5}
NVCOMP_ROOT=${NVCOMP_ROOT:-$PWD/build-nvcomp/nvcomp}
export S4C_NVCOMP_LIB=${S4C_NVCOMP_LIB:-$(ls "$NVCOMP_ROOT"/lib64/libnvcomp.so.* 2>/dev/null | head -1)}
if [ -z "${S4C_CUDART_LIB:-}" ] && ls build-nvcomp/cudart/lib/libcudart.so.* >/dev/null 2>&1; then
    export S4C_CUDART_LIB=$PWD/$(ls build-nvcomp/cudart/lib/libcudart.so.* | head -1)
fi
if [ ! -x "$B/bench/gpu/gpu_bench" ]; then
    cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DS4C_NVCOMP_ROOT="$NVCOMP_ROOT" \
        -DS4C_BUILD_BENCH=ON >/dev/null
    cmake --build "$B" -j "$(nproc)" --target gpu_bench >/dev/null
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=(samples/sample.txt)
    [ -f corpus/packages.txt ] && files+=(corpus/packages.txt)
fi
col=$B/int_column.u32
if [ ! -f "$col" ]; then
    python3 - "$col" <<'PY'
import random, struct, sys
random.seed(42)
v, out = 1_000_000, bytearray()
for i in range(16 * 1024 * 1024):
    v += random.randrange(0, 16)
    out += struct.pack("<I", v)
open(sys.argv[1], "wb").write(out)
PY
fi
nvidia-smi -L 2>/dev/null || true
"$B/bench/gpu/gpu_bench" -r "$RUNS" -n "${OBJECTS:-1000}" -s "${OBJECT_SIZE:-8192}" "${files[@]}" "$col"
