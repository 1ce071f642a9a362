package io.nodecache.kubednscm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.PillarValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering at start, re-rendering on change, keeping the last good file and counting what goes wrong. */
class ConfigMapSyncTest {

    private static final String BASE = """
            .:53 {
                errors
                reload
                bind __PILLAR__LOCAL__DNS__
                forward . __PILLAR__UPSTREAM__SERVERS__
            }
            """;

    @TempDir
    Path dir;
    private Path base;
    private Path cm;
    private Path conf;
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger reloads = new AtomicInteger();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicReference<List<String>> nodeUpstreams = new AtomicReference<>(List.of("192.0.2.53"));
    private ConfigMapSync sync;

    @BeforeEach
    void files() throws Exception {
        base = Files.writeString(dir.resolve("Corefile.base"), BASE);
        cm = dir.resolve("kube-dns");
        conf = dir.resolve("Corefile");
        sync = new ConfigMapSync(base, cm, conf, () -> new PillarValues(List.of("127.0.0.1"), null, "cluster.local",
                null, nodeUpstreams.get()), errors::incrementAndGet, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        sync.close();
    }

    @Test
    void noConfigMapDirectoryIsNoErrorAndTheBaseIsRenderedAlone() throws Exception {
        sync.renderAtStart();

        assertThat(Files.readString(conf)).endsWith(".:53 {\n    errors\n    reload\n    bind 127.0.0.1\n"
                + "    forward . 192.0.2.53\n}\n").doesNotContain("__PILLAR__");
        assertThat(errors).hasValue(0);
        assertThat(sync.check()).as("nothing changed").isFalse();
    }

    @Test
    void aChangedConfigMapIsRenderedWrittenWholeAndHandedToTheReload() throws Exception {
        sync.renderAtStart();
        sync.start(java.time.Duration.ofHours(1), reloads::incrementAndGet);
        Files.createDirectory(cm);
        Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.0.0.1\"]}");
        Files.writeString(cm.resolve("upstreamNameservers"), "[\"10.0.0.53\"]");

        assertThat(sync.check()).isTrue();

        assertThat(Files.readString(conf)).contains("forward . 10.0.0.53\n").contains("acme.local:53 {\n");
        assertThat(reloads).hasValue(1);
        assertThat(errors).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("updated " + conf + " with 1 custom stubdomains [acme.local] and upstream servers 10.0.0.53");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("Corefile.base", "kube-dns", "Corefile");
        }
    }

    @Test
    void badJsonIsCountedOnceNamingTheFileAndTheLastGoodCorefileIsKept() throws Exception {
        Files.createDirectory(cm);
        Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.0.0.1\"]}");
        sync.renderAtStart();
        sync.start(java.time.Duration.ofHours(1), reloads::incrementAndGet);
        String good = Files.readString(conf);

        Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.0.0.1\"");
        assertThat(sync.check()).isFalse();
        assertThat(sync.check()).isFalse();

        assertThat(errors).as("once per content, not per interval").hasValue(1);
        assertThat(Files.readString(conf)).isEqualTo(good);
        assertThat(reloads).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("[ERROR] kubednscm: " + cm.resolve("stubDomains") + ": invalid JSON");

        Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.0.0.1:99999\"]}");
        assertThat(sync.check()).isFalse();
        assertThat(errors).hasValue(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(cm.resolve("stubDomains")
                + ": key \"acme.local\": \"10.0.0.1:99999\" is not a nameserver");

        Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.0.0.2\"]}");
        assertThat(sync.check()).isTrue();
        assertThat(Files.readString(conf)).contains("forward . 10.0.0.2\n");
    }

    @Test
    void aBadConfigMapAtStartIsCountedAndTheBaseIsRenderedWithoutIt() throws Exception {
        Files.createDirectory(cm);
        Files.writeString(cm.resolve("upstreamNameservers"), "[\"dns.google\"]");

        sync.renderAtStart();

        assertThat(errors).hasValue(1);
        assertThat(Files.readString(conf)).contains("forward . 192.0.2.53\n");
    }

    @Test
    void aBaseThatDoesNotParseFailsTheStart() throws Exception {
        Files.writeString(base, ".:53 {\n    rewrite name a b\n}\n");

        assertThatThrownBy(sync::renderAtStart).isInstanceOf(CorefileException.class)
                .hasMessageContaining(base + ":2:");
        assertThat(conf).doesNotExist();
    }

    @Test
    void aBaseThatGoesBadLaterKeepsTheLastGoodCorefile() throws Exception {
        sync.renderAtStart();
        String good = Files.readString(conf);
        Files.writeString(base, ".:53 {\n    rewrite name a b\n}\n");

        assertThat(sync.check()).isFalse();
        Files.delete(base);
        assertThat(sync.check()).isFalse();

        assertThat(errors).hasValue(2);
        assertThat(Files.readString(conf)).isEqualTo(good);
    }

    @Test
    void theNodesOwnUpstreamsChangingRerendersToo() throws Exception {
        sync.renderAtStart();
        nodeUpstreams.set(List.of("192.0.2.54"));

        assertThat(sync.check()).isTrue();
        assertThat(Files.readString(conf)).contains("forward . 192.0.2.54\n");
    }

    @Test
    void withoutReloadTheNewFileWaitsForARestartAndSaysSo() throws Exception {
        sync.renderAtStart();
        sync.start(java.time.Duration.ofHours(1), null);
        Files.createDirectory(cm);
        Files.writeString(cm.resolve("upstreamNameservers"), "[\"10.0.0.53\"]");

        assertThat(sync.check()).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(conf + " has no reload directive");
    }

    @Test
    void aConfWhoseDirectoryIsGoneIsCountedAndRetried() throws Exception {
        Path elsewhere = dir.resolve("gone/Corefile");
        ConfigMapSync s = new ConfigMapSync(base, cm, elsewhere, () -> new PillarValues(List.of("127.0.0.1"), null,
                null, null, List.of("192.0.2.53")), errors::incrementAndGet, new PrintStream(out, true));

        s.renderAtStart();
        s.close(); // never started: check() is called by hand
        assertThat(errors).hasValue(1);
        assertThat(s.check()).isFalse();
        assertThat(errors).as("a write failure is retried, and counted again").hasValue(2);
        Files.createDirectory(dir.resolve("gone"));
        assertThat(s.check()).isTrue();
        assertThat(elsewhere).exists();
    }
}
