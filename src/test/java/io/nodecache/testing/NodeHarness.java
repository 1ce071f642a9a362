package io.nodecache.testing;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.dns.upstream.ForwardListener;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.querylog.QueryEventListener;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.StdoutQueryLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * A real node (listeners, pipelines, event dispatch, CoreDNS log) started from Corefile text on loopback, with
 * real dnsjava clients to ask it, for tests.
 */
public final class NodeHarness implements AutoCloseable {

    private final NodeRuntime runtime;
    private final QueryEventDispatcher dispatcher;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final LoggingSwitch logging = new LoggingSwitch(Clock.systemUTC());
    private final StdoutQueryLog stdoutLog = new StdoutQueryLog(log, logging);
    private final List<QueryEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> loops = new CopyOnWriteArrayList<>();

    private NodeHarness(Clock clock, RuntimeOptions options, ForwardListener forwardListener) {
        QueryEventRing ring = new QueryEventRing(1 << 12, clock);
        dispatcher = new QueryEventDispatcher(ring);
        dispatcher.subscribe(stdoutLog);
        dispatcher.subscribe(new QueryEventListener() {
            @Override
            public boolean wants(io.nodecache.dns.event.RawQueryEvent event) {
                return true;
            }

            @Override
            public void onEvent(QueryEvent event) {
                events.add(event);
            }
        });
        runtime = new NodeRuntime(options, ring, clock, log, loops::add, forwardListener);
    }

    /** Short upstream timeouts so failure tests stay quick. */
    public static RuntimeOptions testOptions() {
        return new RuntimeOptions(2, false, Duration.ofSeconds(2), 64, Duration.ofMillis(300), Duration.ofMillis(1500),
                Duration.ofSeconds(5));
    }

    public static NodeHarness start(String corefile, Clock clock) {
        return start(corefile, clock, testOptions());
    }

    public static NodeHarness start(String corefile, Clock clock, RuntimeOptions options) {
        return start(corefile, clock, options, ForwardListener.NONE);
    }

    /** As {@link #start(String, Clock, RuntimeOptions)}, telling {@code forwardListener} what the forwarders do. */
    public static NodeHarness start(String corefile, Clock clock, RuntimeOptions options,
            ForwardListener forwardListener) {
        NodeHarness h = new NodeHarness(clock, options, forwardListener);
        try {
            h.apply(corefile);
        } catch (IOException e) {
            h.close();
            throw new UncheckedIOException(e);
        } catch (CorefileException e) {
            h.close();
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        h.dispatcher.start();
        return h;
    }

    /** Parses and applies Corefile text (a reload without the file). */
    public void apply(String corefile) throws IOException, CorefileException {
        runtime.apply(parse(corefile));
    }

    public NodeConfig parse(String corefile) throws CorefileException {
        NodeConfig config = CorefileParser.parse(corefile, "test-Corefile", PillarValues.none());
        Set<String> logged = new HashSet<>();
        config.blocks().stream().filter(b -> b.log()).forEach(b -> logged.addAll(b.zones()));
        logging.corefile(logged);
        return config;
    }

    public NodeRuntime runtime() {
        return runtime;
    }

    /** The first DNS address the node listens on. */
    public InetSocketAddress dns() {
        return runtime.addresses().get(0);
    }

    public SimpleResolver resolver() {
        SimpleResolver r = new SimpleResolver(dns());
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }

    public Message query(String name, int type) throws IOException {
        return resolver().send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    public Message queryTcp(String name, int type) throws IOException {
        SimpleResolver r = resolver();
        r.setTCP(true);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** Events seen so far, waiting up to a second for at least {@code atLeast} of them. */
    public List<QueryEvent> events(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (events.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return new ArrayList<>(events);
    }

    /** What the node wrote to its log (CoreDNS log lines, errors, reload messages). */
    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    public PrintStream logStream() {
        return log;
    }

    public List<String> loops() {
        return loops;
    }

    @Override
    public void close() {
        runtime.close();
        dispatcher.close();
    }
}
