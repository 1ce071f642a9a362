package io.nodecache.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The heavy hitters of a stream in bounded memory (Metwally et al.'s Space-Saving): a new key replaces the
 * least-counted one and inherits its count, so counts are upper bounds and every key seen more than N/capacity
 * times is present. Writes come from one thread; {@link #top} may be called from any.
 *
 * <p>It is counted on the event dispatcher for every query, so it is an open-addressing table over plain arrays:
 * a HashMap boxed every hashed key and the key suppliers were a capturing lambda per event.
 */
public final class TopK<K> {

    /** A key and its (upper-bound) count. */
    public record Entry<K>(K key, long count) {}

    private static final int EMPTY = -1;

    private final int capacity;
    private final int[] hashes;
    private final Object[] keys;
    private final long[] counts;
    private int size;
    /** Entry index per slot, {@link #EMPTY} when free; linear probing, at most a quarter full. */
    private final int[] slots;
    private final int mask;
    private final int shift;

    public TopK(int capacity) {
        this.capacity = capacity;
        this.hashes = new int[capacity];
        this.keys = new Object[capacity];
        this.counts = new long[capacity];
        int tableSize = Integer.highestOneBit(Math.max(4, capacity * 4) - 1) << 1;
        this.slots = new int[tableSize];
        java.util.Arrays.fill(slots, EMPTY);
        this.mask = tableSize - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(tableSize);
    }

    /** Counts {@code key}, identified by its hash code and equality. */
    public synchronized void add(K key) {
        int hash = key.hashCode();
        int e = find(hash, key);
        if (e >= 0) {
            counts[e]++;
        } else {
            admit(hash, key);
        }
    }

    /** Counts a key identified by {@code hash} alone, building the key itself only when it enters the table. */
    public synchronized void addHashed(int hash, Supplier<K> key) {
        if (!countIfPresent(hash)) {
            admit(hash, key.get());
        }
    }

    /**
     * Counts a key identified by {@code hash} only if it is already in the table, and tells whether it was (callers
     * admit new keys by sampling, so a stream of many rare keys does not churn the table).
     */
    public synchronized boolean countIfPresent(int hash) {
        int e = find(hash, null);
        if (e < 0) {
            return false;
        }
        counts[e]++;
        return true;
    }

    /** Puts a key identified by {@code hash} alone into the table (the caller has seen it is not there). */
    public synchronized void admitHashed(int hash, K key) {
        admit(hash, key);
    }

    /** The entry index of the key, or -1; {@code key} null matches by hash alone. */
    private int find(int hash, Object key) {
        for (int s = home(hash); ; s = (s + 1) & mask) {
            int e = slots[s];
            if (e == EMPTY) {
                return -1;
            }
            if (hashes[e] == hash && (key == null || key.equals(keys[e]))) {
                return e;
            }
        }
    }

    private void admit(int hash, Object key) {
        long inherited = 0;
        int e;
        if (size < capacity) {
            e = size++;
        } else {
            e = 0;
            for (int i = 1; i < size; i++) {
                if (counts[i] < counts[e]) {
                    e = i;
                }
            }
            inherited = counts[e];
            unlink(e);
        }
        hashes[e] = hash;
        keys[e] = key;
        counts[e] = inherited + 1;
        int s = home(hash);
        while (slots[s] != EMPTY) {
            s = (s + 1) & mask;
        }
        slots[s] = e;
    }

    /** Removes entry {@code e}'s slot, shifting later slots of the probe run back so lookups never stop early. */
    private void unlink(int e) {
        int s = home(hashes[e]);
        while (slots[s] != e) {
            s = (s + 1) & mask;
        }
        int hole = s;
        for (int next = (hole + 1) & mask; slots[next] != EMPTY; next = (next + 1) & mask) {
            int home = home(hashes[slots[next]]);
            // The entry at `next` may fill the hole only if its home is not cyclically in (hole, next].
            boolean homeBetween = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!homeBetween) {
                slots[hole] = slots[next];
                hole = next;
            }
        }
        slots[hole] = EMPTY;
    }

    /** Fibonacci hashing: the product's high bits, which depend on every bit of the hash. */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    @SuppressWarnings("unchecked")
    public synchronized List<Entry<K>> top(int n) {
        List<Entry<K>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry<>((K) keys[i], counts[i]));
        }
        out.sort(Comparator.comparingLong((Entry<K> e) -> e.count()).reversed());
        return out.subList(0, Math.min(n, out.size()));
    }
}
