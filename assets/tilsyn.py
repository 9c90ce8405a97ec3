"""Skærpet tilsyn: the fokusmål counts (landing, staging) and the fokusmål and status marts.

The counts have no public API: they arrive as extract files (`jobindblik ingest`, format in
pipelines/sources/tilsyn_extract.py) and, in sample mode, from the bundled synthetic sample,
which the landing asset lands like a snapshot. The engine and its rules: warehouse/tilsyn.py and
pipelines/config/tilsyn_regler.toml.
"""

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from assets.checks import pandera_check
from assets.core import dim_omraade
from assets.indicators import BENCHMARK, benchmark
from assets.landing import reject
from assets.metadata import table_metadata
from assets.staging import layers_for, newest_wins, staged_layers
from pipelines.errors import InputError
from pipelines.resources.landing import Landed
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.tilsyn_extract import FORMAT, KEY, SOURCE, TABLE_ID, kommune_names, stage_tilsyn
from schemas.tilsyn import TilsynFokusmaal, TilsynStatus, TilsynTaelling
from schemas.validation import validate
from warehouse.tables import ensure_table, replace_rows
from warehouse.tilsyn import fokusmaal_table, load_rules, status_table

STAGING = f"staging.{SOURCE}_{TABLE_ID}"
FOKUSMAAL = "mart.tilsyn_fokusmaal"
STATUS = "mart.tilsyn_status"
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
            "periods": dg.MetadataValue.text(f"{periods[0]}..{periods[-1]} ({len(periods)})"),
            "content_hash": dg.MetadataValue.text(landed.content_hash),
            "datagrundlag": dg.MetadataValue.text(entry["datagrundlag"]),
        }
    )


@dg.asset(
    key=["staging", f"{SOURCE}_{TABLE_ID}"],
    deps=[tilsyn_landing, dim_omraade],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    pool=WRITER_POOL,
    description="Fokusmål counts per kommune, month and measurement (DST codes); extracts laid over the sample.",
)
def tilsyn_staging(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    landing = warehouse.landing()
    layers = layers_for(landing.all(SOURCE, TABLE_ID), None)
    changed_at = datetime.now(UTC)
    with warehouse.connect() as conn:
        kommuner = kommune_names(conn.execute("select * from mart.dim_omraade").df())

        def read_and_stage(landed: Landed, periods: list[str]) -> pd.DataFrame:
            frame = read_extract(landed.path).frame
            return stage_tilsyn(frame[frame["periode"].isin(periods)], landed.origin, kommuner, changed_at)

        frames = staged_layers(context, landing, layers, read_and_stage)
        if not frames:  # the live source has none: an empty table (or the rows already staged) and why
            ensure_table(conn, STAGING, TilsynTaelling)
            return dg.MaterializeResult(metadata={"dagster/row_count": 0, "reason": dg.MetadataValue.text(NO_SOURCE)})
        frame = newest_wins(frames, KEY)
        replace_rows(conn, STAGING, frame, TilsynTaelling, replace_column="periode", key=KEY)
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, STAGING),
            "periods": dg.MetadataValue.text(f"{frame['periode'].min()}..{frame['periode'].max()}"),
            "bodies": dg.MetadataValue.text(", ".join(landed.request for landed, _ in layers)),
        }
    )


@dg.asset(
    key=["mart", "tilsyn_fokusmaal"],
    deps=[tilsyn_staging, dim_omraade],
    group_name="indicators",
    kinds={"duckdb", "pandas"},
    pool=WRITER_POOL,
    description=(
        "Each fokusmål per kommune and month under the year's rule set: the monthly share, the calendar-year "
        "average so far, krav for the remaining months (pipelines/config/tilsyn_regler.toml)."
    ),
)
def tilsyn_fokusmaal(warehouse: WarehouseResource) -> dg.MaterializeResult:
    rules = load_rules()
    with warehouse.connect() as conn:
        counts = conn.execute(f"select * from {STAGING}").df()
        frame = fokusmaal_table(counts, rules).assign(kilde=f"{SOURCE}:{TABLE_ID}")
        frame = validate(TilsynFokusmaal, frame, FOKUSMAAL)
        replace_rows(conn, FOKUSMAAL, frame, TilsynFokusmaal)
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, FOKUSMAAL),
            "rule_sets": dg.MetadataValue.text(", ".join(sorted(frame["regelsaet"].unique()))),
        }
    )


@dg.asset(
    key=["mart", "tilsyn_status"],
    deps=[tilsyn_fokusmaal, benchmark],
    group_name="indicators",
    kinds={"duckdb", "pandas"},
    pool=WRITER_POOL,
    description=(
        "Per kommune and selection year: resultatmål (mart.benchmark, i alt, the year's QMAT04, else its QMAT02), "
        "the fokusmål that count, and the status from the configured decision table; null with a reason when "
        "an input is unknown."
    ),
)
def tilsyn_status(warehouse: WarehouseResource) -> dg.MaterializeResult:
    rules = load_rules()
    with warehouse.connect() as conn:
        fokus = conn.execute(f"select * from {FOKUSMAAL}").df()
        if fokus.empty:  # no counts staged (no source yet): an empty table that says why
            ensure_table(conn, STATUS, TilsynStatus)
            conn.execute(f"delete from {STATUS}")
            return dg.MaterializeResult(metadata={"dagster/row_count": 0, "reason": dg.MetadataValue.text(NO_SOURCE)})
        bench = conn.execute(
            f"select periode, omraade_kode, resultatmaal_opfyldt, datagrundlag from {BENCHMARK} "
            "where ydelsesgruppe_kode = 'i_alt'"
        ).df()
        frame = status_table(fokus, bench, rules).assign(kilde=f"{SOURCE}:{TABLE_ID}+jobindsats:y30r21")
        frame = validate(TilsynStatus, frame, STATUS)
        replace_rows(conn, STATUS, frame, TilsynStatus)
    counts = frame["status"].fillna("(ukendt)").value_counts()
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, STATUS),
            **{f"status: {k}": dg.MetadataValue.int(int(v)) for k, v in counts.items()},
        }
    )


tilsyn_assets = [tilsyn_landing, tilsyn_staging, tilsyn_fokusmaal, tilsyn_status]
tilsyn_checks = [
    pandera_check(tilsyn_staging.key, STAGING, TilsynTaelling),
    pandera_check(tilsyn_fokusmaal.key, FOKUSMAAL, TilsynFokusmaal),
    pandera_check(tilsyn_status.key, STATUS, TilsynStatus),
]
