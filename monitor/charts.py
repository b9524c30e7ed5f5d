"""Chart builders: they return Plotly figures and draw nothing.

One colour per municipality across every chart (by the region's reference order, from
colour-blind-safe palettes), Dutch number formatting (`1.944`, `3,5`), periods as labels, and
the known events of config/gebeurtenissen.toml as a dashed line on every period axis of a
chart about the voorzieningen they concern (the dashboard and the report alike).

Readable and honest at 1366 and 1920 pixels wide: the legend in a band of its own under the
axis labels, a quarter axis with upright labels (one per year over many quarters), the
region's targets of config/streefwaarden.toml as a dotted line (`markeer_doel`), value labels
on bars that tell a real 0 from no figure and never show a hidden figure as 0
(`markeer_waarden`), and a known event's spike cut off with its value (`kap_uitschieter`).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from monitor import fmt, gebeurtenissen, labels, streefwaarden

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
TEKSTKLEUR = "#333333"
# vertical marker lines: a known event, where the prognose starts
MARKEERKLEUR = "#555555"


def rgba(kleur: str, alpha: float) -> str:
    """'#0072B2' with opacity `alpha` as Plotly's 'rgba(0,114,178,alpha)'."""
    kleur = kleur.lstrip("#")
    r, g, b = (int(kleur[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


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
    """The shared look: Dutch separators, the legend at the bottom of the chart in a band of
    its own (it never covers an axis label, at any width), axes that make room for their
    labels, a readable quarter axis (`kwartaal_as`), no Plotly logo clutter; the known events
    of `voorzieningen` (default: those the chart names, see `markeer_gebeurtenissen`)."""
    fig.update_layout(
        title={"text": titel, "x": 0, "xanchor": "left", "font": {"color": TEKSTKLEUR}},
        separators=",.",
        # Streamlit's chart theme greys axis labels to about 3.9:1 on white; WCAG 1.4.3 asks
        # 4.5:1 of every text, a chart's included (#333333: 12.6:1)
        font={"family": FONT, "size": 14, "color": TEKSTKLEUR},
        # measured from the bottom of the whole chart (container), Plotly keeps the legend's
        # height free below the axis labels instead of laying it over them
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
                "x": 0, "xanchor": "left", "title": None, "font": {"color": TEKSTKLEUR}},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(type="category", showgrid=False, title=None, automargin=True,
                     tickfont_color=TEKSTKLEUR, title_font_color=TEKSTKLEUR)
    fig.update_yaxes(
        tickfont_color=TEKSTKLEUR, title_font_color=TEKSTKLEUR,
        title_text=y_titel or None, gridcolor="#E5E5E5", rangemode="tozero", automargin=True,
        ticksuffix="%" if procent else "", tickformat=",.1f" if procent else ",~r",
    )
    kwartaal_as(fig)
    return markeer_gebeurtenissen(fig, voorzieningen)


# --- period axes --------------------------------------------------------------------------------

_PERIODE = re.compile(r"^\d{4}(-K[1-4])?$")
_KWARTAAL = re.compile(r"^(\d{4})-K([1-4])$")
KWARTALEN_PER_STUK = 12  # up to this many quarters every quarter has its own label


def _perioden(fig: go.Figure) -> list[str]:
    """The periods on the x axis of a chart (none when it is not a period axis)."""
    perioden = sorted({str(x) for t in fig.data if getattr(t, "orientation", None) != "h"
                       for x in (t.x if t.x is not None else ()) if x is not None})
    return perioden if perioden and all(_PERIODE.match(p) for p in perioden) else []


def kwartaal_as(fig: go.Figure, perioden: Iterable[str] | None = None) -> go.Figure:
    """A period axis in time order with labels that never turn or overlap, at any width.

    Up to KWARTALEN_PER_STUK quarters every quarter is labelled, the year under the first
    quarter of each year ('K1' over '2024', then 'K2'); over more quarters one label per
    year, at its first quarter (K1). Hover still names every quarter. Years keep their own
    labels. `perioden` default: the x values of the chart's traces."""
    perioden = sorted(set(perioden)) if perioden is not None else _perioden(fig)
    if not perioden:
        return fig
    fig.update_xaxes(categoryorder="array", categoryarray=perioden, tickangle=0)
    kwartalen = [_KWARTAAL.match(p) for p in perioden]
    if not all(kwartalen):
        return fig
    if len(perioden) <= KWARTALEN_PER_STUK:
        teksten, vorig_jaar = [], None
        for treffer in kwartalen:
            jaar, nummer = treffer.groups()
            teksten.append(f"K{nummer}" if jaar == vorig_jaar else f"K{nummer}<br>{jaar}")
            vorig_jaar = jaar
        fig.update_xaxes(tickmode="array", tickvals=perioden, ticktext=teksten)
    else:
        k1 = [p for p in perioden if p.endswith("-K1")]
        fig.update_xaxes(tickmode="array", tickvals=k1, ticktext=[p[:4] for p in k1],
                         ticks="outside", ticklen=4)
    return fig


# --- known events ---------------------------------------------------------------------------

GEBEURTENIS = "gebeurtenis: "  # the name of an event's line and label in the figure
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
    perioden = _perioden(fig)
    if not perioden:
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
        fig.add_vline(x=x, line_dash="dash", line_color=MARKEERKLEUR, name=naam)
        fig.add_annotation(x=x, y=1, yref="paper", text=gebeurtenis.label, showarrow=False,
                           xanchor="right" if rechts else "left", yanchor="bottom",
                           font={"size": 12}, name=naam)
        getekend = True
    if getekend:
        # the positions count along the sorted periods: keep the axis in that order
        fig.update_xaxes(categoryorder="array", categoryarray=perioden)
    return fig


# --- targets (config/streefwaarden.toml) ------------------------------------------------------

STREEFWAARDE = "streefwaarde: "  # the name of a target's line and label in the figure
_RICHTING_WOORD = {streefwaarden.OMLAAG: "lager dan", streefwaarden.OMHOOG: "hoger dan"}


def streefwaarde_label(doel: streefwaarden.Streefwaarde, procent: bool = False) -> str:
    """The short Dutch label of a target: 'streefwaarde 2026: lager dan 40',
    'streefwaarde 2026: hoger dan 17%'."""
    if doel.streefwaarde is None:
        raise ValueError(f"{doel.sleutel} heeft geen streefwaarde")
    getal = fmt.getal(doel.streefwaarde, fmt.decimalen([doel.streefwaarde], 2))
    woord = _RICHTING_WOORD.get(doel.richting, "")
    jaar = f" {doel.streefjaar}" if doel.streefjaar else ""
    return f"streefwaarde{jaar}: {woord + ' ' if woord else ''}{getal}{'%' if procent else ''}"


def markeer_streefwaarde(
    fig: go.Figure, waarde: float, label: str, procent: bool = False
) -> go.Figure:
    """A dotted line at the target `waarde` with its short `label` at the right end, across
    the plot (a vertical line on a chart of horizontal bars). Drawn once, however often it is
    called; the value axis always reaches the line. `waarde` is in the unit of the chart's
    value axis (a percentage as 17.0 with `procent`, as on that axis); the label says it
    in words (`streefwaarde_label`)."""
    naam = STREEFWAARDE + label
    if any(a.name == naam for a in fig.layout.annotations):
        return fig
    horizontaal = bool(fig.data) and all(getattr(t, "orientation", None) == "h"
                                         for t in fig.data)
    lijn = {"line_dash": "dot", "line_color": "#B2182B", "line_width": 2, "name": naam}
    if horizontaal:
        _neem_op(fig.layout.xaxis, waarde)
        fig.add_vline(x=waarde, **lijn)
        fig.add_annotation(x=waarde, xref="x", y=1, yref="paper", text=label,
                           showarrow=False, xanchor="left", yanchor="bottom",
                           font={"size": 12, "color": "#B2182B"}, name=naam)
    else:
        _neem_op(fig.layout.yaxis, waarde)
        fig.add_hline(y=waarde, **lijn)
        fig.add_annotation(x=1, xref="paper", y=waarde, yref="y", text=label,
                           showarrow=False, xanchor="right", yanchor="bottom",
                           bgcolor="rgba(255,255,255,0.8)",
                           font={"size": 12, "color": "#B2182B"}, name=naam)
    return fig


def _neem_op(as_: go.layout.XAxis | go.layout.YAxis, waarde: float) -> None:
    """Let the axis' automatic range reach `waarde` (a target line, a value label)."""
    al = list(as_.autorangeoptions.include or ()) if as_.autorangeoptions else []
    as_.update(autorangeoptions={"include": [*al, waarde]})


def markeer_doel(
    fig: go.Figure, sleutel: str, procent: bool = False,
    doelen: streefwaarden.Streefwaarden | None = None,
) -> go.Figure:
    """The target of indicator `sleutel` ('BW.wachtlijst') from config/streefwaarden.toml as
    a dotted line (`markeer_streefwaarde`); nothing when the indicator has no target."""
    doelen = doelen if doelen is not None else streefwaarden.laad()
    doel = doelen.get(sleutel)
    if doel is None or doel.streefwaarde is None:
        return fig
    return markeer_streefwaarde(fig, doel.streefwaarde, streefwaarde_label(doel, procent),
                                procent)


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
    waardelabels: bool = True,
    teken_overig: Callable[[], str] | str = "x",
    onderschrift: Mapping[tuple[str, str], str] | None = None,
) -> go.Figure:
    """Bars of `waarde` per `x`, one colour per value of `kleur` (stacked or grouped).
    `voorzieningen`: see `opmaak`. With `waardelabels` the bars carry their value
    (`markeer_waarden`): a real 0 reads '0', no figure '–', a figure the publieksversie hides
    (its mark in a `teken` column) its mark, never 0; `teken_overig` is the mark of a
    stack that takes in a hidden figure; `onderschrift` a second line under the value of
    the bar of (x, kleur), such as a percentage."""
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
    # a fixed gap, so a value label can find its bar within a group
    fig.update_layout(barmode="stack" if gestapeld else "group", bargap=BARGAP, bargroupgap=0)
    opmaak(fig, titel, y_titel, procent, voorzieningen)
    if horizontaal:
        fig.update_xaxes(type="linear", showgrid=True, gridcolor="#E5E5E5", automargin=True)
        fig.update_yaxes(type="category", autorange="reversed", ticksuffix="",
                         categoryorder="array",
                         categoryarray=list(dict.fromkeys(str(v) for v in frame[x])))
        fig.update_layout(hovermode="y unified")
    else:
        # the order the labels are placed in, whatever the frame's order
        volgorde = _perioden(fig) or list(dict.fromkeys(str(v) for v in frame[x]))
        fig.update_xaxes(categoryorder="array", categoryarray=volgorde)
    if waardelabels:
        markeer_waarden(fig, frame, x, kleur, decimalen, procent, teken_overig, onderschrift)
    return fig


# --- value labels ---------------------------------------------------------------------------

WAARDELABEL = "waardelabel"  # the name of a bar's value label in the figure
BARGAP = 0.2
GEEN_CIJFER = fmt.LEEG  # '–': no figure (a real 0 reads '0')
LABELS_PER_STUK = 12  # up to this many bar positions every bar is labelled
UITLEG_GEEN_CIJFER = "geen gegevens"
UITLEG_VERBORGEN = "niet gepubliceerd om kleine aantallen te beschermen"


@dataclass(frozen=True)
class _Label:
    positie: float  # on the category axis
    waarde: float  # where the label stands on the value axis
    tekst: str
    nul_of_leeg: bool  # a 0, no figure or a hidden one: what a bar cannot show
    uitleg: str | None = None  # on hover over the label: why there is no bar

    def met(self, onder: str | None) -> _Label:
        if not onder:
            return self
        return _Label(self.positie, self.waarde, f"{self.tekst}<br>{onder}", self.nul_of_leeg,
                      self.uitleg)


def _tekst(waarde: float, decimalen: int, procent: bool) -> str:
    return fmt.procent(waarde, decimalen) if procent else fmt.getal(waarde, decimalen)


def _label(rijen: pd.DataFrame, positie: float, decimalen: int, procent: bool,
           teken_overig: Callable[[], str] | str) -> _Label:
    """The label of one bar (or one stack: `rijen` are its parts)."""
    tekens = rijen["teken"].dropna() if "teken" in rijen.columns else pd.Series(dtype=object)
    if len(tekens):
        # hidden: its own mark when it is the bar itself, else (a stack that takes it in) the
        # mark of a figure hidden to protect another; never the sum of what is left
        teken = str(tekens.iloc[0]) if len(rijen) == 1 else (
            teken_overig() if callable(teken_overig) else teken_overig)
        return _Label(positie, 0.0, teken, True, UITLEG_VERBORGEN)
    waarden = rijen["waarde"].dropna()
    if waarden.empty:
        return _Label(positie, 0.0, GEEN_CIJFER, True, UITLEG_GEEN_CIJFER)
    totaal = float(waarden.sum())
    return _Label(positie, max(totaal, 0.0), _tekst(totaal, decimalen, procent), totaal == 0)


def markeer_waarden(
    fig: go.Figure, frame: pd.DataFrame, x: str, kleur: str, decimalen: int = 0,
    procent: bool = False, teken_overig: Callable[[], str] | str = "x",
    onderschrift: Mapping[tuple[str, str], str] | None = None,
) -> go.Figure:
    """Value labels on the bars of `staaf` (drawn from `frame`, the rows it drew): one per
    stack (its total) or, grouped, one per bar. A real 0 reads '0' and no figure '–', so an
    empty place is never silent; a hidden figure shows its mark and stays a gap. Over more
    than LABELS_PER_STUK places only these (0, '–', a mark) are labelled: a bar that can be
    seen shows its value on hover. `onderschrift`: see `staaf`. Drawn once, however often it
    is called."""
    if any(a.name == WAARDELABEL for a in fig.layout.annotations) or frame.empty:
        return fig
    horizontaal = all(getattr(t, "orientation", None) == "h" for t in fig.data)
    as_ = fig.layout.yaxis if horizontaal else fig.layout.xaxis
    volgorde = list(as_.categoryarray or dict.fromkeys(str(v) for v in frame[x]))
    index = {c: i for i, c in enumerate(volgorde)}
    sleutels = frame[x].astype(str)
    reeksen = list(dict.fromkeys(frame[kleur]))
    gegroepeerd = fig.layout.barmode == "group" and len(reeksen) > 1
    labels_: list[_Label] = []
    if gegroepeerd:
        breedte = (1 - BARGAP) / len(reeksen)
        for r, reeks in enumerate(reeksen):
            verschuiving = -(1 - BARGAP) / 2 + (r + 0.5) * breedte
            for categorie in volgorde:
                rijen = frame[(sleutels == categorie) & (frame[kleur] == reeks)]
                labels_.append(_label(rijen, index[categorie] + verschuiving, decimalen,
                                      procent, teken_overig).met(
                    (onderschrift or {}).get((categorie, reeks))))
    else:
        for categorie in volgorde:
            rijen = frame[sleutels == categorie]
            onder = (onderschrift or {}).get((categorie, rijen[kleur].iloc[0])) \
                if len(rijen) == 1 else None
            labels_.append(_label(rijen, index[categorie], decimalen, procent,
                                  teken_overig).met(onder))
    alle = len(labels_) <= LABELS_PER_STUK
    hoogste = max((label.waarde for label in labels_), default=0.0)
    for label in labels_:
        if not (alle or label.nul_of_leeg):
            continue
        plek = ({"x": label.waarde, "y": label.positie, "xanchor": "left", "yanchor": "middle",
                 "xshift": 3} if horizontaal else
                {"x": label.positie, "y": label.waarde, "xanchor": "center",
                 "yanchor": "bottom", "yshift": 1})
        fig.add_annotation(**plek, xref="x", yref="y", text=label.tekst, showarrow=False,
                           font={"size": 12, "color": TEKSTKLEUR}, name=WAARDELABEL,
                           hovertext=label.uitleg)
    if alle and hoogste > 0:
        # room above the highest bar for its label
        _neem_op(fig.layout.xaxis if horizontaal else fig.layout.yaxis, hoogste * 1.1)
    return fig


UITSCHIETER = "uitschieter: "  # the name of the label and the mark on a cut-off bar


def kap_uitschieter(fig: go.Figure, periode: str, factor: float = 2.5,
                    decimalen: int = 0) -> go.Figure:
    """On a chart of vertical bars (or of lines, `_kap_lijn`) over periods: when the bar
    (stack) of `periode` is more
    than `factor` times the highest other one, the value axis ends a little above the
    others, so they stay readable, and the cut-off bar says so: a white break across it and
    '↑ 257 in 2021-K1 (staaf afgekapt)' at the top (hover and the table keep the real
    figures; a stack with a part without a figure, hidden in the publieksversie, gets no
    total: its own label, the mark, stays).
    Meant for a known event's spike (the Wlz-overgang); drawn once."""
    naam = UITSCHIETER + periode
    staven = [t for t in fig.data if t.type == "bar" and getattr(t, "orientation", None) != "h"]
    if any(a.name == naam for a in fig.layout.annotations):
        return fig
    if not staven:
        return _kap_lijn(fig, periode, factor, decimalen)
    totalen: dict[str, float] = {}
    onvolledig = False  # a part without a figure (hidden in the publieksversie): no total
    for trace in staven:
        for x, y in zip(trace.x, trace.y, strict=True):
            if y is not None and not pd.isna(y) and y > 0:
                totalen[str(x)] = totalen.get(str(x), 0.0) + float(y)
            elif str(x) == periode and (y is None or pd.isna(y)):
                onvolledig = True
    piek = totalen.pop(periode, None)
    rest = max(totalen.values(), default=0.0)
    if piek is None or rest <= 0 or piek <= factor * rest:
        return fig
    volgorde = list(fig.layout.xaxis.categoryarray or sorted({*totalen, periode}))
    if periode not in volgorde:
        return fig
    plek, top = volgorde.index(periode), rest * 1.35
    fig.update_yaxes(range=[0, top], autorange=False)
    if onvolledig:
        # the stack's own label (a hidden figure's mark) stays; no sum of what is left
        tekst = f"↑ {periode} (staaf afgekapt)"
    else:
        # its own value label would stand far above the axis: the cut-off label replaces it
        fig.layout.annotations = [a for a in fig.layout.annotations
                                  if not (a.name == WAARDELABEL and a.x == plek)]
        tekst = f"↑ {fmt.getal(piek, decimalen)} in {periode} (staaf afgekapt)"
    fig.add_shape(type="line", x0=plek - 0.5, x1=plek + 0.5, y0=top * 0.9, y1=top * 0.93,
                  xref="x", yref="y", line={"color": "white", "width": 4}, name=naam)
    return _afgekapt(fig, plek, top, tekst, naam)


def _afgekapt(fig: go.Figure, x: object, top: float, tekst: str, naam: str) -> go.Figure:
    """The cut-off spike's label at the top of the value axis, right of its period."""
    fig.add_annotation(x=x, y=top, xref="x", yref="y", xanchor="left", yanchor="top",
                       xshift=6, text=tekst, showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                       font={"size": 12, "color": TEKSTKLEUR}, name=naam)
    return fig


def _kap_lijn(fig: go.Figure, periode: str, factor: float, decimalen: int) -> go.Figure:
    """kap_uitschieter for lines: when a line's point at `periode` is more than `factor`
    times the highest point of every line elsewhere, the value axis ends a little above
    those, and the cut-off point is named at the top ('↑ 257 in 2021-K1 (lijn afgekapt)';
    hover and the table keep the real figures)."""
    lijnen = [t for t in fig.data if t.type == "scatter" and "lines" in (t.mode or "lines")
              and t.x is not None and t.y is not None]
    piek: tuple[float, str] | None = None
    rest = 0.0
    for trace in lijnen:
        for x, y in zip(trace.x, trace.y, strict=True):
            if y is None or pd.isna(y):
                continue
            if str(x) == periode:
                if piek is None or float(y) > piek[0]:
                    piek = (float(y), str(trace.name or ""))
            else:
                rest = max(rest, float(y))
    if piek is None or rest <= 0 or piek[0] <= factor * rest:
        return fig
    top = rest * 1.35
    fig.update_yaxes(range=[0, top], autorange=False)
    wie = f"{piek[1]}: " if len(lijnen) > 1 and piek[1] else ""
    return _afgekapt(fig, periode, top, f"↑ {wie}{fmt.getal(piek[0], decimalen)} in {periode} "
                     "(lijn afgekapt)", UITSCHIETER + periode)


def waardelabels(fig: go.Figure) -> list[str]:
    """The value labels of a chart, in the order drawn (for tests and the report)."""
    return [a.text for a in fig.layout.annotations if a.name == WAARDELABEL]


# --- prognose (etl/sql/40_prognose.sql) ---------------------------------------------------------

PROGNOSE = "Prognose"
PROGNOSE_INTERVAL = "Prognose: 80%-interval"
WAARGENOMEN = "Waargenomen"
PROGNOSE_KLEUR = PALET_GEMEENTEN[0]
PROGNOSE_BAND = rgba(PROGNOSE_KLEUR, 0.18)
PROGNOSE_GRENS = "prognose-grens"  # the name of the line where the prognose starts
AANNAMES_BREEDTE = 120  # characters per line of the assumptions under the title


def _regels(tekst: str, breedte: int = AANNAMES_BREEDTE) -> str:
    """Plain text broken into lines for a Plotly text (which does not wrap), escaped: the
    assumptions are the monitor's own words, but Plotly reads `<` as markup."""
    return "<br>".join(html.escape(r) for r in textwrap.wrap(tekst, breedte))


def prognose_lijn(
    waargenomen: pd.DataFrame,
    prognose: pd.DataFrame,
    titel: str,
    y_titel: str = "",
    aannames: str = "",
    voorzieningen: Iterable[str] | None = None,
) -> go.Figure:
    """The observed series as a solid line and its prognose as a dashed one with the 80%
    interval shaded, both starting at the last observed quarter, a dotted line where the
    prognose begins and `aannames` under the title. `waargenomen`: periode, waarde;
    `prognose`: periode, waarde, ondergrens, bovengrens (after the observed quarters)."""
    fig = go.Figure()
    waargenomen = waargenomen.sort_values("periode")
    prognose = prognose.sort_values("periode")
    fig.add_trace(go.Scatter(
        x=waargenomen["periode"], y=waargenomen["waarde"], name=WAARGENOMEN,
        mode="lines+markers", marker={"size": 5},
        line={"color": VASTE_KLEUREN["TOTAAL"], "width": 3}, hovertemplate=_hover(0, False),
    ))
    begin = waargenomen.dropna(subset=["waarde"]).tail(1)
    x = [*begin["periode"], *prognose["periode"]]
    basis = [*begin["waarde"]]
    fig.add_trace(go.Scatter(
        x=x, y=[*basis, *prognose["ondergrens"]], mode="lines", line={"width": 0},
        showlegend=False, hoverinfo="skip", name=f"{PROGNOSE_INTERVAL} (ondergrens)",
    ))
    fig.add_trace(go.Scatter(
        x=x, y=[*basis, *prognose["bovengrens"]], mode="lines", line={"width": 0},
        fill="tonexty", fillcolor=PROGNOSE_BAND, name=PROGNOSE_INTERVAL,
        customdata=[[*basis, *basis],
                    *prognose[["ondergrens", "bovengrens"]].to_numpy().tolist()],
        hovertemplate="80%-interval: %{customdata[0]:,.0f} tot %{customdata[1]:,.0f}"
        "<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=x, y=[*basis, *prognose["waarde"]], name=PROGNOSE, mode="lines+markers",
        marker={"size": 6, "symbol": "circle-open"},
        line={"color": PROGNOSE_KLEUR, "width": 3, "dash": "dash"},
        hovertemplate="%{y:,.0f} (prognose)<extra></extra>",
    ))
    opmaak(fig, titel, y_titel, voorzieningen=voorzieningen)
    fig.update_layout(legend_traceorder="normal")  # a filled band would reverse it
    perioden = sorted(set(x) | set(waargenomen["periode"]))
    if len(begin):
        plek = perioden.index(begin["periode"].iloc[0])
        fig.add_vline(x=plek, line_dash="dot", line_color=MARKEERKLEUR, name=PROGNOSE_GRENS)
        fig.add_annotation(x=plek, y=1, yref="paper", text="prognose →", showarrow=False,
                           xanchor="left", yanchor="bottom", font={"size": 12},
                           name=PROGNOSE_GRENS)
    if aannames:
        regels = _regels(aannames)
        # the title at the top, the assumptions under it, and room below them for the labels
        # of the known events and of the prognose line above the plot
        fig.update_layout(title_subtitle_text=regels, title_subtitle_font_size=12,
                          title_yref="container", title_y=1, title_yanchor="top",
                          title_pad_t=10, margin_t=70 + 16 * (regels.count("<br>") + 1))
    return fig


def prognose_terugtoets(frame: pd.DataFrame, titel: str, y_titel: str = "",
                        voorzieningen: Iterable[str] | None = None) -> go.Figure:
    """The back-test: the observed figure of each quarter as a solid line and what the
    prognose said of it 1 and 4 quarters before, as points with their 80% interval. `frame`:
    periode, horizon, prognose, ondergrens, bovengrens, waargenomen."""
    fig = go.Figure()
    waargenomen = frame.drop_duplicates("periode").sort_values("periode")
    fig.add_trace(go.Scatter(
        x=waargenomen["periode"], y=waargenomen["waargenomen"], name=WAARGENOMEN,
        mode="lines+markers", marker={"size": 5},
        line={"color": VASTE_KLEUREN["TOTAAL"], "width": 3}, hovertemplate=_hover(0, False),
    ))
    for (horizon, deel), kleur, symbool in zip(
        frame.sort_values("periode").groupby("horizon", sort=True),
        PALET_CATEGORIEEN, ("circle-open", "diamond-open"), strict=False,
    ):
        vooruit = "1 kwartaal" if horizon == 1 else f"{horizon} kwartalen"
        fig.add_trace(go.Scatter(
            x=deel["periode"], y=deel["prognose"], name=f"{PROGNOSE} {vooruit} vooruit",
            mode="markers", marker={"size": 9, "symbol": symbool, "color": kleur,
                                    "line": {"width": 2}},
            error_y={"type": "data", "array": deel["bovengrens"] - deel["prognose"],
                     "arrayminus": deel["prognose"] - deel["ondergrens"], "color": kleur},
            hovertemplate=f"%{{y:,.0f}} (prognose {vooruit} vooruit)<extra></extra>",
        ))
    return opmaak(fig, titel, y_titel, voorzieningen=voorzieningen)
