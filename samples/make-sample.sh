#!/usr/bin/env bash
# make-sample.sh — regenerates samples/sample.txt, the bundled benchmark input.
#
# The sample is synthetic (no third-party text, so it can be redistributed
# freely) but shaped like what people compress: an HTTP access log, a CSV of
# sensor readings with random-walk values, and JSON-lines service events.
# It is deterministic: a MINSTD linear congruential generator (exact in awk's
# doubles) replaces rand(), so every awk gives the same bytes. The committed
# file is the reference; this script documents how it was made.
#
# usage: samples/make-sample.sh [OUT]   (default: samples/sample.txt next to this script)
set -euo pipefail
out=${1:-"$(dirname "$0")/sample.txt"}
LC_ALL=C awk '
function rnd(n) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * n) }
function pick(list,   a, k) { k = split(list, a, " "); return a[rnd(k) + 1] }
function stamp(t, sep,   d, h, m, s) {
    d = int(t / 86400); t -= d * 86400; h = int(t / 3600); t -= h * 3600
    m = int(t / 60); s = t - m * 60
    return sprintf("2024-03-%02d%s%02d:%02d:%02d", d + 4, sep, h, m, s)
}
BEGIN {
    seed = 20240304
    paths = "/ /index.html /api/v1/objects /api/v1/objects/list /api/v1/health /static/app.js " \
            "/static/style.css /images/logo.png /api/v1/upload /api/v2/search /login /logout " \
            "/docs/cli.html /docs/formats/s4f2.html /favicon.ico /api/v1/objects/stat"
    methods = "GET GET GET GET GET POST POST PUT DELETE HEAD"
    codes = "200 200 200 200 200 200 200 304 304 404 201 204 500 403"
    agents = "curl/8.4.0|Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0|" \
             "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15|" \
             "python-requests/2.31.0|s4-client/1.4 (linux; amd64)|Go-http-client/2.0"
    na = split(agents, agent, "|")
    services = "gateway indexer compactor uploader scheduler"
    levels = "INFO INFO INFO INFO INFO DEBUG DEBUG WARN ERROR"
    msgs = "request served|chunk compressed|frame flushed|cache miss, fetching from origin|" \
           "retrying upload after timeout|manifest verified|sidecar index written|" \
           "compaction finished|slow disk detected|connection reset by peer"
    nm = split(msgs, msg, "|")

    t = 0
    for (i = 0; i < 4200; i++) {            # access log
        t += rnd(7)
        printf "10.%d.%d.%d - - [%s +0000] \"%s %s HTTP/1.1\" %s %d \"-\" \"%s\"\n",
            rnd(4), rnd(256), rnd(256), stamp(t, " "), pick(methods), pick(paths), pick(codes),
            rnd(60000) + 120, agent[rnd(na) + 1]
    }
    print "timestamp,sensor,temperature_c,humidity_pct,pressure_hpa,status"
    for (s = 0; s < 16; s++) { temp[s] = 18 + rnd(80) / 10; hum[s] = 40 + rnd(200) / 10 }
    t = 0
    for (i = 0; i < 10000; i++) {           # CSV readings
        s = i % 16; if (s == 0) t += 15
        temp[s] += (rnd(21) - 10) / 100; hum[s] += (rnd(21) - 10) / 50
        printf "%s,sensor-%02d,%.2f,%.1f,%.1f,%s\n", stamp(t, " "), s, temp[s], hum[s],
            1013 + (rnd(200) - 100) / 10, (rnd(50) == 0 ? "degraded" : "ok")
    }
    t = 0
    for (i = 0; i < 3500; i++) {            # JSON-lines events
        t += rnd(11)
        printf "{\"ts\":\"%sZ\",\"level\":\"%s\",\"service\":\"%s\",\"request_id\":\"%08x%08x\"," \
               "\"msg\":\"%s\",\"latency_ms\":%d,\"bytes\":%d}\n",
            stamp(t, "T"), pick(levels), pick(services), rnd(2147483647), rnd(2147483647),
            msg[rnd(nm) + 1], rnd(900) + 1, rnd(4194304)
    }
}' > "$out"
