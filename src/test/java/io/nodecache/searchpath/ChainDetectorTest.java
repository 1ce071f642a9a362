package io.nodecache.searchpath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chain detection, one row per resolver behaviour: the answered queries in answer order
 * ({@code <ms> <client> <qname> <qtype> <rcode> [<duration ms>]}) and the chains expected, one summary line each, in
 * the order they complete.
 */
class ChainDetectorTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void detects(String title, String events, String expected) {
        List<SearchChain> chains = ChainEvents.run(new ChainDetector(), events);
        assertEquals(expected.strip(), String.join("\n", chains.stream().map(ChainEvents::summary).toList()));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("external name, glibc: A then AAAA per step", """
                        0  10.0.0.1 www.google.com.default.svc.cluster.local. A    NXDOMAIN
                        1  10.0.0.1 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
                        2  10.0.0.1 www.google.com.svc.cluster.local.         A    NXDOMAIN
                        3  10.0.0.1 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        4  10.0.0.1 www.google.com.cluster.local.             A    NXDOMAIN
                        5  10.0.0.1 www.google.com.cluster.local.             AAAA NXDOMAIN
                        26 10.0.0.1 www.google.com.                           A    NOERROR 20
                        47 10.0.0.1 www.google.com.                           AAAA NOERROR 20
                        """, """
                        10.0.0.1 www.google.com ns=default qtypes=A,AAAA steps=8 answered=6 wasted=6 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("external name, glibc: A and AAAA in parallel on one socket, answers interleaved", """
                        0  10.0.0.1 www.google.com.default.svc.cluster.local. A    NXDOMAIN
                        0  10.0.0.1 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.         A    NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.             A    NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.             AAAA NXDOMAIN
                        22 10.0.0.1 www.google.com.                           AAAA NOERROR 20
                        23 10.0.0.1 www.google.com.                           A    NOERROR 21
                        """, """
                        10.0.0.1 www.google.com ns=default qtypes=A,AAAA steps=8 answered=6 wasted=6 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("external name, musl: A and AAAA in parallel, AAAA answers first", """
                        0  10.0.0.7 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
                        0  10.0.0.7 www.google.com.default.svc.cluster.local. A    NXDOMAIN
                        1  10.0.0.7 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        1  10.0.0.7 www.google.com.svc.cluster.local.         A    NXDOMAIN
                        2  10.0.0.7 www.google.com.cluster.local.             AAAA NXDOMAIN
                        2  10.0.0.7 www.google.com.cluster.local.             A    NXDOMAIN
                        20 10.0.0.7 www.google.com.                           AAAA NOERROR 18
                        22 10.0.0.7 www.google.com.                           A    NOERROR 20
                        """, """
                        10.0.0.7 www.google.com ns=default qtypes=AAAA,A steps=8 answered=6 wasted=6 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("in-cluster name answers at step 2: kubernetes.default", """
                        0 10.0.0.1 kubernetes.default.default.svc.cluster.local. A    NXDOMAIN
                        0 10.0.0.1 kubernetes.default.default.svc.cluster.local. AAAA NXDOMAIN
                        1 10.0.0.1 kubernetes.default.svc.cluster.local.         A    NOERROR
                        1 10.0.0.1 kubernetes.default.svc.cluster.local.         AAAA NOERROR
                        """, """
                        10.0.0.1 kubernetes.default ns=default qtypes=A,AAAA steps=4 answered=2 wasted=2 \
                        search=default.svc.cluster.local,svc.cluster.local
                        """),
                Arguments.of("every step fails, as given too", """
                        0  10.0.0.1 nosuch.example.default.svc.cluster.local. A    NXDOMAIN
                        0  10.0.0.1 nosuch.example.default.svc.cluster.local. AAAA NXDOMAIN
                        1  10.0.0.1 nosuch.example.svc.cluster.local.         A    NXDOMAIN
                        1  10.0.0.1 nosuch.example.svc.cluster.local.         AAAA NXDOMAIN
                        2  10.0.0.1 nosuch.example.cluster.local.             A    NXDOMAIN
                        2  10.0.0.1 nosuch.example.cluster.local.             AAAA NXDOMAIN
                        30 10.0.0.1 nosuch.example.                           A    NXDOMAIN 28
                        31 10.0.0.1 nosuch.example.                           AAAA NXDOMAIN 29
                        """, """
                        10.0.0.1 nosuch.example ns=default qtypes=A,AAAA steps=8 answered=-1 wasted=6 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("a step retried after a lost answer counts once more, no new chain", """
                        0    10.0.0.1 www.google.com.default.svc.cluster.local. A    NXDOMAIN
                        0    10.0.0.1 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
                        1    10.0.0.1 www.google.com.svc.cluster.local.         A    NXDOMAIN
                        1    10.0.0.1 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        1001 10.0.0.1 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        1002 10.0.0.1 www.google.com.cluster.local.             A    NXDOMAIN
                        1002 10.0.0.1 www.google.com.cluster.local.             AAAA NXDOMAIN
                        1030 10.0.0.1 www.google.com.                           A    NOERROR 20
                        1031 10.0.0.1 www.google.com.                           AAAA NOERROR 20
                        """, """
                        10.0.0.1 www.google.com ns=default qtypes=A,AAAA steps=8 answered=6 wasted=7 retries=1 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("two clients interleaved", """
                        0  10.0.0.1 www.google.com.default.svc.cluster.local. A NXDOMAIN
                        0  10.0.0.2 api.github.com.web.svc.cluster.local.     A NXDOMAIN
                        1  10.0.0.2 api.github.com.svc.cluster.local.         A NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.         A NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.             A NXDOMAIN
                        2  10.0.0.2 api.github.com.cluster.local.             A NXDOMAIN
                        20 10.0.0.2 api.github.com.                           A NOERROR 18
                        21 10.0.0.1 www.google.com.                           A NOERROR 19
                        """, """
                        10.0.0.2 api.github.com ns=web qtypes=A steps=4 answered=3 wasted=3 \
                        search=web.svc.cluster.local,svc.cluster.local,cluster.local
                        10.0.0.1 www.google.com ns=default qtypes=A steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("one client, two names looked up at once", """
                        0  10.0.0.1 www.google.com.default.svc.cluster.local. A NXDOMAIN
                        0  10.0.0.1 api.github.com.default.svc.cluster.local. A NXDOMAIN
                        1  10.0.0.1 api.github.com.svc.cluster.local.         A NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.         A NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.             A NXDOMAIN
                        2  10.0.0.1 api.github.com.cluster.local.             A NXDOMAIN
                        20 10.0.0.1 www.google.com.                           A NOERROR 18
                        21 10.0.0.1 api.github.com.                           A NOERROR 19
                        """, """
                        10.0.0.1 www.google.com ns=default qtypes=A steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        10.0.0.1 api.github.com ns=default qtypes=A steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("a fourth search domain from the node", """
                        0  10.0.0.1 www.google.com.default.svc.cluster.local.  A    NXDOMAIN
                        0  10.0.0.1 www.google.com.default.svc.cluster.local.  AAAA NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.          A    NXDOMAIN
                        1  10.0.0.1 www.google.com.svc.cluster.local.          AAAA NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.              A    NXDOMAIN
                        2  10.0.0.1 www.google.com.cluster.local.              AAAA NXDOMAIN
                        10 10.0.0.1 www.google.com.us-east-1.compute.internal. A    NXDOMAIN 8
                        11 10.0.0.1 www.google.com.us-east-1.compute.internal. AAAA NXDOMAIN 8
                        30 10.0.0.1 www.google.com.                            A    NOERROR 18
                        31 10.0.0.1 www.google.com.                            AAAA NOERROR 18
                        """, """
                        10.0.0.1 www.google.com ns=default qtypes=A,AAAA steps=10 answered=8 wasted=8 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local,us-east-1.compute.internal
                        """),
                Arguments.of("no step for the window: the chain closes, the late answer is a lone query", """
                        0    10.0.0.1 foo.example.default.svc.cluster.local. A NXDOMAIN
                        1    10.0.0.1 foo.example.svc.cluster.local.         A NXDOMAIN
                        2    10.0.0.1 foo.example.cluster.local.             A NXDOMAIN
                        2002 10.0.0.1 foo.example.                           A NOERROR
                        """, """
                        10.0.0.1 foo.example ns=default qtypes=A steps=3 answered=-1 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("lone answers are no chain", """
                        0 10.0.0.1 www.google.com.                          A NOERROR
                        1 10.0.0.1 kube-dns.kube-system.svc.cluster.local.  A NOERROR
                        2 10.0.0.2 redis.shop.svc.cluster.local.            A NOERROR
                        """, ""),
                Arguments.of("a lone NXDOMAIN for a service FQDN is no chain", """
                        0 10.0.0.1 nosuch.default.svc.cluster.local. A    NXDOMAIN
                        0 10.0.0.1 nosuch.default.svc.cluster.local. AAAA NXDOMAIN
                        """, ""),
                Arguments.of("a pod in namespace shop", """
                        0  10.1.2.3 payments.billing.shop.svc.cluster.local. A NXDOMAIN
                        1  10.1.2.3 payments.billing.svc.cluster.local.      A NOERROR
                        10 10.1.2.3 cdn.example.shop.svc.cluster.local.      A NXDOMAIN
                        11 10.1.2.3 cdn.example.svc.cluster.local.           A NXDOMAIN
                        12 10.1.2.3 cdn.example.cluster.local.               A NXDOMAIN
                        30 10.1.2.3 cdn.example.                             A NOERROR 17
                        """, """
                        10.1.2.3 payments.billing ns=shop qtypes=A steps=2 answered=1 wasted=1 \
                        search=shop.svc.cluster.local,svc.cluster.local
                        10.1.2.3 cdn.example ns=shop qtypes=A steps=4 answered=3 wasted=3 \
                        search=shop.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("the same name twice in a row is two lookups", """
                        0   10.0.0.1 kubernetes.default.default.svc.cluster.local. A NXDOMAIN
                        1   10.0.0.1 kubernetes.default.svc.cluster.local.         A NOERROR
                        100 10.0.0.1 kubernetes.default.default.svc.cluster.local. A NXDOMAIN
                        101 10.0.0.1 kubernetes.default.svc.cluster.local.         A NOERROR
                        """, """
                        10.0.0.1 kubernetes.default ns=default qtypes=A steps=2 answered=1 wasted=1 \
                        search=default.svc.cluster.local,svc.cluster.local
                        10.0.0.1 kubernetes.default ns=default qtypes=A steps=2 answered=1 wasted=1 \
                        search=default.svc.cluster.local,svc.cluster.local
                        """),
                Arguments.of("a service FQDN typed without its trailing dot", """
                        0  10.0.0.1 my-svc.my-ns.svc.cluster.local.default.svc.cluster.local. A NXDOMAIN
                        1  10.0.0.1 my-svc.my-ns.svc.cluster.local.svc.cluster.local.         A NXDOMAIN
                        2  10.0.0.1 my-svc.my-ns.svc.cluster.local.cluster.local.             A NXDOMAIN
                        3  10.0.0.1 my-svc.my-ns.svc.cluster.local.                           A NOERROR
                        """, """
                        10.0.0.1 my-svc.my-ns.svc.cluster.local ns=default qtypes=A steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """),
                Arguments.of("0x20 case randomisation does not break a chain", """
                        0 10.0.0.1 WwW.gOOgle.CoM.default.svc.cluster.local. A NXDOMAIN
                        1 10.0.0.1 www.GOOGLE.com.svc.cluster.local.         A NXDOMAIN
                        2 10.0.0.1 www.google.com.CLUSTER.LOCAL.             A NXDOMAIN
                        3 10.0.0.1 wWw.Google.com.                           A NOERROR
                        """, """
                        10.0.0.1 wWw.Google.com ns=default qtypes=A steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,CLUSTER.LOCAL
                        """),
                Arguments.of("SERVFAIL on a step does not end the chain (glibc goes on)", """
                        0  10.0.0.1 api.example.default.svc.cluster.local. A NXDOMAIN
                        1  10.0.0.1 api.example.svc.cluster.local.         A NXDOMAIN
                        2  10.0.0.1 api.example.cluster.local.             A NXDOMAIN
                        9  10.0.0.1 api.example.corp.internal.             A SERVFAIL 7
                        30 10.0.0.1 api.example.                           A NOERROR 20
                        """, """
                        10.0.0.1 api.example ns=default qtypes=A steps=5 answered=4 wasted=4 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local,corp.internal
                        """),
                Arguments.of("IPv6 client, ports change every step", """
                        0 fd00::12 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
                        1 fd00::12 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
                        2 fd00::12 www.google.com.cluster.local.             AAAA NXDOMAIN
                        3 fd00::12 www.google.com.                           AAAA NOERROR
                        """, """
                        fd00:0:0:0:0:0:0:12 www.google.com ns=default qtypes=AAAA steps=4 answered=3 wasted=3 \
                        search=default.svc.cluster.local,svc.cluster.local,cluster.local
                        """));
    }
}
