"""The bundled jobindsats sample: every file parses with its spec, the real files hold the real
numbers, the synthetic files say so, and the generator writes the same bytes every time.
"""

from __future__ import annotations

import importlib.util
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from pipelines import settings
from pipelines.sources.jobindsats_parser import parse_body, table_specs, to_frame

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = settings.SAMPLE_DIR
GENERATOR = ROOT / "tools" / "make_jobindsats_sample.py"
HL = "Hele landet"

with open(SAMPLE_DIR / "manifest.toml", "rb") as _f:
    MANIFEST: dict[str, dict] = tomllib.load(_f)["jobindsats"]

REAL = {"y30r21", "y25i01", "y25i09", "y60a02", "y60a02_viskat", "y60c02", "y60c07", "y60j01"}
SYNTHETIC = {"ptv_a02", "y01a21", "y01a27", "y07a07", "y01b15", "y01c01", "y60c01"} | {
    f"{group}{family}" for group in ("y07", "y11", "y12", "y60") for family in ("a21", "a27", "b15")
} - {"y07a27"}
ROWS = {
    "y30r21": 2352,
    "y25i01": 17820,  # 99 areas x 60 months x 3 ydelsesgrupper
    "y25i09": 10518,  # periods with no value at all are absent for 4 small kommuner
    "y60a02": 5940,
    "y60a02_viskat": 495,
    "y60c02": 594,
    "y60c07": 5940,
    "y60j01": 5940,
    "ptv_a02": 99 * 24 * 10,
    "y01a21": 99 * 10 * 6,
    "y01a27": 99 * 10,
    "y07a07": 99 * 10,
    "y01b15": 99 * 9 * 13,
    # the other groups: two quarters; I alt and 7 statuses
    **{f"{group}a21": 99 * 2 * 6 for group in ("y07", "y11", "y12")},
    **{f"{group}a27": 99 * 2 for group in ("y11", "y12")},
    **{f"{group}b15": 99 * 2 * 8 for group in ("y07", "y11", "y12")},
    "y60a21": 99 * 2 * 3 * 6,  # three visitationskategorier
    "y60a27": 99 * 2 * 3,
    "y60b15": 99 * 2 * 3 * 8,
    "y01c01": 99 * 12 * 5,  # 2025M01-2025M12, tilbud i alt and four types
    "y60c01": 99 * 12 * 5,  # Jobparat
}


@cache
def frame(table: str) -> pd.DataFrame:
    entry = MANIFEST[table]
    columns, rows = parse_body((SAMPLE_DIR / entry["file"]).read_bytes(), entry["file"])
    return to_frame(columns, rows, table_specs()[table], entry["file"])


def one(table: str, **where: object) -> pd.Series:
    f = frame(table)
    mask = pd.Series(True, index=f.index)
    for column, value in where.items():
        mask &= f[column] == value
    hits = f[mask]
    assert len(hits) == 1, f"{table} {where}: {len(hits)} rows"
    return hits.iloc[0]


