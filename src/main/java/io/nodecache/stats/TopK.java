package io.nodecache.stats;

import io.nodecache.collect.OpenAddressTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The heavy hitters of a stream in bounded memory (Metwally et al.'s Space-Saving): a new key replaces the
 * least-counted one and inherits its count, so counts are upper bounds and every key seen more than N/capacity
 * times is present. Writes come from one thread; {@link #top} may be called from any.
 *
 * <p>It is counted on the event dispatcher for every query, so its entries are preallocated and reused and found
 * through an {@link OpenAddressTable}: a HashMap boxed every hashed key, and the key suppliers were a capturing
 * lambda per event.
 */
public final class TopK<K> {

    /** A key and its (upper-bound) count. */
    public record Entry<K>(K key, long count) {}

    /** One counted key; reused for the next key when it is evicted. */
    private static final class Slot {
        int hash;
        /** How the table finds it: the key itself, or null for keys identified by their hash alone. */
        Object identity;
        Object key;
        long count;
    }

    private final Slot[] slots;
    private int size;
    private final OpenAddressTable<Object, Slot> index;

    public TopK(int capacity) {
        this.slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new Slot();
        }
        this.index = new OpenAddressTable<>(capacity);
    }

    /** Counts {@code key}, identified by its hash code and equality. */
    public synchronized void add(K key) {
        Slot s = index.get(key.hashCode(), key);
        if (s != null) {
            s.count++;
        } else {
            admit(key.hashCode(), key, key);
        }
    }

    /** Counts a key identified by {@code hash} alone, building the key itself only when it enters the table. */
    public synchronized void addHashed(int hash, Supplier<K> key) {
        if (!countIfPresent(hash)) {
            admit(hash, null, key.get());
        }
    }

    /**
     * Counts a key identified by {@code hash} only if it is already in the table, and tells whether it was (callers
     * admit new keys by sampling, so a stream of many rare keys does not churn the table).
     */
    public synchronized boolean countIfPresent(int hash) {
        Slot s = index.get(hash, null);
        if (s == null) {
            return false;
        }
        s.count++;
        return true;
    }

    /** Puts a key identified by {@code hash} alone into the table (the caller has seen it is not there). */
    public synchronized void admitHashed(int hash, K key) {
        admit(hash, null, key);
    }

    private void admit(int hash, Object identity, Object key) {
        long inherited = 0;
        Slot s;
        if (size < slots.length) {
            s = slots[size++];
        } else {
            s = slots[0];
            for (int i = 1; i < size; i++) {
                if (slots[i].count < s.count) {
                    s = slots[i];
                }
            }
            inherited = s.count;
            index.remove(s.hash, s.identity);
        }
        s.hash = hash;
        s.identity = identity;
        s.key = key;
        s.count = inherited + 1;
        index.put(hash, identity, s);
    }

    @SuppressWarnings("unchecked")
    public synchronized List<Entry<K>> top(int n) {
        List<Entry<K>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry<>((K) slots[i].key, slots[i].count));
        }
        out.sort(Comparator.comparingLong((Entry<K> e) -> e.count()).reversed());
        return out.subList(0, Math.min(n, out.size()));
    }
}
