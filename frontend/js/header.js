// The layout's header on every page: readiness, the demo banner, and the query-logging switch.
import { bus, getJson, putJson, publishLogging, showError, every, fmtTime } from './api.js';

const stateOut = document.getElementById('logging-state');
const toggle = document.getElementById('logging-toggle');
const duration = document.getElementById('logging-duration');
const format = document.getElementById('logging-format');
const ready = document.getElementById('node-ready');
const demo = document.getElementById('demo-banner');
const nodeName = document.getElementById('node-name');
const error = document.getElementById('header-error');

let current = null;

/** Says what is logged and for how long, briefly (the header is one line): "on · until 14:05:00". */
function describe(state) {
  if (!state.enabled) return 'off';
  if (state.mode === 'corefile') return 'on · Corefile log blocks';
  return state.until ? `on · until ${fmtTime(state.until)}` : 'on · no auto-off';
}

bus.addEventListener('logging', (e) => {
  const state = e.detail;
  // A poll answered after a switch may carry the older state: the switch's 'changed' time orders them.
  if (current && state.changed && current.changed && Date.parse(state.changed) < Date.parse(current.changed)) return;
  current = state;
  stateOut.textContent = describe(state);
  stateOut.dataset.enabled = String(state.enabled);
  stateOut.dataset.mode = state.mode;
  stateOut.title = state.enabled ? `logging ${state.mode === 'corefile' ? "the Corefile's log blocks" : 'every block'}, ${state.format} lines on stdout` : 'nothing is logged';
  toggle.textContent = state.enabled ? 'Switch off' : 'Switch on';
  toggle.setAttribute('aria-pressed', String(state.enabled));
  if (state.format) format.value = state.format;
});

toggle.addEventListener('click', async () => {
  const enabled = current ? current.enabled : stateOut.dataset.enabled === 'true';
  toggle.disabled = true;
  try {
    const body = enabled ? { enabled: false } : { enabled: true, duration: duration.value, format: format.value };
    // The answer is the state the node now has: show that, not what we asked for.
    publishLogging(await putJson('/logging', body));
    showError(error, null);
  } catch (e) {
    showError(error, new Error(`Could not switch logging: ${e.message}`));
  } finally {
    toggle.disabled = Boolean(toggle.dataset.denied);
  }
});

// Changing the format while logging is on applies it at once (same auto-off choice).
format.addEventListener('change', async () => {
  if (!current || !current.enabled) return;
  try {
    publishLogging(await putJson('/logging', { enabled: true, duration: duration.value, format: format.value }));
  } catch (e) {
    showError(error, new Error(`Could not change the format: ${e.message}`));
  }
});

// The summary is cheap: poll it for readiness, the demo flag and logging (auto-off happens on the server).
every(5000, async () => {
  try {
    const node = await getJson('/node');
    nodeName.textContent = node.node;
    ready.textContent = node.ready ? 'ready' : 'not ready';
    ready.classList.toggle('ok', node.ready);
    ready.classList.toggle('bad', !node.ready);
    demo.hidden = !node.demo;
    // Through the dashboard, the summary says when the dashboard refuses this user's switch (a viewer).
    if (node.switch && !node.switch.allowed) {
      toggle.disabled = true;
      format.disabled = true;
      toggle.title = node.switch.reason;
      toggle.dataset.denied = node.switch.reason;
    }
    publishLogging(node.logging);
    showError(error, null);
  } catch (e) {
    showError(error, new Error(`The node does not answer: ${e.message}`));
  }
});
