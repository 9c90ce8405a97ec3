"""`jobindblik run --source live` against the fake jobindsats and StatBank server: the fault matrix.

Each case runs the real CLI in-process on a copy of the session's good warehouse, with the fake
server answering as the APIs do (tests/fake_api.py) and one fault scripted. It asserts the exit
code, the one line naming the failure, a wall-time bound (sleeps are recorded, never waited), the
warehouse and serving copy unchanged, and the token in no byte of output, landing, cache, the
databases or the Dagster event log (searched where DAGSTER_HOME is a folder of the test: the 401 cases
and the nightly run; the others keep the instance in memory, which saves a second per case).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_warehouse
from fake_api import TOKEN, V2_401, V3_401, FakeApi, Reply

from pipelines import cli, run_report
from pipelines.sources.jobindsats_parser import table_specs

pytestmark = pytest.mark.usefixtures("no_real_sleep")
FIXTURES = Path(__file__).parent / "fixtures" / "jobindsats"
Y30R21 = r"^/v3/data/y30r21$"
BOUND_S = 20.0  # per case; nothing waits for real, so this is Dagster's own overhead with room to spare


def real_422() -> str:
    probe = json.loads((FIXTURES / "errors_422_2026-07-27.json").read_text(encoding="utf-8"))
    return probe["failures"]["unemployment_total"].partition("HTTP 422: ")[2]


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@pytest.fixture
def live(good_run, tmp_path, monkeypatch, capsys):
    """A function that runs the CLI against a fresh copy of the good warehouse and the fake server."""
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("JOBINDBLIK_SOURCE", "live")  # the CLI sets it; monkeypatch restores it afterwards
    monkeypatch.setenv("JOBINDSATS_TOKEN", TOKEN)

    def run(api: FakeApi, *args: str, event_log: bool = False) -> Outcome:
        """`event_log`: keep the Dagster instance (and its event log) in `home`, to search it; else in memory."""
        if event_log:
            monkeypatch.setenv("DAGSTER_HOME", str(home))
        else:
            monkeypatch.delenv("DAGSTER_HOME", raising=False)
        monkeypatch.setenv("JOBINDSATS_BASE_URL", api.jobindsats_url)
        monkeypatch.setenv("STATBANK_BASE_URL", api.statbank_url)
        capsys.readouterr()
        started = time.perf_counter()
        code = cli.main(["run", "--source", "live", *args])
        seconds = time.perf_counter() - started
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err, seconds)

    run.warehouse = warehouse
    run.home = home
    return run


def fingerprint(warehouse: Path) -> dict[str, str]:
    """The bytes of the warehouse and the serving copy, hashed."""
    return {
        name: hashlib.sha256((warehouse.parent / name).read_bytes()).hexdigest()
        for name in (warehouse.name, "serving.duckdb")
    }


def assert_token_nowhere(outcome: Outcome, *folders: Path) -> None:
    secret = TOKEN.encode()
    assert TOKEN not in outcome.out and TOKEN not in outcome.err
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                assert secret not in path.read_bytes(), f"the token is in {path}"


def bump(api: FakeApi, *table_ids: str) -> None:
    """Make jobindsats announce a new release of these API tables, so `--only-new` asks for them."""
    for table_id in table_ids:
        api.markers[table_id] = "2099-01-01T00:00:00"


FAULTS = {
    "401 v3 body": (Reply(401, V3_401), "HTTP 401: the token was refused (Invalid or expired token); check JOBINDS"),
    "401 v2 body": (Reply(401, V2_401), 'HTTP 401: the token was refused ({"Forkert nøgle eller nøglen er udløbet'),
    "403": (Reply(403, {"code": 403, "cause": "Forbidden"}), "HTTP 403: the token was refused (Forbidden)"),
    "422": (Reply(422, real_422()), "HTTP 422: Unknown hierarchies: ['_omrade']"),
    "429 with Retry-After": (Reply(429, {"code": 429, "cause": "Too many requests"}, {"Retry-After": "7"}), "HTTP 429"),
    "429 without Retry-After": (Reply(429, {"code": 429, "cause": "Too many requests"}), "HTTP 429"),
    "503 forever": (Reply(503, {"code": 503, "cause": "Service Unavailable"}), "HTTP 503: Service Unavailable"),
}


@pytest.mark.parametrize("case", list(FAULTS))
def test_an_http_fault_fails_the_run_in_one_line_and_changes_nothing(live, no_real_sleep, case):
    reply, said = FAULTS[case]
    with FakeApi() as api:
        bump(api, "y30r21")
        api.fail(Y30R21, reply, forever=True)
        before = fingerprint(live.warehouse)
        outcome = live(api, "--only-new", "--quiet", event_log=case.startswith("401"))

    assert outcome.code == 1
    failed = [line for line in outcome.lines if line.startswith("  landing__jobindsats_y30r21: ")]
    assert len(failed) == 1 and said in failed[0], outcome.err
    assert failed[0].split(": ", 1)[1].startswith("GET /v3/data/y30r21?")
    assert "Traceback" not in outcome.err and len(outcome.lines) <= 4, outcome.err
    assert "serving.duckdb was not republished: BI tools still see the last good copy." in outcome.err
    assert outcome.seconds < BOUND_S
    assert fingerprint(live.warehouse) == before
    assert_token_nowhere(outcome, live.warehouse.parent, live.home)
    retried = case.startswith(("429", "503"))
    assert api.calls(Y30R21) == (4 if retried else 1)
    if case == "429 with Retry-After":
        assert no_real_sleep == [7.0, 7.0, 7.0]
    elif retried:
        assert len(no_real_sleep) == 3 and all(0.5 <= s <= 4.0 for s in no_real_sleep)
    else:
        assert no_real_sleep == []


BAD_BODIES = {
    "truncated JSON": (lambda body: body[: len(body) // 2], "landing__jobindsats_y30r21", "not valid JSON"),
    "a renamed column": (
        lambda body: body.replace("Område".encode(), b"Kommune", 1),
        "staging__jobindsats_y30r21",
        "Område",
    ),
    "an unknown area": (
        lambda body: body.replace(b"Herning", b"Atlantis"),
        "staging__jobindsats_y30r21",
        "unknown area 'Atlantis'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_a_bad_body_is_quarantined_named_and_changes_nothing(live, no_real_sleep, case):
    edit, step, said = BAD_BODIES[case]
    with FakeApi() as api:
        bump(api, "y30r21")
        api.edit(Y30R21, edit)
        before = fingerprint(live.warehouse)
        outcome = live(api, "--only-new", "--quiet")

    assert outcome.code == 1
    failed = [line for line in outcome.lines if line.startswith(f"  {step}: ")]
    assert len(failed) == 1 and said in failed[0], outcome.err
    assert "GET /v3/data/y30r21?" in failed[0]
    assert "Traceback" not in outcome.err and len(outcome.lines) <= 5, outcome.err
    quarantined = [line for line in outcome.lines if line.startswith("Rejected input is in quarantine: ")]
    assert len(quarantined) == 1
    assert Path(quarantined[0].split(": ", 1)[1].split("; ")[0]).is_file()
    assert api.calls(Y30R21) == 1  # a bad body is never asked for again in the run
    assert no_real_sleep == []  # nor waited for: no retry layer sees it
    assert outcome.seconds < BOUND_S
    assert fingerprint(live.warehouse) == before
    assert_token_nowhere(outcome, live.warehouse.parent, live.home)


def test_a_stalled_server_is_a_timeout(live, monkeypatch):
    monkeypatch.setenv("JOBINDBLIK_HTTP_TIMEOUT_S", "0.2")
    with FakeApi() as api:
        bump(api, "y30r21")
        api.fail(Y30R21, Reply(200, b'{"columns": [], "rows": []}', stall_s=1.5), forever=True)
        before = fingerprint(live.warehouse)
        outcome = live(api, "--only-new", "--quiet")

    assert outcome.code == 1
    failed = [line for line in outcome.lines if line.startswith("  landing__jobindsats_y30r21: ")]
    assert len(failed) == 1 and "timed out: no answer within 0.2 s, 4 attempt(s)" in failed[0], outcome.err
    assert "ConnectionError" not in outcome.err
    assert outcome.seconds < BOUND_S
    assert fingerprint(live.warehouse) == before
    assert_token_nowhere(outcome, live.warehouse.parent, live.home)


def test_a_dead_source_fails_every_table_at_once_after_one_round_of_retries(live, no_real_sleep):
    api_ids = sorted({spec.api_id for spec in table_specs().values()})
    with FakeApi() as api:
        bump(api, *api_ids)
        api.fail(r"^/v3/data/", Reply(503, {"code": 503, "cause": "Service Unavailable"}), forever=True)
        before = fingerprint(live.warehouse)
        outcome = live(api, "--only-new", "--quiet")

    assert outcome.code == 1
    failed = [line for line in outcome.lines if line.startswith("  landing__jobindsats_")]
    assert len(failed) == len(table_specs()), outcome.err  # one line per table, nothing else per table
    assert api.calls(r"^/v3/data/") == 4 and len(no_real_sleep) == 3  # one round of retries in the whole run
    at_once = [line for line in failed if "not sent: jobindsats already failed in this run (HTTP 503" in line]
    assert len(at_once) == len(failed) - 1
    assert outcome.seconds < BOUND_S
    assert fingerprint(live.warehouse) == before


def test_a_server_error_then_success_is_retried_once_by_the_client(live, no_real_sleep):
    with FakeApi() as api:
        api.fail(r"^/v3/tables$", Reply(500, {"code": 500, "cause": "Internal Server Error"}))
        outcome = live(api, "--only-new", "--quiet")

    assert outcome.code == 0, outcome.err
    assert "nothing new" in outcome.out
    assert api.calls(r"^/v3/tables$") == 2 and len(no_real_sleep) == 1


@pytest.mark.parametrize("token", [None, "", "   "])
def test_a_missing_token_is_one_line_before_any_request(live, monkeypatch, token):
    if token is None:
        monkeypatch.delenv("JOBINDSATS_TOKEN")
    else:
        monkeypatch.setenv("JOBINDSATS_TOKEN", token)
    with FakeApi() as api:
        outcome = live(api, "--only-new")

    assert outcome.code == 2
    assert len(outcome.lines) == 1 and "JOBINDSATS_TOKEN is not set or empty" in outcome.lines[0]
    assert api.requests == []


def test_only_new_runs_the_new_release_and_an_empty_answer_is_a_warning_that_keeps_staging(live):
    """The nightly command works against the fake server; y30r21's new release answers no rows."""
    from conftest import read_table

    staged = read_table(live.warehouse, "staging.jobindsats_y30r21")
    with FakeApi() as api:
        bump(api, "y30r21")
        api.edit(Y30R21, lambda body: json.dumps({**json.loads(body), "rows": []}).encode())
        outcome = live(api, "--only-new", event_log=True)

    assert outcome.code == 0, outcome.err
    assert api.calls(Y30R21) == 1 and api.calls(r"^/v3/data/") == 1  # only the new release was asked for
    warnings = [line for line in outcome.lines if line.startswith("warning: ")]
    assert len(warnings) == 1 and "jobindsats y30r21: GET /v3/data/y30r21?" in warnings[0]
    assert "answered with no rows; staging keeps the rows it has" in warnings[0]
    assert "  staging__jobindsats_y30r21 done: " in outcome.err  # progress, one line per step
    assert "mart.benchmark                  2,352 rows  +0 ~0 -0" in outcome.out
    after = read_table(live.warehouse, "staging.jobindsats_y30r21")
    assert sorted(map(tuple, after.astype(str).values)) == sorted(map(tuple, staged.astype(str).values))
    assert_token_nowhere(outcome, live.warehouse.parent, live.home)


