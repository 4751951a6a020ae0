# test_signals.sh — an interrupted run leaves nothing behind: SIGTERM, SIGINT
# and SIGHUP while compressing or decompressing into a file remove the
# temporary file, create no output, leave an existing output as it was, and
# the process still dies of the signal (exit status 128 + n).
source "$(dirname "$0")/common.sh"
make_inputs
codec=${CODECS%% *}
suf=$(suffix_of "$codec")
"$S4C" compress -c "$codec" -o text$suf text.txt

# interrupt SIG FEED ARGS... : starts `s4codec ARGS` reading FEED from a pipe that then
# stalls, waits for its temporary file, sends SIG, checks the exit status.
interrupt() {
    local sig=$1 feed=$2 i pid rc=0
    shift 2
    rm -f feed && mkfifo feed
    # Job control gives the background job default SIGINT handling (a non-interactive
    # shell would start it with SIGINT ignored, and we keep ignored signals ignored).
    set -m
    "$S4C" "$@" < feed 2>err.log &
    pid=$!
    set +m
    { cat "$feed"; exec sleep 30; } > feed & # exec: killing $! kills the sleep
    local feeder=$!
    for ((i = 0; i < 100; i++)); do
        [ -n "$(find . -maxdepth 1 -name '.*.??????')" ] && break
        sleep 0.05
    done
    [ "$i" -lt 100 ] || fail "$sig: no temporary file appeared"
    sleep 0.2 # let it write into the temporary file
    kill -s "$sig" "$pid"
    { wait "$pid"; } 2>/dev/null || rc=$? # (no "Hangup" job report)
    kill "$feeder" 2>/dev/null || true
    wait "$feeder" 2>/dev/null || true
    local want=$((128 + $(kill -l "$sig")))
    [ "$rc" = "$want" ] || fail "$sig: exit status $rc, expected $want"
    no_temp_files .
}

for sig in TERM INT HUP; do
    check "SIG$sig during compress to a file: no output, no temporary file"
    interrupt $sig text.txt compress -q -c "$codec" -o out$suf -
    absent out$suf

    check "SIG$sig during decompress with -f over an existing file: the old file stays"
    echo "previous content" > out.txt
    interrupt $sig text$suf decompress -q -f -o out.txt -
    [ "$(cat out.txt)" = "previous content" ] || fail "existing output changed"
done

done_ok
