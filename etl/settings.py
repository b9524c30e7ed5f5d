"""Paths and vocabularies shared by the ETL and the dashboard (one place for both)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = Path(os.environ.get("FLEVOMONITOR_RAW", ROOT / "data" / "raw"))
REFERENCE_DIR = Path(os.environ.get("FLEVOMONITOR_REFERENCE", ROOT / "data" / "reference"))
WAREHOUSE = Path(os.environ.get("FLEVOMONITOR_WAREHOUSE", ROOT / "data" / "warehouse.duckdb"))
SNAPSHOTS_DIR = Path(os.environ.get("FLEVOMONITOR_SNAPSHOTS", ROOT / "data" / "snapshots"))
SQL_DIR = Path(__file__).resolve().parent / "sql"
# The internal store: per-client rows (raw_/stg_trajecten) that only the ETL and the data
# steward use; the warehouse above holds the public view and aggregates only.
# It sits next to the warehouse (etl.build.intern_pad is the rule).
INTERN_DIR = WAREHOUSE.parent / "intern"
INTERN_WAREHOUSE = INTERN_DIR / f"{WAREHOUSE.stem}-intern.duckdb"
# Refused deliveries, each kept with its report.
REJECTED_DIR = Path(os.environ.get("FLEVOMONITOR_REJECTED", ROOT / "data" / "rejected"))
# The append-only audit trail (deliveries, refusals, builds, snapshots, beheerder logins).
LOGBOEK = Path(os.environ.get("FLEVOMONITOR_LOGBOEK", ROOT / "data" / "logboek" / "logboek.jsonl"))
CONFIG_DIR = ROOT / "config"

# Bump when the warehouse layout changes, so a warehouse built by older code is rebuilt.
SCHEMA_VERSION = 1

KINDS = ("trajecten", "tellingen", "capaciteit")

# A file whose name carries this token holds generated demo data
# (e.g. trajecten_demo_2026-10-15.csv).
DEMO_TOKEN = "demo"

VOORZIENINGEN_TRAJECTEN = ("BW", "MO", "VO")
VOORZIENINGEN_TELLINGEN = ("BW", "MO", "VO", "E33", "OGGZ")

PRODUCTEN = {
    "BW": ("BW midden", "BW hoog", "Combinatie", "Beschut wonen"),
    "MO": ("Nachtopvang", "Crisisopvang", "Gezinsopvang", "Jongerenopvang", "Noodopvang"),
    "VO": ("Noodbed", "Crisisopvang", "Begeleid wonen"),
}
CLUSTERS = (
    "Psychiatrie met verslaving",
    "Psychiatrie met lvb",
    "Autisme",
    "Psychiatrie moeder en kind",
    "Psychose en schizofrenie",
    "Somatiek en psychiatrie",
    "Psychiatrie regulier",
)
AANMELDING_TYPES = ("Nieuw", "Verlenging")
UITSTROOMBESTEMMINGEN = (
    "Zelfstandig wonen",
    "Zelfstandig met ambulante begeleiding",
    "Begeleid wonen",
    "Beschermd wonen",
    "Wlz",
    "Klinische opname",
    "Detentie",
    "Vertrokken",
    "Anders",
)
LEEFTIJDSKLASSEN = ("18-22", "23-26", "27-49", "50+")
GESLACHTEN = ("M", "V", "X", "Onbekend")
JA_NEE = ("ja", "nee")

# The key of a kerncijfers row: one figure per combination (the public view's contract).
# What the view kerncijfers reads: the warehouse version is the hash of these tables.
KERNCIJFERS_TABELLEN = (
    "mart_kerncijfers", "mart_trajecten", "mart_herkomst_verblijf", "trajecten_uitsplitsingen",
    "nulrooster_perioden", "nulrooster_gemeenten", "nulrooster_dimensies",
    "ref_inwoners_regio", "ref_gemeentenamen",
)

KERNCIJFER_SLEUTEL = ("voorziening", "indicator", "periode", "gemeentecode", "perspectief",
                      "dimensie", "bron")

# A figure the warehouse computed from a published telling (a region total, a sum of months or
# quarters, a per-10,000 twin) names its source as "afgeleid uit <bron>": the document itself
# never printed it. Sources whose name already says the figure is computed are never prefixed.
AFGELEID = "afgeleid uit "
BEREKENDE_BRONNEN = ("trajecten", "capaciteit")
# The same two rules in SQL, for the build and for every connection the dashboard reads through
# (basis_bron: the document behind a figure; afgeleid_uit: the bron of a derived figure).
BRON_MACROS = (
    "CREATE OR REPLACE MACRO basis_bron(bron) AS (CASE WHEN starts_with(bron, "
    f"'{AFGELEID}') THEN substr(bron, {len(AFGELEID) + 1}) ELSE bron END);"
    "CREATE OR REPLACE MACRO afgeleid_uit(bron) AS (CASE WHEN bron IN "
    f"({', '.join(repr(b) for b in BEREKENDE_BRONNEN)}) THEN bron "
    f"ELSE '{AFGELEID}' || basis_bron(bron) END);"
)
# Perspectives of a telling (data contract 1b, optional column): a table by municipality of
# origin is `herkomst`, by place `verblijf`; without one, and always for TOTAAL, `regio`.
PERSPECTIEVEN_TELLINGEN = ("herkomst", "verblijf", "regio")

BUITEN = "BUITEN"
ONBEKEND = "ONBEKEND"
TOTAAL = "TOTAAL"
SPECIAL_GEMEENTE_NAMES = {BUITEN: "Buiten de regio", ONBEKEND: "Onbekend", TOTAAL: "Regio totaal"}

# Tellingen indicators that are flows: their months add up to quarters and their
# quarters to years. Stocks (clienten, wachtlijst, ...) never add up over time.
FLOW_INDICATORS = frozenset(
    {"meldingen", "adviesaanvragen", "aanmeldingen", "eerste_opvang", "instroom", "uitstroom",
     "uitstroom_eigen_gemeente", "uitstroom_woongemeente_bekend"}
)
# Indicators that are ratios, not counts: never summed, never turned into per_10000.
RATIO_SUFFIXES = ("_pct", "_per_10000", "_dagen", "graad")


def basis_bron(bron: str) -> str:
    """The published source behind a figure: "afgeleid uit X" and "X" both give X."""
    return bron.removeprefix(AFGELEID)


class TomlFout(ValueError):
    """A config file that cannot be read or is no TOML; the message is Dutch."""


def lees_toml(pad: Path) -> dict:
    """A config file as a dict; TomlFout (Dutch, naming the file) when unreadable. Each
    reader checks its own keys."""
    try:
        return tomllib.loads(pad.read_text(encoding="utf-8"))
    except OSError as fout:
        raise TomlFout(f"{pad.name} is niet te lezen: {fout.strerror or fout}") from fout
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as fout:
        raise TomlFout(f"{pad.name} is geen geldige TOML: {fout}") from fout
