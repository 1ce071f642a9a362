package io.nodecache.corefile;

import java.time.Duration;
import java.util.List;

/**
 * A whole parsed Corefile: its server blocks in file order.
 *
 * @param source the file (or resource) the configuration was read from, for messages
 * @param blocks the server blocks, in the order they appear
 */
public record NodeConfig(String source, List<ServerBlock> blocks) {

    public NodeConfig {
        blocks = List.copyOf(blocks);
    }

    /**
     * This configuration with {@code addresses} as the {@code bind} of every block that has none. CoreDNS listens on
     * every address then; on a node's host network (node-cache's iptables mode) that would answer anyone who can
     * reach the node, so there the node's local IPs stand in (an explicit {@code bind 0.0.0.0} is still obeyed).
     */
    public NodeConfig withDefaultBinds(List<java.net.InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return this;
        }
        return new NodeConfig(source, blocks.stream().map(b -> !b.binds().isEmpty() ? b : new ServerBlock(b.zones(),
                b.port(), addresses, b.errors(), b.log(), b.loop(), b.cache(), b.forward(), b.reload(), b.health(),
                b.lameduck(), b.prometheus(), b.line())).toList());
    }

    /** The longest {@code lameduck} of any block's {@code health}: zero when none asks for one. */
    public Duration lameduck() {
        return blocks.stream().map(ServerBlock::lameduck).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
