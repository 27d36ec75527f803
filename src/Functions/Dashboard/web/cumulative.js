// Cumulative net flow (its request is in views.js): the running net volume as a line, each minute's net
// bought or sold as a bar, the two scales with their zeros at one height.
import { axis, tzDate } from './chart.js';
import { cssVar } from './dom.js';
import { alpha, fmt } from './format.js';
import { cumulativeSeries, zeroAligned } from './logic.js';

export function cumulativeOptions(width, height) {
  const buy = cssVar('--buy');
  const sell = cssVar('--sell');
  const accent = cssVar('--accent');
  const bars = uPlot.paths.bars({ size: [0.7, 24], align: 0 });
  const volume = (u, v) => (v === null || v === undefined ? '—' : fmt.signedInt(v));
  return {
    width, height, tzDate,
    cursor: { points: { size: 7 }, drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: { time: true },
      cum: { range: (u) => zeroAligned(u.data).cum },
      vol: { range: (u) => zeroAligned(u.data).vol },
    },
    series: [
      { value: (u, ts) => (ts === null ? '—' : `${fmt.time(ts * 1e3)} ET`) },
      { label: 'Cumulative net', scale: 'cum', stroke: accent, width: 2, fill: alpha(accent, 0.12), points: { show: false }, value: volume },
      { label: 'Net bought', scale: 'vol', fill: buy, stroke: buy, width: 0, paths: bars, points: { show: false }, value: volume },
      { label: 'Net sold', scale: 'vol', fill: sell, stroke: sell, width: 0, paths: bars, points: { show: false }, value: volume },
    ],
    axes: [
      axis({}),
      axis({ scale: 'cum', values: (u, splits) => splits.map(fmt.compact), size: 56 }),
      axis({ scale: 'vol', side: 1, grid: { show: false }, values: (u, splits) => splits.map(fmt.compact), size: 52 }),
    ],
  };
}

export function renderCumulative(view, chart, c) {
  if (!c.points.length) {
    chart.forget();
    view.show('empty', '∅', `No prints for ${c.symbol} in this window`, `The cumulative line starts at the window's first minute with prints (window: ${c.minutes} minutes).`);
    return true;
  }

  const data = cumulativeSeries(c.points);
  const cum = data[1];
  chart.draw(data);
  view.root.dataset.points = String(c.count);
  view.root.dataset.last = String(cum[cum.length - 1]);
  return false;
}
