"""The skærpet tilsyn engine: fokusmål shares, calendar-year averages, krav and status.

Everything year-specific (which goals count, thresholds, hours, the comparison's direction, the
COVID dead period and the status decision table) is read from `pipelines/config/tilsyn_regler.toml`;
nothing here branches on a year. Formulas (docs/skaerpet_tilsyn.md §2.2):

    s(m)      = opfyldt(m) / berettigede(m)                  (the share WITH; "uden" compares 100 − s)
    S(year)   = mean of s(m) over the year's counted months   (12, fewer when COVID drops months)
    krav(k)   = (n·T − Σ_{m≤k} s(m)) / (n − k)               n = counted months in the year, k observed
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

import pandas as pd

from warehouse.aggregate import WEAKEST_FIRST

RULES_FILE = Path(__file__).resolve().parents[1] / "pipelines" / "config" / "tilsyn_regler.toml"
ANDEL = ("med", "uden")
SAMMENLIGNING = ("gt", "lt")
# krav_status values
SIKRET, MULIG, UOPNAAELIG, AFSLUTTET = "sikret", "mulig", "uopnaaelig", "aaret_afsluttet"
KRAV_STATUS = (SIKRET, MULIG, UOPNAAELIG, AFSLUTTET)


@dataclass(frozen=True)
class Goal:
    fokusmaal: str
    maaling: str
    andel: str  # "med" | "uden"
    sammenligning: str  # "gt" | "lt"
    taerskel_pct: float
    taeller_med: bool
    covid: str | None = None  # key into the COVID counting windows


@dataclass(frozen=True)
class RuleSet:
    id: str
    aar_fra: int
    aar_til: int | None
    goals: tuple[Goal, ...]
    kilde: str = ""

    def covers(self, year: int) -> bool:
        return self.aar_fra <= year and (self.aar_til is None or year <= self.aar_til)


@dataclass(frozen=True)
class Covid:
    doed_periode: tuple[date, date]
    min_andel_dage: float
    taellevinduer: dict[str, tuple[tuple[date, date], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    maalinger: dict[str, dict]
    regelsaet: tuple[RuleSet, ...]
    covid: Covid | None
    status: dict[tuple[bool, bool], str]

    def for_year(self, year: int) -> RuleSet:
        found = [r for r in self.regelsaet if r.covers(year)]
        if len(found) != 1:
            raise ValueError(f"tilsyn rules: {len(found)} rule sets cover {year}, need exactly one")
        return found[0]


def _date(text: str) -> date:
    return date.fromisoformat(text)


def load_rules(path: Path = RULES_FILE) -> Rules:
    """The rules in `path`, checked for consistency (one rule set per year, a complete status table)."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    maalinger = raw["maaling"]
    sets = []
    for entry in raw["regelsaet"]:
        goals = tuple(Goal(**g) for g in entry["fokusmaal"])
        for g in goals:
            problems = [
                g.maaling not in maalinger and f"unknown maaling {g.maaling!r}",
                g.andel not in ANDEL and f"andel must be one of {ANDEL}",
                g.sammenligning not in SAMMENLIGNING and f"sammenligning must be one of {SAMMENLIGNING}",
                not 0 <= g.taerskel_pct <= 100 and "taerskel_pct outside 0..100",
                maalinger.get(g.maaling, {}).get("fokusmaal", g.fokusmaal) != g.fokusmaal
                and f"maaling {g.maaling!r} measures another fokusmål",
            ]
            if any(problems):
                raise ValueError(f"{path}: rule set {entry['id']}, {g.fokusmaal}: {[p for p in problems if p]}")
        sets.append(RuleSet(entry["id"], entry["aar_fra"], entry.get("aar_til"), goals, entry.get("kilde", "")))
    starts = sorted(sets, key=lambda r: r.aar_fra)
    for before, after in zip(starts, starts[1:], strict=False):
        if before.aar_til is None or before.aar_til >= after.aar_fra:
            raise ValueError(f"{path}: rule sets {before.id} and {after.id} overlap")
    covid = None
    if "covid" in raw:
        c = raw["covid"]
        covid = Covid(
            (_date(c["doed_periode"][0]), _date(c["doed_periode"][1])),
            float(c["min_andel_dage"]),
            {k: tuple((_date(a), _date(b)) for a, b in v) for k, v in c.get("taellevinduer", {}).items()},
        )
    status: dict[tuple[bool, bool], str] = {}
    for row in raw["status"]:
        key = (bool(row["resultatmaal"]), bool(row["fokusmaal"]))
        if key in status:
            raise ValueError(f"{path}: the status table has two rows for {key}")
        status[key] = row["status"]
    if set(status) != set(product([True, False], repeat=2)):
        raise ValueError(f"{path}: the status table must have one row for each resultatmål × fokusmål outcome")
    return Rules(maalinger, tuple(sets), covid, status)


