/**
 * Where the nodes are: one contract, two implementations (a static list; a fabric8 informer on the node pods, with
 * the DaemonSet's desired count).
 */
package io.nodecache.dashboard.discovery;
