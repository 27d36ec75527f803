// The leaderboard (its request is in views.js): net premium by symbol as diverging bars, then the table of top
// buyers and sellers; a row picks its symbol for the other views.
import { h, pickSymbol } from './dom.js';
import { fmt } from './format.js';
import { divergingRows } from './logic.js';
import { state } from './state.js';

export function renderLeaderboard(view, l) {
  const rows = divergingRows(l);
  if (!rows.length) {
    view.show('empty', '∅', 'No trades in this window', `No symbol has option prints in the last ${l.windowMinutes} minutes.`);
    return true;
  }

  const diverging = h('div', { class: 'diverging', role: 'list', 'aria-label': 'Net premium by symbol' },
    rows.map(({ row: r, width }) => {
      const bar = h('span', { class: 'bar' });
      bar.style.width = `${width}%`;
      const label = h('span', { class: `dval ${width > 42 ? 'inside' : r.netNotional > 0 ? 'outside-right' : 'outside-left'}`, text: fmt.signedMoney(r.netNotional) });
      if (width <= 42) label.style[r.netNotional > 0 ? 'left' : 'right'] = `calc(${width}% + 6px)`;
      const left = h('div', { class: 'half left' });
      const right = h('div', { class: 'half right' });
      (r.netNotional > 0 ? right : left).append(bar, label);
      return h('div', { class: 'drow', role: 'listitem', 'data-symbol-row': r.symbol, title: `${r.symbol}: net premium ${fmt.signedMoney(r.netNotional)}`, onclick: () => pickSymbol(r.symbol) },
        h('span', { class: 'dsym', text: r.symbol }), left, right);
    }));

  const headers = ['Symbol', 'Net premium', 'Net vol', 'Buy vol', 'Sell vol', 'Avg prem', 'Trades', 'Last trade'];
  const line = (r) => h('tr', { class: r.symbol === state.symbol ? 'selected' : null, 'data-row': r.symbol, onclick: () => pickSymbol(r.symbol) },
    h('td', null, h('b', { text: r.symbol })),
    h('td', { class: r.netNotional > 0 ? 'pos' : 'neg', text: fmt.signedMoney(r.netNotional) }),
    h('td', { class: r.netVolume > 0 ? 'pos' : r.netVolume < 0 ? 'neg' : '', text: fmt.signedInt(r.netVolume) }),
    h('td', { text: fmt.int(r.buyVolume) }),
    h('td', { text: fmt.int(r.sellVolume) }),
    h('td', { text: fmt.price(r.avgPremium) }),
    h('td', { text: fmt.int(r.tradeCount) }),
    h('td', { title: `${fmt.timeSec(r.lastTradeUtc)} ET`, text: fmt.time(r.lastTradeUtc) }));
  const group = (title) => h('tr', { class: 'board-group' }, h('td', { colspan: headers.length, text: title }));
  const table = h('table', { class: 'board' },
    h('thead', null, h('tr', null, headers.map((t) => h('th', { text: t })))),
    h('tbody', null,
      l.buyers.length ? group(`Top buyers · ${l.buyers.length}`) : null, l.buyers.map(line),
      l.sellers.length ? group(`Top sellers · ${l.sellers.length}`) : null, l.sellers.map(line)));

  view.body.replaceChildren(
    h('div', { class: 'axis-labels' }, h('span'), h('span', { text: '◀ Net sold' }), h('span', { text: 'Net bought ▶' })),
    diverging,
    h('div', { class: 'table-wrap' }, table));
  view.root.dataset.generated = l.generatedUtc;
  state.snapshotUtc = l.generatedUtc;
  return false;
}
