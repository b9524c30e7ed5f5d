"""Honest totals and labels (issue 12, point 4): a figure the warehouse computes from a
published telling names its source "afgeleid uit <bron>"; a table by municipality of origin
keeps `perspectief = herkomst`; a region total per 10,000 says what it is divided by.

Hand-made tellingen of bron "Jaarverslag" (peildatum 2019-01-15):

- MO clienten 2018, herkomst: Almere 10, Zeewolde 2, NOP 3, Urk 1, Dronten 4, Lelystad 6,
  BUITEN 5; no total given -> TOTAAL 31 (regio), derived.
- E33 meldingen, Almere: months 2018-01..12 with values 1..12 -> quarters 6, 15, 24, 33 and
  the year 78, all derived.
- OGGZ adviesaanvragen 2018, Almere 40 with its own per 10,000 (2): no twin for that rate.

Per 10,000 (inwoners 1-1-2018): Almere 10 / 203.990 -> 0,49; region 31 / 411.670 -> 0,75.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from warehousehulp import TELLINGEN_HEADER, geweigerd, write

from etl import settings
from etl.build import build
from etl.problems import FileRefused
from etl.reference import load_region
from etl.validate import validate_file
from monitor import labels
from monitor.views.instroom import keuze, regio_toelichting
from publicatie import suppressie

BRON = "Jaarverslag"
AFGELEID = f"afgeleid uit {BRON}"
HEADER = TELLINGEN_HEADER.replace(";gemeente;", ";gemeente;perspectief;")
GEMEENTEN = {"Almere": 10, "Zeewolde": 2, "Noordoostpolder": 3, "Urk": 1, "Dronten": 4,
             "Lelystad": 6, "BUITEN": 5}


def rij(voorziening: str, indicator: str, periode: str, gemeente: str, waarde: int,
        perspectief: str = "") -> str:
    return ";".join([BRON, voorziening, indicator, periode, gemeente, perspectief, "",
                     str(waarde), ""])


RIJEN = [
    *(rij("MO", "clienten", "2018", g, w, "herkomst") for g, w in GEMEENTEN.items()),
    *(rij("E33", "meldingen", f"2018-{m:02d}", "Almere", m) for m in range(1, 13)),
    rij("OGGZ", "adviesaanvragen", "2018", "Almere", 40),
    rij("OGGZ", "adviesaanvragen_per_10000", "2018", "Almere", 2),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("afgeleid")
    write(root / "raw" / "tellingen" / "tellingen_jaarverslag_2019-01-15.csv", HEADER, RIJEN)
    pad = root / "w.duckdb"
    build(root / "raw", pad, settings.REFERENCE_DIR)
    return pad


def kern(pad: Path, voorziening: str, indicator: str, periode: str, gemeente: str
         ) -> list[tuple]:
    with duckdb.connect(str(pad), read_only=True) as con:
        return con.execute(
            "SELECT perspectief, waarde, bron FROM kerncijfers WHERE voorziening = ? AND "
            "indicator = ? AND periode = ? AND gemeentecode = ? AND dimensie IS NULL "
            "ORDER BY bron", [voorziening, indicator, periode, gemeente]).fetchall()


def test_a_table_by_origin_keeps_herkomst_and_its_bron(warehouse):
    assert kern(warehouse, "MO", "clienten", "2018", "GM0034") == [("herkomst", 10.0, BRON)]
    assert kern(warehouse, "MO", "clienten", "2018", "BUITEN") == [("herkomst", 5.0, BRON)]


def test_a_region_total_the_document_does_not_print_is_derived(warehouse):
    assert kern(warehouse, "MO", "clienten", "2018", "TOTAAL") == [("regio", 31.0, AFGELEID)]


def test_every_per_10000_twin_of_a_telling_is_derived(warehouse):
    assert kern(warehouse, "MO", "clienten_per_10000", "2018", "GM0034") == [
        ("herkomst", 0.49, AFGELEID)]
    assert kern(warehouse, "MO", "clienten_per_10000", "2018", "TOTAAL") == [
        ("regio", 0.75, AFGELEID)]


def test_a_rate_the_source_gives_stays_its_own_and_gets_no_twin(warehouse):
    assert kern(warehouse, "OGGZ", "adviesaanvragen_per_10000", "2018", "GM0034") == [
        ("regio", 2.0, BRON)]


def test_quarters_and_years_added_up_from_months_are_derived(warehouse):
    kwartalen = [kern(warehouse, "E33", "meldingen", f"2018-K{k}", "GM0034") for k in range(1, 5)]
    assert kwartalen == [[("regio", w, AFGELEID)] for w in (6.0, 15.0, 24.0, 33.0)]
    assert kern(warehouse, "E33", "meldingen", "2018", "GM0034") == [("regio", 78.0, AFGELEID)]


def test_a_figure_named_after_a_document_is_in_that_document(shipped_warehouse):
    """The attack of the issue: every shipped figure whose bron is a document (not
    'afgeleid uit', trajecten or capaciteit) is a value the document's file holds."""
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        beweerd = con.execute(
            "SELECT voorziening, indicator, periode, gemeentecode, perspectief, "
            "coalesce(dimensie, '') AS dimensie, waarde, bron FROM kerncijfers "
            "WHERE bron NOT IN ('trajecten', 'capaciteit') AND NOT starts_with(bron, ?) "
            "AND periode_type <> 'maand'", [settings.AFGELEID]).df()
        gegeven = con.execute(
            "SELECT voorziening, indicator, periode, gemeentecode, perspectief, "
            "coalesce(dimensie, '') AS dimensie, CAST(waarde AS DOUBLE) AS waarde, bron "
            "FROM stg_tellingen").df() if _heeft(con, "stg_tellingen") else None
    assert not beweerd.empty
    if gegeven is None:  # the public warehouse holds no staging: read the files themselves
        gegeven = _tellingen_bestanden()
    sleutel = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie",
               "waarde", "bron"]
    samen = beweerd.merge(gegeven[sleutel].drop_duplicates(), on=sleutel, how="left",
                          indicator=True)
    niet_gedrukt = samen[samen["_merge"] == "left_only"]
    assert niet_gedrukt.empty, niet_gedrukt.head(10).to_string()
    # and the MO total of Bijlage 3 that no page prints is labelled as derived
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT waarde, bron FROM kerncijfers WHERE voorziening = 'MO' AND indicator = "
            "'clienten' AND periode = '2018' AND gemeentecode = 'TOTAAL' AND bron LIKE "
            "'%bijlage 3'").fetchall() == [
                (286.0, "afgeleid uit Regionaal kader 2020-2026 bijlage 3")]


