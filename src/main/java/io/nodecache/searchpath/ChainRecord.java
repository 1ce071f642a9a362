package io.nodecache.searchpath;

import java.net.InetAddress;
import java.util.Arrays;
import org.xbill.DNS.Rcode;

/**
 * One lookup's chain in primitive arrays: filled by {@link ChainDetector} while the chain is open, then kept
 * unchanged, as the completed chain, in the recent ring until the ring overwrites it and the object is reused.
 * {@link SearchChainView} builds the public {@link SearchChain} from it only when someone asks.
 *
 * <p>Names are kept as the events' own strings and the base as a prefix length of the first name, so a record never
 * copies a name, and joining or closing a chain allocates nothing. Single-threaded while open; read-only once in the
 * ring.
 * Fields are package-private for {@link OpenChains} (the links) and {@link SearchChainView} (reads only).
 */
final class ChainRecord {

    static final int MAX_NAMES = 12;
    static final int MAX_STEPS = 32;
    private static final int MAX_QTYPES = 8;

    /** The cluster domain, lower case, with its trailing dot (what step kinds are told by). */
    final String domain;

    InetAddress client;
    /** Next open chain of the same client, newest first. */
    ChainRecord next;
    /** Neighbours among all open chains, in start order (for the idle sweep). */
    ChainRecord olderOpen;
    ChainRecord newerOpen;
    long lastMillis;

    /** The base is {@code firstName[0, baseLen)}; the namespace is {@code firstName[nsStart, nsEnd)}. */
    String firstName;
    int baseLen;
    int nsStart;
    int nsEnd;

    final String[] names = new String[MAX_NAMES];
    int nameCount;
    int asGivenName;
    int answeredName;
    int answeredStep;

    final int[] stepName = new int[MAX_STEPS];
    final int[] stepType = new int[MAX_STEPS];
    final int[] stepRcode = new int[MAX_STEPS];
    final int[] stepRetries = new int[MAX_STEPS];
    final long[] stepStartNanos = new long[MAX_STEPS];
    final long[] stepDurationNanos = new long[MAX_STEPS];
    int stepCount;
    /** The latest answer of any step: where wasted time ends when neither an answer nor the as-given name came. */
    private long lastEndNanos;

    final int[] qtypes = new int[MAX_QTYPES];
    int qtypeCount;

    /** Worked out once by {@link #summarize}: the chain's first query, and what it wasted. */
    long startNanos;
    int wastedQueries;
    long wastedNanos;

    ChainRecord(String domain) {
        this.domain = domain;
    }

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
        this.lastEndNanos = Long.MIN_VALUE;
    }

    /** Drops references so a pooled record does not keep events' strings alive. */
    void clear() {
        client = null;
        next = null;
        olderOpen = null;
        newerOpen = null;
        firstName = null;
        Arrays.fill(names, 0, nameCount, null);
        nameCount = 0;
    }

    int baseLength() {
        return baseLen;
    }

    /** The string whose first {@link #baseLength} chars are the base name: the as-given name, else the first. */
    String baseSource() {
        return asGivenName >= 0 ? names[asGivenName] : firstName;
    }

    String baseName() {
        return baseSource().substring(0, baseLen);
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
            addQtype(qtype);
        } else {
            stepRetries[s]++;
            if (stepRcode[s] != Rcode.NOERROR) {
                stepRcode[s] = rcode;
            }
        }
        lastEndNanos = Math.max(lastEndNanos, endNanos);
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

    /**
     * Works out, once the chain is closed, when it started and what it wasted (see {@link SearchChain}): the tallies
     * need these for every chain, the view only when asked.
     */
    void summarize() {
        long chainStart = Long.MAX_VALUE;
        for (int i = 0; i < stepCount; i++) {
            chainStart = Math.min(chainStart, stepStartNanos[i]);
        }
        int decisive = answeredName >= 0 ? answeredName : asGivenName;
        long decisiveStart = Long.MAX_VALUE;
        int wasted = 0;
        for (int i = 0; i < stepCount; i++) {
            int n = stepName[i];
            if (n == decisive) {
                decisiveStart = Math.min(decisiveStart, stepStartNanos[i]);
            } else if (answeredName < 0 ? n != asGivenName : n < answeredName) {
                // all failed: every expanded name was a waste; answered: every name before the answering one
                wasted += 1 + stepRetries[i];
            }
        }
        startNanos = chainStart;
        wastedQueries = wasted;
        wastedNanos = Math.max(0, (decisive >= 0 ? decisiveStart : lastEndNanos) - chainStart);
    }

    boolean answered() {
        return answeredStep >= 0;
    }

    /** When the chain's first query arrived, in epoch milliseconds (as {@code Instant#toEpochMilli} rounds). */
    long startMillis() {
        return Math.floorDiv(startNanos, 1_000_000L);
    }
}
