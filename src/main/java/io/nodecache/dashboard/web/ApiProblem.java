package io.nodecache.dashboard.web;

import io.nodecache.dashboard.LoggingToggle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** An error with its status, and the node's status when a node refused. */
final class ApiProblem extends RuntimeException {
    final HttpStatus status;
    Integer nodeStatus;

    ApiProblem(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * A toggle's answer: the logging state the node reported back, or the problem — 502 with the node's status when
     * it refused, 504 when it did not answer.
     */
    static ResponseEntity<?> toggled(String name, LoggingToggle.Outcome o) {
        if (o.ok()) {
            return ResponseEntity.ok(o.logging());
        }
        ApiProblem p = new ApiProblem(o.status() == null ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
                "node '" + name + "': " + o.error());
        p.nodeStatus = o.status();
        throw p;
    }
}