def _heeft(con: duckdb.DuckDBPyConnection, tabel: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_name = ?", [tabel]).fetchone()[0])


def _tellingen_bestanden() -> pd.DataFrame:
    """The shipped tellingen as validated (gemeente names resolved to codes)."""
    region = load_region(settings.REFERENCE_DIR)
    delen = []
    for pad in sorted((settings.RAW_DIR / "tellingen").glob("tellingen_*.csv")):
        tabel = validate_file(pad, region).table.to_pandas()
        delen.append(pd.DataFrame({
            "voorziening": tabel["voorziening"], "indicator": tabel["indicator"],
            "periode": tabel["periode"], "gemeentecode": tabel["gemeente"],
            "perspectief": tabel["perspectief"].fillna("regio").replace("", "regio"),
            "dimensie": tabel["dimensie"].fillna(""),
            "waarde": tabel["waarde"].astype(float), "bron": tabel["bron"],
        }))
    return pd.concat(delen, ignore_index=True)


def test_the_shipped_herkomst_tables_keep_their_perspective(shipped_warehouse):
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        rijen = con.execute(
            "SELECT DISTINCT voorziening, indicator, perspectief FROM kerncijfers WHERE "
            "bron = 'Regionaal kader 2020-2026 bijlage 3' AND gemeentecode <> 'TOTAAL' AND "
            "voorziening IN ('MO', 'VO') AND indicator IN ('clienten', 'clienten_pct') "
            "ORDER BY ALL").fetchall()
    assert rijen == [("MO", "clienten", "herkomst"), ("MO", "clienten_pct", "herkomst"),
                     ("VO", "clienten", "herkomst")]


# --- validation of the optional column ------------------------------------------------------


def _refused(tmp_path: Path, rijen: list[str]) -> FileRefused:
    return geweigerd(tmp_path / "tellingen_jaarverslag_2019-01-15.csv", HEADER, rijen)


def test_an_unknown_perspective_is_refused_with_row_column_and_value(tmp_path):
    [probleem] = _refused(tmp_path, [rij("MO", "clienten", "2018", "Almere", 3, "woonplaats")]
                          ).problems
    assert (probleem.row, probleem.column) == (2, "perspectief")
    assert "woonplaats" in str(probleem) and "herkomst" in str(probleem)


def test_a_region_total_with_a_perspective_is_refused(tmp_path):
    [probleem] = _refused(tmp_path, [rij("MO", "clienten", "2018", "TOTAAL", 3, "herkomst")]
                          ).problems
    assert (probleem.row, probleem.column) == (2, "perspectief")
    assert "TOTAAL" in str(probleem)


def test_regio_and_an_empty_perspective_are_one_key(tmp_path):
    [probleem] = _refused(tmp_path, [rij("MO", "clienten", "2018", "Almere", 3),
                                     rij("MO", "clienten", "2018", "Almere", 4, "regio")]
                          ).problems
    assert probleem.row == 3 and "dubbele sleutel" in str(probleem)


def test_herkomst_and_verblijf_of_one_municipality_are_two_keys(tmp_path):
    pad = tmp_path / "tellingen_jaarverslag_2019-01-15.csv"
    write(pad, HEADER, [rij("MO", "clienten", "2018", "Almere", 3, "herkomst"),
                        rij("MO", "clienten", "2018", "Almere", 4, "verblijf")])
    assert validate_file(pad, load_region(settings.REFERENCE_DIR)).table.num_rows == 2


# --- the one rule, in Python and SQL --------------------------------------------------------


@pytest.mark.parametrize("bron, document, afgeleid", [
    ("Politie", "Politie", "afgeleid uit Politie"),
    ("afgeleid uit Politie", "Politie", "afgeleid uit Politie"),
    ("trajecten", "trajecten", "trajecten"),
    ("capaciteit", "capaciteit", "capaciteit"),
])
def test_basis_bron_is_the_same_in_python_and_sql(bron, document, afgeleid):
    con = duckdb.connect()
    con.execute(settings.BRON_MACROS)
    assert settings.basis_bron(bron) == document
    assert con.execute("SELECT basis_bron(?), afgeleid_uit(?)", [bron, bron]).fetchone() == (
        document, afgeleid)


# --- protection and the screen ----------------------------------------------------------------


def test_a_derived_figure_of_a_public_document_is_public():
    bron = pd.Series(["Regionaal kader 2020-2026 bijlage 3",
                      "afgeleid uit Regionaal kader 2020-2026 bijlage 3",
                      "afgeleid uit Demodata (gegenereerd)", "trajecten"])
    assert suppressie.uit_openbare_bron(bron, ("Regionaal kader",)).tolist() == [
        True, True, False, False]


def test_a_region_total_per_10000_says_what_it_is_divided_by():
    gemeenten = {"GM0034": "Almere", "GM0995": "Lelystad"}
    regio = keuze(list(gemeenten), gemeenten)
    assert regio_toelichting(regio, per_10000=False) == labels.REGIO_TOTAAL
    tekst = regio_toelichting(regio, per_10000=True)
    assert tekst.startswith(labels.REGIO_TOTAAL) and "inwoners van de regio" in tekst
    assert regio_toelichting(keuze(["GM0034"], gemeenten), per_10000=True) is None
