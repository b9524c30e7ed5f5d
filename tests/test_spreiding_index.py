"""The spreiding view: the dissimilarity index and the tables behind the charts, by hand."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from monitor import charts
from monitor.views import spreiding as view

# --- dissimilariteitsindex ----------------------------------------------------------------------


def test_identical_shares_give_zero():
    # A houses 25% and sends 25%, B 75% and 75%: every municipality houses its own share
    assert view.dissimilariteitsindex({"A": 10, "B": 30}, {"A": 1, "B": 3}) == pytest.approx(0)


def test_complete_separation_gives_one():
    # all clients come from B, all are housed in A
    assert view.dissimilariteitsindex({"A": 10, "B": 0}, {"A": 0, "B": 7}) == pytest.approx(1)
    assert view.dissimilariteitsindex({"A": 10}, {"B": 7}) == pytest.approx(1)


def test_three_municipalities_by_hand():
    # verblijf shares A .5, B .3, C .2; herkomst shares A .25, B .5, C .25
    # |.5-.25| + |.3-.5| + |.2-.25| = .25 + .2 + .05 = .5, halved: .25
    verblijf = {"A": 50, "B": 30, "C": 20}
    herkomst = {"A": 10, "B": 20, "C": 10}
    assert view.dissimilariteitsindex(verblijf, herkomst) == pytest.approx(0.25)
    # symmetric in its two sides
    assert view.dissimilariteitsindex(herkomst, verblijf) == pytest.approx(0.25)


def test_empty_or_zero_side_gives_none():
    assert view.dissimilariteitsindex({}, {}) is None
    assert view.dissimilariteitsindex({"A": 3}, {}) is None
    assert view.dissimilariteitsindex({"A": 0, "B": 0}, {"A": 2}) is None
    assert view.dissimilariteitsindex({"A": 2}, {"A": 0}) is None


def test_shares_ignore_buiten_onbekend_and_totaal():
    # the same case as by hand, plus clients from outside the region and unknown herkomst:
    # shares are of the region's municipalities only, so D stays .25
    verblijf = {"A": 50, "B": 30, "C": 20, "TOTAAL": 100}
    herkomst = {"A": 10, "B": 20, "C": 10, "BUITEN": 60, "ONBEKEND": 5}
    assert view.dissimilariteitsindex(verblijf, herkomst) == pytest.approx(0.25)
    # only BUITEN on the herkomst side: nothing from the region to compare with
    assert view.dissimilariteitsindex({"A": 4}, {"BUITEN": 4}) is None


def test_missing_values_count_as_zero():
    assert view.dissimilariteitsindex({"A": 10, "B": math.nan}, {"B": 5}) == pytest.approx(1)


# --- the index over time ------------------------------------------------------------------------


def _frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["periode", "gemeentecode", "waarde"])


def test_index_reeks_per_period_and_metric():
    verblijf = _frame([("2024-K1", "A", 10), ("2024-K1", "B", 30),
                       ("2024-K2", "A", 50), ("2024-K2", "B", 30), ("2024-K2", "C", 20)])
    herkomst = _frame([("2024-K1", "A", 1), ("2024-K1", "B", 3), ("2024-K1", "BUITEN", 9),
                       ("2024-K2", "A", 10), ("2024-K2", "B", 20), ("2024-K2", "C", 10)])
    reeks = view.index_reeks(verblijf, herkomst)
    assert reeks["periode"].tolist() == ["2024-K1", "2024-K2"]
    assert reeks["waarde"].tolist() == pytest.approx([0.0, 0.25])

    index = view.index_kwartaal(reeks, "2024-K2", "2024-K1")
    assert index.waarde == pytest.approx(0.25)
    assert index.verschil == pytest.approx(0.25)
    assert view.index_beschrijving(index) == ("0,25", "+0,25 t.o.v. 2024-K1")

    eerste = view.index_kwartaal(reeks, "2024-K1", "2023-K4")
    assert eerste.vorige_waarde is None and eerste.verschil is None
    assert view.index_beschrijving(eerste) == ("0,00", None)

    tabel = view.index_tabel(reeks, "2024-K2", "2024-K2")
    assert tabel.to_dict("list") == {"Periode": ["2024-K2"], "Dissimilariteitsindex": [0.25]}


def test_index_tabel_leaves_out_undefined_quarters():
    reeks = pd.DataFrame({"periode": ["2024-K1", "2024-K2"], "waarde": [None, 0.1]})
    assert view.index_tabel(reeks, "2024-K1", "2024-K2")["Periode"].tolist() == ["2024-K2"]
    assert view.index_kwartaal(reeks, "2024-K2", "2024-K1").verschil is None


# --- tables behind the charts -------------------------------------------------------------------


def _selectie(rows: list[dict]) -> pd.DataFrame:
    """A small frame shaped like monitor.data.selectie's."""
    frame = pd.DataFrame(rows)
    for column, default in (("periode", "2024-K3"), ("dimensie", None)):
        if column not in frame:
            frame[column] = default
    return frame


