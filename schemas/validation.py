"""Run a pandera model and report failures the way the rest of the pipeline does: row and column."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipelines.errors import InputError, Problem


def problems_from(errors: pa.errors.SchemaErrors) -> list[Problem]:
    """One Problem per failure case; rows are 1-based positions in the validated frame."""
    problems = []
    for case in errors.failure_cases.itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index) + 1
        column = None if pd.isna(case.column) else str(case.column)
        # A numpy scalar as its plain value: "-5", not "np.int64(-5)".
        value = case.failure_case.item() if hasattr(case.failure_case, "item") else case.failure_case
        problems.append(Problem(row, column, f"fails {case.check}: {value!r}"))
    return problems


def validate(model: type[pa.DataFrameModel] | pa.DataFrameSchema, frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The frame coerced to the model's types, or an InputError naming every failing row and column.

    Rows are numbered by the frame's index + 1, so a frame filtered from a body keeps the
    body's row numbers.
    """
    try:
        return model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise InputError(source, problems_from(errors)) from None
