"""Staging: landed bodies parsed, typed, mapped to DST area codes and validated, one table each.

For each period, rows come from the newest answer the source gave for it, with any analyst's
extract file landed after that answer laid over it row by row (an extract may hold only some
kommuner). So a re-run of a period replaces exactly that period, a revision replaces the old
figure, and `aendret_tid` records when each figure last changed.
"""

from collections.abc import Callable
from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from assets.checks import pandera_check
from assets.core import area_codes, dim_omraade, dim_ydelsesgruppe, group_labels
from assets.landing import jobindsats_landings, read_dst_body, reject, statbank_landings
from assets.metadata import DOMAIN_TAGS, OWNERS, definition_metadata, partition_counts, table_metadata
from pipelines.errors import InputError, Problem
from pipelines.partitions import monthly, periode_of, single_run
from pipelines.resources.landing import Landed, LandingStore, Origin
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats_parser import TableSpec, parse_body, table_specs, to_frame
from pipelines.sources.statbank_tables import StatbankTable, statbank_tables
from schemas.jobindsats import staging_schema
from schemas.statbank import column_name, statbank_schema, variable_columns
from schemas.validation import validate
from warehouse.tables import ensure_table, replace_rows


def layers_for(landed: list[Landed], periods: list[str] | None) -> list[tuple[Landed, list[str]]]:
    """The bodies to read, newest first, each with the periods to take from it.

    A period is taken from the newest source answer that holds it and from every extract landed
    after that answer. Without `periods`, every period any body holds.
    """
    newest_first = sorted(landed, key=lambda item: item.meta["last_seen_at"], reverse=True)
    wanted = periods if periods is not None else sorted({p for item in landed for p in item.meta.get("periods", [])})
    taken: dict[str, list[str]] = {}
    for periode in wanted:
        for item in newest_first:
            if periode in item.meta.get("periods", []):
                taken.setdefault(item.content_hash, []).append(periode)
                if not item.is_extract:
                    break
    return [(item, taken[item.content_hash]) for item in newest_first if item.content_hash in taken]


def staged_layers(
    context: dg.AssetExecutionContext,
    landing: LandingStore,
    layers: list[tuple[Landed, list[str]]],
    read_and_stage: Callable[[Landed, list[str]], pd.DataFrame],
) -> list[pd.DataFrame]:
    """Each layer read and staged; the first bad one goes to quarantine and fails the step."""
    frames = []
    for landed, periods in layers:
        try:
            frames.append(read_and_stage(landed, periods))
        except InputError as error:
            raise reject(context, landing, landed, error) from None
    return frames


