"""The comparison settings of the benchmark: comparable kommuner and peer lists (config/sammenligning.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

CONFIG_PATH = Path(__file__).resolve().parent / "config" / "sammenligning.toml"
GRUNDLAG = ("samme_ydelsesgruppe", "i_alt")


@dataclass(frozen=True)
class Sammenligning:
    antal_sammenlignelige: int = 2
    grundlag: str = "samme_ydelsesgruppe"
    peers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.antal_sammenlignelige < 0:
            raise ValueError(f"sammenlignelige.antal must be 0 or more, not {self.antal_sammenlignelige}")
        if self.grundlag not in GRUNDLAG:
            raise ValueError(f"sammenlignelige.grundlag must be one of {GRUNDLAG}, not {self.grundlag!r}")
        for kommune, peers in self.peers.items():
            if kommune in peers:
                raise ValueError(f"peers: kommune {kommune} lists itself as a peer")
            if len(set(peers)) != len(peers):
                raise ValueError(f"peers: kommune {kommune} lists a peer twice")

    def peer_frame(self) -> pd.DataFrame:
        """One row per (kommune_kode, peer_kode), in the configured order (`nr` from 1)."""
        rows = [(k, p, nr) for k, peers in self.peers.items() for nr, p in enumerate(peers, start=1)]
        return pd.DataFrame(rows, columns=["kommune_kode", "peer_kode", "nr"]).astype(
            {"kommune_kode": str, "peer_kode": str, "nr": "int64"}
        )

    def unknown_codes(self, kommune_codes: set[str]) -> list[str]:
        """Configured codes that are not kommuner in mart.dim_omraade."""
        codes = {*self.peers, *(p for peers in self.peers.values() for p in peers)}
        return sorted(codes - kommune_codes)


def load(path: Path = CONFIG_PATH) -> Sammenligning:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    section = raw.get("sammenlignelige", {})
    return Sammenligning(
        antal_sammenlignelige=int(section.get("antal", 2)),
        grundlag=str(section.get("grundlag", "samme_ydelsesgruppe")),
        peers={str(k): tuple(str(p) for p in v) for k, v in raw.get("peers", {}).items()},
    )
