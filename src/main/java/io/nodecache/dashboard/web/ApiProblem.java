package io.nodecache.dashboard.web;

import org.springframework.http.HttpStatus;

/** An error with its status, and the node's status when a node refused. */
final class ApiProblem extends RuntimeException {
    final HttpStatus status;
    Integer nodeStatus;

    ApiProblem(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }
}
