"""Shared fixtures for the pipeline-level tests: run the whole graph in-process against tmp warehouses.

Nothing here touches the network or the project's own `warehouse/` folder: every run gets a
warehouse under pytest's tmp directories, and the bundled sample is replayed through the
snapshot client (optionally from a mutated copy).

Two layers: a test that builds a warehouse (by these fixtures, or marked `integration` itself) is an
integration test; every other test is a unit test, and `make test-fast` runs only those. A unit test
that executes a Dagster job fails, so the fast layer stays fast.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pipelines import settings

# Dagster, DuckDB, pandas and the definitions are imported where they are used: pytest-xdist's controller loads
# this file too, runs no test, and would otherwise spend seconds importing them before the workers start.
if TYPE_CHECKING:
    import dagster as dg
    import pandas as pd

SAMPLE_DIR = settings.SAMPLE_DIR
# Runs in tests keep Dagster's console to warnings; the events stay in the instance.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# A test that uses any of these runs the pipeline or reads what a run built: it is an integration test.
INTEGRATION_FIXTURES = {"good_run", "good_copy", "run_assets"}
# How the tests are spread over pytest-xdist's workers.
pytest_plugins = ["distribution"]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects the integration tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INTEGRATION_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.integration)
        if uses_a_module_fixture(item):
            # `make test` runs on several workers (pytest-xdist, tests/distribution.py): the tests of one module that
            # share a module fixture go to one worker, so that fixture (often a CLI run) is built once, not per worker.
            # A module's unit and integration tests are two groups, handed out at different times.
            layer = "integration" if item.get_closest_marker("integration") else "unit"
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}:{layer}"))


def uses_a_module_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture of module (or class) scope; pytest keeps the definitions in `_fixtureinfo`."""
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is None:
        return False
    return any(defs and defs[-1].scope in ("module", "class") for defs in definitions.name2fixturedefs.values())


@pytest.fixture(autouse=True)
def unit_tests_run_no_job(request, monkeypatch) -> None:
    """A test not marked `integration` that executes a Dagster job fails, naming the marker it lacks."""
    if request.node.get_closest_marker("integration"):
        return
    import dagster as dg

    def refuse(*args, **kwargs):
        raise AssertionError(f"{request.node.nodeid} executes a Dagster job: mark it `integration`")

    monkeypatch.setattr(dg.JobDefinition, "execute_in_process", refuse)


@pytest.fixture
def rsps():
    """HTTP mocked at the requests level: the clients run their real code against recorded bodies."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def no_real_sleep(monkeypatch) -> list[float]:
    """`send` binds time.sleep as a default argument, so replace the default, not the module attribute."""
    from pipelines.sources import http

    slept: list[float] = []
    monkeypatch.setitem(http.send.__kwdefaults__, "sleep", slept.append)
    return slept


Y30R21_SAMPLE = "jobindsats/y30r21.json"
WAREHOUSE_NAME = "jobindblik.duckdb"


def benchmark_slice(defs: dg.Definitions) -> list[dg.AssetKey]:
    """The benchmark and everything it is built from, plus the publish step: the y30r21 path."""
    import dagster as dg

    selection = dg.AssetSelection.assets(dg.AssetKey(["mart", "benchmark"])).upstream() | dg.AssetSelection.assets(
        dg.AssetKey(["publish", "serving_duckdb"])
    )
    return sorted(selection.resolve(defs.resolve_asset_graph()))


def run_job(warehouse: Path, sample_dir: Path | None = None, benchmark_only: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise `refresh_all` against `warehouse`, replaying `sample_dir` (default: the bundled sample).

    `benchmark_only` runs just the y30r21 path (benchmark_slice), for tests about it that need speed.
    """
    import dagster as dg

    from pipelines.definitions import make_definitions

    defs = make_definitions(Path(warehouse), sample_dir=Path(sample_dir or SAMPLE_DIR))
    with dg.DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def("refresh_all").execute_in_process(
            instance=instance,
            run_config=QUIET,
            raise_on_error=False,
            asset_selection=benchmark_slice(defs) if benchmark_only else None,
        )


