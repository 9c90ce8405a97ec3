"""DST bruttoledige (AUF01, AUF02) in mart.ledighed and mart.udvikling beside jobindsats', and the aggregate rule.

The expected figures are recomputed here from the inputs: the bundled synthetic AUF01 body, the
staged jobindsats rows, or an extract written by the test.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import SAMPLE_DIR, copy_warehouse, read_table
from test_facts import read_table_kommuner
from test_ingest import cli_ingest, write

from warehouse.aggregate import weakest_datagrundlag, weakest_datagrundlag_of_members, with_aggregates

AUF01 = "statbank:AUF01"
AUF01_SAMPLE = SAMPLE_DIR / "statbank" / "auf01_bulk.csv"
LEVELS = {"land": 1, "region": 5, "landsdel": 11, "rar": 8, "kommunegruppe": 5}


def auf01_sample() -> pd.DataFrame:
    frame = pd.read_csv(AUF01_SAMPLE, sep=";", dtype=str)
    return frame.assign(INDHOLD=frame["INDHOLD"].astype(int))


def kommune_values(frame: pd.DataFrame, tid: str, kommuner: set[str]) -> pd.Series:
    rows = frame[(frame["TID"] == tid) & frame["OMRÅDE"].isin(kommuner)]
    assert len(rows) == len(kommuner)
    return rows.set_index("OMRÅDE")["INDHOLD"]


def smallest_rar() -> tuple[str, set[str]]:
    kommuner = read_table_kommuner()
    sizes = kommuner.groupby("rar")["omraade_kode"].apply(set)
    rar = min(sizes.index, key=lambda code: (len(sizes[code]), code))
    return rar, sizes[rar]


def one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, (where, len(rows))
    return rows.iloc[0]


@pytest.fixture(scope="module")
def marts(good_run) -> dict[str, pd.DataFrame]:
    warehouse = good_run[0]
    return {name: read_table(warehouse, f"mart.{name}") for name in ("ledighed", "udvikling", "noegletal")}


# --- the sample ------------------------------------------------------------------------------------


def test_auf01_gives_ledighed_rows_of_its_own_kilde_for_kommuner_and_every_level(marts):
    sample = auf01_sample()
    dst = marts["ledighed"][marts["ledighed"]["kilde"] == AUF01]
    month = dst[dst["periode"] == "2024M01"]
    dim = read_table_kommuner()
    kommuner = set(dim["omraade_kode"])
    values = kommune_values(sample, "2024M01", kommuner)

    # 98 kommuner + hele landet + 5 regions + 11 landsdele + 8 RAR + 5 kommunegrupper, all led_i_alt
    assert len(month) == 98 + sum(LEVELS.values())
    assert set(month["ydelsesgruppe_kode"]) == {"led_i_alt"}
    assert set(month["datagrundlag"]) == {"sample-synthetic"}
    assert month["ledighedsprocent"].isna().all() and month["langtidsledige"].isna().all()
    assert one(month, omraade_kode="101").bruttoledige == values["101"]

    land = one(month, omraade_kode="000")  # AUF01's own hele landet, with the kommuner's sum beside it
    published = sample[(sample["TID"] == "2024M01") & (sample["OMRÅDE"] == "000")]["INDHOLD"].item()
    assert (land.aggregering, land.bruttoledige, land.kommunesum) == ("kilde", published, values.sum())
    assert (land.antal_kommuner, land.antal_kommuner_med_vaerdi) == (98, 98)

    for column in ("region_kode", "landsdel_kode", "rar", "kommunegruppe"):
        for code, members in dim.groupby(column)["omraade_kode"]:
            row = one(month, omraade_kode=code)
            assert row.aggregering == "kommunesum"
            assert row.bruttoledige == values[list(members)].sum()
            assert (row.antal_kommuner, row.antal_kommuner_med_vaerdi) == (len(members), len(members))


def test_auf01_12_month_development_of_a_rar_recomputed_from_the_sample(marts):
    sample = auf01_sample()
    rar, members = smallest_rar()
    now = kommune_values(sample, "2024M01", members).sum()
    then = kommune_values(sample, "2023M01", members).sum()
    udvikling = marts["udvikling"]
    row = one(
        udvikling,
        tabel="mart.ledighed",
        kilde=AUF01,
        omraade_kode=rar,
        maal="bruttoledige",
        periode="2024M01",
        horisont="12m",
    )
    assert (row.vaerdi, row.tidligere_periode, row.tidligere_vaerdi, row.forskel) == (now, "2023M01", then, now - then)
    assert round(row.forskel_pct, 1) == round(100 * (now - then) / then, 1)
    assert row.datagrundlag == "sample-synthetic"
    three = one(
        udvikling,
        tabel="mart.ledighed",
        kilde=AUF01,
        omraade_kode=rar,
        maal="bruttoledige",
        periode="2024M01",
        horisont="3m",
    )
    assert three.tidligere_vaerdi == kommune_values(sample, "2023M10", members).sum()


def test_jobindsats_and_dst_bruttoledige_are_kept_apart(marts, good_run):
    ledighed = marts["ledighed"]
    both = ledighed[(ledighed["periode"] == "2024M01") & (ledighed["omraade_kode"] == "000")]
    both = both[both["ydelsesgruppe_kode"] == "led_i_alt"]
    assert set(both["kilde"]) == {"jobindsats:y25i01", AUF01, "statbank:AUF02"}
    jobindsats = one(both, kilde="jobindsats:y25i01")
    staged = read_table(good_run[0], "staging.jobindsats_y25i01")
    source = staged[
        (staged["periode"] == "2024M01")
        & (staged["omraade_kode"] == "000")
        & (staged["ydelsesgruppe"] == "Ydelsesgrupper i alt")
        & (staged["akasse"] == "I alt")
    ]
    assert jobindsats.bruttoledige == source["antal_ledige_fuldtidspersoner"].item()
    # Each change compares a kilde with itself.
    udvikling = marts["udvikling"]
    dst_changes = udvikling[(udvikling["tabel"] == "mart.ledighed") & (udvikling["kilde"] == AUF01)]
    assert set(dst_changes["maal"]) == {"bruttoledige"}
    # The key-figure sheet reads jobindsats' bruttoledige only: one row per kommune and month, its value.
    noegletal = marts["noegletal"]
    sheet = one(noegletal, noegletal="bruttoledige", periode="2024M01", omraade_kode="101")
    kommune = one(
        ledighed, kilde="jobindsats:y25i01", periode="2024M01", omraade_kode="101", ydelsesgruppe_kode="led_i_alt"
    )
    assert (sheet.vaerdi, sheet.kilde) == (kommune.bruttoledige, "jobindsats:y25i01")


# --- the aggregate rule ----------------------------------------------------------------------------


def test_an_aggregate_with_one_member_empty_is_empty_and_says_so(marts):
    """Real y25i01: a small kommune's kontanthjælp count is discretionised; its region's is then empty."""
    ledighed = marts["ledighed"]
    dim = read_table_kommuner()
    jobindsats = ledighed[ledighed["kilde"] == "jobindsats:y25i01"]
    kommuner = jobindsats[jobindsats["omraade_kode"].isin(set(dim["omraade_kode"]))]
    empty = kommuner[kommuner["bruttoledige"].isna()].merge(dim[["omraade_kode", "region_kode"]], on="omraade_kode")
    per_region = empty.groupby(["periode", "ydelsesgruppe_kode", "region_kode"]).size()
    periode, gruppe, region = per_region[per_region == 1].index[0]
    members = set(dim.loc[dim["region_kode"] == region, "omraade_kode"])

    row = one(ledighed, kilde="jobindsats:y25i01", periode=periode, ydelsesgruppe_kode=gruppe, omraade_kode=region)
    assert pd.isna(row.bruttoledige) and pd.isna(row.kommunesum)
    assert (row.antal_kommuner, row.antal_kommuner_med_vaerdi) == (len(members), len(members) - 1)
    land = one(ledighed, kilde="jobindsats:y25i01", periode=periode, ydelsesgruppe_kode=gruppe, omraade_kode="000")
    assert land.aggregering == "kilde" and pd.notna(land.bruttoledige)  # the source's own figure is kept
    assert pd.isna(land.kommunesum) and pd.isna(land.forskel_kommunesum)
    empty_in_land = empty[(empty["periode"] == periode) & (empty["ydelsesgruppe_kode"] == gruppe)]
    assert land.antal_kommuner_med_vaerdi == 98 - len(empty_in_land)


@pytest.fixture
def areas() -> duckdb.DuckDBPyConnection:
    """Three kommuner in one region, R1."""
    conn = duckdb.connect()
    conn.execute("create schema mart")
    conn.execute(
        "create table mart.dim_omraade as select * from (values ('101', 'kommune'), ('102', 'kommune'), "
        "('103', 'kommune'), ('R1', 'region')) as t(omraade_kode, niveau)"
    )
    conn.execute(
        "create table mart.omraade_medlemskab as select * from (values ('R1', '101'), ('R1', '102'), ('R1', '103')) "
        "as t(omraade_kode, kommune_kode)"
    )
    return conn


def test_an_aggregate_whose_member_row_is_missing_is_empty(areas):
    base = """select * from (values
        ('2024M01', '101', 10, 'k', 'live'), ('2024M01', '102', 20, 'k', 'live'), ('2024M01', '103', 30, 'k', 'live'),
        ('2024M02', '101', 11, 'k', 'live'), ('2024M02', '102', 21, 'k', 'sample-real')
    ) as t(periode, omraade_kode, antal, kilde, datagrundlag)"""
    query = with_aggregates(base, ["periode"], ["antal"])
    rows = areas.execute(f"select * from ({query}) where omraade_kode = 'R1' order by periode").df()
    assert rows["antal"].tolist()[0] == 60
    assert pd.isna(rows["antal"].tolist()[1])
    assert rows["antal_kommuner"].tolist() == [3, 3]
    assert rows["antal_kommuner_med_vaerdi"].tolist() == [3, 2]
    assert rows["datagrundlag"].tolist() == ["live", "sample-real"]


def test_datagrundlag_is_the_least_real_whatever_the_spelling_order():
    conn = duckdb.connect()
    members = weakest_datagrundlag_of_members("d")
    for labels, expected in [
        (["live", "sample-real"], "sample-real"),
        (["live", "extract"], "extract"),
        (["sample-real", "sample-synthetic", "extract"], "sample-synthetic"),
        (["live", "live"], "live"),
    ]:
        values = ", ".join(f"('{label}')" for label in labels)
        assert conn.execute(f"select {members} from (values {values}) as t(d)").fetchone()[0] == expected
    pair = weakest_datagrundlag("'live'", "'sample-real'")
    alone = weakest_datagrundlag("'live'", "null")  # no earlier row: the row's own
    assert conn.execute(f"select {pair}, {alone}").fetchone() == ("sample-real", "live")


# --- an extract, end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rar_extract(good_run, tmp_path_factory):
    """An AUF01 BULK extract (codes) of the smallest RAR's kommuner for January 2023 and 2024, ingested."""
    warehouse = copy_warehouse(good_run[0], tmp_path_factory.mktemp("auf01_rar") / "warehouse")
    rar, members = smallest_rar()
    lines = ["OMRÅDE;YDELSESTYPE;AKASSE;ALDER;KØN;TID;INDHOLD"]
    values = {}
    for i, kode in enumerate(sorted(members)):
        for tid, value in (("2023M01", 1000 + 7 * i), ("2024M01", 1100 + 3 * i)):
            lines.append(f"{kode};TOT;TOT;TOT;TOT;{tid};{value}")
            values[(kode, tid)] = value
    path = write(warehouse.parent.parent / "AUF01_rar.csv", "\n".join(lines) + "\n")
    return cli_ingest(warehouse, path), rar, members, values


