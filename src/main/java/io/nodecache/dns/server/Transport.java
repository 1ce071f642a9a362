package io.nodecache.dns.server;

/** How a query reached the server; the lower-case name is the one CoreDNS logs. */
public enum Transport {
    UDP("udp"),
    TCP("tcp");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
