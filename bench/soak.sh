#!/usr/bin/env bash
# Bounded soak of one nodecache node, loopback only: steady load with query logging on and a live stream open,
# sampled every SAMPLE s; prints a table and a verdict (heap after GC and threads flat, no answer lost).
#
# The node runs as shipped (peer nodecache-chart: java @src/main/jvm/jvm.options, MALLOC_ARENA_MAX=2, the chart's
# Corefile) against nsd on 127.0.0.1. Load: dnsperf at a fixed QPS on queries/mix.txt (60 % hot names, 25 % ndots:5
# search chains, 10 % cross-namespace short names, 5 % NXDOMAIN), in back-to-back runs of SAMPLE s each, so every
# sample knows the answers lost so far (the samples' stream and log columns count what came since the warm pass). Query logging is switched on through the node API
# (PUT /api/v1/logging {"enabled": true, "duration": "0", "format": LOG_FORMAT}); its stdout goes to a file that is
# counted at every sample (and deleted at the end; the JVM's own lines are kept in logs/nodecache-chart.out.jvm-lines). One live
# stream (curl -N on /api/v1/queries/stream) is open and read for the whole run; its query and dropped events are
# counted. At each sample: jcmd PID GC.run, then heap used after it (jcmd GC.heap_info: the old generation), metaspace,
# threads (/proc/PID/status), RSS.
#
# Knobs (environment):
#   DURATION=600  seconds of load ("10m", "600s" work too)    QPS=2000   dnsperf -Q    SAMPLE=30  seconds per sample
#   QUERIES=queries/mix.txt   LOG_FORMAT=json (or coredns)    CLIENTS=4 OUTSTANDING=200   dnsperf -c / -q
#   API_TOKEN=    if the node API wants a token: sent as a bearer token, and given to the node as nodecache.api-token
#   SKIP_BUILD=1, JAR=, JAVA=, JVM_OPTS=, PORT_OFFSET=, RUN=, NODECACHE_ARGS=   as in lib.sh / README.md
# Output: the table on stdout; raw files in $RUN/soak-STAMP/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs() {
    local v=$1
    case "$v" in *m) v=$(( ${v%m} * 60 )) ;; *s) v=${v%s} ;; esac
    [[ "$v" =~ ^[0-9]+$ ]] || { echo "not a duration in seconds or minutes: $1" >&2; exit 2; }
    echo "$v"
}
DURATION=$(secs "${DURATION:-600}")
SAMPLE=$(secs "${SAMPLE:-30}")
QPS=${QPS:-2000}
QUERIES=${QUERIES:-$BENCH/queries/mix.txt}
LOG_FORMAT=${LOG_FORMAT:-json}
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-200}
API_TOKEN=${API_TOKEN:-}
[ "$DURATION" -ge "$SAMPLE" ] || { echo "DURATION ($DURATION s) is shorter than SAMPLE ($SAMPLE s)" >&2; exit 2; }
if [ -n "$API_TOKEN" ]; then NODECACHE_ARGS="$NODECACHE_ARGS --nodecache.api-token=$API_TOKEN"; fi

prepare_run soak
stop_on_exit nodecache-chart upstream

start_daemon upstream
start_daemon nodecache-chart
PID=$(pid_of nodecache-chart)
NODE_OUT="$RUN/logs/nodecache-chart.out"
API="http://127.0.0.1:$NODECACHE_WEB_PORT/api/v1"
auth=()
[ -z "$API_TOKEN" ] || auth=(-H "Authorization: Bearer $API_TOKEN")
echo "node pid $PID: $(tr '\0' ' ' < "/proc/$PID/cmdline")" >&2

# logging on, no auto-off
state=$(curl -sS --max-time 5 "${auth[@]}" -X PUT -H 'Content-Type: application/json' \
    -d "{\"enabled\": true, \"duration\": \"0\", \"format\": \"$LOG_FORMAT\"}" "$API/logging") \
    || { echo "PUT $API/logging failed" >&2; exit 1; }
echo "logging: $state" >&2
echo "$state" | grep -q '"enabled":true' || { echo "the node did not switch logging on: $state" >&2; exit 1; }

stream_count() { tail -n 1 "$OUT/stream.count" 2>/dev/null | grep . || echo "0 0"; }
log_lines() { wc -l < "$NODE_OUT"; }   # lines on the node's stdout so far (query log + a few of the JVM's own)
heap_after_gc() {  # prints "heap_kb metaspace_kb" after a full collection
    # A full collection leaves everything live in the old generation and eden empty; eden is left out because the
    # load keeps filling it in the second or so before the figures are read.
    jcmd "$PID" GC.run > /dev/null 2>&1 || true
    heap_kb "$PID" | awk '{print $2, $4}'
}
field() { grep -m1 "$2" "$1" | sed 's/^[^:]*: *//'; }

