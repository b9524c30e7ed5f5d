"""Stuurgroep: tiles judged by the region's goals, the screens walked in AppTest against
kerncijfers, and the print layout in a real browser (one A4 landscape page per screen)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from browserhulp import CHROMIUM, CHROMIUM_ARGS, serve
from streamlit.testing.v1 import AppTest

from monitor import charts, streefwaarden, wat_viel_op
from monitor.data import kwartaal_verschuiven
from monitor.streefwaarden import GEEN, Streefwaarde, Streefwaarden
from monitor.views import stuurgroep as view

ROOT = Path(__file__).resolve().parents[1]

# --- the judgement per indicator ----------------------------------------------------------------


def shipped() -> Streefwaarden:
    return streefwaarden.laad(ROOT / "config" / "streefwaarden.toml")


def reeksen(sleutel: str, toen: float, nu: float, jaar: bool = False) -> view.Reeksen:
    if jaar:
        return view.Reeksen(kwartaal={}, jaar={sleutel: {"2024": toen, "2025": nu}})
    return view.Reeksen(kwartaal={sleutel: {"2026-K2": toen, "2026-K3": nu}}, jaar={})


@pytest.mark.parametrize(
    ("sleutel", "toen", "nu", "oordeel", "kleur"),
    [
        ("BW.instroom", 27, 31, "ongunstig", "red"),  # instroom into 24-hour care down
        ("BW.instroom", 31, 27, "gunstig", "green"),
        ("BW.uitstroom", 44, 50, "gunstig", "green"),  # uitstroom up
        ("BW.uitstroom", 50, 44, "ongunstig", "red"),
        ("BW.bezetting", 554, 535, "gunstig", "green"),
        ("BW.wachtlijst", 30, 28, "gunstig", "green"),  # wachtlijsten down
        ("BW.wachtlijst", 28, 30, "ongunstig", "red"),
        ("MO.instroom", 60, 64, "ongunstig", "red"),
        ("VO.instroom", 60, 55, "gunstig", "green"),
        ("MO.wachtlijst", 4, 1, "gunstig", "green"),
        ("BW.wachttijd_mediaan_dagen", 61, 67, "ongunstig", "red"),
        ("BW.spreidingsindex", 0.13, 0.11, "gunstig", "green"),  # spreiding more even
        ("MO.spreidingsindex", 0.14, 0.17, "ongunstig", "red"),
        ("BW.eigen_gemeente_pct", 59.2, 59.7, "gunstig", "green"),
        ("E33.meldingen", 668, 731, "neutraal", "gray"),  # no judgement
        ("E33.meldingen", 731, 668, "neutraal", "gray"),
        ("MO.bezetting", 103, 105, "neutraal", "gray"),
        ("BW.wachtlijst", 28, 28, "neutraal", "gray"),  # no change
    ],
)
def test_a_quarterly_tile_is_judged_by_the_goal_not_by_the_sign(sleutel, toen, nu, oordeel,
                                                                kleur):
    d = next(t for s in view.SCHERMEN for t in s.tegels if t.sleutel == sleutel)
    tegel = view.tegel(d, "2026-K3", reeksen(sleutel, toen, nu), shipped())
    assert tegel.waarde == nu
    assert tegel.vergelijkingen[0].periode == "2026-K2"
    assert tegel.vergelijkingen[0].oordeel == oordeel
    assert tegel.delta_kleur == kleur
    assert tegel.vergelijkingen[1].periode == "2025-K3"  # the same quarter a year earlier
    assert tegel.vergelijkingen[1].verschil is None  # not in this series
    if oordeel != "neutraal":
        assert tegel.delta_beschrijving == f"t.o.v. 2026-K2 · {oordeel}"


@pytest.mark.parametrize(
    ("sleutel", "toen", "nu", "oordeel", "op_koers", "koers"),
    [
        ("BW.uitstroom_pct", 21.1, 22.5, "gunstig", True,
         ":green-badge[op koers] streefwaarde hoger dan 17,0% in 2026"),
        ("BW.uitstroom_pct", 18.0, 16.5, "ongunstig", False,
         ":red-badge[niet op koers] streefwaarde hoger dan 17,0% in 2026"),
        ("BW.instroom_pct", 18.7, 18.8, "ongunstig", True,
         ":green-badge[op koers] streefwaarde lager dan 20,0% in 2026"),
        ("BW.instroom_pct", 21.2, 20.0, "gunstig", False,
         ":red-badge[niet op koers] streefwaarde lager dan 20,0% in 2026"),
    ],
)
def test_a_yearly_tile_shows_the_last_complete_year_and_the_target(sleutel, toen, nu, oordeel,
                                                                   op_koers, koers):
    d = next(t for s in view.SCHERMEN for t in s.tegels if t.sleutel == sleutel)
    tegel = view.tegel(d, "2026-K3", reeksen(sleutel, toen, nu, jaar=True), shipped())
    assert (tegel.periode, tegel.waarde, tegel.titel) == ("2025", nu, f"{d.label} 2025")
    assert [v.periode for v in tegel.vergelijkingen] == ["2024"]
    assert tegel.vergelijkingen[0].oordeel == oordeel
    assert tegel.op_koers is op_koers
    assert tegel.regels == (koers,)


def test_a_change_that_reads_as_zero_is_not_coloured():
    d = next(t for s in view.SCHERMEN for t in s.tegels if t.sleutel == "BW.spreidingsindex")
    tegel = view.tegel(d, "2026-K3", reeksen("BW.spreidingsindex", 0.1134, 0.1131), shipped())
    assert (tegel.tekst, tegel.delta, tegel.delta_kleur) == ("0,11", "0,00", "gray")


def test_an_indicator_without_a_direction_says_so():
    config = Streefwaarden(ROOT / "x.toml", {})
    d = view.TegelDef("BW.instroom", "Instroom")
    tegel = view.tegel(d, "2026-K3", reeksen("BW.instroom", 27, 31), config)
    assert tegel.richting == GEEN
    assert tegel.koers_tekst == ":gray-badge[volgen] geen streefrichting"
    doel = Streefwaarde("BW.instroom", "omlaag", "Instroom BW", "test")
    config = Streefwaarden(ROOT / "x.toml", {"BW.instroom": doel})
    assert view.tegel(d, "2026-K3", reeksen("BW.instroom", 27, 31), config).koers_tekst == (
        ":gray-badge[geen streefwaarde] lager is beter")


@pytest.mark.parametrize(
    ("kwartaal", "jaren", "verwacht"),
    [
        ("2026-K3", ["2024", "2025"], "2025"),
        ("2025-K4", ["2024", "2025"], "2025"),  # K4 completes its own year
        ("2025-K3", ["2024", "2025"], "2024"),
        ("2026-K3", ["2019", "2023"], "2023"),  # the last year that has a figure
        ("2019-K2", ["2019"], None),
    ],
)
def test_the_last_complete_year_up_to_a_quarter(kwartaal, jaren, verwacht):
    assert view.jaar_bij_kwartaal(kwartaal, jaren) == verwacht


def test_yearly_series_keep_published_years_of_another_bron_apart():
    frame = pd.DataFrame({
        "sleutel": ["BW.uitstroom_pct"] * 3 + ["BW.uitstroom"],
        "periode": ["2018", "2019", "2020", "2019-K1"],
        "periode_type": ["jaar", "jaar", "jaar", "kwartaal"],
        "waarde": [17.0, 17.5, 18.0, 31.0],
        "bron": ["Regionaal kader", "trajecten", "trajecten", "trajecten"],
        "demo": [False, True, True, True],
    })
    assert view.jaarreeksen(frame) == {"BW.uitstroom_pct": {"2019": 17.5, "2020": 18.0}}
    assert view.kwartaalreeksen(frame) == {"BW.uitstroom": {"2019-K1": 31.0}}


def test_spreiding_series_by_hand():
    rijen = [
        # (voorziening, perspectief, periode, gemeentecode, dimensie, waarde)
        ("BW", "verblijf", "2026-K3", "GM1", None, 8),
        ("BW", "verblijf", "2026-K3", "GM2", None, 2),
        ("BW", "herkomst", "2026-K3", "GM1", None, 5),
        ("BW", "herkomst", "2026-K3", "GM2", None, 5),
        ("BW", "herkomst", "2026-K3", "BUITEN", None, 7),  # no municipality of the region
        ("BW", "verblijf", "2026-K3", "GM1", "herkomstgemeente=GM1", 4),
        ("BW", "verblijf", "2026-K3", "GM1", "herkomstgemeente=GM2", 4),
        ("BW", "verblijf", "2026-K3", "GM2", "herkomstgemeente=GM2", 1),
        ("BW", "verblijf", "2026-K3", "GM2", "herkomstgemeente=BUITEN", 1),
    ]
    frame = pd.DataFrame(rijen, columns=["voorziening", "perspectief", "periode", "gemeentecode",
                                         "dimensie", "waarde"])
    uit = view.spreidingsreeksen(frame, ["GM1", "GM2"])
    # shares verblijf 0.8/0.2, herkomst 0.5/0.5: ½·(0.3 + 0.3)
    assert uit["BW.spreidingsindex"]["2026-K3"] == pytest.approx(0.3)
    # 4 + 1 of the 9 clients from the region live in their own municipality
    assert uit["BW.eigen_gemeente_pct"]["2026-K3"] == pytest.approx(100 * 5 / 9)


def test_screens_tiles_and_navigation():
    assert view.SCHERM_CODES == ("samenvatting", "bw", "mo", "vo", "e33", "spreiding",
                                 "wachtlijsten")
    assert all(3 <= len(s.tegels) <= 6 for s in view.SCHERMEN[1:])
    assert view.buur("samenvatting", 1) == "bw"
    assert view.buur("samenvatting", -1) == "samenvatting"
    assert view.buur("wachtlijsten", 1) == "wachtlijsten"
    assert view.buur(None, 1) == "bw"
    # every judged tile has an entry in the shipped config
    config = shipped()
    assert all(config.get(t.sleutel) for s in view.SCHERMEN for t in s.tegels)


def test_the_stylesheet_prints_one_screen_per_a4_landscape_page():
    css = view.stijl(presentatie=False)
    assert "@page { size: A4 landscape;" in css
    for code in view.SCHERM_CODES[1:]:
        assert f".st-key-sg_pagina_{code}" in css
    assert ".st-key-sg_pagina_samenvatting," not in css  # the first screen opens page one
    assert "break-before: page" in css
    assert '[data-testid="stSidebar"]' in css  # hidden in print
    assert "@media screen" not in css
    presentatie = view.stijl(presentatie=True)
    assert "@media screen" in presentatie and '[data-testid="stHeader"]' in presentatie


def _tabel(g: view.GrafiekDef) -> pd.DataFrame:
    rijen = [{"Periode": p, "Reeks": naam, "Waarde": w}
             for _, naam in g.lijnen for p, w in (("2026-K2", 30.0), ("2026-K3", 28.0))]
    return pd.DataFrame(rijen, columns=["Periode", "Reeks", "Waarde"])


def _streefwaarden(fig) -> list[tuple[float, str]]:
    lijnen = [s.y0 for s in fig.layout.shapes if (s.name or "").startswith(charts.STREEFWAARDE)]
    teksten = [a.text for a in fig.layout.annotations
               if (a.name or "").startswith(charts.STREEFWAARDE)]
    return list(zip(lijnen, teksten, strict=True))


@pytest.mark.parametrize("groot", [False, True])
def test_a_chart_draws_the_target_of_each_series_that_has_one(groot):
    config = shipped()
    g = view.scherm("wachtlijsten").grafiek
    fig = view.figuur(g, _tabel(g), groot=groot, doelen=config)
    # only Beschermd wonen has a target (config/streefwaarden.toml); the label says whose
    doel = config.get("BW.wachtlijst")
    assert _streefwaarden(fig) == [
        (doel.streefwaarde, f"Beschermd wonen – {charts.streefwaarde_label(doel)}")]
    assert fig.layout.yaxis.autorangeoptions.include == (doel.streefwaarde,)
    for s in view.SCHERMEN:  # no other chart of the page has a series with a target
        if s.grafiek and s.grafiek.lijnen and s.code != "wachtlijsten":
            assert _streefwaarden(view.figuur(s.grafiek, _tabel(s.grafiek), doelen=config)) \
                == [], s.code
    # without the targets (the report's call) no line
    assert _streefwaarden(view.figuur(g, _tabel(g))) == []
    # a series that is not in the chart's data gets no target line either
    zonder_bw = _tabel(g)[lambda t: t["Reeks"] != "Beschermd wonen"]
    assert _streefwaarden(view.figuur(g, zonder_bw, doelen=config)) == []


def test_presentation_charts_take_the_room_the_screen_leaves():
    g = view.scherm("bw").grafiek
    assert view.figuur(g, _tabel(g)).layout.height == 300  # the page and the print
    assert view.figuur(g, _tabel(g), groot=True).layout.height is None  # stretched


def test_the_presentation_stylesheet_fits_one_screen_and_keeps_the_banner():
    css = view.stijl(presentatie=True)
    assert "font-size: clamp(12px, min(2.1vh, 1.18vw), 26px)" in css  # scales with the screen
    assert "height: 100vh" in css
    verborgen = [regel.split("{")[0] for regel in css.split("}") if "display: none" in regel]
    assert not any("stAlert" in r or "stNotification" in r for r in verborgen)  # Demodata stays
    assert "white-space: normal" in css  # tile labels and 'gunstig/ongunstig' wrap


# --- the page in AppTest, against kerncijfers ----------------------------------------------------


def _een(con, sql: str, params: list) -> float | None:
    rows = con.execute(sql, params).fetchall()
    assert len(rows) <= 1
    return None if not rows or rows[0][0] is None else float(rows[0][0])


def verwacht(con, sleutel: str, periode: str) -> float | None:
    """A tile's figure straight from kerncijfers (the derived spreiding keys computed in SQL)."""
    voorziening, indicator = sleutel.split(".")
    if indicator == "spreidingsindex":
        return _een(con, """
            WITH v AS (SELECT gemeentecode, waarde FROM kerncijfers WHERE voorziening = ?
                       AND indicator = 'bezetting' AND periode = ? AND perspectief = 'verblijf'
                       AND dimensie IS NULL AND gemeentecode LIKE 'GM%'),
                 h AS (SELECT gemeentecode, waarde FROM kerncijfers WHERE voorziening = ?
                       AND indicator = 'bezetting' AND periode = ? AND perspectief = 'herkomst'
                       AND dimensie IS NULL AND gemeentecode LIKE 'GM%')
            SELECT 0.5 * sum(abs(coalesce(v.waarde, 0) / (SELECT sum(waarde) FROM v)
                                 - coalesce(h.waarde, 0) / (SELECT sum(waarde) FROM h)))
            FROM v FULL JOIN h USING (gemeentecode)""", [voorziening, periode] * 2)
    if indicator == "eigen_gemeente_pct":
        return _een(con, """
            SELECT 100 * sum(waarde) FILTER (WHERE split_part(dimensie, '=', 2) = gemeentecode)
                   / sum(waarde)
            FROM kerncijfers WHERE voorziening = ? AND indicator = 'bezetting' AND periode = ?
              AND perspectief = 'verblijf' AND dimensie LIKE 'herkomstgemeente=GM%'
              AND gemeentecode LIKE 'GM%'""", [voorziening, periode])
    # one row: a published year of another bron never sits next to a derived one here
    return _een(con, """
        SELECT waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? AND periode = ?
          AND gemeentecode = 'TOTAAL' AND dimensie IS NULL""", [voorziening, indicator, periode])


