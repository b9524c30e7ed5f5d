"""The meeting view of a snapshot: its published figures, and its charts as images.

The PDF report and the steering group's deck are made of the same screens, tiles and charts
as the dashboard's Stuurgroep page, computed from the snapshot's PUBLISHED figures only: the
frame `publicatie.suppressie.beveilig` returned (`gepubliceerd`), with its marks. The named
query `monitor/queries/stuurgroep_reeksen.sql` runs on an in-memory DuckDB over that frame and
the snapshot's reference tables, and its result goes through the same view functions
(`monitor.views.stuurgroep`). A hidden figure is missing from every series, so a chart has a
gap where the dashboard has a point, a tile and a table cell show the mark of that cell, and
'Wat viel op' never speaks of it. The spreiding index and the own-municipality share are the
derived rows of `gepubliceerd` as given: never computed here from counts; absent, they read
as not available ('–').

Every series is rounded to what the report shows before it is charted, so no image holds a
figure more precise than the text. `schrijf_grafieken` writes each screen's chart to
`publicatie/grafieken/<naam>-<versie>.png` (scale 2) and `.svg` with kaleido, in one Chromium
session; a demo snapshot's images carry a DEMODATA mark drawn in the image itself.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go

from etl import settings
from monitor import fmt, gebeurtenissen, labels, streefwaarden, wat_viel_op
from monitor.snapshots import PUBLICATIE, REFERENTIE, REFERENTIE_TABELLEN, SnapshotFout
from monitor.views import stuurgroep as view
from publicatie.export_xlsx import Kolom
from publicatie.suppressie import Publicatie

QUERIES = settings.ROOT / "monitor" / "queries"
RAPPORT_TOML = settings.ROOT / "config" / "rapport.toml"
GRAFIEKEN = f"{PUBLICATIE}/grafieken"
DEMO_TEKST = "DEMODATA — niet echt"
# Layout pixels of a chart image: fits an A4 column and a 16:9 slide without shrinking the
# dashboard's 12 px type much. The PNG is drawn at twice this.
BREEDTE, HOOGTE, SCHAAL = 900, 340, 2
KWARTALEN_IN_TABEL = 8
# Debian installs Chromium here; BROWSER_PATH (choreographer's own variable) overrides it.
CHROMIUM_PADEN = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_NAMEN = ("chromium", "chromium-browser", "google-chrome", "chrome")
RENDER_TIMEOUT = 60  # seconds per image
AFGELEID_BRON = "afgeleid"  # bron of the derived region rows of `gepubliceerd`


def chromium() -> str:
    """The Chromium for kaleido and the PDF print, or a Dutch refusal saying how to get one."""
    kandidaten = [os.environ.get("BROWSER_PATH"), *CHROMIUM_PADEN,
                  *(shutil.which(n) for n in CHROMIUM_NAMEN)]
    for pad in kandidaten:
        if pad and Path(pad).is_file() and os.access(pad, os.X_OK):
            return pad
    raise SnapshotFout(
        "Geen Chromium gevonden: die is nodig voor de grafieken en de PDF van een snapshot. "
        "Installeer hem met `apt-get install chromium` (Debian/Ubuntu), of wijs een Chrome of "
        "Chromium aan met de omgevingsvariabele BROWSER_PATH."
    )


# --- who publishes: config/rapport.toml --------------------------------------------------------


class RapportFout(SnapshotFout):
    """config/rapport.toml is missing or breaks its format; the message is Dutch."""


@dataclass(frozen=True)
class Rapport:
    """Publisher, contact and disclaimer of the report and the deck, and the sources' names."""

    uitgever: str
    contact: str
    disclaimer: str
    # kind of source file (trajecten, tellingen, capaciteit) -> what a reader calls it
    bronnen: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def bron_naam(self, soort: str) -> str:
        return self.bronnen.get(soort, soort.capitalize())


_RAPPORT_VELDEN = ("uitgever", "contact", "disclaimer")


