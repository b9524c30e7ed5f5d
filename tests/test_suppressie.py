"""Disclosure control on small hand-made frames: what is published, what is hidden and why,
each result checked by hand and attacked with the audit (publicatie/audit.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from publicatie import beveiliging as engine
from publicatie.audit import audit, lekken
from publicatie.suppressie import beveilig, catalogus, lees_publicatie, weergave

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD = (
    "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995",
)
GEMEENTEN = (ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD)
KWARTAAL = "2026-K3"
PUBLICATIE = dataclasses.replace(lees_publicatie(), al_openbaar=("Regionaal kader",))


def rij(indicator: str, gemeente: str, waarde: float, dimensie: str | None = None, *,
        perspectief: str = "herkomst", periode: str = KWARTAAL, voorziening: str = "BW",
        bron: str = "trajecten") -> dict:
    if gemeente == "TOTAAL":
        perspectief = "regio"
    return {
        "voorziening": voorziening, "indicator": indicator, "periode": periode,
        "periode_type": "jaar" if len(periode) == 4 else "kwartaal", "gemeentecode": gemeente,
        "gemeente": gemeente, "perspectief": perspectief, "dimensie": dimensie,
        "waarde": float(waarde), "bron": bron, "demo": False,
    }


def tabel(indicator: str, waarden: dict[str, float], **kw: object) -> list[dict]:
    """Municipality rows and their region total (the sum)."""
    rows = [rij(indicator, g, w, **kw) for g, w in waarden.items()]
    return [*rows, rij(indicator, "TOTAAL", sum(waarden.values()), **kw)]


def frame(*groepen: list[dict] | dict) -> pd.DataFrame:
    rows: list[dict] = []
    for g in groepen:
        rows += g if isinstance(g, list) else [g]
    return pd.DataFrame(rows)


def uitkomst(result: pd.DataFrame, periode: str = KWARTAAL) -> dict[tuple, str | None]:
    """(indicator, gemeentecode, perspectief) -> teken, for one period."""
    deel = result[result["periode"] == periode]
    return {(r.indicator, r.gemeentecode, r.perspectief): r.teken for r in deel.itertuples()}


def geen_lek(result: pd.DataFrame, data: pd.DataFrame) -> None:
    gevonden = lekken(audit(result, data, PUBLICATIE))
    assert gevonden.empty, gevonden.to_string()


# --- config ----------------------------------------------------------------------------------


def test_the_rules_come_from_config():
    publicatie = lees_publicatie()
    assert (publicatie.drempel, publicatie.teken, publicatie.teken_overig) == (5, "<5", "x")
    assert publicatie.methode == "OPT" and publicatie.min_intervalbreedte == 3
    assert publicatie.min_basis == 10 and "capaciteit" in publicatie.vrijgesteld


@pytest.mark.parametrize(("tekst", "fout"), [
    ('drempel = "vijf"\n', "drempel"),
    ("drempel = 5\n[beveiliging]\nmethode = \"GH\"\n", "methode"),
    ("drempel = 5\n[beveiliging]\nmin_basis = -1\n", "min_basis"),
    ("drempel = 5\n[beveiliging]\nvrijgesteld = \"capaciteit\"\n", "vrijgesteld"),
])
def test_bad_config_is_refused(tmp_path: Path, tekst: str, fout: str):
    (tmp_path / "p.toml").write_text(tekst, encoding="utf-8")
    with pytest.raises(ValueError, match=fout):
        lees_publicatie(tmp_path / "p.toml")


# --- what is published -------------------------------------------------------------------------


def test_only_what_an_export_shows_is_published():
    data = frame(
        rij("instroom", ALMERE, 12), rij("instroom", ALMERE, 7, "product=BW hoog"),
        rij("instroom", ALMERE, 9, periode="2026-K4"), rij("instroom", ALMERE, 8,
                                                            perspectief="verblijf"),
        rij("bezetting", ALMERE, 30, perspectief="verblijf"),
        rij("clienten", ALMERE, 40), rij("meldingen", ALMERE, 3, voorziening="E33", bron="politie",
                                         perspectief="regio"),
    )
    gepubliceerd = data[catalogus(data, KWARTAAL)]
    assert set(zip(gepubliceerd["indicator"], gepubliceerd["perspectief"],
                   gepubliceerd["dimensie"].fillna(""), gepubliceerd["periode"], strict=True)) == {
        ("instroom", "herkomst", "", KWARTAAL),
        ("bezetting", "verblijf", "", KWARTAAL),
        ("meldingen", "regio", "", KWARTAAL),
    }


# --- primary and secondary -------------------------------------------------------------------


def test_small_counts_are_hidden_zero_and_places_are_shown():
    data = frame(
        tabel("instroom", {ALMERE: 20, ZEEWOLDE: 3, NOP: 0, URK: 9, DRONTEN: 11, LELYSTAD: 14}),
        tabel("capaciteit", {ALMERE: 2, ZEEWOLDE: 0}, bron="capaciteit", perspectief="verblijf",
              voorziening="MO"),
    )
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    tekens = uitkomst(result)
    assert tekens[("instroom", ZEEWOLDE, "herkomst")] == "<5"
    assert tekens[("instroom", NOP, "herkomst")] is None  # a zero reveals nothing
    assert tekens[("capaciteit", ALMERE, "verblijf")] is None  # places, not people
    hidden = result[result["onderdrukt"]]
    assert hidden["waarde"].isna().all()
    assert set(hidden["reden"]) <= {"primair", "secundair"}
    # the one small cell cannot stand alone beside its total: Tau-Argus hides more
    assert (hidden["reden"] == "secundair").sum() >= 1
    assert set(hidden.loc[hidden["reden"] == "secundair", "teken"]) == {"x"}
    geen_lek(result, data)


def test_the_three_small_cells_of_the_issue_keep_their_interval():
    # MO uitstroom 2026-K3 of the issue: 62 = 31 + 17 + 6 + 5 + three cells of 1. The old rule
    # left the three hidden cells summing to 3: each was exactly 1.
    waarden = {ALMERE: 31, LELYSTAD: 17, NOP: 6, "BUITEN": 5, DRONTEN: 1, URK: 1, ZEEWOLDE: 1}
    data = frame(tabel("uitstroom", waarden, voorziening="MO"))
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    tekens = uitkomst(result)
    assert {tekens[("uitstroom", g, "herkomst")] for g in (DRONTEN, URK, ZEEWOLDE)} == {"<5"}
    interval = audit(result, data, PUBLICATIE)
    klein = interval[interval["reden"] == "primair"]
    assert ((klein["bovengrens"] - klein["ondergrens"]) >= 3).all()
    geen_lek(result, data)


def test_stock_and_flow_between_quarters_is_protected():
    # bezetting K2 + instroom - uitstroom = bezetting K3, per municipality: Zeewolde's one
    # instroom must not be recoverable from two quarters of bezetting.
    def kwartaal(periode: str, bezetting: dict, instroom: dict, uitstroom: dict) -> list:
        return [*tabel("bezetting", bezetting, periode=periode),
                *tabel("instroom", instroom, periode=periode),
                *tabel("uitstroom", uitstroom, periode=periode)]

    data = frame(
        kwartaal("2026-K2", {ALMERE: 40, ZEEWOLDE: 9, URK: 7},
                 {ALMERE: 6, ZEEWOLDE: 5, URK: 6}, {ALMERE: 7, ZEEWOLDE: 6, URK: 5}),
        kwartaal(KWARTAAL, {ALMERE: 41, ZEEWOLDE: 7, URK: 8},
                 {ALMERE: 8, ZEEWOLDE: 1, URK: 6}, {ALMERE: 7, ZEEWOLDE: 3, URK: 5}),
    )
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    assert uitkomst(result)[("instroom", ZEEWOLDE, "herkomst")] == "<5"
    assert uitkomst(result)[("uitstroom", ZEEWOLDE, "herkomst")] == "<5"
    geen_lek(result, data)


def test_the_relations_tau_argus_gets_hold_on_the_figures():
    data = frame(tabel("instroom", {ALMERE: 5, URK: 2}),
                 rij("instroom", "TOTAAL", 99, periode="2026-K2"), rij("instroom", ALMERE, 5,
                                                                        periode="2026-K2"))
    telling = np.ones(len(data), dtype=bool)
    relaties = engine.relaties(data, telling)
    # the 2026-K3 total is the sum; the 2026-K2 "total" of 99 is not: no false sum is used
    assert [sorted(r) for r in relaties] == [[(0, 1), (1, 1), (2, -1)]]


@pytest.mark.parametrize(("waarde", "haalbaar", "niveaus"), [
    (1, None, (0, 3)), (2, None, (1, 2)), (4, None, (3, 0)),
    (1, (1.0, 3.0), (0, 2)),  # a shown zero beside it leaves no more than 1 … 3
])
def test_protection_levels(waarde: int, haalbaar, niveaus):
    assert engine.beschermingsniveaus(waarde, 5, 3, haalbaar) == niveaus


# --- derived figures -------------------------------------------------------------------------


def test_rates_and_days_follow_their_count_and_a_minimum_base():
    data = frame(
        tabel("instroom", {ALMERE: 30, ZEEWOLDE: 3, URK: 8}),
        rij("instroom_per_10000", ALMERE, 1.53210), rij("instroom_per_10000", ZEEWOLDE, 1.4),
        rij("instroom_per_10000", URK, 3.6), rij("wachttijd_mediaan_dagen", ALMERE, 45.25),
        rij("wachttijd_mediaan_dagen", URK, 30.0),
    )
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    tekens = uitkomst(result)
    waarden = {(r.indicator, r.gemeentecode): r.waarde for r in result.itertuples()}
    assert tekens[("instroom_per_10000", ZEEWOLDE, "herkomst")] == "x"  # on a hidden count
    assert tekens[("instroom_per_10000", URK, "herkomst")] == "x"  # base 8 < min_basis 10
    assert waarden[("instroom_per_10000", ALMERE)] == 1.53  # rounded as published
    assert waarden[("wachttijd_mediaan_dagen", ALMERE)] == 45.2
    assert tekens[("wachttijd_mediaan_dagen", URK, "herkomst")] == "x"


def test_spreiding_rows_only_when_every_bezetting_cell_is_shown():
    def bezetting(periode: str, urk: int) -> list:
        herkomst = {ALMERE: 60, URK: urk, LELYSTAD: 30}
        verblijf = {ALMERE: 50, URK: 10 + urk, LELYSTAD: 30}
        return [*tabel("bezetting", herkomst, periode=periode),
                *[rij("bezetting", g, w, perspectief="verblijf", periode=periode)
                  for g, w in verblijf.items()]]

    data = frame(bezetting("2026-K2", 20), bezetting(KWARTAAL, 2))
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    index = result[result["indicator"] == "spreidingsindex"].set_index("periode")
    # K2: D = 1/2 (|50/110 - 60/110| + |30/110 - 20/110| + 0) = 0.0909 -> 0.09
    assert index.loc["2026-K2", "waarde"] == 0.09 and not index.loc["2026-K2", "onderdrukt"]
    assert index.loc[KWARTAAL, "onderdrukt"] and index.loc[KWARTAAL, "teken"] == "x"
    assert index["bron"].eq("afgeleid").all() and index["gemeentecode"].eq("TOTAAL").all()


# --- consistency with the previous snapshot ----------------------------------------------------


def test_the_previous_snapshot_marks_are_kept():
    data = frame(tabel("instroom", {ALMERE: 20, URK: 9, DRONTEN: 11, LELYSTAD: 14}))
    vorige = beveilig(data, KWARTAAL, PUBLICATIE)
    assert not vorige["onderdrukt"].any()
    # the previous report hid Lelystad (say by another rule): it stays hidden
    vorige.loc[vorige["gemeentecode"] == LELYSTAD, ["onderdrukt", "reden", "teken"]] = \
        [True, "secundair", "x"]
    vorige.loc[vorige["gemeentecode"] == LELYSTAD, "waarde"] = np.nan
    result = beveilig(data, KWARTAAL, PUBLICATIE, vorige)
    assert uitkomst(result)[("instroom", LELYSTAD, "herkomst")] == "x"


def test_already_public_sources_are_reproduced_as_published():
    data = frame(tabel("meldingen", {ALMERE: 956, URK: 2}, voorziening="E33",
                       bron="Regionaal kader 2020-2026 bijlage 3", perspectief="regio",
                       periode="2018-K4"))
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    assert not result["onderdrukt"].any()
    assert result.loc[result["gemeentecode"] == URK, "waarde"].item() == 2


def test_weergave():
    assert weergave(1944.0, False, "<5") == "1.944"
    assert weergave(None, True, "<5") == "<5"
    assert weergave(12.345, False, "<5") == "12,3"


def test_already_public_figures_are_published_with_their_breakdowns():
    bron = "Regionaal kader 2020-2026 bijlage 3"
    data = frame(rij("aantal_per_product", "TOTAAL", 339, "product=BW hoog", bron=bron,
                     periode="2018"),
                 rij("clienten", ALMERE, 3, "product=BW hoog"))
    result = beveilig(data, KWARTAAL, PUBLICATIE)
    assert result[["indicator", "waarde"]].values.tolist() == [["aantal_per_product", 339.0]]
