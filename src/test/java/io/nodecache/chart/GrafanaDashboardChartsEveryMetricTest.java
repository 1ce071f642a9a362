package io.nodecache.chart;

import static io.nodecache.chart.ChartRender.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.node.auth.AuthNode;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The dashboard the chart renders against what a real node exports: every metric family in the node's
 * {@code /metrics} (the port the ServiceMonitor scrapes) is charted by at least one panel expression, read the
 * PromQL way for its type, so a counter added to the node cannot go missing from the dashboard again.
 */
class GrafanaDashboardChartsEveryMetricTest {

    /**
     * Not nodecache's own: the JVM, the process and Spring Boot's meters (web server, security filter chain,
     * executors, logging, disk), which any JVM or Spring Boot dashboard already charts. A family under any other
     * prefix fails the test until it is charted or named here.
     */
    static final List<String> NOT_OURS = List.of("jvm_", "process_", "system_", "disk_", "executor_",
            "application_", "http_server_", "logback_", "spring_security_", "tomcat_");

    /** Families the node only makes once it has seen the traffic that feeds them. */
    static final List<String> LAZY = List.of("coredns_dns_requests_total", "coredns_dns_responses_total",
            "coredns_dns_do_requests_total", "coredns_forward_responses_total");

    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$");
    /** What may follow a selector's name: its labels, then a range (so it is a range vector). */
    private static final Pattern RANGE = Pattern.compile("(\\{[^}]*})?\\[");
    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");

    static TestUpstream upstream;
    static AuthNode node;
    static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        // A shared token, so the web port's auth (and nodecache_api_auth_denied_total) is on, as in the chart.
        metricsPort = FreePorts.udpAndTcp();
        node = AuthNode.startWithTokenFile(upstream, List.of("cache 30", "prometheus 127.0.0.1:" + metricsPort),
                "grafana-test-token");
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void everyMetricTheNodeExportsIsChartedAsItsTypeAsks() throws Exception {
        traffic();
        Map<String, Family> families = scrape();
        List<Expr> exprs = dashboardExpressions();

        List<String> missing = new ArrayList<>();
        List<String> misused = new ArrayList<>();
        for (Family f : families.values()) {
            if (NOT_OURS.stream().anyMatch(f.name::startsWith)) {
                continue;
            }
            boolean charted = false;
            for (Expr e : exprs) {
                for (String sample : f.samples) {
                    Matcher m = token(sample).matcher(e.promql);
                    while (m.find()) {
                        charted = true;
                        String problem = usage(f, sample, e.promql, m.start(), m.end());
                        if (problem != null) {
                            misused.add(e.panel + ": " + sample + " " + problem);
                        }
                    }
                }
            }
            if (!charted) {
                missing.add(f.name + " (" + f.type + ")");
            }
        }
        assertTrue(missing.isEmpty() && misused.isEmpty(), "exported by the node, charted by no panel: " + missing
                + "\ncharted against its type: " + misused);
        // And the check saw the families this dashboard was missing, not an empty scrape.
        for (String f : List.of("nodecache_api_auth_denied_total", "nodecache_malformed_dropped_total",
                "nodecache_tcp_closed_total", "nodecache_forward_inflight", "coredns_dns_do_requests_total")) {
            assertTrue(families.containsKey(f), f + " not in the scrape: " + families.keySet());
        }
    }

    @Test
    void everyPanelHasAUnitAndFollowsTheNodeSelector() {
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> p : panels(dashboard())) {
            if ("row".equals(p.get("type"))) {
                continue;
            }
            Object unit = p.get("fieldConfig") instanceof Map<?, ?> fc && fc.get("defaults") instanceof Map<?, ?> d
                    ? d.get("unit") : null;
            if (!(unit instanceof String s) || s.isBlank()) {
                wrong.add(p.get("title") + ": no unit");
            }
            List<?> targets = (List<?>) p.getOrDefault("targets", List.of());
            if (targets.isEmpty()) {
                wrong.add(p.get("title") + ": no query");
            }
            for (Object t : targets) {
                String expr = String.valueOf(((Map<?, ?>) t).get("expr"));
                // Each selector, not just one of them, so no series escapes the job/node pickers.
                Matcher sel = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*})?").matcher(expr);
                while (sel.find()) {
                    String name = expr.substring(sel.start(), sel.group(1) == null ? sel.end() : sel.start(1));
                    if ((name.startsWith("coredns_") || name.startsWith("nodecache_"))
                            && (sel.group(1) == null || !sel.group(1).contains("instance=~\"$instance\"")
                                    || !sel.group(1).contains("job=~\"$job\""))) {
                        wrong.add(p.get("title") + ": " + name + " outside $job/$instance");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.valueOf(wrong));
    }

