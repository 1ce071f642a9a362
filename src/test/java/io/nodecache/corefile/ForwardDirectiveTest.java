package io.nodecache.corefile;

import static io.nodecache.corefile.Corefiles.assertFails;
import static io.nodecache.corefile.Corefiles.block;
import static io.nodecache.corefile.UpstreamCorefilesTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.nodecache.corefile.ForwardConfig.Policy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code forward}: upstream forms, CoreDNS's defaults, every option, and the inputs refused. */
class ForwardDirectiveTest {

    @Test
    void defaultsAreCoreDns() {
        ForwardConfig f = block("forward . 10.0.0.1").forward().orElseThrow();

        assertThat(f.from()).isEqualTo(".");
        assertThat(f.to()).containsExactly(new InetSocketAddress(ip("10.0.0.1"), 53));
        assertThat(f.except()).isEmpty();
        assertThat(f.forceTcp()).isFalse();
        assertThat(f.preferUdp()).isFalse();
        assertThat(f.policy()).isEqualTo(Policy.RANDOM);
        assertThat(f.maxFails()).isEqualTo(2);
        assertThat(f.healthCheck()).isEqualTo(Duration.ofMillis(500));
        assertThat(f.expire()).isEqualTo(Duration.ofSeconds(10));
        assertThat(f.maxConcurrent()).isZero();
    }

    static Stream<Arguments> upstreams() {
        return Stream.of(
                arguments("1.2.3.4", "1.2.3.4", 53),
                arguments("1.2.3.4:5353", "1.2.3.4", 5353),
                arguments("dns://1.2.3.4", "1.2.3.4", 53),
                arguments("DNS://1.2.3.4:54", "1.2.3.4", 54),
                arguments("::1", "::1", 53),
                arguments("[::1]", "::1", 53),
                arguments("[::1]:53", "::1", 53),
                arguments("[2001:db8::53]:1053", "2001:db8::53", 1053),
                arguments("dns://[fd00::10]:53", "fd00::10", 53),
                arguments("2001:db8::1", "2001:db8::1", 53));
    }

    @ParameterizedTest
    @MethodSource
    void upstreams(String to, String address, int port) {
        ForwardConfig f = block("forward . " + to).forward().orElseThrow();

        assertThat(f.to()).containsExactly(new InetSocketAddress(ip(address), port));
    }

    @Test
    void fromIsNormalisedAndUpstreamsKeepTheirOrder() {
        ForwardConfig f = block("forward Cluster.Local 10.0.0.3 10.0.0.1 10.0.0.2:54").forward().orElseThrow();

        assertThat(f.from()).isEqualTo("cluster.local.");
        assertThat(f.to()).containsExactly(new InetSocketAddress(ip("10.0.0.3"), 53),
                new InetSocketAddress(ip("10.0.0.1"), 53), new InetSocketAddress(ip("10.0.0.2"), 54));
    }

    @Test
    void fifteenUpstreamsAreAllowed() {
        ForwardConfig f = block("forward . " + upstreams(15)).forward().orElseThrow();

        assertThat(f.to()).hasSize(15);
    }

    @Test
    void everyOption() {
        ForwardConfig f = block("""
                forward . 10.0.0.1 {
                    except Example.org internal
                    prefer_udp
                    policy sequential
                    max_fails 0
                    health_check 2s
                    expire 1m30s
                    max_concurrent 1000
                }""").forward().orElseThrow();

        assertThat(f.except()).containsExactly("example.org.", "internal.");
        assertThat(f.preferUdp()).isTrue();
        assertThat(f.forceTcp()).isFalse();
        assertThat(f.policy()).isEqualTo(Policy.SEQUENTIAL);
        assertThat(f.maxFails()).isZero();
        assertThat(f.healthCheck()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.expire()).isEqualTo(Duration.ofSeconds(90));
        assertThat(f.maxConcurrent()).isEqualTo(1000);
    }

    static Stream<Arguments> policies() {
        return Stream.of(arguments("random", Policy.RANDOM), arguments("round_robin", Policy.ROUND_ROBIN),
                arguments("sequential", Policy.SEQUENTIAL));
    }

    @ParameterizedTest
    @MethodSource
    void policies(String word, Policy policy) {
        assertThat(block("forward . 10.0.0.1 {\n policy " + word + "\n}").forward().orElseThrow().policy())
                .isEqualTo(policy);
    }

    @Test
    void forceTcp() {
        assertThat(block("forward . 10.0.0.1 {\n force_tcp\n}").forward().orElseThrow().forceTcp()).isTrue();
    }

