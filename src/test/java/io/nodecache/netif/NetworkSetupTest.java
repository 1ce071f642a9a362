package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** NetworkSetup against a real network namespace of its own: node-cache's rules, the lo fallback, repair, tear-down. */
class NetworkSetupTest {

    static final String IP = "169.254.20.10";
    static final String SKIP = "\"NodeLocal DNS Cache: skip conntrack\"";
    static final String ALLOW = "\"NodeLocal DNS Cache: allow DNS traffic\"";

    @RegisterExtension
    static final Netns ns = new Netns();

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final List<NetworkSetup> started = new ArrayList<>();

    @AfterEach
    void clean() {
        started.forEach(s -> s.tearDown(Duration.ofSeconds(10)));
    }

    static NetifConfig config(List<String> prefix, String... ips) {
        List<InetAddress> addrs = new ArrayList<>();
        for (String ip : ips) {
            try {
                addrs.add(InetAddress.getByName(ip));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return new NetifConfig(addrs, "nodelocaldns", 8080, true, true, prefix);
    }

    private NetworkSetup setup(String... ips) {
        NetworkSetup s = new NetworkSetup(config(ns.prefix(), ips), log);
        started.add(s);
        return s;
    }

    private List<String> ours() {
        return ns.rules("iptables-nft-save").stream().filter(l -> l.contains("NodeLocal DNS Cache")).toList();
    }

    private String lo() {
        return ns.exec("ip", "-o", "addr", "show", "dev", "lo");
    }

    @Test
    void addressesFirstThenTheRulesOnlyWhenArmed() {
        NetworkSetup s = setup(IP);

        s.setUpAddressesFirst();
        assertThat(lo()).contains("inet 169.254.20.10/32");
        assertThat(ours()).isEmpty();
        s.sync();
        assertThat(ours()).as("a sync before the listeners are bound adds no rule").isEmpty();
        assertThat(s.state().rulesPresent()).isZero();

        s.armRules();
        assertThat(ours()).hasSize(12);
        assertThat(s.state().rulesPresent()).isEqualTo(s.state().rulesExpected());
    }

    @Test
    void setUpAddsEveryRuleAtTheTopOfItsChainAndEveryAddress() {
        ns.exec("iptables-nft", "-t", "raw", "-A", "PREROUTING", "-p", "udp", "--dport", "9999", "-j", "ACCEPT");
        ns.exec("iptables-nft", "-t", "filter", "-A", "INPUT", "-p", "udp", "--dport", "9999", "-j", "ACCEPT");
        NetworkSetup s = setup(IP);

        s.setUp();

        List<String> ours = ours();
        assertThat(ours).hasSize(12);
        assertThat(ours.stream().filter(l -> l.contains(SKIP))).hasSize(8);
        assertThat(ours.stream().filter(l -> l.contains(ALLOW))).hasSize(4);
        assertThat(ours).contains(
                "-A PREROUTING -d 169.254.20.10/32 -p udp -m udp --dport 53 -m comment --comment " + SKIP + " -j NOTRACK",
                "-A PREROUTING -d 169.254.20.10/32 -p tcp -m tcp --dport 53 -m comment --comment " + SKIP + " -j NOTRACK",
                "-A INPUT -d 169.254.20.10/32 -p udp -m udp --dport 53 -m comment --comment " + ALLOW + " -j ACCEPT",
                "-A INPUT -d 169.254.20.10/32 -p tcp -m tcp --dport 53 -m comment --comment " + ALLOW + " -j ACCEPT",
                "-A OUTPUT -s 169.254.20.10/32 -p udp -m udp --sport 53 -m comment --comment " + SKIP + " -j NOTRACK",
                "-A OUTPUT -s 169.254.20.10/32 -p tcp -m tcp --sport 53 -m comment --comment " + ALLOW + " -j ACCEPT",
                "-A OUTPUT -d 169.254.20.10/32 -p udp -m udp --dport 53 -m comment --comment " + SKIP + " -j NOTRACK",
                "-A OUTPUT -d 169.254.20.10/32 -p tcp -m tcp --dport 8080 -m comment --comment " + SKIP + " -j NOTRACK",
                "-A OUTPUT -s 169.254.20.10/32 -p tcp -m tcp --sport 8080 -m comment --comment " + SKIP + " -j NOTRACK");
        // at the top: the rules that were there before come after ours
        List<String> all = ns.rules("iptables-nft-save");
        assertThat(all.stream().filter(l -> l.contains("--dport 9999"))).hasSize(2);
        for (String chain : List.of("-A PREROUTING ", "-A INPUT ")) {
            List<String> inChain = all.stream().filter(l -> l.startsWith(chain)).toList();
            assertThat(inChain.get(inChain.size() - 1)).contains("--dport 9999");
        }
        assertThat(lo()).contains("inet 169.254.20.10/32");
        assertThat(ns.rules("iptables-legacy-save")).isEmpty();

        NetworkState state = s.state();
        assertThat(state.backend()).isEqualTo("nft");
        assertThat(state.interfaceName()).isEqualTo("lo");
        assertThat(state.interfaceFallback()).isTrue();
        assertThat(state.addresses()).containsExactly(IP);
        assertThat(state.rulesPresent()).isEqualTo(12);
        assertThat(state.rulesExpected()).isEqualTo(12);
        assertThat(state.lastCheck()).isNotNull();
        assertThat(state.errors()).containsOnlyKeys(NetworkSetup.ERROR_TYPES).allSatisfy((k, v) -> assertThat(v).isZero());
        assertThat(state.lastError()).isNull();
    }

    @Test
    void aRuleDeletedByHandComesBackAfterOneSyncAndIsNeverDuplicated() {
        NetworkSetup s = setup(IP);
        s.setUp();
        ns.exec("iptables", "-t", "raw", "-D", "PREROUTING", "-p", "udp", "-d", IP, "--dport", "53", "-j", "NOTRACK",
                "-m", "comment", "--comment", "NodeLocal DNS Cache: skip conntrack");
        assertThat(ours()).hasSize(11);

        s.sync();
        assertThat(ours()).hasSize(12);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("added back rule");

        s.sync();
        s.sync();
        s.sync();
        List<String> all = ns.rules("iptables-nft-save");
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        assertThat(ours()).hasSize(12);
        assertThat(s.state().rulesPresent()).isEqualTo(12);
    }

    @Test
    void aDuplicateAddedByHandIsRemovedByTheNextSyncAndTheRuleStays() {
        NetworkSetup s = setup(IP);
        s.setUp();
        // What two instances repairing at the same moment can do: the same rule inserted twice.
        ns.exec("iptables", "-t", "raw", "-I", "PREROUTING", "1", "-p", "udp", "-d", IP, "--dport", "53", "-j",
                "NOTRACK", "-m", "comment", "--comment", "NodeLocal DNS Cache: skip conntrack");
        assertThat(ours()).hasSize(13);

        s.sync();

        List<String> all = ns.rules("iptables-nft-save");
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        assertThat(ours()).hasSize(12);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("removed a duplicate of rule");
        assertThat(s.errors().values()).allMatch(n -> n == 0);
    }

    @Test
    void anotherInstanceServingTheAddressIsSeenAndItsRulesAreKeptAtStart() throws Exception {
        setup(IP).setUp(); // the old instance's rules and address
        Process other = ns.serveDns(IP, 53); // and its sockets: it still serves
        try {
            NetworkSetup next = setup(IP);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (next.othersServing(Duration.ofSeconds(5)).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(next.othersServing(Duration.ofSeconds(5))).containsExactly("udp " + IP + ":53", "tcp " + IP + ":53");

            next.setUp();

            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("another instance serves udp " + IP + ":53");
            assertThat(ours()).hasSize(12);
            List<String> all = ns.rules("iptables-nft-save");
            assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        } finally {
            other.destroyForcibly().waitFor();
        }
        assertThat(setup(IP).othersServing(Duration.ofSeconds(5))).as("its socket went with it").isEmpty();
    }

    @Test
    void anAddressRemovedByHandComesBack() {
        NetworkSetup s = setup(IP);
        s.setUp();
        ns.exec("ip", "addr", "del", IP + "/32", "dev", "lo");
        assertThat(lo()).doesNotContain(IP);

        s.sync();

        assertThat(lo()).contains("inet 169.254.20.10/32");
        assertThat(s.state().addresses()).containsExactly(IP);
    }

    @Test
    void aStopBeforeTheStartGotToTheSetUpLeavesNothingBehindIt() {
        NetworkSetup s = setup(IP);
        s.tearDown(Duration.ofSeconds(10)); // SIGTERM while the node was still starting

        s.setUpAddressesFirst();
        s.armRules();
        s.sync();

        assertThat(ours()).isEmpty();
        assertThat(lo()).doesNotContain(IP);
    }

    @Test
    void tearDownRemovesEveryRuleAndAddressAndASecondOneIsHarmless() {
        NetworkSetup s = setup(IP);
        s.setUp();

        s.tearDown(Duration.ofSeconds(10));

        assertThat(ours()).isEmpty();
        assertThat(lo()).doesNotContain(IP).contains("127.0.0.1");
        s.tearDown(Duration.ofSeconds(10));
        s.sync(); // a late sync after the stop adds nothing back
        assertThat(ours()).isEmpty();
        assertThat(s.errors().values()).allMatch(n -> n == 0);
        assertThat(s.state().rulesPresent()).isZero();
    }

    @Test
    void setUpAfterALeftoverLeavesExactlyOneCopy() {
        setup(IP).setUp(); // a previous instance that never tore down
        NetworkSetup next = setup(IP);

        next.setUp();

        List<String> all = ns.rules("iptables-nft-save");
        assertThat(ours()).hasSize(12);
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        assertThat(lo().lines().filter(l -> l.contains(IP))).hasSize(1);
        next.tearDown(Duration.ofSeconds(10));
        assertThat(ours()).isEmpty();
    }

    @Test
    void theLoFallbackIsLoggedOnce() {
        NetworkSetup s = setup(IP);
        s.setUp();
        s.sync();
        s.sync();

        String out = logBytes.toString(StandardCharsets.UTF_8);
        assertThat(out.split("go on lo instead", -1)).hasSize(2);
        assertThat(out).contains("cannot add dummy interface nodelocaldns");
        assertThat(s.state().interfaceFallback()).isTrue();
    }

    @Test
    void tearDownWithinItsBoundGivesUpRatherThanHangs() {
        NetworkSetup s = setup(IP);
        s.setUp();
        long start = System.nanoTime();

        s.tearDown(Duration.ofMillis(1));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
