package io.nodecache.corefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code __PILLAR__*} substitution, as node-cache does it, but failing on unknown values. */
class PillarValuesTest {

    private static final PillarValues ALL = new PillarValues(List.of("169.254.20.10", "10.96.0.10"), "10.96.0.10",
            "cluster.local", "10.96.0.11", List.of("8.8.8.8", "1.1.1.1"));

    static Stream<Arguments> substitutions() {
        return Stream.of(
                arguments("bind __PILLAR__LOCAL__DNS__", "bind 169.254.20.10 10.96.0.10"),
                arguments("health __PILLAR__LOCAL__DNS__:8080", "health 169.254.20.10:8080"),
                arguments("bind __PILLAR__DNS__SERVER__", "bind 10.96.0.10"),
                arguments("__PILLAR__DNS__DOMAIN__:53 {", "cluster.local:53 {"),
                arguments("forward . __PILLAR__CLUSTER__DNS__", "forward . 10.96.0.11"),
                arguments("forward . __PILLAR__UPSTREAM__SERVERS__", "forward . 8.8.8.8 1.1.1.1"),
                arguments("no placeholder here", "no placeholder here"),
                arguments("a\n\nb __PILLAR__DNS__SERVER__\n", "a\n\nb 10.96.0.10\n"));
    }

    @ParameterizedTest
    @MethodSource
    void substitutions(String text, String expected) throws CorefileException {
        assertThat(ALL.substitute(text)).isEqualTo(expected);
    }

    @Test
    void anIpv6LocalAddressIsBracketedWhereAPortFollows() throws CorefileException {
        PillarValues v6 = new PillarValues(List.of("fd00::a"), null, null, null, null);

        assertThat(v6.substitute("health __PILLAR__LOCAL__DNS__:8080\nbind __PILLAR__LOCAL__DNS__"))
                .isEqualTo("health [fd00::a]:8080\nbind fd00::a");
    }

    static Stream<Arguments> missing() {
        return Stream.of(
                arguments("bind __PILLAR__LOCAL__DNS__", "__PILLAR__LOCAL__DNS__ is used but no local IP is known"),
                arguments("bind __PILLAR__DNS__SERVER__", "__PILLAR__DNS__SERVER__ is used but no kube-dns service IP"),
                arguments("__PILLAR__DNS__DOMAIN__ {", "__PILLAR__DNS__DOMAIN__ is used but no cluster domain is known"),
                arguments("forward . __PILLAR__CLUSTER__DNS__",
                        "__PILLAR__CLUSTER__DNS__ is used but no cluster DNS IP is known: set upstreamsvc or the "
                                + "KUBE_DNS_UPSTREAM_SERVICE_HOST env var"),
                arguments("forward . __PILLAR__UPSTREAM__SERVERS__",
                        "__PILLAR__UPSTREAM__SERVERS__ is used but no upstream servers are known"),
                arguments("x __PILLAR__SOMETHING__ELSE__ y", "unknown placeholder __PILLAR__SOMETHING__ELSE__"));
    }

    @ParameterizedTest
    @MethodSource
    void missing(String line, String message) {
        CorefileException e = catchThrowableOfType(CorefileException.class,
                () -> PillarValues.none().substitute(".:53 {\n\n" + line + "\n}"));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void parseSubstitutesFirst() throws CorefileException {
        NodeConfig config = CorefileParser.parse("__PILLAR__DNS__DOMAIN__:53 {\n forward . __PILLAR__CLUSTER__DNS__\n}",
                "t", ALL);

        assertThat(config.blocks().get(0).zones()).containsExactly("cluster.local.");
        assertThat(config.blocks().get(0).forward().orElseThrow().to().get(0).getAddress())
                .isEqualTo(UpstreamCorefilesTest.ip("10.96.0.11"));
    }

    @Test
    void parseReportsAMissingPillarWithItsSource() {
        CorefileException e = catchThrowableOfType(CorefileException.class,
                () -> CorefileParser.parse(".:53 {\n forward . __PILLAR__CLUSTER__DNS__\n}", "/etc/Corefile",
                        PillarValues.none()));

        assertThat(e.source()).isEqualTo("/etc/Corefile");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith("/etc/Corefile:2: __PILLAR__CLUSTER__DNS__ is used");
    }

    static Stream<Arguments> clusterDnsFromEnv() {
        Map<String, String> env = Map.of("KUBE_DNS_UPSTREAM_SERVICE_HOST", "10.96.0.11",
                "KUBE_DNS_SERVICE_HOST", "10.96.0.10", "EMPTY_SERVICE_HOST", "");
        return Stream.of(
                arguments("kube-dns-upstream", env, "10.96.0.11"),
                arguments("kube-dns", env, "10.96.0.10"),
                arguments("Kube-DNS", env, "10.96.0.10"),
                arguments("coredns", env, null),
                arguments("empty", env, null),
                arguments("", env, null),
                arguments(null, env, null));
    }

    @ParameterizedTest
    @MethodSource
    void clusterDnsFromEnv(String service, Map<String, String> env, String expected) {
        assertThat(PillarValues.clusterDnsFromEnv(service, env)).isEqualTo(expected);
    }

    @Test
    void splitLocalIp() {
        assertThat(PillarValues.splitLocalIp("169.254.20.10,10.96.0.10")).containsExactly("169.254.20.10", "10.96.0.10");
        assertThat(PillarValues.splitLocalIp("169.254.20.10")).containsExactly("169.254.20.10");
        assertThat(PillarValues.splitLocalIp(" a , ,b ")).containsExactly("a", "b");
        assertThat(PillarValues.splitLocalIp(null)).isEmpty();
    }

    @Test
    void blankValuesCountAsUnknown() {
        PillarValues v = new PillarValues(null, " ", "", null, null);

        assertThat(v).isEqualTo(PillarValues.none());
    }
}
