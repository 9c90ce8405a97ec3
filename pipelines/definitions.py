"""The code location: every asset, check, job and schedule, with resources chosen by environment.

`JOBINDBLIK_SOURCE=sample` (the default) serves the bundled sample; `live` calls the APIs with
`JOBINDSATS_TOKEN`. Switching source is a resource change; the assets are the same.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets import (
    aktivering,
    core,
    dictionary,
    facts,
    forloeb,
    indicators,
    landing,
    noegletal,
    publish,
    sammenligning,
    staging,
    tilsyn,
)
from pipelines import settings
from pipelines.automation import monthly_refresh, nightly, refresh_all
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sensors import extract_inbox, statbank_release
from pipelines.sources.jobindsats import JobindsatsApiClient, JobindsatsClient, JobindsatsSnapshotClient
from pipelines.sources.statbank import StatbankApiClient, StatbankClient, StatbankSnapshotClient

ASSETS = [
    *landing.jobindsats_landings.values(),
    *landing.statbank_landings.values(),
    *staging.jobindsats_stagings.values(),
    *staging.statbank_stagings.values(),
    *dg.load_assets_from_modules([core, facts, aktivering, indicators, sammenligning, noegletal, dictionary]),
    *tilsyn.tilsyn_assets,
    *forloeb.forloeb_assets,
]
# The serving copy depends on every mart table there is, so a new one cannot be published half-built.
ASSETS.append(publish.serving_duckdb_asset([asset for asset in ASSETS if asset.key.path[0] == "mart"]))
CHECKS = [
    *core.core_checks,
    *staging.staging_checks,
    *facts.fact_checks,
    *aktivering.aktivering_checks,
    *indicators.indicator_checks,
    *sammenligning.sammenligning_checks,
    *tilsyn.tilsyn_checks,
    *forloeb.forloeb_checks,
    *noegletal.noegletal_checks,
    *dictionary.dictionary_checks,
]


def make_resources(
    warehouse: Path, source: str = "sample", sample_dir: Path = settings.SAMPLE_DIR, fresh_metadata: bool = False
) -> dict:
    """The resources for a warehouse file, fetching from the live APIs or the sample in `sample_dir`.

    `fresh_metadata` asks jobindsats' catalogue and table metadata again instead of reading the cache.
    """
    if source == "live":
        jobindsats: JobindsatsClient = JobindsatsApiClient(
            token=dg.EnvVar("JOBINDSATS_TOKEN"),
            base_url=settings.jobindsats_base_url(),
            cache_dir=str(warehouse.parent / "cache"),
            timeout_s=settings.http_timeout_s(),
            **({"metadata_ttl_hours": 0.0} if fresh_metadata else {}),
        )
        statbank: StatbankClient = StatbankApiClient(
            base_url=settings.statbank_base_url(), timeout_s=settings.http_timeout_s()
        )
    else:
        jobindsats = JobindsatsSnapshotClient(sample_dir=str(sample_dir))
        statbank = StatbankSnapshotClient(sample_dir=str(sample_dir))
    return {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "jobindsats": jobindsats,
        "statbank": statbank,
        "reference": ReferenceData(),
    }


def make_definitions(warehouse: Path, source: str = "sample", sample_dir: Path = settings.SAMPLE_DIR) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=[refresh_all],
        schedules=[nightly, monthly_refresh],
        sensors=[extract_inbox, statbank_release],
        resources=make_resources(warehouse, source, sample_dir),
        # One process per run: writes are serialised by the warehouse pool anyway, and a step in its own
        # process costs seconds of start-up each, which made a UI-launched full run take minutes.
        executor=dg.in_process_executor,
    )


defs = make_definitions(settings.warehouse_path(), settings.source())
