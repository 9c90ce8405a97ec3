"""The reference data bundled with the project (kommune master data, benefit groups)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines import settings


class ReferenceData(dg.ConfigurableResource):
    """Reads the code lists in `data/reference`; PROVENANCE.md there says where each came from."""

    directory: str = str(settings.REFERENCE_DIR)

    def table(self, name: str) -> pd.DataFrame:
        """`<name>.csv` with every column as text, so codes keep their leading zeros."""
        return pd.read_csv(Path(self.directory) / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
