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

/** The app's route for a view (config.json's routes, from the endpoint declarations) with the symbol in it. */
const route = (name, query = '') => state.config.routes[name].replace('{symbol}', encodeURIComponent(state.symbol)) + query;

export const summaryView = new View('summary', () => api(route('summary')), renderSummary);
export const anomalyView = new View('anomaly', () => api(route('anomaly')), renderAnomaly);
export const cumulativeView = new View('cumulative', () => api(route('cumulative', `?minutes=${state.windows.cumulative}`)),
  (view, body) => renderCumulative(view, cumulativeChart, body));
export const strikesView = new View('strikes', () => api(route('strikes', `?bar=1m&minutes=${state.windows.strikes}`)),
  (view, body) => renderStrikes(view, strikeChart, body));
export const leaderboardView = new View('leaderboard', () => api(route('leaderboard', `?n=10&windowMinutes=${state.windows.leaderboard}`)), renderLeaderboard);

export const cumulativeChart = new Chart(cumulativeView, 'cumulative', cumulativeOptions, 300);
export const strikeChart = new Chart(strikesView, 'strikes', strikeOptions, 420);

/** The views that follow the symbol; the leaderboard is the same for every symbol. */
export const symbolViews = [summaryView, anomalyView, cumulativeView, strikesView];
export const allViews = [...symbolViews, leaderboardView];

/** The view of each window picker (data-choice) on the page. */
export const windowViews = { cumulative: cumulativeView, strikes: strikesView, leaderboard: leaderboardView };

/** A minute closed on the live stream: the symbol's views are out of date (the leaderboard keeps its snapshot cycle). */
export function refreshOnClose() {
  if (state.at) return; // looking back: a minute closing now changes nothing on screen
  for (const view of symbolViews) view.refresh();
}
