"""Uitstroom page: the data it needs, shaped into tiles, tables and figures.

`gegevens` is the only function that reads the warehouse (through monitor.data); the rest are
pure functions of DataFrames. The selection helpers come from the instroom view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from etl.settings import TOTAAL, UITSTROOMBESTEMMINGEN
from monitor import charts, data, fmt, gebeurtenissen, labels
from monitor.filters import Selectie
from monitor.views import gepubliceerd
from monitor.views.instroom import (
    GEEN_PER_10000,
    GEMEENTE_KOLOM,
    PER_10000_LABEL,
    Keuze,
    Tegel,
    als_kerncijfers,
    bestandsnaam,
    eenheid,
    grafiek_jaarpercentage,
    laatste_volledige_jaar,
    per_categorie,
    per_gemeente,
    ratio_rij,
    reeks,
    som_selectie,
    tabel_categorie,
    tabel_per_gemeente,
    tegel_jaarpercentage,
    tegel_kwartaal,
)

ZELFSTANDIG = ("Zelfstandig wonen", "Zelfstandig met ambulante begeleiding")
KLEUR_VERDELING = charts.PALET_CATEGORIEEN[0]
TOTAAL_SELECTIE = "Gekozen gemeenten samen"
DEFINITIE_VERDELING = (
    "Verblijfsduur (datum_uitstroom − datum_instroom, in kalendermaanden) van de trajecten "
    "die in de gekozen periode uitstroomden, in klassen."
)
# published figures of the instruments around uitstroom (issue 12: Housing First, Woonstart,
# logeerplekken), shown as published beside the derived figures
AANVULLEND_AANBOD = ("housing_first_trajecten", "woonstart_plekken", "logeerplekken")
# the counts Weer Thuis (%) is made of, numerator first
WEER_THUIS = ("uitstroom_eigen_gemeente", "uitstroom_woongemeente_bekend")
DEFINITIE_WEER_THUIS = (labels.DEFINITIES["uitstroom_eigen_gemeente_pct"] + " "
                        + labels.DEFINITIES["uitstroom_eigen_gemeente"])
DEFINITIE_EIGEN = (
    "Per herkomstgemeente: het deel van de uitstroom van haar cliënten dat vertrok uit een plek "
    "in die gemeente zelf (verblijfsgemeente = herkomstgemeente), over de gekozen periode."
)


@dataclass(frozen=True, eq=False)
class UitstroomBron:
    """What the page shows, as read from the warehouse (kerncijfers-shaped frames)."""

    periodes: tuple[str, ...]  # the quarters shown
    uitstroom: pd.DataFrame  # chosen perspective and product, from van − 1
    bestemming: pd.DataFrame  # dimensie bestemming=…, from van − 1
    mediaan: pd.DataFrame  # verblijfsduur_mediaan_dagen, from van − 1
    verdeling: pd.DataFrame  # volgorde, klasse, aantal over the quarters shown
    uitstroom_pct: pd.DataFrame  # years up to the end of the period
    eigen: pd.DataFrame  # verblijf rows split by herkomstgemeente, quarters shown
    per_herkomst: pd.DataFrame  # herkomst rows, quarters shown
    inwoners: pd.DataFrame
    # Weer Thuis: uitstroom_eigen_gemeente and uitstroom_woongemeente_bekend, herkomst and
    # TOTAAL rows, quarters shown; empty where not measured (or a product is chosen)
    weer_thuis: pd.DataFrame = field(default_factory=pd.DataFrame)
    aanbod: pd.DataFrame = field(default_factory=pd.DataFrame)  # AANVULLEND_AANBOD, all years
    publiek: bool = False  # the published figures: a cell not published is left out, not 0


def _trajecten(frame: pd.DataFrame) -> pd.DataFrame:
    # derived figures only: published yearly tables are never mixed into these series
    return frame[frame["bron"] == "trajecten"].reset_index(drop=True)


def gegevens(sel: Selectie, gemeenten: Mapping[str, str]) -> UitstroomBron:
    """Read what the uitstroom page shows for the selection (its only warehouse access)."""
    eerder = data.kwartaal_verschuiven(sel.van, -1)  # the tiles compare with the quarter before
    basis = {"gemeenten": list(sel.gemeenten), "tot": sel.tot}
    uitstroom = _trajecten(data.selectie(
        sel.voorziening, "uitstroom", van=eerder, perspectief=sel.perspectief,
        dimensie=sel.dimensie, **basis,
    ))
    if sel.product is None:
        bestemming = _trajecten(data.selectie(
            sel.voorziening, "uitstroom", van=eerder, perspectief=sel.perspectief,
            dimensie_naam="bestemming", **basis,
        ))
        eigen = _trajecten(data.selectie(
            sel.voorziening, "uitstroom", van=sel.van, perspectief="verblijf",
            dimensie_naam="herkomstgemeente", met_totaal=False, **basis,
        ))
        per_herkomst = _trajecten(data.selectie(
            sel.voorziening, "uitstroom", van=sel.van, perspectief="herkomst",
            met_totaal=False, **basis,
        ))
        weer_thuis = pd.concat([_trajecten(data.selectie(
            sel.voorziening, indicator, van=sel.van, perspectief="herkomst", **basis)
        ).assign(indicator=indicator) for indicator in WEER_THUIS], ignore_index=True)
    else:
        weer_thuis = pd.DataFrame()
        # kerncijfers does not cross product with bestemming or herkomst: count them
        stromen = data.query("uitstroom_stromen", voorziening=sel.voorziening,
                             product=sel.product, van=eerder, tot=sel.tot)
        bestemming = als_kerncijfers(stromen, GEMEENTE_KOLOM[sel.perspectief], "bestemming",
                                     "bestemming")
        binnen = stromen[stromen["periode"] >= sel.van]
        eigen = als_kerncijfers(binnen, "verblijfsgemeente", "herkomstgemeente",
                                "herkomstgemeente")
        per_herkomst = als_kerncijfers(binnen, "herkomstgemeente")
    return UitstroomBron(
        periodes=tuple(sorted(p for p in uitstroom["periode"].unique() if p >= sel.van)),
        uitstroom=uitstroom,
        bestemming=bestemming,
        mediaan=_trajecten(data.selectie(
            sel.voorziening, "verblijfsduur_mediaan_dagen", van=eerder,
            perspectief=sel.perspectief, dimensie=sel.dimensie, **basis,
        )),
        verdeling=data.query(
            "uitstroom_verblijfsduur", voorziening=sel.voorziening, product=sel.product,
            van=sel.van, tot=sel.tot, gemeenten=list(sel.gemeenten),
            perspectief=sel.perspectief, alle=set(sel.gemeenten) >= set(gemeenten),
        ),
        uitstroom_pct=_trajecten(data.selectie(
            sel.voorziening, "uitstroom_pct", van="0000-K1", periode_type="jaar",
            perspectief=sel.perspectief, dimensie=sel.dimensie, **basis,
        )),
        eigen=eigen,
        per_herkomst=per_herkomst,
        inwoners=data.query("instroom_inwoners"),
        weer_thuis=weer_thuis,
        aanbod=data.query("gepubliceerde_tellingen", indicatoren=list(AANVULLEND_AANBOD)),
        publiek=data.bron()[1],
    )


# --- shaping ---------------------------------------------------------------------------------


def aandeel_zelfstandig(bestemming: pd.DataFrame, k: Keuze) -> pd.DataFrame:
    """Per period: the share (%) of the selection's uitstroom that went to living
    independently (with or without ambulante begeleiding); none for a period in which a
    hidden figure would be part of it (a share is never made from what is left)."""
    if bestemming.empty:
        return pd.DataFrame(columns=["periode", "waarde"])
    deel = bestemming.assign(categorie=bestemming["dimensie"].str.split("=", n=1).str[1])
    som = som_selectie(deel, k, ("periode", "categorie"))
    totaal = gepubliceerd.som(som, ["periode"]).set_index("periode")["waarde"]
    zelfstandig = gepubliceerd.som(som[som["categorie"].isin(ZELFSTANDIG)], ["periode"])
    # a period without such rows had none (0); a hidden sum stays NaN
    zelfstandig = zelfstandig.set_index("periode")["waarde"].reindex(totaal.index, fill_value=0.0)
    aandeel = (100 * zelfstandig / totaal.where(totaal > 0)).round(1)
    return aandeel.dropna().rename("waarde").rename_axis("periode").reset_index()


def verdeling(frame: pd.DataFrame) -> pd.DataFrame:
    """Verblijfsduur classes with their count and share (%) of all uitstroom."""
    totaal = frame["aantal"].sum()
    result = frame.sort_values("volgorde")[["klasse", "aantal"]].reset_index(drop=True)
    result["aandeel"] = (100 * result["aantal"] / totaal).round(1) if totaal else 0.0
    return result


def eigen_gemeente(
    eigen: pd.DataFrame, per_herkomst: pd.DataFrame, gemeenten: Mapping[str, str],
    gekozen: tuple[str, ...],
) -> pd.DataFrame:
    """Per chosen herkomstgemeente, over the periods given: its uitstroom, how much of it left
    a place in the same municipality, and that share (%); then the chosen municipalities
    together. `eigen` holds verblijf rows with dimensie herkomstgemeente=<code>."""
    kolommen = ["gemeentecode", "gemeente", "uitstroom", "eigen", "aandeel"]
    if per_herkomst.empty:
        return pd.DataFrame(columns=kolommen)
    # a hidden figure makes its municipality's sum unknown (NaN), never a smaller sum
    totaal = gepubliceerd.som(per_herkomst[per_herkomst["dimensie"].isna()],
                              ["gemeentecode"]).set_index("gemeentecode")["waarde"]
    eigen_rijen = eigen[eigen["dimensie"] == "herkomstgemeente=" + eigen["gemeentecode"]]
    eigen_som = gepubliceerd.som(eigen_rijen, ["gemeentecode"]).set_index("gemeentecode")[
        "waarde"]
    rijen = [
        {"gemeentecode": code, "gemeente": gemeenten[code],
         "uitstroom": float(totaal.get(code, 0.0)), "eigen": float(eigen_som.get(code, 0.0))}
        for code in gemeenten if code in gekozen
    ]
    if len(rijen) > 1:
        rijen.append({"gemeentecode": TOTAAL, "gemeente": TOTAAL_SELECTIE,
                      "uitstroom": sum(r["uitstroom"] for r in rijen),
                      "eigen": sum(r["eigen"] for r in rijen)})
    result = pd.DataFrame(rijen, columns=kolommen[:4])
    result["aandeel"] = (100 * result["eigen"] / result["uitstroom"].where(
        result["uitstroom"] > 0)).round(1)
    return result


# --- tiles and charts --------------------------------------------------------------------------


def tegels(bron: UitstroomBron, k: Keuze, sel: Selectie) -> list[Tegel]:
    """Uitstroom and median stay in the last quarter, the yearly percentage, the share that
    went to live independently."""
    alle = tuple(sorted({*bron.uitstroom["periode"]}))
    decimalen = 2 if sel.per_10000 else 0
    achter = PER_10000_LABEL if sel.per_10000 else ""
    uitstroom = reeks(bron.uitstroom, k, alle, bron.inwoners if sel.per_10000 else None,
                      vul=not bron.publiek)
    code, _ = ratio_rij(k)
    mediaan = bron.mediaan[bron.mediaan["gemeentecode"] == code]
    return [
        tegel_kwartaal("uitstroom", f"Uitstroom {sel.tot}{achter}", uitstroom, sel.tot,
                       decimalen, labels.DEFINITIES["uitstroom"]),
        _met_eenheid(tegel_kwartaal(
            "verblijfsduur_mediaan_dagen", f"Mediane verblijfsduur {sel.tot}",
            mediaan, sel.tot, 0,
            f"{labels.DEFINITIES['verblijfsduur_mediaan_dagen']} {GEEN_PER_10000}", " dagen",
        ), " dagen"),
        tegel_jaarpercentage("uitstroom_pct", bron.uitstroom_pct, k,
                             laatste_volledige_jaar(sel.tot)),
        _met_eenheid(tegel_kwartaal(
            "uitstroom", f"Naar zelfstandig {sel.tot}", aandeel_zelfstandig(bron.bestemming, k),
            sel.tot, 1, "Deel van de uitstroom naar zelfstandig wonen, met of zonder ambulante "
            f"begeleiding. {GEEN_PER_10000}", "%-punt",
        ), "%"),
    ]


def _met_eenheid(tegel: Tegel, eenheid_tekst: str) -> Tegel:
    # a tile of days or a share carries its unit in the value (its change already does)
    waarde = tegel.waarde if tegel.waarde == fmt.LEEG else f"{tegel.waarde}{eenheid_tekst}"
    return Tegel(tegel.label, waarde, tegel.delta, tegel.delta_kleur, tegel.uitleg)


def grafiek_bestemming(bron: UitstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    frame = per_categorie(bron.bestemming, k, UITSTROOMBESTEMMINGEN, bron.periodes,
                          bron.inwoners if sel.per_10000 else None, vul=not bron.publiek)
    if frame.empty:
        return None
    fig = charts.staaf(
        frame, "periode", "categorie", charts.categorie_kleuren(UITSTROOMBESTEMMINGEN),
        f"Uitstroom per bestemming — {k.naam}", eenheid(sel.per_10000),
        decimalen=2 if sel.per_10000 else 0, voorzieningen=(sel.voorziening,),
        teken_overig=data.teken_overig if bron.publiek else "x",
    )
    for gebeurtenis in gebeurtenissen.voor((sel.voorziening,)):
        # a known event's spike (~250 to the Wlz in one quarter) would flatten the rest
        charts.kap_uitschieter(fig, gebeurtenis.kwartaal, decimalen=2 if sel.per_10000 else 0)
    return charts.Grafiek(
        fig, tabel_categorie(frame, "Bestemming"),
        bestandsnaam("uitstroom-per-bestemming", sel.per_10000),
        labels.DEFINITIES["uitstroom"] + " Naar uitstroombestemming.",
    )


def grafiek_mediaan(bron: UitstroomBron, sel: Selectie, gemeenten: Mapping[str, str]
                    ) -> charts.Grafiek | None:
    binnen = bron.mediaan[bron.mediaan["periode"] >= sel.van]
    frame = per_gemeente(binnen, gemeenten)
    if frame.empty:
        return None
    fig = charts.lijn_per_gemeente(
        frame, charts.gemeente_kleuren(gemeenten), "Verblijfsduur (mediaan) per kwartaal",
        "dagen", voorzieningen=(sel.voorziening,)
    )
    return charts.Grafiek(fig, tabel_per_gemeente(frame), "verblijfsduur-mediaan-per-kwartaal",
                   labels.DEFINITIES["verblijfsduur_mediaan_dagen"])


def grafiek_verdeling(bron: UitstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    frame = verdeling(bron.verdeling)
    if frame["aantal"].sum() == 0:
        return None
    getoond = frame.assign(reeks="Uitgestroomd", waarde=frame["aantal"])
    fig = charts.staaf(
        getoond, "klasse", "reeks", {"Uitgestroomd": KLEUR_VERDELING},
        "Verblijfsduur van de uitstroom", "aantal", voorzieningen=(sel.voorziening,),
    )
    # a half-width chart: the period and the selection on a line of their own, never cut off
    fig.update_layout(showlegend=False, hovermode="x", margin_t=80,
                      title_subtitle_text=f"{sel.van} t/m {sel.tot} — {k.naam}")
    # the classes on two lines ('< 3' over 'maanden'): upright, never turned or cut off
    klassen = [str(k) for k in getoond["klasse"]]
    fig.update_xaxes(tickmode="array", tickvals=klassen, tickangle=0,
                     ticktext=["<br>".join(k.rsplit(" ", 1)) for k in klassen])
    tabel = frame.rename(columns={"klasse": "Verblijfsduur", "aantal": "Aantal",
                                  "aandeel": "Aandeel (%)"})
    return charts.Grafiek(fig, tabel, "verblijfsduur-verdeling", DEFINITIE_VERDELING)


def grafiek_percentage(bron: UitstroomBron, sel: Selectie, gemeenten: Mapping[str, str]
                       ) -> charts.Grafiek | None:
    return grafiek_jaarpercentage(bron.uitstroom_pct, "uitstroom_pct", sel, gemeenten)


def _aandeel_per_gemeente(frame: pd.DataFrame, gemeenten: Mapping[str, str], titel: str,
                          sel: Selectie) -> go.Figure:
    """Horizontal bars of `frame`'s aandeel (%) per gemeente, each in its municipality's
    colour (the chosen ones together in the region's)."""
    kleuren = charts.gemeente_kleuren(gemeenten)
    getoond = frame.assign(
        waarde=frame["aandeel"],
        kleur=frame["gemeentecode"].map(lambda c: kleuren.get(c, charts.VASTE_KLEUREN[TOTAAL])),
    )
    fig = charts.staaf(
        getoond, "gemeente", "gemeente", dict(zip(getoond["gemeente"], getoond["kleur"],
                                                   strict=True)),
        titel, decimalen=1, procent=True, horizontaal=True, voorzieningen=(sel.voorziening,)
    )
    fig.update_xaxes(ticksuffix="%", range=[0, 100])
    fig.update_traces(hovertemplate="%{x:,.1f}%")
    fig.update_layout(showlegend=False)
    return fig


def grafiek_eigen_gemeente(bron: UitstroomBron, sel: Selectie, gemeenten: Mapping[str, str]
                           ) -> charts.Grafiek | None:
    frame = eigen_gemeente(bron.eigen, bron.per_herkomst, gemeenten, sel.gemeenten)
    frame = frame.dropna(subset=["aandeel"])
    if frame.empty:
        return None
    fig = _aandeel_per_gemeente(
        frame, gemeenten, f"Uitstroom uit een plek in de eigen gemeente, {sel.van} t/m {sel.tot}",
        sel)
    tabel = frame.rename(columns={
        "gemeente": "Herkomstgemeente", "uitstroom": "Uitstroom",
        "eigen": "Waarvan uit een plek in de eigen gemeente", "aandeel": "Aandeel (%)",
    }).drop(columns="gemeentecode")
    return charts.Grafiek(fig, tabel, "uitstroom-uit-eigen-gemeente", DEFINITIE_EIGEN)


def _weer_thuis_som(frame: pd.DataFrame, k: Keuze, per: tuple[str, ...]) -> pd.DataFrame:
    """The selection's Weer Thuis counts per `per` (som_selectie: hidden cells stay hidden)
    and the share (%) of uitstroom to the own municipality in uitstroom with a known
    woongemeente; a hidden count leaves the share unknown (NaN)."""
    delen = [som_selectie(frame[frame["indicator"] == indicator], k, per)
             .set_index(list(per))["waarde"].rename(naam)
             for naam, indicator in zip(("eigen", "bekend"), WEER_THUIS, strict=True)]
    result = pd.concat(delen, axis=1).sort_index().reset_index()
    result["aandeel"] = (100 * result["eigen"] / result["bekend"].where(result["bekend"] > 0)
                         ).round(1)
    return result


def weer_thuis(frame: pd.DataFrame, k: Keuze) -> pd.DataFrame:
    """Per measured quarter of the selection: uitstroom to the own municipality, uitstroom with
    a known woongemeente, and the share (%) of the one in the other. The region is its TOTAAL
    rows (the region's own clients), a choice of municipalities the sum of theirs."""
    kolommen = ["periode", "eigen", "bekend", "aandeel"]
    if frame.empty:
        return pd.DataFrame(columns=kolommen)
    return _weer_thuis_som(frame, k, ("periode",))[kolommen]


def weer_thuis_reden(bron: UitstroomBron, sel: Selectie) -> str | None:
    """Why there is no Weer Thuis figure for the selection (one line), or None."""
    if sel.product is not None:
        return ("Weer Thuis is er niet per product: kies bij Product 'Alle producten' om het "
                "te zien.")
    if bron.weer_thuis.empty:
        return (f"{labels.WEER_THUIS_AFWEZIG.removesuffix('.')} ({sel.van} t/m {sel.tot}): "
                "Weer Thuis is hier niet gemeten, dus ook niet 0.")
    return None


def grafiek_weer_thuis(bron: UitstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    """Weer Thuis (%) per quarter for the selection, with its counts in the table."""
    frame = weer_thuis(bron.weer_thuis, k)
    getoond = frame.dropna(subset=["aandeel"])
    if getoond.empty:
        return None
    fig = charts.lijn_per_gemeente(
        getoond.assign(gemeentecode=TOTAAL, gemeente=k.naam, waarde=getoond["aandeel"]),
        {TOTAAL: charts.VASTE_KLEUREN[TOTAAL]},
        # the quarters measured, which may start later than the selection
        f"Weer Thuis: uitstroom naar de eigen gemeente, {getoond['periode'].min()} t/m "
        f"{getoond['periode'].max()}",
        y_titel="Aandeel (%)", decimalen=1, procent=True, voorzieningen=(sel.voorziening,),
    )
    tabel = frame.rename(columns={
        "periode": "Kwartaal", "eigen": "Uitstroom naar de eigen gemeente",
        "bekend": "Uitstroom met bekende woongemeente", "aandeel": "Weer Thuis (%)",
    })
    return charts.Grafiek(fig, tabel, "weer-thuis", DEFINITIE_WEER_THUIS)


def weer_thuis_per_gemeente(frame: pd.DataFrame, gemeenten: Mapping[str, str], k: Keuze
                            ) -> pd.DataFrame:
    """Per chosen herkomstgemeente over the measured quarters shown: uitstroom to the own
    municipality, uitstroom with a known woongemeente, and the share (%); then the selection
    (the region's own clients, or the chosen municipalities together). A hidden count makes
    its row's sums and share unknown (NaN)."""
    kolommen = ["gemeentecode", "gemeente", "eigen", "bekend", "aandeel"]
    if frame.empty:
        return pd.DataFrame(columns=kolommen)
    per_gemeente = _weer_thuis_som(frame, Keuze(k.gemeenten, False, ""), ("gemeentecode",))
    delen = [per_gemeente.set_index("gemeentecode").reindex(list(k.gemeenten)).reset_index()]
    if len(k.gemeenten) > 1:
        samen = _weer_thuis_som(frame.assign(_alle=TOTAAL), k, ("_alle",))
        delen.append(samen.rename(columns={"_alle": "gemeentecode"}))
    result = pd.concat(delen, ignore_index=True)
    result["gemeente"] = result["gemeentecode"].map(
        {**gemeenten, TOTAAL: k.naam if k.regio else TOTAAL_SELECTIE})
    return result[kolommen]


def grafiek_weer_thuis_per_gemeente(bron: UitstroomBron, k: Keuze, sel: Selectie,
                                    gemeenten: Mapping[str, str]) -> charts.Grafiek | None:
    """Weer Thuis (%) per herkomstgemeente over the measured quarters of the selection."""
    frame = weer_thuis_per_gemeente(bron.weer_thuis, gemeenten, k)
    getoond = frame.dropna(subset=["aandeel"])
    if getoond.empty:
        return None
    kwartalen = sorted(bron.weer_thuis["periode"].unique())
    fig = _aandeel_per_gemeente(
        getoond, gemeenten,
        f"Weer Thuis per herkomstgemeente, {kwartalen[0]} t/m {kwartalen[-1]}", sel)
    tabel = frame.drop(columns="gemeentecode").rename(columns={
        "gemeente": "Herkomstgemeente", "eigen": "Uitstroom naar de eigen gemeente",
        "bekend": "Uitstroom met bekende woongemeente", "aandeel": "Weer Thuis (%)",
    })
    return charts.Grafiek(fig, tabel, "weer-thuis-per-gemeente", DEFINITIE_WEER_THUIS)
