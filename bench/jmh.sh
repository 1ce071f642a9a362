#!/usr/bin/env bash
# JMH microbenchmarks of the DNS hot path (test sources named *Benchmark).
#   bench/jmh.sh [REGEX] [JMH ARGS...]     e.g.  bench/jmh.sh HitPath -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/jmh.classpath >/dev/null
exec "${JAVA:-java}" -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
    org.openjdk.jmh.Main "${@:-Benchmark}"
