package io.nodecache.config;

import io.nodecache.dns.server.TcpLimits;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a node starts. Defaults make the embedded default: the bundled Corefile on 127.0.0.1:1053 with an embedded
 * authoritative upstream for the demo cluster. node-cache's own flag names ({@code localip}, {@code conf},
 * {@code upstreamsvc}, {@code health-port}, {@code setupinterface}, {@code setupiptables}, {@code skipteardown},
 * {@code syncinterval}, {@code basecorefile}, {@code kubednscm}) are accepted as top-level properties too, e.g.
 * {@code --localip=169.254.20.10}.
 *
 * @param conf             Corefile path; empty means the bundled embedded default
 * @param localip          comma-separated addresses to listen on ({@code __PILLAR__LOCAL__DNS__})
 * @param dnsServer        the kube-dns service IP ({@code __PILLAR__DNS__SERVER__})
 * @param dnsDomain        the cluster domain ({@code __PILLAR__DNS__DOMAIN__})
 * @param upstreamsvc      the service whose {@code <NAME>_SERVICE_HOST} env var gives {@code __PILLAR__CLUSTER__DNS__}
 * @param clusterDns       an explicit {@code __PILLAR__CLUSTER__DNS__}, overriding the embedded upstream and the env
 * @param upstreamServers  {@code __PILLAR__UPSTREAM__SERVERS__}; empty means the nameservers of {@code resolvConf}
 * @param resolvConf       the resolv.conf to read upstream servers from
 * @param embeddedUpstream start the embedded authoritative upstream (demo cluster zones) on loopback; by default
 *                         only in the embedded default (no {@code conf})
 * @param healthPort       node-cache's {@code -health-port}: its NOTRACK rules are set up beside DNS's
 * @param setupinterface   node-cache's {@code -setupinterface}: put the local IPs on {@code interfacename}
 * @param setupiptables    node-cache's {@code -setupiptables}: add node-cache's NOTRACK/ACCEPT rules
 * @param interfacename    node-cache's {@code -interfacename}: the dummy link for the local IPs ({@code lo} where the
 *                         kernel has no dummy type)
 * @param skipteardown     node-cache's {@code -skipteardown}
 * @param syncinterval     node-cache's {@code -syncinterval}
 * @param reloadInterval   overrides the Corefile's {@code reload} interval (tests)
 * @param basecorefile     node-cache's {@code -basecorefile}: the template rendered with the kube-dns ConfigMap into
 *                         {@code conf}. Unset: node-cache's default {@value #DEFAULT_BASECOREFILE}, used only when
 *                         {@code conf} is set and that file exists; empty: no rendering, {@code conf} is loaded as is
 * @param kubednscm        node-cache's {@code -kubednscm}: the kube-dns ConfigMap's mount ({@code stubDomains},
 *                         {@code upstreamNameservers}); an absent directory means none
 * @param kubednscmInterval how often {@code kubednscm} and {@code basecorefile} are re-read (node-cache: 10s)
 * @param udpThreads       receive threads per UDP address; 0 means one per CPU the process may use
 * @param udpTransport     {@code nio} (the default: a blocking receive per thread, two syscalls a query) or
 *                         {@code epoll} (Netty native, recvmmsg/sendmmsg batches: a little less CPU per query when
 *                         saturated, about twice as much at 1 000-10 000 queries a second; bench/README.md)
 * @param queryLogSize     recent logged queries kept for the console and the API
 * @param readTimeout      per-attempt upstream timeout
 * @param deadline         overall time to find an answering upstream
 * @param tcpMaxConnections open DNS-over-TCP connections per address; more are closed as accepted (1024)
 * @param tcpMaxInFlight   queries of one TCP connection answered at once before reading it pauses (64)
 * @param tcpMaxQueries    queries per TCP connection before it is closed, as CoreDNS's {@code maxtcpqueries}; 0 or
 *                         less: no limit (1024)
 * @param tcpIdleTimeout   a TCP connection with no query and no answer owed is closed after this (10s)
 * @param tcpReadTimeout   a TCP message, length prefix and all, must arrive within this of its first byte (3s)
 * @param tcpWriteTimeout  a TCP client that leaves its answers unread this long is cut off (5s)
 */
