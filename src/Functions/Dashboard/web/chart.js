// A uPlot chart (the chart library, loaded before the modules as the global uPlot) in a view's body, and the axes
// every chart shares.
import { cssVar, h } from './dom.js';
import { TZ } from './format.js';

/** Epoch seconds as New York wall-clock time on the time axis. */
export const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), TZ);

export function axis(extra) {
  return Object.assign({
    stroke: cssVar('--muted'),
    grid: { stroke: cssVar('--grid'), width: 1 },
    ticks: { stroke: cssVar('--grid'), width: 1 },
    font: '11px system-ui, sans-serif',
  }, extra);
}

/**
 * A uPlot chart in a view's body: put (back) there when the body last showed something else, kept to the body's
 * width, and rebuilt when the theme changes (its colours are read when it is built).
 */
export class Chart {
  constructor(view, name, build, height) {
    this.view = view;
    this.name = name;
    this.build = build;
    this.height = height;
    this.host = null;
    this.plot = null;
    this.data = null;
    this.extra = null;
    this.resize = new ResizeObserver(() => this.plot && this.plot.setSize({ width: this.width(), height: this.height }));
  }

  width() { return Math.max(280, this.host.clientWidth); }

  shown() { return this.plot !== null && this.view.body.contains(this.host); }

  draw(data, extra) {
    this.data = data;
    this.extra = extra;
    if (this.shown()) {
      this.plot.extra = extra;
      this.plot.setData(data);
      return;
    }
    this.forget();
    this.host = h('div', { class: 'chart', 'data-chart': this.name });
    this.view.body.replaceChildren(this.host);
    this.plot = new uPlot(this.build(this.width(), this.height, extra), data, this.host);
    this.resize.observe(this.host);
  }

  rebuild() {
    if (this.shown()) {
      this.forget();
      this.draw(this.data, this.extra);
    }
  }

  forget() {
    this.resize.disconnect();
    if (this.plot) this.plot.destroy();
    this.plot = null;
  }
}
