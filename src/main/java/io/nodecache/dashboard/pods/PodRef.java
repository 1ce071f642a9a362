package io.nodecache.dashboard.pods;

/**
 * A pod a client IP belonged to.
 *
 * @param namespace   the pod's namespace; null for a host-network IP
 * @param pod         the pod's name; null for a host-network IP
 * @param node        the Kubernetes node it ran on, or null when unknown
 * @param hostNetwork whether the pod uses its node's network (then the IP names the node, not the pod)
 */
public record PodRef(String namespace, String pod, String node, boolean hostNetwork) {

    /** "host network on NODE": an IP several host-network pods (and the node itself) share. */
    public static PodRef hostNetworkOf(String node) {
        return new PodRef(null, null, node, true);
    }
}