# --- The arithmetic, one value at a time (the golden tests call these) --------------------------------


def share_pct(met: int, eligible: int) -> float | None:
    return None if eligible == 0 else 100.0 * met / eligible


def measured(share_with_pct: float, andel: str) -> float:
    """The share a goal compares: the share with, or the complement (the share without)."""
    return share_with_pct if andel == "med" else 100.0 - share_with_pct


def beats(value: float, threshold: float, sammenligning: str) -> bool:
    return value > threshold if sammenligning == "gt" else value < threshold


def krav(threshold_pct: float, sum_pct: float, months_in_year: int, observed: int) -> float | None:
    """The average the remaining months need; None when no month remains (use the final average)."""
    remaining = months_in_year - observed
    if remaining <= 0:
        return None
    return (months_in_year * threshold_pct - sum_pct) / remaining


def krav_status(value: float | None, sammenligning: str) -> str:
    """ "sikret" (any remaining shares will do), "uopnaaelig" (no share in 0..100 will), "mulig", or
    "aaret_afsluttet" when krav is undefined. For "gt": ≤ 0 secured, > 100 out of reach; "lt" mirrors it."""
    if value is None:
        return AFSLUTTET
    if sammenligning == "gt":
        return SIKRET if value <= 0 else UOPNAAELIG if value > 100 else MULIG
    return SIKRET if value >= 100 else UOPNAAELIG if value <= 0 else MULIG


def counted_month(goal: Goal, year: int, month: int, covid: Covid | None) -> bool:
    """Whether month enters the goal's average: always, unless it lies in the COVID dead period and
    fewer than `min_andel_dage` of its dead-period days are in the goal's counting windows."""
    if covid is None or goal.covid is None:
        return True
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    dead_from, dead_to = max(first, covid.doed_periode[0]), min(last, covid.doed_periode[1])
    if dead_from > dead_to:
        return True
    dead_days = (dead_to - dead_from).days + 1
    counted = 0
    for start, end in covid.taellevinduer.get(goal.covid, ()):
        lo, hi = max(dead_from, start), min(dead_to, end)
        counted += max(0, (hi - lo).days + 1)
    return counted / dead_days >= covid.min_andel_dage


def decide_status(rules: Rules, resultatmaal: bool | None, fokusmaal: bool | None) -> tuple[str | None, str]:
    """The status from the decision table and why; an unknown input is tried both ways and the
    status is given only when every way agrees."""
    unknown = [name for name, value in (("resultatmål", resultatmaal), ("fokusmål", fokusmaal)) if value is None]
    options = {
        rules.status[(r, f)]
        for r in ([resultatmaal] if resultatmaal is not None else [True, False])
        for f in ([fokusmaal] if fokusmaal is not None else [True, False])
    }
    if len(options) == 1:
        status = options.pop()
        why = "" if not unknown else f" ({', '.join(unknown)} ukendt, men uden betydning)"
        return status, f"resultatmål {_ja(resultatmaal)}, fokusmål {_ja(fokusmaal)}{why}"
    return None, f"ukendt: {' og '.join(unknown)} mangler"


def _ja(value: bool | None) -> str:
    return "ukendt" if value is None else "opfyldt" if value else "ikke opfyldt"


# --- The tables --------------------------------------------------------------------------------------

FOKUSMAAL_KEY = ["periode", "omraade_kode", "fokusmaal"]


