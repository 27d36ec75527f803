// Looking back (docs/api.md "History"): an "as of" instant for every view, a Play button that steps it a minute at a
// time, and Live to come back to now. The instant is asked as the API's `at` by api.js; the live tape stays live.
import { $ } from './dom.js';
import { refresh } from './refresh.js';
import { state } from './state.js';

const STEP_MS = 60_000;
const PLAY_EVERY_MS = 1_500;
let player = null;

/** The datetime-local input's value (the browser's local wall time) for an instant. */
function localValue(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The market clock's now (the simulator may be replaying an earlier session), from /health's reading and the time since. */
function marketNow() {
  const health = state.health;
  if (!health || !health.market_time || !state.lastRefresh) return new Date();
  return new Date(new Date(health.market_time).getTime() + (Date.now() - state.lastRefresh.getTime()));
}

function stop() {
  clearInterval(player);
  player = null;
  $('#as-of-play').textContent = 'Play';
  $('#as-of-play').setAttribute('aria-pressed', 'false');
}

/** Answers as of `date` (an instant), or live with null. */
export function lookBack(date) {
  state.at = date ? date.toISOString() : null;
  document.body.dataset.asOf = state.at || '';
  $('#as-of').value = date ? localValue(date) : '';
  $('#as-of-live').hidden = !date;
  refresh();
}

export function setupAsOf() {
  const input = $('#as-of');
  input.max = localValue(new Date());
  input.addEventListener('change', () => {
    stop();
    const date = input.value ? new Date(input.value) : null;
    lookBack(date && !Number.isNaN(date.getTime()) ? date : null);
  });
  $('#as-of-live').addEventListener('click', () => {
    stop();
    lookBack(null);
  });
  $('#as-of-play').addEventListener('click', () => {
    if (player) {
      stop();
      return;
    }
    if (!state.at) lookBack(new Date(marketNow().getTime() - 60 * STEP_MS)); // an hour ago, then minute by minute
    $('#as-of-play').textContent = 'Pause';
    $('#as-of-play').setAttribute('aria-pressed', 'true');
    player = setInterval(() => {
      const next = new Date(new Date(state.at).getTime() + STEP_MS);
      if (next.getTime() > marketNow().getTime()) {
        stop();
        lookBack(null);
        return;
      }
      lookBack(next);
    }, PLAY_EVERY_MS);
  });
}