def test_kwartalen_in_range():
    kwartalen = ["2024-K1", "2024-K2", "2024-K3", "2024-K4"]
    assert view.kwartalen_in(kwartalen, "2024-K2", "2024-K3") == ["2024-K2", "2024-K3"]


def test_kaart_tabel_keeps_municipalities_only():
    frame = _selectie([
        {"gemeentecode": "A", "gemeente": "Aa", "waarde": 3.0},
        {"gemeentecode": "TOTAAL", "gemeente": "Regio totaal", "waarde": 3.0},
    ])
    assert view.kaart_tabel(frame).to_dict("records") == [
        {"Periode": "2024-K3", "Gemeentecode": "A", "Gemeente": "Aa", "Waarde": 3.0}
    ]


def test_herkomst_verblijf_side_by_side_per_municipality():
    herkomst = _selectie([{"gemeentecode": "A", "gemeente": "Aa", "waarde": 5},
                          {"gemeentecode": "B", "gemeente": "Bb", "waarde": 1}])
    verblijf = _selectie([{"gemeentecode": "A", "gemeente": "Aa", "waarde": 2},
                          {"gemeentecode": "B", "gemeente": "Bb", "waarde": 4}])
    tabel = view.herkomst_verblijf(herkomst, verblijf)
    assert list(tabel.columns) == ["Periode", "Gemeente", "Perspectief", "Waarde"]
    assert list(zip(tabel["Gemeente"], tabel["Perspectief"], tabel["Waarde"], strict=True)) == [
        ("Aa", "Herkomst", 5), ("Aa", "Verblijf", 2), ("Bb", "Herkomst", 1), ("Bb", "Verblijf", 4)
    ]


def test_stromen_from_herkomstgemeente_dimension():
    frame = _selectie([
        {"gemeentecode": "B", "gemeente": "Bb", "dimensie": "herkomstgemeente=BUITEN",
         "waarde": 2},
        {"gemeentecode": "B", "gemeente": "Bb", "dimensie": "herkomstgemeente=A", "waarde": 3},
        {"gemeentecode": "A", "gemeente": "Aa", "dimensie": "herkomstgemeente=B", "waarde": 0},
        {"gemeentecode": "A", "gemeente": "Aa", "dimensie": "herkomstgemeente=A", "waarde": 7},
    ])
    tabel = view.stromen(frame, {"A": "Aa", "B": "Bb"})
    # zero flows left out; herkomst in the region's order, BUITEN after the municipalities
    assert tabel[["Herkomstgemeente", "Verblijfsgemeente", "Bezetting"]].values.tolist() == [
        ["Aa", "Aa", 7], ["Aa", "Bb", 3], ["Buiten de regio", "Bb", 2]
    ]
    fig = view.sankey_figuur(tabel, {"A": "#0072B2", "B": "#E69F00", "BUITEN": "#8C8C8C"}, "t")
    sankey = fig.data[0]
    assert list(sankey.node.label) == ["Aa", "Buiten de regio", "Aa", "Bb"]
    assert list(sankey.node.color) == ["#0072B2", "#8C8C8C", "#0072B2", "#E69F00"]
    assert list(sankey.link.value) == [7, 3, 2]


def test_capaciteit_tabel_with_and_without_bezettingsgraad():
    capaciteit = _selectie([{"gemeentecode": "A", "gemeente": "Aa", "waarde": 40},
                            {"gemeentecode": "B", "gemeente": "Bb", "waarde": 0}])
    bezetting = _selectie([{"gemeentecode": "A", "gemeente": "Aa", "waarde": 30},
                           {"gemeentecode": "B", "gemeente": "Bb", "waarde": 1}])
    graad = _selectie([{"gemeentecode": "A", "gemeente": "Aa", "waarde": 0.75}])
    tabel = view.capaciteit_tabel(capaciteit, bezetting, graad)
    assert tabel.drop(columns="Bezettingsgraad (%)").to_dict("list") == {
        "Periode": ["2024-K3", "2024-K3"], "Gemeente": ["Aa", "Bb"],
        "Capaciteit": [40.0, 0.0], "Bezetting": [30.0, 1.0],
    }
    # no bezettingsgraad without places
    assert tabel["Bezettingsgraad (%)"].iloc[0] == 75.0
    assert pd.isna(tabel["Bezettingsgraad (%)"].iloc[1])
    fig = view.capaciteit_figuur(tabel, "t", "Aantal", 0)
    bezet = next(t for t in fig.data if t.name == "Bezetting")
    assert list(bezet.text) == ["75,0%", "–"]  # the hover; no percentage without places
    # one label per bar: the count, the bezettingsgraad under the clients; a real 0 reads 0
    assert charts.waardelabels(fig) == ["40", "0", "30<br>75,0%", "1"]
    assert "Bezettingsgraad (%)" not in view.capaciteit_tabel(capaciteit, bezetting, None)


