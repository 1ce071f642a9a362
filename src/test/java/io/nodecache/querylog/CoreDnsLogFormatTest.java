package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import io.nodecache.dns.wire.Wire;
import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class CoreDnsLogFormatTest {

    static Stream<Arguments> lines() throws Exception {
        return Stream.of(
                // The line from node-local-dns's own log that the issue quotes.
                Arguments.of(event("172.20.1.167", 47375, 45347, "www.google.com.default.svc.cluster.local.", Type.A,
                        Transport.UDP, 58, false, 512, Rcode.NXDOMAIN,
                        Wire.FLAG_QR | Wire.FLAG_AA | Wire.FLAG_RD, 151, 3_489_541),
                        "[INFO] 172.20.1.167:47375 - 45347 \"A IN www.google.com.default.svc.cluster.local. udp 58 false"
                                + " 512\" NXDOMAIN qr,aa,rd 151 0.003489541s"),
                Arguments.of(event("::1", 53000, 1, "Example.ORG.", Type.AAAA, Transport.TCP, 40, true, 1232,
                        Rcode.NOERROR, Wire.FLAG_QR | Wire.FLAG_RD | Wire.FLAG_RA | Wire.FLAG_AD | Wire.FLAG_CD, 300,
                        1_500_000_000L),
                        "[INFO] [::1]:53000 - 1 \"AAAA IN Example.ORG. tcp 40 true 1232\" NOERROR qr,rd,ra,ad,cd 300"
                                + " 1.5s"),
                Arguments.of(event("10.0.0.1", 1, 2, "x.", 65280, Transport.UDP, 20, false, 512, Rcode.SERVFAIL,
                        Wire.FLAG_QR | Wire.FLAG_TC, 20, 2_000_000_000L),
                        "[INFO] 10.0.0.1:1 - 2 \"TYPE65280 IN x. udp 20 false 512\" SERVFAIL qr,tc 20 2s"),
                Arguments.of(event("10.0.0.1", 1, 2, ".", Type.NS, Transport.UDP, 17, false, 512, Rcode.REFUSED,
                        Wire.FLAG_QR, 17, 1),
                        "[INFO] 10.0.0.1:1 - 2 \"NS IN . udp 17 false 512\" REFUSED qr 17 0.000000001s"));
    }

    @ParameterizedTest
    @CsvSource({
        "::1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:1, fe80::1",
        "2001:db8:0:0:0:0:2:0, 2001:db8::2:0"})
    void ipv6InRfc5952ShortForm(String address, String expected) throws Exception {
        assertEquals(expected, CoreDnsLogFormat.ipv6Text(InetAddress.getByName(address).getAddress()));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void formatsLikeCorednsLogPlugin(QueryEvent event, String expected) {
        assertEquals(expected, CoreDnsLogFormat.format(event));
    }

    private static QueryEvent event(String ip, int port, int id, String name, int type, Transport transport,
            int size, boolean dnssecOk, int udpSize, int rcode, int flags, int rsize, long nanos) throws Exception {
        return new QueryEvent(0, 0, InetAddress.getByName(ip), port, id, name, type, 1, transport, size, dnssecOk,
                udpSize, rcode, flags, rsize, nanos, CacheOutcome.NONE, null, ".");
    }
}