def load_generator():
    spec = importlib.util.spec_from_file_location("make_jobindsats_sample", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_manifest_lists_exactly_the_bundled_tables():
    assert set(MANIFEST) == REAL | SYNTHETIC
    assert set(MANIFEST) <= set(table_specs())


@pytest.mark.parametrize("table", sorted(REAL | SYNTHETIC))
def test_every_entry_parses_with_its_spec(table):
    f = frame(table)
    assert len(f) == ROWS[table]
    spec = table_specs()[table]
    assert list(f.columns) == [c.name for c in spec.columns]
    assert not f.duplicated(list(spec.key)).any()
    areas = set(f["omraade_navn"])
    assert len(areas - {HL}) == 98
    if table != "y30r21":
        assert HL in areas


def test_datagrundlag_says_real_or_synthetic():
    assert {t for t, e in MANIFEST.items() if e["datagrundlag"] == "sample-real"} == REAL
    assert {t for t, e in MANIFEST.items() if e["datagrundlag"] == "sample-synthetic"} == SYNTHETIC


# --- real files hold the real numbers (values from the derived CSVs of the 2026-08-22 extract) ---


def test_y25i01_real_values():
    total = one("y25i01", periode="2021M08", omraade_navn=HL, ydelsesgruppe="Ydelsesgrupper i alt")
    assert total["antal_ledige_fuldtidspersoner"] == 96938
    assert total["ledige_fuldtidspersoner_pct_af_arbejdsstyrken_16_66"] == 3.3
    assert total["akasse"] == "I alt"
    dagpenge = one("y25i01", periode="2021M08", omraade_navn=HL, ydelsesgruppe="A-dagpenge")
    assert (
        dagpenge["antal_ledige_fuldtidspersoner"],
        dagpenge["ledige_fuldtidspersoner_pct_af_arbejdsstyrken_16_66"],
    ) == (84198, 2.9)
    # The revised figure of the 2026-08-22 extract, not the 88,080 of the July probe.
    assert (
        one("y25i01", periode="2026M06", omraade_navn=HL, ydelsesgruppe="Ydelsesgrupper i alt")[
            "antal_ledige_fuldtidspersoner"
        ]
        == 89907
    )
    herning = one("y25i01", periode="2026M07", omraade_navn="Herning", ydelsesgruppe="Ydelsesgrupper i alt")
    assert herning["antal_ledige_fuldtidspersoner"] == 970
    # Discretionised cells stay missing, never 0.
    small = frame("y25i01")[
        (frame("y25i01")["omraade_navn"] == "Læsø") & (frame("y25i01")["ydelsesgruppe"] == "Kontanthjælp")
    ]
    assert small["antal_ledige_fuldtidspersoner"].isna().any()
    assert (small["antal_ledige_fuldtidspersoner"].dropna() > 0).all()


def test_y25i09_and_y60_real_values():
    assert (
        one("y25i09", periode="2023M08", omraade_navn=HL, ydelsesgruppe="Ydelsesgrupper i alt")[
            "antal_langtidsledige_fuldtidspersoner"
        ]
        == 14146
    )
    row = one("y60a02", periode="2021M08", omraade_navn=HL)
    assert (row["antal_personer"], row["antal_fuldtidspersoner"]) == (97709, 95416)
    assert (row["fuldtidspersoner_pct_af_arbejdsstyrken_16_66"], row["fuldtidspersoner_pct_af_befolkningen_16_66"]) == (
        3.2,
        2.5,
    )
    assert one("y60a02", periode="2026M06", omraade_navn=HL)["antal_fuldtidspersoner"] == 86321
    assert one("y60a02_viskat", omraade_navn=HL, visitationskategori="Jobparat")["antal_fuldtidspersoner"] == 16409
    assert (
        one("y60a02_viskat", omraade_navn=HL, visitationskategori="Uoplyst visitationskategori")[
            "antal_fuldtidspersoner"
        ]
        == 1765
    )
    tilbud = one("y60c02", omraade_navn=HL, tilbud="Tilbud i alt")
    assert (tilbud["antal_aktiverede"], tilbud["antal_aktiveringsforloeb"]) == (36442, 49805)
    assert one("y60c02", omraade_navn=HL, tilbud="Ansættelse med løntilskud i alt")["antal_aktiverede"] == 1453
    row = one("y60c07", periode="2021M08", omraade_navn=HL)
    assert (row["aktiveringsgrad"], row["andel_aktiveringsberoerte"]) == (14.0, 42.9)
    row = one("y60j01", periode="2021M07", omraade_navn=HL)
    assert (row["antal_personer_med_ordinaere_timer"], row["andel_personer_med_ordinaere_timer"]) == (8047, 8.0)
    assert one("y60j01", periode="2026M06", omraade_navn="Herning")["antal_personer_med_ordinaere_timer"] == 150


def test_real_kommune_sum_differs_from_the_national_figure():
    f = frame("y25i01")
    month = f[(f["periode"] == "2026M06") & (f["ydelsesgruppe"] == "Ydelsesgrupper i alt")]
    kommuner = month[month["omraade_navn"] != HL]["antal_ledige_fuldtidspersoner"].sum()
    assert kommuner == 89848  # against 89,907 for Hele landet: uoplyst område and discretionisation


# --- the synthetic files ---------------------------------------------------------------------


def test_generator_is_deterministic_and_wrote_the_committed_files(tmp_path):
    generator = load_generator()
    first = generator.main(tmp_path / "a", SAMPLE_DIR / "jobindsats")
    second = generator.main(tmp_path / "b", SAMPLE_DIR / "jobindsats")
    assert set(first) == SYNTHETIC
    for table in SYNTHETIC:
        body = first[table].read_bytes()
        assert body == second[table].read_bytes()
        assert body == (SAMPLE_DIR / MANIFEST[table]["file"]).read_bytes(), f"{table}: rerun the generator"


def test_generator_reads_project_files_only():
    source = GENERATOR.read_text(encoding="utf-8")
    assert "../shared" not in source and "realdata" not in source  # no path outside the project
    assert "urllib" not in source and "requests" not in source


def national(table: str, value: str, **where: object) -> pd.Series:
    f = frame(table)
    mask = f["omraade_navn"] == HL
    for column, wanted in where.items():
        mask &= f[column] == wanted
    return f[mask].set_index("periode")[value].astype(float)


def test_ptv_a02_follows_the_real_national_levels():
    real_kh = national("y60a02", "antal_fuldtidspersoner")
    synth_kh = national("ptv_a02", "antal_fuldtidspersoner", ydelsesgruppe="Kontanthjælp")
    ratio = synth_kh / real_kh.reindex(synth_kh.index)
    assert ratio.between(0.97, 1.03).all(), ratio.describe()
    real_dp = national("y25i01", "antal_ledige_fuldtidspersoner", ydelsesgruppe="A-dagpenge")
    synth_dp = national("ptv_a02", "antal_fuldtidspersoner", ydelsesgruppe="A-dagpenge")
    ratio = synth_dp / real_dp.reindex(synth_dp.index)
    assert ratio.between(1.0, 1.15).all(), ratio.describe()
    # The benchmark's groups (no fleksjob, førtidspension, ledighedsydelse) against the real
    # y30r21 faktisk antal for 2022QMAT04 summed over the kommuner: 289,710.
    f = frame("ptv_a02")
    hl = f[f["omraade_navn"] == HL].pivot(index="periode", columns="ydelsesgruppe", values="antal_fuldtidspersoner")
    benchmark_like = hl["Ydelsesgrupper i alt"] - hl["Fleksjob"] - hl["Førtidspension"] - hl["Ledighedsydelse"]
    assert (benchmark_like / 289710).between(0.75, 1.25).all()
    share = f[f["ydelsesgruppe"] == "Ydelsesgrupper i alt"]["fuldtidspersoner_pct_af_befolkningen_16_66"]
    assert share.between(5, 25).all()


@pytest.mark.parametrize(
    ("table", "value", "dims"),
    [
        ("ptv_a02", "antal_fuldtidspersoner", ["periode", "ydelsesgruppe"]),
        ("y01a21", "antal_forloeb", ["periode", "varighed"]),
        ("y01a27", "antal_afsluttede_forloeb", ["periode"]),
        ("y07a07", "antal_afsluttede_forloeb", ["periode"]),
        ("y01b15", "status_1_mdr_antal", ["periode", "arbejdsmarkedsstatus"]),
    ],
)
def test_synthetic_national_is_kommune_sum_plus_uoplyst(table, value, dims):
    f = frame(table)
    hl = f[f["omraade_navn"] == HL].set_index(dims)[value].dropna()
    by = f[f["omraade_navn"] != HL].groupby(dims)[value]
    kommuner = by.sum().reindex(hl.index)
    suppressed = by.apply(lambda s: s.isna().sum()).reindex(hl.index)
    assert (hl >= kommuner).all()
    # Uoplyst is at most 0.25 % (+ noise); each discretionised kommune cell hid at most 4.
    assert (hl <= kommuner * 1.004 + 4 * suppressed + 1).all()
    assert (hl > kommuner).any()  # a source total is not the kommune sum
    assert (
        frame(table)[frame(table)["omraade_navn"] == HL]
        .drop(columns=["periode", "omraade_navn"])
        .notna()
        .any(axis=1)
        .all()
    )


def test_synthetic_small_counts_are_discretionised():
    f = frame("ptv_a02")
    counts = f[f["omraade_navn"] != HL]["antal_personer"].dropna()
    assert not counts.between(1, 4).any()
    assert f["antal_personer"].isna().any()


def test_varighed_and_status_are_plausible_against_the_real_region_extract():
    # Real, five regions, 2026M06: 14,676 afsluttede A-dagpenge forløb a month, mean 22.8-25.8 weeks.
    antal = national("y01a27", "antal_afsluttede_forloeb")
    assert antal.between(0.7 * 3 * 14676, 1.3 * 3 * 14676).all()
    assert national("y01a27", "gnsn_varighed_uger").between(20, 30).all()
    assert national("y07a07", "gnsn_varighed_uger").between(10, 25).all()
    # Real 3-month status, five regions 2025Q04: lønmodtagerbeskæftigelse 62.9-66.2 %.
    job = national("y01b15", "status_3_mdr_pct", arbejdsmarkedsstatus="Lønmodtagerbeskæftigelse").dropna()
    assert len(job) == 8 and job.between(60, 70).all()
    # 2026Q01: only the 1-month status is published by the sample's cut.
    latest = frame("y01b15")[frame("y01b15")["periode"] == "2026Q01"]
    assert latest["status_3_mdr_antal"].isna().all() and latest["status_1_mdr_antal"].notna().any()
    # The statuses of an area and quarter add up to its I alt.
    f = frame("y01b15")
    hl = f[(f["omraade_navn"] == HL) & (f["periode"] == "2025Q04")].set_index("arbejdsmarkedsstatus")
    assert hl.drop(index="I alt")["status_3_mdr_antal"].sum() == hl.loc["I alt", "status_3_mdr_antal"]
    assert (
        one("y01b15", periode="2025Q04", omraade_navn=HL, arbejdsmarkedsstatus="I alt")["status_3_mdr_antal"]
        == one("y01a27", periode="2025Q04", omraade_navn=HL)["antal_afsluttede_forloeb"]
    )


def test_sample_tree_stays_small():
    size = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 8_000_000