def fokusmaal_table(counts: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Monthly and year-to-date rows per kommune, month and goal of the month's rule set.

    `counts` has periode (YYYYMmm), omraade_kode, omraade_navn, maaling, berettigede, opfyldt, datagrundlag.
    A month without counts for a goal's measurement is simply absent (no imputation).
    """
    counts = counts.assign(aar=counts["periode"].str[:4].astype(int), maaned=counts["periode"].str[5:].astype(int))
    frames = []
    for year in sorted(counts["aar"].unique()):
        rule = rules.for_year(int(year))
        for goal in rule.goals:
            rows = counts[(counts["aar"] == year) & (counts["maaling"] == goal.maaling)].copy()
            if rows.empty:
                continue
            counted = {m: counted_month(goal, int(year), m, rules.covid) for m in range(1, 13)}
            rows = rows.sort_values(["omraade_kode", "maaned"]).reset_index(drop=True)
            rows["andel_opfyldt_pct"] = 100.0 * rows["opfyldt"] / rows["berettigede"].where(rows["berettigede"] > 0)
            rows["maalt_andel_pct"] = (
                rows["andel_opfyldt_pct"] if goal.andel == "med" else 100.0 - rows["andel_opfyldt_pct"]
            )
            rows["indgaar_i_gennemsnit"] = rows["maaned"].map(counted) & rows["maalt_andel_pct"].notna()
            used = rows["maalt_andel_pct"].where(rows["indgaar_i_gennemsnit"], 0.0)
            group = rows.groupby("omraade_kode", sort=False)
            rows["maaneder_observeret"] = group["indgaar_i_gennemsnit"].cumsum().astype(int)
            rows["sum_pct"] = used.groupby(rows["omraade_kode"]).cumsum()
            months_in_year = sum(counted.values())
            rows = rows.assign(
                regelsaet=rule.id,
                fokusmaal=goal.fokusmaal,
                taeller_med=goal.taeller_med,
                andel_sammenlignet=goal.andel,
                sammenligning=goal.sammenligning,
                taerskel_pct=goal.taerskel_pct,
                maaneder_i_aaret=months_in_year,
            )
            k = rows["maaneder_observeret"]
            rows["gennemsnit_aar_til_dato_pct"] = (rows["sum_pct"] / k.where(k > 0)).astype(float)
            rows["krav_pct"] = [
                krav(goal.taerskel_pct, s, months_in_year, int(n)) if m < 12 else None
                for s, n, m in zip(rows["sum_pct"], k, rows["maaned"], strict=True)
            ]
            rows["krav_pct"] = rows["krav_pct"].astype(float)
            rows["krav_status"] = [
                AFSLUTTET if m == 12 else krav_status(None if pd.isna(v) else v, goal.sammenligning)
                for v, m in zip(rows["krav_pct"], rows["maaned"], strict=True)
            ]
            average = rows["gennemsnit_aar_til_dato_pct"]
            rows["opfyldt_aar_til_dato"] = pd.array(
                [None if pd.isna(a) else beats(a, goal.taerskel_pct, goal.sammenligning) for a in average],
                dtype="boolean",
            )
            # The latest counted share carried forward, to ask: would continuing at it beat krav?
            current = rows["maalt_andel_pct"].where(rows["indgaar_i_gennemsnit"]).groupby(rows["omraade_kode"]).ffill()
            rows["paa_vej"] = pd.array(
                [
                    _on_track(status, v, c, done, goal.sammenligning)
                    for status, v, c, done in zip(
                        rows["krav_status"], rows["krav_pct"], current, rows["opfyldt_aar_til_dato"], strict=True
                    )
                ],
                dtype="boolean",
            )
            frames.append(rows)
    columns = [
        "periode", "omraade_kode", "omraade_navn", "aar", "maaned", "regelsaet", "fokusmaal", "maaling",
        "taeller_med", "berettigede", "opfyldt", "andel_opfyldt_pct", "andel_sammenlignet", "maalt_andel_pct",
        "sammenligning", "taerskel_pct", "indgaar_i_gennemsnit", "maaneder_i_aaret", "maaneder_observeret",
        "gennemsnit_aar_til_dato_pct", "krav_pct", "krav_status", "opfyldt_aar_til_dato", "paa_vej", "datagrundlag",
    ]  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    return out.sort_values(FOKUSMAAL_KEY).reset_index(drop=True)


def _on_track(status: str, krav_value: float, current: float, met_so_far, sammenligning: str):
    if status == AFSLUTTET:
        return None if pd.isna(met_so_far) else bool(met_so_far)
    if status == SIKRET:
        return True
    if status == UOPNAAELIG or pd.isna(current):
        return False if status == UOPNAAELIG else None
    return beats(current, krav_value, sammenligning)


def goal_met(row: Mapping[str, Any]) -> bool | None:
    """A goal for the status: a finished year's average beats the threshold; in a year in progress the
    average so far beats it and the kommune is on track (the current share beats krav)."""
    met, on_track = row["opfyldt_aar_til_dato"], row["paa_vej"]
    if pd.isna(met):
        return None
    if row["maaned"] == 12:
        return bool(met)
    return bool(met) and (False if pd.isna(on_track) else bool(on_track))


def resultatmaal_period(year: int, available: set[str]) -> str | None:
    """The benchmark period for a selection year: its QMAT04 (the calendar year itself), else its
    QMAT02 (the latest published while the year is in progress); None when neither is published."""
    for periode in (f"{year}QMAT04", f"{year}QMAT02"):
        if periode in available:
            return periode
    return None


def status_table(fokusmaal: pd.DataFrame, benchmark: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One row per kommune and selection year, at the latest month held.

    `benchmark` holds mart.benchmark's 'i_alt' rows: periode, omraade_kode, resultatmaal_opfyldt, datagrundlag.
    """
    rows = []
    available = set(benchmark["periode"])
    bench = {
        (periode, kode): (met, grundlag)
        for periode, kode, met, grundlag in benchmark[
            ["periode", "omraade_kode", "resultatmaal_opfyldt", "datagrundlag"]
        ].itertuples(index=False)
    }
    # Plain rows grouped by selection year and kommune: a few hundred groups, each too small for pandas to pay.
    groups: dict[tuple[int, str], list[dict]] = {}
    for row in fokusmaal.to_dict("records"):
        groups.setdefault((int(row["aar"]), row["omraade_kode"]), []).append(row)
    for (year, kode), members in sorted(groups.items()):
        latest_month = max(row["maaned"] for row in members)
        latest = {row["fokusmaal"]: row for row in members if row["maaned"] == latest_month}
        rule = rules.for_year(year)
        per_goal = {g.fokusmaal: (goal_met(latest[g.fokusmaal]) if g.fokusmaal in latest else None)
                    for g in rule.goals}  # fmt: skip
        counting = [g.fokusmaal for g in rule.goals if g.taeller_med]
        values = [per_goal[g] for g in counting]
        fokus = False if False in values else None if None in values else True
        periode = resultatmaal_period(year, available)
        resultat = None
        grundlag = {row["datagrundlag"] for row in members}
        if periode is not None and (periode, kode) in bench:
            met, bench_grundlag = bench[(periode, kode)]
            resultat = None if pd.isna(met) else bool(met)
            grundlag.add(bench_grundlag)
        status, why = decide_status(rules, resultat, fokus)
        if resultat is None and status is None:
            why += f" (ingen benchmark-periode for {year} i mart.benchmark)" if periode is None else ""
        rows.append(
            {
                "aar": year,
                "omraade_kode": kode,
                "omraade_navn": members[0]["omraade_navn"],
                "regelsaet": rule.id,
                "seneste_periode": next(iter(latest.values()))["periode"],
                "aaret_afsluttet": bool(latest_month == 12),
                "resultatmaal_periode": periode,
                "resultatmaal_opfyldt": resultat,
                "fokusmaal_samtaler_opfyldt": per_goal.get("samtaler"),
                "fokusmaal_tilbud_opfyldt": per_goal.get("tilbud"),
                "fokusmaal_der_taeller": ", ".join(counting),
                "fokusmaal_opfyldt": fokus,
                "status": status,
                "status_begrundelse": why,
                "datagrundlag": next(d for d in WEAKEST_FIRST if d in grundlag),
            }
        )
    out = pd.DataFrame(rows)
    for column in (
        "resultatmaal_opfyldt",
        "fokusmaal_samtaler_opfyldt",
        "fokusmaal_tilbud_opfyldt",
        "fokusmaal_opfyldt",
    ):
        out[column] = out[column].astype("boolean")
    return out
