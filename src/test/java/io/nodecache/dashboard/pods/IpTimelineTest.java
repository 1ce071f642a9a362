package io.nodecache.dashboard.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IP timeline's memory stays bounded under churn. */
class IpTimelineTest {

    @Test
    void deletedPodsBeyondTheCapAreForgottenOldestFirst() {
        IpTimeline t = new IpTimeline(Duration.ofHours(1));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        int pods = IpTimeline.MAX_PAST + 10_000;
        for (int i = 0; i < pods; i++) {
            String key = "ns/p" + i;
            String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            t.hold(key, ip, new PodRef("ns", "p" + i, "n", false), now, null, now);
            now = now.plusMillis(1);
            t.release(key, now);
        }
        assertEquals(0, t.liveCount());
        assertEquals(IpTimeline.MAX_PAST, t.pastCount());
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(List.of(), t.at("10.0.0.0", at, List.of(), now).stream().toList(), "the first one forgotten");
        assertEquals("p" + (pods - 1), t.at("10." + ((pods - 1) >> 16 & 255) + "." + ((pods - 1) >> 8 & 255) + "."
                + ((pods - 1) & 255), now.minusMillis(1), List.of(), now).orElseThrow().pod());
    }
}
