// Pods ranked by the queries their search lists waste, cluster-wide, and the names that waste the most.
import { getJson, query, el, fillTable, showError, every, durationMs, fmtMs, fmtInt, fmtTime } from '../api.js';
import { href } from './live.js';

const form = document.getElementById('pod-filters');
const error = document.getElementById('pods-error');
const namespaces = new Set();
let lastRendered = '';

function filters() {
  return {
    window: document.getElementById('pods-window').value,
    namespace: document.getElementById('pods-namespace').value.trim(),
  };
}

function covers(c) {
  return c ? `data from ${c.nodes} of ${c.of} node${c.of === 1 ? '' : 's'}` : '';
}

async function refresh() {
  const f = filters();
  try {
    const [pods, names] = await Promise.all([
      getJson(`/pods${query({ ...f, limit: 100 })}`),
      getJson(`/names${query({ ...f, limit: 20 })}`),
    ]);
    showError(error, null);
    // Redraw only on change: a redraw every few seconds would lose the reader's text selection.
    const snapshot = JSON.stringify([pods, names]);
    if (snapshot === lastRendered) return;
    lastRendered = snapshot;
    document.getElementById('pods-covers').textContent = `${covers(pods.covers)}, last ${pods.window}`;
    document.getElementById('names-covers').textContent = `— ${covers(names.covers)}`;
    renderPods(pods.pods);
    renderNames(names.names);
  } catch (e) {
    showError(error, new Error(`Could not load the pods: ${e.message}`));
  }
}

function renderPods(pods) {
  for (const p of pods) {
    if (p.namespace && !namespaces.has(p.namespace)) {
      namespaces.add(p.namespace);
      document.getElementById('namespaces').append(el('option', { value: p.namespace }));
    }
  }
  const rows = pods.map((p) => {
    const who = p.pod
      ? el('a', { href: href(p.link), class: 'pod-link' }, p.pod)
      : el('span', {}, el('a', { href: href(p.link), class: 'pod-link mono' }, p.ip),
        el('span', { class: 'muted unattributed' }, ' no known pod'));
    return el('tr', { dataset: { pod: p.pod ? `${p.namespace}/${p.pod}` : '', ip: p.ip } },
      el('td', { class: 'name' }, who, p.hostNetwork ? el('span', { class: 'muted' }, ' (host network)') : null,
        p.pod ? el('span', { class: 'muted small' }, ` ${p.ip}`) : null),
      el('td', {}, p.namespace || '—', p.pod ? null : el('span', { class: 'muted small' }, ' (from its search list)')),
      el('td', {}, el('span', { class: 'node-tag' }, p.node || '—')),
      el('td', { class: 'num' }, fmtInt(p.chains)),
      el('td', { class: 'num' }, fmtInt(p.allFailed)),
      el('td', { class: 'num' }, fmtInt(p.wastedQueries)),
      el('td', { class: 'num' }, fmtMs(durationMs(p.wastedTime))),
      el('td', {}, fmtTime(p.lastSeen)));
  });
  fillTable(document.querySelector('#pods tbody'), rows,
    'No search-domain chains in this window. A pod looking up a name with fewer dots than ndots makes one.', 8);
}

function renderNames(names) {
  const rows = names.map((n) => el('tr', {},
    el('td', { class: 'name' }, n.name),
    el('td', { class: 'name' }, n.answeredAs || el('span', { class: 'muted' }, 'never answered')),
    el('td', { class: 'num' }, fmtInt(n.chains)),
    el('td', { class: 'num' }, fmtInt(n.wastedQueries)),
    el('td', { class: 'num' }, fmtInt(n.pods))));
  fillTable(document.querySelector('#names tbody'), rows, 'No wasted names in this window.', 5);
}

let typing;
form.addEventListener('input', (e) => {
  clearTimeout(typing);
  typing = setTimeout(refresh, e.target.tagName === 'SELECT' ? 0 : 400);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
every(5000, refresh);
