"""The quarterly report for the councils: `publicatie/kwartaalrapportage-<versie>.pdf`, A4, Dutch.

A cover with the table of contents, a reading guide with the known events, a summary ('Wat
viel op' and the meeting view's tiles), one chapter per theme with its chart (the SVG from
`publicatie/grafieken/`), the chart's figures and the quarter per municipality (one
perspective per table), the definitions, the sources and the disclosure control, and a
colophon with publisher, contact and disclaimer (config/rapport.toml). Figures and tables are
numbered and each has a "Bron:" line; every figure is a published one (see
`publicatie.export_grafieken`).

HTML from `rapport_sjabloon.html` (Jinja2), printed to PDF by headless Chromium with a
document outline (bookmarks from the headings). The table of contents gets its page numbers
from a first print: the outline says on which page each chapter starts, and the report is
printed again with those numbers (the numbers take the same room as their placeholders, so
nothing moves; checked, and printed once more if something did).

What the public report must not contain (file names and their sha256, the warehouse and code
version, config paths) goes to the technical annex `intern/technische-bijlage-<versie>.md`.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import markupsafe
import pandas as pd
from pypdf import PdfReader

from etl import settings
from monitor import fmt, gebeurtenissen, streefwaarden
from monitor.snapshots import INTERN, PUBLICATIE, TECHNISCH, SnapshotFout, sha256
from publicatie.export_grafieken import (
    DEMO_TEKST,
    RAPPORT_TOML,
    Grafiek,
    Stuurgroep,
    bron_regel,
    bronnen,
    chromium,
    definities,
    gemeente_tabellen,
    niet_beschikbaar,
    ontbrekend,
    regio_tabel,
    tegel_tekst,
)
from publicatie.export_xlsx import onderdrukking_tekst
from publicatie.suppressie import PUBLICATIE_TOML

SJABLOON = "rapport_sjabloon.html"
PRINT_TIMEOUT = 120  # seconds; a report prints in one or two
MAX_DRUKGANGEN = 3  # the second print normally settles the table of contents
# as tests/test_browser.py: no sandbox (root in CI), nothing fetched or synced in the background
CHROMIUM_VLAGGEN = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--hide-scrollbars",
)


def bestandsnaam(versie: str) -> str:
    return f"kwartaalrapportage-{versie}.pdf"


def bijlage_naam(versie: str) -> str:
    return f"technische-bijlage-{versie}.md"


def schrijf_pdf(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek], map_: Path) -> Path:
    """Write the report into `map_/publicatie/` and its technical annex into `map_/intern/`;
    returns the report."""
    uit = map_ / PUBLICATIE / bestandsnaam(stuurgroep.versie)
    uit.parent.mkdir(parents=True, exist_ok=True)
    inhoud = rapport_inhoud(stuurgroep, grafieken)
    # the HTML and Chromium's profile stay outside the snapshot: only the PDF is the record
    with tempfile.TemporaryDirectory(prefix="flevomonitor-pdf-") as tijdelijk:
        bron = Path(tijdelijk) / "rapport.html"
        paginas: dict[str, int] = {}
        for _ in range(MAX_DRUKGANGEN):
            bron.write_text(_render(inhoud, paginas), encoding="utf-8")
            print_pdf(bron, uit, Path(tijdelijk) / "profiel")
            gevonden = hoofdstuk_paginas(uit)
            if paginas and gevonden == paginas:
                break
            paginas = gevonden
        else:
            raise SnapshotFout(f"De inhoudsopgave van {uit.name} komt niet overeen met de "
                               "pagina's van de hoofdstukken.")
    schrijf_bijlage(stuurgroep, map_)
    return uit


def print_pdf(html: Path, uit: Path, profiel: Path) -> None:
    """Headless Chromium prints `html` to `uit`; waits at most PRINT_TIMEOUT seconds."""
    opdracht = [chromium(), *CHROMIUM_VLAGGEN, f"--user-data-dir={profiel}",
                f"--print-to-pdf={uit}", html.resolve().as_uri()]
    # its own process group: on a timeout Chromium's helper processes are ended with it
    with subprocess.Popen(opdracht, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as proces:
        try:
            _, meldingen = proces.communicate(timeout=PRINT_TIMEOUT)
        except subprocess.TimeoutExpired as fout:
            os.killpg(proces.pid, signal.SIGKILL)
            proces.communicate()
            raise SnapshotFout(
                f"Chromium heeft de PDF niet binnen {PRINT_TIMEOUT} seconden gemaakt."
            ) from fout
    if proces.returncode != 0 or not uit.is_file() or uit.read_bytes()[:5] != b"%PDF-":
        laatste = "\n".join(meldingen.strip().splitlines()[-3:])
        raise SnapshotFout(
            f"Chromium kon de PDF {uit.name} niet maken (code {proces.returncode}): {laatste}"
        )


def bladwijzers(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page number from 1) of every bookmark of a PDF, in order."""
    reader = PdfReader(pdf)
    uit: list[tuple[int, str, int]] = []

    def loop(items: list, diepte: int) -> None:
        for item in items:
            if isinstance(item, list):
                loop(item, diepte + 1)
            else:
                uit.append((diepte, str(item.title).strip(),
                            reader.get_destination_page_number(item) + 1))

    loop(reader.outline, 0)
    return uit


