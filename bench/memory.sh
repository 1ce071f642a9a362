#!/usr/bin/env bash
# Memory of one nodecache node as shipped, with a full cache, on the JDKs installed here; unbound for the ratio.
#
# Each configuration starts nsd and a node with the shipped argfile (src/main/jvm/jvm.options), MALLOC_ARENA_MAX=2
# and the chart's Corefile (peer nodecache-chart: chart/values.yaml's cache sizes, console on loopback), waits
# IDLE_WAIT s after the console has started, fills the caches (dnsperf -n 1 over queries/fill.txt: 12 000 distinct
# names, more than the "." block's 9984-entry success store; then hot.txt and ndots.txt), and prints:
#   RSS idle, RSS with the full cache, cache entries (coredns_cache_entries, all blocks, and the "." block's
#   success store), heap used / committed after a full GC (jcmd GC.run, then GC.heap_info), metaspace used, classes
#   loaded, threads, RSS after that GC, and /proc/PID/smaps_rollup's anonymous and file-backed parts;
# then, unless NMT=0, the same run again with -XX:NativeMemoryTracking=summary added (NMT's own bookkeeping costs
# a few MiB, so those RSS figures are not the shipped ones; only its breakdown is used) and a table of NMT's
# committed MiB per category; then unbound-t1 (bench/lib.sh) with the same fill, for the ratio.
#
# Configurations (CONFIGS, space-separated; default all):
#   17        /usr/lib/jvm/java-17-openjdk-amd64, the fat jar (as bench/run.sh, flood.sh, soak.sh run it)
#   17-image  JDK 17, the image's layout: the extracted jar + a CDS archive from the Dockerfile's training run
#   25        /usr/lib/jvm/temurin-25-jdk-amd64, the fat jar
#   25-coh    25 with -XX:+UseCompactObjectHeaders
#   25-aot    25, extracted jar + an AOT cache (-XX:AOTCacheOutput in the same training run, then -XX:AOTCache)
#   25-aot-coh  25-aot with compact object headers (cache trained with them too)
# Knobs: CONFIGS, NMT (1), IDLE_WAIT (5 s), UNBOUND (1), JAVA17, JAVA25, JVM_OPTS (extra flags for every config),
# SKIP_BUILD, JAR, PORT_OFFSET, RUN as in lib.sh. Everything stays on 127.0.0.1.
# Output: the tables on stdout; $RUN/memory-STAMP/ holds each run's log, heap, class-loader, NMT and smaps files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CONFIGS=${CONFIGS:-17 17-image 25 25-coh 25-aot 25-aot-coh}
NMT=${NMT:-1}
IDLE_WAIT=${IDLE_WAIT:-5}
UNBOUND=${UNBOUND:-1}
JAVA17=${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
BASE_OPTS=$JVM_OPTS
FAT_JAR=$JAR

prepare_run memory
stop_on_exit nodecache-chart unbound-t1 upstream
start_daemon upstream

mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "NA") print "NA"; else printf "%.1f\n", k / 1024 }'; }

fill() {  # fill PORT: the three query files once each, at a rate nsd keeps up with (no losses to retry)
    local f
    for f in fill hot ndots; do
        dnsperf -s 127.0.0.1 -p "$1" -d "$BENCH/queries/$f.txt" -n 1 -c 4 -q 200 -Q 10000 -t 5 \
            > "$OUT/$2-dnsperf-$f.out" 2>&1 || true
    done
}

