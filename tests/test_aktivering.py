"""Aktiveringsgrad and the virksomhedsrettede share, recomputed from the tilbud and bruttoledige counts."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import read_table
from test_facts import read_table_kommuner

HERNING = "657"
AARHUS, KOEBENHAVN = "751", "101"  # large enough that no tilbud count of the sample is discretionised
TYPES = {
    "tilbud_i_alt": "Tilbud i alt",
    "vejledning_opkvalificering": "Vejledning og opkvalificering i alt",
    "virksomhedspraktik": "Virksomhedspraktik i alt",
    "loentilskud_privat": "Privat ansættelse med løntilskud",
    "loentilskud_offentlig": "Offentlig ansættelse med løntilskud i alt",
}


@pytest.fixture(scope="module")
def tables(good_run) -> dict[str, pd.DataFrame]:
    names = ["mart.aktivering", "mart.ledighed", "mart.noegletal", "staging.jobindsats_y01c01"]
    return {name: read_table(good_run[0], name) for name in [*names, "staging.jobindsats_y60c01"]}


def counts(staged: pd.DataFrame, area: str, period: str) -> dict[str, float]:
    rows = staged[(staged["omraade_kode"] == area) & (staged["periode"] == period)].set_index("tilbud")
    return {column: rows.loc[label, "antal_fuldtidsaktiverede"] for column, label in TYPES.items()}


def bruttoledige(ledighed: pd.DataFrame, area: str, period: str, kode: str) -> float:
    rows = ledighed[
        (ledighed["omraade_kode"] == area)
        & (ledighed["periode"] == period)
        & (ledighed["ydelsesgruppe_kode"] == kode)
        & (ledighed["kilde"] == "jobindsats:y25i01")
    ]
    assert len(rows) == 1
    return rows.iloc[0]["bruttoledige"]


def rates(c: dict[str, float], ledige: float) -> tuple[float, float]:
    virksomhed = c["virksomhedspraktik"] + c["loentilskud_privat"] + c["loentilskud_offentlig"]
    return round(100 * c["tilbud_i_alt"] / ledige, 1), round(100 * virksomhed / ledige, 1)


def one(frame: pd.DataFrame, **where) -> pd.Series:
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, where
    return frame.iloc[0]


def test_a_dagpenge_month_recomputed_from_the_counts(tables):
    c = counts(tables["staging.jobindsats_y01c01"], AARHUS, "2025M03")
    ledige = bruttoledige(tables["mart.ledighed"], AARHUS, "2025M03", "led_a_dagpenge")
    row = one(tables["mart.aktivering"], omraade_kode=AARHUS, periode="2025M03", ydelsesgruppe="A-dagpenge")
    assert {k: row[k] for k in TYPES} == c
    assert row["bruttoledige"] == ledige and row["periodetype"] == "M"
    assert (row["aktiveringsgrad"], row["andel_virksomhedsrettet"]) == rates(c, ledige)
    assert row["datagrundlag"] == "sample-synthetic"  # synthetic tilbud over real bruttoledige


def test_year_average_is_the_ratio_of_the_months_average_counts(tables):
    months = [f"2025M{m:02d}" for m in range(1, 13)]
    staged, ledighed = tables["staging.jobindsats_y60c01"], tables["mart.ledighed"]
    jobparat = staged[staged["visitationskategori"] == "Jobparat"]
    per_month = [counts(jobparat, KOEBENHAVN, m) for m in months]
    mean = {k: sum(c[k] for c in per_month) / 12 for k in TYPES}
    ledige = sum(bruttoledige(ledighed, KOEBENHAVN, m, "led_kontanthjaelp") for m in months) / 12
    aktivering = tables["mart.aktivering"]
    row = one(aktivering, omraade_kode=KOEBENHAVN, periode="2025", ydelsesgruppe="Kontanthjælp, jobparat")
    assert row["periodetype"] == "Y" and row["ydelsesgruppe_kode"] == "led_kontanthjaelp"
    assert {k: row[k] for k in TYPES} == pytest.approx(mean)
    assert row["bruttoledige"] == pytest.approx(ledige)
    assert (row["aktiveringsgrad"], row["andel_virksomhedsrettet"]) == rates(mean, ledige)
    assert set(aktivering.loc[aktivering["periodetype"] == "Y", "periode"]) == {"2025"}


def test_a_discretionised_count_empties_the_rate_and_the_year_average(tables):
    aktivering = tables["mart.aktivering"]
    months = aktivering[(aktivering["ydelsesgruppe"] == "Kontanthjælp, jobparat") & (aktivering["periodetype"] == "M")]
    hidden = months[months["loentilskud_offentlig"].isna() & months["bruttoledige"].notna()]
    assert len(hidden) > 0  # the sample has them: small kommuner's løntilskud
    assert hidden["andel_virksomhedsrettet"].isna().all()
    row = hidden[hidden["periode"].str.startswith("2025")].iloc[0]
    year = one(aktivering, omraade_kode=row["omraade_kode"], periode="2025", ydelsesgruppe=row["ydelsesgruppe"])
    assert pd.isna(year["loentilskud_offentlig"]) and pd.isna(year["andel_virksomhedsrettet"])


def test_built_areas_sum_their_kommuner_before_dividing(tables):
    """A region is the sum of its kommuner when every one has a value, and empty (never a smaller sum) otherwise."""
    aktivering = tables["mart.aktivering"]
    month = aktivering[(aktivering["periode"] == "2025M06") & (aktivering["ydelsesgruppe"] == "A-dagpenge")]
    kommuner = read_table_kommuner()
    complete = 0
    for region_kode, members in kommuner.groupby("region_kode")["omraade_kode"]:
        region = one(month, omraade_kode=region_kode)
        values = month.loc[month["omraade_kode"].isin(set(members)), "tilbud_i_alt"].dropna()
        assert region["aggregering"] == "kommunesum"
        assert (region["antal_kommuner"], region["antal_kommuner_med_vaerdi"]) == (len(members), len(values))
        if len(values) == len(members):
            complete += 1
            assert region["tilbud_i_alt"] == values.sum()
            assert region["aktiveringsgrad"] == round(100 * region["tilbud_i_alt"] / region["bruttoledige"], 1)
        else:
            assert pd.isna(region["tilbud_i_alt"]) and pd.isna(region["aktiveringsgrad"])
    assert complete > 0, "no region of the sample has every kommune: the sum is not exercised"


def test_noegletal_reads_the_computed_rates_and_keeps_the_published_one(tables):
    sheet = tables["mart.noegletal"].set_index(["noegletal", "omraade_kode", "periode"])
    aktivering = tables["mart.aktivering"]
    for area, gruppe, figures in [
        (KOEBENHAVN, "Kontanthjælp, jobparat", ("aktiveringsgrad_kontanthjaelp", "virksomhedsrettet_andel")),
        (AARHUS, "A-dagpenge", ("aktiveringsgrad_forsikrede", "virksomhedsrettet_andel_forsikrede")),
    ]:
        row = one(aktivering, omraade_kode=area, periode="2025M12", ydelsesgruppe=gruppe)
        assert pd.notna(row["aktiveringsgrad"]) and pd.notna(row["andel_virksomhedsrettet"])
        assert sheet.loc[(figures[0], area, "2025M12"), "vaerdi"] == row["aktiveringsgrad"]
        assert sheet.loc[(figures[1], area, "2025M12"), "vaerdi"] == row["andel_virksomhedsrettet"]
    # jobindsats' own rate (real y60c07), as published, beside it
    assert sheet.loc[("aktiveringsgrad_kontanthjaelp_publiceret", HERNING, "2025M12"), "kilde"] == "jobindsats:y60c07"
