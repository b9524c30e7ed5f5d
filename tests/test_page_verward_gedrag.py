"""The Verward gedrag (E33) page (AppTest on the shipped warehouse) and its view functions."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from paginahulp import dashboard, open_page_met, rijen
from streamlit.testing.v1 import AppTest

from monitor import charts, fmt
from monitor.data import kwartaal_verschuiven
from monitor.views import verward_gedrag as view

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/verward_gedrag.py"
# how each table on the page is recognised (by its columns, not its position)
TABELLEN = {
    "jaar": lambda kolommen: "Soort" in kolommen,
    "e33": lambda kolommen: "Periode" in kolommen and kolommen[-1].startswith("Meldingen"),
    "oggz": lambda kolommen: "Periode" in kolommen and kolommen[-1].startswith("Advies"),
    "gepubliceerd": lambda kolommen: "Aandeel in de regio (%)" in kolommen,
}


# --- helpers --------------------------------------------------------------------------------


def kern(warehouse: Path, where: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT periode, gemeentecode, gemeente, indicator, waarde, bron FROM kerncijfers "
            f"WHERE dimensie IS NULL AND {where}", params or [],
        ).df()


def tabel(at: AppTest, naam: str) -> pd.DataFrame:
    matches = [d.value for d in at.dataframe if TABELLEN[naam](list(d.value.columns))]
    assert len(matches) == 1, f"no single table {naam}"
    return matches[0]


def figuur(at: AppTest, key: str) -> dict:
    matches = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}_fig")]
    assert len(matches) == 1, key
    return json.loads(matches[0].proto.spec)


def verwacht(frame: pd.DataFrame, eenheid: str, periode: str = "Periode") -> set[tuple]:
    return rijen(frame.rename(columns={"periode": periode, "gemeente": "Gemeente",
                                       "waarde": eenheid}), periode, "Gemeente", eenheid)


def metric(at: AppTest, label: str):
    matches = [m for m in at.metric if m.label == label]
    assert len(matches) == 1, label
    return matches[0]


def kwartaalreeks_jaren(warehouse: Path, voorziening: str) -> set[str]:
    """Years for which the warehouse holds a quarterly series (so the year is derived)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {r[0] for r in con.execute(
            "SELECT DISTINCT left(periode, 4) FROM kerncijfers WHERE voorziening = ? AND "
            "periode_type = 'kwartaal'", [voorziening]).fetchall()}


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = dashboard(shipped_warehouse, monkeypatch)
    at.run()
    return at


def open_page(at: AppTest, **query: str) -> AppTest:
    return open_page_met(at, PAGE, **query)


REGIO = "(gemeentecode = 'TOTAAL' OR gemeentecode LIKE 'GM%')"


# --- the page -------------------------------------------------------------------------------


