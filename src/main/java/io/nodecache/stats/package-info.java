/**
 * The node's numbers over time: per-second samples of cumulative counters (queries, rcodes, cache outcomes, each
 * cache's stores, upstreams) from which the console and the API read 1 min, 5 min and 1 h windows and series.
 */
package io.nodecache.stats;