def assert_tegels(metrics, warehouse: Path, tegels, kwartaal: str) -> None:
    """Tiles in order: title, value and change against the quarter (or year) before, against
    kerncijfers queried directly."""
    assert len(metrics) == len(tegels)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for metric, d in zip(metrics, tegels, strict=True):
            if d.jaarcijfer:
                periode = str(int(kwartaal[:4]) - (0 if kwartaal.endswith("K4") else 1))
                vorige = str(int(periode) - 1)
                label = f"{d.label} {periode}"
            else:
                periode, vorige, label = kwartaal, kwartaal_verschuiven(kwartaal, -1), d.label
            assert metric.label == label
            nu, toen = verwacht(con, d.sleutel, periode), verwacht(con, d.sleutel, vorige)
            assert nu is not None, d.sleutel
            assert metric.value == wat_viel_op.waarde_tekst(nu, d.eenheid), d.sleutel
            if toen is not None:
                delta = wat_viel_op.verschil_tekst(nu - toen, d.eenheid, nu, kort=True)
                assert metric.delta == delta, d.sleutel


def assert_scherm(at: AppTest, warehouse: Path, code: str, kwartaal: str) -> None:
    assert_tegels(list(at.metric), warehouse, view.scherm(code).tegels, kwartaal)


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(shipped_warehouse))
    monkeypatch.delenv(streefwaarden.ENV, raising=False)
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def open_stuurgroep(at: AppTest) -> AppTest:
    at.run()
    return at.switch_page("pages/stuurgroep.py").run()


