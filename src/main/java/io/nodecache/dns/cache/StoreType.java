package io.nodecache.dns.cache;

/** The two stores of the cache, named as CoreDNS labels them in {@code coredns_cache_*{type=...}}. */
public enum StoreType {
    /** Positive answers and referrals. */
    SUCCESS("success"),
    /** NXDOMAIN, NODATA and (for {@code servfail DURATION}) SERVFAIL. */
    DENIAL("denial");

    private final String label;

    StoreType(String label) {
        this.label = label;
    }

    /** The value of CoreDNS's {@code type} metric label. */
    public String label() {
        return label;
    }
}
