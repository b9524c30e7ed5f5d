"""The steering group's slides: `publicatie/stuurgroep-<versie>.pptx` (16:9), the meeting view.

A title slide, a 'Wat viel op' slide (the sentences and where the region stands against its
targets), one slide per theme of the meeting view: its tiles as large text boxes (value,
changes with their judgement, on/off track) and its chart (the PNG from
`publicatie/grafieken/`), and a last slide with the sources (by name and peildatum) and the
disclosure control in words. Published figures only (a hidden one shows its mark);
"DEMODATA — niet echt" on every slide of a demo snapshot.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from monitor import fmt
from monitor.snapshots import PUBLICATIE
from monitor.streefwaarden import GUNSTIG, ONGUNSTIG
from publicatie.export_grafieken import (
    DEMO_TEKST,
    Grafiek,
    Stuurgroep,
    TegelTekst,
    bronnen,
    ontbrekend,
    tegel_tekst,
)
from publicatie.export_xlsx import onderdrukking_tekst

BREEDTE, HOOGTE = Emu(12_192_000), Emu(6_858_000)  # 16:9, as PowerPoint makes it
MARGE = Inches(0.5)
BLANCO = 6  # the default template's empty layout
DONKERBLAUW = RGBColor(0x1F, 0x3A, 0x5F)
GRIJS = RGBColor(0x55, 0x55, 0x55)
TEKST = RGBColor(0x22, 0x22, 0x22)
ROOD = RGBColor(0xC0, 0x00, 0x00)
KLEUREN = {GUNSTIG: RGBColor(0x1A, 0x7F, 0x37), ONGUNSTIG: ROOD}
FONT = "Arial"


BRONNEN_TITEL = "Bronnen en onderdrukking"


def bestandsnaam(versie: str) -> str:
    return f"stuurgroep-{versie}.pptx"


def schrijf_pptx(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek], map_: Path) -> Path:
    """Write the deck into `map_/publicatie/`; returns the file."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = BREEDTE, HOOGTE
    regio = stuurgroep.manifest.get("regio") or ""
    deck.core_properties.title = f"Stuurgroep {regio} {stuurgroep.kwartaal}".replace("  ", " ")
    deck.core_properties.author = deck.core_properties.last_modified_by = "Flevomonitor"
    _titeldia(deck, stuurgroep)
    _wat_viel_op(deck, stuurgroep)
    for inhoud in stuurgroep.themas:
        dia = _dia(deck, stuurgroep, f"{inhoud.titel} · {stuurgroep.kwartaal}",
                   inhoud.scherm.toelichting)
        _tegels(dia, [tegel_tekst(stuurgroep, t) for t in inhoud.tegels])
        grafiek = grafieken.get(inhoud.code)
        if grafiek is not None:
            _grafiek(dia, grafiek)
            gaten = ontbrekend(stuurgroep, inhoud.code)
            if gaten:
                _tekst(dia, Inches(6), HOOGTE - Inches(0.45), BREEDTE - Inches(6) - MARGE,
                       Inches(0.3), f"Niet getoond: {'; '.join(gaten)}", 10,
                       kleur=ROOD, uitlijning=PP_ALIGN.RIGHT)
        else:
            _tekst(dia, MARGE, Inches(4.2), BREEDTE - 2 * MARGE, Inches(0.6),
                   "Geen gepubliceerde cijfers voor de grafiek in dit kwartaal.", 18, kleur=GRIJS)
    _bronnen(deck, stuurgroep)
    uit = map_ / PUBLICATIE / bestandsnaam(stuurgroep.versie)
    uit.parent.mkdir(parents=True, exist_ok=True)
    deck.save(uit)
    return uit


# --- slides -----------------------------------------------------------------------------------


def _titeldia(deck: Presentation, stuurgroep: Stuurgroep) -> None:
    manifest = stuurgroep.manifest
    regio = manifest.get("regio") or stuurgroep.meta.get("regio") or ""
    dia = _leeg(deck, stuurgroep)
    _tekst(dia, MARGE, Inches(2.0), BREEDTE - 2 * MARGE, Inches(1.2),
           f"Stuurgroep {regio}".strip(), 44, vet=True, kleur=DONKERBLAUW)
    _tekst(dia, MARGE, Inches(3.2), BREEDTE - 2 * MARGE, Inches(0.8),
           f"Kwartaal {stuurgroep.kwartaal}", 32, kleur=DONKERBLAUW)
    gemaakt = manifest.get("created_at")
    datum = fmt.datum(datetime.fromisoformat(gemaakt)) if gemaakt else fmt.LEEG
    regels = [f"Versie {stuurgroep.versie}, vastgelegd op {datum}"]
    if manifest.get("vervangt"):
        regels.append(f"Vervangt {manifest['vervangt']}: {manifest.get('reden') or ''}")
    regels.append("Regio-totalen; kleine aantallen verborgen als "
                  f"{stuurgroep.teken}, wat ze zou verraden als {stuurgroep.teken_overig}.")
    regels.append(stuurgroep.rapport.uitgever)
    _tekst(dia, MARGE, Inches(4.2), BREEDTE - 2 * MARGE, Inches(1.2), regels, 16, kleur=GRIJS)
    if stuurgroep.demo:
        vak = dia.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGE, Inches(5.6), Inches(6.5),
                                   Inches(0.9))
        vak.fill.background()
        vak.line.color.rgb = ROOD
        vak.line.width = Pt(3)
        _vul(vak.text_frame, [DEMO_TEKST], 28, vet=True, kleur=ROOD)


