"""Every indicator of data contract section 2 against cases computed by hand.

One small set of made-up supplier files is written to a temporary `raw/` folder and built
once (module-scoped fixture) with the shipped reference data (Flevoland, trajecten from
2019-01-01). Each municipality's *herkomst* figures serve as an isolated test bucket:

- Almere (GM0034): flows in 2019-K2 (aanmeldingen, instroom, uitstroom, wachttijd, verblijfsduur)
- Urk (GM0184): bezetting boundary cases at 2019-03-31
- Zeewolde (GM0050): wachtlijst cases at 2019-03-31 and 2019-06-30
- Dronten (GM0303): yearly instroom_pct / uitstroom_pct for 2019
- Lelystad (GM0995): where most places are (verblijf), and the replacement by a later extract
- Noordoostpolder (GM0171): no clients at all (zero rows)
- BUITEN / ONBEKEND: herkomst outside the region or unknown, counted in the region total

Quarter ends used below: 2019-K1 E = 2019-03-31, 2019-K2 E = 2019-06-30.
"""

from __future__ import annotations

import duckdb
import pytest
from warehousehulp import TELLINGEN_HEADER, TRAJECTEN_HEADER, write

from etl import settings
from etl.build import build

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD = (
    "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995",
)
REGION = (ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD)



def traject(tid, voorziening, product, soort, herkomst, verblijf, aanmelding,
            instroom="", afgemeld="", uitstroom="", bestemming=""):
    return ";".join([tid, voorziening, product, "", soort, herkomst, verblijf, "",
                     aanmelding, instroom, afgemeld, uitstroom, bestemming])


def bw(tid, soort, herkomst, verblijf, aanmelding, instroom="", afgemeld="", uitstroom="",
       bestemming=""):
    return traject(tid, "BW", "BW midden", soort, herkomst, verblijf, aanmelding, instroom,
                   afgemeld, uitstroom, bestemming)


