# Shared helpers for nodecache's DNS benchmark. Source it from bash:  . bench/lib.sh
# Adapted from the workplace kit (../shared/bench): same PID-file habits, plus the JVM peers.
# Daemons run in the foreground of a background job; their PIDs go to $RUN/<name>.pid
# and they are stopped by that PID only (after checking the PID still is that program).

BENCH=${BENCH:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
REPO=${REPO:-$(cd "$BENCH/.." && pwd)}
RUN=${RUN:-${TMPDIR:-/tmp}/nodecache-bench-run}
# Ports: 5301 upstream, 5311 unbound, 5312 dnsmasq, 5313 nodecache; PORT_OFFSET=N moves them all
# (e.g. when someone else's benchmark already listens there). All on 127.0.0.1.
PORT_OFFSET=${PORT_OFFSET:-0}
UPSTREAM_PORT=$((5301 + PORT_OFFSET))
UNBOUND_PORT=$((5311 + PORT_OFFSET))
DNSMASQ_PORT=$((5312 + PORT_OFFSET))
NODECACHE_PORT=$((5313 + PORT_OFFSET))
FLOOR_PORT=$((5314 + PORT_OFFSET))
# nodecache-chart (flood.sh, soak.sh) also serves its console/API, metrics and health, on loopback only
NODECACHE_WEB_PORT=$((5380 + PORT_OFFSET))
NODECACHE_METRICS_PORT=$((5381 + PORT_OFFSET))
NODECACHE_HEALTH_PORT=$((5382 + PORT_OFFSET))

# nodecache knobs (see README.md)
JAVA=${JAVA:-/usr/bin/java}
[ -d "$JAVA" ] && JAVA="$JAVA/bin/java"       # JAVA=/usr/lib/jvm/<jdk> works too
JAR=${JAR:-$REPO/target/nodecache-0.1.0-SNAPSHOT.jar}
# The JVM flags the image ships (src/main/jvm/jvm.options, a java @argfile), so what is measured is what
# is shipped. JVM_OPTS: extra flags after them, for experiments only (a later -Xmx wins); default none.
JVM_ARGFILE=${JVM_ARGFILE:-$REPO/src/main/jvm/jvm.options}
JVM_OPTS=${JVM_OPTS:-}
JVM_FLAGS="@$JVM_ARGFILE${JVM_OPTS:+ $JVM_OPTS}"
# glibc makes an arena per thread that mallocs; two are plenty for a JVM whose heap is its own
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# receive threads; empty: the node's default, the CPUs it may use (taskset -c 1: one)
NODECACHE_UDP_THREADS=${NODECACHE_UDP_THREADS:-}
START_TIMEOUT=${START_TIMEOUT:-30}             # seconds a peer gets to answer its first query
# nodecache-chart only: extra node arguments, the chart values its Corefile takes, and every forward's max_concurrent
# (empty: the chart's corefile.maxConcurrent; 0: none)
NODECACHE_ARGS=${NODECACHE_ARGS:-}
CHART_VALUES=${CHART_VALUES:-$REPO/chart/values.yaml}
MAX_CONCURRENT=${MAX_CONCURRENT:-}

# --- tools and jar (run.sh, flood.sh, soak.sh) -------------------------------------------------------------------------------------
ensure_packages() {
    local missing=() pair
    for pair in dnsperf:dnsperf unbound:unbound dnsmasq:dnsmasq nsd:nsd dig:bind9-dnsutils \
                taskset:util-linux python3:python3 gcc:gcc; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "${pair%%:*}" >/dev/null 2>&1 \
            || missing+=("${pair#*:}")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    export PATH="$PATH:/usr/sbin:/sbin"
    # The Debian packages' own services are not used (policy-rc.d normally keeps them from
    # starting): stop any that runs, through its init script (which stops its own pid file only).
    local svc
    for svc in unbound dnsmasq nsd; do
        if [ -x "/etc/init.d/$svc" ] && service "$svc" status >/dev/null 2>&1; then
            echo "stopping the Debian $svc service (the benchmark starts its own)" >&2
            service "$svc" stop >/dev/null 2>&1 || echo "could not stop the $svc service" >&2
        fi
    done
    if ss -Hlun '( sport = :53 )' 2>/dev/null | grep -Eq 'unbound|dnsmasq|nsd'; then
        echo "note: a Debian unbound/dnsmasq/nsd still listens on port 53 (not touched):" >&2
        ss -Hlunp '( sport = :53 )' >&2 || true
    fi
}

build_jar() {
    if [ "${SKIP_BUILD:-0}" = 1 ]; then
        echo "SKIP_BUILD=1: using $JAR ($(date -r "$JAR" '+%F %T' 2>/dev/null || echo missing))" >&2
        return 0
    fi
    echo "building: (cd $REPO && mvn -B -q -DskipTests package)" >&2
    (cd "$REPO" && mvn -B -q -DskipTests package) >"$RUN/logs/build.log" 2>&1 || {
        echo "build failed, see $RUN/logs/build.log (SKIP_BUILD=1 uses an existing jar)" >&2; exit 1; }
}

# prepare_run NAME (flood.sh, soak.sh, memory.sh, missburst.sh): the tools, the jar and the rendered configs;
# sets STAMP and OUT=$RUN/NAME-STAMP, created, for the run's raw files
prepare_run() {
    mkdir -p "$RUN/logs"
    ensure_packages
    build_jar
    render_configs
    STAMP=$(date +%Y%m%d-%H%M%S)
    OUT="$RUN/$1-$STAMP"
    mkdir -p "$OUT"
}

# stop_on_exit PEER...: on exit, INT or TERM, kill the background jobs listed in BG and stop these peers
BG=()
STOP_ON_EXIT=()
stop_on_exit() {
    STOP_ON_EXIT=("$@")
    trap stop_everything EXIT INT TERM
}
stop_everything() {
    local p
    for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${STOP_ON_EXIT[@]}"; do stop_daemon "$p" 2>/dev/null || true; done
}

peer_port() {
    case "$1" in
        upstream) echo "$UPSTREAM_PORT" ;;
        unbound-t1|unbound-t2) echo "$UNBOUND_PORT" ;;
        dnsmasq) echo "$DNSMASQ_PORT" ;;
        nodecache|nodecache-log|nodecache-chart) echo "$NODECACHE_PORT" ;;
        floor) echo "$FLOOR_PORT" ;;
        *) echo "unknown peer: $1" >&2; return 1 ;;
    esac
}

