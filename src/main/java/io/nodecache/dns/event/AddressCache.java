package io.nodecache.dns.event;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 client address objects by address, so reading a client from a ring slot (which keeps it as an int) does
 * not build a new object per event: a node's clients are its pods, a few hundred at most.
 *
 * <p>Direct-mapped; entries are immutable, so concurrent readers can at worst miss and build one.
 */
final class AddressCache {

    private static final int SIZE = 1024;

    private final InetAddress[] entries = new InetAddress[SIZE];

    InetAddress v4(int address) {
        int i = (address * 0x9E3779B9) >>> 22;
        InetAddress a = entries[i];
        if (a != null && a.hashCode() == address) {
            return a;
        }
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            a = InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        entries[i] = a;
        return a;
    }
}