# --- the latest BW extract (peildatum 2020-01-15) --------------------------------------------
BW_LATEST = [
    # Almere herkomst; waits (Nieuw, instroom in K2): 10, 20, 70, 40 days.
    bw("A1", "Nieuw", "Almere", "Lelystad", "2019-04-01", "2019-04-11",
       uitstroom="2019-06-30", bestemming="Zelfstandig wonen"),  # stay 80 days
    bw("A2", "Nieuw", "almere", "Almere", "2019-04-10", "2019-04-30"),
    bw("A3", "Nieuw", "GM0034", "Lelystad", "2019-03-01", "2019-05-10"),
    bw("A4", "Nieuw", "Almere", "Lelystad", "2019-05-01", "2019-06-10"),
    bw("A5", "Verlenging", "Almere", "Almere", "2019-06-01", "2019-06-01"),
    bw("A6", "Verlenging", "Almere", "", "2019-05-15"),
    bw("A7", "Nieuw", "Almere", "Almere", "2018-06-01", "2018-07-01",
       uitstroom="2019-05-31", bestemming="Detentie"),  # stay 334 days
    bw("A8", "Nieuw", "Almere", "Lelystad", "2019-01-05", "2019-01-15",
       uitstroom="2019-04-15", bestemming="Detentie"),  # stay 90 days
    # Urk herkomst: bezetting at E = 2019-03-31.
    bw("U1", "Nieuw", "GM0184", "Urk", "2019-03-01", "2019-03-31"),  # instroom on E: in care
    bw("U2", "Nieuw", "Urk", "Urk", "2019-01-02", "2019-01-10",
       uitstroom="2019-03-31", bestemming="Wlz"),  # uitstroom on E: not in care at E
    bw("U3", "Nieuw", "Urk", "Urk", "2019-01-02", "2019-01-10",
       uitstroom="2019-04-01", bestemming="Anders"),  # uitstroom E+1: in care at E
    bw("U4", "Nieuw", "Urk", "Urk", "2019-03-01", "2019-04-01"),  # instroom after E
    # Zeewolde herkomst: wachtlijst.
    bw("Z1", "Nieuw", "zeewolde", "", "2019-02-01"),  # waiting
    bw("Z2", "Nieuw", "Zeewolde", "", "2019-02-01", afgemeld="2019-03-31"),  # afgemeld on E
    bw("Z3", "Nieuw", "Zeewolde", "Zeewolde", "2019-02-01", "2019-03-31"),  # instroom on E
    bw("Z4", "Verlenging", "Zeewolde", "", "2019-02-01"),  # Verlenging never waits
    bw("Z5", "Nieuw", "Zeewolde", "", "2019-03-31"),  # aangemeld on E: waiting
    bw("Z6", "Nieuw", "Zeewolde", "", "2019-04-01"),  # aangemeld after K1-E, waiting at K2-E
    bw("Z7", "Nieuw", "Zeewolde", "", "2019-02-01", afgemeld="2019-04-01"),  # waits at K1-E
    bw("Z8", "Nieuw", "Zeewolde", "Zeewolde", "2019-02-01", "2019-04-02"),  # waits at K1-E
    # Dronten herkomst: the year 2019.
    bw("D1", "Nieuw", "Dronten", "Dronten", "2018-04-01", "2018-05-01"),
    bw("D2", "Nieuw", "Dronten", "Dronten", "2018-05-01", "2018-06-01",
       uitstroom="2019-03-01", bestemming="Wlz"),
    bw("D3", "Nieuw", "Dronten", "Dronten", "2018-06-01", "2018-07-01",
       uitstroom="2018-12-31", bestemming="Wlz"),  # gone before the year starts
    bw("D4", "Nieuw", "Dronten", "Dronten", "2018-02-01", "2018-03-01",
       uitstroom="2019-01-01", bestemming="Wlz"),  # in care on 1 January, leaves that day
    bw("D5", "Nieuw", "Dronten", "Dronten", "2019-01-20", "2019-02-01"),
    bw("D6", "Nieuw", "Dronten", "Dronten", "2019-04-20", "2019-05-01"),
    bw("D7", "Nieuw", "Dronten", "Dronten", "2018-12-01", "2019-01-01"),
    bw("D8", "Nieuw", "Dronten", "Dronten", "2016-12-01", "2017-01-01"),
    # Outside the region and unknown herkomst.
    bw("B1", "Nieuw", "BUITEN", "Lelystad", "2019-04-05", "2019-04-05"),
    bw("O1", "Verlenging", "onbekend", "", "2019-04-05"),
    # Lelystad: R1 is corrected here (instroom filled in); R2 is only in the earlier file.
    bw("R1", "Nieuw", "Lelystad", "Lelystad", "2019-07-01", "2019-08-01"),
]

# --- an earlier BW extract (peildatum 2019-10-15) whose name sorts *after* the latest --------
BW_EARLIER = [
    bw("R1", "Nieuw", "Lelystad", "", "2019-07-01"),  # still waiting in this version
    bw("R2", "Nieuw", "Lelystad", "Lelystad", "2019-07-15", "2019-09-01"),
]

# --- MO trajecten from a demo file with a later peildatum ------------------------------------
MO_DEMO = [
    traject("M1", "MO", "Nachtopvang", "Nieuw", "Almere", "Almere", "2020-04-01",
            "2020-04-02"),
]

CAPACITEIT = [
    "voorziening;aanbieder;locatie;gemeente;product;cluster;plekken;geldig_vanaf;geldig_tot",
    "BW;Zorg A;L1;Lelystad;;;10;2019-01-01;2019-06-30",  # valid until E of K2: counts at K2
    "BW;Zorg A;L2;Lelystad;;;5;2019-01-01;2019-06-29",  # valid until E-1: not at K2
    "BW;Zorg B;L3;Lelystad;;;4;2019-04-01;",
    "BW;Zorg B;A-huis;Almere;;;8;2018-01-01;",
]