# the image's layout for one JDK: the extracted jar, and a training run writing the archive the config uses
layout() {  # layout JDK KIND(cds|aot) OPTS: prints the jar path and the flag that loads the archive
    local jdk=$1 kind=$2 opts=$3 dir tag
    # one archive per JDK, kind, extra flags and argfile: an archive belongs to the JVM and the flags that wrote it
    tag=$(basename "$jdk")-$kind$(echo "$opts" | tr -dc 'A-Za-z')-$(cksum < "$JVM_ARGFILE" | cut -d' ' -f1)
    dir=$RUN/memory-layout/$tag
    if [ ! -s "$dir/archive" ]; then
        rm -rf "$dir" && mkdir -p "$dir"
        "$jdk/bin/java" -Djarmode=tools -jar "$FAT_JAR" extract --destination "$dir/app" \
            --application-filename nodecache.jar >/dev/null
        printf '.:%s {\n    forward . 127.0.0.1:%s\n    cache 30\n}\n' "$NODECACHE_PORT" "$UPSTREAM_PORT" > "$dir/training.Corefile"
        local train
        if [ "$kind" = cds ]; then train=-XX:ArchiveClassesAtExit=$dir/archive; else train=-XX:AOTCacheOutput=$dir/archive; fi
        # shellcheck disable=SC2086
        "$jdk/bin/java" @"$JVM_ARGFILE" $opts "$train" -Dspring.context.exit=onRefresh -jar "$dir/app/nodecache.jar" \
            --nodecache.conf="$dir/training.Corefile" --nodecache.embedded-upstream=false --server.port=0 \
            > "$dir/training.log" 2>&1 || { echo "training run failed: $dir/training.log" >&2; return 1; }
    fi
    if [ "$kind" = cds ]; then echo "$dir/app/nodecache.jar -XX:SharedArchiveFile=$dir/archive"
    else echo "$dir/app/nodecache.jar -XX:AOTCache=$dir/archive"; fi
}

config() {  # config NAME: sets JAVA, JAR, JVM_OPTS for it
    local name=$1 opts="" jdk kind="" l
    case "$name" in
        17) jdk=$JAVA17 ;;
        17-image) jdk=$JAVA17; kind=cds ;;
        25) jdk=$JAVA25 ;;
        25-coh) jdk=$JAVA25; opts=-XX:+UseCompactObjectHeaders ;;
        25-aot) jdk=$JAVA25; kind=aot ;;
        25-aot-coh) jdk=$JAVA25; kind=aot; opts=-XX:+UseCompactObjectHeaders ;;
        *) echo "unknown config: $name" >&2; return 1 ;;
    esac
    JAVA=$jdk/bin/java; JAR=$FAT_JAR
    opts="$opts${BASE_OPTS:+ $BASE_OPTS}"
    if [ -n "$kind" ]; then
        l=$(layout "$jdk" "$kind" "$opts") || return 1
        JAR=${l%% *}; opts="$opts ${l#* }"
    fi
    JVM_OPTS=$(echo $opts)
    JVM_FLAGS="@$JVM_ARGFILE${JVM_OPTS:+ $JVM_OPTS}"
}

# measure NAME TAG: one run; appends a row to $OUT/rows.tsv (TAG plain) or writes $OUT/NAME-nmt.txt (TAG nmt)
measure() {
    local name=$1 tag=$2 pid bin idle full after f=$OUT/$1-$2
    config "$name" || return 1
    [ "$tag" = nmt ] && { JVM_OPTS="$JVM_OPTS -XX:NativeMemoryTracking=summary"; JVM_FLAGS="@$JVM_ARGFILE $JVM_OPTS"; }
    bin=$(dirname "$JAVA")
    start_daemon nodecache-chart || { echo "$name: the node did not start; see $RUN/logs/nodecache-chart.out" >&2; return 1; }
    pid=$(pid_of nodecache-chart)
    tr '\0' ' ' < "/proc/$pid/cmdline" > "$f.cmdline"
    sleep "$IDLE_WAIT"
    idle=$(rss_kb "$pid")
    fill "$NODECACHE_PORT" "$name-$tag"
    sleep 2
    full=$(rss_kb "$pid")
    cat "/proc/$pid/smaps_rollup" > "$f.smaps"
    scrape "$f.prom"
    if [ "$tag" = nmt ]; then
        "$bin/jcmd" "$pid" VM.native_memory summary > "$f.txt" 2>&1 || true
    fi
    "$bin/jcmd" "$pid" GC.run > /dev/null 2>&1 || true
    heap_kb "$bin/jcmd" "$pid" > "$f.heap"
    "$bin/jcmd" "$pid" VM.classloader_stats > "$f.class" 2>&1 || true
    sleep 1
    after=$(rss_kb "$pid")
    local threads entries dot heap commit meta classes anon filebk
    threads=$(awk '/^Threads:/{print $2}' "/proc/$pid/status")
    entries=$(metric "$f.prom" coredns_cache_entries '')
    dot=$(metric "$f.prom" coredns_cache_entries 'zones="\.".*type="success"|type="success".*zones="\."')
    local young old
    read -r young old commit meta < "$f.heap"
    heap=$((young + old))
    classes=$(awk '/^Total = / { print $4 }' "$f.class")
    anon=$(awk '/^Anonymous:/ { print $2 }' "$f.smaps")
    filebk=$(awk '/^Rss:/ { r = $2 } /^Anonymous:/ { a = $2 } END { print r - a }' "$f.smaps")
    stop_daemon nodecache-chart
    [ "$tag" = plain ] || return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(mib "$idle")" "$(mib "$full")" "$entries" "$dot" \
        "$(mib "$heap")" "$(mib "$commit")" "$(mib "$meta")" "${classes:-NA}" "$threads" "$(mib "$after")" "$(mib "$anon")" \
        "$(mib "$filebk")" >> "$OUT/rows.tsv"
}