def read_table(database: Path, table: str, order_by: str | None = None) -> pd.DataFrame:
    """A whole table from a DuckDB file via a read-only connection that is closed again."""
    import duckdb

    conn = duckdb.connect(str(database), read_only=True)
    try:
        query = f"select * from {table}" + (f" order by {order_by}" if order_by else "")
        return conn.execute(query).df()
    finally:
        conn.close()


def assert_same_frame(left: pd.DataFrame, right: pd.DataFrame, **options: Any) -> None:
    """pandas' assert_frame_equal (same `options`), decided first by DataFrame.equals.

    Equal values, dtypes and labels pass either way; `equals` decides mart.udvikling's 800,000 rows in 0.2 s where
    assert_frame_equal takes 4 s. Any difference goes on to assert_frame_equal, its tolerance and its message.
    """
    from pandas.testing import assert_frame_equal

    if not left.equals(right):
        assert_frame_equal(left, right, **options)


def assert_same_rows(left: Path, right: Path, tables: list[str]) -> None:
    """Each table holds the same columns, types and rows (as a multiset, exactly) in two DuckDB files.

    Compared inside DuckDB: a table of 800,000 rows in well under a second, where sorting both into pandas
    takes seconds. A difference is shown as up to five rows found on one side only.
    """
    import duckdb

    with duckdb.connect() as conn:
        conn.execute("attach ? as l (read_only)", [str(left)])
        conn.execute("attach ? as r (read_only)", [str(right)])
        for table in tables:
            columns = [conn.execute(f"select column_name, column_type from (describe {db}.{table})").fetchall()
                       for db in ("l", "r")]  # fmt: skip
            assert columns[0] == columns[1], f"{table}: columns differ: {columns[0]} vs {columns[1]}"
            only = conn.execute(
                f"(select 'left' as side, * from (select * from l.{table} except all select * from r.{table})) "
                f"union all (select 'right', * from (select * from r.{table} except all select * from l.{table}))"
            ).df()
            assert only.empty, f"{table}: {len(only)} rows on one side only, e.g.\n{only.head(5).to_string()}"


def table_names(database: Path, schema: str) -> list[str]:
    import duckdb

    conn = duckdb.connect(str(database), read_only=True)
    try:
        rows = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_schema = ? order by 1",
            [schema],
        ).fetchall()
    finally:
        conn.close()
    return [name for (name,) in rows]


def copy_warehouse(source: Path, target_dir: Path) -> Path:
    """A copy of a warehouse folder (database, serving copy, landing), timestamps kept; the new database path."""
    shutil.copytree(source.parent, target_dir, copy_function=shutil.copy2)
    return target_dir / source.name


