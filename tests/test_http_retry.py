"""pipelines.sources.http.send: bounded retries on a fake clock, with `responses` standing in for the API.

No test sleeps or touches the network: sleep, monotonic and jitter are injected, and every request
goes to `responses`, which refuses any URL that is not registered.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re
from pathlib import Path

import pytest
import requests
import responses

from pipelines.sources.http import ApiError, Backoff, send
from pipelines.sources.jobindsats import _error_from_response

FIXTURES = Path(__file__).parent / "fixtures" / "jobindsats"
URL = "http://127.0.0.1:9/v3/data/y25i01"
DESCRIBE = "GET /v3/data/y25i01?format=json"


def real_422_bodies() -> list[tuple[str, str]]:
    """(name, body) for each real HTTP 422 body in the recorded probe file."""
    probe = json.loads((FIXTURES / "errors_422_2026-07-27.json").read_text(encoding="utf-8"))
    bodies = []
    for name, text in probe["failures"].items():
        _, sep, body = text.partition("HTTP 422: ")
        assert sep, f"{name}: no 'HTTP 422: ' in {text!r}"
        bodies.append((name, body))
    return bodies


REAL_422 = real_422_bodies()


class FakeClock:
    """Records every sleep and advances a fake monotonic time by it; nothing really waits."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"asked to sleep {seconds!r} s"
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def call(clock: FakeClock, backoff: Backoff = Backoff(), jitter=lambda: 1.0, **kwargs) -> requests.Response:
    """`send` a GET to URL on the fake clock; jitter 1.0 makes each delay the full exponential step."""
    with requests.Session() as session:
        return send(
            session,
            "GET",
            URL,
            describe=DESCRIBE,
            on_error=functools.partial(_error_from_response, DESCRIBE),
            backoff=backoff,
            sleep=clock.sleep,
            monotonic=clock.monotonic,
            jitter=jitter,
            **kwargs,
        )


# --- retried failures -------------------------------------------------------------------------


def test_429_then_success_retries_once(rsps, clock):
    rsps.get(URL, status=429, json={"code": 429, "cause": "Too many requests"})
    rsps.get(URL, status=200, body=b'{"columns": [], "rows": []}')

    response = call(clock)

    assert response.status_code == 200
    assert response.content == b'{"columns": [], "rows": []}'
    assert len(rsps.calls) == 2
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(rsps, clock, status):
    rsps.get(URL, status=status, body="upstream trouble")
    rsps.get(URL, status=200, body=b"ok")

    assert call(clock).content == b"ok"
    assert len(rsps.calls) == 2
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize(
    "exc",
    [
        requests.ConnectionError("connection refused"),
        requests.Timeout("read timed out"),
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ConnectTimeout("connect timed out"),
    ],
    ids=["ConnectionError", "Timeout", "ReadTimeout", "ConnectTimeout"],
)
def test_connection_errors_and_timeouts_are_retried(rsps, clock, exc):
    rsps.get(URL, body=exc)
    rsps.get(URL, body=exc)
    rsps.get(URL, status=200, body=b"ok")

    assert call(clock).content == b"ok"
    assert len(rsps.calls) == 3
    assert clock.sleeps == [1.0, 2.0]


def test_timeout_reaches_the_session(rsps, clock):
    seen = {}

    def record(request):
        seen["timeout"] = request.req_kwargs["timeout"]
        return (200, {}, b"ok")

    rsps.add_callback(responses.GET, URL, callback=record)
    call(clock, timeout_s=12.5)
    assert seen["timeout"] == 12.5


# --- giving up --------------------------------------------------------------------------------


def test_gives_up_after_attempts_with_the_last_failure(rsps, clock):
    rsps.get(URL, status=503, json={"code": 503, "cause": "maintenance"})

    with pytest.raises(ApiError) as info:
        call(clock, Backoff(attempts=4, base_s=1.0, cap_s=30.0, budget_s=120.0))

    assert len(rsps.calls) == 4
    # No sleep after the last attempt: three waits between four calls.
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert info.value.status == 503
    assert str(info.value) == f"{DESCRIBE} failed with HTTP 503: maintenance"


