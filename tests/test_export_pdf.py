"""The quarterly report (PDF), read back with pypdf: the snapshot's figures after suppression.

Uses the two snapshots of tests/test_export_grafieken.py (a demo and a plain one), made once.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_export_grafieken import KWARTAAL, browser, snapshot_met_exports, stuurgroep

from monitor import wat_viel_op
from monitor.views import stuurgroep as view
from publicatie.export_pdf import print_pdf
from publicatie.export_xlsx import onderdrukking_tekst
from publicatie.snapshot import SnapshotFout, lees_snapshot
from publicatie.suppressie import onderdruk

PDF = f"kwartaalrapportage-{KWARTAAL}.pdf"


def plat(tekst: str) -> str:
    """Whitespace as single spaces: a sentence may wrap anywhere on the page."""
    return " ".join(tekst.split())


@pytest.fixture(scope="module")
def snapshot() -> Path:
    return snapshot_met_exports(False)


@pytest.fixture(scope="module")
def demo_snapshot() -> Path:
    return snapshot_met_exports(True)


@pytest.fixture(scope="module")
def paginas(snapshot: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(snapshot / PDF).pages]


def pagina(paginas: list[str], kop: str) -> str:
    """The page that starts the section headed `kop`."""
    return next(p for p in paginas if any(regel.strip() == kop for regel in p.splitlines()))


@browser
def test_a4_with_a_cover_and_a_page_per_theme(snapshot: Path, paginas: list[str]):
    reader = PdfReader(snapshot / PDF)
    breedte, hoogte = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(breedte), round(hoogte)) == (595, 842)  # A4 in points
    assert "Kwartaalrapportage Flevoland 2019-K3" in paginas[0]
    assert "Vastgelegd op" in paginas[0] and "Snapshot 2019-K3" in paginas[0]
    for scherm in view.SCHERMEN[1:]:
        assert pagina(paginas, f"{scherm.titel} · {KWARTAAL}")
    for kop in ("Definities", "Bronnen", "Colofon"):
        assert pagina(paginas, kop)
    assert all(f"van {len(paginas)}" in p for p in paginas)  # page numbers


@browser
def test_summary_has_the_wat_viel_op_sentences(snapshot: Path, paginas: list[str]):
    samenvatting = plat(pagina(paginas, f"Samenvatting {KWARTAAL}"))
    zinnen = stuurgroep(snapshot).overzicht.zinnen
    assert 3 <= len(zinnen) <= 5
    for zin in zinnen:
        assert zin in samenvatting
    assert "De uitstroom beschermd wonen steeg naar 7 (+7 ten opzichte van 2019-K2)." in zinnen


@browser
def test_tiles_show_the_parquet_figures_in_dutch(snapshot: Path, paginas: list[str]):
    _, kerncijfers = lees_snapshot(snapshot)
    gepubliceerd = onderdruk(kerncijfers, 5)
    regio = gepubliceerd[(gepubliceerd.gemeentecode == "TOTAAL") & gepubliceerd.dimensie.isna()
                         & (gepubliceerd.periode == KWARTAAL)]
    regels = pagina(paginas, f"Samenvatting {KWARTAAL}").splitlines()
    gecontroleerd = 0
    for scherm in view.SCHERMEN[1:]:
        # the summary table lists the tiles under their theme
        begin = regels.index(scherm.titel)
        for d in scherm.tegels:
            if d.sleutel in view.AFGELEID or d.jaarcijfer:
                continue
            voorziening, indicator = d.sleutel.split(".", 1)
            rij = regio[(regio.voorziening == voorziening) & (regio.indicator == indicator)]
            if rij.empty:
                verwacht = "–"
            elif rij.onderdrukt.iloc[0]:
                verwacht = "<5"
            else:
                verwacht = wat_viel_op.waarde_tekst(float(rij.waarde.iloc[0]), d.eenheid)
            assert any(r.startswith(f"{d.label} {verwacht} ")
                       for r in regels[begin:begin + len(scherm.tegels) + 1]), (d, verwacht)
            gecontroleerd += 1
    assert gecontroleerd >= 15
    bw = pagina(paginas, f"Beschermd wonen · {KWARTAAL}")
    assert "Instroom\n8\n▲ +1 t.o.v. 2019-K2" in bw  # the tile on the theme's page
    vo = regels[regels.index("Vrouwenopvang"):]
    assert any(r.startswith("Instroom <5 ") for r in vo)  # a region total of 3


@browser
def test_small_counts_are_suppressed_in_the_tables(paginas: list[str]):
    bw = pagina(paginas, f"Beschermd wonen · {KWARTAAL}").splitlines()
    # Gemeente, Bezetting, Instroom, Uitstroom: Lelystad instroom 2, Almere 6 (secondary)
    assert "Lelystad 9 <5 0" in bw
    assert "Almere 21 x 7" in bw
    assert "Regio totaal 30 8 7" in bw
    e33 = pagina(paginas, f"Verward gedrag (E33) · {KWARTAAL}").splitlines()
    assert any(r.startswith("Dronten <5 ") for r in e33)  # 3 meldingen
    vo = plat(pagina(paginas, f"Vrouwenopvang · {KWARTAAL}"))
    assert "Reeks 2019-K1 2019-K2 2019-K3 Instroom 0 6 <5" in vo  # the chart's table
    assert "Niet getoond wegens kleine aantallen (<5): Instroom: 2019-K3." in vo


@browser
def test_definitions_sources_and_colophon(snapshot: Path, paginas: list[str]):
    manifest, _ = lees_snapshot(snapshot)
    definities = plat(pagina(paginas, "Definities"))
    assert "Instroom Trajecten met een datum_instroom in de periode." in definities
    assert "Spreidingsindex BW Dissimilariteitsindex" in definities
    bronnen = plat("".join(paginas[paginas.index(pagina(paginas, "Definities")):]))
    for bron in manifest["bronbestanden"]:
        assert f"{bron['bestand']} {bron['bron']} {bron['peildatum']}" in bronnen
        assert bron["sha256"][:12] in bronnen
    colofon = plat(pagina(paginas, "Colofon"))
    for zin in onderdrukking_tekst(5, "<5"):
        assert plat(zin) in colofon
    assert f"Warehouse-versie {manifest['warehouse_versie']}" in colofon
    assert f"codeversie {manifest['code_versie']}" in colofon
    assert "Bron: CBS" in colofon


@browser
def test_demodata_on_every_page_of_a_demo_snapshot(demo_snapshot: Path, paginas: list[str]):
    demo = [p.extract_text() for p in PdfReader(demo_snapshot / PDF).pages]
    assert len(demo) >= 10
    assert all("DEMODATA — niet echt" in p for p in demo)
    assert "De cijfers zijn niet echt" in plat(demo[0])
    assert not any("DEMODATA" in p for p in paginas)


@browser
@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm is not installed (apt-get install poppler-utils)")
def test_a_page_renders(demo_snapshot: Path, tmp_path: Path):
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1",
                    str(demo_snapshot / PDF), str(tmp_path / "pagina")],
                   check=True, timeout=60, capture_output=True)
    (png,) = tmp_path.glob("pagina*.png")
    inhoud = png.read_bytes()
    assert inhoud[:8] == b"\x89PNG\r\n\x1a\n"
    # A4 at 50 dpi: about 413 x 585 pixels (pdftoppm rounds up)
    breedte, hoogte = int.from_bytes(inhoud[16:20], "big"), int.from_bytes(inhoud[20:24], "big")
    assert abs(breedte - 413) <= 2 and abs(hoogte - 585) <= 2
    assert len(inhoud) > 5_000  # not a blank page


def test_a_failed_print_is_a_dutch_refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr("publicatie.export_pdf.chromium", lambda: "/bin/false")
    html = tmp_path / "rapport.html"
    html.write_text("<p>test</p>", encoding="utf-8")
    with pytest.raises(SnapshotFout, match=r"Chromium kon de PDF rapport\.pdf niet maken"):
        print_pdf(html, tmp_path / "rapport.pdf", tmp_path / "profiel")
