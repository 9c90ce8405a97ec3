"""PDF of a report page by headless Chromium (`--print-to-pdf`): the browser lays out what the reader sees."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags that run headless Chromium as root in a container without reaching out to the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian's `chromium` package installs /usr/bin/chromium), or None."""
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def print_to_pdf(page: Path, timeout_s: float = 60) -> bytes:
    """The PDF of a local HTML file; RuntimeError naming the page when Chromium is missing or fails."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError(f"no Chromium to print {page} to PDF: install it (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="jobindblik-chromium-") as profile:
        target = Path(profile) / "rapport.pdf"
        done = subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={target}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
        if done.returncode != 0 or not target.exists():
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"Chromium could not print {page} to PDF (exit {done.returncode}): {' | '.join(tail)}")
        return target.read_bytes()
