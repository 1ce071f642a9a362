package io.nodecache.dashboard.chains;

import io.nodecache.dashboard.pods.PodRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's search-domain chains for the last hour, by pod and by name: what the pod ranking, a pod's page and
 * the top wasted names read. Counts are kept in one-minute buckets (exact over any window); the chains themselves
 * only the newest {@link #CHAINS_PER_OWNER} per pod, as JSON text, and at most {@link #MAX_STORED_CHARS} of it in
 * all (the oldest go first), so the history's memory is bounded whatever the cluster does: the scale benchmark's
 * 10 000 chatty pods would otherwise keep 300 MB of chain text.
 */
public final class ChainHistory {

    public static final Duration RETENTION = Duration.ofHours(1);
    static final int CHAINS_PER_OWNER = 20;
    static final int NAMES_PER_OWNER = 20;
    static final int MAX_NAMES = 10_000;
    /** Pods counted per name: the page says "100+" beyond. */
    static final int MAX_OWNERS_PER_NAME = 100;
    /** Chain text kept in all (about 1.5 KB a chain: some 10 000 chains). */
    static final long MAX_STORED_CHARS = 16L << 20;
    /** Chains referenced in the eviction order, kept or already dropped by their pod's own cap. */
    static final int MAX_STORED_CHAINS = 4 * 10_000;

    /** One pod's (or unattributed IP's) chains. */
    static final class Owner {
        final String key;
        PodRef pod;
        String namespace;
        final Set<String> ips = new LinkedHashSet<>();
        final Map<String, Long> chainsByNode = new HashMap<>();
        final ArrayDeque<ClusterChain> recent = new ArrayDeque<>();
        final Map<String, NameCost> names = new HashMap<>();
        final Tally tally = new Tally();
        Instant lastSeen = Instant.EPOCH;

        Owner(String key) {
            this.key = key;
        }
    }

    /** What one name cost, for one pod or cluster-wide. */
    static final class NameCost {
        final String name;
        final Tally tally = new Tally();
        /** Which pods asked it; only for the cluster-wide names (a pod's own names need no such set). */
        Set<String> owners;
        String answeredAs;
        String answeredKind;
        Instant lastSeen = Instant.EPOCH;

        NameCost(String name) {
            this.name = name;
        }
    }

    private final Clock clock;
    private final Map<String, Owner> owners = new HashMap<>();
    private final Map<String, NameCost> names = new HashMap<>();
    private final Tally cluster = new Tally();
    /** Kept chains, oldest first, with their pod: what goes when the budget is spent. */
    private final ArrayDeque<Object[]> stored = new ArrayDeque<>();
    private long storedChars;
    private long lastExpiredMinute = Long.MIN_VALUE;

    public ChainHistory(Clock clock) {
        this.clock = clock;
    }

    public synchronized void add(ClusterChain c) {
        Owner o = owners.computeIfAbsent(c.ownerKey(), Owner::new);
        if (c.pod() != null) {
            o.pod = c.pod();
        }
        o.namespace = c.namespace();
        o.ips.add(c.ip());
        o.chainsByNode.merge(c.node(), 1L, Long::sum);
        o.recent.addFirst(c);
        storedChars += c.json().length();
        stored.addLast(new Object[] {o, c});
        while (o.recent.size() > CHAINS_PER_OWNER) {
            storedChars -= o.recent.pollLast().json().length();
        }
        while (storedChars > MAX_STORED_CHARS || stored.size() > MAX_STORED_CHAINS) {
            Object[] oldest = stored.pollFirst();
            ClusterChain gone = (ClusterChain) oldest[1];
            if (((Owner) oldest[0]).recent.remove(gone)) {
                storedChars -= gone.json().length();
            }
        }
        if (c.start().isAfter(o.lastSeen)) {
            o.lastSeen = c.start();
        }
        o.tally.add(c.start(), c.wasted(), c.wastedNanos(), c.allFailed());
        cluster.add(c.start(), c.wasted(), c.wastedNanos(), c.allFailed());
        if (o.names.size() < NAMES_PER_OWNER || o.names.containsKey(c.baseName())) {
            cost(o.names, c).tally.add(c.start(), c.wasted(), c.wastedNanos(), c.allFailed());
        }
        if (names.size() >= MAX_NAMES && !names.containsKey(c.baseName())) {
            evictOldestName();
        }
        NameCost n = cost(names, c);
        n.tally.add(c.start(), c.wasted(), c.wastedNanos(), c.allFailed());
        if (n.owners == null) {
            n.owners = new LinkedHashSet<>();
        }
        if (n.owners.size() < MAX_OWNERS_PER_NAME) {
            n.owners.add(o.key);
        }
    }

    private static NameCost cost(Map<String, NameCost> map, ClusterChain c) {
        NameCost n = map.computeIfAbsent(c.baseName(), NameCost::new);
        if (c.answeredName() != null) {
            n.answeredAs = c.answeredName();
            n.answeredKind = c.answeredKind();
        }
        if (c.start().isAfter(n.lastSeen)) {
            n.lastSeen = c.start();
        }
        return n;
    }

    private void evictOldestName() {
        names.values().stream().min(Comparator.comparing(n -> n.lastSeen))
                .ifPresent(oldest -> names.remove(oldest.name));
    }

    /**
     * Forgets what is older than {@link #RETENTION}. Counts live in one-minute buckets, so once a minute is enough:
     * the scale benchmark found a sweep of every pod after every refresh to be the dashboard's own busiest code.
     */
    public synchronized void expire() {
        Instant cutoff = clock.instant().minus(RETENTION);
        long minute = cutoff.getEpochSecond() / Tally.BUCKET_SECONDS;
        if (minute == lastExpiredMinute) {
            return;
        }
        lastExpiredMinute = minute;
        cluster.expire(cutoff);
        owners.values().removeIf(o -> {
            o.names.values().removeIf(n -> n.tally.expire(cutoff));
            o.recent.removeIf(c -> {
                boolean old = c.start().isBefore(cutoff);
                if (old) {
                    storedChars -= c.json().length();
                }
                return old;
            });
            return o.tally.expire(cutoff);
        });
        names.values().removeIf(n -> n.tally.expire(cutoff));
    }

    /** Chains and waste over the window, cluster-wide. */
    public synchronized Tally.Sum total(Duration window) {
        return cluster.since(clock.instant().minus(window));
    }

    /** One row of the pod ranking. */
    public record PodRow(String namespace, String pod, String ip, String node, boolean hostNetwork, long chains,
            long allFailed, long wastedQueries, Duration wastedTime, Instant lastSeen, String link) {}

    /** Pods (and unattributed IPs) ranked by wasted queries over {@code window}, optionally in one namespace. */
    public synchronized List<PodRow> pods(Duration window, String namespace, int limit) {
        Instant since = clock.instant().minus(window);
        List<PodRow> rows = new ArrayList<>();
        for (Owner o : owners.values()) {
            if (namespace != null && !namespace.isBlank() && !namespace.equals(o.namespace)) {
                continue;
            }
            Tally.Sum s = o.tally.since(since);
            if (s.chains() == 0) {
                continue;
            }
            rows.add(row(o, s));
        }
        rows.sort(Comparator.comparingLong(PodRow::wastedQueries).reversed()
                .thenComparing(Comparator.comparingLong(PodRow::chains).reversed())
                .thenComparing(r -> r.ip));
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    private static PodRow row(Owner o, Tally.Sum s) {
        PodRef p = o.pod;
        boolean named = p != null && p.pod() != null;
        String ip = o.ips.iterator().next();
        String node = p != null && p.node() != null ? p.node() : busiestNode(o);
        return new PodRow(named ? p.namespace() : o.namespace, named ? p.pod() : null, ip, node,
                p != null && p.hostNetwork(), s.chains(), s.allFailed(), s.wasted(), Duration.ofNanos(s.wastedNanos()),
                o.lastSeen, named ? "/pods/" + p.namespace() + "/" + p.pod() : "/clients/" + ip);
    }

    private static String busiestNode(Owner o) {
        return o.chainsByNode.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(null);
    }

    /** A pod's page: its row, its newest chains and its worst names. */
    public record PodDetail(PodRow row, List<String> ips, List<ClusterChain> chains, List<NameRow> worstNames) {}

    /** One name's cost. */
    public record NameRow(String name, long chains, long wastedQueries, int pods, String answeredAs,
            String answeredKind) {}

    /** {@code key} as {@link ClusterChain#ownerKey()} makes it. */
    public synchronized Optional<PodDetail> pod(String key, Duration window, int names) {
        Owner o = owners.get(key);
        if (o == null) {
            return Optional.empty();
        }
        Instant since = clock.instant().minus(window);
        List<ClusterChain> chains = o.recent.stream().filter(c -> !c.start().isBefore(since)).toList();
        return Optional.of(new PodDetail(row(o, o.tally.since(since)), List.copyOf(o.ips), chains,
                nameRows(o.names, since, names)));
    }

    /** The names that wasted most queries cluster-wide (optionally asked from one namespace's pods). */
    public synchronized List<NameRow> names(Duration window, String namespace, int limit) {
        Instant since = clock.instant().minus(window);
        if (namespace == null || namespace.isBlank()) {
            return nameRows(names, since, limit);
        }
        Map<String, NameCost> merged = new HashMap<>();
        Map<String, Long[]> sums = new HashMap<>();
        for (Owner o : owners.values()) {
            if (!namespace.equals(o.namespace)) {
                continue;
            }
            for (NameCost n : o.names.values()) {
                Tally.Sum s = n.tally.since(since);
                if (s.chains() == 0) {
                    continue;
                }
                merged.putIfAbsent(n.name, n);
                Long[] acc = sums.computeIfAbsent(n.name, k -> new Long[] {0L, 0L, 0L});
                acc[0] += s.chains();
                acc[1] += s.wasted();
                acc[2] += 1;
            }
        }
        List<NameRow> rows = new ArrayList<>();
        sums.forEach((name, acc) -> rows.add(new NameRow(name, acc[0], acc[1], acc[2].intValue(),
                merged.get(name).answeredAs, merged.get(name).answeredKind)));
        rows.sort(Comparator.comparingLong(NameRow::wastedQueries).reversed().thenComparing(NameRow::name));
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    private static List<NameRow> nameRows(Map<String, NameCost> map, Instant since, int limit) {
        List<NameRow> rows = new ArrayList<>();
        for (NameCost n : map.values()) {
            Tally.Sum s = n.tally.since(since);
            if (s.chains() > 0) {
                rows.add(new NameRow(n.name, s.chains(), s.wasted(), n.owners == null ? 1 : n.owners.size(),
                        n.answeredAs, n.answeredKind));
            }
        }
        rows.sort(Comparator.comparingLong(NameRow::wastedQueries).reversed().thenComparing(NameRow::name));
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    /** Chain text kept now, in characters (bounded by {@link #MAX_STORED_CHARS}). */
    public synchronized long storedChars() {
        return storedChars;
    }

    /** Pods and IPs with chains in the last hour. */
    public synchronized int owners() {
        return owners.size();
    }
}
