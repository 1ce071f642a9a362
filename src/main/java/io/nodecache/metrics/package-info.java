/**
 * Prometheus metrics under CoreDNS's names and labels (so node-local-dns dashboards keep working) plus
 * {@code nodecache_*} for what is ours, fed without touching the DNS threads, and served on the Corefile's
 * {@code prometheus} address at {@code /metrics}.
 *
 * <p>Per-query metrics come from the query event dispatcher's raw pass; cache, server and search-path metrics are
 * function counters over counters the data plane keeps anyway; forward metrics come from a
 * {@link io.nodecache.dns.upstream.ForwardListener}. The per-query and forward counts are plain {@code long}s
 * (see {@link io.nodecache.metrics.SingleWriter}), exposed through function counters and histogram collectors
 * ({@link io.nodecache.metrics.HistogramFamily}) that scrape exactly as Micrometer's meters did.
 */
package io.nodecache.metrics;
