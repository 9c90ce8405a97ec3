"""The code location: what Dagster loads from pipelines.definitions, and `dagster definitions validate`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines import settings
from pipelines.definitions import defs
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.statbank_tables import statbank_tables

GROUPS = {"landing", "staging", "core", "indicators", "publish", "rapport"}
VENV_BIN = Path(sys.executable).parent


def test_every_asset_has_a_known_group_kinds_and_a_description():
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    sources = [f"jobindsats_{t}" for t in table_specs()] + [f"statbank_{t.lower()}" for t in statbank_tables()]
    sources.append("tilsyn_fokusmaal_taelling")
    assert set(specs) == {
        *(f"{layer}/{source}" for layer in ("landing", "staging") for source in sources),
        "mart/dim_omraade",
        "mart/omraade_medlemskab",
        "mart/dim_ydelsesgruppe",
        "mart/dim_periode",
        "mart/dim_varighedsinterval",
        "mart/fuldtidspersoner",
        "mart/ledighed",
        "mart/varigheder",
        "mart/vandringer",
        "mart/vandringer_maalgruppe",
        "mart/vandringer_efter_forloeb",
        "landing/personer_maalgruppeforloeb",
        "landing/personer_dream",
        "person/forloeb_input",
        "person/dream_forloeb",
        "mart/aktivering",
        "mart/benchmark",
        "mart/tilsyn_fokusmaal",
        "mart/tilsyn_status",
        "mart/benchmark_sammenligning",
        "mart/benchmark_placering",
        "mart/udvikling",
        "mart/noegletal",
        "mart/data_dictionary",
        "publish/serving_duckdb",
        "publish/rapport",
    }
    for key, spec in specs.items():
        assert spec.group_name in GROUPS, key
        assert spec.kinds, key
        assert spec.description and spec.description.strip(), key
    assert {spec.group_name for spec in specs.values()} == GROUPS


def test_staging_and_mart_assets_have_a_blocking_pandera_check():
    graph = defs.resolve_asset_graph()
    checks = {key.to_user_string(): graph.get_check_spec(key) for key in graph.asset_check_keys}
    layered = [key for key in graph.get_all_asset_keys() if key.path[0] in ("staging", "mart")]
    # staging tables (+ the fokusmål counts) + mart tables
    assert len(layered) == len(table_specs()) + len(statbank_tables()) + 1 + 20
    for asset_key in layered:
        spec = checks.get(f"{asset_key.to_user_string()}:pandera_schema")
        assert spec is not None, asset_key
        assert spec.blocking, asset_key
    benchmark_check = checks["mart/benchmark:benchmark_matches_published"]
    assert benchmark_check.blocking


def test_schedules_target_refresh_all_and_start_stopped():
    schedules = {schedule.name: schedule for schedule in defs.schedules}
    assert set(schedules) == {"nightly", "monthly"}
    for name in ("nightly", "monthly"):
        schedule = defs.resolve_schedule_def(name)
        assert schedule.job_name == "refresh_all"
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
        assert schedule.execution_timezone == "Europe/Copenhagen"
    assert defs.resolve_job_def("refresh_all").name == "refresh_all"


def test_dagster_definitions_validate(tmp_path):
    dagster = VENV_BIN / "dagster"
    if not dagster.exists():
        pytest.skip(f"no dagster executable beside {sys.executable}")
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        **os.environ,
        "JOBINDBLIK_WAREHOUSE": str(tmp_path / "warehouse" / "jobindblik.duckdb"),
        "JOBINDBLIK_SOURCE": "sample",
        "DAGSTER_HOME": str(home),
    }
    completed = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=settings.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Validation successful for code location jobindblik" in completed.stdout + completed.stderr
    assert not (tmp_path / "warehouse").exists()  # loading the code location writes nothing
