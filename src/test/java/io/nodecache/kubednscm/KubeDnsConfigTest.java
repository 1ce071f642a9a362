package io.nodecache.kubednscm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kube-dns ConfigMap's {@code stubDomains} and {@code upstreamNameservers}, validated as kube-dns does. */
class KubeDnsConfigTest {

    private static final String STUBS = "/etc/kube-dns/stubDomains";
    private static final String UPSTREAMS = "/etc/kube-dns/upstreamNameservers";

    @Test
    void stubDomainsAndUpstreamsAsKubeDnsDocumentsThem() throws Exception {
        KubeDnsConfig c = KubeDnsConfig.parse("""
                {"acme.local": ["1.2.3.4"], "corp.example": ["10.0.0.1:5353", "[fd00::53]:53", "fd00::54"]}
                """, STUBS, "[\"8.8.8.8\", \"8.8.4.4:53\"]", UPSTREAMS);

        assertThat(c.stubDomains()).containsExactly(
                Map.entry("acme.local", List.of("1.2.3.4")),
                Map.entry("corp.example", List.of("10.0.0.1:5353", "[fd00::53]:53", "fd00::54")));
        assertThat(c.upstreamNameservers()).containsExactly("8.8.8.8", "8.8.4.4:53");
    }

    @Test
    void stubDomainsComeInDomainOrderWhateverTheFileSays() throws Exception {
        KubeDnsConfig c = KubeDnsConfig.parse("{\"zeta.test\": [\"1.1.1.1\"], \"alpha.test\": [\"2.2.2.2\"]}", STUBS,
                null, UPSTREAMS);

        assertThat(c.stubDomains().keySet()).containsExactly("alpha.test", "zeta.test");
    }

    static Stream<Arguments> notSet() {
        return Stream.of(arguments((String) null), arguments(""), arguments("  \n"), arguments("null"));
    }

    @ParameterizedTest
    @MethodSource
    void notSet(String text) throws Exception {
        assertThat(KubeDnsConfig.parse(text, STUBS, text, UPSTREAMS)).isEqualTo(KubeDnsConfig.empty());
    }

    /** Should fail: each row names the file, and for a stub domain the key. */
    static Stream<Arguments> badStubDomains() {
        return Stream.of(
                arguments("{\"acme.local\": [\"1.2.3.4\"]", STUBS + ": invalid JSON"),
                arguments("[\"1.2.3.4\"]", STUBS + ": not a JSON object"),
                arguments("{\"acme.local\": \"1.2.3.4\"}", STUBS + ": key \"acme.local\": not a JSON list"),
                arguments("{\"acme.local\": [1234]}", STUBS + ": key \"acme.local\": 1234 is not a string"),
                arguments("{\"acme.local\": []}", STUBS + ": key \"acme.local\": no nameservers"),
                arguments("{\"Acme.Local\": [\"1.2.3.4\"]}", STUBS + ": key \"Acme.Local\": not a valid domain"),
                arguments("{\"acme.local.\": [\"1.2.3.4\"]}", STUBS + ": key \"acme.local.\": not a valid domain"),
                arguments("{\"ac_me.local\": [\"1.2.3.4\"]}", STUBS + ": key \"ac_me.local\": not a valid domain"),
                arguments("{\"-acme.local\": [\"1.2.3.4\"]}", STUBS + ": key \"-acme.local\": not a valid domain"),
                arguments("{\"" + "a".repeat(64) + ".local\": [\"1.2.3.4\"]}", "not a valid domain"),
                arguments("{\"acme.local\": [\"ns.acme.local\"]}",
                        STUBS + ": key \"acme.local\": \"ns.acme.local\" is not a nameserver"),
                arguments("{\"acme.local\": [\"1.2.3.4:0\"]}", "\"1.2.3.4:0\" is not a nameserver"),
                arguments("{\"acme.local\": [\"1.2.3.4:65536\"]}", "\"1.2.3.4:65536\" is not a nameserver"),
                arguments("{\"acme.local\": [\"1.2.3.4:dns\"]}", "\"1.2.3.4:dns\" is not a nameserver"),
                arguments("{\"acme.local\": [\"1.2.3\"]}", "\"1.2.3\" is not a nameserver"),
                arguments("{\"acme.local\": [\"[1.2.3.4]:53\"]}", "\"[1.2.3.4]:53\" is not a nameserver"),
                arguments("{\"acme.local\": [\"[fd00::1]\"]}", "\"[fd00::1]\" is not a nameserver"),
                arguments("{\"acme.local\": [\"tls://1.2.3.4\"]}", "\"tls://1.2.3.4\" is not a nameserver"),
                arguments("{\"acme.local\": [\"/etc/resolv.conf\"]}", "\"/etc/resolv.conf\" is not a nameserver"),
                arguments("{\"acme.local\": [" + "\"1.2.3.4\",".repeat(16) + "\"1.2.3.4\"]}",
                        "17 nameservers, more than the 15 forward takes"));
    }

