"""Readable, honest charts (issue 11, point 3): the region's targets drawn on the charts, the
known events on every chart they concern, a real 0 told from no figure, legends that never
cover an axis label and quarter axes that stay readable at any width.

Unit tests on hand-made figures and frames; then the theme pages on the shipped warehouse
(AppTest), read as the browser gets them (the Plotly JSON)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from paginahulp import dashboard, open_page
from streamlit.testing.v1 import AppTest

from monitor import charts, gebeurtenissen, streefwaarden
from monitor.filters import Selectie
from monitor.views import instroom, uitstroom, wachtlijsten

KWARTALEN = [f"{jaar}-K{k}" for jaar in range(2017, 2027) for k in range(1, 5)]  # 40
DOELEN = streefwaarden.laad()


def _doel(sleutel: str) -> float:
    waarde = DOELEN.get(sleutel).streefwaarde
    assert waarde is not None, sleutel
    return waarde


def streeflijnen(fig: go.Figure | dict) -> list[tuple[float, str]]:
    """(value, label) of every target drawn on a figure (a Figure or its JSON)."""
    layout = fig["layout"] if isinstance(fig, dict) else fig.layout.to_plotly_json()
    vormen = {v["name"]: v for v in layout.get("shapes", []) if
              str(v.get("name", "")).startswith(charts.STREEFWAARDE)}
    uit = []
    for label in layout.get("annotations", []):
        naam = str(label.get("name", ""))
        if naam.startswith(charts.STREEFWAARDE):
            vorm = vormen[naam]
            assert vorm["y0"] == vorm["y1"] and vorm["line"]["dash"] == "dot"
            uit.append((vorm["y0"], label["text"]))
    return uit


def lijnen_per_gemeente(perioden: list[str], regio: bool = True) -> pd.DataFrame:
    codes = [("A", "Aa"), ("B", "Bb")] + ([("TOTAAL", "Regio totaal")] if regio else [])
    return pd.DataFrame([(p, code, naam, float(i % 7 + j)) for j, (code, naam) in
                         enumerate(codes) for i, p in enumerate(perioden)],
                        columns=["periode", "gemeentecode", "gemeente", "waarde"])


def sel(voorziening: str = "BW", product: str | None = None, per_10000: bool = False,
        van: str = "2019-K1", tot: str = "2026-K3") -> Selectie:
    return Selectie(van, tot, voorziening, ("A", "B"), "herkomst", per_10000, product)


# --- 1. targets ---------------------------------------------------------------------------------


def test_a_target_is_a_dotted_line_with_a_short_dutch_label_drawn_once():
    fig = charts.lijn_per_gemeente(lijnen_per_gemeente(KWARTALEN), {}, "t")
    for _ in range(2):
        charts.markeer_streefwaarde(fig, 40.0, "streefwaarde 2026: lager dan 40")
    assert streeflijnen(fig) == [(40.0, "streefwaarde 2026: lager dan 40")]
    # the value axis reaches the line even when every point lies below it
    assert 40.0 in fig.layout.yaxis.autorangeoptions.include


def test_target_labels_use_the_config_and_dutch_numbers():
    doel = streefwaarden.Streefwaarde("BW.x", "omhoog", "x", "bron", 17.5, 2026)
    assert charts.streefwaarde_label(doel, procent=True) == "streefwaarde 2026: hoger dan 17,5%"
    assert charts.streefwaarde_label(DOELEN.get("BW.wachtlijst")) == (
        f"streefwaarde {DOELEN.get('BW.wachtlijst').streefjaar}: lager dan "
        f"{_doel('BW.wachtlijst'):.0f}")
    fig = charts.markeer_doel(go.Figure(go.Scatter(x=["2024-K1"], y=[3])), "BW.instroom")
    assert streeflijnen(fig) == []  # a direction without a target value: no line


@pytest.mark.parametrize("module, indicator", [(instroom, "instroom_pct"),
                                               (uitstroom, "uitstroom_pct")])
def test_yearly_percentage_charts_draw_the_target_of_the_whole_voorziening(module, indicator):
    jaren = lijnen_per_gemeente([str(j) for j in range(2019, 2026)])
    gemeenten = {"A": "Aa", "B": "Bb"}
    bw = instroom.grafiek_jaarpercentage(jaren, indicator, sel(), gemeenten).fig
    waarde = _doel(f"BW.{indicator}")
    [(y, label)] = streeflijnen(bw)
    assert y == waarde and label.endswith(f"{charts.fmt.getal(waarde)}%")
    # no target for one product, nor for a voorziening without one
    for zonder in (sel(product="BW hoog"), sel("MO")):
        assert streeflijnen(instroom.grafiek_jaarpercentage(jaren, indicator, zonder,
                                                            gemeenten).fig) == []


def test_wachtlijst_target_only_on_the_whole_voorziening_in_people():
    def fig():
        return wachtlijsten.fig_gemeenten(lijnen_per_gemeente(KWARTALEN), {}, "t", "aantal", 0)

    assert streeflijnen(wachtlijsten.met_streefwaarde(fig(), "BW", False, None)) == [
        (_doel("BW.wachtlijst"), charts.streefwaarde_label(DOELEN.get("BW.wachtlijst")))]
    assert streeflijnen(wachtlijsten.met_streefwaarde(fig(), "BW", True, None)) == []
    assert streeflijnen(wachtlijsten.met_streefwaarde(fig(), "BW", False,
                                                      "product=BW hoog")) == []
    assert streeflijnen(wachtlijsten.met_streefwaarde(fig(), "MO", False, None)) == []


# --- 3. a real 0 versus no figure ------------------------------------------------------------


def categorieen(perioden: list[str], waarden: dict[str, tuple], tekens: dict | None = None
                ) -> pd.DataFrame:
    rijen = [(p, c, w) for p in perioden for c, w in zip("ab", waarden.get(p, (1.0, 2.0)),
                                                           strict=True)]
    frame = pd.DataFrame(rijen, columns=["periode", "categorie", "waarde"])
    frame["teken"] = [(tekens or {}).get((p, c)) for p, c, _ in rijen]
    return frame


def test_a_stack_says_0_when_it_is_0_and_a_dash_when_there_is_no_figure():
    perioden = KWARTALEN[:4]
    frame = categorieen(perioden, {"2017-K2": (0.0, 0.0), "2017-K3": (np.nan, np.nan)})
    fig = charts.staaf(frame, "periode", "categorie", {}, "t")
    assert charts.waardelabels(fig) == ["3", "0", charts.GEEN_CIJFER, "3"]
    # the labels stand on their own bars
    assert [a.x for a in fig.layout.annotations if a.name == charts.WAARDELABEL] == [0, 1, 2, 3]
    # the dash says why on hover
    [leeg] = [a for a in fig.layout.annotations if a.text == charts.GEEN_CIJFER]
    assert leeg.hovertext == "geen gegevens"


def test_a_hidden_figure_keeps_its_gap_and_shows_its_mark_never_0():
    frame = categorieen(KWARTALEN[:3], {"2017-K2": (np.nan, 4.0), "2017-K3": (np.nan, 0.0)},
                        {("2017-K2", "a"): "<5", ("2017-K3", "a"): "<5"})
    fig = charts.staaf(frame, "periode", "categorie", {}, "t", teken_overig="x")
    # a stack that takes in a hidden figure is hidden itself: never the sum of the rest
    assert charts.waardelabels(fig) == ["3", "x", "x"]
    (a,) = [t for t in fig.data if t.name == "a"]
    assert math.isnan(a.y[1])  # the bar stays a gap
    enkel = frame[frame["categorie"] == "a"]
    assert charts.waardelabels(charts.staaf(enkel, "periode", "categorie", {}, "t")) == [
        "1", "<5", "<5"]


def test_over_many_places_only_what_a_bar_cannot_show_is_labelled():
    frame = categorieen(KWARTALEN, {"2019-K1": (0.0, 0.0), "2020-K1": (np.nan, np.nan)})
    fig = charts.staaf(frame, "periode", "categorie", {}, "t")
    assert charts.waardelabels(fig) == ["0", charts.GEEN_CIJFER]
    assert [a.x for a in fig.layout.annotations if a.name == charts.WAARDELABEL] == [
        KWARTALEN.index("2019-K1"), KWARTALEN.index("2020-K1")]


def test_grouped_bars_label_each_bar_over_its_own_bar():
    frame = pd.DataFrame({"Gemeente": ["Aa", "Bb", "Aa", "Bb"], "Reeks": ["x", "x", "y", "y"],
                          "waarde": [5.0, 0.0, np.nan, 2.0]})
    fig = charts.staaf(frame, "Gemeente", "Reeks", {}, "t", gestapeld=False)
    labels = [(round(a.x, 2), a.text) for a in fig.layout.annotations
              if a.name == charts.WAARDELABEL]
    assert labels == [(-0.2, "5"), (0.8, "0"), (0.2, charts.GEEN_CIJFER), (1.2, "2")]
    assert fig.layout.bargap == charts.BARGAP and fig.layout.bargroupgap == 0


def test_horizontal_percentages_are_labelled_in_dutch():
    frame = pd.DataFrame({"gemeente": ["Aa", "Bb"], "waarde": [69.3, 0.0]})
    fig = charts.staaf(frame, "gemeente", "gemeente", {}, "t", decimalen=1, procent=True,
                       horizontaal=True)
    assert charts.waardelabels(fig) == ["69,3%", "0,0%"]


# --- 4. legends ----------------------------------------------------------------------------------


@pytest.mark.parametrize("maak", [
    lambda: charts.lijn_per_gemeente(lijnen_per_gemeente(KWARTALEN), {}, "t"),
    lambda: charts.staaf(categorieen(KWARTALEN, {}), "periode", "categorie", {}, "t"),
])
def test_the_legend_has_a_band_of_its_own_below_the_axis_labels(maak):
    fig = maak()
    legenda = fig.layout.legend
    # measured from the bottom of the whole chart: Plotly keeps its height free below the
    # axis and its labels (a paper position such as y=-0.18 lies over them)
    assert (legenda.orientation, legenda.yref, legenda.y, legenda.yanchor) == (
        "h", "container", 0, "bottom")
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin


# --- 5. quarter axes -------------------------------------------------------------------------


def test_forty_quarters_get_one_label_per_year_and_hover_on_every_quarter():
    fig = charts.lijn_per_gemeente(lijnen_per_gemeente(list(reversed(KWARTALEN))), {}, "t")
    as_ = fig.layout.xaxis
    assert list(as_.categoryarray) == KWARTALEN  # every quarter in time order
    assert list(as_.tickvals) == [f"{j}-K1" for j in range(2017, 2027)]
    assert list(as_.ticktext) == [str(j) for j in range(2017, 2027)]
    assert as_.tickangle == 0
    assert fig.layout.hovermode == "x unified"
    assert all(list(t.x) == list(reversed(KWARTALEN)) for t in fig.data)


def test_a_few_quarters_each_get_a_label_with_the_year_under_its_first():
    fig = charts.lijn_per_gemeente(lijnen_per_gemeente(KWARTALEN[2:8]), {}, "t")
    assert list(fig.layout.xaxis.ticktext) == ["K3<br>2017", "K4", "K1<br>2018", "K2", "K3",
                                               "K4"]
    assert fig.layout.xaxis.tickangle == 0


def test_years_and_other_categories_keep_their_own_labels():
    jaren = charts.lijn_per_gemeente(lijnen_per_gemeente(["2019", "2020"]), {}, "t")
    assert jaren.layout.xaxis.tickvals is None and jaren.layout.xaxis.tickangle == 0
    klassen = charts.staaf(pd.DataFrame({"klasse": ["< 3 maanden", "> 3 jaar"], "r": "u",
                                         "waarde": [1.0, 2.0]}), "klasse", "r", {}, "t")
    assert klassen.layout.xaxis.tickvals is None
    assert list(klassen.layout.xaxis.categoryarray) == ["< 3 maanden", "> 3 jaar"]


# --- 2. known events and their spike ------------------------------------------------------------


def wlz() -> gebeurtenissen.Gebeurtenis:
    [gebeurtenis] = [g for g in gebeurtenissen.voor(("BW",)) if "Wlz" in g.label]
    return gebeurtenis


def test_a_known_events_spike_is_cut_off_with_its_value_and_the_rest_stays_readable():
    piek = wlz().kwartaal
    frame = categorieen(KWARTALEN, {piek: (240.0, 12.0)})
    fig = charts.staaf(frame, "periode", "categorie", {}, "t", voorzieningen=("BW",))
    charts.kap_uitschieter(fig, piek)
    charts.kap_uitschieter(fig, piek)  # drawn once
    assert list(fig.layout.yaxis.range) == [0, pytest.approx(3 * 1.35)]
    [label] = [a for a in fig.layout.annotations if a.name == charts.UITSCHIETER + piek]
    assert label.text == f"↑ 252 in {piek} (staaf afgekapt)"
    assert any(a.text == wlz().label for a in fig.layout.annotations)  # and why
    # a spike with a hidden part (publieksversie): cut, but no sum of what is left
    verborgen = categorieen(KWARTALEN, {piek: (240.0, np.nan)}, {(piek, "b"): "<5"})
    fig = charts.staaf(verborgen, "periode", "categorie", {}, "t", voorzieningen=("BW",))
    charts.kap_uitschieter(fig, piek)
    [label] = [a for a in fig.layout.annotations if a.name == charts.UITSCHIETER + piek]
    assert label.text == f"↑ {piek} (staaf afgekapt)"
    assert charts.waardelabels(fig) == ["x"]  # the stack's own mark stays
    # no spike, no cut
    gewoon = charts.staaf(categorieen(KWARTALEN, {}), "periode", "categorie", {}, "t")
    assert charts.kap_uitschieter(gewoon, piek).layout.yaxis.range is None


def test_a_spike_on_a_stuurgroep_line_chart_is_cut_off_with_its_value():
    """The Stuurgroep BW chart (instroom and uitstroom lines): the Wlz spike in uitstroom is
    cut off with its series and value at the top; the other quarters stay readable; the
    table keeps the real figure. Without a spike, nothing is cut."""
    from monitor.views import stuurgroep as sg

    piek = wlz().kwartaal
    grafiek = sg.scherm("bw").grafiek
    rijen = [("Instroom", p, 40.0 + i % 3) for i, p in enumerate(KWARTALEN)]
    rijen += [("Uitstroom", p, 250.0 if p == piek else 30.0 + i % 4)
              for i, p in enumerate(KWARTALEN)]
    tabel = pd.DataFrame(rijen, columns=["Reeks", "Periode", "Waarde"])
    fig = sg.figuur(grafiek, tabel)
    assert list(fig.layout.yaxis.range) == [0, pytest.approx(42 * 1.35)]
    [label] = [a for a in fig.layout.annotations if a.name == charts.UITSCHIETER + piek]
    assert label.text == f"↑ Uitstroom: 250 in {piek} (lijn afgekapt)"
    assert 250.0 in list(tabel["Waarde"])  # the table is not touched
    gewoon = tabel.assign(Waarde=tabel["Waarde"].where(tabel["Waarde"] < 200, 33.0))
    fig = sg.figuur(grafiek, gewoon)
    assert fig.layout.yaxis.range is None
    assert not [a for a in fig.layout.annotations if a.name == charts.UITSCHIETER + piek]


# --- the theme pages as the browser gets them ----------------------------------------------


def figuren(at: AppTest) -> dict[str, dict]:
    uit = {}
    for element in at.get("plotly_chart"):
        fig = json.loads(element.proto.spec)
        uit[fig["layout"]["title"]["text"]] = fig
    return uit


def een(figs: dict[str, dict], begin: str) -> dict:
    [fig] = [f for titel, f in figs.items() if titel.startswith(begin)]
    return fig


def gebeurtenis_labels(fig: dict) -> list[str]:
    return [a["text"] for a in fig["layout"].get("annotations", [])
            if str(a.get("name", "")).startswith(charts.GEBEURTENIS)]


@pytest.fixture(scope="module")
def paginas(shipped_warehouse: Path) -> dict[str, dict[str, dict]]:
    with pytest.MonkeyPatch.context() as mp:
        uit = {}
        for pagina in ("instroom", "uitstroom", "wachtlijsten", "spreiding", "verward_gedrag",
                       "vrouwenopvang"):
            uit[pagina] = figuren(open_page(dashboard(shipped_warehouse, mp),
                                            f"pages/{pagina}.py"))
        return uit


def test_theme_pages_draw_the_targets_where_there_are_any(paginas):
    assert [y for y, _ in streeflijnen(een(paginas["instroom"], "Instroompercentage"))] == [
        _doel("BW.instroom_pct")]
    assert [y for y, _ in streeflijnen(een(paginas["uitstroom"], "Uitstroompercentage"))] == [
        _doel("BW.uitstroom_pct")]
    wacht = paginas["wachtlijsten"]
    for titel in ("Wachtlijst per product", "Wachtlijst per herkomstgemeente",
                  "Wachtlijst en vrije plekken"):
        assert [y for y, _ in streeflijnen(een(wacht, titel))] == [_doel("BW.wachtlijst")]
    for titel in ("Wachtlijst per cluster", "Wachttijd"):  # no target for these
        assert streeflijnen(een(wacht, titel)) == []
    assert streeflijnen(een(paginas["uitstroom"], "Verblijfsduur (mediaan)")) == []


def perioden(fig: dict) -> list[str]:
    """The periods on a chart's x axis (none when it is not a period axis)."""
    waarden = {str(x) for t in fig["data"] if t.get("orientation") != "h"
               and isinstance(t.get("x"), list) for x in t["x"] if x is not None}
    return sorted(waarden) if waarden and all(
        len(w) == 4 or "-K" in w for w in waarden) else []


