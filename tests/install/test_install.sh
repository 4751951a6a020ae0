#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then builds a consumer with
# pkg-config and with find_package(s4codec), shared and static, and runs them.
set -euo pipefail
build=$1 src=$(dirname "$(readlink -f "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -1)
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc "$src/consumer.c" -o "$tmp/consumer_pc" $(pkg-config --cflags --libs s4codec) -Wl,-rpath,"$libdir"
"$tmp/consumer_pc"
cc "$src/consumer.c" -o "$tmp/consumer_pc_static" $(pkg-config --cflags s4codec) \
  "$libdir/libs4codec.a" $(pkg-config --libs --static s4codec | sed 's/-ls4codec//')
"$tmp/consumer_pc_static"
cmake -S "$src" -B "$tmp/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$tmp/b" >/dev/null
"$tmp/b/consumer_cmake"
"$tmp/b/consumer_static"
echo "ok: installed library usable through pkg-config and find_package"
