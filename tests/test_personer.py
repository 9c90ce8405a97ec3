"""Person-level files: recognised, pseudonymised on read, never kept as files (landing, quarantine)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb

from pipelines.ingest import Outcome, ingest_file
from pipelines.resources.landing import LandingStore
from pipelines.sources.personer import KEY_VARIABLE

CPR = "0101901234"
KEY = "a-test-key-of-enough-length"
FILE = f"""person_id;kommune;maalgruppe;startdato;slutdato
{CPR};Herning;Kontanthjælpsmodtagere (jobparate);2024-01-05;
010190-1234;657;Dagpengemodtagere;01-06-2023;2024-01-02
"""


class NoValidation:
    """ingest_file's validator: person files never reach it (they are checked on read)."""

    areas = groups = None


def all_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def ingest_text(folder: Path, name: str, text: str, inbox: Path | None = None) -> tuple[Outcome, LandingStore]:
    """`text` written as the file `name` (in `inbox` when given) and ingested into a landing zone in `folder`."""
    path = (inbox or folder) / name
    path.write_text(text, encoding="utf-8")
    landing = LandingStore(folder / "landing", folder / "quarantine")
    return ingest_file(path, landing, NoValidation(), inbox), landing


def test_without_the_key_the_file_is_refused_and_not_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    outcome, _ = ingest_text(tmp_path, "forloeb.csv", FILE)
    assert outcome.status == "rejected" and KEY_VARIABLE in outcome.message
    kept = all_bytes(tmp_path / "quarantine")
    assert b"reason" in kept and CPR.encode() not in kept and b"010190-1234" not in kept
    assert hashlib.sha256(FILE.encode()).hexdigest().encode() in kept  # the original's hash, not the file
    assert not (tmp_path / "landing").exists()


def test_with_the_key_landing_keeps_only_pseudonyms(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    outcome, landing = ingest_text(tmp_path, "forloeb.csv", FILE)
    assert outcome.status == "landed", outcome.message
    stored = all_bytes(tmp_path / "landing")
    assert CPR.encode() not in stored and KEY.encode() not in stored
    [landed] = landing.all("personer", "maalgruppeforloeb")
    ids = {row[0] for row in duckdb.execute("select person_id from read_parquet(?)", [str(landed.path)]).fetchall()}
    assert ids == {hmac.new(KEY.encode(), CPR.encode(), hashlib.sha256).hexdigest()}  # both spellings, one person
    assert landed.meta["original_sha256"] == hashlib.sha256(FILE.encode()).hexdigest()
    assert ingest_file(tmp_path / "forloeb.csv", landing, NoValidation()).status == "unchanged"


def test_unknown_label_names_file_line_and_label(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    outcome, _ = ingest_text(tmp_path, "forloeb.csv", FILE.replace("Dagpengemodtagere", "Dagpengemodtager"))
    assert outcome.status == "rejected"
    assert "line 3" in outcome.message and "'Dagpengemodtager'" in outcome.message and CPR not in outcome.message


def test_a_refused_person_file_leaves_the_inbox_and_is_kept_nowhere(tmp_path, monkeypatch):
    """The warehouse inbox moves every refused file out; a person file is not moved into quarantine but removed."""
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outcome, _ = ingest_text(tmp_path, "forloeb.csv", FILE, inbox)
    assert outcome.status == "rejected"
    assert not (inbox / "forloeb.csv").exists()
    kept = all_bytes(tmp_path)
    assert CPR.encode() not in kept and b"010190-1234" not in kept and b"reason" in kept