def test_after_a_failure_the_summary_says_that_serving_was_republished_when_it_was(live, monkeypatch, capsys):
    """A StatBank landing fails while publish runs (it does not depend on that landing in this selection)."""
    import dagster as dg

    from pipelines.definitions import make_definitions

    before = (live.warehouse.parent / "serving.duckdb").stat().st_mtime_ns
    with FakeApi() as api:
        api.fail(r"^/statbank/v1/data$", Reply(500, {"errorTypeCode": "INTERNAL", "message": "down"}), forever=True)
        monkeypatch.setenv("STATBANK_BASE_URL", api.statbank_url)
        monkeypatch.setenv("JOBINDSATS_BASE_URL", api.jobindsats_url)
        defs = make_definitions(live.warehouse, "live")
        keys = [dg.AssetKey(["landing", "statbank_folk1a"]), dg.AssetKey(["publish", "serving_duckdb"])]
        code = cli._execute(defs, "live", keys, {}, time.perf_counter(), quiet=True)
    err = capsys.readouterr().err

    assert code == 1
    assert (live.warehouse.parent / "serving.duckdb").stat().st_mtime_ns != before  # it was republished ...
    assert "serving.duckdb was republished" in err and "not republished" not in err  # ... and the CLI says so
    failed = [line for line in err.splitlines() if line.startswith("  landing__statbank_folk1a: ")]
    assert len(failed) == 1 and "HTTP 500: INTERNAL: down" in failed[0]
    assert "+0 ~0 -0" in err  # what changed in the copy BI now reads: nothing


