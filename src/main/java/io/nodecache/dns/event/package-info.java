/**
 * Query events: one per answered query, published by the DNS path into a lock-free ring without allocating, and
 * read by consumers (the CoreDNS log writer, the console) on their own thread; a slow consumer loses events and
 * counts them, it never slows the DNS path.
 */
package io.nodecache.dns.event;
