package io.nodecache.dns.server;

/** Why the TCP listener closed a client's connection; the lower-case name is the metric's {@code reason} label. */
public enum TcpClose {
    /** No query and no answer owed for the idle timeout. */
    IDLE,
    /** A message's bytes did not all arrive within the read timeout (a slow or stalled sender). */
    READ_TIMEOUT,
    /** The client left its answers unread for the write timeout. */
    WRITE_TIMEOUT,
    /** The connection carried its maximum number of queries; closed once they were answered. */
    MAX_QUERIES,
    /** A message that could not be read at all: framing is lost, so the connection is dropped. */
    MALFORMED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
