// Formatting of the API's numbers and times for display (pure: no DOM, no state). Times are New York's, as the
// market's; the status line's clock is the browser's own.

export const TZ = 'America/New_York';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const price2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const timeFmt = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });
const timeSecFmt = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const localTimeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const fmt = {
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
  /** New York wall-clock time of an ISO instant or a Date: 14:05 */
  time: (at) => timeFmt.format(new Date(at)),
  /** 14:05:09 */
  timeSec: (at) => timeSecFmt.format(new Date(at)),
  /** The browser's own clock time of a Date or epoch milliseconds. */
  localTime: (at) => localTimeFmt.format(new Date(at)),
  /** A money amount per spread of 100 shares: $1,320 per spread */
  perSpread: (v) => `$${integer.format(v * 100)} per spread`,
  words: (s) => String(s).replace(/_/g, ' '),
  /** words(), first letter upper-case: "short put spread" → "Short put spread" */
  title: (s) => fmt.words(s).replace(/^\w/, (c) => c.toUpperCase()),
};

/** #rrggbb at an opacity, for canvas fills (which take no color-mix). */
export function alpha(hex, opacity) {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${opacity})`;
}

/** The account badge's quota text: daily quota left, the per-minute burst, or unlimited. */
export function quotaText(account) {
  if (account.daily_limit === null) {
    return account.per_minute_limit ? `${fmt.int(account.per_minute_limit)}/min burst` : 'unlimited';
  }
  return `${fmt.int(account.remaining)} of ${fmt.int(account.daily_limit)} left today`;
}
