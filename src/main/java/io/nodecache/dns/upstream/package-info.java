/**
 * Forwards queries to the upstream resolvers with CoreDNS {@code forward} semantics: a policy picks the upstream,
 * failed exchanges fail over to the next one until a deadline or two failed attempts per upstream, in-band health
 * checks ({@code . IN NS}) mark upstreams down after {@code max_fails} and up again, replies are checked against the
 * query (ID and question) and must unpack, so spoofed, stray or broken packets are dropped (and counted), and TCP
 * connections are reused (RFC 7766).
 *
 * <p>Plain Java over NIO: one selector thread for UDP (a fresh socket, hence a fresh kernel-random source port, per
 * query) and one for TCP (pipelined connections per upstream). Nothing here blocks the caller or creates a thread
 * per query. {@link io.nodecache.dns.upstream.Forwarder} is the entry point.
 */
package io.nodecache.dns.upstream;