def hoofdstuk_paginas(pdf: Path) -> dict[str, int]:
    """Chapter title ('3 Beschermd wonen') -> the page it starts on, from the outline."""
    return {titel: pagina for _, titel, pagina in bladwijzers(pdf)
            if titel.split(" ", 1)[0].isdigit()}


# --- the report's content ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tabel:
    nummer: int
    titel: str
    koppen: list[str]
    rijen: list[list[str]]
    bron: str
    voetnoot: str = ""
    totaal: str | None = None  # the first cell of the total row, set in bold


@dataclass(frozen=True)
class Figuur:
    nummer: int
    titel: str
    pad: str  # file URL of the SVG
    definitie: str
    ontbrekend: list[str]
    bron: str


class _Teller:
    """'Figuur 3', 'Tabel 2': numbered in the order they appear."""

    def __init__(self) -> None:
        self.figuren = self.tabellen = 0

    def figuur(self) -> int:
        self.figuren += 1
        return self.figuren

    def tabel(self) -> int:
        self.tabellen += 1
        return self.tabellen


def _tabel(teller: _Teller, titel: str, frame: pd.DataFrame, bron: str, voetnoot: str = "",
           totaal: str | None = None) -> Tabel:
    return Tabel(teller.tabel(), titel, [str(k) for k in frame.columns],
                 [[str(c) for c in rij] for rij in frame.to_numpy().tolist()], bron, voetnoot,
                 totaal)


def rapport_inhoud(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek]) -> dict:
    """Everything the template shows, numbered in reading order; no page numbers yet."""
    kwartaal, teller = stuurgroep.kwartaal, _Teller()
    samenvatting = [(inhoud.titel, [tegel_tekst(stuurgroep, t) for t in inhoud.tegels])
                    for inhoud in stuurgroep.themas]
    kerncijfers = Tabel(
        teller.tabel(), f"Kerncijfers van de regio, {kwartaal}", [], [],
        "Bron: " + "; ".join(dict.fromkeys(
            b.removeprefix("Bron: ").removesuffix("; bewerking Flevomonitor.")
            for b in (bron_regel(stuurgroep, i.code) for i in stuurgroep.themas)))
        + "; bewerking Flevomonitor.")
    themas = []
    for inhoud in stuurgroep.themas:
        code, g = inhoud.code, inhoud.scherm.grafiek
        bron = bron_regel(stuurgroep, code)
        grafiek = grafieken.get(code)
        figuur = None
        if grafiek is not None and g is not None:
            figuur = Figuur(teller.figuur(), g.titel, grafiek.svg.resolve().as_uri(),
                            g.definitie, ontbrekend(stuurgroep, code), bron)
        tabellen = []
        regio = regio_tabel(stuurgroep, code)
        if not regio.empty and g is not None:
            laatste = "" if g.jaren_per_bron else ", de laatste acht kwartalen"
            tabellen.append(_tabel(teller, f"{g.titel}{laatste} (regio)", regio, bron))
        for gt in gemeente_tabellen(stuurgroep, code):
            tabellen.append(_tabel(teller, gt.titel, gt.tabel, bron, gt.voetnoot,
                                   totaal="Regio totaal"))
        themas.append({
            "code": code,
            "titel": inhoud.titel,
            "toelichting": inhoud.scherm.toelichting,
            "tegels": [tegel_tekst(stuurgroep, t) for t in inhoud.tegels],
            "figuur": figuur,
            "tabellen": tabellen,
            "niet_beschikbaar": niet_beschikbaar(stuurgroep, code),
        })
    hoofdstukken = ["Leeswijzer", "Samenvatting", *(t["titel"] for t in themas),
                    "Definities", "Bronnen en onderdrukking", "Colofon"]
    manifest = stuurgroep.manifest
    return {
        "titel": f"Kwartaalrapportage {stuurgroep.regio} {kwartaal}".replace("  ", " "),
        "regio": stuurgroep.regio,
        "kwartaal": kwartaal,
        "versie": stuurgroep.versie,
        "vervangt": manifest.get("vervangt"),
        "reden": manifest.get("reden"),
        "datum": _datum(manifest.get("created_at")),
        "demo": stuurgroep.demo,
        "demo_tekst": DEMO_TEKST,
        "rapport": stuurgroep.rapport,
        "hoofdstukken": [f"{i} {t}" for i, t in enumerate(hoofdstukken, start=1)],
        "gebeurtenissen": [(fmt.datum(g.datum), g) for g in stuurgroep.bekende_gebeurtenissen],
        "zinnen": stuurgroep.overzicht.zinnen,
        "kerncijfers": kerncijfers,
        "samenvatting": samenvatting,
        "themas": themas,
        "definities": definities(stuurgroep),
        "bronnen": bronnen(stuurgroep),
        "onderdrukking": onderdrukking_tekst(stuurgroep.publicatie),
        "teken": stuurgroep.teken,
        "teken_overig": stuurgroep.teken_overig,
        "bronvermelding": stuurgroep.meta.get("bronvermelding", ""),
    }


