"""Statistics Denmark StatBank API v1: the client interface, the live client and its snapshot twin.

Assets ask for a table's data as variable -> value ids; the client returns the BULK body (codes,
`;`, decimal comma) so landing can store it and `statbank_parser` can read it. The live client
speaks HTTP; the snapshot twin replays the bundled sample through the same interface, so sample
runs and tests exercise the same parser and the same id checks as a live run.
"""

from __future__ import annotations

import json
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import requests
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.sources.http import ApiError, Backoff, CircuitBreaker, error_body, error_text, send
from pipelines.sources.jobindsats import USER_AGENT
from pipelines.sources.statbank_request import CELL_LIMIT, join_bulk, resolve_variables, split_by_time

LANG = "da"
REQUEST_ID_HEADER = "StatbankAPI-Request-Id"
LISTED_VALUES = 4


@dataclass(frozen=True)
class StatbankResponse:
    """One data answer: the BULK body (joined when split by time) and what is needed to land and trace it."""

    table_id: str
    request: str
    body: bytes
    request_id: str | None
    datagrundlag: str
    query: dict[str, list[str]]


class StatbankApiError(ApiError):
    """An ApiError that keeps DST's own `errorTypeCode` (e.g. REQUEST-LIMIT) for callers to test."""

    def __init__(
        self, request: str, message: str, status: int | None, request_id: str | None, error_type_code: str | None
    ):
        super().__init__(request, message, status=status, request_id=request_id)
        self.error_type_code = error_type_code


def _compact(values: list[str]) -> str:
    if len(values) <= LISTED_VALUES:
        return ",".join(values)
    return f"{values[0]},{values[1]},...,{values[-1]} ({len(values)} values)"


def describe_request(path: str, body: Mapping) -> str:
    """A POST as it appears in logs, errors and landing metadata: short, and without secrets (there are none)."""
    parts = [f"POST {path}"] + [f"{key}={body[key]}" for key in ("table", "format", "lang") if key in body]
    parts += [f"{variable['code']}={_compact(variable['values'])}" for variable in body.get("variables", [])]
    return " ".join(parts)


def data_body(table_id: str, variables: list[tuple[str, list[str]]]) -> dict:
    """The JSON body of POST /data: BULK with codes, every variable listed."""
    return {
        "table": table_id,
        "format": "BULK",
        "lang": LANG,
        "valuePresentation": "Code",
        "timeOrder": "Ascending",
        "variables": [{"code": name, "values": values} for name, values in variables],
    }


def _error_from_response(describe: str, response: requests.Response) -> StatbankApiError:
    """DST's `errorTypeCode` and `message` when the error body has them, and the request id header."""
    code, message = error_body(response, "errorTypeCode", "message")
    text = message or error_text(response)
    if code:
        text = f"{code}: {text}"
    return StatbankApiError(describe, text, response.status_code, response.headers.get(REQUEST_ID_HEADER), code)


class StatbankClient(dg.ConfigurableResource, ABC):
    """What assets need from StatBank, whichever side answers."""

    @abstractmethod
    def tableinfo(self, table_id: str) -> dict:
        """The table's metadata: its variables and every value id and text."""

    @abstractmethod
    def data(self, table_id: str, variables: Mapping[str, list[str]]) -> StatbankResponse:
        """The table as one BULK body; variables not given are requested at their total."""


