"""jobindsats v3 metadata: the catalogue and table documents, the data query built from them, the
incremental period selection, and the live client's metadata cache (against `responses`).

The v3 metadata documents (`GET /v3/tables`, `GET /v3/table/{id}`) have never been recorded. The
documents below are CONSTRUCTED from the field names documented in the project's data-sources
notes (catalogue: subjects -> table_groups[] -> tables[] with table_id, table_name,
update_latest, update_next, update_freq, periods.periodtypes[{periodtype_id, period_last}];
table: periods[{periodtype_id, values[{period_id}]}], dimensions[{dimension_id,
hierarchies[{hierarchy_id, levels}]}], mgroups[{mgroup_id, mgroup_name}]). They are NOT recorded
responses; names, dates and values are made up in that shape.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines import settings
from pipelines.errors import InputError
from pipelines.sources.jobindsats import JobindsatsApiClient, JobindsatsSnapshotClient
from pipelines.sources.jobindsats_metadata import (
    CatalogueEntry,
    QueryError,
    TableMetadata,
    build_query,
    parse_catalogue,
    parse_table_metadata,
    select_periods,
)
from pipelines.sources.jobindsats_parser import table_specs

pytestmark = pytest.mark.usefixtures("no_real_sleep")

TOKEN = "tok-SECRET-meta"
BASE = "http://127.0.0.1:9/v3"
TABLES_URL = f"{BASE}/tables"
TABLE_URL = f"{BASE}/table/y60j01"

# CONSTRUCTED (documented field names, made-up values): two subjects, three tables, one without periods.
CATALOGUE = [
    {
        "subject_id": "kontanthjaelp",
        "subject_name": "Kontanthjælp",
        "table_groups": [
            {
                "table_group_id": "ordinaere_timer",
                "tables": [
                    {
                        "table_id": "Y60J01",
                        "table_name": "Kontanthjælp: antal og andel med ordinære løntimer",
                        "update_latest": "2026-10-14T08:00:00",
                        "update_next": "2026-11-11T08:00:00",
                        "update_freq": "Månedlig",
                        "periods": {
                            "periodtypes": [
                                {"periodtype_id": "M", "period_last": "2026M08"},
                                {"periodtype_id": "Q", "period_last": "2026Q02"},
                            ]
                        },
                    },
                    {"table_id": "y60a02", "table_name": "Uden perioder"},
                ],
            }
        ],
    },
    {
        "subject_id": "benchmark",
        "table_groups": [
            {
                "tables": [
                    {
                        "table_id": "y30r21",
                        "table_name": "Benchmark",
                        "update_latest": "2026-03-20T08:00:00",
                        "update_next": None,
                        "update_freq": "Halvårlig",
                        "periods": {"periodtypes": [{"periodtype_id": "QMAT", "period_last": "2025QMAT04"}]},
                    }
                ]
            }
        ],
    },
]

# CONSTRUCTED (documented field names, made-up values): a monthly table with two dimensions.
TABLE = {
    "table_id": "y60j01",
    "periods": [
        {"periodtype_id": "M", "values": [{"period_id": p} for p in ("2026M03", "2026M01", "2026M02", "2026M04")]},
        {"periodtype_id": "Q", "values": [{"period_id": "2026Q01"}]},
    ],
    "dimensions": [
        {
            "dimension_id": "omraade",
            "hierarchies": [
                {"hierarchy_id": "_nykom", "levels": [{"level": 1}, {"level": 2}]},
                {"hierarchy_id": "_kom", "levels": [{"level": 1}]},
            ],
        },
        {
            "dimension_id": "alder",
            "hierarchies": [
                {"hierarchy_id": "_alder5", "levels": [{"level": 1}]},
                {"hierarchy_id": "_alder10", "levels": [{"level": 1}]},
            ],
        },
    ],
    "mgroups": [
        {"mgroup_id": "antal", "mgroup_name": "Antal personer med ordinære timer"},
        {"mgroup_id": "andel", "mgroup_name": "Andel personer med ordinære timer"},
    ],
}

META = TableMetadata(
    "y60j01",
    periods={"M": ["2026M01", "2026M02", "2026M03", "2026M04"], "Q": ["2026Q01"]},
    dimensions={"omraade": ["_nykom", "_kom"], "alder": ["_alder5", "_alder10"]},
    mgroups=["antal", "andel"],
)


# --- parsing the documents ----------------------------------------------------------------------


def test_parse_catalogue_flattens_subjects_groups_and_tables():
    entries = parse_catalogue(CATALOGUE, "GET /v3/tables")

    assert entries == [
        CatalogueEntry(
            table_id="y60j01",  # lower-cased
            table_name="Kontanthjælp: antal og andel med ordinære løntimer",
            update_latest="2026-10-14T08:00:00",
            update_next="2026-11-11T08:00:00",
            update_freq="Månedlig",
            period_last={"M": "2026M08", "Q": "2026Q02"},
        ),
        CatalogueEntry("y60a02", "Uden perioder", None, None, None, {}),
        CatalogueEntry("y30r21", "Benchmark", "2026-03-20T08:00:00", None, "Halvårlig", {"QMAT": "2025QMAT04"}),
    ]


def test_parse_table_metadata_sorts_periods_and_lists_hierarchies_and_mgroups():
    meta = parse_table_metadata("Y60J01", TABLE, "GET /v3/table/y60j01")

    assert meta == META


@pytest.mark.parametrize(
    "payload, expected",
    [
        ({"table_groups": []}, "unexpected catalogue shape: expected a list of subjects"),
        ([{"subject_id": "x"}], "unexpected metadata shape: no 'table_groups'"),
        ([{"table_groups": [{"table_group_id": "g"}]}], "unexpected metadata shape: no 'tables'"),
        ([{"table_groups": [{"tables": [{"table_name": "no id"}]}]}], "unexpected metadata shape: no 'table_id'"),
    ],
)
def test_parse_catalogue_wrong_shape_is_an_input_error_naming_the_request(payload, expected):
    with pytest.raises(InputError) as caught:
        parse_catalogue(payload, "GET /v3/tables?format=json")

    assert str(caught.value) == f"GET /v3/tables?format=json: {expected}"


@pytest.mark.parametrize(
    "payload, expected",
    [
        ([TABLE], "no 'periods'"),
        ({"periods": TABLE["periods"]}, "no 'dimensions'"),
        ("not json object", "no 'periods'"),
    ],
)
def test_parse_table_metadata_wrong_shape_is_an_input_error(payload, expected):
    with pytest.raises(InputError) as caught:
        parse_table_metadata("y60j01", payload, "GET /v3/table/y60j01?format=json")

    assert str(caught.value) == f"GET /v3/table/y60j01?format=json: unexpected metadata shape: {expected}"


def test_parse_table_metadata_nested_wrong_shape_is_an_input_error():
    payload = copy.deepcopy(TABLE)
    payload["periods"][0] = {"periodtype": "M", "values": []}  # renamed key

    with pytest.raises(InputError, match="GET /v3/table/y60j01"):
        parse_table_metadata("y60j01", payload, "GET /v3/table/y60j01")


# --- the data query -----------------------------------------------------------------------------


def test_build_query_sets_every_dimension_explicitly():
    query = build_query("y60j01", "M", {"_kom": "*"}, META, ["2026M03", "2026M04"])

    assert query == {
        "period.M": "2026M03,2026M04",
        "mgroup.*": "*",
        "hierarchy._kom": "*",  # the spec's choice for omraade
        "hierarchy._alder5": "/",  # alder not in the spec: its first hierarchy at the total
    }


def test_build_query_with_no_spec_choices_takes_each_first_hierarchy_at_its_total():
    query = build_query("y60j01", "Q", {}, META, ["2026Q01"])

    assert query == {"period.Q": "2026Q01", "mgroup.*": "*", "hierarchy._nykom": "/", "hierarchy._alder5": "/"}


def test_build_query_keeps_the_spec_value_for_a_hierarchy():
    query = build_query("y60j01", "M", {"_nykom": "/101", "_alder10": "*"}, META, ["2026M01"])

    assert query["hierarchy._nykom"] == "/101"
    assert query["hierarchy._alder10"] == "*"
    assert "hierarchy._alder5" not in query and "hierarchy._kom" not in query


def test_build_query_refuses_a_hierarchy_the_table_does_not_have():
    with pytest.raises(QueryError) as caught:
        build_query("y60j01", "M", {"_nykom": "*", "_ygrp_y30r21": "*"}, META, ["2026M01"])

    message = str(caught.value)
    assert message.startswith("y60j01: hierarchies ['_ygrp_y30r21'] are not in /v3/table/y60j01")
    assert "['_alder10', '_alder5', '_kom', '_nykom']" in message
    assert message.endswith("fix the table spec")


def test_build_query_refuses_a_period_type_the_table_does_not_offer():
    with pytest.raises(QueryError, match=r"y60j01: period type QMAT is not offered \(it has \['M', 'Q'\]\)"):
        build_query("y60j01", "QMAT", {}, META, ["2025QMAT04"])


def test_build_query_for_the_bundled_y30r21_spec_and_snapshot_metadata():
    spec = table_specs()["y30r21"]
    meta = JobindsatsSnapshotClient().table_metadata("y30r21")

    query = build_query("y30r21", spec.periodtype, spec.hierarchies, meta, ["2022QMAT02", "2022QMAT04"])

    assert query == {
        "period.QMAT": "2022QMAT02,2022QMAT04",
        "mgroup.*": "*",
        "hierarchy._nykom": "*",
        "hierarchy._ygrp_y30r21": "*",
    }


def test_build_query_asks_for_year_to_date_periods_by_their_own_type():
    meta = TableMetadata("y25i01", {"M": ["2026M06"], "MYTD": ["2026MYTD06"]}, {"_nykom": ["_nykom"]})

    query = build_query("y25i01", "MYTD", {"_nykom": "*"}, meta, ["2026MYTD06"])

    assert query == {"period.MYTD": "2026MYTD06", "mgroup.*": "*", "hierarchy._nykom": "*"}


# --- which periods to ask for -------------------------------------------------------------------

OFFERED = [f"2026M{m:02d}" for m in range(1, 10)]  # 2026M01..2026M09


def test_select_periods_wanted_range_is_intersected_with_what_is_offered():
    wanted = ["2025M12", "2026M02", "2026M03", "2026M10"]

    assert select_periods(OFFERED, "2026M09", 3, wanted) == ["2026M02", "2026M03"]


def test_select_periods_wanted_ignores_what_is_held():
    assert select_periods(OFFERED, None, 3, ["2026M09"]) == ["2026M09"]
    assert select_periods(OFFERED, "2026M01", 3, []) == []


def test_select_periods_incremental_is_newer_plus_the_last_revisit_held_again():
    assert select_periods(OFFERED, "2026M06", 3) == ["2026M04", "2026M05", "2026M06", "2026M07", "2026M08", "2026M09"]


def test_select_periods_incremental_when_nothing_newer_is_offered_revisits_only():
    assert select_periods(OFFERED, "2026M09", 2) == ["2026M08", "2026M09"]


def test_select_periods_nothing_held_is_everything_offered_sorted():
    assert select_periods(list(reversed(OFFERED)), None, 3) == OFFERED


def test_select_periods_fewer_held_than_revisit_asks_for_all_held():
    assert select_periods(OFFERED, "2026M02", 3) == OFFERED


def test_select_periods_held_older_than_anything_offered_is_everything():
    assert select_periods(OFFERED, "2025M06", 3) == OFFERED


def test_select_periods_quarterly_mat_periods():
    offered = ["2021QMAT04", "2020QMAT02", "2022QMAT04", "2021QMAT02", "2022QMAT02", "2020QMAT04"]

    assert select_periods(offered, "2022QMAT04", 3) == ["2021QMAT04", "2022QMAT02", "2022QMAT04"]


def test_select_periods_revisit_zero_asks_only_for_newer_periods():
    assert select_periods(OFFERED, "2026M06", 0) == ["2026M07", "2026M08", "2026M09"]


# --- the snapshot client's metadata ---------------------------------------------------------------


def test_snapshot_catalogue_marker_is_the_sample_files_content_hash():
    entries = {entry.table_id: entry for entry in JobindsatsSnapshotClient().catalogue()}
    sample = settings.SAMPLE_DIR / "jobindsats" / "y30r21.json"

    assert entries["y30r21"].update_latest == hashlib.sha256(sample.read_bytes()).hexdigest()
    assert entries["y30r21"].table_name == table_specs()["y30r21"].title
    assert set(entries) <= set(table_specs())


def test_snapshot_table_metadata_lists_the_bodys_periods_and_the_specs_hierarchies():
    meta = JobindsatsSnapshotClient().table_metadata("Y30R21")

    assert meta.table_id == "y30r21"
    assert meta.periods == {
        "QMAT": ["2020QMAT02", "2020QMAT04", "2021QMAT02", "2021QMAT04", "2022QMAT02", "2022QMAT04"]
    }
    assert meta.dimensions == {"_nykom": ["_nykom"], "_ygrp_y30r21": ["_ygrp_y30r21"]}


# --- the live client's metadata and its cache -----------------------------------------------------


def live(cache_dir: Path | None = None, **overrides) -> JobindsatsApiClient:
    config = {"token": TOKEN, "base_url": BASE, "attempts": 1, "backoff_base_s": 0.0, "timeout_s": 5.0}
    if cache_dir is not None:
        config["cache_dir"] = str(cache_dir)
    return JobindsatsApiClient(**{**config, **overrides})


def urls(rsps) -> list[str]:
    return [urlsplit(call.request.url)._replace(query="").geturl() for call in rsps.calls]


def test_live_catalogue_calls_v3_tables_with_the_bearer_token(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)

    entries = live(tmp_path).catalogue()

    assert [e.table_id for e in entries] == ["y60j01", "y60a02", "y30r21"]
    assert len(rsps.calls) == 1
    sent = rsps.calls[0].request
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert urls(rsps) == [TABLES_URL]
    assert parse_qs(urlsplit(sent.url).query) == {"format": ["json"]}
    assert TOKEN not in sent.url


def test_live_table_metadata_calls_v3_table_id_lower_cased(rsps, tmp_path):
    rsps.get(TABLE_URL, json=TABLE)

    meta = live(tmp_path).table_metadata("Y60J01")

    assert meta == META
    assert urls(rsps) == [TABLE_URL]
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_second_call_within_the_ttl_is_served_from_memory(rsps):
    rsps.get(TABLES_URL, json=CATALOGUE)
    rsps.get(TABLE_URL, json=TABLE)
    client = live()  # no cache_dir: memory only

    first = client.catalogue()
    second = client.catalogue()
    client.table_metadata("y60j01")
    client.table_metadata("y60j01")

    assert first == second
    assert urls(rsps) == [TABLES_URL, TABLE_URL]


def test_a_new_client_with_the_same_cache_dir_reads_the_disk_cache(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)
    rsps.get(TABLE_URL, json=TABLE)
    live(tmp_path).catalogue()
    live(tmp_path).table_metadata("y60j01")
    assert len(rsps.calls) == 2
    assert json.loads((tmp_path / "jobindsats" / "tables.json").read_text(encoding="utf-8")) == CATALOGUE
    assert json.loads((tmp_path / "jobindsats" / "table_y60j01.json").read_text(encoding="utf-8")) == TABLE

    again = live(tmp_path)
    assert [e.table_id for e in again.catalogue()] == ["y60j01", "y60a02", "y30r21"]
    assert again.table_metadata("y60j01") == META

    assert len(rsps.calls) == 2  # no HTTP for the second client


def test_an_expired_disk_cache_is_fetched_again(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)
    live(tmp_path).catalogue()
    cache_file = tmp_path / "jobindsats" / "tables.json"
    day_and_a_bit_ago = time.time() - 25 * 3600
    os.utime(cache_file, (day_and_a_bit_ago, day_and_a_bit_ago))

    live(tmp_path).catalogue()  # default TTL: 24 h

    assert urls(rsps) == [TABLES_URL, TABLES_URL]
    assert time.time() - cache_file.stat().st_mtime < 60  # rewritten


def test_a_disk_cache_younger_than_the_ttl_is_used(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)
    live(tmp_path).catalogue()
    cache_file = tmp_path / "jobindsats" / "tables.json"
    hours_ago = time.time() - 23 * 3600
    os.utime(cache_file, (hours_ago, hours_ago))

    live(tmp_path).catalogue()

    assert len(rsps.calls) == 1


def test_a_tiny_ttl_fetches_every_time_in_memory_and_on_disk(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)
    client = live(tmp_path, metadata_ttl_hours=1e-9)

    client.catalogue()
    client.catalogue()
    live(tmp_path, metadata_ttl_hours=1e-9).catalogue()

    assert len(rsps.calls) == 3


def test_a_changed_catalogue_is_seen_after_the_ttl(rsps, tmp_path):
    changed = copy.deepcopy(CATALOGUE)
    changed[1]["table_groups"][0]["tables"][0]["update_latest"] = "2026-10-20T08:00:00"
    rsps.get(TABLES_URL, json=CATALOGUE)
    rsps.get(TABLES_URL, json=changed)  # `responses` serves registrations for one URL in order
    live(tmp_path).catalogue()
    cache_file = tmp_path / "jobindsats" / "tables.json"
    os.utime(cache_file, (0, 0))

    entries = {e.table_id: e for e in live(tmp_path).catalogue()}

    assert entries["y30r21"].update_latest == "2026-10-20T08:00:00"
    assert len(rsps.calls) == 2


def test_a_document_of_the_wrong_shape_is_not_cached(rsps, tmp_path):
    rsps.get(TABLES_URL, json={"message": "maintenance"})
    rsps.get(TABLES_URL, json=CATALOGUE)
    with pytest.raises(InputError):
        live(tmp_path).catalogue()

    entries = live(tmp_path).catalogue()  # should ask again

    assert [e.table_id for e in entries] == ["y60j01", "y60a02", "y30r21"]


def test_an_unreadable_cache_file_is_fetched_again(rsps, tmp_path):
    rsps.get(TABLES_URL, json=CATALOGUE)
    cache_file = tmp_path / "jobindsats" / "tables.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text(json.dumps(CATALOGUE)[:50], encoding="utf-8")

    entries = live(tmp_path).catalogue()

    assert [e.table_id for e in entries] == ["y60j01", "y60a02", "y30r21"]
    assert len(rsps.calls) == 1
