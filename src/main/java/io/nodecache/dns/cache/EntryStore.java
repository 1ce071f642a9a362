package io.nodecache.dns.cache;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One of the cache's two stores: lock-free lookups in a concurrent map, and inserts under a lock that evict a
 * random entry when the store is full, as CoreDNS's cache does (not LRU, not TTL-based).
 *
 * <p>A dense array of the stored entries makes picking a random victim O(1); each entry knows its slot.
 */
final class EntryStore {

    private final StoreType type;
    private final int capacity;
    private final ConcurrentHashMap<CacheKey, CacheEntry> map;
    private CacheEntry[] slots;
    private int size;

    EntryStore(StoreType type, int capacity) {
        this.type = type;
        this.capacity = Math.max(0, capacity);
        this.map = new ConcurrentHashMap<>(Math.min(this.capacity, 1 << 16));
        this.slots = new CacheEntry[Math.min(this.capacity, 1024)];
    }

    StoreType type() {
        return type;
    }

    int capacity() {
        return capacity;
    }

    /** The entry for {@code probe}, or null; never blocks, never allocates. */
    CacheEntry get(ProbeKey probe) {
        return map.get(probe);
    }

    CacheEntry get(CacheKey key) {
        return map.get(key);
    }

    /**
     * Stores {@code e}, replacing the entry of the same key if any. Returns true if another entry was evicted to
     * make room (CoreDNS evicts only when the key is new and the store is full).
     */
    synchronized boolean put(CacheEntry e) {
        if (capacity == 0) {
            return false;
        }
        CacheEntry old = map.get(e.key);
        if (old != null) {
            e.slot = old.slot;
            slots[e.slot] = e;
            map.put(e.key, e);
            return false;
        }
        boolean evicted = false;
        if (size >= capacity) {
            int victim = ThreadLocalRandom.current().nextInt(size);
            map.remove(slots[victim].key);
            e.slot = victim;
            slots[victim] = e;
            evicted = true;
        } else {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, (int) Math.min(capacity, Math.max(16L, slots.length * 2L)));
            }
            e.slot = size;
            slots[size++] = e;
        }
        map.put(e.key, e);
        return evicted;
    }

    /** Removes the entry stored under {@code key}, if any. */
    synchronized void remove(CacheKey key) {
        CacheEntry e = map.remove(key);
        if (e == null) {
            return;
        }
        int last = --size;
        CacheEntry moved = slots[last];
        slots[e.slot] = moved;
        moved.slot = e.slot;
        slots[last] = null;
    }

    /** The number of stored entries, expired ones included (CoreDNS removes nothing on expiry either). */
    int size() {
        return map.size();
    }
}
