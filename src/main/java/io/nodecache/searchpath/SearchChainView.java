package io.nodecache.searchpath;

import io.nodecache.searchpath.SearchChain.Step;
import io.nodecache.searchpath.SearchChain.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the public, immutable {@link SearchChain} from a closed {@link ChainRecord}. Only listeners and the recent
 * chains page pay for it: the detector itself keeps records, so a chain nobody looks at allocates no strings, lists
 * or durations.
 */
final class SearchChainView {

    private SearchChainView() {}

    /** The chain {@code r} holds; {@code r} must be closed ({@link ChainRecord#summarize}) and not reused meanwhile. */
    static SearchChain of(ChainRecord r) {
        String namespace = r.firstName.substring(r.nsStart, r.nsEnd);
        StepKind[] kinds = new StepKind[r.nameCount];
        List<String> searchDomains = new ArrayList<>(r.nameCount);
        for (int i = 0; i < r.nameCount; i++) {
            String n = r.names[i];
            kinds[i] = kind(n, r.baseLen, namespace, r.domain);
            if (kinds[i] != StepKind.AS_GIVEN) {
                searchDomains.add(n.substring(r.baseLen + 1, n.length() - 1));
            }
        }
        List<Step> steps = new ArrayList<>(r.stepCount);
        for (int i = 0; i < r.stepCount; i++) {
            int n = r.stepName[i];
            steps.add(new Step(r.names[n], kinds[n], r.stepType[i], r.stepRcode[i],
                    Duration.ofNanos(r.stepDurationNanos[i]), Duration.ofNanos(r.stepStartNanos[i] - r.startNanos),
                    r.stepRetries[i]));
        }
        List<Integer> types = new ArrayList<>(r.qtypeCount);
        for (int i = 0; i < r.qtypeCount; i++) {
            types.add(r.qtypes[i]);
        }
        String base = r.baseName();
        String answered = r.answeredName >= 0 ? r.names[r.answeredName] : null;
        boolean answeredAsGiven = r.answeredName >= 0 && r.answeredName == r.asGivenName;
        return new SearchChain(r.client, base, namespace, searchDomains, types, steps, r.answeredStep,
                r.wastedQueries, Duration.ofNanos(r.wastedNanos), Instant.ofEpochSecond(0, r.startNanos),
                fix(base, answered, answeredAsGiven));
    }

    private static StepKind kind(String name, int baseLen, String namespace, String domain) {
        int from = baseLen + 1;
        int len = name.length() - from;
        if (len == 0) {
            return StepKind.AS_GIVEN;
        }
        int svcLen = 4 + domain.length();
        if (len == domain.length() && name.regionMatches(true, from, domain, 0, len)) {
            return StepKind.CLUSTER;
        }
        if (len == svcLen && name.regionMatches(true, from, "svc.", 0, 4)
                && name.regionMatches(true, from + 4, domain, 0, domain.length())) {
            return StepKind.SERVICE;
        }
        if (len == namespace.length() + 1 + svcLen && name.regionMatches(true, from, namespace, 0, namespace.length())
                && name.regionMatches(true, name.length() - svcLen - 1, ".svc.", 0, 5)
                && name.regionMatches(true, name.length() - domain.length(), domain, 0, domain.length())) {
            return StepKind.NAMESPACE;
        }
        return StepKind.SEARCH_DOMAIN;
    }

    /**
     * The fix for one chain. An FQDN (trailing dot) skips the search list (resolv.conf(5)); lowering ndots to the
     * base's dot count makes the resolver try the name as given first, which only helps when it exists as given.
     */
    static String fix(String base, String answeredName, boolean answeredAsGiven) {
        int dots = 0;
        for (int i = 0; i < base.length(); i++) {
            if (base.charAt(i) == '.') {
                dots++;
            }
        }
        if (answeredName != null && !answeredAsGiven) {
            return "use the FQDN with a trailing dot: `" + answeredName + "`";
        }
        String fqdn = "use the FQDN with a trailing dot: `" + base + ".`";
        String ndots = "set dnsConfig.options ndots:" + dots;
        if (answeredName != null) {
            return dots > 0 ? fqdn + "; or " + ndots : fqdn;
        }
        return dots > 0
                ? "the name resolves nowhere; check it, or " + fqdn + "; or " + ndots
                : "the name resolves nowhere; check it, or " + fqdn;
    }
}
