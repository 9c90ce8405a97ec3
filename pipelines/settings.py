"""Where things live, read once from the environment (the public contract in DESIGN.md)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
REFERENCE_DIR = DATA_DIR / "reference"

DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "jobindblik.duckdb"
DEFAULT_JOBINDSATS_BASE_URL = "https://api.jobindsats.dk/v3"
DEFAULT_STATBANK_BASE_URL = "https://api.statbank.dk/v1"

SOURCES = ("sample", "live")
DEFAULT_HTTP_TIMEOUT_S = 30.0


def warehouse_path() -> Path:
    """The working DuckDB file; the serving copy, landing and quarantine folders sit beside it."""
    return Path(os.environ.get("JOBINDBLIK_WAREHOUSE") or DEFAULT_WAREHOUSE).expanduser().resolve()


def sample_dir() -> Path:
    """The sample a `sample` run replays (JOBINDBLIK_SAMPLE_DIR, default the bundled one): `bench` sets a longer one."""
    return Path(os.environ.get("JOBINDBLIK_SAMPLE_DIR") or SAMPLE_DIR).expanduser().resolve()


def source() -> str:
    """`sample` (the bundled snapshot, the default) or `live` (the real APIs)."""
    value = os.environ.get("JOBINDBLIK_SOURCE", "sample")
    if value not in SOURCES:
        raise ValueError(f"JOBINDBLIK_SOURCE must be one of {SOURCES}, not {value!r}")
    return value


def jobindsats_base_url() -> str:
    return os.environ.get("JOBINDSATS_BASE_URL") or DEFAULT_JOBINDSATS_BASE_URL


def statbank_base_url() -> str:
    return os.environ.get("STATBANK_BASE_URL") or DEFAULT_STATBANK_BASE_URL


def http_timeout_s() -> float:
    """Seconds without a byte from a source before a request counts as timed out (JOBINDBLIK_HTTP_TIMEOUT_S)."""
    return float(os.environ.get("JOBINDBLIK_HTTP_TIMEOUT_S") or DEFAULT_HTTP_TIMEOUT_S)
