package io.nodecache.searchpath;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Completed chains: a bounded ring of the latest, and tallies per client and per base name, each capped and
 * evicting the least recently seen. Written once per completed chain on the dispatcher's thread, read by web
 * requests; one lock, held briefly, covers both.
 */
final class ChainAggregates {

    private final Object lock = new Object();
    private final SearchChain[] recent;
    private long recorded;
    private long wastedQueries;
    private final Map<InetAddress, Tally> byClient;
    private final Map<String, Tally> byName;

    ChainAggregates(int maxTracked, int recentCapacity) {
        this.recent = new SearchChain[recentCapacity];
        this.byClient = lru(maxTracked);
        this.byName = lru(maxTracked);
    }

    private static <K> Map<K, Tally> lru(int cap) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Tally> eldest) {
                return size() > cap;
            }
        };
    }

    void record(SearchChain chain) {
        long startMillis = chain.start().toEpochMilli();
        long wastedNanos = chain.wastedTime().toNanos();
        synchronized (lock) {
            if (recent.length > 0) {
                recent[(int) (recorded % recent.length)] = chain;
            }
            recorded++;
            wastedQueries += chain.wastedQueries();
            byClient.computeIfAbsent(chain.client(), a -> new Tally(a.getHostAddress()))
                    .add(chain, wastedNanos, startMillis);
            byName.computeIfAbsent(chain.baseName().toLowerCase(Locale.ROOT), n -> new Tally(chain.baseName()))
                    .add(chain, wastedNanos, startMillis);
        }
    }

    long recorded() {
        synchronized (lock) {
            return recorded;
        }
    }

    long wastedQueries() {
        synchronized (lock) {
            return wastedQueries;
        }
    }

    /** The latest chains, newest first. */
    List<SearchChain> recent(int limit) {
        synchronized (lock) {
            int n = (int) Math.min(Math.min(limit, recent.length), recorded);
            List<SearchChain> out = new ArrayList<>(Math.max(n, 0));
            for (int i = 1; i <= n; i++) {
                out.add(recent[(int) ((recorded - i) % recent.length)]);
            }
            return out;
        }
    }

    Map<String, ChainStats> byClient() {
        synchronized (lock) {
            return snapshot(byClient);
        }
    }

    Map<String, ChainStats> byName() {
        synchronized (lock) {
            return snapshot(byName);
        }
    }

    List<ChainStats> topClients(int limit) {
        return top(byClient(), limit);
    }

    List<ChainStats> topNames(int limit) {
        return top(byName(), limit);
    }

    /** Most recently seen first. */
    private static Map<String, ChainStats> snapshot(Map<?, Tally> tallies) {
        List<ChainStats> list = new ArrayList<>(tallies.size());
        for (Tally t : tallies.values()) {
            list.add(t.stats());
        }
        Collections.reverse(list);
        Map<String, ChainStats> out = new LinkedHashMap<>();
        for (ChainStats s : list) {
            out.put(s.key(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<ChainStats> top(Map<String, ChainStats> stats, int limit) {
        return stats.values().stream()
                .sorted(Comparator.comparingLong(ChainStats::wastedQueries).reversed()
                        .thenComparing(Comparator.comparing(ChainStats::lastSeen).reversed()))
                .limit(Math.max(0, limit))
                .toList();
    }

    private static final class Tally {
        private final String key;
        private long chains;
        private long allFailed;
        private long wastedQueries;
        private long wastedNanos;
        private long lastSeenMillis;

        Tally(String key) {
            this.key = key;
        }

        void add(SearchChain chain, long wasted, long startMillis) {
            chains++;
            if (!chain.answered()) {
                allFailed++;
            }
            wastedQueries += chain.wastedQueries();
            wastedNanos += wasted;
            lastSeenMillis = Math.max(lastSeenMillis, startMillis);
        }

        ChainStats stats() {
            return new ChainStats(key, chains, allFailed, wastedQueries, Duration.ofNanos(wastedNanos),
                    chains == 0 ? 0 : (double) wastedQueries / chains, Instant.ofEpochMilli(lastSeenMillis));
        }
    }
}
