"""Centraal Gelderland, a second region with real figures (issue 12, point 6).

data/regions/centraal-gelderland/ is a complete reference folder (the ten municipalities of
the Transformatieplan Beschermd Thuis, seed 004, with CBS codes, CBS population and CBS/PDOK
boundaries; see its SOURCES.md) and a raw folder with the figures the plan publishes. The
region is built once through the documented command (`python -m etl build --raw …
--reference … --warehouse …`); the tests read the published figures back from `kerncijfers`
and open every page of the dashboard on that warehouse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from paginahulp import dashboard, kc
from streamlit.testing.v1 import AppTest
from test_region import CENTRAAL_GELDERLAND

from monitor import charts, labels

ROOT = Path(__file__).resolve().parents[1]
REGIO = ROOT / "data" / "regions" / "centraal-gelderland"
RAW = REGIO / "raw"
BRON = "Transformatieplan Beschermd Thuis Centraal Gelderland"

# the region's ten municipalities, as the test of a second region's reference expects them
GEMEENTEN = CENTRAAL_GELDERLAND

# CBS population on 1 January (data/regions/centraal-gelderland/inwoners.csv): the largest
# and the smallest municipality in three years, and the region's sum in every year
INWONERS = {
    ("GM0202", 2019): 159265, ("GM0202", 2020): 161348, ("GM0202", 2023): 165770,
    ("GM0277", 2019): 1654, ("GM0277", 2020): 1704, ("GM0277", 2023): 1754,
}
REGIO_INWONERS = {2019: 424791, 2020: 427663, 2021: 429368, 2022: 431237, 2023: 434656}

# The figures of chapter 3.1 of the plan: (month, breakdown, value)
GEPUBLICEERD = [
    # "In juli 2018 kende de regio 1.086 toewijzingen in natura (ZIN)."
    ("2018-07", "financiering=ZIN", 1086),
    # "Daarnaast kende de totale regio nog 55 personen met een PGB-toewijzing"
    ("2018-07", "financiering=PGB", 55),
    # "Het aandeel personen met een PGB is sinds januari 2015 gedaald van 316 naar 55"
    ("2015-01", "financiering=PGB", 316),
    # "In januari 2015 was het totaalaantal personen in de regio 1.206 en in november 2018
    # 1.141. Dit betreft ZIN en PGB tezamen."
    ("2015-01", None, 1206),
    ("2018-11", None, 1141),
]

# every page of the dashboard, also pages added later
PAGINAS = tuple(f"pages/{p.name}" for p in sorted((ROOT / "pages").glob("*.py")))
# pages that are about the build, the sources and the deliveries; every other page shows
# figures, and this region has none of theirs (no trajecten, capaciteit, E33 or VO delivered)
OVER_DE_BRONNEN = {"pages/definities.py", "pages/snapshots.py", "pages/aanleveren.py",
                   "pages/logboek.py"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The region built through the command the README documents (logboek: conftest's)."""
    path = tmp_path_factory.mktemp("centraal_gelderland") / "warehouse.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--raw", str(RAW), "--reference", str(REGIO),
         "--warehouse", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture
def app(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    # as the README runs it: this region's raw and reference folders (for a delivery) and no
    # snapshots (a folder of another region's snapshots must not show up here)
    monkeypatch.setenv("FLEVOMONITOR_RAW", str(RAW))
    monkeypatch.setenv("FLEVOMONITOR_REFERENCE", str(REGIO))
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(tmp_path / "snapshots"))
    return dashboard(warehouse, monkeypatch)


def toewijzingen(warehouse: Path, periode: str, dimensie: str | None) -> list[tuple]:
    frame = kc(warehouse,
               "SELECT periode_type, perspectief, waarde, bron, demo FROM kerncijfers "
               "WHERE voorziening = 'BW' AND indicator = 'toewijzingen' AND periode = ? "
               "AND gemeentecode = 'TOTAAL' AND dimensie IS NOT DISTINCT FROM ?",
               [periode, dimensie])
    return list(frame.itertuples(index=False, name=None))


# --- the published figures --------------------------------------------------------------------


@pytest.mark.parametrize(("periode", "dimensie", "waarde"), GEPUBLICEERD)
def test_published_figure_in_kerncijfers(warehouse: Path, periode: str, dimensie: str | None,
                                         waarde: int):
    assert toewijzingen(warehouse, periode, dimensie) == [
        ("maand", "regio", waarde, BRON, False)]


def test_only_the_published_figures(warehouse: Path):
    # nothing derived from them: months of a stock never add up to quarters or years, and no
    # population is known for 2015 or 2018 (the reference data start in 2019)
    rijen = kc(warehouse, "SELECT DISTINCT indicator, periode_type FROM kerncijfers")
    assert set(rijen.itertuples(index=False, name=None)) == {("toewijzingen", "maand")}
    assert kc(warehouse, "SELECT count(*) AS n FROM kerncijfers")["n"][0] == len(GEPUBLICEERD)


def test_the_plans_own_arithmetic(warehouse: Path):
    # "Het totaalaantal inwoners met een toewijzing is in deze periode gedaald met 5%."
    (_, _, januari_2015, *_), = toewijzingen(warehouse, "2015-01", None)
    (_, _, november_2018, *_), = toewijzingen(warehouse, "2018-11", None)
    assert round(100 * (januari_2015 - november_2018) / januari_2015) == 5


def test_meta_names_the_region(warehouse: Path):
    meta = dict(kc(warehouse, "SELECT sleutel, waarde FROM meta").itertuples(index=False))
    assert meta["regio"] == "Centraal Gelderland"
    assert meta["bevat_demo"] == "nee"
    assert meta["bronvermelding"].startswith("Bron: CBS")


