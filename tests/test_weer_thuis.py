"""Weer Thuis (issue 12, point 1): `uitstroom_eigen_gemeente`, its share and its denominator,
against cases computed by hand; the optional column's validation; absent (never 0) without
the column; the Uitstroom page and the Stuurgroep BW tile; the publieksversie rule.

BW, one extract with the column (peildatum 2024-10-15), uitstroom in 2024-K2 and 2024-K3:

| traject | herkomst  | uitstroom  | woongemeente | counts as                          |
|---------|-----------|------------|--------------|------------------------------------|
| W1      | Almere    | 2024-04-10 | Almere       | eigen + bekend (Almere, 2024-K2)   |
| W2      | Almere    | 2024-05-10 | Lelystad     | bekend (Almere, 2024-K2)           |
| W3      | Lelystad  | 2024-05-20 | ONBEKEND     | nothing (not known)                |
| W4      | BUITEN    | 2024-06-01 | BUITEN       | nothing in the region's figures    |
| W5      | Lelystad  | 2024-06-30 | BUITEN       | bekend (Lelystad, 2024-K2)         |
| W6      | Dronten   | 2024-03-31 | (empty)      | before the first known: not yet    |
| W7      | Almere    | 2024-08-01 | Almere       | eigen + bekend (Almere, 2024-K3)   |
| W8      | Urk       | 2024-09-30 | (empty)      | nothing (not known)                |

2024-K2: Almere 1 of 2 = 50,0%; Lelystad 0 of 1 = 0,0%; Dronten, Urk, Zeewolde, NOP 0 of 0
(no share); region 1 of 3 = 33,3%. 2024-K3: Almere 1 of 1; region 1 of 1 = 100,0%.
2024-K1 ends before the first known woongemeente (2024-04-10): absent, not 0.
MO comes in a file without the column: no Weer Thuis rows for MO at all.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from warehousehulp import TRAJECTEN_HEADER, geweigerd, write

from etl import settings
from etl.build import build
from etl.problems import FileRefused
from monitor import labels
from monitor.views import uitstroom as view
from monitor.views.instroom import keuze
from publicatie import export_xlsx, suppressie

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD = (
    "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995",
)
HEADER = TRAJECTEN_HEADER + ";woongemeente_na_uitstroom"


def bw(tid: str, herkomst: str, uitstroom: str, woon: str, verblijf: str = "Lelystad") -> str:
    return ";".join([tid, "BW", "BW midden", "", "Nieuw", herkomst, verblijf, "",
                     "2023-01-02", "2023-02-01", "", uitstroom, "Zelfstandig wonen", woon])


BW_ROWS = [
    bw("W1", "Almere", "2024-04-10", "Almere"),
    bw("W2", "Almere", "2024-05-10", "Lelystad"),
    bw("W3", "Lelystad", "2024-05-20", "ONBEKEND"),
    bw("W4", "BUITEN", "2024-06-01", "BUITEN"),
    bw("W5", "Lelystad", "2024-06-30", "buiten"),
    bw("W6", "Dronten", "2024-03-31", ""),
    bw("W7", "Almere", "2024-08-01", "GM0034"),
    bw("W8", "Urk", "2024-09-30", ""),
    # still in care: no woongemeente
    ";".join(["W9", "BW", "BW midden", "", "Nieuw", "Urk", "Urk", "", "2023-01-02",
              "2023-02-01", "", "", "", ""]),
]
MO_ROWS = [
    ";".join(["M1", "MO", "Nachtopvang", "", "Nieuw", "Almere", "Almere", "", "2024-01-02",
              "2024-01-03", "", "2024-05-01", "Zelfstandig wonen"]),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("weer_thuis")
    write(root / "raw" / "trajecten" / "trajecten_ggd_2024-10-15.csv", HEADER, BW_ROWS)
    write(root / "raw" / "trajecten" / "trajecten_opvang_2024-10-15.csv", TRAJECTEN_HEADER,
          MO_ROWS)
    pad = root / "w.duckdb"
    build(root / "raw", pad, settings.REFERENCE_DIR)
    return pad


@pytest.fixture(scope="module")
def kc(warehouse) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT * FROM kerncijfers WHERE indicator LIKE 'uitstroom_eigen_gemeente%' "
            "OR indicator = 'uitstroom_woongemeente_bekend'").df()


def waarde(kc: pd.DataFrame, indicator: str, periode: str, gemeente: str,
           voorziening: str = "BW") -> float | None:
    rij = kc[(kc.voorziening == voorziening) & (kc.indicator == indicator)
             & (kc.periode == periode) & (kc.gemeentecode == gemeente)]
    assert len(rij) <= 1
    return None if rij.empty else float(rij["waarde"].iloc[0])


def test_counts_and_share_per_herkomstgemeente(kc):
    k2 = "2024-K2"
    assert waarde(kc, "uitstroom_eigen_gemeente", k2, ALMERE) == 1
    assert waarde(kc, "uitstroom_woongemeente_bekend", k2, ALMERE) == 2
    assert waarde(kc, "uitstroom_eigen_gemeente_pct", k2, ALMERE) == 50.0
    # BUITEN is a known woongemeente, not the own one
    assert waarde(kc, "uitstroom_eigen_gemeente", k2, LELYSTAD) == 0
    assert waarde(kc, "uitstroom_woongemeente_bekend", k2, LELYSTAD) == 1
    assert waarde(kc, "uitstroom_eigen_gemeente_pct", k2, LELYSTAD) == 0.0
    # a municipality without known uitstroom: its counts are 0, its share does not exist
    for code in (DRONTEN, URK, ZEEWOLDE, NOP):
        assert waarde(kc, "uitstroom_eigen_gemeente", k2, code) == 0
        assert waarde(kc, "uitstroom_woongemeente_bekend", k2, code) == 0
        assert waarde(kc, "uitstroom_eigen_gemeente_pct", k2, code) is None
    herkomst = kc[kc.gemeentecode != "TOTAAL"]
    assert set(herkomst["perspectief"]) == {"herkomst"}
    assert not herkomst["gemeentecode"].isin(["BUITEN", "ONBEKEND"]).any()


def test_region_counts_only_its_own_clients(kc):
    assert waarde(kc, "uitstroom_eigen_gemeente", "2024-K2", "TOTAAL") == 1
    assert waarde(kc, "uitstroom_woongemeente_bekend", "2024-K2", "TOTAAL") == 3
    assert waarde(kc, "uitstroom_eigen_gemeente_pct", "2024-K2", "TOTAAL") == 33.3
    assert waarde(kc, "uitstroom_eigen_gemeente_pct", "2024-K3", "TOTAAL") == 100.0
    totaal = kc[kc.gemeentecode == "TOTAAL"]
    assert set(totaal["perspectief"]) == {"regio"}
    assert set(totaal["bron"]) == {"trajecten"}


def test_year_is_its_quarters(warehouse):
    # 2024 is not complete (peildatum 2024-10-15): no year; the quarters are the figures
    with duckdb.connect(str(warehouse), read_only=True) as con:
        jaren = con.execute("SELECT count(*) FROM kerncijfers WHERE indicator LIKE "
                            "'uitstroom_eigen%' AND periode_type = 'jaar'").fetchall()[0][0]
    assert jaren == 0


def test_absent_before_it_was_recorded_and_without_the_column(kc):
    # 2024-K1 ended before the first known woongemeente (W6 in K1 is empty)
    assert kc[(kc.voorziening == "BW") & (kc.periode <= "2024-K1")].empty
    # MO's file has no column woongemeente_na_uitstroom: no row at all, never 0
    assert kc[kc.voorziening == "MO"].empty
    assert sorted(kc[kc.voorziening == "BW"]["periode"].unique()) == ["2024-K2", "2024-K3"]


def test_denominator_has_no_per_10000_twin(kc):
    assert "uitstroom_woongemeente_bekend_per_10000" not in set(kc["indicator"])
    assert waarde(kc, "uitstroom_eigen_gemeente_per_10000", "2024-K2", ALMERE) is not None


# --- validation ---------------------------------------------------------------------------------


def _refused(tmp_path, rows: list[str]) -> FileRefused:
    return geweigerd(tmp_path / "trajecten_ggd_2024-10-15.csv", HEADER, rows)


def test_unknown_woongemeente_is_refused_with_row_column_and_value(tmp_path):
    fout = _refused(tmp_path, [bw("X1", "Almere", "2024-04-10", "Amsterdam")])
    [probleem] = fout.problems
    assert (probleem.row, probleem.column) == (2, "woongemeente_na_uitstroom")
    assert "Amsterdam" in str(probleem)
    assert "BUITEN" in str(probleem)


def test_woongemeente_without_uitstroom_is_refused(tmp_path):
    rij = ";".join(["X2", "BW", "BW midden", "", "Nieuw", "Almere", "Almere", "",
                    "2023-01-02", "2023-02-01", "", "", "", "Almere"])
    fout = _refused(tmp_path, [rij])
    [probleem] = fout.problems
    assert (probleem.row, probleem.column) == (3 - 1, "woongemeente_na_uitstroom")
    assert "datum_uitstroom" in str(probleem)


def test_a_bsn_in_the_column_is_refused(tmp_path):
    fout = _refused(tmp_path, [bw("X3", "Almere", "2024-04-10", "111222333")])
    assert any("BSN" in str(p) for p in fout.problems)
    assert not any("111222333" in str(p) for p in fout.problems)


# --- the dashboard ------------------------------------------------------------------------------


def test_share_of_a_selection_sums_its_municipalities(kc):
    gemeenten = {ALMERE: "Almere", LELYSTAD: "Lelystad", DRONTEN: "Dronten"}
    frame = kc[kc.voorziening == "BW"].drop(columns=["voorziening"])
    twee = view.weer_thuis(frame, keuze([ALMERE, LELYSTAD], gemeenten))
    k2 = twee.set_index("periode").loc["2024-K2"]
    assert (k2["eigen"], k2["bekend"], k2["aandeel"]) == (1, 3, 33.3)
    # a hidden count (publieksversie) leaves the share unknown, never made from the rest
    weg = ((frame.gemeentecode == LELYSTAD) & (frame.periode == "2024-K2")
           & (frame.indicator == "uitstroom_woongemeente_bekend"))
    verborgen = frame.assign(waarde=frame["waarde"].where(~weg),
                             teken=pd.Series("<5", index=frame.index).where(weg))
    k2 = view.weer_thuis(verborgen, keuze([ALMERE, LELYSTAD], gemeenten)).set_index(
        "periode").loc["2024-K2"]
    assert pd.isna(k2["aandeel"])


def test_per_herkomstgemeente_over_the_quarters(kc):
    gemeenten = {ALMERE: "Almere", LELYSTAD: "Lelystad", DRONTEN: "Dronten"}
    frame = kc[kc.voorziening == "BW"].drop(columns=["voorziening"])
    tabel = view.weer_thuis_per_gemeente(frame, gemeenten, keuze(list(gemeenten), gemeenten))
    rijen = {r["gemeente"]: (r["eigen"], r["bekend"], r["aandeel"])
             for r in tabel.to_dict("records")}
    # 2024-K2 and K3 together: Almere 2 of 3, Lelystad 0 of 1, Dronten 0 of 0 (no share);
    # all three chosen = the region: its own clients, 2 of 4
    assert rijen["Almere"] == (2, 3, 66.7)
    assert rijen["Lelystad"] == (0, 1, 0.0)
    assert rijen["Dronten"][:2] == (0, 0) and pd.isna(rijen["Dronten"][2])
    assert rijen["Regio totaal"] == (2, 4, 50.0)


def test_uitstroom_page_shows_it_and_says_why_it_is_absent(warehouse, monkeypatch):
    from paginahulp import dashboard, open_page_met, tabel

    kolommen = ["Kwartaal", "Uitstroom naar de eigen gemeente",
                "Uitstroom met bekende woongemeente", "Weer Thuis (%)"]
    at = dashboard(warehouse, monkeypatch)
    at.run()
    open_page_met(at, "pages/uitstroom.py", voorziening="BW", periode=["2024-K1", "2024-K3"])
    frame = tabel(at, kolommen).set_index("Kwartaal")
    assert list(frame.index) == ["2024-K2", "2024-K3"]
    assert frame.loc["2024-K2", "Weer Thuis (%)"] == pytest.approx(33.3)
    assert frame.loc["2024-K2", "Uitstroom met bekende woongemeente"] == 3
    assert frame.loc["2024-K3", "Weer Thuis (%)"] == pytest.approx(100.0)
    per_gemeente = tabel(at, ["Herkomstgemeente", *kolommen[1:]]).set_index("Herkomstgemeente")
    assert per_gemeente.loc["Almere", "Weer Thuis (%)"] == pytest.approx(66.7)
    assert per_gemeente.loc["Regio totaal", "Uitstroom met bekende woongemeente"] == 4

    at = dashboard(warehouse, monkeypatch)
    at.run()
    open_page_met(at, "pages/uitstroom.py", voorziening="MO", periode=["2024-K1", "2024-K3"])
    meldingen = " ".join(str(i.value) for i in at.info)
    assert "Niet gemeten" in meldingen and "niet 0" in meldingen
    assert not [d for d in at.dataframe if list(d.value.columns) == kolommen]


def test_stuurgroep_tile_shows_the_share_or_why_there_is_none():
    from monitor.streefwaarden import laad
    from monitor.views import stuurgroep as sg

    [definitie] = [t for t in sg.scherm("bw").tegels
                   if t.sleutel == "BW.uitstroom_eigen_gemeente_pct"]
    config = laad()
    alle = sg.Reeksen(kwartaal={"BW.uitstroom_eigen_gemeente_pct": {
        "2024-K2": 33.3, "2024-K3": 100.0}}, jaar={})
    tegel = sg.tegel(definitie, "2024-K3", alle, config)
    assert tegel.tekst == "100,0%"
    assert tegel.delta_kleur == "green"  # up is good (Weer Thuis)
    leeg = sg.tegel(definitie, "2024-K1", alle, config)
    assert leeg.waarde is None and leeg.tekst == "–"
    assert leeg.regels == (labels.WEER_THUIS_AFWEZIG,)


def test_publieksversie_hides_a_share_on_a_small_denominator():
    publicatie = suppressie.Publicatie(drempel=5, teken="<5")
    sleutel = dict(voorziening="BW", periode="2024-K2", periode_type="kwartaal",
                   gemeentecode="TOTAAL", gemeente="Regio totaal", perspectief="regio",
                   dimensie=None, bron="trajecten", demo=False)
    for bekend, getoond in ((3, False), (40, True)):
        kc = pd.DataFrame([
            {**sleutel, "indicator": "uitstroom_eigen_gemeente", "waarde": 1.0 if bekend < 5
             else 25.0},
            {**sleutel, "indicator": "uitstroom_woongemeente_bekend", "waarde": float(bekend)},
            {**sleutel, "indicator": "uitstroom_eigen_gemeente_pct",
             "waarde": 33.3 if bekend < 5 else 62.5},
        ])
        uit = suppressie.beveilig(kc, "2024-K2", publicatie)
        pct = uit[uit.indicator == "uitstroom_eigen_gemeente_pct"]
        assert len(pct) == 1
        assert bool(pct["onderdrukt"].iloc[0]) is not getoond


def test_per_gemeente_it_is_published_protected_and_a_column_only_where_measured(kc):
    """Like the other trajecten counts: per herkomstgemeente in the snapshot's published
    figures, a count of 1 to 4 hidden, and a column of the BW sheet of the XLSX; MO, whose
    supplier never recorded a woongemeente, gets no column (absent, never 0)."""
    publiek = suppressie.beveilig(kc, "2024-K3", suppressie.Publicatie(drempel=5, teken="<5"))
    almere = publiek[(publiek.indicator == "uitstroom_eigen_gemeente")
                     & (publiek.periode == "2024-K2") & (publiek.gemeentecode == ALMERE)
                     & (publiek.perspectief == "herkomst")]
    assert len(almere) == 1 and bool(almere["onderdrukt"].iloc[0])  # 1 of 2: hidden
    assert almere["waarde"].isna().all()
    bw, mo = (next(t for t in export_xlsx.THEMAS if t.voorzieningen == (v,)) for v in ("BW", "MO"))
    koppen = [k.kop for k in export_xlsx.kolommen(bw, publiek, "2024-K3")]
    assert labels.indicator("uitstroom_eigen_gemeente") in koppen
    assert labels.indicator("uitstroom_woongemeente_bekend") in koppen
    assert not [k for k in export_xlsx.kolommen(mo, publiek, "2024-K3")
                if k.indicator.startswith("uitstroom_")]
