"""Resources: everything assets reach outside themselves through (warehouse, landing, API clients).

`make_resources` lives here, not beside the definitions, so the nightly question "is anything new?"
can build the clients without importing every asset.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.jobindsats import JobindsatsApiClient, JobindsatsClient, JobindsatsSnapshotClient
from pipelines.sources.statbank import StatbankApiClient, StatbankClient, StatbankSnapshotClient


def make_resources(
    warehouse: Path,
    source: str = "sample",
    sample_dir: Path | None = None,
    fresh_metadata: bool = False,
    direct: bool = False,
) -> dict:
    """The resources for a warehouse file, fetching from the live APIs or the sample in `sample_dir`.

    `sample_dir` defaults to settings.sample_dir(): the bundled sample unless JOBINDBLIK_SAMPLE_DIR says otherwise.
    `fresh_metadata` asks jobindsats' catalogue and table metadata again instead of reading the cache.
    `direct`: for use outside a run (no Dagster initialisation), so the token is read from the environment now;
    a run's resources name the environment variable instead, which Dagster resolves and never shows.
    """
    if source == "live":
        jobindsats: JobindsatsClient = JobindsatsApiClient(
            token=os.environ.get("JOBINDSATS_TOKEN", "") if direct else dg.EnvVar("JOBINDSATS_TOKEN"),
            base_url=settings.jobindsats_base_url(),
            cache_dir=str(warehouse.parent / "cache"),
            timeout_s=settings.http_timeout_s(),
            **({"metadata_ttl_hours": 0.0} if fresh_metadata else {}),
        )
        statbank: StatbankClient = StatbankApiClient(
            base_url=settings.statbank_base_url(), timeout_s=settings.http_timeout_s()
        )
    else:
        sample_dir = sample_dir or settings.sample_dir()
        jobindsats = JobindsatsSnapshotClient(sample_dir=str(sample_dir))
        statbank = StatbankSnapshotClient(sample_dir=str(sample_dir))
    return {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "jobindsats": jobindsats,
        "statbank": statbank,
        "reference": ReferenceData(),
    }
