package io.nodecache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's pods: own addresses, four namespaces, and lookups that never leave the demo zones. */
class DemoPodsTest {

    @Test
    void sixPodsInFourNamespacesEachWithItsOwnAddress() {
        List<DemoPod> pods = DemoPods.create(6);

        assertEquals(List.of("127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5", "127.0.1.6"),
                pods.stream().map(p -> p.address().getHostAddress()).toList());
        assertEquals(Set.of("default", "shop", "monitoring", "kube-system"),
                pods.stream().map(DemoPod::namespace).collect(Collectors.toSet()));
        assertEquals(List.of("shop.svc.cluster.local", "svc.cluster.local", "cluster.local"),
                pods.get(1).searchList("cluster.local."));
    }

    @Test
    void theMixHasEveryKindOfLookup() {
        List<DemoPod> pods = DemoPods.create(6);
        int direct = 0;
        int chains = 0;
        int fqdn = 0;
        int failed = 0;
        for (DemoPod pod : pods) {
            for (String ask : pod.asks()) {
                String answered = DemoPods.answeringName(pod, ask);
                if (ask.endsWith(".")) {
                    fqdn++;
                } else if (answered == null) {
                    failed++;
                } else if (answered.equals(ask + "." + pod.namespace() + ".svc.cluster.local.")) {
                    direct++;
                } else {
                    chains++;
                }
            }
        }
        assertTrue(direct > 5 && chains > 10 && fqdn >= 3 && failed == 2,
                "direct " + direct + ", chains " + chains + ", fqdn " + fqdn + ", failed " + failed);
        assertTrue(failed * 20 < direct + chains + fqdn + failed, "typos are only now and then");
    }

    /** pod index | name | where glibc's search ends ('-' = every name fails). */
    @ParameterizedTest
    @CsvSource(delimiter = ';', textBlock = """
            0; kubernetes;           kubernetes.default.svc.cluster.local.
            0; www.example;          www.example.
            5; wwww.example;         -
            1; payments;             payments.shop.svc.cluster.local.
            1; kubernetes.default;   kubernetes.default.svc.cluster.local.
            4; kubernetes.default.svc; kubernetes.default.svc.cluster.local.
            """)
    void lookupsEndWhereTheDemoZonesSay(int pod, String ask, String answered) {
        assertEquals("-".equals(answered) ? null : answered, DemoPods.answeringName(DemoPods.create(6).get(pod), ask));
    }

    /** Should fail: the as-given step of these would go to the node's real upstreams. */
    @ParameterizedTest
    @ValueSource(strings = {"kubernetes", "www.google.com", "kubernets"})
    void aLookupThatWouldLeaveTheMachineIsRefused(String ask) {
        DemoPod shopPod = new DemoPod("p", "shop", DemoPods.address(9), List.of(ask));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoPods.answeringName(shopPod, ask));
        assertTrue(e.getMessage().contains("off the machine"), e.getMessage());
    }

    @Test
    void manyPodsCycleThroughTheTemplatesWithDistinctNames() {
        List<DemoPod> pods = DemoPods.create(DemoPods.MAX_PODS);

        assertEquals(DemoPods.MAX_PODS, pods.stream().map(DemoPod::name).distinct().count());
        assertEquals("127.0.1.254", pods.get(253).address().getHostAddress());
        assertThrows(IllegalArgumentException.class, () -> DemoPods.create(0));
        assertThrows(IllegalArgumentException.class, () -> DemoPods.create(255));
    }
}
