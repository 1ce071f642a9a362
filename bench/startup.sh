#!/usr/bin/env bash
# Start to first answered query, pinned to one CPU, for the three ways to ship the jar:
#   fat      java -jar target/nodecache-*.jar (Spring Boot's nested jar)
#   extract  the layout of `java -Djarmode=tools -jar ... extract` (what a container image should hold)
#   cds      extract + a class-data-sharing archive made by a training run (JDK 17 -XX:ArchiveClassesAtExit)
# Knobs: RUNS=3, SERVER_CPU=1, JAVA, JVM_OPTS (extra flags, as run.sh), SKIP_BUILD=1. Everything stays on 127.0.0.1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
SERVER_CPU=${SERVER_CPU:-1}
cd "$REPO"
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests package
render_configs
OUT="$RUN/startup"
rm -rf "$OUT" && mkdir -p "$OUT"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/extracted" >/dev/null
EXTRACTED="$OUT/extracted/$(basename "$JAR")"
COREFILE="$RUN/nodecache.Corefile"
ARGS="--nodecache.conf=$COREFILE --nodecache.embedded-upstream=false --server.port=0 --nodecache.udp-threads=1"
# shellcheck disable=SC2086
"$JAVA" $JVM_FLAGS -XX:ArchiveClassesAtExit="$OUT/app.jsa" -Dspring.context.exit=onRefresh -jar "$EXTRACTED" $ARGS \
    >"$OUT/training.log" 2>&1 || { echo "CDS training run failed; see $OUT/training.log" >&2; exit 1; }

cleanup() { stop_daemon upstream 2>/dev/null || true; pkill -f -- "--nodecache.conf=$COREFILE" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
start_daemon upstream "$([ "$SERVER_CPU" = 0 ] && echo 1 || echo 0)"

measure() {  # measure JAR [JVM flags...]: prints ms from exec to the first answer
    local jar=$1; shift
    local t0 t1 pid
    t0=$(now_ms)
    # shellcheck disable=SC2086
    taskset -c "$SERVER_CPU" "$JAVA" $JVM_FLAGS "$@" -jar "$jar" $ARGS >"$OUT/run.log" 2>&1 &
    pid=$!
    until dig +time=1 +tries=1 +short -p "$NODECACHE_PORT" @127.0.0.1 kubernetes.default.svc.cluster.local 2>/dev/null \
            | grep -q '^10\.'; do
        sleep 0.02
        [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "no answer in 60 s" >&2; kill "$pid"; return 1; }
    done
    t1=$(now_ms)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo $((t1 - t0))
}

printf '%-8s %s\n' layout "start to first answer, ms (pinned to CPU $SERVER_CPU; $RUNS runs)"
for layout in fat extract cds; do
    row=
    for i in $(seq 1 "$RUNS"); do
        case $layout in
            fat) ms=$(measure "$JAR") ;;
            extract) ms=$(measure "$EXTRACTED") ;;
            cds) ms=$(measure "$EXTRACTED" -XX:SharedArchiveFile="$OUT/app.jsa") ;;
        esac
        row="$row $ms"
    done
    printf '%-8s%s\n' "$layout" "$row"
done
