"""How the real jobindsats sample files were made: run once by a maintainer, not by the pipeline.

Reads the seven derived kommune CSVs in the project's research folder
(`../shared/realdata/jobindsats/derived_kommune/`, not shipped with the project) and writes one
jobindsats v3-shaped body (`{"columns": [...], "rows": [[...]]}`) per table into
`data/sample/jobindsats/`. The transformation is exactly this, and nothing else:

- rows are kept in the CSV's order (area code, period, category) and none is added or dropped;
- `omraade_navn` becomes the `Område` cell, `periode` the `Periode` cell, unchanged;
- every number is kept as published: count columns become JSON integers, rate columns JSON
  floats (a CSV "14" in a rate column is written 14.0); an empty CSV cell becomes `null`;
- the column headers become the jobindsats labels in `COLUMNS` below (see data/PROVENANCE.md for
  which are seen in real v3 responses and which are inferred);
- y25i01 and y25i09 get the constant `A-kasse` = "I alt" column, because the extract asked for
  `hierarchy._akassebl=/` and a real v3 body then carries that column (seen in the probe bodies);
- category labels the dashboard script shortened are given back the member names it requested
  (`CATEGORY_LABELS`).

The pipeline never runs this; the JSON files it wrote are committed.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "realdata" / "jobindsats" / "derived_kommune"
OUT = ROOT / "data" / "sample" / "jobindsats"

# table key -> (csv file, [(csv column or constant, v3 label, kind)]); kind: text, const, count, decimal
COLUMNS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "y25i01": (
        "y25i01_ledige_kommuner_2021M08-2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("ydelsesgruppe", "Ydelsesgrupper", "text"),
            ("I alt", "A-kasse", "const"),
            ("antal_ledige_fuldtidspersoner", "Antal ledige fuldtidspersoner", "count"),
            (
                "ledige_fuldtidspersoner_pct_af_arbejdsstyrken_16_66",
                "Ledige fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
                "decimal",
            ),
        ],
    ),
    "y25i09": (
        "y25i09_langtidsledige_kommuner_2023M08-2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("ydelsesgruppe", "Ydelsesgrupper", "text"),
            ("I alt", "A-kasse", "const"),
            ("antal_langtidsledige_fuldtidspersoner", "Antal langtidsledige fuldtidspersoner", "count"),
        ],
    ),
    "y60a02": (
        "y60a02_kontanthjaelp_kommuner_2021M08-2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("antal_personer", "Antal personer", "count"),
            ("antal_fuldtidspersoner", "Antal fuldtidspersoner", "count"),
            (
                "fuldtidspersoner_pct_af_arbejdsstyrken_16_66",
                "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
                "decimal",
            ),
            (
                "fuldtidspersoner_pct_af_befolkningen_16_66",
                "Fuldtidspersoner i pct. af befolkningen 16-66 år",
                "decimal",
            ),
        ],
    ),
    "y60a02_viskat": (
        "y60a02_visitationskategori_kommuner_2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("visitationskategori", "Visitationskategori", "text"),
            ("antal_fuldtidspersoner", "Antal fuldtidspersoner", "count"),
        ],
    ),
    "y60c02": (
        "y60c02_tilbud_kommuner_2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("tilbud", "Tilbud", "text"),
            ("antal_aktiverede", "Antal aktiverede", "count"),
            ("antal_aktiveringsforloeb", "Antal aktiveringsforløb", "count"),
        ],
    ),
    "y60c07": (
        "y60c07_aktiveringsgrad_kommuner_2021M08-2026M07.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("aktiveringsgrad", "Aktiveringsgrad", "decimal"),
            ("andel_aktiveringsberoerte", "Andel aktiveringsberørte", "decimal"),
        ],
    ),
    "y60j01": (
        "y60j01_ordinaere_loentimer_kommuner_2021M07-2026M06.csv",
        [
            ("periode", "Periode", "text"),
            ("omraade_navn", "Område", "text"),
            ("antal_personer_med_ordinaere_loentimer", "Antal personer med ordinære timer", "count"),
            ("andel_pct", "Andel personer med ordinære timer", "decimal"),
        ],
    ),
}

# The dashboard script asked jobindsats for these members and shortened them in its output.
CATEGORY_LABELS = {
    "y60a02_viskat": {"Uoplyst": "Uoplyst visitationskategori"},
    "y60c02": {
        "Vejledning og opkvalificering": "Vejledning og opkvalificering i alt",
        "Løntilskud": "Ansættelse med løntilskud i alt",
        "Virksomhedspraktik": "Virksomhedspraktik i alt",
        "Nytteindsats": "Nytteindsats i alt",
        "Særligt tilrettelagt nytteindsats": "Særligt tilrettelagt nytteindsats i alt",
    },
}


def cell(value: str, kind: str, relabel: dict[str, str]) -> object:
    if kind == "const":
        return value
    if kind == "text":
        return relabel.get(value, value)
    if value == "":
        return None
    number = float(value)
    if kind == "count":
        if number != int(number):
            raise ValueError(f"count column holds a fraction: {value!r}")
        return int(number)
    return number


def reshape(table: str) -> dict:
    filename, columns = COLUMNS[table]
    relabel = CATEGORY_LABELS.get(table, {})
    with open(SOURCE / filename, encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    rows = [
        [cell(source if kind == "const" else record[source], kind, relabel) for source, _, kind in columns]
        for record in records
    ]
    return {"columns": [label for _, label, _ in columns], "rows": rows}


def write_body(path: Path, body: dict) -> None:
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> int:
    if not SOURCE.is_dir():
        print(
            f"error: {SOURCE} is not here. This one-off script documents how the real sample was made "
            "from the project's research copies; they are not distributed with the project, and the "
            "committed files in data/sample/jobindsats/ are its output.",
            file=sys.stderr,
        )
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for table in COLUMNS:
        body = reshape(table)
        write_body(OUT / f"{table}.json", body)
        print(f"{table}: {len(body['rows'])} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
