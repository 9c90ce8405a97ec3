"""The three fact families built from the bundled sample: values, aggregate areas and their checks."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from conftest import read_table

from schemas.facts import Fuldtidspersoner, Ledighed, Vandringer, Varigheder


@pytest.fixture(scope="module")
def facts(good_run) -> dict[str, pd.DataFrame]:
    """The facts as jobindsats and DST publish them (the rows computed from person-level data, kilde `dream` and
    `fagsystem`, are tests/test_forloeb_pipeline.py's)."""
    warehouse = good_run[0]
    frames = {
        name: read_table(warehouse, f"mart.{name}")
        for name in ("fuldtidspersoner", "ledighed", "varigheder", "vandringer")
    }
    return {name: frame[frame["kilde"].str.contains(":")].reset_index(drop=True) for name, frame in frames.items()}


def one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_ledighed_keeps_the_source_total_and_records_the_kommune_sum(facts):
    # Real y25i01: hele landet 2026M06 is 89,907 ledige fuldtidspersoner; the 98 kommuner sum to 89,848
    # (the difference is "uoplyst område" and discretionised cells).
    row = one(facts["ledighed"], periode="2026M06", omraade_kode="000", ydelsesgruppe_kode="led_i_alt")
    assert (row.bruttoledige, row.kommunesum, row.forskel_kommunesum, row.aggregering) == (89907, 89848, 59, "kilde")
    assert row.datagrundlag == "sample-real"
    assert row.langtidsledige == 17551  # real y25i09 for the same month


def test_ledighed_builds_regions_from_their_kommuner(facts):
    ledighed = facts["ledighed"]
    kommuner = read_table_kommuner()
    month = ledighed[(ledighed["periode"] == "2026M06") & (ledighed["ydelsesgruppe_kode"] == "led_i_alt")]
    midtjylland = set(kommuner.loc[kommuner["region_kode"] == "082", "omraade_kode"])
    expected = month.loc[month["omraade_kode"].isin(midtjylland), "bruttoledige"].sum()
    row = one(month, omraade_kode="082")
    assert row.bruttoledige == expected
    assert row.aggregering == "kommunesum"
    assert pd.isna(row.ledighedsprocent)  # the arbejdsstyrke is not published with the counts
    for level_code in ("LD10", "RAR7", "KG3"):
        assert one(month, omraade_kode=level_code).aggregering == "kommunesum"


def read_table_kommuner() -> pd.DataFrame:
    from pipelines.resources.reference import ReferenceData
    from warehouse.dimensions import build_dim_omraade

    dim = build_dim_omraade(ReferenceData().table("kommuner"))
    return dim[dim["niveau"] == "kommune"]


def test_every_area_appears_for_every_month(facts):
    ledighed = facts["ledighed"]
    per_month = ledighed[ledighed["ydelsesgruppe_kode"] == "led_i_alt"].groupby("periode")["omraade_kode"].nunique()
    # 98 kommuner + hele landet + 5 regions + 11 landsdele + 8 RAR + 5 kommunegrupper
    assert per_month.eq(128).all()


def test_fuldtidspersoner_real_kontanthjaelp_and_synthetic_ptv(facts):
    frame = facts["fuldtidspersoner"]
    real = one(frame, periode="2021M08", omraade_kode="000", kilde="jobindsats:y60a02")
    assert (real.personer, real.fuldtidspersoner, real.andel_pct) == (97709, 95416, 2.5)
    assert real.datagrundlag == "sample-real"
    synthetic = frame[frame["kilde"] == "jobindsats:ptv_a02"]
    assert set(synthetic["datagrundlag"]) == {"sample-synthetic"}
    assert synthetic["periode"].min() == "2024M08"
    assert set(frame["andel_naevner"]) == {"befolkningen 16-66 år (kildens andel)"}


def test_varigheder_bounds_and_weighted_mean_duration(facts):
    frame = facts["varigheder"]
    over = one(
        frame,
        periode="2025Q01",
        omraade_kode="657",
        ydelsesgruppe="A-dagpenge",
        maal="afsluttede",
        varighedsinterval="over 52 uger",
    )
    assert (over.uger_fra, pd.isna(over.uger_til)) == (53, True)
    short = one(
        frame,
        periode="2025Q01",
        omraade_kode="657",
        ydelsesgruppe="A-dagpenge",
        maal="forloeb",
        varighedsinterval="0-13 uger",
    )
    assert (short.uger_fra, short.uger_til) == (0, 13)
    # A built region's mean duration is its kommuner's means weighted by their ended forløb.
    kommuner = read_table_kommuner()
    members = set(kommuner.loc[kommuner["region_kode"] == "082", "omraade_kode"])
    totals = frame[
        (frame["periode"] == "2025Q01")
        & (frame["ydelsesgruppe"] == "A-dagpenge")
        & (frame["maal"] == "afsluttede")
        & (frame["varighedsinterval"] == "I alt")
    ]
    member_rows = totals[totals["omraade_kode"].isin(members)].dropna(subset=["gnsn_varighed_uger", "antal_forloeb"])
    expected = (member_rows["gnsn_varighed_uger"] * member_rows["antal_forloeb"]).sum() / member_rows[
        "antal_forloeb"
    ].sum()
    assert one(totals, omraade_kode="082").gnsn_varighed_uger == pytest.approx(expected)


def test_vandringer_shares_of_built_areas_come_from_counts(facts):
    frame = facts["vandringer"]
    region = frame[(frame["periode"] == "2025Q01") & (frame["omraade_kode"] == "082") & (frame["maaneder_efter"] == 1)]
    total = one(region, til="I alt").antal
    job = one(region, til="Lønmodtagerbeskæftigelse")
    assert job.aggregering == "kommunesum"
    assert job.andel_pct == round(100 * job.antal / total, 1)
    herning = one(frame, periode="2025Q01", omraade_kode="657", maaneder_efter=1, til="Lønmodtagerbeskæftigelse")
    assert (herning.antal, herning.andel_pct, herning.aggregering) == (324, 66.4, "kilde")  # as the source has it


@pytest.mark.parametrize(
    ("name", "model", "column", "bad"),
    [
        ("fuldtidspersoner", Fuldtidspersoner, "fuldtidspersoner", -1),
        ("ledighed", Ledighed, "ledighedsprocent", 101.0),
        ("varigheder", Varigheder, "maal", "ukendt"),
        ("vandringer", Vandringer, "datagrundlag", "opfundet"),
    ],
)
def test_each_fact_model_rejects_a_bad_value(facts, name, model, column, bad):
    model.validate(facts[name], lazy=True)  # the stored table passes
    broken = facts[name].copy()
    broken[column] = broken[column].astype(object)
    broken.loc[broken.index[0], column] = bad
    with pytest.raises(pa.errors.SchemaErrors) as info:
        model.validate(broken, lazy=True)
    assert column in set(info.value.failure_cases["column"])


@pytest.mark.parametrize("name", ["fuldtidspersoner", "ledighed", "varigheder", "vandringer"])
def test_each_fact_model_rejects_a_repeated_row(facts, name):
    model = {
        "fuldtidspersoner": Fuldtidspersoner,
        "ledighed": Ledighed,
        "varigheder": Varigheder,
        "vandringer": Vandringer,
    }[name]
    frame = facts[name]
    with pytest.raises(pa.errors.SchemaErrors):
        model.validate(pd.concat([frame, frame.iloc[[0]]], ignore_index=True), lazy=True)
