"""The snapshot's charts (`grafieken/`) and the meeting view they are drawn from.

A hand-made warehouse (shipped Flevoland reference, quarters 2019-K1 to 2019-K3) is frozen
once with every export, as a demo and as a plain snapshot; tests/test_export_pdf.py and
tests/test_export_pptx.py use the same two snapshots (`snapshot_met_exports`), because each
one starts Chromium twice (kaleido and the PDF print).
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from warehousehulp import TELLINGEN_HEADER, TRAJECTEN_HEADER, write

from etl import settings
from etl.build import build
from publicatie.export_grafieken import (
    GRAFIEKEN,
    chromium,
    gemeente_tabel,
    lees_stuurgroep,
    regio_tabel,
    tegel_tekst,
)
from publicatie.snapshot import SnapshotFout, lees_snapshot, maak_snapshot

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
]
ALLE = ("xlsx", "grafieken", "pdf", "pptx")  # explicit: other tests may narrow the default
CHARTS = {"bw-instroom-uitstroom", "mo-instroom-uitstroom", "vo-instroom-uitstroom",
          "e33-meldingen-per-jaar", "spreidingsindex", "wachtlijsten"}


def warehouse(root: Path, demo: bool) -> Path:
    raw = root / "raw"
    trajecten = "trajecten_demo_2019-10-15.csv" if demo else "trajecten_zorg_2019-10-15.csv"
    write(raw / "trajecten" / trajecten, TRAJECTEN_HEADER, TRAJECTEN)
    write(raw / "tellingen" / "tellingen_politie_2019-10-15.csv", TELLINGEN_HEADER, TELLINGEN)
    write(raw / "capaciteit" / "capaciteit_zorg_2019-10-01.csv", CAPACITEIT[0], CAPACITEIT[1:])
    build(raw, root / "warehouse.duckdb", settings.REFERENCE_DIR)
    return root / "warehouse.duckdb"


@functools.cache
def snapshot_met_exports(demo: bool) -> Path:
    """The snapshot with every export, made once per test session (shared by the export
    test modules; the folder lives until the process ends)."""
    root = Path(tempfile.mkdtemp(prefix=f"flevomonitor-export-{'demo' if demo else 'echt'}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return maak_snapshot(KWARTAAL, warehouse(root, demo), root / "snapshots", exports=ALLE)


def parquet_figure(folder: Path, sleutel: str, gemeentecode: str = "TOTAAL",
                   periode: str = KWARTAAL, perspectief: str | None = None) -> float:
    """One figure straight from the snapshot's Parquet (no dimension)."""
    _, frame = lees_snapshot(folder)
    voorziening, indicator = sleutel.split(".", 1)
    rows = frame[(frame.voorziening == voorziening) & (frame.indicator == indicator)
                 & (frame.gemeentecode == gemeentecode) & (frame.periode == periode)
                 & frame.dimensie.isna()]
    if perspectief is not None:
        rows = rows[rows.perspectief == perspectief]
    assert len(rows) == 1, (sleutel, gemeentecode, periode, len(rows))
    return float(rows.waarde.iloc[0])


def stuurgroep(folder: Path):
    manifest, _ = lees_snapshot(folder)
    return lees_stuurgroep(folder, manifest, manifest["drempel"])


@pytest.fixture(scope="module")
def snapshot() -> Path:
    if CHROMIUM is None:
        pytest.skip(ZONDER_CHROMIUM)
    return snapshot_met_exports(False)


# --- the images -------------------------------------------------------------------------------


