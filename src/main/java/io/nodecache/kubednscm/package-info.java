/**
 * node-cache's {@code -basecorefile} and {@code -kubednscm} inputs: the kube-dns ConfigMap's stub domains and
 * upstream nameservers, validated, rendered with the base Corefile into the Corefile the node loads, and re-rendered
 * when either changes. Plain Java; {@code config/} starts and stops it.
 */
package io.nodecache.kubednscm;