def test_the_error_raised_is_from_the_last_attempt(rsps, clock):
    rsps.get(URL, status=502, json={"cause": "first", "request_id": "r-1"})
    rsps.get(URL, status=503, json={"cause": "second", "request_id": "r-2"})

    with pytest.raises(ApiError) as info:
        call(clock, Backoff(attempts=2))

    assert (info.value.status, info.value.request_id) == (503, "r-2")
    assert "second" in str(info.value) and "first" not in str(info.value)


@pytest.mark.parametrize(
    ("exc_type", "said"),
    [
        (requests.ConnectionError, "could not connect (ConnectionError), 3 attempt(s)"),
        (requests.Timeout, "timed out: no answer within 90 s, 3 attempt(s)"),
    ],
)
def test_gives_up_on_repeated_connection_failures(rsps, clock, exc_type, said):
    rsps.get(URL, body=exc_type("nope"))

    with pytest.raises(ApiError) as info:
        call(clock, Backoff(attempts=3), timeout_s=90.0)

    assert len(rsps.calls) == 3
    assert clock.sleeps == [1.0, 2.0]
    assert info.value.status is None
    assert str(info.value) == f"{DESCRIBE} failed: {said}"


def test_a_single_attempt_never_sleeps(rsps, clock):
    rsps.get(URL, status=503)

    with pytest.raises(ApiError):
        call(clock, Backoff(attempts=1))

    assert len(rsps.calls) == 1
    assert clock.sleeps == []


def test_zero_attempts_is_refused():
    with pytest.raises(ValueError, match="at least one attempt"):
        Backoff(attempts=0)


def test_gives_up_early_when_the_next_wait_would_exceed_the_budget(rsps, clock):
    rsps.get(URL, status=503)

    with pytest.raises(ApiError):
        # Waits would be 1, 2, 4, 8 ...; after 1 + 2 = 3 s the next 4 s would pass the 5 s budget.
        call(clock, Backoff(attempts=10, base_s=1.0, cap_s=30.0, budget_s=5.0))

    assert len(rsps.calls) == 3
    assert clock.sleeps == [1.0, 2.0]


def test_a_wait_that_exactly_fills_the_budget_is_allowed(rsps, clock):
    rsps.get(URL, status=503)

    with pytest.raises(ApiError):
        call(clock, Backoff(attempts=10, base_s=1.0, cap_s=30.0, budget_s=3.0))

    assert clock.sleeps == [1.0, 2.0]
    assert len(rsps.calls) == 3


def test_time_spent_in_slow_responses_counts_against_the_budget(rsps, clock):
    def slow_503(request):
        clock.now += 10.0  # the server took 10 s to say no
        return (503, {}, "busy")

    rsps.add_callback(responses.GET, URL, callback=slow_503)

    with pytest.raises(ApiError):
        # After call 1: 10 s elapsed + 1 s wait <= 15. After call 2: 21 s elapsed + 2 s > 15.
        call(clock, Backoff(attempts=10, base_s=1.0, cap_s=30.0, budget_s=15.0))

    assert len(rsps.calls) == 2
    assert clock.sleeps == [1.0]


# --- how long it waits ------------------------------------------------------------------------


def test_delays_grow_exponentially(rsps, clock):
    rsps.get(URL, status=503)

    with pytest.raises(ApiError):
        call(clock, Backoff(attempts=6, base_s=0.5, cap_s=60.0, budget_s=1000.0))

    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_delays_are_capped(rsps, clock):
    rsps.get(URL, status=503)

    with pytest.raises(ApiError):
        call(clock, Backoff(attempts=7, base_s=1.0, cap_s=5.0, budget_s=1000.0))

    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_jitter_scales_each_delay_between_half_and_full(rsps, clock):
    rsps.get(URL, status=503)
    draws = iter([0.0, 0.5, 0.999, 0.0])  # the last draw is for the attempt that is not retried

    with pytest.raises(ApiError):
        call(clock, Backoff(attempts=4, base_s=2.0, cap_s=60.0, budget_s=1000.0), jitter=lambda: next(draws))

    # base * 2**(n-1) * (0.5 + jitter / 2)
    assert clock.sleeps == pytest.approx([2.0 * 0.5, 4.0 * 0.75, 8.0 * 0.9995])


