package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.server.TcpLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code nodecache.tcp-*} properties reach the TCP listener's limits; a bad one names its key. */
class TcpLimitPropertiesTest {

    @Test
    void unsetMeansCoreDnsDefaults() {
        assertEquals(TcpLimits.defaults(), read().tcpLimits());
    }

    @Test
    void eachPropertySetsItsLimit() {
        TcpLimits t = read("--nodecache.tcp-max-connections=10", "--nodecache.tcp-max-in-flight=4",
                "--nodecache.tcp-max-queries=0", "--nodecache.tcp-idle-timeout=2s", "--nodecache.tcp-read-timeout=500ms",
                "--nodecache.tcp-write-timeout=1s").tcpLimits();
        assertEquals(new TcpLimits(10, 4, 0, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1)), t);
    }

    @ParameterizedTest
    @CsvSource({
        "nodecache.tcp-max-connections, 0",
        "nodecache.tcp-max-in-flight, -1",
        "nodecache.tcp-idle-timeout, 0s",
        "nodecache.tcp-read-timeout, -1s",
        "nodecache.tcp-write-timeout, 0ms"})
    void aBadValueNamesItsKey(String key, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("--" + key + "=" + value));
        assertTrue(e.getMessage().startsWith(key + " must be"), e.getMessage());
    }

    private static NodeProperties read(String... args) {
        return EarlyProperties.read(args, Map.of(), new Properties());
    }
}
