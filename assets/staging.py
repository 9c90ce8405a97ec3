"""Staging: the newest landed response parsed, typed, mapped to DST codes and validated."""

import dagster as dg
import pandas as pd

from assets.checks import pandera_check
from assets.core import dim_omraade, dim_ydelsesgruppe
from assets.landing import landing_jobindsats_y30r21
from assets.metadata import table_metadata
from pipelines.errors import InputError, Problem
from pipelines.resources.landing import Landed
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.jobindsats_parser import TableSpec, parse_body, table_specs, to_frame
from schemas.jobindsats import StgY30r21
from schemas.validation import validate
from warehouse.tables import replace_rows

STG_Y30R21 = "staging.jobindsats_y30r21"


def stage_y30r21(landed: Landed, spec: TableSpec, areas: dict[str, str], groups: set[str]) -> pd.DataFrame:
    """The landed y30r21 body as staging rows; an InputError names every bad row and column.

    `areas` maps the area names jobindsats uses to DST codes; every name must map.
    `groups` are the ydelsesgruppe labels dim_ydelsesgruppe knows.
    """
    source = landed.request
    columns, rows = parse_body(landed.read_bytes(), source)
    frame = to_frame(columns, rows, spec, source)
    label = {c.name: c.label for c in spec.columns}
    problems = [
        Problem(i + 1, label["omraade_navn"], f"unknown area {name!r}: no kommune, region or hele landet has that name")
        for i, name in frame["omraade_navn"].items()
        if name not in areas
    ] + [
        Problem(i + 1, label["ydelsesgruppe"], f"unknown ydelsesgruppe {name!r}")
        for i, name in frame["ydelsesgruppe"].items()
        if name not in groups
    ]
    if problems:
        raise InputError(source, problems)
    frame["omraade_kode"] = frame["omraade_navn"].map(areas)
    frame["kilde"] = f"jobindsats:{spec.table_id}"
    frame["datagrundlag"] = landed.meta["datagrundlag"]
    frame["content_hash"] = landed.content_hash
    try:
        return validate(StgY30r21, frame, source)
    except InputError as error:  # name columns as the source labels them
        raise InputError(source, [p._replace(column=label.get(p.column, p.column)) for p in error.problems]) from None


@dg.asset(
    key=["staging", "jobindsats_y30r21"],
    deps=[landing_jobindsats_y30r21, dim_omraade, dim_ydelsesgruppe],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    pool=WRITER_POOL,
    description="y30r21 typed and in long form, areas as DST codes. Re-running replaces exactly the periods it holds.",
)
def stg_jobindsats_y30r21(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    landing = warehouse.landing()
    landed = landing.newest("jobindsats", "y30r21")
    if landed is None:
        raise dg.Failure("Nothing has landed for jobindsats y30r21; materialise landing/jobindsats_y30r21 first.")
    with warehouse.connect() as conn:
        areas = dict(
            conn.execute(
                "select omraade_navn, omraade_kode from mart.dim_omraade where niveau in ('land', 'region', 'kommune')"
            ).fetchall()
        )
        groups = {row[0] for row in conn.execute("select ydelsesgruppe from mart.dim_ydelsesgruppe").fetchall()}
        try:
            frame = stage_y30r21(landed, table_specs()["y30r21"], areas, groups)
        except InputError as error:
            moved = landing.quarantine(landed, str(error))
            context.log.error(f"Rejected {landed.request}; kept in quarantine at {moved}")
            raise dg.Failure(
                description=str(error),
                metadata={"quarantined": dg.MetadataValue.path(str(moved)), "problems": len(error.problems)},
            ) from None
        replace_rows(conn, STG_Y30R21, frame, StgY30r21, replace_column="periode")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, STG_Y30R21),
            "periods": dg.MetadataValue.text(", ".join(sorted(frame["periode"].unique()))),
            "content_hash": dg.MetadataValue.text(landed.content_hash),
        }
    )


staging_checks = [pandera_check(stg_jobindsats_y30r21.key, STG_Y30R21, StgY30r21)]