def _wat_viel_op(deck: Presentation, stuurgroep: Stuurgroep) -> None:
    dia = _dia(deck, stuurgroep, f"Wat viel op · {stuurgroep.kwartaal}",
               "De opvallendste veranderingen van het kwartaal, en waar de regio staat ten "
               "opzichte van haar streefwaarden.")
    zinnen = list(stuurgroep.overzicht.zinnen) or [
        "Voor dit kwartaal is er nog geen eerder kwartaal om mee te vergelijken."]
    _tekst(dia, MARGE, Inches(1.6), BREEDTE - 2 * MARGE, Inches(3.2),
           [f"• {zin}" for zin in zinnen], 20)
    doelen = [
        (t, tegel_tekst(stuurgroep, t)) for s in stuurgroep.themas for t in s.tegels
        if t.doel is not None and t.doel.streefwaarde is not None
    ]
    if not doelen:
        return
    _tekst(dia, MARGE, Inches(4.95), BREEDTE - 2 * MARGE, Inches(0.4), "Streefwaarden", 16,
           vet=True, kleur=DONKERBLAUW)
    vak = dia.shapes.add_textbox(MARGE, Inches(5.35), BREEDTE - 2 * MARGE, Inches(1.5))
    vak.text_frame.word_wrap = True
    for i, (tegel, tekst) in enumerate(doelen):
        alinea = vak.text_frame.paragraphs[0] if i == 0 else vak.text_frame.add_paragraph()
        stand = f"{tekst.waarde} in {tegel.periode}" if tegel.periode else "nog geen cijfer"
        _run(alinea, f"{tekst.koers}  ", 14, vet=True, kleur=KLEUREN.get(tekst.koers_oordeel))
        _run(alinea, f"{tegel.doel.label}: {stand} ({tekst.doel})", 14)


def _bronnen(deck: Presentation, stuurgroep: Stuurgroep) -> None:
    """The sources by name and peildatum, and the disclosure control in words."""
    dia = _dia(deck, stuurgroep, f"{BRONNEN_TITEL} · {stuurgroep.kwartaal}",
               "Waar de cijfers vandaan komen, en waarom sommige cijfers niet getoond worden.")
    breedte = int((BREEDTE - 2 * MARGE - Inches(0.4)) / 2)
    regels = [f"• {b.naam}: peildatum {b.peildatum}"
              + (" (demonstratiegegevens, niet echt)" if b.demo else "")
              for b in bronnen(stuurgroep)] or ["• Geen bronnen vastgelegd."]
    _tekst(dia, MARGE, Inches(1.55), breedte, Inches(0.4), "Bronnen", 18, vet=True,
           kleur=DONKERBLAUW)
    _tekst(dia, MARGE, Inches(2.0), breedte, Inches(3.6), regels, 13)
    rechts = MARGE + breedte + Inches(0.4)
    _tekst(dia, rechts, Inches(1.55), breedte, Inches(0.4), "Onderdrukking", 18, vet=True,
           kleur=DONKERBLAUW)
    _tekst(dia, rechts, Inches(2.0), breedte, Inches(4.2),
           [*onderdrukking_tekst(stuurgroep.publicatie),
            "In een grafiek ontbreekt een verborgen punt; de dia zegt welk."], 11)
    _tekst(dia, MARGE, Inches(5.9), breedte, Inches(0.5),
           f"Contact: {stuurgroep.rapport.contact}", 11, kleur=GRIJS)


def _dia(deck: Presentation, stuurgroep: Stuurgroep, titel: str, toelichting: str) -> Slide:
    dia = _leeg(deck, stuurgroep)
    _tekst(dia, MARGE, Inches(0.35), Inches(9.5), Inches(0.7), titel, 30, vet=True,
           kleur=DONKERBLAUW)
    _tekst(dia, MARGE, Inches(1.0), BREEDTE - 2 * MARGE, Inches(0.45), toelichting, 14,
           kleur=GRIJS)
    return dia


