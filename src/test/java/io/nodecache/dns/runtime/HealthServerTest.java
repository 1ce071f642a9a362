package io.nodecache.dns.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nodecache.http.RawHttp;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** CoreDNS's health and readiness endpoints over real sockets, and two nodes' health servers on one port. */
class HealthServerTest {

    private static Readiness ready(boolean ready) {
        Readiness r = new Readiness();
        r.listening(true);
        r.upstreamHealthy(ready);
        return r;
    }

    @ParameterizedTest(name = "{0} {1} when ready={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # method | path           | ready | status | body
            GET      | /health        | false | 200    | OK
            GET      | /ready         | true  | 200    | OK
            GET      | /ready         | false | 503    | no upstream has answered a health probe yet
            GET      | /health?full=1 | false | 200    | OK
            HEAD     | /health        | false | 200    | ''
            HEAD     | /ready         | false | 503    | ''
            POST     | /health        | false | 200    | OK
            # should fail
            GET      | /               | true | 404    | 'not found\\n'
            GET      | /healthz        | true | 404    | 'not found\\n'
            """)
    void answersAsCoreDnsHealthAndReady(String method, String path, boolean ready, int status, String body)
            throws Exception {
        try (HealthServer h = new HealthServer(new InetSocketAddress("127.0.0.1", 0), ready(ready))) {
            h.start();
            RawHttp r = RawHttp.send(h.address(), method, path);
            assertEquals(status + " " + body.replace("\\n", "\n"), r.toString());
            assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        }
    }

    /** A surge pod's node binds the old node's health address; the survivor answers alone once the old one closes. */
    @Test
    void twoNodesShareTheHealthPort() throws Exception {
        // Told apart by readiness: the old node ready, the new one still waiting for an upstream.
        HealthServer old = new HealthServer(new InetSocketAddress("127.0.0.1", 0), ready(true));
        old.start();
        try (HealthServer surge = new HealthServer(old.address(), ready(false))) {
            surge.start();
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 200 && seen.size() < 2; i++) {
                seen.add(RawHttp.get(old.address(), "/ready").status());
            }
            assertEquals(Set.of(200, 503), seen);
            old.close();
            for (int i = 0; i < 50; i++) {
                assertEquals(503, RawHttp.get(surge.address(), "/ready").status());
                assertEquals(200, RawHttp.get(surge.address(), "/health").status());
            }
        } finally {
            old.close();
        }
    }
}
