"""The dashboard, headless (streamlit.testing.v1.AppTest), on the shipped warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor import fmt
from monitor.data import kwartaal_verschuiven

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(shipped_warehouse))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def regio(warehouse: Path, voorziening: str, indicator: str, periode: str) -> float | None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? "
            "AND periode = ? AND gemeentecode = 'TOTAAL' AND dimensie IS NULL",
            [voorziening, indicator, periode],
        ).fetchall()
    assert len(rows) <= 1
    return rows[0][0] if rows else None


def latest_quarter(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT max(periode) FROM kerncijfers WHERE periode_type = 'kwartaal' "
            "AND bron = 'trajecten'"
        ).fetchall()[0][0]


EXPECTED_TILES = [
    (v, i) for v in ("BW", "MO", "VO") for i in ("bezetting", "instroom", "uitstroom", "wachtlijst")
] + [("E33", "meldingen")]


def assert_tiles(at, warehouse, kwartaal):
    vorig = kwartaal_verschuiven(kwartaal, -1)
    vorig_jaar = kwartaal_verschuiven(kwartaal, -4)
    assert len(at.metric) == len(EXPECTED_TILES)
    captions = [c.value for c in at.caption if "t.o.v." in c.value]
    for index, (voorziening, indicator) in enumerate(EXPECTED_TILES):
        metric = at.metric[index]
        now = regio(warehouse, voorziening, indicator, kwartaal)
        before = regio(warehouse, voorziening, indicator, vorig)
        year = regio(warehouse, voorziening, indicator, vorig_jaar)
        assert metric.value == fmt.getal(now), (voorziening, indicator)
        if now is not None and before is not None and now != before:
            assert metric.delta == fmt.verschil(now - before), (voorziening, indicator)
        if now is not None and year is not None and now != year:
            assert captions[index] == f"{fmt.verschil(now - year)} t.o.v. {vorig_jaar}"


def test_overzicht_shows_latest_quarter_figures_from_kerncijfers(app, shipped_warehouse):
    at = app.run()
    assert not at.exception
    kwartaal = latest_quarter(shipped_warehouse)
    assert at.title[0].value == f"Kerncijfers {kwartaal}"
    assert_tiles(at, shipped_warehouse, kwartaal)
    assert ":orange-badge[voorlopig]" in [m.value for m in at.markdown]


def test_overzicht_earlier_quarter_from_the_url_is_definitief(app, shipped_warehouse):
    app.query_params["kwartaal"] = "2024-K2"
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="kwartaal").value == "2024-K2"
    assert at.title[0].value == "Kerncijfers 2024-K2"
    assert ":green-badge[definitief]" in [m.value for m in at.markdown]
    assert_tiles(at, shipped_warehouse, "2024-K2")


def test_figures_are_dutch_formatted(app, shipped_warehouse):
    at = app.run()
    kwartaal = latest_quarter(shipped_warehouse)
    bezetting = regio(shipped_warehouse, "BW", "bezetting", kwartaal)
    assert bezetting is not None and bezetting >= 100
    shown = at.metric[0].value
    assert shown == fmt.getal(bezetting)
    assert "," not in shown  # no English thousands separator


def test_demo_banner_shown_when_warehouse_holds_demo_figures(app, shipped_warehouse):
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        assert con.execute("SELECT bool_or(demo) FROM kerncijfers").fetchall()[0][0]
    at = app.run()
    assert any("Demodata" in w.value for w in at.warning)


def test_no_demo_banner_without_demo_figures(tmp_path, monkeypatch):
    from etl import settings
    from etl.build import build

    raw = tmp_path / "raw"
    for kind in ("tellingen", "capaciteit"):
        (raw / kind).mkdir(parents=True)
        for source in (settings.RAW_DIR / kind).glob("*regionaalkader*"):
            (raw / kind / source.name).write_bytes(source.read_bytes())
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, settings.REFERENCE_DIR)
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert not any("Demodata" in w.value for w in at.warning)
    # published yearly figures only: no quarter to show, so Overzicht lists those figures
    assert at.title[0].value == "Gepubliceerde cijfers"
    (tabel,) = [d.value for d in at.dataframe if "Wat" in d.value.columns]
    bw = tabel[(tabel["Wat"] == "Cliënten") & (tabel["Voorziening"] == "Beschermd wonen")
               & (tabel["Gemeente"] == "Regio totaal") & (tabel["Periode"] == "2018")]
    assert list(bw["Aantal"]) == [811]


def test_missing_warehouse_gives_a_dutch_instruction(tmp_path, monkeypatch):
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(tmp_path / "nope.duckdb"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert "make run" in at.error[0].value


def test_bronnen_page_lists_every_loaded_file(app, shipped_warehouse):
    at = app.run()
    at.switch_page("pages/definities.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "sha256" in d.value.columns)
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        files = con.execute("SELECT bestand, demo FROM bronbestanden").fetchall()
    assert sorted(table["bestand"]) == sorted(f for f, _ in files)
    shown = dict(zip(table["bestand"], table["demo"], strict=True))
    assert shown == {f: "ja" if demo else "nee" for f, demo in files}
    assert shown["tellingen/tellingen_regionaalkader_2019-12-01.csv"] == "nee"


def test_definities_page_defines_every_indicator(app, shipped_warehouse):
    at = app.run()
    at.switch_page("pages/definities.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Definitie" in d.value.columns)
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        names = {
            r[0] for r in con.execute(
                "SELECT DISTINCT indicator FROM kerncijfers "
                "WHERE NOT ends_with(indicator, '_per_10000')"
            ).fetchall()
        }
        derived = {
            r[0] for r in con.execute(
                "SELECT DISTINCT indicator FROM kerncijfers "
                "WHERE bron IN ('trajecten', 'capaciteit')"
            ).fetchall()
        }
    assert set(table["Naam in kerncijfers"]) == names
    from monitor import labels

    # every derived indicator has its own definition (tellingen fall back to "zoals aangeleverd")
    undefined = {n for n in derived if not n.endswith("_per_10000")} - set(labels.DEFINITIES)
    assert undefined == set()
    row = table[table["Naam in kerncijfers"] == "bezetting"].iloc[0]
    assert row["Definitie"] == labels.DEFINITIES["bezetting"]
    # every definition readable in full, with its Dutch name (no machine names)
    tekst = "\n".join(m.value for m in at.markdown)
    assert f"**Bezetting**: {labels.DEFINITIES['bezetting']}" in tekst
    assert "**Cliënten jonger dan 27 jaar (%)**" in tekst
    assert "bijgewerkt op" in tekst and "T" not in tekst.split("bijgewerkt op")[1][:25]
    assert row["Per 10.000"] == "ja"
    assert "herkomst" in row["Perspectieven"] and "verblijf" in row["Perspectieven"]


def test_filters_from_a_link_survive_switching_pages(app):
    app.query_params.update({"perspectief": "verblijf", "maat": "per10000", "voorziening": "MO"})
    at = app.run()
    at.switch_page("pages/instroom.py").run()
    assert at.radio(key="perspectief").value == "verblijf"
    at.switch_page("pages/uitstroom.py").run()
    assert not at.exception
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.selectbox(key="voorziening").value == "MO"
    # and the address bar on the new page is again a link to this view
    assert at.query_params["perspectief"] in ("verblijf", ["verblijf"])
    assert at.query_params["voorziening"] in ("MO", ["MO"])


def test_trendbreuk_stands_between_its_periods():
    import pandas as pd

    from monitor import charts

    frame = pd.DataFrame({
        "periode": ["2018", "2019", "2020", "2021"], "gemeentecode": ["TOTAAL"] * 4,
        "gemeente": ["Regio totaal"] * 4, "waarde": [1.0, 2.0, 3.0, 4.0],
    })
    # the break is a known event (config/gebeurtenissen.toml), drawn by the chart builders
    fig = charts.lijn_per_gemeente(frame, {}, "E33", voorzieningen=("E33",))
    [line] = [s for s in fig.layout.shapes if s.type == "line"]
    assert line.x0 == line.x1 == 1.5
    assert any("trendbreuk" in a.text for a in fig.layout.annotations)


def test_downloads_keep_formula_like_supplier_text_as_text():
    import io

    import openpyxl
    import pandas as pd

    from monitor import ui

    frame = pd.DataFrame({"Bron": ["=cmd|' /C calc'!A0", '=HYPERLINK("http://e","x")',
                                   "@SUM(1)", "Politie"],
                          "Meldingen": [1.5, 2.0, 3.0, 4.0]})
    csv, xlsx = ui.tabel_bestanden(frame, "meldingen")
    regels = csv.decode("utf-8-sig").splitlines()
    assert [r.split(";")[0] for r in regels[1:]] == [
        "'=cmd|' /C calc'!A0", '"\'=HYPERLINK(""http://e"",""x"")"', "'@SUM(1)", "Politie"]
    blad = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    bronnen = [blad.cell(r, 1) for r in range(2, 6)]
    assert all(c.data_type == "s" and not c.value.startswith(("=", "@")) for c in bronnen)
    assert [blad.cell(r, 2).value for r in range(2, 6)] == [1.5, 2.0, 3.0, 4.0]


def test_supplier_text_under_a_chart_is_text_not_markup():
    from monitor.fmt import als_tekst

    tekst = als_tekst("bron: ![x](http://e/a.png) [klik](http://e) :red[rood] *vet*")
    # every character that would start a link, an image, a colour or emphasis is escaped
    for teken in "![]()*:":
        assert all(tekst[i - 1] == "\\" for i, c in enumerate(tekst) if c == teken)


def test_a_rebuild_with_the_same_figures_still_shows_its_new_source_file(tmp_path, monkeypatch):
    # the cache is keyed on the warehouse file itself, not on a hash of its figures: a new
    # file that only repeats known figures changes no figure but must be listed
    from etl import settings
    from etl.build import build

    raw = tmp_path / "raw"
    (raw / "tellingen").mkdir(parents=True)
    bron = settings.RAW_DIR / "tellingen" / "tellingen_regionaalkader_2019-12-01.csv"
    (raw / "tellingen" / bron.name).write_bytes(bron.read_bytes())
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, settings.REFERENCE_DIR)
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/definities.py").run()

    def bestanden() -> list[str]:
        return sorted(next(d.value for d in at.dataframe if "sha256" in d.value.columns)
                      ["bestand"])

    assert bestanden() == ["tellingen/tellingen_regionaalkader_2019-12-01.csv"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        voor = con.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchone()
    (raw / "tellingen" / "tellingen_regionaalkader_2019-12-02.csv").write_bytes(
        bron.read_bytes())
    build(raw, warehouse, settings.REFERENCE_DIR)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        na = con.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchone()
    assert voor == na  # the same figures
    at.run()
    assert not at.exception
    assert bestanden() == ["tellingen/tellingen_regionaalkader_2019-12-01.csv",
                           "tellingen/tellingen_regionaalkader_2019-12-02.csv"]
