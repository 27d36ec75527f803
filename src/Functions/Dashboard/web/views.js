// The page's five views, each with what it fetches (the key in the header, the symbol and the window from the state)
// and how it draws, and the two charts.
import { api } from './api.js';
import { renderAnomaly } from './anomaly.js';
import { Chart } from './chart.js';
import { cumulativeOptions, renderCumulative } from './cumulative.js';
import { renderLeaderboard } from './leaderboard.js';
import { state } from './state.js';
import { renderStrikes, strikeOptions } from './strikes.js';
import { renderSummary } from './summary.js';
import { View } from './view.js';

const encoded = () => encodeURIComponent(state.symbol);

export const summaryView = new View('summary', () => api(`/v1/flow/summary/${encoded()}`), renderSummary);
export const anomalyView = new View('anomaly', () => api(`/v1/strategies/flow-anomaly/${encoded()}`), renderAnomaly);
export const cumulativeView = new View('cumulative', () => api(`/v1/flow/options/${encoded()}/cumulative?minutes=${state.windows.cumulative}`),
  (view, body) => renderCumulative(view, cumulativeChart, body));
export const strikesView = new View('strikes', () => api(`/v1/flow/zero-dte/strike-flow/${encoded()}?bar=1m&minutes=${state.windows.strikes}`),
  (view, body) => renderStrikes(view, strikeChart, body));
export const leaderboardView = new View('leaderboard', () => api(`/v1/flow/options/leaderboard?n=10&windowMinutes=${state.windows.leaderboard}`), renderLeaderboard);

export const cumulativeChart = new Chart(cumulativeView, 'cumulative', cumulativeOptions, 300);
export const strikeChart = new Chart(strikesView, 'strikes', strikeOptions, 420);

/** The views that follow the symbol; the leaderboard is the same for every symbol. */
export const symbolViews = [summaryView, anomalyView, cumulativeView, strikesView];
export const allViews = [...symbolViews, leaderboardView];

/** The view of each window picker (data-choice) on the page. */
export const windowViews = { cumulative: cumulativeView, strikes: strikesView, leaderboard: leaderboardView };

/** A minute closed on the live stream: the symbol's views are out of date (the leaderboard keeps its snapshot cycle). */
export function refreshOnClose() {
  for (const view of symbolViews) view.refresh();
}
