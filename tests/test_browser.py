"""What only a browser shows: the running dashboard in headless Chromium (Playwright).

Marked `browser`; skipped when Chromium is not installed (`.ci/run` installs Debian's).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browserhulp import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve(shipped_warehouse)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


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
