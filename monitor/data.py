"""The dashboard's only way into the figures: read-only, cached, named queries.

The figures come from one of three sources, chosen in the sidebar (and in the link):
the live warehouse, a frozen snapshot ("zoals gepresenteerd", its unsuppressed figures), and
the publieksversie: exactly the published figures of a snapshot (its publiekscijfers file, the
one every export is made from), of the newest snapshot when "Actueel" is chosen. The data layer
only reads snapshots (monitor.snapshots); making one is the publication layer's job.

Every source's `kerncijfers` has a column `teken`: the mark ('<5', 'x') shown instead of a
figure the disclosure control hid (whose `waarde` is NULL), NULL everywhere else.

Connections are cached per source file (a rebuild swaps in a new file, which gets a new
connection); query results are cached per source and version, so a rebuilt warehouse is picked
up without a restart.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from etl import settings
from monitor import labels, perioden, toegang
from monitor import snapshots as lezer

QUERIES = Path(__file__).resolve().parent / "queries"
ACTUEEL = "Actueel"
# the session keys of the source widgets (monitor.ui draws them, bound to the link)
BRON_SLEUTEL = "snapshot"
PUBLIEK_SLEUTEL = "publiek"


class WarehouseMissing(RuntimeError):
    """No warehouse has been built yet."""


class SnapshotOnbekend(WarehouseMissing):
    """The chosen snapshot is not one of those that exist (or is no longer as recorded); the
    message is Dutch and never repeats what the link asked for."""


class NietGepubliceerd(WarehouseMissing):
    """The publieksversie was asked for, but no snapshot has been made: nothing is published."""


def warehouse_path() -> Path:
    # read at call time, so tests and a data steward can point at another file
    return Path(os.environ.get("FLEVOMONITOR_WAREHOUSE", settings.WAREHOUSE))


def snapshots_dir() -> Path:
    return Path(os.environ.get("FLEVOMONITOR_SNAPSHOTS", settings.SNAPSHOTS_DIR))


@cache
def _sql(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Bron:
    con: duckdb.DuckDBPyConnection
    search_path: str
    manifest: dict | None = None  # the snapshot's, for a snapshot and the publieksversie
    bouw: str = ""  # the build it holds (figures, input files, code), read once per file


# Every source's kerncijfers gets the `teken` column the published figures have, so the named
# queries select it everywhere (NULL: nothing hidden).
_MET_TEKEN = "CREATE VIEW {schema}.kerncijfers AS SELECT *, NULL::VARCHAR AS teken FROM {bron}"
# What the warehouse keeps as a table (etl/sql/30_kerncijfers.sql), for a snapshot's figures.
_STRUCTUUR = """
    CREATE VIEW memory.main.kerncijfers_structuur AS
    SELECT DISTINCT voorziening, indicator, perspectief,
           split_part(dimensie, '=', 1) AS uitsplitsing, periode_type, bron, demo
    FROM memory.main.kerncijfers"""


@st.cache_resource(max_entries=8, show_spinner=False)
def _connect(path: str, stamp: tuple[int, int]) -> _Bron:
    del stamp  # part of the cache key only: a swapped-in file has a new inode/mtime
    # Not duckdb.connect(path): within one process that hands back the database already
    # open for the path, i.e. the old file after a rebuild. A fresh in-memory connection
    # that attaches the path opens the file that is there now.
    # No replacement scans: a table name must never resolve to a Python variable.
    con = duckdb.connect(config={"python_enable_replacements": False})
    con.execute("ATTACH ? AS warehouse (READ_ONLY)", [path])
    con.execute(_MET_TEKEN.format(schema="memory.main", bron="warehouse.main.kerncijfers"))
    con.execute(settings.BRON_MACROS)
    meta_ = dict(con.execute("SELECT sleutel, waarde FROM warehouse.main.meta").fetchall())
    bouw = "|".join(meta_.get(k, "") for k in ("bouw_id", "versie", "invoer", "code_versie"))
    return _Bron(con, "memory.main,warehouse.main", bouw=bouw)


@st.cache_resource(max_entries=8, show_spinner=False)
def _connect_snapshot(path: str, stamp: int, publiek: bool) -> _Bron:
    del stamp
    folder = Path(path)
    # the publieksversie is the snapshot's published figures as they are: never suppressed
    # again here (the exports show the same file)
    con = lezer.open_snapshot(folder, publiek=publiek)
    con.execute(settings.BRON_MACROS)
    con.execute(_STRUCTUUR)
    kolommen = {r[0] for r in con.execute("DESCRIBE kerncijfers").fetchall()}
    if "teken" in kolommen:
        return _Bron(con, "memory.main", lezer.lees_manifest(folder))
    con.execute("CREATE SCHEMA memory.dashboard")
    con.execute(_MET_TEKEN.format(schema="memory.dashboard", bron="memory.main.kerncijfers"))
    return _Bron(con, "memory.dashboard,memory.main", lezer.lees_manifest(folder))


def bron() -> tuple[str, bool]:
    """The chosen source: ACTUEEL or a snapshot label, and whether it is the publieksversie.
    A role without the right to unsuppressed figures always gets the publieksversie, whatever
    the session or the link says."""
    publiek = bool(st.session_state.get(PUBLIEK_SLEUTEL)) or not toegang.mag("cijfers_intern")
    return st.session_state.get(BRON_SLEUTEL) or ACTUEEL, publiek


def laatste_snapshot() -> dict | None:
    """The manifest of the last published snapshot: the latest quarter, its latest version."""
    lijst = snapshots()
    return max(lijst, key=lambda m: lezer.kwartaal_van(m["versie"])) if lijst else None


# session key: the source the current script run reads, fixed at its first query
_VAST = "_data_bron_van_deze_run"


def _deze_run() -> object | None:
    """An object that exists for one script run only (Streamlit makes the run context's
    cursor map anew at the start of every run), or None outside a run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.cursors if ctx is not None else None


