package io.nodecache.searchpath;

import java.net.InetAddress;

/**
 * The chains still open: per client IP a list, newest first, found through an open-addressing table, and all of
 * them in start order for the idle sweep. A HashMap allocated a node each time a client opened its first chain
 * (once per chain on a busy node); this table allocates only when it grows. It keeps each client's hash code beside
 * it, so the lookup made for every event while any chain is open (mostly for clients with none) compares ints and
 * calls {@code equals} only on a likely match. Dispatcher thread only.
 */
final class OpenChains {

    private InetAddress[] clients = new InetAddress[64];
    private int[] hashes = new int[64];
    private ChainRecord[] heads = new ChainRecord[64];
    private int clientCount;
    private int chainCount;
    private ChainRecord oldest;
    private ChainRecord newest;

    boolean isEmpty() {
        return chainCount == 0;
    }

    /** Clients with at least one open chain. */
    int clients() {
        return clientCount;
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
        int i = slot(client);
        return clients[i] == null ? null : heads[i];
    }

    /** Adds a started chain ({@link ChainRecord#client} set) as its client's newest. */
    void add(ChainRecord chain) {
        int i = slot(chain.client);
        if (clients[i] == null) {
            clients[i] = chain.client;
            hashes[i] = chain.client.hashCode();
            clientCount++;
            chain.next = null;
        } else {
            chain.next = heads[i];
        }
        heads[i] = chain;
        chain.olderOpen = newest;
        chain.newerOpen = null;
        if (newest == null) {
            oldest = chain;
        } else {
            newest.newerOpen = chain;
        }
        newest = chain;
        chainCount++;
        if (clientCount * 2 > clients.length) {
            grow();
        }
    }

    /** Unlinks an open chain from its client's list and from the start order. */
    void remove(ChainRecord chain) {
        int i = slot(chain.client);
        if (heads[i] == chain) {
            if (chain.next == null) {
                removeAt(i);
            } else {
                heads[i] = chain.next;
            }
        } else {
            for (ChainRecord c = heads[i]; c != null; c = c.next) {
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

    /** The client's slot, or the empty slot where it would go (linear probing). */
    private int slot(InetAddress client) {
        int hash = client.hashCode();
        int mask = clients.length - 1;
        int i = home(hash, mask);
        for (InetAddress k = clients[i]; k != null; k = clients[i]) {
            if (hashes[i] == hash && k.equals(client)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int home(int hash, int mask) {
        // spread: IPv4 hash codes are the address, and neighbouring pods differ in the low bits only
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** Empties slot {@code i}, moving later entries of its probe run back so every entry stays findable. */
    private void removeAt(int i) {
        int mask = clients.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; clients[j] != null; j = (j + 1) & mask) {
            int h = home(hashes[j], mask);
            // the entry at j may fill the hole only if the hole lies on its probe path, from h up to j
            if (((j - h) & mask) >= ((j - hole) & mask)) {
                clients[hole] = clients[j];
                hashes[hole] = hashes[j];
                heads[hole] = heads[j];
                hole = j;
            }
        }
        clients[hole] = null;
        heads[hole] = null;
        clientCount--;
    }

    private void grow() {
        InetAddress[] oldClients = clients;
        int[] oldHashes = hashes;
        ChainRecord[] oldHeads = heads;
        clients = new InetAddress[oldClients.length * 2];
        hashes = new int[oldClients.length * 2];
        heads = new ChainRecord[oldClients.length * 2];
        for (int j = 0; j < oldClients.length; j++) {
            if (oldClients[j] != null) {
                int i = slot(oldClients[j]);
                clients[i] = oldClients[j];
                hashes[i] = oldHashes[j];
                heads[i] = oldHeads[j];
            }
        }
    }
}