def laatste_kwartaal(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT max(periode) FROM kerncijfers WHERE bron = 'trajecten' "
                           "AND periode_type = 'kwartaal'").fetchall()[0][0]


def test_normal_view_shows_every_screen_with_tiles_from_kerncijfers(app, shipped_warehouse):
    at = open_stuurgroep(app)
    assert not at.exception
    kwartaal = laatste_kwartaal(shipped_warehouse)
    assert at.selectbox(key="sg_kwartaal").value == kwartaal
    assert at.toggle(key="sg_presentatie").value is False
    assert at.title[0].value == f"Stuurgroep {kwartaal}"
    koppen = [h.value for h in at.header]
    assert koppen == [f"{s.titel} · {kwartaal}" for s in view.SCHERMEN]
    assert len(at.metric) == sum(len(s.tegels) for s in view.SCHERMEN)
    # 'Wat viel op': 3-5 sentences as a list
    wat = next(m.value for m in at.markdown if m.value.startswith("- De ")
               or m.value.startswith("- Het "))
    assert 3 <= wat.count("\n- ") + 1 <= 5
    # the chart under Wachtlijsten shows exactly kerncijfers' wachtlijst per quarter
    tabel = next(df.value for df in at.dataframe
                 if list(df.value.columns) == ["Periode", "Reeks", "Waarde"]
                 and set(df.value["Reeks"]) == {"Beschermd wonen", "Opvang (MO)",
                                                "Vrouwenopvang"})
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        bw = con.execute("SELECT periode, waarde FROM kerncijfers WHERE voorziening = 'BW' "
                         "AND indicator = 'wachtlijst' AND gemeentecode = 'TOTAAL' AND dimensie "
                         "IS NULL AND periode_type = 'kwartaal' ORDER BY periode").fetchall()
    deel = tabel[tabel["Reeks"] == "Beschermd wonen"]
    assert list(zip(deel["Periode"], deel["Waarde"], strict=True)) == bw
    # every tile of every screen, in order
    tegels = [d for scherm in view.SCHERMEN for d in scherm.tegels]
    assert_tegels(list(at.metric), shipped_warehouse, tegels, kwartaal)


