// The flow summary card (its request is in views.js): dealer-gamma direction, live GEX, its shift since the open,
// the dealer-signed gamma with its P10-P90 band (docs/methodology.md section 9), the net contracts under the calibrated
// buy probability with its spread and sign certainty (section 2), the intraday OI change and how many contracts traded.
import { h } from './dom.js';
import { fmt } from './format.js';

const DIRECTION = {
  amplifying: ['warn', 'Amplifying', 'Flow is adding to dealer gamma'],
  dampening: ['info', 'Dampening', 'Flow is taking dealer gamma away'],
  neutral: ['quiet', 'Neutral', 'Flow moved GEX by less than 5%'],
  regime_flip: ['bad', 'Regime flip', 'Flow flipped the sign of dealer gamma'],
  no_flow: ['quiet', 'No flow', 'No contract has traded yet'],
};

const DEALER = {
  long_gamma: 'dealers long gamma',
  short_gamma: 'dealers short gamma',
  uncertain: 'band straddles zero',
};

function metric(label, value, sub, extra) {
  return h('div', { class: 'metric' }, h('div', { class: 'label', text: label }), value, sub ? h('div', { class: 'sub', text: sub }) : null, extra || null);
}

export function renderSummary(view, s) {
  const [tone, label, meaning] = DIRECTION[s.flow_direction] || ['quiet', fmt.words(s.flow_direction), ''];
  const shift = s.flow_gex_pct_shift;
  const coverage = s.contracts_total > 0 ? s.contracts_with_flow / s.contracts_total : 0;
  const meter = h('div', { class: 'meter' }, h('span'));
  meter.firstChild.style.width = `${(coverage * 100).toFixed(1)}%`;
  view.asOf(s.as_of);
  view.body.replaceChildren(
    h('div', { class: 'headline' },
      h('span', { class: `badge ${tone}`, 'data-field': 'flow_direction', text: label }),
      h('span', { class: 'muted', text: meaning }),
      h('span', { class: 'price' }, 'Spot ', h('b', { class: 'num', 'data-field': 'underlying_price', text: fmt.price(s.underlying_price) }))),
    h('div', { class: 'metrics' },
      metric('Live GEX', h('div', { class: `value ${s.live_gex >= 0 ? 'pos' : 'neg'}`, 'data-field': 'live_gex', text: fmt.money(s.live_gex) }), 'per 1% move'),
      metric('Shift since open', h('div', { class: `value ${shift > 0 ? 'pos' : shift < 0 ? 'neg' : ''}`, 'data-field': 'flow_gex_pct_shift', text: shift === null ? '—' : fmt.pct(shift) }), 'live vs settled GEX'),
      metric('Dealer gamma', h('div', { class: `value ${s.dealer_gex.p50 >= 0 ? 'pos' : 'neg'}`, 'data-field': 'dealer_gex', text: fmt.money(s.dealer_gex.p50) }),
        `P10 ${fmt.money(s.dealer_gex.p10)} · P90 ${fmt.money(s.dealer_gex.p90)} · ${DEALER[s.dealer_gex.regime] || fmt.words(s.dealer_gex.regime)}${s.dealer_gex.regime_flip ? ' · flipped since the open' : ''}`),
      metric('Net contracts (calibrated)', h('div', { class: `value ${s.signed_flow.expected_net_contracts >= 0 ? 'pos' : 'neg'}`, 'data-field': 'signed_flow', text: fmt.signedInt(s.signed_flow.expected_net_contracts) }),
        `± ${fmt.int(s.signed_flow.sd_net_contracts)} · rule ${fmt.signedInt(s.signed_flow.rule_net_contracts)} · sign certainty ${s.signed_flow.sign_certainty === null ? '—' : s.signed_flow.sign_certainty.toFixed(2)}`),
      metric('Intraday OI Δ', h('div', { class: `value ${s.intraday_oi_delta >= 0 ? 'pos' : 'neg'}`, 'data-field': 'intraday_oi_delta', text: fmt.signedInt(s.intraday_oi_delta) }), 'contracts'),
      metric('Contracts with flow', h('div', { class: 'value', 'data-field': 'contracts_with_flow', text: `${fmt.int(s.contracts_with_flow)} / ${fmt.int(s.contracts_total)}` }), null, meter)));
  return false;
}
