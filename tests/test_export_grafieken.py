"""The meeting view of a snapshot's published figures, and its chart images.

A hand-made warehouse (shipped Flevoland reference, quarters 2019-K1 to 2019-K3) is protected
with `publicatie.suppressie.beveilig`, the few cells the tests are about are set explicitly
(`vastgezet`), and the exports of that published frame are written by calling the export
functions the snapshot calls, on a folder in the snapshot layout (`exportmap`): once as a demo
and once as a plain snapshot, version 2019-K3-v2. tests/test_export_pdf.py and
tests/test_export_pptx.py use the same two folders, because each one starts Chromium twice
(kaleido and the PDF print). One test makes a whole snapshot through `maak_snapshot`.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from PIL import Image
from warehousehulp import TELLINGEN_HEADER, TRAJECTEN_HEADER, write

from etl import settings
from etl.build import build
from monitor import charts, gebeurtenissen, wat_viel_op
from monitor.snapshots import PUBLICATIE, REFERENTIE, REFERENTIE_TABELLEN, kerncijfers_tot
from monitor.views import stuurgroep as view
from publicatie.export_grafieken import (
    DEMO_TEKST,
    GRAFIEKEN,
    Grafiek,
    RapportFout,
    Stuurgroep,
    chromium,
    eenheden,
    figuur,
    gemeente_tabellen,
    lees_rapport,
    lees_stuurgroep,
    niet_beschikbaar,
    regio_tabel,
    schrijf_grafieken,
    tegel_tekst,
)
from publicatie.snapshot import SnapshotFout, maak_snapshot
from publicatie.suppressie import Publicatie, beveilig, lees_publicatie

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ZONDER_CHROMIUM = "Chromium is not installed (apt-get install chromium)"


def browser(test):
    """Marked `browser` (it starts Chromium) and skipped without one, like test_browser.py."""
    return pytest.mark.browser(pytest.mark.skipif(CHROMIUM is None, reason=ZONDER_CHROMIUM)(test))


KWARTAAL = "2019-K3"
ALMERE, LELYSTAD = "GM0034", "GM0995"


def traject(tid: str, vz: str, product: str, herkomst: str, verblijf: str, instroom: str,
            uitstroom: str = "") -> str:
    bestemming = "Zelfstandig wonen" if uitstroom else ""
    return (f"{tid};{vz};{product};;Nieuw;{herkomst};{verblijf};;2019-01-02;{instroom};;"
            f"{uitstroom};{bestemming}")


def reeks(prefix: str, n: int, *args: str) -> list[str]:
    return [traject(f"{prefix}{i}", *args) for i in range(n)]


TRAJECTEN = [
    # BW: in zorg since K1, Almere's clients partly housed in Lelystad (spreiding 0,17)
    *reeks("A", 10, "BW", "BW midden", "Almere", "Almere", "2019-01-10"),
    *reeks("B", 5, "BW", "BW midden", "Almere", "Lelystad", "2019-01-15"),
    *reeks("L", 7, "BW", "BW midden", "Lelystad", "Lelystad", "2019-02-01"),
    # BW K2: 7 in, out again in K3
    *reeks("P", 7, "BW", "BW hoog", "Almere", "Almere", "2019-04-10", "2019-09-15"),
    # BW K3 instroom: Almere 6, Lelystad 2 (hidden, so Almere too); region 8
    *reeks("N", 6, "BW", "BW midden", "Almere", "Almere", "2019-07-10"),
    *reeks("M", 2, "BW", "BW midden", "Lelystad", "Lelystad", "2019-08-01"),
    # MO: 12 in K2
    *reeks("O", 12, "MO", "Nachtopvang", "Almere", "Almere", "2019-04-02"),
    # VO: 6 in K2, 3 in K3: the region's K3 instroom is hidden
    *reeks("V", 6, "VO", "Noodbed", "Almere", "Almere", "2019-05-01"),
    *reeks("W", 3, "VO", "Noodbed", "Almere", "Almere", "2019-07-05"),
]
MELDINGEN = {"Almere": 12, "Dronten": 3, "Lelystad": 9, "Noordoostpolder": 6, "Urk": 7,
             "Zeewolde": 0}
JAAR_2018 = {"Almere": 500, "Dronten": 150, "Lelystad": 300, "Noordoostpolder": 120,
             "Urk": 80, "Zeewolde": 90}
TELLINGEN = [
    *(f"Politie;E33;meldingen;2019-K3;{g};;{n};" for g, n in MELDINGEN.items()),
    *(f"Politie;E33;meldingen;2019-K2;{g};;10;" for g in MELDINGEN),
    *(f"Politie;E33;meldingen;2018;{g};;{n};" for g, n in JAAR_2018.items()),
    *(f"Politie;E33;meldingen;2017;{g};;{n - 20};" for g, n in JAAR_2018.items()),
    "GGD;OGGZ;adviesaanvragen;2019-K3;TOTAAL;;25;",
    "GGD;OGGZ;adviesaanvragen;2019-K3;Almere;;21;",
]
CAPACITEIT = [
    "voorziening;aanbieder;locatie;gemeente;product;cluster;plekken;geldig_vanaf;geldig_tot",
    "BW;Zorg A;L1;Lelystad;;;20;2019-01-01;",
    "BW;Zorg B;A1;Almere;;;25;2019-01-01;",
    # MO places: the MO screen gets a bezettingsgraad by place (verblijf) besides herkomst
    "MO;Opvang A;O1;Almere;;;15;2019-01-01;",
]
ALLE = ("xlsx", "grafieken", "pdf", "pptx")  # explicit: other tests may narrow the default
VERSIE = f"{KWARTAAL}-v2"
# the charts drawn from counts; the spreiding chart exists only when the published frame has a
# shown spreidingsindex point (`spreiding_gepubliceerd`)
CHARTS = {"bw-instroom-uitstroom", "mo-instroom-uitstroom", "vo-instroom-uitstroom",
          "e33-meldingen-per-jaar", "wachtlijsten"}
SPREIDING_CHART = "spreidingsindex"
AFGELEID = ("spreidingsindex", "eigen_gemeente_pct")  # the derived region rows


def warehouse(root: Path, demo: bool) -> Path:
    raw = root / "raw"
    trajecten = "trajecten_demo_2019-10-15.csv" if demo else "trajecten_zorg_2019-10-15.csv"
    write(raw / "trajecten" / trajecten, TRAJECTEN_HEADER, TRAJECTEN)
    write(raw / "tellingen" / "tellingen_politie_2019-10-15.csv", TELLINGEN_HEADER, TELLINGEN)
    write(raw / "capaciteit" / "capaciteit_zorg_2019-10-01.csv", CAPACITEIT[0], CAPACITEIT[1:])
    build(raw, root / "warehouse.duckdb", settings.REFERENCE_DIR)
    return root / "warehouse.duckdb"


@dataclass(frozen=True)
class Exports:
    """A snapshot folder with its exports, made as `publicatie.snapshot` makes them."""

    map: Path
    kerncijfers: pd.DataFrame  # unsuppressed: only to compare with
    gepubliceerd: pd.DataFrame
    stuurgroep: Stuurgroep
    grafieken: dict[str, Grafiek]
    pdf: Path
    pptx: Path


def snapshotmap(root: Path, demo: bool) -> tuple[Path, pd.DataFrame, dict]:
    """The internal part of a snapshot folder (reference tables) and its kerncijfers."""
    wh = warehouse(root, demo)
    map_ = root / VERSIE
    (map_ / REFERENTIE).mkdir(parents=True)
    with duckdb.connect(str(wh), read_only=True) as con:
        kerncijfers = kerncijfers_tot(con, KWARTAAL).to_pandas()
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
        for naam, query in REFERENTIE_TABELLEN.items():
            pq.write_table(con.sql(query).to_arrow_table(), map_ / REFERENTIE / f"{naam}.parquet")
    manifest = {
        "kwartaal": KWARTAAL, "versie": VERSIE, "vervangt": KWARTAAL,
        "reden": "Correctie van de instroom", "created_at": "2019-10-20T09:00:00+00:00",
        "regio": "Flevoland", "bevat_demo": demo, "drempel": 5, "teken": "<5",
        "teken_overig": "x", "warehouse_versie": meta["versie"],
        "code_versie": meta["code_versie"],
    }
    return map_, kerncijfers, manifest


@functools.cache
def exportmap(demo: bool) -> Exports:
    """The exports of the hand-made snapshot, made once per test session (shared by the
    export test modules; the folder lives until the process ends)."""
    from publicatie.export_pdf import schrijf_pdf
    from publicatie.export_pptx import schrijf_pptx

    root = Path(tempfile.mkdtemp(prefix=f"flevomonitor-export-{'demo' if demo else 'echt'}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    map_, kerncijfers, manifest = snapshotmap(root, demo)
    publicatie = lees_publicatie()
    gepubliceerd = vastgezet(beveilig(kerncijfers, KWARTAAL, publicatie), kerncijfers,
                             publicatie)
    s = lees_stuurgroep(map_, manifest, gepubliceerd, publicatie)
    grafieken = schrijf_grafieken(s, map_)
    pdf = schrijf_pdf(s, grafieken, map_)
    pptx = schrijf_pptx(s, grafieken, map_)
    return Exports(map_, kerncijfers, gepubliceerd, s, grafieken, pdf, pptx)


def rij(frame: pd.DataFrame, sleutel: str, gemeentecode: str = settings.TOTAAL,
        periode: str = KWARTAAL, perspectief: str | None = None) -> pd.Series:
    """The mask of one figure (no dimension) of a kerncijfers-shaped frame; a municipality's
    figure by herkomst unless told otherwise."""
    voorziening, indicator = sleutel.split(".", 1)
    if perspectief is None:
        perspectief = "regio" if gemeentecode == settings.TOTAAL else "herkomst"
    f = frame
    masker = ((f.voorziening == voorziening) & (f.indicator == indicator)
              & (f.gemeentecode == gemeentecode) & (f.periode == periode)
              & (f.perspectief == perspectief) & f.dimensie.isna())
    assert masker.sum() == 1, (sleutel, gemeentecode, periode, perspectief, masker.sum())
    return masker


def vastgezet(gepubliceerd: pd.DataFrame, kerncijfers: pd.DataFrame,
              publicatie: Publicatie) -> pd.DataFrame:
    """The engine's published frame with the cells the tests are about set explicitly, so
    each case is certain whatever the disclosure control decides (an export shows any frame
    as given; which cells the engine hides is tests/test_suppressie.py's business):
    - BW instroom 2019-K3 by herkomst: Lelystad (2) hidden as primary, Almere (6) as
      secondary, the region total (8) shown, as is 2019-K2's (7): a tile with its change;
    - BW uitstroom of the region shown in 2019-K2 and 2019-K3 (0 and 7): a known 'wat viel
      op' sentence;
    - the derived rows: BW spreidingsindex 2019-K3 hidden, and no eigen_gemeente_pct rows at
      all (a derived figure the snapshot does not publish)."""
    g = gepubliceerd[~((gepubliceerd.voorziening == "BW")
                       & (gepubliceerd.indicator == "eigen_gemeente_pct"))].copy()

    def toon(sleutel: str, periode: str) -> None:
        g.loc[rij(g, sleutel, periode=periode), ["waarde", "onderdrukt", "reden", "teken"]] = [
            figuur_uit(kerncijfers, sleutel, periode=periode), False, None, None]

    def verberg(sleutel: str, gemeentecode: str, reden: str) -> None:
        g.loc[rij(g, sleutel, gemeentecode), ["waarde", "onderdrukt", "reden", "teken"]] = [
            np.nan, True, reden, publicatie.teken_voor(reden)]

    for sleutel in ("BW.instroom", "BW.uitstroom"):
        for periode in ("2019-K2", KWARTAAL):
            toon(sleutel, periode)
    verberg("BW.instroom", LELYSTAD, "primair")
    verberg("BW.instroom", ALMERE, "secundair")
    verberg("BW.spreidingsindex", settings.TOTAAL, "afgeleid")
    return g.reset_index(drop=True)


def gepubliceerd_tekst(frame: pd.DataFrame, sleutel: str, gemeentecode: str = settings.TOTAAL,
                       periode: str = KWARTAAL, perspectief: str | None = None) -> str:
    """One published figure as the exports must write it: its mark when hidden, else its
    value in Dutch (in the unit the screens give the key)."""
    cel = frame[rij(frame, sleutel, gemeentecode, periode, perspectief)].iloc[0]
    if bool(cel.onderdrukt):
        return str(cel.teken)
    return wat_viel_op.waarde_tekst(float(cel.waarde),
                                    eenheden().get(sleutel, wat_viel_op.AANTAL))


def spreiding_gepubliceerd(frame: pd.DataFrame) -> bool:
    """Whether the published frame has a spreidingsindex point to draw."""
    return bool(((frame.indicator == "spreidingsindex") & ~frame.onderdrukt.astype(bool)
                 & frame.waarde.notna()).any())


def figuur_uit(kerncijfers: pd.DataFrame, sleutel: str, gemeentecode: str = "TOTAAL",
               periode: str = KWARTAAL) -> float:
    """One unsuppressed figure of the hand-made warehouse (no dimension)."""
    voorziening, indicator = sleutel.split(".", 1)
    k = kerncijfers
    rows = k[(k.voorziening == voorziening) & (k.indicator == indicator)
             & (k.gemeentecode == gemeentecode) & (k.periode == periode) & k.dimensie.isna()]
    assert len(rows) == 1, (sleutel, gemeentecode, periode, len(rows))
    return float(rows.waarde.iloc[0])


@pytest.fixture(scope="module")
def exports() -> Exports:
    if CHROMIUM is None:
        pytest.skip(ZONDER_CHROMIUM)
    return exportmap(False)


@pytest.fixture(scope="module")
def demo_exports() -> Exports:
    if CHROMIUM is None:
        pytest.skip(ZONDER_CHROMIUM)
    return exportmap(True)


def met_afgeleide(e: Exports, rijen: list[dict]) -> Stuurgroep:
    """The meeting view of the same snapshot whose published derived region rows are exactly
    `rijen` (none: the snapshot publishes no derived figure), shaped as the disclosure
    control delivers them."""
    basis = {"periode_type": "kwartaal", "gemeentecode": settings.TOTAAL,
             "gemeente": "Regio totaal", "perspectief": "regio", "dimensie": None,
             "bron": "afgeleid", "demo": False, "onderdrukt": False, "reden": None,
             "teken": None}
    zonder = e.gepubliceerd[~e.gepubliceerd.indicator.isin(AFGELEID)]
    extra = pd.DataFrame([{**basis, **r} for r in rijen], columns=zonder.columns)
    gepubliceerd = pd.concat([zonder, extra], ignore_index=True) if rijen else zonder
    return lees_stuurgroep(e.map, e.stuurgroep.manifest, gepubliceerd, lees_publicatie())


def tegelwaarden(s: Stuurgroep, code: str) -> dict[str, str]:
    return {t.sleutel: tegel_tekst(s, t).waarde for t in s.overzicht.scherm(code).tegels}


# --- the images -------------------------------------------------------------------------------


@browser
def test_a_png_and_an_svg_per_theme_chart_named_with_the_version(exports: Exports):
    folder = exports.map / GRAFIEKEN
    assert folder.parent == exports.map / PUBLICATIE
    charts = CHARTS | ({SPREIDING_CHART} if spreiding_gepubliceerd(exports.gepubliceerd)
                       else set())
    namen = {f"{n}-{VERSIE}" for n in charts}
    assert {p.stem for p in folder.glob("*.png")} == namen
    assert {p.stem for p in folder.glob("*.svg")} == namen
    for naam in namen:
        png = (folder / f"{naam}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        # width and height from the IHDR chunk: drawn at scale 2
        assert int.from_bytes(png[16:20], "big") == 1800
        svg = (folder / f"{naam}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "</svg>" in svg
        assert "DEMODATA" not in svg


def rood(png: Path) -> int:
    """Pixels that are clearly red (the DEMODATA mark is red on white)."""
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((r - g > 15) & (r - b > 15) & (abs(g - b) < 12)).sum())


@browser
def test_every_chart_image_of_a_demo_snapshot_says_demodata(exports: Exports,
                                                             demo_exports: Exports):
    assert set(demo_exports.grafieken) == set(exports.grafieken)
    for code, grafiek in demo_exports.grafieken.items():
        assert grafiek.svg.name.endswith(f"-{VERSIE}.svg")
        svg = grafiek.svg.read_text(encoding="utf-8")
        assert ">DEMODATA<" in svg and DEMO_TEKST in svg, code
        fig = figuur(demo_exports.stuurgroep, code).to_dict()
        assert any(a["text"] == "DEMODATA" for a in fig["layout"]["annotations"])
        # the same chart without the mark: the PNG of the demo has the red mark drawn in
        assert rood(grafiek.png) > rood(exports.grafieken[code].png) + 20_000, code


def ticks(svg: str, axis: str) -> list[str]:
    return re.findall(rf'<g class="{axis}tick"><text[^>]*>([^<]*)</text>', svg)


@browser
def test_tick_labels_are_dutch(exports: Exports):
    svg = exports.grafieken["e33"].svg.read_text(encoding="utf-8")
    meldingen = ticks(svg, "y")
    assert any(re.fullmatch(r"1\.\d{3}", t) for t in meldingen), meldingen  # 1.000, not 1,000
    assert not any("," in t for t in meldingen)
    assert ticks(svg, "x") == ["2017", "2018"]


# --- the figures they are drawn from ----------------------------------------------------------


@browser
def test_a_suppressed_point_is_a_gap_and_its_cell_shows_the_mark(exports: Exports):
    s = exports.stuurgroep
    vo = s.tabellen["vo"].set_index(["Reeks", "Periode"])["Waarde"]
    assert vo[("Instroom", "2019-K2")] == 6
    assert pd.isna(vo[("Instroom", KWARTAAL)])  # 3: hidden, drawn as a gap
    assert s.onderdrukt[("VO.instroom", KWARTAAL)] == "<5"
    assert regio_tabel(s, "vo").set_index("Reeks").loc["Instroom", KWARTAAL] == "<5"
    tegel = next(t for t in s.overzicht.scherm("vo").tegels if t.sleutel == "VO.instroom")
    assert tegel_tekst(s, tegel).waarde == "<5"
    # the chart has no point for it: the trace's y is NaN there, never 0 or 3
    instroom = next(t for t in figuur(s, "vo").data if t.name == "Instroom")
    punten = dict(zip(instroom.x, instroom.y, strict=True))
    assert np.isnan(punten[KWARTAAL]) and punten["2019-K2"] == 6
    assert figuur_uit(exports.kerncijfers, "VO.instroom") == 3  # the unsuppressed figure


@browser
def test_tiles_and_tables_hold_the_published_figures(exports: Exports):
    s = exports.stuurgroep
    g = exports.gepubliceerd
    bw = {t.sleutel: tegel_tekst(s, t) for t in s.overzicht.scherm("bw").tegels}
    assert bw["BW.instroom"].waarde == "8"
    assert figuur_uit(exports.kerncijfers, "BW.instroom") == 8
    assert bw["BW.bezetting"].waarde == gepubliceerd_tekst(g, "BW.bezetting")
    assert [r.tekst for r in bw["BW.instroom"].regels] == [
        "▲ +1 t.o.v. 2019-K2 · ongunstig", "– t.o.v. 2018-K3"]
    [tabel] = gemeente_tabellen(s, "bw")
    rijen = tabel.tabel.set_index("Gemeente")
    assert tabel.perspectief == "herkomst"
    assert rijen.loc["Lelystad", "Instroom"] == "<5"  # 2: primary
    assert rijen.loc["Almere", "Instroom"] == "x"  # 6: the region total would tell
    assert rijen.loc["Regio totaal", "Instroom"] == "8"
    # every cell of the table is the published figure or its mark
    for gemeente, code in (("Almere", ALMERE), ("Lelystad", LELYSTAD),
                           ("Regio totaal", settings.TOTAAL)):
        for kolom, sleutel in (("Bezetting", "BW.bezetting"), ("Instroom", "BW.instroom"),
                               ("Uitstroom", "BW.uitstroom")):
            assert rijen.loc[gemeente, kolom] == gepubliceerd_tekst(g, sleutel, code), (
                gemeente, kolom)


@browser
def test_one_perspective_per_municipality_table(exports: Exports):
    s = exports.stuurgroep
    mo = gemeente_tabellen(s, "mo")
    # bezetting by herkomst and bezettingsgraad by place are two tables, each saying which
    assert [t.perspectief for t in mo] == ["herkomst", "verblijf"]
    assert "Bezettingsgraad" not in mo[0].tabel.columns
    assert list(mo[1].tabel.columns) == ["Gemeente", "Bezettingsgraad"]
    assert "herkomst" in mo[0].voetnoot and "locatie" in mo[1].voetnoot
    # E33 and OGGZ: per municipality as delivered, not 'trajecten naar herkomst'
    [e33] = gemeente_tabellen(s, "e33")
    assert e33.perspectief == "regio"
    assert "herkomst" not in e33.voetnoot and "aanlevert" in e33.voetnoot
    assert e33.tabel.set_index("Gemeente").loc["Dronten", "Meldingen E33"] == "<5"


@browser
def test_derived_figures_are_taken_as_published_never_computed(exports: Exports):
    # a published frame without derived rows: not available, said so, no chart
    s = met_afgeleide(exports, [])
    spreiding = tegelwaarden(s, "spreiding")
    assert set(spreiding.values()) == {"–"}  # although the counts would give 0,17
    assert niet_beschikbaar(s, "spreiding") == [
        "Spreidingsindex BW", "Spreidingsindex MO", "BW-cliënten in eigen gemeente"]
    assert figuur(s, "spreiding") is None
    # the exports' frame: BW's index hidden, MO's as published, no eigen_gemeente_pct rows
    g = exports.gepubliceerd
    assert tegelwaarden(exports.stuurgroep, "spreiding") == {
        "BW.spreidingsindex": "x", "MO.spreidingsindex": gepubliceerd_tekst(
            g, "MO.spreidingsindex"), "BW.eigen_gemeente_pct": "–"}
    assert niet_beschikbaar(exports.stuurgroep, "spreiding") == [
        "BW-cliënten in eigen gemeente"]
    assert ("spreiding" in exports.grafieken) == spreiding_gepubliceerd(g)
    # given as rows, they are shown as given: the value, or the mark of a hidden one
    s = met_afgeleide(exports, [
        {"voorziening": "BW", "indicator": "spreidingsindex", "periode": KWARTAAL,
         "waarde": 0.17},
        {"voorziening": "BW", "indicator": "spreidingsindex", "periode": "2019-K2",
         "waarde": 0.2},
        {"voorziening": "MO", "indicator": "spreidingsindex", "periode": KWARTAAL,
         "waarde": np.nan, "onderdrukt": True, "reden": "afgeleid", "teken": "x"},
    ])
    spreiding = tegelwaarden(s, "spreiding")
    assert spreiding == {"BW.spreidingsindex": "0,17", "MO.spreidingsindex": "x",
                         "BW.eigen_gemeente_pct": "–"}
    assert regio_tabel(s, "spreiding").set_index("Reeks").loc[
        "Maatschappelijke opvang", KWARTAAL] == "x"


@browser
def test_no_image_holds_more_decimals_than_the_report(exports: Exports):
    s = met_afgeleide(exports, [
        {"voorziening": "BW", "indicator": "spreidingsindex", "periode": p, "waarde": w}
        for p, w in (("2019-K1", 0.123456), ("2019-K2", 0.16667), (KWARTAAL, 0.171428))
    ])
    fig = figuur(s, "spreiding")
    [lijn] = [t for t in fig.data if t.name == "Beschermd wonen"]
    assert list(lijn.y) == [0.12, 0.17, 0.17]  # as the report writes them: 0,12 0,17 0,17
    assert all(t.hoverinfo == "skip" for t in fig.data)


# --- known events -----------------------------------------------------------------------------


def test_events_from_config_mark_the_report_and_the_dashboard_charts(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    pad = tmp_path / "gebeurtenissen.toml"
    pad.write_text(
        '[[gebeurtenis]]\ndatum = 2019-07-01\nlabel = "Nieuwe toegang BW"\n'
        'omschrijving = "Een test."\nvoorzieningen = ["BW"]\nbron = "Test"\n',
        encoding="utf-8")
    monkeypatch.setenv(gebeurtenissen.ENV, str(pad))
    # the report's chart (the meeting view's builder)
    g = view.scherm("bw").grafiek
    tabel = pd.DataFrame({"Periode": ["2019-K1", "2019-K2", "2019-K3"] * 2,
                          "Reeks": ["Instroom"] * 3 + ["Uitstroom"] * 3,
                          "Waarde": [22.0, 7, 8, 0, 0, 7]})
    fig = view.figuur(g, tabel)
    [label] = [a for a in fig.layout.annotations if a.text == "Nieuwe toegang BW"]
    [lijn] = [s for s in fig.layout.shapes if s.name == label.name]
    assert lijn.x0 == lijn.x1 == 1.5  # between 2019-K2 and 2019-K3
    # not on a chart of another voorziening
    assert not view.figuur(view.scherm("mo").grafiek, tabel).layout.annotations
    # a dashboard chart builder: a chart that names beschermd wonen, or is told so
    frame = pd.DataFrame({"periode": ["2019-K1", "2019-K2", "2019-K3"],
                          "gemeentecode": ["TOTAAL"] * 3, "gemeente": ["Regio totaal"] * 3,
                          "waarde": [1.0, 2, 3]})
    genoemd = charts.lijn_per_gemeente(frame, {}, "Bezetting beschermd wonen per kwartaal")
    verteld = charts.staaf(frame.assign(cat="x"), "periode", "cat", {}, "Instroom",
                           voorzieningen=["BW"])
    for f in (genoemd, verteld):
        # the event's label (the bars carry their value labels as well)
        assert [a.text for a in f.layout.annotations
                if a.name.startswith(charts.GEBEURTENIS)] == ["Nieuwe toegang BW"]
        assert [s.x0 for s in f.layout.shapes] == [1.5]
    assert charts.waardelabels(verteld) == ["1", "2", "3"]
    assert not charts.lijn_per_gemeente(frame, {}, "Instroom per kwartaal").layout.shapes


def test_the_shipped_events_stand_where_their_change_begins():
    wlz, e33 = sorted(gebeurtenissen.laad(), key=lambda g: g.label.startswith("trendbreuk"))
    assert wlz.voorzieningen == ("BW",) and str(wlz.datum) == "2021-01-01"
    assert (wlz.kwartaal, wlz.jaar) == ("2021-K1", "2021")
    assert e33.voorzieningen == ("E33",) and str(e33.datum) == "2020-03-01"
    assert (e33.kwartaal, e33.jaar) == ("2020-K2", "2020")  # March: most of K1 was before
    jaren = pd.DataFrame({"periode": [str(j) for j in range(2017, 2024)],
                          "gemeentecode": ["TOTAAL"] * 7, "gemeente": ["Regio totaal"] * 7,
                          "waarde": np.arange(7.0)})
    fig = charts.lijn_per_gemeente(jaren, {}, "E33-meldingen per jaar")
    assert [(a.text, a.x) for a in fig.layout.annotations] == [(e33.label, 2.5)]
    fig = charts.lijn_per_gemeente(jaren, {}, "Bezetting beschermd wonen per jaar")
    assert [(a.text, a.x) for a in fig.layout.annotations] == [(wlz.label, 3.5)]


@pytest.mark.parametrize(("tekst", "fout"), [
    ("[[gebeurtenis]]\nlabel = 'x'\n", "het veld 'datum' ontbreekt"),
    ("[[gebeurtenis]]\ndatum = '2021-01-01'\nlabel = 'x'\nomschrijving = 'x'\n"
     "voorzieningen = ['BW']\nbron = 'x'\n", "moet een datum zijn"),
    ("[[gebeurtenis]]\ndatum = 2021-01-01\nlabel = 'x'\nomschrijving = 'x'\n"
     "voorzieningen = ['XX']\nbron = 'x'\n", "'voorzieningen' moet een lijst zijn"),
    ("datum = 2021-01-01\n", "onbekende sleutel 'datum'"),
    ("[[gebeurtenis]\n", "geen geldige TOML"),
])
def test_a_bad_events_file_is_a_dutch_refusal(tmp_path: Path, tekst: str, fout: str):
    pad = tmp_path / "gebeurtenissen.toml"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(gebeurtenissen.GebeurtenissenFout, match=re.escape(fout)):
        gebeurtenissen.laad(pad)


# --- config/rapport.toml ----------------------------------------------------------------------


def test_the_shipped_report_config_reads_and_a_bad_one_is_refused(tmp_path: Path):
    rapport = lees_rapport()
    assert "in te vullen door de regio" in rapport.uitgever
    assert rapport.contact and rapport.disclaimer
    assert rapport.bron_naam("trajecten").startswith("Trajectregistratie")
    pad = tmp_path / "rapport.toml"
    pad.write_text('uitgever = "Gemeente X"\ncontact = ""\ndisclaimer = "y"\n',
                   encoding="utf-8")
    with pytest.raises(RapportFout, match="'contact' ontbreekt of is leeg"):
        lees_rapport(pad)
    pad.write_text('uitgever = "Gemeente X"\nuitgeverij = "y"\n', encoding="utf-8")
    with pytest.raises(RapportFout, match="onbekend veld 'uitgeverij'"):
        lees_rapport(pad)
    with pytest.raises(RapportFout, match="bestaat niet"):
        lees_rapport(tmp_path / "nergens.toml")
    assert issubclass(RapportFout, SnapshotFout)  # the command line reports it as such


# --- through the snapshot -----------------------------------------------------------------------


@browser
def test_a_snapshot_puts_its_versioned_exports_in_publicatie(tmp_path: Path):
    folder = maak_snapshot(KWARTAAL, warehouse(tmp_path, demo=True), tmp_path / "uit",
                           exports=ALLE)
    publiek = sorted(p.relative_to(folder / PUBLICATIE).as_posix()
                     for p in (folder / PUBLICATIE).rglob("*") if p.is_file())
    assert f"kwartaalrapportage-{KWARTAAL}.pdf" in publiek
    assert f"stuurgroep-{KWARTAAL}.pptx" in publiek
    assert {f"grafieken/{n}-{KWARTAAL}.{e}" for n in CHARTS for e in ("png", "svg")} <= set(
        publiek)
    assert all(KWARTAAL in p for p in publiek)
    assert (folder / "intern" / f"technische-bijlage-{KWARTAAL}.md").is_file()
    for svg in (folder / GRAFIEKEN).glob("*.svg"):
        assert "DEMODATA" in svg.read_text(encoding="utf-8")


def test_no_chromium_is_a_dutch_refusal(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", "/nergens/chromium")
    monkeypatch.setattr("publicatie.export_grafieken.CHROMIUM_PADEN", ())
    monkeypatch.setattr("publicatie.export_grafieken.shutil.which", lambda naam: None)
    with pytest.raises(SnapshotFout, match=r"apt-get install chromium"):
        chromium()



def test_the_report_draws_the_targets_the_dashboard_draws(exports: Exports):
    """config/streefwaarden.toml is shared: the report's Wachtlijsten chart carries the same
    dotted target line with the same label as the Stuurgroep page's."""
    from monitor import streefwaarden

    doel = streefwaarden.laad().get("BW.wachtlijst")
    assert doel is not None and doel.streefwaarde is not None
    rapport = figuur(exports.stuurgroep, "wachtlijsten")
    g = view.scherm("wachtlijsten").grafiek
    dashboard = view.figuur(g, exports.stuurgroep.tabellen["wachtlijsten"],
                            doelen=streefwaarden.laad())

    def doellijnen(fig) -> list[tuple[float, str]]:
        lijnen = [s for s in fig.layout.shapes if s.line.dash == "dot"]
        teksten = [a.text for a in fig.layout.annotations if "streefwaarde" in (a.text or "")]
        return [(s.y0, t) for s, t in zip(lijnen, teksten, strict=True)]

    assert doellijnen(rapport) == doellijnen(dashboard)
    assert doellijnen(rapport) and doellijnen(rapport)[0][0] == doel.streefwaarde
    # a chart without a target gets none
    assert doellijnen(figuur(exports.stuurgroep, "e33")) == []