def test_default_view_shows_published_and_derived_years_apart(app, shipped_warehouse):
    at = open_page(app)
    laatste = at.select_slider(key="periode").value[1]
    jaren = kern(shipped_warehouse, f"voorziening = 'E33' AND indicator = 'meldingen' AND "
                 f"periode_type = 'jaar' AND periode <= ? AND {REGIO}", [laatste[:4]])
    shown = tabel(at, "jaar")
    assert verwacht(jaren, "Meldingen", "Jaar") == rijen(shown, "Jaar", "Gemeente", "Meldingen")
    afgeleid = kwartaalreeks_jaren(shipped_warehouse, "E33")
    for jaar, soort in zip(shown["Jaar"], shown["Soort"], strict=True):
        assert soort == (view.AFGELEID if jaar in afgeleid else view.GEPUBLICEERD), jaar
    assert {"2016", "2017", "2018"} <= set(shown.loc[shown["Soort"] == view.GEPUBLICEERD, "Jaar"])
    published = shown[shown["Soort"] == view.GEPUBLICEERD]
    assert set(published["Bron"]) == {"Regionaal kader 2020-2026 bijlage 3"}

    # published years are their own dotted traces, and the break is marked before 2020
    fig = figuur(at, "e33_jaar")
    gepubliceerd = [t for t in fig["data"] if "(gepubliceerd)" in (t.get("name") or "")]
    assert gepubliceerd and all(t["line"]["dash"] == "dot" for t in gepubliceerd)
    assert all(max(t["x"]) < "2019" for t in gepubliceerd)
    assert all(min(t["x"]) >= "2019" for t in fig["data"]
               if t.get("x") and t["x"][0] is not None and "(gepubliceerd)" not in t["name"])
    perioden = fig["layout"]["xaxis"]["categoryarray"]
    assert fig["layout"]["shapes"][0]["x0"] == perioden.index("2020") - 0.5
    assert "trendbreuk" in fig["layout"]["annotations"][0]["text"]

    kwartalen = kern(shipped_warehouse, f"voorziening = 'E33' AND indicator = 'meldingen' AND "
                     f"periode_type = 'kwartaal' AND {REGIO}")
    assert verwacht(kwartalen, "Meldingen") == rijen(tabel(at, "e33"), "Periode", "Gemeente",
                                                     "Meldingen")
    fig = figuur(at, "e33_kwartaal")
    perioden = fig["layout"]["xaxis"]["categoryarray"]
    assert fig["layout"]["shapes"][0]["x0"] == perioden.index("2020-K2") - 0.5

    oggz = kern(shipped_warehouse, f"voorziening = 'OGGZ' AND indicator = 'adviesaanvragen' AND "
                f"periode_type = 'kwartaal' AND {REGIO}")
    assert verwacht(oggz, "Adviesaanvragen") == rijen(tabel(at, "oggz"), "Periode", "Gemeente",
                                                      "Adviesaanvragen")
    assert not figuur(at, "oggz_kwartaal")["layout"].get("shapes")

    gepubliceerd = tabel(at, "gepubliceerd")
    pct = kern(shipped_warehouse, "voorziening = 'OGGZ' AND indicator = 'adviesaanvragen_pct' "
               "AND periode_type = 'jaar' AND gemeentecode LIKE 'GM%'")
    assert rijen(gepubliceerd, "Jaar", "Gemeente", "Aandeel in de regio (%)") == rijen(
        pct.rename(columns={"periode": "Jaar", "gemeente": "Gemeente",
                            "waarde": "Aandeel in de regio (%)"}),
        "Jaar", "Gemeente", "Aandeel in de regio (%)")
    per_10000 = kern(shipped_warehouse, "voorziening = 'OGGZ' AND indicator = "
                     "'adviesaanvragen_per_10000' AND periode_type = 'jaar' AND bron = ?",
                     ["Regionaal kader 2020-2026 bijlage 3"])
    assert rijen(gepubliceerd, "Jaar", "Gemeente", "Per 10.000 inwoners") == rijen(
        per_10000.rename(columns={"periode": "Jaar", "gemeente": "Gemeente",
                                  "waarde": "Per 10.000 inwoners"}),
        "Jaar", "Gemeente", "Per 10.000 inwoners")

    regio = dict(zip(kwartalen.loc[kwartalen["gemeentecode"] == "TOTAAL", "periode"],
                     kwartalen.loc[kwartalen["gemeentecode"] == "TOTAAL", "waarde"],
                     strict=True))
    vorig = kwartaal_verschuiven(laatste, -1)
    tegel = metric(at, f"E33-meldingen regio {laatste}")
    assert tegel.value == fmt.getal(regio[laatste])
    assert tegel.delta == f"{fmt.verschil(regio[laatste] - regio[vorig])} t.o.v. {vorig}"
    jaar = view.laatste_volledige_jaar(laatste)
    regio_jaren = jaren[jaren["gemeentecode"] == "TOTAAL"].set_index("periode")["waarde"]
    tegel = metric(at, f"E33-meldingen regio {jaar}")
    assert tegel.value == fmt.getal(regio_jaren[jaar])
    vorig_jaar = str(int(jaar) - 1)
    assert tegel.delta == (f"{fmt.verschil(regio_jaren[jaar] - regio_jaren[vorig_jaar])} "
                           f"t.o.v. {vorig_jaar}")
    assert any("periode" in c.value and "gelden hier niet" in c.value for c in at.caption)