def lees_rapport(pad: Path = RAPPORT_TOML) -> Rapport:
    """Publisher, contact and disclaimer from config/rapport.toml, checked."""
    naam = _naam(pad)
    try:
        ruw = tomllib.loads(pad.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RapportFout(f"{naam}: het bestand met uitgever, contact en disclaimer van de "
                          "rapportage bestaat niet.") from None
    except UnicodeDecodeError:
        raise RapportFout(f"{naam}: het bestand is geen UTF-8-tekst.") from None
    except tomllib.TOMLDecodeError as fout:
        raise RapportFout(f"{naam}: geen geldige TOML ({fout}).") from None
    onbekend = sorted(set(ruw) - {*_RAPPORT_VELDEN, "bronnen"})
    if onbekend:
        raise RapportFout(f"{naam}: onbekend veld {', '.join(repr(v) for v in onbekend)}; "
                          f"toegestaan zijn {', '.join(_RAPPORT_VELDEN)} en [bronnen].")
    for veld in _RAPPORT_VELDEN:
        waarde = ruw.get(veld)
        if not isinstance(waarde, str) or not waarde.strip():
            raise RapportFout(f"{naam}: '{veld}' ontbreekt of is leeg; vul de tekst in die in "
                              "de rapportage moet staan.")
    bronnen = ruw.get("bronnen", {})
    if not isinstance(bronnen, dict) or not all(
            isinstance(v, str) and v.strip() for v in bronnen.values()):
        raise RapportFout(f"{naam}: [bronnen] moet per soort bestand een tekst geven, zoals "
                          "trajecten = \"Trajectregistratie van de zorgaanbieders\".")
    return Rapport(**{v: " ".join(ruw[v].split()) for v in _RAPPORT_VELDEN},
                   bronnen={k: v.strip() for k, v in bronnen.items()})


def _naam(pad: Path) -> str:
    try:
        return str(Path(pad).resolve().relative_to(settings.ROOT))
    except ValueError:
        return str(pad)


# --- the meeting view of a snapshot -----------------------------------------------------------


@dataclass(frozen=True)
class Stuurgroep:
    """Everything the PDF and the deck show: published figures only."""

    manifest: dict
    meta: Mapping[str, str]
    overzicht: view.Overzicht
    gepubliceerd: pd.DataFrame  # the protected figures of the snapshot, with their marks
    # (key, period) of region figures that are hidden -> their mark: 'BW.instroom', '2019-K3'
    onderdrukt: Mapping[tuple[str, str], str]
    # the chart tables with a NaN row where a point is hidden, by screen code
    tabellen: Mapping[str, pd.DataFrame]
    publicatie: Publicatie
    rapport: Rapport
    # every source file (soort, bron, peildatum, demo; bestand and sha256 for the annex only)
    bronbestanden: pd.DataFrame
    bekende_gebeurtenissen: tuple[gebeurtenissen.Gebeurtenis, ...] = ()
    # the region's targets (config/streefwaarden.toml), drawn on the charts as on the dashboard
    doelen: streefwaarden.Streefwaarden | None = None

    @property
    def kwartaal(self) -> str:
        return self.manifest["kwartaal"]

    @property
    def versie(self) -> str:
        return self.manifest.get("versie") or self.kwartaal

    @property
    def regio(self) -> str:
        return self.manifest.get("regio") or self.meta.get("regio") or ""

    @property
    def demo(self) -> bool:
        return bool(self.manifest.get("bevat_demo"))

    @property
    def teken(self) -> str:
        return self.publicatie.teken

    @property
    def teken_overig(self) -> str:
        return self.publicatie.teken_overig

    @property
    def themas(self) -> tuple[view.SchermInhoud, ...]:
        """The screens with tiles (every screen but 'Wat viel op')."""
        return tuple(s for s in self.overzicht.schermen if s.code != view.SAMENVATTING)


def lees_stuurgroep(
    map_: Path, manifest: dict, gepubliceerd: pd.DataFrame, publicatie: Publicatie
) -> Stuurgroep:
    """The meeting view of the snapshot in `map_` (its reference Parquet files written) from
    `gepubliceerd`, the protected figures of the snapshot."""
    kwartaal = manifest["kwartaal"]
    sleutels = [*view.kerncijfer_sleutels(), *view.AFGELEID]
    with _verbinding(map_, gepubliceerd) as con:
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall()) \
            if _heeft(con, "meta") else {}
        reeksen = _query(con, "stuurgroep_reeksen", sleutels=sleutels)
        bronbestanden = (con.execute("SELECT * FROM bronbestanden").df()
                         if _heeft(con, "bronbestanden")
                         else pd.DataFrame(columns=["soort", "bron", "peildatum", "demo"]))
    # no spreiding from counts: the derived rows came with `reeksen` (bron 'afgeleid')
    alle = _afgerond(view.reeksen(reeksen, _GEEN_SPREIDING, []))
    onderdrukt = _onderdrukt(gepubliceerd, sleutels)
    doelen = streefwaarden.laad()
    overzicht = view.overzicht(alle, doelen, kwartaal)
    tabellen = {
        s.code: _met_gaten(s.scherm.grafiek, s.tabel, onderdrukt, kwartaal)
        for s in overzicht.schermen if s.scherm.grafiek is not None and s.tabel is not None
    }
    return Stuurgroep(
        manifest=manifest, meta=meta, overzicht=overzicht, gepubliceerd=gepubliceerd,
        onderdrukt=onderdrukt, tabellen=tabellen, publicatie=publicatie,
        rapport=lees_rapport(), bronbestanden=bronbestanden,
        bekende_gebeurtenissen=gebeurtenissen.laad(), doelen=doelen,
    )


