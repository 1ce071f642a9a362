package io.nodecache.dashboard.pods;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A configured list of pods, {@code NAMESPACE/POD=IP[@NODE],...} ({@code nodecache.dashboard.pods}): for
 * docker-compose, the embedded default's demo pods and tests. The list does not change, so time does not matter.
 */
public final class StaticPodDirectory implements PodDirectory {

    private final Map<String, PodRef> byIp;

    public StaticPodDirectory(Map<String, PodRef> byIp) {
        this.byIp = Map.copyOf(byIp);
    }

    /**
     * Parses {@code NAMESPACE/POD=IP[@NODE]} entries separated by commas.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static StaticPodDirectory parse(String spec) {
        Map<String, PodRef> byIp = new HashMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                String e = entry.strip();
                if (e.isEmpty()) {
                    continue;
                }
                int eq = e.indexOf('=');
                int slash = e.indexOf('/');
                if (eq < 0 || slash <= 0 || slash > eq - 2) {
                    throw new IllegalArgumentException("nodecache.dashboard.pods: expected NAMESPACE/POD=IP, got '"
                            + e + "'");
                }
                String address = e.substring(eq + 1).strip();
                String node = null;
                int at = address.indexOf('@');
                if (at >= 0) {
                    node = address.substring(at + 1).strip();
                    address = address.substring(0, at).strip();
                }
                if (!address.matches("[0-9a-fA-F.:]+")) {
                    throw new IllegalArgumentException("nodecache.dashboard.pods: '" + e + "': not an IP address");
                }
                PodRef ref = new PodRef(e.substring(0, slash).strip(), e.substring(slash + 1, eq).strip(),
                        node == null || node.isEmpty() ? null : node, false);
                if (byIp.put(address, ref) != null) {
                    throw new IllegalArgumentException("nodecache.dashboard.pods: IP " + address + " is listed twice");
                }
            }
        }
        return new StaticPodDirectory(byIp);
    }

    @Override
    public void start() {}

    @Override
    public Optional<PodRef> lookup(String ip, Instant at) {
        return Optional.ofNullable(byIp.get(ip));
    }

    @Override
    public int size() {
        return byIp.size();
    }
}
