// Cluster overview: totals, a QPS trend accumulated from the live overview events, and a card per node with its
// state, figures and its own query-logging switch (plus one for all nodes).
import uPlot from 'uplot';
import { putJson, el, fillTable, showError, fmtPct, fmtInt, fmtTime } from '../api.js';
import { onOverview, startFeed, href } from './live.js';

/** How much trend the page keeps: ten minutes of refreshes. */
const TREND_MS = 10 * 60 * 1000;
const COLORS = ['#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5'];

const grid = document.getElementById('nodes');
/** Why this user may not switch logging (a viewer), or undefined; the server refuses them anyway (403). */
const switchDenied = document.body.dataset.switchDenied || undefined;
const cards = new Map();   // node name -> { root, parts, logging }

// ---- totals ----

function coversText(c) {
  if (!c) return '';
  return `covers ${c.nodes} of ${c.of} node${c.of === 1 ? '' : 's'}`;
}

function renderTotals(o) {
  const t = o.totals;
  document.getElementById('total-qps').textContent = t.qps.toFixed(t.qps >= 100 ? 0 : 1);
  document.getElementById('total-hit').textContent = fmtPct(t.hitRatio, t.queries);
  document.getElementById('total-split').textContent =
    `${fmtPct(t.successHitRatio, t.queries)} / ${fmtPct(t.denialHitRatio, t.queries)}`;
  document.getElementById('total-nx').textContent = fmtPct(t.nxdomainShare, t.queries);
  document.getElementById('total-waste').textContent =
    t.wastedPerLookup === null || t.wastedPerLookup === undefined ? '—' : t.wastedPerLookup.toFixed(2);
  document.getElementById('total-waste-sub').textContent =
    `${fmtInt(t.wastedQueries)} wasted in ${fmtInt(t.chains)} search chains · ${coversText(t.covers)}`;
  for (const sub of document.querySelectorAll('.tile-sub.covers')) sub.textContent = coversText(t.covers);
  const qpsSub = document.querySelector('.tile-sub.covers[data-for="qps"]');
  qpsSub.textContent = `${fmtInt(t.queries)} queries in the last minute · ${coversText(t.covers)}`;
  document.getElementById('totals-covers').textContent =
    `each node's last minute, ${coversText(t.covers)}; ${fmtInt(o.pods.known)} pods known`;
}

// ---- trend chart ----

const chartBox = document.getElementById('qps-chart');
let chart = null;
let chartNodes = [];
const trend = [];          // { t, total, perNode: Map }
let lastRefresh = null;

function renderTrend(o) {
  if (o.refreshedAt === lastRefresh) return;
  lastRefresh = o.refreshedAt;
  const perNode = new Map(o.nodes.filter((n) => !n.stale && n.state !== 'gone' && n.state !== 'unreachable')
    .map((n) => [n.name, n.qps]));
  const t = Date.parse(o.refreshedAt);
  trend.push({ t, total: o.totals.qps, perNode });
  while (trend.length && trend[0].t < t - TREND_MS) trend.shift();
  const names = o.nodes.map((n) => n.name);
  if (!chart || names.join() !== chartNodes.join()) {
    chartNodes = names;
    if (chart) chart.destroy();
    chart = new uPlot({
      width: Math.max(320, chartBox.clientWidth),
      height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { label: 'queries per second', size: 55 }],
      series: [{}, { label: 'cluster', stroke: '#2563eb', width: 2.5 },
        ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.25, dash: [4, 3] }))],
    }, data(), chartBox);
  } else {
    chart.setData(data());
  }
}

function data() {
  return [
    trend.map((p) => p.t / 1000),
    trend.map((p) => p.total),
    ...chartNodes.map((n) => trend.map((p) => (p.perNode.has(n) ? p.perNode.get(n) : null))),
  ];
}

new ResizeObserver(() => chart && chart.setSize({ width: Math.max(320, chartBox.clientWidth), height: 220 }))
  .observe(chartBox);

// ---- node cards ----

