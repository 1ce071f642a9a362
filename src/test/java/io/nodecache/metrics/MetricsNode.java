package io.nodecache.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.PillarValues;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.searchpath.ChainDetector;
import io.nodecache.searchpath.ChainFeed;
import io.nodecache.testing.NodeHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * A real node wired as {@code DnsBootstrap} wires it for metrics (ring, dispatcher, runtime, {@link NodeMetrics}),
 * started from Corefile text on loopback, with dnsjava clients and the {@code /metrics} address.
 */
final class MetricsNode implements AutoCloseable {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    final LoggingSwitch logging = new LoggingSwitch(Clock.systemUTC());
    final ChainDetector chains = new ChainDetector("cluster.local.");
    final AtomicLong reloadFailures = new AtomicLong();
    final QueryEventDispatcher dispatcher;
    final NodeRuntime runtime;
    final NodeMetrics metrics;

    MetricsNode(String corefile) throws Exception {
        QueryEventRing ring = new QueryEventRing(1 << 12, Clock.systemUTC());
        dispatcher = new QueryEventDispatcher(ring);
        dispatcher.subscribe(new ChainFeed(chains));
        metrics = new NodeMetrics(registry, log);
        runtime = new NodeRuntime(NodeHarness.testOptions(), ring, Clock.systemUTC(), log, m -> { },
                ForwardListeners.of(metrics.forwardListener()));
        metrics.bind(runtime, dispatcher, chains, logging, reloadFailures::get);
        apply(corefile);
        dispatcher.start();
    }

    void apply(String corefile) throws Exception {
        runtime.apply(CorefileParser.parse(corefile, "test-Corefile", PillarValues.none()));
    }

    InetSocketAddress dns() {
        return runtime.addresses().get(0);
    }

    String server() {
        return "dns://127.0.0.1:" + dns().getPort();
    }

    String metricsUrl() {
        InetSocketAddress a = metrics.addresses().get(0);
        return "http://127.0.0.1:" + a.getPort() + "/metrics";
    }

    Message query(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(dns());
        r.setTimeout(Duration.ofSeconds(3));
        r.setTCP(tcp);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Override
    public void close() {
        metrics.close();
        runtime.close();
        dispatcher.close();
    }
}