_GEEN_SPREIDING = pd.DataFrame(
    columns=["voorziening", "perspectief", "periode", "gemeentecode", "dimensie", "waarde"])


def _verbinding(map_: Path, gepubliceerd: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose `kerncijfers` is the published frame (the named queries only
    ever see published figures), with the snapshot's reference tables."""
    con = duckdb.connect(config={"python_enable_replacements": False})
    con.register("gepubliceerd", gepubliceerd)
    con.execute("CREATE TABLE kerncijfers AS SELECT * FROM gepubliceerd")
    con.unregister("gepubliceerd")
    for pad in sorted((map_ / REFERENTIE).glob("*.parquet")):
        if pad.stem in REFERENTIE_TABELLEN:
            # DuckDB cannot bind parameters in a CREATE VIEW: the path goes in as a literal
            literal = "'" + str(pad).replace("'", "''") + "'"
            con.execute(f'CREATE VIEW "{pad.stem}" AS SELECT * FROM read_parquet({literal})')
    return con


def _heeft(con: duckdb.DuckDBPyConnection, tabel: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
                            [tabel]).fetchall()[0][0])


def _query(con: duckdb.DuckDBPyConnection, naam: str, **params: object) -> pd.DataFrame:
    """A named query of the dashboard (monitor/queries/<naam>.sql), as the dashboard runs it."""
    return con.execute((QUERIES / f"{naam}.sql").read_text(encoding="utf-8"), params).df()


def _onderdrukt(gepubliceerd: pd.DataFrame, sleutels: list[str]) -> dict[tuple[str, str], str]:
    """(key, period) -> mark of the hidden region figures the screens use."""
    regio = gepubliceerd[gepubliceerd["onderdrukt"].astype(bool)
                         & (gepubliceerd["gemeentecode"] == settings.TOTAAL)
                         & gepubliceerd["dimensie"].isna()]
    sleutel = regio["voorziening"] + "." + regio["indicator"]
    regio = regio.assign(sleutel=sleutel)[sleutel.isin(sleutels)]
    return {(s, p): str(t) for s, p, t in zip(regio["sleutel"], regio["periode"],
                                              regio["teken"], strict=True)}


def eenheden() -> dict[str, str]:
    """key -> unit of every figure the screens show (tiles first, then chart lines)."""
    uit: dict[str, str] = {}
    for s in view.SCHERMEN:
        for t in s.tegels:
            uit.setdefault(t.sleutel, t.eenheid)
        if s.grafiek:
            for sleutel, _ in s.grafiek.lijnen:
                uit.setdefault(sleutel, s.grafiek.eenheid)
            if s.grafiek.jaren_per_bron:
                uit.setdefault(s.grafiek.jaren_per_bron, s.grafiek.eenheid)
    return uit


def afronden(waarde: float, eenheid: str) -> float:
    """A figure rounded as the report writes it (0,17; 80,7%; 1.944): a chart drawn from it
    holds nothing more precise than the text."""
    if waarde is None or math.isnan(waarde):
        return waarde
    schaal = 100.0 if eenheid == wat_viel_op.FRACTIE else 1.0
    return round(waarde * schaal, wat_viel_op.decimalen(waarde, eenheid)) / schaal


