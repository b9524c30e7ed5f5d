"""Stuurgroep: the quarter in a few screens, judged against the region's goals.

Pure shaping for pages/stuurgroep.py: which screens and tiles there are, the tiles' values and
changes judged by the direction in config/streefwaarden.toml (gunstig/ongunstig, not by sign),
on/off track against a target, the one chart per screen with exactly its table, the 'Wat viel
op' series, and the presentation and print stylesheet.

Figures are region totals (gemeentecode TOTAAL) from kerncijfers; yearly percentages are those
of the last complete year up to the quarter, of the derived series only (a published year of
another bron is never mixed in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from etl.settings import basis_bron
from monitor import charts, gebeurtenissen, labels, wat_viel_op
from monitor.perioden import kwartaal_verschuiven
from monitor.streefwaarden import (
    GEEN,
    GUNSTIG,
    OMHOOG,
    ONGUNSTIG,
    Streefwaarde,
    Streefwaarden,
    oordeel,
    op_koers,
)
from monitor.views.spreiding import dissimilariteitsindex
from monitor.wat_viel_op import AANTAL, DAGEN, FRACTIE, INDEX, PER_10000, PROCENT, Reeks

# --- the screens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TegelDef:
    sleutel: str  # 'BW.uitstroom_pct' as in kerncijfers (or a derived key of this page)
    label: str  # short, for the tile
    eenheid: str = AANTAL
    jaarcijfer: bool = False  # a yearly figure: the last complete year up to the quarter
    afwezig: str = ""  # the one line shown instead of comparisons when there is no value


@dataclass(frozen=True)
class GrafiekDef:
    titel: str
    naam: str  # download file name
    definitie: str
    lijnen: tuple[tuple[str, str], ...] = ()  # (key, name) of quarterly region series
    jaren_per_bron: str | None = None  # or: one key's yearly series, one line per bron
    eenheid: str = AANTAL
    y_titel: str = ""


@dataclass(frozen=True)
class Scherm:
    code: str  # in the link (?sg_scherm=bw): stable, see SCHERM_CODES
    titel: str
    tegels: tuple[TegelDef, ...] = ()
    grafiek: GrafiekDef | None = None
    toelichting: str = ""
    kort: str = ""  # the name in presentation mode's screen switch (default: the title)

    @property
    def knop(self) -> str:
        return self.kort or self.titel


SAMENVATTING = "samenvatting"
INSTROOM_UITSTROOM = (
    "Instroom en uitstroom: trajecten met een datum_instroom of datum_uitstroom in het kwartaal "
    "(regio totaal)."
)


def _instroom_uitstroom(voorziening: str, naam: str) -> GrafiekDef:
    return GrafiekDef(
        titel=f"Instroom en uitstroom {naam} per kwartaal",
        naam=f"stuurgroep-{voorziening.lower()}-instroom-uitstroom",
        definitie=INSTROOM_UITSTROOM,
        lijnen=((f"{voorziening}.instroom", "Instroom"), (f"{voorziening}.uitstroom", "Uitstroom")),
        y_titel="Trajecten",
    )


SCHERMEN: tuple[Scherm, ...] = (
    Scherm(SAMENVATTING, "Wat viel op",
           toelichting="De opvallendste veranderingen van het kwartaal, en waar de regio staat "
           "ten opzichte van haar streefwaarden."),
    Scherm(
        "bw", "Beschermd wonen",
        (
            TegelDef("BW.bezetting", "Bezetting"),
            TegelDef("BW.instroom", "Instroom"),
            TegelDef("BW.uitstroom", "Uitstroom"),
            TegelDef("BW.instroom_pct", "Instroompercentage", PROCENT, jaarcijfer=True),
            TegelDef("BW.uitstroom_pct", "Uitstroompercentage", PROCENT, jaarcijfer=True),
            TegelDef("BW.uitstroom_eigen_gemeente_pct", "Weer Thuis", PROCENT,
                     afwezig=labels.WEER_THUIS_AFWEZIG),
        ),
        _instroom_uitstroom("BW", "beschermd wonen"),
        "Hoofddoel 2: instroom in 24-uursvoorzieningen beperken, uitstroom versnellen.",
        kort="BW",
    ),
    Scherm(
        "mo", "Opvang (MO)",
        (
            TegelDef("MO.bezetting", "Bezetting"),
            TegelDef("MO.bezettingsgraad", "Bezettingsgraad", FRACTIE),
            TegelDef("MO.instroom", "Instroom"),
            TegelDef("MO.uitstroom", "Uitstroom"),
        ),
        _instroom_uitstroom("MO", "maatschappelijke opvang"),
        "Maatschappelijke opvang: instroom beperken, uitstroom naar een eigen plek versnellen.",
        kort="MO",
    ),
    Scherm(
        "vo", "Vrouwenopvang",
        (
            TegelDef("VO.clienten", "Cliënten in het kwartaal"),
            TegelDef("VO.bezetting", "Bezetting"),
            TegelDef("VO.instroom", "Instroom"),
            TegelDef("VO.uitstroom", "Uitstroom"),
        ),
        _instroom_uitstroom("VO", "vrouwenopvang"),
        "Vrouwenopvang: noodbed, crisisopvang en begeleid wonen samen.",
        kort="VO",
    ),
    Scherm(
        "e33", "Verward gedrag (E33)",
        (
            TegelDef("E33.meldingen", "Meldingen E33"),
            TegelDef("E33.meldingen_per_10000", "Meldingen per 10.000 inwoners", PER_10000),
            TegelDef("OGGZ.adviesaanvragen", "Adviesaanvragen OGGZ"),
        ),
        GrafiekDef(
            titel="Meldingen verward gedrag (E33) per jaar",
            naam="stuurgroep-e33-meldingen-per-jaar",
            definitie=labels.DEFINITIES["meldingen"] + " Gepubliceerde jaren en jaren opgeteld "
            "uit kwartalen als aparte lijnen; trendbreuk: vanaf maart 2020 telt de politie ook "
            "lichtere meldingen mee.",
            jaren_per_bron="E33.meldingen",
            y_titel="Meldingen",
        ),
        "Volgen, geen doel: meer meldingen kan ook betere signalering zijn.",
        kort="E33",
    ),
    Scherm(
        "spreiding", "Spreiding",
        (
            TegelDef("BW.spreidingsindex", "Spreidingsindex BW", INDEX),
            TegelDef("MO.spreidingsindex", "Spreidingsindex MO", INDEX),
            TegelDef("BW.eigen_gemeente_pct", "BW-cliënten in eigen gemeente", PROCENT),
        ),
        GrafiekDef(
            titel="Spreidingsindex per kwartaal",
            naam="stuurgroep-spreidingsindex",
            definitie="Dissimilariteitsindex ½·Σ|aandeel verblijf − aandeel herkomst| van de "
            "bezetting over de gemeenten van de regio: 0 = elke gemeente huisvest precies haar "
            "eigen aandeel.",
            lijnen=(("BW.spreidingsindex", "Beschermd wonen"),
                    ("MO.spreidingsindex", "Maatschappelijke opvang")),
            eenheid=INDEX,
            y_titel="Index (0–1)",
        ),
        "Hoofddoel 2 en 3: een meer evenwichtige spreiding, binding met de gemeente van herkomst.",
    ),
    Scherm(
        "wachtlijsten", "Wachtlijsten",
        (
            TegelDef("BW.wachtlijst", "Wachtlijst BW"),
            TegelDef("MO.wachtlijst", "Wachtlijst MO"),
            TegelDef("VO.wachtlijst", "Wachtlijst VO"),
            TegelDef("BW.wachttijd_mediaan_dagen", "Wachttijd BW (mediaan)", DAGEN),
        ),
        GrafiekDef(
            titel="Wachtlijst per kwartaal",
            naam="stuurgroep-wachtlijsten",
            definitie=labels.DEFINITIES["wachtlijst"],
            lijnen=(("BW.wachtlijst", "Beschermd wonen"), ("MO.wachtlijst", "Opvang (MO)"),
                    ("VO.wachtlijst", "Vrouwenopvang")),
            y_titel="Wachtenden",
        ),
        "De stand op de laatste dag van het kwartaal.",
    ),
)
# The screens' codes in the link (?sg_scherm=bw). Keep them stable: shared links and notes use
# them. A link may also name a screen by its title (links made before the codes: ?sg_scherm=
# Beschermd+wonen) or by an alias below; the page then rewrites the link to the code.
SCHERM_CODES = tuple(s.code for s in SCHERMEN)
ALIASSEN = {"op": SAMENVATTING, "wat-viel-op": SAMENVATTING}
# Keys this page derives itself (not in kerncijfers).
AFGELEID = {
    "BW.spreidingsindex": "Dissimilariteitsindex van de bezetting beschermd wonen over de "
    "gemeenten van de regio (verblijf tegen herkomst); 0 = elke gemeente huisvest precies haar "
    "eigen aandeel, 1 = volledig gescheiden.",
    "MO.spreidingsindex": "Dissimilariteitsindex van de bezetting maatschappelijke opvang over "
    "de gemeenten van de regio (verblijf tegen herkomst).",
    "BW.eigen_gemeente_pct": "Aandeel van de cliënten beschermd wonen uit de regio dat een plek "
    "heeft in de eigen herkomstgemeente (bezetting op de laatste dag van het kwartaal).",
}
SPREIDING_VOORZIENINGEN = ("BW", "MO")


def scherm(code: str) -> Scherm:
    return SCHERMEN[SCHERM_CODES.index(code)]


def scherm_uit_link(waarde: str | None) -> str | None:
    """The screen a link's ?sg_scherm= asks for: its code, an alias or its title (any case,
    surrounding spaces ignored); None for anything else."""
    if not waarde:
        return None
    gezocht = " ".join(waarde.split()).casefold()
    for s in SCHERMEN:
        if gezocht in (s.code.casefold(), s.titel.casefold()):
            return s.code
    return ALIASSEN.get(gezocht)


def scherm_codes_tekst() -> str:
    """'`samenvatting` (Wat viel op), `bw` (Beschermd wonen), …' for the page's help text."""
    return ", ".join(f"`{s.code}` ({s.titel})" for s in SCHERMEN)


