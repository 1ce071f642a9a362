package io.nodecache.searchpath;

/**
 * Finds a base name's tally from the chain's own string, without cutting the base out and lower-casing it: those two
 * strings were most of what tallying a chain allocated, for a name the map already holds. A small hash table in
 * front of the per-name LRU map, with a few probes per hash and no removal: a slot whose tally the map evicted is
 * free again. Only ASCII names are cached (DNS text is ASCII), so an ASCII case fold is exactly
 * {@code toLowerCase(Locale.ROOT)}. Used under the aggregates' lock.
 */
final class NameTallyCache {

    private static final int PROBES = 4;
    /** What {@link #hash} returns for a name with a non-ASCII char; never an ASCII name's hash (those are >= 0). */
    private static final int NOT_ASCII = -1;

    private final Tally[] slots;

    NameTallyCache(int maxTracked) {
        int size = 16;
        while (size < 2 * maxTracked && size < 8192) {
            size <<= 1;
        }
        slots = new Tally[size];
    }

    /** The live tally whose key is {@code name[0, len)} folded to lower case, or null. */
    Tally find(String name, int len) {
        int h = hash(name, len);
        if (h == NOT_ASCII) {
            return null;
        }
        int mask = slots.length - 1;
        for (int p = 0; p < PROBES; p++) {
            Tally t = slots[(h + p) & mask];
            if (t != null && !t.evicted && matches(t.lowerKey, name, len)) {
                return t;
            }
        }
        return null;
    }

    /** Remembers a per-name tally; overwrites the first of its slots when none is free. */
    void put(Tally t) {
        String key = t.lowerKey;
        int h = hash(key, key.length());
        if (h == NOT_ASCII) {
            return;
        }
        int mask = slots.length - 1;
        for (int p = 0; p < PROBES; p++) {
            int i = (h + p) & mask;
            if (slots[i] == null || slots[i].evicted || slots[i] == t) {
                slots[i] = t;
                return;
            }
        }
        slots[h & mask] = t;
    }

    private static int hash(String s, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return NOT_ASCII;
            }
            h = 31 * h + lower(c);
        }
        h *= 0x9E3779B9;
        return (h ^ (h >>> 16)) & Integer.MAX_VALUE;
    }

    private static boolean matches(String lowerKey, String name, int len) {
        if (lowerKey.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (lowerKey.charAt(i) != lower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
