// The dashboard's one live feed: the cluster overview, first from GET /api/v1/cluster, then from every
// `event: cluster` of /api/v1/cluster/events. Modules are evaluated once per page, so the header and the page
// share this one EventSource.
import { apiBase, getJson } from '../api.js';

export const overviews = new EventTarget();
let last = null;

function publish(overview) {
  last = overview;
  overviews.dispatchEvent(new CustomEvent('overview', { detail: overview }));
}

function publishError(message) {
  overviews.dispatchEvent(new CustomEvent('feed', { detail: message }));
}

/** Calls fn with the latest overview now (when there is one) and with each one after. */
export function onOverview(fn) {
  overviews.addEventListener('overview', (e) => fn(e.detail));
  if (last) fn(last);
}

export function onFeed(fn) {
  overviews.addEventListener('feed', (e) => fn(e.detail));
}

/** Where a dashboard path ("/pods/ns/pod") lives under the servlet context path. */
export function href(path) {
  const base = (document.body.dataset.base || '/').replace(/\/$/, '');
  return base + path;
}

let started = false;

/** Opens the feed once; the overview page and the header both want it. */
export function startFeed() {
  if (started) return;
  started = true;
  getJson('').then(publish, (e) => publishError(`Could not load the cluster overview: ${e.message}`));
  const source = new EventSource(`${apiBase}/events`);
  source.addEventListener('open', () => publishError(null));
  source.addEventListener('cluster', (e) => publish(JSON.parse(e.data)));
  source.addEventListener('error', () => {
    // EventSource reconnects by itself; say so meanwhile.
    if (source.readyState !== EventSource.OPEN) publishError('Live updates interrupted; reconnecting…');
  });
  window.addEventListener('pagehide', () => source.close());
}
