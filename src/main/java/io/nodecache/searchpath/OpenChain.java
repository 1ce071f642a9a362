package io.nodecache.searchpath;

import io.nodecache.searchpath.SearchChain.Step;
import io.nodecache.searchpath.SearchChain.StepKind;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Rcode;

/**
 * A chain still being asked: the small, reusable, single-threaded state machine behind {@link ChainDetector}.
 *
 * <p>Names are kept as the event's own strings and the base as a prefix length of the first name, so an event that
 * joins a chain allocates nothing.
 */
final class OpenChain {

    static final int MAX_NAMES = 12;
    static final int MAX_STEPS = 32;
    private static final int MAX_QTYPES = 8;

    InetAddress client;
    /** Next open chain of the same client. */
    OpenChain next;
    long lastMillis;

    /** The base is {@code firstName[0, baseLen)}; the namespace is {@code firstName[nsStart, nsEnd)}. */
    private String firstName;
    private int baseLen;
    private int nsStart;
    private int nsEnd;

    private final String[] names = new String[MAX_NAMES];
    private int nameCount;
    private int asGivenName;
    private int answeredName;
    private int answeredStep;

    private final int[] stepName = new int[MAX_STEPS];
    private final int[] stepType = new int[MAX_STEPS];
    private final int[] stepRcode = new int[MAX_STEPS];
    private final int[] stepRetries = new int[MAX_STEPS];
    private final long[] stepStartNanos = new long[MAX_STEPS];
    private final long[] stepDurationNanos = new long[MAX_STEPS];
    private final long[] stepEndNanos = new long[MAX_STEPS];
    private int stepCount;

    private final int[] qtypes = new int[MAX_QTYPES];
    private int qtypeCount;

    /** Starts a chain at a first step {@code <base>.<ns>.svc.<domain>.}, given the base length and namespace span. */
    void start(InetAddress client, String name, int baseLen, int nsStart, int nsEnd) {
        this.client = client;
        this.next = null;
        this.firstName = name;
        this.baseLen = baseLen;
        this.nsStart = nsStart;
        this.nsEnd = nsEnd;
        this.asGivenName = -1;
        this.answeredName = -1;
        this.answeredStep = -1;
        this.nameCount = 0;
        this.stepCount = 0;
        this.qtypeCount = 0;
    }

    /** Drops references so a pooled chain does not keep events' strings alive. */
    void clear() {
        client = null;
        next = null;
        firstName = null;
        Arrays.fill(names, 0, nameCount, null);
        nameCount = 0;
    }

    int baseLength() {
        return baseLen;
    }

    /** Whether {@code qname} is this chain's base, as given or with some suffix: {@code <base>.} or {@code <base>.*}. */
    boolean isMember(String qname) {
        // exact case first: resolvers repeat the application's spelling, and 0x20 mixing is rare
        return qname.length() > baseLen
                && qname.charAt(baseLen) == '.'
                && (qname.regionMatches(0, firstName, 0, baseLen)
                        || qname.regionMatches(true, 0, firstName, 0, baseLen));
    }

    /** Index of a distinct name already asked in this chain, or -1. */
    int findName(String qname) {
        int len = qname.length();
        for (int i = nameCount - 1; i >= 0; i--) {
            String n = names[i];
            if (n.length() == len && (n.equals(qname) || n.equalsIgnoreCase(qname))) {
                return i;
            }
        }
        return -1;
    }

    int nameCount() {
        return nameCount;
    }

    boolean full() {
        return nameCount == MAX_NAMES || stepCount == MAX_STEPS;
    }

    /** The chain has its answer, or the as-given name failed: a new name for the same base is a new lookup. */
    boolean decided() {
        return answeredName >= 0 || asGivenName >= 0;
    }

    int addName(String qname) {
        int i = nameCount++;
        names[i] = qname;
        if (qname.length() == baseLen + 1) {
            asGivenName = i;
        }
        return i;
    }

