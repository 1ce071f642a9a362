package io.nodecache.dns.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.nodecache.dns.wire.QueryView;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class CacheKeyTest {

    private static QueryView view(String name, int type, boolean dnssecOk, boolean cd) {
        Message m = CacheHarness.query(name, type);
        if (dnssecOk) {
            m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        if (cd) {
            m.getHeader().setFlag(Flags.CD);
        }
        byte[] wire = m.toWire();
        QueryView q = new QueryView();
        assertEquals(QueryView.Verdict.OK, q.parse(wire, wire.length));
        return q;
    }

    @ParameterizedTest
    @CsvSource({
        // stored name, probe name, probe type, probe DO, probe CD, same key
        "www.example., www.example., 1, false, false, true",
        "www.example., WWW.Example., 1, false, false, true",
        "www.example., www.example., 28, false, false, false",
        "www.example., www.example., 1, true, false, false",
        "www.example., www.example., 1, false, true, false",
        "www.example., www.example.com., 1, false, false, false",
        "www.example., ww.example., 1, false, false, false",
    })
    void probeMatchesStoredKeyCaseInsensitively(String stored, String probe, int type, boolean dnssecOk,
            boolean cd, boolean same) {
        CacheKey key = CacheKey.of(view(stored, Type.A, false, false));
        ProbeKey p = new ProbeKey().set(view(probe, type, dnssecOk, cd));
        ConcurrentHashMap<CacheKey, String> map = new ConcurrentHashMap<>();
        map.put(key, "entry");
        if (same) {
            assertEquals(key.hashCode(), p.hashCode());
            assertSame("entry", map.get(p));
            assertEquals(key, CacheKey.of(view(probe, type, dnssecOk, cd)));
        } else {
            assertEquals(null, map.get(p));
            assertNotEquals(key, CacheKey.of(view(probe, type, dnssecOk, cd)));
        }
    }
}
