"""Chart builders: they return Plotly figures and draw nothing.

One colour per municipality across every chart (by the region's reference order, from
colour-blind-safe palettes), Dutch number formatting (`1.944`, `3,5`), periods as labels, and
the known events of config/gebeurtenissen.toml as a dashed line on every period axis of a
chart about the voorzieningen they concern (the dashboard and the report alike).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from monitor import gebeurtenissen, labels

# Okabe & Ito (2008), then Paul Tol's "muted": both readable with the common colour-vision
# deficiencies; together enough for a region of up to 17 municipalities.
PALET_GEMEENTEN = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
    "#882255", "#AA4499", "#661100",
)
VASTE_KLEUREN = {"TOTAAL": "#222222", "BUITEN": "#8C8C8C", "ONBEKEND": "#C8C8C8"}
# Categories (bestemming, product, cluster …): Tol's "bright", then "light".
PALET_CATEGORIEEN = (
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB",
    "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#AAAA00",
)
FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"


@dataclass(frozen=True, eq=False)
class Grafiek:
    """A chart with exactly the data it shows (its download) and its one-line definition."""

    fig: go.Figure
    tabel: pd.DataFrame
    naam: str
    definitie: str


def gemeente_kleuren(gemeentecodes: Iterable[str]) -> dict[str, str]:
    """Code -> colour, by position in the region's reference order."""
    kleuren = dict(VASTE_KLEUREN)
    for index, code in enumerate(gemeentecodes):
        kleuren[code] = PALET_GEMEENTEN[index % len(PALET_GEMEENTEN)]
    return kleuren


def categorie_kleuren(categorieen: Iterable[str]) -> dict[str, str]:
    return {c: PALET_CATEGORIEEN[i % len(PALET_CATEGORIEEN)] for i, c in enumerate(categorieen)}


def opmaak(
    fig: go.Figure, titel: str, y_titel: str = "", procent: bool = False,
    voorzieningen: Iterable[str] | None = None,
) -> go.Figure:
    """The shared look: Dutch separators, legend below, no Plotly logo clutter; the known
    events of `voorzieningen` (default: those the chart names, see `markeer_gebeurtenissen`)."""
    fig.update_layout(
        title={"text": titel, "x": 0, "xanchor": "left"},
        separators=",.",
        font={"family": FONT, "size": 14},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "title": None},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(type="category", showgrid=False, title=None)
    fig.update_yaxes(
        title=y_titel or None, gridcolor="#E5E5E5", rangemode="tozero",
        ticksuffix="%" if procent else "", tickformat=",.1f" if procent else ",~r",
    )
    return markeer_gebeurtenissen(fig, voorzieningen)


# --- known events ---------------------------------------------------------------------------

GEBEURTENIS = "gebeurtenis: "  # the name of an event's line and label in the figure
_PERIODE = re.compile(r"^\d{4}(-K[1-4])?$")
# A voorziening is named by its code as a word ('BW', 'E33') or by its Dutch name without the
# part in brackets ('beschermd wonen', 'verward gedrag').
_NAMEN = {
    code: (re.compile(rf"\b{code}\b"), re.sub(r"\s*\(.*\)", "", naam).lower())
    for code, naam in labels.VOORZIENINGEN.items()
}


def genoemde_voorzieningen(fig: go.Figure) -> set[str]:
    """The voorzieningen a chart names in its title, axis titles or series names."""
    teksten = [fig.layout.title.text or "", fig.layout.yaxis.title.text or "",
               *(str(t.name or "") for t in fig.data)]
    tekst = " ".join(teksten)
    return {code for code, (woord, naam) in _NAMEN.items()
            if woord.search(tekst) or naam in tekst.lower()}