def test_an_auf01_extract_of_a_rars_kommuner_gives_its_bruttoledige_and_12_month_development(rar_extract):
    run, rar, members, values = rar_extract
    assert run.code == 0, run.out + run.err
    now = sum(values[(k, "2024M01")] for k in members)
    then = sum(values[(k, "2023M01")] for k in members)

    ledighed = read_table(run.warehouse, "mart.ledighed")
    row = one(ledighed, kilde=AUF01, periode="2024M01", omraade_kode=rar)
    assert (row.bruttoledige, row.datagrundlag, row.antal_kommuner_med_vaerdi) == (now, "extract", len(members))
    kommune = min(members)
    own = one(ledighed, kilde=AUF01, periode="2024M01", omraade_kode=kommune)
    assert own.bruttoledige == values[(kommune, "2024M01")]
    # The other kommuner keep the sample's rows for those months.
    sample = auf01_sample()
    other = sorted(set(read_table_kommuner()["omraade_kode"]) - members)[0]
    kept = one(ledighed, kilde=AUF01, periode="2024M01", omraade_kode=other)
    published = kommune_values(sample, "2024M01", {other})[other]
    assert (kept.bruttoledige, kept.datagrundlag) == (published, "sample-synthetic")

    udvikling = read_table(run.warehouse, "mart.udvikling")
    change = one(
        udvikling,
        tabel="mart.ledighed",
        kilde=AUF01,
        omraade_kode=rar,
        maal="bruttoledige",
        periode="2024M01",
        horisont="12m",
    )
    assert (change.vaerdi, change.tidligere_vaerdi, change.forskel) == (now, then, now - then)
    assert round(change.forskel_pct, 1) == round(100 * (now - then) / then, 1)
    assert change.datagrundlag == "extract"
