// One view of the page: its element, what it fetches, how it draws, and what it shows when it cannot (loading,
// empty, locked by plan, rate limited, unreachable), keeping the last numbers on screen through transient failures.
import { $, h } from './dom.js';
import { fmt } from './format.js';
import { state } from './state.js';

export class View {
  /** render(view, body) draws an answer and returns true when it had nothing to show. */
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
      const empty = this.render(this, answer.body);
      this.shown = !empty;
      this.root.dataset.state = empty ? 'empty' : 'ready';
      return;
    }
    this.failed(answer);
  }

  /** "as of 14:05:09 ET" in the view's header. */
  asOf(at) {
    $('[data-as-of]', this.root).textContent = `as of ${fmt.timeSec(at)} ET`;
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
      this.staleOr('locked', '!', 'Rate limited', `${message} Retrying at ${fmt.localTime(state.pausedUntil)}.`);
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
