package io.nodecache.dashboard.transport;

import java.net.URI;

/**
 * Where one node's API is reached: a base URL (static discovery, or pod IP and port in the direct transport), or a
 * pod the API server's pod proxy leads to.
 *
 * @param name      the node's name on the dashboard (the Kubernetes node name, or the static list's name)
 * @param baseUri   the node's web root for the direct transport ({@code http://10.244.1.7:8080/}), or null
 * @param namespace the node pod's namespace, for the pod proxy, or null
 * @param pod       the node pod's name, for the pod proxy, or null
 * @param port      the node pod's web port, for the pod proxy
 */
public record NodeTarget(String name, URI baseUri, String namespace, String pod, int port) {

    /** A node reached at a base URL; a missing trailing slash is added so paths resolve under it. */
    public static NodeTarget direct(String name, URI baseUri) {
        String s = baseUri.toString();
        return new NodeTarget(name, URI.create(s.endsWith("/") ? s : s + "/"), null, null, 0);
    }

    /** A node reached through the API server's pod proxy. */
    public static NodeTarget pod(String name, String namespace, String pod, int port) {
        return new NodeTarget(name, null, namespace, pod, port);
    }

    /** How the page tells the operator where the node is: its URL or {@code namespace/pod:port}. */
    public String describe() {
        return baseUri != null ? baseUri.toString() : namespace + "/" + pod + ":" + port;
    }
}