def buur(code: str | None, stap: int) -> str:
    """The screen `stap` places on (clamped to the first and last screen)."""
    index = SCHERM_CODES.index(code) if code in SCHERM_CODES else 0
    return SCHERM_CODES[min(max(index + stap, 0), len(SCHERM_CODES) - 1)]


def kerncijfer_sleutels(gepubliceerd: bool = False) -> list[str]:
    """Every kerncijfers key the screens need (tiles and charts), in screen order; with
    `gepubliceerd` also the derived keys, which published figures carry as rows."""
    sleutels = []
    for s in SCHERMEN:
        kandidaten = [t.sleutel for t in s.tegels]
        if s.grafiek:
            kandidaten += [k for k, _ in s.grafiek.lijnen]
            kandidaten += [s.grafiek.jaren_per_bron] if s.grafiek.jaren_per_bron else []
        sleutels += [k for k in kandidaten
                     if (gepubliceerd or k not in AFGELEID) and k not in sleutels]
    return sleutels


# --- series from kerncijfers ------------------------------------------------------------------


@dataclass(frozen=True)
class Reeksen:
    kwartaal: Mapping[str, Mapping[str, float]]  # key -> quarter -> value
    jaar: Mapping[str, Mapping[str, float]]  # key -> year -> value (derived bron only)
    # key -> (year, bron, value) of every bron, for a chart that shows them side by side
    jaar_per_bron: Mapping[str, tuple[tuple[str, str, float], ...]] = field(default_factory=dict)


