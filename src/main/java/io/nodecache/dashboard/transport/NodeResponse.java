package io.nodecache.dashboard.transport;

/**
 * A node's answer to one request: the HTTP status, the body as text (JSON or a problem detail) and its content type
 * when the transport knows it.
 */
public record NodeResponse(int status, String body, String contentType) {

    public NodeResponse(int status, String body) {
        this(status, body, null);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
