package io.nodecache.dns.runtime;

import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.QueryHandler;
import io.nodecache.dns.wire.Names;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code loop} plugin for one server block: at start it sends {@code <random>.<random>.<zone> HINFO}
 * to the node itself; if that query comes back through the node more than twice, the forward path leads back
 * here and the node must stop rather than spin.
 */
final class LoopDetector implements QueryHandler {

    private static final int HINFO = Type.HINFO;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final QueryHandler next;
    private final String zone;
    private final byte[] probe;
    private final String probeText;
    private final Consumer<String> onLoop;
    private final AtomicInteger seen = new AtomicInteger();
    private volatile boolean disabled;

    LoopDetector(String zone, QueryHandler next, Consumer<String> onLoop) {
        this.zone = zone;
        this.next = next;
        this.onLoop = onLoop;
        String prefix = Long.toUnsignedString(RANDOM.nextLong()) + "." + Long.toUnsignedString(RANDOM.nextLong());
        this.probeText = prefix + (zone.equals(".") ? "." : "." + zone);
        this.probe = Names.toWire(probeText);
    }

    @Override
    public void handle(Exchange ex) {
        if (!disabled && ex.query().qtype() == HINFO
                && ex.query().qnameEqualsIgnoreCase(probe, 0, probe.length)
                && seen.incrementAndGet() > 2) {
            disabled = true;
            onLoop.accept("Loop (" + ex.client().getAddress().getHostAddress() + " -> " + zone
                    + ") detected for zone \"" + zone + "\", see https://coredns.io/plugins/loop#troubleshooting. "
                    + "Query: \"HINFO " + probeText + "\"");
        }
        next.handle(ex);
    }

    /**
     * Sends the probe to the node at {@code self} until it gets any answer (at most {@code patience}), then stops
     * watching after two more seconds, as CoreDNS does: later HINFO queries for the name are no longer a loop sign.
     */
    void probe(InetSocketAddress self, Duration patience) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + patience.toNanos();
            try {
                SimpleResolver resolver = new SimpleResolver(self);
                resolver.setTimeout(Duration.ofSeconds(2));
                Message query = Message.newQuery(Record.newRecord(Name.fromString(probeText), HINFO, DClass.IN));
                while (System.nanoTime() < deadline && !disabled) {
                    try {
                        resolver.send(query);
                        break;
                    } catch (java.io.IOException e) {
                        seen.set(0);
                        Thread.sleep(1000);
                    }
                }
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                // the probe name is built by us and always valid
            }
            disabled = true;
        }, "nodecache-loop-" + zone);
        t.setDaemon(true);
        t.start();
    }

}