def test_jitter_bounds_hold_for_random_draws():
    backoff = Backoff(attempts=8, base_s=1.0, cap_s=10.0)
    rng = random.Random(20260727)
    for attempt in range(1, 9):
        step = min(10.0, 2.0 ** (attempt - 1))
        for _ in range(200):
            delay = backoff.delay(attempt, rng.random())
            assert step / 2 <= delay < step, (attempt, delay)
    assert backoff.delay(1, 0.0) == 0.5
    assert backoff.delay(8, 0.0) == 5.0  # the cap applies before the jitter


def test_retry_after_is_honoured_over_backoff_and_jitter(rsps, clock):
    rsps.get(URL, status=429, headers={"Retry-After": "7"})
    rsps.get(URL, status=503, headers={"Retry-After": "0"})
    rsps.get(URL, status=200, body=b"ok")

    assert call(clock, jitter=lambda: 0.0).content == b"ok"
    assert clock.sleeps == [7.0, 0.0]


def test_retry_after_is_capped(rsps, clock):
    rsps.get(URL, status=429, headers={"Retry-After": "3600"})
    rsps.get(URL, status=200, body=b"ok")

    call(clock, Backoff(attempts=4, base_s=1.0, cap_s=30.0, budget_s=120.0))
    assert clock.sleeps == [30.0]


def test_retry_after_beyond_the_budget_gives_up_at_once(rsps, clock):
    rsps.get(URL, status=429, headers={"Retry-After": "100"})

    with pytest.raises(ApiError) as info:
        call(clock, Backoff(attempts=4, base_s=1.0, cap_s=300.0, budget_s=50.0))

    assert info.value.status == 429
    assert len(rsps.calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2026 07:28:00 GMT", "soon", "-5", "nan", ""])
def test_unusable_retry_after_falls_back_to_backoff(rsps, clock, value):
    rsps.get(URL, status=429, headers={"Retry-After": value})
    rsps.get(URL, status=200, body=b"ok")

    assert call(clock, jitter=lambda: 0.5).content == b"ok"
    assert clock.sleeps == [0.75]


def test_each_retry_is_logged_with_the_request_and_the_wait(rsps, clock, caplog):
    caplog.set_level(logging.DEBUG, logger="jobindblik.http")
    rsps.get(URL, status=503, json={"cause": "maintenance"})
    rsps.get(URL, status=200, body=b"ok")

    call(clock)

    warnings = [r for r in caplog.records if r.name == "jobindblik.http" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message.startswith(f"{DESCRIBE}: attempt 1 failed")
    assert "HTTP 503: maintenance" in message
    assert message.endswith("retrying in 1.0 s")


# --- failing at once --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_fail_at_once(rsps, clock, status):
    rsps.get(URL, status=status, json={"code": status, "cause": f"said no with {status}"})
    rsps.get(URL, status=200, body=b"never reached")

    with pytest.raises(ApiError) as info:
        call(clock)

    assert len(rsps.calls) == 1
    assert clock.sleeps == []
    assert info.value.status == status
    said = f"said no with {status}"
    if status in (401, 403):  # jobindsats' refusals say which setting to check
        said = f"the token was refused ({said}); check JOBINDSATS_TOKEN"
    assert str(info.value) == f"{DESCRIBE} failed with HTTP {status}: {said}"


@pytest.mark.parametrize(("name", "body"), REAL_422, ids=[name for name, _ in REAL_422])
def test_real_422_body_surfaces_cause_and_request_id(rsps, clock, name, body):
    payload = json.loads(body)
    assert payload["code"] == 422
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", payload["request_id"])
    rsps.get(URL, status=422, body=body, content_type="application/json")

    with pytest.raises(ApiError) as info:
        call(clock)

    assert len(rsps.calls) == 1
    assert clock.sleeps == []
    error = info.value
    assert (error.status, error.request_id, error.request) == (422, payload["request_id"], DESCRIBE)
    assert str(error) == (
        f"{DESCRIBE} failed with HTTP 422: Unknown hierarchies: ['_omrade'] (request_id {payload['request_id']})"
    )


def test_the_real_422_bodies_are_all_distinct_requests():
    # Guards the fixture itself: 13 recorded failures, each with its own request id.
    ids = {json.loads(body)["request_id"] for _, body in REAL_422}
    assert len(REAL_422) == 13
    assert len(ids) == 13
