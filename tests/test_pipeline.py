"""The whole graph on the bundled (real) y30r21 sample: landing -> staging -> core -> benchmark -> publish."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import assert_same_frame, read_table, run_job, table_names
from pandas.testing import assert_frame_equal

from pipelines.definitions import make_definitions
from pipelines.resources.landing import LandingStore
from schemas.types import to_schema
from warehouse.marts import model_for

BENCHMARK_ORDER = "periode, ydelsesgruppe_kode, omraade_kode"
STAGING_ORDER = "periode, omraade_kode, ydelsesgruppe"

# Herning's "Ydelsesgrupper i alt" as published: forventet, faktisk, forskel pct. point, placering.
HERNING_I_ALT = {
    "2020QMAT04": (5400, 5200, -0.34, 15),
    "2021QMAT02": (5420, 5220, -0.35, 14),
    "2021QMAT04": (4930, 4800, -0.23, 22),
    "2022QMAT02": (4660, 4480, -0.32, 14),
    "2022QMAT04": (4520, 4350, -0.30, 15),
}


@pytest.fixture(scope="module")
def benchmark(good_run) -> pd.DataFrame:
    return read_table(good_run[0], "mart.benchmark", BENCHMARK_ORDER)


def _row(frame: pd.DataFrame, periode: str, omraade_navn: str, ydelsesgruppe_kode: str = "i_alt") -> pd.Series:
    rows = frame[
        (frame["periode"] == periode)
        & (frame["omraade_navn"] == omraade_navn)
        & (frame["ydelsesgruppe_kode"] == ydelsesgruppe_kode)
    ]
    assert len(rows) == 1, (periode, omraade_navn, ydelsesgruppe_kode)
    return rows.iloc[0]


def test_run_succeeds_and_every_check_passes(good_run):
    _, result = good_run
    assert result.success
    evaluations = {e.asset_check_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    graph = make_definitions(good_run[0]).resolve_asset_graph()
    assert set(evaluations) == {key.to_user_string() for key in graph.asset_check_keys}
    assert all(evaluations.values()), [key for key, passed in evaluations.items() if not passed]
    for key in (
        "mart/dim_omraade:pandera_schema",
        "staging/jobindsats_y30r21:pandera_schema",
        "mart/fuldtidspersoner:pandera_schema",
        "mart/ledighed:pandera_schema",
        "mart/varigheder:pandera_schema",
        "mart/vandringer:pandera_schema",
        "mart/aktivering:pandera_schema",
        "mart/benchmark:pandera_schema",
        "mart/benchmark:benchmark_matches_published",
    ):
        assert key in evaluations


def test_benchmark_has_every_sample_row(benchmark, good_run):
    assert len(benchmark) == 2352
    # 6 QMAT periods x 98 kommuner x 4 ydelsesgrupper, each kommune once per period and group.
    assert benchmark.groupby(["periode", "ydelsesgruppe_kode"]).size().eq(98).all()
    assert sorted(benchmark["periode"].unique()) == [
        "2020QMAT02",
        "2020QMAT04",
        "2021QMAT02",
        "2021QMAT04",
        "2022QMAT02",
        "2022QMAT04",
    ]
    assert len(read_table(good_run[0], "staging.jobindsats_y30r21")) == 2352


def test_published_rank_lies_in_band(benchmark):
    assert benchmark["placering_publiceret"].notna().all()
    assert (benchmark["placering_min"] <= benchmark["placering_publiceret"]).all()
    assert (benchmark["placering_publiceret"] <= benchmark["placering_max"]).all()
    assert (benchmark["placering"] == benchmark["placering_publiceret"]).all()


def test_untied_rows_match_published_rank_exactly(benchmark):
    untied = benchmark[benchmark["placering_min"] == benchmark["placering_max"]]
    assert len(untied) == 894
    assert (untied["placering_min"] == untied["placering_publiceret"]).all()


def test_herning_2020qmat02_i_alt(benchmark):
    row = _row(benchmark, "2020QMAT02", "Herning")
    assert row["omraade_kode"] == "657"
    assert row["ydelsesgruppe"] == "Ydelsesgrupper i alt"
    assert row["forventet_antal"] == 4980
    assert row["faktisk_antal"] == 4860
    assert row["forskel_antal"] == -120
    assert row["forventet_andel"] == pytest.approx(8.74)
    assert row["faktisk_andel"] == pytest.approx(8.53)
    assert row["forskel_pct_point"] == pytest.approx(-0.21)
    assert row["placering"] == 23
    assert row["placering_publiceret"] == 23
    assert (row["placering_min"], row["placering_max"]) == (22, 23)
    assert row["antal_kommuner"] == 98
    assert bool(row["resultatmaal_opfyldt"]) is True


def test_gentofte_and_herning_tie_in_2020qmat02(benchmark):
    gentofte = _row(benchmark, "2020QMAT02", "Gentofte")
    herning = _row(benchmark, "2020QMAT02", "Herning")
    assert gentofte["forskel_pct_point"] == pytest.approx(herning["forskel_pct_point"])
    for row in (gentofte, herning):
        assert (row["placering_min"], row["placering_max"]) == (22, 23)
    assert {gentofte["placering"], herning["placering"]} == {22, 23}
    band = benchmark[
        (benchmark["periode"] == "2020QMAT02")
        & (benchmark["ydelsesgruppe_kode"] == "i_alt")
        & (benchmark["placering_min"] == 22)
    ]
    assert sorted(band["omraade_navn"]) == ["Gentofte", "Herning"]


def test_first_and_last_in_2020qmat02(benchmark):
    gladsaxe = _row(benchmark, "2020QMAT02", "Gladsaxe")
    laesoe = _row(benchmark, "2020QMAT02", "Læsø")
    assert (gladsaxe["placering"], gladsaxe["placering_min"], gladsaxe["placering_max"]) == (1, 1, 1)
    assert (laesoe["placering"], laesoe["placering_min"], laesoe["placering_max"]) == (98, 98, 98)
    assert bool(gladsaxe["resultatmaal_opfyldt"]) is True
    assert bool(laesoe["resultatmaal_opfyldt"]) is False


@pytest.mark.parametrize("periode", sorted(HERNING_I_ALT))
def test_herning_i_alt_other_periods(benchmark, periode):
    forventet, faktisk, pct_point, placering = HERNING_I_ALT[periode]
    row = _row(benchmark, periode, "Herning")
    assert row["forventet_antal"] == forventet
    assert row["faktisk_antal"] == faktisk
    assert row["forskel_antal"] == faktisk - forventet
    assert row["forskel_pct_point"] == pytest.approx(pct_point)
    assert row["placering"] == placering
    assert row["placering_publiceret"] == placering
    assert row["placering_min"] <= placering <= row["placering_max"]
    assert bool(row["resultatmaal_opfyldt"]) is True


def test_provenance_on_every_row(benchmark, good_run):
    staging = read_table(good_run[0], "staging.jobindsats_y30r21")
    for frame in (benchmark, staging):
        assert set(frame["kilde"]) == {"jobindsats:y30r21"}
        assert set(frame["datagrundlag"]) == {"sample-real"}
    assert staging["content_hash"].nunique() == 1


def test_serving_copy_holds_the_mart(good_run):
    warehouse = good_run[0]
    serving = warehouse.with_name("serving.duckdb")
    assert serving.is_file()
    tables = table_names(warehouse, "mart")
    assert tables == [
        "mart.aktivering",
        "mart.benchmark",
        "mart.benchmark_placering",
        "mart.benchmark_sammenligning",
        "mart.data_dictionary",
        "mart.dim_omraade",
        "mart.dim_periode",
        "mart.dim_varighedsinterval",
        "mart.dim_ydelsesgruppe",
        "mart.fuldtidspersoner",
        "mart.ledighed",
        "mart.noegletal",
        "mart.omraade_medlemskab",
        "mart.tilsyn_fokusmaal",
        "mart.tilsyn_status",
        "mart.udvikling",
        "mart.vandringer",
        "mart.vandringer_efter_forloeb",
        "mart.vandringer_maalgruppe",
        "mart.varigheder",
    ]
    assert table_names(serving, "mart") == tables
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        schemas = {
            (schema, kind)
            for schema, kind in conn.execute(
                "select distinct table_schema, table_type from information_schema.tables"
            ).fetchall()
        }
    finally:
        conn.close()
    # staging and raw stay in the working warehouse; `bi` holds views over the mart tables only
    assert schemas == {("mart", "BASE TABLE"), ("bi", "VIEW")}
    for table in tables:
        # By the model's key: a count emptied in the copy must not move its row (mart.ledighed has one
        # row per kilde for the same area and month, told apart only after the counts in column order).
        model = model_for(table)
        order = ", ".join((to_schema(model).unique or []) if model else []) or "all"
        shown, kept = read_table(serving, table, order), read_table(warehouse, table, order)
        suppressible = "diskretioneret" in shown.columns  # suppressed rows: tests/test_diskretionering.py
        if suppressible:  # a suppressible column may hold NULLs in the copy, so it reads as nullable
            shown, kept = shown[~shown["diskretioneret"]][kept.columns], kept[~shown["diskretioneret"]]
        assert_same_frame(shown.reset_index(drop=True), kept.reset_index(drop=True), check_dtype=not suppressible)
    assert len(read_table(serving, "mart.benchmark")) == 2352
    assert len(read_table(serving, "mart.dim_omraade")) == 128


def test_second_run_is_idempotent(good_run, good_copy):
    before_benchmark = read_table(good_run[0], "mart.benchmark", BENCHMARK_ORDER)
    before_staging = read_table(good_run[0], "staging.jobindsats_y30r21", STAGING_ORDER)

    result = run_job(good_copy)

    assert result.success
    assert_frame_equal(read_table(good_copy, "mart.benchmark", BENCHMARK_ORDER), before_benchmark)
    assert_frame_equal(read_table(good_copy, "staging.jobindsats_y30r21", STAGING_ORDER), before_staging)
    assert_frame_equal(
        read_table(good_copy.with_name("serving.duckdb"), "mart.benchmark", BENCHMARK_ORDER), before_benchmark
    )
    folder = good_copy.parent / "landing" / "jobindsats" / "y30r21"
    bodies = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".meta.json"))
    metas = sorted(p.name for p in folder.iterdir() if p.name.endswith(".meta.json"))
    assert len(bodies) == 1 and bodies[0].endswith(".json")
    assert metas == [bodies[0].removesuffix(".json") + ".meta.json"]
    assert not (good_copy.parent / "quarantine").exists()


def test_newest_landed_body_wins_within_one_second(tmp_path):
    """Staging reads the body landed last, even when two land in the same second (regression)."""
    store = LandingStore(tmp_path / "landing", tmp_path / "quarantine")
    for i in range(20):
        store.land("jobindsats", "y30r21", f"old {i}".encode(), ".json", request="r")
        store.land("jobindsats", "y30r21", f"new {i}".encode(), ".json", request="r")
        assert store.newest("jobindsats", "y30r21").read_bytes() == f"new {i}".encode()
    # A body seen again becomes the newest again.
    store.land("jobindsats", "y30r21", b"old 3", ".json", request="r")
    assert store.newest("jobindsats", "y30r21").read_bytes() == b"old 3"
    assert len(store.all("jobindsats", "y30r21")) == 40
