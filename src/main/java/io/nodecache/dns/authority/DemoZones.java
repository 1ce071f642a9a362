package io.nodecache.dns.authority;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Builds the zones of a small, made-up Kubernetes cluster, so the embedded default has something real to answer.
 *
 * <p>The records imitate what CoreDNS's kubernetes plugin serves (SOA, TTLs, service, SRV and pod names, PTRs) and
 * add a demo external zone under the reserved {@code example.} TLD (RFC 2606) with addresses from the
 * documentation ranges (RFC 5737, RFC 3849). Every call builds new zones from the same data: deterministic, and no
 * caller sees another's changes.
 */
public final class DemoZones {

    /** The cluster domain. */
    public static final String CLUSTER_DOMAIN = "cluster.local.";

    /** The ClusterIP of the kube-dns service, which also serves as the name server's address. */
    public static final String KUBE_DNS_IP = "10.96.0.10";

    /** CoreDNS's kubernetes plugin answers with TTL 5 for its SOA and (by default) records; we use 30 for services. */
    static final long CLUSTER_SOA_TTL = 5;
    static final long SERVICE_TTL = 30;
    static final long EXTERNAL_TTL = 300;

    /** A name/type pair present in the demo zones: what a demo pod can query and get an answer for. */
    public record DemoName(String name, int type) {

        @Override
        public String toString() {
            return name + " " + Type.string(type);
        }
    }

    private DemoZones() {
    }

    /** Every demo zone: {@code cluster.local.}, {@code 10.in-addr.arpa.}, {@code ip6.arpa.} and {@code example.}. */
    public static List<Zone> all() {
        return List.of(clusterLocal(), reverse10(), ip6Arpa(), example());
    }

    /** The name/type pairs with data in {@link #all()} (not SOA or NS), in canonical order per zone. */
    public static List<DemoName> names() {
        Set<Integer> interesting = Set.of(Type.A, Type.AAAA, Type.CNAME, Type.SRV, Type.PTR);
        List<DemoName> names = new ArrayList<>();
        for (Zone zone : all()) {
            for (RRset rrset : zone) {
                if (interesting.contains(rrset.getType())) {
                    names.add(new DemoName(rrset.getName().toString(), rrset.getType()));
                }
            }
        }
        return List.copyOf(names);
    }

    /** {@code cluster.local.}: the API server, kube-dns, and a few namespaces of services, SRV and pod records. */
    public static Zone clusterLocal() {
        ZoneData z = new ZoneData(CLUSTER_DOMAIN, CLUSTER_SOA_TTL)
                // CoreDNS's kubernetes plugin: "ns.dns.<zone> hostmaster.<zone> <serial> 7200 1800 86400 5".
                .soa("ns.dns.cluster.local.", "hostmaster.cluster.local.", 5)
                .ns("ns.dns.cluster.local.")
                .add("ns.dns", Type.A, CLUSTER_SOA_TTL, KUBE_DNS_IP);
        for (Service service : ClusterData.SERVICES) {
            service.addTo(z);
        }
        for (String podIp : ClusterData.POD_IPS_DEFAULT) {
            z.add(podIp.replace('.', '-') + ".default.pod", Type.A, SERVICE_TTL, podIp);
        }
        for (String podIp : ClusterData.POD_IPS_SHOP) {
            z.add(podIp.replace('.', '-') + ".shop.pod", Type.A, SERVICE_TTL, podIp);
        }
        return z.build();
    }

    /** {@code 10.in-addr.arpa.}: PTRs for every service and pod address (CoreDNS answers these for the cluster CIDRs). */
    public static Zone reverse10() {
        ZoneData z = new ZoneData("10.in-addr.arpa.", CLUSTER_SOA_TTL)
                .soa("ns.dns.10.in-addr.arpa.", "hostmaster.10.in-addr.arpa.", 5)
                .ns("ns.dns.10.in-addr.arpa.");
        for (Service service : ClusterData.SERVICES) {
            service.addPtrsTo(z);
        }
        for (String podIp : ClusterData.POD_IPS_DEFAULT) {
            z.addAbsolute(ptrName(podIp), Type.PTR, SERVICE_TTL, podIp.replace('.', '-') + ".default.pod.cluster.local.");
        }
        // The shop pods back the headless orders-db service, whose hostnames already gave them PTRs: one PTR
        // per address, as the kubernetes plugin serves.
        return z.build();
    }

