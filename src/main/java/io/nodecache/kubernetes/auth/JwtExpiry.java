package io.nodecache.kubernetes.auth;

import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code exp} claim of a JWT (RFC 7519 §4.1.4), read without checking the signature: the API server's TokenReview
 * is what decides whether a token is good; this only tells how long that answer may be remembered.
 */
final class JwtExpiry {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JwtExpiry() {}

    /** Seconds since the epoch, or null if {@code token} is not a JWT with a numeric {@code exp}. */
    static Long epochSeconds(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            JsonNode exp = JSON.readTree(payload).path("exp");
            return exp.isNumber() ? exp.asLong() : null;
        } catch (IllegalArgumentException | JacksonException e) {
            return null;
        }
    }
}
