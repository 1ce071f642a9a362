// One pod's (or one unattributed client IP's) search-domain chains across the cluster, its worst names, and the fix.
import { apiBase, query, el, fillTable, showError, every, durationMs, fmtMs, fmtInt, fmtTime,
  qtypeName, rcodeName, rcodeClass } from '../api.js';

const CHAINS_SHOWN = 50;
const main = document.getElementById('main');
const { namespace, pod, ip } = main.dataset;
const path = pod
  ? `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/chains`
  : `/clients/${encodeURIComponent(ip)}/chains`;
const error = document.getElementById('pod-error');
const content = document.getElementById('pod-content');
const none = document.getElementById('no-chains');
let lastRendered = '';

async function refresh() {
  const windowName = document.getElementById('pod-window').value;
  try {
    const response = await fetch(`${apiBase}${path}${query({ window: windowName })}`, { headers: { Accept: 'application/json' } });
    if (response.status === 404) {
      content.hidden = true;
      none.hidden = false;
      none.querySelector('h2').textContent = `No chains from this ${pod ? 'pod' : 'client'} in the last ${windowName === '1h' ? 'hour' : windowName}`;
      showError(error, null);
      lastRendered = '';
      return;
    }
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      try { detail = (await response.json()).detail || detail; } catch (ignored) { /* keep the status */ }
      throw new Error(detail);
    }
    const data = await response.json();
    showError(error, null);
    none.hidden = true;
    content.hidden = false;
    const snapshot = JSON.stringify(data);
    if (snapshot === lastRendered) return;
    lastRendered = snapshot;
    render(data);
  } catch (e) {
    showError(error, new Error(`Could not load the chains: ${e.message}`));
  }
}

function render(d) {
  const s = d.summary || {};
  document.getElementById('pod-summary').textContent =
    `${(d.ips || []).join(', ')} on ${d.node || 'an unknown node'}${d.hostNetwork ? ' (host network)' : ''} · `
    + `${fmtInt(s.chains ?? d.chains.length)} chains, ${fmtInt(s.wastedQueries)} wasted queries`
    + (s.wastedTime ? ` (${fmtMs(durationMs(s.wastedTime))})` : '')
    + (d.covers ? ` · data from ${d.covers.nodes} of ${d.covers.of} nodes` : '');
  renderFix(d.fix);
  fillTable(document.querySelector('#worst-names tbody'), (d.worstNames || []).map((n) => el('tr', {},
    el('td', { class: 'name' }, n.name),
    el('td', { class: 'name' }, n.answeredAs || el('span', { class: 'muted' }, 'never answered')),
    el('td', { class: 'num' }, fmtInt(n.chains)),
    el('td', { class: 'num' }, fmtInt(n.wastedQueries)))), 'No names.', 4);
  document.getElementById('chains-count').textContent =
    d.chains.length > CHAINS_SHOWN ? `(${CHAINS_SHOWN} of ${d.chains.length})` : `(${d.chains.length} returned by the API)`;
  fillTable(document.querySelector('#pod-chains tbody'), d.chains.slice(0, CHAINS_SHOWN).map(renderChain), 'No chains.', 5);
}

function renderFix(fix) {
  const box = document.getElementById('fix');
  if (!fix) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  document.getElementById('fix-explanation').textContent = fix.explanation || '';
  document.getElementById('fix-yaml').textContent = fix.dnsConfig || '';
  document.getElementById('fix-fqdns').replaceChildren(...(fix.fqdns || []).map((f) => el('li', {}, f)));
}

function renderChain(c) {
  const steps = c.steps.map((s, i) => el('li', { class: i === c.answeredStep ? 'answered' : '' },
    el('span', { class: 'step-name' }, s.name),
    el('span', { class: 'step-meta' },
      el('span', { class: 'qtype' }, qtypeName(s.qtype)), ' ',
      el('span', { class: rcodeClass(s.rcode) }, rcodeName(s.rcode)), ' ',
      fmtMs(durationMs(s.duration)),
      s.retries ? ` · ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}` : '',
      i === c.answeredStep ? el('span', { class: 'answered-mark' }, ' ✓ answered') : '')));
  return el('tr', { dataset: { node: c.node } },
    el('td', { class: 'mono' }, fmtTime(c.start)),
    el('td', {}, el('span', { class: 'node-tag' }, c.node || '—')),
    el('th', { scope: 'row', class: 'name' }, c.baseName,
      c.answeredStep === null || c.answeredStep === undefined || c.answeredStep < 0
        ? el('div', { class: 'muted small' }, 'no step answered') : null),
    el('td', {}, el('ol', { class: 'steps' }, steps)),
    el('td', { class: 'num' }, `${fmtInt(c.wastedQueries)} (${fmtMs(durationMs(c.wastedTime))})`));
}

document.getElementById('copy-fix').addEventListener('click', async () => {
  const text = document.getElementById('fix-yaml').textContent;
  const status = document.getElementById('copy-status');
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'copied';
  } catch (e) {
    // No clipboard API (plain http off localhost): select the block so the reader can copy it.
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('fix-yaml'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = document.execCommand('copy') ? 'copied' : 'selected: press Ctrl+C to copy';
  }
});
document.getElementById('pod-window').addEventListener('change', refresh);
every(5000, refresh);
