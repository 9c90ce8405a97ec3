"""Write the SYNTHETIC part of the bundled jobindsats sample (datagrundlag `sample-synthetic`).

Run from the project root: `python tools/make_jobindsats_sample.py`. It reads only project files
(the real sample bodies y30r21, y25i01 and y60a02 under `data/sample/jobindsats/`) and writes
one jobindsats v3-shaped body per table:

    ptv_a02   fuldtidspersoner on public support by ydelsesgruppe, monthly 2024M08-2026M07
    y01a21    A-dagpenge forløb by varighed, quarterly 2024Q01-2026Q02
    y01a27    afsluttede A-dagpenge forløb: antal by varighed and gennemsnitlig varighed, quarterly
    y07a07    the same for sygedagpenge, quarterly
    y01b15    arbejdsmarkedsstatus 1 and 3 months after an afsluttet A-dagpenge forløb, quarterly
              2024Q01-2026Q01 (2026Q02 has no observable status yet at the sample's cut, 2026M07)

Every number in these files is generated. They are shaped to be plausible, never to be quoted:
kommune sizes come from the real benchmark (16-66-year-olds N = forventet antal / forventet
andel), kommune profiles from the real benchmark shares and the real y25i01/y60a02 kommune
series, and national levels from the real y25i01 and y60a02 national series where one exists;
the other national levels are rough orders of magnitude chosen here (SYNTHETIC_LEVELS). Hele
landet is the sum of the kommuner plus a small "uoplyst område" remainder, so, as in the real
data, the national figure is not the kommune sum. Small kommune counts are discretionised
(null) below DISCRETION_THRESHOLD.

Deterministic: every random stream is seeded from SEED and the names of what it draws for, and
the noise uses only arithmetic on `random.random()` (no libm), so two runs, on any platform,
write byte-identical files.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample" / "jobindsats"

SEED = "jobindblik-synthetic-sample-1"
DISCRETION_THRESHOLD = 5  # kommune counts 1..4 become null (the domain's older rule: below 5)
HELE_LANDET = "Hele landet"
CUT = "2026M07"  # the last month the sample pretends to know, as the real monthly series

MONTHS = [f"{y}M{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13) if "2024M08" <= f"{y}M{m:02d}" <= CUT]
QUARTERS = [f"{y}Q{q:02d}" for y in (2024, 2025, 2026) for q in range(1, 5) if f"{y}Q{q:02d}" <= "2026Q02"]
# The groups beyond A-dagpenge (and y07a07) and the tilbud tables keep the sample (and its run
# time) small: two quarters (2025Q04, 2026Q01: a 3-month development and both statuses of
# 2025Q04), and the months of one year (2025) for a year average.
GROUP_QUARTERS = QUARTERS[-3:-1]
TILBUD_MONTHS = [m for m in MONTHS if m.startswith("2025")]

# --- ptv_a02 -------------------------------------------------------------------------------
PTV_TOTAL = "Ydelsesgrupper i alt"
# label, national level source, kommune profile, persons per fuldtidsperson, yearly trend,
# seasonal profile. National levels are SYNTHETIC orders of magnitude except where `real:` says
# which real national series the group follows.
PTV_GROUPS: list[tuple[str, str, str, float, float, str]] = [
    ("A-dagpenge", "real:y25i01/A-dagpenge*1.05", "real:y25i01/A-dagpenge", 1.22, 0.0, "flat"),
    ("Kontanthjælp", "real:y60a02", "real:y60a02", 1.03, 0.0, "flat"),
    ("Selvforsørgelses- og hjemrejseydelse mv.", "9000", "bm:Kontanthjælp mv.^1.6", 1.05, -0.04, "flat"),
    ("Sygedagpenge", "61000", "bm:Sygedagpenge mv.", 1.15, 0.01, "winter"),
    ("Jobafklaringsforløb", "13500", "bm:Sygedagpenge mv.", 1.02, 0.02, "flat"),
    ("Ressourceforløb", "26000", "bm:Kontanthjælp mv.", 1.02, 0.02, "flat"),
    ("Ledighedsydelse", "14500", "bm:Ydelsesgrupper i alt", 1.06, 0.0, "summer"),
    ("Fleksjob", "84000", "bm:Ydelsesgrupper i alt^0.5", 1.03, 0.02, "flat"),
    ("Førtidspension", "158000", "bm:Ydelsesgrupper i alt^1.2", 1.005, -0.015, "flat"),
]
PTV_COLUMNS = [
    "Periode",
    "Område",
    "Ydelsesgrupper",
    "Antal personer",
    "Antal fuldtidspersoner",
    "Fuldtidspersoner i pct. af befolkningen 16-66 år",
]
# Month-of-year factors (index 0 = January), written out so no trigonometry is needed.
SEASONS = {
    "flat": [1.0] * 12,
    "winter": [1.06, 1.07, 1.04, 1.0, 0.97, 0.95, 0.93, 0.94, 0.98, 1.01, 1.03, 1.02],
    "summer": [0.98, 0.98, 0.99, 1.0, 1.0, 1.02, 1.04, 1.03, 1.0, 0.99, 0.98, 0.99],
}

# --- varighed ------------------------------------------------------------------------------
Y01A21_TOTAL = "Varighed i alt"
Y01A21_BUCKETS = ["0-13 uger", "14-26 uger", "27-39 uger", "40-52 uger", "53 uger og derover"]
Y01A21_SHARES = [0.38, 0.22, 0.13, 0.09, 0.18]  # synthetic: a stock holds more long forløb than the exits do

# The bucket labels of afsluttede forløb as the real y01a27 columns end (region-level dashboard
# extract); the base shares are the real five-region sum for 2026M06 (see data/PROVENANCE.md).
DURATION_BUCKETS = ["under 2 uger", "2-4 uger", "5-13 uger", "14-26 uger", "27-39 uger", "40-52 uger", "over 52 uger"]
BUCKET_MEAN_WEEKS = [1.0, 3.0, 9.0, 20.0, 33.0, 46.0, 70.0]  # synthetic: the mean weeks inside each bucket
Y01A27_SHARES = [0.066, 0.139, 0.226, 0.254, 0.114, 0.084, 0.118]
Y07A07_SHARES = [0.10, 0.18, 0.33, 0.20, 0.08, 0.05, 0.06]  # synthetic: sygedagpenge forløb are shorter
# Real five regions, 2026M06: 14,676 afsluttede A-dagpenge forløb in the month against 77,847
# A-dagpenge fuldtidspersoner (2026M07): about 0.19 exits per fuldtidsperson per month.
Y01A27_EXITS_PER_FULDTID_MONTH = 0.189
Y07A07_EXITS_PER_QUARTER = 50000  # synthetic order of magnitude
DURATION_PREFIX = "Antal afsluttede forløb fordelt på varighed: "
AVERAGE_LABEL = "Gnsn. varighed af afsluttede forløb (uger)"

# --- y01b15 --------------------------------------------------------------------------------
# Real status labels (region-level y01b15, 2025Q04) and, for 3 months, the mean of the real
# shares of the five regions. The 1-month shares are synthetic (a forløb has just ended, so few
# are back on A-dagpenge after one month).
STATUSES = [
    ("Lønmodtagerbeskæftigelse", 66.0, 64.3),
    ("A-dagpenge", 2.0, 11.5),
    ("Sygedagpenge", 7.5, 8.9),
    ("Selvforsørgelse", 11.0, 6.9),
    ("Uddannelse", 4.0, 3.0),
    ("Barselsdagpenge", 2.5, 1.0),
    ("Andet", 2.6, 1.4),
    ("Kontanthjælp", 1.4, 0.9),
    ("Folkepension", 1.1, 0.8),
    ("Efterløn og fleksydelse", 0.9, 0.5),
    ("Førtids-, senior- og tidlig pension", 0.6, 0.5),
    ("Jobafklaringsforløb", 0.4, 0.2),
]
STATUS_TOTAL = "I alt"
# The other groups' b15 tables hold the main statuses only, the rest in "Andet" (a smaller sample).
MAIN_STATUSES = {
    "Lønmodtagerbeskæftigelse",
    "A-dagpenge",
    "Sygedagpenge",
    "Selvforsørgelse",
    "Uddannelse",
    "Kontanthjælp",
}
GROUP_STATUSES = [s for s in STATUSES if s[0] in MAIN_STATUSES]
GROUP_STATUSES.append(
    ("Andet", round(100 - sum(s[1] for s in GROUP_STATUSES), 1), round(100 - sum(s[2] for s in GROUP_STATUSES), 1))
)
STATUS_HORIZONS = [1, 3]
PUBLICATION_LAG_MONTHS = 3  # a status m months after the quarter is published about 3 months later


def status_label(months: int, what: str) -> str:
    return f"Status {months} mdr. efter afsluttet forløb, {what}"


# --- small deterministic helpers ------------------------------------------------------------
SQRT3 = 1.7320508075688772


def stream(*parts: object) -> random.Random:
    """A random stream named by what it is for, so its draws never depend on iteration order."""
    return random.Random("|".join([SEED, *map(str, parts)]))


def z(r: random.Random) -> float:
    """About N(0, 1): the centred sum of four uniforms, scaled. Only arithmetic, so portable."""
    return (r.random() + r.random() + r.random() + r.random() - 2.0) * SQRT3


def factor(r: random.Random, sd: float, floor: float = 0.5) -> float:
    return max(floor, 1.0 + sd * z(r))


def ar_noise(r: random.Random, n: int, sd: float, rho: float = 0.7) -> list[float]:
    """n multiplicative factors whose log-ish deviations follow an AR(1): smooth month to month."""
    out, e = [], sd * z(r)
    scale = (1 - rho * rho) ** 0.5
    for _ in range(n):
        out.append(max(0.5, 1.0 + e))
        e = rho * e + scale * sd * z(r)
    return out


def suppress(value: int | None) -> int | None:
    if value is None or 0 < value < DISCRETION_THRESHOLD:
        return None
    return value


def pct(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole * 100, 1)


def split(total: int, shares: list[float]) -> list[int]:
    """Whole numbers in proportion to `shares` that add up to `total` (largest remainder)."""
    s = sum(shares)
    raw = [total * x / s for x in shares]
    ints = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - ints[i]), i))
    for i in order[: total - sum(ints)]:
        ints[i] += 1
    return ints


def normalise(weights: dict[str, float]) -> dict[str, float]:
    s = sum(weights.values())
    return {k: v / s for k, v in weights.items()}


def month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:]) - 1


def quarter_months(quarter: str) -> list[str]:
    y, q = int(quarter[:4]), int(quarter[5:])
    return [f"{y}M{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


# --- inputs (project files only) ------------------------------------------------------------
def read_body(sample_dir: Path, table: str) -> list[dict]:
    body = json.loads((sample_dir / f"{table}.json").read_text(encoding="utf-8"))
    return [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]


def decimal(value: object) -> float:
    return float(value.replace(",", ".")) if isinstance(value, str) else float(value)


class Inputs:
    """What the generator takes from the real sample files."""

    def __init__(self, sample_dir: Path):
        y30 = read_body(sample_dir, "y30r21")
        y25 = read_body(sample_dir, "y25i01")
        y60 = read_body(sample_dir, "y60a02")
        fa = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: "
        fp = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: "
        # The kommune order of the real y25i01 body (DST code order), Hele landet left out.
        self.kommuner: list[str] = list(dict.fromkeys(r["Område"] for r in y25 if r["Område"] != HELE_LANDET))
        if set(self.kommuner) != {r["Område"] for r in y30}:
            raise SystemExit("y25i01 and y30r21 disagree on the 98 kommuner")
        # 16-66-year-olds: forventet (and faktisk) antal / andel, median over the 6 periods.
        estimates: dict[str, list[float]] = defaultdict(list)
        for r in y30:
            if r["Ydelsesgrupper"] == "Ydelsesgrupper i alt":
                estimates[r["Område"]].append(
                    r[fa + "Forventet antal"] / (decimal(r[fp + "Forventet andel (pct.)"]) / 100)
                )
                estimates[r["Område"]].append(r[fa + "Faktisk antal"] / (decimal(r[fp + "Faktisk andel (pct.)"]) / 100))
        self.population = {k: statistics.median(v) for k, v in estimates.items()}
        # Benchmark profile: a kommune's faktisk andel per group relative to the national andel.
        latest = max(r["Periode"] for r in y30)
        antal: dict[str, dict[str, float]] = defaultdict(dict)
        for r in y30:
            if r["Periode"] == latest:
                antal[r["Ydelsesgrupper"]][r["Område"]] = r[fa + "Faktisk antal"]
        total_pop = sum(self.population.values())
        self.bm_index: dict[str, dict[str, float]] = {}
        for group, by_area in antal.items():
            national = sum(by_area.values()) / total_pop
            self.bm_index[group] = {k: (v / self.population[k]) / national for k, v in by_area.items()}
        # Real national and kommune series (fuldtidspersoner) that some synthetic groups follow.
        self.series: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        for r in y25:
            if r["Ydelsesgrupper"] == "A-dagpenge" and r["Antal ledige fuldtidspersoner"] is not None:
                self.series["y25i01/A-dagpenge"][r["Område"]][r["Periode"]] = r["Antal ledige fuldtidspersoner"]
        for r in y25:
            if r["Ydelsesgrupper"] == "Kontanthjælp" and r["Antal ledige fuldtidspersoner"] is not None:
                self.series["y25i01/Kontanthjælp"][r["Område"]][r["Periode"]] = r["Antal ledige fuldtidspersoner"]
        for r in y60:
            if r["Antal fuldtidspersoner"] is not None:
                self.series["y60a02"][r["Område"]][r["Periode"]] = r["Antal fuldtidspersoner"]

    def national(self, series: str, period: str) -> float:
        return self.series[series][HELE_LANDET][period]

    def kommune_share(self, series: str, periods: Iterable[str]) -> dict[str, float]:
        periods = list(periods)
        return normalise({k: sum(self.series[series][k].get(p, 0) for p in periods) + 1e-9 for k in self.kommuner})

    def profile(self, spec: str) -> dict[str, float]:
        """Kommune weights (summing to 1) for a `bm:<benchmark group>^<power>` profile."""
        group, _, power = spec.removeprefix("bm:").partition("^")
        p = float(power) if power else 1.0
        return normalise({k: self.population[k] * self.bm_index[group][k] ** p for k in self.kommuner})


def uoplyst_rate(*parts: object) -> float:
    """The share of a national figure that no kommune holds ("Uoplyst område"): 0.05 % to 0.25 %."""
    return 0.0005 + 0.002 * stream("uoplyst", *parts).random()


# --- the tables --------------------------------------------------------------------------------
def make_ptv_a02(inp: Inputs) -> dict:
    values: dict[tuple[str, str, str], tuple[int, int]] = {}  # (area, period, group) -> (personer, fuldtid)
    for label, level, profile, ratio, trend, season in PTV_GROUPS:
        if profile.startswith("real:"):
            weights = inp.kommune_share(profile.removeprefix("real:"), MONTHS)
        else:
            weights = inp.profile(profile)
        u = uoplyst_rate("ptv_a02", label)
        persistent = {k: factor(stream("ptv_a02", "level", label, k), 0.06) for k in inp.kommuner}
        noise = {}
        for k in inp.kommuner:
            expected = float(level) if not level.startswith("real:") else 80000.0
            sd = 0.012 + 0.35 / (expected * weights[k] + 1) ** 0.5
            noise[k] = ar_noise(stream("ptv_a02", "month", label, k), len(MONTHS), sd)
        for t, period in enumerate(MONTHS):
            if level.startswith("real:"):
                series, _, scale = level.removeprefix("real:").partition("*")
                national = inp.national(series, period) * (float(scale) if scale else 1.0)
            else:
                national = float(level) * (1 + trend * t / 12) * SEASONS[season][int(period[5:]) - 1]
            raw = {k: weights[k] * persistent[k] * noise[k][t] for k in inp.kommuner}
            share = normalise(raw)
            kommune_total = national * (1 - u)
            sum_full, sum_pers = 0, 0
            for k in inp.kommuner:
                full = round(kommune_total * share[k])
                pers = max(full, round(full * ratio * factor(stream("ptv_a02", "pers", label, k, period), 0.01)))
                values[(k, period, label)] = (pers, full)
                sum_full += full
                sum_pers += pers
            rest = stream("ptv_a02", "rest", label, period)
            full_hl = sum_full + round(national * u * factor(rest, 0.1))
            pers_hl = max(full_hl, sum_pers + round((full_hl - sum_full) * ratio))
            values[(HELE_LANDET, period, label)] = (pers_hl, full_hl)
    population = dict(inp.population)
    population[HELE_LANDET] = sum(inp.population.values())
    rows = []
    for area in [HELE_LANDET, *inp.kommuner]:
        for period in MONTHS:
            parts = [values[(area, period, g[0])] for g in PTV_GROUPS]
            # A person can be on two benefits in one month: the total counts each person once.
            total_full = sum(f for _, f in parts)
            total_pers = round(sum(p for p, _ in parts) * 0.96)
            rows.append([period, area, PTV_TOTAL, total_pers, total_full, pct(total_full, population[area])])
            for (label, *_), (pers, full) in zip(PTV_GROUPS, parts, strict=True):
                if area != HELE_LANDET and suppress(pers) is None:
                    rows.append([period, area, label, None, None, None])
                else:
                    rows.append([period, area, label, pers, full, pct(full, population[area])])
    return {"columns": PTV_COLUMNS, "rows": rows}


def quarterly_a_dagpenge(inp: Inputs, quarter: str) -> tuple[float, dict[str, float]]:
    """Mean national A-dagpenge fuldtidspersoner in the quarter (real y25i01) and kommune shares."""
    months = quarter_months(quarter)
    national = sum(inp.national("y25i01/A-dagpenge", m) for m in months) / 3
    return national, inp.kommune_share("y25i01/A-dagpenge", months)


def kommune_totals(
    inp: Inputs, table: str, quarter: str, national: float, share: dict[str, float]
) -> tuple[dict[str, int], int]:
    """Kommune counts for one quarter and the national count (kommune sum + uoplyst)."""
    raw = {
        k: share[k] * factor(stream(table, "level", k), 0.06) * factor(stream(table, "q", k, quarter), 0.04)
        for k in inp.kommuner
    }
    share = normalise(raw)
    u = uoplyst_rate(table)
    counts = {k: round(national * (1 - u) * share[k]) for k in inp.kommuner}
    return counts, sum(counts.values()) + round(national * u * factor(stream(table, "rest", quarter), 0.1))


def tilted_shares(base: list[float], table: str, *parts: object, tilt: float, sd: float) -> list[float]:
    """`base` shares bent towards long (tilt > 0) or short buckets, plus noise; normalised."""
    n = len(base)
    r = stream(table, "shares", *parts)
    bent = [b * (1 + tilt * (2 * i / (n - 1) - 1)) * factor(r, sd, 0.3) for i, b in enumerate(base)]
    s = sum(bent)
    return [b / s for b in bent]


def forloeb_rows(
    inp: Inputs, table: str, quarterly: dict[str, tuple[float, dict[str, float]]], tilt_group: str
) -> dict:
    """Forløb in the quarter by varighed (y##a21): `quarterly` gives the national stock and kommune shares."""
    rows = []
    per_area: dict[tuple[str, str], list[int]] = {}
    for quarter in quarterly:
        national, share = quarterly[quarter]
        # Persons with a forløb at some point in the quarter: more than the fuldtid average.
        counts, _ = kommune_totals(inp, table, quarter, national * 1.25, share)
        sums = [0] * len(Y01A21_BUCKETS)
        for k in inp.kommuner:
            tilt = 0.25 * (inp.bm_index[tilt_group][k] - 1) + 0.05 * z(stream(table, "tilt", k))
            winter = 0.08 if quarter.endswith("Q01") else 0.0  # winter inflow: more short forløb
            shares = tilted_shares(Y01A21_SHARES, table, k, quarter, tilt=tilt - winter, sd=0.05)
            buckets = split(counts[k], shares)
            per_area[(k, quarter)] = buckets
            sums = [a + b for a, b in zip(sums, buckets, strict=True)]
        rest = stream(table, "rest-buckets", quarter)
        per_area[(HELE_LANDET, quarter)] = [
            s + round(s * uoplyst_rate(table, b) * factor(rest, 0.1)) for b, s in enumerate(sums)
        ]
    for area in [HELE_LANDET, *inp.kommuner]:
        for quarter in quarterly:
            buckets = per_area[(area, quarter)]
            keep = (lambda v: v) if area == HELE_LANDET else suppress
            rows.append([quarter, area, Y01A21_TOTAL, keep(sum(buckets))])
            rows.extend([quarter, area, label, keep(v)] for label, v in zip(Y01A21_BUCKETS, buckets, strict=True))
    return {"columns": ["Periode", "Område", "Varighed", "Antal forløb"], "rows": rows}


def make_y01a21(inp: Inputs) -> dict:
    return forloeb_rows(inp, "y01a21", {q: quarterly_a_dagpenge(inp, q) for q in QUARTERS}, "A-dagpenge mv.")


def completed_rows(
    inp: Inputs,
    table: str,
    base_shares: list[float],
    quarterly: dict[str, tuple[float, dict[str, float]]],
    tilt_group: str,
) -> tuple[dict, dict[tuple[str, str], int]]:
    """Afsluttede forløb by varighed (antal per bucket, total and mean weeks) for y01a27/y07a07."""
    buckets_of: dict[tuple[str, str], list[int]] = {}
    for quarter in quarterly:
        national, share = quarterly[quarter]
        counts, _ = kommune_totals(inp, table, quarter, national, share)
        sums = [0] * len(DURATION_BUCKETS)
        for k in inp.kommuner:
            tilt = 0.3 * (inp.bm_index[tilt_group][k] - 1) + 0.06 * z(stream(table, "tilt", k))
            buckets = split(counts[k], tilted_shares(base_shares, table, k, quarter, tilt=tilt, sd=0.06))
            buckets_of[(k, quarter)] = buckets
            sums = [a + b for a, b in zip(sums, buckets, strict=True)]
        rest = stream(table, "rest-buckets", quarter)
        buckets_of[(HELE_LANDET, quarter)] = [
            s + round(s * uoplyst_rate(table, b) * factor(rest, 0.1)) for b, s in enumerate(sums)
        ]
    rows = []
    for area in [HELE_LANDET, *inp.kommuner]:
        for quarter in quarterly:
            buckets = buckets_of[(area, quarter)]
            total = sum(buckets)
            weeks = sum(n * w for n, w in zip(buckets, BUCKET_MEAN_WEEKS, strict=True))
            r = stream(table, "weeks", area, quarter)
            mean = round(weeks / total * factor(r, 0.02), 1) if total else None
            if area == HELE_LANDET:
                rows.append([quarter, area, total, *buckets, mean])
            else:
                shown = suppress(total)
                rows.append([quarter, area, shown, *map(suppress, buckets), mean if shown is not None else None])
    columns = [
        "Periode",
        "Område",
        "Antal afsluttede forløb",
        *(DURATION_PREFIX + b for b in DURATION_BUCKETS),
        AVERAGE_LABEL,
    ]
    return {"columns": columns, "rows": rows}, {key: sum(v) for key, v in buckets_of.items()}


def make_y01a27(inp: Inputs) -> tuple[dict, dict[tuple[str, str], int]]:
    quarterly = {}
    for quarter in QUARTERS:
        national, share = quarterly_a_dagpenge(inp, quarter)
        quarterly[quarter] = (national * 3 * Y01A27_EXITS_PER_FULDTID_MONTH, share)
    return completed_rows(inp, "y01a27", Y01A27_SHARES, quarterly, "A-dagpenge mv.")


def make_y07a07(inp: Inputs) -> tuple[dict, dict[tuple[str, str], int]]:
    profile = inp.profile("bm:Sygedagpenge mv.")
    seasonal = {1: 1.08, 2: 0.98, 3: 0.93, 4: 1.01}
    quarterly = {
        q: (Y07A07_EXITS_PER_QUARTER * seasonal[int(q[5:])] * (1 + 0.01 * i / 4), profile)
        for i, q in enumerate(QUARTERS)
    }
    return completed_rows(inp, "y07a07", Y07A07_SHARES, quarterly, "Sygedagpenge mv.")


def status_known(quarter: str, months: int) -> bool:
    last_month = quarter_months(quarter)[-1]
    return month_index(last_month) + months + PUBLICATION_LAG_MONTHS <= month_index(CUT)


def status_rows(
    inp: Inputs,
    table: str,
    ended: dict[tuple[str, str], int],
    tilt_group: str,
    job: float,
    statuses: list[tuple[str, float, float]] = STATUSES,
) -> dict:
    """Status 1 and 3 months after the afsluttede forløb `ended` (y##b15); `job` scales the employment share."""
    quarters = [q for q in QUARTERS if (HELE_LANDET, q) in ended and any(status_known(q, m) for m in STATUS_HORIZONS)]
    counts: dict[tuple[str, str, int], list[int]] = {}
    for quarter in quarters:
        for months in STATUS_HORIZONS:
            base = [(s[1] if months == 1 else s[2]) * (job if i == 0 else 1.0) for i, s in enumerate(statuses)]
            sums = [0] * len(statuses)
            for k in inp.kommuner:
                # Kommuner with more of the group than expected see fewer forløb end in a job.
                tilt = 1 - 0.15 * (inp.bm_index[tilt_group][k] - 1) + 0.03 * z(stream(table, "job", k))
                r = stream(table, "shares", k, quarter, months)
                shares = [b * (tilt if i == 0 else 1.0) * factor(r, 0.08, 0.2) for i, b in enumerate(base)]
                split_counts = split(ended[(k, quarter)], shares)
                counts[(k, quarter, months)] = split_counts
                sums = [a + b for a, b in zip(sums, split_counts, strict=True)]
            rest = ended[(HELE_LANDET, quarter)] - sum(ended[(k, quarter)] for k in inp.kommuner)
            counts[(HELE_LANDET, quarter, months)] = [a + b for a, b in zip(sums, split(rest, base), strict=True)]
    columns = ["Periode", "Område", "Arbejdsmarkedsstatus"]
    for months in STATUS_HORIZONS:
        columns += [status_label(months, "antal"), status_label(months, "pct.")]
    rows = []
    for area in [HELE_LANDET, *inp.kommuner]:
        for quarter in quarters:
            totals = {m: sum(counts[(area, quarter, m)]) for m in STATUS_HORIZONS}
            for i, status in enumerate([STATUS_TOTAL, *(s[0] for s in statuses)]):
                row = [quarter, area, status]
                for months in STATUS_HORIZONS:
                    if not status_known(quarter, months):
                        row += [None, None]
                        continue
                    n = totals[months] if i == 0 else counts[(area, quarter, months)][i - 1]
                    if area != HELE_LANDET and suppress(n) is None:
                        row += [None, None]
                    else:
                        row += [n, pct(n, totals[months])]
                rows.append(row)
    return {"columns": columns, "rows": rows}


def make_y01b15(inp: Inputs, ended: dict[tuple[str, str], int]) -> dict:
    return status_rows(inp, "y01b15", ended, "A-dagpenge mv.", 1.0)


# --- the other groups' forløb families -----------------------------------------------------------
class Gruppe(NamedTuple):
    """A group's a21/a27/b15 tables; every level here is a SYNTHETIC order of magnitude."""

    prefix: str  # the jobindsats table prefix (y07 sygedagpenge, y60 kontanthjælp, ...)
    profile: str  # kommune weights: `bm:<benchmark group>` or `real:y60a02`
    tilt_group: str  # the benchmark group whose kommune index bends durations and job shares
    stock: float  # national fuldtidspersoner (for y60: the share of the real y60a02 national series)
    exits: float  # afsluttede forløb per fuldtidsperson per quarter
    shares: tuple[float, ...]  # bucket shares of afsluttede forløb (DURATION_BUCKETS)
    job: float  # the employment share after the forløb relative to A-dagpenge's
    kategori: str | None = None  # the visitationskategori of a y60 row


GRUPPER = [
    # y07's afsluttede forløb are y07a07 (make_y07a07): its exits and shares are those of that table.
    Gruppe(
        "y07",
        "bm:Sygedagpenge mv.",
        "Sygedagpenge mv.",
        61000,
        Y07A07_EXITS_PER_QUARTER / 61000,
        tuple(Y07A07_SHARES),
        1.1,
    ),
    Gruppe(
        "y12", "bm:Sygedagpenge mv.", "Sygedagpenge mv.", 13500, 0.15, (0.02, 0.03, 0.1, 0.2, 0.17, 0.15, 0.33), 0.4
    ),
    Gruppe(
        "y11", "bm:Kontanthjælp mv.", "Kontanthjælp mv.", 26000, 0.08, (0.01, 0.02, 0.05, 0.12, 0.12, 0.13, 0.55), 0.25
    ),
    *(
        Gruppe("y60", "real:y60a02", "Kontanthjælp mv.", share, exits, shares, job, kategori)
        for kategori, share, exits, shares, job in [
            ("Jobparat", 0.15, 0.3, (0.04, 0.08, 0.22, 0.22, 0.12, 0.08, 0.24), 0.7),
            ("Aktivitetsparat", 0.55, 0.1, (0.01, 0.03, 0.09, 0.15, 0.12, 0.1, 0.5), 0.3),
            ("Uddannelsesparat", 0.2, 0.25, (0.05, 0.09, 0.24, 0.22, 0.12, 0.08, 0.2), 0.6),
        ]
    ),
]


def quarterly_stock(inp: Inputs, gruppe: Gruppe) -> dict[str, tuple[float, dict[str, float]]]:
    """The group's national fuldtidspersoner and kommune shares per quarter."""
    out = {}
    for i, quarter in enumerate(GROUP_QUARTERS):
        months = quarter_months(quarter)
        if gruppe.profile.startswith("real:"):
            series = gruppe.profile.removeprefix("real:")
            national = gruppe.stock * sum(inp.national(series, m) for m in months) / 3
            out[quarter] = (national, inp.kommune_share(series, months))
        else:
            out[quarter] = (gruppe.stock * (1 + 0.01 * i / 4), inp.profile(gruppe.profile))
    return out


def with_kategori(bodies: list[tuple[str | None, dict]]) -> dict:
    """One body from per-visitationskategori bodies: the category as a column after Område."""
    if len(bodies) == 1 and bodies[0][0] is None:
        return bodies[0][1]
    columns = bodies[0][1]["columns"]
    rows = [[*row[:2], kategori, *row[2:]] for kategori, body in bodies for row in body["rows"]]
    return {"columns": [*columns[:2], "Visitationskategori", *columns[2:]], "rows": rows}


def make_groups(inp: Inputs) -> dict[str, dict]:
    """The a21, a27 and b15 bodies of every group in GRUPPER (y07a07 is made by make_y07a07)."""
    parts: dict[str, list[tuple[str | None, dict]]] = defaultdict(list)
    for g in GRUPPER:
        name = (lambda table, kategori=g.kategori: f"{table}/{kategori}") if g.kategori else (lambda table: table)
        stock = quarterly_stock(inp, g)
        parts[f"{g.prefix}a21"].append((g.kategori, forloeb_rows(inp, name(f"{g.prefix}a21"), stock, g.tilt_group)))
        if g.prefix == "y07":
            ended = {key: n for key, n in make_y07a07(inp)[1].items() if key[1] in GROUP_QUARTERS}
        else:
            exits = {q: (national * g.exits, share) for q, (national, share) in stock.items()}
            body, ended = completed_rows(inp, name(f"{g.prefix}a27"), list(g.shares), exits, g.tilt_group)
            parts[f"{g.prefix}a27"].append((g.kategori, body))
        status = status_rows(inp, name(f"{g.prefix}b15"), ended, g.tilt_group, g.job, GROUP_STATUSES)
        parts[f"{g.prefix}b15"].append((g.kategori, status))
    return {table: with_kategori(bodies) for table, bodies in parts.items()}


# --- tilbud (y01c01, y60c01) -------------------------------------------------------------------
# Fuldtidsaktiverede only (the persons measure is not read). Tilbud labels [V] (the real y01c01
# response); per type: fuldtidsaktiverede per fuldtidsaktiveret of the total, from the real y01c01
# Hele landet 2025M05 (8,295 fuldtidsaktiverede: vejledning 4,174, privat løntilskud 759, offentlig
# 285, virksomhedspraktik 3,046, nytteindsats 29). Nytteindsats is in the total, without a row. The
# kontanthjælp split is SYNTHETIC, bent towards vejledning as the real y60c02 persons are (29,050 of
# 36,442 in 2026M07), løntilskud 10 % of the fuldtid (its 1,453 persons are close to full-time).
TILBUD_TOTAL = "Tilbud i alt"
TILBUD_TYPES = [
    "Vejledning og opkvalificering i alt",
    "Privat ansættelse med løntilskud",
    "Offentlig ansættelse med løntilskud i alt",
    "Virksomhedspraktik i alt",
    "Nytteindsats i alt",
]
TILBUD_ROWS = TILBUD_TYPES[:4]
TILBUD_SHARES = {"y01c01": [0.503, 0.092, 0.034, 0.367, 0.004], "y60c01": [0.55, 0.06, 0.04, 0.33, 0.02]}
# Fuldtidsaktiverede per bruttoledig: 8,295 / 71,066 for A-dagpenge in 2025M05 (real); the
# kontanthjælp rate is SYNTHETIC.
TILBUD_RATES = {"y01c01": 0.117, "y60c01": 0.14}
TILBUD_SERIES = {"y01c01": "y25i01/A-dagpenge", "y60c01": "y25i01/Kontanthjælp"}


def tilbud_rows(inp: Inputs, table: str) -> dict:
    """Fuldtidsaktiverede by tilbud per month, following the real bruttoledige series of the group."""
    series, rate, shares = TILBUD_SERIES[table], TILBUD_RATES[table], TILBUD_SHARES[table]
    rows = []
    values: dict[tuple[str, str], list[int]] = {}
    for period in TILBUD_MONTHS:
        national = inp.national(series, period) * rate
        counts, _ = kommune_totals(inp, table, period, national, inp.kommune_share(series, [period]))
        sums = [0] * len(TILBUD_TYPES)
        for k in inp.kommuner:
            values[(k, period)] = split(counts[k], [b * factor(stream(table, "type", k, period), 0.1) for b in shares])
            sums = [a + b for a, b in zip(sums, values[(k, period)], strict=True)]
        rest = stream(table, "rest-types", period)
        values[(HELE_LANDET, period)] = [
            s + round(s * uoplyst_rate(table, t) * factor(rest, 0.1)) for t, s in enumerate(sums)
        ]
    for area in [HELE_LANDET, *inp.kommuner]:
        keep = (lambda v: v) if area == HELE_LANDET else suppress
        for period in TILBUD_MONTHS:
            full = values[(area, period)]
            rows.append([period, area, TILBUD_TOTAL, keep(sum(full))])
            # The last type counts in the total only: it has no row of its own.
            rows.extend([period, area, t, keep(f)] for t, f in zip(TILBUD_ROWS, full, strict=False))
    return {"columns": ["Periode", "Område", "Tilbud", "Antal fuldtidsaktiverede"], "rows": rows}


def make_y01c01(inp: Inputs) -> dict:
    body = tilbud_rows(inp, "y01c01")
    columns = body["columns"]
    return {
        "columns": [*columns[:2], "A-kasse", *columns[2:]],
        "rows": [[*row[:2], "A-kasse i alt", *row[2:]] for row in body["rows"]],
    }


def make_y60c01(inp: Inputs) -> dict:
    return with_kategori([("Jobparat", tilbud_rows(inp, "y60c01"))])


def build(sample_dir: Path = SAMPLE_DIR) -> dict[str, dict]:
    inp = Inputs(sample_dir)
    y01a27, ended = make_y01a27(inp)
    return {
        "ptv_a02": make_ptv_a02(inp),
        "y01a21": make_y01a21(inp),
        "y01a27": y01a27,
        "y07a07": make_y07a07(inp)[0],
        "y01b15": make_y01b15(inp, ended),
        **make_groups(inp),
        "y01c01": make_y01c01(inp),
        "y60c01": make_y60c01(inp),
    }


def main(out_dir: Path | str = SAMPLE_DIR, sample_dir: Path | str = SAMPLE_DIR) -> dict[str, Path]:
    """Generate every synthetic body from the real sample in `sample_dir` into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for table, body in build(Path(sample_dir)).items():
        path = out_dir / f"{table}.json"
        path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        written[table] = path
    return written


if __name__ == "__main__":
    for table, path in main().items():
        print(f"{table}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    sys.exit(0)
