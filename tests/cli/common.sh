# common.sh — sourced by every tests/cli/test_*.sh: the binary under test
# ($S4C, from $1), a scratch directory removed on exit, and small assertion
# helpers that say what they check and stop at the first failure.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: bash $0 /path/to/s4codec" >&2
    exit 2
fi
S4C=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CLI_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLE=$CLI_TESTS_DIR/../../samples/sample.txt
T=$(mktemp -d "${TMPDIR:-/tmp}/s4codec-cli-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

CHECKS=0
check() { # check "what is being checked"
    CHECKS=$((CHECKS + 1))
    echo "check: $*"
}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# expect_rc N CMD... : runs CMD (stdout/stderr to out.log/err.log), asserts its exit code.
expect_rc() {
    local want=$1 got=0
    shift
    "$@" >out.log 2>err.log || got=$?
    if [ "$got" != "$want" ]; then
        echo "--- stderr:" >&2
        cat err.log >&2
        fail "exit code $got, expected $want: $*"
    fi
}
# err_has TEXT : the last expect_rc's stderr contains TEXT.
err_has() { grep -qF -- "$1" err.log || fail "stderr lacks '$1': $(cat err.log)"; }
out_has() { grep -qF -- "$1" out.log || fail "stdout lacks '$1'"; }
same() { cmp -s "$1" "$2" || fail "$1 and $2 differ"; }
absent() { [ ! -e "$1" ] || fail "$1 should not exist"; }
# no_temp_files DIR : no leftover ".NAME.XXXXXX" temporary file in DIR.
no_temp_files() {
    local left
    left=$(find "${1:-.}" -maxdepth 1 -name '.*.??????' | head -5)
    [ -z "$left" ] || fail "temporary files left behind: $left"
}
done_ok() { echo "ok: $CHECKS checks"; }

# Test inputs: the bundled sample, an incompressible file, tiny and empty files.
make_inputs() {
    cp "$SAMPLE" text.txt          # 1.5 MiB: crosses the 1 MiB buffer boundary
    head -c 262144 "$SAMPLE" > small.txt # for the slow levels (zstd 19, lz4 12)
    head -c 300000 /dev/urandom > random.bin
    printf 'x' > one.txt
    : > empty.txt
}

# Short codec names with a few levels each, for the loops.
CODECS=${S4C_TEST_CODECS:-zstd gzip lz4} # override to test a subset while developing
levels_of() {
    case $1 in
    zstd) echo "1 3 9 19" ;;
    gzip) echo "1 6 9" ;;
    lz4) echo "0 1 9 12" ;;
    esac
}
suffix_of() {
    case $1 in
    zstd) echo .zst ;;
    gzip) echo .gz ;;
    lz4) echo .lz4 ;;
    esac
}
