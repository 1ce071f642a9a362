package io.nodecache.dns.authority;

/** The transport a DNS message came over. */
public enum Transport { UDP, TCP }
