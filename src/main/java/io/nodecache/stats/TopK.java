package io.nodecache.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The heavy hitters of a stream in bounded memory (Metwally et al.'s Space-Saving): a new key replaces the
 * least-counted one and inherits its count, so counts are upper bounds and every key seen more than N/capacity
 * times is present. Writes come from one thread; {@link #top} may be called from any.
 */
public final class TopK<K> {

    /** A key and its (upper-bound) count. */
    public record Entry<K>(K key, long count) {}

    private final int capacity;
    private final Map<Object, long[]> counts = new HashMap<>();
    private final Map<Object, K> keys = new HashMap<>();

    public TopK(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(K key) {
        bump(key, () -> key);
    }

    /** Counts a key identified by {@code hash}, building the key itself only when it enters the table. */
    public synchronized void addHashed(int hash, Supplier<K> key) {
        bump(hash, key);
    }

    /**
     * Counts a key identified by {@code hash} only if it is already in the table (callers admit new keys by
     * sampling, so a stream of many rare keys does not churn the table).
     */
    public synchronized void countIfPresent(int hash) {
        long[] c = counts.get(hash);
        if (c != null) {
            c[0]++;
        }
    }

    private void bump(Object id, Supplier<K> key) {
        long[] c = counts.get(id);
        if (c != null) {
            c[0]++;
            return;
        }
        long inherited = 0;
        if (counts.size() >= capacity) {
            Object victim = null;
            long min = Long.MAX_VALUE;
            for (Map.Entry<Object, long[]> e : counts.entrySet()) {
                if (e.getValue()[0] < min) {
                    min = e.getValue()[0];
                    victim = e.getKey();
                }
            }
            counts.remove(victim);
            keys.remove(victim);
            inherited = min;
        }
        counts.put(id, new long[] {inherited + 1});
        keys.put(id, key.get());
    }

    public synchronized List<Entry<K>> top(int n) {
        List<Entry<K>> out = new ArrayList<>();
        counts.forEach((id, c) -> out.add(new Entry<>(keys.get(id), c[0])));
        out.sort(Comparator.comparingLong((Entry<K> e) -> e.count()).reversed());
        return out.subList(0, Math.min(n, out.size()));
    }
}
