package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The backend kube-proxy uses is the one our rules go to, and only there (iptables-wrappers' detection). */
class IptablesBackendTest {

    @RegisterExtension
    static final Netns ns = new Netns();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            both empty: nft by default           | ''                                    | ''                         | nft
            legacy holds more rules               | '-A INPUT -j ACCEPT'                  | '-A INPUT -j ACCEPT\n-A INPUT -j DROP' | legacy
            nft holds more rules                  | '-A INPUT -j ACCEPT\n-A INPUT -j DROP' | '-A INPUT -j ACCEPT'       | nft
            as many: nft                          | '-A INPUT -j ACCEPT'                  | '-A INPUT -j ACCEPT'       | nft
            kubelet's hint chain in legacy wins   | '-A INPUT -j ACCEPT\n-A INPUT -j DROP' | ':KUBE-IPTABLES-HINT - [0:0]' | legacy
            kubelet's canary in nft wins          | ':KUBE-KUBELET-CANARY - [0:0]'        | '-A INPUT -j ACCEPT\n-A INPUT -j DROP' | nft
            """)
    void choose(String name, String nftSave, String legacySave, String expected) {
        assertThat(IptablesBackend.choose(nftSave.replace("\\n", "\n"), legacySave.replace("\\n", "\n")).label())
                .isEqualTo(expected);
    }

    private static List<String> ours(String save) {
        return ns.rules(save).stream().filter(l -> l.contains("NodeLocal DNS Cache")).toList();
    }

    private static NetworkSetup setup() {
        return new NetworkSetup(NetworkSetupTest.config(ns.prefix(), "169.254.20.10", "fd00::10"),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void aRuleInLegacyFirstPutsOursInLegacyOnly() {
        ns.exec("iptables-legacy", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "10250", "-j", "ACCEPT");
        NetworkSetup s = setup();

        s.setUp();

        assertThat(s.state().backend()).isEqualTo("legacy");
        assertThat(s.state().lastError()).isNull();
        assertThat(ours("iptables-legacy-save")).hasSize(12);
        assertThat(ours("ip6tables-legacy-save")).hasSize(12);
        assertThat(ours("iptables-nft-save")).isEmpty();
        assertThat(ours("ip6tables-nft-save")).isEmpty();
        s.sync();
        assertThat(ours("iptables-legacy-save")).hasSize(12);
        s.tearDown(Duration.ofSeconds(10));
        assertThat(ours("iptables-legacy-save")).isEmpty();
        assertThat(ours("ip6tables-legacy-save")).isEmpty();
    }

    @Test
    void moreRulesInNftPutsOursInNftOnly() {
        ns.exec("iptables-legacy", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "10250", "-j", "ACCEPT");
        ns.exec("iptables-nft", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "10250", "-j", "ACCEPT");
        ns.exec("iptables-nft", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "10256", "-j", "ACCEPT");
        NetworkSetup s = setup();

        s.setUp();

        assertThat(s.state().backend()).isEqualTo("nft");
        assertThat(ours("iptables-nft-save")).hasSize(12);
        assertThat(ours("ip6tables-nft-save")).hasSize(12);
        assertThat(ours("iptables-legacy-save")).isEmpty();
        assertThat(ours("ip6tables-legacy-save")).isEmpty();
        s.tearDown(Duration.ofSeconds(10));
        assertThat(ours("iptables-nft-save")).isEmpty();
    }
}
