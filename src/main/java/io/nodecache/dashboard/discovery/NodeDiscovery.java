package io.nodecache.dashboard.discovery;

import java.util.List;
import java.util.OptionalInt;

/**
 * Where the nodes are. Two implementations, one contract ({@code NodeDiscoveryContract} in the tests): a static
 * list, and a fabric8 informer on the node pods. Reads are cheap snapshots, safe from any thread.
 */
public interface NodeDiscovery extends AutoCloseable {

    /** Starts watching; returns without waiting for the first list (nodes appear as they are found). */
    void start();

    /** Every node known now, in name order, including recently gone ones ({@link DiscoveredNode#gone()}). */
    List<DiscoveredNode> nodes();

    /** How many nodes there should be (the DaemonSet's desired count), when discovery can tell. */
    OptionalInt desired();

    /** What kind of discovery this is, for the page: {@code static} or {@code kubernetes}. */
    String kind();

    @Override
    default void close() {}
}
