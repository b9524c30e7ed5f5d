"""The attacking audit on small hand-made frames: every leak of issue 8 is caught with the
exact value it gives away, and the same case properly protected keeps its interval (each
interval worked out by hand in the comment above it). Last, the demo snapshot."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import settings
from publicatie.audit import audit, beschrijf, lekken
from publicatie.suppressie import Publicatie, beveilig, lees_publicatie

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD = (
    "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995",
)
NAMEN = {ALMERE: "Almere", ZEEWOLDE: "Zeewolde", NOP: "Noordoostpolder", URK: "Urk",
         DRONTEN: "Dronten", LELYSTAD: "Lelystad", **settings.SPECIAL_GEMEENTE_NAMES}
PUBLICATIE = Publicatie(drempel=5, teken="<5", teken_overig="x")
KLEIN, OVERIG = "<5", "x"


def rij(indicator: str, gemeente: str, waarde: float, teken: str | None = None, *,
        dimensie: str | None = None, perspectief: str = "herkomst", periode: str = "2026-K3",
        voorziening: str = "BW", bron: str = "trajecten") -> dict:
    """A kerncijfers row plus how it is published: `teken` '<5' (primary), 'x' (secondary)
    or None (shown)."""
    if gemeente == settings.TOTAAL:
        perspectief = "regio"
    return {
        "voorziening": voorziening, "indicator": indicator, "periode": periode,
        "periode_type": "jaar" if len(periode) == 4 else "kwartaal", "gemeentecode": gemeente,
        "gemeente": NAMEN[gemeente],
        "perspectief": perspectief, "dimensie": dimensie, "waarde": float(waarde),
        "bron": bron, "demo": False, "_teken": teken,
    }


def maak(*rows: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kerncijfers, gepubliceerd) of the rows, shaped as `beveilig` returns them."""
    alles = pd.DataFrame(list(rows))
    kerncijfers = alles.drop(columns="_teken")
    gepubliceerd = kerncijfers.copy()
    teken = alles["_teken"].astype(object)
    gepubliceerd["onderdrukt"] = teken.notna().to_numpy()
    gepubliceerd["reden"] = [None if t is None else "primair" if t == KLEIN else "secundair"
                             for t in teken]
    gepubliceerd["teken"] = teken.where(teken.notna(), None)
    gepubliceerd.loc[gepubliceerd["onderdrukt"], "waarde"] = np.nan
    return kerncijfers, gepubliceerd


