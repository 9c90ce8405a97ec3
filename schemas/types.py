"""What a table's description is: a pandera model class or a schema built from one."""

from __future__ import annotations

import pandera.pandas as pa

Schema = type[pa.DataFrameModel] | pa.DataFrameSchema


def to_schema(model: Schema) -> pa.DataFrameSchema:
    return model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