def drop_from_catalogue(table_id: str):
    """An edit of the `/v3/tables` body: jobindsats no longer offers `table_id`."""

    def edit(body: bytes) -> bytes:
        subjects = json.loads(body)
        for group in (g for subject in subjects for g in subject["table_groups"]):
            group["tables"] = [t for t in group["tables"] if t["table_id"] != table_id]
        return json.dumps(subjects).encode()

    return edit


@pytest.mark.integration
def test_the_first_live_run_into_an_empty_warehouse_publishes(tmp_path, monkeypatch, capsys):
    """No warehouse, no landing, no fokusmål counts (no API serves them), y01b15 not offered: it still publishes."""
    from conftest import read_table, table_names

    warehouse = tmp_path / "warehouse" / "jobindblik.duckdb"
    monkeypatch.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("JOBINDBLIK_SOURCE", "live")
    monkeypatch.setenv("JOBINDSATS_TOKEN", TOKEN)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with FakeApi() as api:
        monkeypatch.setenv("JOBINDSATS_BASE_URL", api.jobindsats_url)
        monkeypatch.setenv("STATBANK_BASE_URL", api.statbank_url)
        api.edit(r"^/v3/tables$", drop_from_catalogue("y01b15"))
        code = cli.main(["run", "--source", "live", "--quiet"])
    captured = capsys.readouterr()

    assert code == 0, captured.err
    serving = warehouse.with_name("serving.duckdb")
    assert "mart.tilsyn_status" in table_names(serving, "mart")
    assert read_table(serving, "mart.tilsyn_status").empty and not read_table(serving, "mart.benchmark").empty
    assert set(read_table(serving, "mart.benchmark")["datagrundlag"]) == {"live"}
    assert "mart.tilsyn_fokusmaal               0 rows  new copy" in captured.out
    assert read_table(warehouse, "staging.jobindsats_y01b15").empty
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: landing__jobindsats_y01b15: jobindsats y01b15: not offered: jobindsats lists no table y01b15 in "
        "/v3/tables; staging keeps what it has"
    ]
    assert TOKEN not in captured.out + captured.err


