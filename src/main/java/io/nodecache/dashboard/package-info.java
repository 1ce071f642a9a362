/**
 * The cluster dashboard: finds every node (static list or Kubernetes), refreshes each through its HTTP API in
 * parallel, aggregates the cluster, names client IPs as pods, toggles query logging per node and merges live query
 * streams. It imports nothing of the node: it is a client of {@code docs/node-api.md}, even in one process.
 */
package io.nodecache.dashboard;
