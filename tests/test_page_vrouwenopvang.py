"""The Vrouwenopvang page (AppTest on the shipped warehouse) and its view functions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from paginahulp import dashboard, open_page_met, rijen
from streamlit.testing.v1 import AppTest

from monitor import fmt
from monitor.data import kwartaal_verschuiven
from monitor.views import vrouwenopvang as view

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/vrouwenopvang.py"
BRON = "Regionaal kader 2020-2026 bijlage 3"
# how each table on the page is recognised (by its columns, not its position)
TABELLEN = {
    "product_kwartaal": lambda k: k[:2] == ["Periode", "Product"],
    "product_jaar": lambda k: k[:2] == ["Jaar", "Product"] and "Bron" not in k,
    "kinderen_kwartaal": lambda k: k[:2] == ["Periode", "Kinderen"],
    "kinderen_jaar": lambda k: k[:2] == ["Jaar", "Kinderen"],
    "gemeente": lambda k: k[0] == "Periode" and k[1].endswith("gemeente"),
    "gepubliceerd_product": lambda k: k[:2] == ["Jaar", "Product"] and "Bron" in k,
    "gepubliceerd_gemeente": lambda k: k[:2] == ["Jaar", "Gemeente"],
}


# --- helpers --------------------------------------------------------------------------------


def kern(warehouse: Path, where: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT periode, gemeentecode, gemeente, perspectief, dimensie, waarde, bron "
            f"FROM kerncijfers WHERE voorziening = 'VO' AND {where}", params or [],
        ).df()


def regio(warehouse: Path, indicator: str, dimensie: str | None = None,
          periode_type: str = "kwartaal") -> dict[str, float]:
    rows = kern(warehouse, "indicator = ? AND gemeentecode = 'TOTAAL' AND bron = 'trajecten' "
                "AND periode_type = ? AND dimensie IS NOT DISTINCT FROM ?",
                [indicator, periode_type, dimensie])
    return dict(zip(rows["periode"], rows["waarde"], strict=True))


def tabel(at: AppTest, naam: str) -> pd.DataFrame:
    matches = [d.value for d in at.dataframe if TABELLEN[naam](list(d.value.columns))]
    assert len(matches) == 1, f"no single table {naam}"
    return matches[0]


def categorieen(frame: pd.DataFrame, periode: str, eenheid: str) -> set[tuple]:
    """kerncijfers rows with a dimension as (periode, value label, waarde)."""
    waarde = frame["dimensie"].str.split("=").str[1].map(lambda c: view.MET_KINDEREN.get(c, c))
    return rijen(pd.DataFrame({periode: frame["periode"], "c": waarde,
                               eenheid: frame["waarde"]}), periode, "c", eenheid)


def metric(at: AppTest, label: str):
    matches = [m for m in at.metric if m.label == label]
    assert len(matches) == 1, label
    return matches[0]


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = dashboard(shipped_warehouse, monkeypatch)
    at.run()
    return at


def open_page(at: AppTest, **query: str) -> AppTest:
    return open_page_met(at, PAGE, **query)


# --- the page -------------------------------------------------------------------------------


def test_default_view_shows_kerncijfers(app, shipped_warehouse):
    at = open_page(app)
    assert at.selectbox(key="voorziening_van_pagina").disabled
    laatste = at.select_slider(key="periode").value[1]
    vorig, jaar_eerder = kwartaal_verschuiven(laatste, -1), kwartaal_verschuiven(laatste, -4)

    clienten = regio(shipped_warehouse, "clienten")
    tegel = metric(at, f"Cliënten regio {laatste}")
    assert tegel.value == fmt.getal(clienten[laatste])
    assert tegel.delta == f"{fmt.verschil(clienten[laatste] - clienten[vorig])} t.o.v. {vorig}"
    instroom = regio(shipped_warehouse, "instroom")
    assert metric(at, f"Instroom regio {laatste}").value == fmt.getal(instroom[laatste])
    buiten = kern(shipped_warehouse, "indicator = 'clienten' AND gemeentecode = 'BUITEN' AND "
                  "perspectief = 'herkomst' AND dimensie IS NULL AND periode_type = 'kwartaal'"
                  ).set_index("periode")["waarde"]
    aandeel = round(buiten[laatste] / clienten[laatste] * 100, 1)
    tegel = metric(at, f"Van buiten de regio {laatste}")
    assert tegel.value == fmt.procent(aandeel)
    eerder = round(buiten[jaar_eerder] / clienten[jaar_eerder] * 100, 1)
    assert any(c.value == f"{fmt.verschil(aandeel - eerder, 1, '%-punt')} t.o.v. {jaar_eerder}"
               for c in at.caption)
    ja = regio(shipped_warehouse, "clienten", "met_kinderen=ja")
    nee = regio(shipped_warehouse, "clienten", "met_kinderen=nee")
    assert metric(at, f"Met kinderen {laatste}").value == fmt.procent(
        round(ja[laatste] / (ja[laatste] + nee[laatste]) * 100, 1))

    for periode_type, kolom in (("kwartaal", "Periode"), ("jaar", "Jaar")):
        producten = kern(shipped_warehouse, "indicator = 'clienten' AND gemeentecode = 'TOTAAL' "
                         "AND bron = 'trajecten' AND periode_type = ? AND dimensie LIKE "
                         "'product=%'", [periode_type])
        assert rijen(tabel(at, f"product_{periode_type}"), kolom, "Product", "Cliënten") == (
            categorieen(producten, kolom, "Cliënten"))
        kinderen = kern(shipped_warehouse, "indicator = 'clienten' AND gemeentecode = 'TOTAAL' "
                        "AND periode_type = ? AND dimensie LIKE 'met_kinderen=%'",
                        [periode_type])
        assert rijen(tabel(at, f"kinderen_{periode_type}"), kolom, "Kinderen", "Cliënten") == (
            categorieen(kinderen, kolom, "Cliënten"))

    herkomst = kern(shipped_warehouse, "indicator = 'clienten' AND perspectief = 'herkomst' AND "
                    "periode_type = 'kwartaal' AND dimensie IS NULL")
    assert "BUITEN" in set(herkomst["gemeentecode"])
    assert rijen(tabel(at, "gemeente"), "Periode", "Herkomstgemeente", "Cliënten") == rijen(
        herkomst.rename(columns={"periode": "Periode", "gemeente": "Herkomstgemeente",
                                 "waarde": "Cliënten"}), "Periode", "Herkomstgemeente",
        "Cliënten")

    # the published table, apart and labelled
    assert any(h.value == "Gepubliceerd 2018" for h in at.subheader)
    gepubliceerd = tabel(at, "gepubliceerd_product")
    for indicator, kop in view.PUBLICATIE_KOPPEN.items():
        rows = kern(shipped_warehouse, "indicator = ? AND bron = ? AND gemeentecode = 'TOTAAL'",
                    [indicator, BRON])
        assert rijen(gepubliceerd, "Jaar", "Product", kop) == categorieen(rows, "Jaar", kop)
    per_gemeente = tabel(at, "gepubliceerd_gemeente")
    rows = kern(shipped_warehouse, "indicator = 'clienten' AND bron = ?", [BRON])
    assert set(per_gemeente["Gemeente"]) == set(rows["gemeente"])
    for product in ("Noodbed", "Crisisopvang", "Begeleid wonen"):
        deel = rows[rows["dimensie"] == f"product={product}"]
        assert dict(zip(per_gemeente["Gemeente"], per_gemeente[product], strict=True)) == dict(
            zip(deel["gemeente"], deel["waarde"], strict=True))


def test_product_period_municipalities_and_per_10000(app, shipped_warehouse):
    at = open_page(app)
    at.select_slider(key="periode").set_value(("2022-K1", "2023-K4")).run()
    at.selectbox(key="product_vo").set_value("Crisisopvang").run()
    gekozen = list(at.multiselect(key="gemeente").value)[:3]
    at.multiselect(key="gemeente").set_value(gekozen).run()
    at.radio(key="maat").set_value("per10000").run()
    assert not at.exception
    eenheid = "Cliënten per 10.000 inwoners"

    per_10000 = regio(shipped_warehouse, "clienten_per_10000", "product=Crisisopvang")
    product = tabel(at, "product_kwartaal")
    assert rijen(product, "Periode", "Product", eenheid) == {
        (p, "Crisisopvang", w) for p, w in per_10000.items() if "2022-K1" <= p <= "2023-K4"}
    jaren = regio(shipped_warehouse, "clienten_per_10000", "product=Crisisopvang", "jaar")
    assert rijen(tabel(at, "product_jaar"), "Jaar", "Product", eenheid) == {
        (p, "Crisisopvang", w) for p, w in jaren.items() if p in ("2022", "2023")}
    # with/without children is not registered per product: all products, with a caption
    ja = regio(shipped_warehouse, "clienten_per_10000", "met_kinderen=ja")
    kinderen = tabel(at, "kinderen_kwartaal")
    assert dict(zip(kinderen.loc[kinderen["Kinderen"] == "Met kinderen", "Periode"],
                    kinderen.loc[kinderen["Kinderen"] == "Met kinderen", eenheid],
                    strict=True)) == {p: w for p, w in ja.items() if "2022-K1" <= p <= "2023-K4"}
    assert any("niet per product geregistreerd" in c.value for c in at.caption)

    herkomst = kern(shipped_warehouse, "indicator = 'clienten_per_10000' AND perspectief = "
                    "'herkomst' AND periode_type = 'kwartaal' AND periode BETWEEN '2022-K1' "
                    "AND '2023-K4' AND dimensie = 'product=Crisisopvang' AND "
                    "list_contains(?, gemeentecode)", [gekozen])
    assert len(herkomst) == 8 * 3
    assert rijen(tabel(at, "gemeente"), "Periode", "Herkomstgemeente", eenheid) == rijen(
        herkomst.rename(columns={"periode": "Periode", "gemeente": "Herkomstgemeente",
                                 "waarde": eenheid}), "Periode", "Herkomstgemeente", eenheid)
    assert any("geen inwonertal" in c.value for c in at.caption)

    # tiles: the last quarter of the selection, the product only
    clienten = regio(shipped_warehouse, "clienten", "product=Crisisopvang")
    assert metric(at, "Cliënten regio 2023-K4").value == fmt.getal(clienten["2023-K4"])

    gepubliceerd = tabel(at, "gepubliceerd_product")
    assert list(gepubliceerd["Product"]) == ["Crisisopvang"]
    # per 10,000 of a published count is the monitor's, "afgeleid uit" the document
    rows = kern(shipped_warehouse, "indicator = 'clienten_per_10000' AND bron = ? AND "
                "gemeentecode = 'TOTAAL' AND dimensie = 'product=Crisisopvang'",
                [f"afgeleid uit {BRON}"])
    assert gepubliceerd["Cliënten"].tolist() == rows["waarde"].tolist()
    per_gemeente = tabel(at, "gepubliceerd_gemeente")
    assert list(per_gemeente.columns) == ["Jaar", "Gemeente", "Crisisopvang", "Bron"]


def test_verblijf_perspective(app, shipped_warehouse):
    at = open_page(app)
    at.radio(key="perspectief").set_value("verblijf").run()
    assert not at.exception
    verblijf = kern(shipped_warehouse, "indicator = 'clienten' AND perspectief = 'verblijf' AND "
                    "periode_type = 'kwartaal' AND dimensie IS NULL")
    shown = tabel(at, "gemeente")
    assert "Verblijfsgemeente" in shown.columns
    assert rijen(shown, "Periode", "Verblijfsgemeente", "Cliënten") == rijen(
        verblijf.rename(columns={"periode": "Periode", "gemeente": "Verblijfsgemeente",
                                 "waarde": "Cliënten"}), "Periode", "Verblijfsgemeente",
        "Cliënten")
    assert "Buiten de regio" not in set(shown["Verblijfsgemeente"])


def test_url_round_trip(app, shipped_warehouse):
    at = open_page(app, perspectief="verblijf",
                   maat="per10000", product_vo="Noodbed")
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.selectbox(key="product_vo").value == "Noodbed"
    verblijf = kern(shipped_warehouse, "indicator = 'clienten_per_10000' AND perspectief = "
                    "'verblijf' AND periode_type = 'kwartaal' AND dimensie = 'product=Noodbed'")
    eenheid = "Cliënten per 10.000 inwoners"
    assert rijen(tabel(at, "gemeente"), "Periode", "Verblijfsgemeente", eenheid) == rijen(
        verblijf.rename(columns={"periode": "Periode", "gemeente": "Verblijfsgemeente",
                                 "waarde": eenheid}), "Periode", "Verblijfsgemeente", eenheid)


def test_empty_selection_gives_calm_message(app):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    # what is missing, and what to do about it
    assert any("Geen gegevens voor deze selectie" in i.value and "Kies in de zijbalk bij "
               "**Gemeenten**" in i.value for i in at.info)
    assert not at.dataframe


def test_the_voorziening_box_shows_this_pages_voorziening(app):
    at = open_page(app)
    assert not at.exception
    box = at.selectbox(key="voorziening_van_pagina")
    assert box.disabled and box.options == ["Vrouwenopvang"] and box.value == "VO"


# --- view functions -------------------------------------------------------------------------


def _rows(records: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["periode", "gemeentecode", "gemeente", "dimensie",
                                          "waarde"])


def test_aandeel_buiten_and_kinderen():
    herkomst = _rows([("2024-K1", "TOTAAL", "R", None, 80.0),
                      ("2024-K1", "BUITEN", "B", None, 20.0),
                      ("2024-K2", "TOTAAL", "R", None, 0.0),
                      ("2024-K3", "TOTAAL", "R", None, 40.0)])  # nobody from outside
    result = view.aandeel_buiten(herkomst)
    assert result["periode"].tolist() == ["2024-K1", "2024-K2", "2024-K3"]
    assert result["waarde"].iloc[0] == 25.0
    assert pd.isna(result["waarde"].iloc[1])  # no clients: no share
    assert result["waarde"].iloc[2] == 0.0
    kinderen = _rows([("2024-K1", "TOTAAL", "R", "met_kinderen=ja", 2.0),
                      ("2024-K1", "TOTAAL", "R", "met_kinderen=nee", 1.0),
                      ("2024-K1", "GM0001", "E", "met_kinderen=ja", 9.0)])
    assert view.aandeel_kinderen(kinderen)["waarde"].tolist() == [66.7]


def test_kinderen_and_per_gemeente_labels_and_order():
    kinderen = view.kinderen(_rows([("2024-K1", "TOTAAL", "R", "met_kinderen=nee", 1.0),
                                    ("2024-K1", "TOTAAL", "R", "met_kinderen=ja", 2.0)]))
    assert kinderen["categorie"].tolist() == ["Met kinderen", "Zonder kinderen"]
    gemeenten = view.per_gemeente(_rows([("2024-K1", "BUITEN", "Buiten", None, 3.0),
                                         ("2024-K1", "TOTAAL", "Regio", None, 9.0),
                                         ("2024-K1", "GM0002", "Twee", None, 2.0),
                                         ("2024-K1", "GM0001", "Een", None, 4.0)]),
                                  ["GM0001", "GM0002"])
    assert gemeenten["gemeente"].tolist() == ["Een", "Twee", "Buiten"]
    assert view.tabel_categorie(kinderen, "Kinderen", "Cliënten", "jaar").columns.tolist() == [
        "Jaar", "Kinderen", "Cliënten"]


def _gepubliceerd() -> pd.DataFrame:
    return pd.DataFrame({
        "periode": ["2018"] * 7,
        "gemeentecode": ["TOTAAL", "TOTAAL", "TOTAAL", "TOTAAL", "BUITEN", "GM0001", "TOTAAL"],
        "gemeente": ["Regio", "Regio", "Regio", "Regio", "Buiten", "Een", "Regio"],
        "indicator": ["clienten", "clienten_met_kinderen", "clienten_alleenstaand", "clienten",
                      "clienten", "clienten", "clienten_per_10000"],
        "dimensie": ["product=Noodbed", "product=Noodbed", "product=Noodbed",
                     "product=Crisisopvang", "product=Noodbed", "product=Noodbed",
                     "product=Noodbed"],
        "waarde": [69.0, 36.0, 33.0, 71.0, 26.0, 29.0, 1.68],
        "bron": ["Kader"] * 7,
        "demo": [False] * 7,
    })


def test_gepubliceerd_tables():
    frame = _gepubliceerd()
    producten = view.gepubliceerd_per_product(frame, ["Noodbed", "Crisisopvang"], False)
    assert producten.to_dict("records")[0] == {
        "Jaar": "2018", "Product": "Noodbed", "Cliënten": 69.0, "Met kinderen": 36.0,
        "Alleenstaand": 33.0, "Bron": "Kader"}
    assert producten["Product"].tolist() == ["Noodbed", "Crisisopvang"]
    assert pd.isna(producten.loc[1, "Met kinderen"])  # not published: left empty
    per_10000 = view.gepubliceerd_per_product(frame, ["Noodbed"], True, "Noodbed")
    assert per_10000["Cliënten"].tolist() == [1.68]
    gemeenten = view.gepubliceerd_per_gemeente(frame, ["GM0001"], ["Noodbed", "Crisisopvang"],
                                               False)
    assert gemeenten["Gemeente"].tolist() == ["Regio", "Een", "Buiten"]
    assert gemeenten["Noodbed"].tolist() == [69.0, 29.0, 26.0]
    assert view.publicatie(frame) == view.Publicatie("Gepubliceerd 2018", "Kader")
