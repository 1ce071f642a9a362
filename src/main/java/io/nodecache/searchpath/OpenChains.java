package io.nodecache.searchpath;

import io.nodecache.collect.OpenAddressTable;
import java.net.InetAddress;

/**
 * The chains still open: per client IP a list, newest first, found through an {@link OpenAddressTable} (a HashMap
 * allocated a node each time a client opened its first chain, once per chain on a busy node), and all of them in
 * start order for the idle sweep. Dispatcher thread only.
 */
final class OpenChains {

    private final OpenAddressTable<InetAddress, ChainRecord> heads = new OpenAddressTable<>(32);
    private int chainCount;
    private ChainRecord oldest;
    private ChainRecord newest;

    boolean isEmpty() {
        return chainCount == 0;
    }

    /** Clients with at least one open chain. */
    int clients() {
        return heads.size();
    }

    int chains() {
        return chainCount;
    }

    /** The open chain started first; follow {@link ChainRecord#newerOpen} for the rest. */
    ChainRecord oldest() {
        return oldest;
    }

    /** The client's newest open chain (follow {@link ChainRecord#next} for older ones), or null. */
    ChainRecord head(InetAddress client) {
        return heads.get(client.hashCode(), client);
    }

    /** Adds a started chain ({@link ChainRecord#client} set) as its client's newest. */
    void add(ChainRecord chain) {
        chain.next = head(chain.client);
        heads.put(chain.client.hashCode(), chain.client, chain);
        chain.olderOpen = newest;
        chain.newerOpen = null;
        if (newest == null) {
            oldest = chain;
        } else {
            newest.newerOpen = chain;
        }
        newest = chain;
        chainCount++;
    }

    /** Unlinks an open chain from its client's list and from the start order. */
    void remove(ChainRecord chain) {
        ChainRecord head = head(chain.client);
        if (head == chain) {
            if (chain.next == null) {
                heads.remove(chain.client.hashCode(), chain.client);
            } else {
                heads.put(chain.client.hashCode(), chain.client, chain.next);
            }
        } else {
            for (ChainRecord c = head; c != null; c = c.next) {
                if (c.next == chain) {
                    c.next = chain.next;
                    break;
                }
            }
        }
        chain.next = null;
        if (chain.olderOpen == null) {
            oldest = chain.newerOpen;
        } else {
            chain.olderOpen.newerOpen = chain.newerOpen;
        }
        if (chain.newerOpen == null) {
            newest = chain.olderOpen;
        } else {
            chain.newerOpen.olderOpen = chain.olderOpen;
        }
        chain.olderOpen = null;
        chain.newerOpen = null;
        chainCount--;
    }
}