def test_presentation_mode_walks_every_screen_with_volgende(app, shipped_warehouse):
    app.query_params["sg_presentatie"] = "true"
    app.query_params["sg_kwartaal"] = "2024-K4"
    at = open_stuurgroep(app)
    assert not at.exception
    assert at.toggle(key="sg_presentatie").value is True
    assert at.selectbox(key="sg_kwartaal").value == "2024-K4"
    assert not at.title  # no page title: one screen fills the projector
    for code in view.SCHERM_CODES:
        scherm = view.scherm(code)
        assert [h.value for h in at.header] == [f"{scherm.titel} · 2024-K4"], code
        if code == view.SAMENVATTING:
            assert not at.metric
        else:
            assert_scherm(at, shipped_warehouse, code, "2024-K4")
        # the link names the screen by its short code
        assert at.query_params["sg_scherm"] == code
        at = at.button(key="sg_volgende").click().run()
        assert not at.exception
    # past the last screen Volgende stays there; Vorige goes back
    assert [h.value for h in at.header] == ["Wachtlijsten · 2024-K4"]
    at = at.button(key="sg_vorige").click().run()
    assert [h.value for h in at.header] == ["Spreiding · 2024-K4"]


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("bw", "bw"),
        ("Beschermd wonen", "bw"),  # a link from before the codes (the screen's title)
        ("op", view.SAMENVATTING),  # an alias
        ("bestaat-niet", view.SAMENVATTING),  # an unknown screen: the first one
    ],
)
def test_a_link_opens_a_screen_of_a_quarter(app, shipped_warehouse, link, code):
    app.query_params["sg_presentatie"] = "true"
    app.query_params["sg_kwartaal"] = "2025-K4"
    app.query_params["sg_scherm"] = link
    at = open_stuurgroep(app)
    assert not at.exception
    assert at.get("button_group")[0].value == code
    assert [h.value for h in at.header] == [f"{view.scherm(code).titel} · 2025-K4"]
    assert at.query_params["sg_scherm"] == code  # the link now says it in the code
    assert at.query_params["sg_kwartaal"] == "2025-K4"
    if link != "bw":
        return
    assert_scherm(at, shipped_warehouse, "bw", "2025-K4")  # K4: the year 2025 itself
    # the next screen's code follows in the link
    at = at.button(key="sg_volgende").click().run()
    assert at.query_params["sg_scherm"] == view.buur(code, 1)
    at = at.toggle(key="sg_presentatie").set_value(False).run()
    assert len(at.header) == len(view.SCHERMEN)  # all screens below each other
    assert "sg_scherm" not in at.query_params  # the link names no screen any more
    # switched on again: the first screen
    at = at.toggle(key="sg_presentatie").set_value(True).run()
    assert [h.value for h in at.header] == [f"{view.SCHERMEN[0].titel} · 2025-K4"]
    assert at.query_params["sg_scherm"] == view.SCHERM_CODES[0]