    /**
     * Records one answered query for distinct name {@code name}: a new step, or a retry of the step with the same
     * name and type.
     */
    void record(int name, int qtype, int rcode, long endNanos, long durationNanos) {
        int s = -1;
        for (int i = stepCount - 1; i >= 0; i--) {
            if (stepName[i] == name && stepType[i] == qtype) {
                s = i;
                break;
            }
        }
        if (s < 0) {
            if (stepCount == MAX_STEPS) {
                return;
            }
            s = stepCount++;
            stepName[s] = name;
            stepType[s] = qtype;
            stepRcode[s] = rcode;
            stepRetries[s] = 0;
            stepStartNanos[s] = endNanos - durationNanos;
            stepDurationNanos[s] = durationNanos;
            stepEndNanos[s] = endNanos;
            addQtype(qtype);
        } else {
            stepRetries[s]++;
            stepEndNanos[s] = Math.max(stepEndNanos[s], endNanos);
            if (stepRcode[s] != Rcode.NOERROR) {
                stepRcode[s] = rcode;
            }
        }
        if (rcode == Rcode.NOERROR && answeredName < 0) {
            answeredName = name;
            answeredStep = s;
        }
    }

    private void addQtype(int qtype) {
        for (int i = 0; i < qtypeCount; i++) {
            if (qtypes[i] == qtype) {
                return;
            }
        }
        if (qtypeCount < MAX_QTYPES) {
            qtypes[qtypeCount++] = qtype;
        }
    }

    /**
     * Whether the resolver is done: the answering name, or (when nothing answered) the as-given name, has been asked
     * with every type this chain asked for. Resolvers ask each step for all their types (glibc and musl ask A and
     * AAAA per step), so the last step's other type is still to come when its first type answers.
     */
    boolean complete() {
        int last = answeredName >= 0 ? answeredName : asGivenName;
        if (last < 0) {
            return false;
        }
        for (int q = 0; q < qtypeCount; q++) {
            boolean seen = false;
            for (int i = 0; i < stepCount && !seen; i++) {
                seen = stepName[i] == last && stepType[i] == qtypes[q];
            }
            if (!seen) {
                return false;
            }
        }
        return true;
    }

    /** Builds the immutable record; {@code domain} is the cluster domain, lower case, with its trailing dot. */
    SearchChain toSearchChain(String domain) {
        long chainStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        for (int i = 0; i < stepCount; i++) {
            chainStart = Math.min(chainStart, stepStartNanos[i]);
            lastEnd = Math.max(lastEnd, stepEndNanos[i]);
        }
        String namespace = firstName.substring(nsStart, nsEnd);
        StepKind[] kinds = new StepKind[nameCount];
        List<String> searchDomains = new ArrayList<>(nameCount);
        for (int i = 0; i < nameCount; i++) {
            kinds[i] = kind(names[i], namespace, domain);
            if (kinds[i] != StepKind.AS_GIVEN) {
                String n = names[i];
                searchDomains.add(n.substring(baseLen + 1, n.length() - 1));
            }
        }
        List<Step> steps = new ArrayList<>(stepCount);
        int wasted = 0;
        int decisive = answeredName >= 0 ? answeredName : asGivenName;
        long decisiveStart = Long.MAX_VALUE;
        for (int i = 0; i < stepCount; i++) {
            int n = stepName[i];
            steps.add(new Step(names[n], kinds[n], stepType[i], stepRcode[i], Duration.ofNanos(stepDurationNanos[i]),
                    Duration.ofNanos(stepStartNanos[i] - chainStart), stepRetries[i]));
            if (n == decisive) {
                decisiveStart = Math.min(decisiveStart, stepStartNanos[i]);
            } else if (answeredName < 0 ? kinds[n] != StepKind.AS_GIVEN : n < answeredName) {
                wasted += 1 + stepRetries[i];
            }
        }
        long wastedNanos = (decisive >= 0 ? decisiveStart : lastEnd) - chainStart;
        List<Integer> types = new ArrayList<>(qtypeCount);
        for (int i = 0; i < qtypeCount; i++) {
            types.add(qtypes[i]);
        }
        String base = asGivenName >= 0
                ? names[asGivenName].substring(0, baseLen)
                : firstName.substring(0, baseLen);
        String answered = answeredName >= 0 ? names[answeredName] : null;
        boolean answeredAsGiven = answeredName >= 0 && answeredName == asGivenName;
        return new SearchChain(client, base, namespace, searchDomains, types, steps, answeredStep, wasted,
                Duration.ofNanos(Math.max(0, wastedNanos)),
                Instant.ofEpochSecond(0, chainStart), fix(base, answered, answeredAsGiven));
    }

    private StepKind kind(String name, String namespace, String domain) {
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
