"""Diskretionering: small counts suppressed in serving.duckdb only, with the complementary rule."""

from __future__ import annotations

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandas.testing import assert_frame_equal
from pandera.typing.pandas import Series

from schemas.sammenligning import Udvikling
from tests.conftest import read_table
from warehouse.diskretionering import Config, copy_suppressed, load_config

ANTAL = {"enhed": "antal"}


class Celler(pa.DataFrameModel):
    """A table nobody has configured: its counts are known from the model alone."""

    periode: Series[str]
    omraade_kode: Series[str]
    gruppe: Series[str]
    antal: Series[pd.Int64Dtype] = pa.Field(nullable=True, metadata=ANTAL)
    opfyldt: Series[pd.Int64Dtype] = pa.Field(nullable=True, metadata=ANTAL)
    andel_pct: Series[float] = pa.Field(nullable=True, metadata={"enhed": "pct"})

    class Config:
        unique = ["periode", "omraade_kode", "gruppe"]


def run(rows: list[tuple], config: Config, model=Celler, table: str = "mart.celler") -> pd.DataFrame:
    conn = duckdb.connect()
    conn.execute("create schema mart")
    conn.execute(
        "create table mart.celler (periode varchar, omraade_kode varchar, gruppe varchar, antal bigint, "
        "opfyldt bigint, andel_pct double)"
    )
    conn.executemany("insert into mart.celler values (?, ?, ?, ?, ?, ?)", rows)
    rule = config.rule_for(table, model)
    assert rule is not None
    copy_suppressed(conn, "mart.celler", "copy", rule, config)
    out = conn.execute("select * from copy").df()
    # the source table is untouched
    assert conn.execute("select count(*) from mart.celler where antal is not null").fetchone()[0] == sum(
        r[3] is not None for r in rows
    )
    return out.set_index("gruppe")


def config(**tabeller) -> Config:
    return Config(taerskel=3, nul_undertrykkes=False, undtaget=("mart.benchmark", "mart.dim_*"), tabeller=tabeller)


def test_counts_one_and_two_are_null_and_flagged_zero_and_three_are_not():
    counts = [("nul", 0), ("en", 1), ("to", 2), ("tre", 3), ("x", None)]
    rows = [("2026M07", "657", g, n, None, None) for g, n in counts]
    out = run(rows, config())
    assert out.loc["nul", "antal"] == 0 and not out.loc["nul", "diskretioneret"]
    assert pd.isna(out.loc["en", "antal"]) and out.loc["en", "diskretioneret"]
    assert pd.isna(out.loc["to", "antal"]) and out.loc["to", "diskretionerede_kolonner"] == "antal"
    assert out.loc["tre", "antal"] == 3 and not out.loc["tre", "diskretioneret"]
    assert pd.isna(out.loc["x", "antal"]) and not out.loc["x", "diskretioneret"]  # a source null is not ours
    assert str(out["antal"].dtype) == "Int64"  # the type is kept: null, never 0


def test_threshold_and_zero_are_configuration():
    rows = [("2026M07", "657", g, n, None, None) for g, n in [("nul", 0), ("fire", 4), ("fem", 5)]]
    out = run(rows, Config(taerskel=5, nul_undertrykkes=True, tabeller={}))
    assert out["antal"].isna().tolist() == [True, True, False]


def test_complementary_columns_of_a_row_are_suppressed_together():
    rows = [
        ("2026M07", "657", "naer", 40, 38, 95.0),  # 40 - 38 = 2: both
        ("2026M07", "657", "lige", 40, 40, 100.0),  # difference 0: neither
        ("2026M07", "657", "fjern", 40, 37, 92.5),  # difference 3: neither
    ]
    pair = {"kolonnepar": [["antal", "opfyldt"]], "afledte": {"andel_pct": "opfyldt"}}
    out = run(rows, config(**{"mart.celler": pair}))
    assert out.loc["naer", ["antal", "opfyldt", "andel_pct"]].isna().all()
    assert out.loc["naer", "diskretionerede_kolonner"] == "andel_pct,antal,opfyldt"
    assert out.loc["lige", "antal"] == 40 and out.loc["fjern", "opfyldt"] == 37
    assert not out.loc[["lige", "fjern"], "diskretioneret"].any()