# warm the caches with one pass through the file
dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$QUERIES" -n 1 -c "$CLIENTS" -q "$OUTSTANDING" -t 5 -l 30 > "$OUT/warm.out" 2>&1
# the warm pass's last log lines may still be on their way: wait until they stand still
prev=-1
for _ in $(seq 1 20); do
    cur="$(log_lines)"
    [ "$cur" = "$prev" ] && break
    prev=$cur; sleep 1
done
LINES0=$(log_lines)
# the live stream, opened after the warm pass (whose burst it could not keep up with): read for the whole run,
# counting events (the data itself is not kept); "dropped" events carry this viewer's running total
mkfifo "$OUT/stream.fifo"
# one line "queries dropped" per event, so the last line is always exact (~10 bytes an event)
awk '/^event: ?query/ { q++; print q, dr + 0; fflush() }
    /^event: ?dropped/ { d = 1; next }
    d && /^data:/ { if (match($0, /[0-9]+/)) dr = substr($0, RSTART, RLENGTH) + 0; d = 0; print q + 0, dr; fflush() }
    END { print q + 0, dr + 0 }' < "$OUT/stream.fifo" > "$OUT/stream.count" &
STREAM_AWK=$!
BG+=($STREAM_AWK)
curl -sN "${auth[@]}" "$API/queries/stream" 2>"$OUT/stream.err" > "$OUT/stream.fifo" &
STREAM_CURL=$!
BG+=($STREAM_CURL)

sleep 1
read -r SQ0 SD0 < <(stream_count)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
TSV="$OUT/samples.tsv"
printf 't_s\theap_after_gc_kb\tmetaspace_kb\tthreads\trss_kb\tsent\tanswered\tlost\tlost_so_far\tlog_lines\tstream_events\tstream_dropped\trcodes\n' > "$TSV"
read -r h mu < <(heap_after_gc)
printf '0\t%s\t%s\t%s\t%s\t0\t0\t0\t0\t0\t0\t0\t\n' "$h" "$mu" "$(awk '/^Threads:/{print $2}' "/proc/$PID/status")" "$(rss_kb "$PID")" >> "$TSV"

lost_total=0; t=0; i=0; lines_before=0
while [ "$t" -lt "$DURATION" ]; do
    i=$((i + 1))
    s=$(( DURATION - t < SAMPLE ? DURATION - t : SAMPLE ))
    o="$OUT/perf-$i.out"
    dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$QUERIES" -l "$s" -Q "$QPS" -c "$CLIENTS" -q "$OUTSTANDING" -t 5 \
        > "$o" 2>&1 &
    dp=$!
    sleep $(( s / 2 ))            # sample in the middle of the run: under load
    read -r h mu < <(heap_after_gc)
    thr=$(awk '/^Threads:/{print $2}' "/proc/$PID/status")
    rss=$(rss_kb "$PID")
    wait "$dp" || { echo "dnsperf failed, see $o" >&2; exit 1; }
    t=$((t + s))
    sent=$(field "$o" 'Queries sent'); ans=$(field "$o" 'Queries completed' | awk '{print $1}')
    lost=$(field "$o" 'Queries lost' | awk '{print $1}')
    lost_total=$((lost_total + lost))
    rc=$(field "$o" 'Response codes' | sed 's/ ([0-9.]*%)//g; s/,//g')
    lines=$(( $(log_lines) - LINES0 - lines_before )); lines_before=$((lines_before + lines))
    read -r sq sd < <(stream_count)
    sq=$((sq - SQ0)); sd=$((sd - SD0))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$h" "$mu" "$thr" "$rss" "$sent" "$ans" "$lost" \
        "$lost_total" "$lines" "$sq" "$sd" "$rc" >> "$TSV"
    echo "$(date -u +%T) t=${t}s heap-after-gc $((h / 1024)) MiB threads $thr RSS $((rss / 1024)) MiB lost so far $lost_total" >&2
    [ -d "/proc/$PID" ] || { echo "the node died; see $NODE_OUT.jvm-lines" >&2; exit 1; }
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 1
grep -v '^{' "$NODE_OUT" | grep -v '^\[INFO\] 127' > "$NODE_OUT.jvm-lines" || true
STREAM_ALIVE=no
[ -d "/proc/$STREAM_CURL" ] && STREAM_ALIVE=yes
sleep 2                                   # let the stream deliver the last events, then close it: awk counts the rest
kill "$STREAM_CURL" 2>/dev/null || true
wait "$STREAM_AWK" 2>/dev/null || true
LINES_ALL=$(( $(log_lines) - LINES0 ))
LOGSTATE=$(curl -s --max-time 5 "${auth[@]}" "$API/logging" || true)
NODEINFO=$(curl -s --max-time 5 "${auth[@]}" "$API/node" || true)

