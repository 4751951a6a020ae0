#!/usr/bin/env bash
# quickstart.sh — set up a fresh Debian 12 machine (as root) and build s4codec, then
#   ./quickstart.sh demo   run the main job: `s4codec bench` on the bundled sample + a round trip
#   ./quickstart.sh test   run the whole test suite: C tests, CLI tests, fuzz-corpus replays,
#                          the C tests again under ASan+UBSan, and the Python tests
# Re-running is cheap: packages already present are skipped and builds are incremental.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)

APT_PACKAGES=(build-essential cmake pkg-config clang libclang-rt-14-dev
  libzstd-dev liblz4-dev libxxhash-dev libisal-dev libdeflate-dev zlib1g-dev
  zstd lz4 gzip time valgrind python3 python3-dev python3-venv python3-pip)

install_debian_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "quickstart: missing Debian packages (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# nvCOMP headers for the GPU backend (docs/gpu.md): the PyPI wheel nvidia-libnvcomp-cu13
# (~30 MB) in .venv, found by CMake, so the backend always compiles (it runs only where a GPU
# is). Non-fatal without network; S4C_NVCOMP=0 skips it.
nvcomp_headers() {
  [ "${S4C_NVCOMP:-1}" = 0 ] && return 0
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -c 'import nvidia.libnvcomp' 2>/dev/null && return 0
  .venv/bin/python -m pip install -q nvidia-libnvcomp-cu13 ||
    echo "quickstart: nvidia-libnvcomp-cu13 not installed; the GPU backend is left out" >&2
}

build_c() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$jobs"
}

python_env() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements-test.txt
  .venv/bin/python -m pip install -q .
}

install_debian_packages
nvcomp_headers
build_c

case "$mode" in
  demo)
    s4=build/tools/s4codec
    sample=samples/sample.txt
    "$s4" --version
    "$s4" bench "$sample"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for c in zstd gzip lz4; do
      "$s4" compress -c "$c" -o "$tmp/sample.$c" "$sample"
      "$s4" decompress -o "$tmp/back.$c" "$tmp/sample.$c"
      cmp "$sample" "$tmp/back.$c"
      printf 'round trip %-5s %9d -> %9d bytes, identical\n' "$c" "$(stat -c %s "$sample")" "$(stat -c %s "$tmp/sample.$c")"
    done
    "$s4" crc32c "$sample"
    ;;
  test)
    echo "== C tests, CLI tests, fuzz corpus replays"
    ctest --test-dir build --output-on-failure -j "$jobs"
    echo "== C tests under ASan+UBSan"
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS4C_SANITIZE=ON \
      -DS4C_BUILD_TOOLS=OFF -DS4C_BUILD_BENCH=OFF -DS4C_BUILD_SHARED=OFF >/dev/null
    cmake --build build-asan -j "$jobs" >/dev/null
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'c|fuzz'
    if [ -f pyproject.toml ]; then
      echo "== Python tests"
      python_env
      .venv/bin/python -m pytest -q tests/python
    fi
    echo "quickstart: all tests passed"
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