def test_complementary_part_and_total_rows():
    total = {
        "total": [{"kolonne": "antal", "dimension": "gruppe", "vaerdi": "I alt"}],
        "afledte": {"andel_pct": "antal"},
    }
    rows = [
        ("2026M07", "657", "I alt", 50, None, 100.0),
        ("2026M07", "657", "job", 49, None, 98.0),  # 50 - 49 = 1: the part and the total
        ("2026M07", "657", "andet", 10, None, 20.0),
        ("2026M07", "101", "I alt", 50, None, 100.0),  # another area: its own total
        ("2026M07", "101", "job", 40, None, 80.0),
    ]
    out = run(rows, config(**{"mart.celler": total})).reset_index()
    herning = out[out["omraade_kode"] == "657"].set_index("gruppe")
    assert herning.loc[["I alt", "job"], "antal"].isna().all()
    assert herning.loc[["I alt", "job"], "andel_pct"].isna().all()
    assert herning.loc["andet", "antal"] == 10
    assert out[out["omraade_kode"] == "101"]["antal"].tolist() == [50, 40]


def test_hvor_limits_suppression_to_the_rows_that_are_counts():
    rows = [("2026M07", "657", "antal", 2, None, None), ("2026M07", "657", "pct", 2, None, None)]
    out = run(rows, config(**{"mart.celler": {"antal": ["antal"], "hvor": "gruppe = 'antal'"}}))
    assert pd.isna(out.loc["antal", "antal"]) and out.loc["pct", "antal"] == 2


def test_exempt_tables_and_tables_without_counts_have_no_rule():
    cfg = load_config()
    assert cfg.taerskel == 3 and cfg.nul_undertrykkes is False
    from schemas.benchmark import Benchmark
    from schemas.dimensions import DimOmraade

    assert cfg.rule_for("mart.benchmark", Benchmark) is None
    assert cfg.rule_for("mart.dim_omraade", DimOmraade) is None
    assert cfg.rule_for("mart.ny_tabel", Celler).antal == ("antal", "opfyldt")  # any table, from its model


@pytest.fixture(scope="module")
def served(good_run):
    warehouse = good_run[0]
    return warehouse, warehouse.with_name("serving.duckdb")


def test_serving_is_suppressed_while_the_warehouse_keeps_the_numbers(served):
    warehouse, serving = served
    order = "periode, omraade_kode, ydelsesgruppe_kode, kilde"
    kept = read_table(warehouse, "mart.ledighed", order)
    shown = read_table(serving, "mart.ledighed", order)
    assert "diskretioneret" not in kept.columns
    flagged = shown["diskretioneret"]
    assert flagged.any()
    # jobindsats suppresses its own small cells, so in the real sample it is the complementary rule that bites
    assert not shown["bruttoledige"].between(1, 2).any() and not shown["langtidsledige"].between(1, 2).any()
    # complementary: a group 1 or 2 below its 'i alt' takes the 'i alt' with it
    key = ["periode", "omraade_kode", "kilde"]
    total = kept[kept["ydelsesgruppe_kode"] == "led_i_alt"].set_index(key)["bruttoledige"]
    gap = total.reindex(pd.MultiIndex.from_frame(kept[key])).to_numpy() - kept["bruttoledige"]
    near = (kept["ydelsesgruppe_kode"] != "led_i_alt") & gap.between(1, 2)
    assert near.any() and shown.loc[near, "bruttoledige"].isna().all() and flagged[near].all()
    assert kept.loc[near, "bruttoledige"].notna().all()  # the working warehouse keeps the numbers
    # ledighedsprocent would give bruttoledige away, so it goes with it
    with_brutto = shown["diskretionerede_kolonner"].str.contains("bruttoledige", na=False)
    assert shown.loc[with_brutto, "ledighedsprocent"].isna().all()
    # nothing else changed
    untouched = ~flagged
    assert_frame_equal(
        shown.loc[untouched, kept.columns].reset_index(drop=True), kept.loc[untouched].reset_index(drop=True)
    )
    # a zero is shown as zero
    assert (shown["bruttoledige"] == 0).sum() == (kept["bruttoledige"] == 0).sum()


def test_benchmark_and_dimensions_are_never_suppressed(served):
    warehouse, serving = served
    for table, order in [
        ("mart.benchmark", "periode, omraade_kode, ydelsesgruppe_kode"),
        ("mart.dim_omraade", "omraade_kode"),
    ]:
        assert_frame_equal(read_table(serving, table, order), read_table(warehouse, table, order))


