"""Sensors: the analysts' inbox folder, and the sources' own release markers."""

from __future__ import annotations

import shutil

import dagster as dg

from pipelines.automation import refresh_all
from pipelines.ingest import LOADED, Validator, ingest_file, ingest_plan, staging_keys
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.statbank import StatbankClient
from pipelines.whats_new import new_statbank_tables, release_plan


@dg.sensor(
    name="extract_inbox",
    job=refresh_all,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads files dropped in warehouse/inbox: good ones land and are staged, bad ones go to quarantine.",
)
def extract_inbox(context: dg.SensorEvaluationContext, warehouse: WarehouseResource, reference: ReferenceData):
    inbox = warehouse.inbox_dir
    files = sorted(p for p in inbox.glob("*") if p.is_file()) if inbox.exists() else []
    if not files:
        return dg.SkipReason(f"{inbox} is empty")
    validator = Validator(reference)
    outcomes = [ingest_file(path, warehouse.landing(), validator, inbox) for path in files]
    loaded = inbox / LOADED
    loaded.mkdir(exist_ok=True)
    for outcome in outcomes:
        context.log.info(f"{outcome.path.name}: {outcome.status}: {outcome.message}")
        if outcome.status != "rejected":
            shutil.move(str(outcome.path), loaded / outcome.path.name)
    keys = staging_keys(outcomes)
    if not keys:
        return dg.SkipReason("Nothing new to stage: " + "; ".join(f"{o.path.name} {o.status}" for o in outcomes))
    periods = [p for o in outcomes for p in o.periods]
    assets, tags = ingest_plan(keys, periods, context.repository_def.asset_graph, warehouse)
    run_key = "inbox-" + "-".join(sorted(o.content_hash[:12] for o in outcomes if o.status == "landed"))
    return dg.RunRequest(run_key=run_key, asset_selection=assets, tags=tags)


@dg.sensor(
    name="statbank_release",
    job=refresh_all,
    minimum_interval_seconds=6 * 3600,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Compares each StatBank table's tableinfo `updated` with the one loaded, and loads what moved.",
)
def statbank_release(context: dg.SensorEvaluationContext, statbank: StatbankClient, warehouse: WarehouseResource):
    new = new_statbank_tables(statbank, warehouse.landing())
    if not new:
        return dg.SkipReason("No StatBank table has been updated since it was loaded.")
    assets, tags = release_plan(new, context.repository_def.asset_graph)
    return dg.RunRequest(run_key="statbank-" + ",".join(map(str, new)), asset_selection=assets, tags=tags)
