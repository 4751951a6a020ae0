# test_memory.sh — memory stays bounded whatever the input size: ~300 MiB
# through pipes (compress | decompress), and a 128 MiB sparse file compressed
# file to file, with the maximum RSS of each s4codec process measured by GNU
# time (Debian package `time`) and required to stay at or below 64 MiB.
source "$(dirname "$0")/common.sh"
GNU_TIME=/usr/bin/time
[ -x $GNU_TIME ] || fail "$GNU_TIME missing: apt-get install time"
LIMIT_KB=$((64 * 1024))
has() { echo " $CODECS " | grep -q " $1 "; }

# gen N : N copies of the bundled sample (1.54 MiB each) on stdout.
gen() { local i; for ((i = 0; i < $1; i++)); do cat "$SAMPLE"; done; }

# rss_ok TIMEFILE WHAT : the run recorded in TIMEFILE peaked at <= 64 MiB.
rss_ok() {
    local kb
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$1")
    [ -n "$kb" ] || fail "$2: no RSS in $1"
    echo "  $2: max RSS $((kb / 1024)) MiB"
    [ "$kb" -le $LIMIT_KB ] || fail "$2: max RSS ${kb} KiB > $LIMIT_KB KiB"
}

# pipe_check CODEC LEVEL COPIES : gen | compress | decompress, data and RSS checked.
declare -A WANT
pipe_check() {
    local codec=$1 level=$2 copies=$3 want got
    [ -n "${WANT[$copies]:-}" ] || WANT[$copies]=$(gen "$copies" | "$S4C" crc32c | cut -d' ' -f1)
    want=${WANT[$copies]}
    got=$(gen "$copies" \
        | $GNU_TIME -v -o c.time "$S4C" compress -q -c "$codec" -l "$level" \
        | $GNU_TIME -v -o d.time "$S4C" decompress -q \
        | "$S4C" crc32c | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "$codec: round trip through pipes changed the data"
    rss_ok c.time "$codec -l $level compress"
    rss_ok d.time "$codec decompress"
}

if has zstd; then
    check "zstd level 3: 308 MiB through pipes, each process <= 64 MiB"
    pipe_check zstd 3 200
fi
if has lz4; then
    check "lz4 level 0: 100 MiB through pipes, each process <= 64 MiB"
    pipe_check lz4 0 65
fi
if has gzip; then
    check "gzip level 1: 62 MiB through pipes, each process <= 64 MiB"
    pipe_check gzip 1 40
fi

check "file mode: a 128 MiB sparse file compressed to a file, decoded from it, each process <= 64 MiB"
truncate -s 128M sparse.bin
codec=${CODECS%% *}
suf=$(suffix_of "$codec")
$GNU_TIME -v -o c.time "$S4C" compress -q -c "$codec" sparse.bin
rss_ok c.time "$codec compress of sparse.bin"
want=$("$S4C" crc32c sparse.bin | cut -d' ' -f1)
got=$($GNU_TIME -v -o d.time "$S4C" decompress -q -o - "sparse.bin$suf" | "$S4C" crc32c | cut -d' ' -f1)
rss_ok d.time "$codec decompress of sparse.bin$suf"
[ "$got" = "$want" ] || fail "sparse round trip changed the data"

done_ok
