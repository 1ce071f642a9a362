package io.nodecache.corefile;

import io.nodecache.corefile.CacheConfig.PrefetchConfig;
import io.nodecache.corefile.CacheConfig.ServeStaleConfig;
import io.nodecache.corefile.CacheConfig.StoreConfig;
import io.nodecache.corefile.ForwardConfig.Policy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generates node configurations within what the parser accepts and writes each as Corefile text, so a property can
 * check that the text parses back into the very configuration it was written from.
 */
final class CorefileRoundTrip {

    /** A configuration and the Corefile that says it. */
    record Generated(NodeConfig config, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private CorefileRoundTrip() {}

    static Arbitrary<Generated> configs() {
        return block().list().ofMinSize(1).ofMaxSize(4)
                .filter(CorefileRoundTrip::distinctZonesPerPort)
                .map(CorefileRoundTrip::write);
    }

    /** A block without its line (set when written). */
    private record Draft(List<String> zones, int port, List<InetAddress> binds, boolean errors, boolean log,
            boolean loop, Optional<CacheConfig> cache, Optional<ForwardConfig> forward, Optional<Duration> reload,
            Optional<InetSocketAddress> health, Duration lameduck, Optional<InetSocketAddress> prometheus) {}

    private static boolean distinctZonesPerPort(List<Draft> drafts) {
        Set<String> seen = new HashSet<>();
        for (Draft d : drafts) {
            for (String z : d.zones()) {
                if (!seen.add(z + ":" + d.port())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Arbitrary<String> zone() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789")
                .ofMinLength(1).ofMaxLength(10);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(".")),
                net.jqwik.api.Tuple.of(6, label.list().ofMinSize(1).ofMaxSize(3)
                        .map(ls -> String.join(".", ls) + ".")));
    }

    private static Arbitrary<InetAddress> address() {
        Arbitrary<InetAddress> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4).map(CorefileRoundTrip::ip);
        Arbitrary<InetAddress> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(CorefileRoundTrip::ip);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, v4), net.jqwik.api.Tuple.of(1, v6));
    }

    private static InetAddress ip(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arbitrary<Duration> seconds(int min, int max) {
        return Arbitraries.integers().between(min, max).map(Duration::ofSeconds);
    }

    private static Arbitrary<Duration> goDuration() {
        return Arbitraries.oneOf(seconds(0, 7200), Arbitraries.integers().between(0, 99_999).map(Duration::ofMillis));
    }

    private static Arbitrary<StoreConfig> store() {
        return Combinators.combine(Arbitraries.integers().between(1, 100_000), seconds(1, 86_400), seconds(0, 3600))
                .as(StoreConfig::new);
    }

    private static Arbitrary<CacheConfig> cache() {
        Arbitrary<Optional<PrefetchConfig>> prefetch = Combinators.combine(Arbitraries.integers().between(0, 1000),
                        goDuration(), Arbitraries.integers().between(10, 90)).as(PrefetchConfig::new).optional();
        Arbitrary<Optional<ServeStaleConfig>> stale = Combinators.combine(goDuration(), Arbitraries.of(true, false))
                .as(ServeStaleConfig::new).optional();
        return Combinators.combine(store(), store(), prefetch, stale, seconds(0, 300), Arbitraries.of(true, false))
                .as(CacheConfig::new);
    }

    private static Arbitrary<ForwardConfig> forward() {
        Arbitrary<List<InetSocketAddress>> to = Combinators.combine(address(), Arbitraries.integers().between(1, 65535))
                .as(InetSocketAddress::new).list().ofMinSize(1).ofMaxSize(15);
        Arbitrary<int[]> transport = Arbitraries.of(new int[] {0, 0}, new int[] {1, 0}, new int[] {0, 1});
        return Combinators.combine(zone(), to, zone().list().ofMaxSize(3).uniqueElements(), transport,
                        Arbitraries.of(Policy.values()), Arbitraries.integers().between(0, 100), goDuration(),
                        goDuration())
                .flatAs((from, tos, except, tr, policy, maxFails, hc, expire) ->
                        Arbitraries.integers().between(0, 10_000).map(mc -> new ForwardConfig(from, tos, except,
                                tr[0] == 1, tr[1] == 1, policy, maxFails, hc, expire, mc)));
    }

    private static Arbitrary<Draft> block() {
        Arbitrary<InetSocketAddress> listen = Combinators.combine(address(), Arbitraries.integers().between(0, 65535))
                .as(InetSocketAddress::new);
        Arbitrary<Optional<InetSocketAddress>> health = listen.optional();
        return Combinators.combine(zone().list().ofMinSize(1).ofMaxSize(3).uniqueElements(),
                        Arbitraries.integers().between(0, 65535), address().list().ofMaxSize(3).uniqueElements(),
                        Arbitraries.of(true, false).list().ofSize(3), cache().optional(), forward().optional(),
                        seconds(2, 3600).optional(), health)
                .flatAs((zones, port, binds, flags, cache, forward, reload, h) ->
                        Combinators.combine(h.isPresent() ? seconds(0, 60) : Arbitraries.just(Duration.ZERO),
                                listen.optional()).as((lameduck, prometheus) -> new Draft(zones, port, binds,
                                flags.get(0), flags.get(1), flags.get(2), cache, forward, reload, h, lameduck,
                                prometheus)));
    }

    private static Generated write(List<Draft> drafts) {
        StringBuilder out = new StringBuilder("# generated\n");
        List<ServerBlock> blocks = new ArrayList<>();
        int line = 2;
        for (Draft d : drafts) {
            List<String> lines = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (String z : d.zones()) {
                keys.add(z + ":" + d.port());
            }
            lines.add(String.join(" ", keys) + " {");
            if (d.errors()) {
                lines.add("    errors");
            }
            if (d.log()) {
                lines.add("    log");
            }
            if (d.loop()) {
                lines.add("    loop");
            }
            if (!d.binds().isEmpty()) {
                lines.add("    bind " + String.join(" ", d.binds().stream().map(InetAddress::getHostAddress).toList()));
            }
            d.reload().ifPresent(r -> lines.add("    reload " + r.toSeconds() + "s"));
            d.health().ifPresent(h -> {
                if (d.lameduck().isZero()) {
                    lines.add("    health " + hostPort(h));
                } else {
                    lines.add("    health " + hostPort(h) + " {");
                    lines.add("        lameduck " + go(d.lameduck()));
                    lines.add("    }");
                }
            });
            d.prometheus().ifPresent(p -> lines.add("    prometheus " + hostPort(p)));
            d.cache().ifPresent(c -> {
                lines.add("    cache {");
                lines.add("        success " + store(c.success()));
                lines.add("        denial " + store(c.denial()));
                c.prefetch().ifPresent(p -> lines.add("        prefetch " + p.amount() + " " + go(p.duration()) + " "
                        + p.percentage() + "%"));
                c.serveStale().ifPresent(s -> lines.add("        serve_stale " + go(s.upTo()) + " "
                        + (s.verify() ? "verify" : "immediate")));
                lines.add("        servfail " + go(c.servfailTtl()));
                if (c.keepTtl()) {
                    lines.add("        keepttl");
                }
                lines.add("    }");
            });
            d.forward().ifPresent(f -> {
                lines.add("    forward " + f.from() + " " + String.join(" ", f.to().stream()
                        .map(a -> "dns://" + hostPort(a)).toList()) + " {");
                lines.add("        policy " + f.policy().name().toLowerCase(java.util.Locale.ROOT));
                lines.add("        max_fails " + f.maxFails());
                lines.add("        health_check " + go(f.healthCheck()));
                lines.add("        expire " + go(f.expire()));
                lines.add("        max_concurrent " + f.maxConcurrent());
                if (f.forceTcp()) {
                    lines.add("        force_tcp");
                }
                if (f.preferUdp()) {
                    lines.add("        prefer_udp");
                }
                if (!f.except().isEmpty()) {
                    lines.add("        except " + String.join(" ", f.except()));
                }
                lines.add("    }");
            });
            lines.add("}");
            blocks.add(new ServerBlock(d.zones(), d.port(), List.copyOf(new LinkedHashSet<>(d.binds())), d.errors(),
                    d.log(), d.loop(), d.cache(), d.forward(), d.reload(), d.health(), d.lameduck(), d.prometheus(),
                    line));
            line += lines.size();
            lines.forEach(l -> out.append(l).append('\n'));
        }
        return new Generated(new NodeConfig("generated.Corefile", blocks), out.toString());
    }

    private static String store(StoreConfig s) {
        return s.capacity() + " " + s.maxTtl().toSeconds() + " " + s.minTtl().toSeconds();
    }

    /** Go's duration text: whole seconds as "Ns", else milliseconds as "Nms". */
    private static String go(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
