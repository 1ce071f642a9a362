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

    /** The longest {@code lameduck} of any block's {@code health}: zero when none asks for one. */
    public Duration lameduck() {
        return blocks.stream().map(ServerBlock::lameduck).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
