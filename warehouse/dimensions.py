"""The reference dimensions as frames: areas, the kommuner of each aggregate area, periods.

Built from the kommune master data in data/reference (pipelines/resources/reference.py) and the
calendar; staging also reads `area_codes` and `group_labels` to map source labels to codes.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from schemas.codelists import HELE_LANDET

# The levels whose names appear as areas in source data (kommunegrupper and landsdele do not).
AREA_LEVELS = ("land", "region", "rar", "kommune")


def area_codes(dim: pd.DataFrame) -> dict[str, str]:
    """Area names as the sources write them ("Herning", "Hele landet") → our codes."""
    rows = dim[dim["niveau"].isin(AREA_LEVELS)]
    return dict(zip(rows["omraade_navn"], rows["omraade_kode"], strict=True))


def group_labels(dim: pd.DataFrame) -> dict[str, set[str]]:
    """The ydelsesgruppe labels of each grouping ("ledighed" → {"A-dagpenge", ...})."""
    return {gruppering: set(rows["ydelsesgruppe"]) for gruppering, rows in dim.groupby("gruppering")}


def build_dim_omraade(kommuner: pd.DataFrame) -> pd.DataFrame:
    """Hele landet, the aggregate areas and the 98 kommuner from the kommune master data.

    Codes: kommuner and regions keep their DST codes ('657', '082'), hele landet is '000',
    landsdele are 'LD' + the DST landsdel number, kommunegrupper 'KG' + the DST group number,
    and the eight RAR (2015-2024) 'RAR1'..'RAR8' in DST order of their first kommune.
    """
    k = kommuner[kommuner["er_kommune"] == "true"].copy()
    k["sortering"] = k["dst_sortering"].astype(int)
    k = k.sort_values("sortering")
    k["landsdel_kode"] = "LD" + k["landsdel_kode_dst"]
    k["kommunegruppe_kode"] = "KG" + k["kommunegruppe_kode"]
    rar_names = list(dict.fromkeys(k["rar_2015_2024_inferred"]))
    rar_code = {name: f"RAR{i}" for i, name in enumerate(rar_names, start=1)}
    k["rar_kode"] = k["rar_2015_2024_inferred"].map(rar_code)

    def level(frame, code, name, niveau, offset, **parents):
        rows = frame.drop_duplicates(code)
        return pd.DataFrame(
            {
                "omraade_kode": rows[code].values,
                "omraade_navn": rows[name].values,
                "niveau": niveau,
                **{column: rows[source].values if source else None for column, source in parents.items()},
                "sortering": offset + pd.RangeIndex(len(rows)),
            }
        )

    none = dict(region_kode=None, landsdel_kode=None, rar=None, kommunegruppe=None, nuts3=None)
    parts = [
        pd.DataFrame(
            [{"omraade_kode": HELE_LANDET, "omraade_navn": "Hele landet", "niveau": "land", **none, "sortering": 0}]
        ),
        level(k, "regionskode_dst", "regionsnavn", "region", 10, **none),
        level(
            k,
            "landsdel_kode",
            "landsdelsnavn",
            "landsdel",
            20,
            **{**none, "region_kode": "regionskode_dst", "nuts3": "nuts3"},
        ),
        level(k, "rar_kode", "rar_2015_2024_inferred", "rar", 40, **none),
        level(k, "kommunegruppe_kode", "kommunegruppe", "kommunegruppe", 50, **none),
        pd.DataFrame(
            {
                "omraade_kode": k["kommunekode"].str.zfill(3).values,
                "omraade_navn": k["kommunenavn"].values,
                "niveau": "kommune",
                "region_kode": k["regionskode_dst"].values,
                "landsdel_kode": k["landsdel_kode"].values,
                "rar": k["rar_kode"].values,
                "kommunegruppe": k["kommunegruppe_kode"].values,
                "nuts3": k["nuts3"].values,
                "sortering": 1000 + k["sortering"].values,
            }
        ),
    ]
    return pd.concat(parts, ignore_index=True)


def build_medlemskab(dim: pd.DataFrame) -> pd.DataFrame:
    """One row per aggregate area and member kommune, so facts can be summed to any level."""
    kommuner = dim[dim["niveau"] == "kommune"]
    niveau_of = dict(zip(dim["omraade_kode"], dim["niveau"], strict=True))
    parts = [pd.DataFrame({"omraade_kode": HELE_LANDET, "kommune_kode": kommuner["omraade_kode"], "niveau": "land"})]
    for column in ("region_kode", "landsdel_kode", "rar", "kommunegruppe"):
        parts.append(
            pd.DataFrame(
                {
                    "omraade_kode": kommuner[column],
                    "kommune_kode": kommuner["omraade_kode"],
                    "niveau": kommuner[column].map(niveau_of),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def build_dim_periode(first_year: int, last_year: int) -> pd.DataFrame:
    """Every M, Q, QMAT, Y and MYTD period from `first_year` to `last_year`, with start and end dates."""
    rows = []
    for year in range(first_year, last_year + 1):
        rows.append((f"{year}", "Y", date(year, 1, 1), 12))
        for quarter in range(1, 5):
            start = date(year, 3 * quarter - 2, 1)
            rows.append((f"{year}Q{quarter:02d}", "Q", start, 3))
            # QMATqq: the twelve months ending with quarter qq, e.g. 2020QMAT02 = 2019Q03..2020Q02.
            rows.append(
                (
                    f"{year}QMAT{quarter:02d}",
                    "QMAT",
                    date(year - 1, 3 * quarter + 1, 1) if quarter < 4 else date(year, 1, 1),
                    12,
                )
            )
        for month in range(1, 13):
            rows.append((f"{year}M{month:02d}", "M", date(year, month, 1), 1))
            # MYTDmm: the year to date, January to month mm.
            rows.append((f"{year}MYTD{month:02d}", "MYTD", date(year, 1, 1), month))
    frame = pd.DataFrame(rows, columns=["periode", "periodetype", "start_dato", "maaneder"])
    frame["start_dato"] = pd.to_datetime(frame["start_dato"])
    frame["slut_dato"] = frame.apply(
        lambda r: r["start_dato"] + pd.DateOffset(months=r["maaneder"]) - pd.Timedelta(days=1), axis=1
    )
    frame["aar"] = frame["periode"].str[:4].astype(int)
    return frame
