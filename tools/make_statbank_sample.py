"""Write the bundled StatBank sample: tableinfo for every sample table and synthetic BULK bodies.

No real AUF01, AUF02, RAS201 or PEND101 data has been found, so their sample bodies are
generated: all 98 kommuner (and hele landet where the table has it) in the shape of a real BULK
answer (variable ids as header, codes, `;`). Sizes follow each kommune's population aged 16-66,
estimated from the real y30r21 benchmark in the jobindsats sample as forventet antal / forventet
andel; that estimate is written out too. FOLK1A's body is real and not made here; its tableinfo
is built from the code lists. Seeded, reads only project files: running it again gives the same
bytes. Run from the project root: `.venv/bin/python tools/make_statbank_sample.py`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from pipelines import settings  # noqa: E402
from pipelines.sources.statbank_tables import CODES_CSV, KOMMUNER_CSV, kommune_codes  # noqa: E402

SEED = 20261122
OUT_DIR = settings.SAMPLE_DIR / "statbank"
Y30R21 = settings.SAMPLE_DIR / "jobindsats" / "y30r21.json"
BENCHMARK_PERIOD = "2022QMAT04"
BENCHMARK_GROUP = "Ydelsesgrupper i alt"
REGIONS = ("081", "082", "083", "084", "085")
SYNTHETIC = (
    "SYNTHETIC: made by tools/make_statbank_sample.py, not recorded from DST. Variable ids inferred from the "
    "2022 /v1/tables catalogue texts; value lists cut to what the pipeline requests, with invented ids where "
    "marked in data/PROVENANCE.md. Replace with a live POST /v1/tableinfo before relying on it."
)
CONSTRUCTED = (
    "CONSTRUCTED: not a recorded DST response. Built by tools/make_statbank_sample.py in the shape of a real "
    "tableinfo (METROX1) from the code lists in data/reference (dst_koder.csv, kommuner.csv)."
)


def _months(first_year: int, first_month: int, count: int) -> list[str]:
    return [f"{first_year + (first_month - 1 + i) // 12}M{(first_month - 1 + i) % 12 + 1:02d}" for i in range(count)]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def population_16_66() -> dict[str, int]:
    """Each kommune's population 16-66 implied by the benchmark: forventet antal / (forventet andel / 100)."""
    payload = json.loads(Y30R21.read_text(encoding="utf-8"))
    columns = payload["columns"]
    name, period, group = columns.index("Område"), columns.index("Periode"), columns.index("Ydelsesgrupper")
    count = next(i for i, c in enumerate(columns) if c.endswith("Forventet antal"))
    share = next(i for i, c in enumerate(columns) if c.endswith("Forventet andel (pct.)"))
    code_of = {row["kommunenavn"]: row["kommunekode"] for row in _read_csv(KOMMUNER_CSV)}
    estimate = {
        code_of[row[name]]: round(row[count] / (float(row[share].replace(",", ".")) / 100))
        for row in payload["rows"]
        if row[period] == BENCHMARK_PERIOD and row[group] == BENCHMARK_GROUP
    }
    return {code: estimate[code] for code in kommune_codes()}


def _value(code: str, text: str) -> dict:
    return {"id": code, "text": text}


def _variable(var_id: str, text: str, values: list[dict], elimination: bool = True, time: bool = False) -> dict:
    return {"id": var_id, "text": text, "elimination": elimination, "time": time, "values": values}


def _areas(with_country: bool, with_regions: bool, with_christiansoe: bool) -> list[dict]:
    """OMRÅDE values in DST order: hele landet, then each region followed by its kommuner."""
    rows = sorted(_read_csv(KOMMUNER_CSV), key=lambda row: int(row["dst_sortering"]))
    values = [_value("000", "Hele landet")] if with_country else []
    region = None
    for row in rows:
        if with_regions and row["regionskode_dst"] != region:
            region = row["regionskode_dst"]
            values.append(_value(region, row["regionsnavn"]))
        if row["er_kommune"] == "true" or with_christiansoe:
            values.append(_value(row["kommunekode"], row["kommunenavn"]))
    return values


def _coded(table: str, variable: str) -> list[dict]:
    return [
        _value(r["kode"], r["tekst_da"])
        for r in _read_csv(CODES_CSV)
        if r["tabel"] == table and r["variabel"] == variable
    ]


