/**
 * Who may use the dashboard: its three modes ({@code nodecache.dashboard.auth.mode}: {@code none} on loopback only,
 * {@code login} from a users file, {@code proxy} behind an authenticating proxy), its users file, its roles (viewers
 * read, operators also switch query logging) and the rule that says which changes need a CSRF token. The web side
 * ({@code dashboard/web/DashboardSecurity}) wires these into Spring Security.
 */
package io.nodecache.dashboard.auth;
