"""The steering group's deck (PPTX), read back with python-pptx.

Uses the two snapshots of tests/test_export_grafieken.py (a demo and a plain one), made once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from test_export_grafieken import (
    CHROMIUM,
    KWARTAAL,
    ZONDER_CHROMIUM,
    parquet_figure,
    snapshot_met_exports,
    stuurgroep,
)

from monitor import wat_viel_op
from monitor.views import stuurgroep as view
from publicatie.export_grafieken import DEMO_TEKST

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=ZONDER_CHROMIUM)]
PPTX = f"stuurgroep-{KWARTAAL}.pptx"
THEMAS = view.SCHERMEN[1:]


@pytest.fixture(scope="module")
def snapshot() -> Path:
    return snapshot_met_exports(False)


@pytest.fixture(scope="module")
def deck(snapshot: Path):
    return Presentation(str(snapshot / PPTX))


def teksten(dia) -> list[str]:
    return [s.text_frame.text for s in dia.shapes if s.has_text_frame]


def tegel(dia, titel: str) -> list[str]:
    """The paragraphs of a tile: title, value, changes, on/off track."""
    vak = next(s for s in dia.shapes if s.name == f"Tegel {titel}")
    return [p.text for p in vak.text_frame.paragraphs]


def test_title_wat_viel_op_and_a_slide_per_theme(deck):
    dias = list(deck.slides)
    assert len(dias) == 2 + len(THEMAS)
    assert "Stuurgroep Flevoland" in teksten(dias[0])
    assert f"Kwartaal {KWARTAAL}" in teksten(dias[0])
    assert f"Wat viel op · {KWARTAAL}" in teksten(dias[1])
    for dia, scherm in zip(dias[2:], THEMAS, strict=True):
        assert f"{scherm.titel} · {KWARTAAL}" in teksten(dia)
        tegels = [s for s in dia.shapes if s.name.startswith("Tegel ")]
        assert 3 <= len(tegels) == len(scherm.tegels) <= 5
        beelden = [s for s in dia.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(beelden) == 1 and beelden[0].image.content_type == "image/png"
        assert beelden[0].name == scherm.grafiek.titel
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9


def test_wat_viel_op_holds_the_sentences(snapshot: Path, deck):
    tekst = " ".join(teksten(list(deck.slides)[1]))
    zinnen = stuurgroep(snapshot).overzicht.zinnen
    assert zinnen
    for zin in zinnen:
        assert zin in tekst


def test_tiles_show_the_parquet_figures(snapshot: Path, deck):
    dias = {scherm.code: dia for scherm, dia in zip(THEMAS, list(deck.slides)[2:], strict=True)}
    instroom = tegel(dias["bw"], "Instroom")
    assert instroom[:2] == ["Instroom", f"{parquet_figure(snapshot, 'BW.instroom'):.0f}"]
    assert instroom[1] == "8"
    assert instroom[2] == "▲ +1 t.o.v. 2019-K2 · ongunstig"
    assert instroom[-1] == "geen streefwaarde: lager is beter"
    assert tegel(dias["bw"], "Bezetting")[1] == f"{parquet_figure(snapshot, 'BW.bezetting'):.0f}"
    meldingen = parquet_figure(snapshot, "E33.meldingen")
    assert tegel(dias["e33"], "Meldingen E33")[1] == wat_viel_op.waarde_tekst(meldingen, "aantal")
    per_10000 = parquet_figure(snapshot, "E33.meldingen_per_10000")
    assert tegel(dias["e33"], "Meldingen per 10.000 inwoners")[1] == wat_viel_op.waarde_tekst(
        per_10000, "per_10000")  # Dutch: a decimal comma
    assert "," in tegel(dias["e33"], "Meldingen per 10.000 inwoners")[1]
    assert tegel(dias["vo"], "Instroom")[1] == "<5"  # a region total of 3
    assert "Niet getoond: Instroom: 2019-K3" in teksten(dias["vo"])  # a gap in the chart
    assert tegel(dias["spreiding"], "Spreidingsindex BW")[1] == "0,17"


def test_demodata_on_every_slide_of_a_demo_snapshot(deck):
    demo = Presentation(str(snapshot_met_exports(True) / PPTX))
    assert all(DEMO_TEKST in teksten(dia) for dia in demo.slides)
    assert not any("DEMODATA" in t for dia in deck.slides for t in teksten(dia))