# --- report ----------------------------------------------------------------------------------------------------------
echo
echo "nodecache soak $STAMP: $(nproc) CPUs, load average $LOAD0 at start, $LOAD1 at end; jar $(date -r "$JAR" '+%F %T')"
echo "node: $JAVA @${JVM_ARGFILE#$REPO/}${JVM_OPTS:+ $JVM_OPTS}, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX, chart Corefile, upstream nsd 127.0.0.1:$UPSTREAM_PORT"
echo "load: dnsperf -Q $QPS -c $CLIENTS -q $OUTSTANDING -d ${QUERIES#$REPO/} in runs of ${SAMPLE}s for ${DURATION}s; logging on ($LOG_FORMAT, stdout to a file); one SSE stream read throughout"
echo
awk -F'\t' 'NR==1{printf "%6s %9s %8s %7s %8s %8s %8s %6s %8s %9s %9s %8s  %s\n","t_s","heapGC_MiB","meta_MiB","threads","RSS_MiB","sent","answered","lost","lost_sum","log_lines","stream_ev","dropped","rcodes"; next}
            {printf "%6s %9.1f %8.1f %7s %8.1f %8s %8s %6s %8s %9s %9s %8s  %s\n",$1,$2/1024,$3/1024,$4,$5/1024,$6,$7,$8,$9,$10,$11,$12,$13}' "$TSV"
echo
# flat = the last third's mean within 10 % (+1 MiB) of the first third's for heap; no more threads at the end than
# at the start (max of the last third <= max of the first third)
read -r n h1 h3 t1 t3 r1 r3 sent_all ans_all lines_all < <(awk -F'\t' 'NR>2 { n++; h[n]=$2; th[n]=$4; r[n]=$5; s+=$6; a+=$7; l+=$10 }
    END { k = int(n / 3); if (k < 1) k = 1
          for (i = 1; i <= k; i++) { hf += h[i]; if (th[i] > tf) tf = th[i]; rf += r[i] }
          for (i = n - k + 1; i <= n; i++) { hl += h[i]; if (th[i] > tl) tl = th[i]; rl += r[i] }
          printf "%d %.0f %.0f %d %d %.0f %.0f %d %d %d\n", n, hf / k, hl / k, tf, tl, rf / k, rl / k, s, a, l }' "$TSV")
heap_ok=$(awk -v a="$h1" -v b="$h3" 'BEGIN{ print (b <= a * 1.10 + 1024) ? "PASS" : "FAIL" }')
thr_ok=$([ "$t3" -le "$t1" ] && echo PASS || echo FAIL)
lost_ok=$([ "$lost_total" -eq 0 ] && echo PASS || echo FAIL)
echo "Verdict (first third vs last third of the $n samples under load):"
printf '%-34s %-34s %s\n' check figure verdict
printf '%-34s %-34s %s\n' "heap after GC flat" "$(awk -v a="$h1" -v b="$h3" 'BEGIN{printf "%.1f -> %.1f MiB (mean)", a/1024, b/1024}')" "$heap_ok"
printf '%-34s %-34s %s\n' "threads flat" "$t1 -> $t3 (max)" "$thr_ok"
printf '%-34s %-34s %s\n' "no lost answers" "$lost_total of $sent_all sent" "$lost_ok"
printf '%-34s %-34s %s\n' "RSS (not judged)" "$(awk -v a="$r1" -v b="$r3" 'BEGIN{printf "%.1f -> %.1f MiB (mean)", a/1024, b/1024}')" "-"
printf '%-34s %-34s %s\n' "query-log lines vs answers" "$LINES_ALL / $ans_all" "$([ "$LINES_ALL" -ge "$ans_all" ] && echo "all logged" || echo "$((ans_all - LINES_ALL)) not logged")"
read -r sq sd < <(stream_count)
printf '%-34s %-34s %s\n' "live stream" "$((sq - SQ0)) query events, $((sd - SD0)) dropped" "open at the end: $STREAM_ALIVE"
echo "logging at the end: $LOGSTATE"
echo "node: eventsSeen/eventsLost $(echo "$NODEINFO" | grep -o '"eventsSeen":[0-9]*' | cut -d: -f2)/$(echo "$NODEINFO" | grep -o '"eventsLost":[0-9]*' | cut -d: -f2)"
echo "JVM lines (ERROR/WARN/Exception): $(grep -c -E 'ERROR|WARN|Exception' "$NODE_OUT.jvm-lines" 2>/dev/null || true) (in $NODE_OUT.jvm-lines)"
: > "$NODE_OUT"   # the query log itself is not kept (hundreds of MB)
echo "raw: $OUT"
