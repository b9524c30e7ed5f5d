"""The meeting view of a snapshot: its figures after suppression, and its charts as images.

The PDF report and the steering group's deck are made of the same screens, tiles and charts
as the dashboard's Stuurgroep page, computed from the snapshot folder itself: the named
queries `monitor/queries/stuurgroep_*.sql` run on an in-memory DuckDB over the snapshot's
Parquet files, and their results go through the same view functions
(`monitor.views.stuurgroep`). Before that, kerncijfers is suppressed (`publicatie.suppressie`): a
hidden figure is missing from every series, so a chart has a gap where the dashboard has a
point, a tile shows the suppression sign and 'Wat viel op' never speaks of it.

`schrijf_grafieken` writes each screen's chart to `grafieken/<naam>.png` (scale 2) and `.svg`
with kaleido, in one Chromium session. Chromium is Debian's (`apt-get install chromium`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl import settings
from monitor import fmt, labels, streefwaarden, wat_viel_op
from monitor.views import stuurgroep as view
from publicatie.export_xlsx import Kolom, Thema, _gemeenten, _opzoek, naam, publicatie_van
from publicatie.snapshot import KERNCIJFERS, REFERENTIE, REFERENTIE_TABELLEN, SnapshotFout
from publicatie.suppressie import Publicatie, onderdruk

QUERIES = settings.ROOT / "monitor" / "queries"
GRAFIEKEN = "grafieken"
DEMO_TEKST = "DEMODATA — niet echt"
# Layout pixels of a chart image: fits an A4 column and a 16:9 slide without shrinking the
# dashboard's 12 px type much. The PNG is drawn at twice this.
BREEDTE, HOOGTE, SCHAAL = 900, 340, 2
KWARTALEN_IN_TABEL = 8
# Debian installs Chromium here; BROWSER_PATH (choreographer's own variable) overrides it.
CHROMIUM_PADEN = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_NAMEN = ("chromium", "chromium-browser", "google-chrome", "chrome")
RENDER_TIMEOUT = 60  # seconds per image


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


# --- the meeting view of a snapshot -----------------------------------------------------------


@dataclass(frozen=True)
class Stuurgroep:
    """Everything the PDF and the deck show, after suppression."""

    manifest: dict
    meta: Mapping[str, str]
    overzicht: view.Overzicht
    zichtbaar: pd.DataFrame  # the snapshot's kerncijfers after suppression
    # (key, period) of region figures that are hidden: 'BW.instroom', '2019-K3'
    onderdrukt: frozenset[tuple[str, str]]
    # the chart tables with a NaN row where a point is hidden, by screen code
    tabellen: Mapping[str, pd.DataFrame]
    teken: str
    teken_overig: str = "x"

    def teken_voor(self, eenheid: str) -> str:
        """A hidden region count is a small count (its cells add up to it); a hidden ratio,
        index or day measure is hidden because it rests on one: never '<5'."""
        return self.teken if eenheid == wat_viel_op.AANTAL else self.teken_overig

    @property
    def kwartaal(self) -> str:
        return self.manifest["kwartaal"]

    @property
    def demo(self) -> bool:
        return bool(self.manifest.get("bevat_demo"))

    @property
    def themas(self) -> tuple[view.SchermInhoud, ...]:
        """The screens with tiles (every screen but 'Wat viel op')."""
        return tuple(s for s in self.overzicht.schermen if s.code != view.SAMENVATTING)


def lees_stuurgroep(folder: Path, manifest: dict, drempel: int) -> Stuurgroep:
    """The meeting view of the snapshot in `folder` (its Parquet files must be written)."""
    kwartaal = manifest["kwartaal"]
    publicatie = publicatie_van(manifest, drempel)
    with _verbinding(folder, drempel) as con:
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
        zichtbaar = con.execute("SELECT * FROM kerncijfers").df()
        kerncijfers = _query(con, "stuurgroep_reeksen", sleutels=view.kerncijfer_sleutels())
        gemeenten = _query(con, "gemeenten")["gemeentecode"].tolist()
        # The spreiding index and own-municipality share are region figures, like a region
        # total: computed from the counts as they are, hidden only when the region sums they
        # rest on are small (below).
        con.execute(f"SET search_path = '{_RUW}'")
        spreiding = _query(con, "stuurgroep_spreiding",
                           voorzieningen=list(view.SPREIDING_VOORZIENINGEN))

    alle = view.reeksen(kerncijfers, spreiding, gemeenten)
    alle, verborgen_afgeleid = _zonder_kleine_spreiding(alle, spreiding, gemeenten, drempel)
    verborgen = zichtbaar[
        zichtbaar["onderdrukt"] & (zichtbaar["gemeentecode"] == settings.TOTAAL)
        & zichtbaar["dimensie"].isna()
    ]
    onderdrukt = frozenset(
        zip(verborgen["voorziening"] + "." + verborgen["indicator"], verborgen["periode"],
            strict=True)
    ) | verborgen_afgeleid
    overzicht = view.overzicht(alle, streefwaarden.laad(), kwartaal)
    tabellen = {
        s.code: _met_gaten(s.scherm.grafiek, s.tabel, onderdrukt, kwartaal)
        for s in overzicht.schermen if s.scherm.grafiek is not None and s.tabel is not None
    }
    return Stuurgroep(manifest=manifest, meta=meta, overzicht=overzicht, zichtbaar=zichtbaar,
                      onderdrukt=onderdrukt, tabellen=tabellen,
                      teken=publicatie.teken, teken_overig=publicatie.teken_overig)


_RUW = "ruw"


def _verbinding(folder: Path, drempel: int) -> duckdb.DuckDBPyConnection:
    """Like `publicatie.snapshot.open_snapshot`, for a folder whose manifest is not written yet, and
    with `kerncijfers` suppressed: the named queries only ever see published figures. The
    unsuppressed figures are `ruw.kerncijfers`, for the region figures built on counts."""
    con = duckdb.connect(config={"python_enable_replacements": False})
    # DuckDB cannot bind parameters in a CREATE VIEW: paths go in as quoted literals
    parquet = _literal(folder / KERNCIJFERS)
    con.execute(f"CREATE SCHEMA {_RUW}")
    con.execute(f"CREATE VIEW {_RUW}.kerncijfers AS SELECT * FROM read_parquet({parquet})")
    zichtbaar = onderdruk(con.execute(f"SELECT * FROM {_RUW}.kerncijfers").df(), drempel)
    con.register("zichtbaar", zichtbaar)
    con.execute("CREATE TABLE kerncijfers AS SELECT * FROM zichtbaar")
    con.unregister("zichtbaar")
    for pad in sorted((folder / REFERENTIE).glob("*.parquet")):
        if pad.stem in REFERENTIE_TABELLEN:
            con.execute(f'CREATE VIEW "{pad.stem}" AS SELECT * FROM read_parquet({_literal(pad)})')
    return con


def _literal(pad: Path) -> str:
    return "'" + str(pad).replace("'", "''") + "'"


def _query(con: duckdb.DuckDBPyConnection, naam: str, **params: object) -> pd.DataFrame:
    """A named query of the dashboard (monitor/queries/<naam>.sql), as the dashboard runs it."""
    return con.execute((QUERIES / f"{naam}.sql").read_text(encoding="utf-8"), params).df()


def _zonder_kleine_spreiding(
    alle: view.Reeksen, spreiding: pd.DataFrame, gemeenten: list[str], drempel: int
) -> tuple[view.Reeksen, frozenset[tuple[str, str]]]:
    """Hide the spreiding index in a quarter where the clients of the region (by herkomst or
    by verblijf) number 1 to drempel - 1, and the own-municipality share where its numerator
    or denominator does: like a rate on a hidden count."""
    regio = spreiding[spreiding["gemeentecode"].isin(gemeenten)].copy()
    regio["herkomstgemeente"] = regio["dimensie"].str.split("=", n=1).str[1]
    kwartaal = {k: dict(v) for k, v in alle.kwartaal.items()}
    weg = set()

    def klein(waarde: float) -> bool:
        return 0 < waarde < drempel

    for (voorziening, periode), deel in regio.groupby(["voorziening", "periode"], sort=True):
        totalen = deel[deel["dimensie"].isna()]
        sommen = totalen.groupby("perspectief")["waarde"].sum()
        kruis = deel[deel["herkomstgemeente"].isin(gemeenten)]
        thuis = kruis.loc[kruis["herkomstgemeente"] == kruis["gemeentecode"], "waarde"].sum()
        verborgen = {
            f"{voorziening}.spreidingsindex": any(klein(w) for w in sommen),
            f"{voorziening}.eigen_gemeente_pct": klein(thuis) or klein(kruis["waarde"].sum()),
        }
        for sleutel, verbergen in verborgen.items():
            if verbergen:
                kwartaal.get(sleutel, {}).pop(periode, None)
                weg.add((sleutel, periode))
    return dataclasses.replace(alle, kwartaal=kwartaal), frozenset(weg)


def _met_gaten(
    g: view.GrafiekDef, tabel: pd.DataFrame, onderdrukt: frozenset[tuple[str, str]],
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

    verschil: str  # with its arrow; the suppression sign or '–' when unknown
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


def onderdrukt(stuurgroep: Stuurgroep, sleutel: str, periode: str | None) -> bool:
    return periode is not None and (sleutel, periode) in stuurgroep.onderdrukt


def tegel_tekst(stuurgroep: Stuurgroep, tegel: view.Tegel) -> TegelTekst:
    """The tile's value (the suppression sign when hidden), its changes with their judgement
    and whether it is on track."""
    waarde = (stuurgroep.teken_voor(tegel.eenheid)
              if onderdrukt(stuurgroep, tegel.sleutel, tegel.periode) else tegel.tekst)
    regels = []
    for v in tegel.vergelijkingen:
        tekst = v.tekst(tegel.eenheid)
        if tekst:
            pijl = view.PIJLEN[(v.verschil > 0) - (v.verschil < 0)]
            regels.append(Regel(f"{pijl} {tekst}", v.periode, v.oordeel))
        elif onderdrukt(stuurgroep, tegel.sleutel, v.periode) and tegel.waarde is not None:
            regels.append(Regel(stuurgroep.teken_voor(tegel.eenheid), v.periode,
                                streefwaarden.NEUTRAAL))
        else:
            regels.append(Regel(fmt.LEEG, v.periode, streefwaarden.NEUTRAAL))
    # the badge is markdown (':green-badge[op koers]'): its words only
    koers = next(k for k in _KOERSEN if f"[{k}]" in tegel.koers_badge)
    return TegelTekst(
        titel=tegel.titel, waarde=waarde, regels=tuple(regels), koers=koers,
        doel=tegel.koers_doel, koers_oordeel=_KOERSEN[koers], definitie=tegel.definitie,
    )


def grafiek_bestand(g: view.GrafiekDef) -> str:
    """'stuurgroep-bw-instroom-uitstroom' -> 'bw-instroom-uitstroom'."""
    return g.naam.removeprefix("stuurgroep-")


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


def regio_tabel(stuurgroep: Stuurgroep, code: str) -> pd.DataFrame:
    """The chart's figures as text: one row per line, one column per period (the last eight
    quarters, or every year); the suppression sign where a point is hidden."""
    inhoud = stuurgroep.overzicht.scherm(code)
    g, tabel = inhoud.scherm.grafiek, stuurgroep.tabellen.get(code)
    if g is None or tabel is None or tabel.empty:
        return pd.DataFrame()
    reeks = "Bron" if g.jaren_per_bron else "Reeks"
    perioden = sorted(set(tabel["Periode"]))
    if not g.jaren_per_bron:
        perioden = perioden[-KWARTALEN_IN_TABEL:]
    rijen = []
    for naam_, deel in tabel.groupby(reeks, sort=False):
        waarden = dict(zip(deel["Periode"], deel["Waarde"], strict=True))
        rij = {reeks: naam_}
        for p in perioden:
            w = waarden.get(p)
            rij[p] = (fmt.LEEG if p not in waarden else stuurgroep.teken_voor(g.eenheid)
                      if pd.isna(w)
                      else wat_viel_op.waarde_tekst(w, g.eenheid))
        rijen.append(rij)
    return pd.DataFrame(rijen, columns=[reeks, *perioden])


def gemeente_kolommen(stuurgroep: Stuurgroep, code: str) -> list[Kolom]:
    """The quarterly figures of a screen per municipality: its tiles that kerncijfers has per
    municipality (herkomst where there is one), or for spreiding the bezetting both ways."""
    inhoud = stuurgroep.overzicht.scherm(code)
    kwartaal = stuurgroep.kwartaal
    rijen = stuurgroep.zichtbaar[
        (stuurgroep.zichtbaar["periode"] == kwartaal) & stuurgroep.zichtbaar["dimensie"].isna()
        & (stuurgroep.zichtbaar["gemeentecode"] != settings.TOTAAL)
    ]
    aanwezig = set(rijen[["voorziening", "indicator", "perspectief", "bron"]]
                   .itertuples(index=False, name=None))
    if code == "spreiding":
        kandidaten = [
            Kolom(f"{v} {p}", v, "bezetting", "trajecten", p)
            for v in view.SPREIDING_VOORZIENINGEN for p in ("herkomst", "verblijf")
        ]
    else:
        kandidaten = []
        for d in inhoud.scherm.tegels:
            if d.sleutel in view.AFGELEID or d.jaarcijfer:
                continue
            voorziening, indicator = d.sleutel.split(".", 1)
            for perspectief in ("herkomst", "verblijf", "regio"):
                bron = next((b for v, i, p, b in sorted(aanwezig)
                             if (v, i, p) == (voorziening, indicator, perspectief)), None)
                if bron:
                    kandidaten.append(Kolom(d.label, voorziening, indicator, bron, perspectief))
                    break
    return [k for k in kandidaten
            if (k.voorziening, k.indicator, k.perspectief, k.bron) in aanwezig]


def gemeente_tabel(stuurgroep: Stuurgroep, code: str) -> pd.DataFrame:
    """Gemeente and one text column per `gemeente_kolommen`, for the quarter; the region
    total last; the suppression sign where a figure is hidden."""
    kolommen = gemeente_kolommen(stuurgroep, code)
    if not kolommen:
        return pd.DataFrame()
    kwartaal = stuurgroep.kwartaal
    thema = Thema(code, tuple(dict.fromkeys(k.voorziening for k in kolommen)), "")
    cijfers = _opzoek(stuurgroep.zichtbaar[stuurgroep.zichtbaar["periode"] == kwartaal])
    eenheden = {d.sleutel: d.eenheid for d in stuurgroep.overzicht.scherm(code).scherm.tegels}
    rijen = []
    for gemeentecode, gemeente in _gemeenten(stuurgroep.zichtbaar, thema, kwartaal):
        rij = {"Gemeente": "Regio totaal" if gemeentecode == settings.TOTAAL else gemeente}
        for k in kolommen:
            perspectief = "regio" if gemeentecode == settings.TOTAAL else k.perspectief
            waarde, verborgen = cijfers.get(
                (k.voorziening, k.indicator, kwartaal, gemeentecode, perspectief, k.bron),
                (None, False))
            eenheid = eenheden.get(f"{k.voorziening}.{k.indicator}", wat_viel_op.AANTAL)
            teken = Publicatie(0, stuurgroep.teken, stuurgroep.teken_overig)
            rij[k.kop] = teken.teken_voor(verborgen) if verborgen else wat_viel_op.waarde_tekst(
                None if waarde is None or pd.isna(waarde) else float(waarde), eenheid)
        rijen.append(rij)
    return pd.DataFrame(rijen)


def definities(stuurgroep: Stuurgroep) -> list[tuple[str, str]]:
    """(name, definition) of every figure the report shows: tiles, chart lines, tables."""
    uit: dict[str, str] = {}
    for inhoud in stuurgroep.themas:
        for d in inhoud.scherm.tegels:
            if d.sleutel in view.AFGELEID:
                uit.setdefault(d.label, view.AFGELEID[d.sleutel])
            else:
                indicator = d.sleutel.split(".", 1)[1]
                bekend = indicator.removesuffix("_per_10000") in labels.INDICATOREN
                uit.setdefault(naam(indicator) if bekend else d.label,
                               labels.definitie(indicator))
        g = inhoud.scherm.grafiek
        if g is not None:
            uit.setdefault(g.titel, g.definitie)
    return list(uit.items())


# --- the images -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grafiek:
    titel: str
    png: Path
    svg: Path


def schrijf_grafieken(stuurgroep: Stuurgroep, folder: Path) -> dict[str, Grafiek]:
    """Each screen's chart as `grafieken/<naam>.png` and `.svg`; screen code -> files.
    A screen without figures gets no chart."""
    figuren = {}
    for inhoud in stuurgroep.themas:
        g, tabel = inhoud.scherm.grafiek, stuurgroep.tabellen.get(inhoud.code)
        if g is None or tabel is None or tabel["Waarde"].notna().sum() == 0:
            continue
        figuur = view.figuur(g, tabel)
        # Streamlit's own template is a placeholder its frontend fills in; on paper the chart
        # gets Plotly's white one, whose axes make room for their labels (automargin)
        figuur.update_layout(template="plotly_white")
        figuren[inhoud.code] = (g, figuur)
    if not figuren:
        return {}
    map_ = folder / GRAFIEKEN
    map_.mkdir(exist_ok=True)
    uit = {
        code: Grafiek(g.titel, map_ / f"{grafiek_bestand(g)}.png",
                      map_ / f"{grafiek_bestand(g)}.svg")
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
