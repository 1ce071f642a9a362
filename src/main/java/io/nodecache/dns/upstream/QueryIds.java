package io.nodecache.dns.upstream;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Random numbers for message IDs and the random policy: a fast generator per thread, each seeded from
 * {@link SecureRandom}, so IDs cannot be predicted from earlier ones (RFC 5452 section 9.2) without paying for a
 * SecureRandom call per query.
 */
final class QueryIds {

    private static final SecureRandom SEEDS = new SecureRandom();

    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));

    private QueryIds() {
    }

    /** A random 16-bit message ID. */
    static int next() {
        return RANDOM.get().nextInt(0x10000);
    }

    /** A random int in [0, bound). */
    static int nextInt(int bound) {
        return RANDOM.get().nextInt(bound);
    }
}
