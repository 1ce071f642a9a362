/**
 * Who called a node, as the Kubernetes API server says: a TokenReview for the caller's projected ServiceAccount token
 * (its own audience) and a SubjectAccessReview for what that user may do, both cached as kube-rbac-proxy caches them;
 * the header that carries the token past the API server's pod proxy, and a token file re-read when it is replaced.
 * Plain fabric8 and Caffeine: the node's web security and the dashboard's transports both use it, and it knows
 * neither.
 */
package io.nodecache.kubernetes.auth;
