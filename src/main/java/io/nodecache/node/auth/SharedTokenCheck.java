package io.nodecache.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;

/**
 * Outside a cluster: the caller's token must be the shared one. Compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the content nor the length of the configured token shows in the timing.
 */
final class SharedTokenCheck implements AuthenticationProvider {

    private final Supplier<String> expected;

    SharedTokenCheck(Supplier<String> expected) {
        this.expected = expected;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String want = expected.get();
        if (want == null) {
            throw new AuthenticationServiceException("the node has no shared token to compare with");
        }
        if (!MessageDigest.isEqual(digest(want), digest((String) authentication.getCredentials()))) {
            throw new RejectedToken("invalid", "the token is not the node's shared token");
        }
        return new ApiCaller("shared-token", null);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PresentedToken.class.isAssignableFrom(authentication);
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
