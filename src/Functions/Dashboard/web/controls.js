// The page's controls: the symbol picker (and the leaderboard's rows), each view's window, the key form, the theme,
// and coming back to a hidden tab.
import { $, h, SYMBOL_PICKED } from './dom.js';
import { showKeyInput } from './key.js';
import { followLive } from './live.js';
import { refresh } from './refresh.js';
import { KEY_STORAGE, state, storage, THEME_STORAGE } from './state.js';
import { tick } from './status.js';
import { allViews, cumulativeChart, refreshOnClose, strikeChart, symbolViews, windowViews } from './views.js';

export function select(symbol) {
  symbol = symbol.trim().toUpperCase();
  const picker = $('#symbol');
  if (![...picker.options].some((o) => o.value === symbol)) picker.append(h('option', { value: symbol, text: symbol }));
  picker.value = symbol;
  if (symbol === state.symbol) return;
  state.symbol = symbol;
  const query = new URLSearchParams(location.search);
  query.set('symbol', symbol);
  history.replaceState(null, '', `${location.pathname}?${query}${location.hash}`);
  for (const view of symbolViews) view.symbolChanged();
  for (const row of document.querySelectorAll('table.board tbody tr[data-row]')) row.classList.toggle('selected', row.dataset.row === symbol);
  refresh(symbolViews); // the leaderboard is the same for every symbol
  followLive(refreshOnClose);
}

export function useKey(key, developmentKey) {
  state.key = key || null;
  state.developmentKey = developmentKey;
  state.pausedUntil = 0;
  state.keyRejected = false;
  $('#plan').hidden = true; // the badge is the old key's until the new key's account answer
  for (const view of allViews) {
    view.locked = null;
    view.shown = false;
  }
  showKeyInput();
  refresh();
  followLive(refreshOnClose);
}

/** Charts read their colours when they are built: rebuild them for the other theme. */
function retheme() {
  for (const chart of [cumulativeChart, strikeChart]) chart.rebuild();
}

export function setupControls() {
  const picker = $('#symbol');
  const universe = state.config.universe.length ? state.config.universe : [state.symbol];
  picker.replaceChildren(...universe.map((s) => h('option', { value: s, text: s })));
  if (!universe.includes(state.symbol)) picker.append(h('option', { value: state.symbol, text: state.symbol }));
  picker.value = state.symbol;
  picker.addEventListener('change', () => select(picker.value));
  document.addEventListener(SYMBOL_PICKED, (e) => select(e.detail));

  for (const group of document.querySelectorAll('.segmented[data-choice]')) {
    const name = group.dataset.choice;
    const view = windowViews[name];
    const mark = () => {
      for (const b of group.querySelectorAll('button')) b.setAttribute('aria-pressed', String(Number(b.dataset.value) === state.windows[name]));
    };
    mark();
    group.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-value]');
      if (!button) return;
      state.windows[name] = Number(button.dataset.value);
      mark();
      view.shown = false;
      view.refresh();
    });
  }

  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('#api-key').value.trim();
    if (!value) return;
    storage.set(KEY_STORAGE, value);
    useKey(value, false);
  });
  $('#forget-key').addEventListener('click', () => {
    storage.remove(KEY_STORAGE);
    useKey(state.config.development_key, Boolean(state.config.development_key));
  });

  $('#theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : !matchMedia('(prefers-color-scheme: light)').matches;
    const theme = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = theme;
    storage.set(THEME_STORAGE, theme);
    retheme();
  });
  matchMedia('(prefers-color-scheme: light)').addEventListener('change', retheme);

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Date.now() >= state.nextRefresh) refresh();
  });
  setInterval(tick, 1000);
}
