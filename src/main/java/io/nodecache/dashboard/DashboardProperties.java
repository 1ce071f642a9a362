package io.nodecache.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the dashboard finds and reaches nodes ({@code nodecache.dashboard.*}).
 *
 * @param enabled       run the dashboard (the launcher reads this; here for the record)
 * @param discovery     {@code kubernetes} (default inside a cluster) or {@code static} (default elsewhere)
 * @param nodes         static discovery: {@code NAME=URL,...}
 * @param pods          static pod directory: {@code NAMESPACE/POD=IP[@NODE],...}
 * @param transport     {@code direct} (pod IP:port; default in a cluster) or {@code proxy} (the API server's pod
 *                      proxy; default with a kubeconfig from outside)
 * @param namespace     the node pods' namespace
 * @param labelSelector the node pods' labels, {@code k=v[,k=v]}
 * @param nodePort      the node pods' web port
 * @param refresh       time between two refreshes over all nodes
 * @param timeout       how long one node may take to answer a refresh (or a toggle)
 * @param goneRetention how long a node whose pod was deleted stays listed as gone
 * @param podHistory    how long a deleted pod's IP still names it
 */
@ConfigurationProperties("nodecache.dashboard")
public record DashboardProperties(Boolean enabled, String discovery, String nodes, String pods, String transport,
        String namespace, String labelSelector, Integer nodePort, Duration refresh, Duration timeout,
        Duration goneRetention, Duration podHistory) {

    public DashboardProperties {
        enabled = enabled != null && enabled;
        boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        discovery = blank(discovery) ? (inCluster ? "kubernetes" : "static") : discovery;
        transport = blank(transport) ? (inCluster ? "direct" : "proxy") : transport;
        namespace = blank(namespace) ? "kube-system" : namespace;
        labelSelector = blank(labelSelector) ? "k8s-app=node-local-dns" : labelSelector;
        nodePort = nodePort == null ? 8080 : nodePort;
        refresh = refresh == null ? Duration.ofSeconds(2) : refresh;
        timeout = timeout == null ? Duration.ofMillis(1500) : timeout;
        goneRetention = goneRetention == null ? Duration.ofMinutes(10) : goneRetention;
        podHistory = podHistory == null ? Duration.ofHours(1) : podHistory;
        if (!discovery.equals("kubernetes") && !discovery.equals("static")) {
            throw new IllegalArgumentException("nodecache.dashboard.discovery: expected kubernetes or static, got '"
                    + discovery + "'");
        }
        if (!transport.equals("direct") && !transport.equals("proxy")) {
            throw new IllegalArgumentException("nodecache.dashboard.transport: expected proxy or direct, got '"
                    + transport + "'");
        }
        if (refresh.isNegative() || refresh.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("nodecache.dashboard.refresh and .timeout must be positive");
        }
    }

    /** Static discovery always reaches nodes at their URLs. */
    public String effectiveTransport() {
        return discovery.equals("static") ? "direct" : transport;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
