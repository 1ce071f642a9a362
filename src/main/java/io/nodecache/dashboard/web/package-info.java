/** The dashboard's web side: its JSON API, its Server-Sent Events and its pages. */
package io.nodecache.dashboard.web;
