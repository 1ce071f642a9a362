#!/usr/bin/env bash
# The cache-miss path inside NXDOMAIN refresh bursts, taken apart. The benchmark's node (peer nodecache: the
# argfile, the node's defaults, conf/nodecache.Corefile.in, forwarding over UDP as run.sh measures it against
# unbound), pinned to SERVER_CPU, answers the ndots workload (75 % NXDOMAIN, every name asked every ~0.08 s at
# 20 000/s) at RATE for DURATION s: every 5 s the negative entries expire and come back from nsd in a burst. Prints dnsperf's latency
# percentiles over the run and, from nodecache_forward_udp_stage_seconds, where each answered upstream attempt's
# time went: the handoff from the receive thread to the upstream loop, the per-query socket (open, connect,
# register, send), and the upstream's answer. Percentiles come from the histogram's buckets (10 us doubling), so
# they are upper bounds of the bucket they fall in.
#
# Knobs: RATE=20000 DURATION=15 SERVER_CPU=1 LOADGEN_CPU=0 QUERIES=queries/ndots.txt; SKIP_BUILD, JAR, JAVA,
# JVM_OPTS, PORT_OFFSET, RUN, NODECACHE_ARGS as in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RATE=${RATE:-20000}
DURATION=${DURATION:-15}
[ "$DURATION" -le 60 ] || DURATION=60
SERVER_CPU=${SERVER_CPU:-1}
LOADGEN_CPU=${LOADGEN_CPU:-0}
QUERIES=${QUERIES:-$BENCH/queries/ndots.txt}

prepare_run missburst
stop_on_exit nodecache upstream

start_daemon upstream "$LOADGEN_CPU"
start_daemon nodecache "$SERVER_CPU"
# warm: one pass, then the JIT's share of the path at the same rate
taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$QUERIES" -n 1 -l 15 -c 4 > "$OUT/warm1" 2>&1
taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$QUERIES" -l 5 -c 4 -q 100 -Q "$RATE" \
    > "$OUT/warm2" 2>&1
scrape "$OUT/before.prom"
taskset -c "$LOADGEN_CPU" dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$QUERIES" -l "$DURATION" -c 4 -q 100 \
    -Q "$RATE" -v > "$OUT/run" 2>&1
scrape "$OUT/after.prom"

echo "missburst: $(basename "$QUERIES") at $RATE QPS for $DURATION s, nodecache pinned to CPU $SERVER_CPU" \
     "($JAVA, $JVM_FLAGS)"
awk '$1==">" && $2!="T" {print $NF*1000}' "$OUT/run" | sort -n | awk '
    function at(q,    i) { i = int(NR * q); if (i < 1) i = 1; return v[i] }
    { v[NR] = $1 }
    END {
        if (NR == 0) { print "no latencies"; exit }
        printf "client latency (ms, %d answers): p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", NR, at(0.5), at(0.99), at(0.999), v[NR]
    }'
grep -E "Queries (sent|lost)|Response codes" "$OUT/run" | sed 's/^ */  /'

# bucket deltas per stage -> count, mean, p50/p99/p99.9 (bucket upper bounds), and the window's max
awk '
    FNR == 1 { file++ }
    /^nodecache_forward_udp_stage_seconds_(bucket|sum|count)\{/ {
        match($0, /stage="[a-z]+"/); stage = substr($0, RSTART + 7, RLENGTH - 8)
        key = $1; sub(/\{.*/, "", key); le = ""
        if (key ~ /_bucket$/) { match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5) }
        v[file, stage, key, le] = $NF; stages[stage] = 1; if (le != "") les[stage, le] = 1
    }
    /^nodecache_forward_udp_stage_seconds_max\{/ { match($0, /stage="[a-z]+"/); mx[substr($0, RSTART + 7, RLENGTH - 8)] = $NF }
    END {
        printf "%-9s %8s %10s %10s %10s %10s %10s\n", "stage", "attempts", "mean_us", "p50_us", "p99_us", "p99.9_us", "max_us"
        split("handoff socket upstream", order, " ")
        for (o = 1; o <= 3; o++) {
            s = order[o]; if (!(s in stages)) continue
            b = "nodecache_forward_udp_stage_seconds_bucket"
            n = v[2, s, "nodecache_forward_udp_stage_seconds_count", ""] - v[1, s, "nodecache_forward_udp_stage_seconds_count", ""]
            sum = v[2, s, "nodecache_forward_udp_stage_seconds_sum", ""] - v[1, s, "nodecache_forward_udp_stage_seconds_sum", ""]
            m = 0; for (k in les) { split(k, kk, SUBSEP); if (kk[1] == s && kk[2] != "+Inf") bound[++m] = kk[2] + 0 }
            for (i = 2; i <= m; i++) { t = bound[i]; for (j = i - 1; j >= 1 && bound[j] > t; j--) bound[j + 1] = bound[j]; bound[j + 1] = t }
            p50 = p99 = p999 = "inf"
            for (i = 1; i <= m; i++) {
                c = 0; for (k in les) { split(k, kk, SUBSEP); if (kk[1] == s && kk[2] != "+Inf" && kk[2] + 0 == bound[i]) c = v[2, s, b, kk[2]] - v[1, s, b, kk[2]] }
                if (p50 == "inf" && c >= n * 0.5) p50 = bound[i] * 1e6
                if (p99 == "inf" && c >= n * 0.99) p99 = bound[i] * 1e6
                if (p999 == "inf" && c >= n * 0.999) p999 = bound[i] * 1e6
            }
            printf "%-9s %8d %10.1f %10s %10s %10s %10.1f\n", s, n, (n > 0 ? sum / n * 1e6 : 0), p50, p99, p999, mx[s] * 1e6
            delete bound
        }
    }' "$OUT/before.prom" "$OUT/after.prom"
echo "(p50/p99/p99.9: the upper bound of the 10 us-doubling bucket they fall in; max: the histogram's max gauge)"
echo "raw: $OUT"
