package io.nodecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The authority role over real packets: the demo zones on the address asked for, UDP and TCP, REFUSED elsewhere. */
class StandaloneAuthorityTest {

    @ParameterizedTest(name = "{0} {1} over {3} -> {2}")
    @CsvSource(textBlock = """
            kubernetes.default.svc.cluster.local., A,    NOERROR,  udp, 10.96.0.1
            cart.shop.svc.cluster.local.,          A,    NOERROR,  tcp, 10.96.20.11
            www.example.,                          A,    NOERROR,  udp, 192.0.2.10
            1.0.96.10.in-addr.arpa.,               PTR,  NOERROR,  udp, kubernetes.default.svc.cluster.local.
            www.example.default.svc.cluster.local., A,   NXDOMAIN, udp, ''
            www.google.com.,                       A,    REFUSED,  udp, ''
            """)
    void answersTheDemoZonesOnTheAddressGiven(String name, String type, String rcode, String transport,
            String rdata) throws Exception {
        try (StandaloneAuthority authority = StandaloneAuthority.start("127.0.0.1:0")) {
            InetSocketAddress at = authority.address();
            assertEquals("127.0.0.1", at.getAddress().getHostAddress());
            SimpleResolver resolver = new SimpleResolver(at);
            resolver.setTimeout(Duration.ofSeconds(2));
            resolver.setTCP(transport.equals("tcp"));
            Message response = resolver.send(Message.newQuery(
                    Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN)));

            assertEquals(rcode, Rcode.string(response.getRcode()), response.toString());
            if (!rdata.isEmpty()) {
                assertTrue(response.getHeader().getFlag(Flags.AA), response.toString());
                assertEquals(rdata, response.getSection(Section.ANSWER).get(0).rdataToString(), response.toString());
            }
        }
    }

    @Test
    void closingFreesThePort() throws Exception {
        int port;
        try (StandaloneAuthority first = StandaloneAuthority.start("127.0.0.1:0")) {
            port = first.address().getPort();
        }
        try (StandaloneAuthority again = StandaloneAuthority.start("127.0.0.1:" + port)) {
            assertEquals(port, again.address().getPort());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0.0.0.0", "0.0.0.0:", ":53", "0.0.0.0:dns", "0.0.0.0:70000", "::1:53"})
    void aListenAddressThatIsNotHostAndPortFailsNamingTheProperty(String listen) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StandaloneAuthority.parse(listen));
        assertTrue(e.getMessage().startsWith("nodecache.authority.listen="), e.getMessage());
    }

    @Test
    void ipv6InBrackets() {
        assertEquals(new InetSocketAddress("::1", 53), StandaloneAuthority.parse("[::1]:53"));
    }
}
