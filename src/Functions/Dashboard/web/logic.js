// The dashboard's decisions that need no page (pure: no DOM, no state, no clock): where the key comes from, when to
// refresh, and the arithmetic behind the two charts. Unit-tested with Node's test runner (dashboard.test.mjs).

/**
 * The key in a page address (?apiKey= or #apiKey=) and the address without it, so that it leaves the address bar:
 * { key, search, hash }, key null when there is none.
 */
export function keyFromAddress(search, hash) {
  const query = new URLSearchParams(search);
  const fragment = new URLSearchParams(String(hash).replace(/^#/, ''));
  const key = query.get('apiKey') || fragment.get('apiKey') || null;
  query.delete('apiKey');
  fragment.delete('apiKey');
  const q = query.toString();
  const f = fragment.toString();
  return { key, search: q ? `?${q}` : '', hash: f ? `#${f}` : '' };
}

/** The symbol of a page address (?symbol=), trimmed and upper-cased; SPY when there is none. */
export function symbolFromAddress(search) {
  return (new URLSearchParams(search).get('symbol') || 'SPY').trim().toUpperCase();
}

/**
 * Seconds until the next refresh: the leaderboard is answered from a snapshot for up to refreshSeconds, so come back
 * just after it turns over (at least 5 s, at most one period and a second); a full period when the snapshot's age is
 * unknown.
 */
export function refreshDelay(refreshSeconds, marketTime, snapshotUtc) {
  if (!marketTime || !snapshotUtc) return refreshSeconds;
  const age = (Date.parse(marketTime) - Date.parse(snapshotUtc)) / 1000;
  return Math.min(refreshSeconds + 1, Math.max(5, refreshSeconds - age + 1));
}

/**
 * Ranges of the cumulative chart's two y scales with their zeros at one height, so a bar above the line's zero is a
 * net buy minute: the cumulative range includes 0 with a margin, and the volume range is the same shape scaled to fit
 * every bar. data is the chart's [xs, cumulative, bought, sold].
 */
export function zeroAligned(data) {
  const [, cum, up, down] = data;
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

/** The cumulative answer as the chart's series: [epoch seconds, cumulative, net bought (or null), net sold (or null)]. */
export function cumulativeSeries(points) {
  return [
    points.map((p) => Date.parse(p.ts) / 1000),
    points.map((p) => p.cumulative),
    points.map((p) => (p.netVolume > 0 ? p.netVolume : null)),
    points.map((p) => (p.netVolume < 0 ? p.netVolume : null)),
  ];
}

/** The value below which a share p of the values lie (nearest rank); 0 for none. */
export function percentile(values, p) {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** True when a strike-flow answer has at least one contract traded. */
export function hasStrikeFlow(answer) {
  return answer.strikes_grid.length > 0 && answer.bars.some((b) => b.contracts.some((c) => c > 0));
}

/**
 * The bubble chart's grid of a strike-flow answer: bar times, strikes and their step, per-bubble contracts and signed
 * delta-dollars, the sizes drawn at full scale (the 97th percentile of the window, so one block trade does not shrink
 * every other bubble to a dot), and the axes' ranges (strikes and spot, a step beyond).
 */
export function strikeGrid(answer) {
  const strikes = answer.strikes_grid;
  const steps = strikes.slice(1).map((k, i) => k - strikes[i]).filter((d) => d > 0);
  const step = steps.length ? Math.min(...steps) : 1;
  const spots = answer.bars.map((b) => b.spot).filter((v) => v !== null && v !== undefined);
  const xs = answer.bars.map((b) => Date.parse(b.t) / 1000);
  return {
    bars: answer.bars,
    xs,
    strikes,
    step,
    contracts: answer.bars.map((b) => b.contracts),
    delta: answer.bars.map((b) => b.signed_delta_dollars),
    fullContracts: Math.max(1, percentile(answer.bars.flatMap((b) => b.contracts.filter((c) => c > 0)), 0.97)),
    fullDelta: percentile(answer.bars.flatMap((b) => b.signed_delta_dollars.filter((d) => d !== 0).map(Math.abs)), 0.97),
    yMin: Math.min(strikes[0], ...spots) - step,
    yMax: Math.max(strikes[strikes.length - 1], ...spots) + step,
    xMin: xs[0],
    xMax: xs[xs.length - 1],
  };
}

/** The strike of the grid nearest a value. */
export function nearestStrike(strikes, value) {
  let j = 0;
  for (let k = 1; k < strikes.length; k++) if (Math.abs(strikes[k] - value) < Math.abs(strikes[j] - value)) j = k;
  return j;
}

/** The leaderboard's diverging bars: buyers then sellers (largest sale last), each bar's width as a share of the largest. */
export function divergingRows(board) {
  const rows = [...board.buyers, ...[...board.sellers].reverse()];
  const max = Math.max(...rows.map((r) => Math.abs(r.netNotional)), 1);
  return rows.map((r) => ({ row: r, width: (Math.abs(r.netNotional) / max) * 100 }));
}

/**
 * Server-Sent Events as the HTML standard reads them, for a body read with fetch: the complete events in `text`
 * ({ id, event, data, retry }; comments come back as { comment: true }) and the unfinished rest to prepend to the
 * next chunk. `id` is null when the event set none.
 */
export function parseSse(text) {
  const events = [];
  let rest = text;
  for (;;) {
    const match = /\r?\n\r?\n/.exec(rest);
    if (!match) break;
    const block = rest.slice(0, match.index);
    rest = rest.slice(match.index + match[0].length);
    const event = { id: null, event: 'message', data: [], retry: null, comment: false };
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) { event.comment = true; continue; }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') event.data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
    }
    events.push({ ...event, data: event.data.join('\n') });
  }
  return { events, rest };
}

/** The stream id of the start of a trading day (yyyyMMdd.0.0) for an instant, by its New York date. */
export function startOfDayId(isoInstant) {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(isoInstant));
  return `${date.replaceAll('-', '')}.0.0`;
}
