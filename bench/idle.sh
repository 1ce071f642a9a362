#!/usr/bin/env bash
# Idle CPU of a nodecache node: no queries, after warm-up, the console's background work included.
#   bench/idle.sh            start a node (chart-shaped Corefile: cache, forward to a loopback port, health,
#                            prometheus; console on loopback), wait WARMUP s, measure SECONDS_IDLE s, stop it
#   bench/idle.sh PID        measure an already running JVM
# Prints the process's CPU as % of one core (utime+stime deltas of /proc/PID/stat) and the threads that spent
# it, with their context switches per second (/proc/PID/task/TID/status), so wake-ups show even when each is cheap.
# Queries after warm-up: none from this script (QUERY=1 sends one dig before measuring, so the cache and the
# console have seen traffic). Knobs: WARMUP (30), SECONDS_IDLE (60), TOP (12), PORT_OFFSET (as lib.sh: 5313 dns, 5380 web, 5381/5382).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
WARMUP=${WARMUP:-30}
SECONDS_IDLE=${SECONDS_IDLE:-60}
TOP=${TOP:-12}
HZ=$(getconf CLK_TCK)

started=""
if [ $# -ge 1 ]; then
    PID=$1
else
    mkdir -p "$RUN"
    # The upstream: a few lines answering every UDP query NOERROR with no records, so the node's readiness probe
    # succeeds (an upstream that never answers keeps the node probing it every second: not idle).
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, peer = s.recvfrom(4096)
    if len(q) >= 12: s.sendto(q[:2] + bytes([q[2] | 0x80, 0x80]) + q[4:6] + bytes(6) + q[12:], peer)
' "$UPSTREAM_PORT" &
    upstream=$!
    conf="$RUN/idle.Corefile"
    cat > "$conf" <<EOF
.:$NODECACHE_PORT {
    errors
    cache 30
    reload
    loop
    bind 127.0.0.1
    forward . 127.0.0.1:$UPSTREAM_PORT
    prometheus 127.0.0.1:$NODECACHE_METRICS_PORT
    health 127.0.0.1:$NODECACHE_HEALTH_PORT
}
EOF
    # shellcheck disable=SC2086
    $JAVA $JVM_FLAGS -Dspring.main.banner-mode=off -jar "$JAR" --nodecache.conf="$conf" \
        --nodecache.embedded-upstream=false --server.port="$NODECACHE_WEB_PORT" --server.address=127.0.0.1 \
        $NODECACHE_ARGS > "$RUN/idle.log" 2>&1 &
    PID=$!
    started=$PID
    trap 'kill "$started" "$upstream" 2>/dev/null; wait "$started" 2>/dev/null || true' EXIT
    echo "node pid $PID (log $RUN/idle.log); warm-up ${WARMUP}s" >&2
    sleep "$WARMUP"
    if [ "${QUERY:-0}" = 1 ]; then
        dig +short +time=2 +tries=1 -p "$NODECACHE_PORT" @127.0.0.1 idle.example. A > /dev/null || true
        sleep 2
    fi
fi
[ -d "/proc/$PID" ] || { echo "no process $PID" >&2; exit 1; }

snap() {  # snap FILE: "tid ticks voluntary involuntary name" per thread
    local t
    for t in /proc/"$PID"/task/*; do
        [ -r "$t/stat" ] || continue
        # fields after the ")" of comm: utime is field 14, stime 15 of the whole line
        awk -v tid="${t##*/}" -v name="$(tr ' ' '_' < "$t/comm")" \
            'FNR==NR { sub(/^.*\) /, ""); ticks = $12 + $13; next }
             /^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 }
             END { print tid, ticks, v, n, name }' "$t/stat" "$t/status" 2>/dev/null || true
    done > "$1"
}

proc_ticks() { sed 's/^.*) //' "/proc/$PID/stat" | awk '{ print $12 + $13 }'; }

a=$(mktemp); b=$(mktemp)
snap "$a"; t0=$(proc_ticks); s0=$(date +%s.%N)
sleep "$SECONDS_IDLE"
snap "$b"; t1=$(proc_ticks); s1=$(date +%s.%N)

awk -v hz="$HZ" -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v top="$TOP" '
    FNR==NR { ticks[$1] = $2; vol[$1] = $3; inv[$1] = $4; next }
    { dt = $2 - ($1 in ticks ? ticks[$1] : 0); dv = $3 - ($1 in vol ? vol[$1] : 0)
      dn = $4 - ($1 in inv ? inv[$1] : 0); sum_cs += dv + dn
      printf "%d %d %d %d %s\n", $1, dt, dv, dn, $5 > "/dev/stderr" }
    END { secs = s1 - s0
          printf "idle CPU over %.0f s: %.2f %% of a core (%d ticks at %d Hz); context switches %.0f/s in all\n",
                 secs, 100 * (t1 - t0) / hz / secs, t1 - t0, hz, sum_cs / secs }' "$a" "$b" 2> "$a.rows"
secs=$(awk -v s0="$s0" -v s1="$s1" 'BEGIN { print s1 - s0 }')
printf "%-8s %-28s %8s %10s %10s\n" tid thread "cpu %" "vol cs/s" "invol cs/s"
sort -k2,2nr -k3,3nr "$a.rows" | head -n "$TOP" | awk -v hz="$HZ" -v secs="$secs" \
    '{ printf "%-8s %-28s %8.2f %10.1f %10.1f\n", $1, $5, 100 * $2 / hz / secs, $3 / secs, $4 / secs }'
echo "(top $TOP by CPU, then by wake-ups; jcmd $PID Thread.print names threads whose comm is cut at 15 chars)"
rm -f "$a" "$b" "$a.rows"
