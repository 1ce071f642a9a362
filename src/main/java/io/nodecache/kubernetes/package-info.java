/**
 * fabric8 plumbing shared by the dashboard's Kubernetes parts: the pod-proxy transport that reaches a node's API
 * through the API server with the client's own credentials. {@code kubernetes/auth/} holds the reviews the node
 * checks its callers with.
 */
package io.nodecache.kubernetes;
