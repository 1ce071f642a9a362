package io.nodecache.dashboard.web;

/** A node, pod or client the dashboard does not know: 404. */
final class NotFound extends RuntimeException {
    NotFound(String message) {
        super(message);
    }
}
