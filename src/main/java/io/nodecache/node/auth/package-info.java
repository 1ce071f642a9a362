/**
 * Who may call the node's web port: health, readiness, metrics and the console's static files are open; every other
 * read (pages, summary, stats, query rows, the live stream, chains, the switch's state) needs a caller allowed to
 * {@code get} the node's query log, and every change (the logging switch) one allowed to {@code update} it. In a
 * cluster the caller's projected ServiceAccount token is checked with a TokenReview and a SubjectAccessReview;
 * outside one a shared token; with neither, the web port binds to loopback only. Spring Security does the filtering.
 */
package io.nodecache.node.auth;
