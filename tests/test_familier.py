"""Every group of the forløb families (varigheder, vandringer) comes from the table specs, not the SQL."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import read_table

from warehouse.familier import family

HERNING = "657"


@pytest.fixture(scope="module")
def marts(good_run) -> dict[str, pd.DataFrame]:
    return {name: read_table(good_run[0], f"mart.{name}") for name in ("varigheder", "vandringer", "udvikling")}


def staged_groups(warehouse, navn: str) -> set[tuple[str, str]]:
    """(kilde, group) of every row of the family's staging tables, the group derived as the README says."""
    out = set()
    for spec in family(navn):
        gruppe, kolonne = spec.familie["gruppe"], spec.familie.get("gruppe_kolonne")
        staged = read_table(warehouse, f"staging.jobindsats_{spec.table_id}")
        labels = {gruppe} if kolonne is None else {f"{gruppe}, {v.lower()}" for v in staged[kolonne].unique()}
        out |= {(f"jobindsats:{spec.table_id}", label) for label in labels}
    return out


def test_the_families_cover_every_group_the_issue_names():
    groups = {s.familie["gruppe"] for navn in ("forloeb", "afsluttede", "status") for s in family(navn)}
    assert groups == {"A-dagpenge", "Sygedagpenge", "Kontanthjælp", "Jobafklaringsforløb", "Ressourceforløb"}
    for navn in ("forloeb", "afsluttede", "status"):
        assert {s.familie["gruppe"] for s in family(navn)} == groups, navn


def test_vandringer_fra_is_the_group_of_the_table_or_row(marts, good_run):
    vandringer = marts["vandringer"]
    assert set(map(tuple, vandringer[["kilde", "fra"]].drop_duplicates().to_numpy())) == staged_groups(
        good_run[0], "status"
    )
    # A kontanthjælp b15 table: `fra` is the group of the row's visitationskategori, with its own counts.
    staged = read_table(good_run[0], "staging.jobindsats_y60b15")
    source = staged[
        (staged["omraade_kode"] == HERNING)
        & (staged["periode"] == "2025Q04")
        & (staged["visitationskategori"] == "Jobparat")
        & (staged["arbejdsmarkedsstatus"] == "I alt")
    ].iloc[0]
    row = vandringer[
        (vandringer["omraade_kode"] == HERNING)
        & (vandringer["periode"] == "2025Q04")
        & (vandringer["fra"] == "Kontanthjælp, jobparat")
        & (vandringer["til"] == "I alt")
        & (vandringer["maaneder_efter"] == 3)
    ]
    assert len(row) == 1 and row.iloc[0]["antal"] == source["status_3_mdr_antal"] > 0
    assert row.iloc[0]["kilde"] == "jobindsats:y60b15"
    assert {"Kontanthjælp, uddannelsesparat", "Jobafklaringsforløb", "Ressourceforløb", "Sygedagpenge"} <= set(
        vandringer["fra"]
    )


def test_varigheder_for_every_configured_group(marts, good_run):
    varigheder = marts["varigheder"]
    for maal, navn in (("forloeb", "forloeb"), ("afsluttede", "afsluttede")):
        rows = varigheder[(varigheder["maal"] == maal) & varigheder["kilde"].str.startswith("jobindsats:")]
        found = set(map(tuple, rows[["kilde", "ydelsesgruppe"]].drop_duplicates().to_numpy()))
        assert found == staged_groups(good_run[0], navn), maal
    # Jobafklaring's ended forløb: the source's count and mean on the I alt row, the buckets below it.
    staged = read_table(good_run[0], "staging.jobindsats_y12a27")
    source = staged[(staged["omraade_kode"] == HERNING) & (staged["periode"] == "2026Q01")].iloc[0]
    herning = varigheder[
        (varigheder["omraade_kode"] == HERNING)
        & (varigheder["periode"] == "2026Q01")
        & (varigheder["ydelsesgruppe"] == "Jobafklaringsforløb")
        & (varigheder["maal"] == "afsluttede")
    ].set_index("varighedsinterval")
    assert herning.loc["I alt", "antal_forloeb"] == source["antal_afsluttede_forloeb"]
    assert herning.loc["I alt", "gnsn_varighed_uger"] == source["gnsn_varighed_uger"]
    assert herning.loc["over 52 uger", "antal_forloeb"] == source["afsluttede_over_52_uger"]
    # Aggregate areas are built for the new groups too.
    region = varigheder[
        (varigheder["omraade_kode"] == "082")
        & (varigheder["ydelsesgruppe"] == "Kontanthjælp, aktivitetsparat")
        & (varigheder["maal"] == "forloeb")
    ]
    assert len(region) > 0 and set(region["aggregering"]) == {"kommunesum"}


def test_developments_and_codes_cover_the_new_groups(marts):
    udvikling = marts["udvikling"]
    varigheder = udvikling[udvikling["tabel"] == "mart.varigheder"]
    assert {"ptv_kh_jobparat", "ptv_kh_uddannelsesparat", "ptv_jobafklaring", "ptv_ressourceforloeb"} <= set(
        varigheder["ydelsesgruppe_kode"]
    )
    row = varigheder[
        (varigheder["omraade_kode"] == HERNING)
        & (varigheder["ydelsesgruppe_kode"] == "ptv_kh_jobparat")
        & (varigheder["periode"] == "2026Q01")
        & (varigheder["opdeling"] == "Varighed i alt")
        & (varigheder["maal"] == "forloeb:antal_forloeb")
        & (varigheder["horisont"] == "3m")
    ].iloc[0]
    assert row["tidligere_periode"] == "2025Q04"
    assert row["forskel"] == row["vaerdi"] - row["tidligere_vaerdi"]
    vandringer = udvikling[udvikling["tabel"] == "mart.vandringer"]
    assert "ptv_kh_aktivitetsparat" in set(vandringer["ydelsesgruppe_kode"])
