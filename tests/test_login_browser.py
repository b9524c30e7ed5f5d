"""Logging in, in a browser, through a real OIDC provider: each role sees its own pages only.

An OpenID Connect provider (oidc-provider-mock) runs in this process on localhost; the dashboard
runs with an [auth] section that points at it (a secrets file of this module's own, passed with
`--secrets.files`, so a developer's .streamlit/secrets.toml plays no part). Chromium walks the
real flow: the login screen, "Inloggen", the provider's authorize page, the callback, the
dashboard as the role of the ID token's `groups` claim (config/toegang.toml as shipped).

Marked `browser`; skipped when Chromium is not installed (`.ci/run` installs Debian's).
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import jinja2
import pytest
import werkzeug.serving
from browserhulp import CHROMIUM, free_port, serve, wacht_tot_klaar

with warnings.catch_warnings():
    # Authlib puts an "always" filter for its own deprecations first; the test provider's use of
    # Authlib is not ours to fix, so its import stays quiet (and the filter goes with the block)
    import authlib.deprecate

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    import oidc_provider_mock

from etl import logboek
from monitor import fmt
from monitor import snapshots as lezer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
    pytest.mark.filterwarnings("ignore:get_jwt_config"),  # inside the test provider
]

BEHEERDER, REGIO, PUBLIEK = "beheerder", "regio", "publiek"
# sub -> the claims the provider puts in the ID token (name and email come with the scopes
# profile and email, which st.login asks for; groups always). The groups claim is a list, or
# a single value, as providers send both.
GEBRUIKERS: dict[str, dict[str, object]] = {
    "bea": {"email": "bea.beheer@flevoland.example", "name": "Bea Beheer",
            "groups": ["flevomonitor-beheerder", "iedereen"]},
    "rik": {"email": "rik.regio@almere.example", "name": "Rik Regio",
            "groups": ["flevomonitor-regio"]},
    "pia": {"email": "pia.publiek@lelystad.example", "name": "Pia Publiek",
            "groups": "flevomonitor-publiek"},
    "nina": {"email": "nina.niemand@elders.example", "name": "Nina Niemand",
             "groups": ["iedereen"]},
}
INLOG = {BEHEERDER: "bea", REGIO: "rik", PUBLIEK: "pia"}

MONITOR = {"Overzicht", "Instroom", "Uitstroom", "Spreiding", "Wachtlijsten",
           "Verward gedrag (E33)", "Vrouwenopvang", "Prognose", "Stuurgroep",
           "Definities en bronnen"}
# The navigation each role gets: written out here, not taken from dashboard.py
PAGINAS = {
    BEHEERDER: MONITOR | {"Snapshots", "Gegevens aanleveren", "Logboek"},
    REGIO: MONITOR | {"Snapshots"},
    PUBLIEK: MONITOR,
}
SECTIES = {
    BEHEERDER: {"Monitor", "Stuurgroep", "Over de cijfers", "Beheer"},
    REGIO: {"Monitor", "Stuurgroep", "Over de cijfers"},
    PUBLIEK: {"Monitor", "Stuurgroep", "Over de cijfers"},
}
# The tiles of the Overzicht page, in order (pages/overzicht.py)
TEGELS = [("BW", "bezetting"), ("BW", "instroom"), ("BW", "uitstroom"), ("BW", "wachtlijst"),
          ("MO", "bezetting"), ("MO", "instroom"), ("MO", "uitstroom"), ("MO", "wachtlijst"),
          ("VO", "bezetting"), ("VO", "instroom"), ("VO", "uitstroom"), ("VO", "wachtlijst"),
          ("E33", "meldingen")]
INGELOGD = re.compile(r"^Ingelogd: ")  # the sidebar's line ("U bent ingelogd, maar" is not it)
WACHT = 30_000  # ms: the first render of a fresh session (a start-up bound, not a timing test)

# The provider's own pages load a stylesheet from cdn.jsdelivr.net. That is the test
# provider's habit, not the dashboard's, and would make the check that the browser asks no
# other host fail (or wait for a refused connection), so its base template goes without it.
KALE_BASIS = ("<!doctype html><html lang=\"en\"><title>OIDC</title>"
              "<main>{% block content %}{{ content }}{% endblock %}</main></html>")


@contextmanager
def oidc_provider(gebruikers: dict[str, dict[str, object]]) -> Iterator[str]:
    """oidc-provider-mock on a free port of localhost with these users; yields its base URL."""
    app = oidc_provider_mock.app(
        user_claims=[oidc_provider_mock.User(sub=s, claims=c) for s, c in gebruikers.items()])
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"_base.html": KALE_BASIS}), app.jinja_env.loader])

    class StilleHandler(werkzeug.serving.WSGIRequestHandler):
        def log_request(self, *args: object, **kwargs: object) -> None:
            pass

    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True,
                                          request_handler=StilleHandler)
    draad = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                             daemon=True)
    draad.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        draad.join(5)
        server.server_close()


@pytest.fixture(scope="module")
def idp() -> Iterator[str]:
    with oidc_provider(GEBRUIKERS) as url:
        yield url


@pytest.fixture(scope="module")
def mappen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """This module's own snapshots (none yet), audit trail and delivery folders."""
    basis = tmp_path_factory.mktemp("login_browser")
    mappen = {naam: basis / naam for naam in ("snapshots", "rejected", "intern", "log")}
    for pad in mappen.values():
        pad.mkdir()
    mappen["logboek"] = mappen["log"] / "logboek.jsonl"
    return mappen