function durationSelect() {
  return el('select', { class: 'logging-duration' },
    el('option', { value: '5m' }, '5 min'),
    el('option', { value: '15m', selected: true }, '15 min'),
    el('option', { value: '1h' }, '1 hour'),
    el('option', { value: '0' }, 'never'));
}

function formatSelect() {
  return el('select', { class: 'logging-format' },
    el('option', { value: 'coredns' }, 'CoreDNS'),
    el('option', { value: 'json' }, 'JSON'));
}

function figure(label, cls) {
  const dd = el('dd', { class: cls });
  return { dt: el('dt', {}, label), dd };
}

function createCard(name) {
  const p = {};
  p.state = el('span', { class: 'node-state badge' });
  p.stale = el('span', { class: 'stale-mark badge', hidden: true, title: 'these figures are from an earlier refresh' }, 'stale');
  p.console = el('a', { class: 'console-link', target: '_blank', rel: 'noopener' }, 'node console ↗');
  p.error = el('p', { class: 'node-error error', role: 'alert', hidden: true });
  const figs = [
    ['QPS', 'fig-qps'], ['Hit ratio', 'fig-hit'], ['Success / denial hits', 'fig-split'], ['NXDOMAIN share', 'fig-nx'],
    ['Cache entries', 'fig-entries'], ['Upstreams', 'fig-upstreams'], ['Version', 'fig-version'],
    ['Last seen', 'fig-seen'], ['Data span', 'fig-span'], ['Reached at', 'fig-target'],
  ].map(([label, cls]) => figure(label, cls));
  for (const f of figs) p[f.dd.className] = f.dd;
  p.logging = el('output', { class: 'logging-state', 'aria-live': 'polite' }, '…');
  p.left = el('span', { class: 'logging-left muted' });
  p.duration = durationSelect();
  p.format = formatSelect();
  p.toggle = el('button', { type: 'button', class: 'logging-toggle', title: switchDenied }, 'Switch on');
  p.denied = el('p', { class: 'switch-denied muted small', hidden: !switchDenied }, switchDenied || '');
  p.reported = el('p', { class: 'logging-reported muted small' });
  p.toggleError = el('p', { class: 'logging-error error', role: 'alert', hidden: true });
  const root = el('article', { class: 'node-card card', dataset: { node: name }, 'aria-labelledby': `node-${name}` },
    el('header', { class: 'node-head' },
      el('h3', { id: `node-${name}` }, name), p.state, p.stale, p.console),
    p.error,
    el('dl', { class: 'figures' }, figs.map((f) => el('div', {}, f.dt, f.dd))),
    el('section', { class: 'node-logging', 'aria-label': `Query logging on ${name}` },
      el('div', { class: 'logging-line' }, el('span', { class: 'label' }, 'Query logging '), p.logging, ' ', p.left),
      el('div', { class: 'logging-controls' },
        el('label', {}, 'auto-off ', p.duration),
        el('label', {}, 'format ', p.format),
        p.toggle),
      p.denied, p.reported, p.toggleError));
  const card = { root, p, logging: null, node: null };
  p.toggle.addEventListener('click', () => toggle(card));
  return card;
}

function stateText(n) {
  return { ready: 'ready', 'not-ready': 'not ready', unreachable: 'unreachable', gone: 'gone' }[n.state] || n.state;
}

function span(n) {
  const parts = [];
  if (n.coversSeconds !== null && n.coversSeconds !== undefined) parts.push(`figures over ${n.coversSeconds} s`);
  parts.push(n.chainsSince ? `chains since ${fmtTime(n.chainsSince)}` : 'no chains held');
  const missed = n.chainsMissed ?? n.chainGaps;
  if (missed) parts.push(`${missed} chains missed`);
  return parts.join(' · ');
}