def _afgerond(alle: view.Reeksen) -> view.Reeksen:
    per = eenheden()

    def rond(sleutel: str, reeks: Mapping[str, float]) -> dict[str, float]:
        eenheid = per.get(sleutel, wat_viel_op.AANTAL)
        return {p: afronden(w, eenheid) for p, w in reeks.items()}

    return view.Reeksen(
        kwartaal={k: rond(k, r) for k, r in alle.kwartaal.items()},
        jaar={k: rond(k, r) for k, r in alle.jaar.items()},
        jaar_per_bron={
            k: tuple((p, b, afronden(w, per.get(k, wat_viel_op.AANTAL))) for p, b, w in r)
            for k, r in alle.jaar_per_bron.items()
        },
    )


def _met_gaten(
    g: view.GrafiekDef, tabel: pd.DataFrame, onderdrukt: Mapping[tuple[str, str], str],
    kwartaal: str,
) -> pd.DataFrame:
    """The chart table with a NaN row for every hidden point: a gap in the line, where
    leaving the row out would draw a line straight across the hidden quarter."""
    if g.jaren_per_bron:  # the yearly rows keep their (NaN) values already
        return tabel
    extra = [
        {"Periode": p, "Reeks": reeks, "Waarde": math.nan}
        for sleutel, reeks in g.lijnen for s, p in sorted(onderdrukt)
        if s == sleutel and "-K" in p and p <= kwartaal  # quarters only, like the chart
    ]
    if not extra:
        return tabel
    volgorde = {reeks: i for i, (_, reeks) in enumerate(g.lijnen)}
    samen = pd.concat([tabel, pd.DataFrame(extra)], ignore_index=True)
    samen = samen.assign(_r=samen["Reeks"].map(volgorde)).sort_values(["_r", "Periode"])
    return samen.drop(columns="_r").reset_index(drop=True)


# --- text of tiles and tables -----------------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    """One comparison of a tile: '▼ -19' against 2026-K2, gunstig."""

    verschil: str  # with its arrow; the mark or '–' when unknown
    periode: str
    oordeel: str  # gunstig, ongunstig or neutraal: the colour

    @property
    def kort(self) -> str:
        """'▼ -19 · gunstig' (a table cell under a 't.o.v.' header)."""
        return self.verschil + (f" · {self.oordeel}" if self.oordeel in view.KLEUREN else "")

    @property
    def tekst(self) -> str:
        """'▼ -19 t.o.v. 2026-K2 · gunstig'."""
        oordeel = f" · {self.oordeel}" if self.oordeel in view.KLEUREN else ""
        return f"{self.verschil} t.o.v. {self.periode}{oordeel}"


@dataclass(frozen=True)
class TegelTekst:
    """A tile as plain text for paper and slides: the dashboard's tile without markdown."""

    titel: str
    waarde: str
    regels: tuple[Regel, ...]  # against the quarter before and a year earlier (or the year)
    koers: str  # op koers, niet op koers, geen streefwaarde, onbekend, volgen
    doel: str  # 'streefwaarde lager dan 40 in 2026', 'lager is beter', 'geen streefrichting'
    koers_oordeel: str  # the colour of `koers`
    definitie: str

    @property
    def koers_tekst(self) -> str:
        return f"{self.koers}: {self.doel}"


_KOERSEN = {"op koers": streefwaarden.GUNSTIG, "niet op koers": streefwaarden.ONGUNSTIG,
            "geen streefwaarde": streefwaarden.NEUTRAAL, "onbekend": streefwaarden.NEUTRAAL,
            "volgen": streefwaarden.NEUTRAAL}


def teken_van(stuurgroep: Stuurgroep, sleutel: str, periode: str | None) -> str | None:
    """The mark of a hidden region figure, or None when it is not hidden."""
    return None if periode is None else stuurgroep.onderdrukt.get((sleutel, periode))


def tegel_tekst(stuurgroep: Stuurgroep, tegel: view.Tegel) -> TegelTekst:
    """The tile's value (its mark when hidden), its changes with their judgement and whether
    it is on track."""
    teken = teken_van(stuurgroep, tegel.sleutel, tegel.periode)
    waarde = teken or tegel.tekst
    regels = []
    for v in tegel.vergelijkingen:
        tekst = v.tekst(tegel.eenheid)
        toen = teken_van(stuurgroep, tegel.sleutel, v.periode)
        if tekst:
            pijl = view.PIJLEN[(v.verschil > 0) - (v.verschil < 0)]
            regels.append(Regel(f"{pijl} {tekst}", v.periode, v.oordeel))
        elif toen and tegel.waarde is not None:
            regels.append(Regel(toen, v.periode, streefwaarden.NEUTRAAL))
        else:
            regels.append(Regel(fmt.LEEG, v.periode, streefwaarden.NEUTRAAL))
    # the badge is markdown (':green-badge[op koers]'): its words only
    koers = next(k for k in _KOERSEN if f"[{k}]" in tegel.koers_badge)
    return TegelTekst(
        titel=tegel.titel, waarde=waarde, regels=tuple(regels), koers=koers,
        doel=tegel.koers_doel, koers_oordeel=_KOERSEN[koers], definitie=tegel.definitie,
    )


