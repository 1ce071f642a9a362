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

    @Test
    void everyKeyStaysFindableThroughEvictionsEvenWhenAllHashesCollide() {
        record Key(int n, int hash) {
            @Override
            public int hashCode() {
                return hash;
            }
        }
        TopK<Key> top = new TopK<>(16);
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            int n = random.nextInt(200);
            // A few hash values shared by many keys: long probe runs, shifted back on every eviction.
            top.add(new Key(n, n % 3 == 0 ? 7 : n % 5));
            if (i % 997 == 0) {
                for (TopK.Entry<Key> e : top.top(16)) {
                    long before = e.count();
                    top.add(e.key());
                    long after = top.top(16).stream().filter(x -> x.key().equals(e.key()))
                            .mapToLong(TopK.Entry::count).findFirst().orElse(-1);
                    assertEquals(before + 1, after, "key " + e.key() + " must be found, not admitted again");
                }
            }
        }
        assertEquals(16, top.top(100).size());
    }

    @Test
    void countsAreExactWhileEveryKeyFits() {
        TopK<Integer> top = new TopK<>(64);
        for (int i = 0; i < 6_400; i++) {
            top.add(i % 64);
        }
        assertTrue(top.top(64).stream().allMatch(e -> e.count() == 100));
    }
}
