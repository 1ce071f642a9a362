/**
 * Allocation-free collections the hot paths share: one open-addressing table (linear probing, backward-shift
 * removal) under the top-k counters and the open search chains.
 */
package io.nodecache.collect;
