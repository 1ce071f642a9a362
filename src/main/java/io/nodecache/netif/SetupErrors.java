package io.nodecache.netif;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * node-cache's {@code coredns_nodecache_setup_errors_total} counters, by errortype: one holder for the node, so the
 * host networking ({@link NetworkSetup}) and the kube-dns ConfigMap sync count into the same series, and the series
 * exists whether or not the node does any networking.
 */
public final class SetupErrors {

    /** The errortype values, as node-cache names them. */
    public static final List<String> TYPES =
            List.of("iptables", "iptables_lock", "interface_add", "interface_check", "configmap");

    /** A failure to read, validate, render or write the kube-dns ConfigMap and the base Corefile. */
    public static final String CONFIGMAP = "configmap";

    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();

    public SetupErrors() {
        for (String type : TYPES) {
            counts.put(type, new AtomicLong());
        }
    }

    /** Counts one failure of {@code type}, one of {@link #TYPES}. */
    public void increment(String type) {
        AtomicLong n = counts.get(type);
        if (n == null) {
            throw new IllegalArgumentException("not an errortype of node-cache: " + type);
        }
        n.incrementAndGet();
    }

    /** The counts now, every type present (zero when none). */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counts.forEach((type, n) -> copy.put(type, n.get()));
        return Collections.unmodifiableMap(copy);
    }
}
