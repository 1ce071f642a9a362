package io.nodecache.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void heavyHittersSurviveAFloodOfRareKeys() {
        TopK<String> top = new TopK<>(8);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            top.add(i % 5 == 0 ? "hot-a" : i % 5 == 1 ? "hot-b" : "rare-" + random.nextInt(5000));
        }
        List<TopK.Entry<String>> best = top.top(2);
        assertEquals(List.of("hot-a", "hot-b"), best.stream().map(TopK.Entry::key).sorted().toList());
        assertTrue(best.get(0).count() >= 4000, "counts are upper bounds of the true 4000");
    }

    @Test
    void hashedKeysAreBuiltOnlyWhenTheyEnterTheTable() {
        TopK<String> top = new TopK<>(4);
        int[] built = {0};
        for (int i = 0; i < 100; i++) {
            top.addHashed(42, () -> {
                built[0]++;
                return "name.";
            });
        }
        assertEquals(1, built[0]);
        assertEquals(100, top.top(1).get(0).count());
    }
}
