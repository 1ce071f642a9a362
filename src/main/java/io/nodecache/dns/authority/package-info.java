/**
 * Answers DNS queries authoritatively from in-memory zones and serves them on loopback, so the embedded default
 * (a laptop with no cluster) has a real upstream for {@code cluster.local}, the reverse zones and a demo external
 * zone, and so tests have a real server to forward to.
 *
 * <p>Not the hot path: {@link io.nodecache.dns.authority.AuthoritativeServer} favours being simple and impossible
 * to crash over speed.
 */
package io.nodecache.dns.authority;
