"""Incremental loads after a good run: revisions, idempotent re-runs, what is new, `run --only-new`.

Every case starts from a copy of the shared good run's warehouse and materialises only the
assets it is about (`run_assets`), from a copy of the bundled sample with one figure changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import assert_same_frame, assert_same_rows, read_table
from pandas.testing import assert_frame_equal

from pipelines.definitions import make_definitions
from pipelines.months import current_month, months_tags, shift_month
from pipelines.resources.landing import LandingStore
from pipelines.sources.jobindsats import JobindsatsSnapshotClient
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.statbank import StatbankSnapshotClient
from pipelines.whats_new import Release, month_span, new_jobindsats_tables, new_statbank_tables, release_plan, run_plan
from warehouse.diskretionering import Config, load_config
from warehouse.marts import model_for
from warehouse.publish import publish

REPO = Path(__file__).resolve().parents[1]
Y30R21 = "jobindsats/y30r21.json"
Y60J01 = "jobindsats/y60j01.json"
LANDING_Y30R21 = dg.AssetKey(["landing", "jobindsats_y30r21"])
STAGING_Y30R21 = dg.AssetKey(["staging", "jobindsats_y30r21"])
LANDING_Y60J01 = dg.AssetKey(["landing", "jobindsats_y60j01"])
STAGING_Y60J01 = dg.AssetKey(["staging", "jobindsats_y60j01"])
STAGING_ORDER = "periode, omraade_kode, ydelsesgruppe"
# A run over some months in small: one monthly table, the comparisons, publish.
MONTHLY_AND_PUBLISH = [
    dg.AssetKey(["mart", "ledighed"]),
    dg.AssetKey(["mart", "udvikling"]),
    dg.AssetKey(["publish", "serving_duckdb"]),
]
KEY = ["periode", "omraade_navn", "ydelsesgruppe"]
# The two figures a revision changes: København's total and Herning's sygedagpenge in 2020QMAT02.
REVISED_ROWS = [("2020QMAT02", "København", "Ydelsesgrupper i alt"), ("2020QMAT02", "Herning", "Sygedagpenge mv.")]


def bodies(warehouse: Path, source: str, table: str) -> list[str]:
    folder = warehouse.parent / "landing" / source / table
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".meta.json"))


def metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> list[dict]:
    """The metadata of each materialisation of `key` in the run (one per partition for monthly assets)."""
    return [
        {name: value.value for name, value in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
        if event.materialization.asset_key == key
    ]


def revise_y30r21(body: dict) -> None:
    """A consistent revision of two figures: forventet and faktisk both up by 10, forskel unchanged."""
    revised = [row for row in body["rows"] if tuple(row[:3]) in REVISED_ROWS]
    assert len(revised) == len(REVISED_ROWS)
    for row in revised:
        row[3] += 10
        row[4] += 10


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def last_months(n: int) -> dict[str, str]:
    return months_tags(shift_month(current_month(), 1 - n), current_month())


# --- (a) a revision ---------------------------------------------------------------------------------


def test_a_revision_lands_beside_the_old_body_and_moves_only_the_revised_rows(good_copy, sample_copy, run_assets):
    before = read_table(good_copy, "staging.jobindsats_y30r21", STAGING_ORDER)
    [old_body] = bodies(good_copy, "jobindsats", "y30r21")
    old_meta = json.loads(
        (good_copy.parent / "landing/jobindsats/y30r21" / old_body.replace(".json", ".meta.json")).read_text()
    )
    sample = sample_copy({Y30R21: revise_y30r21})
    new_hash = sha256(sample / Y30R21)

    result = run_assets(good_copy, [LANDING_Y30R21, STAGING_Y30R21], sample_dir=sample)

    assert result.success
    # Landing keeps both bodies; the old one's sidecar is untouched.
    assert bodies(good_copy, "jobindsats", "y30r21") == sorted([old_body, f"{new_hash}.json"])
    assert old_meta == json.loads(
        (good_copy.parent / "landing/jobindsats/y30r21" / old_body.replace(".json", ".meta.json")).read_text()
    )
    [landing_meta] = metadata(result, LANDING_Y30R21)
    # Incremental: held up to 2022QMAT04, so the last 3 held periods are asked for again.
    assert landing_meta["periods"] == "2021QMAT04, 2022QMAT02, 2022QMAT04"
    assert landing_meta["content_hash"] == new_hash
    # Staging: the revised figures, a new aendret_tid on exactly those rows, the rest kept theirs.
    after = read_table(good_copy, "staging.jobindsats_y30r21", STAGING_ORDER)
    assert len(after) == len(before) == 2352
    merged = before.merge(after, on=KEY, suffixes=("_before", "_after"))
    assert len(merged) == 2352
    moved = merged[merged["aendret_tid_before"] != merged["aendret_tid_after"]]
    assert sorted(map(tuple, moved[KEY].values.tolist())) == sorted(REVISED_ROWS)
    assert (moved["aendret_tid_after"] > moved["aendret_tid_before"]).all()
    assert (moved["forventet_antal_after"] == moved["forventet_antal_before"] + 10).all()
    assert (moved["faktisk_antal_after"] == moved["faktisk_antal_before"] + 10).all()
    kept = merged.drop(moved.index)
    assert (kept["forventet_antal_after"] == kept["forventet_antal_before"]).all()
    copenhagen = after[(after["omraade_navn"] == "København") & (after["periode"] == "2020QMAT02")]
    assert copenhagen.set_index("ydelsesgruppe").loc["Ydelsesgrupper i alt", "forventet_antal"] == 43080
    assert set(after["content_hash"]) == {new_hash}  # every row now traces to the newest body
    [staging_meta] = metadata(result, STAGING_Y30R21)
    assert staging_meta["rows_new_or_revised"] == len(REVISED_ROWS)


@pytest.mark.skipif("y60j01" not in table_specs(), reason="no monthly table y60j01 in the config")
def test_a_revision_of_a_monthly_table_in_a_month_range(good_copy, sample_copy, run_assets):
    """A monthly table re-run over 2026-03..2026-06 with 2026M05 Herning revised: one row revised."""
    before = read_table(good_copy, "staging.jobindsats_y60j01", "periode, omraade_kode")

    def revise(body: dict) -> None:
        for row in body["rows"]:
            if row[0] == "2026M05" and row[1] == "Herning":
                row[2] += 7

    sample = sample_copy({Y60J01: revise})
    old_value = before.set_index(["periode", "omraade_navn"]).loc[("2026M05", "Herning")]

    result = run_assets(
        good_copy, [LANDING_Y60J01, STAGING_Y60J01], tags=months_tags("2026M03", "2026M06"), sample_dir=sample
    )

    assert result.success
    assert len(bodies(good_copy, "jobindsats", "y60j01")) == 2
    landing = metadata(result, LANDING_Y60J01)
    staging = metadata(result, STAGING_Y60J01)
    assert len(landing) == len(staging) == 1  # one event per asset and run, whatever its months
    assert {m["periods"] for m in landing} == {"2026M03, 2026M04, 2026M05, 2026M06"}
    assert {m["rows_new_or_revised"] for m in staging} == {1}
    after = read_table(good_copy, "staging.jobindsats_y60j01", "periode, omraade_kode")
    assert len(after) == len(before)
    merged = before.merge(after, on=["periode", "omraade_navn"], suffixes=("_before", "_after"))
    moved = merged[merged["aendret_tid_before"] != merged["aendret_tid_after"]]
    assert moved[["periode", "omraade_navn"]].values.tolist() == [["2026M05", "Herning"]]
    assert (
        moved["antal_personer_med_ordinaere_timer_after"].iloc[0] == old_value["antal_personer_med_ordinaere_timer"] + 7
    )


# --- (b) the same sample again ------------------------------------------------------------------------


def test_re_running_the_same_sample_changes_nothing(good_run, good_copy, run_assets):
    keys = [LANDING_Y30R21, STAGING_Y30R21]
    monthly_table = "y60j01" in table_specs()
    if monthly_table:
        keys += [LANDING_Y60J01, STAGING_Y60J01]
    before = read_table(good_run[0], "staging.jobindsats_y30r21", STAGING_ORDER)
    folder = good_copy.parent / "landing/jobindsats/y30r21"
    [meta_path] = folder.glob("*.meta.json")
    meta_before = json.loads(meta_path.read_text())

    second = run_assets(good_copy, keys)  # the good run was the first

    assert second.success
    assert_frame_equal(read_table(good_copy, "staging.jobindsats_y30r21", STAGING_ORDER), before)
    assert [m["rows_new_or_revised"] for m in metadata(second, STAGING_Y30R21)] == [0]
    assert len(bodies(good_copy, "jobindsats", "y30r21")) == 1
    meta_after = json.loads(meta_path.read_text())
    assert meta_after["first_seen_at"] == meta_before["first_seen_at"]
    assert meta_after["last_seen_at"] > meta_before["last_seen_at"]
    if monthly_table:
        assert_frame_equal(
            read_table(good_copy, "staging.jobindsats_y60j01", "periode, omraade_kode"),
            read_table(good_run[0], "staging.jobindsats_y60j01", "periode, omraade_kode"),
        )
        assert {m["rows_new_or_revised"] for m in metadata(second, STAGING_Y60J01)} == {0}
        assert len(bodies(good_copy, "jobindsats", "y60j01")) == 1


# --- (c) what is new ------------------------------------------------------------------------------------


def landing_of(warehouse: Path) -> LandingStore:
    return LandingStore(warehouse.parent / "landing", warehouse.parent / "quarantine")


def test_nothing_is_new_after_a_good_run(good_run):
    landing = landing_of(good_run[0])

    assert new_jobindsats_tables(JobindsatsSnapshotClient(), landing) == []
    assert new_statbank_tables(StatbankSnapshotClient(), landing) == []


def test_a_changed_jobindsats_sample_is_new(good_run, sample_copy):
    sample = sample_copy({Y30R21: revise_y30r21})
    landing = landing_of(good_run[0])

    new = new_jobindsats_tables(JobindsatsSnapshotClient(sample_dir=str(sample)), landing)

    assert new == [Release(LANDING_Y30R21, sha256(sample / Y30R21))]
    assert str(new[0]) == f"jobindsats_y30r21@{sha256(sample / Y30R21)}"
    assert new_statbank_tables(StatbankSnapshotClient(sample_dir=str(sample)), landing) == []


def test_a_changed_statbank_tableinfo_is_new(good_run, sample_copy):
    def bump(info: dict) -> None:
        info["updated"] = "2026-11-11T08:00:00"

    sample = sample_copy({"statbank/tableinfo_folk1a.json": bump})
    landing = landing_of(good_run[0])

    assert new_statbank_tables(StatbankSnapshotClient(sample_dir=str(sample)), landing) == [
        Release(dg.AssetKey(["landing", "statbank_folk1a"]), "2026-11-11T08:00:00")
    ]
    assert new_jobindsats_tables(JobindsatsSnapshotClient(sample_dir=str(sample)), landing) == []


def test_a_table_never_loaded_is_new(tmp_path):
    landing = landing_of(tmp_path / "jobindblik.duckdb")

    new = new_jobindsats_tables(JobindsatsSnapshotClient(), landing)

    assert LANDING_Y30R21 in [release.key for release in new]
    assert len(new_statbank_tables(StatbankSnapshotClient(), landing)) == 5


@pytest.fixture(scope="module")
def asset_graph(tmp_path_factory):
    return make_definitions(tmp_path_factory.mktemp("graph") / "jobindblik.duckdb").resolve_asset_graph()


def test_run_plan_is_the_landing_asset_and_everything_downstream(asset_graph):
    keys, tags = run_plan([LANDING_Y30R21], asset_graph)

    expected = {
        LANDING_Y30R21,
        STAGING_Y30R21,
        dg.AssetKey(["mart", "benchmark"]),
        dg.AssetKey(["publish", "serving_duckdb"]),
    }
    assert expected <= set(keys)
    assert keys == sorted(keys)
    # Nothing upstream or beside it: no other landing or staging asset, no dimension.
    assert [k for k in keys if k.path[0] in {"landing", "staging"}] == [LANDING_Y30R21, STAGING_Y30R21]
    assert dg.AssetKey(["mart", "dim_omraade"]) not in keys
    assert tags == last_months(4)
    assert tags == {"jobindblik/months": f"{shift_month(current_month(), -3)}..{current_month()}"}


def test_run_plan_for_a_statbank_release(asset_graph):
    keys, _ = run_plan([dg.AssetKey(["landing", "statbank_folk1a"])], asset_graph)

    assert dg.AssetKey(["landing", "statbank_folk1a"]) in keys
    assert dg.AssetKey(["staging", "statbank_folk1a"]) in keys
    assert not [k for k in keys if "jobindsats" in k.path[-1]]


def test_run_plan_range_covers_the_monthly_periods_given(asset_graph):
    _, tags = run_plan([STAGING_Y30R21], asset_graph, *month_span(["2024M05", "2024M02", "2024M03"]))

    assert tags == months_tags("2024M02", "2024M05")


def test_run_plan_range_falls_back_to_the_last_months_without_monthly_periods(asset_graph):
    _, quarterly = run_plan([STAGING_Y30R21], asset_graph, *month_span(["2020QMAT02", "2020QMAT04"]))

    assert quarterly == last_months(4)


def test_every_month_from_2007_is_a_month_an_extract_or_backfill_can_run_over(asset_graph):
    from pipelines.cli import _month

    _, tags = run_plan([STAGING_Y30R21], asset_graph, *month_span(["2010M01", "2007M01"]))

    assert tags == months_tags("2007M01", "2010M01")
    assert _month("2007M01") == "2007M01"
    with pytest.raises(argparse.ArgumentTypeError, match="from 2007M01 on"):
        _month("2006M12")


def test_an_ingested_extract_does_not_make_a_table_new(good_copy):
    from pipelines.ingest import Validator, ingest_file
    from pipelines.resources.reference import ReferenceData

    landing = landing_of(good_copy)
    extract = good_copy.parent.parent / "y30r21_udtraek.csv"
    extract.write_bytes((REPO / "tests/fixtures/extracts/y30r21_udtraek.csv").read_bytes())
    outcome = ingest_file(extract, landing, Validator(ReferenceData()))
    assert outcome.status == "landed"

    assert new_jobindsats_tables(JobindsatsSnapshotClient(), landing) == []


@pytest.mark.skipif("y60j01" not in table_specs(), reason="no monthly table y60j01 in the config")
def test_the_nightly_plan_loads_a_revised_monthly_table(good_copy, sample_copy, run_assets, asset_graph):
    def revise(body: dict) -> None:
        for row in body["rows"]:
            if row[0] == "2026M05" and row[1] == "Herning":
                row[2] += 7

    sample = sample_copy({Y60J01: revise})
    client = JobindsatsSnapshotClient(sample_dir=str(sample))
    landing = landing_of(good_copy)
    new = new_jobindsats_tables(client, landing)
    assert [release.key for release in new] == [LANDING_Y60J01]
    keys, tags = release_plan(new, asset_graph)

    result = run_assets(good_copy, keys, tags=tags, sample_dir=sample)

    assert result.success
    assert new_jobindsats_tables(client, landing) == []
    assert len(bodies(good_copy, "jobindsats", "y60j01")) == 2


# --- (d) `jobindblik run --only-new` --------------------------------------------------------------------


def cli_run(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    """`jobindblik run ARGS` as a fresh process on `warehouse`, offline, with no token and no Dagster instance."""
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "JOBINDBLIK_SOURCE", "JOBINDSATS_TOKEN"}}
    env.update(JOBINDBLIK_WAREHOUSE=str(warehouse), PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "pipelines.cli", "run", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_cli_run_only_new_after_a_full_run_says_nothing_new(good_copy):
    landing_before = sorted(str(p.relative_to(good_copy.parent)) for p in (good_copy.parent / "landing").rglob("*"))

    done = cli_run(good_copy, "--only-new")

    assert done.returncode == 0, done.stderr
    assert "jobindblik run (sample, only new): nothing new, checked in" in done.stdout
    landing_after = sorted(str(p.relative_to(good_copy.parent)) for p in (good_copy.parent / "landing").rglob("*"))
    assert landing_after == landing_before


def test_a_months_backfill_touches_only_the_monthly_tables_and_leaves_every_figure_as_a_full_run_made_it(
    good_copy, tmp_path
):
    """`run --months` rebuilds the monthly tables and what depends on them over two months; with the same
    data every mart row equals the full run's, mart.udvikling included, and the quarterly tables are not run.
    Its serving copy, started from the full run's, holds what publishing the warehouse anew gives."""
    tables = ["mart.ledighed", "mart.fuldtidspersoner", "mart.udvikling", "mart.noegletal", "mart.varigheder"]
    before = {t: in_order(good_copy, t) for t in tables}

    done = cli_run(good_copy, "--months", "2026M05", "2026M06")

    assert done.returncode == 0, done.stderr
    assert "mart__ledighed done" in done.stderr and "mart__udvikling done" in done.stderr
    assert "mart__varigheder" not in done.stderr and "staging__jobindsats_y30r21" not in done.stderr
    for table in tables:
        after = in_order(good_copy, table)
        assert len(after) == len(before[table]), table
        assert_same_frame(after, before[table], check_exact=False, obj=table)
    assert_served_as_published_anew(good_copy, tmp_path)


