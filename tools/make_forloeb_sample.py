"""Write data/sample/personer/maalgruppeforloeb.csv: synthetic målgruppeforløb, no real person in it.

Deterministic (a fixed seed). Ids are `S` and five digits, never CPR-like; every row says
`datagrundlag = sample-synthetic`. Three kommuner, 2023-01 to 2025-06; most persons have two or three
forløb, some overlapping, some with gaps over and under the 31-day look-back, some still open.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from pipelines.settings import REFERENCE_DIR, SAMPLE_DIR

TARGET = SAMPLE_DIR / "personer" / "maalgruppeforloeb.csv"
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
            rows.append([f"S{n:05d}", kommune, label, start.strftime(style), "" if open_ else end.strftime(style),
                         "sample-synthetic"])
            start = end + timedelta(days=rng.choice([-10, 1, 14, 30, 45, 90]))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["person_id", "kommune", "maalgruppe", "startdato", "slutdato", "datagrundlag"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
