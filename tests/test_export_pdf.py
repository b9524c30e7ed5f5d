"""The quarterly report (PDF), read back with pypdf: published figures only, readable alone.

Uses the two export folders of tests/test_export_grafieken.py (a demo and a plain one), made
once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from test_export_grafieken import (
    ALMERE,
    CHROMIUM,
    KWARTAAL,
    LELYSTAD,
    VERSIE,
    ZONDER_CHROMIUM,
    Exports,
    exportmap,
    gepubliceerd_tekst,
    spreiding_gepubliceerd,
)

from etl import settings
from monitor import gebeurtenissen
from monitor.views import stuurgroep as view
from publicatie.export_grafieken import lees_rapport
from publicatie.export_pdf import bladwijzers, print_pdf
from publicatie.export_xlsx import onderdrukking_tekst
from publicatie.snapshot import SnapshotFout
from publicatie.suppressie import lees_publicatie

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=ZONDER_CHROMIUM)]
HOOFDSTUKKEN = ["Leeswijzer", "Samenvatting", *(s.titel for s in view.SCHERMEN[1:]),
                "Definities", "Bronnen en onderdrukking", "Colofon"]


def plat(tekst: str) -> str:
    """Whitespace as single spaces: a sentence may wrap anywhere on the page."""
    return " ".join(tekst.split())


@pytest.fixture(scope="module")
def exports() -> Exports:
    return exportmap(False)


@pytest.fixture(scope="module")
def paginas(exports: Exports) -> list[str]:
    return [p.extract_text() for p in PdfReader(exports.pdf).pages]


def hoofdstuk(paginas: list[str], nummer: int) -> str:
    """The text of chapter `nummer` (from its heading to the next chapter's)."""
    alles = "\n".join(paginas)
    kop = f"{nummer} {HOOFDSTUKKEN[nummer - 1]}"
    begin = alles.index(f"\n{kop}\n")
    volgende = f"\n{nummer + 1} {HOOFDSTUKKEN[nummer]}\n" if nummer < len(HOOFDSTUKKEN) else None
    return alles[begin:alles.index(volgende, begin) if volgende else None]


def test_named_with_the_version_in_publicatie(exports: Exports):
    assert exports.pdf == exports.map / "publicatie" / f"kwartaalrapportage-{VERSIE}.pdf"
    reader = PdfReader(exports.pdf)
    breedte, hoogte = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(breedte), round(hoogte)) == (595, 842)  # A4 in points


def test_bookmarks_and_a_table_of_contents_with_the_right_pages(exports: Exports,
                                                                 paginas: list[str]):
    hoofdstukken = {titel: pagina for diepte, titel, pagina in bladwijzers(exports.pdf)
                    if diepte == 1}
    verwacht = [f"{i} {t}" for i, t in enumerate(HOOFDSTUKKEN, start=1)]
    assert list(hoofdstukken) == verwacht
    # the table of contents on the cover: '3 Beschermd wonen 4'
    inhoud = dict(re.findall(r"^(\d+ .+?) (\d+)$", paginas[0], flags=re.MULTILINE))
    assert list(inhoud) == verwacht
    for kop, pagina in inhoud.items():
        assert int(pagina) == hoofdstukken[kop], kop
        # and the heading stands on that page, which says its own number in the footer
        assert kop in paginas[int(pagina) - 1].splitlines(), kop
        assert f"pagina {pagina} van {len(paginas)}" in paginas[int(pagina) - 1]


def test_figures_and_tables_are_numbered_with_a_source_line(exports: Exports,
                                                             paginas: list[str]):
    tekst = plat(" ".join(paginas))
    for soort in ("Figuur", "Tabel"):
        nummers = [int(n) for n in re.findall(rf"{soort} (\d+)\. ", tekst)]
        assert nummers == list(range(1, len(nummers) + 1)), (soort, nummers)
    # a figure per chart drawn: five from counts, spreiding only when its index is published
    assert len(exports.grafieken) == 5 + spreiding_gepubliceerd(exports.gepubliceerd)
    assert len(re.findall(r"Figuur \d+\. ", tekst)) == len(exports.grafieken)
    # every figure and table has a 'Bron:' line before the next one starts
    bijschriften = [m.start() for m in re.finditer(r"(Figuur|Tabel) \d+\. ", tekst)]
    for begin, einde in zip(bijschriften, [*bijschriften[1:], len(tekst)], strict=True):
        assert "Bron: " in tekst[begin:einde], tekst[begin:begin + 80]