def intervallen(resultaat: pd.DataFrame) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(indicator, periode, gemeentecode) -> (ondergrens, bovengrens) of the attacked cells."""
    cellen = resultaat[resultaat["soort"] == "interval"]
    return {(r.indicator, r.periode, r.gemeentecode): (r.ondergrens, r.bovengrens)
            for r in cellen.itertuples()}


def ok(resultaat: pd.DataFrame) -> dict[tuple[str, str, str], bool]:
    cellen = resultaat[resultaat["soort"] == "interval"]
    return {(r.indicator, r.periode, r.gemeentecode): bool(r.ok) for r in cellen.itertuples()}


# --- region total minus the visible parts -----------------------------------------------------


def _uitstroom_mo(**tekens: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    waarden = {ALMERE: 31, LELYSTAD: 17, NOP: 6, "BUITEN": 5, DRONTEN: 1, URK: 1,
               ZEEWOLDE: 1, settings.TOTAAL: 62}
    standaard = {DRONTEN: KLEIN, URK: KLEIN, ZEEWOLDE: KLEIN}
    standaard.update(tekens)
    return maak(*(rij("uitstroom", g, w, standaard.get(g), voorziening="MO")
                  for g, w in waarden.items()))


def test_region_total_minus_the_visible_parts_pins_three_small_cells():
    # MO uitstroom: 62 - (31 + 17 + 6 + 5) = 3 over three '<5' cells of at least 1: each is 1
    kern, pub = _uitstroom_mo()
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("uitstroom", "2026-K3", g): (1.0, 1.0) for g in (DRONTEN, URK, ZEEWOLDE)
    }
    lek = lekken(resultaat)
    assert len(lek) == 3 and (lek["vereist"] == 3).all()
    assert beschrijf(lek.iloc[0]) == (
        "MO uitstroom 2026-K3 Dronten (herkomst): <5 ligt vast op 1 "
        "(interval 1 t/m 1, vereist breedte 3)"
    )
    assert resultaat.attrs["relaties"]["regio"] == (1, 1, 1)


def test_region_total_properly_protected():
    # Lelystad 17 and Noordoostpolder 6 hidden too: 62 - 31 - 5 = 26 over five cells.
    # A '<5' is at most 26 - 1 - 1 - 5 - 5 = 14, so anywhere in [1, 4]; an 'x' lies in
    # [5, 26 - 1 - 1 - 1 - 5] = [5, 18].
    kern, pub = _uitstroom_mo(**{LELYSTAD: OVERIG, NOP: OVERIG})
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("uitstroom", "2026-K3", DRONTEN): (1.0, 4.0),
        ("uitstroom", "2026-K3", URK): (1.0, 4.0),
        ("uitstroom", "2026-K3", ZEEWOLDE): (1.0, 4.0),
        ("uitstroom", "2026-K3", LELYSTAD): (5.0, 18.0),
        ("uitstroom", "2026-K3", NOP): (5.0, 18.0),
    }
    assert lekken(resultaat).empty


# --- an 'x' is never 1 to 4 -------------------------------------------------------------------


def _instroom_vo(dronten: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    return maak(
        rij("instroom", ALMERE, 21, voorziening="VO"),
        rij("instroom", DRONTEN, 28, dronten, voorziening="VO"),
        rij("instroom", ZEEWOLDE, 1, KLEIN, voorziening="VO"),
        rij("instroom", LELYSTAD, 5, OVERIG, voorziening="VO"),
        rij("instroom", URK, 0, voorziening="VO"),
        rij("instroom", settings.TOTAAL, 55, voorziening="VO"),
    )


def test_an_x_is_never_small_pins_both_hidden_cells():
    # 55 - 21 - 28 = 6 = Zeewolde (1..4) + Lelystad (at least 5): Zeewolde 1, Lelystad 5
    kern, pub = _instroom_vo(dronten=None)
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("instroom", "2026-K3", ZEEWOLDE): (1.0, 1.0),
        ("instroom", "2026-K3", LELYSTAD): (5.0, 5.0),
    }
    # the leak is the small count; the pinned 'x' is reported with its interval
    assert set(lekken(resultaat)["gemeentecode"]) == {ZEEWOLDE}
    assert "x ligt vast op 5" in beschrijf(
        resultaat[resultaat["gemeentecode"] == LELYSTAD].iloc[0])


def test_an_x_is_never_small_properly_protected():
    # Dronten hidden too: 55 - 21 = 34 over three cells. Zeewolde [1, 4]; Lelystad and Dronten
    # each at least 5 and at most 34 - 1 - 5 = 28.
    kern, pub = _instroom_vo(dronten=OVERIG)
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("instroom", "2026-K3", ZEEWOLDE): (1.0, 4.0),
        ("instroom", "2026-K3", LELYSTAD): (5.0, 28.0),
        ("instroom", "2026-K3", DRONTEN): (5.0, 28.0),
    }
    assert lekken(resultaat).empty


# --- stock and flow across two quarters -------------------------------------------------------


def _voorraad(uitstroom: str | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """BW Zeewolde: bezetting 2026-K2 20, instroom K3 1, uitstroom K3 6, bezetting K3 15.
    The K3 report shows the K3 cells; the K2 report (`vorige`) showed bezetting K2."""
    kern, pub = maak(
        rij("bezetting", ZEEWOLDE, 20, periode="2026-K2"),
        rij("instroom", ZEEWOLDE, 1, KLEIN),
        rij("instroom", URK, 9, OVERIG),
        rij("instroom", ALMERE, 30),
        rij("instroom", settings.TOTAAL, 40),
        rij("uitstroom", ZEEWOLDE, 6, uitstroom),
        rij("bezetting", ZEEWOLDE, 15),
    )
    k3 = pub[pub["periode"] == "2026-K3"].reset_index(drop=True)
    k2 = pub[pub["periode"] == "2026-K2"].reset_index(drop=True)
    return kern, k3, k2


def test_stock_and_flow_across_two_quarters_pins_instroom():
    # alone the K3 report hides instroom Zeewolde well: 40 - 30 = 10 = Zeewolde + Urk (>= 5)
    kern, k3, k2 = _voorraad(uitstroom=None)
    assert intervallen(audit(k3, kern, PUBLICATIE))[("instroom", "2026-K3", ZEEWOLDE)] == (1, 4)
    # with the K2 report: 15 = 20 + instroom - 6, so instroom 1 and Urk 10 - 1 = 9
    resultaat = audit(k3, kern, PUBLICATIE, vorige=k2)
    assert intervallen(resultaat) == {
        ("instroom", "2026-K3", ZEEWOLDE): (1.0, 1.0),
        ("instroom", "2026-K3", URK): (9.0, 9.0),
    }
    # the small count is the leak; the pinned 'x' (9) is reported but is no small count
    assert ok(resultaat) == {("instroom", "2026-K3", ZEEWOLDE): False,
                             ("instroom", "2026-K3", URK): True}
    assert resultaat.attrs["relaties"]["voorraad"] == (1, 1, 1)


def test_stock_and_flow_properly_protected():
    # uitstroom Zeewolde hidden too (x): instroom = uitstroom - 5 with uitstroom >= 5 and
    # instroom 1..4, so instroom [1, 4], uitstroom [6, 9] and Urk = 10 - instroom in [6, 9]
    kern, k3, k2 = _voorraad(uitstroom=OVERIG)
    resultaat = audit(k3, kern, PUBLICATIE, vorige=k2)
    assert intervallen(resultaat) == {
        ("instroom", "2026-K3", ZEEWOLDE): (1.0, 4.0),
        ("instroom", "2026-K3", URK): (6.0, 9.0),
        ("uitstroom", "2026-K3", ZEEWOLDE): (6.0, 9.0),
    }
    assert lekken(resultaat).empty


def test_an_older_figure_that_was_revised_is_not_used():
    # The K2 report showed bezetting K2 as 21, the warehouse now says 20: another version of
    # the data, so it pins nothing
    kern, k3, k2 = _voorraad(uitstroom=None)
    k2 = k2.assign(waarde=21.0)
    resultaat = audit(k3, kern, PUBLICATIE, vorige=k2)
    assert intervallen(resultaat)[("instroom", "2026-K3", ZEEWOLDE)] == (1.0, 4.0)


def test_a_cell_shown_unchanged_in_the_previous_report_is_known():
    # hidden now, shown as 3 (and 9) in the previous report with the same values: pinned
    kern, pub = maak(rij("instroom", URK, 3, KLEIN), rij("instroom", ALMERE, 9, OVERIG),
                     rij("instroom", settings.TOTAAL, 12))
    _, oud = maak(rij("instroom", URK, 3), rij("instroom", ALMERE, 9),
                  rij("instroom", settings.TOTAAL, 12))
    assert intervallen(audit(pub, kern, PUBLICATIE)) == {
        ("instroom", "2026-K3", URK): (1.0, 4.0), ("instroom", "2026-K3", ALMERE): (8.0, 11.0),
    }
    assert intervallen(audit(pub, kern, PUBLICATIE, vorige=oud)) == {
        ("instroom", "2026-K3", URK): (3.0, 3.0), ("instroom", "2026-K3", ALMERE): (9.0, 9.0),
    }


# --- a rate per 10,000 shown with two decimals ------------------------------------------------

INWONERS = pd.DataFrame({
    "gemeentecode": [NOP, NOP, ALMERE, DRONTEN],
    "jaar": [2024, 2025, 2025, 2025],
    "inwoners": [48_000, 49_500, 320_000, 43_000],
})


def _bezetting_mo(teken_rate: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    # 2026 lies beyond the table: the latest year (2025, 49,500) counts
    rate = round(4 / 49_500 * 10_000, 2)  # 0,81
    return maak(
        rij("bezetting", NOP, 4, KLEIN, voorziening="MO"),
        rij("bezetting", DRONTEN, 10, OVERIG, voorziening="MO"),
        rij("bezetting", ALMERE, 50, voorziening="MO"),
        rij("bezetting", settings.TOTAAL, 64, voorziening="MO"),
        rij("bezetting_per_10000", NOP, rate, teken_rate, voorziening="MO"),
    )


def test_a_rate_per_10000_with_two_decimals_pins_a_hidden_count():
    # 0,81 per 10,000 of 49,500: between 0,805 * 4,95 = 3,98 and 0,815 * 4,95 = 4,03, so 4;
    # and Dronten 14 - 4 = 10
    kern, pub = _bezetting_mo(teken_rate=None)
    resultaat = audit(pub, kern, PUBLICATIE, inwoners=INWONERS)
    assert intervallen(resultaat) == {
        ("bezetting", "2026-K3", NOP): (4.0, 4.0),
        ("bezetting", "2026-K3", DRONTEN): (10.0, 10.0),
    }
    assert resultaat.attrs["relaties"]["per_10000"] == (1, 1, 1)
    # without the population the rate says nothing
    zonder = audit(pub, kern, PUBLICATIE)
    assert intervallen(zonder)[("bezetting", "2026-K3", NOP)] == (1.0, 4.0)
    assert zonder.attrs["relaties"]["per_10000"] == (0, 0, 0)


def test_a_rate_per_10000_hidden_with_its_count():
    # 64 - 50 = 14 = NOP (1..4) + Dronten (>= 5): NOP [1, 4], Dronten [10, 13]
    kern, pub = _bezetting_mo(teken_rate=OVERIG)
    resultaat = audit(pub, kern, PUBLICATIE, inwoners=INWONERS)
    assert intervallen(resultaat) == {
        ("bezetting", "2026-K3", NOP): (1.0, 4.0),
        ("bezetting", "2026-K3", DRONTEN): (10.0, 13.0),
    }
    assert lekken(resultaat).empty


# --- a percentage over a hidden count ---------------------------------------------------------


def _instroom_pct(teken_pct: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    return maak(
        rij("instroom", URK, 3, KLEIN, periode="2025"),
        rij("instroom", ZEEWOLDE, 7, OVERIG, periode="2025"),
        rij("instroom", ALMERE, 40, periode="2025"),
        rij("instroom", settings.TOTAAL, 50, periode="2025"),
        rij("clienten", URK, 12, periode="2025"),
        rij("instroom_pct", URK, 25.0, teken_pct, periode="2025"),
    )


def test_a_percentage_on_a_shown_base_pins_its_hidden_count():
    # 25,0% of 12 clients: instroom between 0,2495 * 12 = 2,99 and 0,2505 * 12 = 3,01, so 3;
    # then Zeewolde = 10 - 3 = 7
    kern, pub = _instroom_pct(teken_pct=None)
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("instroom", "2025", URK): (3.0, 3.0),
        ("instroom", "2025", ZEEWOLDE): (7.0, 7.0),
    }
    assert resultaat.attrs["relaties"]["percentage"] == (2, 2, 2)


def test_a_percentage_hidden_with_its_count():
    # 50 - 40 = 10: Urk [1, 4], Zeewolde [6, 9]
    kern, pub = _instroom_pct(teken_pct=OVERIG)
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("instroom", "2025", URK): (1.0, 4.0),
        ("instroom", "2025", ZEEWOLDE): (6.0, 9.0),
    }
    assert lekken(resultaat).empty


# --- the spreidingsindex next to a hidden bezetting cell ---------------------------------------


def _spreiding(teken_index: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    kern, pub = maak(
        rij("bezetting", NOP, 4, KLEIN, voorziening="MO"),
        rij("bezetting", DRONTEN, 10, OVERIG, voorziening="MO"),
        rij("bezetting", ALMERE, 50, voorziening="MO"),
        rij("bezetting", settings.TOTAAL, 64, voorziening="MO"),
        rij("bezetting", ALMERE, 64, voorziening="MO", perspectief="verblijf"),
    )
    index = rij("spreidingsindex", settings.TOTAAL, 0.17, voorziening="MO", bron="afgeleid")
    afgeleid = pd.DataFrame([index]).drop(columns="_teken").assign(
        onderdrukt=teken_index is not None, reden="afgeleid" if teken_index else None,
        teken=teken_index)
    if teken_index:
        afgeleid["waarde"] = np.nan
    return kern, pd.concat([pub, afgeleid], ignore_index=True)


def test_a_shown_spreidingsindex_next_to_a_hidden_bezetting_cell():
    kern, pub = _spreiding(teken_index=None)
    resultaat = audit(pub, kern, PUBLICATIE)
    regel = lekken(resultaat)
    regel = regel[regel["soort"] == "afgeleid"]
    assert len(regel) == 1 and regel.iloc[0]["indicator"] == "spreidingsindex"
    assert np.isnan(regel.iloc[0]["ondergrens"])
    assert beschrijf(regel.iloc[0]) == (
        "MO spreidingsindex 2026-K3 Regio totaal (regio): getoond (0,17) terwijl de bezetting "
        "van Noordoostpolder, Dronten verborgen is: de afgeleide figuur verraadt die"
    )


def test_a_hidden_spreidingsindex_breaks_no_rule():
    kern, pub = _spreiding(teken_index=OVERIG)
    resultaat = audit(pub, kern, PUBLICATIE)
    assert lekken(resultaat).empty
    assert (resultaat["soort"] == "interval").all()


# --- only true relations ----------------------------------------------------------------------


def test_a_sum_that_does_not_hold_is_not_used():
    # The verblijf rows add up to 43, not to the region's 42 (someone without a place of
    # stay in the region, say): using 42 would give Zeewolde + Urk = 2, both 1. The herkomst
    # rows do add up, and with two visible herkomst rows they leave 12 = two hidden 'x'.
    kern, pub = maak(
        rij("bezetting", ALMERE, 30, perspectief="verblijf"),
        rij("bezetting", LELYSTAD, 10, perspectief="verblijf"),
        rij("bezetting", ZEEWOLDE, 2, KLEIN, perspectief="verblijf"),
        rij("bezetting", URK, 1, KLEIN, perspectief="verblijf"),
        rij("bezetting", ALMERE, 30),
        rij("bezetting", LELYSTAD, 6, OVERIG),
        rij("bezetting", DRONTEN, 6, OVERIG),
        rij("bezetting", settings.TOTAAL, 42),
    )
    resultaat = audit(pub, kern, PUBLICATIE)
    assert intervallen(resultaat) == {
        ("bezetting", "2026-K3", ZEEWOLDE): (1.0, 4.0),
        ("bezetting", "2026-K3", URK): (1.0, 4.0),
        ("bezetting", "2026-K3", LELYSTAD): (5.0, 7.0),
        ("bezetting", "2026-K3", DRONTEN): (5.0, 7.0),
    }
    assert resultaat.attrs["relaties"]["regio"] == (2, 1, 1)


def test_a_sign_that_contradicts_the_value_is_a_finding():
    # a '<5' on a 0 is not true: the attacker's constraint is not used and the row says so
    kern, pub = maak(rij("instroom", URK, 0, KLEIN), rij("instroom", ALMERE, 9))
    resultaat = audit(pub, kern, PUBLICATIE)
    fout = lekken(resultaat)
    assert list(fout["soort"]) == ["teken"]
    assert beschrijf(fout.iloc[0]).endswith("het teken '<5' klopt niet met de werkelijke waarde 0")


# --- the demo snapshot ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if not settings.WAREHOUSE.exists():
        pytest.skip("geen warehouse: `python -m etl build`")
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        kern = con.execute(
            "SELECT * FROM kerncijfers WHERE (periode_type = 'kwartaal' AND periode <= '2026-K3')"
            " OR (periode_type = 'jaar' AND periode <= '2025')").df()
        inwoners = con.execute("SELECT gemeentecode, jaar, inwoners FROM ref_inwoners").df()
    return kern, beveilig(kern, "2026-K3", lees_publicatie()), inwoners


def test_the_demo_snapshot_gives_nothing_away(demo):
    kern, pub, inwoners = demo
    resultaat = audit(pub, kern, lees_publicatie(), inwoners=inwoners)
    # every hidden count of the snapshot was attacked
    verborgen = pub["onderdrukt"] & ~pub["indicator"].str.endswith(settings.RATIO_SUFFIXES)
    verborgen &= pub["bron"] != "afgeleid"
    assert (resultaat["soort"] == "interval").sum() == verborgen.sum()
    lek = lekken(resultaat)
    voorbeelden = "\n".join(beschrijf(r) for _, r in lek.head(10).iterrows())
    assert lek.empty, f"{len(lek)} lekken, o.a.:\n{voorbeelden}"


def test_two_consecutive_reports_together_give_nothing_away(demo):
    # the attack: bezetting(K2) + instroom - uitstroom = bezetting(K3) over the K2 and
    # the K3 report; the K3 snapshot is made knowing the K2 one (as maak_snapshot does)
    kern, _, inwoners = demo
    publicatie = lees_publicatie()
    kern_k2 = kern[(kern["periode_type"] == "jaar") | (kern["periode"] <= "2026-K2")]
    k2 = beveilig(kern_k2, "2026-K2", publicatie)
    k3 = beveilig(kern, "2026-K3", publicatie, vorige=k2)
    lek = lekken(audit(k3, kern, publicatie, vorige=k2, inwoners=inwoners))
    assert lek.empty, "\n".join(beschrijf(r) for _, r in lek.head(10).iterrows())
    # a figure both reports publish has the same mark in both
    sleutel = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    beide = k2.merge(k3, on=sleutel, suffixes=("_k2", "_k3"))
    beide = beide[beide["dimensie_k2"].isna() & beide["dimensie_k3"].isna()]
    assert len(beide) > 1000
    assert (beide["teken_k2"].fillna("") == beide["teken_k3"].fillna("")).all()
