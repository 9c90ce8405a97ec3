"""Monthly partitions for the monthly tables, and the mapping between partition keys and periods.

A partition is one month (`2024-03-01` ↔ jobindsats `2024M03`). Backfills run as one run per
range (single-run backfill policy), so a range becomes one API request and one transaction.
The committee report is partitioned by kommune instead, so no monthly run may select it (REPORTS).
"""

from __future__ import annotations

import dagster as dg

from warehouse.rapport import configured_kommuner

TIMEZONE = "Europe/Copenhagen"
FIRST_YEAR = 2007  # jobindsats' monthly series and DST's AUF tables start in 2007M01
FIRST_MONTH = f"{FIRST_YEAR}-01-01"

monthly = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH, timezone=TIMEZONE, end_offset=0)
single_run = dg.BackfillPolicy.single_run()
kommuner = dg.StaticPartitionsDefinition(configured_kommuner())
REPORT_GROUP = "rapport"
REPORTS = dg.AssetSelection.groups(REPORT_GROUP)


def periode_of(partition_key: str) -> str:
    """`2024-03-01` → `2024M03`."""
    return f"{partition_key[:4]}M{partition_key[5:7]}"


def partition_key_of(periode: str) -> str:
    """`2024M03` → `2024-03-01`."""
    return f"{periode[:4]}-{periode[5:7]}-01"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags that make one run cover the partitions `first`..`last` (keys, inclusive)."""
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def all_partitions_tags() -> dict[str, str]:
    keys = monthly.get_partition_keys()
    return range_tags(keys[0], keys[-1])