peer_bin() {  # what /proc/PID/comm says for the peer's process
    case "$1" in
        upstream) echo nsd ;;
        unbound-*) echo unbound ;;
        dnsmasq) echo dnsmasq ;;
        nodecache*) echo java ;;
        floor) echo floor-responder ;;
    esac
}

is_jvm() { case "$1" in nodecache*) return 0 ;; *) return 1 ;; esac; }

peer_cmd() {  # peer_cmd NAME [CPU]
    case "$1" in
        upstream)   echo "nsd -d -c $RUN/nsd.conf" ;;
        unbound-t1) echo "unbound -d -c $RUN/unbound-t1.conf" ;;
        unbound-t2) echo "unbound -d -c $RUN/unbound-t2.conf" ;;
        dnsmasq)    echo "dnsmasq -k -C $RUN/dnsmasq.conf" ;;
        nodecache|nodecache-log)  # the node's own defaults: udp-threads follows the CPUs taskset gives it
            echo "$JAVA $JVM_FLAGS -Dspring.main.banner-mode=off -jar $JAR" \
                 "--nodecache.conf=$RUN/$1.Corefile --nodecache.embedded-upstream=false" \
                 "--server.port=0${NODECACHE_UDP_THREADS:+ --nodecache.udp-threads=$NODECACHE_UDP_THREADS}" ;;
        floor)  # the floor (floor/responder.c): precomputed answers for every query file, nothing else
            echo "$RUN/floor-responder $FLOOR_PORT $UPSTREAM_PORT $BENCH/queries/hot.txt $BENCH/queries/ndots.txt" \
                 "$BENCH/queries/mix.txt $BENCH/queries/fill.txt" ;;
        nodecache-chart)  # the chart's Corefile and the node's own defaults (no --nodecache.udp-threads)
            echo "$JAVA $JVM_FLAGS -Dspring.main.banner-mode=off -jar $JAR" \
                 "--nodecache.conf=$RUN/$1.Corefile --nodecache.embedded-upstream=false" \
                 "--server.port=$NODECACHE_WEB_PORT --server.address=127.0.0.1" \
                 "${NODECACHE_UDP_THREADS:+--nodecache.udp-threads=$NODECACHE_UDP_THREADS} $NODECACHE_ARGS" ;;
        *) echo "unknown peer: $1" >&2; return 1 ;;
    esac
}

