"""What only a browser shows: the running dashboard in headless Chromium (Playwright).

Marked `browser`; skipped when Chromium is not installed (`.ci/run` installs Debian's).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browserhulp import CHROMIUM, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve(shipped_warehouse)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="nl-NL")
    yield context.new_page()
    context.close()


def test_demo_banner_is_visible_above_the_figures(server, page):
    from playwright.sync_api import expect

    page.goto(server)
    banner = page.get_by_text("Demodata", exact=False).first
    expect(banner).to_be_visible(timeout=30_000)
    heading = page.get_by_role("heading", name="Kerncijfers")
    expect(heading).to_be_visible()
    # the banner is drawn above the page content, where nobody can miss it
    assert banner.bounding_box()["y"] < heading.bounding_box()["y"]


def test_a_shared_link_opens_the_same_quarter(server, page):
    from playwright.sync_api import expect

    page.goto(f"{server}/?kwartaal=2024-K2")
    expect(page.get_by_role("heading", name="Kerncijfers 2024-K2")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("definitief", exact=True)).to_be_visible()


@pytest.fixture
def fresh_server(shipped_warehouse: Path) -> Iterator[str]:
    """A server nobody has visited yet: its first request decides how pages are routed."""
    yield from serve(shipped_warehouse)


def test_a_direct_link_to_a_page_opens_inside_the_frame(fresh_server, page):
    from playwright.sync_api import expect

    # the first request of a fresh server goes straight to a page, not to the root
    page.goto(f"{fresh_server}/definities")
    expect(page.get_by_role("heading", name="Definities en bronnen")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("Demodata", exact=False).first).to_be_visible()
    # the dashboard's own navigation (sections), not Streamlit's list of page files
    expect(page.get_by_text("Over de cijfers", exact=True)).to_be_visible()


def test_no_request_leaves_the_machine(server, page):
    """Every page asks only the dashboard's own server: no fonts, icons or maps from the
    internet (the closed network here would refuse them; a municipality's may not)."""
    from urllib.parse import urlparse

    elders: list[str] = []
    page.on("request", lambda r: elders.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            and not r.url.startswith(("data:", "blob:")) else None)
    for pad in ("", "/instroom", "/uitstroom", "/spreiding", "/wachtlijsten",
                "/verward-gedrag", "/vrouwenopvang", "/stuurgroep", "/definities", "/snapshots"):
        page.goto(f"{server}{pad}")
        page.get_by_text("Flevomonitor").first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
    assert elders == []


def _tegel(page, label_begin: str) -> str:
    """The shown value of the tile whose label starts with `label_begin`."""
    tegel = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label_begin))
    return tegel.get_by_test_id("stMetricValue").inner_text().strip()


def test_a_filter_change_changes_the_figures_and_its_link_opens_the_same_view(
        server, browser, shipped_warehouse):
    from browserhulp import wacht_tot_klaar
    from paginahulp import reeks
    from playwright.sync_api import expect

    from monitor import fmt, labels

    bw = reeks(shipped_warehouse, "BW", "instroom", "TOTAAL", "regio")
    mo = reeks(shipped_warehouse, "MO", "instroom", "TOTAAL", "regio")
    kwartaal = max(bw)
    assert bw[kwartaal] != mo[kwartaal]  # else the change would prove nothing
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{server}/instroom")
    wacht_tot_klaar(page)
    assert _tegel(page, f"Instroom {kwartaal}") == fmt.getal(bw[kwartaal])

    # the filter as a user changes it: open the sidebar's box (by keyboard: it sits below the
    # fold of the sidebar), click the option
    keuze = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Voorziening")
    keuze.focus()
    keuze.press("ArrowDown")
    page.get_by_role("option", name=labels.VOORZIENINGEN["MO"]).click()
    expect(page.get_by_test_id("stMetric").filter(has_text=f"Instroom {kwartaal}")
           .get_by_test_id("stMetricValue")).to_have_text(fmt.getal(mo[kwartaal]),
                                                           timeout=30_000)
    assert "voorziening=MO" in page.url
    gedeeld = page.url
    context.close()

    # the copied link in a new session (nothing in its state): the same view
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    page.goto(gedeeld)
    wacht_tot_klaar(page)
    assert _tegel(page, f"Instroom {kwartaal}") == fmt.getal(mo[kwartaal])
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Voorziening")
           ).to_have_value(labels.VOORZIENINGEN["MO"])
    context.close()


def test_a_csv_download_equals_the_table_under_its_chart(server, browser, shipped_warehouse,
                                                         monkeypatch):
    """The first chart of Instroom: the CSV the browser downloads holds exactly the table the
    page shows under the chart (read from the same page run by AppTest)."""
    import io

    import paginahulp
    import pandas as pd
    from browserhulp import wacht_tot_klaar

    at = paginahulp.open_page(paginahulp.dashboard(shipped_warehouse, monkeypatch),
                              "pages/instroom.py")
    tabellen = [d.value.data if hasattr(d.value, "data") else d.value  # a Styler: its figures
                for d in at.dataframe]
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="nl-NL",
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/instroom")
    wacht_tot_klaar(page)
    with page.expect_download(timeout=30_000) as download:
        # the CSV button under the first chart (its key: the page's chart key + _csv)
        page.locator(".st-key-instroom_aanmeldingen_csv").get_by_role("button").click()
    assert download.value.suggested_filename.endswith(".csv")
    inhoud = Path(download.value.path()).read_bytes()
    context.close()
    assert inhoud.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    csv = pd.read_csv(io.BytesIO(inhoud), sep=";", decimal=",", encoding="utf-8-sig")
    # the page's table with these headers (each chart's table has its own)
    [tabel] = [t for t in tabellen if [str(k) for k in t.columns] == list(csv.columns)]
    assert "Instroom" in tabel.columns
    assert len(csv) == len(tabel) > 0
    for kolom in tabel.columns:
        verwacht = tabel[kolom].reset_index(drop=True)
        gekregen = csv[str(kolom)]
        if pd.api.types.is_numeric_dtype(verwacht):
            pd.testing.assert_series_equal(gekregen.astype(float), verwacht.astype(float),
                                           check_names=False, atol=1e-9)
        else:
            assert gekregen.astype(str).tolist() == verwacht.astype(str).tolist(), kolom
