"""What the sources have published since the last load: the nightly run's question.

A source table is new when its catalogue's last-update marker differs from the one recorded
with the newest body we accepted for it. The answer is the landing assets to run, plus every
asset downstream of them, over the last few months (jobindsats revises recent months).
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from pipelines.months import MONTH, current_month, every_month, months_tags, shift_month
from pipelines.reports import REPORTS
from pipelines.resources.landing import LandingStore
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.statbank import StatbankClient
from pipelines.sources.statbank_tables import statbank_tables

RECENT_MONTHS = 4


def _is_new(landing: LandingStore, source: str, table_id: str, released: str | None) -> bool:
    """Whether the source's marker differs from the one recorded with its last answer (extracts aside)."""
    newest = landing.newest(source, table_id, from_source_only=True)
    return newest is None or newest.meta.get("source_updated") != released


@dataclass(frozen=True)
class Release:
    """A table the source has updated since we loaded it: its landing asset and the source's marker.

    `since` is the first month to load again for a monthly table: the last few months it holds
    (jobindsats revises them), however far behind the calendar the source is.
    """

    key: dg.AssetKey
    marker: str | None
    since: str | None = None

    def __str__(self) -> str:
        return f"{self.key.path[-1]}@{self.marker}"


def new_jobindsats_tables(client: JobindsatsClient, landing: LandingStore) -> list[Release]:
    """jobindsats tables whose catalogue `update_latest` moved since the last load."""
    released = {entry.table_id: entry.update_latest for entry in client.catalogue()}
    new = []
    for table_id, spec in table_specs().items():
        marker = released.get(spec.api_id)
        if spec.api_id in released and _is_new(landing, "jobindsats", table_id, marker):
            since = _revisit_from(landing.latest_period("jobindsats", table_id), spec.revisit)
            new.append(Release(dg.AssetKey(["landing", f"jobindsats_{table_id}"]), marker, since))
    return new


def _revisit_from(held_latest: str | None, revisit: int) -> str | None:
    """The month `revisit` months back from the newest month held (None: not monthly or none held)."""
    if held_latest is None or not MONTH.match(held_latest):
        return None
    return max(shift_month(held_latest, -max(revisit - 1, 0)), every_month()[0])


def new_statbank_tables(client: StatbankClient, landing: LandingStore) -> list[Release]:
    """StatBank tables whose tableinfo `updated` moved since the last load."""
    updated = {table_id: client.tableinfo(table_id).get("updated") for table_id in statbank_tables()}
    return [
        Release(dg.AssetKey(["landing", f"statbank_{table_id.lower()}"]), marker)
        for table_id, marker in updated.items()
        if _is_new(landing, "statbank", table_id, marker)
    ]


def run_plan(
    keys: list[dg.AssetKey], asset_graph, first: str | None = None, last: str | None = None
) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """The assets to materialise (`keys` and everything downstream) and the run tags of the month range
    `first`..`last` (by default the last few months up to the current one)."""
    selection = dg.AssetSelection.assets(*keys).downstream() - REPORTS  # partitioned by kommune, not month
    last = last or current_month()
    return sorted(selection.resolve(asset_graph)), months_tags(first or shift_month(last, 1 - RECENT_MONTHS), last)


def release_plan(releases: list[Release], asset_graph) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """The nightly run for `releases`: from the earliest month to revisit through the current month."""
    starts = [release.since for release in releases if release.since]
    return run_plan([release.key for release in releases], asset_graph, first=min(starts) if starts else None)


def months_plan(asset_graph, first: str, last: str) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """A `--months` backfill: every monthly source table and what depends on it, over `first`..`last`.

    The tables without months (quarterly, yearly, whole StatBank tables) are not part of it: their rows
    do not change with a month range.
    """
    keys = [dg.AssetKey(["landing", f"jobindsats_{t}"]) for t, spec in table_specs().items() if spec.periodtype == "M"]
    return run_plan(keys, asset_graph, first, last)


def month_span(periods: list[str]) -> tuple[str | None, str | None]:
    """The first and last month of an extract's periods (None, None when it has no monthly period).

    Reading refuses a month before 2007 or after the current one, so every month is in range.
    """
    months = sorted(p for p in periods if MONTH.match(p))
    return (months[0], months[-1]) if months else (None, None)
