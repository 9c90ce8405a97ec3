"""Jobs and schedules. Schedules are off by default: a data engineer turns them on in the UI."""

from __future__ import annotations

import dagster as dg

TIMEZONE = "Europe/Copenhagen"

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all(),
    description="Every asset and check, landing to publish: what `jobindblik run` executes.",
    tags={"dagster/max_retries": "1"},
)

nightly = dg.ScheduleDefinition(
    name="nightly",
    job=refresh_all,
    cron_schedule="30 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:30: fetch what the sources publish and republish the serving copy.",
)

monthly = dg.ScheduleDefinition(
    name="monthly",
    job=refresh_all,
    cron_schedule="0 6 2 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="The 2nd of each month at 06:00, after jobindsats' monthly release: refresh everything.",
)
