"""Code lists shared by the models: levels, period formats, provenance labels."""

NIVEAUER = ("land", "region", "landsdel", "rar", "kommunegruppe", "kommune")
HELE_LANDET = "000"
N_KOMMUNER = 98

# jobindsats period ids by type: 2024M01, 2024Q01, 2020QMAT02, 2024, 2024MYTD06. MYTD (the year to
# date, January to the month) has not been seen in a response: its id is inferred from QMAT's [I].
PERIODE_PATTERNS = {
    "M": r"^\d{4}M(0[1-9]|1[0-2])$",
    "Q": r"^\d{4}Q0[1-4]$",
    "QMAT": r"^\d{4}QMAT0[1-4]$",
    "Y": r"^\d{4}$",
    "MYTD": r"^\d{4}MYTD(0[1-9]|1[0-2])$",
}
PERIODETYPER = tuple(PERIODE_PATTERNS)
# Any of them.
PERIODE_PATTERN = "|".join(PERIODE_PATTERNS.values())
OMRAADE_KODE_PATTERN = r"^[0-9A-Z]{3,5}$"

# The benefit-group hierarchies of the sources (see data/reference/ydelsesgrupper.csv).
GRUPPERINGER = ("benchmark", "offentligt_forsoergede", "ledighed")

# Every fact row says where it came from and whether it is real.
DATAGRUNDLAG = ("live", "extract", "sample-real", "sample-synthetic")
