package io.nodecache.dashboard.chains;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a pod can paste to stop wasting queries on its search list, from its worst names: an {@code ndots} low
 * enough that the names it looks up outside the cluster go out as given first (glibc and musl try a name as given
 * first when it has at least {@code ndots} dots), as a {@code dnsConfig} block for the pod template, or the answering
 * names written as FQDNs with a trailing dot, which skip the search list at any {@code ndots}.
 *
 * @param ndots       the suggested value, or null when no name would go out as given earlier with a lower one
 * @param dnsConfig   the YAML to put under the pod template's {@code spec}, or null with {@code ndots}
 * @param fqdns       the answering names with their trailing dot
 * @param explanation one sentence per suggestion
 */
public record FixSuggestion(Integer ndots, String dnsConfig, List<String> fqdns, String explanation) {

    /** The kubelet's default in every pod's resolv.conf. */
    static final int DEFAULT_NDOTS = 5;

    public static FixSuggestion from(List<ChainHistory.NameRow> worst) {
        Integer ndots = null;
        Set<String> fqdns = new LinkedHashSet<>();
        List<String> inCluster = new ArrayList<>();
        for (ChainHistory.NameRow n : worst) {
            if (n.answeredAs() != null) {
                fqdns.add(n.answeredAs().endsWith(".") ? n.answeredAs() : n.answeredAs() + ".");
            }
            if ("AS_GIVEN".equals(n.answeredKind()) || n.answeredAs() == null) {
                int dots = Math.max(1, dots(n.name()));
                ndots = ndots == null ? dots : Math.min(ndots, dots);
            } else {
                inCluster.add(n.name());
            }
        }
        if (ndots != null && ndots >= DEFAULT_NDOTS) {
            ndots = null;
        }
        StringBuilder why = new StringBuilder();
        String yaml = null;
        if (ndots != null) {
            yaml = "dnsConfig:\n  options:\n    - name: ndots\n      value: \"" + ndots + "\"\n";
            why.append("With ndots:").append(ndots).append(" names with ").append(ndots)
                    .append(ndots == 1 ? " dot" : " dots").append(" or more are asked as given first, so names"
                            + " outside the cluster answer at the first query.");
            if (!inCluster.isEmpty()) {
                why.append(" Names answered inside the cluster (").append(String.join(", ", inCluster))
                        .append(") would then be asked outside first: write them as FQDNs.");
            }
        }
        if (!fqdns.isEmpty()) {
            if (!why.isEmpty()) {
                why.append(' ');
            }
            why.append("Or write the names with a trailing dot, which skips the search list at any ndots.");
        }
        return new FixSuggestion(ndots, yaml, List.copyOf(fqdns), why.toString());
    }

    private static int dots(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        int d = 0;
        for (int i = 0; i < n.length(); i++) {
            if (n.charAt(i) == '.') {
                d++;
            }
        }
        return d;
    }
}
