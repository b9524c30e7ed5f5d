"""WCAG 2.1 AA in a real browser (issue 11, point 1): axe-core on every page at the two
screen sizes of a meeting room, the document's language, no English chrome, no error box; a
screenshot of every page at both sizes in schermafdrukken/ (git-ignored) for a person to look at.

Marked `browser`; skipped when Chromium is not installed (`.ci/run` installs Debian's). What
axe cannot check (the served HTML's lang before the script runs, for one) is in
docs/toegankelijkheidsverklaring.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browserhulp import CHROMIUM, schermafdruk, serve, wacht_tot_klaar

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]

# every page of the dashboard (local mode: the beheerder's set), and the views a steering
# group or the public sees that change the page's structure
PAGINAS = {
    "overzicht": "/", "instroom": "/instroom", "uitstroom": "/uitstroom",
    "spreiding": "/spreiding", "wachtlijsten": "/wachtlijsten",
    "verward-gedrag": "/verward-gedrag", "vrouwenopvang": "/vrouwenopvang",
    "prognose": "/prognose",
    "stuurgroep": "/stuurgroep", "definities": "/definities", "snapshots": "/snapshots",
    "aanleveren": "/aanleveren", "logboek": "/logboek",
    "stuurgroep-presentatie": "/stuurgroep?sg_presentatie=true",
    "stuurgroep-presentatie-wachtlijsten": "/stuurgroep?sg_presentatie=true&sg_scherm=wachtlijsten",
    "instroom-publieksversie": "/instroom?publiek=true",
}
MATEN = {"1920": (1920, 1080), "1366": (1366, 768)}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Streamlit's own English chrome that monitor/toegankelijkheid.js renames
ENGELS = ("Skip to main content", "Choose an option", "Choose options", "Help for ",
          "Collapse sidebar", "Download as CSV", "Download plot", "Link to heading",
          "App pages", "Selected values", "Fullscreen")


@pytest.fixture(scope="module")
def server(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve(shipped_warehouse)


def ernstige_schendingen(page) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2.0/2.1 A and AA, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    resultaat = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                         "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['nodes'][0]['target']} "
            f"{v['nodes'][0]['failureSummary'][:160]}"
            for v in resultaat.response["violations"] if v["impact"] in ("serious", "critical")]


def taal_gezet(page) -> None:
    """Until monitor/toegankelijkheid.js has run (st.html loads it after the first render);
    a page where it never runs fails below on its lang and its English chrome."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("document.documentElement.lang === 'nl'", timeout=15_000)
        page.wait_for_timeout(300)  # its next animation frame: the chrome added since
    except PlaywrightTimeout:
        pass


def engelse_chrome(page) -> list[str]:
    teksten = page.evaluate("""() => {
        const uit = [];
        const namen = ['aria-label', 'title', 'placeholder', 'data-title'];
        for (const el of document.querySelectorAll(namen.map((a) => `[${a}]`).join(',')))
          for (const a of namen)
            if (el.getAttribute(a)) uit.push(el.getAttribute(a));
        const skip = document.querySelector('[data-testid="stSkipToContent"]');
        if (skip) uit.push(skip.textContent);
        return uit;
    }""")
    return engels(teksten)


def engels(teksten: list[str]) -> list[str]:
    return sorted({t for t in teksten if any(t.startswith(e) for e in ENGELS)})


@pytest.mark.parametrize("maat", list(MATEN))
def test_every_page_meets_wcag_aa_in_dutch_without_an_error(server, browser, maat):
    breedte, hoogte = MATEN[maat]
    context = browser.new_context(viewport={"width": breedte, "height": hoogte},
                                  locale="nl-NL")
    page = context.new_page()
    problemen: dict[str, list[str]] = {}
    try:
        for naam, pad in PAGINAS.items():
            page.goto(f"{server}{pad}")
            wacht_tot_klaar(page)
            taal_gezet(page)
            # the table under the first chart is the chart's text alternative: check it open
            uitklap = page.locator('[data-testid="stExpander"]').filter(
                has_text="Tabel bij deze grafiek")
            if uitklap.count():
                uitklap.first.get_by_text("Tabel bij deze grafiek", exact=True).click()
                uitklap.first.locator('[data-testid="stDataFrame"]').wait_for(timeout=20_000)
            schermafdruk(page, f"{naam}-{maat}")
            gevonden = ernstige_schendingen(page)
            if page.evaluate("document.documentElement.lang") != "nl":
                gevonden.append(f"<html lang={page.evaluate('document.documentElement.lang')!r}>")
            gevonden += [f"English chrome: {t!r}" for t in engelse_chrome(page)]
            if page.locator('[data-testid="stException"]').count():
                gevonden.append("an exception box")
            for tekst in ("Er ging iets mis", "Page not found"):
                if page.get_by_text(tekst).count():
                    gevonden.append(f"shows {tekst!r}")
            if gevonden:
                problemen[naam] = gevonden
    finally:
        context.close()
    assert not problemen, "\n".join(f"{n}: {'; '.join(p)}" for n, p in problemen.items())


def test_the_check_finds_what_it_looks_for(server, browser):
    """The attack on the check itself: planted low contrast, an English lang and an image
    without a name on a real page are each reported (so a green run means something)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(f"{server}/definities")
        wacht_tot_klaar(page)
        taal_gezet(page)
        assert ernstige_schendingen(page) == []
        page.evaluate("""() => {
            const p = document.createElement('p');
            p.textContent = 'Planted grey text';
            p.style.color = '#b0b0b0';
            document.querySelector('[data-testid="stMarkdownContainer"]').appendChild(p);
            const img = document.createElement('img');
            img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            document.querySelector('[data-testid="stMain"]').appendChild(img);
        }""")
        gevonden = " ".join(ernstige_schendingen(page))
        assert "color-contrast" in gevonden and "image-alt" in gevonden
        # chrome that React adds later is renamed too (the script observes the document)
        page.evaluate("""() => {
            const b = document.createElement('button');
            b.setAttribute('aria-label', 'Help for Geplant');
            document.querySelector('[data-testid="stMarkdownContainer"]').appendChild(b);
        }""")
        page.wait_for_selector('[aria-label="Uitleg bij Geplant"]', state="attached",
                               timeout=5_000)
        assert engels(["Skip to main content", "Naar de inhoud", "Help for Kwartaal"]) == [
            "Help for Kwartaal", "Skip to main content"]
    finally:
        context.close()
