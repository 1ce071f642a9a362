package io.nodecache.corefile;

import io.nodecache.corefile.ForwardConfig.Policy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code forward FROM TO... { ... }} into a {@link ForwardConfig}, with the defaults and limits of CoreDNS's
 * forward plugin, for plain-DNS upstreams given as IP addresses.
 */
final class ForwardDirective {

    static final int MAX_UPSTREAMS = 15;
    static final int DEFAULT_MAX_FAILS = 2;
    static final Duration DEFAULT_HEALTH_CHECK = Duration.ofMillis(500);
    static final Duration DEFAULT_EXPIRE = Duration.ofSeconds(10);

    private final Args args;

    ForwardDirective(Args args) {
        this.args = args;
    }

    ForwardConfig read(Directive d) throws CorefileException {
        args.count(d, "forward", 2, Integer.MAX_VALUE);
        String from = args.zone(d.args().get(0), "forward");
        List<Token> toTokens = d.args().subList(1, d.args().size());
        if (toTokens.size() > MAX_UPSTREAMS) {
            throw args.fail(toTokens.get(MAX_UPSTREAMS),
                    "forward: more than " + MAX_UPSTREAMS + " upstreams configured: " + toTokens.size());
        }
        List<InetSocketAddress> to = new ArrayList<>();
        for (Token t : toTokens) {
            to.add(upstream(t));
        }

        List<String> except = new ArrayList<>();
        boolean forceTcp = false;
        boolean preferUdp = false;
        Policy policy = Policy.RANDOM;
        int maxFails = DEFAULT_MAX_FAILS;
        Duration healthCheck = DEFAULT_HEALTH_CHECK;
        Duration expire = DEFAULT_EXPIRE;
        int maxConcurrent = 0;
        Set<String> seen = new HashSet<>();
        for (Directive o : d.block() == null ? List.<Directive>of() : d.block()) {
            String what = "forward " + o.text();
            if (!seen.add(o.text())) {
                throw args.fail(o.name(), "forward: option '" + o.text() + "' is given twice");
            }
            args.noBlock(o, what);
            switch (o.text()) {
                case "force_tcp" -> {
                    args.count(o, what, 0, 0);
                    forceTcp = true;
                }
                case "prefer_udp" -> {
                    args.count(o, what, 0, 0);
                    preferUdp = true;
                }
                case "policy" -> {
                    args.count(o, what, 1, 1);
                    policy = policy(o.args().get(0));
                }
                case "max_fails" -> {
                    args.count(o, what, 1, 1);
                    maxFails = args.integer(o.args().get(0), what, 0);
                }
                case "health_check" -> {
                    // CoreDNS also takes no_rec and domain FQDN here; our health checks do not, so refuse them.
                    args.count(o, what, 1, 1);
                    healthCheck = args.duration(o.args().get(0), what);
                }
                case "expire" -> {
                    args.count(o, what, 1, 1);
                    expire = args.duration(o.args().get(0), what);
                }
                case "max_concurrent" -> {
                    args.count(o, what, 1, 1);
                    maxConcurrent = args.integer(o.args().get(0), what, 0);
                }
                case "except" -> {
                    args.count(o, what, 1, Integer.MAX_VALUE);
                    for (Token z : o.args()) {
                        except.add(args.zone(z, what));
                    }
                }
                case "tls", "tls_servername" ->
                        throw args.fail(o.name(), "forward: option '" + o.text() + "' is not supported (plain DNS only)");
                default -> throw args.fail(o.name(), "forward: unknown option '" + o.text() + "'");
            }
            if (forceTcp && preferUdp) {
                throw args.fail(o.name(), "forward: force_tcp and prefer_udp can't both be set");
            }
        }
        return new ForwardConfig(from, to, except, forceTcp, preferUdp, policy, maxFails, healthCheck, expire,
                maxConcurrent);
    }

    private Policy policy(Token t) throws CorefileException {
        return switch (t.text()) {
            case "random" -> Policy.RANDOM;
            case "round_robin" -> Policy.ROUND_ROBIN;
            case "sequential" -> Policy.SEQUENTIAL;
            default -> throw args.fail(t, "forward policy: unknown policy '" + t.text()
                    + "' (random, round_robin or sequential)");
        };
    }

    /** Parses one TO: {@code 1.2.3.4}, {@code 1.2.3.4:5353}, {@code ::1}, {@code [::1]:53}, optionally {@code dns://}. */
    private InetSocketAddress upstream(Token t) throws CorefileException {
        String text = t.text();
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            String name = text.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
            if (!name.equals("dns")) {
                throw args.fail(t, "forward: upstream '" + text + "' uses " + name
                        + "://, which is not supported (plain DNS only)");
            }
            text = text.substring(scheme + 3);
        }
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw args.fail(t, "forward: upstream '" + t.text() + "' has '[' without ']'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw args.fail(t, "forward: upstream '" + t.text() + "' is not IP, IP:PORT or [IPv6]:PORT");
                }
                port = args.port(t, rest.substring(1), "forward", 1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = args.port(t, text.substring(text.indexOf(':') + 1), "forward", 1);
        }
        InetAddress address = Args.ipLiteral(host);
        if (address == null) {
            String hint = host.startsWith("/")
                    ? " (resolv.conf files are not read here: pass their nameservers as upstream servers)"
                    : " (host names are not resolved: write an IP address)";
            throw args.fail(t, "forward: upstream '" + t.text() + "' is not an IP address" + hint);
        }
        return new InetSocketAddress(address, port);
    }
}