function renderCard(card, n) {
  const { p } = card;
  card.node = n;
  card.root.dataset.state = n.state;
  card.root.dataset.stale = String(n.stale);
  p.state.textContent = stateText(n);
  p.state.className = `node-state badge state-${n.state}`;
  p.stale.hidden = !n.stale;
  p.error.hidden = !n.error;
  p.error.textContent = n.error ? `Last refresh failed: ${n.error}` : '';
  if (n.console) {
    p.console.href = n.console;
    p.console.hidden = false;
  } else {
    p.console.hidden = true;
  }
  const answered = n.lastSeen !== null && n.lastSeen !== undefined;
  p['fig-qps'].textContent = answered && n.qps !== null ? n.qps.toFixed(1) : '—';
  p['fig-hit'].textContent = answered ? fmtPct(n.hitRatio, n.queries) : '—';
  p['fig-split'].textContent = answered ? `${fmtPct(n.successHitRatio, n.queries)} / ${fmtPct(n.denialHitRatio, n.queries)}` : '—';
  p['fig-nx'].textContent = answered ? fmtPct(n.nxdomainShare, n.queries) : '—';
  p['fig-entries'].textContent = n.cacheEntries ? `${fmtInt(n.cacheEntries.success)} success, ${fmtInt(n.cacheEntries.denial)} denial` : '—';
  if (n.upstreams) {
    p['fig-upstreams'].textContent = `${n.upstreams.healthy}/${n.upstreams.total} healthy`;
    p['fig-upstreams'].className = `fig-upstreams ${n.upstreams.healthy < n.upstreams.total ? 'warn' : ''}`;
  } else {
    p['fig-upstreams'].textContent = '—';
  }
  p['fig-version'].textContent = n.version || '—';
  p['fig-seen'].textContent = answered ? fmtTime(n.lastSeen) : 'never';
  p['fig-span'].textContent = span(n);
  p['fig-target'].textContent = n.target + (n.pod ? ` (pod ${n.pod})` : '');
  p.toggle.disabled = n.state === 'gone' || Boolean(switchDenied);
  if (n.logging) applyLogging(card, n.logging, false);
}

/**
 * Shows a logging state. A refresh that started before a switch can carry the older state: the node's
 * 'changed' time orders them, so an older one never overwrites what the node reported back to the switch.
 */
function applyLogging(card, state, fromSwitch) {
  const cur = card.logging;
  if (!fromSwitch && cur && cur.changed && state.changed && Date.parse(state.changed) < Date.parse(cur.changed)) return;
  card.logging = state;
  const { p } = card;
  p.logging.dataset.enabled = String(state.enabled);
  p.logging.dataset.mode = state.mode || '';
  p.logging.dataset.format = state.format || '';
  p.logging.dataset.until = state.until || '';
  p.logging.textContent = state.enabled
    ? `on · ${state.format}${state.mode === 'corefile' ? ' · Corefile log blocks' : ''}`
    : 'off';
  p.toggle.textContent = state.enabled ? 'Switch off' : 'Switch on';
  p.toggle.setAttribute('aria-pressed', String(state.enabled));
  updateLeft(card);
}

function updateLeft(card) {
  const s = card.logging;
  if (!s) return;
  let text = '';
  if (s.enabled && s.until) {
    const ms = Date.parse(s.until) - Date.now();
    text = ms > 0 ? `auto-off in ${clock(ms)} (at ${fmtTime(s.until)})` : `auto-off due at ${fmtTime(s.until)}`;
  } else if (s.enabled) {
    text = 'no auto-off';
  }
  card.p.left.textContent = text;
}

