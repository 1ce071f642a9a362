/**
 * Spring wiring: builds the plain-Java DNS path from properties and the Corefile at start, adapts its start and
 * stop to Spring's lifecycle, and binds node-cache's flag names.
 */
package io.nodecache.config;
