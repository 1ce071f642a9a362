package io.nodecache.metrics;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** Label values spelt as CoreDNS spells them. */
final class CoreDnsLabels {

    /** CoreDNS's {@code zone} for queries that never reached a server block ({@code vars.Dropped}). */
    static final String DROPPED = "dropped";

    /** The {@code view} label: nodecache has no views, so it is always empty, as in a CoreDNS without them. */
    static final String VIEW = "";

    /** The qtypes CoreDNS counts by name ({@code plugin/metrics/vars monitorType}); everything else is "other". */
    private static final int[] MONITORED = {1, 2, 5, 6, 12, 15, 16, 28, 33, 43, 46, 47, 48, 50, 65, 251, 252, 255};
    private static final String[] MONITORED_NAMES = {"A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV",
        "DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "HTTPS", "IXFR", "AXFR", "ANY"};
    /** Number of {@code type} label values: the monitored types and "other". */
    static final int TYPES = MONITORED.length + 1;
    private static final int OTHER = MONITORED.length;

    /** miekg/dns {@code RcodeToString} for the 4-bit header rcodes; CoreDNS writes others as "RCODE" + n. */
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14",
        "RCODE15"};

    private CoreDnsLabels() {}

    /** {@link #typeIndex} of every qtype below 256 (all the monitored ones are): a load per event, not a scan. */
    private static final byte[] TYPE_INDEX = typeIndexTable();

    private static byte[] typeIndexTable() {
        byte[] out = new byte[256];
        Arrays.fill(out, (byte) OTHER);
        for (int i = 0; i < MONITORED.length; i++) {
            out[MONITORED[i]] = (byte) i;
        }
        return out;
    }

    /** Index of {@code qtype}'s {@code type} label value, in [0, {@link #TYPES}). */
    static int typeIndex(int qtype) {
        return qtype >= 0 && qtype < TYPE_INDEX.length ? TYPE_INDEX[qtype] : OTHER;
    }

    static String typeName(int index) {
        return index == OTHER ? "other" : MONITORED_NAMES[index];
    }

    /** The {@code rcode} label of a header rcode (0-15). */
    static String rcode(int rcode) {
        return rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : "RCODE" + rcode;
    }

    /**
     * The {@code server} label: {@code dns://<bind>:<port>} of the listener, {@code dns://:<port>} when the block
     * binds every address (CoreDNS's {@code Server.Addr} with the {@code dns://} scheme).
     */
    static String server(InetSocketAddress listener) {
        InetAddress a = listener.getAddress();
        String host = a == null || a.isAnyLocalAddress() ? "" : hostText(a);
        return "dns://" + host + ":" + listener.getPort();
    }

    /** An upstream as CoreDNS's {@code to} label: {@code host:port}, IPv6 in brackets. */
    static String to(InetSocketAddress upstream) {
        return hostText(upstream.getAddress()) + ":" + upstream.getPort();
    }

    private static String hostText(InetAddress a) {
        String host = a.getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        return a instanceof Inet6Address ? "[" + host + "]" : host;
    }

    /** CoreDNS's {@code family}: "1" for IPv4, "2" for IPv6. */
    static int family(InetAddress client) {
        return client instanceof Inet6Address ? 1 : 0;
    }
}
