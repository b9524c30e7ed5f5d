"""Instroom page: the data it needs, shaped into tiles, tables and figures.

`gegevens` is the only function that reads the warehouse (through monitor.data); everything
else is a pure function of DataFrames and can be tested on small hand-made frames. The
selection helpers (`Keuze`, `som_selectie`, `per_10000_selectie`, `als_kerncijfers`, the
tiles) are shared with the uitstroom page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from etl.settings import AANMELDING_TYPES, CLUSTERS, PRODUCTEN, TOTAAL
from monitor import charts, data, fmt, labels
from monitor.filters import Selectie
from monitor.views import gepubliceerd

KLEUR_LIJN = "#222222"
GEMEENTE_KOLOM = {"herkomst": "herkomstgemeente", "verblijf": "verblijfsgemeente"}
GEEN_PER_10000 = "Per 10.000 inwoners is hier niet van toepassing (geen aantal)."


# --- the selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keuze:
    """What the selection-level charts add up: the region total or the chosen municipalities."""

    gemeenten: tuple[str, ...]
    regio: bool
    naam: str


def keuze(gekozen: Sequence[str], gemeenten: Mapping[str, str]) -> Keuze:
    """All municipalities chosen: the region total (which also counts clients from outside
    the region and of unknown origin); otherwise the sum of the chosen ones."""
    codes = tuple(code for code in gemeenten if code in set(gekozen))
    if set(codes) == set(gemeenten):
        return Keuze(codes, True, "Regio totaal")
    if len(codes) <= 3:
        return Keuze(codes, False, " + ".join(gemeenten[code] for code in codes))
    return Keuze(codes, False, f"{len(codes)} gekozen gemeenten samen")


def waarde_van(dimensie: pd.Series) -> pd.Series:
    """'product=BW hoog' -> 'BW hoog'."""
    return dimensie.astype("string").str.split("=", n=1).str[1]


def som_selectie(frame: pd.DataFrame, k: Keuze, per: Sequence[str] = ("periode",)) -> pd.DataFrame:
    """The selection's figure per period (and `per` columns): the TOTAAL rows for the whole
    region, else the sum over the chosen municipalities; hidden (NaN, with its mark in
    `teken`) where a hidden cell is in it."""
    codes = {TOTAAL} if k.regio else set(k.gemeenten)
    rijen = frame[frame["gemeentecode"].isin(codes)] if not frame.empty else frame
    return gepubliceerd.som(rijen, per, data.teken_overig)


def per_10000_selectie(frame: pd.DataFrame, inwoners: pd.DataFrame, k: Keuze) -> pd.DataFrame:
    """Counts of the selection per 10,000 inwoners on 1 January of the period's year, rounded
    like kerncijfers. `inwoners` has gemeentecode, jaar (text), inwoners."""
    codes = set(inwoners["gemeentecode"]) if k.regio else set(k.gemeenten)
    bevolking = inwoners[inwoners["gemeentecode"].isin(codes)].groupby("jaar")["inwoners"].sum()
    result = frame.copy()
    jaar = result["periode"].astype(str).str[:4]
    result["waarde"] = (result["waarde"] * 10000 / jaar.map(bevolking).astype(float)).round(2)
    return result


def als_kerncijfers(
    frame: pd.DataFrame,
    gemeente_kolom: str,
    categorie_kolom: str | None = None,
    dimensie_naam: str | None = None,
) -> pd.DataFrame:
    """Counts (`aantal`) from a named query over the trajecten marts (mart_instroom_kruis,
    mart_uitstroom_stromen) in the shape of kerncijfers:
    periode, gemeentecode, dimensie, waarde, plus TOTAAL rows for the whole region."""
    kolommen = ["periode", "gemeentecode", "dimensie", "waarde"]
    if frame.empty:
        return pd.DataFrame(columns=kolommen)
    gemeenten = frame.assign(gemeentecode=frame[gemeente_kolom]).dropna(subset=["gemeentecode"])
    rijen = pd.concat([gemeenten, frame.assign(gemeentecode=TOTAAL)], ignore_index=True)
    if categorie_kolom is None:
        rijen["dimensie"] = ""
    else:
        rijen["dimensie"] = f"{dimensie_naam}=" + rijen[categorie_kolom].astype(str)
    result = rijen.groupby(["periode", "gemeentecode", "dimensie"], as_index=False)["aantal"].sum()
    result["waarde"] = result.pop("aantal").astype(float)
    result["dimensie"] = result["dimensie"].replace("", None)
    return result[kolommen]


def per_categorie(
    frame: pd.DataFrame,
    k: Keuze,
    categorieen: Sequence[str],
    periodes: Sequence[str],
    inwoners: pd.DataFrame | None = None,
    vul: bool = True,
) -> pd.DataFrame:
    """The selection's figure per period and category (the dimension value): zeros filled in
    (`vul`; the publieksversie leaves a cell it does not publish out), categories in
    `categorieen` order, those without any figure in the periods left out. A hidden cell
    stays NaN with its mark in `teken`. Per 10,000 inwoners when `inwoners` is given."""
    deel = frame.assign(categorie=waarde_van(frame["dimensie"])) if not frame.empty else frame
    som = som_selectie(deel, k, ("periode", "categorie"))
    rooster = pd.MultiIndex.from_product([list(periodes), list(categorieen)],
                                         names=["periode", "categorie"])
    result = _op_rooster(som.set_index(["periode", "categorie"]), rooster, vul)
    verborgen = gepubliceerd.verborgen(result)
    houden = (result["waarde"].groupby(result["categorie"]).transform("sum") > 0) | (
        verborgen.groupby(result["categorie"]).transform("any"))
    result = result[houden].reset_index(drop=True)
    if inwoners is not None:
        result = per_10000_selectie(result, inwoners, k)
    return result


def _op_rooster(som: pd.DataFrame, rooster: pd.Index, vul: bool) -> pd.DataFrame:
    """`som` (indexed by the grid's names) on every point of `rooster`: a missing point is 0
    when `vul`, else absent (NaN without a mark); a hidden point keeps NaN and its mark."""
    result = som[["waarde", "teken"]].reindex(rooster)
    ontbreekt = result["waarde"].isna() & result["teken"].isna()
    if vul:
        result["waarde"] = result["waarde"].mask(ontbreekt, 0.0)
    result["waarde"] = result["waarde"].astype(float)
    return result.reset_index()


def reeks(
    frame: pd.DataFrame, k: Keuze, periodes: Sequence[str], inwoners: pd.DataFrame | None = None,
    vul: bool = True,
) -> pd.DataFrame:
    """The selection's figure per period (zeros filled in when `vul`), a hidden one NaN with
    its mark in `teken`; per 10,000 when `inwoners` given."""
    som = som_selectie(frame, k)
    result = _op_rooster(som.set_index("periode"), pd.Index(list(periodes), name="periode"), vul)
    if inwoners is not None:
        result = per_10000_selectie(result, inwoners, k)
    return result


def per_gemeente(frame: pd.DataFrame, gemeenten: Mapping[str, str]) -> pd.DataFrame:
    """Rows of the region's municipalities in reference order, then the region total, in the
    shape of charts.lijn_per_gemeente (periode, gemeentecode, gemeente, waarde)."""
    kolommen = ["periode", "gemeentecode", "gemeente", "waarde", "teken"]
    if frame.empty:
        return pd.DataFrame(columns=kolommen)
    if "teken" not in frame.columns:
        frame = frame.assign(teken=None)
    volgorde = {code: i for i, code in enumerate([*gemeenten, TOTAAL])}
    result = frame[frame["gemeentecode"].isin(volgorde)]
    result = result.assign(_volgorde=result["gemeentecode"].map(volgorde))
    result = result.sort_values(["_volgorde", "periode"], kind="stable")
    return result[kolommen].reset_index(drop=True)


def tabel_per_gemeente(frame: pd.DataFrame, periode_kop: str = "Periode") -> pd.DataFrame:
    """The table under a chart per municipality: a hidden figure shows its mark."""
    return pd.DataFrame({periode_kop: frame["periode"], "Gemeente": frame["gemeente"],
                         "Waarde": gepubliceerd.getoond(frame)}).reset_index(drop=True)


def tabel_categorie(frame: pd.DataFrame, kop: str) -> pd.DataFrame:
    """The table under a chart per category: a hidden figure shows its mark."""
    return pd.DataFrame({"Periode": frame["periode"], kop: frame["categorie"],
                         "Waarde": gepubliceerd.getoond(frame)}).reset_index(drop=True)


def jaren_in_periode(frame: pd.DataFrame, van: str, tot: str) -> pd.DataFrame:
    """The yearly rows whose year lies within the selected quarters."""
    if frame.empty:
        return frame
    return frame[(frame["periode"] >= van[:4]) & (frame["periode"] <= tot[:4])]


def laatste_volledige_jaar(tot: str) -> str:
    """The last year whose four quarters all lie on or before `tot`."""
    return tot[:4] if tot.endswith("K4") else str(int(tot[:4]) - 1)


def ratio_rij(k: Keuze) -> tuple[str, str]:
    """The row a ratio tile (median, percentage) shows: ratios cannot be added up over
    municipalities, so a choice of several shows the region."""
    if not k.regio and len(k.gemeenten) == 1:
        return k.gemeenten[0], k.naam
    return TOTAAL, "regio totaal"


def ratio_toelichting(k: Keuze, wat: str) -> str | None:
    """Which row the ratio tiles show, when that is not simply the chosen selection."""
    if k.regio:
        return None
    if len(k.gemeenten) == 1:
        return f"{wat}: {k.naam}."
    return (f"{wat}: regio totaal, want een mediaan of percentage is niet op te tellen over "
            "gemeenten. Kies één gemeente voor haar eigen cijfer.")


def regio_toelichting(k: Keuze, per_10000: bool) -> str | None:
    """What a region total counts, and what it is divided by per 10,000 inwoners."""
    if not k.regio:
        return None
    return labels.REGIO_TOTAAL + (f" {labels.REGIO_PER_10000}" if per_10000 else "")


PER_10000_LABEL = " per 10.000"


def eenheid(per_10000: bool) -> str:
    return "per 10.000 inwoners" if per_10000 else "aantal"


def bestandsnaam(naam: str, per_10000: bool) -> str:
    return f"{naam}-per-10000" if per_10000 else naam


# --- tiles and charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tegel:
    label: str
    waarde: str
    delta: str | None
    delta_kleur: str
    uitleg: str


def tegel_kwartaal(
    indicator: str, label: str, serie: pd.DataFrame, kwartaal: str, decimalen: int,
    uitleg: str, eenheid_tekst: str = "",
) -> Tegel:
    """A figure of `kwartaal` (serie: periode, waarde, optionally teken) with its change
    against the quarter before; a hidden figure shows its mark and no change."""
    waarden = dict(zip(serie["periode"], serie["waarde"], strict=True))
    tekens = dict(zip(serie["periode"], gepubliceerd.getoond(serie), strict=True))
    vorig = data.kwartaal_verschuiven(kwartaal, -1)
    nu, toen = waarden.get(kwartaal), waarden.get(vorig)
    verschil = "" if nu is None or toen is None else fmt.verschil(nu - toen, decimalen,
                                                                  eenheid_tekst)
    teken = tekens.get(kwartaal)
    return Tegel(
        label=label,
        waarde=teken if isinstance(teken, str) else fmt.getal(nu, decimalen),
        delta=f"{verschil} t.o.v. {vorig}" if verschil else None,
        delta_kleur=labels.delta_kleur(indicator),
        uitleg=uitleg,
    )


def tegel_jaarpercentage(indicator: str, frame: pd.DataFrame, k: Keuze, jaar: str) -> Tegel:
    """A yearly percentage of the selection's row (see ratio_rij) against the year before."""
    code, _ = ratio_rij(k)
    rijen = frame[frame["gemeentecode"] == code] if not frame.empty else frame
    waarden = dict(zip(rijen.get("periode", []), rijen.get("waarde", []), strict=True))
    vorig = str(int(jaar) - 1)
    nu, toen = waarden.get(jaar), waarden.get(vorig)
    verschil = "" if nu is None or toen is None else fmt.verschil(nu - toen, 1, "%-punt")
    return Tegel(
        label=f"{labels.indicator(indicator)} {jaar}",
        waarde=fmt.procent(nu),
        delta=f"{verschil} t.o.v. {vorig}" if verschil else None,
        delta_kleur=labels.delta_kleur(indicator),
        uitleg=f"{labels.DEFINITIES[indicator]} Het laatste volledige jaar van de gekozen "
        f"periode. {GEEN_PER_10000}",
    )


# --- the instroom page ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class InstroomBron:
    """What the page shows, as read from the warehouse (kerncijfers-shaped frames)."""

    periodes: tuple[str, ...]  # the quarters shown
    aanmeldingen_type: pd.DataFrame  # herkomst, dimensie aanmelding_type=…, from van − 1
    instroom: pd.DataFrame  # chosen perspective and product, from van − 1
    instroom_product: pd.DataFrame
    instroom_cluster: pd.DataFrame  # BW only, else empty
    instroom_gemeenten: pd.DataFrame  # absolute or per 10,000 as chosen
    instroom_pct: pd.DataFrame  # years up to the end of the period
    inwoners: pd.DataFrame
    publiek: bool = False  # the published figures: a cell not published is left out, not 0


def _trajecten(frame: pd.DataFrame) -> pd.DataFrame:
    # derived figures only: published yearly tables are never mixed into these series
    return frame[frame["bron"] == "trajecten"].reset_index(drop=True)


def gegevens(sel: Selectie) -> InstroomBron:
    """Read what the instroom page shows for the selection (its only warehouse access)."""
    eerder = data.kwartaal_verschuiven(sel.van, -1)  # the tiles compare with the quarter before
    basis = {"gemeenten": list(sel.gemeenten), "tot": sel.tot}
    instroom = _trajecten(data.selectie(
        sel.voorziening, "instroom", van=eerder, perspectief=sel.perspectief,
        dimensie=sel.dimensie, **basis,
    ))
    bw = sel.voorziening == "BW"
    if sel.product is None:
        aanmeldingen_type = _trajecten(data.selectie(
            sel.voorziening, "aanmeldingen", van=eerder, perspectief="herkomst",
            dimensie_naam="aanmelding_type", **basis,
        ))
        cluster = _trajecten(data.selectie(
            sel.voorziening, "instroom", van=sel.van, perspectief=sel.perspectief,
            dimensie_naam="cluster", **basis,
        )) if bw else pd.DataFrame()
    else:
        # kerncijfers does not cross product with aanmelding_type or cluster: count them
        kruis = data.query("instroom_kruis", voorziening=sel.voorziening, product=sel.product,
                           van=eerder, tot=sel.tot)
        aanmeldingen_type = als_kerncijfers(
            kruis[kruis["indicator"] == "aanmeldingen"], "herkomstgemeente", "categorie",
            "aanmelding_type",
        )
        cluster = als_kerncijfers(
            kruis[(kruis["indicator"] == "instroom") & (kruis["periode"] >= sel.van)],
            GEMEENTE_KOLOM[sel.perspectief], "categorie", "cluster",
        ) if bw else pd.DataFrame()
    product = _trajecten(data.selectie(
        sel.voorziening, "instroom", van=sel.van, perspectief=sel.perspectief,
        dimensie_naam="product", **basis,
    ))
    if sel.product is not None:
        product = product[product["dimensie"] == sel.dimensie]
    return InstroomBron(
        periodes=tuple(sorted(p for p in instroom["periode"].unique() if p >= sel.van)),
        aanmeldingen_type=aanmeldingen_type,
        instroom=instroom,
        instroom_product=product,
        instroom_cluster=cluster,
        instroom_gemeenten=_trajecten(data.selectie(
            sel.voorziening, "instroom", van=sel.van, perspectief=sel.perspectief,
            per_10000=sel.per_10000, dimensie=sel.dimensie, **basis,
        )),
        instroom_pct=_trajecten(data.selectie(
            sel.voorziening, "instroom_pct", van="0000-K1", periode_type="jaar",
            perspectief=sel.perspectief, dimensie=sel.dimensie, **basis,
        )),
        inwoners=data.query("instroom_inwoners"),
        publiek=data.bron()[1],
    )


def tegels(bron: InstroomBron, k: Keuze, sel: Selectie) -> list[Tegel]:
    """Aanmeldingen, of which new, and instroom in the last quarter; the yearly percentage."""
    alle = (*sorted({*bron.instroom["periode"]}),)
    inwoners = bron.inwoners if sel.per_10000 else None
    decimalen = 2 if sel.per_10000 else 0
    achter = PER_10000_LABEL if sel.per_10000 else ""
    vul = not bron.publiek
    typen = per_categorie(bron.aanmeldingen_type, k, AANMELDING_TYPES, alle, vul=vul)
    aanmeldingen = gepubliceerd.som(typen, ["periode"], data.teken_overig)
    nieuw = typen[typen["categorie"] == "Nieuw"][["periode", "waarde", "teken"]]
    if inwoners is not None:
        aanmeldingen = per_10000_selectie(aanmeldingen, inwoners, k)
        nieuw = per_10000_selectie(nieuw, inwoners, k)
    instroom = reeks(bron.instroom, k, alle, inwoners, vul=vul)
    herkomst = (" Aanmeldingen tellen altijd naar herkomstgemeente."
                if sel.perspectief == "verblijf" else "")
    return [
        tegel_kwartaal("aanmeldingen", f"Aanmeldingen {sel.tot}{achter}", aanmeldingen, sel.tot,
                       decimalen, labels.DEFINITIES["aanmeldingen"] + herkomst),
        tegel_kwartaal("aanmeldingen", f"Waarvan nieuw {sel.tot}{achter}", nieuw, sel.tot,
                       decimalen, "Aanmeldingen van het type Nieuw (geen verlenging)." + herkomst),
        tegel_kwartaal("instroom", f"Instroom {sel.tot}{achter}", instroom, sel.tot, decimalen,
                       labels.DEFINITIES["instroom"]),
        tegel_jaarpercentage("instroom_pct", bron.instroom_pct, k,
                             laatste_volledige_jaar(sel.tot)),
    ]


def grafiek_aanmeldingen(bron: InstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    """Stacked bars Nieuw/Verlenging with the instroom as a line over them."""
    inwoners = bron.inwoners if sel.per_10000 else None
    aanmeldingen = per_categorie(bron.aanmeldingen_type, k, AANMELDING_TYPES, bron.periodes,
                                 inwoners, vul=not bron.publiek)
    instroom = reeks(bron.instroom, k, bron.periodes, inwoners, vul=not bron.publiek)
    if not bron.periodes:
        return None
    decimalen = 2 if sel.per_10000 else 0
    fig = charts.staaf(
        aanmeldingen, "periode", "categorie", charts.categorie_kleuren(AANMELDING_TYPES),
        f"Aanmeldingen en instroom per kwartaal — {k.naam}", eenheid(sel.per_10000),
        decimalen=decimalen, voorzieningen=(sel.voorziening,),
        teken_overig=data.teken_overig if bron.publiek else "x",
    )
    naam_instroom = "Instroom" + (" (naar verblijfsgemeente)"
                                  if sel.perspectief == "verblijf" and not k.regio else "")
    fig.add_trace(go.Scatter(
        x=instroom["periode"], y=instroom["waarde"], name=naam_instroom, mode="lines+markers",
        line={"color": KLEUR_LIJN, "width": 3}, marker={"size": 6},
        hovertemplate=f"%{{y:,.{decimalen}f}}",
    ))
    # the table shows a hidden figure's mark where the chart leaves a gap
    breed = aanmeldingen.assign(getoond=gepubliceerd.getoond(aanmeldingen)).pivot(
        index="periode", columns="categorie", values="getoond")
    breed = breed.reindex(index=list(bron.periodes),
                          columns=[t for t in AANMELDING_TYPES if t in breed.columns])
    breed.columns = [f"Aanmeldingen {c.lower()}" for c in breed.columns]
    breed["Instroom"] = pd.Series(gepubliceerd.getoond(instroom).to_numpy(),
                                  index=instroom["periode"])
    tabel = breed.rename_axis("Periode").reset_index()
    tabel.columns.name = None
    return charts.Grafiek(
        fig, tabel, bestandsnaam("aanmeldingen-en-instroom-per-kwartaal", sel.per_10000),
        f"{labels.DEFINITIES['aanmeldingen']} {labels.DEFINITIES['instroom']}",
    )


def _grafiek_categorie(
    frame: pd.DataFrame, categorieen: Sequence[str], kop: str, titel: str, naam: str,
    definitie: str, per_10000: bool, voorziening: str, publiek: bool = False,
) -> charts.Grafiek | None:
    if frame.empty:
        return None
    fig = charts.staaf(
        frame, "periode", "categorie", charts.categorie_kleuren(categorieen), titel,
        eenheid(per_10000), decimalen=2 if per_10000 else 0, voorzieningen=(voorziening,),
        teken_overig=data.teken_overig if publiek else "x",
    )
    return charts.Grafiek(
        fig, tabel_categorie(frame, kop), bestandsnaam(naam, per_10000), definitie
    )


def grafiek_product(bron: InstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    producten = PRODUCTEN[sel.voorziening]
    frame = per_categorie(bron.instroom_product, k, producten, bron.periodes,
                          bron.inwoners if sel.per_10000 else None, vul=not bron.publiek)
    return _grafiek_categorie(
        frame, producten, "Product", f"Instroom per product — {k.naam}",
        "instroom-per-product", labels.DEFINITIES["instroom"] + " Naar product.", sel.per_10000,
        sel.voorziening, bron.publiek,
    )


def grafiek_cluster(bron: InstroomBron, k: Keuze, sel: Selectie) -> charts.Grafiek | None:
    if bron.instroom_cluster.empty:
        return None
    frame = per_categorie(bron.instroom_cluster, k, CLUSTERS, bron.periodes,
                          bron.inwoners if sel.per_10000 else None, vul=not bron.publiek)
    return _grafiek_categorie(
        frame, CLUSTERS, "Cluster", f"Instroom per cluster — {k.naam}", "instroom-per-cluster",
        labels.DEFINITIES["instroom"] + " Naar cluster (alleen beschermd wonen; trajecten "
        "zonder cluster tellen niet mee).", sel.per_10000, sel.voorziening, bron.publiek,
    )


def grafiek_gemeenten(bron: InstroomBron, sel: Selectie, gemeenten: Mapping[str, str]
                      ) -> charts.Grafiek | None:
    frame = per_gemeente(bron.instroom_gemeenten, gemeenten)
    if frame.empty:
        return None
    perspectief = "herkomstgemeente" if sel.perspectief == "herkomst" else "verblijfsgemeente"
    fig = charts.lijn_per_gemeente(
        frame, charts.gemeente_kleuren(gemeenten),
        f"Instroom per {perspectief}" + (" per 10.000 inwoners" if sel.per_10000 else ""),
        eenheid(sel.per_10000), decimalen=2 if sel.per_10000 else 0,
        voorzieningen=(sel.voorziening,),
    )
    return charts.Grafiek(
        fig, tabel_per_gemeente(frame),
        bestandsnaam(f"instroom-per-{perspectief}", sel.per_10000),
        labels.DEFINITIES["instroom"] + f" Per {perspectief}"
        + (", per 10.000 inwoners op 1 januari." if sel.per_10000 else "."),
    )


def grafiek_jaarpercentage(reeks: pd.DataFrame, indicator: str, sel: Selectie,
                           gemeenten: Mapping[str, str]) -> charts.Grafiek | None:
    """The yearly instroom_pct or uitstroom_pct per municipality over the selected years."""
    frame = per_gemeente(jaren_in_periode(reeks, sel.van, sel.tot), gemeenten)
    if frame.empty:
        return None
    titel = labels.indicator(indicator)
    fig = charts.lijn_per_gemeente(
        frame, charts.gemeente_kleuren(gemeenten), f"{titel} per jaar", "procent",
        decimalen=1, procent=True, voorzieningen=(sel.voorziening,)
    )
    if sel.dimensie is None and TOTAAL in set(frame["gemeentecode"]):
        # the region's target is for the whole voorziening, not for one product
        charts.markeer_doel(fig, f"{sel.voorziening}.{indicator}", procent=True)
    return charts.Grafiek(fig, tabel_per_gemeente(frame, "Jaar"),
                          f"{titel.lower()}-per-jaar", labels.DEFINITIES[indicator])


def grafiek_percentage(bron: InstroomBron, sel: Selectie, gemeenten: Mapping[str, str]
                       ) -> charts.Grafiek | None:
    return grafiek_jaarpercentage(bron.instroom_pct, "instroom_pct", sel, gemeenten)