def grafiek_bestand(g: view.GrafiekDef, versie: str) -> str:
    """'stuurgroep-bw-instroom-uitstroom' -> 'bw-instroom-uitstroom-2026-K3-v2'."""
    return f"{g.naam.removeprefix('stuurgroep-')}-{versie}"


def ontbrekend(stuurgroep: Stuurgroep, code: str, maximum: int = 6) -> list[str]:
    """Per line of a screen's chart its hidden points: 'Instroom: 2019-K3', or their number
    when there are more than `maximum` ('Opvang (MO): 21 perioden')."""
    tabel = stuurgroep.tabellen.get(code)
    if tabel is None or tabel.empty:
        return []
    reeks = "Bron" if "Bron" in tabel.columns else "Reeks"
    gaten = tabel[tabel["Waarde"].isna()]
    uit = []
    for naam_, deel in gaten.groupby(reeks, sort=False):
        perioden = list(deel["Periode"])
        uit.append(f"{naam_}: {', '.join(perioden)}" if len(perioden) <= maximum
                   else f"{naam_}: {len(perioden)} perioden")
    return uit


def niet_beschikbaar(stuurgroep: Stuurgroep, code: str) -> list[str]:
    """The tiles of a screen without a published figure that is not hidden either (e.g. a
    derived figure the snapshot does not publish): shown as '–', named in a note."""
    inhoud = stuurgroep.overzicht.scherm(code)
    return [t.titel for t in inhoud.tegels
            if t.waarde is None and teken_van(stuurgroep, t.sleutel, t.periode) is None]


def regio_tabel(stuurgroep: Stuurgroep, code: str) -> pd.DataFrame:
    """The chart's figures as text: one row per line, one column per period (the last eight
    quarters, or every year); the cell's mark where a point is hidden."""
    inhoud = stuurgroep.overzicht.scherm(code)
    g, tabel = inhoud.scherm.grafiek, stuurgroep.tabellen.get(code)
    if g is None or tabel is None or tabel.empty:
        return pd.DataFrame()
    reeks = "Bron" if g.jaren_per_bron else "Reeks"
    sleutels = {naam_: sleutel for sleutel, naam_ in g.lijnen}
    perioden = sorted(set(tabel["Periode"]))
    if not g.jaren_per_bron:
        perioden = perioden[-KWARTALEN_IN_TABEL:]
    rijen = []
    for naam_, deel in tabel.groupby(reeks, sort=False):
        waarden = dict(zip(deel["Periode"], deel["Waarde"], strict=True))
        sleutel = g.jaren_per_bron or sleutels.get(naam_, "")
        rij = {reeks: naam_}
        for p in perioden:
            w = waarden.get(p)
            if p not in waarden:
                rij[p] = fmt.LEEG
            elif pd.isna(w):
                rij[p] = teken_van(stuurgroep, sleutel, p) or stuurgroep.teken_overig
            else:
                rij[p] = wat_viel_op.waarde_tekst(w, g.eenheid)
        rijen.append(rij)
    return pd.DataFrame(rijen, columns=[reeks, *perioden])


@dataclass(frozen=True)
class GemeenteTabel:
    """The quarter per municipality in one perspective (herkomst, verblijf, or as the source
    delivered it), with the footnote that says which."""

    titel: str
    perspectief: str
    kolommen: tuple[Kolom, ...]
    tabel: pd.DataFrame  # Gemeente and one text column per Kolom; the region last
    voetnoot: str


