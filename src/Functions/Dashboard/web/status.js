// The status line (live, replay, rate limited) and the banner above the views.
import { $ } from './dom.js';
import { fmt } from './format.js';
import { state } from './state.js';

/** A 429: no request until the quota window allows it, said in the banner. */
export function pause(seconds, message) {
  state.pausedUntil = Math.max(state.pausedUntil, Date.now() + seconds * 1000);
  banner('banner', `Rate limited: ${message || 'too many requests.'} Refreshing resumes at ${fmt.localTime(state.pausedUntil)}.`);
}

export function banner(kind, text) {
  const el = $('#banner');
  el.className = kind;
  el.textContent = text;
  el.hidden = false;
}

export function hideBanner() {
  $('#banner').hidden = true;
}

export function setStatus(kind, text) {
  $('#status').className = `status ${kind}`;
  $('#status-text').textContent = text;
}

/** The status line, once a second: what is on screen and when the next refresh comes. */
export function tick() {
  if (!state.key) return;
  const left = Math.max(0, Math.round((state.nextRefresh - Date.now()) / 1000));
  if (state.keyRejected) {
    setStatus('error', 'Key not accepted');
  } else if (state.pausedUntil > Date.now()) {
    setStatus('error', `Rate limited · resumes in ${left} s`);
  } else if (state.lastRefresh) {
    const replay = state.health && state.health.market_replay;
    setStatus(replay ? 'replay' : 'live', `${replay ? 'Replay' : 'Live'} · updated ${fmt.localTime(state.lastRefresh)} · next in ${left} s`);
  } else {
    setStatus('', 'Loading…');
  }
}
