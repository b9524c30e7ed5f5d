"""The Wachtlijsten page (AppTest on the shipped warehouse) and its view functions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest
from paginahulp import dashboard, open_page_met, rijen
from streamlit.testing.v1 import AppTest

from monitor import fmt
from monitor.data import kwartaal_verschuiven
from monitor.views import wachtlijsten as view

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/wachtlijsten.py"


# --- helpers --------------------------------------------------------------------------------


def kern(warehouse: Path, where: str, params: list) -> pd.DataFrame:
    """kerncijfers rows (quarters) for a condition, straight from the warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT periode, gemeentecode, gemeente, dimensie, waarde FROM kerncijfers "
            f"WHERE periode_type = 'kwartaal' AND {where}", params,
        ).df()


def regio_waarden(warehouse: Path, voorziening: str, indicator: str,
                  dimensie: str | None = None) -> dict[str, float]:
    rows = kern(warehouse, "voorziening = ? AND indicator = ? AND gemeentecode = 'TOTAAL' "
                "AND dimensie IS NOT DISTINCT FROM ?", [voorziening, indicator, dimensie])
    return dict(zip(rows["periode"], rows["waarde"], strict=True))


def alle_kwartalen(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [r[0] for r in con.execute(
            "SELECT DISTINCT periode FROM kerncijfers WHERE bron = 'trajecten' "
            "AND periode_type = 'kwartaal' ORDER BY 1").fetchall()]


# each table on the page has a column no other table has
TABELLEN = {"product": "Product", "cluster": "Cluster", "herkomst": "Gemeente",
            "wachttijd": "Maat", "vrij": "Vrije plekken"}


def tabel(at: AppTest, naam: str) -> pd.DataFrame:
    matches = [d.value for d in at.dataframe if TABELLEN[naam] in d.value.columns]
    assert len(matches) == 1, f"no single table {naam}"
    return matches[0]


def heeft_tabel(at: AppTest, naam: str) -> bool:
    return any(TABELLEN[naam] in d.value.columns for d in at.dataframe)


def metric(at: AppTest, begin: str):
    matches = [m for m in at.metric if m.label.startswith(begin)]
    assert len(matches) == 1, begin
    return matches[0]


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = dashboard(shipped_warehouse, monkeypatch)
    at.run()
    return at


def open_page(at: AppTest, **query: str) -> AppTest:
    return open_page_met(at, PAGE, **query)


# --- the page -------------------------------------------------------------------------------


def test_default_view_shows_kerncijfers_of_the_region(app, shipped_warehouse):
    at = open_page(app)
    kwartalen = alle_kwartalen(shipped_warehouse)
    laatste = kwartalen[-1]

    products = kern(shipped_warehouse, "voorziening = 'BW' AND indicator = 'wachtlijst' AND "
                    "gemeentecode = 'TOTAAL' AND dimensie LIKE 'product=%'", [])
    products["Product"] = products["dimensie"].str.removeprefix("product=")
    assert rijen(tabel(at, "product"), "Periode", "Product", "Wachtlijst") == rijen(
        products.rename(columns={"periode": "Periode", "waarde": "Wachtlijst"}),
        "Periode", "Product", "Wachtlijst")

    clusters = kern(shipped_warehouse, "voorziening = 'BW' AND indicator = 'wachtlijst' AND "
                    "gemeentecode = 'TOTAAL' AND dimensie LIKE 'cluster=%'", [])
    assert len(tabel(at, "cluster")) == len(clusters) > 0
    assert tabel(at, "cluster")["Wachtlijst"].sum() == clusters["waarde"].sum()

    herkomst = kern(shipped_warehouse, "voorziening = 'BW' AND indicator = 'wachtlijst' AND "
                    "dimensie IS NULL AND (gemeentecode = 'TOTAAL' OR (perspectief = 'herkomst'"
                    " AND gemeentecode LIKE 'GM%'))", [])
    assert rijen(tabel(at, "herkomst"), "Periode", "Gemeente", "Wachtlijst") == rijen(
        herkomst.rename(columns={"periode": "Periode", "gemeente": "Gemeente",
                                 "waarde": "Wachtlijst"}), "Periode", "Gemeente", "Wachtlijst")

    mediaan = regio_waarden(shipped_warehouse, "BW", "wachttijd_mediaan_dagen")
    p90 = regio_waarden(shipped_warehouse, "BW", "wachttijd_p90_dagen")
    wachttijd = tabel(at, "wachttijd")
    assert rijen(wachttijd, "Periode", "Maat", "Dagen") == (
        {(p, "Mediaan", round(w, 2)) for p, w in mediaan.items()}
        | {(p, "90e percentiel", round(w, 2)) for p, w in p90.items()})

    wachtlijst = regio_waarden(shipped_warehouse, "BW", "wachtlijst")
    capaciteit = regio_waarden(shipped_warehouse, "BW", "capaciteit")
    bezetting = regio_waarden(shipped_warehouse, "BW", "bezetting")
    vrij = tabel(at, "vrij")
    assert list(vrij["Periode"]) == kwartalen
    for periode, wacht, plekken in vrij.itertuples(index=False):
        assert wacht == wachtlijst[periode]
        assert plekken == capaciteit[periode] - bezetting[periode]

    vorig = kwartaal_verschuiven(laatste, -1)
    tegel = metric(at, "Wachtlijst regio")
    assert tegel.label == f"Wachtlijst regio {laatste}"
    assert tegel.value == fmt.getal(wachtlijst[laatste])
    assert tegel.delta == f"{fmt.verschil(wachtlijst[laatste] - wachtlijst[vorig])} t.o.v. {vorig}"
    jaar = kwartaal_verschuiven(laatste, -4)
    assert any(c.value == f"{fmt.verschil(wachtlijst[laatste] - wachtlijst[jaar])} t.o.v. {jaar}"
               for c in at.caption)
    assert metric(at, "Wachttijd mediaan").value == fmt.getal(mediaan[laatste], 1)
    vrij_nu = capaciteit[laatste] - bezetting[laatste]
    assert metric(at, "Vrije plekken").value == fmt.getal(vrij_nu)


def test_filters_period_product_municipalities_and_per_10000(app, shipped_warehouse):
    at = open_page(app)
    at.select_slider(key="periode").set_value(("2024-K1", "2025-K2")).run()
    at.selectbox(key="voorziening").set_value("MO").run()
    at.selectbox(key="product_mo").set_value("Crisisopvang").run()
    gekozen = list(at.multiselect(key="gemeente").value)[:2]
    at.multiselect(key="gemeente").set_value(gekozen).run()
    at.radio(key="maat").set_value("per10000").run()
    assert not at.exception

    herkomst = tabel(at, "herkomst")
    assert list(herkomst.columns) == ["Periode", "Gemeente", "Wachtlijst per 10.000 inwoners"]
    expected = kern(
        shipped_warehouse,
        "voorziening = 'MO' AND indicator = 'wachtlijst_per_10000' AND dimensie = "
        "'product=Crisisopvang' AND periode BETWEEN '2024-K1' AND '2025-K2' AND "
        "(gemeentecode = 'TOTAAL' OR (perspectief = 'herkomst' AND list_contains(?, "
        "gemeentecode)))", [gekozen],
    )
    assert len(expected) == 6 * 3
    assert rijen(herkomst, "Periode", "Gemeente", "Wachtlijst per 10.000 inwoners") == rijen(
        expected.rename(columns={"periode": "Periode", "gemeente": "Gemeente",
                                 "waarde": "Wachtlijst per 10.000 inwoners"}),
        "Periode", "Gemeente", "Wachtlijst per 10.000 inwoners")

    product = tabel(at, "product")
    assert set(product["Product"]) == {"Crisisopvang"}
    per_10000 = regio_waarden(shipped_warehouse, "MO", "wachtlijst_per_10000",
                              "product=Crisisopvang")
    assert {(p, w) for p, w in zip(product["Periode"], product["Wachtlijst per 10.000 inwoners"],
                                   strict=True)} == {
        (p, w) for p, w in per_10000.items() if "2024-K1" <= p <= "2025-K2"}
    # MO registers no cluster
    assert not heeft_tabel(at, "cluster")
    assert any("geen cluster" in i.value for i in at.info)

    # tiles: the last quarter of the selection, absolute
    wachtlijst = regio_waarden(shipped_warehouse, "MO", "wachtlijst", "product=Crisisopvang")
    tegel = metric(at, "Wachtlijst regio")
    assert tegel.label == "Wachtlijst regio 2025-K2"
    assert tegel.value == fmt.getal(wachtlijst["2025-K2"])
    assert any("wachttijd" in c.value and "niet van toepassing" in c.value for c in at.caption)

    # MO capacity is not registered per product: free places of the whole voorziening
    capaciteit = regio_waarden(shipped_warehouse, "MO", "capaciteit")
    bezetting = regio_waarden(shipped_warehouse, "MO", "bezetting")
    vrij = tabel(at, "vrij")
    assert list(vrij["Vrije plekken"]) == [capaciteit[p] - bezetting[p] for p in vrij["Periode"]]
    assert any("niet per product geregistreerd" in c.value for c in at.caption)


def test_verblijf_perspective_explains_and_shows_herkomst(app, shipped_warehouse):
    at = open_page(app)
    before = tabel(at, "herkomst")
    at.radio(key="perspectief").set_value("verblijf").run()
    assert not at.exception
    assert any("geen verblijfsgemeente" in i.value for i in at.info)
    pd.testing.assert_frame_equal(tabel(at, "herkomst"), before)


def test_url_round_trip(app, shipped_warehouse):
    # the URL carries what the widgets show (their labels)
    at = open_page(app, perspectief="verblijf",
                   maat="per10000", voorziening="VO",
                   product_vo="Noodbed")
    assert at.selectbox(key="voorziening").value == "VO"
    assert at.selectbox(key="product_vo").value == "Noodbed"
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.query_params["voorziening"] == "VO"
    herkomst = tabel(at, "herkomst")
    expected = kern(shipped_warehouse,
                    "voorziening = 'VO' AND indicator = 'wachtlijst_per_10000' AND dimensie = "
                    "'product=Noodbed' AND (gemeentecode = 'TOTAAL' OR (perspectief = 'herkomst'"
                    " AND gemeentecode LIKE 'GM%'))", [])
    assert rijen(herkomst, "Periode", "Gemeente", "Wachtlijst per 10.000 inwoners") == rijen(
        expected.rename(columns={"periode": "Periode", "gemeente": "Gemeente",
                                 "waarde": "Wachtlijst per 10.000 inwoners"}),
        "Periode", "Gemeente", "Wachtlijst per 10.000 inwoners")


def test_empty_selection_gives_calm_message(app):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)
    assert not at.dataframe


