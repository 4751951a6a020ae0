# test_interop.sh — differential checks with the reference tools, both ways:
# what zstd, gzip and lz4 write (with their options, multi-frame zstd,
# multi-member gzip, concatenated lz4, a gzip header carrying a file name) is
# decoded by us, and what we write is tested and decoded by them.
source "$(dirname "$0")/common.sh"
make_inputs
cat text.txt random.bin > mixed.bin
head -c 100000 text.txt > part1
tail -c 50000 random.bin > part2

# ours_decodes FILE ORIGINAL : our decoder gives ORIGINAL, from a file and from stdin.
ours_decodes() {
    "$S4C" decompress -q -f -o dec.out "$1" 2>err.log || fail "decompress $1 failed: $(cat err.log)"
    same dec.out "$2"
    "$S4C" decompress < "$1" > dec.out || fail "decompress < $1 failed"
    same dec.out "$2"
}

has() { echo " $CODECS " | grep -q " $1 "; }

if has zstd; then
    check "zstd -> us: levels 1, 3, 19, --no-check, from stdin (no content size), empty input"
    for opt in -1 -3 --no-check; do
        zstd -q -c $opt mixed.bin > z.zst
        ours_decodes z.zst mixed.bin
    done
    zstd -q -c -19 small.txt > z.zst
    ours_decodes z.zst small.txt
    zstd -q -c < text.txt > z.zst
    ours_decodes z.zst text.txt
    zstd -q -c < empty.txt > z.zst
    ours_decodes z.zst empty.txt

    check "zstd -> us: multi-frame (cat a.zst b.zst), and a skippable frame first"
    zstd -q -c part1 > a.zst
    zstd -q -c part2 > b.zst
    cat a.zst b.zst > ab.zst
    cat part1 part2 > ab
    ours_decodes ab.zst ab
    { printf '\x50\x2a\x4d\x18\x05\x00\x00\x00hello'; cat a.zst; } > skip.zst
    zstd -q -d -c skip.zst | cmp -s - part1 || fail "zstd itself rejects the skippable test file"
    ours_decodes skip.zst part1

    check "us -> zstd: zstd -t accepts and zstd -d restores our output (levels 1, 3, 19; multi-frame)"
    for level in 1 3 19; do
        src=mixed.bin
        [ "$level" != 19 ] || src=small.txt
        "$S4C" compress -c zstd -l "$level" -o o.zst -f $src
        zstd -q -t o.zst || fail "zstd -t rejects our level $level output"
        zstd -q -d -c o.zst | cmp -s - $src || fail "zstd -d: wrong data (level $level)"
    done
    "$S4C" compress -c zstd < part1 > a.zst
    "$S4C" compress -c zstd < part2 > b.zst
    cat a.zst b.zst | zstd -q -d -c | cmp -s - ab || fail "zstd -d on our two frames"
    "$S4C" compress -c zstd < empty.txt | zstd -q -d -c | cmp -s - empty.txt || fail "empty"
fi

if has gzip; then
    check "gzip -> us: levels 1, 6, 9, a file name in the header, stdin (no name), gzip -n"
    for opt in -1 -6 -9; do
        gzip -c $opt mixed.bin > g.gz
        ours_decodes g.gz mixed.bin
    done
    cp text.txt named.txt
    gzip -f named.txt # FNAME = "named.txt", and mtime
    [ "$(od -An -tx1 -j3 -N1 named.txt.gz | tr -d ' ')" = 08 ] || fail "gzip wrote no FNAME flag"
    ours_decodes named.txt.gz text.txt
    gzip -c < random.bin > g.gz
    ours_decodes g.gz random.bin
    gzip -n -c empty.txt > g.gz
    ours_decodes g.gz empty.txt

    check "gzip -> us: multi-member (cat a.gz b.gz)"
    gzip -c part1 > a.gz
    gzip -c part2 > b.gz
    cat a.gz b.gz > ab.gz
    ours_decodes ab.gz ab

    check "us -> gzip: gzip -t accepts and gzip -d restores our output (levels 1, 6, 9; two members)"
    for level in 1 6 9; do
        "$S4C" compress -c gzip -l "$level" -o o.gz -f mixed.bin
        gzip -t o.gz || fail "gzip -t rejects our level $level output"
        gzip -d -c o.gz | cmp -s - mixed.bin || fail "gzip -d: wrong data (level $level)"
    done
    cp mixed.bin m.bin
    "$S4C" compress -c gzip m.bin
    rm m.bin
    gzip -d m.bin.gz # gzip names the output from the .gz name
    same m.bin mixed.bin
    "$S4C" compress -c gzip < part1 > a.gz
    "$S4C" compress -c gzip < part2 > b.gz
    cat a.gz b.gz | gzip -d -c | cmp -s - ab || fail "gzip -d on our two members"
fi

if has lz4; then
    check "lz4 -> us: levels 1, 9, 12, block sizes 64K..4M, linked blocks, block checksums, no frame checksum, content size"
    for opt in -1 -9 -B4 -B5 -B6 -B7 -BD "-BD -B4" -BX --no-frame-crc --content-size; do
        lz4 -q -c $opt mixed.bin > l.lz4
        ours_decodes l.lz4 mixed.bin
    done
    lz4 -q -c -12 small.txt > l.lz4
    ours_decodes l.lz4 small.txt
    lz4 -q -c < text.txt > l.lz4
    ours_decodes l.lz4 text.txt
    lz4 -q -c < empty.txt > l.lz4
    ours_decodes l.lz4 empty.txt

    check "lz4 -> us: concatenated frames"
    lz4 -q -c part1 > a.lz4
    lz4 -q -c part2 > b.lz4
    cat a.lz4 b.lz4 > ab.lz4
    ours_decodes ab.lz4 ab

    check "us -> lz4: lz4 -t accepts and lz4 -d restores our output (levels 0, 1, 9, 12; two frames)"
    for level in 0 1 9 12; do
        src=mixed.bin
        [ "$level" != 12 ] || src=small.txt
        "$S4C" compress -c lz4 -l "$level" -o o.lz4 -f $src
        lz4 -q -t o.lz4 || fail "lz4 -t rejects our level $level output"
        lz4 -q -d -c o.lz4 | cmp -s - $src || fail "lz4 -d: wrong data (level $level)"
    done
    flg=$(od -An -tx1 -j4 -N1 o.lz4 | tr -d ' ')
    [ $((0x$flg & 0x04)) != 0 ] || fail "our lz4 frame lacks the content checksum flag (FLG $flg)"
    "$S4C" compress -c lz4 < part1 > a.lz4
    "$S4C" compress -c lz4 < part2 > b.lz4
    cat a.lz4 b.lz4 | lz4 -q -d -c | cmp -s - ab || fail "lz4 -d on our two frames"
fi

check "formats are recognised by their magic, whatever the file name"
if has gzip; then gzip -c text.txt > misnamed.zst; ours_decodes misnamed.zst text.txt; fi
if has lz4; then lz4 -q -c text.txt > misnamed.gz; ours_decodes misnamed.gz text.txt; fi
if has zstd; then zstd -q -c text.txt > misnamed.lz4; ours_decodes misnamed.lz4 text.txt; fi

done_ok
