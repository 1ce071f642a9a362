// Overview: cache figures per server block over a window, a live per-second chart, upstreams, tops, rcodes.
import uPlot from 'uplot';
import { getJson, query, el, fillTable, showError, every, fmtPct, fmtMs, fmtInt, rcodeClass } from './api.js';

const SERIES_SECONDS = 300;
const picker = document.getElementById('window-picker');
const error = document.getElementById('stats-error');
let windowName = picker.querySelector('input:checked').value;

// ---- figures over the chosen window (every 2 s) ----

async function refreshStats() {
  try {
    const stats = await getJson(`/stats${query({ window: windowName })}`);
    renderTiles(stats.figures);
    renderCaches(stats.figures.caches);
    renderUpstreams(stats.upstreams);
    renderRcodes(stats.figures.rcodes);
    renderCounts(document.querySelector('#top-names tbody'), stats.topNames, 'No queries yet.');
    renderCounts(document.querySelector('#top-clients tbody'), stats.topClients, 'No queries yet.');
    document.getElementById('stats-updated').textContent = `over ${stats.figures.seconds} s, updated ${new Date().toLocaleTimeString('en-GB')}`;
    showError(error, null);
  } catch (e) {
    showError(error, new Error(`Could not load the figures: ${e.message}`));
  }
}

function renderTiles(f) {
  // The hit ratio over every store of every block: answers served from the cache / answers the cache was asked for.
  let hits = 0;
  let misses = 0;
  let successHits = 0;
  let denialHits = 0;
  for (const c of f.caches) {
    successHits += c.successHits;
    denialHits += c.denialHits;
    misses += c.misses;
  }
  hits = successHits + denialHits;
  const asked = hits + misses;
  document.getElementById('hit-ratio').textContent = fmtPct(asked ? hits / asked : NaN, asked);
  document.getElementById('hit-ratio-sub').textContent =
    `${fmtInt(successHits)} success + ${fmtInt(denialHits)} denial hits, ${fmtInt(misses)} misses`;
  document.getElementById('qps').textContent = f.qps.toFixed(f.qps >= 100 ? 0 : 2);
  document.getElementById('queries-total').textContent = `${fmtInt(f.queries)} queries`;
  document.getElementById('mean-latency').textContent = f.queries ? fmtMs(f.meanLatencyMs) : '—';
  const o = f.outcomes;
  document.getElementById('outcomes').textContent =
    `${fmtInt(o.hit)} hit · ${fmtInt(o.miss)} miss · ${fmtInt(o.stale)} stale · ${fmtInt(o.prefetch)} prefetch`;
}

function renderCaches(caches) {
  const tbody = document.querySelector('#caches tbody');
  const rows = caches.map((c) => el('tr', {},
    el('th', { scope: 'row' }, c.zone),
    el('td', { class: 'num' }, fmtPct(c.successHitRatio, c.successHits + c.misses)),
    el('td', { class: 'num' }, fmtPct(c.denialHitRatio, c.denialHits + c.misses)),
    el('td', { class: 'num' }, fmtInt(c.successHits + c.denialHits)),
    el('td', { class: 'num' }, fmtInt(c.misses)),
    el('td', { class: 'num' }, fmtInt(c.stale)),
    el('td', { class: 'num' }, fmtInt(c.prefetches)),
    el('td', { class: 'num' }, fmtInt(c.evictions)),
    el('td', { class: 'num' }, fmtInt(c.successEntries)),
    el('td', { class: 'num' }, fmtInt(c.denialEntries))));
  fillTable(tbody, rows, 'No server block caches.', 10);
}

function renderUpstreams(upstreams) {
  const tbody = document.querySelector('#upstreams tbody');
  const rows = upstreams.map((u) => el('tr', {},
    el('th', { scope: 'row' }, u.address),
    el('td', {}, el('span', { class: u.healthy ? 'badge ok' : 'badge bad' },
      u.healthy ? 'healthy' : `down (${u.consecutiveFails} fails)`)),
    el('td', { class: 'num' }, fmtInt(u.queries)),
    el('td', { class: 'num' }, fmtInt(u.failures)),
    el('td', { class: 'num' }, u.queries ? fmtMs(u.p50Ms) : '—'),
    el('td', { class: 'num' }, u.queries ? fmtMs(u.p90Ms) : '—'),
    el('td', { class: 'num' }, u.queries ? fmtMs(u.p99Ms) : '—'),
    el('td', { class: 'num' }, u.queries ? fmtMs(u.lastRttMs) : '—')));
  fillTable(tbody, rows, 'No upstreams.', 8);
}

function renderRcodes(rcodes) {
  const tbody = document.querySelector('#rcodes tbody');
  const entries = Object.entries(rcodes).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((n, [, v]) => n + v, 0);
  const rows = entries.map(([code, n]) => el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: rcodeClass(code) }, code)),
    el('td', { class: 'num' }, fmtInt(n)),
    el('td', {}, el('span', { class: 'bar', style: `--share:${total ? n / total : 0}` }, fmtPct(n / total, total)))));
  fillTable(tbody, rows, 'No answers yet.', 3);
}

function renderCounts(tbody, counts, emptyText) {
  const rows = counts.map((c) => el('tr', {}, el('td', { class: 'name' }, c.key), el('td', { class: 'num' }, fmtInt(c.count))));
  fillTable(tbody, rows, emptyText, 2);
}

// ---- live chart (every second) ----

const chartBox = document.getElementById('series-chart');
const chart = new uPlot({
  width: Math.max(320, chartBox.clientWidth),
  height: 220,
  cursor: { drag: { x: false, y: false } },
  scales: { x: { time: true } },
  axes: [{}, { label: 'per second', size: 50 }],
  series: [
    {},
    { label: 'queries', stroke: '#2563eb', width: 2 },
    { label: 'hits', stroke: '#16a34a', width: 1.5 },
    { label: 'misses', stroke: '#d97706', width: 1.5 },
    { label: 'NXDOMAIN', stroke: '#dc2626', width: 1.5, dash: [4, 3] },
  ],
}, [[], [], [], [], []], chartBox);

new ResizeObserver(() => chart.setSize({ width: Math.max(320, chartBox.clientWidth), height: 220 })).observe(chartBox);

async function refreshSeries() {
  try {
    const points = await getJson(`/stats/series${query({ seconds: SERIES_SECONDS })}`);
    chart.setData([
      points.map((p) => p.epochMillis / 1000),
      points.map((p) => p.queries),
      points.map((p) => p.hits),
      points.map((p) => p.misses),
      points.map((p) => p.nxdomain),
    ]);
  } catch (e) {
    showError(error, new Error(`Could not load the series: ${e.message}`));
  }
}

picker.addEventListener('change', (e) => {
  windowName = e.target.value;
  refreshStats();
});

every(2000, refreshStats);
every(1000, refreshSeries);
