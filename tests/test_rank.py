"""The rank rule in warehouse/sql/benchmark.sql, on a tiny hand-built staging table in a tmp DuckDB."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from schemas.benchmark import Benchmark
from schemas.dimensions import DimOmraade, DimYdelsesgruppe
from schemas.jobindsats import staging_schema
from warehouse.models import sql
from warehouse.tables import replace_with

P1, P2 = "2020QMAT02", "2020QMAT04"
I_ALT, A_DAGPENGE = "Ydelsesgrupper i alt", "A-dagpenge mv."

KOMMUNER = {
    "101": "Aby",
    "102": "Bby",
    "103": "Cby",
    "104": "Dby",
    "105": "Eby",
    "106": "Fby",
    "107": "Gby",
    "108": "Hby",
}

# (periode, kode, ydelsesgruppe, forventet andel, faktisk andel, published placering)
STAGING = [
    # P1, i alt. Ascending by faktisk - forventet in percentage points.
    (P1, "101", I_ALT, 10.00, 9.00, 1),  # -1.00 pp, but only -10 % relative
    (P1, "102", I_ALT, 2.00, 1.50, 2),  # -0.50 pp, -25 % relative: first if ranked by relative difference
    (P1, "103", I_ALT, 5.00, 4.80, None),  # -0.20 pp, tied with 104; no published rank
    (P1, "104", I_ALT, 6.00, 5.80, 4),  # -0.20 pp, tied with 103
    (P1, "105", I_ALT, 4.00, 4.00, 5),  # 0.00 pp: as expected, not better
    (P1, "106", I_ALT, 0.10, 0.30, None),  # +0.20 pp (0.3 - 0.1 in binary floating point is 0.19999999999999998)
    (P1, "107", I_ALT, 1.00, 1.20, 7),  # +0.20 pp (1.2 - 1.0 in binary floating point is 0.19999999999999996)
    (P1, "108", I_ALT, 3.00, 3.50, 8),  # +0.50 pp
    ("2020QMAT02", "000", I_ALT, 7.00, 7.00, None),  # hele landet: not a kommune, not ranked
    # P1, A-dagpenge: its own ranking, and no resultatmål.
    (P1, "101", A_DAGPENGE, 3.00, 3.30, 3),
    (P1, "102", A_DAGPENGE, 2.00, 1.60, 1),
    (P1, "103", A_DAGPENGE, 1.00, 1.00, 2),
    # P2, i alt: its own ranking; 103's -1.00 must not tie with 101's -1.00 in P1.
    (P2, "101", I_ALT, 9.00, 9.50, None),
    (P2, "102", I_ALT, 2.00, 2.00, None),
    (P2, "103", I_ALT, 5.00, 4.00, None),
]


def _staging() -> pd.DataFrame:
    rows = []
    for periode, kode, gruppe, forventet, faktisk, placering in STAGING:
        forventet_antal, faktisk_antal = round(forventet * 100), round(faktisk * 100)
        rows.append(
            {
                "periode": periode,
                "omraade_kode": kode,
                "omraade_navn": KOMMUNER.get(kode, "Hele landet"),
                "ydelsesgruppe": gruppe,
                "forventet_antal": forventet_antal,
                "faktisk_antal": faktisk_antal,
                "forskel_antal_publiceret": faktisk_antal - forventet_antal,
                "forventet_andel": forventet,
                "faktisk_andel": faktisk,
                "forskel_pct_point_publiceret": round(faktisk - forventet, 2),
                "placering_publiceret": placering,
                "kilde": "jobindsats:y30r21",
                "datagrundlag": "sample-synthetic",
                "content_hash": "0" * 64,
                "aendret_tid": pd.Timestamp("2026-01-01"),
            }
        )
    frame = pd.DataFrame(rows)
    frame["placering_publiceret"] = frame["placering_publiceret"].astype("Int64")
    return staging_schema("y30r21").validate(frame)


def _dim_omraade() -> pd.DataFrame:
    rows = [{"omraade_kode": "000", "omraade_navn": "Hele landet", "niveau": "land", "sortering": 0}]
    rows += [
        {"omraade_kode": kode, "omraade_navn": navn, "niveau": "kommune", "sortering": 1000 + i}
        for i, (kode, navn) in enumerate(KOMMUNER.items())
    ]
    frame = pd.DataFrame(rows)
    for column in ("region_kode", "landsdel_kode", "rar", "kommunegruppe", "nuts3"):
        frame[column] = None
    return frame


def _dim_ydelsesgruppe() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ydelsesgruppe_kode": ["i_alt", "a_dagpenge"],
            "ydelsesgruppe": [I_ALT, A_DAGPENGE],
            "gruppering": ["benchmark", "benchmark"],
            "overgruppe_kode": [None, "i_alt"],
            "beskrivelse": ["i alt", "dagpenge"],
        }
    )


@pytest.fixture(scope="module")
def ranked(tmp_path_factory) -> pd.DataFrame:
    database = tmp_path_factory.mktemp("rank") / "rank.duckdb"
    conn = duckdb.connect(str(database))
    try:
        for schema in ("staging", "mart"):
            conn.execute(f"create schema {schema}")
        for table, frame, model in [
            ("mart.dim_omraade", _dim_omraade(), DimOmraade),
            ("mart.dim_ydelsesgruppe", _dim_ydelsesgruppe(), DimYdelsesgruppe),
            ("staging.jobindsats_y30r21", _staging(), staging_schema("y30r21")),
        ]:
            conn.register("rows", frame)
            replace_with(conn, table, "select * from rows", model)
            conn.unregister("rows")
        frame = conn.execute(sql("benchmark")).df()
    finally:
        conn.close()
    return Benchmark.validate(frame).set_index(["periode", "ydelsesgruppe_kode", "omraade_kode"]).sort_index()


def _band(ranked: pd.DataFrame, periode: str, gruppe: str) -> dict[str, tuple[int, int, int]]:
    """kode -> (placering_min, placering_max, placering) for one period and ydelsesgruppe."""
    part = ranked.loc[(periode, gruppe)]
    return {kode: (int(r.placering_min), int(r.placering_max), int(r.placering)) for kode, r in part.iterrows()}


def test_only_kommuner_are_ranked(ranked):
    assert len(ranked) == 14
    assert "000" not in ranked.index.get_level_values("omraade_kode")
    assert ranked.loc[(P1, "i_alt"), "antal_kommuner"].eq(8).all()
    assert ranked.loc[(P1, "a_dagpenge"), "antal_kommuner"].eq(3).all()
    assert ranked.loc[(P2, "i_alt"), "antal_kommuner"].eq(3).all()


def test_ties_share_a_band_and_untied_rows_have_one_rank(ranked):
    assert _band(ranked, P1, "i_alt") == {
        "101": (1, 1, 1),
        "102": (2, 2, 2),
        "103": (3, 4, 3),  # tied, no published rank: the low end of the band
        "104": (3, 4, 4),  # tied, published 4
        "105": (5, 5, 5),
        "106": (6, 7, 6),  # tied on the rounded shares although the float differences differ
        "107": (6, 7, 7),
        "108": (8, 8, 8),
    }


def test_ranked_by_percentage_points_not_relative_difference(ranked):
    part = ranked.loc[(P1, "i_alt")]
    relative = (part["faktisk_andel"] - part["forventet_andel"]) / part["forventet_andel"]
    assert relative["102"] < relative["101"]  # relative difference would put 102 first
    assert part.loc["101", "placering_min"] == 1
    assert part.loc["102", "placering_min"] == 2
    assert part.loc["101", "forskel_pct_point"] == pytest.approx(-1.00)
    assert part.loc["102", "forskel_pct_point"] == pytest.approx(-0.50)


def test_ranks_are_per_period_and_ydelsesgruppe(ranked):
    assert _band(ranked, P1, "a_dagpenge") == {"101": (3, 3, 3), "102": (1, 1, 1), "103": (2, 2, 2)}
    assert _band(ranked, P2, "i_alt") == {"101": (3, 3, 3), "102": (2, 2, 2), "103": (1, 1, 1)}


def test_resultatmaal_opfyldt_only_on_i_alt_and_strict(ranked):
    p1 = ranked.loc[(P1, "i_alt"), "resultatmaal_opfyldt"]
    assert {kode: bool(v) for kode, v in p1.items()} == {
        "101": True,
        "102": True,
        "103": True,
        "104": True,
        "105": False,  # faktisk == forventet is not better than expected
        "106": False,
        "107": False,
        "108": False,
    }
    assert ranked.loc[(P1, "a_dagpenge"), "resultatmaal_opfyldt"].isna().all()  # 102 is better there, still null
    assert ranked.loc[(P2, "i_alt"), "resultatmaal_opfyldt"].map(bool).to_dict() == {
        "101": False,
        "102": False,
        "103": True,
    }


def test_placering_falls_back_to_placering_min(ranked):
    unpublished = ranked["placering_publiceret"].isna()
    assert unpublished.sum() == 5
    assert (ranked.loc[unpublished, "placering"] == ranked.loc[unpublished, "placering_min"]).all()
    published = ranked[~unpublished]
    assert (published["placering"] == published["placering_publiceret"]).all()
    assert ranked.loc[(P1, "i_alt", "104"), "placering"] == 4  # published, above placering_min 3
