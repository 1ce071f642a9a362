package io.nodecache.corefile;

import static io.nodecache.corefile.Corefiles.assertFails;
import static io.nodecache.corefile.Corefiles.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.nodecache.corefile.CacheConfig.PrefetchConfig;
import io.nodecache.corefile.CacheConfig.ServeStaleConfig;
import io.nodecache.corefile.CacheConfig.StoreConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code cache}: CoreDNS's defaults, every option, and the inputs CoreDNS refuses. */
class CacheDirectiveTest {

    private static final CacheConfig DEFAULTS = CacheDirective.defaults();

    @Test
    void defaultsAreCoreDns() {
        CacheConfig c = block("cache").cache().orElseThrow();

        assertThat(c.success()).isEqualTo(new StoreConfig(9984, Duration.ofSeconds(3600), Duration.ofSeconds(5)));
        assertThat(c.denial()).isEqualTo(new StoreConfig(9984, Duration.ofSeconds(1800), Duration.ofSeconds(5)));
        assertThat(c.prefetch()).isEmpty();
        assertThat(c.serveStale()).isEmpty();
        assertThat(c.servfailTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.keepTtl()).isFalse();
        assertThat(c).isEqualTo(DEFAULTS);
    }

    static Stream<Arguments> options() {
        return Stream.of(
                arguments("cache 30", with(c -> stores(c, 9984, 30, 5, 9984, 30, 5))),
                arguments("cache 30 .", with(c -> stores(c, 9984, 30, 5, 9984, 30, 5))),
                arguments("cache .", DEFAULTS),
                arguments("cache {\n}", DEFAULTS),
                arguments("cache {\n success 100\n}", with(c -> stores(c, 100, 3600, 5, 9984, 1800, 5))),
                arguments("cache 30 {\n success 100\n}", with(c -> stores(c, 100, 30, 5, 9984, 30, 5))),
                arguments("cache {\n success 100 60\n}", with(c -> stores(c, 100, 60, 5, 9984, 1800, 5))),
                arguments("cache {\n success 100 60 0\n}", with(c -> stores(c, 100, 60, 0, 9984, 1800, 5))),
                arguments("cache {\n denial 50 10 2\n}", with(c -> stores(c, 9984, 3600, 5, 50, 10, 2))),
                arguments("cache {\n success 9984 30\n denial 9984 5\n}",
                        with(c -> stores(c, 9984, 30, 5, 9984, 5, 5))),
                arguments("cache {\n prefetch 1\n}", with(c -> prefetch(c, 1, Duration.ofMinutes(1), 10))),
                arguments("cache {\n prefetch 0\n}", with(c -> prefetch(c, 0, Duration.ofMinutes(1), 10))),
                arguments("cache {\n prefetch 5 30s\n}", with(c -> prefetch(c, 5, Duration.ofSeconds(30), 10))),
                arguments("cache {\n prefetch 5 2m 50%\n}", with(c -> prefetch(c, 5, Duration.ofMinutes(2), 50))),
                arguments("cache {\n prefetch 5 90%\n}", with(c -> prefetch(c, 5, Duration.ofMinutes(1), 90))),
                arguments("cache {\n prefetch 2 1h30m 10%\n}",
                        with(c -> prefetch(c, 2, Duration.ofMinutes(90), 10))),
                arguments("cache {\n serve_stale\n}", with(c -> stale(c, Duration.ofHours(1), false))),
                arguments("cache {\n serve_stale 10m\n}", with(c -> stale(c, Duration.ofMinutes(10), false))),
                arguments("cache {\n serve_stale 10m immediate\n}", with(c -> stale(c, Duration.ofMinutes(10), false))),
                arguments("cache {\n serve_stale 1h verify\n}", with(c -> stale(c, Duration.ofHours(1), true))),
                arguments("cache {\n serve_stale 30 VERIFY\n}", with(c -> stale(c, Duration.ofSeconds(30), true))),
                arguments("cache {\n servfail 0\n}", with(c -> servfail(c, Duration.ZERO))),
                arguments("cache {\n servfail 500ms\n}", with(c -> servfail(c, Duration.ofMillis(500)))),
                arguments("cache {\n servfail 5m\n}", with(c -> servfail(c, Duration.ofMinutes(5)))),
                arguments("cache {\n servfail 10\n}", with(c -> servfail(c, Duration.ofSeconds(10)))),
                arguments("cache {\n keepttl\n}",
                        new CacheConfig(DEFAULTS.success(), DEFAULTS.denial(), Optional.empty(), Optional.empty(),
                                DEFAULTS.servfailTtl(), true)));
    }

    @ParameterizedTest
    @MethodSource
    void options(String directive, CacheConfig expected) {
        assertThat(block(directive).cache()).hasValue(expected);
    }

