"""The data dictionary: every mart table and column with its type, unit, description and source.

Generated, never written by hand: columns, types and nullability from the pandera models (the
same derivation as the DDL, warehouse/tables.py), units and descriptions from the models' Field
metadata and descriptions, each table's description from its model's `Config.description` (Danish,
like the columns'), its sources from its Dagster asset, and the two columns diskretionering adds in
serving.duckdb from its configuration. `jobindblik dictionary` writes the Markdown page
docs/data_dictionary.md from the same frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from schemas.types import Schema, to_schema
from warehouse.diskretionering import FLAG, FLAG_COLUMNS, Config
from warehouse.tables import columns_of

PAGE = Path(__file__).resolve().parents[1] / "docs" / "data_dictionary.md"
COLUMNS = ["tabel", "position", "kolonne", "type", "nullable", "enhed", "beskrivelse", "kilde", "tabel_beskrivelse"]

# Columns many tables share, described once (a model's own Field description wins).
COMMON = {
    "periode": "Perioden, fx 2026M07 (måned), 2026Q02 (kvartal), 2020QMAT02 (rullende år); se mart.dim_periode",
    "omraade_kode": "Område: DST-kode, 000 for hele landet; se mart.dim_omraade",
    "omraade_navn": "Områdets navn",
    "ydelsesgruppe_kode": "Ydelsesgruppens kode; se mart.dim_ydelsesgruppe",
    "ydelsesgruppe": "Ydelsesgruppen som kilden kalder den",
    "kilde": "Kildetabellen, fx jobindsats:y25i01",
    "datagrundlag": "live, extract, sample-real eller sample-synthetic (opdigtede tal)",
    "niveau": "Områdets niveau: land, region, landsdel, rar, kommunegruppe eller kommune",
}


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def dictionary_frame(
    models: Mapping[str, Schema],
    descriptions: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    diskretionering: Config | None = None,
) -> pd.DataFrame:
    """One row per column of each table in `models` (plus the serving copy's suppression flags)."""
    descriptions, sources = descriptions or {}, sources or {}
    rows = []
    for table, model in sorted(models.items()):
        schema = to_schema(model)
        about = _first_paragraph(schema.description or descriptions.get(table))
        source = sources.get(table, "")
        columns = columns_of(model)
        for position, (name, sql_type, nullable) in enumerate(columns, start=1):
            column = schema.columns[name]
            metadata = column.metadata or {}
            rows.append(
                {
                    "tabel": table,
                    "position": position,
                    "kolonne": name,
                    "type": sql_type,
                    "nullable": bool(nullable),
                    "enhed": metadata.get("enhed"),
                    "beskrivelse": column.description or COMMON.get(name, ""),
                    "kilde": metadata.get("kilde") or source,
                    "tabel_beskrivelse": about,
                }
            )
        if diskretionering is not None and diskretionering.rule_for(table, model) is not None:
            rule = diskretionering.rule_for(table, model)
            counted = ", ".join(rule.antal)
            rows += [
                {
                    "tabel": table,
                    "position": len(columns) + 1,
                    "kolonne": FLAG,
                    "type": "BOOLEAN",
                    "nullable": False,
                    "enhed": None,
                    "beskrivelse": f"Kun i serving.duckdb: sand når en værdi i rækken er diskretioneret "
                    f"(antal 1-{diskretionering.taerskel - 1} eller komplementært; tælles: {counted})",
                    "kilde": "diskretionering (pipelines/config/diskretionering.toml)",
                    "tabel_beskrivelse": about,
                },
                {
                    "tabel": table,
                    "position": len(columns) + 2,
                    "kolonne": FLAG_COLUMNS,
                    "type": "VARCHAR",
                    "nullable": True,
                    "enhed": None,
                    "beskrivelse": "Kun i serving.duckdb: de diskretionerede kolonner, kommasepareret (NULL, ikke 0)",
                    "kilde": "diskretionering (pipelines/config/diskretionering.toml)",
                    "tabel_beskrivelse": about,
                },
            ]
    return pd.DataFrame(rows, columns=COLUMNS)


def _cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).replace("|", "\\|")


def markdown(frame: pd.DataFrame) -> str:
    """The Markdown page: a section per table with its description, sources and columns."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the pandera models (schemas/), the asset descriptions and",
        "pipelines/config/diskretionering.toml by `jobindblik dictionary`; do not edit by hand.",
        "The same content is the table `mart.data_dictionary`.",
        "",
    ]
    for table, columns in frame.groupby("tabel", sort=True):
        first = columns.iloc[0]
        lines += [f"## {table}", "", _cell(first["tabel_beskrivelse"]), ""]
        sources = sorted({s for s in columns["kilde"] if s and not s.startswith("diskretionering")})
        if sources:
            lines += [f"Kilde: {'; '.join(sources)}", ""]
        lines += ["| kolonne | type | nullable | enhed | beskrivelse |", "|---|---|---|---|---|"]
        for row in columns.sort_values("position").itertuples(index=False):
            nullable = "ja" if row.nullable else "nej"
            cells = [f"`{row.kolonne}`", row.type, nullable, _cell(row.enhed), _cell(row.beskrivelse)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