def test_the_codes_are_stable_and_explained_on_the_page(app):
    # shared links depend on them: change a code only with an alias for the old one
    assert view.SCHERM_CODES == ("samenvatting", "bw", "mo", "vo", "e33", "spreiding",
                                 "wachtlijsten")
    for s in view.SCHERMEN:
        assert view.scherm_uit_link(s.code) == s.code
        assert view.scherm_uit_link(f"  {s.titel.upper()} ") == s.code
    assert view.scherm_uit_link("op") == view.SAMENVATTING
    assert view.scherm_uit_link(None) is None and view.scherm_uit_link("") is None
    assert view.scherm_uit_link("<script>") is None
    at = open_stuurgroep(app)
    uitleg = at.toggle(key="sg_presentatie").help
    assert "`?sg_presentatie=true&sg_scherm=bw`" in uitleg
    assert all(f"`{s.code}` ({s.titel})" in uitleg for s in view.SCHERMEN)


def test_a_broken_config_stops_the_page_with_a_clear_message(app, tmp_path, monkeypatch):
    pad = tmp_path / "streefwaarden.toml"
    pad.write_text('["BW.wachtlijst"]\nrichting = "minder"\nlabel = "x"\nbron = "y"\n',
                   encoding="utf-8")
    monkeypatch.setenv(streefwaarden.ENV, str(pad))
    at = open_stuurgroep(app)
    assert not at.exception
    assert not at.metric
    fout = at.error[0].value
    assert str(pad) in fout and '["BW.wachtlijst"]' in fout and "'minder'" in fout


