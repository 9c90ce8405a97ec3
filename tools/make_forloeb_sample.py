"""Write data/sample/personer/: synthetic målgruppeforløb and a synthetic DREAM extract, no real person in them.

Deterministic (fixed seeds). Ids are `S` and five digits, never CPR-like; every row says
`datagrundlag = sample-synthetic`. Three kommuner. Målgruppeforløb 2023-01 to 2025-06: most persons have
two or three forløb, some overlapping, some with gaps over and under the 31-day look-back, some still
open. DREAM: one row per person, a `y_YYWW` column per week 2024W01..2025W26, runs of a code (mostly
4-12 weeks) and runs without one, with a few one- and two-week breaks that the gap rule bridges.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta

from pipelines.settings import REFERENCE_DIR, SAMPLE_DIR

TARGET = SAMPLE_DIR / "personer" / "maalgruppeforloeb.csv"
DREAM_TARGET = SAMPLE_DIR / "personer" / "dream.csv"
# DREAM codes (data/reference/dream_koder.csv) with weights: dagpenge, kontanthjælp, sygedagpenge,
# jobafklaring, ressourceforløb, ledighedsydelse, SU (a status, no ydelsesgruppe).
DREAM_CODES = [(111, 30), (730, 25), (890, 20), (811, 8), (750, 7), (771, 5), (651, 5)]
KOMMUNER = ["Herning", "756", "Holstebro"]  # by name or by code, as case systems write them
FIRST, LAST = date(2023, 1, 1), date(2025, 6, 30)


def main(persons: int = 600) -> None:
    rng = random.Random(12)
    with (REFERENCE_DIR / "maalgrupper.csv").open(encoding="utf-8") as f:
        labels = [row["maalgruppe"] for row in csv.DictReader(f)]
    common = labels[:3] + ["Sygedagpengemodtagere", "Borgere i jobafklaring", "Ressourceforløbsmodtagere"]
    rows = []
    for n in range(persons):
        kommune = KOMMUNER[n % len(KOMMUNER)]
        start = FIRST + timedelta(days=rng.randrange(0, 700))
        for _ in range(rng.choice([1, 2, 2, 3])):
            if start > LAST:
                break
            length = rng.choice([20, 45, 90, 120, 200, 400])
            end = start + timedelta(days=length)
            open_ = end > LAST
            label = rng.choice(common if rng.random() < 0.8 else labels)
            style = "%d-%m-%Y" if rng.random() < 0.3 else "%Y-%m-%d"
            rows.append(
                [
                    f"S{n:05d}",
                    kommune,
                    label,
                    start.strftime(style),
                    "" if open_ else end.strftime(style),
                    "sample-synthetic",
                ]
            )
            start = end + timedelta(days=rng.choice([-10, 1, 14, 30, 45, 90]))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["person_id", "kommune", "maalgruppe", "startdato", "slutdato", "datagrundlag"])
        writer.writerows(rows)


def dream_weeks() -> list[str]:
    """The `y_YYWW` columns from ISO week 2024W01 to 2025W26."""
    monday, last = date.fromisocalendar(2024, 1, 1), date.fromisocalendar(2025, 26, 1)
    columns = []
    while monday <= last:
        year, week, _ = monday.isocalendar()
        columns.append(f"y_{year % 100:02d}{week:02d}")
        monday += timedelta(weeks=1)
    return columns


def dream(persons: int = 300) -> None:
    rng = random.Random(13)
    codes, weights = zip(*DREAM_CODES, strict=True)
    columns = dream_weeks()
    rows = []
    for n in range(persons):
        cells: list[str] = []
        while len(cells) < len(columns):
            if rng.random() < 0.5:
                code = str(rng.choices(codes, weights)[0])
                run = [code] * rng.choice([2, 4, 6, 8, 10, 12, 16])
                if len(run) > 4 and rng.random() < 0.3:  # a short break inside the run
                    run[len(run) // 2] = ""
                cells += run
            else:
                cells += [""] * rng.choice([2, 4, 8, 12])
        rows.append([f"S{n:05d}", KOMMUNER[n % len(KOMMUNER)], *cells[: len(columns)], "sample-synthetic"])
    with DREAM_TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["person_id", "kommune", *columns, "datagrundlag"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
    dream()