def test_no_technical_words_in_the_public_report(paginas: list[str]):
    tekst = " ".join(paginas).lower()
    for woord in ("sha256", "warehouse", "config/", ".toml", ".csv", ".parquet", "manifest",
                  "codeversie", "schemaversie"):
        assert woord not in tekst, woord


def test_technical_annex_in_intern(exports: Exports):
    bijlage = exports.map / "intern" / f"technische-bijlage-{VERSIE}.md"
    tekst = bijlage.read_text(encoding="utf-8")
    assert f"Warehouse-versie: {exports.stuurgroep.manifest['warehouse_versie']}" in tekst
    assert "config/publicatie.toml" in tekst and "config/rapport.toml" in tekst
    bronnen = exports.stuurgroep.bronbestanden
    assert len(bronnen) == 3
    for bestand, sha in zip(bronnen["bestand"], bronnen["sha256"], strict=True):
        assert f"| {bestand} |" in tekst and sha in tekst
    assert not list((exports.map / "publicatie").glob("technische-bijlage*"))


def test_publisher_contact_and_disclaimer_from_config(paginas: list[str]):
    rapport = lees_rapport()
    omslag, colofon = plat(paginas[0]), plat(hoofdstuk(paginas, len(HOOFDSTUKKEN)))
    assert rapport.uitgever in omslag and rapport.contact in omslag
    for tekst in (rapport.uitgever, rapport.contact, rapport.disclaimer):
        assert tekst in colofon
    assert "Versie 2019-K3-v2" in omslag and "Vervangt versie 2019-K3" in omslag


def test_a_reading_guide_with_the_known_events(paginas: list[str]):
    gids = plat(hoofdstuk(paginas, 1))
    assert "<5 is een klein aantal" in gids and "x is een cijfer dat verborgen is" in gids
    for g in gebeurtenissen.laad():
        assert g.label in gids and g.omschrijving in gids


def test_summary_has_the_wat_viel_op_sentences(exports: Exports, paginas: list[str]):
    samenvatting = plat(hoofdstuk(paginas, 2))
    zinnen = exports.stuurgroep.overzicht.zinnen
    assert 3 <= len(zinnen) <= 5
    for zin in zinnen:
        assert zin in samenvatting
    assert "De uitstroom beschermd wonen steeg naar 7 (+7 ten opzichte van 2019-K2)." in zinnen
    assert "Tabel 1. Kerncijfers van de regio, 2019-K3" in samenvatting


def test_hidden_figures_show_their_mark_in_the_tables(exports: Exports, paginas: list[str]):
    g = exports.gepubliceerd
    bw = hoofdstuk(paginas, 3).splitlines()
    # Gemeente, Bezetting, Instroom, Uitstroom, each cell as published: Lelystad instroom 2
    # (primary), Almere 6 (secondary), set so in the export fixture; the rest as the engine
    # decided
    for gemeente, code in (("Lelystad", LELYSTAD), ("Almere", ALMERE),
                           ("Regio totaal", settings.TOTAAL)):
        cellen = [gepubliceerd_tekst(g, s, code)
                  for s in ("BW.bezetting", "BW.instroom", "BW.uitstroom")]
        assert " ".join([gemeente, *cellen]) in bw, (gemeente, cellen)
    assert gepubliceerd_tekst(g, "BW.instroom", LELYSTAD) == "<5"
    assert gepubliceerd_tekst(g, "BW.instroom", ALMERE) == "x"
    # the tile (six tiles on the BW row: a change may wrap onto the next line)
    assert re.search(r"Instroom\s+8\s+▲ \+1\s+t\.o\.v\.\s+2019-K2", hoofdstuk(paginas, 3))
    vo = plat(hoofdstuk(paginas, 5))
    perioden = ("2019-K1", "2019-K2", KWARTAAL)
    instroom = [gepubliceerd_tekst(g, "VO.instroom", periode=p) for p in perioden]
    assert instroom[-1] == "<5"
    # the chart's table
    assert f"Reeks {' '.join(perioden)} Instroom {' '.join(instroom)}" in vo
    assert "Niet getoond, want verborgen: Instroom: 2019-K3." in vo
    assert "Instroom <5" in vo  # the tile: a region total of 3, never 0 or 3
    e33 = hoofdstuk(paginas, 6).splitlines()
    assert any(r.startswith("Dronten <5 ") for r in e33)  # 3 meldingen


