"""``FlowFunctionsClient``: the HTTP API (docs/api.md) over ``urllib``, with the error body as one exception, the
rate-limit headers on every answer, a bounded retry of 429, 502 and 503, and the live stream as a generator that
resumes by itself."""

from __future__ import annotations

import json
import time
import typing
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Any, Dict, Iterable, Iterator, Mapping, Optional, Sequence

from .models import (
    Account,
    CumulativeFlow,
    FlowAnomaly,
    FlowSummary,
    Leaderboard,
    RateLimit,
    StrikeFlow,
)
from ._json import from_json

T = typing.TypeVar("T")
_RETRIED = (429, 502, 503)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: ``urllib`` would send the key's header to the new address, even on another host or over
    plain http. A 3xx is raised as the error it is."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's hook)
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class FlowFunctionsError(Exception):
    """An answer that was not a success, with the API's error body.

    Attributes:
        status: the HTTP status (400, 401, 403, 404, 429, 502, ...).
        code: the API's error code (``unauthorized``, ``tier_restricted``, ``rate_limited``, ``invalid_symbol``,
            ``symbol_not_found``, ``upstream_unavailable``, ...); ``http_<status>`` when the body was not the API's.
        message: the API's sentence.
        current_plan: on 403 ``tier_restricted``, the key's plan.
        required_plan: on 403 ``tier_restricted``, the lowest plan the endpoint answers.
        retry_after: seconds the answer asked to wait (429), or None.
        rate_limit: the answer's rate-limit headers, or None.
    """

    def __init__(self, status: int, code: str, message: str, current_plan: Optional[str] = None,
                 required_plan: Optional[str] = None, retry_after: Optional[float] = None,
                 rate_limit: Optional[RateLimit] = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.current_plan = current_plan
        self.required_plan = required_plan
        self.retry_after = retry_after
        self.rate_limit = rate_limit


@dataclass(frozen=True)
class StreamEvent:
    """One event of the live flow stream.

    Attributes:
        id: ``yyyyMMdd.page.index`` for durable events (final minutes, blocks, alerts); previews add ``~n``;
            empty for events without an id.
        event: ``minute``, ``block``, ``alert``, or a control event: ``ready``, ``reset`` (the id was not in today's
            journal: refetch the REST views), ``slow``, ``end`` (the generator reconnects by itself after these two).
        data: the event's JSON object (docs/api.md "Live flow stream" lists the fields).
    """

    id: str
    event: str
    data: Dict[str, Any]

    @property
    def durable(self) -> bool:
        """Whether the event is journaled and replayed on resume."""
        return bool(self.id) and "~" not in self.id and self.event in ("minute", "block", "alert")


class FlowFunctionsClient:
    """The API's endpoints as methods. Safe to share between threads (it keeps no connection state).

    Args:
        base_url: the API's address, e.g. ``http://localhost:7071``.
        api_key: the key, sent in the ``X-Api-Key`` header (never in the address).
        max_retries: retries of one call after 429, 502 or 503; 0 turns retrying off.
        max_retry_wait: the most one call waits in all for its retries, in seconds; a ``Retry-After`` that would go
            past it is not waited for: the error is raised at once with ``retry_after`` set.
        retry_backoff: the first wait after a 502 or 503 without ``Retry-After``, in seconds; it doubles each retry.
        timeout: seconds to wait for a connection or a read (a stream's heartbeat comes every 15 s).
    """

    def __init__(self, base_url: str, api_key: str, *, max_retries: int = 3, max_retry_wait: float = 30.0,
                 retry_backoff: float = 0.5, timeout: float = 60.0) -> None:
        if not api_key:
            raise ValueError("api_key is required")
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be an http(s) address, not {base_url!r}")
        if parsed.scheme == "http" and parsed.hostname not in _LOOPBACK and not parsed.hostname.startswith("127."):
            raise ValueError(f"the key is sent only over https, or over http to this machine (localhost): {base_url!r}")
        self._base = base_url.rstrip("/") + "/"
        self._key = api_key
        self._max_retries = max_retries
        self._max_retry_wait = max_retry_wait
        self._backoff = retry_backoff
        self._timeout = timeout

    def flow_anomaly(self, symbol: str, expiry: Optional[date] = None, at: Optional[datetime] = None) -> FlowAnomaly:
        """Flow anomaly (growth plan): whether one-sided flow in ``symbol`` is a trade, and its spread.
        ``expiry`` limits it to one expiry's contracts; ``at`` (an aware datetime) asks as of a past instant."""
        return self._get(FlowAnomaly, f"v1/strategies/flow-anomaly/{_path(symbol)}", expiry=_date(expiry), at=_instant(at))

    def flow_summary(self, symbol: str, expiry: Optional[date] = None, at: Optional[datetime] = None) -> FlowSummary:
        """Flow summary (growth plan): whether today's flow amplifies or dampens dealer gamma (as of ``at``)."""
        return self._get(FlowSummary, f"v1/flow/summary/{_path(symbol)}", expiry=_date(expiry), at=_instant(at))

    def cumulative_flow(self, symbol: str, minutes: Optional[int] = None, at: Optional[datetime] = None) -> CumulativeFlow:
        """Cumulative net flow (alpha plan) over ``minutes`` (1-10,080, clamped by the server; default 240) ending
        now or at ``at``."""
        return self._get(CumulativeFlow, f"v1/flow/options/{_path(symbol)}/cumulative", minutes=minutes, at=_instant(at))

    def strike_flow(self, symbol: str, minutes: Optional[int] = None, bar: Optional[str] = None,
                    at: Optional[datetime] = None) -> StrikeFlow:
        """0DTE strike flow (alpha plan) over ``minutes`` (1-390; default 60) ending now or at ``at``; ``bar`` may
        only be ``1m``."""
        return self._get(StrikeFlow, f"v1/flow/zero-dte/strike-flow/{_path(symbol)}", bar=bar, minutes=minutes, at=_instant(at))

    def leaderboard(self, n: Optional[int] = None, window_minutes: Optional[int] = None,
                    at: Optional[datetime] = None) -> Leaderboard:
        """Top buyers and sellers by net premium (alpha plan): ``n`` rows a side (1-50; default 10) over
        ``window_minutes`` (1-10,080; default 240), ending now or at ``at``."""
        return self._get(Leaderboard, "v1/flow/options/leaderboard", n=n, windowMinutes=window_minutes, at=_instant(at))

    def account(self) -> Account:
        """The key's plan and quota (any plan; not counted)."""
        return self._get(Account, "v1/account")

    def stream(self, symbols: Sequence[str], events: Optional[Iterable[str]] = None,
               last_event_id: Optional[str] = None) -> Iterator[StreamEvent]:
        """The live flow stream (alpha plan) as one generator that does not end by itself.

        When the server ends a connection (``end`` at its lifetime, ``slow``) or it drops, the generator waits the
        server's ``retry`` and reconnects with the last id it yielded, so every durable event comes once, in order.
        Connection failures are retried ``max_retries`` times in a row; errors the server answers (401, 403, 400, a
        429 past the retry bound) are raised.

        Args:
            symbols: 1 to 50 symbols.
            events: any of ``minute``, ``block``, ``alert``; None for all.
            last_event_id: resume after this id (``yyyyMMdd.0.0`` is the trading day's start); None for the live end.
        """
        query = {"symbols": ",".join(s.strip() for s in symbols), "events": ",".join(events) if events else None}
        last = last_event_id
        failures = 0
        while True:
            reconnect = 3.0
            try:
                response = self._open("v1/flow/stream", query, {"Last-Event-ID": last} if last else {})
            except (urllib.error.URLError, OSError) as e:
                if isinstance(e, urllib.error.HTTPError) or failures >= self._max_retries:
                    raise
                failures += 1
                time.sleep(self._backoff * 2 ** (failures - 1))
                continue
            with response:
                for item in _sse(response):
                    if "retry" in item:
                        reconnect = int(item["retry"]) / 1000.0
                        continue
                    failures = 0
                    event_id = item.get("id", "")
                    if event_id:
                        last = event_id
                    yield StreamEvent(event_id, item.get("event", "message"), json.loads(item.get("data", "null")))
            time.sleep(reconnect)

    def _get(self, cls: typing.Type[T], path: str, **query: Any) -> T:
        with self._open(path, query, {}) as response:
            body = json.loads(response.read())
            rate_limit = _rate_limit(response.headers)
        return replace(from_json(cls, body), rate_limit=rate_limit)  # type: ignore[type-var]

    def _open(self, path: str, query: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
        """One GET with the key, retried on 429, 502 and 503 within the bounds; the open response, or the error raised."""
        given = {k: str(v) for k, v in query.items() if v is not None}
        url = self._base + path + ("?" + urllib.parse.urlencode(given) if given else "")
        waited = 0.0
        attempt = 0
        while True:
            request = urllib.request.Request(url, headers={"X-Api-Key": self._key, "Accept": "*/*", **headers})
            try:
                return _OPENER.open(request, timeout=self._timeout)
            except urllib.error.HTTPError as e:
                with e:
                    error = _error(e)
                wait = self._retry_wait(e, attempt)
                if wait is None or attempt >= self._max_retries or waited + wait > self._max_retry_wait:
                    raise error from None
                waited += wait
                attempt += 1
                time.sleep(wait)

    def _retry_wait(self, e: urllib.error.HTTPError, attempt: int) -> Optional[float]:
        if e.code not in _RETRIED:
            return None
        after = _retry_after(e.headers)
        return after if after is not None else self._backoff * 2 ** attempt


def _error(e: urllib.error.HTTPError) -> FlowFunctionsError:
    if 300 <= e.code < 400:
        return FlowFunctionsError(e.code, "redirect_refused",
                                  f"The server answered {e.code} with a redirect to {e.headers.get('Location')}; the client "
                                  "does not follow redirects, so the key is never sent to another address. Use that "
                                  "address as base_url if you trust it.")
    rate_limit = _rate_limit(e.headers)
    retry_after = _retry_after(e.headers)
    try:
        body = json.loads(e.read())
    except (ValueError, OSError):
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return FlowFunctionsError(e.code, body["error"], body.get("message") or body["error"], body.get("current_plan"),
                                  body.get("required_plan"), retry_after, rate_limit)
    return FlowFunctionsError(e.code, f"http_{e.code}", f"The server answered {e.code} {e.reason}.",
                              retry_after=retry_after, rate_limit=rate_limit)


def _rate_limit(headers: Any) -> Optional[RateLimit]:
    try:
        return RateLimit(int(headers["X-RateLimit-Limit"]), int(headers["X-RateLimit-Remaining"]),
                         datetime.fromtimestamp(int(headers["X-RateLimit-Reset"]), tz=timezone.utc))
    except (KeyError, TypeError, ValueError):
        return None


def _retry_after(headers: Any) -> Optional[float]:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _path(symbol: str) -> str:
    if not symbol or not symbol.strip():
        raise ValueError("symbol is required")
    return urllib.parse.quote(symbol.strip(), safe="")


def _date(value: Optional[date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _instant(value: Optional[datetime]) -> Optional[str]:
    """An aware datetime as UTC ISO 8601 (``...Z``); a naive one is refused rather than guessed."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("at must be an aware datetime (with a time zone), e.g. datetime(..., tzinfo=timezone.utc)")
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _sse(response: Any) -> Iterator[Dict[str, str]]:
    """Server-Sent Events: each event's fields (``data`` lines joined); a ``retry`` alone; comments skipped. Ends when
    the connection ends or drops."""
    fields: Dict[str, str] = {}
    try:
        for raw in response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if "data" in fields:
                    yield fields
                fields = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry" and value.isdigit():
                yield {"retry": value}
            elif name == "data":
                fields["data"] = fields["data"] + "\n" + value if "data" in fields else value
            elif name in ("id", "event"):
                fields[name] = value
    except (OSError, ValueError):
        return
