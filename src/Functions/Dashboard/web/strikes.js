// 0DTE strike flow (its request is in views.js): a bubble per strike and minute, its area the
// contracts traded and its colour the sign of signed delta-dollars, with the spot line across.
import { axis, tzDate } from './chart.js';
import { $, cssVar, h } from './dom.js';
import { fmt } from './format.js';
import { hasStrikeFlow, nearestStrike, strikeGrid } from './logic.js';

export function strikeOptions(width, height, grid) {
  const tip = h('div', { class: 'tip', hidden: true });
  return {
    width, height, tzDate,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false }, y: true },
    scales: {
      x: { time: true, range: (u) => [(u.extra || grid).xMin - 45, (u.extra || grid).xMax + 45] },
      y: { auto: false, range: (u) => [(u.extra || grid).yMin, (u.extra || grid).yMax] },
    },
    series: [{}, { label: 'Spot', stroke: cssVar('--spot'), width: 2, dash: [6, 4], points: { show: false } }],
    axes: [axis({}), axis({ values: (u, splits) => splits.map(fmt.strike), size: 56 })],
    hooks: {
      init: [(u) => { u.extra = grid; u.over.append(tip); }],
      drawAxes: [drawBubbles],
      setCursor: [(u) => showBubbleTip(u, tip)],
    },
  };
}

/**
 * Per bubble: area ∝ contracts and colour by the sign of signed delta-dollars, stronger with its size. Both scales end
 * at the 97th percentile of the window (larger values draw at full size), so that one block trade does not shrink
 * every other bubble to a dot.
 */
function drawBubbles(u) {
  const g = u.extra;
  if (!g) return;
  const ctx = u.ctx;
  const buy = cssVar('--buy');
  const sell = cssVar('--sell');
  const neutral = cssVar('--neutral');
  const pxPerBar = Math.abs(u.valToPos(g.xs[0] + 60, 'x', true) - u.valToPos(g.xs[0], 'x', true));
  const pxPerStrike = Math.abs(u.valToPos(g.yMin + g.step, 'y', true) - u.valToPos(g.yMin, 'y', true));
  // The largest bubble spans about two bars and one strike row, so neighbours overlap only at the extremes.
  const maxRadius = Math.max(3 * devicePixelRatio, Math.min(pxPerBar * 1.1, pxPerStrike * 0.6, 14 * devicePixelRatio));
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  let drawn = 0;
  for (let i = 0; i < g.xs.length; i++) {
    const cx = u.valToPos(g.xs[i], 'x', true);
    for (let j = 0; j < g.strikes.length; j++) {
      const size = g.contracts[i][j];
      if (!size) continue;
      const sdd = g.delta[i][j];
      const r = Math.max(1.6 * devicePixelRatio, maxRadius * Math.sqrt(Math.min(1, size / g.fullContracts)));
      const strength = g.fullDelta > 0 ? Math.sqrt(Math.min(1, Math.abs(sdd) / g.fullDelta)) : 0;
      ctx.globalAlpha = 0.35 + 0.6 * strength;
      ctx.fillStyle = sdd > 0 ? buy : sdd < 0 ? sell : neutral;
      ctx.beginPath();
      ctx.arc(cx, u.valToPos(g.strikes[j], 'y', true), r, 0, 2 * Math.PI);
      ctx.fill();
      drawn++;
    }
  }
  ctx.restore();
  g.root.dataset.bubbles = String(drawn);
}

function showBubbleTip(u, tip) {
  const g = u.extra;
  const i = u.cursor.idx;
  if (!g || i === null || i === undefined || u.cursor.top < 0) {
    tip.hidden = true;
    return;
  }
  const j = nearestStrike(g.strikes, u.posToVal(u.cursor.top, 'y'));
  const bar = g.bars[i];
  tip.replaceChildren(
    h('b', { text: `${fmt.strike(g.strikes[j])} strike · ${fmt.time(bar.t)} ET` }),
    h('div', { class: 'row' }, h('span', { text: 'Contracts' }), h('span', { text: fmt.int(bar.contracts[j]) })),
    h('div', { class: 'row' }, h('span', { text: 'Signed delta $' }), h('span', { text: fmt.signedMoney(bar.signed_delta_dollars[j]) })),
    h('div', { class: 'row' }, h('span', { text: 'Signed gamma $' }), h('span', { text: fmt.signedMoney(bar.signed_gamma_dollars[j]) })),
    h('div', { class: 'row' }, h('span', { text: 'Spot' }), h('span', { text: fmt.price(bar.spot) })));
  tip.hidden = false;
  const left = u.cursor.left + 14;
  tip.style.left = `${Math.min(left, u.over.clientWidth - tip.offsetWidth - 4)}px`;
  tip.style.top = `${Math.max(0, u.cursor.top - tip.offsetHeight - 10)}px`;
}

export function renderStrikes(view, chart, s) {
  if (!hasStrikeFlow(s)) {
    chart.forget();
    view.show('empty', '∅', `No 0DTE flow for ${s.symbol}`, `Nothing has traded in the ${s.expiration} expiry in this window. Weekly-expiry names have a 0DTE expiry only on their expiry day.`);
    return true;
  }

  const grid = { ...strikeGrid(s), root: view.root };
  chart.draw([grid.xs, s.bars.map((b) => b.spot)], grid);
  const legend = $('[data-legend]', view.root);
  legend.hidden = false;
  $('[data-scale-min]', legend).textContent = fmt.money(-grid.fullDelta);
  $('[data-scale-max]', legend).textContent = fmt.money(grid.fullDelta);
  view.root.dataset.expiration = s.expiration;
  return false;
}
