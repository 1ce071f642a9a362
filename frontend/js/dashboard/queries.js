// The merged live query stream of the chosen nodes, with the node filters sent on and namespace/pod applied by
// the dashboard. Rows flow only from nodes whose query logging is on.
import { apiBase, getJson, query, el, showError, fmtClock, fmtMs, fmtTime, rcodeClass, liveRows } from '../api.js';
import { href } from './live.js';

const MAX_ROWS = 500;
const form = document.getElementById('filters');
const picks = document.getElementById('node-picks');
const tbody = document.querySelector('#queries tbody');
// render and updateCounters are function declarations below (hoisted).
const rows = liveRows(tbody, MAX_ROWS, render, updateCounters);
const status = document.getElementById('stream-status');
const droppedOut = document.getElementById('dropped');
const nodeStatus = document.getElementById('node-status');
const error = document.getElementById('stream-error');
const rowCount = document.getElementById('row-count');
const pauseButton = document.getElementById('pause');

let source = null;
let paused = false;
let held = 0;
let dropped = 0;
const nodes = new Map();   // name -> last node event

function params() {
  const data = new FormData(form);
  const p = {};
  for (const [k, v] of data.entries()) if (k !== 'node') p[k] = String(v).trim();
  p.nodes = data.getAll('node').join(',');
  return p;
}

function open() {
  if (source) source.close();
  // New nodes or filters: the rows shown were chosen by the old ones.
  rows.clear();
  dropped = 0;
  nodes.clear();
  renderNodes();
  updateCounters();
  showError(error, null);
  setStatus('connecting…', '');
  const stream = new EventSource(`${apiBase}/queries/stream${query(params())}`);
  source = stream;
  stream.addEventListener('open', () => setStatus('live', 'ok'));
  stream.addEventListener('error', () => {
    setStatus(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting…', 'bad');
  });
  stream.addEventListener('query', (e) => {
    if (paused) {
      held++;
      updateCounters();
      return;
    }
    rows.add(JSON.parse(e.data));
  });
  stream.addEventListener('node', (e) => {
    const n = JSON.parse(e.data);
    const before = nodes.get(n.name);
    // A later event without a logging object keeps the one known.
    nodes.set(n.name, { ...n, logging: n.logging || (before && before.logging) || null });
    renderNodes();
  });
  stream.addEventListener('dropped', (e) => {
    dropped = JSON.parse(e.data).dropped;
    updateCounters();
  });
}

function setStatus(text, kind) {
  status.textContent = text;
  status.className = `badge ${kind}`;
}

function renderNodes() {
  if (nodes.size === 0) {
    nodeStatus.replaceChildren(el('li', { class: 'muted' }, 'waiting for the nodes…'));
    return;
  }
  nodeStatus.replaceChildren(...[...nodes.values()].sort((a, b) => a.name.localeCompare(b.name)).map((n) => {
    const l = n.logging;
    const logging = !l ? 'logging unknown'
      : l.enabled ? `logging on (${l.mode === 'corefile' ? 'Corefile log blocks' : 'all blocks'}${l.until ? `, until ${fmtTime(l.until)}` : ''})`
        : 'logging off: no rows';
    return el('li', { dataset: { node: n.name, connected: String(n.connected) } },
      el('span', { class: 'node-tag' }, n.name), ' ',
      el('span', { class: n.connected ? 'badge ok' : 'badge bad' }, n.connected ? 'connected' : 'disconnected'), ' ',
      el('span', { class: l && l.enabled ? '' : 'muted' }, logging),
      n.error ? el('span', { class: 'error small' }, ` ${n.error}`) : null);
  }));
}

function render(q) {
  const who = q.pod
    ? el('a', { href: href(`/pods/${encodeURIComponent(q.namespace)}/${encodeURIComponent(q.pod)}`) }, `${q.namespace}/${q.pod}`)
    : el('a', { href: href(`/clients/${encodeURIComponent(q.client)}`), class: 'muted' }, 'unknown');
  return el('tr', { title: q.line, dataset: { node: q.node } },
    el('td', { class: 'mono' }, fmtClock(q.time)),
    el('td', {}, el('span', { class: 'node-tag' }, q.node)),
    el('td', { class: 'name' }, who),
    el('td', { class: 'mono' }, q.client),
    el('td', { class: 'name' }, q.name),
    el('td', {}, q.type),
    el('td', {}, el('span', { class: rcodeClass(q.rcode) }, q.rcode)),
    el('td', {}, el('span', { class: `cache cache-${q.cache}` }, q.cache)),
    el('td', { class: 'num' }, fmtMs(q.durationMs)));
}

function updateCounters() {
  const parts = [];
  if (dropped) parts.push(`${dropped} row${dropped === 1 ? '' : 's'} dropped (this view or a node fell behind)`);
  if (paused) parts.push(`paused: ${held} row${held === 1 ? '' : 's'} not shown`);
  droppedOut.textContent = parts.join(' · ');
  rowCount.textContent = `${tbody.rows.length} row${tbody.rows.length === 1 ? '' : 's'} shown (at most ${MAX_ROWS}, newest first)`;
}

async function loadNodes() {
  try {
    const list = await getJson('/nodes');
    picks.replaceChildren(el('legend', { class: 'muted' }, 'Nodes (none ticked = all)'),
      ...list.map((n) => el('label', { class: 'check' },
        el('input', { type: 'checkbox', name: 'node', value: n.name, disabled: n.state === 'gone' }),
        ` ${n.name}`, n.state !== 'ready' ? el('span', { class: 'muted' }, ` (${n.state})`) : null)));
  } catch (e) {
    showError(error, new Error(`Could not list the nodes: ${e.message}`));
  }
}

pauseButton.addEventListener('click', () => {
  paused = !paused;
  held = 0;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  updateCounters();
});
document.getElementById('clear').addEventListener('click', () => {
  tbody.replaceChildren();
  updateCounters();
});
let typing;
form.addEventListener('input', (e) => {
  clearTimeout(typing);
  typing = setTimeout(open, e.target.type === 'text' || e.target.tagName === 'INPUT' && e.target.type !== 'checkbox' ? 400 : 0);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  open();
});
window.addEventListener('pagehide', () => source && source.close());

loadNodes().then(open);
