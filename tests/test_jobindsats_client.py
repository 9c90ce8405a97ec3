"""The jobindsats v3 clients: the live one against `responses`, and its snapshot twin on the bundled sample."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pipelines import settings
from pipelines.sources.http import ApiError
from pipelines.sources.jobindsats import (
    USER_AGENT,
    JobindsatsApiClient,
    JobindsatsResponse,
    JobindsatsSnapshotClient,
    describe_request,
)
from pipelines.sources.jobindsats_parser import parse_body

pytestmark = pytest.mark.usefixtures("no_real_sleep")

FIXTURES = Path(__file__).parent / "fixtures" / "jobindsats"
Y25I01_BODY = (FIXTURES / "y25i01_hele_landet_total.json").read_bytes()
TOKEN = "tok-SECRET-123"
BASE = "http://127.0.0.1:9/v3"
Y25I01_URL = f"{BASE}/data/y25i01"
# The query the recorded y25i01 body answered (tests/fixtures/PROVENANCE.md).
Y25I01_QUERY = {
    "mgroup.*": "*",
    "period.M": "latest:14",
    "hierarchy._nykom": "/",
    "hierarchy._ygrpi09": "/",
    "hierarchy._akassebl": "/",
}
Y25I01_REQUEST = (
    "GET /v3/data/y25i01?format=json&hierarchy._akassebl=/&hierarchy._nykom=/"
    "&hierarchy._ygrpi09=/&mgroup.*=*&period.M=latest:14"
)


def first_real_422() -> tuple[str, dict]:
    probe = json.loads((FIXTURES / "errors_422_2026-07-27.json").read_text(encoding="utf-8"))
    body = probe["failures"]["unemployment_total"].partition("HTTP 422: ")[2]
    return body, json.loads(body)


REAL_422_BODY, REAL_422 = first_real_422()


def client(**overrides) -> JobindsatsApiClient:
    config = {"token": TOKEN, "base_url": BASE, "attempts": 3, "backoff_base_s": 0.0, "timeout_s": 5.0}
    return JobindsatsApiClient(**{**config, **overrides})


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


# --- the live client --------------------------------------------------------------------------


def test_sends_bearer_token_format_json_and_the_query(rsps):
    rsps.get(Y25I01_URL, body=Y25I01_BODY, content_type="application/json")

    client().data("y25i01", Y25I01_QUERY)

    assert len(rsps.calls) == 1
    sent = rsps.calls[0].request
    assert sent.method == "GET"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == USER_AGENT
    assert urlsplit(sent.url)._replace(query="").geturl() == Y25I01_URL
    assert query_of(sent.url) == {**{k: [v] for k, v in Y25I01_QUERY.items()}, "format": ["json"]}
    # The token travels only in the header.
    assert TOKEN not in sent.url


def test_the_response_carries_the_body_byte_for_byte(rsps):
    rsps.get(
        Y25I01_URL,
        body=Y25I01_BODY,
        content_type="application/json",
        headers={"x-request-id": "0b0e2c2a-1111-4222-8333-444455556666"},
    )

    response = client().data("y25i01", Y25I01_QUERY)

    assert isinstance(response, JobindsatsResponse)
    assert response.body == Y25I01_BODY
    assert response.table_id == "y25i01"
    assert response.query == Y25I01_QUERY  # what the asset asked for, without format=json
    assert response.request == Y25I01_REQUEST
    assert response.request_id == "0b0e2c2a-1111-4222-8333-444455556666"
    assert response.datagrundlag == "live"
    columns, rows = parse_body(response.body, response.request)
    assert len(rows) == 14
    assert rows[0] == ["2025M05", "Hele landet", "Ydelsesgrupper i alt", "I alt", 101672, 83555, 2.8, 2.2]
    assert columns[4] == "Antal ledige personer"


def test_request_id_falls_back_to_the_request_id_header_or_none(rsps):
    rsps.get(Y25I01_URL, body=Y25I01_BODY, headers={"request-id": "rid-2"})
    rsps.get(Y25I01_URL, body=Y25I01_BODY)

    live = client()
    assert live.data("y25i01", Y25I01_QUERY).request_id == "rid-2"
    assert live.data("y25i01", Y25I01_QUERY).request_id is None


def test_table_id_is_lowercased_in_the_url_and_the_response(rsps):
    rsps.get(Y25I01_URL, body=Y25I01_BODY)

    response = client().data("Y25I01", {"period.M": "latest:1"})

    assert urlsplit(rsps.calls[0].request.url).path == "/v3/data/y25i01"
    assert response.table_id == "y25i01"
    assert response.request == "GET /v3/data/y25i01?format=json&period.M=latest:1"


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9/v3", "http://127.0.0.1:9/v3/"])
def test_base_url_is_respected_with_or_without_trailing_slash(rsps, base_url):
    rsps.get("http://127.0.0.1:9/v3/data/y30r21", body=b'{"columns": [], "rows": []}')

    client(base_url=base_url).data("y30r21", {})

    assert rsps.calls[0].request.url == "http://127.0.0.1:9/v3/data/y30r21?format=json"


def test_default_base_url_is_the_public_v3_api(rsps):
    rsps.get("https://api.jobindsats.dk/v3/data/y30r21", body=b"{}")

    assert JobindsatsApiClient(token=TOKEN).base_url == settings.DEFAULT_JOBINDSATS_BASE_URL
    JobindsatsApiClient(token=TOKEN).data("y30r21", {})
    assert urlsplit(rsps.calls[0].request.url).netloc == "api.jobindsats.dk"


def test_real_422_body_surfaces_cause_and_request_id(rsps):
    rsps.get(Y25I01_URL, status=422, body=REAL_422_BODY, content_type="application/json")

    with pytest.raises(ApiError) as info:
        client().data("y25i01", {**Y25I01_QUERY, "hierarchy._omrade": "*"})

    assert len(rsps.calls) == 1
    error = info.value
    assert error.status == 422
    assert error.request_id == REAL_422["request_id"] == "a36e2446-2701-40be-be27-6ade499fc1d0"
    assert error.request.startswith("GET /v3/data/y25i01?format=json&hierarchy._akassebl=/")
    assert "hierarchy._omrade=*" in error.request
    assert str(error).endswith(
        "failed with HTTP 422: Unknown hierarchies: ['_omrade'] (request_id a36e2446-2701-40be-be27-6ade499fc1d0)"
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, b"Unauthorized", "HTTP 401: the token was refused (Unauthorized); check JOBINDSATS_TOKEN"),
        (403, b"", "HTTP 403: the token was refused (Forbidden); check JOBINDSATS_TOKEN"),
        (404, b'["not", "an", "object"]', 'HTTP 404: ["not", "an", "object"]'),
        (422, b'{"code": 422}', 'HTTP 422: {"code": 422}'),
    ],
)
def test_error_bodies_without_a_cause_fall_back_to_text_or_reason(rsps, status, body, expected):
    rsps.get(Y25I01_URL, status=status, body=body)

    with pytest.raises(ApiError) as info:
        client().data("y25i01", {})

    assert len(rsps.calls) == 1
    assert str(info.value) == f"GET /v3/data/y25i01?format=json failed with {expected}"
    assert info.value.request_id is None


def test_transient_failure_is_retried_with_the_client_settings(rsps, no_real_sleep):
    rsps.get(Y25I01_URL, status=503, body="busy")
    rsps.get(Y25I01_URL, body=Y25I01_BODY)

    assert client().data("y25i01", Y25I01_QUERY).body == Y25I01_BODY
    assert len(rsps.calls) == 2
    assert no_real_sleep == [0.0]  # backoff_base_s=0: no waiting at all


def test_client_attempts_bound_the_calls(rsps, no_real_sleep):
    rsps.get(Y25I01_URL, status=503, json={"cause": "maintenance", "request_id": "rid-503"})

    with pytest.raises(ApiError) as info:
        client(attempts=2, backoff_base_s=1.0).data("y25i01", {})

    assert len(rsps.calls) == 2
    assert len(no_real_sleep) == 1 and 0.5 <= no_real_sleep[0] < 1.0
    assert (info.value.status, info.value.request_id) == (503, "rid-503")


def test_missing_token_fails_clearly_before_any_http_call(rsps):
    with pytest.raises(ApiError) as info:
        client(token="").data("y25i01", Y25I01_QUERY)

    assert len(rsps.calls) == 0
    assert str(info.value) == "jobindsats failed: JOBINDSATS_TOKEN is not set; the live source needs it"
    assert info.value.status is None


# --- the token never leaks --------------------------------------------------------------------


def assert_no_token(caplog, *texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)
    assert TOKEN not in caplog.text


def test_token_is_in_no_response_field_or_log(rsps, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="jobindblik.http")
    rsps.get(Y25I01_URL, status=503, json={"cause": "maintenance"})
    rsps.get(Y25I01_URL, body=Y25I01_BODY, headers={"x-request-id": "rid-ok"})

    response = client().data("y25i01", Y25I01_QUERY)

    # The retry was logged (so the check below has something to look at) ...
    assert any(r.name == "jobindblik.http" and "attempt 1 failed" in r.getMessage() for r in caplog.records)
    # ... and neither the log nor anything the response keeps holds the token.
    assert_no_token(caplog, response.request, repr(response.query), repr(response), response.body.decode())


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 422, "body": REAL_422_BODY},
        {"status": 401, "body": '{"code": 401, "cause": "Invalid token", "request_id": "rid-401"}'},
        {"status": 503, "body": "busy"},
        {"body": requests.ConnectionError("refused")},
        {"body": requests.Timeout("timed out")},
    ],
    ids=["422", "401", "503-exhausted", "connection-error", "timeout"],
)
def test_token_is_in_no_error_message_or_log(rsps, caplog, failure):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="jobindblik.http")
    rsps.get(Y25I01_URL, **failure)

    with pytest.raises(ApiError) as info:
        client().data("y25i01", Y25I01_QUERY)

    error = info.value
    assert error.request == Y25I01_REQUEST
    assert_no_token(caplog, str(error), repr(error), error.request, repr(error.args))


# --- the snapshot twin ------------------------------------------------------------------------


def test_snapshot_serves_the_bundled_y30r21_sample(rsps):
    response = JobindsatsSnapshotClient().data("y30r21", {"period.QMAT": "latest:6"})

    assert len(rsps.calls) == 0  # the sample never goes near HTTP
    assert response.body == (settings.SAMPLE_DIR / "jobindsats" / "y30r21.json").read_bytes()
    assert response.datagrundlag == "sample-real"
    assert response.table_id == "y30r21"
    assert response.request == "sample:jobindsats/y30r21.json"
    assert response.request_id is None
    assert response.query == {"period.QMAT": "latest:6"}
    _, rows = parse_body(response.body, response.request)
    assert len(rows) == 2352


def test_snapshot_table_id_is_case_insensitive():
    assert JobindsatsSnapshotClient().data("Y30R21", {}).table_id == "y30r21"


def test_snapshot_unknown_table_raises_api_error():
    with pytest.raises(ApiError) as info:
        JobindsatsSnapshotClient().data("y99x99", {})

    assert str(info.value) == "sample:jobindsats/y99x99 failed: the bundled sample has no such table"


def test_snapshot_reads_a_custom_sample_dir(tmp_path):
    (tmp_path / "jobindsats").mkdir()
    body = b'{"columns": ["Periode"], "rows": [["2024QMAT02"]]}'
    (tmp_path / "jobindsats" / "tiny.json").write_bytes(body)
    (tmp_path / "manifest.toml").write_text(
        '[jobindsats.y30r21]\nfile = "jobindsats/tiny.json"\ndatagrundlag = "sample-synthetic"\n', encoding="utf-8"
    )
    snapshot = JobindsatsSnapshotClient(sample_dir=str(tmp_path))

    response = snapshot.data("y30r21", {})

    assert response.body == body
    assert response.datagrundlag == "sample-synthetic"
    assert response.request == "sample:jobindsats/tiny.json"
    with pytest.raises(ApiError, match="no such table"):
        snapshot.data("y99x99", {})


def test_describe_request_is_sorted_and_readable():
    assert describe_request("data/y30r21", {"period.QMAT": "latest:6", "format": "json", "hierarchy._nykom": "*"}) == (
        "GET /v3/data/y30r21?format=json&hierarchy._nykom=*&period.QMAT=latest:6"
    )
    # Characters outside the safe set are still escaped.
    assert describe_request("data/x", {"q": "a b&c"}) == "GET /v3/data/x?q=a+b%26c"
