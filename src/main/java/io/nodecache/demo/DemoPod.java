package io.nodecache.demo;

import java.net.InetAddress;
import java.util.List;

/**
 * A simulated pod: its name, Kubernetes namespace, source address and the names its application looks up (a name
 * listed twice is asked twice as often).
 *
 * @param name      the pod's name, for logs
 * @param namespace its Kubernetes namespace, which gives its search list
 * @param address   the source address of its queries (127.0.1.N on loopback)
 * @param asks      what the application looks up, as the application writes it
 */
public record DemoPod(String name, String namespace, InetAddress address, List<String> asks) {

    public DemoPod {
        asks = List.copyOf(asks);
        if (asks.isEmpty()) {
            throw new IllegalArgumentException("a demo pod must ask for something: " + name);
        }
    }

    /** The pod's resolv.conf search list, as the kubelet writes it: {@code <ns>.svc.<domain> svc.<domain> <domain>}. */
    public List<String> searchList(String clusterDomain) {
        String domain = clusterDomain.endsWith(".") ? clusterDomain.substring(0, clusterDomain.length() - 1)
                : clusterDomain;
        return List.of(namespace + ".svc." + domain, "svc." + domain, domain);
    }
}
