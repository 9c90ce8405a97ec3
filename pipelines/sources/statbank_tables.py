"""The StatBank tables the pipeline reads and the DST code lists, both kept as data.

`config/statbank_tables.toml` says what to request from each table. `data/reference/dst_koder.csv`
plus the kommune and region names in `kommuner.csv` say which code each label stands for, so an
extract downloaded with labels can be read as codes.
"""

from __future__ import annotations

import csv
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipelines import settings

TABLES_TOML = Path(__file__).resolve().parents[1] / "config" / "statbank_tables.toml"
CODES_CSV = settings.REFERENCE_DIR / "dst_koder.csv"
KOMMUNER_CSV = settings.REFERENCE_DIR / "kommuner.csv"
KOMMUNER_TOKEN = "@kommuner"
FREQUENCIES = ("quarterly", "monthly", "yearly")
LANGUAGES = ("da", "en")
ALL_TABLES = "*"


@dataclass(frozen=True)
class StatbankTable:
    """One table: what to ask for (`variables`, in tableinfo's spelling) and how often it changes."""

    table_id: str
    title: str
    frequency: str
    release: str
    area: str
    verified: bool
    variables: dict[str, tuple[str, ...]]
    # The code a variable has when a file leaves it out (DST eliminates it: the total).
    totals: dict[str, str] = field(default_factory=dict)

    def request(self) -> dict[str, list[str]]:
        """The `variables` argument of `StatbankClient.data`."""
        return {variable: list(values) for variable, values in self.variables.items()}

    def header_variables(self) -> frozenset[str]:
        """The variable columns a BULK or CSV file of this table may have, upper-case as DST writes them."""
        return frozenset(variable.upper() for variable in self.variables)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def kommune_codes() -> tuple[str, ...]:
    """The 98 kommune codes (Christiansø is not a kommune), in DST order."""
    rows = [row for row in _read_csv(KOMMUNER_CSV) if row["er_kommune"] == "true"]
    return tuple(row["kommunekode"] for row in sorted(rows, key=lambda row: int(row["dst_sortering"])))


@cache
def statbank_tables() -> dict[str, StatbankTable]:
    """The tables in `config/statbank_tables.toml`, with `@kommuner` expanded."""
    with open(TABLES_TOML, "rb") as f:
        raw = tomllib.load(f)
    tables = {}
    for table_id, entry in raw.items():
        if entry["frequency"] not in FREQUENCIES:
            raise ValueError(f"{TABLES_TOML.name} [{table_id}]: frequency must be one of {FREQUENCIES}")
        if entry["area"] not in entry["variables"]:
            raise ValueError(f"{TABLES_TOML.name} [{table_id}]: area {entry['area']!r} is not among its variables")
        variables = {
            variable: tuple(
                code for value in values for code in (kommune_codes() if value == KOMMUNER_TOKEN else [value])
            )
            for variable, values in entry["variables"].items()
        }
        tables[table_id] = StatbankTable(
            table_id,
            entry["title"],
            entry["frequency"],
            entry["release"],
            entry["area"],
            entry["verified"],
            variables,
            dict(entry.get("totals", {})),
        )
    return tables


def _code_rows() -> list[dict[str, str]]:
    """dst_koder.csv plus OMRÅDE from kommuner.csv: every kommune (and Christiansø) and region, by name."""
    rows = _read_csv(CODES_CSV)
    for row in _read_csv(KOMMUNER_CSV):
        for code, name in ((row["kommunekode"], row["kommunenavn"]), (row["regionskode_dst"], row["regionsnavn"])):
            rows.append({"tabel": ALL_TABLES, "variabel": "OMRÅDE", "kode": code, "tekst_da": name, "tekst_en": name})
    return rows


@cache
def label_codes(table_id: str | None) -> dict[str, dict[str, dict[str, str]]]:
    """variable -> language -> label -> code for `table_id`; None gives only the lists that hold for every table.

    A list for the table itself replaces the all-tables list of the same variable (KØN is 1/2 in
    FOLK1A and M/K in PEND101).
    """
    general: dict = defaultdict(lambda: {lang: {} for lang in LANGUAGES})
    specific: dict = defaultdict(lambda: {lang: {} for lang in LANGUAGES})
    for row in _code_rows():
        if row["tabel"] == ALL_TABLES:
            target = general
        elif row["tabel"] == table_id:
            target = specific
        else:
            continue
        for lang in LANGUAGES:
            label = row[f"tekst_{lang}"].strip()
            if not label:
                continue
            known = target[row["variabel"]][lang].setdefault(label, row["kode"])
            if known != row["kode"]:
                raise ValueError(
                    f"{CODES_CSV.name}: {row['variabel']} label {label!r} stands for both {known} and {row['kode']}"
                )
    return {**general, **specific}
