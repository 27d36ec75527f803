"""The API's answers as dataclasses, field for field with docs/api.md (JSON names in ``metadata["json"]`` where they
differ from the attribute). Timestamps are timezone-aware UTC ``datetime``; dates are ``date``; money is USD."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, List, Optional


def _json(name: str) -> Any:
    return field(metadata={"json": name})


def _rate_limit() -> Any:
    return field(default=None, compare=False, metadata={"json": None})


@dataclass(frozen=True)
class RateLimit:
    """The ``X-RateLimit-*`` headers of an answer.

    Attributes:
        limit: requests allowed in the window reported (the UTC day, or the UTC minute for alpha's burst);
            2,147,483,647 for a plan without limits.
        remaining: requests left in that window.
        reset: when the window resets (UTC).
    """

    limit: int
    remaining: int
    reset: datetime


@dataclass(frozen=True)
class SpreadLeg:
    """One leg of a spread.

    Attributes:
        action: ``sell`` or ``buy``.
        type: ``put`` or ``call``.
        strike: the leg's strike.
        delta: the leg's delta at the request time.
        premium: the chain mid, per share (x 100 per contract).
        quantity: contracts per spread (1).
        natural_price: the natural fill, per share: the bid to sell, the ask to buy.
    """

    action: str
    type: str
    strike: float
    delta: float
    premium: float
    quantity: int
    natural_price: float


@dataclass(frozen=True)
class SpreadStructure:
    """A two-leg credit spread expressing the flow (short put spread for bullish flow, short call spread for bearish).

    Attributes:
        rank: 1 for the best.
        structure: ``short_put_spread`` or ``short_call_spread``.
        expiry: the expiry of both legs.
        legs: short leg first.
        credit: short premium minus long premium, per share.
        debit: always None for these credit spreads.
        max_profit: the credit.
        max_loss: strike width minus credit.
        breakevens: the short strike less (puts) or plus (calls) the credit.
        edge_score: the anomaly score (the flow is the edge).
        liquidity_score: 0-1, from the legs' quoted spreads and open interest.
        natural_credit: the credit at natural fills (short bid minus long ask), per share; can be zero or negative.
        natural_max_loss: strike width minus the natural credit, per share.
    """

    rank: int
    structure: str
    expiry: date
    legs: List[SpreadLeg]
    credit: Optional[float]
    debit: Optional[float]
    max_profit: float
    max_loss: float
    breakevens: List[float]
    edge_score: int
    liquidity_score: float
    natural_credit: float
    natural_max_loss: float


@dataclass(frozen=True)
class FlowAnomalyMetrics:
    """The measures behind the flow-anomaly score.

    Attributes:
        bias: ``bullish`` or ``bearish`` when that side has at least 55 % of directional premium, else ``neutral``.
        call_put_volume_ratio: call contracts / put contracts; None without puts.
        call_put_oi_ratio: call / put open interest at the open; None without puts.
        total_volume: contracts traded today.
        total_open_interest: open interest at the open.
        underlying_price: last known spot; None when unknown.
        dominant_premium_usd: the larger of bullish (call buys + put sells) and bearish (put buys + call sells) premium.
        dominant_premium_pct: its share of the two.
        top3_strikes_volume_pct: volume of the three busiest strikes over all volume.
    """

    bias: str
    call_put_volume_ratio: Optional[float]
    call_put_oi_ratio: Optional[float]
    total_volume: int
    total_open_interest: int
    underlying_price: Optional[float]
    dominant_premium_usd: int
    dominant_premium_pct: Optional[float]
    top3_strikes_volume_pct: Optional[float]


@dataclass(frozen=True)
class RiskFlag:
    """A caution: ``severity`` ``low``/``medium``/``high``, a ``code`` (``low_data_quality``, ``mixed_signals``,
    ``concentrated_flow``, ``zero_dte_heavy``, ``low_liquidity``, ``no_structure``) and a ``message`` with the figure
    measured."""

    severity: str
    code: str
    message: str


@dataclass(frozen=True)
class DataQuality:
    """``score`` 0-100, less a deduction (each with a line in ``warnings``) for a missing chain, a stale spot, few
    prints, uncertain trade signs or missing implied volatilities."""

    score: int
    warnings: List[str]


@dataclass(frozen=True)
class FlowAnomaly:
    """Flow anomaly (growth plan): whether one-sided option flow in a name is a trade, and the spread expressing it.

    Attributes:
        strategy: always ``flow_anomaly``.
        symbol: the underlying.
        timestamp: when the answer was built (UTC).
        decision: ``candidate`` (score >= 70, data quality >= 70, a bias and a spread), ``no_setup`` or
            ``insufficient_data``.
        score: 0-100, how lopsided and how large the directional premium is; 70 makes a candidate.
        confidence: 0-1, from the prints seen, how certain their signs are and how aligned the volume is.
        regime: ``bullish_flow_imbalance``, ``bearish_flow_imbalance`` or ``neutral_flow``.
        best_structures: the proposed spread (at most one).
        metrics: the measures behind the score.
        risk_flags: cautions.
        why: sentences: the measure that set the read, then what made it a candidate or not.
        avoid_if: conditions under which not to take the trade.
        data_quality: how complete the inputs were.
        rate_limit: the key's quota as the answer reported it.
    """

    strategy: str
    symbol: str
    timestamp: datetime
    decision: str
    score: int
    confidence: float
    regime: str
    best_structures: List[SpreadStructure]
    metrics: FlowAnomalyMetrics
    risk_flags: List[RiskFlag]
    why: List[str]
    avoid_if: List[str]
    data_quality: DataQuality
    rate_limit: Optional[RateLimit] = _rate_limit()


@dataclass(frozen=True)
class DealerGex:
    """Dealer-signed gamma exposure with a P10-P90 band, USD per 1 % move, positive when dealers are long gamma.

    Attributes:
        settled: the prior at the open (dealers net long 30 % of call and short 30 % of put open interest).
        p10: 10th percentile of the estimate now.
        p50: the estimate now: the prior less the other side of today's expected customer flow.
        p90: 90th percentile of the estimate now.
        regime: ``long_gamma`` when p10 > 0, ``short_gamma`` when p90 < 0, else ``uncertain``.
        regime_flip: True only when the band excludes zero on the other side from ``settled``.
    """

    settled: int
    p10: int
    p50: int
    p90: int
    regime: str
    regime_flip: bool


@dataclass(frozen=True)
class SignedFlow:
    """Today's net contracts two ways.

    Attributes:
        rule_net_contracts: buy minus sell contracts by the aggressor rule (mid prints count on neither side).
        expected_net_contracts: sum of (2q - 1) x size, q each print's calibrated buy probability.
        sd_net_contracts: standard deviation of buy minus sell contracts under those probabilities.
        sign_certainty: volume-weighted mean of |2q - 1| (1 when every side is certain); None without prints.
    """

    rule_net_contracts: int
    expected_net_contracts: int
    sd_net_contracts: int
    sign_certainty: Optional[float]


@dataclass(frozen=True)
class FlowSummary:
    """Flow summary (growth plan): whether today's flow is reshaping dealer gamma.

    Attributes:
        symbol: the underlying.
        as_of: when the answer was built (UTC).
        underlying_price: last known spot; None when unknown.
        expiry: the expiry filter; None when all expiries are aggregated.
        flow_direction: ``amplifying``, ``dampening``, ``neutral`` (|shift| < 5 %), ``regime_flip`` or ``no_flow``.
        intraday_oi_delta: sum of the open-interest changes today's flow implies.
        contracts_with_flow: contracts whose effective open interest differs from the morning's.
        contracts_total: contracts in the chain after the expiry filter.
        live_gex: gamma exposure on the effective open interest, USD per 1 % move.
        flow_gex_pct_shift: (live - settled) / |settled|; None when settled is 0.
        dealer_gex: the dealer-signed view with its band.
        signed_flow: today's net contracts by rule and by probability.
        rate_limit: the key's quota as the answer reported it.
    """

    symbol: str
    as_of: datetime
    underlying_price: Optional[float]
    expiry: Optional[date]
    flow_direction: str
    intraday_oi_delta: int
    contracts_with_flow: int
    contracts_total: int
    live_gex: int
    flow_gex_pct_shift: Optional[float]
    dealer_gex: DealerGex
    signed_flow: SignedFlow
    rate_limit: Optional[RateLimit] = _rate_limit()


@dataclass(frozen=True)
class CumulativePoint:
    """One minute with prints.

    Attributes:
        ts: the minute's start (UTC).
        net_volume: buy minus sell contracts in the minute.
        cumulative: running sum of ``net_volume`` from the window's first point.
        vwap: sum of price x size / sum of size over the minute's prints.
        trade_count: prints in the minute.
    """

    ts: datetime
    net_volume: int = _json("netVolume")
    cumulative: int = _json("cumulative")
    vwap: float = _json("vwap")
    trade_count: int = _json("tradeCount")


@dataclass(frozen=True)
class CumulativeFlow:
    """Cumulative net flow (alpha plan).

    Attributes:
        symbol: the underlying.
        minutes: the window used (1-10,080).
        count: number of points.
        points: one per minute with prints, oldest first.
        rate_limit: the key's quota as the answer reported it.
    """

    symbol: str
    minutes: int
    count: int
    points: List[CumulativePoint]
    rate_limit: Optional[RateLimit] = _rate_limit()


@dataclass(frozen=True)
class StrikeFlowBar:
    """One minute of today's expiry.

    Attributes:
        t: the bar's start (UTC).
        spot: last underlying price in the bar.
        signed_delta_dollars: per strike of ``strikes_grid``: sum of sign x delta x size x 100 x spot, USD (positive is bullish).
        signed_gamma_dollars: per strike: sum of sign x gamma x size x 100 x spot^2 x 0.01, USD.
        contracts: per strike: contracts traded, mid prints included.
    """

    t: datetime
    spot: Optional[float]
    signed_delta_dollars: List[int]
    signed_gamma_dollars: List[int]
    contracts: List[int]


@dataclass(frozen=True)
class GapInterval:
    """Reserved for feed gaps; never sent today.

    Attributes:
        start: the gap's start (UTC).
        end: the gap's end (UTC).
    """

    start: datetime
    end: datetime


@dataclass(frozen=True)
class StrikeFlow:
    """0DTE strike flow (alpha plan): today's expiry by strike and minute.

    Attributes:
        symbol: the underlying.
        underlying_price: last known spot; None when unknown.
        expiration: today's expiry (New York date).
        bar_size: always ``1m``.
        as_of: when the answer was built (UTC).
        tier_used: the data tier the answer came from.
        strikes_grid: strikes with flow in the window, ascending; every bar's lists are aligned to it.
        bars: one per minute with 0DTE prints, oldest first.
        gap_intervals: reserved; always empty.
        rate_limit: the key's quota as the answer reported it.
    """

    symbol: str
    underlying_price: Optional[float]
    expiration: date
    bar_size: str
    as_of: datetime
    tier_used: str
    strikes_grid: List[float]
    bars: List[StrikeFlowBar]
    gap_intervals: List[GapInterval]
    rate_limit: Optional[RateLimit] = _rate_limit()


@dataclass(frozen=True)
class LeaderboardRow:
    """One name's window.

    Attributes:
        symbol: the underlying.
        net_volume: contracts bought minus sold.
        net_notional: premium bought minus sold, USD.
        buy_volume: contracts bought (aggressor buy).
        sell_volume: contracts sold.
        avg_premium: sum of price x size / sum of size over the window's prints.
        trade_count: prints in the window.
        last_trade_utc: the latest print.
    """

    symbol: str
    net_volume: int = _json("netVolume")
    net_notional: int = _json("netNotional")
    buy_volume: int = _json("buyVolume")
    sell_volume: int = _json("sellVolume")
    avg_premium: float = _json("avgPremium")
    trade_count: int = _json("tradeCount")
    last_trade_utc: datetime = _json("lastTradeUtc")


@dataclass(frozen=True)
class Leaderboard:
    """The leaderboard (alpha plan), answered from 30-second snapshots.

    Attributes:
        generated_utc: when the snapshot was built.
        n: rows per side used (1-50).
        window_minutes: the window used (1-10,080).
        buyers: net premium bought (> 0), largest first.
        sellers: net premium sold (< 0), most negative first.
        rate_limit: the key's quota as the answer reported it.
    """

    generated_utc: datetime = _json("generatedUtc")
    n: int = _json("n")
    window_minutes: int = _json("windowMinutes")
    buyers: List[LeaderboardRow] = _json("buyers")
    sellers: List[LeaderboardRow] = _json("sellers")
    rate_limit: Optional[RateLimit] = _rate_limit()


@dataclass(frozen=True)
class Account:
    """The key's plan and quota (any plan; not counted).

    Attributes:
        plan: ``free``, ``basic``, ``growth`` or ``alpha``.
        name: the key's name.
        admin: whether the key may ingest.
        daily_limit: requests per UTC day; None when unlimited.
        used_today: requests counted today.
        remaining: requests left today; None when unlimited.
        resets_at: the next UTC midnight.
        per_minute_limit: requests per UTC minute; None when none.
        used_this_minute: requests counted this minute.
    """

    plan: str
    name: str
    admin: bool
    daily_limit: Optional[int]
    used_today: int
    remaining: Optional[int]
    resets_at: datetime
    per_minute_limit: Optional[int]
    used_this_minute: int
    rate_limit: Optional[RateLimit] = _rate_limit()
