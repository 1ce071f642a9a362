package io.nodecache.dns.upstream;

import io.nodecache.corefile.ForwardConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Orders the upstreams for one query; the query tries them in that order (CoreDNS {@code Policy}). */
interface UpstreamPolicy {

    List<Upstream> list(List<Upstream> upstreams);

    static UpstreamPolicy of(ForwardConfig.Policy policy) {
        return switch (policy) {
            case RANDOM -> UpstreamPolicy::random;
            case ROUND_ROBIN -> new RoundRobin();
            case SEQUENTIAL -> upstreams -> upstreams;
        };
    }

    /** A random permutation; with two upstreams a coin flip, as CoreDNS does. */
    static List<Upstream> random(List<Upstream> upstreams) {
        int n = upstreams.size();
        if (n == 1) {
            return upstreams;
        }
        if (n == 2) {
            return QueryIds.nextInt(2) == 0 ? upstreams : List.of(upstreams.get(1), upstreams.get(0));
        }
        List<Upstream> shuffled = new ArrayList<>(upstreams);
        for (int i = n - 1; i > 0; i--) {
            Collections.swap(shuffled, i, QueryIds.nextInt(i + 1));
        }
        return shuffled;
    }

    /** Each query starts one further along the list, wrapping around. */
    final class RoundRobin implements UpstreamPolicy {
        private final AtomicInteger robin = new AtomicInteger();

        @Override
        public List<Upstream> list(List<Upstream> upstreams) {
            int n = upstreams.size();
            int start = Math.floorMod(robin.getAndIncrement(), n);
            if (start == 0) {
                return upstreams;
            }
            List<Upstream> rotated = new ArrayList<>(n);
            rotated.addAll(upstreams.subList(start, n));
            rotated.addAll(upstreams.subList(0, start));
            return rotated;
        }
    }
}
