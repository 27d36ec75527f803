// The FlowFunctions dashboard: five views of the public API for one symbol, refreshed as the leaderboard snapshot turns
// over. Native ES modules, no bundler: this one starts the page; format.js and logic.js are the pure parts (unit-tested
// with Node's test runner), dom.js builds elements, state.js holds the page's state, api.js calls the API, view.js and
// chart.js are what every view shares, summary.js, anomaly.js, cumulative.js, strikes.js and leaderboard.js draw one
// view each, views.js wires them, refresh.js runs the cycle, live.js follows the live stream (block prints, alerts, and a
// refresh of the symbol's views as each minute closes), key.js, controls.js and asof.js (looking back) handle the user.
import { publicJson } from './api.js';
import { setupAsOf } from './asof.js';
import { setupControls } from './controls.js';
import { loadKey, showKeyInput, takeKeyFromAddress } from './key.js';
import { followLive } from './live.js';
import { refresh } from './refresh.js';
import { state, storage, THEME_STORAGE } from './state.js';
import { refreshOnClose, symbolViews } from './views.js';

async function start() {
  const theme = storage.get(THEME_STORAGE);
  if (theme) document.documentElement.dataset.theme = theme;
  takeKeyFromAddress();
  const config = await publicJson('/dashboard/config.json');
  if (config) state.config = config;
  loadKey();
  showKeyInput();
  setupControls();
  setupAsOf();
  for (const view of symbolViews) view.symbolChanged();
  refresh();
  followLive(refreshOnClose);
}

start();
