"""The client layer of the live path: one retry layer, timeouts named as timeouts, a per-run circuit breaker.

Against the fake server on 127.0.0.1 (tests/fake_api.py); sleeps are recorded, never waited.
"""

from __future__ import annotations

import socket
import time

import dagster as dg
import pytest
from fake_api import TOKEN, V2_401, FakeApi, Reply

from assets import landing
from pipelines.errors import InputError
from pipelines.sources.http import ApiError
from pipelines.sources.jobindsats import JobindsatsApiClient
from pipelines.sources.statbank import StatbankApiClient

pytestmark = pytest.mark.usefixtures("no_real_sleep")
QUERY = {"period.QMAT": "2020QMAT02", "hierarchy._nykom": "*"}


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


def client(api: FakeApi, **overrides) -> JobindsatsApiClient:
    return JobindsatsApiClient(**{"token": TOKEN, "base_url": api.jobindsats_url, "timeout_s": 5.0, **overrides})


def test_the_landing_assets_have_no_retry_policy_of_their_own():
    # The client retries what is worth retrying; a second layer multiplied the waits and retried 401s.
    assets = [*landing.jobindsats_landings.values(), *landing.statbank_landings.values()]
    assert assets and all(a.op.retry_policy is None for a in assets)


def test_a_rejected_body_is_never_retried(tmp_path):
    from pipelines.resources.landing import LandingStore

    store = LandingStore(tmp_path / "landing", tmp_path / "quarantine")
    landed = store.land("jobindsats", "y30r21", b"{", ".json", request="GET /v3/data/y30r21")
    failure = landing.reject(dg.build_asset_context(), store, landed, InputError.single("GET /v3/data/y30r21", "cut"))

    assert failure.allow_retries is False


def test_a_failed_run_is_retried_only_when_its_worker_died():
    """With run retries on in an instance, a run failed by a step (a rejected body among them) is not run again."""
    from pipelines.automation import refresh_all

    assert refresh_all.tags["dagster/max_retries"] == "1"
    assert refresh_all.tags["dagster/retry_on_asset_or_op_failure"] == "false"


@pytest.mark.parametrize("path", ["tables", "table/y30r21"])
def test_a_garbled_metadata_answer_names_the_request_and_is_not_asked_for_again(api, no_real_sleep, path):
    api.edit(rf"^/v3/{path}$", lambda body: body[: len(body) // 2])
    jobindsats = client(api)
    ask = jobindsats.catalogue if path == "tables" else lambda: jobindsats.table_metadata("y30r21")

    with pytest.raises(InputError, match=rf"^GET /v3/{path}\?format=json: not valid JSON, possibly truncated"):
        ask()
    with pytest.raises(InputError, match="not valid JSON"):
        ask()  # every landing step asks: the same body would come back

    assert api.calls(rf"^/v3/{path}$") == 1
    assert no_real_sleep == []


def test_a_source_that_failed_its_retries_fails_every_later_request_at_once(api, no_real_sleep):
    api.fail(r"^/v3/data/", Reply(503, {"code": 503, "cause": "Service Unavailable"}), forever=True)
    jobindsats = client(api)

    with pytest.raises(ApiError) as first:
        jobindsats.data("y30r21", QUERY)
    with pytest.raises(ApiError) as later:
        jobindsats.data("y25i01", QUERY)

    assert api.calls(r"^/v3/data/y30r21") == 4 and len(no_real_sleep) == 3
    assert api.calls(r"^/v3/data/y25i01") == 0  # never sent
    assert "HTTP 503: Service Unavailable" in str(first.value)
    assert str(later.value).startswith("GET /v3/data/y25i01?")
    assert "not sent: jobindsats already failed in this run (HTTP 503: Service Unavailable)" in str(later.value)


def test_a_refused_token_opens_the_breaker_and_names_the_variable(api):
    api.fail(r"^/v3/", Reply(401, V2_401), forever=True)
    jobindsats = client(api)

    with pytest.raises(ApiError) as first:
        jobindsats.catalogue()
    with pytest.raises(ApiError):
        jobindsats.table_metadata("y30r21")

    assert len(api.requests) == 1  # 401 is not retried, and the second call is not sent
    assert "HTTP 401: the token was refused" in str(first.value) and "JOBINDSATS_TOKEN" in str(first.value)
    assert "Forkert nøgle" in str(first.value) and TOKEN not in str(first.value)


def test_a_request_error_does_not_open_the_breaker(api):
    api.fail(r"^/v3/data/y30r21", Reply(422, {"code": 422, "cause": "Unknown hierarchies: ['_x']"}))
    jobindsats = client(api)

    with pytest.raises(ApiError, match="HTTP 422: Unknown hierarchies"):
        jobindsats.data("y30r21", QUERY)
    assert jobindsats.data("y25i01", QUERY).body  # another table still asks

    assert api.calls(r"^/v3/data/y30r21") == 1


def test_a_server_that_stalls_after_its_headers_is_reported_as_a_timeout(api):
    api.fail(r"^/statbank/v1/tableinfo", Reply(200, {"variables": []}, stall_s=2.0), forever=True)
    statbank = StatbankApiClient(base_url=api.statbank_url, timeout_s=0.2, attempts=2)
    started = time.perf_counter()

    with pytest.raises(ApiError) as info:
        statbank.tableinfo("FOLK1A")

    assert "timed out: no answer within 0.2 s, 2 attempt(s)" in str(info.value)
    assert "ConnectionError" not in str(info.value)
    assert time.perf_counter() - started < 2.0


def test_connection_refused_is_said_as_such_and_breaks_the_circuit():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    statbank = StatbankApiClient(base_url=f"http://127.0.0.1:{port}/v1", timeout_s=1.0)

    with pytest.raises(ApiError, match=r"could not connect \(ConnectionError\), 4 attempt\(s\)"):
        statbank.tableinfo("FOLK1A")
    with pytest.raises(ApiError, match="not sent: StatBank already failed in this run"):
        statbank.tableinfo("AUF01")
