/**
 * Search-domain expansion chain detection: recognises, per client IP, the runs of NXDOMAINs a stub resolver sends
 * with {@code search} + {@code ndots:5} before it asks the name as given, and counts the queries and time they waste.
 *
 * <p>Plain Java, fed from the query event dispatcher's thread ({@link io.nodecache.searchpath.ChainDetector}).
 */
package io.nodecache.searchpath;