def rapport_html(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek],
                 paginas: dict[str, int] | None = None) -> str:
    """The report as one HTML page (images by file URL); `paginas` fills in the table of
    contents (chapter -> page)."""
    return _render(rapport_inhoud(stuurgroep, grafieken), paginas or {})


def _render(inhoud: dict, paginas: dict[str, int]) -> str:
    return _omgeving().get_template(SJABLOON).render(**inhoud, paginas=paginas)


def _css(tekst: object) -> str:
    """Text inside a CSS string in <style>, where HTML escapes are not decoded."""
    schoon = str(tekst).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return markupsafe.Markup(" ".join(schoon.split()))


@functools.cache
def _omgeving() -> jinja2.Environment:
    omgeving = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True,
    )
    omgeving.filters["css"] = _css
    return omgeving


def _datum(tekst: str | None) -> str:
    """'2026-10-15T09:12:00+00:00' -> '15 oktober 2026'."""
    return fmt.datum(datetime.fromisoformat(tekst)) if tekst else fmt.LEEG


# --- the technical annex (intern/) ------------------------------------------------------------


def schrijf_bijlage(stuurgroep: Stuurgroep, map_: Path) -> Path:
    """`intern/technische-bijlage-<versie>.md`: what the report rests on, for the data
    steward: the source files with their sha256, the warehouse and code version, the config
    files with their sha256. Never sent out."""
    technisch = dict(stuurgroep.manifest)
    if (map_ / TECHNISCH).is_file():  # the snapshot's own technical record, where written
        technisch.update(json.loads((map_ / TECHNISCH).read_text(encoding="utf-8")))
    meta = stuurgroep.meta
    regels = [
        f"# Technische bijlage bij kwartaalrapportage {stuurgroep.versie}",
        "",
        "Intern: niet versturen. Dit is wat de openbare rapportage niet noemt.",
        "",
        "## Snapshot",
        "",
        f"- Kwartaal: {stuurgroep.kwartaal}",
        f"- Versie: {stuurgroep.versie}",
        f"- Vervangt: {technisch.get('vervangt') or '–'}",
        f"- Reden nieuwe versie: {technisch.get('reden') or '–'}",
        f"- Vastgelegd op (UTC): {technisch.get('created_at') or '–'}",
        f"- Warehouse-versie: {technisch.get('warehouse_versie') or meta.get('versie') or '–'}",
        f"- Warehouse gebouwd op: "
        f"{technisch.get('warehouse_gebouwd_op') or meta.get('gebouwd_op') or '–'}",
        f"- Schemaversie: {technisch.get('schema_versie') or meta.get('schema_versie') or '–'}",
        f"- Codeversie: {technisch.get('code_versie') or meta.get('code_versie') or '–'}",
        f"- Bevat demodata: {'ja' if stuurgroep.demo else 'nee'}",
        "",
        "## Bronbestanden",
        "",
        "| Bestand | Soort | Bron | Peildatum | Rijen | Demo | sha256 |",
        "|---|---|---|---|---:|---|---|",
    ]
    # the record's list where given, else the snapshot's reference table
    for b in technisch.get("bronbestanden") or stuurgroep.bronbestanden.astype(object).where(
            stuurgroep.bronbestanden.notna(), None).to_dict("records"):
        regels.append(f"| {b.get('bestand')} | {b.get('soort', '')} | {b.get('bron')} | "
                      f"{b.get('peildatum') or '–'} | {b.get('rijen')} | "
                      f"{'ja' if b.get('demo') else 'nee'} | `{b.get('sha256')}` |")
    regels += ["", "## Configuratie", "", "| Bestand | sha256 |", "|---|---|"]
    for pad in (PUBLICATIE_TOML, RAPPORT_TOML, gebeurtenissen.standaard_pad(),
                streefwaarden.standaard_pad()):
        regels.append(f"| {_relatief(pad)} | "
                      f"`{sha256(pad) if pad.is_file() else 'ontbreekt'}` |")
    beveiliging = technisch.get("beveiliging")
    if beveiliging:
        regels += ["", "## Beveiliging van de gepubliceerde cijfers", "", "```json",
                   json.dumps(beveiliging, ensure_ascii=False, indent=2, default=str), "```"]
    pad = map_ / INTERN / bijlage_naam(stuurgroep.versie)
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    return pad


def _relatief(pad: Path) -> str:
    try:
        return Path(pad).resolve().relative_to(settings.ROOT).as_posix()
    except ValueError:
        return str(pad)