render() {  # render TEMPLATE: the placeholders of conf/*.in on stdout
    sed -e "s|@RUN@|$RUN|g" -e "s|@ZONES@|$BENCH/zones|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" \
        -e "s|@UNBOUND_PORT@|$UNBOUND_PORT|g" -e "s|@DNSMASQ_PORT@|$DNSMASQ_PORT|g" \
        -e "s|@NODECACHE_PORT@|$NODECACHE_PORT|g" -e "s|@METRICS_PORT@|$NODECACHE_METRICS_PORT|g" "$1"
}

render_configs() {
    mkdir -p "$RUN/logs"
    local f
    if [ ! -s "$BENCH/queries/hot.txt" ] || [ ! -s "$BENCH/queries/fill.txt" ] \
        || [ ! -s "$BENCH/zones/cluster.local.zone" ]; then
        python3 "$BENCH/gen-data.py" >/dev/null
    fi
    for f in "$BENCH"/conf/*.conf.in; do
        render "$f" > "$RUN/$(basename "${f%.in}")"
    done
    # one template, two Corefiles: nodecache-log is the same block plus the log directive
    render "$BENCH/conf/nodecache.Corefile.in" | sed -e '/^@LOG@$/d' > "$RUN/nodecache.Corefile"
    render "$BENCH/conf/nodecache.Corefile.in" | sed -e 's|^@LOG@$|    log|' > "$RUN/nodecache-log.Corefile"
    render_chart_corefile > "$RUN/nodecache-chart.Corefile"
}

# yaml_get FILE a.b.c: the scalar at that path of a plain block-style YAML file (maps only, as values.yaml is);
# enough for the chart's values, not a YAML parser
yaml_get() {
    awk -v want="$2" '
        /^[[:space:]]*(#|$)/ { next }
        {
            match($0, /^ */); ind = RLENGTH; line = substr($0, ind + 1)
            if (line !~ /^[A-Za-z0-9_-]+:/) next
            key = line; sub(/:.*/, "", key)
            val = line; sub(/^[^:]*:[[:space:]]*/, "", val); sub(/[[:space:]]+#.*$/, "", val)
            while (n > 0 && ind <= indent[n]) n--
            n++; indent[n] = ind; name[n] = key
            path = name[1]; for (i = 2; i <= n; i++) path = path "." name[i]
            if (path == want && val != "") { gsub(/^["\x27]|["\x27]$/, "", val); print val; exit }
        }' "$1"
}

# the max_concurrent nodecache-chart runs with: MAX_CONCURRENT, else the chart's corefile.maxConcurrent, else 0
max_concurrent() {
    local v=${MAX_CONCURRENT:-$(yaml_get "$CHART_VALUES" corefile.maxConcurrent)}
    echo "${v:-0}"
}

