#!/usr/bin/env bash
# Random-subdomain ("water torture") NXDOMAIN flood against one nodecache node, loopback only.
#
# The node runs as shipped: java @src/main/jvm/jvm.options with MALLOC_ARENA_MAX=2 (lib.sh), the chart's Corefile
# (node-local-dns's shape, cache values read from chart/values.yaml; peer nodecache-chart), forwarding to nsd on
# 127.0.0.1, which serves victim.example (every random label under it is NXDOMAIN, negative TTL 300 clamped to the
# "." block's cache 30). Phases: warm the hot set, BEFORE s of hot load alone, DURATION s of hot load + flood,
# AFTER s of hot load alone. The hot set is HOT_NAMES existing ext.test names: the same "." block, the same cache
# as the flood. Prints RSS over the run against the chart's memory limit, the hot set's hit ratio per phase, the
# denial store's size and evictions, the upstream queries in flight, and dnsperf's figures for both workloads.
#
# Knobs (environment):
#   DURATION=60        flood seconds ("60s" works too)      FLOOD_QPS=5000   flood rate (dnsperf -Q)
#   BEFORE=15 AFTER=10 hot-only seconds around it           HOT_QPS=500      hot set rate   HOT_NAMES=100
#   SAMPLE=2           seconds between RSS / metrics samples; in-flight upstream sockets are counted every 0.2 s
#   MAX_CONCURRENT=    every forward's max_concurrent (empty: the chart's corefile.maxConcurrent; 0: none)
#   FLOOD_CLIENTS=4 FLOOD_OUTSTANDING=2000 HOT_OUTSTANDING=100   dnsperf -c / -q
#   SKIP_BUILD=1, JAR=, JAVA=, JVM_OPTS=, PORT_OFFSET=, RUN=, NODECACHE_ARGS=   as in lib.sh / README.md
# Output: the tables on stdout; raw files in $RUN/flood-STAMP/ (dnsperf outputs, metric scrapes, samples.tsv).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs() { local v=${1%s}; [[ "$v" =~ ^[0-9]+$ ]] || { echo "not a number of seconds: $1" >&2; exit 2; }; echo "$v"; }
DURATION=$(secs "${DURATION:-60}")
BEFORE=$(secs "${BEFORE:-15}")
AFTER=$(secs "${AFTER:-10}")
FLOOD_QPS=${FLOOD_QPS:-5000}
HOT_QPS=${HOT_QPS:-500}
HOT_NAMES=${HOT_NAMES:-100}
SAMPLE=${SAMPLE:-2}
FLOOD_CLIENTS=${FLOOD_CLIENTS:-4}
FLOOD_OUTSTANDING=${FLOOD_OUTSTANDING:-2000}
HOT_OUTSTANDING=${HOT_OUTSTANDING:-100}
FLOOD_ZONE=victim.example

prepare_run flood
stop_on_exit nodecache-chart upstream

# --- the query files -----------------------------------------------------------------------------------------------
awk -v n="$HOT_NAMES" '/\.ext\.test A$/ && c < n { print; c++ }' "$BENCH/queries/hot.txt" > "$OUT/hot.txt"
[ "$(wc -l < "$OUT/hot.txt")" -eq "$HOT_NAMES" ] || { echo "queries/hot.txt has fewer than $HOT_NAMES ext.test names" >&2; exit 1; }
FLOOD_LINES=$((FLOOD_QPS * (DURATION + 5)))
# unique random labels (8-20 of [a-z0-9]), so no flood query is ever a cache hit unless the file wraps
python3 - "$FLOOD_LINES" "$FLOOD_ZONE" > "$OUT/flood.txt" <<'EOF'
import random, string, sys
n, zone = int(sys.argv[1]), sys.argv[2]
rnd, seen, alphabet = random.Random(11), set(), string.ascii_lowercase + string.digits
out = sys.stdout
while len(seen) < n:
    label = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(8, 20)))
    if label not in seen:
        seen.add(label)
        out.write("%s.%s. A\n" % (label, zone))
EOF

# --- start ---------------------------------------------------------------------------------------------------------
start_daemon upstream
start_daemon nodecache-chart
PID=$(pid_of nodecache-chart)
LIMIT=$(yaml_get "$CHART_VALUES" node.resources.limits.memory)
MAXC=$(max_concurrent)
LIMIT_KB=$(awk -v v="$LIMIT" 'BEGIN{ if (v ~ /Mi$/) print v * 1024; else if (v ~ /Gi$/) print v * 1048576;
    else if (v ~ /M$/) print int(v * 1e6 / 1024); else print int(v / 1024) }')
