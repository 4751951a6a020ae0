# test_s4_inspect_index.sh — `s4codec inspect` and `s4codec index`, S4's
# `s4-codec inspect` / `index`: the table and JSON layouts of s4-compat.md §6
# on bodies and sidecars built independently (tests/cli/s4_bodies.py).
source "$(dirname "$0")/common.sh"
MK="python3 $CLI_TESTS_DIR/s4_bodies.py"

head -c 3000 "$SAMPLE" > a.txt
$MK frame 1 a.txt > one.s4
size=$(stat -c %s one.s4)
crc=$("$S4C" crc32c a.txt | cut -c1-8)

check "inspect: header, one row per frame (CRC as 0x%08x), footer"
expect_rc 0 "$S4C" inspect one.s4
out_has "CRC32C"
out_has "cpu-zstd"
out_has "3000"
[ "$(sed -n 1p out.log)" = "FRAME  CODEC                 ORIGINAL     COMPRESSED   CRC32C" ] \
    || fail "header: $(sed -n 1p out.log)"
row=$(printf '%-6s %-15s %14s %14s   0x%s' 0 cpu-zstd 3000 $((size - 28)) "$crc")
[ "$(sed -n 2p out.log)" = "$row" ] || fail "row: '$(sed -n 2p out.log)' != '$row'"
[ "$(sed -n 3p out.log)" = "total: 1 frame(s), 3000 original bytes, $((size - 28)) compressed payload bytes, $size file bytes (0 padding)" ] \
    || fail "footer: $(sed -n 3p out.log)"

check "inspect --json: codec, total_frames, file_size, padding; CRC in decimal"
expect_rc 0 "$S4C" inspect --json one.s4
out_has '"codec":"cpu-zstd"'
out_has '"total_frames": 1'
out_has "\"file_size\": $size"
out_has '"padding_bytes": 0'
out_has "\"crc32c\":$((16#$crc))}"
python3 -c 'import json,sys; d=json.load(open("out.log")); assert d["frames"][0]["original_size"] == 3000, d' \
    || fail "inspect --json is not valid JSON"

check "inspect: padding is counted; GPU frames listed; padding-only body has 0 frames"
{ cat one.s4; $MK pad 50; $MK frame 3 a.txt; } > mixed.s4
expect_rc 0 "$S4C" inspect mixed.s4
out_has "nvcomp-bitcomp"
out_has "(62 padding)"
out_has "total: 2 frame(s)"
$MK pad 30 > pad.s4
expect_rc 0 "$S4C" inspect pad.s4
out_has "total: 0 frame(s), 0 original bytes, 0 compressed payload bytes, 42 file bytes (42 padding)"
expect_rc 0 "$S4C" inspect --json pad.s4
out_has '"total_frames": 0'

check "inspect: refuses empty and SSE bodies, reports parse errors"
: > empty.s4
expect_rc 1 "$S4C" inspect empty.s4
err_has "file is empty"
expect_rc 1 "$S4C" inspect a.txt
err_has "bad frame magic"

check "index: v2 sidecar with a quoted etag, 2 entries, 180 bytes"
$MK sidecar 2 '"abc123"' 0 200 - 0:100:0:60 100:80:60:50 > obj.s4index
expect_rc 0 "$S4C" index obj.s4index
out_has 'abc123'
out_has 'entries:                 2'
out_has '180'
out_has 'total_padded_size:       200'
out_has 'source_compressed_size:  (none)'
out_has 'sse:                     none'
out_has "IDX       ORIG_OFFSET      ORIG_SIZE    COMP_OFFSET      COMP_SIZE"
expect_rc 0 "$S4C" index --json obj.s4index
out_has '"source_etag": "\"abc123\""'
out_has '"total_frames": 2'
out_has '"total_original_size": 180'
out_has '"source_compressed_size": null'
out_has '"sse": null'
out_has '{"original_offset":100,"original_size":80,"compressed_offset":60,"compressed_size":50}'
python3 -c 'import json; d=json.load(open("out.log")); assert d["source_etag"] == "\"abc123\"", d' \
    || fail "index --json is not valid JSON"

check "index: spec's 108-byte unbound v2 example; v1 and v3 sidecars"
$MK sidecar 2 '' 0 200 - 0:100:0:60 100:80:60:50 > ex.s4index
[ "$(stat -c %s ex.s4index)" = 108 ] || fail "example is not 108 bytes"
expect_rc 0 "$S4C" index ex.s4index
out_has '(none — legacy v1 or unbound sidecar)'
$MK sidecar 1 '' 0 200 - 0:100:0:60 > v1.s4index
expect_rc 0 "$S4C" index v1.s4index
out_has 'entries:                 1'
out_has '(none — legacy v1'
$MK sidecar 3 'e' 4242 300 65536:2:7:0102030405060708:100000:24 0:100:0:60 > v3.s4index
expect_rc 0 "$S4C" index v3.s4index
out_has 'source_compressed_size:  4242'
out_has 'salt=0102030405060708'
expect_rc 0 "$S4C" index --json v3.s4index
out_has '"enc_salt":"0102030405060708"'
out_has '"source_compressed_size": 4242'

check "index: a bogus sidecar is an S4IX error with S4's context"
expect_rc 1 "$S4C" index a.txt
err_has "S4IX"
err_has "as an S4IX sidecar (expected a \`<key>.s4index\` object)"
err_has "bad index magic"
printf 'S4IX' > short.s4index
expect_rc 1 "$S4C" index short.s4index
err_has "index too short: 4 bytes"
done_ok