def met_inlog(warehouse: Path, idp: str, mappen: dict[str, Path], naam: str) -> Iterator[str]:
    """The dashboard with a login at `idp`, as deployed (modus productie, shipped roles)."""
    # The dashboard is 127.0.0.1 everywhere (the address it binds, the redirect_uri, the URL
    # the browser opens): the login cookie belongs to that host and Streamlit checks the
    # origin of the redirect_uri against the page's. The provider is another site, localhost.
    port = free_port()
    geheimen = mappen["log"] / f"secrets-{naam}.toml"
    geheimen.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "alleen-voor-de-tests-alleen-voor-de-tests"\n'
        'client_id = "flevomonitor"\n'
        'client_secret = "geheim-van-de-test-provider"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {
        "FLEVOMONITOR_SNAPSHOTS": str(mappen["snapshots"]),
        "FLEVOMONITOR_LOGBOEK": str(mappen["logboek"]),
        "FLEVOMONITOR_REJECTED": str(mappen["rejected"]),
        "FLEVOMONITOR_INTERN": str(mappen["intern"]),
        "FLEVOMONITOR_MODUS": "productie",  # without the login it would refuse to start
    }
    # the secrets file replaces .streamlit/secrets.toml: a developer's own plays no part
    yield from serve(warehouse, drop_env=("FLEVOMONITOR_TOEGANG",), port=port,
                     args=("--secrets.files", str(geheimen)), env=env,
                     log=mappen["log"] / f"streamlit-{naam}.log")


@pytest.fixture(scope="module")
def server(shipped_warehouse: Path, idp: str, mappen: dict[str, Path]) -> Iterator[str]:
    yield from met_inlog(shipped_warehouse, idp, mappen, "module")


@pytest.fixture
def fresh_server(shipped_warehouse: Path, idp: str, mappen: dict[str, Path]) -> Iterator[str]:
    """A server on which nobody has logged in yet: until a session calls st.navigation,
    Streamlit routes by the files in pages/ and lists them in the sidebar."""
    yield from met_inlog(shipped_warehouse, idp, mappen, "vers")


@pytest.fixture
def verzoeken() -> list[str]:
    """Every URL the test's browser asked for (pages, scripts, images, websockets)."""
    return []


@pytest.fixture
def page(browser, verzoeken: list[str]):
    """A fresh browser (no cookies) that records each request of each of its tabs."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="nl-NL")
    context.on("request", lambda r: verzoeken.append(r.url))
    context.on("page", lambda p: p.on("websocket", lambda w: verzoeken.append(w.url)))
    yield context.new_page()
    context.close()


def alleen_lokaal(verzoeken: list[str], server: str, idp: str) -> None:
    """Nothing but the dashboard and the provider, both on this machine."""
    eigen = {urlparse(server).netloc, urlparse(idp).netloc}
    assert {urlparse(server).hostname, urlparse(idp).hostname} <= {"127.0.0.1", "localhost"}
    elders = [u for u in verzoeken
              if not u.startswith(("data:", "blob:")) and urlparse(u).netloc not in eigen]
    assert elders == []
    # the recording saw the whole flow: both servers were asked
    assert {urlparse(u).netloc for u in verzoeken} >= eigen


FIGUREN = ("stMetric", "stPlotlyChart", "stDataFrame", "stTable", "stVegaLiteChart")


def inlogscherm(page) -> None:
    """The login screen: no figure, no table, no chart, nobody's name."""
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Inloggen", exact=True)).to_be_visible(timeout=WACHT)
    expect(page.get_by_text("Log in met uw account", exact=False)).to_be_visible()
    for testid in FIGUREN:
        assert page.get_by_test_id(testid).count() == 0, testid
    assert page.get_by_text("Kerncijfers").count() == 0
    assert page.get_by_text(INGELOGD).count() == 0


