package io.nodecache.collect;

/**
 * A hash table for the event dispatcher's per-event lookups: open addressing over plain arrays, linear probing,
 * each key's hash code kept beside it (a probe compares ints and calls {@code equals} only on a likely match), and
 * removal by shifting the rest of a probe run back, so it needs no tombstones. Getting, replacing a value and
 * removing allocate nothing; only growth does. A HashMap allocated a node per insertion and boxed int keys.
 *
 * <p>Keys are matched by hash and {@code equals}; a null key is allowed and matches null, so a caller that
 * identifies entries by a hash alone (a name's case-insensitive hash) passes null keys. Values are never null.
 * Not thread-safe.
 */
public final class OpenAddressTable<K, V> {

    private Object[] keys;
    private int[] hashes;
    private Object[] values;
    private int size;
    private int shift;

    /** A table that holds {@code expected} entries before it first grows. */
    public OpenAddressTable(int expected) {
        int length = 16;
        while (length < 2 * expected) {
            length <<= 1;
        }
        allocate(length);
    }

    public int size() {
        return size;
    }

    /** The value of {@code key} (hashed to {@code hash}), or null. */
    @SuppressWarnings("unchecked")
    public V get(int hash, K key) {
        return (V) values[slot(hash, key)];
    }

    /** Sets the value of {@code key}, adding it if absent. */
    public void put(int hash, K key, V value) {
        int i = slot(hash, key);
        if (values[i] == null) {
            keys[i] = key;
            hashes[i] = hash;
            size++;
        }
        values[i] = value;
        if (size * 2 > values.length) {
            grow();
        }
    }

    /** Removes {@code key} if present. */
    public void remove(int hash, K key) {
        int hole = slot(hash, key);
        if (values[hole] == null) {
            return;
        }
        int mask = values.length - 1;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = home(hashes[j]);
            // The entry at j may fill the hole only if the hole lies on its probe path, from its home up to j.
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                hashes[hole] = hashes[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = null;
        values[hole] = null;
        size--;
    }

    /** The key's slot, or the empty slot where it would go. */
    private int slot(int hash, Object key) {
        int mask = values.length - 1;
        int i = home(hash);
        while (values[i] != null) {
            if (hashes[i] == hash && (key == null ? keys[i] == null : key.equals(keys[i]))) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Fibonacci hashing, the product's high bits: IPv4 hash codes are the address, neighbours differ low. */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    private void allocate(int length) {
        keys = new Object[length];
        hashes = new int[length];
        values = new Object[length];
        shift = 32 - Integer.numberOfTrailingZeros(length);
    }

    private void grow() {
        Object[] oldKeys = keys;
        int[] oldHashes = hashes;
        Object[] oldValues = values;
        allocate(oldValues.length * 2);
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                int i = slot(oldHashes[j], oldKeys[j]);
                keys[i] = oldKeys[j];
                hashes[i] = oldHashes[j];
                values[i] = oldValues[j];
            }
        }
    }
}
