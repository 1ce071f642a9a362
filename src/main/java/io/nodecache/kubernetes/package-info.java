/**
 * fabric8 plumbing shared by the dashboard's Kubernetes parts: the pod-proxy transport that reaches a node's API
 * through the API server with the client's own credentials.
 */
package io.nodecache.kubernetes;
