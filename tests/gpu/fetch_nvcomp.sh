#!/usr/bin/env bash
# fetch_nvcomp.sh — puts nvCOMP's headers and library (PyPI wheel
# nvidia-libnvcomp-cu13) and the CUDA 13 runtime (the local toolkit's
# libcudart.so.13, else the PyPI wheel nvidia-cuda-runtime 13.*) under
# build-nvcomp/ (git-ignored, ~30 MB), for machines without network access:
# run it where pip works, then carry build-nvcomp/ to the GPU machine
# (docs/gpu.md). Idempotent.
#   build-nvcomp/nvcomp/{include,lib64}   -DS4C_NVCOMP_ROOT=build-nvcomp/nvcomp
#   build-nvcomp/cudart/lib/libcudart.so.13
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
out=build-nvcomp
if [ -f "$out/nvcomp/include/nvcomp/zstd.h" ] && ls "$out"/cudart/lib/libcudart.so.* >/dev/null 2>&1; then
    echo "fetch_nvcomp: $out already holds nvCOMP and the CUDA runtime"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps -d "$tmp" nvidia-libnvcomp-cu13
mkdir -p "$out/cudart/lib"
cuda=${CUDA_HOME:-/usr/local/cuda}
if ls "$cuda"/lib64/libcudart.so.13* >/dev/null 2>&1; then
    cp -L "$cuda"/lib64/libcudart.so.13 "$out/cudart/lib/"
else
    python3 -m pip download -q --no-deps -d "$tmp" "nvidia-cuda-runtime==13.*"
fi
python3 - "$tmp" "$out" <<'PY'
import glob, os, shutil, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
for whl in glob.glob(os.path.join(tmp, "*.whl")):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name.endswith("/"):
                continue
            if name.startswith("nvidia/libnvcomp/") and ("/include/" in name or "/lib64/libnvcomp.so" in name):
                dest = os.path.join(out, "nvcomp", name[len("nvidia/libnvcomp/"):])
            elif "/lib/libcudart.so" in name and name.startswith("nvidia/"):
                dest = os.path.join(out, "cudart", "lib", os.path.basename(name))
            else:
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(name) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
PY
du -sh "$out"