@pytest.fixture(scope="session")
def good_run(tmp_path_factory) -> tuple[Path, dg.ExecuteInProcessResult]:
    """One successful run on the bundled sample, shared read-only: (warehouse path, result).

    Tests that run again or mutate anything work on a `copy_warehouse` of it. The pytest-xdist workers of a
    session share one run (shared_run): two built at once on two cores took twice as long each.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # xdist gives each worker a basetemp inside the session's own folder: the parent is common to them.
        warehouse, result = shared_run(tmp_path_factory.getbasetemp().parent / "good_run")
    else:
        warehouse = tmp_path_factory.mktemp("good") / "warehouse" / WAREHOUSE_NAME
        result = run_job(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return warehouse, result


def shared_run(folder: Path) -> tuple[Path, dg.ExecuteInProcessResult]:
    """The good run in `folder`: built by the first worker to ask, under a lock the others wait on.

    The builder leaves the run and its events there (Dagster's serialisation, as its event log keeps them); the
    others read them back into the result object a run returns, for the tests that look at checks and metadata.
    """
    import dagster as dg

    from pipelines.definitions import make_definitions

    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse" / WAREHOUSE_NAME
    events = folder / "run.json"
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or the worker dies
        if not events.exists():
            shutil.rmtree(warehouse.parent, ignore_errors=True)  # what a builder that died half-way left
            result = run_job(warehouse)
            events.write_text(dg.serialize_value([result.dagster_run, list(result.all_events)]), encoding="utf-8")
            return warehouse, result
    run, event_list = dg.deserialize_value(events.read_text(encoding="utf-8"), list)
    job = make_definitions(warehouse, sample_dir=SAMPLE_DIR).resolve_job_def("refresh_all")
    return warehouse, dg.ExecuteInProcessResult(event_list, run, None, job)


@pytest.fixture
def good_copy(good_run, tmp_path) -> Path:
    """A private copy of the good run's warehouse folder, to run again against."""
    return copy_warehouse(good_run[0], tmp_path / "warehouse")


@pytest.fixture
def bad_sample(tmp_path) -> Callable[..., Path]:
    """A factory: copy data/sample to tmp and let the test change the y30r21 body; returns the sample dir.

    `mutate` receives the parsed body ({"columns": [...], "rows": [...]}); it either changes it in place
    (it is written back as JSON) or returns the raw text or bytes to write instead (e.g. truncated JSON).
    """
    counter = 0

    def make(mutate: Callable[[dict[str, Any]], Any]) -> Path:
        nonlocal counter
        counter += 1
        target = tmp_path / f"sample{counter}"
        shutil.copytree(SAMPLE_DIR, target)
        path = target / Y30R21_SAMPLE
        body = json.loads(path.read_text(encoding="utf-8"))
        replaced = mutate(body)
        if replaced is None:
            path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        elif isinstance(replaced, bytes):
            path.write_bytes(replaced)
        else:
            path.write_text(str(replaced), encoding="utf-8")
        return target

    return make


# --- added for the orchestration tests (test_incremental, test_ingest, test_sensors) -------------


@pytest.fixture
def sample_copy(tmp_path) -> Callable[..., Path]:
    """A factory: copy data/sample to tmp and apply `edits` ({relative path: edit}); returns the sample dir.

    Each edit receives the file's text (a JSON file: its parsed document) and either changes the
    document in place (it is written back as JSON) or returns the new text.
    """
    counter = 0

    def make(edits: dict[str, Callable[[Any], Any]] | None = None) -> Path:
        nonlocal counter
        counter += 1
        target = tmp_path / f"sample_copy{counter}"
        shutil.copytree(SAMPLE_DIR, target)
        for relative, edit in (edits or {}).items():
            path = target / relative
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                document = json.loads(text)
                replaced = edit(document)
                text = json.dumps(document, ensure_ascii=False) if replaced is None else replaced
            else:
                text = edit(text)
            path.write_text(text, encoding="utf-8")
        return target

    return make


@pytest.fixture
def run_assets() -> Callable[..., dg.ExecuteInProcessResult]:
    """A function that materialises only `keys` (asset keys) of `refresh_all` against a warehouse.

    The sources are the snapshot clients on `sample_dir` (default: the bundled sample).
    """
    import dagster as dg

    from pipelines.definitions import make_definitions

    def run(
        warehouse: Path, keys: list[dg.AssetKey], tags: dict[str, str] | None = None, sample_dir: Path | None = None
    ) -> dg.ExecuteInProcessResult:
        defs = make_definitions(Path(warehouse), sample_dir=Path(sample_dir or SAMPLE_DIR))
        with dg.DagsterInstance.ephemeral() as instance:
            return defs.resolve_job_def("refresh_all").execute_in_process(
                instance=instance,
                run_config=QUIET,
                tags=tags or {},
                raise_on_error=False,
                asset_selection=list(keys),
            )

    return run
