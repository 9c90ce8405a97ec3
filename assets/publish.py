"""Publish: the serving copy BI tools read, written only after every check upstream has passed."""

import dagster as dg
import duckdb
import pandas as pd

from assets.marts import run_scope
from assets.metadata import DOMAIN_TAGS, OWNERS, chart, markdown_table
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from warehouse import udvikling, unpublished
from warehouse.bi import BI_SCHEMA
from warehouse.diskretionering import load_config
from warehouse.export import export_folder
from warehouse.marts import BY_TABLE, Scope, model_for
from warehouse.publish import CARRIED_OVER, STORAGE_VERSION, Rewritten, publish


def trend_charts(serving) -> dict[str, dg.MetadataValue]:
    """What a person would rather look at than read: hele landet's bruttoledige over time, and how far the
    kommuner are from their benchmark (the newest QMAT), drawn from the serving copy just written."""
    from warehouse.rapport import diagrammer

    with duckdb.connect(str(serving), read_only=True) as conn:
        trend = conn.execute(
            "select periode, bruttoledige from mart.ledighed where omraade_kode = '000' "
            "and kilde = 'jobindsats:y25i01' and ydelsesgruppe_kode = 'led_i_alt' and bruttoledige is not null "
            "order by periode desc limit 37"
        ).df()[::-1]
        spread = conn.execute(
            "select omraade_navn, forskel_pct_point from mart.benchmark where ydelsesgruppe_kode = 'i_alt' "
            "and periode = (select max(periode) from mart.benchmark) and forskel_pct_point is not null "
            "order by forskel_pct_point"
        ).df()
    charts = {}
    if not trend.empty:
        figure = diagrammer.linjer(trend["periode"].tolist(), {"Hele landet": trend["bruttoledige"].tolist()}, "", 0)
        charts["bruttoledige_hele_landet"] = chart(diagrammer.png(figure), "Bruttoledige, hele landet")
    if not spread.empty:
        few = pd.concat([spread.head(8), spread.tail(8)]).drop_duplicates()
        figure = diagrammer.soejler(
            few["omraade_navn"].tolist(),
            few["forskel_pct_point"].tolist(),
            "Faktisk minus forventet, pct.-point",
            None,
            2,
        )
        charts["benchmark_forskel_yderpunkter"] = chart(diagrammer.png(figure), "Benchmark: de bedste og dårligste")
    return charts


def rewritten(scope: Scope) -> dict[str, Rewritten]:
    """The tables a run over some tables rewrote only part of: mart.udvikling's comparisons with the run's
    months and tables (warehouse/udvikling.py `scoped`), so publish suppresses just those."""
    if udvikling.TABLE not in scope.tables:
        return {}
    return {udvikling.TABLE: Rewritten(udvikling.scoped(scope.tables, scope.months)[1], udvikling.SCOPE_COLUMNS)}


def kept_from_serving(
    scope: Scope, behind: frozenset[str], suppressed_alike: bool
) -> tuple[frozenset[str], dict[str, Rewritten]]:
    """What the new serving copy keeps of the current one: the tables the run did not write, and the rows it
    did not rewrite. Nothing of a table an earlier run left unpublished (`behind`), nothing at all when the
    current copy was suppressed under another configuration or the run wrote every table."""
    if scope.tables is None or not suppressed_alike:
        return frozenset(), {}
    unchanged = frozenset(BY_TABLE) - scope.tables - behind
    return unchanged, {table: part for table, part in rewritten(scope).items() if table not in behind}


def serving_duckdb_asset(mart_assets: list[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """The publish step, downstream of every mart table so it copies them only when all are built and checked."""

    @dg.asset(
        key=["publish", "serving_duckdb"],
        deps=mart_assets,
        group_name="publish",
        kinds={"duckdb", "parquet"},
        pool=WRITER_POOL,
        owners=OWNERS,
        tags=DOMAIN_TAGS,
        description="serving.duckdb beside the warehouse: every mart table, replaced atomically for BI readers, "
        "with small counts suppressed (diskretionering, pipelines/config/diskretionering.toml), in DuckDB's "
        f"storage format {STORAGE_VERSION} with keys, comments and the `{BI_SCHEMA}` views; and the same tables "
        "as Parquet in export/.",
    )
    def serving_duckdb(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        config = load_config()
        suppressed: dict[str, int] = {}
        carried_over: dict[str, str | None] = {}
        scope = run_scope(context)
        with warehouse.connect() as conn:
            marks = unpublished.marks(conn)
            behind = unpublished.by_other_runs(marks, context.run.run_id)
            unchanged, in_part = kept_from_serving(scope, behind, unpublished.suppressed_alike(conn, config))
            counts = publish(
                conn,
                warehouse.serving_path,
                diskretionering=config,
                model_for=model_for,
                suppressed=suppressed,
                unchanged=unchanged,
                rewritten=in_part,
                carried_over=carried_over,
            )
            unpublished.clear(conn, marks)
            unpublished.published_with(conn, config)
        table = pd.DataFrame(sorted(counts.items()), columns=["table", "rows"])
        table["suppressed_cells"] = table["table"].map(suppressed).astype("Int64")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(warehouse.serving_path)),
                "export": dg.MetadataValue.path(str(export_folder(warehouse.serving_path))),
                "storage_version": dg.MetadataValue.text(STORAGE_VERSION),
                "tables": dg.MetadataValue.int(len(counts)),
                "row_counts": dg.MetadataValue.md(markdown_table(table, rows=len(table))),
                "diskretionering_taerskel": dg.MetadataValue.int(config.taerskel),
                "suppressed_cells": dg.MetadataValue.int(sum(suppressed.values())),
                "tables_copied_unchanged": dg.MetadataValue.int(len(unchanged & set(counts))),
                "tables_from_unpublished_runs": dg.MetadataValue.int(len(behind)),
                # What the copy holds as the file before it did: a table whole (null), or all but the rows replaced.
                CARRIED_OVER: dg.MetadataValue.json(dict(sorted(carried_over.items()))),
                # Charts only where the run's metadata is kept: a CLI run's throwaway instance would draw them for
                # nobody (about 1 s with matplotlib's import).
                **({} if context.instance.is_ephemeral else trend_charts(warehouse.serving_path)),
            }
        )

    return serving_duckdb
