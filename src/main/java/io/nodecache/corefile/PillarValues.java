package io.nodecache.corefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values node-cache substitutes for the {@code __PILLAR__*} placeholders of the upstream nodelocaldns Corefile.
 *
 * <p>{@code null} (or an empty list) means "not known"; using such a placeholder is an error, rather than the silent
 * empty string node-cache writes, because a Corefile with a hole in it parses into something else.
 *
 * @param localDns        the addresses node-cache listens on: its {@code -localip} list (link-local IP first)
 * @param dnsServer       the kube-dns service IP ({@code __PILLAR__DNS__SERVER__})
 * @param dnsDomain       the cluster domain, e.g. {@code cluster.local} ({@code __PILLAR__DNS__DOMAIN__})
 * @param clusterDns      the IP to forward cluster queries to, the {@code -upstreamsvc} service
 *                        ({@code __PILLAR__CLUSTER__DNS__})
 * @param upstreamServers the resolvers for everything else, usually the node's {@code /etc/resolv.conf} nameservers
 *                        ({@code __PILLAR__UPSTREAM__SERVERS__})
 */
public record PillarValues(
        List<String> localDns, String dnsServer, String dnsDomain, String clusterDns, List<String> upstreamServers) {

    static final String LOCAL_DNS = "__PILLAR__LOCAL__DNS__";
    static final String DNS_SERVER = "__PILLAR__DNS__SERVER__";
    static final String DNS_DOMAIN = "__PILLAR__DNS__DOMAIN__";
    static final String CLUSTER_DNS = "__PILLAR__CLUSTER__DNS__";
    public static final String UPSTREAM_SERVERS = "__PILLAR__UPSTREAM__SERVERS__";
    private static final Pattern UNKNOWN = Pattern.compile("__PILLAR__[A-Za-z0-9_]*");

    public PillarValues {
        localDns = localDns == null ? List.of() : List.copyOf(localDns);
        upstreamServers = upstreamServers == null ? List.of() : List.copyOf(upstreamServers);
        dnsServer = blankToNull(dnsServer);
        dnsDomain = blankToNull(dnsDomain);
        clusterDns = blankToNull(clusterDns);
    }

    /** These values with {@code servers} as {@code __PILLAR__UPSTREAM__SERVERS__}. */
    public PillarValues withUpstreamServers(List<String> servers) {
        return new PillarValues(localDns, dnsServer, dnsDomain, clusterDns, servers);
    }

    /** Returns values that know nothing: any placeholder in the text is then an error. */
    public static PillarValues none() {
        return new PillarValues(List.of(), null, null, null, List.of());
    }

    /** Splits node-cache's {@code -localip} flag ({@code 169.254.20.10,10.0.0.10}) into its addresses. */
    public static List<String> splitLocalIp(String commaList) {
        List<String> out = new ArrayList<>();
        if (commaList != null) {
            for (String ip : commaList.split(",")) {
                if (!ip.isBlank()) {
                    out.add(ip.strip());
                }
            }
        }
        return out;
    }

    /**
     * Returns the cluster DNS IP node-cache would find for {@code -upstreamsvc}: the
     * {@code <SERVICE>_SERVICE_HOST} variable Kubernetes sets for every service, the name upper-cased with
     * {@code -} as {@code _}.
     *
     * @return the IP, or {@code null} when the variable is not set
     */
    public static String clusterDnsFromEnv(String upstreamSvc, Map<String, String> env) {
        if (upstreamSvc == null || upstreamSvc.isBlank()) {
            return null;
        }
        return blankToNull(env.get(serviceHostVariable(upstreamSvc)));
    }

    static String serviceHostVariable(String service) {
        return service.strip().toUpperCase(Locale.ROOT).replace('-', '_') + "_SERVICE_HOST";
    }

    /**
     * Replaces every {@code __PILLAR__*} placeholder in {@code corefileText}.
     *
     * @throws CorefileException if a placeholder is used whose value is not known
     */
    public String substitute(String corefileText) throws CorefileException {
        return substitute(corefileText, "Corefile");
    }

    /**
     * As {@link #substitute(String)}, naming {@code source} in messages.
     *
     * @throws CorefileException naming {@code source} and the line of a placeholder whose value is not known
     */
    public String substitute(String text, String source) throws CorefileException {
        // Line by line, so that the line numbers of later messages are those of the file as written.
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(substituteLine(lines[i], source, i + 1));
        }
        return out.toString();
    }

    private String substituteLine(String line, String source, int lineNo) throws CorefileException {
        if (!line.contains("__PILLAR__")) {
            return line;
        }
        String s = line;
        if (s.contains(LOCAL_DNS)) {
            require(!localDns.isEmpty(), LOCAL_DNS, "no local IP is known: set -localip", source, lineNo);
            // "health __PILLAR__LOCAL__DNS__:8080" names one address, so it gets the first (link-local) IP;
            // node-cache never hits this because the manifest is sed-substituted before it runs.
            s = s.replace(LOCAL_DNS + ":", hostForPort(localDns.get(0)) + ":");
            s = s.replace(LOCAL_DNS, String.join(" ", localDns));
        }
        if (s.contains(DNS_SERVER)) {
            require(dnsServer != null, DNS_SERVER, "no kube-dns service IP is known: set the DNS server IP",
                    source, lineNo);
            s = s.replace(DNS_SERVER, dnsServer);
        }
        if (s.contains(DNS_DOMAIN)) {
            require(dnsDomain != null, DNS_DOMAIN, "no cluster domain is known: set the DNS domain (e.g. cluster.local)",
                    source, lineNo);
            s = s.replace(DNS_DOMAIN, dnsDomain);
        }
        if (s.contains(CLUSTER_DNS)) {
            require(clusterDns != null, CLUSTER_DNS, "no cluster DNS IP is known: set upstreamsvc or the "
                    + "KUBE_DNS_UPSTREAM_SERVICE_HOST env var", source, lineNo);
            s = s.replace(CLUSTER_DNS, clusterDns);
        }
        if (s.contains(UPSTREAM_SERVERS)) {
            require(!upstreamServers.isEmpty(), UPSTREAM_SERVERS, "no upstream servers are known: "
                    + "set them, or read the nameservers of /etc/resolv.conf", source, lineNo);
            s = s.replace(UPSTREAM_SERVERS, String.join(" ", upstreamServers));
        }
        Matcher unknown = UNKNOWN.matcher(s);
        if (unknown.find()) {
            throw new CorefileException(source, lineNo, "unknown placeholder " + unknown.group());
        }
        return s;
    }

    private static void require(boolean known, String pillar, String why, String source, int line)
            throws CorefileException {
        if (!known) {
            throw new CorefileException(source, line, pillar + " is used but " + why);
        }
    }

    private static String hostForPort(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