def _connection() -> tuple[str, _Bron]:
    """The source of this script run: resolved at the run's first query and kept until the run
    ends, so a warehouse swapped in halfway through a page never mixes two builds on it."""
    run = _deze_run()
    vast = st.session_state.get(_VAST)
    if run is not None and vast is not None and vast[0] is run and vast[1] == bron():
        return vast[2]
    gekozen_bron = _verbinding()
    if run is not None:
        st.session_state[_VAST] = (run, bron(), gekozen_bron)
    return gekozen_bron


def _verbinding() -> tuple[str, _Bron]:
    gekozen, publiek = bron()
    if gekozen == ACTUEEL and not publiek:
        path = warehouse_path()
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise WarehouseMissing(str(path)) from exc
        # the key names this very file: a rebuild (even one with the same figures, say a new
        # source file) is a new file with a new inode and time, so nothing cached carries over
        stamp = (info.st_ino, info.st_mtime_ns)
        verbinding = _connect(str(path), stamp)
        # the key names the build (figures, input files, code) and this very file
        return f"{path}|{stamp}|{verbinding.bouw}", verbinding
    try:
        if gekozen == ACTUEEL:
            laatste = laatste_snapshot()
            if laatste is None:
                raise NietGepubliceerd(str(snapshots_dir()))
            folder = lezer.vind_snapshot(snapshots_dir(), laatste["versie"])
        else:
            # only the name of an existing snapshot: a link is never turned into a path
            folder = lezer.vind_snapshot(snapshots_dir(), gekozen)
        stamp = (folder / lezer.MANIFEST).stat().st_mtime_ns
        return f"{folder}|{stamp}|{publiek}", _connect_snapshot(str(folder), stamp, publiek)
    except (lezer.SnapshotFout, OSError) as fout:
        raise SnapshotOnbekend(str(fout) if isinstance(fout, lezer.SnapshotFout)
                               else "Deze snapshot is niet te lezen.") from fout