# --- the print layout in a real browser --------------------------------------------------------


@pytest.fixture(scope="module")
def server(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve(shipped_warehouse, drop_env=(streefwaarden.ENV,))


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_print_gives_one_a4_landscape_page_per_screen(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        try:
            # a wide screen: the charts are drawn wider than an A4 page
            page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="nl-NL")
            # open the app at its root first: until a session has run the router, a
            # deep link is served from the pages/ folder without the frame
            page.goto(server)
            expect(page.get_by_role("heading", name=re.compile("Kerncijfers"))).to_be_visible(
                timeout=30_000)
            page.goto(f"{server}/stuurgroep?sg_kwartaal=2026-K3")
            laatste = view.SCHERMEN[-1].titel
            expect(page.get_by_role("heading", name=f"{laatste} · 2026-K3")).to_be_visible(
                timeout=30_000)
            aantal_grafieken = sum(1 for s in view.SCHERMEN if s.grafiek)
            expect(page.locator(".js-plotly-plot")).to_have_count(aantal_grafieken,
                                                                  timeout=30_000)
            # a loaded machine may still be rerunning or drawing: print the settled page
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
            page.wait_for_load_state("networkidle")
            pdf = page.pdf(format="A4", landscape=True, print_background=True)
            (tmp_path / "stuurgroep.pdf").write_bytes(pdf)
            assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == len(view.SCHERMEN)
            # A4 landscape: 297 x 210 mm is about 842 x 595 points, on every page
            maten = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
            assert len(maten) == len(view.SCHERMEN)
            for breedte, hoogte in maten:
                assert abs(float(breedte) - 842) < 3 and abs(float(hoogte) - 595) < 3

            page.emulate_media(media="print")
            # every screen after the first starts a new page; the controls are not printed
            for code in view.SCHERM_CODES:
                stijl = page.locator(f".st-key-sg_pagina_{code}").evaluate(
                    "e => getComputedStyle(e).breakBefore")
                assert stijl == ("page" if code != view.SCHERM_CODES[0] else "auto"), code
            for verborgen in (".st-key-sg_bediening", '[data-testid="stSidebar"]'):
                assert page.locator(verborgen).evaluate(
                    "e => getComputedStyle(e).display") == "none"
            page.screenshot(path=str(tmp_path / "stuurgroep-print.png"))
        finally:
            browser.close()
