# test_resume.sh — checkpoint indexes and resumable decoding in the CLI
# (docs/cli.md, "Resumable decoding"): build-index, `cat FILE --offset N
# --length M` against a dd cut of the plain file (with the index, without it,
# with an index of another file or a damaged one), `decompress --threads N`
# (1/2/4, with and without an index), and `decompress --checkpoint`: a plain
# run, then SIGKILL at random moments (10+ kills), rerun until it finishes,
# sha256 equal to the original. Per codec: lz4 (lz4 CLI 64 KiB blocks, and
# linked), gzip (one member), zstd (1 MiB frames concatenated, no seek table);
# and `compress --index` (zstd: seekable frames, the seek-table fast path).
source "$(dirname "$0")/common.sh"
MiB=1048576

{ for _ in 1 2 3 4 5 6 7 8; do cat "$SAMPLE"; done
  head -c $((512 * 1024)) /dev/urandom; cat "$SAMPLE"; } > plain.bin
SIZE=$(stat -c %s plain.bin)
SHA=$(sha256sum < plain.bin)

# compressed forms: NAME FILE
lz4 -q -B4 -c plain.bin > p-lz4.lz4
lz4 -q -B4 -BD -c plain.bin > p-lz4linked.lz4
"$S4C" compress -q -c gzip -o p-gzip.gz plain.bin
split -b $MiB plain.bin piece.
for f in piece.*; do zstd -q -c "$f"; done > p-zstd.zst
rm -f piece.*
FORMS="lz4:p-lz4.lz4 lz4linked:p-lz4linked.lz4 gzip:p-gzip.gz zstd:p-zstd.zst"

# cut_plain OFFSET LENGTH : the plain bytes
cut_plain() { dd if=plain.bin bs=64K iflag=skip_bytes,count_bytes skip="$1" count="$2" status=none; }

RESUMABLE=""
for form in $FORMS; do
    name=${form%%:*} f=${form#*:}
    check "$name: build-index (spacing 512K)"
    expect_rc 0 "$S4C" build-index -v --spacing 512K "$f"
    RESUMABLE="$RESUMABLE $form"
    [ -s "$f.s4ci" ] || fail "no $f.s4ci"
    err_has "checkpoint(s)"
    no_temp_files .

    for spec in "0 100" "1 1" "524287 2" "1000000 3000000" "$((SIZE - 10)) 10" \
                "$((SIZE - 10)) 1000" "7777777 1" "$((12 * MiB)) $((2 * MiB))"; do
        set -- $spec
        check "$name: cat --offset $1 --length $2 = dd cut (index, and without)"
        expect_rc 0 "$S4C" cat "$f" --offset "$1" --length "$2"
        cut_plain "$1" "$2" > want.bin
        same out.log want.bin
        mv "$f.s4ci" keep.s4ci
        expect_rc 0 "$S4C" cat "$f" --offset "$1" --length "$2"
        same out.log want.bin
        mv keep.s4ci "$f.s4ci"
    done
    check "$name: cat --index MISSING is an I/O error"
    expect_rc 3 "$S4C" cat "$f" --offset 1 --length 1 --index missing.s4ci
    err_has "missing.s4ci"
    check "$name: cat without --length runs to the end; -v says a checkpoint was used"
    expect_rc 0 "$S4C" cat -v "$f" --offset 5M
    cut_plain $((5 * MiB)) "$SIZE" > want.bin
    same out.log want.bin
    err_has "checkpoint index"
    check "$name: cat of the whole file = plain; offset past the end is an error"
    expect_rc 0 "$S4C" cat "$f"
    same out.log plain.bin
    expect_rc 1 "$S4C" cat "$f" --offset "$SIZE"
    err_has "past the end"
    check "$name: cat --threads 2/0 (segments decoded in parallel): the same bytes"
    expect_rc 0 "$S4C" cat --threads 2 "$f"
    same out.log plain.bin
    expect_rc 0 "$S4C" cat -v --threads 0 "$f" --offset 1234567 --length 3M
    cut_plain 1234567 $((3 * MiB)) > want.bin
    same out.log want.bin
    err_has "checkpoint index"
    expect_rc 0 "$S4C" cat --threads 2 "$f" --offset $((SIZE - 10)) --length 100
    cut_plain $((SIZE - 10)) 10 > want.bin
    same out.log want.bin
    expect_rc 2 "$S4C" cat --threads x "$f"
    check "$name: decompress --threads 1/2/4 = plain"
    for t in 1 2 4; do
        expect_rc 0 "$S4C" decompress -q -f -v --threads $t "$f" -o out.bin
        same out.bin plain.bin
    done
    err_has "decoding on 4 thread(s)"
    no_temp_files .
done

for form in $RESUMABLE; do
    name=${form%%:*}
    case $name in lz4linked) continue ;; esac
    check "$name: compress --index writes the index build-index would (built while compressing)"
    rm -f c.out c.out.s4ci
    expect_rc 0 "$S4C" compress -q -c "$name" --index --spacing 512K plain.bin -o c.out
    [ -s c.out.s4ci ] || fail "no c.out.s4ci"
    cp c.out.s4ci c.first.s4ci
    expect_rc 0 "$S4C" build-index --spacing 512K c.out
    same c.out.s4ci c.first.s4ci
    case $name in
    lz4) lz4 -t -q c.out ;; gzip) gzip -t c.out ;; zstd) zstd -t -q c.out ;;
    esac || fail "$name: the reference tool rejects c.out"
    expect_rc 0 "$S4C" decompress -q -v --threads 2 c.out -o - >/dev/null
    err_has "decoding on 2 thread(s)"
    expect_rc 0 "$S4C" cat c.out --offset 9M --length 1000
    cut_plain $((9 * MiB)) 1000 > want.bin
    same out.log want.bin
    no_temp_files .
