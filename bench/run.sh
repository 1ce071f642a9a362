#!/usr/bin/env bash
# nodecache's benchmark: installs the tools if missing, builds the jar, starts the upstream (nsd on
# 127.0.0.1:5301) and each peer in turn (unbound 1 and 2 threads, dnsmasq, nodecache, nodecache with
# query logging), warms its cache, runs dnsperf per workload and prints one table with every figure
# as a ratio to unbound-t1 from the same run. Everything stays on 127.0.0.1; every dnsperf run is
# bounded (-l <= 15 s). Adapted from the workplace kit (../shared/bench/run-peers.sh).
#
# Knobs (environment):
#   PEERS="unbound-t1 unbound-t2 dnsmasq nodecache nodecache-log floor"   (floor: floor/responder.c)
#   WORKLOADS="hot ndots mix fill"          query files queries/<name>.txt (fill: 12 000 distinct names)
#   LOG_WORKLOADS="hot ndots"               what nodecache-log runs (those also in WORKLOADS)
#   FLOOR_WORKLOADS="hot ndots"             what the floor runs
#   MODES="pinned shared"                   pinned: peer on SERVER_CPU, dnsperf + upstream on
#                                           LOADGEN_CPU (taskset); shared: nothing pinned, both CPUs
#   PINNED_PEERS="unbound-t1 dnsmasq nodecache nodecache-log floor"   what pinned mode runs (of PEERS)
#   SHARED_PEERS="unbound-t2 nodecache" SHARED_WORKLOADS="hot ndots"   what shared mode runs (of PEERS)
#   RATES="1000 10000" SHARED_RATES=10000   fixed-rate runs (dnsperf -Q) after the throughput run, for
#   RATE_WORKLOADS="hot ndots" RATE_DURATION=10   CPU per answered query at a node's real load
#   RATE_PEERS="unbound-t1 unbound-t2 nodecache floor"   (rows "hot@1000")
#   ROUNDS=3      every peer is run this many times, peers alternating within a round (unbound-t1,
#                 nodecache, ..., then again); the table shows medians, ratios are medians of the
#                 per-round ratios (each against unbound-t1 of the same round): single runs here
#                 swing +-20 %, more than the differences being measured
#   DURATION=10   seconds per throughput run (dnsperf -l; capped at 15)
#   WARM_SECONDS=3  after the one-pass warm (dnsperf -n 1) a further bounded warm run of this many
#                   seconds on the same file, for every peer alike (lets the JIT compile; 0: none)
#   CLIENTS=4     dnsperf -c        OUTSTANDING=100  dnsperf -q      QPS= dnsperf -Q (empty: unlimited)
#   LAT_QPS=20000 LAT_DURATION=5    fixed-rate run with dnsperf -v for p50/p99/p99.9; LAT_QPS=0 skips it
#   SERVER_CPU=1 LOADGEN_CPU=0
#   QUIET_MAX=25 QUIET_WAIT=90      before each run (and each JVM start) wait up to QUIET_WAIT s until
#                                   the machine's CPU use over 1 s is below QUIET_MAX % of one core
#   OTHER_MAX=25 RETRIES=2          repeat a measurement while other% is above OTHER_MAX
#   SKIP_BUILD=1                    use the existing jar (JAR=path to use another one)
#   JAVA=/usr/bin/java              a java binary or a JDK home (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)
#   JVM_OPTS="..."                  extra flags after @src/main/jvm/jvm.options (lib.sh); default none
#   NODECACHE_UDP_THREADS=          default: none given, the node's own (the CPUs it may use)
#   PORT_OFFSET=0                   move every port (5301/5311/5312/5313) by this much
#   RUN=/tmp/nodecache-bench-run    pid files, rendered configs, logs, results
# Output: table on stdout; TSV in $RUN/results-<stamp>.tsv; raw dnsperf output and the peers'
# stdout/stderr in $RUN/logs/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PEERS=${PEERS:-"unbound-t1 unbound-t2 dnsmasq nodecache nodecache-log floor"}
WORKLOADS=${WORKLOADS:-"hot ndots mix fill"}
LOG_WORKLOADS=${LOG_WORKLOADS:-"hot ndots"}
FLOOR_WORKLOADS=${FLOOR_WORKLOADS:-"hot ndots"}
MODES=${MODES:-"pinned shared"}
PINNED_PEERS=${PINNED_PEERS:-"unbound-t1 dnsmasq nodecache nodecache-log floor"}
SHARED_PEERS=${SHARED_PEERS:-"unbound-t2 nodecache"}
RATE_PEERS=${RATE_PEERS:-"unbound-t1 unbound-t2 nodecache floor"}
SHARED_WORKLOADS=${SHARED_WORKLOADS:-"hot ndots"}
RATES=${RATES:-"1000 10000"}
SHARED_RATES=${SHARED_RATES:-10000}
RATE_WORKLOADS=${RATE_WORKLOADS:-"hot ndots"}
RATE_DURATION=${RATE_DURATION:-10}
[ "$RATE_DURATION" -le 15 ] || RATE_DURATION=15
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
[ "$DURATION" -le 15 ] || DURATION=15
WARM_SECONDS=${WARM_SECONDS:-3}
[ "$WARM_SECONDS" -le 15 ] || WARM_SECONDS=15
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-100}
QPS=${QPS:-}
LAT_QPS=${LAT_QPS:-20000}
LAT_DURATION=${LAT_DURATION:-5}
[ "$LAT_DURATION" -le 15 ] || LAT_DURATION=15
SERVER_CPU=${SERVER_CPU:-1}
LOADGEN_CPU=${LOADGEN_CPU:-0}
CLK_TCK=$(getconf CLK_TCK)
QUIET_MAX=${QUIET_MAX:-25}
QUIET_WAIT=${QUIET_WAIT:-90}
OTHER_MAX=${OTHER_MAX:-25}
RETRIES=${RETRIES:-2}
SKIP_BUILD=${SKIP_BUILD:-0}

