/** Tests of the container image's contract: the Dockerfile, the Jib configuration and the shared JVM argfile. */
package io.nodecache.image;
