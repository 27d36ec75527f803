// The flow anomaly card (its request is in views.js): the decision, its score against the threshold of
// 70, the regime and its reasons, and the best proposed spread with its legs and profit and loss.
import { h } from './dom.js';
import { fmt } from './format.js';

const DECISION = {
  candidate: ['good', 'Candidate'],
  no_setup: ['quiet', 'No setup'],
  insufficient_data: ['quiet', 'Insufficient data'],
};

function renderStructure(s) {
  const legs = h('table', { class: 'legs' },
    h('thead', null, h('tr', null, h('th', { text: 'Leg' }), h('th', { class: 'r', text: 'Strike' }), h('th', { class: 'r', text: 'Δ' }), h('th', { class: 'r', text: 'Premium' }))),
    h('tbody', null, s.legs.map((leg) => h('tr', { 'data-leg': true },
      h('td', null, h('span', { class: leg.action === 'sell' ? 'neg' : 'pos', text: leg.action === 'sell' ? 'Sell' : 'Buy' }), ` ${leg.quantity} ${leg.type}`),
      h('td', { class: 'r', text: fmt.price(leg.strike) }),
      h('td', { class: 'r', text: leg.delta.toFixed(2) }),
      h('td', { class: 'r', text: fmt.price(leg.premium) })))));
  return h('div', { class: 'structure', 'data-structure': s.structure },
    h('div', { class: 'structure-title' }, h('span', { text: fmt.title(s.structure) }), h('span', { class: 'muted', text: `expires ${s.expiry}` })),
    legs,
    h('div', { class: 'pnl' },
      h('div', null, s.credit !== null ? 'Credit' : 'Debit', h('b', { text: fmt.price(s.credit ?? s.debit) })),
      h('div', { title: fmt.perSpread(s.max_profit) }, 'Max profit', h('b', { class: 'pos', 'data-field': 'max_profit', text: fmt.price(s.max_profit) })),
      h('div', { title: fmt.perSpread(s.max_loss) }, 'Max loss', h('b', { class: 'neg', 'data-field': 'max_loss', text: fmt.price(s.max_loss) })),
      h('div', null, 'Breakeven', h('b', { text: s.breakevens.map(fmt.price).join(' / ') }))));
}

export function renderAnomaly(view, a) {
  const [tone, label] = DECISION[a.decision] || ['quiet', fmt.words(a.decision)];
  const bias = a.metrics && a.metrics.bias;
  const meter = h('div', { class: 'meter' }, h('span', { class: a.score >= 70 ? 'hot' : null }), h('span', { class: 'mark' }));
  meter.children[0].style.width = `${a.score}%`;
  meter.children[1].style.left = '70%';
  meter.title = 'A candidate needs a score of 70 or more';
  const structure = a.best_structures && a.best_structures[0];
  view.asOf(a.timestamp);
  view.body.replaceChildren(
    h('div', { class: 'anomaly-grid' },
      h('div', null,
        h('div', { class: 'headline' }, h('span', { class: `badge ${tone}`, 'data-field': 'decision', text: label })),
        h('div', { class: 'score' }, h('span', { class: 'big', 'data-field': 'score', text: String(a.score) }), h('span', { class: 'of', text: '/ 100 score' })),
        meter,
        h('div', { class: `regime ${bias === 'bullish' ? 'pos' : bias === 'bearish' ? 'neg' : ''}`, 'data-field': 'regime', text: fmt.title(a.regime) }),
        h('div', { class: 'muted', text: `Confidence ${fmt.share(a.confidence)} · data quality ${a.data_quality.score}` }),
        h('ul', { class: 'why' }, (a.why || []).slice(0, 3).map((w) => h('li', { text: w })))),
      h('div', null,
        structure ? renderStructure(structure) : h('div', { class: 'structure' },
          h('div', { class: 'structure-title', text: 'No spread proposed' }),
          h('div', { class: 'muted', text: (a.avoid_if && a.avoid_if[0]) || 'The flow does not lean far enough to propose a spread.' })),
        (a.risk_flags || []).length ? h('div', { class: 'flags' }, a.risk_flags.map((f) => h('span', { class: `flag ${f.severity}`, title: f.message, text: fmt.words(f.code) }))) : null)));
  return false;
}
