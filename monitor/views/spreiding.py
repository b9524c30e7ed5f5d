"""Spreiding: who houses whose clients. Pure shaping and the page's own figure builders.

The functions take the long frames of `monitor.data.selectie` (periode, gemeentecode, gemeente,
dimensie, waarde, …) and return the tables shown on the page, with Dutch column headers, so
that the table under a chart is exactly what the chart draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go

from etl.settings import BUITEN, ONBEKEND, SPECIAL_GEMEENTE_NAMES, TOTAAL
from monitor import charts, fmt

# Codes that are not a municipality of the region: they hold no places and have no share.
NIET_GEMEENTE = frozenset({BUITEN, ONBEKEND, TOTAAL})
PERSPECTIEF_KLEUREN = {"Herkomst": "#88CCEE", "Verblijf": "#332288"}
REEKS_KLEUREN = {"Capaciteit": "#BBBBBB", "Bezetting": "#332288"}
KAART_SCHAAL = "Blues"
# what the map can colour by (shown in the URL) -> the kerncijfers indicator
KAARTEN = {"Plekken": "capaciteit", "Cliënten": "bezetting"}
KAART_TITELS = {"capaciteit": "Plekken (capaciteit)", "bezetting": "Cliënten (bezetting, verblijf)"}


# --- the dissimilarity index ----------------------------------------------------------------


def _getal(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def dissimilariteitsindex(
    verblijf: Mapping[str, float], herkomst: Mapping[str, float]
) -> float | None:
    """D = ½·Σ_g |v_g/V − h_g/H| over the region's municipalities.

    `verblijf` holds the clients housed in each municipality, `herkomst` the clients who come
    from it. BUITEN, ONBEKEND and TOTAAL are left out: they are no municipality of the region,
    so the shares are of the clients from (and in) the region. 0 means every municipality houses
    exactly its own share; 1 complete separation. None when either side sums to 0.
    """
    v = {g: _getal(x) for g, x in verblijf.items() if g not in NIET_GEMEENTE}
    h = {g: _getal(x) for g, x in herkomst.items() if g not in NIET_GEMEENTE}
    totaal_v, totaal_h = sum(v.values()), sum(h.values())
    if totaal_v <= 0 or totaal_h <= 0:
        return None
    return 0.5 * sum(
        abs(v.get(g, 0.0) / totaal_v - h.get(g, 0.0) / totaal_h) for g in set(v) | set(h)
    )


def index_reeks(verblijf: pd.DataFrame, herkomst: pd.DataFrame) -> pd.DataFrame:
    """The index per period (columns periode, waarde) from bezetting verblijf and herkomst.

    A period with a hidden figure (NaN, the publieksversie) has no index: it is not linear, so
    next to a hidden count it would give that count away."""
    periodes = sorted(set(verblijf["periode"]) | set(herkomst["periode"]))
    rows = []
    for periode in periodes:
        v = verblijf[verblijf["periode"] == periode]
        h = herkomst[herkomst["periode"] == periode]
        gemeenten = ~v["gemeentecode"].isin(NIET_GEMEENTE), ~h["gemeentecode"].isin(NIET_GEMEENTE)
        if v.loc[gemeenten[0], "waarde"].isna().any() or h.loc[gemeenten[1], "waarde"].isna().any():
            rows.append({"periode": periode, "waarde": None})
            continue
        waarde = dissimilariteitsindex(
            dict(zip(v["gemeentecode"], v["waarde"], strict=True)),
            dict(zip(h["gemeentecode"], h["waarde"], strict=True)),
        )
        rows.append({"periode": periode, "waarde": waarde})
    return pd.DataFrame(rows, columns=["periode", "waarde"])


@dataclass(frozen=True)
class Spreidingsindex:
    kwartaal: str
    waarde: float | None
    vorig_kwartaal: str
    vorige_waarde: float | None

    @property
    def verschil(self) -> float | None:
        if self.waarde is None or self.vorige_waarde is None:
            return None
        return self.waarde - self.vorige_waarde


def index_kwartaal(reeks: pd.DataFrame, kwartaal: str, vorig_kwartaal: str) -> Spreidingsindex:
    """The index of one quarter with the one before (None where there is none)."""
    waarden = {p: (None if pd.isna(w) else float(w))
               for p, w in zip(reeks["periode"], reeks["waarde"], strict=True)}
    return Spreidingsindex(kwartaal, waarden.get(kwartaal), vorig_kwartaal,
                           waarden.get(vorig_kwartaal))


def index_tabel(reeks: pd.DataFrame, van: str, tot: str) -> pd.DataFrame:
    """The trend as shown: Periode, Dissimilariteitsindex, for the periods van..tot."""
    deel = reeks[(reeks["periode"] >= van) & (reeks["periode"] <= tot)]
    deel = deel[deel["waarde"].notna()]
    return pd.DataFrame({
        "Periode": deel["periode"].tolist(),
        "Dissimilariteitsindex": [round(float(w), 4) for w in deel["waarde"]],
    })


def index_figuur(tabel: pd.DataFrame, titel: str, voorziening: str | None = None
                 ) -> go.Figure:
    """The index per quarter; the known events of `voorziening` marked (the Wlz-overgang
    changed who is in beschermd wonen, and so the spread)."""
    frame = pd.DataFrame({
        "periode": tabel["Periode"], "gemeentecode": TOTAAL,
        "gemeente": "Dissimilariteitsindex", "waarde": tabel["Dissimilariteitsindex"],
    })
    fig = charts.lijn_per_gemeente(frame, charts.VASTE_KLEUREN, titel, "Index (0–1)",
                                   decimalen=2,
                                   voorzieningen=None if voorziening is None else (voorziening,))
    fig.update_yaxes(range=[0, 1], tickformat=",.1f")
    fig.update_layout(showlegend=False)
    return fig


def index_beschrijving(index: Spreidingsindex) -> tuple[str, str | None]:
    """The metric's value and delta as Dutch text."""
    delta = fmt.verschil(index.verschil, 2)
    return fmt.getal(index.waarde, 2), (f"{delta} t.o.v. {index.vorig_kwartaal}"
                                         if delta else None)