# the "." block's cache capacity: "cache TTL" means CoreDNS's default capacity, 9984 per store
DOT_CAPACITY=9984
DOT_TTL=$(yaml_get "$CHART_VALUES" corefile.cache.otherTTL)
echo "node pid $PID: $(tr '\0' ' ' < "/proc/$PID/cmdline")" >&2
echo "Corefile: $RUN/nodecache-chart.Corefile; chart memory limit $LIMIT; \".\" block: cache $DOT_TTL (capacity $DOT_CAPACITY per store); max_concurrent $MAXC" >&2

m() {  # m FILE NAME [TYPE]: the "." block's sample of NAME (of that type)
 awk -v n="$2" -v t="${3:-}" '$1 ~ /^[a-z]/ { split($1, a, "{"); if (a[1] != n || $1 !~ /zones="\."/) next;
        if (t != "" && $1 !~ ("type=\"" t "\"")) next; s += $2 } END { printf "%.0f\n", s }' "$1"; }

gauge() {  # gauge FILE NAME: the one sample of NAME, or NA when the node does not expose it
    awk -v n="$2" '$1 == n { v = $2 } END { if (v == "") print "NA"; else printf "%.0f\n", v }' "$1"
}

sampler() {  # every SAMPLE s: seconds, RSS kB, threads, fds, "." denial/success entries and evictions, forwards
    local t0 f=$OUT/sample.prom
    t0=$(now_ms)
    printf 't_s\trss_kb\tthreads\tfds\tdenial_entries\tdenial_evictions\tsuccess_entries\tsuccess_evictions\tforward_requests\tphase\tinflight\tinflight_peak\n'
    while [ -d "/proc/$PID" ]; do
        scrape "$f"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(( ($(now_ms) - t0) / 1000 ))" "$(rss_kb "$PID")" \
            "$(awk '/^Threads:/{print $2}' "/proc/$PID/status")" "$(ls "/proc/$PID/fd" 2>/dev/null | wc -l)" \
            "$(m "$f" coredns_cache_entries denial)" "$(m "$f" coredns_cache_evictions_total denial)" \
            "$(m "$f" coredns_cache_entries success)" "$(m "$f" coredns_cache_evictions_total success)" \
            "$(metric "$f" coredns_forward_requests_total "to=\"127.0.0.1:$UPSTREAM_PORT\"")" "$(cat "$OUT/phase" 2>/dev/null)" \
            "$(gauge "$f" nodecache_forward_inflight)" "$(gauge "$f" nodecache_forward_inflight_peak)"
        sleep "$SAMPLE"
    done
}

inflight_sampler() {  # every 0.2 s: the node's UDP sockets connected to the upstream (an upper bound of UDP queries in flight:
    # one socket per query, and NIO releases a closed registered socket only at the selector's next select)
    while [ -d "/proc/$PID" ]; do
        echo "$(cat "$OUT/phase" 2>/dev/null) $(ss -Hun state established "( dport = :$UPSTREAM_PORT )" 2>/dev/null | wc -l)"
        sleep 0.2
    done
}

perf() {  # perf OUT FILE SECONDS QPS CLIENTS OUTSTANDING [-v]
    dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$2" -l "$3" -Q "$4" -c "$5" -q "$6" -t 5 ${7:-} > "$1" 2>&1
}
pcts() {  # pcts DNSPERF_V_OUT: "p50 p99" latency in ms from dnsperf -v's per-query lines, or "- -"
    awk '$1==">" && $2!="T" {print $NF*1000}' "$1" | sort -n |
        awk '{v[NR]=$1} END{ if (NR==0) { print "- -"; exit } i=int(NR*0.50); j=int(NR*0.99); if(i<1)i=1; if(j<1)j=1
             printf "%.2f %.1f\n", v[i], v[j] }'
}