def _run(name: str, params: dict | None = None, bron_: _Bron | None = None) -> pd.DataFrame:
    bron_ = bron_ or _connection()[1]
    cursor = bron_.con.cursor()  # one cursor per query: Streamlit serves sessions in threads
    try:
        # a cursor starts with the default search path
        cursor.execute(f"SET search_path = '{bron_.search_path}'")
        return cursor.execute(_sql(name), params or {}).df()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(bron_sleutel: str, name: str, params: tuple, _bron: _Bron) -> pd.DataFrame:
    del bron_sleutel  # cache key only; `_bron` (not hashed) is the connection it names
    # lists were frozen into tuples for the cache key; DuckDB binds a tuple as a STRUCT
    return _run(name, {k: list(v) if isinstance(v, tuple) else v for k, v in params}, _bron)


def query(name: str, **params: object) -> pd.DataFrame:
    """Run the named query (monitor/queries/<name>.sql), cached per source file: the key and
    the connection are taken together, so a query never runs on one build and is cached
    under another."""
    sleutel, bron_ = _connection()
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    # st.cache_data hands every caller its own unpickled copy: no second copy needed
    return _cached(sleutel, name, frozen, bron_)


def meta() -> dict[str, str]:
    """Warehouse metadata (versie, gebouwd_op, regio, bevat_demo, …), cached per build like
    every query: the pages ask for it many times per rerun."""
    sleutel, bron_ = _connection()
    frame = _cached(sleutel, "meta", (), bron_)
    return dict(zip(frame["sleutel"], frame["waarde"], strict=True))


def teken_overig() -> str:
    """The mark of a figure hidden to protect another (a sum that takes in a hidden cell), as
    the shown snapshot recorded it."""
    manifest = (_connection()[1].manifest if bron()[1] else None) or {}
    return str(manifest.get("teken_overig") or "x")


def tekens() -> frozenset[str]:
    """The marks a hidden figure can show in the chosen source (none outside the
    publieksversie)."""
    if not bron()[1]:
        return frozenset()
    manifest = _connection()[1].manifest or {}
    return frozenset(str(t) for t in (manifest.get("teken"), manifest.get("teken_overig"), "x")
                     if t)


# --- periods ------------------------------------------------------------------------------


kwartaal_verschuiven = perioden.kwartaal_verschuiven  # the pages' one import for data


# --- results handed to the pages ----------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    voorziening: str
    indicator: str
    kwartaal: str
    waarde: float | None
    vorig_kwartaal: float | None
    vorig_jaar: float | None
    reeks: tuple[float, ...]
    demo: bool
    teken: str | None = None  # the publieksversie's mark when the figure is hidden

    @property
    def verschil_kwartaal(self) -> float | None:
        if self.waarde is None or self.vorig_kwartaal is None:
            return None
        return self.waarde - self.vorig_kwartaal

    @property
    def verschil_jaar(self) -> float | None:
        if self.waarde is None or self.vorig_jaar is None:
            return None
        return self.waarde - self.vorig_jaar


def kwartalen() -> list[str]:
    """Quarters for which trajecten figures exist, oldest first."""
    frame = query("regio_reeks", sleutels=["BW/bezetting", "MO/bezetting", "VO/bezetting"])
    return sorted(frame["periode"].unique().tolist())