@ConfigurationProperties("nodecache")
public record NodeProperties(
        String conf,
        String localip,
        String dnsServer,
        String dnsDomain,
        String upstreamsvc,
        String clusterDns,
        List<String> upstreamServers,
        String resolvConf,
        Boolean embeddedUpstream,
        Integer healthPort,
        Boolean setupinterface,
        Boolean setupiptables,
        String interfacename,
        Boolean skipteardown,
        Duration syncinterval,
        Duration reloadInterval,
        String basecorefile,
        String kubednscm,
        Duration kubednscmInterval,
        Integer udpThreads,
        String udpTransport,
        Integer queryLogSize,
        Duration readTimeout,
        Duration deadline,
        Integer tcpMaxConnections,
        Integer tcpMaxInFlight,
        Integer tcpMaxQueries,
        Duration tcpIdleTimeout,
        Duration tcpReadTimeout,
        Duration tcpWriteTimeout) {

    /** node-cache's {@code -basecorefile} default, where the upstream manifest mounts the node-local-dns ConfigMap. */
    public static final String DEFAULT_BASECOREFILE = "/etc/coredns/Corefile.base";

    /** node-cache's {@code -kubednscm} default, where the upstream manifest mounts the kube-dns ConfigMap. */
    public static final String DEFAULT_KUBEDNSCM = "/etc/kube-dns";

    public NodeProperties {
        conf = conf == null ? "" : conf;
        localip = localip == null ? "127.0.0.1" : localip;
        dnsDomain = dnsDomain == null ? "cluster.local" : dnsDomain;
        upstreamsvc = upstreamsvc == null ? "kube-dns" : upstreamsvc;
        upstreamServers = upstreamServers == null ? List.of() : List.copyOf(upstreamServers);
        resolvConf = resolvConf == null ? "/etc/resolv.conf" : resolvConf;
        healthPort = healthPort == null ? 8080 : healthPort;
        setupinterface = setupinterface != null && setupinterface;
        setupiptables = setupiptables != null && setupiptables;
        interfacename = interfacename == null || interfacename.isBlank() ? "nodelocaldns" : interfacename;
        skipteardown = skipteardown != null && skipteardown;
        syncinterval = syncinterval == null ? Duration.ofSeconds(60) : syncinterval;
        kubednscm = kubednscm == null || kubednscm.isBlank() ? DEFAULT_KUBEDNSCM : kubednscm;
        kubednscmInterval = kubednscmInterval == null ? Duration.ofSeconds(10) : kubednscmInterval;
        udpThreads = udpThreads == null ? 0 : udpThreads;
        udpTransport = udpTransport == null ? "nio" : udpTransport.trim().toLowerCase(java.util.Locale.ROOT);
        if (!udpTransport.equals("nio") && !udpTransport.equals("epoll")) {
            throw new IllegalArgumentException("nodecache.udp-transport must be nio or epoll, not " + udpTransport);
        }
        queryLogSize = queryLogSize == null ? 10_000 : queryLogSize;
        readTimeout = readTimeout == null ? Duration.ofSeconds(2) : readTimeout;
        deadline = deadline == null ? Duration.ofSeconds(5) : deadline;
        TcpLimits tcp = TcpLimits.defaults();
        tcpMaxConnections = atLeastOne("nodecache.tcp-max-connections", tcpMaxConnections, tcp.maxConnections());
        tcpMaxInFlight = atLeastOne("nodecache.tcp-max-in-flight", tcpMaxInFlight, tcp.maxInFlight());
        tcpMaxQueries = tcpMaxQueries == null ? tcp.maxQueries() : tcpMaxQueries;
        tcpIdleTimeout = positive("nodecache.tcp-idle-timeout", tcpIdleTimeout, tcp.idle());
        tcpReadTimeout = positive("nodecache.tcp-read-timeout", tcpReadTimeout, tcp.read());
        tcpWriteTimeout = positive("nodecache.tcp-write-timeout", tcpWriteTimeout, tcp.write());
    }

    private static int atLeastOne(String key, Integer value, int fallback) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
        return value == null ? fallback : value;
    }

    private static Duration positive(String key, Duration value, Duration fallback) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(key + " must be a positive duration, not " + value);
        }
        return value == null ? fallback : value;
    }

    /** What one client may hold on the DNS-over-TCP listeners. */
    public TcpLimits tcpLimits() {
        return new TcpLimits(tcpMaxConnections, tcpMaxInFlight, tcpMaxQueries, tcpIdleTimeout, tcpReadTimeout,
                tcpWriteTimeout);
    }

    /**
     * Whether the embedded demo upstream runs: as set, else only in the embedded default (no {@code conf}). With a
     * Corefile given, {@code __PILLAR__CLUSTER__DNS__} must come from the cluster (upstreamsvc's env var), never
     * silently from demo zones. Decided here, not in the constructor, because node-cache's {@code --conf} flag is
     * applied after binding.
     */
    public boolean embeddedUpstreamEnabled() {
        return embeddedUpstream != null ? embeddedUpstream : conf.isBlank();
    }
}
