package io.nodecache.netif;

import java.net.InetAddress;
import java.util.List;

/**
 * What the node sets up on its host, from node-cache's flags.
 *
 * @param localIps       every local IP (node-cache's {@code -localip}: the link-local IP, and in kube-proxy clusters the
 *                       kube-dns service IP), IPv4 and IPv6 alike
 * @param interfaceName  node-cache's {@code -interfacename} ({@code nodelocaldns})
 * @param healthPort     node-cache's {@code -health-port}: its NOTRACK rules too
 * @param setupInterface put the local IPs on the interface ({@code -setupinterface})
 * @param setupIptables  add the NOTRACK/ACCEPT rules ({@code -setupiptables})
 * @param commandPrefix  run every command under this prefix, e.g. {@code ip netns exec NS} in tests; empty on a node
 */
public record NetifConfig(List<InetAddress> localIps, String interfaceName, int healthPort, boolean setupInterface,
        boolean setupIptables, List<String> commandPrefix) {

    public NetifConfig {
        localIps = List.copyOf(localIps);
        commandPrefix = List.copyOf(commandPrefix);
    }
}
