package io.nodecache.dns.upstream;

import io.nodecache.corefile.ForwardConfig;
import io.nodecache.corefile.ForwardConfig.Policy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Builds {@link ForwardConfig}s for tests, starting from CoreDNS's defaults. */
final class ForwardConfigs {

    private String from = ".";
    private List<InetSocketAddress> to = List.of();
    private List<String> except = List.of();
    private boolean forceTcp;
    private boolean preferUdp;
    private Policy policy = Policy.RANDOM;
    private int maxFails = 2;
    private Duration healthCheck = Duration.ofMillis(500);
    private Duration expire = Duration.ofSeconds(10);
    private int maxConcurrent;

    static ForwardConfigs to(InetSocketAddress... to) {
        ForwardConfigs c = new ForwardConfigs();
        c.to = List.of(to);
        return c;
    }

    ForwardConfigs from(String from) {
        this.from = from;
        return this;
    }

    ForwardConfigs except(String... except) {
        this.except = List.of(except);
        return this;
    }

    ForwardConfigs forceTcp() {
        this.forceTcp = true;
        return this;
    }

    ForwardConfigs preferUdp() {
        this.preferUdp = true;
        return this;
    }

    ForwardConfigs policy(Policy policy) {
        this.policy = policy;
        return this;
    }

    ForwardConfigs maxFails(int maxFails) {
        this.maxFails = maxFails;
        return this;
    }

    ForwardConfigs healthCheck(Duration healthCheck) {
        this.healthCheck = healthCheck;
        return this;
    }

    ForwardConfigs expire(Duration expire) {
        this.expire = expire;
        return this;
    }

    ForwardConfigs maxConcurrent(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
        return this;
    }

    ForwardConfig build() {
        return new ForwardConfig(from, to, except, forceTcp, preferUdp, policy, maxFails, healthCheck, expire,
                maxConcurrent);
    }
}
