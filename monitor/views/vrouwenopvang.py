"""Vrouwenopvang: shaping and figures for the VO page (pure functions, no Streamlit).

The warehouse holds single breakdowns only (product, met_kinderen), not their cross; the
published yearly tables (tellingen) are shaped apart and never joined to derived figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from etl.settings import basis_bron
from monitor import charts, data
from monitor.views import gepubliceerd
from monitor.views.wachtlijsten import TOTAAL, dimensie_waarde, kwartaal_as, per_categorie

# Same tiles and tables as the other explorer pages of this helper: re-exported.
from monitor.views.wachtlijsten import Tegel as Tegel
from monitor.views.wachtlijsten import fig_categorie as fig_categorie
from monitor.views.wachtlijsten import kolomnaam as kolomnaam
from monitor.views.wachtlijsten import tegel as tegel
from monitor.views.wachtlijsten import y_titel as y_titel

BUITEN = "BUITEN"
ONBEKEND = "ONBEKEND"
MET_KINDEREN = {"ja": "Met kinderen", "nee": "Zonder kinderen"}
PUBLICATIE_INDICATOREN = ("clienten", "clienten_met_kinderen", "clienten_alleenstaand")
PUBLICATIE_KOPPEN = {
    "clienten": "Cliënten",
    "clienten_met_kinderen": "Met kinderen",
    "clienten_alleenstaand": "Alleenstaand",
}


def per_product(frame: pd.DataFrame, producten: Iterable[str]) -> pd.DataFrame:
    """Region rows by product -> periode, categorie, waarde in the contract's product order."""
    return per_categorie(frame, producten)


def kinderen(frame: pd.DataFrame) -> pd.DataFrame:
    """Region rows by met_kinderen -> periode, categorie ('Met/Zonder kinderen'), waarde."""
    result = per_categorie(frame, MET_KINDEREN)
    result["categorie"] = result["categorie"].map(lambda c: MET_KINDEREN.get(c, c))
    return result


def per_onderwerp(onderwerp: str, frame: pd.DataFrame, producten: Iterable[str]) -> pd.DataFrame:
    """`per_product` or `kinderen`, by name (the page draws both the same way)."""
    return per_product(frame, producten) if onderwerp == "product" else kinderen(frame)


def volgorde(onderwerp: str, producten: Iterable[str]) -> list[str]:
    """The fixed category order (and so colours) of a breakdown."""
    return list(producten) if onderwerp == "product" else list(MET_KINDEREN.values())


def tabel_categorie(
    frame: pd.DataFrame, kop: str, eenheid: str, periode_type: str = "kwartaal"
) -> pd.DataFrame:
    """The table behind a bar chart: Periode (or Jaar), <kop>, <eenheid>."""
    periode = "Jaar" if periode_type == "jaar" else "Periode"
    return pd.DataFrame({periode: frame["periode"], kop: frame["categorie"],
                         eenheid: gepubliceerd.getoond(frame)})


@dataclass(frozen=True)
class Publicatie:
    titel: str
    bronnen: str


def publicatie(frame: pd.DataFrame) -> Publicatie:
    """Title ('Gepubliceerd 2018') and sources of the published rows."""
    jaren = ", ".join(sorted(frame["periode"].unique()))
    return Publicatie(titel=f"Gepubliceerd {jaren}".strip(),
                      bronnen=", ".join(sorted({basis_bron(b) for b in frame["bron"]})))


def per_gemeente(frame: pd.DataFrame, volgorde: Iterable[str]) -> pd.DataFrame:
    """Rows per municipality (reference order, then outside the region and unknown)."""
    kolommen = ["periode", "gemeentecode", "gemeente", "waarde"]
    rijen = frame[frame["gemeentecode"] != TOTAAL] if not frame.empty else frame
    if rijen.empty:
        return pd.DataFrame(columns=kolommen)
    rang = {code: index for index, code in enumerate([*volgorde, BUITEN, ONBEKEND])}
    result = rijen[kolommen].copy()
    result["_rang"] = result["gemeentecode"].map(lambda c: rang.get(c, len(rang)))
    return result.sort_values(["periode", "_rang"]).drop(columns="_rang").reset_index(drop=True)


def tabel_gemeente(frame: pd.DataFrame, kop: str, eenheid: str) -> pd.DataFrame:
    return frame.rename(columns={"periode": "Periode", "gemeente": kop, "waarde": eenheid})[
        ["Periode", kop, eenheid]
    ]


def aandeel(teller: pd.DataFrame, noemer: pd.DataFrame) -> pd.DataFrame:
    """teller / noemer × 100 per period (periode, waarde); no figure where noemer is 0."""
    # a hidden count (publieksversie) leaves its period without a share, never one made from 0
    boven = gepubliceerd.som(teller, ["periode"]).set_index("periode")["waarde"]
    onder = gepubliceerd.som(noemer, ["periode"]).set_index("periode")["waarde"]
    result = (boven.reindex(onder.index, fill_value=0.0) / onder.where(onder > 0) * 100).round(1)
    return result.rename("waarde").rename_axis("periode").reset_index()


