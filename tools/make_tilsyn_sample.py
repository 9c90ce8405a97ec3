"""Write the bundled fokusmål count sample: data/sample/tilsyn/fokusmaal_taelling.csv (synthetic).

No public source of the monthly fokusmål counts was found, so these are invented numbers with a
plausible size, in the documented extract format (pipelines/sources/tilsyn_extract.py), for all
98 kommuner, 2020M01–2024M06: `samtaler_4` throughout, `tilbud_225t` in 2020–2022 and
`tilbud_100t` from 2023 (the measurements the rule sets in pipelines/config/tilsyn_regler.toml
use). Eligible citizens are about 3 % of the kommune's population aged 16–66 (the estimate
data/sample/statbank/befolkning_16_66_estimat.csv); shares vary by kommune and month, and the
samtaler share dips in the COVID dead period (April–May 2020).

One anchor is not random: Herning (657), 2020M10, carries the published month of the Herning 2020
Jobcenterindblik report, samtaler 1,589 of 1,719 (92.4 %) and tilbud 1,423 of 1,602 (88.8 %). The
monthly series behind the report's 12-month averages is unknown, so every other Herning month is
synthetic like the rest: never read these numbers as statistics.

Seeded, reads only project files: running it again gives the same bytes.
Run from the project root: `.venv/bin/python tools/make_tilsyn_sample.py`.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
OUT = SAMPLE_DIR / "tilsyn" / "fokusmaal_taelling.csv"
KOMMUNER = PROJECT_ROOT / "data" / "reference" / "kommuner.csv"
POPULATION = SAMPLE_DIR / "statbank" / "befolkning_16_66_estimat.csv"
SEED = 20261123
HEADER = "Periode;Område;Fokusmål;Berettigede;Opfyldt"
MONTHS = [(y, m) for y in range(2020, 2025) for m in range(1, 13) if (y, m) <= (2024, 6)]
HERNING = "657"
# The published Herning month: (periode, maaling) -> (berettigede, opfyldt).
ANCHORS = {("2020M10", "samtaler_4"): (1719, 1589), ("2020M10", "tilbud_225t"): (1602, 1423)}
# Samtaler were hardly counted in the dead period (1–11 March, 27 May–30 June only).
COVID_DIP = {(2020, 3): 0.05, (2020, 4): 0.12, (2020, 5): 0.10, (2020, 6): 0.03}


def measurements(year: int) -> list[str]:
    return ["samtaler_4", "tilbud_225t" if year <= 2022 else "tilbud_100t"]


def rows() -> list[str]:
    rng = random.Random(SEED)
    with open(POPULATION, encoding="utf-8") as f:
        population = {r["kommunekode"]: int(r["befolkning_16_66_estimat"]) for r in csv.DictReader(f)}
    with open(KOMMUNER, encoding="utf-8") as f:
        kommuner = [(r["kommunekode"], r["kommunenavn"]) for r in csv.DictReader(f) if r["er_kommune"] == "true"]
    assert len(kommuner) == 98, len(kommuner)
    out = [HEADER]
    for code, name in kommuner:
        base = max(40, round(population[code] * 0.030))
        # Kommune effects: most kommuner meet the goals, some do not.
        level = {"samtaler_4": rng.uniform(0.72, 0.95), "tilbud_225t": rng.uniform(0.74, 0.95)}
        level["tilbud_100t"] = min(0.97, level["tilbud_225t"] + rng.uniform(-0.06, 0.04))
        for year, month in MONTHS:
            periode = f"{year}M{month:02d}"
            for maaling in measurements(year):
                if code == HERNING and (periode, maaling) in ANCHORS:
                    eligible, met = ANCHORS[(periode, maaling)]
                else:
                    eligible = max(20, round(base * rng.uniform(0.9, 1.1) * (0.93 if "tilbud" in maaling else 1.0)))
                    share = level[maaling] + rng.uniform(-0.04, 0.04)
                    if maaling == "samtaler_4":
                        share -= COVID_DIP.get((year, month), 0.0)
                    met = min(eligible, max(0, round(eligible * share)))
                out.append(f"{periode};{name};{maaling};{eligible};{met}")
    return out


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(("\n".join(rows()) + "\n").encode("utf-8"))
    print(f"wrote {OUT.relative_to(PROJECT_ROOT)} ({len(rows()) - 1} rows)")


if __name__ == "__main__":
    main()
