package io.nodecache.dns.authority;

import java.util.List;

import io.nodecache.dns.authority.Service.Endpoint;
import io.nodecache.dns.authority.Service.Port;

/** The made-up cluster behind {@link DemoZones}: four namespaces, their services and pods. */
final class ClusterData {

    private static final Port HTTP = new Port("http", "tcp", 80);
    private static final Port HTTP_8080 = new Port("http", "tcp", 8080);
    private static final Port HTTPS = new Port("https", "tcp", 443);

    static final List<Service> SERVICES = List.of(
            // The API server is always 10.96.0.1, the first address of the default service CIDR.
            Service.clusterIp("kubernetes", "default", "10.96.0.1", HTTPS),
            Service.clusterIp("frontend", "default", "10.96.12.40", HTTP),
            Service.clusterIp("kube-dns", "kube-system", DemoZones.KUBE_DNS_IP,
                    new Port("dns", "udp", 53), new Port("dns-tcp", "tcp", 53), new Port("metrics", "tcp", 9153)),
            Service.clusterIp("metrics-server", "kube-system", "10.96.0.20", HTTPS),
            Service.clusterIp("frontend", "shop", "10.96.20.10", HTTP),
            Service.clusterIp("cart", "shop", "10.96.20.11", HTTP_8080),
            Service.clusterIp("checkout", "shop", "10.96.20.12", HTTP_8080),
            Service.clusterIp("catalog", "shop", "10.96.20.13", HTTP_8080),
            Service.headless("orders-db", "shop", List.of(
                    new Endpoint("orders-db-0", "10.244.2.20"),
                    new Endpoint("orders-db-1", "10.244.2.21"),
                    new Endpoint("orders-db-2", "10.244.2.22")),
                    new Port("postgres", "tcp", 5432)),
            // An ExternalName service: a CNAME out of the cluster zone, into the demo "internet".
            Service.externalName("payments", "shop", "api.example."),
            Service.clusterIp("prometheus", "monitoring", "10.96.30.10", new Port("http", "tcp", 9090)),
            Service.clusterIp("grafana", "monitoring", "10.96.30.11", new Port("http", "tcp", 3000)),
            Service.clusterIp("alertmanager", "monitoring", "10.96.30.12", new Port("http", "tcp", 9093)));

    /** Pods with {@code <a-b-c-d>.default.pod.cluster.local} records (the kubernetes plugin's {@code pods insecure}). */
    static final List<String> POD_IPS_DEFAULT = List.of("10.244.1.5", "10.244.1.6", "10.244.1.7");

    /** The shop pods, which also back the headless {@code orders-db} service. */
    static final List<String> POD_IPS_SHOP = List.of("10.244.2.20", "10.244.2.21", "10.244.2.22");

    private ClusterData() {
    }
}
