# test_corrupt.sh — truncated and corrupt inputs: exit code 1, a one-line
# message naming the file, no output file left behind (not even a temporary
# one), and an existing output left exactly as it was, even under -f.
source "$(dirname "$0")/common.sh"
make_inputs
has() { echo " $CODECS " | grep -q " $1 "; }

# flip FILE OFFSET : inverts the byte at OFFSET (negative: from the end).
flip() {
    local size off byte
    size=$(stat -c %s "$1")
    off=$2
    [ "$off" -ge 0 ] || off=$((size + off))
    byte=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 0xff)))" | dd of="$1" bs=1 seek="$off" conv=notrunc status=none
}

# expect_data_error FILE WHAT : decompressing FILE fails cleanly (exit 1, one line naming
# FILE, mentioning WHAT), leaves no output and keeps an existing output under -f.
expect_data_error() {
    local f=$1 what=$2 out=${1%.*}
    rm -f "$out"
    expect_rc 1 "$S4C" decompress -q "$f"
    err_has "$f"
    [ -n "$what" ] && { grep -qi -- "$what" err.log || fail "$f: message lacks '$what': $(cat err.log)"; }
    [ "$(wc -l < err.log)" = 1 ] || fail "$f: message is not one line: $(cat err.log)"
    absent "$out"
    no_temp_files .
    echo "previous content" > "$out"
    expect_rc 1 "$S4C" decompress -q -f "$f"
    [ "$(cat "$out")" = "previous content" ] || fail "$f: existing output changed under -f"
    expect_rc 1 "$S4C" decompress -q -f -o - "$f"
    no_temp_files .
    rm -f "$out"
}

for codec in $CODECS; do
    suf=$(suffix_of "$codec")
    "$S4C" compress -c "$codec" -o good$suf text.txt
    size=$(stat -c %s good$suf)

    check "$codec: truncated inputs (inside the header, half way, last byte missing): exit 1, no output"
    for keep in 3 10 $((size / 2)) $((size - 1)); do
        head -c "$keep" good$suf > cut$keep$suf
        expect_data_error cut$keep$suf trunc
    done
    head -c $((size - 1)) good$suf > stdin-cut$suf
    expect_rc 1 "$S4C" decompress < stdin-cut$suf
    err_has "stdin"

    check "$codec: a corrupt magic number is an unknown format"
    cp good$suf badmagic$suf
    flip badmagic$suf 1
    expect_data_error badmagic$suf "unknown format"

    check "$codec: trailing garbage after the last frame is an error"
    { cat good$suf; printf 'garbage after the frame'; } > trailing$suf
    expect_data_error trailing$suf ""
done

if has zstd; then
    check "zstd: corrupt block data and a corrupt content checksum (zstd CLI output)"
    zstd -q -c text.txt > zc.zst
    cp zc.zst zmid.zst && flip zmid.zst $(($(stat -c %s zc.zst) / 2))
    expect_data_error zmid.zst ""
    cp zc.zst zsum.zst && flip zsum.zst -1
    expect_data_error zsum.zst "checksum"
fi
if has gzip; then
    check "gzip: corrupt deflate data, corrupt CRC-32, corrupt length (ours and gzip's output)"
    gzip -c text.txt > gc.gz
    "$S4C" compress -c gzip -o gs.gz text.txt
    for src in gc.gz gs.gz; do
        cp $src gmid.gz && flip gmid.gz $(($(stat -c %s $src) / 2))
        expect_data_error gmid.gz ""
        cp $src gcrc.gz && flip gcrc.gz -6
        expect_data_error gcrc.gz ""
        cp $src glen.gz && flip glen.gz -1
        expect_data_error glen.gz ""
    done
    check "gzip: a corrupt second member fails the whole file"
    cp gc.gz gtwo.gz && cat gc.gz >> gtwo.gz && flip gtwo.gz -6
    expect_data_error gtwo.gz ""
fi
if has lz4; then
    check "lz4: corrupt block data, corrupt content checksum, corrupt header checksum"
    "$S4C" compress -c lz4 -o lc.lz4 text.txt
    cp lc.lz4 lmid.lz4 && flip lmid.lz4 $(($(stat -c %s lc.lz4) / 2))
    expect_data_error lmid.lz4 ""
    cp lc.lz4 lsum.lz4 && flip lsum.lz4 -1
    expect_data_error lsum.lz4 "checksum"
    cp lc.lz4 lhc.lz4 && flip lhc.lz4 6
    expect_data_error lhc.lz4 ""
fi

check "empty and too-short inputs are not compressed streams"
cp empty.txt empty.zst
expect_data_error empty.zst "empty"
printf 'ab' > short.gz.zst
expect_data_error short.gz.zst ""
cp text.txt plain.zst
expect_data_error plain.zst "unknown format"

done_ok
