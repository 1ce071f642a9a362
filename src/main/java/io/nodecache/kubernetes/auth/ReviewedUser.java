package io.nodecache.kubernetes.auth;

import java.util.List;
import java.util.Map;

/**
 * A caller as a TokenReview named it, carried whole into the SubjectAccessReview (user, uid, groups and extra all
 * count for RBAC and for webhook authorizers).
 */
public record ReviewedUser(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public ReviewedUser {
        groups = groups == null ? List.of() : List.copyOf(groups);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
