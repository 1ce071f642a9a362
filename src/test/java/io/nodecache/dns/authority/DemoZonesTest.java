package io.nodecache.dns.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

class DemoZonesTest {

    private static final ZoneAnswerer DEMO = new ZoneAnswerer(DemoZones.all());

    private static String answers(String name, String type) {
        Message response = DEMO.answer(ZoneAnswererTest.query(name, Type.value(type)));
        assertEquals(Rcode.NOERROR, response.getRcode(), name);
        return response.getSection(Section.ANSWER).stream()
                .map(Record::rdataToString)
                .collect(Collectors.joining(" | "));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
            "kubernetes.default.svc.cluster.local.; A; 10.96.0.1",
            "kube-dns.kube-system.svc.cluster.local.; A; 10.96.0.10",
            "frontend.shop.svc.cluster.local.; A; 10.96.20.10",
            "_http._tcp.frontend.shop.svc.cluster.local.; SRV; 0 100 80 frontend.shop.svc.cluster.local.",
            "_dns._udp.kube-dns.kube-system.svc.cluster.local.; SRV; 0 100 53 kube-dns.kube-system.svc.cluster.local.",
            "orders-db.shop.svc.cluster.local.; A; 10.244.2.20 | 10.244.2.21 | 10.244.2.22",
            "orders-db-1.orders-db.shop.svc.cluster.local.; A; 10.244.2.21",
            "10-244-1-5.default.pod.cluster.local.; A; 10.244.1.5",
            "1.0.96.10.in-addr.arpa.; PTR; kubernetes.default.svc.cluster.local.",
            "5.1.244.10.in-addr.arpa.; PTR; 10-244-1-5.default.pod.cluster.local.",
            "20.2.244.10.in-addr.arpa.; PTR; orders-db-0.orders-db.shop.svc.cluster.local.",
            "payments.shop.svc.cluster.local.; A; api.example. | 198.51.100.20 | 198.51.100.21",
            "www.example.; AAAA; 2001:db8:0:0:0:0:0:10",
            "static.example.; A; cdn.example. | 198.51.100.80",
            "ns.dns.cluster.local.; A; 10.96.0.10"})
    void clusterLooksLikeCoreDnsWouldServeIt(String name, String type, String expected) {
        assertEquals(expected, answers(name, type));
    }

    @Test
    void soasMatchCoreDnsAndTheExternalDemo() {
        SOARecord cluster = DemoZones.clusterLocal().getSOA();
        assertEquals("ns.dns.cluster.local.", cluster.getHost().toString());
        assertEquals("hostmaster.cluster.local.", cluster.getAdmin().toString());
        assertEquals(List.of(7200L, 1800L, 86400L, 5L, 5L),
                List.of(cluster.getRefresh(), cluster.getRetry(), cluster.getExpire(), cluster.getMinimum(),
                        cluster.getTTL()));
        assertEquals(60, DemoZones.example().getSOA().getMinimum());
        assertEquals(Rcode.NXDOMAIN, DEMO.answer(ZoneAnswererTest.query("nope.example.", Type.A)).getRcode());
    }

    @Test
    void ip6ArpaHoldsOnlySoaAndNs() {
        Zone zone = DemoZones.ip6Arpa();
        int rrsets = 0;
        for (var ignored : zone) {
            rrsets++;
        }
        assertEquals(2, rrsets);
        assertEquals(Rcode.NXDOMAIN,
                DEMO.answer(ZoneAnswererTest.query("1.0.0.0.ip6.arpa.", Type.PTR)).getRcode());
    }

    @Test
    void zonesAreDeterministicAndFreshPerCall() {
        List<String> first = DemoZones.all().stream().map(Zone::toMasterFile).collect(Collectors.toList());
        List<String> second = DemoZones.all().stream().map(Zone::toMasterFile).collect(Collectors.toList());
        assertEquals(first, second);
        assertNotSame(DemoZones.all().get(0), DemoZones.all().get(0));
    }

    @Test
    void externalAddressesComeFromDocumentationRanges() {
        for (var rrset : DemoZones.example()) {
            for (Record record : rrset.rrs(false)) {
                if (record instanceof ARecord a) {
                    String ip = a.getAddress().getHostAddress();
                    assertTrue(ip.startsWith("192.0.2.") || ip.startsWith("198.51.100."), ip);
                } else if (record instanceof AAAARecord aaaa) {
                    assertTrue(aaaa.getAddress().getHostAddress().startsWith("2001:db8:"), record.toString());
                }
            }
        }
    }

    @Test
    void everyDemoNameIsAnswered() {
        List<DemoZones.DemoName> names = DemoZones.names();
        assertTrue(names.size() > 30, "names: " + names.size());
        assertTrue(names.contains(new DemoZones.DemoName("kubernetes.default.svc.cluster.local.", Type.A)));
        assertTrue(names.contains(new DemoZones.DemoName("www.example.", Type.AAAA)));
        for (DemoZones.DemoName name : names) {
            Message response = DEMO.answer(ZoneAnswererTest.query(name.name(), name.type()));
            assertEquals(Rcode.NOERROR, response.getRcode(), name.toString());
            assertFalse(response.getSection(Section.ANSWER).isEmpty(), name.toString());
        }
        assertEquals(names, DemoZones.names());
    }
}
