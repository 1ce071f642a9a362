package io.nodecache.config;

import io.nodecache.demo.DemoPods;
import io.nodecache.demo.DemoTraffic;
import io.nodecache.dns.runtime.NodeRuntime;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Demo pods when {@code nodecache.demo.enabled} (the embedded default): started after the node, stopped before it. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "nodecache.demo.enabled", havingValue = "true")
@EnableConfigurationProperties(DemoProperties.class)
class DemoConfiguration {

    @Bean
    DemoTraffic demoTraffic(DemoProperties demo, NodeProperties node, NodeRuntime runtime) {
        return new DemoTraffic(DemoPods.create(demo.first(), demo.pods()), () -> dnsAddress(runtime), demo.interval(),
                DemoTraffic.DEFAULT_TIMEOUT, node.dnsDomain(), System.out);
    }

    @Bean
    SmartLifecycle demoLifecycle(DemoTraffic traffic, DemoProperties demo) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                traffic.start();
                System.out.println("[INFO] nodecache demo: " + traffic.pods().size() + " simulated pods from 127.0.1."
                        + demo.first()
                        + " send real lookups every " + demo.interval().toMillis() + " ms;"
                        + " off with --nodecache.demo.enabled=false");
            }

            @Override
            public void stop() {
                traffic.close();
            }

            @Override
            public boolean isRunning() {
                return traffic.running();
            }

            /** Above the DNS node's phase 0: the pods start after the node and stop before it. */
            @Override
            public int getPhase() {
                return 1;
            }
        };
    }

    /** The node's first IPv4 DNS address (a wildcard bind is reached on 127.0.0.1), or null while it serves none. */
    static InetSocketAddress dnsAddress(NodeRuntime runtime) {
        for (InetSocketAddress a : runtime.addresses()) {
            InetAddress ip = a.getAddress();
            if (ip instanceof Inet4Address) {
                return ip.isAnyLocalAddress() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getPort()) : a;
            }
        }
        return null;
    }
}