# What a municipality row means, per perspective: said under every table.
VOETNOTEN = {
    "herkomst": "Per gemeente naar herkomst: de gemeente waar de cliënt vandaan komt, niet "
                "waar de plek is.",
    "verblijf": "Per gemeente naar verblijf: de gemeente waar de locatie (de plek) is.",
    "regio": "Per gemeente zoals de bron het aanlevert: meldingen en adviesaanvragen in de "
             "gemeente, geen cliënten of trajecten.",
}
_TITELS = {"herkomst": "naar herkomst van de cliënt", "verblijf": "naar gemeente van de locatie",
           "regio": "zoals aangeleverd door de bron"}


def gemeente_tabellen(stuurgroep: Stuurgroep, code: str) -> list[GemeenteTabel]:
    """The quarter per municipality of a screen: one table per perspective, never two
    perspectives side by side, except on the spreiding screen, whose subject is exactly that
    comparison (bezetting by herkomst against bezetting by verblijf)."""
    kwartaal = stuurgroep.kwartaal
    g = stuurgroep.gepubliceerd
    rijen = g[(g["periode"] == kwartaal) & g["dimensie"].isna()
              & (g["gemeentecode"] != settings.TOTAAL)]
    aanwezig = set(rijen[["voorziening", "indicator", "perspectief", "bron"]]
                   .itertuples(index=False, name=None))
    if code == "spreiding":
        kolommen = [
            (p, Kolom(f"{v} naar {p}", v, "bezetting", "trajecten", p))
            for v in view.SPREIDING_VOORZIENINGEN for p in ("herkomst", "verblijf")
            if (v, "bezetting", p, "trajecten") in aanwezig
        ]
        if not kolommen:
            return []
        return [_gemeente_tabel(
            stuurgroep, "Bezetting per gemeente naar herkomst en naar verblijf",
            "herkomst en verblijf", {k: p for p, k in kolommen},
            "Bezetting op de laatste dag van het kwartaal. Naar herkomst: de gemeente waar de "
            "cliënt vandaan komt; naar verblijf: de gemeente waar de plek is. Het verschil "
            "tussen de twee is wat de spreidingsindex samenvat.")]
    per_perspectief: dict[str, list[Kolom]] = {}
    for d in stuurgroep.overzicht.scherm(code).scherm.tegels:
        if d.sleutel in view.AFGELEID or d.jaarcijfer:
            continue
        voorziening, indicator = d.sleutel.split(".", 1)
        # a figure by herkomst where there is one; else where the place is; else as delivered
        for perspectief in ("herkomst", "verblijf", "regio"):
            bron = next((b for v, i, p, b in sorted(aanwezig)
                         if (v, i, p) == (voorziening, indicator, perspectief)), None)
            if bron:
                per_perspectief.setdefault(perspectief, []).append(
                    Kolom(d.label, voorziening, indicator, bron, perspectief, d.eenheid))
                break
    return [
        _gemeente_tabel(stuurgroep, f"Per gemeente {_TITELS[p]}, {kwartaal}", p,
                        dict.fromkeys(kolommen, p), VOETNOTEN[p])
        for p, kolommen in per_perspectief.items()
    ]


def _gemeente_tabel(stuurgroep: Stuurgroep, titel: str, perspectief: str,
                    kolommen: dict[Kolom, str], voetnoot: str) -> GemeenteTabel:
    """Gemeente and one text column per Kolom (in its perspective), for the quarter; the
    region total last; a hidden cell shows its mark."""
    kwartaal = stuurgroep.kwartaal
    g = stuurgroep.gepubliceerd
    g = g[(g["periode"] == kwartaal) & g["dimensie"].isna()]
    # by document: a region total the warehouse added up ("afgeleid uit X") sits in the
    # column of X next to the municipalities X gave
    cellen = {
        (v, i, c, p, settings.basis_bron(b)): (w, t if o else None)
        for v, i, c, p, b, w, o, t in zip(g["voorziening"], g["indicator"], g["gemeentecode"],
                                          g["perspectief"], g["bron"], g["waarde"],
                                          g["onderdrukt"].astype(bool), g["teken"], strict=True)
    }
    voorzieningen = {k.voorziening for k in kolommen}
    rijen = []
    for gemeentecode, gemeente in gemeente_volgorde(g[g["voorziening"].isin(voorzieningen)]):
        rij = {"Gemeente": "Regio totaal" if gemeentecode == settings.TOTAAL else gemeente}
        for k, p in kolommen.items():
            p = "regio" if gemeentecode == settings.TOTAAL else p
            waarde, teken = cellen.get(
                (k.voorziening, k.indicator, gemeentecode, p, settings.basis_bron(k.bron)),
                (None, None))
            rij[k.kop] = teken or wat_viel_op.waarde_tekst(
                None if waarde is None or pd.isna(waarde) else float(waarde), k.eenheid)
        rijen.append(rij)
    return GemeenteTabel(titel=titel, perspectief=perspectief, kolommen=tuple(kolommen),
                         tabel=pd.DataFrame(rijen), voetnoot=voetnoot)


