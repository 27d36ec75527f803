// The FlowFunctions dashboard: five views of the public API for one symbol, refreshed as the leaderboard snapshot turns
// over. The key comes from the URL (?apiKey= or #apiKey=, then removed from the address bar), from this browser's
// storage, or in the Development environment from the app's config; it is sent only in the X-Api-Key header of this
// origin's /v1 requests. Every piece of API data is put into the page as text (never as HTML).
(() => {
  'use strict';

  const KEY_STORAGE = 'flowfunctions.apiKey';
  const THEME_STORAGE = 'flowfunctions.theme';
  const TZ = 'America/New_York';

  // ---- small helpers ---------------------------------------------------------------------------------------------

  const $ = (selector, root = document) => root.querySelector(selector);

  /** An element with attributes (class, text, title, aria-*, data-*) and children (nodes or strings, as text). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.className = value;
      else if (name === 'text') el.textContent = value;
      else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const price2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const timeFmt = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });
  const timeSecFmt = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const localTimeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  const fmt = {
    int: (v) => integer.format(v),
    signedInt: (v) => (v > 0 ? '+' : v < 0 ? '−' : '') + integer.format(Math.abs(v)),
    price: (v) => price2.format(v),
    strike: (v) => (Number.isInteger(v) ? integer.format(v) : price2.format(v)),
    pct: (v, digits = 1) => (v > 0 ? '+' : v < 0 ? '−' : '') + (Math.abs(v) * 100).toFixed(digits) + '%',
    share: (v) => (v * 100).toFixed(0) + '%',
    /** $1.35B, −$37.3M, $840K, $950 */
    money(v) {
      const a = Math.abs(v);
      const sign = v < 0 ? '−' : '';
      if (a >= 1e9) return `${sign}$${(a / 1e9).toFixed(2)}B`;
      if (a >= 1e6) return `${sign}$${(a / 1e6).toFixed(1)}M`;
      if (a >= 1e3) return `${sign}$${(a / 1e3).toFixed(0)}K`;
      return `${sign}$${a.toFixed(0)}`;
    },
    signedMoney: (v) => (v > 0 ? '+' : '') + fmt.money(v),
    /** 120K, −4.2M (axis ticks) */
    compact(v) {
      const a = Math.abs(v);
      const sign = v < 0 ? '−' : '';
      if (a >= 1e9) return sign + +(a / 1e9).toFixed(1) + 'B';
      if (a >= 1e6) return sign + +(a / 1e6).toFixed(1) + 'M';
      if (a >= 1e3) return sign + +(a / 1e3).toFixed(1) + 'K';
      return sign + +a.toFixed(2);
    },
    time: (iso) => timeFmt.format(new Date(iso)),
    timeSec: (iso) => timeSecFmt.format(new Date(iso)),
    words: (s) => String(s).replace(/_/g, ' '),
  };

  const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  /** #rrggbb at an opacity, for canvas fills (which take no color-mix). */
  function alpha(hex, opacity) {
    const n = parseInt(hex.replace('#', ''), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${opacity})`;
  }

  // ---- state -----------------------------------------------------------------------------------------------------

  const params = new URLSearchParams(location.search);
  const state = {
    config: { universe: [], refresh_seconds: 30, development_key: null },
    key: null,
    developmentKey: false, // the key is the app's Development key, not one the user gave
    symbol: (params.get('symbol') || 'SPY').trim().toUpperCase(),
    windows: { cumulative: 390, strikes: 60, leaderboard: 60 },
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

  // ---- the key: URL, storage, or the Development key ---------------------------------------------------------------

  function takeKeyFromUrl() {
    const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    const fromUrl = params.get('apiKey') || hash.get('apiKey');
    if (!fromUrl) return;
    try { localStorage.setItem(KEY_STORAGE, fromUrl); } catch { /* storage off: keep it for this page only */ }
    state.key = fromUrl;
    params.delete('apiKey');
    hash.delete('apiKey');
    const query = params.toString();
    const fragment = hash.toString();
    history.replaceState(null, '', location.pathname + (query ? '?' + query : '') + (fragment ? '#' + fragment : ''));
  }

  function loadKey() {
    if (state.key) return;
    let stored = null;
    try { stored = localStorage.getItem(KEY_STORAGE); } catch { /* storage off */ }
    state.key = stored || state.config.development_key;
    state.developmentKey = !stored && Boolean(state.key);
  }

  function showKeyInput() {
    const input = $('#api-key');
    input.value = state.developmentKey ? '' : state.key || '';
    input.placeholder = state.developmentKey ? 'Development key in use' : 'X-Api-Key';
  }

  // ---- the API ---------------------------------------------------------------------------------------------------

  /** GET of a /v1 path with the key in its header: { status, body, retryAfter }; status 0 when the network failed. */
  async function api(path) {
    const headers = { Accept: 'application/json' };
    if (state.key) headers['X-Api-Key'] = state.key;
    try {
      const response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
      let body = null;
      try { body = await response.json(); } catch { body = null; }
      const retryAfter = Number(response.headers.get('Retry-After')) || null;
      if (response.status === 429) pause(retryAfter || 60, body && body.message);
      return { status: response.status, body, retryAfter };
    } catch (error) {
      return { status: 0, body: null, error };
    }
  }

  async function publicJson(path) {
    try {
      const response = await fetch(path, { cache: 'no-store', credentials: 'omit' });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  }

  // ---- view states -------------------------------------------------------------------------------------------------

  /** One view: its element, what it fetches, how it draws, and what it shows when it cannot. */
  class View {
    constructor(id, load, render) {
      this.root = document.getElementById(id);
      this.body = $('[data-body]', this.root);
      this.load = load;
      this.render = render;
      this.shown = false; // real data on screen
      this.locked = null; // the 403 answer while this key is on a lower plan
      this.latest = 0; // the newest request; an older answer arriving later is dropped
    }

    symbolChanged() {
      for (const el of this.root.querySelectorAll('[data-symbol]')) el.textContent = state.symbol;
      this.shown = false;
    }

    async refresh() {
      if (this.locked && this.locked.key === state.key) return;
      if (!this.shown) this.loading();
      const request = ++this.latest;
      const answer = await this.load();
      if (request !== this.latest) return; // a newer request (another symbol, window or key) took over
      if (answer.status === 200 && answer.body) {
        this.locked = null;
        this.clearStale();
        const empty = this.render(answer.body);
        this.shown = !empty;
        this.root.dataset.state = empty ? 'empty' : 'ready';
        return;
      }
      this.failed(answer);
    }

    loading() {
      this.root.dataset.state = 'loading';
      this.body.replaceChildren(h('div', { class: 'skeleton', 'aria-label': 'Loading' }, h('span'), h('span'), h('span')));
    }

    failed(answer) {
      const body = answer.body || {};
      const message = body.message || '';
      if (answer.status === 401) {
        this.show('locked', '?', state.key ? 'Key not accepted' : 'API key needed',
          state.key ? message : 'Enter your API key above. It stays in this browser and is sent only in the X-Api-Key header.');
      } else if (answer.status === 403) {
        this.locked = { key: state.key };
        this.show('locked', '⇡', `Needs the ${body.required_plan || 'higher'} plan`,
          `Your key is on the ${body.current_plan || 'current'} plan; this view needs a key on the ${body.required_plan || 'higher'} plan or above.`);
      } else if (answer.status === 429) {
        this.staleOr('locked', '!', 'Rate limited', `${message} Retrying at ${localTimeFmt.format(new Date(state.pausedUntil))}.`);
      } else if (answer.status === 404 && body.error === 'symbol_not_found') {
        this.show('empty', '∅', `No data for ${state.symbol} today`, message);
      } else if (answer.status === 502) {
        this.staleOr('error', '!', 'Data store unreachable', 'The API could not reach its storage; retrying at the next refresh.');
      } else if (answer.status === 0) {
        this.staleOr('error', '!', 'API unreachable', 'No answer from the API; retrying at the next refresh.');
      } else {
        this.show('error', '!', `Error ${answer.status}`, message || 'Unexpected answer.');
      }
    }

    show(kind, icon, title, text) {
      this.shown = false;
      this.root.dataset.state = kind;
      for (const legend of this.root.querySelectorAll('[data-legend]')) legend.hidden = true;
      for (const asOf of this.root.querySelectorAll('[data-as-of]')) asOf.textContent = '';
      this.body.replaceChildren(h('div', { class: `state ${kind}` },
        h('div', { class: 'state-icon', 'aria-hidden': 'true', text: icon }),
        h('div', { class: 'state-title', text: title }),
        text ? h('div', { class: 'state-text', text }) : null));
    }

    /** Transient failures keep the last numbers on screen, marked stale; with nothing on screen, the state instead. */
    staleOr(kind, icon, title, text) {
      if (!this.shown) {
        this.show(kind, icon, title, text);
        return;
      }
      this.clearStale();
      this.root.append(h('span', { class: 'stale', 'data-stale': true, text: `${title}: showing the last answer` }));
    }

    clearStale() {
      for (const el of this.root.querySelectorAll('[data-stale]')) el.remove();
    }
  }

  const encoded = () => encodeURIComponent(state.symbol);

  // ---- flow summary card ---------------------------------------------------------------------------------------------

  const DIRECTION = {
    amplifying: ['warn', 'Amplifying', 'Flow is adding to dealer gamma'],
    dampening: ['info', 'Dampening', 'Flow is taking dealer gamma away'],
    neutral: ['quiet', 'Neutral', 'Flow moved GEX by less than 5%'],
    regime_flip: ['bad', 'Regime flip', 'Flow flipped the sign of dealer gamma'],
    no_flow: ['quiet', 'No flow', 'No contract has traded yet'],
  };

  function metric(label, value, sub, extra) {
    return h('div', { class: 'metric' }, h('div', { class: 'label', text: label }), value, sub ? h('div', { class: 'sub', text: sub }) : null, extra || null);
  }

  function renderSummary(s) {
    const [tone, label, meaning] = DIRECTION[s.flow_direction] || ['quiet', fmt.words(s.flow_direction), ''];
    const shift = s.flow_gex_pct_shift;
    const coverage = s.contracts_total > 0 ? s.contracts_with_flow / s.contracts_total : 0;
    const meter = h('div', { class: 'meter' }, h('span'));
    meter.firstChild.style.width = `${(coverage * 100).toFixed(1)}%`;
    $('[data-as-of]', summaryView.root).textContent = `as of ${fmt.timeSec(s.as_of)} ET`;
    summaryView.body.replaceChildren(
      h('div', { class: 'headline' },
        h('span', { class: `badge ${tone}`, 'data-field': 'flow_direction', text: label }),
        h('span', { class: 'muted', text: meaning }),
        h('span', { class: 'price' }, 'Spot ', h('b', { class: 'num', 'data-field': 'underlying_price', text: fmt.price(s.underlying_price) }))),
      h('div', { class: 'metrics' },
        metric('Live GEX', h('div', { class: `value ${s.live_gex >= 0 ? 'pos' : 'neg'}`, 'data-field': 'live_gex', text: fmt.money(s.live_gex) }), 'per 1% move'),
        metric('Shift since open', h('div', { class: `value ${shift > 0 ? 'pos' : shift < 0 ? 'neg' : ''}`, 'data-field': 'flow_gex_pct_shift', text: shift === null ? '—' : fmt.pct(shift) }), 'live vs settled GEX'),
        metric('Intraday OI Δ', h('div', { class: `value ${s.intraday_oi_delta >= 0 ? 'pos' : 'neg'}`, 'data-field': 'intraday_oi_delta', text: fmt.signedInt(s.intraday_oi_delta) }), 'contracts'),
        metric('Contracts with flow', h('div', { class: 'value', 'data-field': 'contracts_with_flow', text: `${fmt.int(s.contracts_with_flow)} / ${fmt.int(s.contracts_total)}` }), null, meter)));
    return false;
  }

  // ---- flow anomaly card ---------------------------------------------------------------------------------------------

  const DECISION = {
    candidate: ['good', 'Candidate'],
    no_setup: ['quiet', 'No setup'],
    insufficient_data: ['quiet', 'Insufficient data'],
  };

  function renderStructure(s) {
    const title = fmt.words(s.structure).replace(/^\w/, (c) => c.toUpperCase());
    const legs = h('table', { class: 'legs' },
      h('thead', null, h('tr', null, h('th', { text: 'Leg' }), h('th', { class: 'r', text: 'Strike' }), h('th', { class: 'r', text: 'Δ' }), h('th', { class: 'r', text: 'Premium' }))),
      h('tbody', null, s.legs.map((leg) => h('tr', { 'data-leg': true },
        h('td', null, h('span', { class: leg.action === 'sell' ? 'neg' : 'pos', text: leg.action === 'sell' ? 'Sell' : 'Buy' }), ` ${leg.quantity} ${leg.type}`),
        h('td', { class: 'r', text: fmt.price(leg.strike) }),
        h('td', { class: 'r', text: leg.delta.toFixed(2) }),
        h('td', { class: 'r', text: fmt.price(leg.premium) })))));
    const perSpread = (v) => `$${integer.format(v * 100)} per spread`;
    return h('div', { class: 'structure', 'data-structure': s.structure },
      h('div', { class: 'structure-title' }, h('span', { text: title }), h('span', { class: 'muted', text: `expires ${s.expiry}` })),
      legs,
      h('div', { class: 'pnl' },
        h('div', null, s.credit !== null ? 'Credit' : 'Debit', h('b', { text: fmt.price(s.credit ?? s.debit) })),
        h('div', { title: perSpread(s.max_profit) }, 'Max profit', h('b', { class: 'pos', 'data-field': 'max_profit', text: fmt.price(s.max_profit) })),
        h('div', { title: perSpread(s.max_loss) }, 'Max loss', h('b', { class: 'neg', 'data-field': 'max_loss', text: fmt.price(s.max_loss) })),
        h('div', null, 'Breakeven', h('b', { text: s.breakevens.map(fmt.price).join(' / ') }))));
  }

  function renderAnomaly(a) {
    const [tone, label] = DECISION[a.decision] || ['quiet', fmt.words(a.decision)];
    const bias = a.metrics && a.metrics.bias;
    const meter = h('div', { class: 'meter' }, h('span', { class: a.score >= 70 ? 'hot' : null }), h('span', { class: 'mark' }));
    meter.children[0].style.width = `${a.score}%`;
    meter.children[1].style.left = '70%';
    meter.title = 'A candidate needs a score of 70 or more';
    const structure = a.best_structures && a.best_structures[0];
    $('[data-as-of]', anomalyView.root).textContent = `as of ${fmt.timeSec(a.timestamp)} ET`;
    anomalyView.body.replaceChildren(
      h('div', { class: 'anomaly-grid' },
        h('div', null,
          h('div', { class: 'headline' }, h('span', { class: `badge ${tone}`, 'data-field': 'decision', text: label })),
          h('div', { class: 'score' }, h('span', { class: 'big', 'data-field': 'score', text: String(a.score) }), h('span', { class: 'of', text: '/ 100 score' })),
          meter,
          h('div', { class: `regime ${bias === 'bullish' ? 'pos' : bias === 'bearish' ? 'neg' : ''}`, 'data-field': 'regime', text: fmt.words(a.regime).replace(/^\w/, (c) => c.toUpperCase()) }),
          h('div', { class: 'muted', text: `Confidence ${fmt.share(a.confidence)} · data quality ${a.data_quality.score}` }),
          h('ul', { class: 'why' }, (a.why || []).slice(0, 3).map((w) => h('li', { text: w })))),
        h('div', null,
          structure ? renderStructure(structure) : h('div', { class: 'structure' },
            h('div', { class: 'structure-title', text: 'No spread proposed' }),
            h('div', { class: 'muted', text: (a.avoid_if && a.avoid_if[0]) || 'The flow does not lean far enough to propose a spread.' })),
          (a.risk_flags || []).length ? h('div', { class: 'flags' }, a.risk_flags.map((f) => h('span', { class: `flag ${f.severity}`, title: f.message, text: fmt.words(f.code) }))) : null)));
    return false;
  }

  // ---- charts (uPlot) ------------------------------------------------------------------------------------------------

  const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), TZ);

  function axis(extra) {
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
  class Chart {
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

  // ---- cumulative net flow -------------------------------------------------------------------------------------------

  function cumulativeOptions(width, height) {
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
        cum: { range: (u) => zeroAligned(u).cum },
        vol: { range: (u) => zeroAligned(u).vol },
      },
      series: [
        { value: (u, ts) => (ts === null ? '—' : `${timeFmt.format(new Date(ts * 1e3))} ET`) },
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

  /**
   * Ranges of the two y scales with their zeros at one height, so a bar above the line's zero is a net buy minute: the
   * cumulative range includes 0 with a margin, and the volume range is the same shape scaled to fit every bar.
   */
  function zeroAligned(u) {
    const [, cum, up, down] = u.data;
    const lo = Math.min(0, ...cum);
    const hi = Math.max(0, ...cum);
    const span = Math.max(1, hi - lo);
    const bought = Math.max(0, ...up.filter((v) => v !== null));
    const sold = Math.max(0, ...down.filter((v) => v !== null).map(Math.abs));
    // A fifth of the height at least on each side that has bars, so that the minutes stay readable.
    const cmin = Math.min(lo - span * 0.06, sold > 0 ? -span * 0.2 : 0);
    const cmax = Math.max(hi + span * 0.06, bought > 0 ? span * 0.2 : 0);
    const k = Math.max(bought / cmax, sold / -cmin, 1e-9) * 1.05;
    return { cum: [cmin, cmax], vol: [cmin * k, cmax * k] };
  }

  function renderCumulative(c) {
    if (!c.points.length) {
      cumulativeChart.forget();
      cumulativeView.show('empty', '∅', `No prints for ${c.symbol} in this window`, `The cumulative line starts at the window's first minute with prints (window: ${c.minutes} minutes).`);
      return true;
    }

    const xs = c.points.map((p) => Date.parse(p.ts) / 1000);
    const cum = c.points.map((p) => p.cumulative);
    const up = c.points.map((p) => (p.netVolume > 0 ? p.netVolume : null));
    const down = c.points.map((p) => (p.netVolume < 0 ? p.netVolume : null));
    cumulativeChart.draw([xs, cum, up, down]);
    cumulativeView.root.dataset.points = String(c.count);
    cumulativeView.root.dataset.last = String(cum[cum.length - 1]);
    return false;
  }

  // ---- 0DTE strike flow bubbles ------------------------------------------------------------------------------------

  function strikeOptions(width, height, grid) {
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
    strikesView.root.dataset.bubbles = String(drawn);
  }

  function showBubbleTip(u, tip) {
    const g = u.extra;
    const i = u.cursor.idx;
    if (!g || i === null || i === undefined || u.cursor.top < 0) {
      tip.hidden = true;
      return;
    }
    const strike = u.posToVal(u.cursor.top, 'y');
    let j = 0;
    for (let k = 1; k < g.strikes.length; k++) if (Math.abs(g.strikes[k] - strike) < Math.abs(g.strikes[j] - strike)) j = k;
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

  function percentile(values, p) {
    if (!values.length) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  function renderStrikes(s) {
    if (!s.strikes_grid.length || !s.bars.some((b) => b.contracts.some((c) => c > 0))) {
      strikeChart.forget();
      strikesView.show('empty', '∅', `No 0DTE flow for ${s.symbol}`, `Nothing has traded in the ${s.expiration} expiry in this window. Weekly-expiry names have a 0DTE expiry only on their expiry day.`);
      return true;
    }

    const strikes = s.strikes_grid;
    const steps = strikes.slice(1).map((k, i) => k - strikes[i]).filter((d) => d > 0);
    const step = steps.length ? Math.min(...steps) : 1;
    const spots = s.bars.map((b) => b.spot).filter((v) => v !== null && v !== undefined);
    const grid = {
      bars: s.bars,
      xs: s.bars.map((b) => Date.parse(b.t) / 1000),
      strikes,
      step,
      contracts: s.bars.map((b) => b.contracts),
      delta: s.bars.map((b) => b.signed_delta_dollars),
      fullContracts: Math.max(1, percentile(s.bars.flatMap((b) => b.contracts.filter((c) => c > 0)), 0.97)),
      fullDelta: percentile(s.bars.flatMap((b) => b.signed_delta_dollars.filter((d) => d !== 0).map(Math.abs)), 0.97),
      yMin: Math.min(strikes[0], ...spots) - step,
      yMax: Math.max(strikes[strikes.length - 1], ...spots) + step,
    };
    grid.xMin = grid.xs[0];
    grid.xMax = grid.xs[grid.xs.length - 1];
    strikeChart.draw([grid.xs, s.bars.map((b) => b.spot)], grid);
    const legend = $('[data-legend]', strikesView.root);
    legend.hidden = false;
    $('[data-scale-min]', legend).textContent = fmt.money(-grid.fullDelta);
    $('[data-scale-max]', legend).textContent = fmt.money(grid.fullDelta);
    strikesView.root.dataset.expiration = s.expiration;
    return false;
  }

  // ---- leaderboard ---------------------------------------------------------------------------------------------------

  function renderLeaderboard(l) {
    const rows = [...l.buyers, ...[...l.sellers].reverse()];
    if (!rows.length) {
      leaderboardView.show('empty', '∅', 'No trades in this window', `No symbol has option prints in the last ${l.windowMinutes} minutes.`);
      return true;
    }

    const max = Math.max(...rows.map((r) => Math.abs(r.netNotional)), 1);
    const diverging = h('div', { class: 'diverging', role: 'list', 'aria-label': 'Net premium by symbol' },
      rows.map((r) => {
        const width = (Math.abs(r.netNotional) / max) * 100;
        const bar = h('span', { class: 'bar' });
        bar.style.width = `${width}%`;
        const label = h('span', { class: `dval ${width > 42 ? 'inside' : r.netNotional > 0 ? 'outside-right' : 'outside-left'}`, text: fmt.signedMoney(r.netNotional) });
        if (width <= 42) label.style[r.netNotional > 0 ? 'left' : 'right'] = `calc(${width}% + 6px)`;
        const left = h('div', { class: 'half left' });
        const right = h('div', { class: 'half right' });
        (r.netNotional > 0 ? right : left).append(bar, label);
        return h('div', { class: 'drow', role: 'listitem', 'data-symbol-row': r.symbol, title: `${r.symbol}: net premium ${fmt.signedMoney(r.netNotional)}`, onclick: () => select(r.symbol) },
          h('span', { class: 'dsym', text: r.symbol }), left, right);
      }));

    const headers = ['Symbol', 'Net premium', 'Net vol', 'Buy vol', 'Sell vol', 'Avg prem', 'Trades', 'Last trade'];
    const line = (r) => h('tr', { class: r.symbol === state.symbol ? 'selected' : null, 'data-row': r.symbol, onclick: () => select(r.symbol) },
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

    leaderboardView.body.replaceChildren(
      h('div', { class: 'axis-labels' }, h('span'), h('span', { text: '◀ Net sold' }), h('span', { text: 'Net bought ▶' })),
      diverging,
      h('div', { class: 'table-wrap' }, table));
    leaderboardView.root.dataset.generated = l.generatedUtc;
    state.snapshotUtc = l.generatedUtc;
    return false;
  }

  // ---- the views -----------------------------------------------------------------------------------------------------

  const summaryView = new View('summary', () => api(`/v1/flow/summary/${encoded()}`), renderSummary);
  const anomalyView = new View('anomaly', () => api(`/v1/strategies/flow-anomaly/${encoded()}`), renderAnomaly);
  const cumulativeView = new View('cumulative', () => api(`/v1/flow/options/${encoded()}/cumulative?minutes=${state.windows.cumulative}`), renderCumulative);
  const strikesView = new View('strikes', () => api(`/v1/flow/zero-dte/strike-flow/${encoded()}?bar=1m&minutes=${state.windows.strikes}`), renderStrikes);
  const leaderboardView = new View('leaderboard', () => api(`/v1/flow/options/leaderboard?n=10&windowMinutes=${state.windows.leaderboard}`), renderLeaderboard);
  const cumulativeChart = new Chart(cumulativeView, 'cumulative', cumulativeOptions, 300);
  const strikeChart = new Chart(strikesView, 'strikes', strikeOptions, 420);
  const symbolViews = [summaryView, anomalyView, cumulativeView, strikesView];
  const allViews = [...symbolViews, leaderboardView];

  // ---- refresh: every view, then again when the leaderboard snapshot turns over ---------------------------------------

  function pause(seconds, message) {
    state.pausedUntil = Math.max(state.pausedUntil, Date.now() + seconds * 1000);
    const banner = $('#banner');
    banner.className = 'banner';
    banner.textContent = `Rate limited: ${message || 'too many requests.'} Refreshing resumes at ${localTimeFmt.format(new Date(state.pausedUntil))}.`;
    banner.hidden = false;
  }

  async function refreshAccount(generation) {
    const plan = $('#plan');
    if (!state.key) {
      plan.hidden = true;
      return null;
    }
    const answer = await api('/v1/account');
    if (generation !== state.generation) return answer; // another key's refresh answers for the badge
    if (answer.status !== 200 || !answer.body) {
      plan.hidden = true;
      return answer;
    }
    const a = answer.body;
    const quota = a.daily_limit === null
      ? (a.per_minute_limit ? `${fmt.int(a.per_minute_limit)}/min burst` : 'unlimited')
      : `${fmt.int(a.remaining)} of ${fmt.int(a.daily_limit)} left today`;
    plan.replaceChildren(h('b', { text: a.plan }), ` plan · ${quota}`);
    plan.title = `${a.name}; quota resets ${new Date(a.resets_at).toLocaleString()}`;
    plan.hidden = false;
    return answer;
  }

  async function refresh(views = allViews) {
    clearTimeout(state.timer);
    const generation = ++state.generation;
    const wait = state.pausedUntil - Date.now();
    if (wait > 0) {
      schedule(wait / 1000);
      return;
    }
    $('#banner').hidden = true;
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
      const banner = $('#banner');
      banner.className = 'banner error';
      banner.textContent = `Your API key was not accepted: ${(account.body && account.body.message) || 'unauthorized'}`;
      banner.hidden = false;
    }
    $('#footer-source').textContent = health
      ? `${health.mode} · ${health.storage} store${health.market_replay ? ' · replaying the latest session' : ''} · market time ${fmt.timeSec(health.market_time)} ET`
      : '';

    // The leaderboard is answered from a snapshot for up to refresh_seconds: come back just after it turns over.
    let delay = state.config.refresh_seconds;
    if (health && state.snapshotUtc) {
      const age = (Date.parse(health.market_time) - Date.parse(state.snapshotUtc)) / 1000;
      delay = Math.min(state.config.refresh_seconds + 1, Math.max(5, state.config.refresh_seconds - age + 1));
    }
    schedule(Math.max(delay, (state.pausedUntil - Date.now()) / 1000));
    document.body.dataset.refreshes = String(++state.refreshes); // completed refresh cycles, for tests and tools
  }

  function schedule(seconds) {
    clearTimeout(state.timer);
    state.nextRefresh = Date.now() + seconds * 1000;
    state.timer = setTimeout(() => {
      if (document.hidden) return; // resumed by visibilitychange
      refresh();
    }, seconds * 1000);
    tick();
  }

  function setStatus(kind, text) {
    const status = $('#status');
    status.className = `status ${kind}`;
    $('#status-text').textContent = text;
  }

  function tick() {
    if (!state.key) return;
    const left = Math.max(0, Math.round((state.nextRefresh - Date.now()) / 1000));
    if (state.keyRejected) {
      setStatus('error', 'Key not accepted');
    } else if (state.pausedUntil > Date.now()) {
      setStatus('error', `Rate limited · resumes in ${left} s`);
    } else if (state.lastRefresh) {
      const replay = state.health && state.health.market_replay;
      setStatus(replay ? 'replay' : 'live', `${replay ? 'Replay' : 'Live'} · updated ${localTimeFmt.format(state.lastRefresh)} · next in ${left} s`);
    } else {
      setStatus('', 'Loading…');
    }
  }

  // ---- controls --------------------------------------------------------------------------------------------------------

  function select(symbol) {
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
  }

  function setupControls() {
    const picker = $('#symbol');
    const universe = state.config.universe.length ? state.config.universe : [state.symbol];
    picker.replaceChildren(...universe.map((s) => h('option', { value: s, text: s })));
    if (!universe.includes(state.symbol)) picker.append(h('option', { value: state.symbol, text: state.symbol }));
    picker.value = state.symbol;
    picker.addEventListener('change', () => select(picker.value));

    for (const group of document.querySelectorAll('.segmented[data-choice]')) {
      const name = group.dataset.choice;
      const view = { cumulative: cumulativeView, strikes: strikesView, leaderboard: leaderboardView }[name];
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
      try { localStorage.setItem(KEY_STORAGE, value); } catch { /* storage off */ }
      useKey(value, false);
    });
    $('#forget-key').addEventListener('click', () => {
      try { localStorage.removeItem(KEY_STORAGE); } catch { /* storage off */ }
      useKey(state.config.development_key, Boolean(state.config.development_key));
    });

    $('#theme').addEventListener('click', () => {
      const dark = document.documentElement.dataset.theme
        ? document.documentElement.dataset.theme === 'dark'
        : !matchMedia('(prefers-color-scheme: light)').matches;
      const theme = dark ? 'light' : 'dark';
      document.documentElement.dataset.theme = theme;
      try { localStorage.setItem(THEME_STORAGE, theme); } catch { /* storage off */ }
      retheme();
    });
    matchMedia('(prefers-color-scheme: light)').addEventListener('change', retheme);

    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && Date.now() >= state.nextRefresh) refresh();
    });
    setInterval(tick, 1000);
  }

  function useKey(key, developmentKey) {
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
  }

  function retheme() {
    for (const chart of [cumulativeChart, strikeChart]) chart.rebuild();
  }

  // ---- start -----------------------------------------------------------------------------------------------------------

  async function start() {
    try {
      const theme = localStorage.getItem(THEME_STORAGE);
      if (theme) document.documentElement.dataset.theme = theme;
    } catch { /* storage off */ }
    takeKeyFromUrl();
    const config = await publicJson('/dashboard/config.json');
    if (config) state.config = config;
    loadKey();
    showKeyInput();
    setupControls();
    for (const view of symbolViews) view.symbolChanged();
    refresh();
  }

  start();
})();
