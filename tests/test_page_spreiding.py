"""The Spreiding page, headless: the figures shown equal `kerncijfers` for the selection."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor import fmt
from monitor.data import kwartaal_verschuiven

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/spreiding.py"
NIET_GEMEENTE = ("BUITEN", "ONBEKEND", "TOTAAL")


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(shipped_warehouse))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path):
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        yield con


def open_page(at: AppTest, **query: str) -> AppTest:
    at.run()
    # a copied link opens the page itself with its query string
    at.query_params.update(query)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def region(wh) -> list[str]:
    return [r[0] for r in wh.execute(
        "SELECT gemeentecode FROM ref_gemeenten ORDER BY volgorde").fetchall()]


def quarters(wh) -> list[str]:
    return [r[0] for r in wh.execute(
        "SELECT DISTINCT periode FROM kerncijfers WHERE bron = 'trajecten' "
        "AND periode_type = 'kwartaal' ORDER BY periode").fetchall()]


def kern(wh, voorziening: str, indicator: str, periode: str, perspectief: str,
         dimensie: str | None = None) -> dict[str, float]:
    """Municipality code -> waarde straight from kerncijfers."""
    rows = wh.execute(
        "SELECT gemeentecode, waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? "
        "AND periode = ? AND perspectief = ? AND dimensie IS NOT DISTINCT FROM ?",
        [voorziening, indicator, periode, perspectief, dimensie],
    ).fetchall()
    return {code: waarde for code, waarde in rows if code not in NIET_GEMEENTE}


def index(wh, voorziening: str, periode: str, dimensie: str | None = None) -> float | None:
    """The dissimilarity index computed in SQL, independently of the view."""
    return wh.execute(
        """
        WITH bezetting AS (
            SELECT perspectief, gemeentecode, waarde FROM kerncijfers
            WHERE voorziening = $v AND indicator = 'bezetting' AND periode = $p
              AND dimensie IS NOT DISTINCT FROM $d
              AND gemeentecode IN (SELECT gemeentecode FROM ref_gemeenten)
        ),
        aandelen AS (
            SELECT perspectief, gemeentecode,
                   waarde / sum(waarde) OVER (PARTITION BY perspectief) AS aandeel
            FROM bezetting
        )
        SELECT 0.5 * sum(abs(coalesce(v.aandeel, 0) - coalesce(h.aandeel, 0)))
        FROM (SELECT * FROM aandelen WHERE perspectief = 'verblijf') AS v
        FULL JOIN (SELECT * FROM aandelen WHERE perspectief = 'herkomst') AS h
            USING (gemeentecode)
        """,
        {"v": voorziening, "p": periode, "d": dimensie},
    ).fetchall()[0][0]


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The table on the page with this (distinctive) column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def per_gemeente(frame: pd.DataFrame, column: str = "Waarde") -> dict[str, float]:
    names = dict(zip(frame["Gemeente"], frame[column], strict=True))
    return {k: v for k, v in names.items() if not pd.isna(v)}


def names(wh) -> dict[str, str]:
    return dict(wh.execute("SELECT gemeentecode, gemeente FROM ref_gemeentenamen").fetchall())


def by_name(wh, values: dict[str, float]) -> dict[str, float]:
    naam = names(wh)
    return {naam[code]: value for code, value in values.items()}


def check_page(at: AppTest, wh, *, voorziening: str, kwartaal: str, kaart: str,
               per_10000: bool, gemeenten: list[str], product: str | None) -> None:
    """Every figure on the page against kerncijfers for this selection."""
    suffix = "_per_10000" if per_10000 else ""
    dimensie = f"product={product}" if product else None
    gekozen = set(gemeenten)

    # the map: the whole region, verblijf, the chosen measure
    kaart_tabel = table(at, "Gemeentecode")
    assert set(kaart_tabel["Periode"]) == {kwartaal}
    expected = kern(wh, voorziening, kaart + suffix, kwartaal, "verblijf", dimensie)
    assert dict(zip(kaart_tabel["Gemeentecode"], kaart_tabel["Waarde"], strict=True)) \
        == pytest.approx(expected)

    # herkomst next to verblijf: the chosen municipalities
    hv = table(at, "Perspectief")
    for perspectief, label in (("herkomst", "Herkomst"), ("verblijf", "Verblijf")):
        deel = hv[hv["Perspectief"] == label]
        expected = kern(wh, voorziening, "bezetting" + suffix, kwartaal, perspectief, dimensie)
        assert per_gemeente(deel) == pytest.approx(
            by_name(wh, {c: v for c, v in expected.items() if c in gekozen}))

    # flows: the whole region, all products, absolute
    stromen = table(at, "Herkomstcode")
    rows = wh.execute(
        "SELECT split_part(dimensie, '=', 2), gemeentecode, waarde FROM kerncijfers "
        "WHERE voorziening = ? AND indicator = 'bezetting' AND periode = ? "
        "AND perspectief = 'verblijf' AND dimensie LIKE 'herkomstgemeente=%' AND waarde > 0",
        [voorziening, kwartaal],
    ).fetchall()
    assert sorted(zip(stromen["Herkomstcode"], stromen["Verblijfscode"], stromen["Bezetting"],
                      strict=True)) == sorted(rows)

    # capacity per municipality: the chosen municipalities
    capaciteit = table(at, "Capaciteit")
    cap = {c: v for c, v in kern(wh, voorziening, "capaciteit" + suffix, kwartaal, "verblijf",
                                 dimensie).items() if c in gekozen}
    assert per_gemeente(capaciteit, "Capaciteit") == pytest.approx(by_name(wh, cap))
    bez = kern(wh, voorziening, "bezetting" + suffix, kwartaal, "verblijf", dimensie)
    assert per_gemeente(capaciteit, "Bezetting") == pytest.approx(
        by_name(wh, {c: bez[c] for c in cap}))
    if product:
        assert "Bezettingsgraad (%)" not in capaciteit
    else:
        graad = kern(wh, voorziening, "bezettingsgraad", kwartaal, "verblijf")
        assert per_gemeente(capaciteit, "Bezettingsgraad (%)") == pytest.approx(
            by_name(wh, {c: v * 100 for c, v in graad.items() if c in gekozen}))

    # places per location add up to the capacity of their municipality (absolute)
    cap_absoluut = {c: v for c, v in kern(wh, voorziening, "capaciteit", kwartaal, "verblijf",
                                          dimensie).items() if c in gekozen and v > 0}
    locaties = table(at, "Aanbieder")
    assert locaties.groupby("Gemeente")["Plekken"].sum().to_dict() == pytest.approx(
        by_name(wh, cap_absoluut))
    if product:
        assert set(locaties["Product"]) == {product}

    # the index: the whole region, absolute, with the product
    metric = at.metric[0]
    nu = index(wh, voorziening, kwartaal, dimensie)
    assert metric.value == fmt.getal(nu, 2)
    vorig = kwartaal_verschuiven(kwartaal, -1)
    voor = index(wh, voorziening, vorig, dimensie)
    if nu is not None and voor is not None and fmt.verschil(nu - voor, 2):
        assert metric.delta == f"{fmt.verschil(nu - voor, 2)} t.o.v. {vorig}"


def test_default_view_matches_kerncijfers(app, wh):
    at = open_page(app)
    laatste = quarters(wh)[-1]
    assert at.selectbox(key="spreiding_kwartaal").value == laatste
    assert at.radio(key="spreiding_kaart").value == "Plekken"
    check_page(at, wh, voorziening="BW", kwartaal=laatste, kaart="capaciteit", per_10000=False,
               gemeenten=region(wh), product=None)
    # the trend covers the whole selected period, each quarter checked against SQL
    trend = table(at, "Dissimilariteitsindex")
    assert trend["Periode"].tolist() == quarters(wh)
    for periode, waarde in zip(trend["Periode"], trend["Dissimilariteitsindex"], strict=True):
        assert waarde == pytest.approx(index(wh, "BW", periode), abs=1e-4)
    captions = " ".join(c.value for c in at.caption)
    assert "perspectieffilter geldt hier niet" in captions
    assert "Altijd de hele regio" in captions
    assert "Bron: CBS" in captions  # boundary attribution from meta


def test_switches_per_10000_map_and_voorziening(app, wh):
    at = open_page(app)
    laatste = quarters(wh)[-1]
    at.selectbox(key="voorziening").set_value("MO").run()
    at.radio(key="maat").set_value("per10000").run()
    at.radio(key="spreiding_kaart").set_value("Cliënten").run()
    assert not at.exception
    check_page(at, wh, voorziening="MO", kwartaal=laatste, kaart="bezetting", per_10000=True,
               gemeenten=region(wh), product=None)
    # the perspective filter does not apply here: the same figures either way
    before = [d.value for d in at.dataframe]
    at.radio(key="perspectief").set_value("verblijf").run()
    assert not at.exception
    after = [d.value for d in at.dataframe]
    assert len(before) == len(after)
    for a, b in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_quarter_municipalities_and_product(app, wh):
    at = open_page(app)
    alle = quarters(wh)
    bereik = alle[-9:-1]  # not the latest quarter: the range really changes
    at.select_slider(key="periode").set_value((bereik[0], bereik[-1])).run()
    # the quarter picker offers the selected range, the last one first
    picker = at.selectbox(key="spreiding_kwartaal")
    assert picker.value == bereik[-1]
    assert list(picker.options) == list(reversed(bereik))
    kwartaal = bereik[3]
    picker.set_value(kwartaal).run()
    gekozen = region(wh)[:3]
    at.multiselect(key="gemeente").set_value(gekozen).run()
    at.selectbox(key="product_bw").set_value("Beschut wonen").run()
    assert not at.exception
    check_page(at, wh, voorziening="BW", kwartaal=kwartaal, kaart="capaciteit", per_10000=False,
               gemeenten=gekozen, product="Beschut wonen")
    # the map and the flows keep the whole region
    assert len(table(at, "Gemeentecode")) == len(kern(
        wh, "BW", "capaciteit", kwartaal, "verblijf", "product=Beschut wonen"))
    assert set(table(at, "Herkomstcode")["Verblijfscode"]) - set(gekozen)
    # the trend follows the selected period
    assert table(at, "Dissimilariteitsindex")["Periode"].tolist() == bereik


def test_url_round_trip(app, wh):
    alle = quarters(wh)
    kwartaal = alle[-6]
    # bound widgets show their labels in the URL
    params = {"perspectief": "verblijf",
              "maat": "per10000", "voorziening": "MO",
              "spreiding_kwartaal": kwartaal, "spreiding_kaart": "Cliënten"}
    at = open_page(app, **params)
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.selectbox(key="voorziening").value == "MO"
    assert at.selectbox(key="spreiding_kwartaal").value == kwartaal
    assert at.radio(key="spreiding_kaart").value == "Cliënten"
    check_page(at, wh, voorziening="MO", kwartaal=kwartaal, kaart="bezetting", per_10000=True,
               gemeenten=region(wh), product=None)


def test_empty_selection_gives_calm_message(app, wh):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)
    # the region-wide parts stay: the index, the map and the flows
    assert at.metric[0].value == fmt.getal(index(wh, "BW", quarters(wh)[-1]), 2)
    assert not [d for d in at.dataframe if "Perspectief" in d.value.columns]
    assert len(table(at, "Herkomstcode")) > 0


def test_product_without_figures_gives_calm_message(app, wh):
    at = open_page(app)
    # BW capacity is not split into this product: map, capacity and locations say so calmly
    at.selectbox(key="product_bw").set_value("BW hoog").run()
    assert not at.exception
    if not kern(wh, "BW", "capaciteit", quarters(wh)[-1], "verblijf", "product=BW hoog"):
        assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)
