"""jobindsats.dk (STAR) API v3: the client interface, the live client and its snapshot twin.

Assets ask for a table's data with a query; the client returns the response body exactly as
received, so landing can store it verbatim. The live client speaks HTTP; the snapshot twin
replays the bundled sample through the same interface, so the sample run and the tests exercise
the same parser as a live run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import dagster as dg
import requests
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.errors import InputError
from pipelines.sources.http import ApiError, Backoff, CircuitBreaker, error_body, error_text, send
from pipelines.sources.jobindsats_metadata import (
    CatalogueEntry,
    TableMetadata,
    parse_catalogue,
    parse_table_metadata,
)
from pipelines.sources.jobindsats_parser import parse_json, table_specs

# A row's first cell in a v3 body: the period (v3 puts Periode first).
FIRST_CELL_PERIOD = re.compile(rb'\[\s*"(\d{4}(?:M\d{2}|MYTD\d{2}|QMAT\d{2}|Q\d{2})?)"')
T = TypeVar("T")
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
    def catalogue(self) -> list[CatalogueEntry]:
        """`GET /v3/tables`: every table with its last and next update."""

    @abstractmethod
    def table_metadata(self, table_id: str) -> TableMetadata:
        """`GET /v3/table/{table_id}`: its periods and hierarchies."""

    @abstractmethod
    def data(self, table_id: str, query: Mapping[str, str]) -> JobindsatsResponse:
        """The body of `GET /v3/data/{table_id}` for `query` (hierarchy.*, period.*, mgroup.*)."""


def _error_from_response(describe: str, response: requests.Response) -> ApiError:
    """The API's own `cause` and `request_id` when its error body has them."""
    cause, request_id = error_body(response, "cause", "request_id")
    message = cause or error_text(response)
    if response.status_code in (401, 403):  # v2's body names no cause, only the key: say what to check
        message = f"the token was refused ({message}); check JOBINDSATS_TOKEN"
    return ApiError(describe, message, status=response.status_code, request_id=request_id)


