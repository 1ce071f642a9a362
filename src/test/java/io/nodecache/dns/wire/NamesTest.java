package io.nodecache.dns.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class NamesTest {

    /**
     * Names render as CoreDNS (miekg/dns) prints them: case kept, special characters backslash-escaped, other
     * unprintable bytes as \DDD. The plain fast path and the escaping path must agree on that.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "www.Example.COM.                          | www.Example.COM.",
        "_http._tcp.svc-1.ns-2.svc.cluster.local.   | _http._tcp.svc-1.ns-2.svc.cluster.local.",
        ".                                          | .",
        "a\\.b.example.                             | a\\.b.example.",
        "sp\\032ace.example.                        | sp\\ ace.example.",
        "x\\255y.example.                           | x\\255y.example."})
    void rendersAsCorednsDoes(String input, String expected) throws Exception {
        byte[] wire = new Name(input).toWire();
        assertEquals(expected, Names.toText(wire, 0, wire.length));
    }
}