def aandeel_buiten(herkomst: pd.DataFrame) -> pd.DataFrame:
    """Share of the region's clients who come from outside the region, per quarter."""
    return aandeel(herkomst[herkomst["gemeentecode"] == BUITEN],
                   herkomst[herkomst["gemeentecode"] == TOTAAL])


def aandeel_kinderen(met_kinderen: pd.DataFrame) -> pd.DataFrame:
    """Share with children among the region's clients whose situation is known."""
    regio = met_kinderen[met_kinderen["gemeentecode"] == TOTAAL]
    return aandeel(regio[regio["dimensie"] == "met_kinderen=ja"], regio)


def gepubliceerd_per_product(
    frame: pd.DataFrame, producten: Iterable[str], per_10000: bool, product: str | None = None
) -> pd.DataFrame:
    """The published region table: per year and product, clients with and without children."""
    suffix = "_per_10000" if per_10000 else ""
    kolommen = ["Jaar", "Product", *PUBLICATIE_KOPPEN.values(), "Bron"]
    rijen = frame[(frame["gemeentecode"] == TOTAAL) & frame["dimensie"].notna()]
    rijen = rijen[rijen["indicator"].isin([i + suffix for i in PUBLICATIE_INDICATOREN])]
    if product:
        rijen = rijen[rijen["dimensie"] == f"product={product}"]
    if rijen.empty:
        return pd.DataFrame(columns=kolommen)
    rijen = rijen.assign(product=dimensie_waarde(rijen["dimensie"]),
                         indicator=rijen["indicator"].str.removesuffix(suffix))
    breed = rijen.pivot_table(index=["periode", "product", "bron"], columns="indicator",
                              values="waarde", aggfunc="first").reset_index()
    breed.columns.name = None
    for indicator in PUBLICATIE_INDICATOREN:
        if indicator not in breed:
            breed[indicator] = float("nan")
    breed = breed.rename(columns={"periode": "Jaar", "product": "Product", "bron": "Bron",
                                  **PUBLICATIE_KOPPEN})
    rang = {naam: index for index, naam in enumerate(producten)}
    breed["_rang"] = breed["Product"].map(lambda p: rang.get(p, len(rang)))
    return breed.sort_values(["Jaar", "_rang"])[kolommen].reset_index(drop=True)


def gepubliceerd_per_gemeente(
    frame: pd.DataFrame,
    volgorde: Iterable[str],
    producten: Iterable[str],
    per_10000: bool,
    product: str | None = None,
) -> pd.DataFrame:
    """The published clients per municipality (incl. outside the region) and product."""
    indicator = "clienten_per_10000" if per_10000 else "clienten"
    rijen = frame[(frame["indicator"] == indicator) & frame["dimensie"].notna()]
    if product:
        rijen = rijen[rijen["dimensie"] == f"product={product}"]
    if rijen.empty:
        return pd.DataFrame(columns=["Jaar", "Gemeente", "Bron"])
    rijen = rijen.assign(product=dimensie_waarde(rijen["dimensie"]))
    breed = rijen.pivot_table(index=["periode", "gemeentecode", "gemeente", "bron"],
                              columns="product", values="waarde", aggfunc="first").reset_index()
    breed.columns.name = None
    kolommen = [p for p in producten if p in breed]
    rang = {code: index for index, code in enumerate([TOTAAL, *volgorde, BUITEN, ONBEKEND])}
    breed["_rang"] = breed["gemeentecode"].map(lambda c: rang.get(c, len(rang)))
    breed = breed.sort_values(["periode", "_rang"])
    breed = breed.rename(columns={"periode": "Jaar", "gemeente": "Gemeente", "bron": "Bron"})
    return breed[["Jaar", "Gemeente", *kolommen, "Bron"]].reset_index(drop=True)


def fig_gemeenten(
    frame: pd.DataFrame,
    kleuren: Mapping[str, str],
    titel: str,
    y_titel: str,
    decimalen: int,
    gestapeld: bool,
) -> go.Figure:
    """Bars per period, one colour per municipality (the region's fixed colours)."""
    naam_kleuren = {naam: kleuren.get(code, "#666666")
                    for code, naam in zip(frame["gemeentecode"], frame["gemeente"], strict=True)}
    fig = charts.staaf(frame, x="periode", kleur="gemeente", kleuren=naam_kleuren, titel=titel,
                       y_titel=y_titel, gestapeld=gestapeld, decimalen=decimalen,
                       teken_overig=data.teken_overig)  # the shown snapshot's own mark
    return kwartaal_as(fig, frame["periode"])