    @Test
    void cacheZonesThatCoverTheBlockAreAccepted() {
        ServerBlock b = Corefiles.parse("cluster.local in-addr.arpa {\n cache 30 local ARPA.\n}").blocks().get(0);

        assertThat(b.cache().orElseThrow().success().maxTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    static Stream<Arguments> shouldFail() {
        return Stream.of(
                arguments("cache 0", 2, "cache: TTL must be at least 1, got 0"),
                arguments("cache -5", 2, "cache: TTL must be at least 1"),
                arguments("cache 30 example.org", 2, "do not cover the block's zone ."),
                arguments("cache 30 .. ", 2, "not a valid zone name"),
                arguments("cache {\n success\n}", 3, "cache success: expected at least 1 argument, got 0"),
                arguments("cache {\n success x\n}", 3, "cache success: capacity must be an integer, got 'x'"),
                arguments("cache {\n success 0\n}", 3, "capacity must be at least 1"),
                arguments("cache {\n success 10 0\n}", 3, "cache success: TTL must be at least 1"),
                arguments("cache {\n success 10 30s\n}", 3, "cache success: TTL must be an integer, got '30s'"),
                arguments("cache {\n success 10 30 -1\n}", 3, "cache success: minimum TTL must be at least 0"),
                arguments("cache {\n success 10 30 5 1\n}", 3, "cache success: unexpected argument '1'"),
                arguments("cache {\n denial 10 30 5 1\n}", 3, "cache denial: unexpected argument '1'"),
                arguments("cache {\n denial ten\n}", 3, "cache denial: capacity must be an integer"),
                arguments("cache {\n success 10\n success 20\n}", 4, "option 'success' is given twice"),
                arguments("cache {\n prefetch\n}", 3, "cache prefetch: expected at least 1 argument"),
                arguments("cache {\n prefetch -1\n}", 3, "cache prefetch: amount must be at least 0"),
                arguments("cache {\n prefetch 1 soon\n}", 3, "cache prefetch: duration: 'soon' is not a duration"),
                arguments("cache {\n prefetch 1 1m 10\n}", 3, "percentage must end in '%'"),
                arguments("cache {\n prefetch 1 1m 9%\n}", 3, "percentage must be in [10%, 90%], got 9%"),
                arguments("cache {\n prefetch 1 1m 91%\n}", 3, "percentage must be in [10%, 90%]"),
                arguments("cache {\n prefetch 1 1m x%\n}", 3, "percentage must be an integer"),
                arguments("cache {\n prefetch 1 1m 10% 2\n}", 3, "cache prefetch: unexpected argument '2'"),
                arguments("cache {\n prefetch 1 10% 2\n}", 3, "cache prefetch: unexpected argument '2'"),
                arguments("cache {\n serve_stale -1s\n}", 3, "cache serve_stale can't be negative"),
                arguments("cache {\n serve_stale 1h later\n}", 3, "refresh mode must be immediate or verify"),
                arguments("cache {\n serve_stale 1h verify x\n}", 3, "cache serve_stale: unexpected argument 'x'"),
                arguments("cache {\n servfail\n}", 3, "cache servfail: expected 1 argument, got 0"),
                arguments("cache {\n servfail 1s 2s\n}", 3, "cache servfail: unexpected argument '2s'"),
                arguments("cache {\n servfail 6m\n}", 3, "more than 5m is not permitted"),
                arguments("cache {\n servfail -1s\n}", 3, "cache servfail can't be negative"),
                arguments("cache {\n servfail 5 minutes\n}", 3, "unexpected argument 'minutes'"),
                arguments("cache {\n servfail 1x\n}", 3, "'1x' is not a duration"),
                arguments("cache {\n keepttl 1\n}", 3, "cache keepttl: unexpected argument '1'"),
                arguments("cache {\n disable success\n}", 3, "cache: unknown option 'disable'"),
                arguments("cache {\n\n\n bogus\n}", 5, "cache: unknown option 'bogus'"),
                arguments("cache {\n prefetch 1 {\n }\n}", 3, "cache prefetch: takes no block"));
    }

    @ParameterizedTest
    @MethodSource
    void shouldFail(String directives, int line, String message) {
        assertFails(".:53 {\n" + directives + "\n}\n", line, message);
    }

    private static CacheConfig with(UnaryOperator<CacheConfig> change) {
        return change.apply(DEFAULTS);
    }

    private static CacheConfig stores(CacheConfig c, int sc, int sTtl, int sMin, int dc, int dTtl, int dMin) {
        return new CacheConfig(
                new StoreConfig(sc, Duration.ofSeconds(sTtl), Duration.ofSeconds(sMin)),
                new StoreConfig(dc, Duration.ofSeconds(dTtl), Duration.ofSeconds(dMin)),
                c.prefetch(), c.serveStale(), c.servfailTtl(), c.keepTtl());
    }

    private static CacheConfig prefetch(CacheConfig c, int amount, Duration duration, int pct) {
        return new CacheConfig(c.success(), c.denial(), Optional.of(new PrefetchConfig(amount, duration, pct)),
                c.serveStale(), c.servfailTtl(), c.keepTtl());
    }

    private static CacheConfig stale(CacheConfig c, Duration upTo, boolean verify) {
        return new CacheConfig(c.success(), c.denial(), c.prefetch(), Optional.of(new ServeStaleConfig(upTo, verify)),
                c.servfailTtl(), c.keepTtl());
    }

    private static CacheConfig servfail(CacheConfig c, Duration ttl) {
        return new CacheConfig(c.success(), c.denial(), c.prefetch(), c.serveStale(), ttl, c.keepTtl());
    }
}
