package io.nodecache.netif;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which iptables the node's kube-proxy uses, nft or legacy, so our rules sit beside its rules and never in a mix.
 * Detected the way kubernetes-sigs/iptables-wrappers does: the kubelet's hint chains decide if present, else the
 * backend holding more rules, else nft.
 */
enum IptablesBackend {
    NFT("nft"), LEGACY("legacy");

    private static final Pattern KUBE_HINT = Pattern.compile("(?m)^:(KUBE-IPTABLES-HINT|KUBE-KUBELET-CANARY)\\b");

    private final String label;

    IptablesBackend(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The binary for this backend: {@code iptables-nft}, {@code ip6tables-legacy}, ... */
    String binary(boolean ipv6) {
        return (ipv6 ? "ip6tables-" : "iptables-") + label;
    }

    String saveBinary(boolean ipv6) {
        return binary(ipv6) + "-save";
    }

    /** The save output of both families of this backend (empty where a binary is missing or fails). */
    String save(CommandRunner runner, Duration timeout) {
        return runner.run(List.of(saveBinary(false)), timeout).stdout()
                + runner.run(List.of(saveBinary(true)), timeout).stdout();
    }

    /** Picks the backend as iptables-wrappers does, from both backends' save output. */
    static IptablesBackend detect(CommandRunner runner, Duration timeout) {
        String nft = NFT.save(runner, timeout);
        String legacy = LEGACY.save(runner, timeout);
        return choose(nft, legacy);
    }

    static IptablesBackend choose(String nftSave, String legacySave) {
        if (KUBE_HINT.matcher(nftSave).find()) {
            return NFT;
        }
        if (KUBE_HINT.matcher(legacySave).find()) {
            return LEGACY;
        }
        return ruleLines(legacySave) > ruleLines(nftSave) ? LEGACY : NFT;
    }

    static long ruleLines(String save) {
        return save.lines().filter(l -> l.startsWith("-")).count();
    }
}