done
check "compress --index: stdout and passthrough refused, decompress --index refused"
expect_rc 2 "$S4C" compress -c lz4 --index plain.bin -o -
expect_rc 2 "$S4C" compress -c passthrough --index plain.bin -o p.raw
absent p.raw
expect_rc 2 "$S4C" decompress --index c.out -o x
check "cat and decompress --threads refuse an index of another file"
first=$(echo $RESUMABLE | cut -d' ' -f1)
f=${first#*:}
head -c $((SIZE / 2)) plain.bin > half.bin
"$S4C" compress -q -c lz4 -o other.lz4 half.bin
cp "$f.s4ci" other.lz4.s4ci
expect_rc 1 "$S4C" cat other.lz4 --offset 10 --length 10
err_has "is the index of another file"
rm -f out.bin
expect_rc 1 "$S4C" decompress --threads 2 other.lz4 -o out.bin
err_has "is the index of another file"
absent out.bin
check "a damaged index is refused with its reason"
cp "$f.s4ci" other.lz4.s4ci
printf 'X' | dd of=other.lz4.s4ci bs=1 seek=30 conv=notrunc status=none
expect_rc 1 "$S4C" cat other.lz4 --offset 10 --length 10
err_has "invalid checkpoint index: CRC32C mismatch"
rm -f other.lz4.s4ci
check "decompress --threads without an index: one thread (said with -v), same output"
expect_rc 0 "$S4C" decompress -f -v --threads 2 other.lz4 -o out.bin
err_has "decoding on 1 thread"
same out.bin half.bin
check "decompress --threads to stdout (in order) = plain; a stream damaged past its fingerprint fails, no output left"
expect_rc 0 sh -c "\"$S4C\" decompress -q --threads 2 p-gzip.gz -o - > stdout.bin"
same stdout.bin plain.bin
for z in p-gzip.gz p-zstd.zst; do
    cp "$z" bad.$z && cp "$z.s4ci" bad.$z.s4ci
    # damage a stretch in the middle: the index still belongs to the file (size, first bytes)
    dd if=/dev/zero of=bad.$z bs=1 seek=$(( $(stat -c %s "$z") / 2 )) count=64 conv=notrunc status=none
    rm -f out.bin
    expect_rc 1 "$S4C" decompress -q -f --threads 2 bad.$z -o out.bin
    absent out.bin
    no_temp_files .
    rm -f bad.$z bad.$z.s4ci stdout.bin
done
check "cat --range still serves S4F2 bodies; cat of an S4F2 body without --range says so"
"$S4C" encode -o body.s4 half.bin 2>/dev/null
expect_rc 0 "$S4C" cat --range 100-199 body.s4
cut_plain 100 100 > want.bin
same out.log want.bin
expect_rc 2 "$S4C" cat body.s4 --offset 100
err_has "S4F2 framed body"
check "cat reads stdin (no index): skip and length"
expect_rc 0 sh -c "\"$S4C\" cat - --offset 3000000 --length 5000 < other.lz4"
cut_plain 3000000 5000 > want.bin
same out.log want.bin
check "build-index of a non-compressed file, of stdin: errors"
expect_rc 1 "$S4C" build-index plain.bin
err_has "unknown format"
expect_rc 2 "$S4C" build-index -
absent plain.bin.s4ci

check "decompress --checkpoint: usage errors (stdout, stdin)"
expect_rc 2 "$S4C" decompress --checkpoint st "$f" -o -
expect_rc 2 sh -c "cat \"$f\" | \"$S4C\" decompress --checkpoint st -o x"
err_has "needs a regular input file"
absent x
absent st
expect_rc 2 "$S4C" decompress --checkpoint st --threads 2 "$f" -o x
err_has "drop --threads"
absent x

for form in $RESUMABLE; do
    name=${form%%:*} f=${form#*:}
    check "$name: decompress --checkpoint uninterrupted = plain, state and partial removed"
    rm -f out.bin st
    expect_rc 0 "$S4C" decompress -q -v --checkpoint st --spacing 256K "$f" -o out.bin
    same out.bin plain.bin
    absent st
    absent out.bin.s4partial
    err_has "state save(s)"
    check "$name: a state of another input is refused"
    # a state from the first form, applied to this one (when they differ)
    if [ "$form" != "$(echo $RESUMABLE | cut -d' ' -f1)" ]; then
        rm -f out.bin st
        S4CODEC_TEST_WRITE_DELAY_US=50000 "$S4C" decompress -q --checkpoint st --spacing 256K \
            "$f" -o out.bin &
        pid=$!
        while [ ! -e st ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done
        kill -9 $pid 2>/dev/null || :
        wait $pid 2>/dev/null || :
        [ -e st ] || fail "no state written"
        first=$(echo $RESUMABLE | cut -d' ' -f1)
        expect_rc 1 "$S4C" decompress -q --checkpoint st "${first#*:}" -o out.bin
        err_has "another file"
        rm -f st out.bin.s4partial
    fi
done

# SIGKILL at random moments: every run writes slowly (a test hook sleeps
# after each output write), a kill lands anywhere: in a write, between a
# write and the state save, inside the save, in the final rename.
for form in $RESUMABLE; do
    name=${form%%:*} f=${form#*:}
    check "$name: decompress --checkpoint survives 10+ SIGKILLs; sha256 equal"
    rm -f out.bin out.bin.s4partial st
    kills=0 runs=0
    while :; do
        runs=$((runs + 1))
        [ $runs -le 200 ] || fail "$name: not finished after 200 runs"
        S4CODEC_TEST_WRITE_DELAY_US=12000 "$S4C" decompress -q --checkpoint st \
            --spacing 128K "$f" -o out.bin 2>err.log &
        pid=$!
        if [ $kills -lt 12 ]; then
            sleep "0.$(printf '%03d' $((RANDOM % 230 + 20)))"
            if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
        fi
        rc=0
        wait $pid 2>/dev/null || rc=$?
        if [ $rc = 0 ]; then break; fi
        [ $rc = 137 ] || { cat err.log >&2; fail "$name: run $runs exited $rc"; }
    done
    [ $kills -ge 10 ] || fail "$name: only $kills kills landed"
    [ "$(sha256sum < out.bin)" = "$SHA" ] || fail "$name: output differs after $kills kills"
    absent st
    absent st.tmp
    absent out.bin.s4partial
    echo "  $name: $kills kills, $runs runs"
done

done_ok
