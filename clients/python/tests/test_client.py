"""The Python client against the running app (README "Clients"). ``dotnet test`` runs these with the app on a socket:
FLOWFUNCTIONS_URL is its address, FLOWFUNCTIONS_NOW the app's clock (ISO 8601), and the app's streams end every
second. The retry tests run against a local stand-in that answers 502, 503 and 429 first."""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import threading
import time
import unittest
import urllib.request
from datetime import date, datetime, timedelta, timezone

from flowfunctions import FlowFunctionsClient, FlowFunctionsError
from flowfunctions._json import parse_timestamp

URL = os.environ.get("FLOWFUNCTIONS_URL", "http://localhost:7071")
NOW = parse_timestamp(os.environ["FLOWFUNCTIONS_NOW"]) if "FLOWFUNCTIONS_NOW" in os.environ else datetime.now(timezone.utc)


def raw(path: str, key: str = "dev-alpha") -> dict:
    request = urllib.request.Request(URL.rstrip("/") + path, headers={"X-Api-Key": key})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def as_json(value):
    """A model as the JSON the server wrote, by the models' own field names (timestamps as instants)."""
    if dataclasses.is_dataclass(value):
        return {f.metadata.get("json", f.name): as_json(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.metadata.get("json", f.name) is not None}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return value


def normalised(value):
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[10] == "T" and value.endswith("Z"):
        return parse_timestamp(value)
    return value


def assert_same(test: unittest.TestCase, expected, actual, at: str) -> None:
    """The same fields at every level and the same values; numbers as floats (JSON has one number type)."""
    if isinstance(expected, dict):
        test.assertIsInstance(actual, dict, at)
        test.assertEqual(sorted(expected), sorted(actual), at)
        for k, v in expected.items():
            assert_same(test, v, actual[k], f"{at}.{k}")
    elif isinstance(expected, list):
        test.assertEqual(len(expected), len(actual), at)
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(test, e, a, f"{at}[{i}]")
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        test.assertEqual(float(expected), float(actual), at)
    else:
        test.assertEqual(expected, actual, at)


def operation_paths() -> dict:
    """Each GET operation's route by its operationId, from the app's /v1/openapi.json."""
    with urllib.request.urlopen(URL.rstrip("/") + "/v1/openapi.json", timeout=30) as response:
        paths = json.load(response)["paths"]
    return {item["get"]["operationId"]: path for path, item in paths.items() if "get" in item and "operationId" in item["get"]}


class EndpointTests(unittest.TestCase):
    client = FlowFunctionsClient(URL, "dev-alpha")

    def test_every_endpoint_reads_into_its_dataclass_with_every_field(self):
        # Each method against the raw answer of the route its operation has in the app's own OpenAPI document.
        routes = operation_paths()
        cases = [
            (routes["FlowAnomaly"], "", lambda: self.client.flow_anomaly("SPY")),
            (routes["FlowSummary"], "", lambda: self.client.flow_summary("SPY")),
            (routes["CumulativeFlow"], "?minutes=390", lambda: self.client.cumulative_flow("SPY", minutes=390)),
            (routes["StrikeFlow"], "?minutes=390", lambda: self.client.strike_flow("SPY", minutes=390)),
            (routes["Leaderboard"], "?n=50", lambda: self.client.leaderboard(n=50)),
            (routes["Account"], "", lambda: self.client.account()),
        ]
        for route, query, call in cases:
            path = route.replace("{symbol}", "SPY") + query
            with self.subTest(path=path):
                typed = call()
                assert_same(self, normalised(raw(path)), as_json(typed), path)
                if route != routes["Account"]:
                    self.assertEqual(1200, typed.rate_limit.limit)
                    self.assertLess(typed.rate_limit.remaining, 1200)

    def test_typed_arguments_reach_the_server(self):
        today = NOW.date()
        self.assertEqual(today, self.client.flow_summary(" spy ", expiry=today).expiry)
        self.assertEqual(30, self.client.cumulative_flow("SPY", minutes=30).minutes)
        strikes = self.client.strike_flow("SPY", minutes=390, bar="1m")
        self.assertEqual((today, "1m"), (strikes.expiration, strikes.bar_size))
        self.assertTrue(strikes.bars)
        self.assertTrue(all(len(b.contracts) == len(strikes.strikes_grid) for b in strikes.bars))
        board = self.client.leaderboard(n=3, window_minutes=60)
        self.assertEqual((3, 60), (board.n, board.window_minutes))
        anomaly = self.client.flow_anomaly("SPY")
        self.assertEqual(("candidate", "short_put_spread"), (anomaly.decision, anomaly.best_structures[0].structure))

    def test_at_asks_as_of_a_past_instant(self):
        from datetime import timedelta
        then = NOW - timedelta(minutes=30)
        past = self.client.cumulative_flow("SPY", minutes=390, at=then)
        self.assertTrue(past.points)
        self.assertLessEqual(past.points[-1].ts, then)
        self.assertLess(len(past.points), len(self.client.cumulative_flow("SPY", minutes=390).points))
        self.assertEqual(then.replace(microsecond=0), self.client.flow_summary("SPY", at=then).as_of.replace(microsecond=0))
        with self.assertRaises(ValueError):
            self.client.leaderboard(at=then.replace(tzinfo=None))

    def test_errors_carry_the_apis_code_and_for_a_403_the_plans(self):
        growth = FlowFunctionsClient(URL, "dev-growth")
        with self.assertRaises(FlowFunctionsError) as tier:
            growth.cumulative_flow("SPY")
        e = tier.exception
        self.assertEqual((403, "tier_restricted", "growth", "alpha"), (e.status, e.code, e.current_plan, e.required_plan))
        with self.assertRaises(FlowFunctionsError) as unknown:
            FlowFunctionsClient(URL, "no-such-key").account()
        self.assertEqual((401, "unauthorized"), (unknown.exception.status, unknown.exception.code))
        with self.assertRaises(FlowFunctionsError) as bad:
            growth.flow_summary("NOT A SYMBOL!")
        self.assertEqual((400, "invalid_symbol"), (bad.exception.status, bad.exception.code))
        with self.assertRaises(FlowFunctionsError) as missing:
            growth.flow_summary("ZZZZ")
        self.assertEqual((404, "symbol_not_found"), (missing.exception.status, missing.exception.code))


class StreamTests(unittest.TestCase):
    def test_the_stream_resumes_across_ended_connections_and_yields_every_block_once(self):
        today = NOW.date()
        start = f"{today:%Y%m%d}.0.0"
        client = FlowFunctionsClient(URL, "dev-alpha")
        seen = []
        ended = []

        def read():
            for e in client.stream(["QQQ"], events=["block"], last_event_id=start):
                if e.event == "end":
                    ended.append(e.id)
                if e.event == "block":
                    seen.append(e)
                    if len(seen) == 10:
                        return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        for wave in range(2):
            trades = [{"type": "trade", "ts": (NOW - timedelta(seconds=60 - wave * 5 - i)).isoformat().replace("+00:00", "Z"),
                       "underlying": "QQQ", "expiry": today.isoformat(), "strike": 500, "right": "P", "price": 3.1,
                       "size": 2000 + wave * 5 + i, "side": "sell"} for i in range(5)]
            request = urllib.request.Request(URL.rstrip("/") + "/v1/ingest/events", data=json.dumps(trades).encode(),
                                             headers={"X-Api-Key": "dev-admin", "Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=30).close()
            time.sleep(1.5)
        reader.join(timeout=60)
        self.assertFalse(reader.is_alive(), f"{len(seen)} blocks after 60 s")
        self.assertEqual(list(range(2000, 2010)), [e.data["size"] for e in seen])
        self.assertEqual(10, len({e.id for e in seen}))
        self.assertTrue(all(e.durable for e in seen))
        self.assertGreaterEqual(len(ended), 1, "the stream should have resumed across connections")


class _StandIn(http.server.BaseHTTPRequestHandler):
    """Answers the queued failures first, then a fixed account."""

    failures: list = []
    requests = 0

    def do_GET(self):
        type(self).requests += 1
        if self.failures:
            status, retry_after = self.failures.pop(0)
            body = json.dumps({"status": "ERROR", "error": "rate_limited" if status == 429 else "upstream_unavailable",
                               "message": "stand-in"}).encode()
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
        else:
            body = json.dumps({"plan": "alpha", "name": "stand-in", "admin": False, "daily_limit": None, "used_today": 0,
                               "remaining": None, "resets_at": "2026-06-06T00:00:00Z", "per_minute_limit": 1200,
                               "used_this_minute": 0}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class RetryTests(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        _StandIn.requests = 0

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_429_and_502_within_the_bound_are_retried_after_their_wait(self):
        _StandIn.failures = [(502, None), (429, 1), (503, None)]
        started = time.monotonic()
        account = FlowFunctionsClient(self.url, "k", retry_backoff=0.01).account()
        self.assertEqual("stand-in", account.name)
        self.assertEqual(4, _StandIn.requests)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)

    def test_a_retry_after_past_the_bound_is_raised_at_once(self):
        _StandIn.failures = [(429, 3600)]
        with self.assertRaises(FlowFunctionsError) as limited:
            FlowFunctionsClient(self.url, "k").account()
        self.assertEqual((429, "rate_limited", 3600.0), (limited.exception.status, limited.exception.code, limited.exception.retry_after))
        self.assertEqual(1, _StandIn.requests)

    def test_retries_stop_at_max_retries(self):
        _StandIn.failures = [(502, None)] * 5
        with self.assertRaises(FlowFunctionsError) as down:
            FlowFunctionsClient(self.url, "k", max_retries=2, retry_backoff=0.01).account()
        self.assertEqual((502, "upstream_unavailable"), (down.exception.status, down.exception.code))
        self.assertEqual(3, _StandIn.requests)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records what reaches it; answers a redirect to ``target`` when one is set."""

    target = None
    keys: list = []

    def do_GET(self):
        type(self).keys.append(self.headers.get("X-Api-Key"))
        if type(self).target:
            self.send_response(302)
            self.send_header("Location", type(self).target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class _Elsewhere(_Recorder):
    keys: list = []
    target = None


class RedirectTests(unittest.TestCase):
    """The key never leaves for another address: no redirect is followed, and plain http only to this machine."""

    def setUp(self):
        self.other = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Elsewhere)
        self.origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        for server in (self.other, self.origin):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        _Recorder.keys = []
        _Elsewhere.keys = []
        _Recorder.target = f"http://127.0.0.2:{self.other.server_address[1]}"

    def tearDown(self):
        for server in (self.other, self.origin):
            server.shutdown()
            server.server_close()

    def test_a_redirect_is_refused_and_the_key_goes_nowhere_else(self):
        client = FlowFunctionsClient(f"http://127.0.0.1:{self.origin.server_address[1]}", "secret-key")
        with self.assertRaises(FlowFunctionsError) as refused:
            client.account()
        self.assertEqual((302, "redirect_refused"), (refused.exception.status, refused.exception.code))
        self.assertEqual(["secret-key"], _Recorder.keys)
        self.assertEqual([], _Elsewhere.keys)

    def test_plain_http_is_refused_except_to_this_machine(self):
        with self.assertRaises(ValueError):
            FlowFunctionsClient("http://api.example.com", "k")
        for url in ("https://api.example.com", "http://localhost:7071", "http://127.0.0.1:7071", "http://[::1]:7071"):
            FlowFunctionsClient(url, "k")


if __name__ == "__main__":
    unittest.main()
