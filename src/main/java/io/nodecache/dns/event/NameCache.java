package io.nodecache.dns.event;

import io.nodecache.dns.wire.Names;

/**
 * Recently built question names, so the event reader does not build the same name as text again: on a node the
 * same few thousand names repeat, and building each event's name was the largest allocation left on the reader.
 *
 * <p>Direct-mapped by the case-insensitive name hash, each hit checked byte for byte (case included); entries
 * are immutable, so concurrent readers can at worst miss.
 */
final class NameCache {

    private static final int SIZE = 4096;

    private final Entry[] entries = new Entry[SIZE];

    String text(byte[] wire, int length, int hash) {
        int i = hash & (SIZE - 1);
        Entry e = entries[i];
        if (e != null && e.hash == hash && e.matches(wire, length)) {
            return e.text;
        }
        Entry fresh = new Entry(hash, java.util.Arrays.copyOf(wire, length), Names.toText(wire, 0, length));
        entries[i] = fresh;
        return fresh.text;
    }

    private record Entry(int hash, byte[] wire, String text) {
        boolean matches(byte[] other, int length) {
            return java.util.Arrays.equals(wire, 0, wire.length, other, 0, length);
        }
    }
}
