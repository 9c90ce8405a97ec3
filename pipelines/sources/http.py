"""HTTP with bounded retries: exponential backoff with jitter, capped in attempts and total time.

Shared by the API clients, and the only retry layer (the assets have no RetryPolicy). Retries 429,
5xx, connection errors and timeouts; every other status fails at once. A `CircuitBreaker` makes a
source that is down or refuses us cost one round of retries per run, not one per table. The clock,
sleep and jitter are parameters so tests can run on a fake clock.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests
from urllib3.exceptions import ReadTimeoutError

log = logging.getLogger("jobindblik.http")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Failures that say the whole source is unusable for now (not just this request): down, overloaded or refusing us.
SOURCE_WIDE_STATUS = RETRYABLE_STATUS | {401, 403}


class ApiError(RuntimeError):
    """An API call that failed for good, with what the API said about it."""

    def __init__(self, request: str, message: str, status: int | None = None, request_id: str | None = None):
        self.request = request
        self.reason = f"HTTP {status}: {message}" if status is not None else message
        self.status = status
        self.request_id = request_id
        parts = [f"{request} failed"]
        if status is not None:
            parts.append(f"with HTTP {status}")
        text = " ".join(parts) + f": {message}"
        if request_id:
            text += f" (request_id {request_id})"
        super().__init__(text)


def error_body(response: requests.Response, *fields: str) -> tuple[object | None, ...]:
    """The named fields of a JSON error body (None where absent or when the body is not JSON)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return tuple(body.get(field) if isinstance(body, dict) else None for field in fields)


def error_text(response: requests.Response) -> str:
    """What to say about a failed response whose body has no structured message."""
    return response.text[:200].strip() or response.reason or "no error body"


@dataclass(frozen=True)
class Backoff:
    """How hard to try: at most `attempts` calls and `budget_s` seconds of waiting in all."""

    attempts: int = 4
    base_s: float = 1.0
    cap_s: float = 30.0
    budget_s: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("Backoff needs at least one attempt")

    def delay(self, attempt: int, jitter: float, retry_after: float | None = None) -> float:
        """Wait before retry number `attempt` (1-based): full jitter, or what the server asked for."""
        if retry_after is not None:
            return min(retry_after, self.cap_s)
        return min(self.cap_s, self.base_s * 2 ** (attempt - 1)) * (0.5 + jitter / 2)


class CircuitBreaker:
    """One source in one run: after a source-wide failure, every later request fails at once with its reason."""

    def __init__(self, source: str):
        self.source = source
        self.failure: ApiError | None = None

    def check(self, describe: str) -> None:
        if self.failure is not None:
            raise ApiError(describe, f"not sent: {self.source} already failed in this run ({self.failure.reason})")

    def record(self, failure: ApiError) -> ApiError:
        if failure.status is None or failure.status in SOURCE_WIDE_STATUS:
            self.failure = failure
        return failure


def _transport_failure(exc: requests.RequestException, timeout_s: float, attempt: int) -> str:
    """A timeout says so, also when requests reports a read that timed out mid-body as a ConnectionError."""
    cause = exc.args[0] if exc.args else None
    if isinstance(exc, requests.Timeout) or isinstance(cause, ReadTimeoutError) or "timed out" in str(cause):
        return f"timed out: no answer within {timeout_s:g} s, {attempt} attempt(s)"
    return f"could not connect ({type(exc).__name__}), {attempt} attempt(s)"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    # A negative or non-finite value would make time.sleep raise ValueError: fall back to backoff.
    return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    describe: str,
    on_error: Callable[[requests.Response], ApiError],
    params: Mapping[str, str] | None = None,
    json: object | None = None,
    timeout_s: float = 90.0,
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
    breaker: CircuitBreaker | None = None,
) -> requests.Response:
    """Send one request with retries; return the 2xx response or raise ApiError.

    `describe` names the request in logs and errors; it must not contain secrets (the token
    travels only in the session's headers). `on_error` turns a failed response into an ApiError
    that carries the API's own cause and request id. With a `breaker`, a failure that says the
    source is unusable opens it, and a request to an open breaker fails without being sent.
    """
    if breaker is not None:
        breaker.check(describe)
    started = monotonic()
    for attempt in range(1, backoff.attempts + 1):
        retry_after = None
        try:
            response = session.request(method, url, params=params, json=json, timeout=timeout_s)
        except (requests.ConnectionError, requests.Timeout) as exc:
            failure: ApiError = ApiError(describe, _transport_failure(exc, timeout_s, attempt))
        else:
            if response.ok:
                return response
            failure = on_error(response)
            if response.status_code not in RETRYABLE_STATUS:
                raise breaker.record(failure) if breaker else failure
            retry_after = _retry_after(response)
        wait = backoff.delay(attempt, jitter(), retry_after)
        if attempt == backoff.attempts or monotonic() - started + wait > backoff.budget_s:
            raise breaker.record(failure) if breaker else failure
        log.warning("%s: attempt %d failed (%s); retrying in %.1f s", describe, attempt, failure, wait)
        sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")