def newest_wins(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    """Frames in newest-first order, combined so that each key keeps its newest row."""
    return pd.concat(frames, ignore_index=True).drop_duplicates(key, keep="first").reset_index(drop=True)


def read_landed(landed: Landed, spec: TableSpec) -> pd.DataFrame:
    """A landed body (an API response or an analyst's extract file) as typed rows with our column names."""
    if landed.meta.get("format", "jobindsats-json") == "jobindsats-json":
        columns, rows = parse_body(landed.read_bytes(), landed.request)
        return to_frame(columns, rows, spec, landed.request)
    return read_landed_extract(landed)


def read_landed_extract(landed: Landed) -> pd.DataFrame:
    """An analyst's landed file as the table decided when it landed: its content-hash name cannot tell again."""
    return read_extract(landed.path, table=landed.meta["table"]).frame


def stage(
    frame: pd.DataFrame,
    origin: Origin,
    spec: TableSpec,
    areas: dict[str, str],
    groups: dict[str, set[str]],
    changed_at: datetime,
) -> pd.DataFrame:
    """Typed jobindsats rows with DST area codes and their origin, validated.

    `areas` maps area names to codes; `groups` holds the ydelsesgruppe labels of each grouping.
    An InputError names every bad row and column as the source labels it.
    """
    label = {c.name: c.label for c in spec.columns}
    unknown = [
        Problem(
            i + 1, label["omraade_navn"], f"unknown area {name!r}: no kommune, region, RAR or hele landet has that name"
        )
        for i, name in frame["omraade_navn"].items()
        if name not in areas
    ] + [
        Problem(i + 1, c.label, f"unknown ydelsesgruppe {value!r} (not in the {c.gruppering} grouping)")
        for c in spec.columns
        if c.gruppering
        for i, value in frame[c.name].items()
        if value not in groups.get(c.gruppering, set())
    ]
    if unknown:
        raise InputError(origin.request, unknown)
    frame = frame.assign(
        omraade_kode=frame["omraade_navn"].map(areas),
        kilde=f"jobindsats:{spec.table_id}",
        datagrundlag=origin.datagrundlag,
        content_hash=origin.content_hash,
        aendret_tid=pd.Timestamp(changed_at.replace(tzinfo=None)),
    )
    try:
        return validate(staging_schema(spec.table_id), frame, origin.request)
    except InputError as error:  # name columns as the source labels them
        raise InputError(
            error.source, [p._replace(column=label.get(p.column, p.column)) for p in error.problems]
        ) from None


def jobindsats_staging(spec: TableSpec) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """The staging asset of one jobindsats table and its blocking pandera check."""
    partitioned = spec.periodtype == "M"
    table = f"staging.jobindsats_{spec.table_id}"

    @dg.asset(
        name=f"jobindsats_{spec.table_id}",
        key_prefix="staging",
        deps=[jobindsats_landings[spec.table_id], dim_omraade, dim_ydelsesgruppe],
        group_name="staging",
        kinds={"duckdb", "pandas"},
        pool=WRITER_POOL,
        partitions_def=monthly if partitioned else None,
        backfill_policy=single_run if partitioned else None,
        description=f"jobindsats {spec.table_id} typed, areas as DST codes; a re-run replaces exactly its periods.",
        metadata=definition_metadata(table, staging_schema(spec.table_id)),
        owners=OWNERS,
        tags=DOMAIN_TAGS,
    )
    def _staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        landing = warehouse.landing()
        wanted = [periode_of(key) for key in context.partition_keys] if partitioned else None
        layers = layers_for(landing.all("jobindsats", spec.table_id), wanted)
        changed_at = datetime.now(timezone.utc)
        with warehouse.connect() as conn:
            areas = area_codes(conn.execute("select * from mart.dim_omraade").df())
            groups = group_labels(conn.execute("select * from mart.dim_ydelsesgruppe").df())

            def read_and_stage(landed: Landed, periods: list[str]) -> pd.DataFrame:
                frame = read_landed(landed, spec)
                return stage(frame[frame["periode"].isin(periods)], landed.origin, spec, areas, groups, changed_at)

            frames = staged_layers(context, landing, layers, read_and_stage)
            if not frames:  # nothing landed (not offered, or an empty answer): keep what is there
                ensure_table(conn, table, staging_schema(spec.table_id))
                return dg.MaterializeResult(metadata={"dagster/row_count": 0, "periods": "none landed in this range"})
            frame = newest_wins(frames, list(spec.key))
            replace_rows(conn, table, frame, staging_schema(spec.table_id), replace_column="periode", key=spec.key)
            revised = conn.execute(
                f"select count(*) from {table} where periode in (select unnest(?)) and aendret_tid = ?",
                [sorted(frame["periode"].unique()), changed_at.replace(tzinfo=None)],
            ).fetchone()[0]
            total = conn.execute(f"select count(*) from {table}").fetchone()[0]
        return dg.MaterializeResult(
            metadata={
                **table_metadata(frame, table),
                **(partition_counts(len(frame), total) if partitioned else {}),
                "periods": dg.MetadataValue.text(", ".join(sorted(frame["periode"].unique()))),
                "rows_new_or_revised": dg.MetadataValue.int(int(revised)),
                "bodies": dg.MetadataValue.text(", ".join(landed.request for landed, _ in layers)),
            }
        )

    return _staging, pandera_check(_staging.key, table, staging_schema(spec.table_id))


def periode_of_tid(tid: str) -> str:
    """A DST time id in jobindsats' period form: `2024K1` → `2024Q01`; months and years are alike."""
    if len(tid) == 6 and tid[4] == "K":
        return f"{tid[:4]}Q0{tid[5]}"
    return tid


def stage_dst(
    frame: pd.DataFrame, table: StatbankTable, origin: Origin, codes: set[str], changed_at: datetime
) -> pd.DataFrame:
    """DST rows (codes) as staging rows: ASCII column names, the area as `omraade_kode`, the origin.

    A variable a file leaves out was eliminated, i.e. it is at its total (`totals` in the table's
    config); a left-out variable without a known total is an error naming it.
    """
    missing = [
        v for v in table.variables if v.upper() != "TID" and v.upper() not in frame.columns and v not in table.totals
    ]
    if missing:
        raise InputError(
            origin.request,
            [Problem(None, v, f"column missing: {table.table_id} rows must say their {v}") for v in missing],
        )
    frame = frame.assign(
        **{v.upper(): table.totals[v] for v in table.variables if v.upper() != "TID" and v.upper() not in frame.columns}
    )
    frame = frame.rename(columns={c: column_name(c) for c in frame.columns}).rename(
        columns={column_name(table.area): "omraade_kode"}
    )
    unknown = [
        Problem(i + 1, table.area, f"unknown area code {code!r}: not in dim_omraade")
        for i, code in frame["omraade_kode"].items()
        if code not in codes
    ]
    if unknown:
        raise InputError(origin.request, unknown)
    frame = frame.assign(
        periode=frame["tid"].map(periode_of_tid),
        kilde=f"statbank:{table.table_id}",
        datagrundlag=origin.datagrundlag,
        content_hash=origin.content_hash,
        aendret_tid=pd.Timestamp(changed_at.replace(tzinfo=None)),
    )
    return validate(statbank_schema(table.table_id), frame, origin.request)


def read_dst_landed(landed: Landed, table: StatbankTable) -> pd.DataFrame:
    """A landed StatBank body or DST extract file as a frame of codes."""
    if landed.meta.get("format") == "dst-bulk":
        return read_dst_body(landed.read_bytes(), landed.request, table.table_id).frame
    return read_landed_extract(landed)


def statbank_staging(table: StatbankTable) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """The staging asset of one StatBank table and its blocking pandera check."""
    name = f"statbank_{table.table_id.lower()}"
    schema = statbank_schema(table.table_id)
    key = [*variable_columns(table.table_id), "tid"]

    @dg.asset(
        name=name,
        key_prefix="staging",
        deps=[statbank_landings[table.table_id], dim_omraade],
        group_name="staging",
        kinds={"duckdb", "pandas"},
        pool=WRITER_POOL,
        description=f"Statistics Denmark {table.table_id} as codes, ASCII column names; a re-run replaces its periods.",
        metadata=definition_metadata(f"staging.{name}", schema),
        owners=OWNERS,
        tags=DOMAIN_TAGS,
    )
    def _staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        landing = warehouse.landing()
        layers = layers_for(landing.all("statbank", table.table_id), None)
        changed_at = datetime.now(timezone.utc)
        with warehouse.connect() as conn:
            codes = {row[0] for row in conn.execute("select omraade_kode from mart.dim_omraade").fetchall()}

            def read_and_stage(landed: Landed, periods: list[str]) -> pd.DataFrame:
                frame = read_dst_landed(landed, table)
                return stage_dst(frame[frame["TID"].isin(periods)], table, landed.origin, codes, changed_at)

            frames = staged_layers(context, landing, layers, read_and_stage)
            if not frames:  # nothing landed: keep what is there
                ensure_table(conn, f"staging.{name}", schema)
                return dg.MaterializeResult(metadata={"dagster/row_count": 0, "periods": "none landed"})
            frame = newest_wins(frames, key)
            replace_rows(conn, f"staging.{name}", frame, schema, replace_column="tid", key=key)
        return dg.MaterializeResult(
            metadata={
                **table_metadata(frame, f"staging.{name}"),
                "periods": dg.MetadataValue.text(f"{frame['tid'].min()}..{frame['tid'].max()}"),
            }
        )

    return _staging, pandera_check(_staging.key, f"staging.{name}", schema)


_built = {table_id: jobindsats_staging(spec) for table_id, spec in table_specs().items()}
_built_dst = {table_id: statbank_staging(table) for table_id, table in statbank_tables().items()}
jobindsats_stagings = {table_id: asset for table_id, (asset, _) in _built.items()}
statbank_stagings = {table_id: asset for table_id, (asset, _) in _built_dst.items()}
staging_checks = [check for _, check in [*_built.values(), *_built_dst.values()]]
