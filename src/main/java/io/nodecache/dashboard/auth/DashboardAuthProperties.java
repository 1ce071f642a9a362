package io.nodecache.dashboard.auth;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Who may use the dashboard ({@code nodecache.dashboard.auth.*}).
 *
 * @param mode           {@code none} (default: no login, and then the web port binds loopback alone), {@code login}
 *                       (users from {@code usersFile}) or {@code proxy} (an authenticating proxy names the user)
 * @param usersFile      login: the users file, one {@code NAME:{bcrypt}HASH:ROLE} per line ({@link UsersFile})
 * @param trustedProxies proxy: the source addresses (CIDRs or single addresses) whose user headers are believed;
 *                       every other peer is refused
 * @param userHeader     proxy: the header naming the user (oauth2-proxy's {@code X-Forwarded-User}; behind nginx's
 *                       {@code auth_request} with {@code --set-xauthrequest}, {@code X-Auth-Request-User})
 * @param groupsHeader   proxy: the header listing the user's groups, comma-separated ({@code X-Forwarded-Groups})
 * @param operatorGroups proxy: groups whose members are operators
 * @param viewerGroups   proxy: groups whose members are viewers; empty: every user the proxy passes is at least a
 *                       viewer (the proxy already decided who may sign in)
 */
@ConfigurationProperties("nodecache.dashboard.auth")
public record DashboardAuthProperties(String mode, String usersFile, List<String> trustedProxies, String userHeader,
        String groupsHeader, List<String> operatorGroups, List<String> viewerGroups) {

    public static final String NONE = "none";
    public static final String LOGIN = "login";
    public static final String PROXY = "proxy";

    public DashboardAuthProperties {
        mode = blank(mode) ? NONE : mode.strip();
        trustedProxies = clean(trustedProxies);
        operatorGroups = clean(operatorGroups);
        viewerGroups = clean(viewerGroups);
        userHeader = blank(userHeader) ? "X-Forwarded-User" : userHeader.strip();
        groupsHeader = blank(groupsHeader) ? "X-Forwarded-Groups" : groupsHeader.strip();
        switch (mode) {
            case NONE -> { }
            case LOGIN -> {
                if (blank(usersFile)) {
                    throw new IllegalArgumentException("nodecache.dashboard.auth.users-file: required with"
                            + " nodecache.dashboard.auth.mode=login (one NAME:{bcrypt}HASH:ROLE per line)");
                }
            }
            case PROXY -> {
                if (trustedProxies.isEmpty()) {
                    throw new IllegalArgumentException("nodecache.dashboard.auth.trusted-proxies: required with"
                            + " nodecache.dashboard.auth.mode=proxy (the proxy's source addresses, e.g. 10.0.0.0/8)");
                }
                for (String cidr : trustedProxies) {
                    try {
                        new IpAddressMatcher(cidr);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("nodecache.dashboard.auth.trusted-proxies: '" + cidr
                                + "' is not an address or CIDR (" + e.getMessage() + ")");
                    }
                }
            }
            default -> throw new IllegalArgumentException("nodecache.dashboard.auth.mode: expected none, login or"
                    + " proxy, got '" + mode + "'");
        }
    }

    private static List<String> clean(List<String> list) {
        return list == null ? List.of() : list.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
