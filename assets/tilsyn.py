"""Skærpet tilsyn: the fokusmål counts, landed and staged (the marts are declared in warehouse/marts.py).

The counts have no public API: they arrive as extract files (`jobindblik ingest`, format in
pipelines/sources/tilsyn_extract.py) and, in sample mode, from the bundled synthetic sample,
which the landing asset lands like a snapshot. The engine and its rules: warehouse/tilsyn.py and
pipelines/config/tilsyn_regler.toml.
"""

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from assets.checks import schema_check
from assets.landing import reject
from assets.metadata import DOMAIN_TAGS, OWNERS, definition_metadata, period_span
from assets.staging import nothing_staged, staged_layers, written
from pipelines.errors import InputError
from pipelines.resources.landing import Landed
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.tilsyn_extract import FORMAT, KEY, SOURCE, TABLE_ID, kommune_names, stage_tilsyn
from pipelines.staging import layers_for
from schemas.tilsyn import TilsynTaelling
from warehouse.staging_layers import write_newest
from warehouse.tables import ensure_table

STAGING = f"staging.{SOURCE}_{TABLE_ID}"
STAGING_KEY = dg.AssetKey(["staging", f"{SOURCE}_{TABLE_ID}"])
NO_SOURCE = "no source: no API serves the fokusmål counts; load them with `jobindblik ingest`"


def sample_entry(sample_dir: Path) -> dict | None:
    with open(sample_dir / "manifest.toml", "rb") as f:
        return tomllib.load(f).get(SOURCE, {}).get(TABLE_ID)


@dg.asset(
    name=f"{SOURCE}_{TABLE_ID}",
    key_prefix="landing",
    group_name="landing",
    kinds={"csv", "file"},
    description=(
        "Monthly fokusmål counts per kommune (berettigede, opfyldt). No API serves them: in sample mode the "
        "bundled synthetic file is landed verbatim; otherwise only files from `jobindblik ingest` feed staging."
    ),
)
def tilsyn_landing(context: dg.AssetExecutionContext, warehouse: WarehouseResource, jobindsats: JobindsatsClient):
    sample_dir = getattr(jobindsats, "sample_dir", None)  # the snapshot client knows the sample; live has none
    entry = sample_entry(Path(sample_dir)) if sample_dir else None
    if entry is None:
        return dg.MaterializeResult(metadata={"landed": dg.MetadataValue.text(NO_SOURCE)})
    path = Path(sample_dir) / entry["file"]
    landing = warehouse.landing()
    landed = landing.land(
        SOURCE,
        TABLE_ID,
        path.read_bytes(),
        path.suffix,
        request=f"sample:{entry['file']}",
        file_name=path.name,
        format=FORMAT,
        datagrundlag=entry["datagrundlag"],
    )
    try:
        periods = sorted(read_extract(landed.path).frame["periode"].unique())
    except InputError as error:
        raise reject(context, landing, landed, error) from None
    landed = landing.annotate(landed, periods=periods)
    return dg.MaterializeResult(
        metadata={
            "request": dg.MetadataValue.text(landed.request),
            "periods": period_span(periods, counted=True),
            "content_hash": dg.MetadataValue.text(landed.content_hash),
            "datagrundlag": dg.MetadataValue.text(entry["datagrundlag"]),
        }
    )


@dg.asset(
    key=STAGING_KEY,
    deps=[tilsyn_landing, dg.AssetKey(["mart", "dim_omraade"])],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    pool=WRITER_POOL,
    check_specs=[schema_check(STAGING_KEY, TilsynTaelling)],
    metadata=definition_metadata(STAGING, TilsynTaelling),
    owners=OWNERS,
    tags=DOMAIN_TAGS,
    description="Fokusmål counts per kommune, month and measurement (DST codes); extracts laid over the sample.",
)
def tilsyn_staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    landing = warehouse.landing()
    layers = layers_for(landing.all(SOURCE, TABLE_ID), None)
    changed_at = datetime.now(UTC)
    with warehouse.connect() as conn:
        kommuner = kommune_names(conn.execute("select * from mart.dim_omraade").df())

        def read_and_stage(landed: Landed, periods: list[str]) -> str:
            frame = read_extract(landed.path).frame
            return stage_tilsyn(frame[frame["periode"].isin(periods)], landed.origin, kommuner, changed_at, conn)

        loaded = yield from staged_layers(context, landing, layers, read_and_stage)
        if not loaded:  # the live source has none: an empty table (or the rows already staged) and why
            ensure_table(conn, STAGING, TilsynTaelling)
            yield nothing_staged(STAGING_KEY, NO_SOURCE)
            return
        result = write_newest(conn, STAGING, TilsynTaelling, loaded, KEY, replace_column="periode")
        yield written(
            conn,
            STAGING_KEY,
            STAGING,
            result,
            {
                "periods": period_span(result.replaced),
                "bodies": dg.MetadataValue.text(", ".join(landed.request for landed, _ in layers)),
            },
        )


tilsyn_assets = [tilsyn_landing, tilsyn_staging]