def test_period_municipalities_and_per_10000(app, shipped_warehouse):
    at = open_page(app)
    at.select_slider(key="periode").set_value(("2019-K3", "2020-K4")).run()
    gekozen = list(at.multiselect(key="gemeente").value)[-2:]
    at.multiselect(key="gemeente").set_value(gekozen).run()
    at.radio(key="maat").set_value("per10000").run()
    assert not at.exception
    eenheid = "Meldingen per 10.000 inwoners"
    binnen = "(gemeentecode = 'TOTAAL' OR list_contains(?, gemeentecode))"

    jaren = kern(shipped_warehouse, "voorziening = 'E33' AND indicator = 'meldingen_per_10000' "
                 f"AND periode_type = 'jaar' AND periode <= '2020' AND {binnen}", [gekozen])
    assert len(jaren) == 5 * 3  # 2016-2020, two municipalities and the region
    assert verwacht(jaren, eenheid, "Jaar") == rijen(tabel(at, "jaar"), "Jaar", "Gemeente",
                                                     eenheid)
    kwartalen = kern(shipped_warehouse, "voorziening = 'E33' AND indicator = "
                     "'meldingen_per_10000' AND periode_type = 'kwartaal' AND periode BETWEEN "
                     f"'2019-K3' AND '2020-K4' AND {binnen}", [gekozen])
    assert len(kwartalen) == 6 * 3
    assert verwacht(kwartalen, eenheid) == rijen(tabel(at, "e33"), "Periode", "Gemeente",
                                                 eenheid)
    oggz = kern(shipped_warehouse, "voorziening = 'OGGZ' AND indicator = "
                "'adviesaanvragen_per_10000' AND periode_type = 'kwartaal' AND periode BETWEEN "
                f"'2019-K3' AND '2020-K4' AND {binnen}", [gekozen])
    eenheid = "Adviesaanvragen per 10.000 inwoners"
    assert verwacht(oggz, eenheid) == rijen(tabel(at, "oggz"), "Periode", "Gemeente",
                                            eenheid)
    assert set(tabel(at, "gepubliceerd")["Gemeente"]) == set(
        kern(shipped_warehouse, "list_contains(?, gemeentecode)", [gekozen])["gemeente"])

    # the tiles stay absolute region totals; 2020 against 2019 crosses the break
    tegel = metric(at, "E33-meldingen regio 2020")
    regio = kern(shipped_warehouse, "voorziening = 'E33' AND indicator = 'meldingen' AND "
                 "periode_type = 'jaar' AND gemeentecode = 'TOTAAL'").set_index("periode")
    assert tegel.value == fmt.getal(regio.loc["2020", "waarde"])
    assert any("trendbreuk" in c.value.lower() and "maart 2020" in c.value for c in at.caption)
    assert metric(at, "E33-meldingen regio 2020-K4")


def test_voorziening_product_and_perspective_do_not_apply(app):
    at = open_page(app)
    before = [d.value for d in at.dataframe]
    at.radio(key="perspectief").set_value("verblijf").run()
    at.selectbox(key="voorziening").set_value("MO").run()
    assert not at.exception
    after = [d.value for d in at.dataframe]
    assert len(before) == len(after) == 4
    for een, ander in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(een, ander)


def test_url_round_trip(app, shipped_warehouse):
    at = open_page(app, maat="per10000",
                   perspectief="verblijf", periode=["2021-K1", "2022-K4"])
    assert at.radio(key="maat").value == "per10000"
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.select_slider(key="periode").value == ("2021-K1", "2022-K4")
    kwartalen = kern(shipped_warehouse, "voorziening = 'E33' AND indicator = "
                     "'meldingen_per_10000' AND periode_type = 'kwartaal' AND periode BETWEEN "
                     f"'2021-K1' AND '2022-K4' AND {REGIO}")
    eenheid = "Meldingen per 10.000 inwoners"
    assert verwacht(kwartalen, eenheid) == rijen(tabel(at, "e33"), "Periode", "Gemeente",
                                                 eenheid)
    # no break inside this period: no line drawn
    assert not figuur(at, "e33_kwartaal")["layout"].get("shapes")


def test_empty_selection_gives_calm_message(app):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)
    assert not at.dataframe


# --- view functions -------------------------------------------------------------------------


def _jaren() -> pd.DataFrame:
    return pd.DataFrame({
        "periode": ["2018", "2018", "2019", "2019", "2020"],
        "gemeentecode": ["GM0002", "TOTAAL", "GM0002", "TOTAAL", "TOTAAL"],
        "gemeente": ["Twee", "Regio totaal", "Twee", "Regio totaal", "Regio totaal"],
        "indicator": ["meldingen"] * 5,
        "waarde": [100.0, 1944.0, 120.0, 1995.0, 2504.0],
        "bron": ["Kader", "Kader", "Politie", "Politie", "Politie"],
        "demo": [False] * 5,
        "uit_kwartalen": [False, False, True, True, True],
    })