# --- the map ----------------------------------------------------------------------------------


def kwartalen_in(kwartalen: Sequence[str], van: str, tot: str) -> list[str]:
    """The quarters of the selected range, oldest first."""
    return [k for k in kwartalen if van <= k <= tot]


def kaart_tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """Periode, Gemeentecode, Gemeente, Waarde per municipality of the region."""
    deel = frame[~frame["gemeentecode"].isin(NIET_GEMEENTE)]
    return pd.DataFrame({
        "Periode": deel["periode"].tolist(),
        "Gemeentecode": deel["gemeentecode"].tolist(),
        "Gemeente": deel["gemeente"].tolist(),
        "Waarde": deel["waarde"].astype(float).tolist(),
    })


def _ring_centrum(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """Area and centroid (lon, lat) of one closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def label_posities(grenzen: Mapping) -> dict[str, tuple[float, float]]:
    """Code -> (lon, lat) for a label: the centroid of the feature's largest polygon."""
    posities = {}
    for feature in grenzen.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygonen = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygonen = geometry["coordinates"]
        else:
            continue
        grootste = max((_ring_centrum(p[0]) for p in polygonen if p and p[0]),
                       default=None)
        if grootste is not None:
            posities[feature["id"]] = (grootste[1], grootste[2])
    return posities


def _oppervlak(ring: Sequence[Sequence[float]]) -> float:
    """Signed planar area of a ring in lon/lat: > 0 counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def _polygon_d3(polygon: Sequence[Sequence[Sequence[float]]]) -> list:
    # exterior clockwise, holes counter-clockwise: the spherical winding d3-geo expects
    return [
        list(ring) if (_oppervlak(ring) < 0) == (i == 0) else list(reversed(ring))
        for i, ring in enumerate(polygon)
    ]


def grenzen_voor_plotly(grenzen: Mapping) -> dict:
    """The boundaries with rings wound as plotly.js (d3-geo) expects.

    GeoJSON (RFC 7946) winds exterior rings counter-clockwise; d3-geo reads such a ring as
    "the whole globe except this polygon", which paints the map inside out.
    """
    features = []
    for feature in grenzen.get("features", []):
        geometry = dict(feature.get("geometry") or {})
        if geometry.get("type") == "Polygon":
            geometry["coordinates"] = _polygon_d3(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            geometry["coordinates"] = [_polygon_d3(p) for p in geometry["coordinates"]]
        features.append({**feature, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _deel(grenzen: Mapping, codes: list[str]) -> dict:
    """The FeatureCollection with only the features of `codes`."""
    gezocht = set(codes)
    return {**grenzen, "features": [f for f in grenzen["features"] if f["id"] in gezocht]}


def kaart_figuur(
    tabel: pd.DataFrame, grenzen: Mapping, namen: Mapping[str, str], titel: str, decimalen: int
) -> go.Figure:
    """A choropleth of `tabel` (Waarde per Gemeentecode) on the boundaries, no tile map."""
    grenzen = grenzen_voor_plotly(grenzen)
    alle = [f["id"] for f in grenzen["features"]]
    fig = go.Figure()
    # The labels go first: plotly.js decides from the first geo trace alone whether to fetch
    # its world topojson from cdn.plot.ly (plotly.js issue 6767), and a lon/lat trace without
    # locationmode needs none. With the base layers hidden the map then draws without network.
    posities = label_posities(grenzen)
    codes = [c for c in alle if c in posities]
    # white names on the dark end of the scale, dark names elsewhere
    waarden = dict(zip(tabel["Gemeentecode"], tabel["Waarde"], strict=True))
    hoogste = max([w for w in waarden.values() if not pd.isna(w)], default=0) or 1
    tekstkleur = ["#FFFFFF" if _getal(waarden.get(c)) / hoogste > 0.6 else "#111111"
                  for c in codes]
    fig.add_trace(go.Scattergeo(
        lon=[posities[c][0] for c in codes], lat=[posities[c][1] for c in codes],
        text=[namen.get(c, c) for c in codes], mode="text", hoverinfo="skip",
        textfont={"family": charts.FONT, "size": 12, "color": tekstkleur},
        showlegend=False,
    ))
    # Each municipality's boundary goes into the figure once: the ones with a value in the
    # coloured trace, the others (no figure, or hidden) in light grey. Two traces over the
    # whole collection would embed the GeoJSON twice (the chart's largest part).
    met_waarde = tabel[tabel["Waarde"].map(fmt.is_cijfer)]
    gekleurd = set(met_waarde["Gemeentecode"])
    grijs = [c for c in alle if c not in gekleurd]
    if grijs:
        fig.add_trace(go.Choropleth(
            geojson=_deel(grenzen, grijs), featureidkey="id", locations=grijs,
            z=[0] * len(grijs), colorscale=[[0, "#EEEEEE"], [1, "#EEEEEE"]], showscale=False,
            marker_line_color="white", marker_line_width=1,
            customdata=[namen.get(c, c) for c in grijs],
            hovertemplate="<b>%{customdata}</b><br>geen gegevens<extra></extra>",
        ))
    fig.add_trace(go.Choropleth(
        geojson=_deel(grenzen, sorted(gekleurd)), featureidkey="id",
        locations=met_waarde["Gemeentecode"], z=met_waarde["Waarde"], colorscale=KAART_SCHAAL,
        zmin=0, marker_line_color="white", marker_line_width=1.5,
        customdata=met_waarde["Gemeente"],
        colorbar={"title": None, "thickness": 14, "len": 0.8, "tickformat": ",~r"},
        hovertemplate=f"<b>%{{customdata}}</b><br>%{{z:,.{decimalen}f}}<extra></extra>",
    ))
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(
        title={"text": titel, "x": 0, "xanchor": "left"},
        separators=",.", font={"family": charts.FONT, "size": 14},
        margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=480,
        geo={"projection_type": "mercator", "bgcolor": "rgba(0,0,0,0)"},
    )
    return fig


# --- herkomst next to verblijf ------------------------------------------------------------------


def herkomst_verblijf(herkomst: pd.DataFrame, verblijf: pd.DataFrame) -> pd.DataFrame:
    """Periode, Gemeente, Perspectief (Herkomst/Verblijf), Waarde; municipalities only."""
    delen = []
    for naam, frame in (("Herkomst", herkomst), ("Verblijf", verblijf)):
        deel = frame[~frame["gemeentecode"].isin(NIET_GEMEENTE)]
        delen.append(pd.DataFrame({
            "Periode": deel["periode"].tolist(),
            "Gemeentecode": deel["gemeentecode"].tolist(),
            "Gemeente": deel["gemeente"].tolist(),
            "Perspectief": naam,
            "Waarde": deel["waarde"].astype(float).tolist(),
        }))
    tabel = pd.concat(delen, ignore_index=True)
    volgorde = {c: i for i, c in enumerate(dict.fromkeys(tabel["Gemeentecode"]))}
    tabel["_volgorde"] = tabel["Gemeentecode"].map(volgorde)
    tabel = tabel.sort_values(["_volgorde", "Perspectief"], kind="stable")
    return tabel.drop(columns=["_volgorde", "Gemeentecode"]).reset_index(drop=True)


def herkomst_verblijf_figuur(
    tabel: pd.DataFrame, titel: str, y_titel: str, decimalen: int
) -> go.Figure:
    frame = tabel.rename(columns={"Waarde": "waarde"})
    return charts.staaf(frame, "Gemeente", "Perspectief", PERSPECTIEF_KLEUREN, titel, y_titel,
                        gestapeld=False, decimalen=decimalen)


# --- the flow diagram -------------------------------------------------------------------------


def stromen(frame: pd.DataFrame, gemeenten: Mapping[str, str]) -> pd.DataFrame:
    """Herkomst -> verblijf flows from bezetting verblijf by dimensie herkomstgemeente=<code>.

    Flows of 0 are left out. Rows in the region's order: herkomst first, BUITEN and ONBEKEND
    last. Columns: Periode, Herkomstcode, Herkomstgemeente, Verblijfscode, Verblijfsgemeente,
    Bezetting.
    """
    namen = {**SPECIAL_GEMEENTE_NAMES, **gemeenten}
    volgorde = {c: i for i, c in enumerate([*gemeenten, BUITEN, ONBEKEND])}
    deel = frame[frame["dimensie"].fillna("").str.startswith("herkomstgemeente=")]
    deel = deel[deel["waarde"] > 0]
    herkomst = deel["dimensie"].str.split("=", n=1).str[1]
    tabel = pd.DataFrame({
        "Periode": deel["periode"].tolist(),
        "Herkomstcode": herkomst.tolist(),
        "Herkomstgemeente": [namen.get(c, c) for c in herkomst],
        "Verblijfscode": deel["gemeentecode"].tolist(),
        "Verblijfsgemeente": [namen.get(c, c) for c in deel["gemeentecode"]],
        "Bezetting": deel["waarde"].astype(int).tolist(),
    })
    rang = len(volgorde)
    tabel["_h"] = tabel["Herkomstcode"].map(lambda c: volgorde.get(c, rang))
    tabel["_v"] = tabel["Verblijfscode"].map(lambda c: volgorde.get(c, rang))
    tabel = tabel.sort_values(["_h", "_v"], kind="stable")
    return tabel.drop(columns=["_h", "_v"]).reset_index(drop=True)


def sankey_figuur(tabel: pd.DataFrame, kleuren: Mapping[str, str], titel: str) -> go.Figure:
    """Herkomst nodes on the left, verblijf nodes on the right, in the municipality colours."""
    links = list(dict.fromkeys(tabel["Herkomstcode"]))
    rechts = list(dict.fromkeys(tabel["Verblijfscode"]))
    namen = {**dict(zip(tabel["Herkomstcode"], tabel["Herkomstgemeente"], strict=True)),
             **dict(zip(tabel["Verblijfscode"], tabel["Verblijfsgemeente"], strict=True))}
    codes = links + rechts
    index_links = {c: i for i, c in enumerate(links)}
    index_rechts = {c: len(links) + i for i, c in enumerate(rechts)}
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        valueformat=",d",
        node={
            "label": [namen[c] for c in codes],
            "color": [kleuren.get(c, "#666666") for c in codes],
            "customdata": [f"uit {namen[c]}" for c in links] + [f"in {namen[c]}" for c in rechts],
            "hovertemplate": "%{customdata}: %{value:,d}<extra></extra>",
            "pad": 14, "thickness": 16, "line": {"color": "white", "width": 0.5},
        },
        link={
            "source": [index_links[c] for c in tabel["Herkomstcode"]],
            "target": [index_rechts[c] for c in tabel["Verblijfscode"]],
            "value": tabel["Bezetting"].tolist(),
            "color": [charts.rgba(kleuren.get(c, "#666666"), 0.4) for c in tabel["Herkomstcode"]],
            "customdata": [f"{h} → {v}" for h, v in
                           zip(tabel["Herkomstgemeente"], tabel["Verblijfsgemeente"],
                               strict=True)],
            "hovertemplate": "%{customdata}: %{value:,d}<extra></extra>",
        },
    ))
    fig.update_layout(
        title={"text": titel, "x": 0, "xanchor": "left"},
        separators=",.", font={"family": charts.FONT, "size": 14},
        margin={"l": 10, "r": 10, "t": 60, "b": 40}, height=480,
    )
    fig.add_annotation(x=0, y=-0.08, xref="paper", yref="paper", text="Herkomst",
                       showarrow=False, xanchor="left", font={"size": 12, "color": "#555555"})
    fig.add_annotation(x=1, y=-0.08, xref="paper", yref="paper", text="Verblijf",
                       showarrow=False, xanchor="right", font={"size": 12, "color": "#555555"})
    return fig


# --- capacity -----------------------------------------------------------------------------------


def capaciteit_tabel(
    capaciteit: pd.DataFrame, bezetting: pd.DataFrame, graad: pd.DataFrame | None
) -> pd.DataFrame:
    """Periode, Gemeente, Capaciteit, Bezetting (verblijf) and Bezettingsgraad (%).

    Municipalities in the order of `capaciteit`; a municipality without capacity figures is
    left out (it has no places in the warehouse for this selection). `graad` None leaves out
    the bezettingsgraad column (it exists for all products together only).
    """
    cap = capaciteit[~capaciteit["gemeentecode"].isin(NIET_GEMEENTE)]
    bez = dict(zip(bezetting["gemeentecode"], bezetting["waarde"], strict=True))
    tabel = pd.DataFrame({
        "Periode": cap["periode"].tolist(),
        "Gemeente": cap["gemeente"].tolist(),
        "Capaciteit": cap["waarde"].astype(float).tolist(),
        "Bezetting": [_of_none(bez.get(c)) for c in cap["gemeentecode"]],
    })
    if graad is not None:
        procent = {c: round(float(w) * 100, 2)
                   for c, w in zip(graad["gemeentecode"], graad["waarde"], strict=True)}
        tabel["Bezettingsgraad (%)"] = [procent.get(c) for c in cap["gemeentecode"]]
    return tabel


def _of_none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def capaciteit_figuur(
    tabel: pd.DataFrame, titel: str, y_titel: str, decimalen: int
) -> go.Figure:
    """Places next to clients per municipality; the bezettingsgraad above the bars."""
    lang = pd.concat([
        pd.DataFrame({"Gemeente": tabel["Gemeente"], "Reeks": naam, "waarde": tabel[naam]})
        for naam in ("Capaciteit", "Bezetting")
    ], ignore_index=True)
    onder = {}
    if "Bezettingsgraad (%)" in tabel:
        teksten = [fmt.procent(p) if p is not None and not pd.isna(p) else ""
                   for p in tabel["Bezettingsgraad (%)"]]
        # the bezettingsgraad under the number of clients, in the bar's own value label
        onder = {(str(g), "Bezetting"): t for g, t in zip(tabel["Gemeente"], teksten,
                                                          strict=True) if t}
    fig = charts.staaf(lang, "Gemeente", "Reeks", REEKS_KLEUREN, titel, y_titel,
                       gestapeld=False, decimalen=decimalen, onderschrift=onder)
    if onder:
        for trace in fig.data:
            if trace.name == "Bezetting":
                # in the hover, not drawn a second time
                trace.text = [t or fmt.LEEG for t in teksten]
                trace.textposition = "none"
                trace.hovertemplate = f"%{{y:,.{decimalen}f}} (bezettingsgraad %{{text}})"
    return fig


def locaties_tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """Aanbieder, Locatie, Gemeente, Product, Cluster, Plekken."""
    return pd.DataFrame({
        "Aanbieder": frame["aanbieder"].tolist(),
        "Locatie": frame["locatie"].tolist(),
        "Gemeente": frame["gemeente"].tolist(),
        "Product": frame["product"].fillna("").tolist(),
        "Cluster": frame["cluster"].fillna("").tolist(),
        "Plekken": frame["plekken"].astype(int).tolist(),
    })


def meeste_plekken(tabel: pd.DataFrame) -> int:
    """The scale of the Plekken bars in the location table."""
    return int(tabel["Plekken"].max()) if len(tabel) else 0
