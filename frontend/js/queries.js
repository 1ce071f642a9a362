// Live queries: the node's query stream (Server-Sent Events) in a bounded table, with filters and pause.
import { apiBase, bus, publishLogging, getJson, query, el, showError, fmtClock, fmtMs, rcodeClass, liveRows } from './api.js';

/** Rows kept in the table: a busy node sends thousands a second, and a longer table only slows the page. */
const MAX_ROWS = 500;
/** Rows kept while paused; past this the oldest are dropped (and counted). */
const MAX_BUFFERED = 5000;
/** Rows shown from the recent-queries ring when the page opens or a filter changes. */
const BACKFILL = 100;

const form = document.getElementById('filters');
const tbody = document.querySelector('#queries tbody');
// render and updateCounters are function declarations below (hoisted).
const rows = liveRows(tbody, MAX_ROWS, render, updateCounters);
const status = document.getElementById('stream-status');
const pauseButton = document.getElementById('pause');
const buffered = document.getElementById('buffered');
const hint = document.getElementById('logging-hint');
const error = document.getElementById('stream-error');
const rowCount = document.getElementById('row-count');

let source = null;
let generation = 0;     // bumps on every (re)open, so a late backfill of an old filter is ignored
let lastSeq = -1;       // highest sequence shown: the stream and the backfill overlap
let paused = false;
let held = [];          // rows that arrived while paused
let heldDropped = 0;
let serverDropped = 0;

function filters() {
  const data = new FormData(form);
  return Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v).trim()]));
}

/**
 * (Re)opens the stream for the current filters (the server filters, so only matching rows cross the wire), then
 * fills the table from the recent-queries ring. The stream opens first and its early rows wait for the backfill:
 * opened the other way round, rows logged in between would be in neither.
 */
function open() {
  if (source) source.close();
  const mine = ++generation;
  rows.clear();
  held = [];
  heldDropped = 0;
  serverDropped = 0;
  lastSeq = -1;
  updateCounters();
  const f = filters();
  setStatus('connecting…', '');
  let early = [];
  const stream = new EventSource(`${apiBase}/queries/stream${query(f)}`);
  source = stream;
  stream.addEventListener('open', () => setStatus('live', 'ok'));
  stream.addEventListener('error', () => {
    // EventSource reconnects by itself; the sequence check in accept() keeps rows from doubling.
    setStatus(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting…', 'bad');
  });
  stream.addEventListener('query', (e) => {
    const row = JSON.parse(e.data);
    if (early) early.push(row); else accept(row);
  });
  stream.addEventListener('logging', (e) => publishLogging(JSON.parse(e.data)));
  stream.addEventListener('dropped', (e) => {
    serverDropped = JSON.parse(e.data).dropped;
    updateCounters();
  });
  getJson(`/queries${query({ ...f, limit: BACKFILL })}`).then((page) => {
    if (mine !== generation) return;
    showError(error, null);
    page.queries.forEach(accept);
    early.forEach(accept);
    early = null;
  }, (e) => {
    if (mine !== generation) return;
    // A bad filter (an unknown qtype, say) comes back as a problem detail: say so, and stop streaming.
    stream.close();
    showError(error, e);
    setStatus('stopped', 'bad');
  });
}

function setStatus(text, kind) {
  status.textContent = text;
  status.className = `badge ${kind}`;
}

function accept(row) {
  if (row.seq <= lastSeq) return;
  lastSeq = row.seq;
  if (paused) {
    held.push(row);
    if (held.length > MAX_BUFFERED) {
      held.shift();
      heldDropped++;
    }
    updateCounters();
    return;
  }
  rows.add(row);
}

function render(q) {
  return el('tr', { title: q.line, dataset: { seq: q.seq } },
    el('td', { class: 'mono' }, fmtClock(q.time)),
    el('td', { class: 'mono' }, q.client),
    el('td', { class: 'name' }, q.name),
    el('td', {}, q.type),
    el('td', {}, q.proto),
    el('td', {}, el('span', { class: rcodeClass(q.rcode) }, q.rcode)),
    el('td', {}, el('span', { class: `cache cache-${q.cache}` }, q.cache)),
    el('td', { class: 'num' }, fmtMs(q.durationMs)),
    el('td', { class: 'mono' }, q.server),
    el('td', { class: 'mono' }, q.upstream || ''));
}

function updateCounters() {
  const parts = [];
  if (paused) parts.push(`paused: ${held.length} new row${held.length === 1 ? '' : 's'} held`);
  if (heldDropped) parts.push(`${heldDropped} dropped while paused`);
  if (serverDropped) parts.push(`${serverDropped} not sent (this view fell behind)`);
  buffered.textContent = parts.join(' · ');
  rowCount.textContent = `${tbody.rows.length} row${tbody.rows.length === 1 ? '' : 's'} shown (at most ${MAX_ROWS}, newest first)`;
}

pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  if (!paused) {
    held.forEach((row) => rows.add(row));
    held = [];
    heldDropped = 0;
  }
  updateCounters();
});

document.getElementById('clear').addEventListener('click', () => {
  tbody.replaceChildren();
  updateCounters();
});

// Typing in a text filter reopens the stream once the typing pauses; selects reopen at once.
let typing;
form.addEventListener('input', (e) => {
  clearTimeout(typing);
  typing = setTimeout(open, e.target.tagName === 'SELECT' ? 0 : 400);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  open();
});

bus.addEventListener('logging', (e) => {
  hint.hidden = e.detail.enabled;
});
hint.hidden = document.getElementById('logging-state').dataset.enabled === 'true';

window.addEventListener('pagehide', () => source && source.close());
open();
