"""The core dimensions built from the bundled reference data, and the pandera models that guard them."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
import pytest

from pipelines.resources.reference import ReferenceData
from schemas.codelists import PERIODE_PATTERN, PERIODE_PATTERNS
from schemas.dimensions import DimOmraade, DimPeriode
from warehouse.dimensions import build_dim_omraade, build_dim_periode


@pytest.fixture(scope="module")
def kommuner() -> pd.DataFrame:
    return ReferenceData().table("kommuner")


@pytest.fixture(scope="module")
def dim_omraade(kommuner) -> pd.DataFrame:
    return build_dim_omraade(kommuner)


@pytest.fixture(scope="module")
def dim_periode() -> pd.DataFrame:
    return build_dim_periode(2019, 2025)


def _kommune(dim: pd.DataFrame, navn: str) -> pd.Series:
    rows = dim[(dim["niveau"] == "kommune") & (dim["omraade_navn"] == navn)]
    assert len(rows) == 1, navn
    return rows.iloc[0]


def _name_of(dim: pd.DataFrame, kode: str) -> str:
    return dim.loc[dim["omraade_kode"] == kode, "omraade_navn"].item()


def test_levels_and_counts(dim_omraade):
    assert len(dim_omraade) == 128
    assert dim_omraade["niveau"].value_counts().to_dict() == {
        "kommune": 98,
        "landsdel": 11,
        "rar": 8,
        "region": 5,
        "kommunegruppe": 5,
        "land": 1,
    }
    assert dim_omraade.loc[dim_omraade["niveau"] == "land", ["omraade_kode", "omraade_navn"]].values.tolist() == [
        ["000", "Hele landet"]
    ]
    assert dim_omraade["omraade_kode"].is_unique
    assert dim_omraade["sortering"].is_unique


def test_herning(dim_omraade):
    herning = _kommune(dim_omraade, "Herning")
    assert herning["omraade_kode"] == "657"
    assert herning["region_kode"] == "082"
    assert _name_of(dim_omraade, "082") == "Region Midtjylland"
    assert herning["landsdel_kode"] == "LD10"
    assert _name_of(dim_omraade, "LD10") == "Landsdel Vestjylland"
    assert _name_of(dim_omraade, herning["rar"]) == "RAR Vestjylland"
    assert _name_of(dim_omraade, herning["kommunegruppe"]) == "Provinsbykommuner"


def test_viborg_is_in_rar_oestjylland(dim_omraade):
    viborg = _kommune(dim_omraade, "Viborg")
    assert viborg["omraade_kode"] == "791"
    assert viborg["landsdel_kode"] == "LD10"  # landsdel Vestjylland, but RAR Østjylland
    assert _name_of(dim_omraade, viborg["rar"]) == "RAR Østjylland"


def test_christiansoe_is_not_an_area(kommuner, dim_omraade):
    assert "Christiansø" in set(kommuner["kommunenavn"])  # in the master data, but not a kommune
    assert "Christiansø" not in set(dim_omraade["omraade_navn"])
    assert "411" not in set(dim_omraade["omraade_kode"])


def test_dim_omraade_model_passes(dim_omraade):
    validated = DimOmraade.validate(dim_omraade, lazy=True)
    assert len(validated) == 128


def _failed_checks(frame: pd.DataFrame) -> set[str]:
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        DimOmraade.validate(frame, lazy=True)
    return set(caught.value.failure_cases["check"].astype(str))


def test_dim_omraade_model_fails_without_a_kommune(dim_omraade):
    dropped = dim_omraade[dim_omraade["omraade_navn"] != "Herning"].reset_index(drop=True)
    assert "has_98_kommuner_and_hele_landet" in _failed_checks(dropped)


def test_dim_omraade_model_fails_on_a_duplicated_code(dim_omraade):
    duplicated = dim_omraade.copy()
    duplicated.loc[duplicated["omraade_navn"] == "Viborg", "omraade_kode"] = "657"
    assert "field_uniqueness" in _failed_checks(duplicated)


def test_dim_omraade_model_fails_on_an_unknown_rar(dim_omraade):
    unknown = dim_omraade.copy()
    unknown.loc[unknown["omraade_navn"] == "Herning", "rar"] = "RAR9"
    assert _failed_checks(unknown) == {"kommune_belongs_to_one_of_each"}


def _periode(dim: pd.DataFrame, periode: str) -> pd.Series:
    return dim.set_index("periode").loc[periode]


@pytest.mark.parametrize(
    ("periode", "periodetype", "start", "slut", "maaneder"),
    [
        ("2020QMAT02", "QMAT", "2019-07-01", "2020-06-30", 12),
        ("2020QMAT04", "QMAT", "2020-01-01", "2020-12-31", 12),
        ("2020QMAT01", "QMAT", "2019-04-01", "2020-03-31", 12),
        ("2024Q01", "Q", "2024-01-01", "2024-03-31", 3),
        ("2024M02", "M", "2024-02-01", "2024-02-29", 1),
        ("2023M02", "M", "2023-02-01", "2023-02-28", 1),
        ("2024", "Y", "2024-01-01", "2024-12-31", 12),
        ("2024MYTD06", "MYTD", "2024-01-01", "2024-06-30", 6),
        ("2024MYTD01", "MYTD", "2024-01-01", "2024-01-31", 1),
        ("2024MYTD12", "MYTD", "2024-01-01", "2024-12-31", 12),
    ],
)
def test_period_dates(dim_periode, periode, periodetype, start, slut, maaneder):
    row = _periode(dim_periode, periode)
    assert row["periodetype"] == periodetype
    assert row["start_dato"] == pd.Timestamp(start)
    assert row["slut_dato"] == pd.Timestamp(slut)
    assert row["maaneder"] == maaneder
    assert row["aar"] == int(periode[:4])


EXAMPLES = {"M": "2024M06", "Q": "2024Q02", "QMAT": "2024QMAT02", "Y": "2024", "MYTD": "2024MYTD06"}


@pytest.mark.parametrize("periodetype", sorted(EXAMPLES))
def test_each_period_pattern_takes_its_own_ids_only(periodetype):
    pattern = PERIODE_PATTERNS[periodetype]
    assert {t for t, example in EXAMPLES.items() if re.match(pattern, example)} == {periodetype}
    assert re.match(PERIODE_PATTERN, EXAMPLES[periodetype])
    assert not re.match(PERIODE_PATTERN, EXAMPLES[periodetype] + "1")


def test_dim_periode_model_passes(dim_periode):
    validated = DimPeriode.validate(dim_periode, lazy=True)
    # Per year: 1 Y, 4 Q, 4 QMAT, 12 M, 12 MYTD.
    assert len(validated) == 7 * 33
    assert validated["periode"].is_unique