class StatbankApiClient(StatbankClient):
    """The live API (no key). Requests larger than `cell_limit` are split by time into several calls."""

    base_url: str = settings.DEFAULT_STATBANK_BASE_URL
    # A stalled source costs at most two timeouts: the budget stops the retries after ~60 s.
    timeout_s: float = settings.DEFAULT_HTTP_TIMEOUT_S
    attempts: int = 4
    backoff_base_s: float = 1.0
    retry_budget_s: float = 60.0
    cell_limit: int = CELL_LIMIT

    _session: requests.Session | None = PrivateAttr(default=None)
    _breaker: CircuitBreaker = PrivateAttr(default_factory=lambda: CircuitBreaker("StatBank"))
    _tableinfo: dict[str, dict] = PrivateAttr(default_factory=dict)

    def _get_session(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.headers.update({"User-Agent": USER_AGENT})
            self._session = session
        return self._session

    def _path(self, function: str) -> str:
        return f"{urlsplit(self.base_url).path.rstrip('/')}/{function}"

    def _post(self, function: str, body: dict) -> requests.Response:
        describe = describe_request(self._path(function), body)
        return send(
            self._get_session(),
            "POST",
            f"{self.base_url.rstrip('/')}/{function}",
            json=body,
            describe=describe,
            on_error=lambda response: _error_from_response(describe, response),
            timeout_s=self.timeout_s,
            backoff=Backoff(attempts=self.attempts, base_s=self.backoff_base_s, budget_s=self.retry_budget_s),
            breaker=self._breaker,
        )

    def tableinfo(self, table_id: str) -> dict:
        key = table_id.upper()
        if key not in self._tableinfo:
            body = {"table": key, "format": "JSON", "lang": LANG}
            response = self._post("tableinfo", body)
            try:
                info = response.json()
            except ValueError:
                info = None
            if not (isinstance(info, dict) and isinstance(info.get("variables"), list)):
                raise ApiError(describe_request(self._path("tableinfo"), body), "the answer is not a tableinfo object")
            self._tableinfo[key] = info
        return self._tableinfo[key]

    def data(self, table_id: str, variables: Mapping[str, list[str]]) -> StatbankResponse:
        key = table_id.upper()
        info = self.tableinfo(key)
        resolved = resolve_variables(key, info, variables)
        calls = split_by_time(key, info, resolved, self.cell_limit)
        responses = [self._post("data", data_body(key, part)) for part in calls]
        request = describe_request(self._path("data"), data_body(key, resolved))
        if len(calls) > 1:
            request += f" (in {len(calls)} calls split by time)"
        request_ids = [r.headers[REQUEST_ID_HEADER] for r in responses if r.headers.get(REQUEST_ID_HEADER)]
        return StatbankResponse(
            table_id=key,
            request=request,
            body=join_bulk([r.content for r in responses]),
            request_id=" ".join(request_ids) or None,
            datagrundlag="live",
            query={name: list(values) for name, values in variables.items()},
        )


class StatbankSnapshotClient(StatbankClient):
    """Serves the bundled sample (`data/sample/statbank`) through the same interface as the live API.

    `manifest.toml` names each table's BULK file, its tableinfo and whether its rows are real or
    synthetic. The wanted ids are checked against that tableinfo as the live client would, but not
    applied: the sample is one recorded (or generated) body per table.
    """

    sample_dir: str = str(settings.SAMPLE_DIR)

    def _entry(self, table_id: str) -> dict:
        with open(Path(self.sample_dir) / "manifest.toml", "rb") as f:
            entry = tomllib.load(f).get("statbank", {}).get(table_id.upper())
        if entry is None:
            raise ApiError(f"sample:statbank/{table_id}", "the bundled sample has no such table")
        return entry

    def tableinfo(self, table_id: str) -> dict:
        path = Path(self.sample_dir) / self._entry(table_id)["tableinfo"]
        return json.loads(path.read_text(encoding="utf-8"))

    def data(self, table_id: str, variables: Mapping[str, list[str]]) -> StatbankResponse:
        key = table_id.upper()
        entry = self._entry(key)
        resolve_variables(key, self.tableinfo(key), variables)
        return StatbankResponse(
            table_id=key,
            request=f"sample:{entry['file']}",
            body=(Path(self.sample_dir) / entry["file"]).read_bytes(),
            request_id=None,
            datagrundlag=entry["datagrundlag"],
            query={name: list(values) for name, values in variables.items()},
        )
