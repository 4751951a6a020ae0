#!/usr/bin/env bash
# Fails when any symbol exported by the shared library, or any global symbol
# defined in the static library, lacks the s4c_ prefix.
set -euo pipefail
shared=$1 static=$2
bad=$(nm -D --defined-only "$shared" | awk '$2 ~ /[A-Z]/ {print $3}' | grep -v '^s4c_' | grep -Ev '^(_init|_fini|_edata|_end|__bss_start)$' || true)
if [ -n "$bad" ]; then echo "shared library exports symbols without the s4c_ prefix:"; echo "$bad"; exit 1; fi
bad=$(nm --defined-only "$static" 2>/dev/null | awk 'NF==3 && $2 ~ /[A-Z]/ {print $3}' | grep -v '^s4c_' || true)
if [ -n "$bad" ]; then echo "static library defines global symbols without the s4c_ prefix:"; echo "$bad"; exit 1; fi
n=$(nm -D --defined-only "$shared" | grep -c ' T s4c_')
echo "ok: $n exported functions, all prefixed s4c_"
