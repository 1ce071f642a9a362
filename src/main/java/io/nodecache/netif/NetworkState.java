package io.nodecache.netif;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The node's host networking as last checked, for the node API.
 *
 * @param backend           the iptables backend in use, {@code "nft"} or {@code "legacy"} (null before the first set-up)
 * @param interfaceName     the interface that holds the local IPs: the dummy link, or {@code "lo"}
 * @param interfaceFallback true when the kernel has no dummy link type and the local IPs went on {@code lo}
 * @param addresses         the local IPs found on the interface at the last check
 * @param rulesPresent      node-cache's rules found at the last check
 * @param rulesExpected     node-cache's rules there should be
 * @param lastCheck         when the last set-up, sync or tear-down ran (null before any)
 * @param errors            {@code coredns_nodecache_setup_errors_total} by errortype
 * @param lastError         the last failure, or null
 */
public record NetworkState(String backend, String interfaceName, boolean interfaceFallback, List<String> addresses,
        int rulesPresent, int rulesExpected, Instant lastCheck, Map<String, Long> errors, String lastError) {

    public NetworkState {
        addresses = List.copyOf(addresses);
        errors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errors));
    }
}