# tools (ensure_packages) and the jar (build_jar): lib.sh
mkdir -p "$RUN/logs"
if [[ " $PEERS " == *" nodecache"* ]]; then need_jar=1; else need_jar=0; fi
ensure_packages
[ "$need_jar" = 0 ] || build_jar
[[ " $PEERS " != *" floor "* ]] || build_floor
render_configs

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }

wait_quiet() {  # wait until the machine is idle enough; prints the seconds waited
    local waited=0 a b
    while :; do
        a=$(busy_ticks); sleep 1; b=$(busy_ticks)
        if [ $(( (b - a) * 100 / CLK_TCK )) -le "$QUIET_MAX" ] || [ "$waited" -ge "$QUIET_WAIT" ]; then break; fi
        waited=$((waited + 1))
    done
    echo "$waited"
}

STAMP=$(date +%Y%m%d-%H%M%S)
TSV="$RUN/results-$STAMP.tsv"
STARTS="$RUN/starts-$STAMP.tsv"
LOG="$RUN/logs"

cleanup() { for n in nodecache-log nodecache dnsmasq unbound-t2 unbound-t1 upstream; do stop_daemon "$n" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# dnsperf_run OUTFILE [CPU] ARGS... ; also writes OUTFILE.time with "user sys real" of dnsperf
dnsperf_run() {
    local out=$1 cpu=$2; shift 2
    local pre=()
    [ -n "$cpu" ] && pre=(taskset -c "$cpu")
    local TIMEFORMAT='%U %S %R'
    { time "${pre[@]}" dnsperf "$@" >"$out" 2>"$out.err" ; } 2>"$out.time"
}

field() { grep -m1 "$2" "$1" | sed 's/^[^:]*: *//'; }
answered() {  # answered DNSPERF_OUTPUT: queries sent - queries lost
    local s l
    s=$(field "$1" 'Queries sent'); l=$(field "$1" 'Queries lost' | awk '{print $1}')
    echo $(( ${s:-0} - ${l:-0} ))
}

# pct_of_core T0 T1 SECONDS: clock ticks -> % of one core
pct_of_core() { awk -v a="$1" -v b="$2" -v t="$3" -v hz="$CLK_TCK" 'BEGIN{printf "%.0f", (b-a)/hz/t*100}'; }

# other_pct BUSY0 BUSY1 SECONDS SRV_PCT PERF_PCT UPS_PCT: machine busy time not spent in our processes
other_pct() {
    awk -v a="$1" -v b="$2" -v t="$3" -v hz="$CLK_TCK" -v s="$4" -v p="$5" -v u="$6" \
        'BEGIN{o=(b-a)/hz/t*100-s-p-u; if(o<0)o=0; printf "%.0f", o}'
}

# measure_once TAG PID PORT QUERYFILE LOADGEN_CPU: one throughput run (+ optional latency run);
# sets ROW (tab-separated metrics from qps on), OTHER (worst other% of the two runs) and
# ANSWERED (queries answered over both runs)
measure_once() {
    local tag=$1 pid=$2 port=$3 qf=$4 lcpu=$5 upid t0 t1 u0 u1 b0 b1 o qps sent lost runt avg min max sd rcodes
    local srv perf ups other rss cpuq ticks lcpuq=NA p50=NA p99=NA p999=NA lmax=NA llost=NA lother=0 lrunt lsrv lperf lups qw
    qw=$(wait_quiet)
    [ "$qw" = 0 ] || echo "waited ${qw}s for other CPU load to settle" >&2
    upid=$(pid_of upstream)
    o="$LOG/$tag.out"
    t0=$(cpu_ticks "$pid"); u0=$(tree_ticks "$upid"); b0=$(busy_ticks)
    dnsperf_run "$o" "$lcpu" -s 127.0.0.1 -p "$port" -d "$qf" -l "$DURATION" \
        -c "$CLIENTS" -q "$OUTSTANDING" ${QPS:+-Q "$QPS"}
    t1=$(cpu_ticks "$pid"); u1=$(tree_ticks "$upid"); b1=$(busy_ticks)
    ticks=$((t1 - t0))
    rss=$(rss_kb "$pid")
    qps=$(field "$o" 'Queries per second' | awk '{printf "%.0f", $1}')
    sent=$(field "$o" 'Queries sent')
    lost=$(field "$o" 'Queries lost' | awk '{print $1}')
    runt=$(field "$o" 'Run time')
    read -r avg min max < <(field "$o" 'Average Latency' | tr -d '(),' |
        awk '{printf "%.3f %.3f %.3f\n", $1*1000, $3*1000, $5*1000}')
    sd=$(field "$o" 'Latency StdDev' | awk '{printf "%.3f", $1*1000}')
    rcodes=$(field "$o" 'Response codes' | sed 's/ [0-9]* (/ /g; s/)//g; s/,//g')
    srv=$(pct_of_core "$t0" "$t1" "$runt")
    # server CPU (utime+stime, all threads) per answered query, in microseconds
    cpuq=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" -v n="$((sent - lost))" \
        'BEGIN{if(n>0) printf "%.3f", (b-a)/hz*1e6/n; else print "NA"}')
    perf=$(awk -v t="$runt" '{printf "%.0f", ($1+$2)/t*100}' "$o.time")
    ups=$(pct_of_core "$u0" "$u1" "$runt")
    other=$(other_pct "$b0" "$b1" "$runt" "$srv" "$perf" "$ups")
    ANSWERED=$((sent - lost))
    if [ "$LAT_QPS" != 0 ]; then
        o="$LOG/$tag.lat"
        t0=$(cpu_ticks "$pid"); u0=$(tree_ticks "$upid"); b0=$(busy_ticks)
        dnsperf_run "$o" "$lcpu" -s 127.0.0.1 -p "$port" -d "$qf" -l "$LAT_DURATION" \
            -c "$CLIENTS" -q "$OUTSTANDING" -Q "$LAT_QPS" -v
        t1=$(cpu_ticks "$pid"); u1=$(tree_ticks "$upid"); b1=$(busy_ticks)
        read -r p50 p99 p999 lmax < <(awk '$1==">" && $2!="T" {print $NF*1000}' "$o" | sort -n |
            awk '{v[NR]=$1} END{if(NR==0){print "NA NA NA NA"; exit}
                 i50=int(NR*0.50); i99=int(NR*0.99); i999=int(NR*0.999);
                 if(i50<1)i50=1; if(i99<1)i99=1; if(i999<1)i999=1;
                 printf "%.3f %.3f %.3f %.3f\n", v[i50], v[i99], v[i999], v[NR]}')
        llost=$(field "$o" 'Queries lost' | awk '{print $1}')
        lrunt=$(field "$o" 'Run time')
        lsrv=$(pct_of_core "$t0" "$t1" "$lrunt")
        lperf=$(awk -v t="$lrunt" '{printf "%.0f", ($1+$2)/t*100}' "$o.time")
        lups=$(pct_of_core "$u0" "$u1" "$lrunt")
        lother=$(other_pct "$b0" "$b1" "$lrunt" "$lsrv" "$lperf" "$lups")
        # the same figure at a fixed rate: no batching advantage for whoever is busiest
        lcpuq=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" -v n="$(answered "$o")" \
            'BEGIN{if(n>0) printf "%.3f", (b-a)/hz*1e6/n; else print "NA"}')
        ANSWERED=$((ANSWERED + $(answered "$o")))
        gzip -f "$o"
    fi
    OTHER=$(( other > lother ? other : lother ))
    LCPUQ=$lcpuq
    ROW=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' \
        "$qps" "$avg" "$min" "$max" "$sd" "$sent" "$lost" "$srv" "$perf" "$ups" "$other" "$rss" \
        "$LAT_QPS" "$p50" "$p99" "$p999" "$lmax" "$llost" "$lother" "$ticks" "$cpuq")
    ROW="$ROW	$rcodes"
}

# keep_jvm_lines_and_truncate FILE: the JVM's own lines (not query-log lines) go to
# FILE.jvm-lines, then FILE is emptied (the JVM appends to it, so no sparse file is left behind)
keep_jvm_lines_and_truncate() {
    grep -v '^\[INFO\] 127' "$1" >> "$1.jvm-lines" || true
    : > "$1"
}

# in_list WORD "LIST"
in_list() { [[ " $2 " == *" $1 "* ]]; }

# workloads_for MODE PEER: WORKLOADS, narrowed for nodecache-log, the floor and shared mode
workloads_for() {
    local w out= only=
    [ "$2" = nodecache-log ] && only=$LOG_WORKLOADS
    [ "$2" = floor ] && only=$FLOOR_WORKLOADS
    [ "$1" = shared ] && only="${only:-$SHARED_WORKLOADS}"
    if [ -z "$only" ]; then echo "$WORKLOADS"; return; fi
    for w in $WORKLOADS; do in_list "$w" "$only" && out="$out $w"; done
    echo $out
}

peers_for() {  # peers_for MODE: PINNED_PEERS or SHARED_PEERS, those also in PEERS, in PEERS' order
    local p out= want=$PINNED_PEERS
    [ "$1" = shared ] && want=$SHARED_PEERS
    for p in $PEERS; do in_list "$p" "$want" && out="$out $p"; done
    echo $out
}

rates_for() {  # rates_for MODE PEER WORKLOAD: the fixed rates to run after the throughput run
    in_list "$2" "$RATE_PEERS" && in_list "$3" "$RATE_WORKLOADS" || return 0
    if [ "$1" = shared ]; then echo "$SHARED_RATES"; else echo "$RATES"; fi
}

printf 'mode\tpeer\tworkload\tattempts\tqps\tavg_ms\tmin_ms\tmax_ms\tsd_ms\tsent\tlost\tsrv_cpu_pct\tperf_cpu_pct\tupstream_cpu_pct\tother_cpu_pct\trss_kb\tlat_qps\tp50_ms\tp99_ms\tp999_ms\tlat_max_ms\tlat_lost\tlat_other_cpu_pct\tsrv_cpu_ticks\tsrv_cpu_us_per_answer\trcodes\tall_attempts_qps@other_pct\tquery_log_lines\tanswered_incl_warm\tlat_srv_cpu_us_per_answer\tround\n' > "$TSV"
printf 'mode\tpeer\tjava\tjvm_opts\tudp_threads\tstart_to_first_answer_ms\tround\n' > "$STARTS"

for mode in $MODES; do
    scpu=; lcpu=
    if [ "$mode" = pinned ]; then scpu=$SERVER_CPU; lcpu=$LOADGEN_CPU; fi
    start_daemon upstream "$lcpu"
    for round in $(seq 1 "$ROUNDS"); do
    for peer in $(peers_for "$mode"); do
        if is_jvm "$peer"; then
            # a JVM start is CPU-bound: time it on a quiet machine
            qw=$(wait_quiet); [ "$qw" = 0 ] || echo "waited ${qw}s for other CPU load to settle" >&2
        fi
        rm -f "$LOG/$peer.out.jvm-lines"
        start_daemon "$peer" "$scpu"
        pid=$(pid_of "$peer"); port=$(peer_port "$peer")
        if is_jvm "$peer"; then
            threads=${NODECACHE_UDP_THREADS:-default}
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$peer" "$JAVA" "$JVM_FLAGS" "$threads" \
                "$(cat "$RUN/$peer.start_ms")" "$round" >> "$STARTS"
        fi
        for wl in $(workloads_for "$mode" "$peer"); do
            qf="$BENCH/queries/$wl.txt"
            best_row=; best_other=999999; n=0; all=
            while :; do
                n=$((n + 1))
                tag="$mode-r$round-$peer-$wl-$n"
                [ "$peer" != nodecache-log ] || keep_jvm_lines_and_truncate "$LOG/$peer.out"
                # warm: one pass through the file, then WARM_SECONDS of load (both bounded)
                dnsperf_run "$LOG/$tag.warm" "$lcpu" -s 127.0.0.1 -p "$port" -d "$qf" -n 1 -l 15 -c "$CLIENTS"
                warm_answered=$(answered "$LOG/$tag.warm")
                if [ "$WARM_SECONDS" -gt 0 ]; then
                    dnsperf_run "$LOG/$tag.warm2" "$lcpu" -s 127.0.0.1 -p "$port" -d "$qf" \
                        -l "$WARM_SECONDS" -c "$CLIENTS" -q "$OUTSTANDING"
                    warm_answered=$((warm_answered + $(answered "$LOG/$tag.warm2")))
                fi
                measure_once "$tag" "$pid" "$port" "$qf" "$lcpu"
                loglines=NA
                if [ "$peer" = nodecache-log ]; then
                    sleep 1   # let the log writer drain
                    loglines=$(grep -c '^\[INFO\] 127' "$LOG/$peer.out" || true)
                    tail -n 200 "$LOG/$peer.out" > "$LOG/$tag.querylog-tail"
                    keep_jvm_lines_and_truncate "$LOG/$peer.out"   # hundreds of MB per run otherwise
                fi
                if [ "$OTHER" -lt "$best_other" ]; then best_other=$OTHER; best_row="$ROW	$all	$loglines	$((ANSWERED + warm_answered))	$LCPUQ	$round"; fi
                all="$all${all:+/}$(echo "$ROW" | cut -f1)@$OTHER"
                echo "round $round attempt $n: $mode $peer $wl other%=$OTHER qps,lost=$(echo "$ROW" | cut -f1,7 | tr '\t' ' ')" >&2
                if [ "$OTHER" -le "$OTHER_MAX" ] || [ "$n" -gt "$RETRIES" ]; then break; fi
            done
            # the all-attempts column is filled in after the loop
            printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$peer" "$wl" "$n" "$best_row" |
                awk -F'\t' -v OFS='\t' -v all="$all" '{$27=all; print}' >> "$TSV"
            # the same cache, at the fixed rates a node really sees: CPU per answered query, idle time included
            for rate in $(rates_for "$mode" "$peer" "$wl"); do
                tag="$mode-r$round-$peer-$wl-at$rate"
                QPS=$rate LAT_QPS=0 DURATION=$RATE_DURATION measure_once "$tag" "$pid" "$port" "$qf" "$lcpu"
                echo "round $round: $mode $peer $wl at $rate QPS other%=$OTHER cpu/q=$(echo "$ROW" | cut -f21)" >&2
                printf '%s\t%s\t%s\t1\t%s\t%s\tNA\t%s\tNA\t%s\n' "$mode" "$peer" "$wl@$rate" "$ROW" \
                    "$(echo "$ROW" | cut -f1)@$OTHER" "$ANSWERED" "$round" >> "$TSV"
            done
        done
        stop_daemon "$peer"
    done
    done
    stop_daemon upstream
done

# --- the table ------------------------------------------------------------------------------------
echo
echo "nodecache bench $STAMP: dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING ${QPS:+-Q $QPS}${QPS:-(unlimited QPS)} after a warm pass (-n 1) + ${WARM_SECONDS}s;" \
     "latency from a separate ${LAT_DURATION}s run at -Q $LAT_QPS (-v)"
echo "JAVA=$JAVA ($("$JAVA" -version 2>&1 | head -1))  JVM_FLAGS=$JVM_FLAGS"
echo "$ROUNDS round(s), peers alternating within each"
echo
"$BENCH/report.sh" "$TSV" "$STARTS"
awk -F'\t' 'NR>1 && $2=="nodecache-log" { ll[$3]+=$28; an[$3]+=$29 }
            END { for (w in ll) printf "query logging (%s): %s query-log lines written for %s queries answered (all rounds)\n", w, ll[w], an[w] }' "$TSV" | sort
# RSS with a full cache
awk -F'\t' 'NR>1 && $2=="nodecache" && $16 > r[$3] { r[$3]=$16; m[$3]=$1 }
            END { if ("fill" in r) printf "nodecache RSS after the fill run (%s, highest of the rounds): %.1f MiB; the cache then holds the 12 000 fill names plus the hot, ndots and mix entries not yet expired (> 10 k entries)\n", m["fill"], r["fill"]/1024
                  else if ("mix" in r) printf "nodecache RSS after the mix run (%s): %.1f MiB (mix has only ~3 700 distinct names: run WORKLOADS with fill for > 10 k)\n", m["mix"], r["mix"]/1024 }' "$TSV"
# errors in the peers' output
for f in "$LOG"/nodecache.out "$LOG"/nodecache-log.out.jvm-lines; do
    [ -s "$f" ] || continue
    n=$(grep -Eci 'ERROR|WARN|Exception' "$f" || true)
    [ "$n" = 0 ] || echo "note: $n ERROR/WARN/Exception lines in $f"
done
echo
echo "TSV: $TSV"
echo "starts: $STARTS"
