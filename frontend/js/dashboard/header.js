// The dashboard layout's header on every page: coverage badge, refresh time, and the demo banner.
import { showError, fmtTime } from '../api.js';
import { onOverview, onFeed, startFeed } from './live.js';

const coverage = document.getElementById('coverage');
const refreshed = document.getElementById('refreshed');
const demo = document.getElementById('demo-banner');
const error = document.getElementById('header-error');

onOverview((o) => {
  const c = o.coverage;
  // "47/50 nodes": nodes answering out of the nodes there should be (the DaemonSet's desired count, when known).
  const wanted = c.desired !== null && c.desired !== undefined ? c.desired : c.listed;
  coverage.textContent = `${c.reporting}/${wanted} nodes`;
  coverage.className = `badge ${c.reporting === wanted && wanted > 0 ? 'ok' : 'bad'}`;
  coverage.title = `${c.reporting} of ${c.listed} listed nodes answered the last refresh`
    + (c.desired !== null && c.desired !== undefined ? `; the DaemonSet wants ${c.desired}` : '')
    + ` (${o.discovery} discovery, ${o.transport} transport)`;
  refreshed.textContent = `refreshed ${fmtTime(o.refreshedAt)} in ${o.refreshMillis} ms`;
  demo.hidden = !o.demo;
});
onFeed((message) => showError(error, message ? new Error(message) : null));
startFeed();
