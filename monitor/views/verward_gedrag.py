"""Verward gedrag (E33) and OGGZ adviesaanvragen: shaping and figures (no Streamlit).

Published yearly figures and years added up from the quarterly series are kept apart
(`soort`) and drawn as separate traces; the police registration change of March 2020
(lighter reports counted too) is marked as a series break in every E33 chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from etl.settings import basis_bron
from monitor import charts, fmt, labels
from monitor.perioden import kwartaal_verschuiven

# Tiles and municipality lines look the same as on the Wachtlijsten page: re-exported.
from monitor.views.wachtlijsten import Tegel as Tegel
from monitor.views.wachtlijsten import kolomnaam as kolomnaam
from monitor.views.wachtlijsten import kwartaal_as
from monitor.views.wachtlijsten import per_gemeente as per_gemeente
from monitor.views.wachtlijsten import tabel_gemeente as tabel_gemeente
from monitor.views.wachtlijsten import tegel as tegel
from monitor.views.wachtlijsten import y_titel as y_titel

TOTAAL = "TOTAAL"
GEPUBLICEERD = "gepubliceerd"
AFGELEID = "afgeleid uit kwartalen"
# National change in the police registration (E33 includes lighter reports from March 2020):
# the first whole year and the first whole quarter after it.
TRENDBREUK_JAAR = "2020"
TRENDBREUK_KWARTAAL = "2020-K2"
VANAF = "0000"  # lower bound for "every year in the warehouse"


def jaren(frame: pd.DataFrame, volgorde: Iterable[str]) -> pd.DataFrame:
    """Yearly rows (query verward_gedrag_jaren) with `soort`: published or derived."""
    kolommen = ["periode", "gemeentecode", "gemeente", "waarde", "soort", "bron"]
    if frame.empty:
        return pd.DataFrame(columns=kolommen)
    result = frame.copy()
    result["soort"] = result["uit_kwartalen"].map({True: AFGELEID, False: GEPUBLICEERD})
    rang = {code: index for index, code in enumerate([TOTAAL, *volgorde])}
    result["_rang"] = result["gemeentecode"].map(lambda c: rang.get(c, len(rang)))
    result = result.sort_values(["_rang", "periode", "soort"]).drop(columns="_rang")
    return result[kolommen].reset_index(drop=True)


def tabel_jaren(frame: pd.DataFrame, eenheid: str) -> pd.DataFrame:
    return frame.rename(columns={"periode": "Jaar", "gemeente": "Gemeente", "waarde": eenheid,
                                 "soort": "Soort", "bron": "Bron"})[
        ["Jaar", "Gemeente", eenheid, "Soort", "Bron"]
    ]


def oggz_gepubliceerd(frame: pd.DataFrame, volgorde: Iterable[str]) -> pd.DataFrame:
    """The published yearly OGGZ table: share of the region and per 10,000, per municipality.

    Only years delivered as years (not added up from quarters) are published figures.
    """
    kolommen = ["Jaar", "Gemeente", "Aandeel in de regio (%)", "Per 10.000 inwoners", "Bron"]
    gepubliceerd = frame[~frame["uit_kwartalen"]] if not frame.empty else frame
    if gepubliceerd.empty:
        return pd.DataFrame(columns=kolommen)
    breed = gepubliceerd.pivot_table(
        index=["periode", "gemeentecode", "gemeente", "bron"], columns="indicator",
        values="waarde", aggfunc="first",
    ).reset_index()
    breed.columns.name = None
    for indicator in ("adviesaanvragen_pct", "adviesaanvragen_per_10000"):
        if indicator not in breed:
            breed[indicator] = float("nan")
    rang = {code: index for index, code in enumerate([TOTAAL, *volgorde])}
    breed["_rang"] = breed["gemeentecode"].map(lambda c: rang.get(c, len(rang)))
    breed = breed.sort_values(["periode", "_rang"])
    breed = breed.rename(columns={
        "periode": "Jaar", "gemeente": "Gemeente", "bron": "Bron",
        "adviesaanvragen_pct": "Aandeel in de regio (%)",
        "adviesaanvragen_per_10000": "Per 10.000 inwoners",
    })
    return breed[kolommen].reset_index(drop=True)


def bijschrift_jaren(frame: pd.DataFrame) -> str:
    """Which years are published and which are added up from quarters, with their bron."""
    delen = []
    for soort, tekst in ((GEPUBLICEERD, "gepubliceerd als jaarcijfer"),
                         (AFGELEID, "opgeteld uit de vier kwartalen")):
        deel = frame[frame["soort"] == soort]
        if deel.empty:
            continue
        bronnen = ", ".join(sorted({basis_bron(b) for b in deel["bron"]}))
        delen.append(f"{deel['periode'].min()}–{deel['periode'].max()} {tekst} (bron: {bronnen})")
    if not delen:
        return ""
    return "; ".join(delen) + ". Een jaar met minder dan vier kwartalen ontbreekt."


def tegel_kwartaal(frame: pd.DataFrame, kwartaal: str, van: str, label: str) -> Tegel:
    """The quarterly meldingen tile; says so when the year-earlier comparison crosses the break."""
    result = tegel(frame, "meldingen", kwartaal, van, label)
    if over_breuk(kwartaal):
        return replace(result, toelichting=f"{result.toelichting} (over de trendbreuk heen)")
    return result


def laatste_volledige_jaar(kwartaal: str) -> str:
    """The last year whose four quarters lie within a selection ending in `kwartaal`."""
    jaar = int(kwartaal[:4])
    return str(jaar if kwartaal.endswith("K4") else jaar - 1)


def tegel_jaar(frame: pd.DataFrame, jaar: str, indicator: str, label: str) -> Tegel:
    """A tile for `jaar` against the year before, from `jaren` rows of the region."""
    regio = frame[frame["gemeentecode"] == TOTAAL]
    waarden = {p: (w, s) for p, w, s in zip(regio["periode"], regio["waarde"], regio["soort"],
                                            strict=True)}
    vorig = str(int(jaar) - 1)
    nu, dan = waarden.get(jaar, (None, None)), waarden.get(vorig, (None, None))
    verschil = ("" if nu[0] is None or dan[0] is None
                else fmt.verschil(float(nu[0]) - float(dan[0])))
    notities = []
    if nu[1] and dan[1] and nu[1] != dan[1]:
        notities.append(f"{vorig} is {dan[1]}, {jaar} {nu[1]}")
    if vorig < TRENDBREUK_JAAR <= jaar:
        notities.append("over de trendbreuk van maart 2020 heen")
    return Tegel(
        label=label,
        indicator=indicator,
        waarde=fmt.getal(None if nu[0] is None else float(nu[0])),
        delta=f"{verschil} t.o.v. {vorig}" if verschil else None,
        toelichting="; ".join(notities).capitalize() if notities else "Regio totaal.",
        uitleg=labels.DEFINITIES.get(indicator),
        reeks=(),
    )


def over_breuk(kwartaal: str) -> bool:
    """Whether comparing `kwartaal` with a year earlier crosses the series break."""
    return kwartaal_verschuiven(kwartaal, -4) < TRENDBREUK_KWARTAAL <= kwartaal


# --- figures --------------------------------------------------------------------------------


def fig_jaren(
    frame: pd.DataFrame, kleuren: Mapping[str, str], titel: str, y_titel: str, decimalen: int
) -> go.Figure:
    """Years per municipality: derived years solid, published years dotted with squares."""
    fig = go.Figure()
    hover = f"%{{y:,.{decimalen}f}}"
    # the legend names each municipality once (its derived line); one extra entry explains
    # the dotted published lines
    met_afgeleid = set(frame.loc[frame["soort"] == AFGELEID, "gemeentecode"])
    for (code, soort), deel in frame.groupby(["gemeentecode", "soort"], sort=False):
        naam = deel["gemeente"].iloc[0]
        gepubliceerd = soort == GEPUBLICEERD
        fig.add_trace(go.Scatter(
            x=deel["periode"], y=deel["waarde"],
            name=f"{naam} ({GEPUBLICEERD})" if gepubliceerd else naam,
            legendgroup=code, showlegend=not gepubliceerd or code not in met_afgeleid,
            mode="lines+markers",
            marker={"size": 8 if gepubliceerd else 5,
                    "symbol": "square-open" if gepubliceerd else "circle"},
            line={"color": kleuren.get(code, "#444444"), "dash": "dot" if gepubliceerd else None,
                  "width": 3 if code == TOTAAL else 2},
            hovertemplate=hover,
        ))
    if (frame["soort"] == GEPUBLICEERD).any():
        # a legend entry that explains the dotted lines
        fig.add_trace(go.Scatter(
            x=[None], y=[None], name="gepubliceerd jaarcijfer (stippellijn, open vierkant)",
            mode="lines+markers", marker={"symbol": "square-open", "size": 8},
            line={"color": "#666666", "dash": "dot"}, hoverinfo="skip",
        ))
    # the series break (maart 2020) is a known event: charts.opmaak draws it from config
    fig.update_xaxes(categoryorder="array", categoryarray=sorted(frame["periode"].unique()))
    return charts.opmaak(fig, titel, y_titel, voorzieningen=("E33",))


def fig_kwartalen(
    frame: pd.DataFrame,
    kleuren: Mapping[str, str],
    titel: str,
    y_titel: str,
    decimalen: int,
    voorzieningen: tuple[str, ...] = (),
) -> go.Figure:
    """Quarters per municipality; the known events of `voorzieningen` marked."""
    fig = charts.lijn_per_gemeente(frame, kleuren, titel, y_titel, decimalen=decimalen,
                                   voorzieningen=voorzieningen)
    kwartaal_as(fig, sorted(frame["periode"].unique()))
    return fig
