/**
 * Small helpers over the DNS wire format that the hot path needs without building dnsjava objects: reading a
 * query's header and question, walking resource records, patching IDs, flags and TTLs in place.
 *
 * <p>Written by hand because dnsjava's {@code Message} allocates a tree per packet; dnsjava is still used wherever
 * a message is built or a rare path (truncation, errors with records) needs it.
 */
package io.nodecache.dns.wire;
