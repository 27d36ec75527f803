// The page's one mutable state: the key, the symbol, each view's window, and the refresh cycle's bookkeeping.
import { symbolFromAddress } from './logic.js';

export const KEY_STORAGE = 'flowfunctions.apiKey';
export const THEME_STORAGE = 'flowfunctions.theme';

export const state = {
  config: { universe: [], refresh_seconds: 30, development_key: null, routes: {} }, // config.json replaces it at start
  key: null,
  developmentKey: false, // the key is the app's Development key, not one the user gave
  symbol: symbolFromAddress(location.search),
  windows: { cumulative: 390, strikes: 60, leaderboard: 60 },
  at: null, // the instant the views answer for (ISO 8601), null for now: asof.js
  pausedUntil: 0,
  keyRejected: false,
  refreshes: 0,
  nextRefresh: 0,
  lastRefresh: null,
  health: null,
  snapshotUtc: null, // generatedUtc of the leaderboard snapshot on screen
  timer: null,
  generation: 0,
};

/** localStorage, or nothing when the browser has it turned off (the key then lasts as long as the page). */
export const storage = {
  get(name) { try { return localStorage.getItem(name); } catch { return null; } },
  set(name, value) { try { localStorage.setItem(name, value); } catch { /* storage off */ } },
  remove(name) { try { localStorage.removeItem(name); } catch { /* storage off */ } },
};