def _leeg(deck: Presentation, stuurgroep: Stuurgroep) -> Slide:
    """An empty slide with the footer and, on a demo snapshot, the DEMODATA marker."""
    dia = deck.slides.add_slide(deck.slide_layouts[BLANCO])
    regio = stuurgroep.manifest.get("regio") or ""
    _tekst(dia, MARGE, HOOGTE - Inches(0.45), Inches(5.3), Inches(0.3),
           f"Flevomonitor · {regio} · versie {stuurgroep.versie}", 10,
           kleur=GRIJS)
    if stuurgroep.demo:
        _tekst(dia, BREEDTE - MARGE - Inches(3.2), Inches(0.3), Inches(3.2), Inches(0.45),
               DEMO_TEKST, 16, vet=True, kleur=ROOD, uitlijning=PP_ALIGN.RIGHT)
    return dia


def _tegels(dia: Slide, tegels: list[TegelTekst]) -> None:
    """The tiles side by side: title, value, changes (coloured by judgement), on/off track."""
    if not tegels:
        return
    tussen = Inches(0.2)
    breedte = int((BREEDTE - 2 * MARGE - tussen * (len(tegels) - 1)) / len(tegels))
    for i, tegel in enumerate(tegels):
        vak = dia.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, MARGE + i * (breedte + tussen),
                                   Inches(1.5), Emu(breedte), Inches(1.95))
        vak.adjustments[0] = 0.06
        vak.fill.solid()
        vak.fill.fore_color.rgb = RGBColor(0xF5, 0xF7, 0xFA)
        vak.line.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
        vak.name = f"Tegel {tegel.titel}"
        tekst = vak.text_frame
        tekst.word_wrap = True
        tekst.vertical_anchor = MSO_ANCHOR.TOP
        for kant in ("margin_left", "margin_right"):
            setattr(tekst, kant, Inches(0.12))
        tekst.margin_top = Inches(0.08)
        # five or six tiles on a row (BW has six): smaller type, so nothing is cut off
        klein = {5: 10, 6: 9}.get(len(tegels), 11)
        regels = [(tegel.titel, 13 if len(tegels) < 6 else 12, False, GRIJS),
                  (tegel.waarde, {5: 28, 6: 24}.get(len(tegels), 32), True, TEKST),
                  *((r.tekst, klein, False, KLEUREN.get(r.oordeel, GRIJS)) for r in tegel.regels),
                  (tegel.koers_tekst, klein, False, KLEUREN.get(tegel.koers_oordeel, GRIJS))]
        for j, (inhoud, grootte, vet, kleur) in enumerate(regels):
            alinea = tekst.paragraphs[0] if j == 0 else tekst.add_paragraph()
            alinea.alignment = PP_ALIGN.LEFT  # a shape centres its text by default
            _run(alinea, inhoud, grootte, vet, kleur)


def _grafiek(dia: Slide, grafiek: Grafiek) -> None:
    """The chart under the tiles, as large as fits, centred."""
    boven = Inches(3.6)
    ruimte = HOOGTE - boven - Inches(0.5)
    beeld = dia.shapes.add_picture(str(grafiek.png), 0, boven, height=ruimte)
    if beeld.width > BREEDTE - 2 * MARGE:  # a wide chart: fit the width instead
        verhouding = (BREEDTE - 2 * MARGE) / beeld.width
        beeld.width, beeld.height = BREEDTE - 2 * MARGE, int(beeld.height * verhouding)
    beeld.left = int((BREEDTE - beeld.width) / 2)
    beeld.name = grafiek.titel


# --- text -------------------------------------------------------------------------------------


def _tekst(
    dia: Slide, links: int, boven: int, breedte: int, hoogte: int, tekst: str | list[str],
    grootte: int, vet: bool = False, kleur: RGBColor | None = None,
    uitlijning: PP_ALIGN | None = None,
) -> None:
    vak = dia.shapes.add_textbox(links, boven, breedte, hoogte)
    vak.text_frame.word_wrap = True
    _vul(vak.text_frame, [tekst] if isinstance(tekst, str) else tekst, grootte, vet, kleur,
         uitlijning)


def _vul(tekstvak, regels: list[str], grootte: int, vet: bool = False,
         kleur: RGBColor | None = None, uitlijning: PP_ALIGN | None = None) -> None:
    for i, regel in enumerate(regels):
        alinea = tekstvak.paragraphs[0] if i == 0 else tekstvak.add_paragraph()
        if uitlijning is not None:
            alinea.alignment = uitlijning
        if i:
            alinea.space_before = Pt(grootte * 0.4)
        _run(alinea, regel, grootte, vet, kleur)


def _run(alinea, tekst: str, grootte: int, vet: bool = False,
         kleur: RGBColor | None = None) -> None:
    run = alinea.add_run()
    run.text = tekst
    run.font.size = Pt(grootte)
    run.font.bold = vet
    run.font.name = FONT
    # explicit: text in a shape would otherwise take the theme's light shape-text colour
    run.font.color.rgb = kleur or TEKST
