package io.nodecache.dashboard.pods;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who held each pod IP when: the tenures of live pods, and those of deleted pods for a while after. A lookup takes
 * the tenure [from, to) that contains the instant, the latest-starting one when several do (the IP moved to a newer
 * pod before the older one's deletion reached us).
 *
 * <p>Memory is bounded: one small record per live pod, and deleted pods' records leave after {@code history} or
 * when more than {@link #MAX_PAST} are kept (a churning cluster forgets its oldest first). Synchronized: events come
 * from the informer's thread, lookups from the dashboard's.
 */
final class IpTimeline {

    /** Deleted pods remembered at most; about 100 bytes each. */
    static final int MAX_PAST = 50_000;

    /** One pod's hold on an IP; {@code to} is null while it still holds it. */
    record Tenure(String key, String ip, PodRef ref, Instant from, Instant to) {

        boolean covers(Instant at) {
            return !at.isBefore(from) && (to == null || at.isBefore(to));
        }
    }

    private record Past(Tenure tenure, Instant forgetAt) {}

    private final Duration history;
    private final Map<String, Tenure> live = new HashMap<>();
    private final Map<String, List<Tenure>> pastByIp = new HashMap<>();
    private final ArrayDeque<Past> pastInOrder = new ArrayDeque<>();

    IpTimeline(Duration history) {
        this.history = history;
    }

    /** A pod (by {@code namespace/name}) holds {@code ip} (null while it has none) since {@code from}. */
    synchronized void hold(String key, String ip, PodRef ref, Instant from, Instant to, Instant now) {
        Tenure old = live.get(key);
        if (old != null && old.ip() != null && !old.ip().equals(ip)) {
            // A pod's IP does not change in Kubernetes, but a recreated pod of the same name may come as an update.
            remember(new Tenure(key, old.ip(), old.ref(), old.from(), old.to() == null ? now : old.to()), now);
        }
        Instant since = old != null && old.ip() != null && old.ip().equals(ip) && old.from().isBefore(from)
                ? old.from() : from;
        boolean same = old != null && old.ip() != null && old.ip().equals(ip);
        // A finished pod's end, once known, stays: later updates of the object do not move it.
        Instant until = same && old.to() != null ? old.to() : to;
        live.put(key, new Tenure(key, ip, ref, since, until));
        expire(now);
    }

    /** The pod was deleted at {@code now}: its tenure ends (if it had not already) and is kept for the history. */
    synchronized void release(String key, Instant now) {
        Tenure t = live.remove(key);
        if (t != null && t.ip() != null) {
            remember(new Tenure(key, t.ip(), t.ref(), t.from(), t.to() == null ? now : t.to()), now);
        }
        expire(now);
    }

    /** The live tenure of a pod, if known. */
    synchronized Tenure live(String key) {
        return live.get(key);
    }

    /**
     * Among {@code current} (live tenures for the IP) and the past ones, the pod that held {@code ip} at {@code at}.
     */
    synchronized Optional<PodRef> at(String ip, Instant at, Collection<Tenure> current, Instant now) {
        expire(now);
        Tenure best = null;
        for (Tenure t : current) {
            best = later(best, t, at);
        }
        for (Tenure t : pastByIp.getOrDefault(ip, List.of())) {
            best = later(best, t, at);
        }
        return best == null ? Optional.empty() : Optional.of(best.ref());
    }

    synchronized int liveCount() {
        return live.size();
    }

    synchronized int pastCount() {
        return pastInOrder.size();
    }

    private static Tenure later(Tenure best, Tenure t, Instant at) {
        if (!t.covers(at)) {
            return best;
        }
        return best == null || t.from().isAfter(best.from()) ? t : best;
    }

    private void remember(Tenure t, Instant now) {
        pastInOrder.addLast(new Past(t, now.plus(history)));
        pastByIp.computeIfAbsent(t.ip(), ip -> new ArrayList<>(1)).add(t);
        while (pastInOrder.size() > MAX_PAST) {
            forget(pastInOrder.removeFirst().tenure());
        }
    }

    private void expire(Instant now) {
        // Deletions are appended in the order they happen, so the oldest to forget is always first.
        while (!pastInOrder.isEmpty() && !now.isBefore(pastInOrder.peekFirst().forgetAt())) {
            forget(pastInOrder.removeFirst().tenure());
        }
    }

    private void forget(Tenure t) {
        List<Tenure> list = pastByIp.get(t.ip());
        if (list != null) {
            list.remove(t);
            if (list.isEmpty()) {
                pastByIp.remove(t.ip());
            }
        }
    }
}