# --- view functions -------------------------------------------------------------------------


def _rows(records: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["periode", "gemeentecode", "gemeente", "dimensie",
                                          "waarde"])


def test_per_categorie_orders_known_categories_first():
    frame = _rows([
        ("2024-K1", "TOTAAL", "Regio totaal", "product=Zeldzaam", 1.0),
        ("2024-K1", "TOTAAL", "Regio totaal", "product=B", 2.0),
        ("2024-K1", "TOTAAL", "Regio totaal", "product=A", 3.0),
        ("2024-K1", "GM0001", "Een", "product=A", 9.0),  # not the region: left out
    ])
    result = view.per_categorie(frame, ["A", "B"])
    assert result.to_dict("records") == [
        {"periode": "2024-K1", "categorie": "A", "waarde": 3.0},
        {"periode": "2024-K1", "categorie": "B", "waarde": 2.0},
        {"periode": "2024-K1", "categorie": "Zeldzaam", "waarde": 1.0},
    ]
    assert view.per_categorie(frame.iloc[0:0]).empty


def test_vrije_plekken_is_capacity_minus_occupancy_and_never_guessed():
    wachtlijst = _rows([("2024-K1", "TOTAAL", "R", None, 5.0),
                        ("2024-K2", "TOTAAL", "R", None, 7.0)])
    capaciteit = _rows([("2024-K2", "TOTAAL", "R", None, 20.0)])
    bezetting = _rows([("2024-K1", "TOTAAL", "R", None, 18.0),
                       ("2024-K2", "TOTAAL", "R", None, 22.0)])
    result = view.vrije_plekken(wachtlijst, capaciteit, bezetting)
    assert list(result["periode"]) == ["2024-K1", "2024-K2"]
    assert list(result["wachtlijst"]) == [5.0, 7.0]
    assert pd.isna(result["vrij"].iloc[0])  # no capacity figure: no free places
    assert result["vrij"].iloc[1] == -2.0  # more clients than places
    assert view.vrij_ontbreekt(result)
    assert not view.vrij_ontbreekt(result.iloc[1:])
    assert list(view.in_periode(result, "2024-K2", "2024-K4")["periode"]) == ["2024-K2"]


