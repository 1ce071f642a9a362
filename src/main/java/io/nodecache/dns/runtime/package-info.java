/**
 * Turns a parsed Corefile into a running node: builds each server block's pipeline (loop, cache, forward), keeps
 * caches and upstreams across reloads, and serves health and readiness.
 */
package io.nodecache.dns.runtime;
