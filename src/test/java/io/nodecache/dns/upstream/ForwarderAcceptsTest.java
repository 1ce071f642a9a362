package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwarderAcceptsTest {

    @ParameterizedTest(name = "forward {0} except [{1}]: {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            .              |                               | a.example.             | true
            .              | cluster.local.                | svc.cluster.local.     | false
            .              | cluster.local.                | cluster.local.         | false
            .              | cluster.local.                | xcluster.local.        | true
            .              | cluster.local. in-addr.arpa.  | 1.0.0.10.in-addr.arpa. | false
            .              | cluster.local. in-addr.arpa.  | example.com.           | true
            example.com.   |                               | www.example.com.       | true
            example.com.   |                               | example.com.           | true
            example.com.   |                               | badexample.com.        | false
            example.com.   |                               | example.org.           | false
            example.com.   | internal.example.com.         | a.internal.example.com.| false
            example.com.   | example.com.                  | example.com.           | true
            """)
    void acceptsNamesUnderFromAndNotUnderExcept(String from, String except, String name, boolean expected) {
        String[] excepts = except == null ? new String[0] : except.trim().split("\\s+");
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        try (Forwarder forwarder = new Forwarder(ForwardConfigs.to(nowhere).from(from).except(excepts).build(),
                ForwardListener.NONE, Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            assertEquals(expected, forwarder.accepts(name));
        }
    }
}