# --- reference data -----------------------------------------------------------------------------


def test_the_ten_municipalities(warehouse: Path):
    frame = kc(warehouse, "SELECT gemeentecode, gemeente FROM ref_gemeenten ORDER BY volgorde")
    assert dict(frame.itertuples(index=False)) == GEMEENTEN


def test_population_from_cbs(warehouse: Path):
    frame = kc(warehouse, "SELECT gemeentecode, jaar, inwoners FROM ref_inwoners")
    inwoners = {(c, j): n for c, j, n in frame.itertuples(index=False)}
    # every municipality, every year 2019-2023, and nothing else (SOURCES.md: why not more)
    assert set(inwoners) == {(c, j) for c in GEMEENTEN for j in range(2019, 2024)}
    for sleutel, aantal in INWONERS.items():
        assert inwoners[sleutel] == aantal, sleutel
    regio = kc(warehouse, "SELECT jaar, inwoners FROM ref_inwoners_regio "
                          "WHERE gemeentecode = 'TOTAAL'")
    assert dict(regio.itertuples(index=False)) == REGIO_INWONERS


def test_every_population_row_names_its_cbs_source():
    regels = (REGIO / "inwoners.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(regels) == 50
    for regel in regels:
        bron = regel.split(";", 3)[3]
        assert bron.startswith('"CBS 70072ned') and "github.com/" in bron and " @" in bron, regel


def _binnen(punt: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: is the point inside the ring?"""
    x, y = punt
    binnen = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            binnen = not binnen
    return binnen


def test_boundaries_one_closed_polygon_per_municipality(warehouse: Path):
    frame = kc(warehouse, "SELECT gemeentecode, feature FROM ref_gemeentegrenzen")
    ringen = {}
    for code, feature in frame.itertuples(index=False):
        geometrie = json.loads(feature)["geometry"]
        assert geometrie["type"] == "Polygon"
        ring = geometrie["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        ringen[code] = ring
    assert set(ringen) == set(GEMEENTEN)
    # a point in each municipality (its main town; Rozendaal: its woods) lies in it only
    centra = {"GM0202": (5.911, 51.985), "GM0221": (6.139, 52.013), "GM0226": (6.021, 51.947),
              "GM1705": (5.895, 51.892), "GM1734": (5.848, 51.919), "GM0274": (5.840, 51.990),
              "GM0275": (5.975, 51.995), "GM0277": (5.965, 52.020), "GM0293": (5.972, 51.957),
              "GM0299": (6.070, 51.930)}
    for code, punt in centra.items():
        assert [c for c, ring in ringen.items() if _binnen(punt, ring)] == [code]


def test_one_colour_per_municipality(warehouse: Path):
    codes = list(kc(warehouse, "SELECT gemeentecode FROM ref_gemeenten ORDER BY volgorde")
                 ["gemeentecode"])
    kleuren = charts.gemeente_kleuren(codes)
    eigen = [kleuren[c] for c in codes]
    assert len(set(eigen)) == len(GEMEENTEN)
    assert not set(eigen) & set(charts.VASTE_KLEUREN.values())


# --- the dashboard ------------------------------------------------------------------------------


def test_new_indicator_has_its_own_definition():
    assert labels.definitie("toewijzingen") != labels.TELLING
    assert labels.indicator("toewijzingen") == "Personen met een toewijzing"


@pytest.mark.parametrize("pagina", PAGINAS)
def test_every_page_opens(app: AppTest, pagina: str):
    assert len(PAGINAS) >= 12
    at = app.run()
    if pagina != "pages/overzicht.py":
        at.switch_page(pagina).run()
    assert not at.exception
    assert not at.error
    if pagina == "pages/overzicht.py":
        return  # lists the published figures instead (below)
    if pagina not in OVER_DE_BRONNEN:
        # says so in Dutch instead of drawing an empty chart
        assert any(i.value.startswith("Geen gegevens") for i in at.info), pagina


def test_definities_page_defines_the_published_figures(app: AppTest):
    at = app.run()
    at.switch_page("pages/definities.py").run()
    assert not at.exception
    (tabel,) = [d.value for d in at.dataframe if "Naam in kerncijfers" in d.value.columns]
    (rij,) = tabel[tabel["Naam in kerncijfers"] == "toewijzingen"].to_dict("records")
    assert rij["Indicator"] == "Personen met een toewijzing"
    assert rij["Definitie"] == labels.definitie("toewijzingen")
    assert rij["Perioden"] == "maand"
    assert rij["Uitsplitsingen"] == "financiering"
    assert rij["Bronnen"] == BRON
    tekst = "\n".join(m.value for m in at.markdown)
    assert "Regio **Centraal Gelderland**" in tekst
    assert "Bron: CBS (StatLine), CBS/Kadaster via PDOK" in tekst



def test_overzicht_lists_the_published_figures(app: AppTest):
    """Without trajecten there are no quarters; Overzicht shows the document's figures."""
    at = app.run()
    assert not at.exception
    (tabel,) = [d.value for d in at.dataframe if "Wat" in d.value.columns]
    gevonden = {(r["Periode"], r["Wat"], r["Aantal"]) for r in tabel.to_dict("records")}
    assert gevonden == {
        ("2018-07", "Personen met een toewijzing (ZIN)", 1086),
        ("2018-07", "Personen met een toewijzing (PGB)", 55),
        ("2015-01", "Personen met een toewijzing (PGB)", 316),
        ("2015-01", "Personen met een toewijzing", 1206),
        ("2018-11", "Personen met een toewijzing", 1141),
    }
    assert set(tabel["Bron"]) == {BRON}
