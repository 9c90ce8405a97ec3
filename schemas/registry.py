"""Which pandera model describes which warehouse table.

`assets.checks.pandera_check` registers every table it checks, so a new mart table with the
usual blocking check is known here without another list to keep: diskretionering reads its
count columns from the model, and the data dictionary its columns, types, units and texts.
"""

from __future__ import annotations

import pandera.pandas as pa

Schema = type[pa.DataFrameModel] | pa.DataFrameSchema

_MODELS: dict[str, Schema] = {}


def register(table: str, model: Schema) -> None:
    _MODELS[table] = model


def model_for(table: str) -> Schema | None:
    return _MODELS.get(table)


def models(schema: str = "mart") -> dict[str, Schema]:
    """The registered tables of one schema (e.g. every `mart.*`), sorted by name."""
    return {t: m for t, m in sorted(_MODELS.items()) if t.split(".")[0] == schema}


def to_schema(model: Schema) -> pa.DataFrameSchema:
    return model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
