package io.nodecache.corefile;

import static io.nodecache.corefile.Corefiles.assertFails;
import static io.nodecache.corefile.Corefiles.block;
import static io.nodecache.corefile.UpstreamCorefilesTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The small directives: errors, log, loop, reload, bind, health, prometheus. */
class ServerDirectivesTest {

    @Test
    void flags() {
        ServerBlock b = block("errors\nlog\nloop");

        assertThat(b.errors()).isTrue();
        assertThat(b.log()).isTrue();
        assertThat(b.loop()).isTrue();
    }

    static Stream<Arguments> reload() {
        return Stream.of(
                arguments("reload", Duration.ofSeconds(30)),
                arguments("reload 10s", Duration.ofSeconds(10)),
                arguments("reload 2s", Duration.ofSeconds(2)),
                arguments("reload 1m 15s", Duration.ofMinutes(1)),
                arguments("reload 2s 0s", Duration.ofSeconds(2)),
                arguments("reload 10s 0", Duration.ofSeconds(10)),
                arguments("reload 1h30m", Duration.ofMinutes(90)),
                arguments("reload 45", Duration.ofSeconds(45)));
    }

    @ParameterizedTest
    @MethodSource
    void reload(String line, Duration interval) {
        assertThat(block(line).reload()).hasValue(interval);
    }

    static Stream<Arguments> bind() {
        return Stream.of(
                arguments("bind 169.254.20.10", new String[] {"169.254.20.10"}),
                arguments("bind 169.254.20.10 10.96.0.10", new String[] {"169.254.20.10", "10.96.0.10"}),
                arguments("bind 0.0.0.0", new String[] {"0.0.0.0"}),
                arguments("bind ::1 fd00::a", new String[] {"::1", "fd00::a"}),
                arguments("bind 10.0.0.1 10.0.0.1", new String[] {"10.0.0.1"}));
    }

    @ParameterizedTest
    @MethodSource
    void bind(String line, String[] addresses) {
        assertThat(block(line).binds()).containsExactly(Stream.of(addresses).map(UpstreamCorefilesTest::ip)
                .toArray(java.net.InetAddress[]::new));
    }

    static Stream<Arguments> listenAddresses() {
        return Stream.of(
                arguments("health", "health", "0.0.0.0", 8080),
                arguments("health :8080", "health", "0.0.0.0", 8080),
                arguments("health 169.254.20.10:8080", "health", "169.254.20.10", 8080),
                arguments("health [::1]:8081", "health", "::1", 8081),
                arguments("health localhost:8080", "health", "127.0.0.1", 8080),
                arguments("prometheus", "prometheus", "127.0.0.1", 9153),
                arguments("prometheus :9253", "prometheus", "0.0.0.0", 9253),
                arguments("prometheus 169.254.20.10:9253", "prometheus", "169.254.20.10", 9253),
                arguments("prometheus :0", "prometheus", "0.0.0.0", 0));
    }

    @ParameterizedTest
    @MethodSource
    void listenAddresses(String line, String directive, String address, int port) {
        ServerBlock b = block(line);
        InetSocketAddress expected = new InetSocketAddress(ip(address), port);

        assertThat(directive.equals("health") ? b.health() : b.prometheus()).hasValue(expected);
    }

    @Test
    void lameduckIsHowLongTheNodeKeepsAnsweringAfterItWasToldToStop() {
        assertThat(block("health 169.254.20.10:8080 {\n lameduck 5s\n}").lameduck()).isEqualTo(Duration.ofSeconds(5));
        assertThat(block("health :8080").lameduck()).isEqualTo(Duration.ZERO);
    }

    static Stream<Arguments> shouldFail() {
        return Stream.of(
                arguments("reload 1s", 2, "reload interval must be at least 2s, got 1s"),
                arguments("reload 10s 500ms", 2, "reload jitter must be 0 (off) or at least 1s"),
                arguments("reload 0s", 2, "reload interval must be at least 2s"),
                arguments("reload 3s -1s", 2, "reload jitter can't be negative"),
                arguments("reload soon", 2, "reload interval: 'soon' is not a duration"),
                arguments("reload -30s", 2, "reload interval can't be negative"),
                arguments("reload 10s 2s 1s", 2, "reload: unexpected argument '1s'"),
                arguments("errors\nreload 30s {\n}", 3, "reload: takes no block"),
                arguments("bind", 2, "bind: expected at least 1 argument, got 0"),
                arguments("bind eth0", 2, "bind: 'eth0' is not an IP address (interface names are not supported)"),
                arguments("bind 10.0.0.1 lo", 2, "'lo' is not an IP address"),
                arguments("bind 10.0.0.1 {\n except 10.0.0.2\n}", 2, "bind: takes no block"),
                arguments("bind 10.0.0.1\nbind 10.0.0.2", 3, "directive 'bind' is given twice"),
                arguments("health 8080", 2, "health: '8080' has no port"),
                arguments("health :80 :81", 2, "health: unexpected argument ':81'"),
                arguments("health node1:8080", 2, "health: 'node1' is not an IP address"),
                arguments("health ::1:8080", 2, "must be in brackets"),
                arguments("health :70000", 2, "out of range"),
                arguments("health {\n lameduck\n}", 3, "health lameduck: expected 1 argument, got 0"),
                arguments("health {\n lameduck soon\n}", 3, "health lameduck: 'soon' is not a duration"),
                arguments("health {\n lameduck 5s 6s\n}", 3, "health lameduck: unexpected argument '6s'"),
                arguments("health {\n timeout 5s\n}", 3, "health: unknown option 'timeout' (only lameduck)"),
                arguments("prometheus :http", 2, "prometheus: 'http' in ':http' is not a port number"),
                arguments("prometheus :9153 :9253", 2, "prometheus: unexpected argument ':9253'"));
    }

    @ParameterizedTest
    @MethodSource
    void shouldFail(String directives, int line, String message) {
        assertFails(".:53 {\n" + directives + "\n}\n", line, message);
    }
}
