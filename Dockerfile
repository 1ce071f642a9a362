# syntax=docker/dockerfile:1
# nodecache's image: a Maven build, then a JRE with iptables and iproute2. docs/image.md tells how to build it,
# the layout it has (a contract the chart and the compose helpers rely on) and what was measured.
#   docker build -t nodecache:dev .

# --- build: the fat jar, extracted into Spring Boot's layout ------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# the pom alone first: its dependencies stay in a cached layer while only the sources change
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline || true
COPY src ./src
COPY frontend ./frontend
RUN mvn -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/nodecache-0.1.0-SNAPSHOT.jar extract \
        --destination /app --application-filename nodecache.jar

# --- runtime: a JRE, the tools the node's network setup runs, the layout, a CDS archive ----------------------------
# eclipse-temurin:17-jre: a maintained JRE-only image of the JDK the build used (same vendor and major), with
# its default CDS archive, on Ubuntu (apt for iptables and iproute2); Jib's configuration in pom.xml starts from it too.
FROM eclipse-temurin:17-jre AS base
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables iproute2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 nodecache \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nodecache \
 && mkdir -p /run/nodecache && chown 65532:65532 /run/nodecache

# the base alone (docker build --target base) is what Jib's build (pom.xml) can start from to have these tools too
FROM base
ENV NODECACHE_STATE_DIR=/run/nodecache MALLOC_ARENA_MAX=2
COPY --from=build /app/ /app/
COPY src/main/jvm/jvm.options /app/jvm.options
COPY --chmod=755 src/main/sh/nodecache-supervisor /app/nodecache-supervisor
# The CDS training run: start a node on a minimal Corefile and exit once its contexts have refreshed
# (-Dspring.context.exit=onRefresh), dumping the classes it loaded. Made here, on this image's JVM: an archive
# is only valid for the JVM build that wrote it.
RUN printf '.:53 {\n    forward . 127.0.0.1:5301\n    cache 30\n}\n' > /tmp/training.Corefile \
 && java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/nodecache.jsa -Dspring.context.exit=onRefresh \
        -jar /app/nodecache.jar --nodecache.conf=/tmp/training.Corefile --nodecache.embedded-upstream=false \
        --server.port=0 \
 && rm /tmp/training.Corefile \
 && chmod 644 /app/nodecache.jsa
EXPOSE 53/udp 53/tcp 8080 9253 8181
# The CDS flag lives here, not in jvm.options: JDK 17 given a missing archive file runs with no class sharing at all
# (not even the JDK's own), and only this image has the archive. The chart passes the node's arguments as args.
ENTRYPOINT ["/app/nodecache-supervisor", "java", "@/app/jvm.options", "-XX:SharedArchiveFile=/app/nodecache.jsa", "-jar", "/app/nodecache.jar"]
