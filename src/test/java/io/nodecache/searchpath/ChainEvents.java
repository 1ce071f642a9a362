package io.nodecache.searchpath;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Query events for chain tests, from one line each: {@code <ms> <client> <qname> <qtype> <rcode> [<duration ms>]}. */
final class ChainEvents {

    /** 2026-01-01T00:00:00Z, where every script's time 0 is. */
    static final long EPOCH = 1_767_225_600_000L;

    private static long sequence;

    private ChainEvents() {}

    static List<QueryEvent> parse(String script) {
        List<QueryEvent> out = new ArrayList<>();
        for (String line : script.strip().split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            long t = Long.parseLong(f[0]);
            double durMs = f.length > 5 ? Double.parseDouble(f[5]) : 1;
            out.add(event(t, f[1], f[2], Type.value(f[3]), Rcode.value(f[4]), (long) (durMs * 1_000_000)));
        }
        return out;
    }

    static QueryEvent event(long t, String client, String qname, int qtype, int rcode, long durationNanos) {
        long seq = sequence++;
        // a new port for every query, as single-request-reopen and musl do
        return new QueryEvent(seq, EPOCH + t, address(client), 30000 + (int) (seq % 30000), (int) (seq & 0xffff),
                qname, qtype, 1, Transport.UDP, 40, false, 512, rcode, 0x8180, 100, durationNanos,
                CacheOutcome.MISS, null, ".");
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** Feeds a script, then ticks well past the window so every chain closes; returns chains in completion order. */
    static List<SearchChain> run(ChainDetector detector, String script) {
        List<SearchChain> chains = new ArrayList<>();
        detector.addListener(chains::add);
        long last = 0;
        for (QueryEvent e : parse(script)) {
            detector.onEvent(e);
            last = e.epochMillis();
        }
        detector.tick(last + 60_000);
        return chains;
    }

    /**
     * Script lines for one A-only lookup of an external {@code base} from a pod in {@code ns}, starting at {@code t}:
     * three NXDOMAINs, then the name as given answers (3 wasted queries).
     */
    static String external(long t, String client, String base, String ns) {
        return t + " " + client + " " + base + "." + ns + ".svc.cluster.local. A NXDOMAIN\n"
                + (t + 1) + " " + client + " " + base + ".svc.cluster.local. A NXDOMAIN\n"
                + (t + 2) + " " + client + " " + base + ".cluster.local. A NXDOMAIN\n"
                + (t + 3) + " " + client + " " + base + ". A NOERROR\n";
    }

    /** One line per chain: who, what, how it went; enough to tell chains apart in a table. */
    static String summary(SearchChain c) {
        int retries = c.steps().stream().mapToInt(SearchChain.Step::retries).sum();
        return c.client().getHostAddress() + " " + c.baseName() + " ns=" + c.namespace()
                + " qtypes=" + c.qtypes().stream().map(Type::string).collect(Collectors.joining(","))
                + " steps=" + c.steps().size()
                + " answered=" + c.answeredStep()
                + " wasted=" + c.wastedQueries()
                + (retries > 0 ? " retries=" + retries : "")
                + " search=" + String.join(",", c.searchDomains());
    }
}