def test_one_perspective_per_table_and_the_right_footnote(paginas: list[str]):
    mo = plat(hoofdstuk(paginas, 4))
    assert "Per gemeente naar herkomst van de cliënt, 2019-K3" in mo
    assert "Per gemeente naar gemeente van de locatie, 2019-K3" in mo
    assert "Gemeente Bezettingsgraad Almere" in mo  # its own table
    e33 = plat(hoofdstuk(paginas, 6))
    assert "herkomst" not in e33
    assert "zoals de bron het aanlevert" in e33


def test_derived_figures_not_published_read_as_not_available(exports: Exports,
                                                             paginas: list[str]):
    # the export fixture publishes no eigen_gemeente_pct rows and hides BW's index
    spreiding = plat(hoofdstuk(paginas, 7))
    assert "BW-cliënten in eigen gemeente –" in spreiding
    assert "Niet beschikbaar (–): BW-cliënten in eigen gemeente." in spreiding
    assert "Spreidingsindex BW x" in spreiding  # hidden: its mark, not 'not available'
    mo = gepubliceerd_tekst(exports.gepubliceerd, "MO.spreidingsindex")
    assert f"Spreidingsindex MO {mo}" in spreiding


def test_sources_and_suppression_in_words(exports: Exports, paginas: list[str]):
    bronnen = plat(hoofdstuk(paginas, len(HOOFDSTUKKEN) - 1))
    rapport = lees_rapport()
    assert f"{rapport.bron_naam('trajecten')} Aangeleverd als: zorg; peildatum 15 oktober " \
           "2019." in bronnen
    for zin in onderdrukking_tekst(lees_publicatie()):
        assert plat(zin) in bronnen


def test_demodata_on_every_page_of_a_demo_snapshot(paginas: list[str]):
    demo = [p.extract_text() for p in PdfReader(exportmap(True).pdf).pages]
    assert len(demo) == len(paginas)
    assert all("DEMODATA — niet echt" in p for p in demo)
    assert "De cijfers zijn niet echt" in plat(demo[0])
    assert not any("DEMODATA" in p for p in paginas)


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm is not installed (apt-get install poppler-utils)")
def test_no_nearly_empty_pages(exports: Exports, tmp_path: Path):
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(exports.pdf), str(tmp_path / "p")],
                   check=True, timeout=60, capture_output=True)
    beelden = sorted(tmp_path.glob("p-*.png"))
    assert len(beelden) == len(PdfReader(exports.pdf).pages)
    for beeld in beelden[:-1]:  # the last page may end where the text ends
        pixels = np.asarray(Image.open(beeld).convert("L"))
        hoogte = pixels.shape[0]
        # the text area: between the running header and the footer (margins 18 and 17 mm)
        boven, onder = int(hoogte * 20 / 297), int(hoogte * (297 - 19) / 297)
        rijen = np.flatnonzero((pixels[boven:onder] < 200).any(axis=1))
        assert len(rijen) and rijen[-1] > 0.6 * (onder - boven), beeld.name


def test_a_failed_print_is_a_dutch_refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr("publicatie.export_pdf.chromium", lambda: "/bin/false")
    html = tmp_path / "rapport.html"
    html.write_text("<p>test</p>", encoding="utf-8")
    with pytest.raises(SnapshotFout, match=r"Chromium kon de PDF rapport\.pdf niet maken"):
        print_pdf(html, tmp_path / "rapport.pdf", tmp_path / "profiel")