    /** {@code ip6.arpa.}: an empty IPv6 reverse zone (SOA and NS only), as a single-stack IPv4 cluster has. */
    public static Zone ip6Arpa() {
        return new ZoneData("ip6.arpa.", CLUSTER_SOA_TTL)
                .soa("ns.dns.ip6.arpa.", "hostmaster.ip6.arpa.", 5)
                .ns("ns.dns.ip6.arpa.")
                .build();
    }

    /** {@code example.}: a stand-in for the internet, so "external" lookups work on a laptop with no network. */
    public static Zone example() {
        return new ZoneData("example.", EXTERNAL_TTL)
                .soa("ns.example.", "hostmaster.example.", 60)
                .ns("ns.example.")
                .add("ns", Type.A, EXTERNAL_TTL, "192.0.2.53")
                .add("@", Type.A, EXTERNAL_TTL, "192.0.2.1")
                .add("@", Type.AAAA, EXTERNAL_TTL, "2001:db8::1")
                .add("www", Type.A, EXTERNAL_TTL, "192.0.2.10")
                .add("www", Type.AAAA, EXTERNAL_TTL, "2001:db8::10")
                .add("api", Type.A, EXTERNAL_TTL, "198.51.100.20")
                .add("api", Type.A, EXTERNAL_TTL, "198.51.100.21")
                .add("api", Type.AAAA, EXTERNAL_TTL, "2001:db8::20")
                .add("cdn", Type.A, EXTERNAL_TTL, "198.51.100.80")
                .add("cdn", Type.AAAA, EXTERNAL_TTL, "2001:db8::80")
                .add("static", Type.CNAME, EXTERNAL_TTL, "cdn.example.")
                .build();
    }

    /** {@code 10.96.0.1} gives {@code 1.0.96.10.in-addr.arpa.} (RFC 1035 §3.5). */
    static String ptrName(String ipv4) {
        String[] octets = ipv4.split("\\.");
        return octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa.";
    }

    /** Collects a zone's records by relative name; dnsjava's {@link Zone} insists on an SOA and NS at the apex. */
    static final class ZoneData {

        private final Name origin;
        private final long soaTtl;
        private final List<Record> records = new ArrayList<>();

        ZoneData(String origin, long soaTtl) {
            this.origin = Name.fromConstantString(origin);
            this.soaTtl = soaTtl;
        }

        ZoneData soa(String host, String admin, long minimum) {
            return add("@", Type.SOA, soaTtl, host + " " + admin + " 1700000000 7200 1800 86400 " + minimum);
        }

        ZoneData ns(String host) {
            return add("@", Type.NS, soaTtl, host);
        }

        /** Adds a record at {@code relative} ({@code "@"} for the apex) below the origin. */
        ZoneData add(String relative, int type, long ttl, String rdata) {
            String name = "@".equals(relative) ? origin.toString() : relative + "." + origin;
            return addAbsolute(name, type, ttl, rdata);
        }

        ZoneData addAbsolute(String name, int type, long ttl, String rdata) {
            try {
                records.add(Record.fromString(Name.fromString(name), type, DClass.IN, ttl, rdata, origin));
            } catch (IOException e) {
                throw new IllegalStateException("bad demo record " + name + " " + Type.string(type) + " " + rdata, e);
            }
            return this;
        }

        Zone build() {
            try {
                return new Zone(origin, records.toArray(new Record[0]));
            } catch (IOException e) {
                throw new UncheckedIOException("bad demo zone " + origin, e);
            }
        }
    }
}
