/**
 * Client IP to namespace/pod/node, time-aware: a configured list, or a fabric8 informer over every pod indexed on
 * its IP.
 */
package io.nodecache.dashboard.pods;
