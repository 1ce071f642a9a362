package io.nodecache.demo;

import io.nodecache.dns.authority.DemoZones;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.xbill.DNS.Type;

/**
 * The demo's pods and what each looks up, checked against {@link DemoZones} so that every lookup ends inside
 * {@code cluster.local.} or {@code example.}: a demo query never goes to the node's real upstream servers.
 *
 * <p>The mix shows what a real node sees: short service names that answer at the first suffix (no chain),
 * cross-namespace names (a chain of one or two NXDOMAINs), "external" names under {@code example.} (three NXDOMAINs,
 * then the answer), FQDNs with a trailing dot (one query per type, the fix), and now and then a typo (every step
 * fails).
 */
public final class DemoPods {

    /** The kubelet's {@code ndots} in every pod's resolv.conf. */
    public static final int NDOTS = 5;

    /** The most pods: one per address 127.0.1.1 .. 127.0.1.254. */
    public static final int MAX_PODS = 254;

    private record Template(String name, String namespace, List<String> asks) {}

    private static final List<Template> TEMPLATES = List.of(
            new Template("frontend-6f7c9d8b4-x2k4p", "default", List.of(
                    "kubernetes", "kubernetes", "frontend", "frontend", "www.example", "www.example", "api.example",
                    "kube-dns.kube-system", "kubernetes.default.svc.cluster.local.", "cart.shop", "frontend")),
            new Template("cart-5d8b4c7f9-q9wzt", "shop", List.of(
                    "catalog", "catalog", "checkout", "orders-db", "payments", "api.example", "api.example",
                    "cdn.example", "kubernetes.default", "catalog.shop.svc.cluster.local.")),
            new Template("checkout-7b9f6d5c8-m3hfd", "shop", List.of(
                    "cart", "cart", "payments", "payments", "api.example", "static.example", "www.example",
                    "orders-db", "orders-db", "catalog", "kube-dns.kube-system", "api.exmaple.example")),
            new Template("prometheus-0", "monitoring", List.of(
                    "alertmanager", "grafana", "frontend.default", "kube-dns.kube-system", "frontend.shop",
                    "metrics-server.kube-system.svc.cluster.local.", "www.example")),
            new Template("metrics-server-84c6d7b9f-7jl2s", "kube-system", List.of(
                    "kube-dns", "kubernetes.default.svc", "kubernetes.default.svc", "metrics-server",
                    "prometheus.monitoring", "cdn.example")),
            new Template("report-job-28391047-vk5n2", "default", List.of(
                    "api.example", "www.example", "kubernetes.default", "frontend", "frontend", "cdn.example",
                    "api.example.", "kubernetes", "api.example", "wwww.example")));

    private DemoPods() {
    }

    /**
     * {@code count} pods from 127.0.1.1 upwards, cycling through six templates across the namespaces default, shop,
     * monitoring and kube-system.
     *
     * @throws IllegalArgumentException when {@code count} is outside 1 .. {@link #MAX_PODS}, or a pod's lookup
     *                                  could leave the demo zones
     */
    public static List<DemoPod> create(int count) {
        return create(1, count);
    }

    /**
     * Pods number {@code first} .. {@code first + count - 1} of the demo (from 127.0.1.{@code first}): the embedded
     * default spreads one demo's pods over several nodes, each node driving its own share.
     *
     * @throws IllegalArgumentException when the numbers fall outside 1 .. {@link #MAX_PODS}, or a pod's lookup could
     *                                  leave the demo zones
     */
    public static List<DemoPod> create(int first, int count) {
        if (count < 1 || first < 1 || first + count - 1 > MAX_PODS) {
            throw new IllegalArgumentException("nodecache.demo.pods: pods " + first + " to " + (first + count - 1)
                    + " must lie between 1 and " + MAX_PODS);
        }
        List<DemoPod> pods = new ArrayList<>(count);
        for (int i = first - 1; i < first - 1 + count; i++) {
            Template t = TEMPLATES.get(i % TEMPLATES.size());
            int round = i / TEMPLATES.size();
            String name = round == 0 ? t.name() : t.name() + "-" + (round + 1);
            DemoPod pod = new DemoPod(name, t.namespace(), address(i + 1), t.asks());
            for (String ask : pod.asks()) {
                answeringName(pod, ask);
            }
            pods.add(pod);
        }
        return List.copyOf(pods);
    }

    /** 127.0.1.{@code n}: any 127/8 address is local on Linux, so each pod can have its own. */
    static InetAddress address(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The name that answers when {@code pod} looks up {@code ask}, or null when every name tried fails.
     *
     * @throws IllegalArgumentException when a name tried before the answer lies outside {@code cluster.local.} and
     *                                  {@code example.}: the node would forward it off the machine
     */
    static String answeringName(DemoPod pod, String ask) {
        for (String candidate : StubResolver.candidates(ask, pod.searchList(DemoZones.CLUSTER_DOMAIN), NDOTS)) {
            String lower = candidate.toLowerCase(Locale.ROOT);
            if (!lower.endsWith("." + DemoZones.CLUSTER_DOMAIN) && !lower.endsWith(".example.")) {
                throw new IllegalArgumentException("demo pod " + pod.name() + " (" + pod.namespace() + ") asking '"
                        + ask + "' would send " + candidate + " off the machine");
            }
            if (Answerable.NAMES.contains(lower)) {
                return candidate;
            }
        }
        return null;
    }

    /** Names with an A, AAAA or CNAME in the demo zones, lower case, with trailing dots. */
    private static final class Answerable {
        static final Set<String> NAMES = DemoZones.names().stream()
                .filter(n -> n.type() == Type.A || n.type() == Type.AAAA || n.type() == Type.CNAME)
                .map(n -> n.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** For the log line: which namespaces the pods are in, with how many pods each. */
    static Map<String, Long> namespaces(List<DemoPod> pods) {
        return pods.stream().collect(Collectors.groupingBy(DemoPod::namespace, java.util.TreeMap::new,
                Collectors.counting()));
    }
}