def kpis(kwartaal: str, sleutels: list[str], reeks_vanaf: str | None = None) -> list[Kpi]:
    """Region figures of `kwartaal` with the previous quarter, a year earlier and a trend.

    `sleutels` are 'voorziening/indicator' pairs; a pair without figures gives a Kpi
    whose waarde is None.
    """
    frame = query("regio_reeks", sleutels=list(sleutels))
    result = []
    for sleutel in sleutels:
        voorziening, indicator = sleutel.split("/")
        rows = frame[(frame["voorziening"] == voorziening) & (frame["indicator"] == indicator)]
        values = dict(zip(rows["periode"], rows["waarde"], strict=True))
        tekens_ = dict(zip(rows["periode"], rows["teken"], strict=True))
        trend = rows[(rows["periode"] <= kwartaal)
                     & (rows["periode"] >= (reeks_vanaf or ""))]["waarde"]
        result.append(
            Kpi(
                voorziening=voorziening,
                indicator=indicator,
                kwartaal=kwartaal,
                waarde=values.get(kwartaal),
                vorig_kwartaal=values.get(kwartaal_verschuiven(kwartaal, -1)),
                vorig_jaar=values.get(kwartaal_verschuiven(kwartaal, -4)),
                reeks=tuple(float(v) for v in trend),
                demo=bool(rows["demo"].any()),
                teken=tekens_.get(kwartaal) if isinstance(tekens_.get(kwartaal), str) else None,
            )
        )
    return result


def bronbestanden() -> pd.DataFrame:
    """Loaded files, with demo as ja/nee for display."""
    frame = query("bronbestanden")
    frame["demo"] = frame["demo"].map({True: "ja", False: "nee"})
    return frame


def gemeenten() -> dict[str, str]:
    """The region's municipalities, code -> name, in reference order."""
    frame = query("gemeenten")
    return dict(zip(frame["gemeentecode"], frame["gemeente"], strict=True))


def selectie(
    voorziening: str,
    indicator: str,
    *,
    van: str,
    tot: str,
    gemeenten: list[str],
    perspectief: str = "regio",
    per_10000: bool = False,
    periode_type: str = "kwartaal",
    met_totaal: bool = True,
    dimensie: str | None = None,
    dimensie_naam: str | None = None,
) -> pd.DataFrame:
    """Figures of one indicator for a selection, long format (periode, gemeente, dimensie, …).

    `van`/`tot` are quarters ('2019-K1'); for years their first four characters are used.
    `dimensie` picks one breakdown value ('product=BW hoog'), `dimensie_naam` all values of a
    breakdown ('bestemming'); neither gives the totals.
    """
    if periode_type == "jaar":
        van, tot = van[:4], tot[:4]
    return query(
        "selectie",
        voorziening=voorziening,
        indicator=f"{indicator}_per_10000" if per_10000 else indicator,
        periode_type=periode_type,
        van=van,
        tot=tot,
        gemeenten=list(gemeenten),
        perspectief=perspectief,
        met_totaal=met_totaal,
        dimensie=dimensie,
        dimensie_naam=dimensie_naam,
    )


def gemeentegrenzen() -> dict:
    """The region's municipal boundaries as one GeoJSON FeatureCollection (feature id = code)."""
    frame = query("gemeentegrenzen")
    return {"type": "FeatureCollection",
            "features": [json.loads(f) for f in frame["feature"]]}


def status(kwartaal: str) -> str:
    """'voorlopig' for the latest quarter (late registrations may still come), else
    'definitief'."""
    quarters = kwartalen()
    return "voorlopig" if quarters and kwartaal == quarters[-1] else "definitief"


@dataclass(frozen=True)
class Indicator:
    naam: str
    label: str
    definitie: str
    voorzieningen: str
    perspectieven: str
    uitsplitsingen: str
    perioden: str
    bronnen: str
    demo: bool
    per_10000: bool


def indicatoren() -> list[Indicator]:
    """Every indicator in kerncijfers with its definition and where it exists."""
    frame = query("indicatoren")
    return [
        Indicator(
            naam=row.indicator, label=labels.indicator(row.indicator),
            definitie=labels.definitie(row.indicator), voorzieningen=row.voorzieningen,
            perspectieven=row.perspectieven, uitsplitsingen=row.uitsplitsingen,
            perioden=row.perioden, bronnen=row.bronnen, demo=bool(row.demo),
            per_10000=bool(row.per_10000),
        )
        for row in frame.itertuples()
    ]


