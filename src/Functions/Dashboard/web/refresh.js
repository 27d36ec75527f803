// The refresh cycle: every view, then the account badge and the health line, then again just after the leaderboard
// snapshot turns over (or when the quota allows). A newer cycle (another symbol or key) makes an older one's answers moot.
import { api, publicJson } from './api.js';
import { $, h } from './dom.js';
import { fmt, quotaText } from './format.js';
import { refreshDelay } from './logic.js';
import { state } from './state.js';
import { banner, hideBanner, setStatus, tick } from './status.js';
import { allViews } from './views.js';

async function refreshAccount(generation) {
  const plan = $('#plan');
  if (!state.key) {
    plan.hidden = true;
    return null;
  }
  const answer = await api(state.config.routes.account);
  if (generation !== state.generation) return answer; // another key's refresh answers for the badge
  if (answer.status !== 200 || !answer.body) {
    plan.hidden = true;
    return answer;
  }
  const a = answer.body;
  plan.replaceChildren(h('b', { text: a.plan }), ` plan · ${quotaText(a)}`);
  plan.title = `${a.name}; quota resets ${new Date(a.resets_at).toLocaleString()}`;
  plan.hidden = false;
  return answer;
}

export async function refresh(views = allViews) {
  clearTimeout(state.timer);
  const generation = ++state.generation;
  const wait = state.pausedUntil - Date.now();
  if (wait > 0) {
    schedule(wait / 1000);
    return;
  }
  hideBanner();
  if (!state.key) {
    for (const view of allViews) view.failed({ status: 401, body: null });
    setStatus('error', 'No API key');
    return;
  }

  await Promise.all(views.map((v) => v.refresh()));
  if (generation !== state.generation) return; // a newer refresh (another symbol or key) took over
  // After the views, so that the quota shown counts their requests.
  const [health, account] = await Promise.all([publicJson('/health'), refreshAccount(generation)]);
  if (generation !== state.generation) return;
  state.health = health;
  state.lastRefresh = new Date();
  state.keyRejected = Boolean(account && account.status === 401);
  if (state.keyRejected) {
    banner('banner error', `Your API key was not accepted: ${(account.body && account.body.message) || 'unauthorized'}`);
  }
  $('#footer-source').textContent = health
    ? `${health.mode} · ${health.storage} store${health.market_replay ? ' · replaying the latest session' : ''} · market time ${fmt.timeSec(health.market_time)} ET`
    : '';

  const delay = refreshDelay(state.config.refresh_seconds, health && health.market_time, state.snapshotUtc);
  schedule(Math.max(delay, (state.pausedUntil - Date.now()) / 1000));
  document.body.dataset.refreshes = String(++state.refreshes); // completed refresh cycles, for tests and tools
}

export function schedule(seconds) {
  clearTimeout(state.timer);
  state.nextRefresh = Date.now() + seconds * 1000;
  state.timer = setTimeout(() => {
    if (document.hidden) return; // resumed by visibilitychange
    refresh();
  }, seconds * 1000);
  tick();
}