def test_jaren_marks_published_years_and_orders_region_first():
    result = view.jaren(_jaren(), ["GM0001", "GM0002"])
    assert list(result["gemeentecode"]) == ["TOTAAL"] * 3 + ["GM0002"] * 2
    assert list(result["soort"]) == [view.GEPUBLICEERD, view.AFGELEID, view.AFGELEID,
                                     view.GEPUBLICEERD, view.AFGELEID]
    assert view.bijschrift_jaren(result).startswith(
        "2018–2018 gepubliceerd als jaarcijfer (bron: Kader); 2019–2020 opgeteld")
    assert list(view.tabel_jaren(result, "Meldingen").columns) == [
        "Jaar", "Gemeente", "Meldingen", "Soort", "Bron"]


def test_tegel_jaar_notes_source_change_and_break():
    result = view.jaren(_jaren(), ["GM0002"])
    tegel = view.tegel_jaar(result, "2020", "meldingen", "Meldingen 2020")
    assert (tegel.waarde, tegel.delta) == ("2.504", "+509 t.o.v. 2019")
    assert "trendbreuk" in tegel.toelichting
    tegel = view.tegel_jaar(result, "2019", "meldingen", "Meldingen 2019")
    assert tegel.delta == "+51 t.o.v. 2018"
    assert "2018 is gepubliceerd" in tegel.toelichting
    assert view.tegel_jaar(result, "2016", "meldingen", "x").waarde == "–"


def test_laatste_volledige_jaar_and_break_crossing():
    assert view.laatste_volledige_jaar("2026-K3") == "2025"
    assert view.laatste_volledige_jaar("2025-K4") == "2025"
    assert view.over_breuk("2020-K2") and view.over_breuk("2021-K1")
    assert not view.over_breuk("2020-K1") and not view.over_breuk("2021-K2")


def test_oggz_gepubliceerd_is_one_row_per_year_and_municipality():
    frame = pd.DataFrame({
        "periode": ["2018", "2018", "2018", "2019"],
        "gemeentecode": ["GM0002", "GM0002", "GM0001", "GM0001"],
        "gemeente": ["Twee", "Twee", "Een", "Een"],
        "indicator": ["adviesaanvragen_pct", "adviesaanvragen_per_10000",
                      "adviesaanvragen_pct", "adviesaanvragen_per_10000"],
        "waarde": [45.0, 8.0, 55.0, 9.1],
        "bron": ["Kader", "Kader", "Kader", "Politie"],
        "demo": [False, False, False, True],
        "uit_kwartalen": [False, False, False, True],  # 2019 is derived: not published
    })
    result = view.oggz_gepubliceerd(frame, ["GM0001", "GM0002"])
    assert list(result.columns) == ["Jaar", "Gemeente", "Aandeel in de regio (%)",
                                    "Per 10.000 inwoners", "Bron"]
    assert list(result["Jaar"]) == ["2018", "2018"]
    assert list(result["Gemeente"]) == ["Een", "Twee"]  # reference order
    assert list(result["Aandeel in de regio (%)"]) == [55.0, 45.0]
    assert pd.isna(result.loc[0, "Per 10.000 inwoners"])  # not published: left empty
    assert result.loc[1, "Per 10.000 inwoners"] == 8.0
    assert view.oggz_gepubliceerd(frame.iloc[3:], []).empty


def test_fig_jaren_draws_published_years_as_separate_dotted_traces():
    result = view.jaren(_jaren(), ["GM0002"])
    kleuren = charts.gemeente_kleuren(["GM0001", "GM0002"])
    fig = view.fig_jaren(result, kleuren, "E33", "aantal", 0)
    namen = [t.name for t in fig.data]
    assert namen[:4] == ["Regio totaal (gepubliceerd)", "Regio totaal", "Twee (gepubliceerd)",
                         "Twee"]
    twee = [t for t in fig.data if t.name.startswith("Twee")]
    assert {t.line.color for t in twee} == {kleuren["GM0002"]}
    assert twee[0].line.dash == "dot" and list(twee[0].x) == ["2018"]
    assert list(twee[1].x) == ["2019"]
    assert fig.layout.shapes[0].x0 == 1.5  # between 2019 and 2020
