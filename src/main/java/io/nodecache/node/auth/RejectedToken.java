package io.nodecache.node.auth;

import org.springframework.security.authentication.BadCredentialsException;

/** A token that was presented and not accepted; {@code reason} is the denial counter's label. */
final class RejectedToken extends BadCredentialsException {

    final String reason;

    RejectedToken(String reason, String message) {
        super(message);
        this.reason = reason;
    }
}