# the chart's Corefile (conf/nodecache-chart.Corefile.in) with the chart's cache values from values.yaml
render_chart_corefile() {
    local v="$CHART_VALUES" fwd=""
    [ -s "$v" ] || { echo "no chart values at $v" >&2; return 1; }
    local line="" max
    max=$(max_concurrent)
    if [ "$max" != 0 ]; then
        fwd=" {\\n        max_concurrent $max\\n    }"; line="        max_concurrent $max"
    fi
    render "$BENCH/conf/nodecache-chart.Corefile.in" | sed \
        -e "s|@METRICS_PORT@|$NODECACHE_METRICS_PORT|g" -e "s|@HEALTH_PORT@|$NODECACHE_HEALTH_PORT|g" \
        -e "s|@SUCCESS_SIZE@|$(yaml_get "$v" corefile.cache.successSize)|g" \
        -e "s|@SUCCESS_TTL@|$(yaml_get "$v" corefile.cache.successTTL)|g" \
        -e "s|@DENIAL_SIZE@|$(yaml_get "$v" corefile.cache.denialSize)|g" \
        -e "s|@DENIAL_TTL@|$(yaml_get "$v" corefile.cache.denialTTL)|g" \
        -e "s|@OTHER_TTL@|$(yaml_get "$v" corefile.cache.otherTTL)|g" \
        -e "s|@LAMEDUCK@|$(yaml_get "$v" corefile.lameduckSeconds)|g" \
        -e "s|@FORWARD_OPTS@|$fwd|" -e "s|^@MAX_CONCURRENT_LINE@\$|$line|" -e '/^$/d' -e '/^@LOG@$/d' -e '/^#/d'
}

# metric FILE NAME LABEL-REGEX: sum of the Prometheus samples of NAME whose labels match the regex (0 if none)
metric() {
    awk -v n="$2" -v re="$3" '$1 ~ /^[a-z]/ { split($1, a, "{"); if (a[1] == n && $1 ~ re) s += $2 } END { printf "%.0f\n", s }' "$1"
}

scrape() {  # scrape FILE: the nodecache-chart node's Prometheus text into FILE
    curl -s --max-time 5 "http://127.0.0.1:$NODECACHE_METRICS_PORT/metrics" > "$1" || : > "$1"
}

port_busy() {  # port_busy PORT: something listens on 127.0.0.1:PORT (UDP) or 0.0.0.0:PORT
    ss -Hlun "( sport = :$1 )" 2>/dev/null | grep -q .
}

pid_of() {  # prints the recorded PID if that process is alive and is the expected program
    local name=$1 pidf="$RUN/$1.pid" pid
    [ -s "$pidf" ] || return 1
    pid=$(cat "$pidf")
    [ -d "/proc/$pid" ] || return 1
    grep -q "$(peer_bin "$name")" "/proc/$pid/comm" 2>/dev/null || return 1
    if is_jvm "$name"; then  # a java, and the one started with our Corefile
        tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--nodecache.conf=$RUN/$name.Corefile" || return 1
    fi
    echo "$pid"
}

probe_name() {
    case "$1" in
        upstream) echo "cluster.local SOA" ;;
        floor) head -n 1 "$BENCH/queries/hot.txt" ;;   # it knows only the query files' questions
        *) echo "kubernetes.default.svc.cluster.local A" ;;
    esac
}

