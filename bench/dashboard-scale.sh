#!/usr/bin/env bash
# The dashboard against 500 simulated nodes and 10 000 pods (loopback only); prints one table.
#   bench/dashboard-scale.sh                       # ~1.5 min after the build
#   SKIP_BUILD=1 NODES=200 HANG=20 bench/dashboard-scale.sh
# The simulated nodes run in the driver's JVM (test sources, io.nodecache.dashboard.bench), the dashboard in its
# own JVM from the jar with DASH_JVM_OPTS, so its heap and RSS are its alone. Pinned by default: the dashboard on
# DASH_CPU (1), the driver and simulator on SIM_CPU (0); DASH_CPU= SIM_CPU= to pin nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA=${JAVA:-/usr/bin/java}
[[ -d $JAVA ]] && JAVA=$JAVA/bin/java
JAVA=$(readlink -f "$(command -v "$JAVA")")
JAR=${JAR:-target/nodecache-0.1.0-SNAPSHOT.jar}
# What ships: the dashboard as the README starts it, plain `java -jar` with the launcher's own defaults (no argfile
# exists yet; issue 10 brings one). Set DASH_JVM_OPTS to try flags; a figure measured with them is not the product's.
DASH_JVM_OPTS=${DASH_JVM_OPTS-}
SIM_JVM_OPTS=${SIM_JVM_OPTS:-"-Xmx1g -XX:+UseParallelGC"}
DASH_CPU=${DASH_CPU-1}
SIM_CPU=${SIM_CPU-0}
OUT=${OUT:-${TMPDIR:-/tmp}/nodecache-dashboard-scale}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    mvn -B -q -DskipTests package
fi
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
mkdir -p "$OUT"

pin=()
[[ -n $SIM_CPU ]] && pin=(taskset -c "$SIM_CPU")
echo "JAVA=$JAVA ($("$JAVA" -version 2>&1 | head -1)); $(nproc) CPUs; dashboard CPU ${DASH_CPU:-any}, simulator CPU ${SIM_CPU:-any}"
echo "DASH_JVM_OPTS=$DASH_JVM_OPTS"
# shellcheck disable=SC2086
"${pin[@]}" "$JAVA" $SIM_JVM_OPTS -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    io.nodecache.dashboard.bench.DashboardScaleBench \
    --nodes="${NODES:-500}" --pods="${PODS:-10000}" --hang="${HANG:-50}" \
    --refreshes="${REFRESHES:-10}" --hung-refreshes="${HUNG_REFRESHES:-5}" \
    --chains-per-sec="${CHAINS_PER_SEC:-1}" --prefill="${PREFILL:-PT10M}" \
    --timeout="${TIMEOUT:-1500ms}" --refresh="${REFRESH:-2s}" --sim-threads="${SIM_THREADS:-4}" \
    --java="$JAVA" --jvm-opts="$DASH_JVM_OPTS" --jar="$JAR" --dashboard-cpu="$DASH_CPU" --out="$OUT" \
    2> >(tee "$OUT/driver.err" >&2)
echo "dashboard log: $OUT/dashboard.log; lists and results.tsv in $OUT"
