"""The nøgletal sheet against the real sample: values, hele landet, earlier months, absent figures."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import read_table
from warehouse.noegletal import Figur, load_figures


@pytest.fixture(scope="module")
def sheet(good_run) -> pd.DataFrame:
    return read_table(good_run[0], "mart.noegletal").set_index(["noegletal", "omraade_kode", "periode"])


def test_bruttoledige_herning_real_y25i01_with_hele_landet_and_earlier_months(sheet):
    # real y25i01, "Ydelsesgrupper i alt": Herning 970 (2026M07), 1,071 (2026M04), 1,225 (2026M01),
    # 937 (2025M07); hele landet 91,583 in 2026M07
    row = sheet.loc[("bruttoledige", "657", "2026M07")]
    assert (row["vaerdi"], row["hele_landet"]) == (970, 91583)
    assert (row["vaerdi_3m"], row["vaerdi_6m"], row["vaerdi_12m"]) == (1071, 1225, 937)
    assert (row["enhed"], row["kilde"], row["datagrundlag"], row["omraade_navn"]) == (
        "antal",
        "jobindsats:y25i01",
        "sample-real",
        "Herning",
    )
    pct = sheet.loc[("bruttoledighedsprocent", "657", "2026M07")]
    assert (pct["vaerdi"], pct["hele_landet"], pct["vaerdi_3m"], pct["vaerdi_12m"]) == (2.1, 3.0, 2.4, 2.1)
    assert pct["enhed"] == "pct"


def test_earlier_values_agree_with_the_sheet_itself(sheet):
    flat = sheet.reset_index()
    monthly = flat[(flat["noegletal"] == "forsikrede_ledige") & (flat["omraade_kode"] == "657")].set_index("periode")
    assert monthly.loc["2026M07", "vaerdi_12m"] == monthly.loc["2025M07", "vaerdi"]
    assert monthly.loc["2026M07", "vaerdi_3m"] == monthly.loc["2026M04", "vaerdi"]
    assert pd.isna(monthly.loc["2021M08", "vaerdi_3m"])  # the source starts in 2021M08


def test_a_figure_is_absent_where_its_source_has_no_period(sheet):
    flat = sheet.reset_index()
    viskat = flat[flat["noegletal"] == "kontanthjaelp_jobparat"]
    assert set(viskat["periode"]) == {"2026M07"}  # y60a02 by visitationskategori: the latest month only
    row = sheet.loc[("kontanthjaelp_jobparat", "657", "2026M07")]
    assert row["vaerdi"] > 0 and row["hele_landet"] == 16409
    assert pd.isna(row["vaerdi_3m"]) and pd.isna(row["vaerdi_12m"])  # absent earlier months: empty, not 0
    # y25i09 starts in 2023M08: no langtidsledige rows before it, although mart.ledighed has the months
    langtid = flat[flat["noegletal"] == "langtidsledige"]
    assert langtid["periode"].min() == "2023M08"
    assert set(langtid["kilde"]) == {"jobindsats:y25i09"}
    present = flat.groupby(["noegletal", "periode"])["vaerdi"].count()
    assert (present > 0).all()  # no period of empty rows standing in for a missing month
    # ledige under 25 has no source in the sample: no figure
    assert not flat["noegletal"].str.contains("under_25").any()


def test_published_aktiveringsgrad_from_y60c07_beside_the_computed_one(sheet):
    # Herning 2026M07 in the real y60c07; the computed rates are tested in test_aktivering.py
    row = sheet.loc[("aktiveringsgrad_kontanthjaelp_publiceret", "657", "2026M07")]
    assert row["vaerdi"] == 16.1 and row["enhed"] == "pct" and row["kilde"] == "jobindsats:y60c07"
    assert sheet.loc[("virksomhedsrettet_andel", "657", "2025M12"), "kilde"] == "jobindsats:y60c01"


def test_quarterly_sygedagpenge_by_varighed_compares_quarters(sheet, good_run):
    varigheder = read_table(good_run[0], "mart.varigheder")
    herning = varigheder[
        varigheder["kilde"].str.startswith("jobindsats:")  # the sheet reads the published figures
        & (varigheder["omraade_kode"] == "657")
        & (varigheder["ydelsesgruppe"] == "Sygedagpenge")
        & (varigheder["maal"] == "afsluttede")
    ].set_index(["periode", "varighedsinterval"])["antal_forloeb"]
    row = sheet.loc[("sygedagpenge_afsluttede_14_26", "657", "2026Q02")]
    assert row["vaerdi"] == herning[("2026Q02", "14-26 uger")]
    assert row["vaerdi_3m"] == herning[("2026Q01", "14-26 uger")]
    assert row["vaerdi_12m"] == herning[("2025Q02", "14-26 uger")]
    parts = [herning[("2026Q02", i)] for i in ("under 2 uger", "2-4 uger", "5-13 uger")]
    short = sheet.loc[("sygedagpenge_afsluttede_0_13", "657", "2026Q02"), "vaerdi"]
    assert short == sum(parts) if not any(pd.isna(parts)) else pd.isna(short)


def test_one_row_per_kommune_period_and_figure(sheet, good_run):
    flat = sheet.reset_index()
    assert not flat.duplicated(["noegletal", "omraade_kode", "periode"]).any()
    kommuner = read_table(good_run[0], "mart.dim_omraade").query("niveau == 'kommune'")["omraade_kode"]
    assert set(flat["omraade_kode"]) == set(kommuner)
    assert set(flat["noegletal"]) == {f.kode for f in load_figures()}


def test_the_figures_are_configuration():
    figures = {f.kode: f for f in load_figures()}
    assert figures["bruttoledige"].tabel == "mart.ledighed"
    with pytest.raises(ValueError, match="enhed"):
        Figur(kode="x", navn="x", enhed="kroner", tabel="mart.ledighed", kolonne="bruttoledige")
