package io.nodecache.dashboard.discovery;

import io.nodecache.dashboard.transport.NodeTarget;
import java.time.Instant;

/**
 * One node as discovery sees it, before the dashboard asks the node itself anything.
 *
 * @param name     the name the dashboard shows and its API uses: the Kubernetes node name (the pod's
 *                 {@code spec.nodeName}; the pod name while unscheduled), or the static list's name
 * @param target   how to reach the node's API
 * @param pod      {@code namespace/name} of the node's pod, or null in static discovery
 * @param podReady the pod's Ready condition (true in static discovery: only the node's own answer tells)
 * @param goneAt   when the pod was deleted, or null while it exists; a gone node stays listed for a while so the
 *                 operator sees it went away
 */
public record DiscoveredNode(String name, NodeTarget target, String pod, boolean podReady, Instant goneAt) {

    public boolean gone() {
        return goneAt != null;
    }
}
