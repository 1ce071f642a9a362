package io.nodecache.dashboard.transport;

/** A node's answer to one request: the HTTP status and the body as text (JSON or a problem detail). */
public record NodeResponse(int status, String body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