def geen_navigatie(page) -> None:
    """No list of pages in the sidebar: neither the dashboard's navigation nor the one
    Streamlit makes of the files in pages/ when the script stops before st.navigation
    (it would name every page, Gegevens aanleveren and Logboek included)."""
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stPageLink-NavLink").count() == 0
    for naam in ("aanleveren", "logboek", "snapshots", "instroom"):
        assert page.get_by_role("link", name=naam).count() == 0, naam


def inloggen(page, server: str, idp: str, sub: str) -> None:
    """From the dashboard's front door through the provider's authorize page and back."""
    page.goto(server)
    inlogscherm(page)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(f"{idp}/oauth2/authorize?**", timeout=WACHT)
    # the request names the dashboard's callback, on the host the browser is on
    assert f"redirect_uri={server.replace(':', '%3A').replace('/', '%2F')}%2Foauth2callback" \
        in page.url
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{server}/", timeout=WACHT)  # via /oauth2callback


def navigatie(page) -> tuple[set[str], set[str]]:
    """The page titles and section headers in the sidebar navigation."""
    from playwright.sync_api import expect

    # the landmark monitor/toegankelijkheid.js makes of the sidebar's page links
    nav = page.get_by_role("navigation", name="Pagina's")
    expect(nav.get_by_test_id("stPageLink-NavLink").first).to_be_visible(timeout=WACHT)
    wacht_tot_klaar(page)  # every link of the run drawn
    titels = nav.get_by_test_id("stPageLink-NavLink").get_by_test_id("stMarkdownContainer")
    koppen = nav.locator("strong")
    return ({t.inner_text().strip() for t in titels.all()},
            {k.inner_text().strip() for k in koppen.all()})


def tegelwaarden(page) -> list[str]:
    from playwright.sync_api import expect

    waarden = page.get_by_test_id("stMetricValue")
    expect(waarden).to_have_count(len(TEGELS), timeout=WACHT)
    return [w.inner_text().strip() for w in waarden.all()]


def logins(pad: Path) -> list[dict]:
    return [r for r in logboek.lees(pad) if r["gebeurtenis"] == "login"]


