package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** IPv6 local IPs go to ip6tables and on lo as /128, and an IPv4 and an IPv6 local IP work at once (kubernetes/dns#655). */
class NetworkSetupIpv6Test {

    @RegisterExtension
    static final Netns ns = new Netns();

    private static List<String> ours(List<String> rules) {
        return rules.stream().filter(l -> l.contains("NodeLocal DNS Cache")).toList();
    }

    @Test
    void ipv6Only() {
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(ns.prefix(), "fd00::10"), new PrintStream(OutputStream.nullOutputStream()));

        s.setUp();

        assertThat(ours(ns.rules("ip6tables-nft-save"))).hasSize(12)
                .contains("-A PREROUTING -d fd00::10/128 -p udp -m udp --dport 53 -m comment --comment "
                        + "\"NodeLocal DNS Cache: skip conntrack\" -j NOTRACK");
        assertThat(ours(ns.rules("iptables-nft-save"))).isEmpty();
        assertThat(ns.exec("ip", "-o", "addr", "show", "dev", "lo")).contains("inet6 fd00::10/128");
        assertThat(s.state().addresses()).containsExactly("fd00::10");
        assertThat(s.state().rulesPresent()).isEqualTo(12);

        ns.exec("ip6tables", "-t", "filter", "-D", "INPUT", "-p", "tcp", "-d", "fd00::10", "--dport", "53", "-j", "ACCEPT",
                "-m", "comment", "--comment", "NodeLocal DNS Cache: allow DNS traffic");
        s.sync();
        s.sync();
        assertThat(ours(ns.rules("ip6tables-nft-save"))).hasSize(12).doesNotHaveDuplicates();

        s.tearDown(Duration.ofSeconds(10));
        assertThat(ours(ns.rules("ip6tables-nft-save"))).isEmpty();
        assertThat(ns.exec("ip", "-o", "addr", "show", "dev", "lo")).doesNotContain("fd00::10");
        assertThat(s.errors().values()).allMatch(n -> n == 0);
    }

    @Test
    void dualStack() {
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(ns.prefix(), "169.254.20.10", "fd00::10"),
                new PrintStream(OutputStream.nullOutputStream()));

        s.setUp();

        assertThat(ours(ns.rules("iptables-nft-save"))).hasSize(12).allMatch(l -> l.contains("169.254.20.10/32"));
        assertThat(ours(ns.rules("ip6tables-nft-save"))).hasSize(12).allMatch(l -> l.contains("fd00::10/128"));
        String lo = ns.exec("ip", "-o", "addr", "show", "dev", "lo");
        assertThat(lo).contains("inet 169.254.20.10/32").contains("inet6 fd00::10/128");
        assertThat(s.state().addresses()).containsExactly("169.254.20.10", "fd00::10");
        assertThat(s.state().rulesPresent()).isEqualTo(24);
        assertThat(s.state().rulesExpected()).isEqualTo(24);

        ns.exec("ip", "-6", "addr", "del", "fd00::10/128", "dev", "lo");
        s.sync();
        assertThat(ns.exec("ip", "-o", "addr", "show", "dev", "lo")).contains("inet6 fd00::10/128");

        s.tearDown(Duration.ofSeconds(10));
        assertThat(ours(ns.rules("iptables-nft-save"))).isEmpty();
        assertThat(ours(ns.rules("ip6tables-nft-save"))).isEmpty();
        lo = ns.exec("ip", "-o", "addr", "show", "dev", "lo");
        assertThat(lo).doesNotContain("169.254.20.10").doesNotContain("fd00::10");
        assertThat(s.errors().values()).allMatch(n -> n == 0);
    }
}
