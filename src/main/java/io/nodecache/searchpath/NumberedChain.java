package io.nodecache.searchpath;

/**
 * A completed chain with its number: the n-th chain the node completed since it started, from 0. Readers page
 * through chains by number ({@code GET /api/v1/chains?after=N}) and see exactly how many they missed.
 */
public record NumberedChain(long seq, SearchChain chain) {}
