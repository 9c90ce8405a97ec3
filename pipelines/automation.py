"""Jobs and schedules. Schedules are off by default: a data engineer turns them on in the UI."""

from __future__ import annotations

import dagster as dg

from pipelines.months import TIMEZONE
from pipelines.reports import REPORTS
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.statbank import StatbankClient
from pipelines.whats_new import new_jobindsats_tables, new_statbank_tables, release_plan

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all() - REPORTS,
    description="Every asset and check, landing to publish: what `jobindblik run` executes (it writes the "
    "configured kommuner' reports itself; `rapporter` materialises the report's partitions).",
    # A run whose worker died is retried once; one whose step failed is not: the clients already retried what is
    # worth retrying (pipelines/sources/http.py), and a bad body would come back the same.
    tags={"dagster/max_retries": "1", "dagster/retry_on_asset_or_op_failure": "false"},
)

rapporter = dg.define_asset_job(
    "rapporter", selection=REPORTS, description="The committee reports, one kommune (partition) per run."
)


@dg.schedule(
    name="nightly",
    job=refresh_all,
    cron_schedule="30 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:30: ask each source what is new and materialise only that and what depends on it.",
)
def nightly(
    context: dg.ScheduleEvaluationContext,
    jobindsats: JobindsatsClient,
    statbank: StatbankClient,
    warehouse: WarehouseResource,
):
    landing = warehouse.landing()
    new = new_jobindsats_tables(jobindsats, landing) + new_statbank_tables(statbank, landing)
    if not new:
        return dg.SkipReason("No source has published anything new since the last load.")
    assets, tags = release_plan(new, context.repository_def.asset_graph)
    return dg.RunRequest(
        run_key=f"nightly-{context.scheduled_execution_time:%Y-%m-%d}", asset_selection=assets, tags=tags
    )


@dg.schedule(
    name="monthly",
    job=refresh_all,
    cron_schedule="0 6 2 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="The 2nd of each month at 06:00, after jobindsats' monthly release: refresh every table and period.",
)
def monthly_refresh(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest(run_key=f"monthly-{context.scheduled_execution_time:%Y-%m}")  # every month
