"""Wachtlijsten: shaping and figures for the waiting-list page (pure functions, no Streamlit).

Inputs are long frames from `data.selectie` (periode, gemeentecode, gemeente, dimensie,
waarde, …); outputs are the frames behind each chart (with Dutch headers for the tables),
the tiles, and Plotly figures built on the shared chart helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from monitor import charts, data, fmt, labels
from monitor.perioden import kwartaal_verschuiven
from monitor.views import gepubliceerd

TOTAAL = "TOTAAL"
MAAT_MEDIAAN = "Mediaan"
MAAT_P90 = "90e percentiel"
REEKS_WACHTLIJST = "Wachtlijst"
REEKS_VRIJ = "Vrije plekken"
KLEUREN_WACHTTIJD = {MAAT_MEDIAAN: "#4477AA", MAAT_P90: "#EE6677"}
KLEUREN_VRIJ = {REEKS_WACHTLIJST: "#EE6677", REEKS_VRIJ: "#228833"}


@dataclass(frozen=True)
class Tegel:
    """One tile: a figure of the last quarter with its changes, ready to display."""

    label: str
    indicator: str
    waarde: str
    delta: str | None
    toelichting: str
    uitleg: str | None
    reeks: tuple[float, ...]

    def delta_kleur(self, kleur: str) -> str:
        """`kleur` for a real change; grey when unchanged (Streamlit would draw '0' as a rise)."""
        return kleur if self.delta and self.delta[0] in "+-" else "off"


def kolomnaam(naam: str, per_10000: bool) -> str:
    """The value column of a table: 'Wachtlijst' or 'Wachtlijst per 10.000 inwoners'."""
    return f"{naam} per 10.000 inwoners" if per_10000 else naam


def y_titel(per_10000: bool) -> str:
    return "per 10.000 inwoners" if per_10000 else "aantal"


def dimensie_waarde(dimensie: pd.Series) -> pd.Series:
    """'product=BW hoog' -> 'BW hoog'."""
    return dimensie.str.split("=", n=1).str[1]


def per_categorie(frame: pd.DataFrame, volgorde: Iterable[str] = ()) -> pd.DataFrame:
    """Region rows with a dimension -> periode, categorie, waarde (known categories first)."""
    if frame.empty:
        return pd.DataFrame(columns=["periode", "categorie", "waarde"])
    kolommen = ["periode", "dimensie", "waarde", *(["teken"] if "teken" in frame else [])]
    result = frame.loc[frame["gemeentecode"] == TOTAAL, kolommen].copy()
    result["categorie"] = dimensie_waarde(result.pop("dimensie"))
    rang = {naam: index for index, naam in enumerate(volgorde)}
    result["_rang"] = result["categorie"].map(lambda c: rang.get(c, len(rang)))
    result = result.sort_values(["periode", "_rang", "categorie"]).drop(columns="_rang")
    return result[["periode", "categorie", "waarde", *kolommen[3:]]].reset_index(drop=True)


def tabel_categorie(frame: pd.DataFrame, kop: str, eenheid: str) -> pd.DataFrame:
    """The table behind a stacked-bar chart: Periode, <kop>, <eenheid> (a hidden figure shows
    its mark)."""
    return pd.DataFrame({"Periode": frame["periode"], kop: frame["categorie"],
                         eenheid: gepubliceerd.getoond(frame)})


def per_gemeente(frame: pd.DataFrame, volgorde: Iterable[str]) -> pd.DataFrame:
    """Rows per municipality (region total first, then reference order) for the line chart."""
    if frame.empty:
        return pd.DataFrame(columns=["periode", "gemeentecode", "gemeente", "waarde"])
    rang = {code: index for index, code in enumerate([TOTAAL, *volgorde])}
    kolommen = ["periode", "gemeentecode", "gemeente", "waarde"]
    result = frame[kolommen + (["teken"] if "teken" in frame else [])].copy()
    result["_rang"] = result["gemeentecode"].map(lambda c: rang.get(c, len(rang)))
    result = result.sort_values(["_rang", "periode"]).drop(columns="_rang")
    return result.reset_index(drop=True)


def tabel_gemeente(frame: pd.DataFrame, eenheid: str) -> pd.DataFrame:
    """The table behind a line chart per municipality (a hidden figure shows its mark)."""
    return pd.DataFrame({"Periode": frame["periode"], "Gemeente": frame["gemeente"],
                         eenheid: gepubliceerd.getoond(frame)})


def wachttijd(mediaan: pd.DataFrame, p90: pd.DataFrame) -> pd.DataFrame:
    """Region median and 90th percentile per quarter, long: periode, maat, waarde."""
    delen = []
    for naam, frame in ((MAAT_MEDIAAN, mediaan), (MAAT_P90, p90)):
        deel = frame.loc[frame["gemeentecode"] == TOTAAL, ["periode", "waarde"]].copy()
        deel["maat"] = naam
        delen.append(deel)
    result = pd.concat(delen, ignore_index=True)
    return result.sort_values(["maat", "periode"], key=_maat_volgorde).reset_index(drop=True)


def _maat_volgorde(kolom: pd.Series) -> pd.Series:
    if kolom.name == "maat":
        return kolom.map({MAAT_MEDIAAN: 0, MAAT_P90: 1})
    return kolom


def tabel_wachttijd(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"periode": "Periode", "maat": "Maat", "waarde": "Dagen"})[
        ["Periode", "Maat", "Dagen"]
    ]


def vrije_plekken(
    wachtlijst: pd.DataFrame, capaciteit: pd.DataFrame, bezetting: pd.DataFrame
) -> pd.DataFrame:
    """Region wachtlijst next to free places (capaciteit − bezetting) per quarter.

    Quarters without a capacity figure get no free places (NaN), never a guess; a negative
    value means more clients than registered places.
    """
    def regio(frame: pd.DataFrame, naam: str) -> pd.Series:
        rows = frame[frame["gemeentecode"] == TOTAAL]
        return pd.Series(rows["waarde"].to_numpy(), index=rows["periode"], name=naam)

    result = pd.concat(
        [regio(wachtlijst, "wachtlijst"), regio(capaciteit, "capaciteit"),
         regio(bezetting, "bezetting")], axis=1,
    ).sort_index()
    result["vrij"] = result["capaciteit"] - result["bezetting"]
    result = result.dropna(subset=["wachtlijst"]).rename_axis("periode").reset_index()
    return result[["periode", "wachtlijst", "vrij"]]


def vrij_ontbreekt(frame: pd.DataFrame) -> bool:
    """Whether some quarters have a wachtlijst but no capacity figure to compare with."""
    return bool(frame["vrij"].isna().any())


def tabel_vrij(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"periode": "Periode", "wachtlijst": REEKS_WACHTLIJST,
                                 "vrij": REEKS_VRIJ})


def tegel(
    frame: pd.DataFrame,
    indicator: str,
    kwartaal: str,
    van: str,
    label: str,
    decimalen: int = 0,
    procent: bool = False,
    uitleg: str | None = None,
) -> Tegel:
    """A tile from a region series (periode, waarde): the quarter, its changes and a trend.

    `frame` may reach back further than `van` (the year-earlier quarter); the trend line
    shows the selected period only. With `procent` the value is a percentage (3.5 = 3,5%)
    and its changes are in %-punt.
    """
    regio = frame[frame["gemeentecode"] == TOTAAL] if "gemeentecode" in frame else frame
    waarden = dict(zip(regio["periode"], regio["waarde"], strict=True))
    nu = waarden.get(kwartaal)
    vorig, jaar = kwartaal_verschuiven(kwartaal, -1), kwartaal_verschuiven(kwartaal, -4)
    eenheid = "%-punt" if procent else ""
    delta = _verschil(nu, waarden.get(vorig), decimalen, eenheid)
    delta_jaar = _verschil(nu, waarden.get(jaar), decimalen, eenheid)
    reeks = tuple(float(waarden[p]) for p in sorted(waarden) if van <= p <= kwartaal
                  and pd.notna(waarden[p]))
    return Tegel(
        label=label,
        indicator=indicator,
        waarde=(fmt.procent(_getal(nu), decimalen) if procent
                else fmt.getal(_getal(nu), decimalen)),
        delta=f"{delta} t.o.v. {vorig}" if delta else None,
        toelichting=f"{delta_jaar} t.o.v. {jaar}" if delta_jaar else f"{jaar}: geen cijfer",
        uitleg=uitleg or labels.DEFINITIES.get(indicator),
        reeks=reeks,
    )


def _getal(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _verschil(nu: object, dan: object, decimalen: int, eenheid: str = "") -> str:
    nu, dan = _getal(nu), _getal(dan)
    return "" if nu is None or dan is None else fmt.verschil(nu - dan, decimalen, eenheid)


def reeks_vrij(frame: pd.DataFrame) -> pd.DataFrame:
    """The free places of `vrije_plekken` as a series (periode, waarde) for a tile."""
    return frame.rename(columns={"vrij": "waarde"})[["periode", "waarde"]]


def in_periode(frame: pd.DataFrame, van: str, tot: str) -> pd.DataFrame:
    return frame[(frame["periode"] >= van) & (frame["periode"] <= tot)].reset_index(drop=True)


# --- figures --------------------------------------------------------------------------------


def kwartaal_as(fig: go.Figure, perioden: Iterable[str]) -> go.Figure:
    """Keep quarter labels readable: the shared period axis (`charts.kwartaal_as`)."""
    return charts.kwartaal_as(fig, perioden)


def fig_categorie(
    frame: pd.DataFrame, titel: str, y_titel: str, decimalen: int, volgorde: Iterable[str] = (),
    voorziening: str | None = None,
) -> go.Figure:
    """Stacked bars per category; colours follow `volgorde`, so a filtered chart keeps them."""
    bekend = list(volgorde)
    extra = [c for c in frame["categorie"].drop_duplicates() if c not in bekend]
    kleuren = charts.categorie_kleuren([*bekend, *extra])
    fig = charts.staaf(frame, x="periode", kleur="categorie", kleuren=kleuren, titel=titel,
                       y_titel=y_titel, decimalen=decimalen, voorzieningen=_van(voorziening),
                       teken_overig=data.teken_overig)  # the shown snapshot's own mark
    return kwartaal_as(fig, frame["periode"])


def fig_gemeenten(
    frame: pd.DataFrame, kleuren: Mapping[str, str], titel: str, y_titel: str, decimalen: int,
    voorziening: str | None = None,
) -> go.Figure:
    fig = charts.lijn_per_gemeente(frame, kleuren, titel, y_titel, decimalen=decimalen,
                                   voorzieningen=_van(voorziening))
    return kwartaal_as(fig, frame["periode"])


def _lijnen(
    frame: pd.DataFrame, reeks: str, kleuren: Mapping[str, str], decimalen: int = 0
) -> go.Figure:
    fig = go.Figure()
    for naam, deel in frame.groupby(reeks, sort=False):
        fig.add_trace(go.Scatter(
            x=deel["periode"], y=deel["waarde"], name=str(naam), mode="lines+markers",
            marker={"size": 5}, line={"color": kleuren.get(naam, "#444444"), "width": 2},
            hovertemplate=f"%{{y:,.{decimalen}f}}",
        ))
    return kwartaal_as(fig, frame["periode"])


def met_streefwaarde(
    fig: go.Figure, voorziening: str, per_10000: bool, dimensie: str | None
) -> go.Figure:
    """The region's target for the wachtlijst of `voorziening` (config/streefwaarden.toml),
    on a chart of the whole voorziening's region figure in people: not per 10.000 inwoners
    and not for one product (the target is neither)."""
    if per_10000 or dimensie is not None:
        return fig
    return charts.markeer_doel(fig, f"{voorziening}.wachtlijst")


def _van(voorziening: str | None) -> tuple[str, ...] | None:
    # the known events of the page's voorziening (config/gebeurtenissen.toml) on every chart
    # of it, also when its title does not name it; None: those the chart names
    return None if voorziening is None else (voorziening,)


def fig_wachttijd(frame: pd.DataFrame, titel: str, voorziening: str | None = None
                  ) -> go.Figure:
    return charts.opmaak(_lijnen(frame, "maat", KLEUREN_WACHTTIJD, decimalen=1), titel, "dagen",
                         voorzieningen=_van(voorziening))


def fig_vrij(frame: pd.DataFrame, titel: str, voorziening: str | None = None) -> go.Figure:
    lang = frame.melt(id_vars="periode", value_vars=["wachtlijst", "vrij"], var_name="reeks",
                      value_name="waarde")
    lang["reeks"] = lang["reeks"].map({"wachtlijst": REEKS_WACHTLIJST, "vrij": REEKS_VRIJ})
    fig = charts.opmaak(_lijnen(lang, "reeks", KLEUREN_VRIJ), titel, "aantal",
                        voorzieningen=_van(voorziening))
    # free places can be negative (more clients than places): mark zero
    fig.update_yaxes(zeroline=True, zerolinecolor="#999999")
    return fig