def _waarden(frame: pd.DataFrame) -> dict[str, float]:
    return {p: float(w) for p, w in zip(frame["periode"], frame["waarde"], strict=True)
            if not pd.isna(w)}


def kwartaalreeksen(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """key -> quarter -> value from the stuurgroep_reeksen query."""
    deel = frame[frame["periode_type"] == "kwartaal"]
    return {k: _waarden(g) for k, g in deel.groupby("sleutel", sort=True)}


def jaarreeksen(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """key -> year -> value, of the source of the latest year only: a published year of
    another document (2018 in Regionaal kader) stays out of the derived series; the years
    a source gave and those added up from its quarters ("afgeleid uit") are one series."""
    deel = frame[frame["periode_type"] == "jaar"]
    uit = {}
    for sleutel, groep in deel.groupby("sleutel", sort=True):
        document = groep["bron"].map(basis_bron)
        laatste = document[groep["periode"] == groep["periode"].max()]
        uit[sleutel] = _waarden(groep[document == laatste.sort_values().iloc[-1]])
    return uit


def spreidingsreeksen(
    frame: pd.DataFrame, gemeenten: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per voorziening in `frame` (stuurgroep_spreiding): the dissimilarity index per quarter
    ('<vz>.spreidingsindex') and the percentage of clients from the region housed in their own
    municipality ('<vz>.eigen_gemeente_pct'). Only the region's municipalities count."""
    regio = set(gemeenten)
    uit: dict[str, dict[str, float]] = {}
    frame = frame[frame["gemeentecode"].isin(regio)]
    for voorziening, deel in frame.groupby("voorziening", sort=True):
        totalen = deel[deel["dimensie"].isna()]
        index = {}
        for periode, p in totalen.groupby("periode", sort=True):
            v, h = p[p["perspectief"] == "verblijf"], p[p["perspectief"] == "herkomst"]
            waarde = dissimilariteitsindex(dict(zip(v["gemeentecode"], v["waarde"], strict=True)),
                                           dict(zip(h["gemeentecode"], h["waarde"], strict=True)))
            if waarde is not None:
                index[periode] = waarde
        uit[f"{voorziening}.spreidingsindex"] = index
        kruis = deel[deel["dimensie"].notna()].copy()
        kruis["herkomst"] = kruis["dimensie"].str.split("=", n=1).str[1]
        kruis = kruis[kruis["herkomst"].isin(regio)]
        eigen = {}
        for periode, p in kruis.groupby("periode", sort=True):
            totaal = float(p["waarde"].sum())
            if totaal > 0:
                thuis = float(p.loc[p["herkomst"] == p["gemeentecode"], "waarde"].sum())
                eigen[periode] = 100.0 * thuis / totaal
        uit[f"{voorziening}.eigen_gemeente_pct"] = eigen
    return uit


def reeksen(
    kerncijfers: pd.DataFrame, spreiding: pd.DataFrame, gemeenten: Sequence[str],
    gepubliceerd: bool = False,
) -> Reeksen:
    """All series of the page: the region totals and the derived spreiding series.

    `gepubliceerd`: `kerncijfers` are published figures, which carry the derived series
    themselves (keys AFGELEID, bron 'afgeleid', rounded and hidden where needed): those are
    shown as given, never computed from the counts; a missing or hidden one shows '–'."""
    kwartaal = kwartaalreeksen(kerncijfers)
    if gepubliceerd:
        for sleutel in AFGELEID:
            kwartaal.setdefault(sleutel, {})
    else:
        kwartaal.update(spreidingsreeksen(spreiding, gemeenten))
    jaren = kerncijfers[kerncijfers["periode_type"] == "jaar"].sort_values(["periode", "bron"])
    per_bron = {
        sleutel: tuple((p, b, float(w)) for p, b, w in
                       zip(groep["periode"], groep["bron"], groep["waarde"], strict=True))
        for sleutel, groep in jaren.groupby("sleutel", sort=True)
    }
    return Reeksen(kwartaal=kwartaal, jaar=jaarreeksen(kerncijfers), jaar_per_bron=per_bron)


def jaar_bij_kwartaal(kwartaal: str, jaren: Sequence[str]) -> str | None:
    """The last complete year up to the quarter that has a figure: in K4 the quarter's own
    year is complete, earlier in the year the year before is the latest complete one."""
    jaar = int(kwartaal[:4]) if kwartaal.endswith("K4") else int(kwartaal[:4]) - 1
    kandidaten = [j for j in jaren if j.isdigit() and int(j) <= jaar]
    return max(kandidaten) if kandidaten else None


# --- tiles ---------------------------------------------------------------------------------------

KLEUREN = {GUNSTIG: "green", ONGUNSTIG: "red"}  # anything else gray
PIJLEN = {1: "▲", -1: "▼", 0: "="}


@dataclass(frozen=True)
class Vergelijking:
    periode: str
    waarde: float | None
    verschil: float | None  # rounded as shown
    oordeel: str  # gunstig, ongunstig, neutraal

    def tekst(self, eenheid: str) -> str:
        return wat_viel_op.verschil_tekst(self.verschil, eenheid, self.waarde, kort=True)


@dataclass(frozen=True)
class Tegel:
    sleutel: str
    label: str
    eenheid: str
    periode: str | None  # the quarter, or the year of a yearly figure
    waarde: float | None
    vergelijkingen: tuple[Vergelijking, ...]
    richting: str
    doel: Streefwaarde | None
    op_koers: bool | None
    definitie: str
    afwezig: str = ""  # why there is no value (shown instead of the comparisons)

    @property
    def titel(self) -> str:
        return f"{self.label} {self.periode}" if self.periode and self.periode.isdigit() \
            else self.label

    @property
    def tekst(self) -> str:
        return wat_viel_op.waarde_tekst(self.waarde, self.eenheid)

    @property
    def delta(self) -> str | None:
        """The change against the first comparison (the quarter or year before)."""
        if not self.vergelijkingen:
            return None
        return self.vergelijkingen[0].tekst(self.eenheid) or None

    @property
    def delta_kleur(self) -> str:
        return KLEUREN.get(self.vergelijkingen[0].oordeel, "gray") if self.vergelijkingen \
            else "gray"

    @property
    def delta_beschrijving(self) -> str | None:
        if not self.delta:
            return None
        return _beschrijving(self.vergelijkingen[0], self.richting)

    @property
    def regels(self) -> tuple[str, ...]:
        """Markdown lines under the value: further comparisons, then the target; for a figure
        that does not exist, why."""
        if self.afwezig:
            return (self.afwezig,)
        regels = []
        for v in self.vergelijkingen[1:]:
            tekst = v.tekst(self.eenheid)
            if not tekst:
                regels.append(f"– t.o.v. {v.periode}")
                continue
            pijl = PIJLEN[(v.verschil > 0) - (v.verschil < 0)] if v.verschil is not None else ""
            kleur = KLEUREN.get(v.oordeel, "gray")
            regels.append(f":{kleur}[{pijl} {tekst}] {_beschrijving(v, self.richting)}")
        regels.append(self.koers_tekst)
        return tuple(regels)

    @property
    def koers_tekst(self) -> str:
        """Badge and text: ':green-badge[op koers] streefwaarde lager dan 40 in 2026'."""
        return f"{self.koers_badge} {self.koers_doel}"

    @property
    def koers_badge(self) -> str:
        if self.richting == GEEN:
            return ":gray-badge[volgen]"
        if self.doel is None or self.doel.streefwaarde is None:
            return ":gray-badge[geen streefwaarde]"
        if self.op_koers is None:
            return ":gray-badge[onbekend]"
        return ":green-badge[op koers]" if self.op_koers else ":red-badge[niet op koers]"

    @property
    def koers_doel(self) -> str:
        if self.richting == GEEN:
            return "geen streefrichting"
        if self.doel is None or self.doel.streefwaarde is None:
            return "hoger is beter" if self.richting == OMHOOG else "lager is beter"
        return (f"streefwaarde {'hoger' if self.richting == OMHOOG else 'lager'} dan "
                f"{wat_viel_op.waarde_tekst(self.doel.streefwaarde, self.eenheid)}"
                + (f" in {self.doel.streefjaar}" if self.doel.streefjaar else ""))


def _beschrijving(v: Vergelijking, richting: str) -> str:
    if richting == GEEN or v.oordeel not in KLEUREN:
        return f"t.o.v. {v.periode}"
    return f"t.o.v. {v.periode} · {v.oordeel}"


def definitie(sleutel: str) -> str:
    """The one-line definition behind a tile's help."""
    if sleutel in AFGELEID:
        return AFGELEID[sleutel]
    return labels.definitie(sleutel.split(".", 1)[1])


def tegel(d: TegelDef, kwartaal: str, alle: Reeksen, config: Streefwaarden) -> Tegel:
    """One tile: the value for the quarter (or its last complete year), the changes against
    the quarter before and a year earlier (a yearly figure: the year before), each judged by
    the region's direction, and on/off track against the target."""
    richting = config.richting(d.sleutel)
    if d.jaarcijfer:
        reeks = alle.jaar.get(d.sleutel, {})
        periode = jaar_bij_kwartaal(kwartaal, list(reeks))
        vergelijk = [str(int(periode) - 1)] if periode else []
    else:
        reeks = alle.kwartaal.get(d.sleutel, {})
        periode = kwartaal
        vergelijk = [kwartaal_verschuiven(kwartaal, -1), kwartaal_verschuiven(kwartaal, -4)]
    waarde = reeks.get(periode) if periode else None
    vergelijkingen = []
    for p in vergelijk:
        toen = reeks.get(p)
        verschil = wat_viel_op.afgerond_verschil(
            None if waarde is None or toen is None else waarde - toen, d.eenheid, waarde)
        # judged on the change as shown, so a '0' is never coloured
        vergelijkingen.append(Vergelijking(p, toen, verschil, oordeel(verschil, richting)))
    doel = config.get(d.sleutel)
    return Tegel(
        sleutel=d.sleutel, label=d.label, eenheid=d.eenheid, periode=periode, waarde=waarde,
        vergelijkingen=tuple(vergelijkingen), richting=richting, doel=doel,
        op_koers=op_koers(waarde, richting, doel.streefwaarde if doel else None),
        definitie=definitie(d.sleutel),
        afwezig=d.afwezig if waarde is None else "",
    )


# --- the page's content ------------------------------------------------------------------------


@dataclass(frozen=True)
class SchermInhoud:
    scherm: Scherm
    tegels: tuple[Tegel, ...]
    tabel: pd.DataFrame | None  # exactly the data of the chart

    @property
    def code(self) -> str:
        return self.scherm.code

    @property
    def titel(self) -> str:
        return self.scherm.titel


@dataclass(frozen=True)
class Overzicht:
    kwartaal: str
    schermen: tuple[SchermInhoud, ...]
    zinnen: tuple[str, ...]
    doelen: pd.DataFrame  # the targets and where the region stands
    doelen_regels: tuple[str, ...]  # the same as markdown lines, readable on a projector

    def scherm(self, code: str) -> SchermInhoud:
        return self.schermen[SCHERM_CODES.index(code)]


def overzicht(alle: Reeksen, config: Streefwaarden, kwartaal: str) -> Overzicht:
    inhoud = []
    for s in SCHERMEN:
        tegels = tuple(tegel(d, kwartaal, alle, config) for d in s.tegels)
        tabel = grafiek_tabel(s.grafiek, alle, kwartaal) if s.grafiek else None
        inhoud.append(SchermInhoud(s, tegels, tabel))
    alle_tegels = [t for s in inhoud for t in s.tegels]
    return Overzicht(
        kwartaal=kwartaal,
        schermen=tuple(inhoud),
        zinnen=tuple(wat_viel_op.zinnen(wat_viel_op_reeksen(alle, config, kwartaal))),
        doelen=doelen_tabel(alle_tegels),
        doelen_regels=doelen_regels(alle_tegels),
    )


def wat_viel_op_reeksen(alle: Reeksen, config: Streefwaarden, kwartaal: str) -> list[Reeks]:
    """The tiles' series for 'Wat viel op', in screen order: quarterly series up to the
    quarter; a yearly series only in the quarter that completes its year (K4), so a yearly
    finding is told once, when it is new."""
    uit = []
    for d in (t for s in SCHERMEN for t in s.tegels):
        doel = config.get(d.sleutel)
        if d.jaarcijfer:
            if not kwartaal.endswith("K4"):
                continue
            periode, bron = kwartaal[:4], alle.jaar.get(d.sleutel, {})
        else:
            periode, bron = kwartaal, alle.kwartaal.get(d.sleutel, {})
        if periode not in bron:
            continue
        uit.append(Reeks(
            sleutel=d.sleutel,
            label=doel.label if doel else d.label,
            waarden={p: w for p, w in bron.items() if p <= periode},
            periode=periode,
            eenheid=d.eenheid,
            richting=config.richting(d.sleutel),
            streefwaarde=doel.streefwaarde if doel else None,
        ))
    return uit


def doelen_tabel(tegels: Sequence[Tegel]) -> pd.DataFrame:
    """The tiles that have a target: Indicator, Streefwaarde, Stand, Periode, Op koers, Bron."""
    rijen = []
    for t in tegels:
        if t.doel is None or t.doel.streefwaarde is None:
            continue
        vergelijking = "hoger dan" if t.richting == OMHOOG else "lager dan"
        rijen.append({
            "Indicator": t.doel.label,
            "Streefwaarde": f"{vergelijking} "
            f"{wat_viel_op.waarde_tekst(t.doel.streefwaarde, t.eenheid)}"
            + (f" in {t.doel.streefjaar}" if t.doel.streefjaar else ""),
            "Stand": t.tekst,
            "Periode": t.periode or "–",
            "Op koers": {True: "ja", False: "nee", None: "–"}[t.op_koers],
            "Bron": t.doel.bron,
        })
    return pd.DataFrame(rijen, columns=["Indicator", "Streefwaarde", "Stand", "Periode",
                                        "Op koers", "Bron"])


def doelen_regels(tegels: Sequence[Tegel]) -> tuple[str, ...]:
    """'<badge> Wachtlijst beschermd wonen: 28 in 2026-K3 (streefwaarde lager dan 40 in 2026)'
    for every tile with a target."""
    regels = []
    for t in tegels:
        if t.doel is None or t.doel.streefwaarde is None:
            continue
        stand = f"{t.tekst} in {t.periode}" if t.periode else "nog geen cijfer"
        regels.append(f"{t.koers_badge} {t.doel.label}: {stand} ({t.koers_doel})")
    return tuple(regels)


# --- the one chart per screen --------------------------------------------------------------------


def grafiek_tabel(g: GrafiekDef, alle: Reeksen, kwartaal: str) -> pd.DataFrame:
    """Exactly the chart's data: Periode, Reeks, Waarde (quarters up to the quarter), or for a
    yearly chart Periode, Bron, Waarde (complete years up to the quarter, per bron)."""
    if g.jaren_per_bron:
        rijen = alle.jaar_per_bron.get(g.jaren_per_bron, ())
        laatste = jaar_bij_kwartaal(kwartaal, [p for p, _, _ in rijen]) or ""
        return pd.DataFrame(
            [{"Periode": p, "Bron": b, "Waarde": w} for p, b, w in rijen if p <= laatste],
            columns=["Periode", "Bron", "Waarde"],
        )
    rijen = [
        {"Periode": p, "Reeks": naam, "Waarde": _rond(w, g.eenheid)}
        for sleutel, naam in g.lijnen
        for p, w in sorted(alle.kwartaal.get(sleutel, {}).items()) if p <= kwartaal
    ]
    return pd.DataFrame(rijen, columns=["Periode", "Reeks", "Waarde"])


def _rond(waarde: float, eenheid: str) -> float:
    return round(float(waarde), 4 if eenheid == INDEX else 2)


def figuur(g: GrafiekDef, tabel: pd.DataFrame, groot: bool = False,
           doelen: Streefwaarden | None = None) -> go.Figure:
    """A line per series (or per bron) with the shared look; with `doelen` the target of each
    series that has one (config/streefwaarden.toml) as a dotted line. `groot`: presentation
    mode, larger type and no fixed height (the page stretches the chart over the room that
    the screen leaves)."""
    reeks = "Bron" if g.jaren_per_bron else "Reeks"
    frame = pd.DataFrame({
        "periode": tabel["Periode"], "gemeentecode": tabel[reeks], "gemeente": tabel[reeks],
        "waarde": tabel["Waarde"],
    })
    kleuren = charts.categorie_kleuren(dict.fromkeys(tabel[reeks]))
    decimalen = 2 if g.eenheid == INDEX else 0
    fig = charts.lijn_per_gemeente(frame, kleuren, g.titel, g.y_titel, decimalen=decimalen)
    if g.eenheid == INDEX:
        fig.update_yaxes(tickformat=",.2f")
    for sleutel, naam in g.lijnen if doelen is not None else ():
        doel = doelen.get(sleutel)
        if doel is None or doel.streefwaarde is None or naam not in set(tabel[reeks]):
            continue
        label = charts.streefwaarde_label(doel, procent=g.eenheid == PROCENT)
        # on a chart of several series the label says whose target it is
        charts.markeer_streefwaarde(fig, doel.streefwaarde,
                                    f"{naam} – {label}" if len(g.lijnen) > 1 else label,
                                    procent=g.eenheid == PROCENT)
    # a known event's spike (the Wlz-overgang in BW's uitstroom) would flatten every other
    # quarter: the axis is cut above the rest and the spike's value written at the top
    for gebeurtenis in gebeurtenissen.voor(tuple({k.split(".", 1)[0] for k, _ in g.lijnen})):
        charts.kap_uitschieter(fig, gebeurtenis.kwartaal, decimalen=decimalen)
    # explicit sizes: Streamlit's chart theme would otherwise set its own small ticks
    tekst = 18 if groot else 12
    fig.update_layout(font={"size": tekst}, title={"font": {"size": 22 if groot else 16}},
                      legend={"font": {"size": tekst}}, hoverlabel={"font": {"size": tekst}},
                      margin={"t": 44 if groot else 50, "b": 4 if groot else 10})
    if not groot:
        fig.update_layout(height=300)
    fig.update_xaxes(tickfont={"size": tekst - 2 if groot else 11})
    fig.update_yaxes(tickfont={"size": tekst}, title_font={"size": tekst})
    if groot:
        fig.update_annotations(font_size=tekst - 2)  # targets and known events
    return fig


# --- presentation and print -------------------------------------------------------------------

# Streamlit's own test ids and the st-key-<key> class of keyed containers; both are what
# Streamlit documents for styling, and a missing one only loses the styling, never content.
_CHROME = (
    '[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stHeader"]', '[data-testid="stToolbar"]', '[data-testid="stDecoration"]',
)


# Plotly draws a chart once, at the width of the screen; the browser's print lays the page out
# at A4 width without redrawing it. Just before printing, each chart wider than the printable
# width (A4 landscape minus margins, in CSS pixels) is scaled down with CSS zoom, and restored
# afterwards. Registered once per browser tab; only this page's charts are touched.
PRINT_BREEDTE = 1040
PRINT_SCRIPT = f"""<script>
(() => {{
  if (window.__stuurgroepPrint) return;
  window.__stuurgroepPrint = true;
  const charts = () => document.querySelectorAll(
    '[class*="st-key-sg_pagina_"] [data-testid="stPlotlyChart"]');
  window.addEventListener("beforeprint", () => charts().forEach((el) => {{
    el.style.zoom = "";
    const breedte = el.getBoundingClientRect().width;
    if (breedte > {PRINT_BREEDTE}) el.style.zoom = String({PRINT_BREEDTE} / breedte);
  }}));
  window.addEventListener("afterprint", () => charts().forEach((el) => {{ el.style.zoom = ""; }}));
}})();
</script>"""


def stijl(presentatie: bool) -> str:
    """The page's stylesheet: print (always) and presentation mode (large type, no sidebar)."""
    scherm = '[class*="st-key-sg_pagina_"]'
    pagina = ", ".join(f".st-key-sg_pagina_{c}" for c in SCHERM_CODES[1:])
    verbergen_print = ", ".join((*_CHROME, ".st-key-sg_bediening", ".st-key-sg_navigatie",
                                 '[data-testid="stExpander"]', '[data-testid="stDownloadButton"]',
                                 '[data-testid="stElementToolbar"]'))
    css = f"""
{scherm} [data-testid="stMetricValue"], {scherm} [data-testid="stMetricValue"] p {{
  font-size: 2.75rem; line-height: 1.15;
}}
@media print {{
  @page {{ size: A4 landscape; margin: 8mm 10mm; }}
  {verbergen_print} {{ display: none !important; }}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {{
    height: auto !important; overflow: visible !important; position: static !important;
  }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: 100% !important; }}
  {pagina} {{ break-before: page; page-break-before: always; }}
  {scherm} {{ break-inside: avoid; page-break-inside: avoid; }}
  {scherm} [data-testid="stMetricValue"], {scherm} [data-testid="stMetricValue"] p {{
    font-size: 1.7rem !important;
  }}
  {scherm} .stMarkdown p, {scherm} [data-testid="stMetricLabel"] p {{
    font-size: 0.75rem !important;
  }}
  /* six tiles on an A4 row: a change's description that does not fit beside the change
     goes under it, not beside it one word per line */
  {scherm} div:has(> [data-testid="stMetricDeltaDescription"]) {{
    flex-wrap: wrap !important;
  }}
  {scherm} h2 {{ padding-top: 0 !important; }}
  /* a chart drawn for a wide screen never bleeds off the page (PRINT_SCRIPT scales it) */
  [data-testid="stPlotlyChart"] {{ overflow: hidden !important; max-width: 100% !important; }}
}}
"""
    if presentatie:
        css += _presentatie_css(scherm)
    return f"<style>{css}</style>"


# Presentation mode fills one screen, without scrolling, at any 16:9 (or 16:10) size. The root
# font size follows the viewport's height, so every rem-based size of Streamlit and of this
# page scales with it: what fits at 1366x768 fits at 1920x1080 the same way. The app's column is
# a flex column exactly as high as the viewport; the screen takes the room left under the
# banner and the controls, and its chart (drawn with height="stretch") the room left under the
# tiles. Nothing is hidden by overflow: content that does not fit makes the page scroll, which
# the browser test catches.
PRESENTATIE_MIN_GRAFIEK = "11rem"  # below this a chart is no longer readable on a projector


def _presentatie_css(scherm: str) -> str:
    verbergen = ", ".join(_CHROME)
    blok = '[data-testid="stMainBlockContainer"]'
    kolom = f'{blok} > [data-testid="stVerticalBlock"]'
    grafiek = f'{scherm} [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"])'
    return f"""
@media screen {{
  html {{ font-size: clamp(12px, min(2.1vh, 1.18vw), 26px) !important; }}
  {verbergen} {{ display: none !important; }}
  [data-testid="stMain"] {{ padding: 0 !important; }}
  {blok} {{
    padding: 0.4rem 1.5rem 0.3rem !important; max-width: 100% !important;
    min-height: 100vh; height: 100vh; box-sizing: border-box; display: flex;
    flex-direction: column;
  }}
  {kolom} {{ flex: 1 1 auto; min-height: 0; gap: 0.4rem !important; }}
  /* styles and scripts take no room (and no gap) */
  {kolom} > [data-testid="stElementContainer"]:has(> [data-testid="stHtml"]):not(
    :has(> [data-testid="stHtml"] > :not(style, script))),
  {kolom} > [data-testid="stLayoutWrapper"]:has(> .st-key-toegankelijkheid) {{
    display: none !important;
  }}
  /* the banners (Demodata, snapshot, publieksversie) stay, in one compact line */
  {kolom} > [data-testid="stElementContainer"] [data-testid="stAlertContainer"] {{
    padding: 0.3rem 0.75rem !important;
  }}
  {kolom} > [data-testid="stElementContainer"] [data-testid="stAlert"] p {{
    font-size: 0.85rem !important; line-height: 1.3 !important;
  }}
  /* the quarter keeps its label for a screen reader, not on the screen */
  .st-key-sg_kwartaal [data-testid="stWidgetLabel"] {{
    position: absolute !important; width: 1px !important; height: 1px !important;
    overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap;
  }}
  [data-testid="stLayoutWrapper"]:has(> {scherm}) {{
    flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column;
  }}
  {scherm} {{ flex: 1 1 auto; min-height: 0; gap: 0.4rem !important; }}
  {scherm} [data-testid="stExpander"], {scherm} [data-testid="stDownloadButton"],
  {scherm} [data-testid="stElementContainer"]:has([data-testid="stDownloadButton"]),
  {scherm} [data-testid="stLayoutWrapper"]:has([data-testid="stDownloadButton"]) {{
    display: none !important;
  }}
  {grafiek} {{ flex: 1 1 0 !important; min-height: {PRESENTATIE_MIN_GRAFIEK} !important; }}
  /* overflow: Plotly's first, hidden draw is 450px high until it takes the room it has */
  {grafiek} [data-testid="stPlotlyChart"] {{ height: 100% !important; overflow: hidden; }}
  {scherm} h2 {{
    font-size: 2.1rem !important; line-height: 1.15 !important; padding: 0 !important;
  }}
  {scherm} [data-testid="stHeading"], {scherm} [data-testid="stHeading"] * {{
    margin-bottom: 0 !important;
  }}
  {scherm} h3 {{ font-size: 1.4rem !important; padding: 0.25rem 0 0 !important; }}
  {scherm} [data-testid="stVerticalBlockBorderWrapper"], {scherm} .stVerticalBlock {{
    gap: 0.2rem;
  }}
  {scherm} [data-testid="stHorizontalBlock"] {{ gap: 0.75rem !important; }}
  /* tiles: nothing cut off; labels and 'gunstig/ongunstig' wrap instead */
  {scherm} [data-testid="stMetricLabel"], {scherm} [data-testid="stMetricLabel"] *,
  {scherm} [data-testid="stMetricDelta"], {scherm} [data-testid="stMetricDelta"] *,
  {scherm} [data-testid="stMetric"] * {{
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important;
  }}
  {scherm} [data-testid="stMetricLabel"] p {{ font-size: 1.1rem !important; }}
  {scherm} [data-testid="stMetricValue"], {scherm} [data-testid="stMetricValue"] p {{
    font-size: 2.9rem !important; line-height: 1.05 !important;
  }}
  {scherm} [data-testid="stMetricDelta"] p {{ font-size: 1.05rem !important; }}
  {scherm} [data-testid="stMetricDelta"] svg {{ width: 1.2rem; height: 1.2rem; }}
  {scherm} .stMarkdown p, {scherm} .stMarkdown li {{
    font-size: 1rem !important; line-height: 1.35 !important;
  }}
  {scherm} .st-key-sg_wat .stMarkdown li, {scherm} .st-key-sg_doelen_regels .stMarkdown li {{
    font-size: 1.25rem !important; line-height: 1.4 !important;
  }}
  {scherm} .stCaption p, {scherm} [data-testid="stCaptionContainer"] p {{
    font-size: 1rem !important; line-height: 1.3 !important;
  }}
  {scherm} [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"])
    ~ [data-testid="stElementContainer"] [data-testid="stCaptionContainer"] p {{
    font-size: 0.75rem !important;
  }}
  /* captions without Streamlit's negative margin, which would let them hang out below */
  {kolom} [data-testid="stCaptionContainer"] {{ margin-bottom: 0 !important; }}
  {kolom} [data-testid="stCaptionContainer"] p {{ margin-bottom: 0 !important; }}
  /* the footer (version, sources) stays, small */
  [data-testid="stLayoutWrapper"]:has(> {scherm}) ~ [data-testid="stElementContainer"] p {{
    font-size: 0.7rem !important; margin: 0 !important;
  }}
}}
"""


# Arrow keys from the start. The Vorige/Volgende buttons carry Streamlit's own shortcuts
# (shortcut="left"/"right"), which leave two gaps that this closes:
# - Streamlit ignores them while an input has the focus, and after a click or Space on the
#   Presentatiemodus switch the focus sits in its checkbox, where the keys mean nothing else:
#   there they are handed to the buttons.
# - Streamlit loads a widget's code when it first shows one, so just after the page opened (or
#   the switch was turned on) the buttons and their shortcuts may not be there yet: a key
#   pressed then is kept and applied as soon as the button appears (for up to 10 s).
# Everywhere else Streamlit's own shortcuts do the work, so no key ever moves two screens; in a
# field that takes arrow keys itself (the Kwartaal box) they keep their own meaning.
PRESENTATIE_SCRIPT = """<script>
(() => {
  if (window.__stuurgroepToetsen) return;
  window.__stuurgroepToetsen = true;
  const knop = (stap) => document.querySelector(
    stap < 0 ? ".st-key-sg_vorige button" : ".st-key-sg_volgende button");
  const gevraagd = () => /\\/stuurgroep\\/?$/.test(location.pathname)
    && new URLSearchParams(location.search).get("sg_presentatie") === "true";
  let wachtend = null;
  const druk = (tot) => {
    if (wachtend === null) return;
    const k = knop(wachtend);
    if (k && !k.disabled) { wachtend = null; k.click(); }
    else if (Date.now() < tot) setTimeout(() => druk(tot), 50);
    else wachtend = null;
  };
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const doel = e.target instanceof Element ? e.target : null;
    const schakelaar = !!(doel && doel.closest(".st-key-sg_presentatie"));
    if (!schakelaar && doel && doel.closest(
      "input, textarea, select, [contenteditable=true], [role=combobox], [role=listbox]")) return;
    const stap = e.key === "ArrowLeft" ? -1 : 1;
    const k = knop(stap);
    if (k) {
      if (!schakelaar) return;  // Streamlit's own shortcut
      e.preventDefault();
      if (!k.disabled) k.click();
    } else if (gevraagd()) {
      e.preventDefault();
      wachtend = stap;
      druk(Date.now() + 10000);
    }
  });
})();
</script>"""
