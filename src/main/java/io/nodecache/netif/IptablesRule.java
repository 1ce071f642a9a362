package io.nodecache.netif;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One of node-cache's rules: table, chain and match, with node-cache's comment so operators recognise it.
 *
 * @param ipv6  true for ip6tables
 * @param table {@code raw} or {@code filter}
 * @param chain {@code PREROUTING}, {@code INPUT} or {@code OUTPUT}
 * @param spec  the match and target, as given to {@code -C}, {@code -I CHAIN 1} and {@code -D}
 */
record IptablesRule(boolean ipv6, String table, String chain, List<String> spec) {

    /** node-cache's comment on its NOTRACK rules ({@code iptablesCommentSkipConntrack}). */
    static final String SKIP_CONNTRACK = "NodeLocal DNS Cache: skip conntrack";
    /** node-cache's comment on its ACCEPT rules ({@code iptablesCommentAllowTraffic}). */
    static final String ALLOW_TRAFFIC = "NodeLocal DNS Cache: allow DNS traffic";

    static final int DNS_PORT = 53;

    IptablesRule {
        spec = List.copyOf(spec);
    }

    /**
     * node-cache's rules for one local IP, in node-cache's order: DNS over TCP and UDP to and from the IP skips
     * conntrack and is accepted, host-network clients' queries to it skip conntrack, and so do the liveness probe's
     * connections to the health port.
     */
    static List<IptablesRule> forLocalIp(InetAddress ip, int healthPort) {
        boolean v6 = ip instanceof Inet6Address;
        String x = IpText.of(ip);
        String dns = Integer.toString(DNS_PORT);
        String health = Integer.toString(healthPort);
        List<IptablesRule> rules = new ArrayList<>();
        for (String proto : List.of("tcp", "udp")) {
            rules.add(rule(v6, "raw", "PREROUTING", proto, "-d", x, "--dport", dns, "NOTRACK", SKIP_CONNTRACK));
        }
        // conntrack is skipped, so the filter table's "accept tracked connections" rules no longer match these
        for (String proto : List.of("tcp", "udp")) {
            rules.add(rule(v6, "filter", "INPUT", proto, "-d", x, "--dport", dns, "ACCEPT", ALLOW_TRAFFIC));
        }
        for (String proto : List.of("tcp", "udp")) {
            rules.add(rule(v6, "raw", "OUTPUT", proto, "-s", x, "--sport", dns, "NOTRACK", SKIP_CONNTRACK));
        }
        for (String proto : List.of("tcp", "udp")) {
            rules.add(rule(v6, "filter", "OUTPUT", proto, "-s", x, "--sport", dns, "ACCEPT", ALLOW_TRAFFIC));
        }
        // queries from host-network clients leave through OUTPUT, not PREROUTING
        for (String proto : List.of("tcp", "udp")) {
            rules.add(rule(v6, "raw", "OUTPUT", proto, "-d", x, "--dport", dns, "NOTRACK", SKIP_CONNTRACK));
        }
        // the kubelet's liveness probe to the health plugin
        rules.add(rule(v6, "raw", "OUTPUT", "tcp", "-d", x, "--dport", health, "NOTRACK", SKIP_CONNTRACK));
        rules.add(rule(v6, "raw", "OUTPUT", "tcp", "-s", x, "--sport", health, "NOTRACK", SKIP_CONNTRACK));
        return rules;
    }

    private static IptablesRule rule(boolean v6, String table, String chain, String proto, String addrFlag,
            String addr, String portFlag, String port, String target, String comment) {
        return new IptablesRule(v6, table, chain, List.of("-p", proto, addrFlag, addr, portFlag, port, "-j", target,
                "-m", "comment", "--comment", comment));
    }

    /** The arguments after the binary: {@code -w 5 -t TABLE ACTION CHAIN [1] SPEC}. */
    List<String> args(String action, int lockWaitSeconds) {
        List<String> args = new ArrayList<>(
                List.of("-w", Integer.toString(lockWaitSeconds), "-t", table, action, chain));
        if (action.equals("-I")) {
            args.add("1");
        }
        args.addAll(spec);
        return args;
    }

    /**
     * How many copies of this rule a {@code iptables-save -t TABLE} output holds, by the line iptables-save prints
     * for it ({@code -A CHAIN -d X/32 -p udp -m udp --dport 53 -m comment --comment "..." -j NOTRACK}, the same for
     * nft and legacy). A differently printed copy is not counted: the count only serves to remove duplicates.
     */
    long copiesIn(String tableSave) {
        String line = saveLine();
        return tableSave.lines().map(String::strip).filter(line::equals).count();
    }

    private String saveLine() {
        // spec: -p PROTO ADDRFLAG ADDR PORTFLAG PORT -j TARGET -m comment --comment COMMENT
        String proto = spec.get(1);
        return "-A " + chain + " " + spec.get(2) + " " + spec.get(3) + (ipv6 ? "/128" : "/32") + " -p " + proto
                + " -m " + proto + " " + spec.get(4) + " " + spec.get(5) + " -m comment --comment \"" + spec.get(11)
                + "\" -j " + spec.get(7);
    }

    @Override
    public String toString() {
        return (ipv6 ? "ip6tables" : "iptables") + " -t " + table + " " + chain + " " + String.join(" ", spec);
    }
}
