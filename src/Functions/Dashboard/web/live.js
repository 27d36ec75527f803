// The live tape: the symbol's stream (docs/api.md "Live flow stream") read with fetch, so the
// key stays in the X-Api-Key header. Block prints and alerts are listed as they come; a minute's final event makes the
// symbol's views refresh at once, and the minute building is shown live. After any disconnect the stream is opened
// again with the last id received (Last-Event-ID), so nothing is missed; a new symbol or key starts over from the
// start of the trading day.
import { publicJson } from './api.js';
import { $, h } from './dom.js';
import { fmt } from './format.js';
import { parseSse, startOfDayId } from './logic.js';
import { state } from './state.js';

const MAX_BLOCKS = 30;
const MAX_ALERTS = 20;
let generation = 0;
let controller = null;

/** Follows the current symbol with the current key; `onFinal` runs (at most once a second) when a minute closes. */
export function followLive(onFinal) {
  generation++;
  if (controller) controller.abort();
  $('#blocks-body').replaceChildren();
  $('#alerts-list').replaceChildren();
  $('#live-minute').textContent = '';
  $('[data-live-symbol]').textContent = state.symbol;
  if (!state.key) return setLive('idle', 'API key needed');
  follow(generation, state.symbol, state.key, debounce(onFinal, 1000));
}

async function follow(gen, symbol, key, onFinal) {
  const health = await publicJson('/health');
  let lastId = health && health.market_time ? startOfDayId(health.market_time) : null;
  let retry = 3000;
  while (gen === generation) {
    const headers = { Accept: 'text/event-stream', 'X-Api-Key': key };
    if (lastId) headers['Last-Event-ID'] = lastId;
    controller = new AbortController();
    try {
      const response = await fetch(`${state.config.routes.stream}?symbols=${encodeURIComponent(symbol)}`,
        { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', signal: controller.signal });
      if (response.status === 401 || response.status === 403) {
        const body = await response.json().catch(() => ({}));
        return setLive('locked', response.status === 403 ? `Needs the ${body.required_plan || 'alpha'} plan` : 'Key not accepted');
      }
      if (!response.ok) {
        retry = (Number(response.headers.get('Retry-After')) || retry / 1000) * 1000;
        throw new Error(`HTTP ${response.status}`);
      }
      setLive('live', 'Live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done || gen !== generation) break;
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (event.id !== null) lastId = event.id;
          if (event.retry) retry = event.retry;
          if (!event.comment) show(event, onFinal);
        }
      }
    } catch {
      if (gen !== generation) return;
    }
    if (gen !== generation) return;
    setLive('reconnecting', 'Reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, retry));
  }
}

function show(event, onFinal) {
  let data;
  try { data = JSON.parse(event.data); } catch { return; }
  if (event.event === 'minute') {
    if (data.final) onFinal();
    else $('#live-minute').textContent = `${fmt.time(data.ts)} ET building: net ${fmt.signedInt(data.netVolume)} contracts, ${fmt.int(data.tradeCount)} prints, ${fmt.signedMoney(data.netPremium)} net premium`;
  } else if (event.event === 'block') {
    prepend($('#blocks-body'), MAX_BLOCKS, h('tr', { class: `side-${data.side}` },
      h('td', { text: fmt.timeSec(data.ts) }),
      h('td', { text: `${fmt.strike(data.strike)} ${data.right}` }),
      h('td', { text: data.expiry }),
      h('td', { text: data.side }),
      h('td', { class: 'num', text: fmt.int(data.size) }),
      h('td', { class: 'num', text: fmt.money(data.premium) }),
      h('td', { class: 'num', text: data.deltaDollars === null ? '—' : fmt.signedMoney(data.deltaDollars) })));
  } else if (event.event === 'alert') {
    const what = data.kind === 'anomaly' ? `anomaly score ${data.before} → ${data.after}` : `${data.kind.replace('_', ' ')} ${data.before} → ${data.after}`;
    prepend($('#alerts-list'), MAX_ALERTS, h('li', {}, h('time', { text: fmt.time(data.ts) }), ` ${what}`));
  } else if (event.event === 'reset') {
    onFinal();
  }
}

function prepend(list, max, node) {
  list.prepend(node);
  while (list.children.length > max) list.lastElementChild.remove();
  list.closest('[data-live]').dataset.state = 'ready';
}

function setLive(stateName, text) {
  const root = $('#live');
  root.dataset.live = stateName;
  $('#live-status').textContent = text;
}

function debounce(fn, ms) {
  let last = 0;
  let timer = null;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) { last = Date.now(); fn(); } else if (!timer) timer = setTimeout(() => { timer = null; last = Date.now(); fn(); }, wait);
  };
}
