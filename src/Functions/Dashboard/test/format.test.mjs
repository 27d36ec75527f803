// Unit tests of web/format.js (node --test): the numbers and times the views show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alpha, fmt, quotaText } from '../web/format.js';

test('money is abbreviated by magnitude, with a true minus sign', () => {
  assert.equal(fmt.money(1_350_000_000), '$1.35B');
  assert.equal(fmt.money(-37_300_000), '−$37.3M');
  assert.equal(fmt.money(840_400), '$840K');
  assert.equal(fmt.money(950), '$950');
  assert.equal(fmt.signedMoney(2_500_000), '+$2.5M');
  assert.equal(fmt.signedMoney(-2_500_000), '−$2.5M');
  assert.equal(fmt.signedMoney(0), '$0');
});

test('integers, prices, strikes, percentages and shares', () => {
  assert.equal(fmt.int(1234567), '1,234,567');
  assert.equal(fmt.signedInt(-1200), '−1,200');
  assert.equal(fmt.signedInt(5), '+5');
  assert.equal(fmt.signedInt(0), '0');
  assert.equal(fmt.price(1.5), '1.50');
  assert.equal(fmt.strike(590), '590');
  assert.equal(fmt.strike(592.5), '592.50');
  assert.equal(fmt.pct(0.0512), '+5.1%');
  assert.equal(fmt.pct(-0.25, 0), '−25%');
  assert.equal(fmt.share(0.736), '74%');
  assert.equal(fmt.perSpread(1.32), '$132 per spread');
});

test('axis ticks are compact', () => {
  assert.equal(fmt.compact(120_000), '120K');
  assert.equal(fmt.compact(-4_200_000), '−4.2M');
  assert.equal(fmt.compact(2_000_000_000), '2B');
  assert.equal(fmt.compact(12.345), '12.35');
});

test('times are New York wall-clock time, summer and winter', () => {
  assert.equal(fmt.time('2026-06-05T18:44:03Z'), '14:44');
  assert.equal(fmt.timeSec('2026-06-05T18:44:03Z'), '14:44:03');
  assert.equal(fmt.time('2026-12-02T14:30:00Z'), '09:30');
  assert.equal(fmt.time(Date.parse('2026-06-05T13:30:00Z')), '09:30');
});

test('words and titles of the API codes', () => {
  assert.equal(fmt.words('regime_flip'), 'regime flip');
  assert.equal(fmt.title('short_put_spread'), 'Short put spread');
});

test('a colour at an opacity', () => {
  assert.equal(alpha('#ff8000', 0.12), 'rgba(255, 128, 0, 0.12)');
});

test('the account badge says the quota the plan has', () => {
  assert.equal(quotaText({ daily_limit: 1000, remaining: 250 }), '250 of 1,000 left today');
  assert.equal(quotaText({ daily_limit: null, per_minute_limit: 600 }), '600/min burst');
  assert.equal(quotaText({ daily_limit: null, per_minute_limit: null }), 'unlimited');
});
