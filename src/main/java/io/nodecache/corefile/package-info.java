/**
 * Parses the node-local-dns Corefile (the one the upstream {@code nodelocaldns.yaml} ConfigMap holds) into typed,
 * validated records; every error names the file and line.
 */
package io.nodecache.corefile;