class JobindsatsApiClient(JobindsatsClient):
    """The live v3 API. The token is sent only as `Authorization: Bearer`, never logged or stored."""

    token: str
    base_url: str = settings.DEFAULT_JOBINDSATS_BASE_URL
    # A stalled source costs at most two timeouts: the budget stops the retries after ~60 s.
    timeout_s: float = settings.DEFAULT_HTTP_TIMEOUT_S
    attempts: int = 4
    backoff_base_s: float = 1.0
    retry_budget_s: float = 60.0
    # Metadata changes at most with each release: keep it this long (on disk when cache_dir is set).
    metadata_ttl_hours: float = 24.0
    cache_dir: str = ""

    _session: requests.Session | None = PrivateAttr(default=None)
    _breaker: CircuitBreaker = PrivateAttr(default_factory=lambda: CircuitBreaker("jobindsats"))
    _memory: dict[str, tuple[float, Any]] = PrivateAttr(default_factory=dict)  # path -> (fetched at, parsed)
    _rejected: dict[str, InputError] = PrivateAttr(default_factory=dict)  # path -> why its answer was refused

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
            breaker=self._breaker,
        )

    def _cached(self, path: str, parse: Callable[[Any], T]) -> T:
        """A parsed metadata document, from the cache while it is younger than the TTL.

        Only a document that parses is cached, and the disk copy is written atomically, so a bad
        answer or a cut-off file is fetched again rather than served for a day. A bad answer is not
        asked for again in the same run (the same body would come back): later calls raise its error.
        """
        if path in self._rejected:
            raise self._rejected[path]
        now = time.time()
        ttl_s = self.metadata_ttl_hours * 3600
        hit = self._memory.get(path)
        if hit and now - hit[0] < ttl_s:
            return hit[1]
        cache_file = (
            Path(self.cache_dir) / "jobindsats" / (path.replace("/", "_") + ".json") if self.cache_dir else None
        )
        parsed = None
        if cache_file and cache_file.exists() and now - cache_file.stat().st_mtime < ttl_s:
            try:
                parsed, fetched_at = (
                    parse(json.loads(cache_file.read_text(encoding="utf-8"))),
                    cache_file.stat().st_mtime,
                )
            except (ValueError, InputError):
                parsed = None
        if parsed is None:
            body = self._get(path, {}).content
            try:
                payload = parse_json(body, describe_request(path, {"format": "json"}))
                parsed, fetched_at = parse(payload), now
            except InputError as error:
                self._rejected[path] = error
                raise
            if cache_file:
                cache_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache_file.with_name(cache_file.name + ".tmp")
                tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, cache_file)
        self._memory[path] = (fetched_at, parsed)
        return parsed

    def catalogue(self) -> list[CatalogueEntry]:
        source = describe_request("tables", {"format": "json"})
        return self._cached("tables", lambda payload: parse_catalogue(payload, source))

    def table_metadata(self, table_id: str) -> TableMetadata:
        path = f"table/{table_id.lower()}"
        source = describe_request(path, {"format": "json"})
        return self._cached(path, lambda payload: parse_table_metadata(table_id, payload, source))

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
    query chooses among the recorded bodies of one API table but is not applied to it: staging
    keeps the periods it was asked for.
    """

    sample_dir: str = str(settings.SAMPLE_DIR)

    def _manifest(self) -> dict[str, dict]:
        with open(Path(self.sample_dir) / "manifest.toml", "rb") as f:
            return tomllib.load(f)["jobindsats"]

    def _bodies(self, table_id: str, manifest: dict[str, dict] | None = None) -> dict[str, dict]:
        """The sample entries (by our table id) that answer for one API table (from `manifest`, read once by a caller
        asking for every table)."""
        manifest = manifest if manifest is not None else self._manifest()
        specs = table_specs()
        found = {
            key: entry for key, entry in manifest.items() if key in specs and specs[key].api_id == table_id.lower()
        }
        if not found:
            raise ApiError(f"sample:jobindsats/{table_id}", "the bundled sample has no such table")
        return found

    def _read(self, entry: dict) -> bytes:
        return (Path(self.sample_dir) / entry["file"]).read_bytes()

    def catalogue(self) -> list[CatalogueEntry]:
        """The sample's tables; a sample never changes, so `update_latest` is its content's hash."""
        api_ids = sorted({spec.api_id for spec in table_specs().values()})
        manifest = self._manifest()
        entries = []
        for api_id in api_ids:
            try:
                bodies = self._bodies(api_id, manifest)
            except ApiError:
                continue
            digest = hashlib.sha256(b"".join(self._read(bodies[key]) for key in sorted(bodies))).hexdigest()
            entries.append(CatalogueEntry(api_id, table_specs()[next(iter(bodies))].title, digest, None, None))
        return entries

    def table_metadata(self, table_id: str) -> TableMetadata:
        """The periods the recorded bodies mention, and the hierarchies their specs ask for.

        Like the live API's metadata, this does not depend on a data body being well formed:
        the periods are read as the first cell of each row, so a broken sample still lands and
        is rejected, loudly, where a broken response would be.
        """
        specs = table_specs()
        periods: dict[str, set[str]] = {}
        dimensions: dict[str, list[str]] = {}
        for key, entry in self._bodies(table_id).items():
            found = {match.decode() for match in FIRST_CELL_PERIOD.findall(self._read(entry))}
            periods.setdefault(specs[key].periodtype, set()).update(found)
            dimensions.update({hierarchy: [hierarchy] for hierarchy in specs[key].hierarchies})
        return TableMetadata(table_id.lower(), {t: sorted(p) for t, p in periods.items()}, dimensions)

    def data(self, table_id: str, query: Mapping[str, str]) -> JobindsatsResponse:
        """The recorded body whose spec's hierarchy choices the query carries (the most of them)."""
        specs = table_specs()
        bodies = self._bodies(table_id)
        matching = [
            key for key in bodies if all(query.get(f"hierarchy.{h}") == v for h, v in specs[key].hierarchies.items())
        ]
        key = max(matching or bodies, key=lambda k: len(specs[k].hierarchies))
        entry = bodies[key]
        return JobindsatsResponse(
            table_id=table_id.lower(),
            query=dict(query),
            request=f"sample:{entry['file']}",
            body=self._read(entry),
            request_id=None,
            datagrundlag=entry["datagrundlag"],
        )
