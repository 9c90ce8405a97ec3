"""What the sources have published since the last load: the nightly run's question.

A source table is new when its catalogue's last-update marker differs from the one recorded
with the newest body we accepted for it. The answer is the landing assets to run, plus every
asset downstream of them, over the last few months (jobindsats revises recent months).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dagster as dg

from pipelines.partitions import REPORTS, all_partitions_tags, monthly, partition_key_of, range_tags
from pipelines.resources.landing import LandingStore
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.periods import period_problem
from pipelines.sources.statbank import StatbankClient
from pipelines.sources.statbank_tables import statbank_tables

RECENT_MONTHS = 4
MONTH = re.compile(r"^\d{4}M\d{2}$")


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
    """The partition `revisit` months back from the newest month held (None: not monthly or none held)."""
    if held_latest is None or not MONTH.match(held_latest):
        return None
    keys = monthly.get_partition_keys()
    latest = partition_key_of(held_latest)
    if latest not in keys:
        return None
    return keys[max(0, keys.index(latest) - max(revisit - 1, 0))]


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
    """The assets to materialise (`keys` and everything downstream) and the month range `first`..`last`
    (partition keys; by default the last few months)."""
    selection = dg.AssetSelection.assets(*keys).downstream() - REPORTS  # partitioned by kommune, not month
    partitions = monthly.get_partition_keys()
    return sorted(selection.resolve(asset_graph)), range_tags(
        first or partitions[-RECENT_MONTHS], last or partitions[-1]
    )


def release_plan(releases: list[Release], asset_graph) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """The nightly run for `releases`: from the earliest month to revisit through the newest partition."""
    starts = [release.since for release in releases if release.since]
    return run_plan([release.key for release in releases], asset_graph, first=min(starts) if starts else None)


def offered_month_tags(client: JobindsatsClient) -> dict[str, str]:
    """A full run's months: from the first to the last month the source offers any monthly table for.

    Dagster records every partition of a range, so a run over all months since 2007 costs a quarter
    more time on the sample, which holds 2021M07..2026M07; the live source offers 2007M01 on, i.e.
    every partition. Every partition when the source offers no month.
    """
    offered = sorted(
        partition_key_of(periode)
        for api_id in sorted({spec.api_id for spec in table_specs().values() if spec.periodtype == "M"})
        for periode in client.table_metadata(api_id).periods.get("M", [])
        if MONTH.match(periode) and not period_problem(periode)
    )
    if not offered:
        return all_partitions_tags()
    return range_tags(offered[0], offered[-1])


def month_span(periods: list[str]) -> tuple[str | None, str | None]:
    """The partitions an extract's monthly periods cover (None, None when it has none).

    Every month is a partition: reading refuses a month before 2007 or after the current one.
    """
    months = sorted(partition_key_of(p) for p in periods if MONTH.match(p))
    return (months[0], months[-1]) if months else (None, None)