build_floor() {  # the floor responder, compiled into $RUN (gcc -O2)
    [ "$RUN/floor-responder" -nt "$BENCH/floor/responder.c" ] && return 0
    gcc -O2 -Wall -o "$RUN/floor-responder" "$BENCH/floor/responder.c"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

wait_ready() {  # wait_ready NAME [PID]: up to START_TIMEOUT s for an answer on the peer's port
    local name=$1 pid=${2:-} port out deadline
    port=$(peer_port "$name")
    deadline=$(( $(now_ms) + START_TIMEOUT * 1000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        out=$(dig +time=1 +tries=1 +short -p "$port" @127.0.0.1 $(probe_name "$name") 2>/dev/null) || out=
        case "$out" in ''|';'*) ;; *) return 0 ;; esac
        if [ -n "$pid" ] && [ ! -d "/proc/$pid" ]; then break; fi   # it died: stop waiting
        sleep 0.02
    done
    echo "$name did not answer on 127.0.0.1:$port; see $RUN/logs/$name.out" >&2
    return 1
}

start_daemon() {  # start_daemon NAME [CPU]; for the JVM peers also writes $RUN/NAME.start_ms
    local name=$1 cpu=${2:-} pid cmd t0 t1
    render_configs
    if pid=$(pid_of "$name"); then
        echo "$name already running (pid $pid)" >&2; return 1
    fi
    if is_jvm "$name"; then
        [ -x "$JAVA" ] || { echo "JAVA=$JAVA is not an executable" >&2; return 1; }
        [ -s "$JAR" ] || { echo "no jar at $JAR (build it, or set JAR=)" >&2; return 1; }
    fi
    if port_busy "$(peer_port "$name")"; then
        echo "127.0.0.1:$(peer_port "$name") is already in use (not by us); stop that or set PORT_OFFSET=" >&2
        return 1
    fi
    cmd=$(peer_cmd "$name" "$cpu")
    if [ -n "$cpu" ]; then cmd="taskset -c $cpu $cmd"; fi
    : > "$RUN/logs/$name.out"
    t0=$(now_ms)
    # taskset execs the daemon, so $! is the daemon's own PID. Append (>>), so the query log
    # can be truncated between workloads without leaving a sparse file behind.
    $cmd >>"$RUN/logs/$name.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$RUN/$name.pid"
    wait_ready "$name" "$pid" && [ -d "/proc/$pid" ] || { stop_daemon "$name"; return 1; }
    t1=$(now_ms)
    if is_jvm "$name"; then
        echo $((t1 - t0)) > "$RUN/$name.start_ms"
        # DNS answers before the web side has started; measuring while Spring still builds the console
        # would charge its start-up to the DNS path, so wait for it to finish.
        local i
        for i in $(seq 1 $((START_TIMEOUT * 10))); do
            grep -q "Started NodecacheApplication" "$RUN/logs/$name.out" && break
            sleep 0.1
        done
        echo $(($(now_ms) - t0)) > "$RUN/$name.web_ms"
    fi
    echo "started $name pid $pid port $(peer_port "$name")${cpu:+ cpu $cpu} in $((t1 - t0)) ms" >&2
}

stop_daemon() {  # stop_daemon NAME: SIGTERM, SIGKILL after 5 s; only the recorded PID
    local name=$1 pid i
    if ! pid=$(pid_of "$name"); then rm -f "$RUN/$name.pid"; return 0; fi
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        [ -d "/proc/$pid" ] || break
        sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
    rm -f "$RUN/$name.pid"
    echo "stopped $name pid $pid" >&2
}

rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo NA; }

# heap_kb [JCMD] PID: "young_used old_used committed metaspace_used" in KiB, from jcmd GC.heap_info (the attach
# API: works with -XX:-UsePerfData, which the argfile sets and which leaves jstat nothing to read). Serial's lines:
# "def new generation total NK, used NK", "tenured generation total NK, used NK", "Metaspace used NK, ...".
heap_kb() {
    local jcmd=jcmd
    [ $# -ge 2 ] && { jcmd=$1; shift; }
    "$jcmd" "$1" GC.heap_info 2>/dev/null | awk '
        function kb(word) { return match($0, word " [0-9]+K") ? substr($0, RSTART + length(word) + 1, RLENGTH - length(word) - 2) + 0 : 0 }
        /new generation/ { yt = kb("total"); yu = kb("used") }
        /tenured generation/ { ot = kb("total"); ou = kb("used") }
        /^ *Metaspace/ { mu = kb("used") }
        END { printf "%d %d %d %d\n", yu, ou, yt + ot, mu }'
}

cpu_ticks() {  # utime+stime of the whole process (all threads), in clock ticks
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}'
}

tree_ticks() {  # cpu_ticks summed over a process and all its descendants (nsd forks workers)
    local pids=$1 frontier=$1 next p sum=0 t
    while [ -n "$frontier" ]; do
        next=
        for p in $frontier; do next="$next $(pgrep -P "$p" 2>/dev/null | tr '\n' ' ')"; done
        next=$(echo $next)
        pids="$pids $next"; frontier=$next
    done
    for p in $pids; do t=$(cpu_ticks "$p"); sum=$((sum + ${t:-0})); done
    echo "$sum"
}
