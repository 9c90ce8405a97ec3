"""The code location: every asset, check, job and schedule, with resources chosen by environment.

`JOBINDBLIK_SOURCE=sample` (the default) serves the bundled sample; `live` calls the APIs with
`JOBINDSATS_TOKEN`. Switching source is a resource change; the assets are the same.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets import forloeb, landing, marts, publish, rapport, staging, tilsyn
from pipelines import settings
from pipelines.automation import monthly_refresh, nightly, rapporter, refresh_all
from pipelines.resources import make_resources
from pipelines.sensors import extract_inbox, statbank_release

ASSETS = [
    *landing.jobindsats_landings.values(),
    *landing.statbank_landings.values(),
    *staging.jobindsats_stagings.values(),
    *staging.statbank_stagings.values(),
    *tilsyn.tilsyn_assets,
    *forloeb.forloeb_assets,
    *marts.mart_assets,
]
# The serving copy depends on every mart table there is, so a new one cannot be published half-built.
ASSETS.append(publish.serving_duckdb_asset(marts.mart_assets))
ASSETS.append(rapport.rapport)


def make_definitions(warehouse: Path, source: str = "sample", sample_dir: Path | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        jobs=[refresh_all, rapporter],
        schedules=[nightly, monthly_refresh],
        sensors=[extract_inbox, statbank_release],
        resources=make_resources(warehouse, source, sample_dir),
        # One process per run: writes are serialised by the warehouse pool anyway, and a step in its own
        # process costs seconds of start-up each, which made a UI-launched full run take minutes.
        executor=dg.in_process_executor,
    )


defs = make_definitions(settings.warehouse_path(), settings.source())
