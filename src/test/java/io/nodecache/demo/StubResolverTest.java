package io.nodecache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

/** The stub resolver asks names in glibc's order, A then AAAA per name, straight at a real DNS server. */
class StubResolverTest {

    static final List<String> SHOP = List.of("shop.svc.cluster.local", "svc.cluster.local", "cluster.local");

    static TestUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    /** name | the names asked, A and AAAA each, in order ('|'-separated) | the name that answered ('-': none). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            cart;                cart.shop.svc.cluster.local.;                                                cart.shop.svc.cluster.local.
            kubernetes.default;  kubernetes.default.shop.svc.cluster.local.|kubernetes.default.svc.cluster.local.; kubernetes.default.svc.cluster.local.
            www.example;         www.example.shop.svc.cluster.local.|www.example.svc.cluster.local.|www.example.cluster.local.|www.example.; www.example.
            wwww.example;        wwww.example.shop.svc.cluster.local.|wwww.example.svc.cluster.local.|wwww.example.cluster.local.|wwww.example.; -
            www.example.;        www.example.;                                                                 www.example.
            a.b.c.d.e.example;   a.b.c.d.e.example.|a.b.c.d.e.example.shop.svc.cluster.local.|a.b.c.d.e.example.svc.cluster.local.|a.b.c.d.e.example.cluster.local.; -
            """)
    void asksInGlibcOrder(String name, String asked, String answered) throws Exception {
        try (StubResolver r = new StubResolver(upstream.address(), InetAddress.getByName("127.0.1.77"), SHOP, 5,
                Duration.ofSeconds(2))) {
            StubResolver.Lookup lookup = r.lookup(name);

            List<String> expected = Arrays.stream(asked.split("\\|"))
                    .flatMap(n -> java.util.stream.Stream.of(n + " A", n + " AAAA")).toList();
            List<String> sent = lookup.queries().stream().map(q -> q.name() + " " + Type.string(q.qtype())).toList();
            List<String> received = upstream.received().stream()
                    .map(q -> q.name() + " " + Type.string(q.type())).toList();
            assertEquals(expected, sent);
            assertEquals(expected, received, "what the server got, in order");
            assertEquals("-".equals(answered) ? null : answered, lookup.answeredName());
            assertFalse(lookup.timedOut());
        }
    }

    @Test
    void collectsTheAddressesOfTheAnsweringName() throws Exception {
        try (StubResolver r = new StubResolver(upstream.address(), InetAddress.getByName("127.0.1.78"), SHOP, 5,
                Duration.ofSeconds(2))) {
            StubResolver.Lookup lookup = r.lookup("www.example");

            assertEquals(List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10")),
                    lookup.addresses());
            assertEquals(InetAddress.getByName("127.0.1.78"), r.localAddress().getAddress());
        }
    }

    @Test
    void aSilentServerEndsTheLookupAfterOneTimeout() throws Exception {
        upstream.silent(true);
        try (StubResolver r = new StubResolver(upstream.address(), InetAddress.getByName("127.0.1.79"), SHOP, 5,
                Duration.ofMillis(150))) {
            long start = System.nanoTime();
            StubResolver.Lookup lookup = r.lookup("www.example");

            assertTrue(lookup.timedOut());
            assertNull(lookup.answeredName());
            assertEquals(1, lookup.queries().size());
            assertEquals(-1, lookup.queries().get(0).rcode());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        } finally {
            upstream.behaveNormally();
        }
    }
}
