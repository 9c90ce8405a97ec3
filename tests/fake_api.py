"""A fake jobindsats v3 and StatBank v1 server on 127.0.0.1, answering from a sample folder.

The live clients run their real code against it: jobindsats under `/v3` (`GET /tables`, `/table/{id}`,
`/data/{id}`, Bearer token required) and StatBank under `/statbank/v1` (`POST /tableinfo`, `/data` in
BULK). The bodies are the bundled sample's, served through the snapshot clients so both sides agree on
which recorded body answers which query. Faults are scripted per path: a list of replies used in
order (the last one repeats when `forever`), or an edit of the good body.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pipelines import settings
from pipelines.sources.jobindsats import JobindsatsSnapshotClient
from pipelines.sources.statbank import StatbankSnapshotClient

TOKEN = "fake-SECRET-token-4f1c9e"
JOBINDSATS_PREFIX = "/v3"
STATBANK_PREFIX = "/statbank/v1"
# What v3 answers a refused token with is not documented; this follows the shape of its 422 body.
V3_401 = {"code": 401, "cause": "Invalid or expired token", "request_id": "fake-401"}
V2_401 = {"Forkert nøgle eller nøglen er udløbet.": ""}


@dataclass
class Reply:
    """One scripted answer: status, headers and body; the body `stall_s` seconds after the headers (a hung server)."""

    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall_s: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Fault:
    pattern: re.Pattern
    replies: list[Reply]
    forever: bool
    edit: Callable[[bytes], bytes] | None = None


class FakeApi:
    """The server and its script. Use as a context manager; `requests` records (method, path) of each call."""

    def __init__(self, sample_dir: Path = settings.SAMPLE_DIR):
        self.jobindsats = JobindsatsSnapshotClient(sample_dir=str(sample_dir))
        self.statbank = StatbankSnapshotClient(sample_dir=str(sample_dir))
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self.markers: dict[str, str] = {}  # table id -> update marker overriding the sample's
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # shutdown() waits for the loop's next poll: 0.5 s by default, paid by every test that starts a server.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def jobindsats_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{JOBINDSATS_PREFIX}"

    @property
    def statbank_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{STATBANK_PREFIX}"

    def __enter__(self) -> FakeApi:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, path: str, *replies: Reply, forever: bool = False) -> None:
        """Answer requests whose path matches the regex `path` with `replies`, in order."""
        self.faults.append(Fault(re.compile(path), list(replies), forever))

    def edit(self, path: str, edit: Callable[[bytes], bytes]) -> None:
        """Answer requests whose path matches `path` with the good body passed through `edit`."""
        self.faults.append(Fault(re.compile(path), [], True, edit))

    def calls(self, path: str) -> int:
        return sum(1 for _, called in self.requests if re.search(path, called))

    # --- the good answers ---------------------------------------------------------------------

    def _catalogue(self) -> list:
        tables = [
            {
                "table_id": entry.table_id,
                "table_name": entry.table_name,
                "update_latest": self.markers.get(entry.table_id, entry.update_latest),
                "update_next": None,
                "update_freq": "Månedlig",
                "periods": {"periodtypes": []},
            }
            for entry in self.jobindsats.catalogue()
        ]
        return [{"subject_name": "Alle", "table_groups": [{"table_group_name": "Alle", "tables": tables}]}]

    def _table(self, table_id: str) -> dict:
        meta = self.jobindsats.table_metadata(table_id)
        return {
            "table_id": meta.table_id,
            "periods": [
                {"periodtype_id": kind, "values": [{"period_id": p} for p in periods]}
                for kind, periods in meta.periods.items()
            ],
            "dimensions": [
                {"dimension_id": name, "hierarchies": [{"hierarchy_id": h} for h in hierarchies]}
                for name, hierarchies in meta.dimensions.items()
            ],
        }

    def _statbank_data(self, request: dict) -> bytes:
        """The sample's BULK body, cut to the TID values asked for (the client splits big requests by time)."""
        body = (Path(self.statbank.sample_dir) / self.statbank._entry(request["table"])["file"]).read_bytes()
        wanted = next((v["values"] for v in request["variables"] if v["code"].upper() == "TID"), ["*"])
        if "*" in wanted:
            return body
        header, *lines = body.decode("utf-8-sig").splitlines()
        tid = [c.upper() for c in header.split(";")].index("TID")
        kept = [line for line in lines if line.split(";")[tid] in set(wanted)]
        return ("\n".join([header, *kept]) + "\n").encode("utf-8")

    def good(self, method: str, path: str, query: dict[str, str], body: bytes) -> Reply:
        if path.startswith(JOBINDSATS_PREFIX):
            rest = path.removeprefix(JOBINDSATS_PREFIX)
            if rest == "/tables":
                return Reply(200, self._catalogue())
            if match := re.fullmatch(r"/table/(\w+)", rest):
                return Reply(200, self._table(match[1]))
            if match := re.fullmatch(r"/data/(\w+)", rest):
                response = self.jobindsats.data(match[1], query)
                return Reply(200, response.body, {"x-request-id": f"fake-{match[1]}"})
        elif path.startswith(STATBANK_PREFIX) and method == "POST":
            request = json.loads(body)
            rest = path.removeprefix(STATBANK_PREFIX)
            if rest == "/tableinfo":
                return Reply(200, self.statbank.tableinfo(request["table"]))
            if rest == "/data":
                return Reply(200, self._statbank_data(request), {"StatbankAPI-Request-Id": "fake-data"})
        return Reply(404, {"code": 404, "cause": f"no such endpoint {path}"})

    # --- dispatch -----------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, str], headers, body: bytes) -> Reply:
        with self._lock:
            self.requests.append((method, path))
            fault = next((f for f in self.faults if f.pattern.search(path)), None)
            scripted = None
            if fault and fault.replies:
                scripted = fault.replies[0] if fault.forever and len(fault.replies) == 1 else fault.replies.pop(0)
        if scripted is not None:
            return scripted
        if path.startswith(JOBINDSATS_PREFIX) and headers.get("Authorization") != f"Bearer {TOKEN}":
            return Reply(401, V3_401)
        reply = self.good(method, path, query, body)
        if fault and fault.edit and reply.status == 200:
            reply = Reply(200, fault.edit(reply.payload()), reply.headers)
        return reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    reply = api.answer(self.command, url.path, query, self.headers, self.rfile.read(length))
                except Exception as exc:  # a bug in the fake shows as a 500 naming it, not a dropped connection
                    reply = Reply(500, {"code": 500, "cause": f"fake server: {type(exc).__name__}: {exc}"})
                payload = reply.payload()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.flush()
                    time.sleep(reply.stall_s)  # a stall after the headers: what requests once called a ConnectionError
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        return Handler
