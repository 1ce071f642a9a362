package io.nodecache.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table against a HashMap through random puts and removes, with colliding hashes and null keys. */
class OpenAddressTableTest {

    /** A key whose hash code is chosen, so many keys share one. */
    private record Key(int n, int hash) {
        @Override
        public int hashCode() {
            return hash;
        }
    }

    @Test
    void agreesWithAHashMapThroughGrowthCollisionsAndRemovals() {
        OpenAddressTable<Key, Integer> table = new OpenAddressTable<>(4);
        Map<Key, Integer> model = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(3);
        Key[] keys = new Key[500];
        for (int i = 0; i < keys.length; i++) {
            // few distinct hashes: long probe runs that removals must shift back
            keys[i] = i % 50 == 0 ? null : new Key(i, i % 7 == 0 ? 42 : i % 31);
        }
        for (int op = 0; op < 100_000; op++) {
            Key k = keys[rnd.nextInt(keys.length)];
            int hash = k == null ? 99 : k.hashCode();
            if (rnd.nextInt(100) < 55) {
                table.put(hash, k, op);
                model.put(k, op);
            } else {
                table.remove(hash, k);
                model.remove(k);
            }
            if (op % 101 == 0) {
                assertEquals(model.size(), table.size());
                for (Key each : keys) {
                    assertEquals(model.get(each), table.get(each == null ? 99 : each.hashCode(), each),
                            "key " + each + " after " + op + " operations");
                }
            }
        }
    }
}