def indicatoren_tabel() -> pd.DataFrame:
    """The indicators as a table with Dutch headers (Definities page, downloads)."""
    rows = [
        {
            "Indicator": i.label, "Naam in kerncijfers": i.naam, "Definitie": i.definitie,
            "Voorzieningen": i.voorzieningen, "Perspectieven": i.perspectieven,
            "Uitsplitsingen": i.uitsplitsingen or "–", "Perioden": i.perioden,
            "Bronnen": i.bronnen, "Per 10.000": "ja" if i.per_10000 else "nee",
            "Bevat demodata": "ja" if i.demo else "nee",
        }
        for i in indicatoren()
    ]
    return pd.DataFrame(rows)


def correcties() -> pd.DataFrame:
    """Tellingen replaced by a later file, with old and new value."""
    return query("correcties")


def datum(text: str) -> date:
    """An ISO date from meta as a date."""
    return date.fromisoformat(text)


# --- snapshots ------------------------------------------------------------------------------


def snapshots() -> list[dict]:
    """The manifests of the frozen quarters, oldest first."""
    return lezer.snapshots(snapshots_dir())


def vergelijking(oud: str, nieuw: str) -> pd.DataFrame:
    """The figures that differ between two sources (ACTUEEL or snapshot labels), over the
    periods both hold, with Dutch labels (the unsuppressed figures: for the data steward)."""
    manifests = {m["versie"]: m for m in snapshots()}
    kwartalen_ = [manifests[v]["kwartaal"] for v in (oud, nieuw) if v in manifests]
    if not kwartalen_:
        raise ValueError("kies ten minste één snapshot")
    tot = min(kwartalen_)

    def lees(versie: str) -> pd.DataFrame:
        if versie == ACTUEEL:
            return lezer.lees_kerncijfers(warehouse_path(), tot)
        frame = lezer.lees_snapshot(Path(manifests[versie]["map"]))[1]
        laatste_jaar = int(tot[:4]) if tot.endswith("K4") else int(tot[:4]) - 1
        houden = ((frame["periode_type"] == "kwartaal") & (frame["periode"] <= tot)) | (
            (frame["periode_type"] == "jaar") & (frame["periode"].str[:4].astype(int)
                                                  <= laatste_jaar))
        return frame[houden]

    verschil = lezer.vergelijk(lees(oud), lees(nieuw))
    namen = {**settings.SPECIAL_GEMEENTE_NAMES, **gemeenten()}
    return pd.DataFrame({
        "Voorziening": verschil["voorziening"].map(labels.VOORZIENINGEN).fillna(
            verschil["voorziening"]),
        "Indicator": verschil["indicator"].map(labels.indicator),
        "Periode": verschil["periode"],
        "Gemeente": verschil["gemeentecode"].map(lambda c: namen.get(c, c)),
        "Perspectief": verschil["perspectief"],
        "Uitsplitsing": verschil["dimensie"].fillna("–"),
        "Bron": verschil["bron"],
        "Was": verschil["waarde_oud"],
        "Is": verschil["waarde_nieuw"],
        "Verschil": verschil["verschil"],
    })


