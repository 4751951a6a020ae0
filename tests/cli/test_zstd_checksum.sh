#!/usr/bin/env bash
# zstd output carries a content checksum (as `zstd` writes by default), so a
# flipped byte in a stored block is caught by us and by `zstd -t`.
set -euo pipefail
s4=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 200000 /dev/urandom > "$tmp/in"
"$s4" compress -q -c zstd -o "$tmp/in.zst" "$tmp/in"
# Frame header descriptor: bit 2 = content checksum flag.
fhd=$(od -An -tu1 -j4 -N1 "$tmp/in.zst" | tr -d ' ')
[ $(( fhd & 4 )) -eq 4 ] || { echo "no checksum flag in FHD $fhd"; exit 1; }
if command -v zstd >/dev/null; then zstd -q -t "$tmp/in.zst"; fi
# Random input is stored raw: flip a payload byte in the middle.
python3 - "$tmp/in.zst" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x01; open(p, 'wb').write(b)
PY
if "$s4" decompress -q -o "$tmp/out" "$tmp/in.zst" 2>"$tmp/err"; then echo "corruption not detected"; exit 1; fi
[ ! -e "$tmp/out" ] || { echo "partial output left"; exit 1; }
cat "$tmp/err"
echo "ok: zstd checksum written and verified"