def test_every_bw_chart_over_time_across_2021_shows_the_wlz_overgang(paginas):
    """The pages open on beschermd wonen: every chart over periods that cross the
    Wlz-overgang says so, whatever its title names (the uitstroom spike above all)."""
    gezien = []
    for pagina in ("instroom", "uitstroom", "wachtlijsten", "spreiding"):
        for titel, fig in paginas[pagina].items():
            reeks = perioden(fig)
            wanneer = wlz().kwartaal if reeks and "-K" in reeks[0] else wlz().jaar
            if reeks and reeks[0] < wanneer <= reeks[-1]:
                assert gebeurtenis_labels(fig) == [wlz().label], (pagina, titel)
                gezien.append(titel)
    assert {"Uitstroom per bestemming — Regio totaal", "Verblijfsduur (mediaan) per kwartaal",
            "Uitstroompercentage per jaar"} <= set(gezien)
    uit = paginas["uitstroom"]
    bestemming = een(uit, "Uitstroom per bestemming")
    # the spike of the Wlz-overgang is cut off with its value, the rest stays readable
    assert any(str(a.get("name", "")).startswith(charts.UITSCHIETER)
               for a in bestemming["layout"]["annotations"])
    for titel, fig in paginas["verward_gedrag"].items():
        if "E33" in titel:
            assert any("trendbreuk" in t for t in gebeurtenis_labels(fig)), titel


def test_no_theme_chart_puts_its_legend_over_the_axis_labels(paginas):
    for pagina, figs in paginas.items():
        for titel, fig in figs.items():
            legenda = fig["layout"].get("legend", {})
            if legenda.get("orientation") == "h":
                assert (legenda.get("yref"), legenda.get("y")) == ("container", 0), (
                    pagina, titel)
            as_ = fig["layout"].get("xaxis", {})
            reeks = perioden(fig)
            if reeks and "-K" in reeks[0]:
                assert as_.get("tickangle") == 0, (pagina, titel)
                assert len(as_["tickvals"]) <= charts.KWARTALEN_PER_STUK, (pagina, titel)