field() { grep -m1 "$2" "$1" | sed 's/^[^:]*: *//'; }
dp_row() {  # dp_row FILE: sent answered lost qps avg_ms max_ms rcodes
    local f=$1
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(field "$f" 'Queries sent')" "$(field "$f" 'Queries completed' | awk '{print $1}')" \
        "$(field "$f" 'Queries lost' | awk '{print $1}')" "$(field "$f" 'Queries per second' | awk '{printf "%.0f", $1}')" \
        "$(field "$f" 'Average Latency' | awk '{printf "%.2f", $1 * 1000}')" \
        "$(field "$f" 'Average Latency' | tr -d '(),' | awk '{printf "%.1f", $5 * 1000}')" \
        "$(field "$f" 'Response codes' | sed 's/ ([0-9.]*%)//g; s/,//g')"
}

# --- run -------------------------------------------------------------------------------------------------------------
echo warm > "$OUT/phase"
dnsperf -s 127.0.0.1 -p "$NODECACHE_PORT" -d "$OUT/hot.txt" -n 1 -c 1 -q 10 -t 5 > "$OUT/warm.out" 2>&1
sleep 1
sampler > "$OUT/samples.tsv" & BG+=($!)
inflight_sampler > "$OUT/inflight.txt" & BG+=($!)

phase() {  # phase NAME SECONDS FLOOD(0|1)
    local name=$1 s=$2 flood=$3 hp fp=
    echo "$name" > "$OUT/phase"
    echo "$(date -u +%T) phase $name: ${s}s hot ${HOT_QPS}/s$([ "$flood" = 0 ] || echo " + flood ${FLOOD_QPS}/s")" >&2
    scrape "$OUT/m-$name-0.prom"
    perf "$OUT/hot-$name.out" "$OUT/hot.txt" "$s" "$HOT_QPS" 1 "$HOT_OUTSTANDING" -v & hp=$!
    if [ "$flood" = 1 ]; then
        perf "$OUT/flood-$name.out" "$OUT/flood.txt" "$s" "$FLOOD_QPS" "$FLOOD_CLIENTS" "$FLOOD_OUTSTANDING" & fp=$!
    fi
    wait "$hp"
    [ -z "$fp" ] || wait "$fp"
    scrape "$OUT/m-$name-1.prom"
}
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
phase before "$BEFORE" 0
phase during "$DURATION" 1
[ "$AFTER" = 0 ] || phase after "$AFTER" 0
echo end > "$OUT/phase"
sleep "$SAMPLE"
DIED=
if [ -d "/proc/$PID" ]; then HWM=$(awk '/^VmHWM:/{print $2}' "/proc/$PID/status")
else  # it died under the flood: the highest RSS sampled is all there is, and its last words say why
    HWM=$(awk -F'\t' 'NR>1 && $2>r {r=$2} END{print r+0}' "$OUT/samples.tsv")
    DIED=$(grep -v 'plugin/errors' "$RUN/logs/nodecache-chart.out" | grep -E 'OutOfMemory|Terminating|Exception|Error' | tail -n 3)
fi
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
BG=()

# --- report ----------------------------------------------------------------------------------------------------------
d() { echo $(( $(m "$OUT/m-$1-1.prom" "$2" "${3:-}") - $(m "$OUT/m-$1-0.prom" "$2" "${3:-}") )); }
echo
echo "nodecache flood $STAMP: $(nproc) CPUs, load average $LOAD0 at start, $LOAD1 at end; jar $(date -r "$JAR" '+%F %T')"
echo "node: $JAVA @${JVM_ARGFILE#$REPO/}${JVM_OPTS:+ $JVM_OPTS}, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX, chart Corefile ($RUN/nodecache-chart.Corefile), upstream nsd 127.0.0.1:$UPSTREAM_PORT"
echo "flood: dnsperf -Q $FLOOD_QPS -c $FLOOD_CLIENTS -q $FLOOD_OUTSTANDING -l $DURATION on $FLOOD_LINES unique <random>.$FLOOD_ZONE. A;" \
     "hot: dnsperf -Q $HOT_QPS -c 1 -q $HOT_OUTSTANDING on $HOT_NAMES ext.test names (TTL 300, served ≤ $DOT_TTL s), before ${BEFORE}s / during / after ${AFTER}s"
if [ -n "$DIED" ]; then
    echo
    echo "THE NODE DIED during the run (pid $PID gone). Its last words:"
    echo "$DIED"