function clock(ms) {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

function bodyFor(enabled, duration, format) {
  return enabled ? { enabled: true, duration, format } : { enabled: false };
}

async function toggle(card) {
  const { p } = card;
  const name = card.root.dataset.node;
  const enabled = !(card.logging && card.logging.enabled);
  p.toggle.disabled = true;
  showError(p.toggleError, null);
  p.reported.textContent = 'asking the node…';
  try {
    const state = await putJson(`/nodes/${encodeURIComponent(name)}/logging`, bodyFor(enabled, p.duration.value, p.format.value));
    applyLogging(card, state, true);
    p.reported.textContent = `${name} reported back at ${fmtTime(new Date().toISOString())}: logging ${state.enabled ? 'on' : 'off'}`
      + (state.enabled ? `, ${state.format}, ${state.until ? `until ${fmtTime(state.until)}` : 'no auto-off'}` : '');
  } catch (e) {
    p.reported.textContent = '';
    showError(p.toggleError, new Error(`Could not switch logging ${enabled ? 'on' : 'off'}: ${e.message}`));
  } finally {
    p.toggle.disabled = (card.node && card.node.state === 'gone') || Boolean(switchDenied);
  }
}

// ---- all nodes ----

const allResults = document.getElementById('all-results');

async function toggleAll(enabled) {
  const buttons = [document.getElementById('all-on'), document.getElementById('all-off')];
  buttons.forEach((b) => { b.disabled = true; });
  allResults.replaceChildren(el('li', { class: 'muted' }, 'asking every node…'));
  try {
    const body = bodyFor(enabled, document.getElementById('all-duration').value, document.getElementById('all-format').value);
    const outcomes = await putJson('/logging', body);
    allResults.replaceChildren(...outcomes.map((r) => {
      const card = cards.get(r.name);
      if (r.ok && r.logging && card) applyLogging(card, r.logging, true);
      return el('li', { class: r.ok ? 'outcome ok' : 'outcome bad', dataset: { node: r.name } },
        el('strong', {}, r.name), ': ',
        r.ok
          ? `logging ${r.logging.enabled ? `on (${r.logging.format}${r.logging.until ? `, until ${fmtTime(r.logging.until)}` : ''})` : 'off'}`
          : `failed${r.status ? ` (${r.status})` : ''}: ${r.error}`);
    }));
    if (outcomes.length === 0) allResults.replaceChildren(el('li', { class: 'muted' }, 'No node to switch.'));
  } catch (e) {
    allResults.replaceChildren(el('li', { class: 'outcome bad' }, `Could not switch: ${e.message}`));
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

if (switchDenied) {
  for (const b of [document.getElementById('all-on'), document.getElementById('all-off')]) {
    b.disabled = true;
    b.title = switchDenied;
  }
  document.getElementById('all-logging').after(el('p', { class: 'switch-denied muted small', id: 'all-denied' }, switchDenied));
}

document.getElementById('all-on').addEventListener('click', () => toggleAll(true));
document.getElementById('all-off').addEventListener('click', () => toggleAll(false));

// ---- busiest clients ----

/** A client by its pod (linked to the pod's page), "host network on NODE", or its IP when no pod is known. */
function clientCell(c) {
  if (c.pod) return el('a', { href: href(c.link), class: 'pod-link' }, c.pod);
  if (c.hostNetwork) return el('span', {}, `host network on ${c.node || '?'}`);
  return el('a', { href: href(c.link), class: 'pod-link mono' }, c.ip);
}

function renderClients(o) {
  const rows = (o.topClients || []).map((c) => el('tr', {},
    el('td', {}, clientCell(c)),
    el('td', {}, c.namespace || '—'),
    el('td', { class: 'mono' }, c.ip),
    el('td', { class: 'num' }, fmtInt(c.queries)),
    el('td', { class: 'num' }, fmtInt(c.nodes))));
  fillTable(document.querySelector('#top-clients tbody'), rows, 'No queries counted yet.', 5);
  document.getElementById('clients-covers').textContent =
    `by queries since each node started · ${coversText(o.totals.covers)}`;
}

// ---- wiring ----

function renderNodes(nodes) {
  if (nodes.length === 0) {
    grid.replaceChildren(el('p', { class: 'muted' }, 'No nodes listed.'));
    cards.clear();
    return;
  }
  if (cards.size === 0) grid.replaceChildren();
  const names = new Set(nodes.map((n) => n.name));
  for (const [name, card] of cards) {
    if (!names.has(name)) {
      card.root.remove();
      cards.delete(name);
    }
  }
  nodes.forEach((n, i) => {
    let card = cards.get(n.name);
    if (!card) {
      card = createCard(n.name);
      cards.set(n.name, card);
    }
    renderCard(card, n);
    // Keep the API's name order; move a card only when it is out of place (moving closes an open select).
    if (grid.children[i] !== card.root) grid.insertBefore(card.root, grid.children[i] || null);
  });
}

onOverview((o) => {
  renderTotals(o);
  renderTrend(o);
  renderNodes(o.nodes);
  renderClients(o);
});
setInterval(() => cards.forEach(updateLeft), 1000);
startFeed();
