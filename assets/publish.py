"""Publish: the serving copy BI tools read, written only after every check upstream has passed."""

import dagster as dg
import pandas as pd

from assets import tilsyn  # the module, not its assets: load_assets_from_modules scans this one
from assets.core import dim_omraade, dim_periode, dim_varighedsinterval, dim_ydelsesgruppe, omraade_medlemskab
from assets.facts import fuldtidspersoner, ledighed, vandringer, varigheder
from assets.indicators import benchmark
from assets.metadata import markdown_table
from assets.sammenligning import benchmark_placering, benchmark_sammenligning, udvikling
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.registry import model_for
from warehouse.diskretionering import load_config
from warehouse.publish import publish


@dg.asset(
    key=["publish", "serving_duckdb"],
    deps=[
        dim_omraade,
        dim_ydelsesgruppe,
        dim_periode,
        dim_varighedsinterval,
        omraade_medlemskab,
        fuldtidspersoner,
        ledighed,
        varigheder,
        vandringer,
        benchmark,
        tilsyn.tilsyn_fokusmaal,
        tilsyn.tilsyn_status,
        benchmark_sammenligning,
        benchmark_placering,
        udvikling,
        dg.AssetKey(["mart", "noegletal"]),
        dg.AssetKey(["mart", "data_dictionary"]),
    ],
    group_name="publish",
    kinds={"duckdb"},
    pool=WRITER_POOL,
    description="serving.duckdb beside the warehouse: every mart table, replaced atomically for BI readers, "
    "with small counts suppressed (diskretionering, pipelines/config/diskretionering.toml).",
)
def serving_duckdb(warehouse: WarehouseResource) -> dg.MaterializeResult:
    config = load_config()
    suppressed: dict[str, int] = {}
    with warehouse.connect() as conn:
        counts = publish(
            conn, warehouse.serving_path, diskretionering=config, model_for=model_for, suppressed=suppressed
        )
    table = pd.DataFrame(sorted(counts.items()), columns=["table", "rows"])
    table["suppressed_cells"] = table["table"].map(suppressed).astype("Int64")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(warehouse.serving_path)),
            "tables": dg.MetadataValue.int(len(counts)),
            "row_counts": dg.MetadataValue.md(markdown_table(table, rows=len(table))),
            "diskretionering_taerskel": dg.MetadataValue.int(config.taerskel),
            "suppressed_cells": dg.MetadataValue.int(sum(suppressed.values())),
        }
    )
