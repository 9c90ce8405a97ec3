"""Staging assets: landed bodies parsed, typed, mapped to DST area codes and validated, one table each.

The work is pipelines/staging.py and warehouse/staging_layers.py; these assets choose the bodies for
the run's months, write the rows (a re-run of a period replaces exactly that period, a revision
replaces the old figure, `aendret_tid` records when each figure last changed) and report the
validation as the table's blocking check. A body that fails goes to quarantine and fails the step,
naming row and column.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import dagster as dg

from assets.checks import failed, passed, schema_check
from assets.landing import jobindsats_landings, reject, statbank_landings
from assets.metadata import DOMAIN_TAGS, OWNERS, definition_metadata, period_span, table_metadata
from pipelines.errors import InputError
from pipelines.months import run_months
from pipelines.resources.landing import Landed, LandingStore
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.jobindsats_parser import TableSpec, table_specs
from pipelines.sources.statbank_tables import StatbankTable, statbank_tables
from pipelines.staging import layers_for, read_dst_landed, read_landed, stage, stage_dst
from schemas.jobindsats import staging_schema
from schemas.statbank import statbank_schema, variable_columns
from warehouse.dimensions import area_codes, group_labels
from warehouse.staging_layers import Written, write_newest
from warehouse.tables import ensure_table

DIMENSIONS = [dg.AssetKey(["mart", "dim_omraade"]), dg.AssetKey(["mart", "dim_ydelsesgruppe"])]


def staged_layers(
    context: dg.AssetExecutionContext,
    landing: LandingStore,
    layers: list[tuple[Landed, list[str]]],
    read_and_stage: Callable[[Landed, list[str]], str],
):
    """Each layer read, staged and validated into the step's connection (the generator returns their tables);
    the first bad one fails the table's check, goes to quarantine and fails the step."""
    loaded = []
    for landed, periods in layers:
        try:
            loaded.append(read_and_stage(landed, periods))
        except InputError as error:
            yield failed(context.asset_key, error.problems)
            raise reject(context, landing, landed, error) from None
    return loaded


def written(conn, key: dg.AssetKey, table: str, result: Written, metadata: dict) -> dg.MaterializeResult:
    """The materialisation of a staging table, with its check: the rows written are the rows validated.

    `dagster/row_count` is the whole table's; `rows_written` this run's (its months, for a monthly table).
    """
    total = conn.execute(f"select count(*) from {table}").fetchone()[0]
    return dg.MaterializeResult(
        metadata={
            **table_metadata(result.preview, table),
            "dagster/row_count": total,
            "rows_written": result.rows,
            **metadata,
        },
        check_results=[passed(key, result.rows)],
    )


def nothing_staged(key: dg.AssetKey, reason: str) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 0, "periods": reason}, check_results=[passed(key, 0)])


def jobindsats_staging(spec: TableSpec) -> dg.AssetsDefinition:
    """The staging asset of one jobindsats table, with its blocking check."""
    monthly = spec.periodtype == "M"
    table = f"staging.jobindsats_{spec.table_id}"
    key = dg.AssetKey(["staging", f"jobindsats_{spec.table_id}"])
    schema = staging_schema(spec.table_id)

    @dg.asset(
        key=key,
        deps=[jobindsats_landings[spec.table_id], *DIMENSIONS],
        group_name="staging",
        kinds={"duckdb", "pandas"},
        pool=WRITER_POOL,
        check_specs=[schema_check(key, schema)],
        description=f"jobindsats {spec.table_id} typed, areas as DST codes; a re-run replaces exactly its periods.",
        metadata=definition_metadata(table, staging_schema(spec.table_id)),
        owners=OWNERS,
        tags=DOMAIN_TAGS,
    )
    def _staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        landing = warehouse.landing()
        wanted = run_months(context.run.tags) if monthly else None
        layers = layers_for(landing.all("jobindsats", spec.table_id), wanted)
        changed_at = datetime.now(UTC)
        with warehouse.connect() as conn:
            areas = area_codes(conn.execute("select * from mart.dim_omraade").df())
            groups = group_labels(conn.execute("select * from mart.dim_ydelsesgruppe").df())

            def read_and_stage(landed: Landed, periods: list[str]) -> str:
                frame = read_landed(landed, spec)
                return stage(
                    frame[frame["periode"].isin(periods)], landed.origin, spec, areas, groups, changed_at, conn
                )

            loaded = yield from staged_layers(context, landing, layers, read_and_stage)
            if not loaded:  # nothing landed (not offered, or an empty answer): keep what is there
                ensure_table(conn, table, schema)
                yield nothing_staged(key, "none landed in this range")
                return
            result = write_newest(conn, table, schema, loaded, spec.key, replace_column="periode")
            revised = conn.execute(
                f"select count(*) from {table} where periode in (select unnest(?)) and aendret_tid = ?",
                [result.replaced, changed_at.replace(tzinfo=None)],
            ).fetchone()[0]
            yield written(
                conn,
                key,
                table,
                result,
                {
                    "periods": dg.MetadataValue.text(", ".join(result.replaced)),
                    "rows_new_or_revised": dg.MetadataValue.int(int(revised)),
                    "bodies": dg.MetadataValue.text(", ".join(landed.request for landed, _ in layers)),
                },
            )

    return _staging


def statbank_staging(table: StatbankTable) -> dg.AssetsDefinition:
    """The staging asset of one StatBank table, with its blocking check."""
    name = f"statbank_{table.table_id.lower()}"
    key = dg.AssetKey(["staging", name])
    schema = statbank_schema(table.table_id)
    row_key = [*variable_columns(table.table_id), "tid"]

    @dg.asset(
        key=key,
        deps=[statbank_landings[table.table_id], DIMENSIONS[0]],
        group_name="staging",
        kinds={"duckdb", "pandas"},
        pool=WRITER_POOL,
        check_specs=[schema_check(key, schema)],
        metadata=definition_metadata(f"staging.{name}", schema),
        owners=OWNERS,
        tags=DOMAIN_TAGS,
        description=f"Statistics Denmark {table.table_id} as codes, ASCII column names; a re-run replaces its periods.",
    )
    def _staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        landing = warehouse.landing()
        layers = layers_for(landing.all("statbank", table.table_id), None)
        changed_at = datetime.now(UTC)
        with warehouse.connect() as conn:
            codes = {row[0] for row in conn.execute("select omraade_kode from mart.dim_omraade").fetchall()}

            def read_and_stage(landed: Landed, periods: list[str]) -> str:
                frame = read_dst_landed(landed, table)
                return stage_dst(frame[frame["TID"].isin(periods)], table, landed.origin, codes, changed_at, conn)

            loaded = yield from staged_layers(context, landing, layers, read_and_stage)
            if not loaded:  # nothing landed: keep what is there
                ensure_table(conn, f"staging.{name}", schema)
                yield nothing_staged(key, "none landed")
                return
            result = write_newest(conn, f"staging.{name}", schema, loaded, row_key, replace_column="tid")
            yield written(
                conn,
                key,
                f"staging.{name}",
                result,
                {"periods": period_span(result.replaced)},
            )

    return _staging


jobindsats_stagings = {table_id: jobindsats_staging(spec) for table_id, spec in table_specs().items()}
statbank_stagings = {table_id: statbank_staging(table) for table_id, table in statbank_tables().items()}