def test_the_summary_counts_rows_added_changed_and_removed_against_the_copy_before_the_run(good_run, tmp_path):
    import shutil

    import duckdb

    import pipelines.definitions  # noqa: F401  (registers the models, whose keys match the rows)

    serving = good_run[0].with_name("serving.duckdb")
    before = tmp_path / "before.duckdb"
    shutil.copy2(serving, before)
    conn = duckdb.connect(str(before))
    try:  # the copy before the run: 2 benchmark rows different, 1 period missing, 1 area more
        conn.execute("update mart.benchmark set faktisk_antal = faktisk_antal + 1 where rowid in (0, 1)")
        conn.execute("delete from mart.dim_periode where rowid = 0")
        conn.execute(
            "insert into mart.dim_omraade select * replace ('999' as omraade_kode) from mart.dim_omraade limit 1"
        )
        conn.execute("drop table mart.vandringer")
    finally:
        conn.close()

    report = run_report.summary(serving, before).splitlines()[1:-1]  # without the legend and the example
    lines = {line.split()[0]: line.split("rows")[1].strip() for line in report}

    assert lines["mart.benchmark"] == "+0 ~2 -0"
    assert lines["mart.dim_periode"] == "+1 ~0 -0"
    assert lines["mart.dim_omraade"] == "+0 ~0 -1"
    assert lines["mart.vandringer"] == "new table"
    assert lines["mart.udvikling"] == "+0 ~0 -0"


def test_the_summary_compares_only_what_publish_did_not_carry_over(good_run, tmp_path):
    """A table publish kept as it was is not read; of one it replaced rows in, only those rows are compared."""
    import shutil

    import duckdb

    import pipelines.definitions  # noqa: F401  (registers the models, whose keys match the rows)

    serving = good_run[0].with_name("serving.duckdb")
    before = tmp_path / "before.duckdb"
    shutil.copy2(serving, before)
    conn = duckdb.connect(str(before))
    try:  # one changed row in each of two periods of udvikling, two in benchmark
        first, last = conn.execute("select min(periode), max(periode) from mart.udvikling").fetchone()
        for periode in (first, last):
            conn.execute(
                "update mart.udvikling set vaerdi = vaerdi + 1 where rowid = "
                "(select min(rowid) from mart.udvikling where periode = ? and vaerdi is not null)",
                [periode],
            )
        conn.execute("update mart.benchmark set faktisk_antal = faktisk_antal + 1 where rowid in (0, 1)")
    finally:
        conn.close()

    def changes(carried_over):
        report = run_report.summary(serving, before, carried_over).splitlines()[1:-1]
        return {line.split()[0]: line.split("rows")[1].strip() for line in report}

    everything = changes({})
    carried = changes({"mart.benchmark": None, "mart.udvikling": f"periode = '{last}'"})

    assert (everything["mart.udvikling"], everything["mart.benchmark"]) == ("+0 ~2 -0", "+0 ~2 -0")
    assert (carried["mart.udvikling"], carried["mart.benchmark"]) == ("+0 ~1 -0", "+0 ~0 -0")
    assert {t: c for t, c in carried.items() if t not in ("mart.udvikling", "mart.benchmark")} == {
        t: c for t, c in everything.items() if t not in ("mart.udvikling", "mart.benchmark")
    }
