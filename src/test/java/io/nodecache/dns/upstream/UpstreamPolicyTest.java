package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.corefile.ForwardConfig.Policy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class UpstreamPolicyTest {

    private final List<Upstream> three = IntStream.rangeClosed(1, 3)
            .mapToObj(i -> new Upstream(InetSocketAddress.createUnresolved("u" + i, 53)))
            .toList();

    @Test
    void sequentialKeepsTheOrder() {
        UpstreamPolicy policy = UpstreamPolicy.of(Policy.SEQUENTIAL);
        for (int i = 0; i < 5; i++) {
            assertEquals(three, policy.list(three));
        }
    }

    @Test
    void roundRobinStartsOneFurtherEachTime() {
        UpstreamPolicy policy = UpstreamPolicy.of(Policy.ROUND_ROBIN);
        assertEquals(List.of(three.get(0), three.get(1), three.get(2)), policy.list(three));
        assertEquals(List.of(three.get(1), three.get(2), three.get(0)), policy.list(three));
        assertEquals(List.of(three.get(2), three.get(0), three.get(1)), policy.list(three));
        assertEquals(three, policy.list(three));
    }

    @Test
    void randomIsAPermutationAndSpreadsTheFirstPick() {
        UpstreamPolicy policy = UpstreamPolicy.of(Policy.RANDOM);
        Map<Upstream, Integer> first = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            List<Upstream> list = policy.list(three);
            assertEquals(3, list.size());
            assertTrue(list.containsAll(three));
            first.merge(list.get(0), 1, Integer::sum);
        }
        for (Upstream upstream : three) {
            int n = first.getOrDefault(upstream, 0);
            assertTrue(n > 800 && n < 1200, upstream + " first " + n + " times of 3000");
        }
    }
}
