"""The data dictionary as a mart table, generated from the pandera models and the asset graph."""

import dagster as dg
import pandas as pd

from assets.checks import pandera_check
from assets.metadata import table_metadata
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.dictionary import DataDictionary
from schemas.registry import models
from schemas.validation import validate
from warehouse.dictionary import dictionary_frame
from warehouse.diskretionering import load_config
from warehouse.tables import replace_rows

DATA_DICTIONARY = "mart.data_dictionary"


def build_dictionary(specs) -> pd.DataFrame:
    """The dictionary of every registered mart table, with each table's asset description and inputs."""
    by_key = {spec.key: spec for spec in specs}
    tables = models("mart")
    descriptions, sources = {}, {}
    for table in tables:
        spec = by_key.get(dg.AssetKey(table.split(".")))
        if spec is None:
            continue
        descriptions[table] = spec.description or ""
        inputs = sorted(".".join(d.asset_key.path) for d in spec.deps if d.asset_key.path[0] in ("staging", "mart"))
        sources[table] = ", ".join(inputs) or ("schemas/" if table == DATA_DICTIONARY else "data/reference")
    return dictionary_frame(tables, descriptions, sources, load_config())


def code_location_specs():
    """Every asset spec of the code location (imported late: the definitions import this module)."""
    from pipelines.definitions import defs

    return defs.resolve_all_asset_specs()


@dg.asset(
    key=["mart", "data_dictionary"],
    group_name="publish",
    kinds={"duckdb"},
    pool=WRITER_POOL,
    description="Every mart table and column with its type, nullability, unit, description and source, generated "
    "from the pandera models and the asset descriptions (the same as docs/data_dictionary.md).",
)
def data_dictionary(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = validate(DataDictionary, build_dictionary(code_location_specs()), DATA_DICTIONARY)
    with warehouse.connect() as conn:
        replace_rows(conn, DATA_DICTIONARY, frame, DataDictionary)
    return dg.MaterializeResult(
        metadata={**table_metadata(frame, DATA_DICTIONARY), "tables": dg.MetadataValue.int(frame["tabel"].nunique())}
    )


dictionary_checks = [pandera_check(data_dictionary.key, DATA_DICTIONARY, DataDictionary)]
