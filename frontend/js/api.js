// Shared helpers of the console's pages: the JSON API, formatting, and a tiny DOM builder.
// Every value that came off the network is put in the page with textContent (el() below), never as HTML:
// query names are chosen by whoever sends a query.

/** The API's base, rendered by the layout under the servlet context path (a proxy may add a prefix). */
export const apiBase = document.body.dataset.api || '/api/v1';

/** Page-wide events; 'logging' carries the switch's state to whoever shows it. */
export const bus = new EventTarget();

export function publishLogging(state) {
  bus.dispatchEvent(new CustomEvent('logging', { detail: state }));
}

/** GETs a JSON resource; throws an Error carrying the problem detail's text on failure. */
export async function getJson(path) {
  return request(path, { headers: { Accept: 'application/json' } });
}

export async function putJson(path, body) {
  return request(path, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...csrfHeader() },
    body: JSON.stringify(body),
  });
}

/**
 * The dashboard's CSRF token, sent back in a header on every change (a forged cross-site request cannot read the
 * cookie). Pages a node serves itself have no such cookie, and send nothing.
 */
function csrfHeader() {
  const m = /(?:^|;\s*)NODECACHE-DASHBOARD-XSRF=([^;]+)/.exec(document.cookie);
  return m ? { 'X-XSRF-TOKEN': decodeURIComponent(m[1]) } : {};
}

async function request(path, init) {
  const response = await fetch(apiBase + path, init);
  if (!response.ok) {
    // The API answers errors as RFC 9457 problem details: show their detail, not a bare status.
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (ignored) { /* not JSON: keep the status line */ }
    throw new Error(detail);
  }
  return response.json();
}

/** Query string of the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Creates an element: el('td', {class: 'num'}, 'text', childNode...). Strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Replaces a table body's rows, or shows one muted row when there are none. */
export function fillTable(tbody, rows, emptyText, columns) {
  if (rows.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: columns, class: 'muted' }, emptyText)));
  } else {
    tbody.replaceChildren(...rows);
  }
}

export function showError(node, error) {
  node.hidden = !error;
  node.textContent = error ? String(error.message || error) : '';
}

// Jackson writes java.time.Duration as ISO-8601 ("PT0.198078049S", "PT1M2.5S").
const ISO_DURATION = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?$/;

/** Milliseconds of an ISO-8601 duration (or a number of seconds, should the API change its mind). */
export function durationMs(value) {
  if (typeof value === 'number') return value * 1000;
  const m = ISO_DURATION.exec(value || '');
  if (!m) return NaN;
  return ((+(m[1] || 0) * 60 + +(m[2] || 0)) * 60 + +(m[3] || 0)) * 1000;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A ratio as a percentage, or a dash when nothing was counted (0 of 0 is not 0 %). */
export function fmtPct(ratio, counted = 1) {
  if (!counted || ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  return `${(ratio * 100).toFixed(ratio >= 0.9995 || ratio === 0 ? 0 : 1)} %`;
}

export function fmtInt(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en');
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** Time of day with milliseconds, for query rows that arrive many per second. */
export function fmtClock(iso) {
  const d = new Date(iso);
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

// The chain API gives rcodes and qtypes as numbers (dnsjava's); the usual ones get their names.
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const QTYPES = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 65: 'HTTPS' };

export function rcodeName(code) {
  return typeof code === 'string' ? code : RCODES[code] ?? `RCODE${code}`;
}

export function qtypeName(type) {
  return typeof type === 'string' ? type : QTYPES[type] ?? `TYPE${type}`;
}

/** CSS class for an rcode, so NOERROR and NXDOMAIN read at a glance. */
export function rcodeClass(code) {
  const name = rcodeName(code);
  if (name === 'NOERROR') return 'rc rc-ok';
  if (name === 'NXDOMAIN') return 'rc rc-nx';
  return 'rc rc-fail';
}

/** Runs fn now and then every `ms`, never overlapping itself (a slow node must not pile up requests). */
export function every(ms, fn) {
  let stopped = false;
  let timer;
  const tick = async () => {
    try {
      await fn();
    } finally {
      if (!stopped) timer = setTimeout(tick, ms);
    }
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/**
 * A live table's rows, newest first, added once per animation frame in one batch (one layout per frame, however
 * many rows arrived) and capped at `max`. `add(row)` queues a row, `clear()` empties the table and the queue;
 * `render(row)` makes its <tr>, `afterFlush()` runs after each batch (counters).
 */
export function liveRows(tbody, max, render, afterFlush) {
  let pending = [];
  let frameRequested = false;
  function flush() {
    frameRequested = false;
    const fragment = document.createDocumentFragment();
    // Newest first: the fragment is built newest to oldest and goes in on top.
    for (let i = pending.length - 1; i >= 0; i--) fragment.append(render(pending[i]));
    pending = [];
    tbody.prepend(fragment);
    while (tbody.rows.length > max) tbody.lastElementChild.remove();
    afterFlush();
  }
  return {
    add(row) {
      pending.push(row);
      if (pending.length > max) pending.splice(0, pending.length - max);
      if (!frameRequested) {
        frameRequested = true;
        requestAnimationFrame(flush);
      }
    },
    clear() {
      tbody.replaceChildren();
      pending = [];
    },
  };
}
