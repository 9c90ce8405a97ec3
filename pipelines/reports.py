"""The committee report's partitions: one per configured kommune (pipelines/config/rapport.toml).

The report is partitioned by kommune, not by month, so no monthly run selects it (REPORTS):
`jobindblik run` writes the configured kommuner' pages after publishing, and the job `rapporter`
materialises any of them from the UI.
"""

from __future__ import annotations

import dagster as dg

from warehouse.rapport import configured_kommuner

kommuner = dg.StaticPartitionsDefinition(configured_kommuner())
REPORT_GROUP = "rapport"
REPORTS = dg.AssetSelection.groups(REPORT_GROUP)