def assert_served_as_published_anew(warehouse: Path, folder: Path, config: Config | None = None) -> None:
    """The serving copy beside `warehouse` holds what publishing the warehouse anew (into `folder`) gives."""
    anew = folder / "anew" / "serving.duckdb"
    anew.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as conn:
        published = publish(conn, anew, diskretionering=config or load_config(), model_for=model_for)
    assert_same_rows(warehouse.with_name("serving.duckdb"), anew, list(published))


def in_order(database, table):
    """A table's rows sorted by all their values (DuckDB sorts), so two builds of it compare row by row."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(f"select columns(lambda c: c <> 'aendret_tid') from {table} order by all nulls first").df()


def test_tables_an_earlier_run_wrote_but_never_published_are_served_by_the_next_run_over_other_months(
    good_copy, run_assets, tmp_path
):
    """A run that rewrites mart.benchmark and mart.udvikling and stops before publish (a check failing further
    down, a run cancelled in the UI) leaves the serving copy behind the warehouse. The next run over other
    tables and months starts from that copy: it must serve those two tables anew, not keep the stale ones."""
    herning = (
        "select faktisk_antal from mart.benchmark where periode = '2020QMAT02' and omraade_navn = 'Herning' "
        "and ydelsesgruppe_kode = 'i_alt'"
    )
    served = good_copy.with_name("serving.duckdb")
    with duckdb.connect(str(good_copy)) as conn:
        conn.execute(
            "update staging.jobindsats_y30r21 set forventet_antal = forventet_antal + 10, "
            "faktisk_antal = faktisk_antal + 10 where periode = '2020QMAT02' and omraade_navn = 'Herning' "
            "and ydelsesgruppe = 'Ydelsesgrupper i alt'"
        )
    stopped = run_assets(good_copy, [dg.AssetKey(["mart", "benchmark"]), dg.AssetKey(["mart", "udvikling"])])
    assert stopped.success
    with duckdb.connect(str(good_copy), read_only=True) as conn:
        assert conn.execute(herning).fetchone() == (4870,)
    with duckdb.connect(str(served), read_only=True) as conn:
        assert conn.execute(herning).fetchone() == (4860,)  # behind: nothing published it

    later = run_assets(good_copy, MONTHLY_AND_PUBLISH, tags=months_tags("2026M05", "2026M06"))

    assert later.success
    with duckdb.connect(str(served), read_only=True) as conn:
        assert conn.execute(herning).fetchone() == (4870,)
    assert_served_as_published_anew(good_copy, tmp_path)
    with duckdb.connect(str(good_copy), read_only=True) as conn:  # published: the next scoped run may keep them
        assert conn.execute("select count(*) from drift.upublicerede_tabeller").fetchone() == (0,)


def test_after_a_change_of_diskretionering_a_run_over_some_months_suppresses_every_table_anew(
    good_copy, run_assets, tmp_path, monkeypatch
):
    """A serving copy suppressed under threshold 3 is not started from once the threshold is 5: the tables the
    run did not write would keep counts of 3 and 4 that the new rule hides."""
    stricter = replace(load_config(), taerskel=5)
    monkeypatch.setattr("assets.publish.load_config", lambda: stricter)

    done = run_assets(good_copy, MONTHLY_AND_PUBLISH, tags=months_tags("2026M05", "2026M06"))

    assert done.success
    assert_served_as_published_anew(good_copy, tmp_path, stricter)
    three_or_four = "select count(*) from mart.vandringer_maalgruppe where antal between 3 and 4"  # a table not run
    with duckdb.connect(str(good_copy), read_only=True) as conn:
        assert conn.execute(three_or_four).fetchone()[0] > 0
    with duckdb.connect(str(good_copy.with_name("serving.duckdb")), read_only=True) as conn:
        assert conn.execute(three_or_four).fetchone() == (0,)