fi
echo
echo "RSS and the \".\" block's cache over the run (every ${SAMPLE}s; evictions and forwards are totals since start):"
awk -F'\t' 'NR==1{printf "%5s %-7s %8s %7s %5s %8s %10s %8s %9s %9s %9s %6s\n","t_s","phase","RSS_MiB","threads","fds","denial","denial_ev","success","succ_ev","forwards","inflight","peak"; next}
            {printf "%5s %-7s %8.1f %7s %5s %8s %10s %8s %9s %9s %9s %6s\n",$1,$10,$2/1024,$3,$4,$5,$6,$7,$8,$9,$11,$12}' "$OUT/samples.tsv"
read -r RSS_MAX DEN_MAX < <(awk -F'\t' 'NR>1{ if ($2>r) r=$2; if ($5>e) e=$5 } END{print r+0, e+0}' "$OUT/samples.tsv")
read -r INF_MAX INF_AVG INF_N < <(awk '$1=="during"{ if ($2>m) m=$2; s+=$2; n++ } END{ printf "%d %.1f %d\n", m, (n?s/n:0), n }' "$OUT/inflight.txt")
echo
awk -v r="$RSS_MAX" -v h="$HWM" -v l="$LIMIT_KB" -v name="$LIMIT" 'BEGIN{ printf "RSS: max sampled %.1f MiB, VmHWM (peak, kernel) %.1f MiB; chart limit %s (%.0f MiB): %s\n",
    r/1024, h/1024, name, l/1024, (h < l ? sprintf("within, %.0f MiB to spare", (l-h)/1024) : "OVER THE LIMIT") }'
echo
echo "dnsperf per phase and workload:"
printf '%-7s %-6s %9s %9s %9s %6s %7s %7s %7s %7s  %s\n' phase load sent answered lost QPS avg_ms p50_ms p99_ms max_ms rcodes
for ph in before during after; do
    for w in hot flood; do
        f="$OUT/$w-$ph.out"; [ -s "$f" ] || continue
        IFS=$'\t' read -r s a l q avg mx rc < <(dp_row "$f")
        if [ "$w" = hot ]; then read -r p50 p99 < <(pcts "$f"); else p50=-; p99=-; fi
        printf '%-7s %-6s %9s %9s %9s %6s %7s %7s %7s %7s  %s\n' "$ph" "$w" "$s" "$a" "$l" "$q" "$avg" "$p50" "$p99" "$mx" "$rc"
    done
done

echo
echo "The \".\" block's cache per phase (coredns_cache_* deltas, zones=\".\"; the hot set is its only success traffic and"
echo "every flood answer is NXDOMAIN, so the hot set's hit ratio = success hits / hot answers), and the JVM's collections"
echo "(jvm_gc_pause_seconds: count / seconds paused):"
gc() {  # gc FILE ACTION(major|minor) count|sum
    awk -v a="end of $2 GC" -v k="jvm_gc_pause_seconds_$3" 'index($0, k "{") == 1 && index($0, "action=\"" a "\"") { s += $NF } END { printf "%.3f\n", s }' "$1"
}
gcd() { awk -v a="$(gc "$OUT/m-$1-0.prom" "$2" "$3")" -v b="$(gc "$OUT/m-$1-1.prom" "$2" "$3")" -v f="$4" 'BEGIN{ printf f, b - a }'; }
printf '%-7s %9s %9s %9s %9s %9s %9s %10s %10s %10s %13s %13s\n' phase hot_ans succ_hits hot_hit% den_hits misses requests den_evict succ_evict fwd_rejects "fullGC_n/s" "youngGC_n/s"
for ph in before during after; do
    [ -s "$OUT/m-$ph-1.prom" ] || continue
    ans=$(field "$OUT/hot-$ph.out" 'Queries completed' | awk '{print $1}')
    sh=$(d "$ph" coredns_cache_hits_total success)
    printf '%-7s %9s %9s %9s %9s %9s %9s %10s %10s %10s %13s %13s\n' "$ph" "$ans" "$sh" \
        "$(awk -v h="$sh" -v a="$ans" 'BEGIN{ if (a>0) printf "%.2f", 100*h/a; else print "NA" }')" \
        "$(d "$ph" coredns_cache_hits_total denial)" "$(d "$ph" coredns_cache_misses_total)" "$(d "$ph" coredns_cache_requests_total)" \
        "$(d "$ph" coredns_cache_evictions_total denial)" "$(d "$ph" coredns_cache_evictions_total success)" \
        "$(( $(metric "$OUT/m-$ph-1.prom" coredns_forward_max_concurrent_rejects_total '') - $(metric "$OUT/m-$ph-0.prom" coredns_forward_max_concurrent_rejects_total '') ))" \
        "$(gcd "$ph" major count %.0f)/$(gcd "$ph" major sum %.2f)" "$(gcd "$ph" minor count %.0f)/$(gcd "$ph" minor sum %.2f)"
