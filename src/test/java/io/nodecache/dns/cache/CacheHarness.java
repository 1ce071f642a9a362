package io.nodecache.dns.cache;

import io.nodecache.corefile.CacheConfig;
import io.nodecache.corefile.CacheConfig.PrefetchConfig;
import io.nodecache.corefile.CacheConfig.ServeStaleConfig;
import io.nodecache.corefile.CacheConfig.StoreConfig;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.QueryHandler;
import io.nodecache.dns.server.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A {@link CacheStage} in front of a fake upstream that answers with real dnsjava-built wire bytes and counts
 * calls, a clock the test moves, and helpers to build queries and read answers.
 */
final class CacheHarness {

    static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.7", 40000);

    /** A clock that only moves when told to, and allocates nothing in {@link #millis()}. */
    static final class MutableClock extends Clock {
        private long millis = 1_700_000_000_000L;

        void advance(Duration d) {
            millis += d.toMillis();
        }

        void advanceSeconds(long s) {
            millis += s * 1000;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** The fake upstream: {@code answer} maps the query to the response, or to null for a failure. */
    static final class Upstream implements QueryHandler {
        Function<Message, Message> answer = q -> CacheHarness.a(q, 30, "192.0.2.1");
        int calls;
        boolean park;
        final List<Exchange> parked = new ArrayList<>();

        @Override
        public void handle(Exchange ex) {
            calls++;
            if (park) {
                parked.add(ex);
                return;
            }
            reply(ex);
        }

        void reply(Exchange ex) {
            Message q = parse(Arrays.copyOf(ex.request(), ex.requestLength()));
            Message r = answer.apply(q);
            if (r == null) {
                ex.respondError(Rcode.SERVFAIL);
            } else {
                byte[] b = r.toWire();
                ex.respond(b, b.length);
            }
        }

        void releaseParked() {
            park = false;
            List<Exchange> list = new ArrayList<>(parked);
            parked.clear();
            list.forEach(this::reply);
        }
    }

    /** One answered query as the client saw it. */
    record Answer(Message msg, CacheOutcome outcome, int length) {
        Record answer(int i) {
            return msg.getSection(Section.ANSWER).get(i);
        }

        long ttl() {
            List<Record> all = new ArrayList<>(msg.getSection(Section.ANSWER));
            all.addAll(msg.getSection(Section.AUTHORITY));
            return all.get(0).getTTL();
        }

        int rcode() {
            return msg.getRcode();
        }

        boolean flag(int flag) {
            return msg.getHeader().getFlag(flag);
        }
    }

    final MutableClock clock = new MutableClock();
    final Upstream upstream = new Upstream();
    final List<String> events = new ArrayList<>();
    final CacheStage stage;
    final ResponseCache cache;

    CacheHarness(CacheConfig config) {
        CacheListener listener = new CacheListener() {
            @Override
            public void eviction(StoreType store) {
                events.add("eviction:" + store.label());
            }

            @Override
            public void drop() {
                events.add("drop");
            }

            @Override
            public void insert(StoreType store) {
                events.add("insert:" + store.label());
            }

            @Override
            public void prefetch() {
                events.add("prefetch");
            }

            @Override
            public void staleServed() {
                events.add("stale");
            }
        };
        this.stage = new CacheStage(config, upstream, clock, listener);
        this.cache = stage.cache();
    }

    CacheHarness() {
        this(config().build());
    }

    // ---- config ----

    static ConfigBuilder config() {
        return new ConfigBuilder();
    }

    static final class ConfigBuilder {
        StoreConfig success = new StoreConfig(9984, Duration.ofSeconds(3600), Duration.ofSeconds(5));
        StoreConfig denial = new StoreConfig(9984, Duration.ofSeconds(1800), Duration.ofSeconds(5));
        Optional<PrefetchConfig> prefetch = Optional.empty();
        Optional<ServeStaleConfig> serveStale = Optional.empty();
        Duration servfail = Duration.ofSeconds(5);
        boolean keepTtl;

        ConfigBuilder success(int capacity, long max, long min) {
            success = new StoreConfig(capacity, Duration.ofSeconds(max), Duration.ofSeconds(min));
            return this;
        }

        ConfigBuilder denial(int capacity, long max, long min) {
            denial = new StoreConfig(capacity, Duration.ofSeconds(max), Duration.ofSeconds(min));
            return this;
        }

        ConfigBuilder prefetch(int amount, Duration gap, int percentage) {
            prefetch = Optional.of(new PrefetchConfig(amount, gap, percentage));
            return this;
        }

        ConfigBuilder serveStale(Duration upTo, boolean verify) {
            serveStale = Optional.of(new ServeStaleConfig(upTo, verify));
            return this;
        }

        ConfigBuilder servfail(long seconds) {
            servfail = Duration.ofSeconds(seconds);
            return this;
        }

        ConfigBuilder keepTtl() {
            keepTtl = true;
            return this;
        }

        CacheConfig build() {
            return new CacheConfig(success, denial, prefetch, serveStale, servfail, keepTtl);
        }
    }

    // ---- queries ----

    static Message query(String name, int type) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            m.getHeader().setID(0x1234);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Message query(String name) {
        return query(name, Type.A);
    }

    static Message edns(Message m, int udpSize, boolean dnssecOk) {
        m.addRecord(new OPTRecord(udpSize, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return m;
    }

    static Message withId(Message m, int id) {
        m.getHeader().setID(id);
        return m;
    }

    static Message withFlag(Message m, int flag) {
        m.getHeader().setFlag(flag);
        return m;
    }

    Answer ask(Message query) {
        return ask(query, Transport.UDP);
    }

    Answer ask(Message query, Transport transport) {
        byte[] wire = query.toWire();
        List<byte[]> sent = new ArrayList<>();
        Exchange ex = Exchange.of(wire, wire.length, CLIENT, transport, (e, buf, len) -> sent.add(
                Arrays.copyOf(buf, len)), null);
        stage.handle(ex);
        if (sent.isEmpty()) {
            return null;
        }
        byte[] b = sent.get(sent.size() - 1);
        return new Answer(parse(b), ex.outcome(), b.length);
    }

    static Message parse(byte[] b) {
        try {
            return new Message(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- upstream responses ----

    static Message reply(Message q, int rcode) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        if (q.getHeader().getFlag(Flags.CD)) {
            r.getHeader().setFlag(Flags.CD);
        }
        r.getHeader().setRcode(rcode);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        if (q.getOPT() != null) {
            // Upstreams answer EDNS with EDNS; the cache must not pass this OPT on.
            r.addRecord(new OPTRecord(4096, 0, 0, q.getOPT().getFlags()), Section.ADDITIONAL);
        }
        return r;
    }

    static Message a(Message q, long ttl, String... addresses) {
        Message r = reply(q, Rcode.NOERROR);
        try {
            for (String ip : addresses) {
                r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, ttl, InetAddress.getByName(ip)),
                        Section.ANSWER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    static Message negative(Message q, int rcode, long soaTtl) {
        Message r = reply(q, rcode);
        try {
            Name zone = Name.fromString("example.");
            r.addRecord(new SOARecord(zone, DClass.IN, soaTtl, Name.fromString("ns.example."),
                    Name.fromString("hostmaster.example."), 1, 7200, 3600, 1209600, 300), Section.AUTHORITY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }
}
