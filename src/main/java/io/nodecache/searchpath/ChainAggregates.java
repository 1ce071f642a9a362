package io.nodecache.searchpath;

import java.net.InetAddress;
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
 *
 * <p>The ring holds the chains' own {@link ChainRecord}s, not {@link SearchChain}s: tallying and keeping a chain
 * allocates nothing once the maps know its client and name, and the views are built only for a reader, under the
 * lock (a record leaves the ring, and may be reused, only under it).
 */
final class ChainAggregates {

    private final Object lock = new Object();
    private final ChainRecord[] recent;
    private long recorded;
    private long wastedQueries;
    private final Map<InetAddress, Tally> byClient;
    private final Map<String, Tally> byName;
    private final NameTallyCache nameCache;

    ChainAggregates(int maxTracked, int recentCapacity) {
        this.recent = new ChainRecord[recentCapacity];
        this.byClient = lru(maxTracked);
        this.byName = lru(maxTracked);
        this.nameCache = new NameTallyCache(maxTracked);
    }

    private static <K> Map<K, Tally> lru(int cap) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Tally> eldest) {
                if (size() > cap) {
                    eldest.getValue().evicted = true;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Tallies a closed chain ({@link ChainRecord#summarize}d) and keeps it in the ring. Returns the record it
     * pushed out of the ring, or {@code chain} itself when the ring holds none, for reuse; null while the ring fills.
     */
    ChainRecord record(ChainRecord chain) {
        long startMillis = chain.startMillis();
        synchronized (lock) {
            ChainRecord out = chain;
            if (recent.length > 0) {
                int i = (int) (recorded % recent.length);
                out = recent[i];
                recent[i] = chain;
            }
            recorded++;
            wastedQueries += chain.wastedQueries;
            clientTally(chain.client).add(chain, startMillis);
            nameTally(chain).add(chain, startMillis);
            return out;
        }
    }

    private Tally clientTally(InetAddress client) {
        Tally t = byClient.get(client);
        if (t == null) {
            t = new Tally(client.getHostAddress(), null);
            byClient.put(client, t);
        }
        return t;
    }

    /** The base name's tally, found case-insensitively; the first spelling seen names it. */
    private Tally nameTally(ChainRecord chain) {
        String source = chain.baseSource();
        Tally t = nameCache.find(source, chain.baseLength());
        if (t != null) {
            byName.get(t.lowerKey); // marks it recently seen
            return t;
        }
        String base = chain.baseName();
        String lower = base.toLowerCase(Locale.ROOT);
        t = byName.get(lower);
        if (t == null) {
            t = new Tally(base, lower);
            byName.put(lower, t);
        }
        nameCache.put(t);
        return t;
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

    /**
     * The latest chains numbered after {@code after}, newest first: chain {@code n} is the n-th completed since the
     * node started (from 0), so a reader that remembers the highest number it saw gets only what is new, and knows
     * how many it missed when the oldest number returned is more than one past it.
     */
    List<NumberedChain> numbered(long after, int limit) {
        synchronized (lock) {
            long oldestKept = Math.max(0, recorded - recent.length);
            long from = Math.max(oldestKept, Math.max(after + 1, recorded - limit));
            List<NumberedChain> out = new ArrayList<>((int) Math.max(0, recorded - from));
            for (long seq = recorded - 1; seq >= from; seq--) {
                out.add(new NumberedChain(seq, SearchChainView.of(recent[(int) (seq % recent.length)])));
            }
            return out;
        }
    }

    /** The latest chains, newest first. */
    List<SearchChain> recent(int limit) {
        synchronized (lock) {
            int n = (int) Math.min(Math.min(limit, recent.length), recorded);
            List<SearchChain> out = new ArrayList<>(Math.max(n, 0));
            for (int i = 1; i <= n; i++) {
                out.add(SearchChainView.of(recent[(int) ((recorded - i) % recent.length)]));
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
}
