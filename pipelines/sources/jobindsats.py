"""jobindsats.dk (STAR) API v3: the client interface, the live client and its snapshot twin.

Assets ask for a table's data with a query; the client returns the response body exactly as
received, so landing can store it verbatim. The live client speaks HTTP; the snapshot twin
replays the bundled sample through the same interface, so the sample run and the tests exercise
the same parser as a live run.
"""

from __future__ import annotations

import tomllib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import dagster as dg
import requests
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.sources.http import ApiError, Backoff, send

USER_AGENT = "jobindblik/0.1 (+https://github.com/jobindblik)"


@dataclass(frozen=True)
class JobindsatsResponse:
    """One data response: the body as received and what is needed to land and trace it."""

    table_id: str
    query: dict[str, str]
    request: str
    body: bytes
    request_id: str | None
    datagrundlag: str


def describe_request(path: str, query: Mapping[str, str]) -> str:
    """A request as it appears in logs, errors and landing metadata: never with the token."""
    return f"GET /v3/{path}?{urlencode(sorted(query.items()), safe='*/,:')}"


class JobindsatsClient(dg.ConfigurableResource, ABC):
    """What assets need from jobindsats.dk, whichever side answers."""

    @abstractmethod
    def data(self, table_id: str, query: Mapping[str, str]) -> JobindsatsResponse:
        """The body of `GET /v3/data/{table_id}` for `query` (hierarchy.*, period.*, mgroup.*)."""


def _error_from_response(describe: str, response: requests.Response) -> ApiError:
    """The API's own `cause` and `request_id` when its error body has them."""
    cause, request_id = None, None
    try:
        body = response.json()
        if isinstance(body, dict):
            cause, request_id = body.get("cause"), body.get("request_id")
    except ValueError:
        pass
    message = cause or (response.text[:200].strip() or response.reason or "no error body")
    return ApiError(describe, message, status=response.status_code, request_id=request_id)


class JobindsatsApiClient(JobindsatsClient):
    """The live v3 API. The token is sent only as `Authorization: Bearer`, never logged or stored."""

    token: str
    base_url: str = settings.DEFAULT_JOBINDSATS_BASE_URL
    timeout_s: float = 90.0
    attempts: int = 4
    backoff_base_s: float = 1.0
    retry_budget_s: float = 120.0

    _session: requests.Session | None = PrivateAttr(default=None)

    def _get_session(self) -> requests.Session:
        if self._session is None:
            if not self.token:
                raise ApiError("jobindsats", "JOBINDSATS_TOKEN is not set; the live source needs it")
            session = requests.Session()
            session.headers.update(
                {"Authorization": f"Bearer {self.token}", "Accept": "application/json", "User-Agent": USER_AGENT}
            )
            self._session = session
        return self._session

    def _get(self, path: str, query: Mapping[str, str]) -> requests.Response:
        params = {**query, "format": "json"}
        describe = describe_request(path, params)
        return send(
            self._get_session(),
            "GET",
            f"{self.base_url.rstrip('/')}/{path}",
            params=params,
            describe=describe,
            on_error=lambda response: _error_from_response(describe, response),
            timeout_s=self.timeout_s,
            backoff=Backoff(attempts=self.attempts, base_s=self.backoff_base_s, budget_s=self.retry_budget_s),
        )

    def data(self, table_id: str, query: Mapping[str, str]) -> JobindsatsResponse:
        path = f"data/{table_id.lower()}"
        response = self._get(path, query)
        return JobindsatsResponse(
            table_id=table_id.lower(),
            query=dict(query),
            request=describe_request(path, {**query, "format": "json"}),
            body=response.content,
            request_id=response.headers.get("x-request-id") or response.headers.get("request-id"),
            datagrundlag="live",
        )


class JobindsatsSnapshotClient(JobindsatsClient):
    """Serves the bundled sample (`data/sample`) through the same interface as the live API.

    `manifest.toml` names each table's file and whether its rows are real or synthetic. The
    query is recorded but not applied: the sample is one recorded response per table.
    """

    sample_dir: str = str(settings.SAMPLE_DIR)

    def _manifest(self) -> dict:
        with open(Path(self.sample_dir) / "manifest.toml", "rb") as f:
            return tomllib.load(f)["jobindsats"]

    def data(self, table_id: str, query: Mapping[str, str]) -> JobindsatsResponse:
        entry = self._manifest().get(table_id.lower())
        if entry is None:
            raise ApiError(f"sample:jobindsats/{table_id}", "the bundled sample has no such table")
        path = Path(self.sample_dir) / entry["file"]
        return JobindsatsResponse(
            table_id=table_id.lower(),
            query=dict(query),
            request=f"sample:{entry['file']}",
            body=path.read_bytes(),
            request_id=None,
            datagrundlag=entry["datagrundlag"],
        )

