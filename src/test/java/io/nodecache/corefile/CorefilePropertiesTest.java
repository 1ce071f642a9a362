package io.nodecache.corefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The Corefile parser on anything it may be given: text either parses or fails with a {@link CorefileException}
 * naming a line the text has (and nothing else escapes); generated valid Corefiles parse back into exactly the
 * configuration they were written from ({@link CorefileRoundTrip} is the generator).
 */
class CorefilePropertiesTest {

    static final PillarValues PILLARS = new PillarValues(List.of("169.254.20.10", "10.96.0.10"), "10.96.0.10",
            "cluster.local", "10.96.0.11", List.of("8.8.8.8", "1.1.1.1"));

    /** The Corefiles real deployments ship: node-local-dns's manifest, Cilium's guide, our embedded default. */
    static final List<String> REAL = List.of(Corefiles.resource("nodelocaldns.Corefile"),
            Corefiles.resource("cilium-node-local-dns.Corefile"), embedded());

    private static String embedded() {
        try (var in = CorefilePropertiesTest.class.getClassLoader().getResourceAsStream("embedded/Corefile")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Words a Corefile is made of, and words that break one. */
    private static final List<String> WORDS = List.of("{", "}", "{", "}", ".:53", "cluster.local:53", ".", "dns://.:53",
            "in-addr.arpa", "10.0.0.0/8:53", "errors", "log", "loop", "reload", "bind", "health", "prometheus", "cache",
            "forward", "success", "denial", "prefetch", "serve_stale", "servfail", "keepttl", "force_tcp", "prefer_udp",
            "policy", "sequential", "max_fails", "health_check", "expire", "max_concurrent", "except", "lameduck",
            "tls", "30", "0", "-1", "9984", "99999999999999999999", "5s", "1h30m", "1.5.5s", "10%", "95%", "-5s",
            "127.0.0.1", "::1", "[::1]:53", "127.0.0.1:5353", "169.254.20.10:8080", ":9253", "host.example",
            "/etc/resolv.conf", "__PILLAR__LOCAL__DNS__", "__PILLAR__NOPE__", "\"quoted word\"", "\"{\"", "\"",
            "#", "# comment", "a#b", "\\", "ünïcödé", "\t", "\r");

    @Provide
    Arbitrary<String> tokenStreams() {
        Arbitrary<String> word = Arbitraries.of(WORDS);
        Arbitrary<String> separator = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(" ")),
                Tuple.of(3, Arbitraries.just("\n")), Tuple.of(1, Arbitraries.just("\n\n    ")));
        return Combinators.combine(word, separator).as((w, s) -> w + s).list().ofMaxSize(60)
                .map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> mutatedRealCorefiles() {
        return Combinators.combine(Arbitraries.of(REAL), mutation().list().ofMinSize(1).ofMaxSize(5))
                .as((text, ms) -> {
                    String t = text;
                    for (var m : ms) {
                        t = m.apply(t);
                    }
                    return t;
                });
    }

    private interface TextMutation {
        String apply(String text);
    }

    private static Arbitrary<TextMutation> mutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 10_000);
        return Arbitraries.oneOf(
                // a line removed, doubled, or two lines swapped
                at.map(i -> t -> {
                    List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
                    lines.remove(i % lines.size());
                    return String.join("\n", lines);
                }),
                at.map(i -> t -> {
                    List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
                    lines.add(i % lines.size(), lines.get(i % lines.size()));
                    return String.join("\n", lines);
                }),
                Combinators.combine(at, at).as((i, j) -> t -> {
                    List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
                    java.util.Collections.swap(lines, i % lines.size(), j % lines.size());
                    return String.join("\n", lines);
                }),
                // a word of the vocabulary inserted anywhere, a character replaced by any character
                Combinators.combine(at, Arbitraries.of(WORDS)).as((i, w) -> t -> {
                    int p = i % (t.length() + 1);
                    return t.substring(0, p) + w + t.substring(p);
                }),
                Combinators.combine(at, Arbitraries.chars()).as((i, c) -> t -> {
                    if (t.isEmpty()) {
                        return t;
                    }
                    int p = i % t.length();
                    return t.substring(0, p) + c + t.substring(p + 1);
                }),
                // cut off anywhere
                at.map(i -> t -> t.substring(0, i % (t.length() + 1))));
    }

    @Property(tries = 3000)
    void anyTextParsesOrNamesALineItHas(@ForAll String text) {
        parsesOrNamesALine(text);
    }

    @Property(tries = 5000)
    void anyTokenStreamParsesOrNamesALineItHas(@ForAll("tokenStreams") String text) {
        parsesOrNamesALine(text);
    }

    @Property(tries = 5000)
    void mutatedRealCorefilesParseOrNameALineTheyHave(@ForAll("mutatedRealCorefiles") String text) {
        parsesOrNamesALine(text);
    }

    @Property(tries = 300)
    void generatedCorefilesParseIntoTheConfigurationTheyWereWrittenFrom(
            @ForAll("configs") CorefileRoundTrip.Generated generated) throws CorefileException {
        NodeConfig parsed = CorefileParser.parse(generated.text(), "generated.Corefile", PillarValues.none());
        assertEquals(generated.config(), parsed, generated.text());
    }

    @Provide
    Arbitrary<CorefileRoundTrip.Generated> configs() {
        return CorefileRoundTrip.configs();
    }

    /** Regression: blocks nested thousands deep overflowed the parser's stack instead of naming the line. */
    @Example
    void blocksNestedVeryDeepNameALine() {
        String deep = ".:53 {\n" + "cache {\n".repeat(100_000);
        parsesOrNamesALine(deep);
        CorefileException e = expectFailure(deep);
        assertThat(e.getMessage()).contains("nest");
    }

    @Example
    void everyRealCorefileParsesAsShipped() throws CorefileException {
        for (String text : REAL) {
            assertThat(CorefileParser.parse(text, "real.Corefile", PILLARS).blocks()).isNotEmpty();
        }
    }

    private static void parsesOrNamesALine(String text) {
        try {
            NodeConfig config = CorefileParser.parse(text, "fuzz.Corefile", PILLARS);
            assertThat(config.blocks()).isNotEmpty();
            int lines = lines(text);
            for (ServerBlock b : config.blocks()) {
                assertThat(b.line()).isBetween(1, lines);
            }
        } catch (CorefileException e) {
            assertThat(e.source()).isEqualTo("fuzz.Corefile");
            assertThat(e.line()).as(e.getMessage() + "\n--- in ---\n" + text).isBetween(1, lines(text));
            assertThat(e.getMessage()).startsWith("fuzz.Corefile:" + e.line() + ": ");
        }
        // Anything else (a RuntimeException, a StackOverflowError) fails the property as it escapes.
    }

    private static CorefileException expectFailure(String text) {
        try {
            CorefileParser.parse(text, "fuzz.Corefile", PILLARS);
        } catch (CorefileException e) {
            return e;
        }
        throw new AssertionError("parsed:\n" + text);
    }

    /** Lines as an editor counts them: a final line without a newline counts, an empty text has one. */
    static int lines(String text) {
        return (int) text.chars().filter(c -> c == '\n').count() + 1;
    }
}
