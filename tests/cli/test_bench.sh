# test_bench.sh — `s4codec bench` prints an aligned table with our numbers
# and the reference CLI's side by side, uses the bundled sample without FILE,
# shows '-' when a reference tool is missing, and leaves no temporary files.
# (Speeds are printed, never asserted: timings are not test material.)
source "$(dirname "$0")/common.sh"
head -c 200000 "$SAMPLE" > small.txt
codec=${CODECS%% *}
mkdir tmp empty-path

check "$codec at its default levels: one row per level, both ratio columns filled"
expect_rc 0 env TMPDIR="$T/tmp" "$S4C" bench -r 1 -c "$codec" small.txt
out_has "small.txt: 200000 bytes"
out_has "ours/cli"
rows=$(grep -c "^$codec " out.log)
want=$(case $codec in zstd | gzip) echo 3 ;; lz4) echo 2 ;; esac)
[ "$rows" = "$want" ] || fail "expected $want rows, got $rows: $(cat out.log)"
grep "^$codec " out.log | awk 'NF != 10 { exit 1 }' || fail "rows do not have 10 columns: $(cat out.log)"
grep "^$codec " out.log | awk '$3 < 1 || $4 < 1 { exit 1 }' || fail "ratios below 1 on text"
out_has "cli start-up on an empty stream"
[ -z "$(ls -A tmp)" ] || fail "bench left files in TMPDIR: $(ls -A tmp)"

check "columns line up: every row has the same length as the column header"
hdr=$(grep "^codec " out.log | awk '{ print length($0) }')
grep "^$codec " out.log | awk -v h="$hdr" 'length($0) != h { exit 1 }' || fail "ragged table: $(cat out.log)"

check "-l picks levels, -c takes a list, passthrough has no reference tool ('-')"
expect_rc 0 "$S4C" bench -r 1 -c "$codec,passthrough" small.txt
[ "$(grep -c "^$codec " out.log)" = "$want" ] || fail "-c $codec,passthrough: wrong $codec rows"
grep "^passthrough " out.log | awk '$4 == "-" && $7 == "-" { found = 1 } END { exit !found }' \
    || fail "passthrough row: $(cat out.log)"
expect_rc 0 "$S4C" bench -r 1 -c "$codec" -l "$(levels_of "$codec" | cut -d' ' -f1)" small.txt
[ "$(grep -c "^$codec " out.log)" = 1 ] || fail "-l with one level gave $(grep -c "^$codec " out.log) rows"

check "a missing reference tool gives '-' in its columns, not an error"
expect_rc 0 env PATH="$T/empty-path" "$S4C" bench -r 1 -c "$codec" -l "$(levels_of "$codec" | cut -d' ' -f1)" small.txt
grep "^$codec " out.log | awk '$4 == "-" && $7 == "-" && $10 == "-" { ok = 1 } END { exit !ok }' \
    || fail "expected '-' cells: $(cat out.log)"

check "no FILE: the bundled sample is used; --net runs"
expect_rc 0 "$S4C" bench -r 1 --net -c "$codec" -l "$(levels_of "$codec" | cut -d' ' -f1)"
out_has "sample.txt: $(stat -c %s "$SAMPLE") bytes"
out_has "start-up subtracted"

done_ok