    static Stream<Arguments> shouldFail() {
        return Stream.of(
                arguments("forward", 2, "forward: expected at least 2 arguments, got 0"),
                arguments("forward .", 2, "forward: expected at least 2 arguments, got 1"),
                arguments("forward . tls://9.9.9.9", 2, "upstream 'tls://9.9.9.9' uses tls://, which is not supported"),
                arguments("forward . 1.1.1.1 https://dns.google", 2, "uses https://"),
                arguments("forward . dns.google", 2, "upstream 'dns.google' is not an IP address (host names"),
                arguments("forward . /etc/resolv.conf", 2, "resolv.conf files are not read here"),
                arguments("forward . 1.2.3.4:0", 2, "port 0 in '1.2.3.4:0' is out of range 1-65535"),
                arguments("forward . 1.2.3.4:x", 2, "'x' in '1.2.3.4:x' is not a port number"),
                arguments("forward . [::1", 2, "has '[' without ']'"),
                arguments("forward . [::1]x", 2, "is not IP, IP:PORT or [IPv6]:PORT"),
                arguments("forward . 300.1.1.1", 2, "'300.1.1.1' is not an IP address"),
                arguments("forward . " + upstreams(16), 2, "more than 15 upstreams configured: 16"),
                arguments("forward a..b 1.1.1.1", 2, "forward: 'a..b' is not a valid zone name"),
                arguments("forward . 1.1.1.1\nforward . 8.8.8.8", 3, "directive 'forward' is given twice"),
                arguments("forward . 1.1.1.1 {\n force_tcp\n prefer_udp\n}", 4,
                        "force_tcp and prefer_udp can't both be set"),
                arguments("forward . 1.1.1.1 {\n prefer_udp\n force_tcp\n}", 4,
                        "force_tcp and prefer_udp can't both be set"),
                arguments("forward . 1.1.1.1 {\n force_tcp yes\n}", 3, "forward force_tcp: unexpected argument 'yes'"),
                arguments("forward . 1.1.1.1 {\n prefer_udp 1\n}", 3, "forward prefer_udp: unexpected argument"),
                arguments("forward . 1.1.1.1 {\n policy\n}", 3, "forward policy: expected 1 argument, got 0"),
                arguments("forward . 1.1.1.1 {\n policy fastest\n}", 3, "unknown policy 'fastest'"),
                arguments("forward . 1.1.1.1 {\n policy random sequential\n}", 3, "unexpected argument 'sequential'"),
                arguments("forward . 1.1.1.1 {\n max_fails -1\n}", 3, "forward max_fails must be at least 0"),
                arguments("forward . 1.1.1.1 {\n max_fails two\n}", 3, "forward max_fails must be an integer"),
                arguments("forward . 1.1.1.1 {\n health_check\n}", 3, "forward health_check: expected 1 argument"),
                arguments("forward . 1.1.1.1 {\n health_check -1s\n}", 3, "forward health_check can't be negative"),
                arguments("forward . 1.1.1.1 {\n health_check 1s no_rec\n}", 3, "unexpected argument 'no_rec'"),
                arguments("forward . 1.1.1.1 {\n health_check fast\n}", 3, "'fast' is not a duration"),
                arguments("forward . 1.1.1.1 {\n expire -10s\n}", 3, "forward expire can't be negative"),
                arguments("forward . 1.1.1.1 {\n expire\n}", 3, "forward expire: expected 1 argument"),
                arguments("forward . 1.1.1.1 {\n max_concurrent -1\n}", 3, "forward max_concurrent must be at least 0"),
                arguments("forward . 1.1.1.1 {\n max_concurrent lots\n}", 3, "max_concurrent must be an integer"),
                arguments("forward . 1.1.1.1 {\n except\n}", 3, "forward except: expected at least 1 argument"),
                arguments("forward . 1.1.1.1 {\n tls cert key ca\n}", 3, "option 'tls' is not supported"),
                arguments("forward . 1.1.1.1 {\n tls_servername dns.google\n}", 3, "'tls_servername' is not supported"),
                arguments("forward . 1.1.1.1 {\n next NXDOMAIN\n}", 3, "forward: unknown option 'next'"),
                arguments("forward . 1.1.1.1 {\n expire 1s\n\n expire 2s\n}", 5, "option 'expire' is given twice"));
    }

    @ParameterizedTest
    @MethodSource
    void shouldFail(String directives, int line, String message) {
        assertFails(".:53 {\n" + directives + "\n}\n", line, message);
    }

    private static String upstreams(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "10.0.0." + i).collect(Collectors.joining(" "));
    }

}
