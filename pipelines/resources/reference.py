"""The reference data bundled with the project (kommune master data, benefit groups)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from pipelines import settings

if TYPE_CHECKING:  # pandas only when a table is read: the nightly question builds the resources without it
    import pandas as pd


class ReferenceData(dg.ConfigurableResource):
    """Reads the code lists in `data/reference`; PROVENANCE.md there says where each came from."""

    directory: str = str(settings.REFERENCE_DIR)

    def table(self, name: str) -> pd.DataFrame:
        """`<name>.csv` with every column as text, so codes keep their leading zeros."""
        import pandas as pd

        return pd.read_csv(Path(self.directory) / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
