/**
 * The per-node web side: the JSON API the cluster dashboard consumes (summary, stats windows, recent queries with a
 * {@code since} cursor, the live stream, chains, the logging switch) and the console pages over it.
 */
package io.nodecache.node;
