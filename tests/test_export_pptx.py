"""The steering group's deck (PPTX), read back with python-pptx.

Uses the two export folders of tests/test_export_grafieken.py (a demo and a plain one), made
once.
"""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from test_export_grafieken import (
    CHROMIUM,
    KWARTAAL,
    VERSIE,
    ZONDER_CHROMIUM,
    Exports,
    exportmap,
    figuur_uit,
    gepubliceerd_tekst,
)

from monitor.views import stuurgroep as view
from publicatie.export_grafieken import DEMO_TEKST, bronnen, lees_rapport
from publicatie.export_pptx import BRONNEN_TITEL
from publicatie.export_xlsx import onderdrukking_tekst
from publicatie.suppressie import lees_publicatie

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=ZONDER_CHROMIUM)]
THEMAS = view.SCHERMEN[1:]


@pytest.fixture(scope="module")
def exports() -> Exports:
    return exportmap(False)


@pytest.fixture(scope="module")
def deck(exports: Exports):
    return Presentation(str(exports.pptx))


def teksten(dia) -> list[str]:
    return [s.text_frame.text for s in dia.shapes if s.has_text_frame]


def tegel(dia, titel: str) -> list[str]:
    """The paragraphs of a tile: title, value, changes, on/off track."""
    vak = next(s for s in dia.shapes if s.name == f"Tegel {titel}")
    return [p.text for p in vak.text_frame.paragraphs]


def test_named_with_the_version_in_publicatie(exports: Exports):
    assert exports.pptx == exports.map / "publicatie" / f"stuurgroep-{VERSIE}.pptx"


def test_title_wat_viel_op_a_slide_per_theme_and_the_sources(exports: Exports, deck):
    dias = list(deck.slides)
    assert len(dias) == 3 + len(THEMAS)
    assert "Stuurgroep Flevoland" in teksten(dias[0])
    assert f"Kwartaal {KWARTAAL}" in teksten(dias[0])
    assert lees_rapport().uitgever in "\n".join(teksten(dias[0]))
    assert f"Wat viel op · {KWARTAAL}" in teksten(dias[1])
    for dia, scherm in zip(dias[2:-1], THEMAS, strict=True):
        assert f"{scherm.titel} · {KWARTAAL}" in teksten(dia)
        tegels = [s for s in dia.shapes if s.name.startswith("Tegel ")]
        assert 3 <= len(tegels) == len(scherm.tegels) <= 6
        beelden = [s for s in dia.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        # a screen without a published point to draw (e.g. a spreiding index the snapshot
        # does not publish): no chart, said so
        if scherm.code not in exports.grafieken:
            assert not beelden
            assert "Geen gepubliceerde cijfers voor de grafiek in dit kwartaal." in teksten(dia)
        else:
            assert len(beelden) == 1 and beelden[0].image.content_type == "image/png"
            assert beelden[0].name == scherm.grafiek.titel
    assert f"{BRONNEN_TITEL} · {KWARTAAL}" in teksten(dias[-1])
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9


def test_the_sources_and_suppression_slide(exports: Exports, deck):
    tekst = "\n".join(teksten(list(deck.slides)[-1]))
    gevonden = bronnen(exports.stuurgroep)
    assert len(gevonden) == 3
    for bron in gevonden:
        assert f"• {bron.naam}: peildatum {bron.peildatum}" in tekst
    assert "peildatum 15 oktober 2019" in tekst
    for zin in onderdrukking_tekst(lees_publicatie()):
        assert zin in tekst
    assert f"Contact: {lees_rapport().contact}" in tekst
    assert "sha256" not in tekst and ".csv" not in tekst  # names, not files


def test_wat_viel_op_holds_the_sentences(exports: Exports, deck):
    tekst = " ".join(teksten(list(deck.slides)[1]))
    zinnen = exports.stuurgroep.overzicht.zinnen
    assert zinnen
    for zin in zinnen:
        assert zin in tekst


def test_tiles_show_the_published_figures_and_marks(exports: Exports, deck):
    dias = {scherm.code: dia for scherm, dia in zip(THEMAS, list(deck.slides)[2:], strict=False)}
    k = exports.kerncijfers
    instroom = tegel(dias["bw"], "Instroom")
    assert instroom[:2] == ["Instroom", "8"] and figuur_uit(k, "BW.instroom") == 8
    assert instroom[2] == "▲ +1 t.o.v. 2019-K2 · ongunstig"
    assert instroom[-1] == "geen streefwaarde: lager is beter"
    g = exports.gepubliceerd
    assert tegel(dias["bw"], "Bezetting")[1] == gepubliceerd_tekst(g, "BW.bezetting")
    assert tegel(dias["e33"], "Meldingen E33")[1] == gepubliceerd_tekst(g, "E33.meldingen")
    per_10000 = tegel(dias["e33"], "Meldingen per 10.000 inwoners")[1]
    assert "," in per_10000  # Dutch: a decimal comma
    # a hidden region total of 3 shows its mark, never 0 or 3; its point is named as missing
    assert tegel(dias["vo"], "Instroom")[1] == "<5"
    assert figuur_uit(k, "VO.instroom") == 3
    assert "Niet getoond: Instroom: 2019-K3" in teksten(dias["vo"])
    # derived figures as published: a hidden one shows its mark; one the snapshot does not
    # publish is not available, never computed
    assert tegel(dias["spreiding"], "Spreidingsindex BW")[1] == "x"
    assert tegel(dias["spreiding"], "Spreidingsindex MO")[1] == gepubliceerd_tekst(
        g, "MO.spreidingsindex")
    assert tegel(dias["spreiding"], "BW-cliënten in eigen gemeente")[1] == "–"


def test_demodata_on_every_slide_of_a_demo_snapshot(deck):
    demo = Presentation(str(exportmap(True).pptx))
    assert len(demo.slides) == len(deck.slides)
    assert all(DEMO_TEKST in teksten(dia) for dia in demo.slides)
    assert not any("DEMODATA" in t for dia in deck.slides for t in teksten(dia))