def test_locaties_tabel():
    frame = pd.DataFrame({"aanbieder": ["X"], "locatie": ["L"], "gemeentecode": ["A"],
                          "gemeente": ["Aa"], "product": [None], "cluster": ["Autisme"],
                          "plekken": [12], "demo": [True]})
    tabel = view.locaties_tabel(frame)
    assert tabel.to_dict("records") == [{"Aanbieder": "X", "Locatie": "L", "Gemeente": "Aa",
                                         "Product": "", "Cluster": "Autisme", "Plekken": 12}]
    assert view.meeste_plekken(tabel) == 12


# --- the map ------------------------------------------------------------------------------------

# a 2x2 square, counter-clockwise (RFC 7946), with a clockwise hole
VIERKANT = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
GAT = [[0.5, 0.5], [0.5, 1], [1, 1], [1, 0.5], [0.5, 0.5]]
GRENZEN = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "A", "properties": {},
     "geometry": {"type": "Polygon", "coordinates": [VIERKANT, GAT]}},
    {"type": "Feature", "id": "B", "properties": {},
     "geometry": {"type": "MultiPolygon", "coordinates": [
         [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]]],
         [[[4, 0], [8, 0], [8, 4], [4, 4], [4, 0]]],
     ]}},
]}


def test_label_at_centroid_of_largest_polygon():
    posities = view.label_posities(GRENZEN)
    assert posities["A"] == pytest.approx((1, 1))
    assert posities["B"] == pytest.approx((6, 2))


def test_rings_wound_for_d3():
    # d3-geo wants exteriors clockwise and holes counter-clockwise (negative/positive area)
    ringen = view.grenzen_voor_plotly(GRENZEN)["features"][0]["geometry"]["coordinates"]
    assert view._oppervlak(ringen[0]) < 0 < view._oppervlak(ringen[1])
    assert GRENZEN["features"][0]["geometry"]["coordinates"][0] == VIERKANT  # input untouched


def test_kaart_needs_no_network():
    tabel = pd.DataFrame({"Periode": ["2024-K3"], "Gemeentecode": ["A"], "Gemeente": ["Aa"],
                          "Waarde": [5.0]})
    fig = view.kaart_figuur(tabel, GRENZEN, {"A": "Aa", "B": "Bb"}, "Kaart", 0)
    # plotly.js fetches a world map from its CDN unless the first geo trace has no
    # locationmode and the base layers are hidden: the labels go first
    assert isinstance(fig.data[0], go.Scattergeo)
    assert fig.data[0].locationmode is None and fig.data[0].locations is None
    assert list(fig.data[0].text) == ["Aa", "Bb"]
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    kaart = [t for t in fig.data if isinstance(t, go.Choropleth)]
    assert kaart[-1].featureidkey == "id" and list(kaart[-1].locations) == ["A"]
    assert not fig.layout.map.style  # no tile map


def test_kaart_embeds_each_boundary_once():
    tabel = pd.DataFrame({"Periode": ["2024-K3"] * 2, "Gemeentecode": ["A", "B"],
                          "Gemeente": ["Aa", "Bb"], "Waarde": [5.0, float("nan")]})
    fig = view.kaart_figuur(tabel, GRENZEN, {"A": "Aa", "B": "Bb"}, "Kaart", 0)
    kaart = [t for t in fig.data if isinstance(t, go.Choropleth)]
    ids = [f["id"] for t in kaart for f in t.geojson["features"]]
    assert sorted(ids) == ["A", "B"]  # each boundary once over all traces
    grijs, gekleurd = kaart
    assert list(grijs.locations) == ["B"] and list(gekleurd.locations) == ["A"]
    assert list(gekleurd.z) == [5.0]
    # every municipality with a value: one trace, no grey layer
    tabel["Waarde"] = [5.0, 7.0]
    kaart = [t for t in view.kaart_figuur(tabel, GRENZEN, {}, "Kaart", 0).data
             if isinstance(t, go.Choropleth)]
    assert len(kaart) == 1 and sorted(kaart[0].locations) == ["A", "B"]


def test_no_index_beside_a_hidden_count():
    # the publieksversie: Urk's bezetting is hidden (NaN); an index computed with it as 0 would
    # be wrong and would give the hidden count away
    import pandas as pd

    from monitor.views.spreiding import index_reeks

    verblijf = pd.DataFrame({"periode": ["2026-K3"] * 2, "gemeentecode": ["GM0034", "GM0184"],
                             "waarde": [50.0, 10.0]})
    herkomst = pd.DataFrame({"periode": ["2026-K3"] * 2, "gemeentecode": ["GM0034", "GM0184"],
                             "waarde": [55.0, float("nan")]})
    assert index_reeks(verblijf, herkomst)["waarde"].isna().all()
    herkomst.loc[1, "waarde"] = 5.0
    assert index_reeks(verblijf, herkomst)["waarde"].notna().all()
