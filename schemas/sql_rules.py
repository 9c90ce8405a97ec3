"""TEMPORARY stand-in until the SQL rule generator lands: same interface, pandera on a frame."""

from __future__ import annotations

import pandera.pandas as pa

from pipelines.errors import Problem
from schemas.validation import problems_from


def failures(conn, relation: str, model, limit: int = 20) -> list[Problem]:
    frame = conn.execute(f"select * from {relation}").df()
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return problems_from(errors)
    return []


def problems(found: list[Problem]) -> list[Problem]:
    return found