    /** Queries over UDP and TCP, with and without the DO bit, twice (a miss then a hit), and one refused API call. */
    private static void traffic() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            for (boolean dnssecOk : new boolean[] {false, true}) {
                for (int i = 0; i < 2; i++) {
                    SimpleResolver r = new SimpleResolver(node.dns());
                    r.setTimeout(Duration.ofSeconds(3));
                    r.setTCP(tcp);
                    if (dnssecOk) {
                        r.setEDNS(0, 1232, ExtendedFlags.DO);
                    }
                    Message answer = r.send(Message.newQuery(Record.newRecord(
                            Name.fromString("kubernetes.default.svc.cluster.local."), Type.A, DClass.IN)));
                    assertEquals(0, answer.getRcode(), answer.toString());
                }
            }
        }
        assertEquals(401, node.call("GET", "/api/v1/node", Map.of()).status());
    }

    /** The node's exposition by family (TYPE line) with the sample names under each; waits for the lazy ones. */
    private static Map<String, Family> scrape() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Family> families = parse(r.body());
            // Query events reach the meters on the dispatcher's thread, a moment after the answers.
            if (families.keySet().containsAll(LAZY) || System.nanoTime() > deadline) {
                assertTrue(families.keySet().containsAll(LAZY), "lazy families never appeared: " + families.keySet());
                return families;
            }
            Thread.sleep(50);
        }
    }

    static Map<String, Family> parse(String text) {
        Map<String, Family> out = new TreeMap<>();
        Family current = null;
        for (String line : text.split("\n")) {
            Matcher type = TYPE_LINE.matcher(line);
            if (type.matches()) {
                current = out.computeIfAbsent(type.group(1), n -> new Family(n, type.group(2), new TreeSet<>()));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher name = SAMPLE_NAME.matcher(line);
                assertTrue(name.find() && current != null, "sample before its TYPE line: " + line);
                current.samples.add(name.group(1));
            }
        }
        return out;
    }

    /** Why this use of {@code sample} at [start, end) in {@code promql} does not fit its family's type, or null. */
    private static String usage(Family f, String sample, String promql, int start, int end) {
        boolean cumulative = f.type.equals("counter")
                || ((f.type.equals("histogram") || f.type.equals("summary")) && !sample.equals(f.name));
        boolean overARange = RANGE.matcher(promql).region(end, promql.length()).lookingAt();
        String before = promql.substring(0, start).stripTrailing();
        boolean inRate = before.endsWith("rate(") || before.endsWith("increase(");
        if (cumulative && !(inRate && overARange)) {
            return "is a counter: chart it through rate() or increase() over a range";
        }
        if (!cumulative && (inRate || overARange)) {
            return "is a " + f.type + ": chart its value, not a rate";
        }
        return null;
    }

    private static Pattern token(String name) {
        return Pattern.compile("(?<![a-zA-Z0-9_:])" + Pattern.quote(name) + "(?![a-zA-Z0-9_:])");
    }

    record Family(String name, String type, Set<String> samples) {}

    record Expr(String panel, String promql) {}

    private static List<Expr> dashboardExpressions() {
        List<Expr> out = new ArrayList<>();
        for (Map<String, Object> p : panels(dashboard())) {
            for (Object t : (List<?>) p.getOrDefault("targets", List.of())) {
                out.add(new Expr(String.valueOf(p.get("title")), String.valueOf(((Map<?, ?>) t).get("expr"))));
            }
        }
        assertTrue(out.size() > 10, "the dashboard's expressions: " + out);
        return out;
    }

    /** The dashboard as the chart renders it into the sidecar's ConfigMap (not the file it reads). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> dashboard() {
        ConfigMap cm = one(ChartRender.render(ChartTest.iptables()), ConfigMap.class,
                "node-local-dns-grafana-dashboard");
        return ChartRender.SERIALIZATION.unmarshal(cm.getData().get("nodecache.json"), Map.class);
    }

    /** Every panel, those inside a collapsed row included. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> panels(Map<String, Object> dashboard) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<?>) dashboard.get("panels")) {
            Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) o);
            out.add(p);
            for (Object inner : (List<?>) p.getOrDefault("panels", List.of())) {
                out.add((Map<String, Object>) inner);
            }
        }
        return out;
    }
}
