// Unit tests of web/logic.js (node --test): the key's way out of the address bar, the refresh timing, and the charts'
// arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cumulativeSeries, divergingRows, hasStrikeFlow, keyFromAddress, nearestStrike, parseSse, percentile, refreshDelay, startOfDayId, strikeGrid,
  symbolFromAddress, zeroAligned,
} from '../web/logic.js';

test('the key leaves the address, query or fragment, and everything else stays', () => {
  assert.deepEqual(keyFromAddress('?symbol=QQQ&apiKey=ff_abc', ''), { key: 'ff_abc', search: '?symbol=QQQ', hash: '' });
  assert.deepEqual(keyFromAddress('', '#apiKey=ff_abc&x=1'), { key: 'ff_abc', search: '', hash: '#x=1' });
  assert.deepEqual(keyFromAddress('?apiKey=ff_q', '#apiKey=ff_h'), { key: 'ff_q', search: '', hash: '' });
  assert.deepEqual(keyFromAddress('?symbol=SPY', ''), { key: null, search: '?symbol=SPY', hash: '' });
});

test('the symbol comes from the address, upper-cased, SPY without one', () => {
  assert.equal(symbolFromAddress('?symbol=%20qqq%20'), 'QQQ');
  assert.equal(symbolFromAddress(''), 'SPY');
});

test('the next refresh comes just after the leaderboard snapshot turns over', () => {
  assert.equal(refreshDelay(30, null, null), 30);
  assert.equal(refreshDelay(30, '2026-06-05T18:44:10Z', '2026-06-05T18:44:00Z'), 21); // 10 s old: 20 s left, plus 1
  assert.equal(refreshDelay(30, '2026-06-05T18:44:28Z', '2026-06-05T18:44:00Z'), 5); // never sooner than 5 s
  assert.equal(refreshDelay(30, '2026-06-05T18:43:00Z', '2026-06-05T18:44:00Z'), 31); // a clock behind: one period
});

test('the cumulative chart puts both zeros at one height and every bar inside', () => {
  const data = [[0, 60, 120], [100, 40, 250], [100, null, 210], [null, -60, null]];
  const { cum, vol } = zeroAligned(data);
  assert.ok(cum[0] < 0 && cum[1] > 250);
  const zeroAt = (range) => -range[0] / (range[1] - range[0]);
  assert.ok(Math.abs(zeroAt(cum) - zeroAt(vol)) < 1e-12);
  assert.ok(vol[1] >= 210 && vol[0] <= -60);
});

test('the cumulative answer becomes the chart series, bought and sold apart', () => {
  const series = cumulativeSeries([
    { ts: '2026-06-05T13:30:00Z', cumulative: 10, netVolume: 10 },
    { ts: '2026-06-05T13:31:00Z', cumulative: 4, netVolume: -6 },
  ]);
  assert.deepEqual(series, [[1780666200, 1780666260], [10, 4], [10, null], [null, -6]]);
});

test('percentiles by nearest rank', () => {
  assert.equal(percentile([], 0.97), 0);
  assert.equal(percentile([5, 1, 3], 0.5), 3);
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.97), 98);
});

test('the strike grid: step, full scales at the 97th percentile, axes a step beyond strikes and spot', () => {
  const answer = {
    strikes_grid: [585, 590, 595],
    bars: [
      { t: '2026-06-05T13:30:00Z', spot: 589.5, contracts: [0, 10, 0], signed_delta_dollars: [0, 5000, 0], signed_gamma_dollars: [0, 1, 0] },
      { t: '2026-06-05T13:31:00Z', spot: 596.0, contracts: [3, 0, 40], signed_delta_dollars: [-300, 0, 9000], signed_gamma_dollars: [0, 0, 2] },
    ],
  };
  assert.ok(hasStrikeFlow(answer));
  const g = strikeGrid(answer);
  assert.equal(g.step, 5);
  assert.equal(g.fullContracts, 40);
  assert.equal(g.fullDelta, 9000);
  assert.deepEqual([g.yMin, g.yMax], [580, 601]);
  assert.deepEqual([g.xMin, g.xMax], [1780666200, 1780666260]);
  assert.equal(nearestStrike(g.strikes, 591.9), 1);
  assert.ok(!hasStrikeFlow({ strikes_grid: [590], bars: [{ contracts: [0] }] }));
});

test('the leaderboard bars: buyers, then sellers with the largest sale last, widths against the largest', () => {
  const rows = divergingRows({
    buyers: [{ symbol: 'SPY', netNotional: 400 }, { symbol: 'QQQ', netNotional: 100 }],
    sellers: [{ symbol: 'IWM', netNotional: -800 }, { symbol: 'TSLA', netNotional: -200 }],
  });
  assert.deepEqual(rows.map((r) => [r.row.symbol, r.width]), [['SPY', 50], ['QQQ', 12.5], ['TSLA', 25], ['IWM', 100]]);
  assert.deepEqual(divergingRows({ buyers: [], sellers: [] }), []);
});

test('parseSse reads complete events and keeps the unfinished rest for the next chunk', () => {
  const first = parseSse('retry: 3000\n\nid: 20260605.1.0\nevent: block\ndata: {"size":1000}\n\n: heartbeat\n\nid: 20260605.1.1\nevent: min');
  assert.deepEqual(first.events.map((e) => [e.id, e.event, e.data, e.retry, e.comment]), [
    [null, 'message', '', 3000, false],
    ['20260605.1.0', 'block', '{"size":1000}', null, false],
    [null, 'message', '', null, true],
  ]);
  const second = parseSse(first.rest + 'ute\r\ndata: {"final":true}\r\n\r\n');
  assert.deepEqual(second.events.map((e) => [e.id, e.event, e.data]), [['20260605.1.1', 'minute', '{"final":true}']]);
  assert.equal(second.rest, '');
});

test('startOfDayId is the New York trading date of the instant', () => {
  assert.equal(startOfDayId('2026-06-05T18:45:00Z'), '20260605.0.0');
  assert.equal(startOfDayId('2026-06-06T03:30:00Z'), '20260605.0.0'); // 23:30 in New York
});