def markeer_gebeurtenissen(
    fig: go.Figure, voorzieningen: Iterable[str] | None = None
) -> go.Figure:
    """A dashed line with its short label before the period of each known event that concerns
    `voorzieningen` (default: the ones the chart names; a chart that names none gets none),
    where the chart's x axis is an axis of quarters or years that shows the change. Drawn
    once per event, however often it is called."""
    perioden = sorted({str(x) for t in fig.data if getattr(t, "orientation", None) != "h"
                       for x in (t.x if t.x is not None else ()) if x is not None})
    if not perioden or not all(_PERIODE.match(p) for p in perioden):
        return fig
    gekozen = genoemde_voorzieningen(fig) if voorzieningen is None else set(voorzieningen)
    al_getekend = {a.name for a in fig.layout.annotations}
    # a series break drawn by the caller at the same place already marks it
    lijnen = {s.x0 for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1}
    getekend = False
    for gebeurtenis in gebeurtenissen.voor(gekozen):
        naam = GEBEURTENIS + gebeurtenis.label
        x = gebeurtenis.positie(perioden)
        if x is None or naam in al_getekend or x in lijnen:
            continue
        # by position on the category axis: a year such as '2021' given as x would be read as
        # the number 2021; the label runs into the plot when the line stands far to the right
        rechts = x > 0.6 * (len(perioden) - 1)
        fig.add_vline(x=x, line_dash="dash", line_color="#555555", name=naam)
        fig.add_annotation(x=x, y=1, yref="paper", text=gebeurtenis.label, showarrow=False,
                           xanchor="right" if rechts else "left", yanchor="bottom",
                           font={"size": 12}, name=naam)
        getekend = True
    if getekend:
        # the positions count along the sorted periods: keep the axis in that order
        fig.update_xaxes(categoryorder="array", categoryarray=perioden)
    return fig


def _hover(decimalen: int, procent: bool) -> str:
    return f"%{{y:,.{decimalen}f}}{'%' if procent else ''}"


def lijn_per_gemeente(
    frame: pd.DataFrame,
    kleuren: Mapping[str, str],
    titel: str,
    y_titel: str = "",
    decimalen: int = 0,
    procent: bool = False,
    voorzieningen: Iterable[str] | None = None,
) -> go.Figure:
    """One line per municipality (and the region total) over the periods in `frame`.

    `frame` has columns periode, gemeentecode, gemeente, waarde. Known events (a series
    break, config/gebeurtenissen.toml) are marked by `opmaak`; `voorzieningen`: see there.
    """
    fig = go.Figure()
    for code, deel in frame.groupby("gemeentecode", sort=False):
        fig.add_trace(
            go.Scatter(
                x=deel["periode"], y=deel["waarde"], name=deel["gemeente"].iloc[0],
                mode="lines+markers", marker={"size": 5},
                line={"color": kleuren.get(code, "#444444"),
                      "width": 3 if code == "TOTAAL" else 2},
                hovertemplate=_hover(decimalen, procent),
            )
        )
    return opmaak(fig, titel, y_titel, procent, voorzieningen)


def staaf(
    frame: pd.DataFrame,
    x: str,
    kleur: str,
    kleuren: Mapping[str, str],
    titel: str,
    y_titel: str = "",
    gestapeld: bool = True,
    decimalen: int = 0,
    procent: bool = False,
    horizontaal: bool = False,
    voorzieningen: Iterable[str] | None = None,
) -> go.Figure:
    """Bars of `waarde` per `x`, one colour per value of `kleur` (stacked or grouped).
    `voorzieningen`: see `opmaak`."""
    fig = go.Figure()
    for naam, deel in frame.groupby(kleur, sort=False):
        xs, ys = deel[x], deel["waarde"]
        fig.add_trace(
            go.Bar(
                x=ys if horizontaal else xs, y=xs if horizontaal else ys, name=str(naam),
                orientation="h" if horizontaal else "v",
                marker_color=kleuren.get(naam, "#666666"),
                hovertemplate=(f"%{{x:,.{decimalen}f}}" if horizontaal
                               else _hover(decimalen, procent)),
            )
        )
    fig.update_layout(barmode="stack" if gestapeld else "group")
    opmaak(fig, titel, y_titel, procent, voorzieningen)
    if horizontaal:
        fig.update_xaxes(type="linear", showgrid=True, gridcolor="#E5E5E5")
        fig.update_yaxes(type="category", autorange="reversed", ticksuffix="")
        fig.update_layout(hovermode="y unified")
    return fig
