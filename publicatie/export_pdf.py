"""The quarterly report for the councils: `kwartaalrapportage-<kwartaal>.pdf`, A4, Dutch.

A cover, a summary ('Wat viel op' and the meeting view's tiles), one section per theme with
its chart (the SVG from `grafieken/`), the chart's figures and the quarter per municipality,
the definitions, the sources and a colophon; every figure after small-number suppression.
HTML from `rapport_sjabloon.html` (Jinja2), printed to PDF by headless Chromium: its page
margin boxes carry the running header, the page numbers and on a demo snapshot "DEMODATA" on
every page, and a fixed watermark repeats on every page as well.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import jinja2
import markupsafe
import pandas as pd

from monitor import fmt
from publicatie.export_grafieken import (
    DEMO_TEKST,
    Grafiek,
    Stuurgroep,
    chromium,
    definities,
    gemeente_tabel,
    ontbrekend,
    regio_tabel,
    tegel_tekst,
)
from publicatie.export_xlsx import onderdrukking_tekst
from publicatie.snapshot import SnapshotFout

SJABLOON = "rapport_sjabloon.html"
PRINT_TIMEOUT = 120  # seconds; a report prints in one or two
# as tests/test_browser.py: no sandbox (root in CI), nothing fetched or synced in the background
CHROMIUM_VLAGGEN = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--hide-scrollbars",
)


def bestandsnaam(kwartaal: str) -> str:
    return f"kwartaalrapportage-{kwartaal}.pdf"


def schrijf_pdf(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek], folder: Path) -> Path:
    """Write the report into `folder`; returns the file."""
    html = rapport_html(stuurgroep, grafieken)
    uit = folder / bestandsnaam(stuurgroep.kwartaal)
    # the HTML and Chromium's profile stay outside the snapshot: only the PDF is the record
    with tempfile.TemporaryDirectory(prefix="flevomonitor-pdf-") as tijdelijk:
        bron = Path(tijdelijk) / "rapport.html"
        bron.write_text(html, encoding="utf-8")
        print_pdf(bron, uit, Path(tijdelijk) / "profiel")
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


def rapport_html(stuurgroep: Stuurgroep, grafieken: dict[str, Grafiek]) -> str:
    """The report as one HTML page (images by file URL)."""
    manifest, meta = stuurgroep.manifest, stuurgroep.meta
    regio = manifest.get("regio") or meta.get("regio") or ""
    themas = []
    for inhoud in stuurgroep.themas:
        grafiek = grafieken.get(inhoud.code)
        themas.append({
            "code": inhoud.code,
            "titel": inhoud.titel,
            "toelichting": inhoud.scherm.toelichting,
            "tegels": [tegel_tekst(stuurgroep, t) for t in inhoud.tegels],
            "grafiek": grafiek.svg.resolve().as_uri() if grafiek else None,
            "grafiek_titel": inhoud.scherm.grafiek.titel if inhoud.scherm.grafiek else "",
            "grafiek_definitie": inhoud.scherm.grafiek.definitie if inhoud.scherm.grafiek
            else "",
            "ontbrekend": ontbrekend(stuurgroep, inhoud.code),
            "regio": _tabel(regio_tabel(stuurgroep, inhoud.code)),
            "jaren": bool(inhoud.scherm.grafiek and inhoud.scherm.grafiek.jaren_per_bron),
            "gemeenten": _tabel(gemeente_tabel(stuurgroep, inhoud.code)),
        })
    return _omgeving().get_template(SJABLOON).render(
        titel=f"Kwartaalrapportage {regio} {stuurgroep.kwartaal}".replace("  ", " "),
        regio=regio,
        kwartaal=stuurgroep.kwartaal,
        manifest=manifest,
        datum=_datum(manifest.get("created_at")),
        demo=stuurgroep.demo,
        demo_tekst=DEMO_TEKST,
        zinnen=stuurgroep.overzicht.zinnen,
        samenvatting=[
            (inhoud.titel, [tegel_tekst(stuurgroep, t) for t in inhoud.tegels])
            for inhoud in stuurgroep.themas
        ],
        themas=themas,
        definities=definities(stuurgroep),
        bronnen=manifest.get("bronbestanden", []),
        onderdrukking=onderdrukking_tekst(manifest.get("drempel", 5), stuurgroep.teken,
                                          stuurgroep.teken_overig),
        teken=stuurgroep.teken,
        bronvermelding=meta.get("bronvermelding", ""),
    )


def _tabel(frame: pd.DataFrame) -> dict[str, list]:
    return {"koppen": [str(k) for k in frame.columns], "rijen": frame.to_numpy().tolist()}


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
