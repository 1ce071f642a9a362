// Search-domain chains: each lookup a pod's resolver expanded through its search list, drawn as one row of steps.
import { getJson, query, el, fillTable, showError, every, durationMs, fmtMs, fmtInt, fmtTime,
  qtypeName, rcodeName, rcodeClass } from './api.js';

const CHAIN_LIMIT = 200;
const CHAINS_PER_CLIENT = 10;
const box = document.getElementById('chains-by-client');
const error = document.getElementById('chains-error');
let lastRendered = '';

async function refresh() {
  try {
    const [chains, clients, names] = await Promise.all([
      getJson(`/chains${query({ limit: CHAIN_LIMIT })}`),
      getJson(`/chains/clients${query({ limit: 20 })}`),
      getJson(`/chains/names${query({ limit: 20 })}`),
    ]);
    // Redraw only on change: a redraw every few seconds would lose the reader's text selection.
    const snapshot = JSON.stringify([chains, clients, names]);
    if (snapshot !== lastRendered) {
      lastRendered = snapshot;
      renderChains(chains);
      renderStats(document.querySelector('#chain-clients tbody'), clients);
      renderStats(document.querySelector('#chain-names tbody'), names);
    }
    document.getElementById('chains-updated').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
    showError(error, null);
  } catch (e) {
    showError(error, new Error(`Could not load the chains: ${e.message}`));
  }
}

/** One section per client, newest chain first; clients ordered by their newest chain. */
function renderChains(chains) {
  if (chains.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No chains seen yet. A pod looking up a name with fewer dots than ndots produces one.'));
    return;
  }
  const byClient = new Map();
  for (const c of [...chains].sort((a, b) => Date.parse(b.start) - Date.parse(a.start))) {
    if (!byClient.has(c.client)) byClient.set(c.client, []);
    byClient.get(c.client).push(c);
  }
  const sections = [];
  for (const [client, list] of byClient) {
    const wasted = list.reduce((n, c) => n + c.wastedQueries, 0);
    const headingId = `client-${client.replace(/[^a-zA-Z0-9]/g, '-')}`;
    sections.push(el('section', { class: 'card client-chains', 'aria-labelledby': headingId, dataset: { client } },
      el('h3', { id: headingId }, el('span', { class: 'mono' }, client),
        el('span', { class: 'muted' }, ` — ${list.length} chain${list.length === 1 ? '' : 's'}, ${wasted} wasted quer${wasted === 1 ? 'y' : 'ies'}`)),
      el('div', { class: 'scroll' }, el('table', { class: 'chains' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'When'),
          el('th', { scope: 'col' }, 'Lookup'),
          el('th', { scope: 'col' }, 'Steps, in the order asked'),
          el('th', { scope: 'col' }, 'Answered by'),
          el('th', { scope: 'col', class: 'num' }, 'Wasted'),
          el('th', { scope: 'col' }, 'Suggested fix'))),
        el('tbody', {}, list.slice(0, CHAINS_PER_CLIENT).map(renderChain))))));
  }
  box.replaceChildren(...sections);
}

function renderChain(c) {
  const answered = c.answeredStep >= 0 ? c.steps[c.answeredStep] : null;
  return el('tr', { class: 'chain', dataset: { base: c.baseName } },
    el('td', { class: 'mono' }, fmtTime(c.start)),
    el('th', { scope: 'row', class: 'name' }, c.baseName,
      c.namespace ? el('div', { class: 'muted small' }, `namespace ${c.namespace}`) : null),
    el('td', {}, el('ol', { class: 'steps' }, c.steps.map((s, i) => renderStep(s, i === c.answeredStep)))),
    el('td', { class: 'name' }, answered ? answered.name : el('span', { class: 'rc rc-fail' }, 'every step failed')),
    el('td', { class: 'num' }, `${c.wastedQueries} quer${c.wastedQueries === 1 ? 'y' : 'ies'}`,
      el('div', { class: 'muted small' }, fmtMs(durationMs(c.wastedTime)))),
    el('td', { class: 'fix' }, renderFix(c.suggestedFix)));
}

function renderStep(s, answered) {
  const rcode = rcodeName(s.rcode);
  return el('li', { class: answered ? 'step answered' : 'step', title: `${s.kind.toLowerCase().replace('_', ' ')} · +${fmtMs(durationMs(s.offset))} after the first query` },
    el('span', { class: 'step-name' }, s.name),
    el('span', { class: 'step-meta' },
      el('span', { class: 'qtype' }, qtypeName(s.qtype)), ' ',
      el('span', { class: rcodeClass(s.rcode) }, rcode), ' ',
      el('span', { class: 'latency' }, fmtMs(durationMs(s.duration))),
      s.retries ? el('span', { class: 'retries' }, ` ×${s.retries + 1}`) : null,
      answered ? el('span', { class: 'answered-mark', 'aria-label': 'answered' }, ' ✓') : null));
}

/** The detector quotes names in backticks ("use the FQDN with a trailing dot: `www.example.`"): show them as code. */
function renderFix(text) {
  if (!text) return el('span', { class: 'muted' }, '—');
  return el('span', {}, text.split('`').map((part, i) => (i % 2 ? el('code', {}, part) : part)));
}

function renderStats(tbody, stats) {
  const rows = stats.map((s) => el('tr', {},
    el('th', { scope: 'row', class: 'name' }, s.key),
    el('td', { class: 'num' }, fmtInt(s.chains)),
    el('td', { class: 'num' }, fmtInt(s.allFailed)),
    el('td', { class: 'num' }, fmtInt(s.wastedQueries)),
    el('td', { class: 'num' }, s.meanWastedQueries.toFixed(1)),
    el('td', { class: 'num' }, fmtMs(durationMs(s.wastedTime))),
    el('td', {}, fmtTime(s.lastSeen))));
  fillTable(tbody, rows, 'None yet.', 7);
}

every(3000, refresh);