TELLINGEN = {
    "tellingen_demo_2020-01-31.csv": [
        "Demo;OGGZ;eerste_opvang;2019;TOTAAL;;50;",
    ],
    "tellingen_ggd_2020-01-31.csv": [
        # 2019-K1: all six municipalities -> derived TOTAAL 1+2+3+4+5+6 = 21
        *(f"GGD;OGGZ;adviesaanvragen;2019-K1;{g};;{i};" for i, g in enumerate(REGION, 1)),
        # 2019-K2: Lelystad missing -> no derived TOTAAL
        *(f"GGD;OGGZ;adviesaanvragen;2019-K2;{g};;1;" for g in REGION[:5]),
        # 2019-K3: all six (1 each) + BUITEN 2 and a given TOTAAL 8 -> TOTAAL stays 8, once
        *(f"GGD;OGGZ;adviesaanvragen;2019-Q3;{g};;1;" for g in REGION),
        "GGD;OGGZ;adviesaanvragen;2019-K3;BUITEN;;2;",
        "GGD;OGGZ;adviesaanvragen;2019-K3;TOTAAL;;8;",
        # a ratio for all six municipalities: never summed into a TOTAAL
        *(f"GGD;OGGZ;tevredenheid_pct;2019;{g};;{70 + i};" for i, g in enumerate(REGION)),
    ],
    "tellingen_politie_2020-01-31.csv": [
        # months of a flow: Almere Jan-Mar complete (10+20+30 = 60), Apr-May only
        "Politie;E33;meldingen;2019-01;Almere;;10;",
        "Politie;E33;meldingen;2019-02;Almere;;20;",
        "Politie;E33;meldingen;2019-03;Almere;;30;",
        "Politie;E33;meldingen;2019-04;Almere;;40;",
        "Politie;E33;meldingen;2019-05;Almere;;50;",
        # quarters of a flow: Lelystad all four, Urk only three
        "Politie;E33;meldingen;2019-K1;Lelystad;;5;",
        "Politie;E33;meldingen;2019-K2;Lelystad;;6;",
        "Politie;E33;meldingen;2019-K3;Lelystad;;7;",
        "Politie;E33;meldingen;2019-K4;Lelystad;;8;",
        "Politie;E33;meldingen;2019-K1;Urk;;1;",
        "Politie;E33;meldingen;2019-K2;Urk;;1;",
        "Politie;E33;meldingen;2019-K3;Urk;;1;",
        # a stock, given per month and per quarter: never added up over time
        "Politie;E33;clienten;2019-01;Almere;;3;",
        "Politie;E33;clienten;2019-02;Almere;;3;",
        "Politie;E33;clienten;2019-03;Almere;;3;",
        "Politie;E33;clienten;2019-K1;Lelystad;;4;",
        "Politie;E33;clienten;2019-K2;Lelystad;;4;",
        "Politie;E33;clienten;2019-K3;Lelystad;;4;",
        "Politie;E33;clienten;2019-K4;Lelystad;;4;",
    ],
    "tellingen_politie_2020-02-29.csv": [
        "Politie;E33;meldingen;2019-K2;Lelystad;;16;correctie",  # 6 -> 16: a correction
        "Politie;E33;meldingen;2019-K3;Lelystad;;7;herhaald",  # same value: no correction
    ],
    "tellingen_politie_2027-01-15.csv": [
        "Politie;E33;meldingen;2026;Urk;;100;",  # a year beyond inwoners.csv (up to 2025)
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("indicatoren")
    raw = root / "raw"
    write(raw / "trajecten" / "trajecten_ggd_2020-01-15.csv", TRAJECTEN_HEADER, BW_LATEST)
    write(raw / "trajecten" / "trajecten_zorg_2019-10-15.csv", TRAJECTEN_HEADER, BW_EARLIER)
    write(raw / "trajecten" / "trajecten_demo_2020-07-15.csv", TRAJECTEN_HEADER, MO_DEMO)
    write(raw / "capaciteit" / "capaciteit_aanbieders_2019-12-01.csv", CAPACITEIT[0],
          CAPACITEIT[1:])
    for name, rows in TELLINGEN.items():
        write(raw / "tellingen" / name, TELLINGEN_HEADER, rows)
    warehouse = root / "w.duckdb"
    build(raw, warehouse, settings.REFERENCE_DIR)
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def rows(con, voorziening, indicator, periode, gemeente, perspectief=None, dimensie=None,
         bron=None):
    sql = (
        "SELECT waarde, demo FROM kerncijfers WHERE voorziening = ? AND indicator = ? "
        "AND periode = ? AND gemeentecode = ? AND dimensie IS NOT DISTINCT FROM ?"
    )
    params = [voorziening, indicator, periode, gemeente, dimensie]
    if perspectief is not None:
        sql += " AND perspectief = ?"
        params.append(perspectief)
    if bron is not None:
        sql += " AND bron = ?"
        params.append(bron)
    return con.execute(sql, params).fetchall()


def value(con, voorziening, indicator, periode, gemeente, perspectief=None, dimensie=None,
          bron=None):
    """The one figure for this key; fails when there is none or more than one."""
    found = rows(con, voorziening, indicator, periode, gemeente, perspectief, dimensie, bron)
    assert len(found) == 1, (voorziening, indicator, periode, gemeente, perspectief, found)
    return found[0][0]


def bw_value(con, indicator, periode, gemeente, perspectief="herkomst", dimensie=None):
    if gemeente == "TOTAAL":
        perspectief = "regio"
    return value(con, "BW", indicator, periode, gemeente, perspectief, dimensie)


# --- flows -----------------------------------------------------------------------------------


def test_aanmeldingen_split_by_aanmelding_type(con):
    # Almere 2019-K2: A1 (04-01), A2 (04-10), A4 (05-01) Nieuw; A5 (06-01), A6 (05-15)
    # Verlenging. A3 (03-01) and A8 (01-05) were aangemeld in K1.
    assert bw_value(con, "aanmeldingen", "2019-K2", ALMERE) == 5
    assert bw_value(con, "aanmeldingen", "2019-K2", ALMERE, dimensie="aanmelding_type=Nieuw") == 3
    assert (
        bw_value(con, "aanmeldingen", "2019-K2", ALMERE, dimensie="aanmelding_type=Verlenging")
        == 2
    )
    assert bw_value(con, "aanmeldingen", "2019-K1", ALMERE) == 2  # A3, A8


def test_instroom(con):
    # Almere 2019-K2: A1 (04-11), A2 (04-30), A3 (05-10), A4 (06-10), A5 (06-01).
    assert bw_value(con, "instroom", "2019-K2", ALMERE) == 5
    assert bw_value(con, "instroom", "2019-K1", ALMERE) == 1  # A8 (01-15)
    # the year: A1-A5 and A8 (A7 came in 2018)
    assert bw_value(con, "instroom", "2019", ALMERE) == 6


def test_uitstroom_split_by_bestemming(con):
    # Almere 2019-K2: A1 (06-30, Zelfstandig wonen), A7 (05-31) and A8 (04-15) to Detentie.
    assert bw_value(con, "uitstroom", "2019-K2", ALMERE) == 3
    assert bw_value(con, "uitstroom", "2019-K2", ALMERE, dimensie="bestemming=Detentie") == 2
    assert (
        bw_value(con, "uitstroom", "2019-K2", ALMERE, dimensie="bestemming=Zelfstandig wonen")
        == 1
    )
    assert bw_value(con, "uitstroom", "2019-K2", ALMERE, dimensie="bestemming=Wlz") == 0
    # Urk 2019-K1: U2 leaves on 03-31 (Wlz); U3 leaves 04-01, in K2 (Anders).
    assert bw_value(con, "uitstroom", "2019-K1", URK, dimensie="bestemming=Wlz") == 1
    assert bw_value(con, "uitstroom", "2019-K2", URK, dimensie="bestemming=Anders") == 1


# --- stocks at the quarter end ---------------------------------------------------------------


def test_bezetting_boundaries(con):
    # Urk at 2019-03-31: U1 came in on E (counts), U2 left on E (does not count),
    # U3 leaves on E+1 (counts), U4 comes in after E (does not count) -> 2.
    assert bw_value(con, "bezetting", "2019-K1", URK) == 2
    # at 2019-06-30: U1 and U4 -> 2
    assert bw_value(con, "bezetting", "2019-K2", URK) == 2
    # Almere at 2019-06-30: A2, A3, A4, A5; A1 left on E, A7 and A8 earlier -> 4.
    assert bw_value(con, "bezetting", "2019-K2", ALMERE) == 4


def test_wachtlijst(con):
    # Zeewolde at 2019-03-31: Z1 (no instroom), Z5 (aangemeld on E), Z7 (afgemeld after E),
    # Z8 (instroom after E) -> 4. Not: Z2 (afgemeld on E), Z3 (instroom on E),
    # Z4 (Verlenging), Z6 (aangemeld after E).
    assert bw_value(con, "wachtlijst", "2019-K1", ZEEWOLDE) == 4
    # at 2019-06-30: Z1, Z5, Z6 -> 3 (Z7 afgemeld, Z8 came in)
    assert bw_value(con, "wachtlijst", "2019-K2", ZEEWOLDE) == 3
    # Almere at 2019-03-31: A3 (Nieuw, aangemeld 03-01, instroom 05-10) -> 1.
    assert bw_value(con, "wachtlijst", "2019-K1", ALMERE) == 1
    # Almere at 2019-06-30: only A6, a Verlenging without instroom -> 0.
    assert bw_value(con, "wachtlijst", "2019-K2", ALMERE) == 0


def test_wachttijd_median_and_p90(con):
    # Nieuw trajecten of Almere with instroom in 2019-K2 waited 10 (A1), 20 (A2),
    # 70 (A3) and 40 (A4) days; A5 (Verlenging, 0 days) does not count.
    # Sorted 10, 20, 40, 70: median (20 + 40) / 2 = 30.
    assert bw_value(con, "wachttijd_mediaan_dagen", "2019-K2", ALMERE) == 30
    # p90, interpolated: position 0.9 * (4 - 1) = 2.7 -> 40 + 0.7 * (70 - 40) = 61.
    assert bw_value(con, "wachttijd_p90_dagen", "2019-K2", ALMERE) == pytest.approx(61)
    # Urk 2019-K1: U1 waited 30 days (03-01 -> 03-31); U2 and U3 8 days each -> median 8.
    assert bw_value(con, "wachttijd_mediaan_dagen", "2019-K1", URK) == 8
    # no instroom of Noordoostpolder: no median at all (not a zero)
    assert rows(con, "BW", "wachttijd_mediaan_dagen", "2019-K2", NOP) == []


def test_verblijfsduur_median(con):
    # Almere uitstroom in 2019-K2: A1 stayed 80 days (04-11 -> 06-30), A7 334 days
    # (2018-07-01 -> 2019-05-31), A8 90 days (01-15 -> 04-15): median 90.
    assert bw_value(con, "verblijfsduur_mediaan_dagen", "2019-K2", ALMERE) == 90


# --- capacity --------------------------------------------------------------------------------


def test_capaciteit_at_quarter_end(con):
    # Lelystad at 2019-03-31: L1 10 + L2 5 (L3 opens 04-01) = 15.
    assert value(con, "BW", "capaciteit", "2019-K1", LELYSTAD, "verblijf") == 15
    # at 2019-06-30: L1 (valid until E) 10 + L3 4 = 14; L2 (valid until E-1) not.
    assert value(con, "BW", "capaciteit", "2019-K2", LELYSTAD, "verblijf") == 14
    assert value(con, "BW", "capaciteit", "2019-K3", LELYSTAD, "verblijf") == 4
    # the region at 2019-06-30: 14 + Almere 8 = 22; a place-less municipality counts zero
    assert value(con, "BW", "capaciteit", "2019-K2", "TOTAAL", "regio") == 22
    assert value(con, "BW", "capaciteit", "2019-K2", NOP, "verblijf") == 0
    # capacity starts with its first location (2018-01-01), before the trajecten do
    assert value(con, "BW", "capaciteit", "2018-K1", ALMERE, "verblijf") == 8
    assert value(con, "BW", "capaciteit", "2018", "TOTAAL", "regio") == 8


def test_bezettingsgraad(con):
    # Lelystad verblijf at 2019-06-30: A3, A4, B1 in care (A1 left on E, A8 earlier) -> 3/14.
    assert bw_value(con, "bezetting", "2019-K2", LELYSTAD, "verblijf") == 3
    assert value(con, "BW", "bezettingsgraad", "2019-K2", LELYSTAD, "verblijf") == pytest.approx(
        0.2143
    )
    # the region at 2019-06-30: Almere 4 + Urk 2 + Zeewolde 2 (Z3, Z8) + Dronten 5
    # (D1, D5, D6, D7, D8) + BUITEN 1 (B1) = 14 in care; 14 / 22 = 0.6364.
    assert bw_value(con, "bezetting", "2019-K2", "TOTAAL") == 14
    assert value(con, "BW", "bezettingsgraad", "2019-K2", "TOTAAL", "regio") == pytest.approx(
        0.6364
    )
    # no places: no bezettingsgraad (not a division by zero)
    assert rows(con, "BW", "bezettingsgraad", "2019-K2", NOP) == []


# --- yearly percentages ----------------------------------------------------------------------


def test_instroom_and_uitstroom_pct(con):
    # Dronten 2019: in care on 1 January D1, D2, D4 (leaves on 01-01), D8 = 4
    # (D3 left on 2018-12-31); instroom D5, D6, D7 (came in on 01-01) = 3;
    # uitstroom D2, D4 = 2. In care during the year 4 + 3 = 7.
    assert bw_value(con, "instroom", "2019", DRONTEN) == 3
    assert bw_value(con, "uitstroom", "2019", DRONTEN) == 2
    assert bw_value(con, "instroom_pct", "2019", DRONTEN) == 42.9  # 300 / 7 = 42.857
    assert bw_value(con, "uitstroom_pct", "2019", DRONTEN) == 28.6  # 200 / 7 = 28.571
    # only yearly
    assert rows(con, "BW", "instroom_pct", "2019-K2", DRONTEN) == []


# --- per 10,000 inwoners ---------------------------------------------------------------------


def test_per_10000_uses_the_periods_year(con):
    # Urk bezetting at 2019-03-31 = 2; Urk had 20,776 inwoners on 1-1-2019:
    # 2 * 10000 / 20776 = 0.9626 -> 0.96 (2018: 0.97, 2020: 0.95).
    assert bw_value(con, "bezetting_per_10000", "2019-K1", URK) == 0.96
    # Lelystad E33 meldingen 2019 = 5 + 16 + 7 + 8 = 36 (after the correction);
    # 36 * 10000 / 77893 = 4.6217 -> 4.62.
    assert value(con, "E33", "meldingen_per_10000", "2019", LELYSTAD) == 4.62


def test_per_10000_beyond_reference_uses_latest_year(con):
    # Urk 2026 (inwoners.csv ends with 2025: 22,173): 100 * 10000 / 22173 = 45.0999 -> 45.1
    assert value(con, "E33", "meldingen", "2026", URK) == 100
    assert value(con, "E33", "meldingen_per_10000", "2026", URK) == 45.1


def test_no_per_10000_of_ratios(con):
    ratios = con.execute(
        "SELECT DISTINCT indicator FROM kerncijfers WHERE indicator LIKE '%per_10000' "
        "AND (indicator LIKE '%pct%' OR indicator LIKE '%dagen%' OR indicator LIKE '%graad%')"
    ).fetchall()
    assert ratios == []


# --- perspectives ----------------------------------------------------------------------------


def test_herkomst_versus_verblijf(con):
    # 2019-K2 instroom: herkomst Almere A1-A5 = 5; verblijf Almere only A2, A5 = 2;
    # verblijf Lelystad A1, A3, A4 (from Almere) + B1 (from outside) = 4; herkomst Lelystad 0.
    assert bw_value(con, "instroom", "2019-K2", ALMERE, "herkomst") == 5
    assert bw_value(con, "instroom", "2019-K2", ALMERE, "verblijf") == 2
    assert bw_value(con, "instroom", "2019-K2", LELYSTAD, "verblijf") == 4
    assert bw_value(con, "instroom", "2019-K2", LELYSTAD, "herkomst") == 0


def test_region_total_counts_buiten_and_onbekend(con):
    # aanmeldingen 2019-K2: Almere 5 + Zeewolde 1 (Z6) + Dronten 1 (D6) + BUITEN 1 (B1)
    # + ONBEKEND 1 (O1) = 9.
    assert bw_value(con, "aanmeldingen", "2019-K2", "BUITEN") == 1
    assert bw_value(con, "aanmeldingen", "2019-K2", "ONBEKEND") == 1
    assert bw_value(con, "aanmeldingen", "2019-K2", "TOTAAL") == 9
    assert bw_value(con, "aanmeldingen", "2019-K2", "TOTAAL",
                    dimensie="aanmelding_type=Verlenging") == 3  # A5, A6, O1
    # TOTAAL is always the regio perspective, never herkomst or verblijf
    assert con.execute(
        "SELECT DISTINCT perspectief FROM kerncijfers WHERE gemeentecode = 'TOTAAL'"
    ).fetchall() == [("regio",)]
    # BUITEN / ONBEKEND are herkomst only: a place is always in the region
    assert con.execute(
        "SELECT count(*) FROM kerncijfers WHERE perspectief = 'verblijf' "
        "AND gemeentecode IN ('BUITEN', 'ONBEKEND')"
    ).fetchall()[0][0] == 0
    assert con.execute(
        "SELECT DISTINCT gemeente FROM kerncijfers WHERE gemeentecode = 'BUITEN'"
    ).fetchall() == [("Buiten de regio",)]


def test_zero_rows_for_municipality_without_clients(con):
    # Noordoostpolder has no traject at all, yet has a zero in every period and perspective.
    for indicator, perspectief in [("aanmeldingen", "herkomst"), ("instroom", "herkomst"),
                                   ("instroom", "verblijf"), ("bezetting", "verblijf"),
                                   ("wachtlijst", "herkomst")]:
        assert bw_value(con, indicator, "2019-K2", NOP, perspectief) == 0
        assert bw_value(con, indicator, "2019", NOP, perspectief) == 0


def test_periods_after_latest_peildatum_not_derived(con):
    # BW's latest peildatum is 2020-01-15: up to 2019-K4 and 2019, nothing of 2020.
    assert bw_value(con, "bezetting", "2019-K4", "TOTAAL") >= 0
    periodes = con.execute(
        "SELECT DISTINCT periode FROM kerncijfers WHERE voorziening = 'BW' "
        "AND bron = 'trajecten' ORDER BY periode"
    ).fetchall()
    assert [p for (p,) in periodes] == ["2019", "2019-K1", "2019-K2", "2019-K3", "2019-K4"]
    # MO's peildatum is 2020-07-15: up to 2020-K2, not 2020-K3 nor the year 2020.
    assert value(con, "MO", "instroom", "2020-K2", ALMERE, "herkomst") == 1
    last = con.execute(
        "SELECT max(periode) FROM kerncijfers WHERE voorziening = 'MO' AND periode LIKE '%-K%'"
    ).fetchall()[0][0]
    assert last == "2020-K2"
    assert rows(con, "MO", "instroom", "2020", ALMERE, "herkomst") == []


def test_later_peildatum_replaces_traject_and_earlier_only_is_kept(con):
    # R1 waits in the 2019-10-15 extract but came in on 2019-08-01 in the 2020-01-15 extract
    # (whose file name sorts first: the peildatum decides, not the name). R2 is only in the
    # earlier extract and stays. Lelystad 2019-K3: aanmeldingen R1, R2; instroom R1, R2;
    # wachtlijst at 2019-09-30 none.
    assert bw_value(con, "aanmeldingen", "2019-K3", LELYSTAD) == 2
    assert bw_value(con, "instroom", "2019-K3", LELYSTAD) == 2
    assert bw_value(con, "wachtlijst", "2019-K3", LELYSTAD) == 0
    assert bw_value(con, "wachttijd_mediaan_dagen", "2019-K3", LELYSTAD) == 39.5  # 31 and 48 days


# --- tellingen -------------------------------------------------------------------------------


def test_tellingen_months_make_quarters_only_when_complete(con):
    # Almere meldingen: Jan-Mar 10 + 20 + 30 = 60; Apr and May only -> no 2019-K2.
    assert value(con, "E33", "meldingen", "2019-K1", ALMERE, "regio") == 60
    assert rows(con, "E33", "meldingen", "2019-K2", ALMERE) == []
    # months of a flow never appear themselves; a stock given per month keeps its month
    # (Almere clienten and its per 10,000: a published month figure stays answerable)
    maanden = con.execute(
        "SELECT DISTINCT indicator, periode_type FROM kerncijfers "
        "WHERE periode LIKE '%-0%' OR periode LIKE '%-1%' OR periode_type = 'maand'"
    ).fetchall()
    assert sorted(maanden) == [("clienten", "maand"), ("clienten_per_10000", "maand")]


def test_tellingen_quarters_make_years_only_when_complete(con):
    # Lelystad K1-K4: 5 + 16 (corrected) + 7 + 8 = 36; Urk K1-K3 only -> no year;
    # Almere has only one derived quarter -> no year.
    assert value(con, "E33", "meldingen", "2019", LELYSTAD, "regio") == 36
    assert rows(con, "E33", "meldingen", "2019", URK) == []
    assert rows(con, "E33", "meldingen", "2019", ALMERE) == []


def test_tellingen_stocks_are_never_summed_over_time(con):
    # clienten given per month (Almere) and per quarter (Lelystad): no quarter, no year.
    assert rows(con, "E33", "clienten", "2019-K1", ALMERE) == []
    assert rows(con, "E33", "clienten", "2019", LELYSTAD) == []
    assert value(con, "E33", "clienten", "2019-K4", LELYSTAD) == 4


def test_tellingen_region_total_only_when_complete_and_never_over_given(con):
    # 2019-K1: all six municipalities -> TOTAAL 21 derived.
    assert value(con, "OGGZ", "adviesaanvragen", "2019-K1", "TOTAAL", "regio") == 21
    # 2019-K2: Lelystad missing -> no TOTAAL.
    assert rows(con, "OGGZ", "adviesaanvragen", "2019-K2", "TOTAAL") == []
    # 2019-K3: a TOTAAL was given (8 = six times 1 + BUITEN 2): exactly that one row, no
    # derived one next to it. (A given TOTAAL that differs from the sum of all six is refused
    # by the data tests, so the given value and the sum agree here.)
    assert rows(con, "OGGZ", "adviesaanvragen", "2019-K3", "TOTAAL") == [(8.0, False)]
    # E33 meldingen 2019-K1 has only Almere, Lelystad and Urk: no TOTAAL.
    assert rows(con, "E33", "meldingen", "2019-K1", "TOTAAL") == []
    # the quarter Q3 was written 2019-Q3 by the supplier and is stored as 2019-K3
    assert value(con, "OGGZ", "adviesaanvragen", "2019-K3", NOP) == 1


def test_tellingen_ratios_never_summed(con):
    # tevredenheid_pct is given for all six municipalities, but a percentage never adds up.
    assert value(con, "OGGZ", "tevredenheid_pct", "2019", ALMERE) == 70
    assert rows(con, "OGGZ", "tevredenheid_pct", "2019", "TOTAAL") == []


def test_tellingen_correction_replaces_and_is_logged(con):
    assert value(con, "E33", "meldingen", "2019-K2", LELYSTAD) == 16
    assert value(con, "E33", "meldingen", "2019-K3", LELYSTAD) == 7
    correcties = con.execute(
        "SELECT indicator, periode, gemeentecode, vorige_waarde, nieuwe_waarde, vorig_bestand, "
        "bestand FROM correcties"
    ).fetchall()
    # the repeated K3 with the same value is no correction
    assert correcties == [
        ("meldingen", "2019-K2", LELYSTAD, 6, 16, "tellingen_politie_2020-01-31.csv",
         "tellingen_politie_2020-02-29.csv"),
    ]


# --- demo flag -------------------------------------------------------------------------------


def test_demo_flag_exactly_for_demo_files(con):
    # MO trajecten come from trajecten_demo_2020-07-15.csv; eerste_opvang from
    # tellingen_demo_2020-01-31.csv. Everything else is from files without "demo".
    demo = con.execute(
        "SELECT DISTINCT voorziening, bron FROM kerncijfers WHERE demo ORDER BY ALL"
    ).fetchall()
    # the region total and per 10,000 the warehouse computes from them: "afgeleid uit Demo"
    assert demo == [("MO", "trajecten"), ("OGGZ", "Demo"), ("OGGZ", "afgeleid uit Demo")]
    assert rows(con, "OGGZ", "eerste_opvang", "2019", "TOTAAL") == [(50.0, True)]
    assert con.execute(
        "SELECT bool_and(demo) FROM kerncijfers WHERE voorziening = 'MO'"
    ).fetchall()[0][0]
    assert con.execute(
        "SELECT waarde FROM meta WHERE sleutel = 'bevat_demo'"
    ).fetchall()[0][0] == "ja"


def test_kerncijfers_key_is_unique(con):
    assert con.execute(
        "SELECT count(*) FROM (SELECT voorziening, indicator, periode, gemeentecode, "
        "perspectief, dimensie, bron FROM kerncijfers GROUP BY ALL HAVING count(*) > 1)"
    ).fetchall()[0][0] == 0
