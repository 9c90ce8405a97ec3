"""The code location: every asset, check, job and schedule, with resources chosen by environment.

`JOBINDBLIK_SOURCE=sample` (the default) serves the bundled sample; `live` calls the APIs with
`JOBINDSATS_TOKEN`. Switching source is a resource change; the assets are the same.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets import core, indicators, landing, publish, staging
from pipelines import settings
from pipelines.automation import monthly, nightly, refresh_all
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.jobindsats import JobindsatsApiClient, JobindsatsClient, JobindsatsSnapshotClient

ASSET_MODULES = [landing, staging, core, indicators, publish]
CHECKS = [*core.core_checks, *staging.staging_checks, *indicators.indicator_checks]


def jobindsats_client(source: str) -> JobindsatsClient:
    if source == "live":
        return JobindsatsApiClient(token=dg.EnvVar("JOBINDSATS_TOKEN"), base_url=settings.jobindsats_base_url())
    return JobindsatsSnapshotClient()


def make_resources(warehouse: Path, source: str = "sample") -> dict:
    return {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "jobindsats": jobindsats_client(source),
        "reference": ReferenceData(),
    }


def make_definitions(warehouse: Path, source: str = "sample") -> dg.Definitions:
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        asset_checks=CHECKS,
        jobs=[refresh_all],
        schedules=[nightly, monthly],
        resources=make_resources(warehouse, source),
    )


defs = make_definitions(settings.warehouse_path(), settings.source())
