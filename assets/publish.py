"""Publish: the serving copy BI tools read, written only after every check upstream has passed."""

import dagster as dg
import pandas as pd

from assets.metadata import markdown_table
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from warehouse.diskretionering import load_config
from warehouse.marts import model_for
from warehouse.publish import publish


def serving_duckdb_asset(mart_assets: list[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """The publish step, downstream of every mart table so it copies them only when all are built and checked."""

    @dg.asset(
        key=["publish", "serving_duckdb"],
        deps=mart_assets,
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

    return serving_duckdb