def live_tegels(warehouse: Path) -> tuple[str, list[str]]:
    """The last quarter and the Overzicht tiles of the live warehouse, small counts included."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kwartaal = con.execute("SELECT max(periode) FROM kerncijfers WHERE periode_type = "
                               "'kwartaal' AND bron = 'trajecten'").fetchall()[0][0]
        rijen = {(v, i): w for v, i, w in con.execute(
            "SELECT voorziening, indicator, waarde FROM kerncijfers WHERE gemeentecode = "
            "'TOTAAL' AND dimensie IS NULL AND periode = ?", [kwartaal]).fetchall()}
    return kwartaal, [fmt.getal(rijen[t]) for t in TEGELS]


def test_before_any_login_the_screens_name_no_page(fresh_server, idp, page, verzoeken):
    """The front door and a link to any page show the login and no more; so does the screen of
    a user without a role. On a fresh server: nobody with a role has logged in yet."""
    from playwright.sync_api import expect

    server = fresh_server
    for pad in ("/", "/instroom", "/snapshots", "/aanleveren", "/logboek"):
        page.goto(f"{server}{pad}")
        inlogscherm(page)
        geen_navigatie(page)
    inloggen(page, server, idp, "nina")
    expect(page.get_by_text("geen toegang", exact=False)).to_be_visible(timeout=WACHT)
    for testid in FIGUREN:
        assert page.get_by_test_id(testid).count() == 0, testid
    geen_navigatie(page)
    alleen_lokaal(verzoeken, server, idp)


@pytest.mark.parametrize("rol", [BEHEERDER, REGIO, PUBLIEK])
def test_each_role_logs_in_and_gets_its_own_pages(rol, server, idp, mappen, shipped_warehouse,
                                                  page, verzoeken):
    from playwright.sync_api import expect

    sub = INLOG[rol]
    email = GEBRUIKERS[sub]["email"]
    voor = [r["wie"] for r in logins(mappen["logboek"])].count(email)
    inloggen(page, server, idp, sub)
    naam = GEBRUIKERS[sub]["name"]
    expect(page.get_by_text(f"Ingelogd: {naam} ({rol})", exact=True)).to_be_visible(
        timeout=WACHT)
    expect(page.get_by_role("button", name="Uitloggen", exact=True)).to_be_visible()
    titels, secties = navigatie(page)
    assert titels == PAGINAS[rol]
    assert secties == SECTIES[rol]

    schakelaar = page.get_by_test_id("stSidebar").get_by_text("Publieksversie", exact=True)
    if rol == PUBLIEK:
        # only the publieksversie, without a switch (figures or not: see the test below)
        expect(page.get_by_test_id("stAlert").filter(has_text="Publieksversie")).to_be_visible()
        assert schakelaar.count() == 0
    else:
        # the live figures, the small counts the publieksversie hides included
        kwartaal, live = live_tegels(shipped_warehouse)
        expect(page.get_by_role("heading", name=f"Kerncijfers {kwartaal}")).to_be_visible(
            timeout=WACHT)
        expect(schakelaar).to_be_visible()
        assert tegelwaarden(page) == live

    # the audit trail holds the beheerder's login, once, and nobody else's
    na = [r["wie"] for r in logins(mappen["logboek"])].count(email)
    assert na == voor + (1 if rol == BEHEERDER else 0)
    alleen_lokaal(verzoeken, server, idp)


def test_beheerder_opens_the_beheer_pages(server, idp, mappen, page, verzoeken):
    from playwright.sync_api import expect

    email = GEBRUIKERS["bea"]["email"]
    voor = [r for r in logins(mappen["logboek"]) if r["wie"] == email]
    inloggen(page, server, idp, "bea")
    nav = page.get_by_role("navigation", name="Pagina's")
    nav.get_by_role("link", name="Gegevens aanleveren").click()
    expect(page.get_by_role("heading", name="Gegevens aanleveren")).to_be_visible(timeout=WACHT)
    # the delivery page names who delivers: the e-mail of the ID token
    expect(page.get_by_text(f"Aanleveren als: {email}", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Logboek").click()
    expect(page.get_by_role("heading", name="Logboek")).to_be_visible(timeout=WACHT)
    expect(page.get_by_text("De keten is intact", exact=False)).to_be_visible()

    # one entry for this login, whatever was opened in the session
    na = [r for r in logins(mappen["logboek"]) if r["wie"] == email]
    assert na[:len(voor)] == voor
    assert len(na) == len(voor) + 1
    assert na[-1]["details"]["rol"] == BEHEERDER
    assert logboek.controleer(mappen["logboek"]) == []
    alleen_lokaal(verzoeken, server, idp)


def test_a_reload_or_a_link_is_not_another_login(server, idp, mappen, page, verzoeken):
    """A reload, a link or a second tab is a new Streamlit session of the same login (the
    same ID token, the same cookie): the audit trail records logins, not page views."""
    from playwright.sync_api import expect

    email = GEBRUIKERS["bea"]["email"]
    voor = [r["wie"] for r in logins(mappen["logboek"])].count(email)
    inloggen(page, server, idp, "bea")
    expect(page.get_by_text(INGELOGD)).to_be_visible(timeout=WACHT)
    assert [r["wie"] for r in logins(mappen["logboek"])].count(email) == voor + 1
    page.reload()
    expect(page.get_by_role("heading", name="Kerncijfers")).to_be_visible(timeout=WACHT)
    page.goto(f"{server}/logboek")
    expect(page.get_by_role("heading", name="Logboek")).to_be_visible(timeout=WACHT)
    tweede = page.context.new_page()
    tweede.goto(f"{server}/aanleveren")
    expect(tweede.get_by_role("heading", name="Gegevens aanleveren")).to_be_visible(
        timeout=WACHT)
    assert [r["wie"] for r in logins(mappen["logboek"])].count(email) == voor + 1
    alleen_lokaal(verzoeken, server, idp)


def test_regio_cannot_open_beheer_pages_by_link(server, idp, page, verzoeken):
    from playwright.sync_api import expect

    inloggen(page, server, idp, "rik")
    expect(page.get_by_text("Ingelogd: Rik Regio (regio)", exact=True)).to_be_visible(
        timeout=WACHT)
    for pad in ("/aanleveren", "/logboek"):
        page.goto(f"{server}{pad}")  # the login cookie goes along: a new session, same user
        expect(page.get_by_role("heading", name="Kerncijfers")).to_be_visible(timeout=WACHT)
        assert page.get_by_role("heading", name="Gegevens aanleveren").count() == 0
        assert page.get_by_role("heading", name="Logboek").count() == 0
        assert page.get_by_text("Aanleveren als", exact=False).count() == 0
    alleen_lokaal(verzoeken, server, idp)


def test_publiek_sees_only_the_newest_snapshots_published_figures(
        server, idp, mappen, shipped_warehouse, page, verzoeken):
    from playwright.sync_api import expect
    from test_page_publieksversie import schrijf_snapshot

    inloggen(page, server, idp, "pia")
    expect(page.get_by_text("Ingelogd: Pia Publiek (publiek)", exact=True)).to_be_visible(
        timeout=WACHT)
    if not list(mappen["snapshots"].iterdir()):
        # nothing published yet: no figure at all, not the live warehouse instead
        expect(page.get_by_text("nog geen cijfers gepubliceerd", exact=False)).to_be_visible()
        for testid in FIGUREN:
            assert page.get_by_test_id(testid).count() == 0, testid
        map_ = schrijf_snapshot(shipped_warehouse, mappen["snapshots"])
    else:  # this test ran before in this module (it is the only one that publishes)
        (map_,) = mappen["snapshots"].iterdir()
    kwartaal = map_.name

    # the published figures of that snapshot, as the tiles show them
    gepubliceerd = lezer.lees_publiekscijfers(map_)[1]
    cel = gepubliceerd[(gepubliceerd["gemeentecode"] == "TOTAAL") & gepubliceerd["dimensie"].isna()
                       & (gepubliceerd["periode_type"] == "kwartaal")
                       & (gepubliceerd["periode"] == kwartaal)]
    verwacht = []
    for voorziening, indicator in TEGELS:
        (rij,) = cel[(cel["voorziening"] == voorziening)
                     & (cel["indicator"] == indicator)].itertuples()
        verwacht.append(rij.teken if rij.onderdrukt else fmt.getal(rij.waarde))
    # the snapshot hides a tile's figure that regio and beheerder see: the check can tell
    assert "<5" in verwacht
    assert verwacht != live_tegels(shipped_warehouse)[1]

    page.reload()  # a new session; the login cookie stays
    banner = page.get_by_test_id("stAlert").filter(has_text="Publieksversie")
    expect(banner).to_be_visible(timeout=WACHT)
    expect(banner).to_contain_text(f"snapshot {kwartaal}")
    assert tegelwaarden(page) == verwacht
    assert page.get_by_test_id("stSidebar").get_by_text("Publieksversie", exact=True).count() == 0

    # not by link either: the switch in the address bar and the snapshots page do nothing
    page.goto(f"{server}/?publiek=false")
    expect(page.get_by_test_id("stAlert").filter(has_text="Publieksversie")).to_be_visible(
        timeout=WACHT)
    assert tegelwaarden(page) == verwacht
    page.goto(f"{server}/snapshots")
    expect(page.get_by_role("heading", name="Kerncijfers")).to_be_visible(timeout=WACHT)
    assert page.get_by_role("heading", name="Snapshots").count() == 0
    alleen_lokaal(verzoeken, server, idp)


def test_a_user_without_a_role_gets_no_access(server, idp, mappen, page, verzoeken):
    from playwright.sync_api import expect

    email = GEBRUIKERS["nina"]["email"]
    inloggen(page, server, idp, "nina")
    expect(page.get_by_text("geen toegang", exact=False)).to_be_visible(timeout=WACHT)
    expect(page.get_by_text(email, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen", exact=True)).to_be_visible()
    for pad in ("", "/instroom", "/snapshots"):  # a link to a page shows no more
        if pad:
            page.goto(f"{server}{pad}")
            expect(page.get_by_text("geen toegang", exact=False)).to_be_visible(timeout=WACHT)
        for testid in FIGUREN:
            assert page.get_by_test_id(testid).count() == 0, testid
        assert page.get_by_text("Kerncijfers").count() == 0
        assert page.get_by_text(INGELOGD).count() == 0
        geen_navigatie(page)
    assert email not in [r["wie"] for r in logins(mappen["logboek"])]
    alleen_lokaal(verzoeken, server, idp)


def test_uitloggen_ends_the_session(server, idp, page, verzoeken):
    from playwright.sync_api import expect

    inloggen(page, server, idp, "rik")
    expect(page.get_by_text("Ingelogd: Rik Regio (regio)", exact=True)).to_be_visible(
        timeout=WACHT)
    assert any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())
    page.get_by_role("button", name="Uitloggen", exact=True).click()
    # Streamlit ends the provider's session too (its end_session_endpoint), then comes back
    page.wait_for_url(f"{idp}/oauth2/end_session?**", timeout=WACHT)
    page.get_by_role("button", name="End session", exact=True).click()
    page.wait_for_url(f"{server}/", timeout=WACHT)
    inlogscherm(page)
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())
    # and stays ended: a fresh visit, or a link to a page, asks for the login again
    for pad in ("/", "/instroom", "/snapshots"):
        page.goto(f"{server}{pad}")
        inlogscherm(page)
        geen_navigatie(page)
    alleen_lokaal(verzoeken, server, idp)
