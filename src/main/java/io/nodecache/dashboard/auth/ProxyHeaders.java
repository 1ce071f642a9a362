package io.nodecache.dashboard.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The proxy mode's rules: which TCP peers are the authenticating proxy, and what role a user's groups give. The
 * headers themselves are read by Spring Security's {@code RequestHeaderAuthenticationFilter}, only for trusted peers.
 */
public final class ProxyHeaders {

    private final List<IpAddressMatcher> trusted;
    private final String groupsHeader;
    private final Set<String> operatorGroups;
    private final Set<String> viewerGroups;

    public ProxyHeaders(DashboardAuthProperties p) {
        this.trusted = p.trustedProxies().stream().map(IpAddressMatcher::new).toList();
        this.groupsHeader = p.groupsHeader();
        this.operatorGroups = Set.copyOf(p.operatorGroups());
        this.viewerGroups = Set.copyOf(p.viewerGroups());
    }

    /** Whether the socket's peer (never {@code X-Forwarded-For}) is one of the trusted proxies. */
    public boolean fromTrustedProxy(HttpServletRequest request) {
        String peer = SocketPeer.address(request);
        for (IpAddressMatcher m : trusted) {
            if (m.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    /** The role the groups header gives: none (empty) when the user is in no configured group. */
    public List<GrantedAuthority> authorities(HttpServletRequest request) {
        Set<String> groups = new LinkedHashSet<>();
        var values = request.getHeaders(groupsHeader);
        while (values != null && values.hasMoreElements()) {
            Arrays.stream(values.nextElement().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .forEach(groups::add);
        }
        if (groups.stream().anyMatch(operatorGroups::contains)) {
            return Role.OPERATOR.authorities();
        }
        if (viewerGroups.isEmpty() || groups.stream().anyMatch(viewerGroups::contains)) {
            return Role.VIEWER.authorities();
        }
        return new ArrayList<>();
    }
}