def _tableinfo(table_id: str, text: str, variables: list[dict], note: str, updated: str) -> dict:
    texts = [v["text"] for v in variables]
    return {
        "id": table_id,
        "text": text,
        "description": f"{text} efter {', '.join(texts[:-1])} og {texts[-1]}",
        "unit": "Antal",
        "suppressedDataValue": "0",
        "updated": updated,
        "active": True,
        "contacts": [],
        "documentation": None,
        "footnote": None,
        "variables": variables,
        "jobindblik_note": note,
    }


def _bulk(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def folk1a_tableinfo() -> dict:
    quarters = [f"{year}K{q}" for year in range(2008, 2021) for q in range(1, 5)][:-3]
    variables = [
        _variable("OMRÅDE", "område", _areas(True, True, True)),
        _variable("KØN", "køn", _coded("FOLK1A", "KØN")),
        _variable("ALDER", "alder", _coded("FOLK1A", "ALDER")),
        _variable("CIVILSTAND", "civilstand", _coded("FOLK1A", "CIVILSTAND")),
        _variable("Tid", "tid", [_value(q, q) for q in quarters], elimination=False, time=True),
    ]
    return _tableinfo("FOLK1A", "Folketal den 1. i kvartalet", variables, CONSTRUCTED, "2020-02-11T08:00:00")


def _auf(table_id: str, text: str, months: list[str], unemployed: dict[str, list[int]]) -> tuple[dict, bytes]:
    total = [_value("TOT", "I alt")]
    variables = [
        _variable("OMRÅDE", "område", _areas(True, True, False)),
        _variable("YDELSESTYPE", "ydelsestype", total),
        _variable("AKASSE", "a-kasse", total),
        _variable("ALDER", "alder", total),
        _variable("KØN", "køn", [_value("TOT", "I alt"), _value("M", "Mænd"), _value("K", "Kvinder")]),
        _variable("Tid", "tid", [_value(m, m) for m in months], elimination=False, time=True),
    ]
    rows = [
        [area, "TOT", "TOT", "TOT", "TOT", month, str(count)]
        for area, counts in unemployed.items()
        for month, count in zip(months, counts, strict=True)
    ]
    header = [v["id"].upper() for v in variables] + ["INDHOLD"]
    return _tableinfo(table_id, text, variables, SYNTHETIC, "2025-02-10T08:00:00"), _bulk(header, rows)


def auf_tables(rng: random.Random, population: dict[str, int]) -> dict[str, tuple[dict, bytes]]:
    """Fuldtidsledige: 1.5-3.2 % of a kommune's 16-66 year olds, more in winter; AUF02 revises AUF01 slightly."""
    months = _months(2023, 1, 24)
    preliminary: dict[str, list[int]] = {}
    for code, people in population.items():
        rate = rng.uniform(0.015, 0.032)
        preliminary[code] = [
            round(people * rate * (1 + 0.06 * math.cos(2 * math.pi * (int(m[-2:]) - 1) / 12)) * rng.gauss(1, 0.02))
            for m in months
        ]
    final = {code: [round(c * rng.gauss(1, 0.004)) for c in counts[:18]] for code, counts in preliminary.items()}
    with_country = {"000": [sum(col) for col in zip(*preliminary.values(), strict=True)], **preliminary}
    final_with_country = {"000": [sum(col) for col in zip(*final.values(), strict=True)], **final}
    return {
        "AUF01": _auf("AUF01", "Fuldtidsledige (foreløbig opgørelse)", months, with_country),
        "AUF02": _auf("AUF02", "Fuldtidsledige", months[:18], final_with_country),
    }


def ras201(rng: random.Random, population: dict[str, int]) -> tuple[dict, bytes]:
    """Socioeconomic status at the end of November: employed, unemployed, outside, and their total."""
    years = [str(y) for y in range(2019, 2024)]
    socio = [
        _value("TOT", "I alt"),
        _value("100", "Beskæftigede"),
        _value("200", "Arbejdsløse"),
        _value("300", "Uden for arbejdsstyrken"),
    ]
    counts: dict[str, dict[str, list[int]]] = {}
    for code, people in population.items():
        everyone, employed, unemployed = rng.uniform(1.45, 1.65), rng.uniform(0.70, 0.80), rng.uniform(0.02, 0.035)
        by_year = {"TOT": [], "100": [], "200": [], "300": []}
        for i in range(len(years)):
            total = round(people * everyone * (1.004**i))
            work = round(people * employed * (1.01**i) * rng.gauss(1, 0.005))
            idle = round(people * unemployed * rng.gauss(1, 0.05))
            for key, value in (("TOT", total), ("100", work), ("200", idle), ("300", total - work - idle)):
                by_year[key].append(value)
        counts[code] = by_year
    counts = {
        "000": {s: [sum(c[s][i] for c in counts.values()) for i in range(len(years))] for s in counts["101"]},
        **counts,
    }
    total = [_value("TOT", "I alt")]
    variables = [
        _variable("OMRÅDE", "område", _areas(True, True, False)),
        _variable("SOCIO", "socioøkonomisk status", socio),
        _variable("HERKOMST", "herkomst", total),
        _variable("ALDER", "alder", total),
        _variable("KØN", "køn", [_value("TOT", "I alt"), _value("M", "Mænd"), _value("K", "Kvinder")]),
        _variable("Tid", "tid", [_value(y, y) for y in years], elimination=False, time=True),
    ]
    rows = [
        [area, s["id"], "TOT", "TOT", "TOT", year, str(by_socio[s["id"]][i])]
        for area, by_socio in counts.items()
        for s in socio
        for i, year in enumerate(years)
    ]
    header = [v["id"].upper() for v in variables] + ["INDHOLD"]
    return _tableinfo("RAS201", "Befolkningen (ultimo november)", variables, SYNTHETIC, "2025-03-20T08:00:00"), _bulk(
        header, rows
    )


def pend101(rng: random.Random, population: dict[str, int]) -> tuple[dict, bytes]:
    """Day population (jobs located in the kommune) by sex; København draws commuters, suburbs send them."""
    years = [str(y) for y in range(2019, 2024)]
    rows = []
    for code, people in population.items():
        jobs = people * 0.78 * math.exp(rng.gauss(0, 0.18)) * (1.35 if code == "101" else 1.0)
        men = rng.uniform(0.50, 0.54)
        for i, year in enumerate(years):
            day = jobs * (1.01**i) * rng.gauss(1, 0.005)
            rows.append([code, "TOT", "DAG", "M", year, str(round(day * men))])
            rows.append([code, "TOT", "DAG", "K", year, str(round(day * (1 - men)))])
    variables = [
        _variable("OMRÅDE", "område", _areas(False, False, False)),
        _variable("BRANCHE07", "branche (DB07)", [_value("TOT", "I alt")]),
        _variable(
            "PENDLING",
            "pendling",
            [
                _value("NAT", "Natbefolkning"),
                _value("DAG", "Dagbefolkning"),
                _value("IND", "Indpendlere"),
                _value("UD", "Udpendlere"),
            ],
        ),
        _variable("KØN", "køn", [_value("M", "Mænd"), _value("K", "Kvinder")], elimination=False),
        _variable("Tid", "tid", [_value(y, y) for y in years], elimination=False, time=True),
    ]
    rows.sort(key=lambda row: (kommune_codes().index(row[0]), row[3] == "K", row[4]))
    header = [v["id"].upper() for v in variables] + ["INDHOLD"]
    return _tableinfo("PEND101", "Beskæftigede (ultimo november)", variables, SYNTHETIC, "2025-03-20T08:00:00"), _bulk(
        header, rows
    )


def _json(payload: dict) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build() -> dict[str, bytes]:
    """Every generated file: name (relative to data/sample/statbank) -> bytes."""
    rng = random.Random(SEED)
    population = population_16_66()
    weights = io.StringIO()
    writer = csv.writer(weights, lineterminator="\n")
    writer.writerow(["kommunekode", "befolkning_16_66_estimat"])
    writer.writerows(population.items())
    files = {
        "befolkning_16_66_estimat.csv": weights.getvalue().encode("utf-8"),
        "tableinfo_folk1a.json": _json(folk1a_tableinfo()),
    }
    generated = {**auf_tables(rng, population), "RAS201": ras201(rng, population), "PEND101": pend101(rng, population)}
    for table_id, (info, body) in generated.items():
        files[f"tableinfo_{table_id.lower()}.json"] = _json(info)
        files[f"{table_id.lower()}_bulk.csv"] = body
    return files


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (OUT_DIR / name).write_bytes(content)
        print(f"wrote {OUT_DIR / name} ({len(content):,} bytes)")


if __name__ == "__main__":
    main()