    @ParameterizedTest
    @MethodSource
    void badStubDomains(String json, String message) {
        KubeDnsConfigException e = catchThrowableOfType(KubeDnsConfigException.class,
                () -> KubeDnsConfig.parse(json, STUBS, null, UPSTREAMS));

        assertThat(e).as(json).isNotNull();
        assertThat(e.getMessage()).contains(message);
    }

    static Stream<Arguments> badUpstreams() {
        return Stream.of(
                arguments("[\"8.8.8.8\"", UPSTREAMS + ": invalid JSON"),
                arguments("{\"a\": 1}", UPSTREAMS + ": not a JSON list"),
                arguments("\"8.8.8.8\"", UPSTREAMS + ": not a JSON list"),
                arguments("[\"8.8.8.8\", \"dns.google\"]", UPSTREAMS + ": \"dns.google\" is not a nameserver"),
                arguments("[\"1.1.1.1\", \"1.0.0.1\", \"8.8.8.8\", \"8.8.4.4\"]",
                        UPSTREAMS + ": 4 nameservers; upstreamNameservers cannot have more than 3"));
    }

    @ParameterizedTest
    @MethodSource
    void badUpstreams(String json, String message) {
        KubeDnsConfigException e = catchThrowableOfType(KubeDnsConfigException.class,
                () -> KubeDnsConfig.parse(null, STUBS, json, UPSTREAMS));

        assertThat(e).as(json).isNotNull();
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void anAbsentDirectoryOrAbsentFilesAreNoStubDomainsAndTheNodesUpstreams(@TempDir Path dir) throws Exception {
        assertThat(KubeDnsConfig.read(dir.resolve("kube-dns"))).isEqualTo(KubeDnsConfig.empty());
        Files.createDirectory(dir.resolve("kube-dns"));
        Files.writeString(dir.resolve("kube-dns/federations"), "not read");
        assertThat(KubeDnsConfig.read(dir.resolve("kube-dns"))).isEqualTo(KubeDnsConfig.empty());
    }

    @Test
    void filesAreReadAsAConfigMapVolumeMountsThem(@TempDir Path dir) throws Exception {
        // A ConfigMap volume: the keys are symlinks into a ..data directory that is swapped on update.
        Path data = Files.createDirectories(dir.resolve("..2026_01_01/"));
        Files.writeString(data.resolve("stubDomains"), "{\"acme.local\": [\"1.2.3.4\"]}");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("stubDomains"), Path.of("..data/stubDomains"));

        assertThat(KubeDnsConfig.read(dir).stubDomains()).containsOnlyKeys("acme.local");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("upstreamNameservers"), new byte[] {'[', (byte) 0xff, ']'});

        KubeDnsConfigException e = catchThrowableOfType(KubeDnsConfigException.class, () -> KubeDnsConfig.read(dir));
        assertThat(e.getMessage()).isEqualTo(dir.resolve("upstreamNameservers") + ": not UTF-8 text");
    }
}