def gemeente_volgorde(rijen: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of the rows of a municipality table: municipalities by name, then
    BUITEN, ONBEKEND and the region total."""
    namen = dict(zip(rijen["gemeentecode"], rijen["gemeente"], strict=True))
    speciaal = [settings.BUITEN, settings.ONBEKEND, settings.TOTAAL]
    gewoon = sorted((c for c in namen if c not in speciaal), key=lambda c: str(namen[c]))
    return [(c, namen[c]) for c in [*gewoon, *speciaal] if c in namen]


def definities(stuurgroep: Stuurgroep) -> list[tuple[str, str]]:
    """(name, definition) of every figure the report shows: tiles, chart lines, tables."""
    uit: dict[str, str] = {}
    for inhoud in stuurgroep.themas:
        for d in inhoud.scherm.tegels:
            if d.sleutel in view.AFGELEID:
                uit.setdefault(d.label, view.AFGELEID[d.sleutel])
            else:
                indicator = d.sleutel.split(".", 1)[1]
                uit.setdefault(_indicator_naam(indicator), labels.definitie(indicator))
        g = inhoud.scherm.grafiek
        if g is not None:
            uit.setdefault(g.titel, g.definitie)
    return list(uit.items())


def _indicator_naam(indicator: str) -> str:
    if indicator.endswith("_per_10000"):
        return f"{labels.indicator(indicator.removesuffix('_per_10000'))} per 10.000 inwoners"
    return labels.indicator(indicator)


# --- sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bron:
    """A source as the public report names it: what it is, when it was taken, demo or not."""

    naam: str
    leverancier: str
    peildatum: str  # '15 oktober 2019' or '–'
    demo: bool


def bronnen(stuurgroep: Stuurgroep) -> list[Bron]:
    """The snapshot's sources by name and peildatum (no file names: those are technical)."""
    uit = []
    bestanden = stuurgroep.bronbestanden[["soort", "bron", "peildatum", "demo"]]
    for soort, bron, peildatum, demo in bestanden.sort_values(
            ["soort", "bron"]).itertuples(index=False, name=None):
        uit.append(Bron(stuurgroep.rapport.bron_naam(soort), str(bron),
                        _datum_tekst(peildatum), bool(demo)))
    return uit


def bron_regel(stuurgroep: Stuurgroep, code: str) -> str:
    """'Bron: Trajectregistratie van de zorgaanbieders (peildatum 15 oktober 2019);
    bewerking Flevomonitor.' for the figures of a screen."""
    sleutels = {t.sleutel for t in stuurgroep.overzicht.scherm(code).scherm.tegels}
    g = stuurgroep.overzicht.scherm(code).scherm.grafiek
    if g is not None:
        sleutels |= {k for k, _ in g.lijnen} | ({g.jaren_per_bron} if g.jaren_per_bron else set())
    p = stuurgroep.gepubliceerd
    gebruikt = set(p.loc[(p["voorziening"] + "." + p["indicator"]).isin(sleutels), "bron"])
    # derived rows rest on the trajecten; bezettingsgraad also on the capacity
    soorten = {"trajecten" if b == AFGELEID_BRON else b for b in gebruikt}
    if any(s.endswith("bezettingsgraad") for s in sleutels):
        soorten.add("capaciteit")
    if code == "spreiding" or not soorten:  # the spreiding rests on the trajecten' bezetting
        soorten.add("trajecten")
    bestanden = stuurgroep.bronbestanden
    delen = []
    for soort in sorted(soorten & {"trajecten", "capaciteit"}):
        peil = bestanden.loc[bestanden["soort"] == soort, "peildatum"]
        datum = _datum_tekst(peil.max()) if len(peil.dropna()) else fmt.LEEG
        delen.append(f"{stuurgroep.rapport.bron_naam(soort)} (peildatum {datum})")
    delen += sorted(soorten - {"trajecten", "capaciteit"})
    return f"Bron: {'; '.join(delen)}; bewerking Flevomonitor."


def _datum_tekst(waarde: object) -> str:
    if waarde is None or (isinstance(waarde, float) and math.isnan(waarde)) or waarde is pd.NaT:
        return fmt.LEEG
    if isinstance(waarde, str):
        waarde = date.fromisoformat(waarde[:10])
    if isinstance(waarde, datetime | pd.Timestamp):
        waarde = waarde.date()
    return fmt.datum(waarde)


# --- the images -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grafiek:
    titel: str
    png: Path
    svg: Path


def figuur(stuurgroep: Stuurgroep, code: str) -> go.Figure | None:
    """The chart of a screen as the report draws it: the shared builder (with its known
    events and the region's targets, as on the dashboard), Plotly's white template, and on a
    demo snapshot a DEMODATA mark in the image. None when the screen has no published point
    to draw."""
    inhoud = stuurgroep.overzicht.scherm(code)
    g, tabel = inhoud.scherm.grafiek, stuurgroep.tabellen.get(code)
    if g is None or tabel is None or tabel["Waarde"].notna().sum() == 0:
        return None
    fig = view.figuur(g, tabel, doelen=stuurgroep.doelen)
    # Streamlit's own template is a placeholder its frontend fills in; on paper the chart
    # gets Plotly's white one, whose axes make room for their labels (automargin)
    fig.update_layout(template="plotly_white")
    # a static image has no hover: nothing but the drawn (rounded) points goes into it
    fig.update_traces(hoverinfo="skip", hovertemplate=None)
    if stuurgroep.demo:
        fig.add_annotation(
            text="DEMODATA", name=DEMO_TEKST, xref="paper", yref="paper", x=0.5, y=0.5,
            showarrow=False, textangle=-15, font={"size": 96, "color": "rgba(192, 0, 0, 0.16)"},
        )
        fig.add_annotation(
            text=DEMO_TEKST, name=DEMO_TEKST, xref="paper", yref="paper", x=1, y=1.02,
            xanchor="right", yanchor="bottom", showarrow=False,
            font={"size": 13, "color": "#C00000"},
        )
    return fig


def schrijf_grafieken(stuurgroep: Stuurgroep, map_: Path) -> dict[str, Grafiek]:
    """Each screen's chart as `publicatie/grafieken/<naam>-<versie>.png` and `.svg`;
    screen code -> files. A screen without published figures gets no chart."""
    figuren = {}
    for inhoud in stuurgroep.themas:
        fig = figuur(stuurgroep, inhoud.code)
        if fig is not None:
            figuren[inhoud.code] = (inhoud.scherm.grafiek, fig)
    if not figuren:
        return {}
    doel = map_ / GRAFIEKEN
    doel.mkdir(parents=True, exist_ok=True)
    uit = {
        code: Grafiek(g.titel, doel / f"{grafiek_bestand(g, stuurgroep.versie)}.png",
                      doel / f"{grafiek_bestand(g, stuurgroep.versie)}.svg")
        for code, (g, _) in figuren.items()
    }
    specs = [
        {"fig": fig.to_dict(), "path": pad,
         "opts": {"format": pad.suffix[1:], "width": BREEDTE, "height": HOOGTE,
                  "scale": SCHAAL if pad.suffix == ".png" else 1}}
        for code, (_, fig) in figuren.items() for pad in (uit[code].png, uit[code].svg)
    ]
    _render(specs)
    for grafiek in uit.values():
        for pad in (grafiek.png, grafiek.svg):
            if not pad.is_file() or pad.stat().st_size == 0:
                raise SnapshotFout(f"De grafiek {pad.name} is niet gemaakt (kaleido/Chromium).")
    return uit


def _render(specs: list[dict]) -> None:
    """All images in one kaleido (one Chromium start, a few seconds); no MathJax from the
    internet."""
    import kaleido  # imported here: only a snapshot with charts needs it

    pad = chromium()
    os.environ.setdefault("BROWSER_PATH", pad)  # for choreographer, should it look itself
    try:
        kaleido.write_fig_from_object_sync(
            specs, kopts={"path": pad, "mathjax": False, "timeout": RENDER_TIMEOUT},
        )
    except Exception as fout:  # kaleido raises many kinds; the steward needs one message
        raise SnapshotFout(
            f"De grafieken konden niet worden gemaakt met Chromium ({pad}): {fout}"
        ) from fout
