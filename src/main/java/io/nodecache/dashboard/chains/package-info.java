/**
 * The cluster's search-domain chains for the last hour, collected from every node and named by pod: rankings by
 * pod and by name over any window, a pod's newest chains, and the fix to paste.
 */
package io.nodecache.dashboard.chains;
