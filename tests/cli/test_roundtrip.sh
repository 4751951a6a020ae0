# test_roundtrip.sh — compress/decompress round trips per codec and level, in
# file mode (default names, input kept, mode bits copied) and stdin/stdout
# mode, plus the -f rules: refusal without -f leaves the existing file as it
# was, -f replaces it, and the input itself is never an output.
source "$(dirname "$0")/common.sh"
make_inputs

for codec in $CODECS; do
    suf=$(suffix_of "$codec")
    check "$codec: file mode round trips at levels $(levels_of "$codec") (text, random, 1 byte, empty)"
    for level in $(levels_of "$codec"); do
        big=text.txt
        [ "$level" -lt 12 ] || big=small.txt # zstd 19 takes ~1 s per MiB
        for f in $big random.bin one.txt empty.txt; do
            expect_rc 0 "$S4C" compress -q -c "$codec" -l "$level" "$f"
            [ -f "$f$suf" ] || fail "$f$suf not created"
            [ -f "$f" ] || fail "input $f was removed"
            mv "$f" "$f.orig"
            expect_rc 0 "$S4C" decompress -q "$f$suf"
            same "$f" "$f.orig"
            [ -f "$f$suf" ] || fail "input $f$suf was removed"
            mv "$f.orig" "$f"
            rm "$f$suf"
        done
    done
    no_temp_files .

    check "$codec: stdin to stdout, '-' operands and -o -"
    "$S4C" compress -c "$codec" < text.txt > s$suf
    "$S4C" decompress < s$suf > s.out
    same s.out text.txt
    "$S4C" compress -c "$codec" - < random.bin | "$S4C" decompress - > s.out
    same s.out random.bin
    "$S4C" compress -c "$codec" -o - text.txt | "$S4C" decompress -o - > s.out
    same s.out text.txt
    : | "$S4C" compress -c "$codec" | "$S4C" decompress > s.out
    [ ! -s s.out ] || fail "empty stdin did not round-trip to empty output"
    rm -f s$suf s.out
done

check "the S4 codec names are accepted: cpu-zstd, cpu-gzip, cpu-lz4"
for codec in $CODECS; do
    "$S4C" compress -c "cpu-$codec" < text.txt | "$S4C" decompress > s.out
    same s.out text.txt
done
check "the default codec is zstd level 3 (the same bytes as -c zstd -l 3)"
"$S4C" compress < text.txt > default.zst
"$S4C" compress -c zstd -l 3 < text.txt > explicit.zst
same default.zst explicit.zst
"$S4C" compress -c cpu-zstd -l 9 < text.txt > l9.zst
! cmp -s l9.zst default.zst || fail "-l 9 gave the level-3 bytes"

check "passthrough: -o required for files, output equals input"
expect_rc 0 "$S4C" compress -c passthrough -o pass.out text.txt
same pass.out text.txt
"$S4C" compress -c passthrough < random.bin > pass.out
same pass.out random.bin

check "-o names the output in both directions; the output gets the input's mode bits and mtime"
chmod 640 text.txt
touch -d '2020-01-02 03:04:05' text.txt
expect_rc 0 "$S4C" compress -o custom.bin text.txt
[ "$(stat -c %a custom.bin)" = 640 ] || fail "mode $(stat -c %a custom.bin), expected 640"
[ "$(stat -c %Y custom.bin)" = "$(stat -c %Y text.txt)" ] || fail "mtime not copied"
expect_rc 0 "$S4C" decompress -o custom.out custom.bin
[ "$(stat -c %a custom.out)" = 640 ] || fail "decompressed mode $(stat -c %a custom.out)"
same custom.out text.txt
chmod 644 text.txt

check "refusal without -f: exit 4, the existing output untouched"
echo "precious" > text.txt.zst
cp text.txt.zst precious.copy
expect_rc 4 "$S4C" compress text.txt
err_has "already exists"
err_has "text.txt.zst"
same text.txt.zst precious.copy
"$S4C" compress -o t.zst text.txt
cp text.txt keep.txt
echo "precious" > t
expect_rc 4 "$S4C" decompress t.zst
same t precious.copy
ln -s nowhere dangling.zst
expect_rc 4 "$S4C" compress -o dangling.zst text.txt
[ -L dangling.zst ] || fail "dangling symlink replaced"
no_temp_files .

check "-f replaces an existing output"
expect_rc 0 "$S4C" compress -f text.txt
"$S4C" decompress -o - text.txt.zst | cmp -s - text.txt || fail "-f output wrong"
expect_rc 0 "$S4C" decompress -f t.zst
same t text.txt

check "input and output the same file: refused even with -f, input intact"
cp text.txt.zst same.zst
expect_rc 4 "$S4C" decompress -f -o same.zst same.zst
same same.zst text.txt.zst
expect_rc 4 "$S4C" compress -f -o text.txt text.txt
same text.txt keep.txt

check "devices are written in place: -o /dev/null needs no -f and stays a device"
expect_rc 0 "$S4C" compress -o /dev/null text.txt
[ -c /dev/null ] || fail "/dev/null replaced"
expect_rc 0 "$S4C" decompress -o /dev/null t.zst

check "compress then decompress through a chain of codecs keeps the data"
cp text.txt chain
for codec in $CODECS; do "$S4C" compress -c "$codec" < chain > chain.next && mv chain.next chain; done
for codec in $CODECS; do "$S4C" decompress < chain > chain.next && mv chain.next chain; done
same chain text.txt
no_temp_files .

done_ok
