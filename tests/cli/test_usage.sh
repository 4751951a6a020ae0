# test_usage.sh — --version, --help, and the exit codes for usage errors (2),
# missing or unreadable files (3).
source "$(dirname "$0")/common.sh"

check "--version prints 's4codec X.Y.Z'"
expect_rc 0 "$S4C" --version
grep -Eq '^s4codec [0-9]+\.[0-9]+\.[0-9]+$' out.log || fail "version line: $(cat out.log)"
expect_rc 0 "$S4C" -V

check "--help lists the commands and the exit codes"
expect_rc 0 "$S4C" --help
for word in compress decompress crc32c bench "exit codes" refused; do out_has "$word"; done

check "COMMAND --help prints that command's usage and exit codes"
for cmd in compress decompress crc32c bench; do
    expect_rc 0 "$S4C" "$cmd" --help
    out_has "usage: s4codec $cmd"
    out_has "exit codes"
done
expect_rc 0 "$S4C" compress -h

check "no command, unknown command: exit 2"
expect_rc 2 "$S4C"
expect_rc 2 "$S4C" frobnicate
err_has "unknown command"

check "unknown options, missing option arguments: exit 2 with a hint"
expect_rc 2 "$S4C" compress --bogus x
err_has "unknown option '--bogus'"
err_has "s4codec compress --help"
expect_rc 2 "$S4C" compress -Z x
err_has "unknown option '-Z'"
expect_rc 2 "$S4C" compress x -o
err_has "needs an argument"
expect_rc 2 "$S4C" crc32c --nope
expect_rc 2 "$S4C" bench --nope

check "bad codec, bad or out-of-range levels: exit 2"
echo hi > in.txt
expect_rc 2 "$S4C" compress -c brotli in.txt
err_has "unknown codec 'brotli'"
for bad in "zstd 0" "zstd 23" "gzip 0" "gzip 10" "lz4 13" "lz4 -1" "zstd x" "zstd 3x" "zstd ''"; do
    set -- $bad
    expect_rc 2 "$S4C" compress -c "$1" -l "$(eval echo "$2")" in.txt
done
err_has "level"
expect_rc 2 "$S4C" compress -c passthrough -l 1 -o out in.txt
err_has "no levels"
absent in.txt.zst

check "options that belong to compress are refused by decompress"
expect_rc 2 "$S4C" decompress -c zstd x.zst
expect_rc 2 "$S4C" decompress -l 3 x.zst

check "two inputs, empty names, passthrough without -o: exit 2"
expect_rc 2 "$S4C" compress in.txt in.txt
expect_rc 2 "$S4C" compress ""
expect_rc 2 "$S4C" compress -o "" in.txt
expect_rc 2 "$S4C" compress -c passthrough in.txt
err_has "-o"

check "decompress refuses a name without a known suffix when there is no -o: exit 2"
"$S4C" compress -o in.data in.txt
expect_rc 2 "$S4C" decompress in.data
err_has "unknown suffix"
absent in
"$S4C" compress -o .zst in.txt
expect_rc 2 "$S4C" decompress .zst

check "missing input, directory input, missing output directory: exit 3"
expect_rc 3 "$S4C" compress no-such-file
err_has "no-such-file"
expect_rc 3 "$S4C" decompress no-such-file.zst
err_has "no-such-file.zst"
mkdir adir
expect_rc 3 "$S4C" compress adir
err_has "is a directory"
expect_rc 3 "$S4C" compress -o no-such-dir/out.zst in.txt
err_has "no-such-dir/out.zst"
expect_rc 3 "$S4C" compress -o adir in.txt
expect_rc 3 "$S4C" crc32c no-such-file

check "bench usage errors: exit 2"
expect_rc 2 "$S4C" bench -c zstd -l 99 in.txt
expect_rc 2 "$S4C" bench -c nope in.txt
expect_rc 2 "$S4C" bench -r 0 in.txt
expect_rc 2 "$S4C" bench -l 1,,x in.txt
expect_rc 3 "$S4C" bench -c zstd -l 1 -r 1 no-such-file

done_ok