# The reports of a snapshot that may be downloaded: its public files, by extension.
RAPPORTSOORTEN = {
    ".pdf": ("Rapport (PDF)", "application/pdf"),
    ".xlsx": ("Tabellen (Excel)",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("Presentatie (PowerPoint)",
              "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


@dataclass(frozen=True)
class Rapportbestand:
    label: str
    bestand: str  # as the manifest names it: publicatie/<naam>
    mime: str

    @property
    def naam(self) -> str:
        return self.bestand.rsplit("/", 1)[-1]


def rapportbestanden(versie: str) -> list[Rapportbestand]:
    """The reports of snapshot `versie` (PDF, XLSX, PPTX of its publicatie folder, as the
    manifest lists them), in that order. Never a file of its intern folder."""
    return _rapporten(lezer.lees_manifest(lezer.vind_snapshot(snapshots_dir(), versie)))


def _rapporten(manifest: dict) -> list[Rapportbestand]:
    gevonden = []
    for bestand in manifest["bestanden"]:
        soort = RAPPORTSOORTEN.get(Path(bestand).suffix)
        if soort and bestand.startswith("publicatie/") and bestand.count("/") == 1:
            gevonden.append(Rapportbestand(soort[0], bestand, soort[1]))
    volgorde = list(RAPPORTSOORTEN)
    return sorted(gevonden, key=lambda r: (volgorde.index(Path(r.bestand).suffix), r.bestand))


def rapport_inhoud(versie: str, bestand: str) -> bytes:
    """The bytes of one report of a snapshot, after checking it is the file the manifest
    recorded (a changed or missing file is refused, in Dutch)."""
    map_ = lezer.vind_snapshot(snapshots_dir(), versie)
    manifest = lezer.lees_manifest(map_)
    if bestand not in {r.bestand for r in _rapporten(manifest)}:
        raise lezer.SnapshotFout("Dit bestand hoort niet bij de rapportages van deze snapshot.")
    return lezer.gecontroleerd(map_, manifest, bestand).read_bytes()


def snapshot_tabel() -> pd.DataFrame:
    """The snapshots as a table with Dutch headers, newest first."""
    rijen = [
        {
            "Versie": m["versie"], "Kwartaal": m["kwartaal"],
            "Vastgelegd op": m["created_at"].replace("T", " ").removesuffix("+00:00") + " UTC",
            "Warehouse-versie": m.get("warehouse_versie"),
            "Demodata": "ja" if m.get("bevat_demo") else "nee",
            "Vervangt": m.get("vervangt") or "–", "Reden": m.get("reden") or "–",
        }
        for m in reversed(snapshots())
    ]
    return pd.DataFrame(rijen, columns=["Versie", "Kwartaal", "Vastgelegd op",
                                        "Warehouse-versie", "Demodata", "Vervangt", "Reden"])


def bronbestanden_actueel() -> tuple[str, pd.DataFrame]:
    """The live warehouse's version and its loaded files, whatever source the sidebar shows:
    the delivery page is about the warehouse as it is now. Not cached (a delivery may just
    have swapped in a new file); for the data steward only."""
    if not toegang.mag("aanleveren"):
        raise PermissionError("bronbestanden_actueel: alleen voor de beheerder")
    path = warehouse_path()
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseMissing(str(path)) from exc
    bron_ = _connect(str(path), (info.st_ino, info.st_mtime_ns))
    meta_ = _run("meta", bron_=bron_)
    frame = _run("bronbestanden", bron_=bron_)
    frame["demo"] = frame["demo"].map({True: "ja", False: "nee"})
    return dict(zip(meta_["sleutel"], meta_["waarde"], strict=True))["versie"], frame


# --- prognose (etl/sql/40_prognose.sql): apart from the observed figures --------------------


@dataclass(frozen=True)
class Prognose:
    """The prognose of one voorziening with the observed series it continues.

    `waargenomen`: the region's observed bezetting and wachtlijst per quarter (kerncijfers);
    `prognose`: the projection (periode, horizon, waarde, ondergrens, bovengrens, methode,
    aannames); `backtest`: the last eight observed quarters forecast 1 and 4 quarters ahead."""

    voorziening: str
    waargenomen: pd.DataFrame
    prognose: pd.DataFrame
    backtest: pd.DataFrame


def prognose(voorziening: str) -> Prognose | None:
    """The prognose of `voorziening`, or None where the source has none: the publieksversie
    never shows one (a projection of small counts is not protected by the disclosure
    control), and a snapshot records observed figures only."""
    if bron()[1] or not bool(query("prognose_bestaat")["bestaat"].iloc[0]):
        return None
    projectie = query("prognose", voorziening=voorziening)
    if projectie.empty:
        return None
    waargenomen = query("regio_reeks", sleutels=[f"{voorziening}/bezetting",
                                                 f"{voorziening}/wachtlijst"])
    return Prognose(voorziening, waargenomen, projectie,
                    query("prognose_backtest", voorziening=voorziening))
