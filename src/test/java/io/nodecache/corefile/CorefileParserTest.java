package io.nodecache.corefile;

import static io.nodecache.corefile.Corefiles.assertFails;
import static io.nodecache.corefile.Corefiles.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Block keys, braces, comments and quotes: the Corefile's shape, before any directive's meaning. */
class CorefileParserTest {

    static Stream<Arguments> keys() {
        return Stream.of(
                arguments(".:53 {\n}", List.of("."), 53),
                arguments(". {\n}", List.of("."), 53),
                arguments("cluster.local {\n}", List.of("cluster.local."), 53),
                arguments("Cluster.LOCAL.:1053 {\n}", List.of("cluster.local."), 1053),
                arguments("cluster.local in-addr.arpa:53 {\n}", List.of("cluster.local.", "in-addr.arpa."), 53),
                arguments("cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {\n}",
                        List.of("cluster.local.", "in-addr.arpa.", "ip6.arpa."), 53),
                arguments("dns://cluster.local:53 {\n}", List.of("cluster.local."), 53),
                arguments("dns://.:5353 {\n}", List.of("."), 5353),
                arguments("example.com., example.org. {\n}", List.of("example.com.", "example.org."), 53),
                arguments("10.in-addr.arpa {\n}", List.of("10.in-addr.arpa."), 53),
                arguments(".:0 {\n}", List.of("."), 0));
    }

    @ParameterizedTest
    @MethodSource
    void keys(String text, List<String> zones, int port) {
        ServerBlock block = parse(text).blocks().get(0);

        assertThat(block.zones()).isEqualTo(zones);
        assertThat(block.port()).isEqualTo(port);
        assertThat(block.line()).isEqualTo(1);
    }

    @Test
    void aBareBlockHasNoDirectives() {
        ServerBlock block = parse(".:53 {\n}\n").blocks().get(0);

        assertThat(block.binds()).isEmpty();
        assertThat(block.errors()).isFalse();
        assertThat(block.log()).isFalse();
        assertThat(block.loop()).isFalse();
        assertThat(block.cache()).isEmpty();
        assertThat(block.forward()).isEmpty();
        assertThat(block.reload()).isEmpty();
        assertThat(block.health()).isEmpty();
        assertThat(block.prometheus()).isEmpty();
    }

    @Test
    void commentsQuotesAndSeveralBlocks() {
        NodeConfig config = parse("""
                # leading comment
                cluster.local:53 { # after the brace
                    errors   # trailing
                    # cache 30
                    "log"
                }

                .:53 {
                    forward . "1.1.1.1" dns://8.8.8.8#not-a-comment-start
                }
                """.replace("#not-a-comment-start", ""));

        assertThat(config.blocks()).hasSize(2);
        ServerBlock first = config.blocks().get(0);
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.errors()).isTrue();
        assertThat(first.log()).isTrue();
        assertThat(first.cache()).isEmpty();
        assertThat(config.blocks().get(1).line()).isEqualTo(8);
        assertThat(config.blocks().get(1).forward().orElseThrow().to()).hasSize(2);
    }

    @Test
    void aHashInsideAWordIsNotAComment() {
        assertFails(".:53 {\n  bind 10.0.0.1#x\n}", 2, "'10.0.0.1#x' is not an IP address");
    }

    @Test
    void theSameZoneOnAnotherPortIsAllowed() {
        NodeConfig config = parse(".:53 {\n}\n.:1053 {\n}\n");

        assertThat(config.blocks()).extracting(ServerBlock::port).containsExactly(53, 1053);
    }

    @Test
    void emptyBlockOnOneLineAndClosingBraceAfterADirective() {
        ServerBlock block = parse(".:53 {\n  cache { }\n  errors }\n").blocks().get(0);

        assertThat(block.cache()).hasValue(CacheDirective.defaults());
        assertThat(block.errors()).isTrue();
    }

    static Stream<Arguments> shouldFail() {
        return Stream.of(
                arguments("", 1, "no server blocks"),
                arguments("# only a comment\n", 1, "no server blocks"),
                arguments(".:53 {\n  errors\n", 1, "missing '}'"),
                arguments(".:53 {\n  cache {\n    success 10\n}\n", 1, "missing '}'"),
                arguments(".:53 {\n  forward . 1.1.1.1 {\n    force_tcp\n\n", 2, "missing '}'"),
                arguments(".:53 {\n}\n}\n", 3, "unexpected '}'"),
                arguments(".:53\n{\n}", 2, "'{' must end the line"),
                arguments(".:53", 1, "not followed by '{'"),
                arguments(".:53 {\n}\ncluster.local\nerrors\n", 3, "server block key 'cluster.local' is not followed by '{'"),
                arguments("{\n}", 1, "without a server block key"),
                arguments(".:53 {\n  {\n  }\n}", 2, "unexpected '{'"),
                arguments(".:53 {\n  forward . 1.1.1.1 { force_tcp }\n}", 2, "'{' must end the line of 'forward'"),
                arguments(".:53 {\n  log \"unterminated\n}\n", 2, "unterminated quoted string"),
                arguments(".:53 {\n  log \"{\"\n}", 2, "log: unexpected argument '{'"),
                arguments(".:53 {\n\tforward\t.\t1.1.1.1 \"}\"\n}", 2, "upstream '}' is not an IP address"),
                arguments(".:53 {\n  errors\n  whoami\n}", 3, "unknown directive 'whoami'"),
                arguments(".:53 {\n  errors\n  errors\n}", 3, "directive 'errors' is given twice"),
                arguments(".:53 {\n  cache\n  reload\n  cache 30\n}", 4, "directive 'cache' is given twice"),
                arguments(".:53 {\n}\ncluster.local:53 {\n}\n\n.:53 {\n}", 6, "cannot serve .:53 multiple times"),
                arguments("a.local b.local:53 {\n}\nB.Local:53 {\n}", 3, "cannot serve b.local.:53 multiple times"),
                arguments("a.local a.local. {\n}", 1, "listed twice"),
                arguments("a:53 b:54 {\n}", 1, "must share a port"),
                arguments(".:99999 {\n}", 1, "out of range"),
                arguments(".:dns {\n}", 1, "not a port number"),
                arguments("tls://.:853 {\n}", 1, "tls:// is not supported"),
                arguments("https://.:443 {\n}", 1, "https:// is not supported"),
                arguments("10.0.0.0/8 {\n}", 1, "CIDR keys are not supported"),
                arguments(":53 {\n}", 1, "has no zone"),
                arguments("a..b {\n}", 1, "not a valid zone name"),
                arguments("\n\n.:53 {\n  errors {\n  }\n}", 4, "errors: takes no block"),
                arguments(".:53 {\n  log stdout\n}", 2, "log: unexpected argument 'stdout'"),
                arguments(".:53 {\n  loop 1\n}", 2, "loop: unexpected argument '1'"),
                arguments(".:53 {\n  errors stdout\n}", 2, "errors: unexpected argument"));
    }

    @ParameterizedTest
    @MethodSource
    void shouldFail(String text, int line, String message) {
        assertFails(text, line, message);
    }
}
