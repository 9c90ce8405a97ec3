"""Code lists shared by the models: levels, period formats, provenance labels."""

NIVEAUER = ("land", "region", "landsdel", "rar", "kommunegruppe", "kommune")
HELE_LANDET = "000"
N_KOMMUNER = 98

PERIODETYPER = ("M", "Q", "QMAT", "Y")
# jobindsats period ids: 2024M01, 2024Q01, 2020QMAT02, 2024.
PERIODE_PATTERN = r"^\d{4}(M(0[1-9]|1[0-2])|Q0[1-4]|QMAT0[1-4])?$"

# Every fact row says where it came from and whether it is real.
DATAGRUNDLAG = ("live", "extract", "sample-real", "sample-synthetic")