: > "$OUT/rows.tsv"
for c in $CONFIGS; do
    measure "$c" plain || true
    [ "$NMT" = 1 ] && { measure "$c" nmt || true; }
done
UB_FULL=NA
if [ "$UNBOUND" = 1 ]; then
    start_daemon unbound-t1
    pid=$(pid_of unbound-t1)
    sleep 1
    ub_idle=$(rss_kb "$pid")
    fill "$UNBOUND_PORT" unbound
    sleep 2
    UB_FULL=$(rss_kb "$pid")
    printf 'unbound-t1\t%s\t%s\tNA\tNA\tNA\tNA\tNA\tNA\t1\tNA\tNA\tNA\n' "$(mib "$ub_idle")" "$(mib "$UB_FULL")" >> "$OUT/rows.tsv"
    stop_daemon unbound-t1
fi

echo
echo "nodecache node as shipped (java @$(basename "$JVM_ARGFILE")${BASE_OPTS:+ $BASE_OPTS}, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX, the chart's Corefile), MiB;"
echo "full = after dnsperf -n 1 over fill.txt (12 000 names), hot.txt, ndots.txt; heap/meta/classes after jcmd GC.run; x ub = RSS full / unbound-t1's"
{
    printf 'config\tRSS idle\tRSS full\tx ub\tentries\t. success\theap used\theap commit\tmeta used\tclasses\tthreads\tRSS after GC\tanon\tfile\n'
    awk -F'\t' -v ub="$UB_FULL" 'BEGIN { OFS = "\t" } {
        r = (ub == "NA" || $3 == "NA") ? "NA" : sprintf("%.2f", $3 * 1024 / ub)
        print $1, $2, $3, r, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$OUT/rows.tsv"
} | column -t -s $'\t'

if [ "$NMT" = 1 ]; then
    echo
    echo "NMT committed MiB, from a second run with -XX:NativeMemoryTracking=summary (its own bookkeeping is in 'Native Memory Tracking';"
    echo "RSS of that run in the last rows: NMT makes it larger than the shipped one)"
    files=()
    for c in $CONFIGS; do [ -s "$OUT/$c-nmt.txt" ] && files+=("$OUT/$c-nmt.txt"); done
    if [ "${#files[@]}" -gt 0 ]; then
        python3 - "${files[@]}" <<'EOF'
import re, sys, os
cols, cats, data = [], [], {}
for path in sys.argv[1:]:
    name = os.path.basename(path)[:-len("-nmt.txt")]
    cols.append(name)
    text = open(path).read()
    m = re.search(r"Total: reserved=(\d+)KB, committed=(\d+)KB", text)
    if m:
        data[(name, "Total")] = int(m.group(2)) / 1024
    for m in re.finditer(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB", text, re.M):
        cat = m.group(1).strip()
        if cat not in cats:
            cats.append(cat)
        data[(name, cat)] = int(m.group(3)) / 1024
    smaps = path[:-len(".txt")] + ".smaps"
    if os.path.exists(smaps):
        for line in open(smaps):
            if line.startswith("Rss:"):
                data[(name, "RSS (this NMT run)")] = int(line.split()[1]) / 1024
rows = ["Total"] + cats + ["RSS (this NMT run)"]
w = max(len(r) for r in rows) + 2
print("category".ljust(w) + "".join(c.rjust(12) for c in cols))
for r in rows:
    print(r.ljust(w) + "".join(("%.1f" % data[(c, r)] if (c, r) in data else "-").rjust(12) for c in cols))
EOF
    fi
fi
echo
echo "raw files: $OUT"
