package io.nodecache.dashboard.auth;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a dashboard user may do: a viewer reads everything; an operator also switches query logging. */
public enum Role {
    VIEWER, OPERATOR;

    /** The Spring Security role an operator holds and a logging switch asks for. */
    public static final String OPERATOR_ROLE = "OPERATOR";

    /** An operator holds both roles, so a rule for viewers never shuts operators out. */
    public List<GrantedAuthority> authorities() {
        return this == OPERATOR
                ? List.of(new SimpleGrantedAuthority("ROLE_VIEWER"), new SimpleGrantedAuthority("ROLE_OPERATOR"))
                : List.of(new SimpleGrantedAuthority("ROLE_VIEWER"));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Role parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            default -> throw new IllegalArgumentException("role must be viewer or operator, got '" + text + "'");
        };
    }
}
