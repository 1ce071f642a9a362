package io.nodecache.dns.authority;

import java.util.List;

import org.xbill.DNS.Type;

/**
 * One demo Kubernetes service and the records CoreDNS's kubernetes plugin would serve for it.
 *
 * @param name         the service name
 * @param namespace    its namespace
 * @param clusterIp    its ClusterIP, or null when headless or ExternalName
 * @param ports        named ports, each giving an SRV record
 * @param endpoints    the pods behind a headless service (empty otherwise)
 * @param externalName the CNAME target of an ExternalName service, or null
 */
record Service(String name, String namespace, String clusterIp, List<Port> ports, List<Endpoint> endpoints,
               String externalName) {

    /** A named service port; SRV owner {@code _<name>._<protocol>.<svc>.<ns>.svc.<zone>}. */
    record Port(String name, String protocol, int number) {
    }

    /** A pod behind a headless service: {@code <hostname>.<svc>.<ns>.svc.<zone>}. */
    record Endpoint(String hostname, String ip) {
    }

    static Service clusterIp(String name, String namespace, String ip, Port... ports) {
        return new Service(name, namespace, ip, List.of(ports), List.of(), null);
    }

    static Service headless(String name, String namespace, List<Endpoint> endpoints, Port... ports) {
        return new Service(name, namespace, null, List.of(ports), List.copyOf(endpoints), null);
    }

    static Service externalName(String name, String namespace, String target) {
        return new Service(name, namespace, null, List.of(), List.of(), target);
    }

    /** {@code <svc>.<ns>.svc}, relative to the cluster domain. */
    String relativeName() {
        return name + "." + namespace + ".svc";
    }

    /** Adds A, CNAME and SRV records the way the kubernetes plugin shapes them. */
    void addTo(DemoZones.ZoneData zone) {
        String owner = relativeName();
        String fqdn = owner + "." + DemoZones.CLUSTER_DOMAIN;
        long ttl = DemoZones.SERVICE_TTL;
        if (externalName != null) {
            zone.add(owner, Type.CNAME, ttl, externalName);
            return;
        }
        if (clusterIp != null) {
            zone.add(owner, Type.A, ttl, clusterIp);
            for (Port port : ports) {
                zone.add(srvOwner(port), Type.SRV, ttl, "0 100 " + port.number() + " " + fqdn);
            }
            return;
        }
        // Headless: one A per ready pod at the service name, one per pod at its hostname, and SRV records that
        // share the weight between pods as the kubernetes plugin does (100 / number of endpoints).
        int weight = 100 / Math.max(1, endpoints.size());
        for (Endpoint endpoint : endpoints) {
            zone.add(owner, Type.A, ttl, endpoint.ip());
            zone.add(endpoint.hostname() + "." + owner, Type.A, ttl, endpoint.ip());
            for (Port port : ports) {
                zone.add(srvOwner(port), Type.SRV, ttl,
                        "0 " + weight + " " + port.number() + " " + endpoint.hostname() + "." + fqdn);
            }
        }
    }

    /** Adds the PTRs for the ClusterIP or, when headless, for each pod's hostname. */
    void addPtrsTo(DemoZones.ZoneData zone) {
        String fqdn = relativeName() + "." + DemoZones.CLUSTER_DOMAIN;
        if (clusterIp != null) {
            zone.addAbsolute(DemoZones.ptrName(clusterIp), Type.PTR, DemoZones.SERVICE_TTL, fqdn);
        }
        for (Endpoint endpoint : endpoints) {
            zone.addAbsolute(DemoZones.ptrName(endpoint.ip()), Type.PTR, DemoZones.SERVICE_TTL,
                    endpoint.hostname() + "." + fqdn);
        }
    }

    private String srvOwner(Port port) {
        return "_" + port.name() + "._" + port.protocol() + "." + relativeName();
    }
}