@browser
def test_a_png_and_an_svg_per_theme_chart(snapshot: Path):
    folder = snapshot / GRAFIEKEN
    assert {p.stem for p in folder.glob("*.png")} == CHARTS
    assert {p.stem for p in folder.glob("*.svg")} == CHARTS
    for naam in CHARTS:
        png = (folder / f"{naam}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        # width and height from the IHDR chunk: drawn at scale 2
        assert int.from_bytes(png[16:20], "big") == 1800
        svg = (folder / f"{naam}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "</svg>" in svg
    manifest, _ = lees_snapshot(snapshot)
    assert {f"{GRAFIEKEN}/{n}.{e}" for n in CHARTS for e in ("png", "svg")} <= set(
        manifest["bestanden"])


def ticks(svg: str, axis: str) -> list[str]:
    return re.findall(rf'<g class="{axis}tick"><text[^>]*>([^<]*)</text>', svg)


@browser
def test_tick_labels_are_dutch(snapshot: Path):
    folder = snapshot / GRAFIEKEN
    index = ticks((folder / "spreidingsindex.svg").read_text(encoding="utf-8"), "y")
    assert "0,00" in index and all(re.fullmatch(r"\d,\d\d", t) for t in index), index
    meldingen = ticks((folder / "e33-meldingen-per-jaar.svg").read_text(encoding="utf-8"), "y")
    assert any(re.fullmatch(r"1\.\d{3}", t) for t in meldingen), meldingen  # 1.000, not 1,000
    assert not any("," in t for t in meldingen)
    jaren = ticks((folder / "e33-meldingen-per-jaar.svg").read_text(encoding="utf-8"), "x")
    assert jaren == ["2017", "2018"]


# --- the figures they are drawn from ----------------------------------------------------------


@browser
def test_a_suppressed_point_is_a_gap(snapshot: Path):
    s = stuurgroep(snapshot)
    vo = s.tabellen["vo"].set_index(["Reeks", "Periode"])["Waarde"]
    assert vo[("Instroom", "2019-K2")] == 6
    assert pd.isna(vo[("Instroom", KWARTAAL)])  # 3: hidden, drawn as a gap
    assert ("VO.instroom", KWARTAAL) in s.onderdrukt
    assert regio_tabel(s, "vo").set_index("Reeks").loc["Instroom", KWARTAAL] == "<5"
    tegel = next(t for t in s.overzicht.scherm("vo").tegels if t.sleutel == "VO.instroom")
    assert tegel_tekst(s, tegel).waarde == "<5"
    # the dashboard draws the unsuppressed figure; the parquet keeps it
    assert parquet_figure(snapshot, "VO.instroom") == 3


@browser
def test_tiles_and_tables_hold_the_parquet_figures(snapshot: Path):
    s = stuurgroep(snapshot)
    bw = {t.sleutel: tegel_tekst(s, t) for t in s.overzicht.scherm("bw").tegels}
    assert bw["BW.instroom"].waarde == "8" == f"{parquet_figure(snapshot, 'BW.instroom'):.0f}"
    assert bw["BW.bezetting"].waarde == f"{parquet_figure(snapshot, 'BW.bezetting'):.0f}"
    assert [r.tekst for r in bw["BW.instroom"].regels] == [
        "▲ +1 t.o.v. 2019-K2 · ongunstig", "– t.o.v. 2018-K3"]
    tabel = gemeente_tabel(s, "bw").set_index("Gemeente")
    assert tabel.loc["Lelystad", "Instroom"] == "<5"  # 2: primary
    assert tabel.loc["Almere", "Instroom"] == "x"  # 6: the region total would tell
    assert tabel.loc["Regio totaal", "Instroom"] == "8"
    assert tabel.loc["Almere", "Bezetting"] == "21"
    spreiding = {t.sleutel: tegel_tekst(s, t).waarde
                 for t in s.overzicht.scherm("spreiding").tegels}
    assert spreiding["BW.spreidingsindex"] == "0,17"  # ½·(5/30 + 5/30)


def test_no_chromium_is_a_dutch_refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("BROWSER_PATH", "/nergens/chromium")
    monkeypatch.setattr("publicatie.export_grafieken.CHROMIUM_PADEN", ())
    monkeypatch.setattr("publicatie.export_grafieken.shutil.which", lambda naam: None)
    with pytest.raises(SnapshotFout, match=r"apt-get install chromium"):
        chromium()
    # a snapshot stops before anything is in place
    with pytest.raises(SnapshotFout, match=r"Geen Chromium gevonden"):
        maak_snapshot(KWARTAAL, warehouse(tmp_path, demo=False), tmp_path / "uit",
                      exports=ALLE)
    assert list((tmp_path / "uit").iterdir()) == []


def test_exports_can_be_chosen(tmp_path: Path):
    folder = maak_snapshot(KWARTAAL, warehouse(tmp_path, demo=False), tmp_path / "uit",
                           exports=("xlsx",))
    assert not (folder / GRAFIEKEN).exists()
    assert sorted(p.name for p in folder.glob("*.*")) == [
        "kerncijfers.parquet", "kwartaalcijfers-2019-K3.xlsx", "manifest.json"]
    with pytest.raises(ValueError, match="onbekende export"):
        maak_snapshot(KWARTAAL, tmp_path / "warehouse.duckdb", tmp_path / "uit2",
                      exports=("docx",))
    assert not (tmp_path / "uit2").exists() or not any((tmp_path / "uit2").iterdir())