def test_the_shipped_rule_for_developments():
    """mart.udvikling is suppressed as its facts are: small counts, a part near its total, the shares
    and differences that would give either away; the benchmark's developments are never suppressed."""
    conn = duckdb.connect()
    conn.execute("create schema mart")
    conn.execute(
        """create table mart.udvikling as select 'kilde' as kilde, '3m' as horisont, '2026M06' as periode, *
        from (values
            ('mart.benchmark', '657', 'i_alt', null, 'forskel_antal', 'antal', 2.0, 5.0, -3.0, null),
            ('mart.ledighed', '657', 'led_i_alt', null, 'bruttoledige', 'antal', 2.0, 5.0, -3.0, -60.0),
            ('mart.ledighed', '657', 'led_i_alt', null, 'ledighedsprocent', 'pct', 0.1, 0.2, -0.1, null),
            ('mart.ledighed', '101', 'led_i_alt', null, 'bruttoledige', 'antal', 10.0, 2.0, 8.0, 400.0),
            ('mart.ledighed', '101', 'led_i_alt', null, 'ledighedsprocent', 'pct', 0.5, 0.1, 0.4, null),
            ('mart.ledighed', '147', 'led_i_alt', null, 'bruttoledige', 'antal', 41.0, 30.0, 11.0, 36.7),
            ('mart.ledighed', '147', 'led_a_dagpenge', null, 'bruttoledige', 'antal', 40.0, 20.0, 20.0, 100.0),
            ('mart.vandringer', '657', 'ptv_a_dagpenge', 'I alt', '1m_efter:antal', 'antal', 41.0, 41.0, 0.0, 0.0),
            ('mart.vandringer', '657', 'ptv_a_dagpenge', 'Uddannelse',
                '1m_efter:antal', 'antal', 40.0, 30.0, 10.0, 33.3),
            ('mart.vandringer', '657', 'ptv_a_dagpenge', 'Uddannelse',
                '1m_efter:andel_pct', 'pct', 97.6, 73.2, 24.4, null)
        ) as t(tabel, omraade_kode, ydelsesgruppe_kode, opdeling, maal, enhed, vaerdi, tidligere_vaerdi, forskel,
               forskel_pct)"""
    )
    cfg = load_config()
    copy_suppressed(conn, "mart.udvikling", "copy", cfg.rule_for("mart.udvikling", Udvikling), cfg)

    out = conn.execute("select * from copy").df().set_index(["omraade_kode", "ydelsesgruppe_kode", "opdeling", "maal"])
    bench = out.loc[("657", "i_alt", None, "forskel_antal")]
    assert bench["vaerdi"] == 2 and not bench["diskretioneret"]
    small = out.loc[("657", "led_i_alt", None, "bruttoledige")]
    assert pd.isna(small["vaerdi"]) and pd.isna(small["forskel"]) and small["tidligere_vaerdi"] == 5
    # the share goes with its count: its vaerdi and forskel, not its earlier value
    share = out.loc[("657", "led_i_alt", None, "ledighedsprocent")]
    assert pd.isna(share["vaerdi"]) and pd.isna(share["forskel"]) and share["tidligere_vaerdi"] == 0.2
    for maal in ("bruttoledige", "ledighedsprocent"):  # an earlier value of 2: forskel would give it away
        earlier_small = out.loc[("101", "led_i_alt", None, maal)]
        assert earlier_small[["tidligere_vaerdi", "forskel"]].isna().all() and earlier_small["vaerdi"] > 0
    # led_a_dagpenge is 1 below led_i_alt: both values go, their earlier values (10 apart) stay
    for gruppe in ("led_i_alt", "led_a_dagpenge"):
        row = out.loc[("147", gruppe, None, "bruttoledige")]
        assert pd.isna(row["vaerdi"]) and pd.isna(row["forskel"]) and row["tidligere_vaerdi"] in (30, 20)
        assert row["diskretionerede_kolonner"] == "forskel,forskel_pct,vaerdi"
    # a status 1 below its row's I alt goes with it, and so does its share
    for opdeling, maal in [
        ("I alt", "1m_efter:antal"),
        ("Uddannelse", "1m_efter:antal"),
        ("Uddannelse", "1m_efter:andel_pct"),
    ]:
        row = out.loc[("657", "ptv_a_dagpenge", opdeling, maal)]
        assert pd.isna(row["vaerdi"]) and pd.isna(row["forskel"]) and row["tidligere_vaerdi"] > 0
