package io.nodecache.kubernetes.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a token's {@code exp} can shorten: only a three-part token with a numeric claim; anything else, nothing. */
class JwtExpiryTest {

    private static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheExpOfAProjectedServiceAccountToken() {
        String token = part("{\"alg\":\"RS256\",\"kid\":\"k\"}") + "."
                + part("{\"aud\":[\"nodecache\"],\"exp\":1796000000,\"iat\":1795996400,"
                        + "\"kubernetes.io\":{\"namespace\":\"kube-system\"}}") + ".c2ln";
        assertEquals(1796000000L, JwtExpiry.epochSeconds(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cret", "a.b", "a.b.c.d", "a.!!!.c", "a..c", "a.bm90IGpzb24.c"})
    void anythingButAJwtHasNone(String token) {
        assertNull(JwtExpiry.epochSeconds(token));
    }

    @Test
    void aClaimThatIsNotANumberIsNone() {
        assertNull(JwtExpiry.epochSeconds("h." + part("{\"exp\":\"tomorrow\"}") + ".s"));
        assertNull(JwtExpiry.epochSeconds("h." + part("[1,2]") + ".s"));
        assertNull(JwtExpiry.epochSeconds("h." + part("{\"iat\":1}") + ".s"));
    }
}
