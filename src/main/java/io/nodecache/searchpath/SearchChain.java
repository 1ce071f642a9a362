package io.nodecache.searchpath;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One lookup as a stub resolver expanded it through its search list: the steps it asked, in order, and what they
 * cost. Immutable.
 *
 * @param client        the client's IP (ports vary between steps, so they are not part of the identity)
 * @param baseName      the name as the application gave it, without a trailing dot: the as-given step's name,
 *                      or, when that step was not seen, the name inferred from the first step
 * @param namespace     the pod's namespace inferred from the first suffix ({@code <base>.<ns>.svc.<domain>})
 * @param searchDomains the search suffixes tried, in order, without trailing dots
 * @param qtypes        the query types seen, in order of first appearance
 * @param steps         one per (name, qtype) asked, in answer order; retries are counted on the step
 * @param answeredStep  index in {@code steps} of the first answer with NOERROR, or -1 when every step failed
 * @param wastedQueries queries (retries included) for names before the answering one; when all failed, every
 *                      query for an expanded name (the as-given name would be asked anyway)
 * @param wastedTime    from the chain's first query to the start of the answering step (when all failed: to the
 *                      start of the as-given step, or to the last answer when that step was not seen)
 * @param start         when the chain's first query arrived
 * @param suggestedFix  what would make this lookup one query per type; several fixes joined by "; or "
 */
public record SearchChain(
        InetAddress client,
        String baseName,
        String namespace,
        List<String> searchDomains,
        List<Integer> qtypes,
        List<Step> steps,
        int answeredStep,
        int wastedQueries,
        Duration wastedTime,
        Instant start,
        String suggestedFix) {

    public SearchChain {
        searchDomains = List.copyOf(searchDomains);
        qtypes = List.copyOf(qtypes);
        steps = List.copyOf(steps);
    }

    /** Whether some step answered NOERROR. */
    public boolean answered() {
        return answeredStep >= 0;
    }

    /** The name that answered, or null when every step failed. */
    public String answeredName() {
        return answeredStep < 0 ? null : steps.get(answeredStep).name();
    }

    /** Queries the resolver sent for this lookup, retries included. */
    public int totalQueries() {
        int n = 0;
        for (Step s : steps) {
            n += 1 + s.retries();
        }
        return n;
    }

    /** Which part of the search list a step's name came from. */
    public enum StepKind {
        /** {@code <base>.<namespace>.svc.<domain>}, the first suffix of a pod's search list. */
        NAMESPACE,
        /** {@code <base>.svc.<domain>}. */
        SERVICE,
        /** {@code <base>.<domain>}. */
        CLUSTER,
        /** {@code <base>.<suffix>} for a search domain outside the cluster domain (the node's, or dnsConfig's). */
        SEARCH_DOMAIN,
        /** The name as given. */
        AS_GIVEN
    }

    /**
     * One (name, qtype) the resolver asked.
     *
     * @param name     the question name as asked, with its trailing dot
     * @param kind     which search suffix produced it
     * @param qtype    the query type
     * @param rcode    the response code (NOERROR once any attempt got it)
     * @param duration the server's time from receipt to answer, of the first attempt
     * @param offset   from the chain's start to this step's first query
     * @param retries  how many more times the same name and type were asked
     */
    public record Step(String name, StepKind kind, int qtype, int rcode, Duration duration, Duration offset,
            int retries) {}
}
