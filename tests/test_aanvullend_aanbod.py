"""Housing First, Woonstart and logeerplekken (issue 12, point 3): the published numbers of
the Dronten council letter of 8 March 2022 (seed 000) are shipped as tellingen in data/raw,
reach kerncijfers as published (not demo), and show on the Uitstroom page."""

from __future__ import annotations

import duckdb
import pytest

from etl import settings

BRON = "Raadsinformatiebrief Dronten 8 maart 2022"
BESTAND = settings.RAW_DIR / "tellingen" / "tellingen_raadsinformatiebrief-dronten_2022-03-08.csv"
# (voorziening, indicator, gemeentecode, dimensie) -> the number in the letter
GEPUBLICEERD = {
    ("MO", "housing_first_trajecten", "TOTAAL", None): 43,  # "een pilot van 43 trajecten"
    ("BW", "woonstart_plekken", "GM0303", "plek=regulier"): 9,  # "Er zijn 9 plekken"
    ("BW", "woonstart_plekken", "GM0303", "plek=crisis"): 1,  # "en een crisisplek"
    ("BW", "logeerplekken", "GM0303", None): 1,  # "Kwintes biedt in ... Dronten een logeerplek"
}


def test_the_file_names_its_source_on_every_row():
    regels = BESTAND.read_text(encoding="utf-8").splitlines()
    assert regels[0] == "bron;voorziening;indicator;periode;gemeente;dimensie;waarde;opmerking"
    for regel in regels[1:]:
        velden = regel.split(";")
        assert len(velden) == 8 and velden[0] == BRON and velden[7]


def test_published_numbers_reach_kerncijfers(shipped_warehouse):
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        gevonden = con.execute(
            "SELECT voorziening, indicator, gemeentecode, dimensie, waarde, periode, demo "
            "FROM kerncijfers WHERE bron = ? AND NOT suffix(indicator, '_per_10000')",
            [BRON]).fetchall()
    assert {(v, i, g, d): w for v, i, g, d, w, _, _ in gevonden} == GEPUBLICEERD
    assert {(p, demo) for *_, p, demo in gevonden} == {("2022", False)}


def test_the_uitstroom_table_lists_them_as_published(shipped_warehouse, monkeypatch):
    from paginahulp import dashboard, open_page

    at = open_page(dashboard(shipped_warehouse, monkeypatch), "pages/uitstroom.py")
    [tabel] = [d.value for d in at.dataframe if "Wat" in getattr(d.value, "columns", [])]
    rijen = {(r["Wat"], r["Gemeente"], r["Periode"], r["Aantal"], r["Bron"])
             for _, r in tabel.iterrows()}
    assert rijen == {
        ("Housing First-trajecten (pilot)", "Regio totaal", "2022", 43, BRON),
        ("Plekken Woonstart (crisis)", "Dronten", "2022", 1, BRON),
        ("Plekken Woonstart (regulier)", "Dronten", "2022", 9, BRON),
        ("Logeerplekken", "Dronten", "2022", 1, BRON),
    }


@pytest.mark.parametrize("indicator", ["housing_first_trajecten", "woonstart_plekken",
                                       "logeerplekken", "locaties", "plekken",
                                       "uitstroom_eigen_gemeente", "uitstroom_eigen_gemeente_pct",
                                       "uitstroom_woongemeente_bekend"])
def test_every_new_figure_has_a_definition(indicator):
    from monitor import labels

    assert labels.definitie(indicator) != labels.TELLING
    assert labels.indicator(indicator) in labels.INDICATOREN.values()