done
HOT_MISS=$(( $(field "$OUT/hot-during.out" 'Queries completed' | awk '{print $1}') - $(d during coredns_cache_hits_total success) ))
REFRESH_BOUND=$(( HOT_NAMES * (DURATION / DOT_TTL + 1) ))
SUCC_EV=$(d during coredns_cache_evictions_total success)
DEN_EV=$(d during coredns_cache_evictions_total denial)
REJ=$(( $(metric "$OUT/m-during-1.prom" coredns_forward_max_concurrent_rejects_total '') - $(metric "$OUT/m-during-0.prom" coredns_forward_max_concurrent_rejects_total '') ))
FWD=$(( $(metric "$OUT/m-during-1.prom" coredns_forward_requests_total "to=") - $(metric "$OUT/m-during-0.prom" coredns_forward_requests_total "to=") ))

echo
PEAK=$(gauge "$OUT/m-during-1.prom" nodecache_forward_inflight_peak)
echo "Upstream concurrency during the flood: max_concurrent $MAXC$([ "$MAXC" != 0 ] || echo " (none: unlimited, as in CoreDNS without it)");"
echo "  nodecache_forward_inflight_peak (the most queries one forward had in flight at once, counted only with max_concurrent): $PEAK;"
echo "  the node's UDP sockets connected to 127.0.0.1:$UPSTREAM_PORT (one per query in flight, plus closed ones the selector has"
echo "  not released yet, so an upper bound; ss every 0.2 s, $INF_N samples): max $INF_MAX, mean $INF_AVG;"
echo "  forwards during the flood $FWD ($(( FWD / (DURATION > 0 ? DURATION : 1) ))/s); coredns_forward_max_concurrent_rejects_total +$REJ"

echo
echo "Summary:"
printf '%-44s %-28s %s\n' check figure verdict
[ -z "$DIED" ] || printf '%-44s %-28s %s\n' "node alive at the end" "no: $(echo "$DIED" | tail -n 1 | cut -c1-60)" FAIL
printf '%-44s %-28s %s\n' "peak RSS (VmHWM) vs chart limit $LIMIT" "$(( HWM / 1024 )) MiB" "$([ "$HWM" -lt "$LIMIT_KB" ] && echo PASS || echo FAIL)"
printf '%-44s %-28s %s\n' "denial store max size vs capacity $DOT_CAPACITY" "$DEN_MAX, evicted $DEN_EV" "$([ "$DEN_MAX" -le "$DOT_CAPACITY" ] && [ "$DEN_EV" -gt 0 ] && echo PASS || echo FAIL)"
printf '%-44s %-28s %s\n' "hot misses during flood vs TTL refreshes" "$HOT_MISS (bound $REFRESH_BOUND)" "$([ "$HOT_MISS" -le "$REFRESH_BOUND" ] && echo PASS || echo FAIL)"
printf '%-44s %-28s %s\n' "hot (success) entries evicted during flood" "$SUCC_EV" "$([ "$SUCC_EV" -eq 0 ] && echo PASS || echo FAIL)"
printf '%-44s %-28s %s\n' "hot answers lost during flood" "$(field "$OUT/hot-during.out" 'Queries lost' | awk '{print $1}')" "$([ "$(field "$OUT/hot-during.out" 'Queries lost' | awk '{print $1}')" = 0 ] && echo PASS || echo FAIL)"
printf '%-44s %-28s %s\n' "full collections during flood (not judged)" "$(gcd during major count %.0f), $(gcd during major sum %.2f) s of ${DURATION} s" -
if [ "$MAXC" = 0 ]; then cap_verdict="NO CAP (max_concurrent not set)"
elif [ "$PEAK" != NA ] && [ "$PEAK" -le "$MAXC" ]; then cap_verdict="PASS (cap $MAXC, rejects +$REJ)"
else cap_verdict="FAIL (cap $MAXC)"; fi
printf '%-44s %-28s %s\n' "upstream queries in flight, peak" "$PEAK (sockets seen: $INF_MAX)" "$cap_verdict"
echo
echo "raw: $OUT"
