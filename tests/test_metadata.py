"""What the Dagster UI shows a data engineer: column schemas, table names, owners and domain on the staging and
publish assets, charts as images, and the kommune-partitioned report kept out of the monthly runs."""

from __future__ import annotations

import base64

import dagster as dg

from assets.metadata import DOMAIN_TAGS, OWNERS, chart
from pipelines.definitions import defs
from pipelines.whats_new import run_plan
from schemas.types import to_schema
from warehouse.marts import model_for
from warehouse.rapport import configured_kommuner, diagrammer
from warehouse.tables import columns_of

REPORT = dg.AssetKey(["publish", "rapport"])


def test_staging_assets_declare_their_columns_table_owners_and_domain():
    specs = [spec for spec in defs.resolve_all_asset_specs() if spec.key.path[0] == "staging"]
    checked = 0
    for spec in specs:
        if spec.key.path[1] == "tilsyn_fokusmaal_taelling":  # built in assets/tilsyn.py, with the marts
            continue
        table = "staging." + spec.key.path[1]
        schema = spec.metadata["dagster/column_schema"]
        assert spec.metadata["dagster/table_name"] == table
        model = model_for(table)  # registered by the table's pandera check
        assert [(c.name, c.type) for c in schema.columns] == [(n, t) for n, t, _ in columns_of(model)], table
        described = {n: c.description for n, c in to_schema(model).columns.items() if c.description}
        assert all(c.description == described[c.name] for c in schema.columns if c.name in described), table
        assert spec.owners == OWNERS and DOMAIN_TAGS.items() <= spec.tags.items()
        checked += 1
    assert checked > 20


def test_publish_declares_owners_and_the_report_is_partitioned_by_the_configured_kommuner():
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    publish = specs[dg.AssetKey(["publish", "serving_duckdb"])]
    assert publish.owners == OWNERS and DOMAIN_TAGS.items() <= publish.tags.items()
    report = specs[REPORT]
    assert report.partitions_def.get_partition_keys() == configured_kommuner()
    assert dg.AssetKey(["publish", "serving_duckdb"]) in {dep.asset_key for dep in report.deps}


def test_monthly_runs_never_select_the_kommune_partitioned_report():
    graph = defs.resolve_asset_graph()
    assert REPORT not in defs.resolve_job_def("refresh_all").asset_layer.selected_asset_keys
    assets, _ = run_plan([dg.AssetKey(["staging", "jobindsats_y25i01"])], graph)
    assert dg.AssetKey(["publish", "serving_duckdb"]) in assets and REPORT not in assets
    assert defs.resolve_job_def("rapporter").asset_layer.selected_asset_keys == {REPORT}


def test_a_chart_is_markdown_with_the_png_inline():
    figure = diagrammer.linjer(["2026M06", "2026M07"], {"Hele landet": [91_000, 91_583]}, "Bruttoledige", 0)
    value = chart(diagrammer.png(figure), "Bruttoledige")
    prefix = "![Bruttoledige](data:image/png;base64,"
    assert value.value.startswith(prefix)
    assert base64.b64decode(value.value[len(prefix) : -1]).startswith(b"\x89PNG")


def test_a_monthly_staging_materialisation_counts_its_partitions_and_the_whole_table(good_run):
    events = [
        e
        for e in good_run[1].get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["staging", "jobindsats_y25i01"])
    ]
    assert events  # one per partition of the run's range, all with the run's counts
    metadata = events[0].materialization.metadata
    in_run, in_table = metadata["dagster/partition_row_count"].value, metadata["dagster/row_count"].value
    assert 0 < in_run <= in_table
