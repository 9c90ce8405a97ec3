"""The StatBank source: the live client against `responses`, its snapshot twin, the table specs and the parser.

Real DST files are in tests/fixtures/statbank (PROVENANCE.md there); the real FOLK1A BULK file is
the bundled sample itself.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from pipelines import settings
from pipelines.errors import InputError, Problem
from pipelines.sources.http import ApiError
from pipelines.sources.jobindsats import USER_AGENT
from pipelines.sources.statbank import (
    StatbankApiClient,
    StatbankApiError,
    StatbankResponse,
    StatbankSnapshotClient,
)
from pipelines.sources.statbank_parser import DstTable, parse_dst_rows, parse_dst_text
from pipelines.sources.statbank_request import join_bulk
from pipelines.sources.statbank_tables import kommune_codes, statbank_tables

pytestmark = pytest.mark.usefixtures("no_real_sleep")

FIXTURES = Path(__file__).parent / "fixtures" / "statbank"
SAMPLE = settings.SAMPLE_DIR / "statbank"
BASE = "http://127.0.0.1:9/v1"
FOLK1A_INFO = json.loads((SAMPLE / "tableinfo_folk1a.json").read_text(encoding="utf-8"))
METROX1_INFO = json.loads((FIXTURES / "tableinfo_METROX1_da-en_2021-12.json").read_text(encoding="utf-8"))
# The real REQUEST-LIMIT body, as quoted in rOpenGov/dkstat issue #39.
REQUEST_LIMIT_BODY = (
    '{"errorTypeCode":"REQUEST-LIMIT","message":"Forespørgslen på op mod 6.224.652 celler er over begrænsningen '
    'på 1.000.000 celler for denne filtype. Anvend BULK eller andet streaming format i stedet."}'
)
BULK_BODY = (
    "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n000;TOT;16;TOT;2020K1;70210\n101;TOT;16;TOT;2020K1;5512\n".encode()
)
REQUEST_ID = "6f1d8d8e-0c1b-4c55-9a53-1b2f63c8e0aa"


def client(**overrides) -> StatbankApiClient:
    return StatbankApiClient(**{"base_url": BASE, "attempts": 3, "backoff_base_s": 0.0, "timeout_s": 5.0, **overrides})


def sent_json(call) -> dict:
    return json.loads(call.request.body)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


# --- the live client --------------------------------------------------------------------------


def test_tableinfo_posts_table_json_and_danish_once(rsps):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)

    live = client()
    assert live.tableinfo("folk1a")["id"] == "FOLK1A"
    live.tableinfo("FOLK1A")

    assert len(rsps.calls) == 1  # cached per client
    assert sent_json(rsps.calls[0]) == {"table": "FOLK1A", "format": "JSON", "lang": "da"}
    assert rsps.calls[0].request.headers["User-Agent"] == USER_AGENT


def test_data_lists_every_variable_as_codes_in_bulk(rsps):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)
    rsps.post(f"{BASE}/data", body=BULK_BODY, headers={"StatbankAPI-Request-Id": REQUEST_ID})

    response = client().data("FOLK1A", {"OMRÅDE": ["000", "101"], "ALDER": ["16"], "TID": ["2020K1"]})

    assert sent_json(rsps.calls[1]) == {
        "table": "FOLK1A",
        "format": "BULK",
        "lang": "da",
        "valuePresentation": "Code",
        "timeOrder": "Ascending",
        "variables": [  # every variable, in tableinfo order; those not given at their total
            {"code": "OMRÅDE", "values": ["000", "101"]},
            {"code": "KØN", "values": ["TOT"]},
            {"code": "ALDER", "values": ["16"]},
            {"code": "CIVILSTAND", "values": ["TOT"]},
            {"code": "Tid", "values": ["2020K1"]},
        ],
    }
    assert isinstance(response, StatbankResponse)
    assert response.body == BULK_BODY
    assert response.table_id == "FOLK1A"
    assert response.request_id == REQUEST_ID
    assert response.datagrundlag == "live"
    assert response.query == {"OMRÅDE": ["000", "101"], "ALDER": ["16"], "TID": ["2020K1"]}
    assert response.request == (
        "POST /v1/data table=FOLK1A format=BULK lang=da OMRÅDE=000,101 KØN=TOT ALDER=16 CIVILSTAND=TOT Tid=2020K1"
    )
    frame = parse_dst_text(response.body.decode(), response.request).frame
    assert frame.loc[frame["OMRÅDE"] == "101", "INDHOLD"].tolist() == [5512.0]


def test_a_variable_without_a_total_must_be_given(rsps):
    rsps.post(f"{BASE}/tableinfo", json=METROX1_INFO)

    with pytest.raises(
        ValueError, match="METROX1: SÆSON was not given and tableinfo has no total value; list its values"
    ):
        client().data("METROX1", {"Tid": ["*"]})
    assert len(rsps.calls) == 1  # no data request was sent


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ALDER": ["16", "999"], "Tid": ["*"]}, "FOLK1A: ALDER has no value id 999 in tableinfo"),
        ({"BOPAEL": ["101"], "Tid": ["*"]}, "FOLK1A: no variable BOPAEL in tableinfo"),
        ({"OMRÅDE": [], "Tid": ["*"]}, "FOLK1A: no values given for OMRÅDE"),
        ({"OMRÅDE": ["000"]}, "FOLK1A: say which Tid values to request; time has no total"),
    ],
)
def test_wrong_ids_fail_before_anything_is_sent(rsps, variables, message):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)

    with pytest.raises(ValueError, match=message):
        client().data("FOLK1A", variables)
    assert [call.request.url for call in rsps.calls] == [f"{BASE}/tableinfo"]


def test_transient_failure_is_retried_without_real_sleep(rsps, no_real_sleep):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)
    rsps.post(f"{BASE}/data", status=503, body="Service Unavailable")
    rsps.post(f"{BASE}/data", body=BULK_BODY)

    assert client().data("FOLK1A", {"Tid": ["2020K1"]}).body == BULK_BODY
    assert [call.request.url for call in rsps.calls] == [f"{BASE}/tableinfo", f"{BASE}/data", f"{BASE}/data"]
    assert no_real_sleep == [0.0]


def test_request_limit_error_carries_dst_code_message_and_request_id_without_retry(rsps):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)
    rsps.post(f"{BASE}/data", status=400, body=REQUEST_LIMIT_BODY, headers={"StatbankAPI-Request-Id": REQUEST_ID})

    with pytest.raises(StatbankApiError) as info:
        client().data("FOLK1A", {"Tid": ["2020K1"]})

    error = info.value
    assert isinstance(error, ApiError)
    assert len(rsps.calls) == 2  # tableinfo and one data call: a 400 is not retried
    assert error.status == 400
    assert error.error_type_code == "REQUEST-LIMIT"
    assert error.request_id == REQUEST_ID
    assert str(error) == (
        "POST /v1/data table=FOLK1A format=BULK lang=da OMRÅDE=000 KØN=TOT ALDER=IALT CIVILSTAND=TOT Tid=2020K1 "
        "failed with HTTP 400: REQUEST-LIMIT: Forespørgslen på op mod 6.224.652 celler er over begrænsningen på "
        "1.000.000 celler for denne filtype. Anvend BULK eller andet streaming format i stedet. "
        f"(request_id {REQUEST_ID})"
    )


def test_error_without_dst_body_falls_back_to_the_text(rsps):
    rsps.post(f"{BASE}/tableinfo", status=404, body="Not Found")

    with pytest.raises(StatbankApiError) as info:
        client().tableinfo("NOSUCH")
    assert str(info.value) == "POST /v1/tableinfo table=NOSUCH format=JSON lang=da failed with HTTP 404: Not Found"
    assert info.value.error_type_code is None


def test_the_folk1a_spec_is_split_by_time_under_the_cell_cap(rsps):
    rsps.post(f"{BASE}/tableinfo", json=FOLK1A_INFO)
    header = "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"
    first = f"\ufeff{header}\r\n000;TOT;16;TOT;2008K1;34634\r\n".encode()
    second = f"{header}\n000;TOT;16;TOT;2020K1;35120".encode()  # no newline at the end
    rsps.post(f"{BASE}/data", body=first, headers={"StatbankAPI-Request-Id": "rid-1"})
    rsps.post(f"{BASE}/data", body=second, headers={"StatbankAPI-Request-Id": "rid-2"})

    response = client().data("FOLK1A", statbank_tables()["FOLK1A"].request())

    # 104 areas x 51 ages x 49 quarters = 259,896 rows x 6 fields = 1.56 million cells: two calls of
    # at most 31 quarters (31 x 5,304 rows x 6 = 986,544 cells).
    times = [sent_json(call)["variables"][-1]["values"] for call in rsps.calls[1:]]
    assert [len(t) for t in times] == [31, 18]
    assert times[0][0] == "2008K1" and times[0][-1] == "2015K3" and times[1][0] == "2015K4" and times[1][-1] == "2020K1"
    assert all(len(sent_json(call)["variables"][0]["values"]) == 104 for call in rsps.calls[1:])
    assert response.body == f"{header}\r\n000;TOT;16;TOT;2008K1;34634\r\n000;TOT;16;TOT;2020K1;35120\n".encode()
    assert response.request_id == "rid-1 rid-2"
    assert response.request.endswith("Tid=* (in 2 calls split by time)")
    assert "OMRÅDE=000,081,...,851 (104 values) KØN=TOT ALDER=16,17,...,66 (51 values)" in response.request
    assert parse_dst_text(response.body.decode(), "joined").frame["INDHOLD"].tolist() == [34634.0, 35120.0]


def test_join_bulk_refuses_parts_with_different_headers():
    assert join_bulk([b"A;TID;INDHOLD\n1;2020;3\n"]) == b"A;TID;INDHOLD\n1;2020;3\n"
    with pytest.raises(ValueError, match="different headers"):
        join_bulk([b"A;TID;INDHOLD\n", b"B;TID;INDHOLD\n"])


def test_base_url_comes_from_statbank_base_url(monkeypatch, rsps):
    assert StatbankApiClient().base_url == settings.DEFAULT_STATBANK_BASE_URL == "https://api.statbank.dk/v1"
    monkeypatch.setenv("STATBANK_BASE_URL", "http://127.0.0.1:9/v1/")
    rsps.post(f"{BASE}/tableinfo", json=METROX1_INFO)

    StatbankApiClient(base_url=settings.statbank_base_url()).tableinfo("metrox1")
    assert rsps.calls[0].request.url == f"{BASE}/tableinfo"
    monkeypatch.delenv("STATBANK_BASE_URL")
    assert settings.statbank_base_url() == "https://api.statbank.dk/v1"


# --- the snapshot twin, the specs and the sample ------------------------------------------------


@pytest.mark.parametrize(
    ("table_id", "datagrundlag", "rows"),
    [
        ("FOLK1A", "sample-real", 15600),
        ("AUF01", "sample-synthetic", 99 * 24),
        ("AUF02", "sample-synthetic", 99 * 18),
        ("RAS201", "sample-synthetic", 99 * 4 * 5),
        ("PEND101", "sample-synthetic", 98 * 2 * 5),
    ],
)
def test_snapshot_serves_each_spec_table_from_the_manifest(table_id, datagrundlag, rows):
    spec = statbank_tables()[table_id]

    response = StatbankSnapshotClient().data(table_id.lower(), spec.request())

    assert response.table_id == table_id
    assert response.datagrundlag == datagrundlag
    assert response.request == f"sample:statbank/{table_id.lower()}_bulk.csv"
    assert response.body == (SAMPLE / f"{table_id.lower()}_bulk.csv").read_bytes()
    assert response.request_id is None
    table = parse_dst_text(response.body.decode("utf-8"), response.request, table_id)
    assert (table.table_id, table.presentation, table.lang) == (table_id, "code", "da")
    assert len(table.frame) == rows
    if datagrundlag == "sample-synthetic":
        assert set(kommune_codes()) <= set(table.frame[spec.area])


def test_snapshot_checks_ids_like_the_live_client_and_knows_its_tables():
    snapshot = StatbankSnapshotClient()
    assert snapshot.tableinfo("FOLK1A")["variables"][0]["values"][:2] == [
        {"id": "000", "text": "Hele landet"},
        {"id": "084", "text": "Region Hovedstaden"},
    ]
    with pytest.raises(ValueError, match="PEND101: KØN has no value id TOT"):
        snapshot.data("PEND101", {**statbank_tables()["PEND101"].request(), "KØN": ["TOT"]})
    with pytest.raises(ApiError, match="the bundled sample has no such table"):
        snapshot.data("AUK01", {})


def test_folk1a_sample_holds_real_published_numbers():
    frame = parse_dst_text((SAMPLE / "folk1a_bulk.csv").read_text(encoding="utf-8"), "folk1a").frame

    assert list(frame.columns) == ["OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"]
    assert frame["INDHOLD"].dtype == float
    first = frame.iloc[0]
    assert (first["OMRÅDE"], first["KØN"], first["ALDER"], first["TID"], first["INDHOLD"]) == (
        "000",
        "1",
        "16",
        "2008K1",
        34634.0,
    )
    assert sorted(frame["OMRÅDE"].unique()) == [
        "000",
        "081",
        "082",
        "083",
        "084",
        "085",
        "147",
        "400",
        "461",
        "561",
        "751",
        "851",
    ]
    assert "38" not in set(frame["ALDER"])  # the original extract left age 38 out (data/PROVENANCE.md)


def test_specs_expand_kommuner_and_say_what_to_request():
    tables = statbank_tables()

    assert list(tables) == ["FOLK1A", "AUF01", "AUF02", "RAS201", "PEND101"]
    folk1a = tables["FOLK1A"]
    assert folk1a.variables["OMRÅDE"][:7] == ("000", "081", "082", "083", "084", "085", "101")
    assert len(folk1a.variables["OMRÅDE"]) == 104 and "411" not in folk1a.variables["OMRÅDE"]
    assert folk1a.variables["ALDER"] == tuple(str(age) for age in range(16, 67))
    assert (folk1a.variables["KØN"], folk1a.variables["CIVILSTAND"], folk1a.variables["Tid"]) == (
        ("TOT",),
        ("TOT",),
        ("*",),
    )
    assert (folk1a.frequency, folk1a.area, folk1a.verified) == ("quarterly", "OMRÅDE", True)
    assert tables["PEND101"].request()["KØN"] == ["M", "K"]
    assert tables["PEND101"].request()["PENDLING"] == ["DAG"]
    assert len(tables["PEND101"].variables["OMRÅDE"]) == 98
    assert [tables[t].frequency for t in ("AUF01", "AUF02", "RAS201")] == ["monthly", "monthly", "yearly"]
    assert not any(tables[t].verified for t in ("AUF01", "AUF02", "RAS201", "PEND101"))


def test_the_sample_generator_reproduces_the_committed_files():
    spec = importlib.util.spec_from_file_location(
        "make_statbank_sample", settings.PROJECT_ROOT / "tools" / "make_statbank_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    files = module.build()

    assert sorted(files) == sorted(p.name for p in SAMPLE.iterdir() if p.name != "folk1a_bulk.csv")
    for name, content in files.items():
        assert (SAMPLE / name).read_bytes() == content, name
    weights = pd.read_csv(SAMPLE / "befolkning_16_66_estimat.csv", dtype={"kommunekode": str})
    assert len(weights) == 98
    assert 3_700_000 < weights["befolkning_16_66_estimat"].sum() < 3_900_000


# --- the parser on real files ------------------------------------------------------------------


def value_of(table: DstTable, **key: str) -> float:
    frame = table.frame
    mask = pd.Series(True, index=frame.index)
    for column, value in key.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, key
    return frame.loc[mask, "INDHOLD"].item()


def test_danish_labels_without_bom_become_codes():
    table = parse_dst_text(fixture_text("folk1a_csv_da_label_alle_omr_2020K1_civilstand.csv"), "alle_omr.csv")

    assert (table.table_id, table.presentation, table.lang) == ("FOLK1A", "label", "da")
    assert list(table.frame.columns) == ["CIVILSTAND", "OMRÅDE", "TID", "INDHOLD"]
    assert value_of(table, OMRÅDE="000", CIVILSTAND="TOT") == 5822763.0  # Hele landet, I alt
    assert value_of(table, OMRÅDE="084", CIVILSTAND="TOT") == 1846023.0  # Region Hovedstaden
    assert value_of(table, OMRÅDE="101", CIVILSTAND="TOT") == 632340.0  # København
    assert table.frame["OMRÅDE"].nunique() == 105 and "411" in set(table.frame["OMRÅDE"])  # Christiansø
    assert sorted(table.frame["CIVILSTAND"].unique()) == ["E", "F", "G", "TOT", "U"]
    assert set(table.frame["TID"]) == {"2020K1"}


def test_danish_labels_with_bom_and_crlf_become_codes():
    text = fixture_text("folk1a_csv_da_label_bom_hele_landet_2008K1-2020K4.csv")
    assert text.startswith("\ufeff") and "\r\n" in text

    table = parse_dst_text(text, "hele_landet.csv")

    assert (table.table_id, table.presentation, table.lang) == ("FOLK1A", "label", "da")
    assert list(table.frame.columns) == ["OMRÅDE", "CIVILSTAND", "TID", "INDHOLD"]
    assert len(table.frame) == 52
    assert table.frame.iloc[0].tolist() == ["000", "TOT", "2008K1", 5475791.0]


def test_danish_age_labels_regions_and_civilstand():
    table = parse_dst_text(
        fixture_text("folk1a_csv_da_label_5omr_6alder_civilstand_udvalgte_kvartaler.csv"), "5omr.csv"
    )

    assert sorted(table.frame["ALDER"].unique()) == ["10", "18", "25", "27", "33", "77"]
    assert sorted(table.frame["OMRÅDE"].unique()) == ["083", "155", "159", "326", "330"]
    assert value_of(table, OMRÅDE="155", ALDER="10", TID="2008K1", CIVILSTAND="U") == 181.0  # Dragør, 10 år, Ugift


def test_english_labels_with_bom_become_codes_and_quarters_become_k():
    table = parse_dst_text(fixture_text("folk1a_csv_en_label_2021Q2_alder_koen.csv"), "english.csv")

    assert (table.table_id, table.presentation, table.lang) == ("FOLK1A", "label", "en")
    assert list(table.frame.columns) == ["ALDER", "KØN", "TID", "INDHOLD"]
    assert set(table.frame["TID"]) == {"2021K2"}
    assert value_of(table, ALDER="0", KØN="1") == 31649.0  # 0 years, Men
    assert value_of(table, ALDER="1", KØN="2") == 30226.0  # 1 year, Women
    assert value_of(table, ALDER="110", KØN="2") == 1.0


def test_real_metrox1_bulk_with_decimal_comma():
    table = parse_dst_text(fixture_text("metrox1_bulk_da_label_decimalkomma_2020U.csv"), "metrox1.csv")

    assert (table.table_id, table.presentation, table.lang) == (None, "label", "da")
    assert table.frame["INDHOLD"].tolist() == [37.7, 105.0, 95.2, 93.0, 63.0, 17.9]
    assert table.frame["TID"].iloc[0] == "2020U01"
    # Not one of our tables and no code list for SÆSON: its labels stay as written.
    assert set(table.frame["SÆSON"]) == {"Sæsonkorrigeret"}


# --- the parser on made-up edge cases -------------------------------------------------------


def test_missing_tokens_become_nan():
    table = parse_dst_text("OMRÅDE;TID;INDHOLD\n000;2024K1;..\n101;2024K1;\n147;2024K1;-\n151;2024K1;7,5\n", "missing")

    values = table.frame["INDHOLD"].tolist()
    assert [math.isnan(v) for v in values] == [True, True, True, False]
    assert values[3] == 7.5


def test_english_codes_use_a_decimal_point():
    table = parse_dst_text("OMRÅDE;TID;INDHOLD\n000;2021Q2;37.5\n", "en")

    assert (table.lang, table.presentation) == ("en", "code")
    assert table.frame.iloc[0].tolist() == ["000", "2021K2", 37.5]


def test_pend101_labels_use_its_own_sex_codes():
    table = parse_dst_text(
        "OMRÅDE;KØN;TID;INDHOLD\nHerning;Mænd;2023;20000\nHerning;Kvinder;2023;18000\n", "p", "pend101"
    )

    assert table.table_id == "PEND101"
    assert table.frame["KØN"].tolist() == ["M", "K"]
    assert table.frame["OMRÅDE"].tolist() == ["657", "657"]


def test_rows_keep_the_line_numbers_of_their_file():
    with pytest.raises(InputError) as info:
        parse_dst_rows(
            ["OMRÅDE", "TID", "INDHOLD"], [["000", "2024K1", "1"], ["000", "2024K1", "x"]], "sheet.xlsx", first_line=5
        )

    assert info.value.problems[0][:2] == (6, "INDHOLD")
    assert info.value.problems[1][:2] == (6, "OMRÅDE,TID")


@pytest.mark.parametrize(
    ("text", "table_id", "expected"),
    [
        ("", None, Problem(1, None, "the file is empty", "line")),
        ("\ufeff\n  \n", None, Problem(1, None, "the file is empty", "line")),
        ("OMRÅDE;TID\n000;2024K1\n", None, Problem(1, "INDHOLD", "no INDHOLD column in the header", "line")),
        ("OMRÅDE;INDHOLD\n000;5\n", None, Problem(1, "TID", "no TID column in the header", "line")),
        ("OMRÅDE;TID;INDHOLD\n", None, Problem(2, None, "no data rows after the header", "line")),
        (
            "OMRÅDE;TID;INDHOLD\n000;2024K1;12\n101;2024K1;tolv\n",
            None,
            Problem(3, "INDHOLD", "'tolv' is not a number (lang=da: decimal comma, no thousands separator)", "line"),
        ),
        (
            "OMRÅDE;TID;INDHOLD\n000;2024K1;1.234,5\n",
            None,
            Problem(2, "INDHOLD", "'1.234,5' is not a number (lang=da: decimal comma, no thousands separator)", "line"),
        ),
        (
            "OMRÅDE;CIVILSTAND;TID;INDHOLD\nHele landet;I alt;2024K1;1\nAtlantis;I alt;2024K1;2\n",
            None,
            Problem(3, "OMRÅDE", "unknown label 'Atlantis' (lang=da)", "line"),
        ),
        (
            "OMRÅDE;TID;INDHOLD\n000;2024K1;1\n101;2024K1\n",
            None,
            Problem(3, "INDHOLD", "has 2 fields, the header has 3", "line"),
        ),
        ("OMRÅDE;TID;INDHOLD\n000;2024K1;1;9\n", None, Problem(2, "INDHOLD", "has 4 fields, the header has 3", "line")),
        (
            "OMRÅDE;TID;INDHOLD\n000;2024K1;1\n101;2024K1;2\n000;2024K1;3\n",
            None,
            Problem(4, "OMRÅDE,TID", "repeats the key of line 2 (OMRÅDE=000, TID=2024K1)", "line"),
        ),
        ("OMRÅDE;TID;INDHOLD\n000;2024K1;1\n;2024K1;2\n", None, Problem(3, "OMRÅDE", "empty value", "line")),
        (
            "OMRÅDE;OMRÅDE;TID;INDHOLD\n000;000;2024K1;1\n",
            None,
            Problem(1, "OMRÅDE", "appears twice in the header", "line"),
        ),
        (
            "OMRÅDE;SÆSON;TID;INDHOLD\n000;10;2024K1;1\n",
            "FOLK1A",
            Problem(1, "SÆSON", "is not a variable of FOLK1A", "line"),
        ),
        (
            "OMRÅDE;YDELSESTYPE;TID;INDHOLD\nHele landet;I alt;2024M01;1\n",
            "AUF01",
            Problem(1, "YDELSESTYPE", "AUF01 has no code list for these labels; download the table with codes", "line"),
        ),
    ],
)
def test_bad_input_names_line_and_column(text, table_id, expected):
    with pytest.raises(InputError) as info:
        parse_dst_text(text, "upload/folk1a.csv", table_id)

    assert info.value.source == "upload/folk1a.csv"
    assert info.value.problems == [expected]
    assert str(info.value).startswith("upload/folk1a.csv: ")


def test_every_problem_is_reported_in_line_order():
    text = "OMRÅDE;TID;INDHOLD\nHele landet;2024K1;x\nAtlantis;2024K1;2\nHele landet;2024K1;3\n"

    with pytest.raises(InputError) as info:
        parse_dst_text(text, "f.csv")

    assert [(p.row, p.column) for p in info.value.problems] == [(2, "INDHOLD"), (3, "OMRÅDE"), (4, "OMRÅDE,TID")]
    assert "line 2, column 'INDHOLD'" in str(info.value)