def test_wachttijd_puts_median_before_p90():
    mediaan = _rows([("2024-K2", "TOTAAL", "R", None, 30.0),
                     ("2024-K1", "TOTAAL", "R", None, 40.5)])
    p90 = _rows([("2024-K1", "TOTAAL", "R", None, 120.0)])
    result = view.tabel_wachttijd(view.wachttijd(mediaan, p90))
    assert result.values.tolist() == [["2024-K1", "Mediaan", 40.5], ["2024-K2", "Mediaan", 30.0],
                                      ["2024-K1", "90e percentiel", 120.0]]


def test_tegel_compares_with_previous_quarter_and_a_year_earlier():
    frame = pd.DataFrame({"periode": ["2023-K3", "2024-K1", "2024-K2", "2024-K3"],
                          "waarde": [1500.0, 1200.0, 1250.0, 1944.0]})
    tegel = view.tegel(frame, "wachtlijst", "2024-K3", "2024-K2", "Wachtlijst")
    assert tegel.waarde == "1.944"
    assert tegel.delta == "+694 t.o.v. 2024-K2"
    assert tegel.toelichting == "+444 t.o.v. 2023-K3"
    assert tegel.reeks == (1250.0, 1944.0)  # the selected period only
    assert tegel.delta_kleur("inverse") == "inverse"
    gelijk = view.tegel(frame.assign(waarde=5.0), "wachtlijst", "2024-K3", "2024-K1", "W")
    assert (gelijk.delta, gelijk.delta_kleur("inverse")) == ("0 t.o.v. 2024-K2", "off")
    procent = view.tegel(frame.assign(waarde=[10.0, 0.0, 12.5, 10.3]), "x", "2024-K3",
                         "2024-K1", "Aandeel", decimalen=1, procent=True)
    assert procent.waarde == "10,3%"
    assert procent.delta == "-2,2%-punt t.o.v. 2024-K2"
    assert procent.toelichting == "+0,3%-punt t.o.v. 2023-K3"
    leeg = view.tegel(frame, "wachtlijst", "2022-K1", "2022-K1", "Wachtlijst")
    assert (leeg.waarde, leeg.delta, leeg.toelichting) == ("–", None, "2021-K1: geen cijfer")


def test_kwartaal_as_labels_each_year_once_over_long_periods():
    lang = [f"{j}-K{k}" for j in range(2019, 2023) for k in range(1, 5)]
    fig = view.kwartaal_as(go.Figure(), reversed(lang))
    assert list(fig.layout.xaxis.categoryarray) == lang
    assert list(fig.layout.xaxis.tickvals) == ["2019-K1", "2020-K1", "2021-K1", "2022-K1"]
    assert list(fig.layout.xaxis.ticktext) == ["2019", "2020", "2021", "2022"]
    assert fig.layout.xaxis.tickangle == 0  # never turned, never overlapping
    kort = view.kwartaal_as(go.Figure(), lang[:8])
    # every quarter its own label, the year under the first quarter of each year
    assert list(kort.layout.xaxis.ticktext) == ["K1<br>2019", "K2", "K3", "K4",
                                                 "K1<br>2020", "K2", "K3", "K4"]
