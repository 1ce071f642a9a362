/**
 * The dashboard scale benchmark ({@code bench/dashboard-scale.sh}): hundreds of simulated nodes in one process, and
 * the driver that runs a real dashboard JVM against them and measures refresh time, memory and hung nodes.
 */
package io.nodecache.dashboard.bench;
