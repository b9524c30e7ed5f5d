"""The product is not hard-wired to Flevoland: a second region builds through the same code.

tests/fixtures/centraal_gelderland/ holds the reference data of Centraal Gelderland (the ten
municipalities of the Transformatieplan Beschermd Thuis, seed 004, with their CBS codes and
made-up round populations) and a small made-up raw folder. The figures below are computed by
hand from those files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.problems import BuildFailed
from etl.reference import load_region

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "centraal_gelderland"
REFERENCE = FIXTURE / "reference"
RAW = FIXTURE / "raw"

CENTRAAL_GELDERLAND = {
    "GM0202": "Arnhem",
    "GM0221": "Doesburg",
    "GM0226": "Duiven",
    "GM1705": "Lingewaard",
    "GM1734": "Overbetuwe",
    "GM0274": "Renkum",
    "GM0275": "Rheden",
    "GM0277": "Rozendaal",
    "GM0293": "Westervoort",
    "GM0299": "Zevenaar",
}
ARNHEM, RENKUM, RHEDEN, ROZENDAAL = "GM0202", "GM0274", "GM0275", "GM0277"

# The default region's municipalities: none of them may appear in the code.
FLEVOLAND_NAMES = ("Almere", "Zeewolde", "Noordoostpolder", "Urk", "Dronten", "Lelystad")
FLEVOLAND_CODES = ("GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995")
CODE_PATHS = ("etl", "monitor", "pages", "dashboard.py")


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    warehouse = tmp_path_factory.mktemp("centraal_gelderland") / "w.duckdb"
    build(RAW, warehouse, REFERENCE)
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def value(con, indicator, periode, gemeente, perspectief, voorziening="BW", dimensie=None):
    found = con.execute(
        "SELECT waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? AND periode = ? "
        "AND gemeentecode = ? AND perspectief = ? AND dimensie IS NOT DISTINCT FROM ?",
        [voorziening, indicator, periode, gemeente, perspectief, dimensie],
    ).fetchall()
    assert len(found) == 1, (indicator, periode, gemeente, perspectief, found)
    return found[0][0]


def test_reference_has_the_ten_municipalities():
    region = load_region(REFERENCE)
    assert region.naam == "Centraal Gelderland"
    assert region.gemeenten == CENTRAAL_GELDERLAND
    # populations are made up and say so
    assert {bron for *_, bron in region.inwoners} == {"verzonnen testwaarde (geen CBS-cijfer)"}
    assert {code for code, *_ in region.inwoners} == set(CENTRAAL_GELDERLAND)


def test_names_resolve_in_the_region():
    region = load_region(REFERENCE)
    assert region.resolve("Arnhem") == ARNHEM
    assert region.resolve(" arnhem ") == ARNHEM
    assert region.resolve("gm1705") == "GM1705"
    assert region.resolve("Almere") is None
    assert region.resolve("GM0034") is None


def test_warehouse_knows_the_region(con):
    meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
    assert meta["regio"] == "Centraal Gelderland"
    assert meta["trajecten_vanaf"] == "2020-01-01"
    names = dict(
        con.execute(
            "SELECT DISTINCT gemeentecode, gemeente FROM kerncijfers "
            "WHERE gemeentecode LIKE 'GM%'"
        ).fetchall()
    )
    assert names == CENTRAAL_GELDERLAND


def test_every_municipality_has_a_figure(con):
    # instroom herkomst 2020: a row for each of the ten, plus BUITEN (CG6) and TOTAAL
    codes = con.execute(
        "SELECT gemeentecode FROM kerncijfers WHERE voorziening = 'BW' AND indicator = 'instroom' "
        "AND periode = '2020' AND perspectief IN ('herkomst', 'regio') AND dimensie IS NULL"
    ).fetchall()
    assert sorted(c for (c,) in codes) == sorted([*CENTRAAL_GELDERLAND, "BUITEN", "TOTAAL"])


def test_trajecten_figures(con):
    # instroom 2020 herkomst Arnhem: CG1, CG2 (written "arnhem") -> 2;
    # verblijf Arnhem: CG1, CG3 (from Renkum), CG6 (from outside) -> 3; verblijf Rheden: CG2.
    assert value(con, "instroom", "2020", ARNHEM, "herkomst") == 2
    assert value(con, "instroom", "2020", ARNHEM, "verblijf") == 3
    assert value(con, "instroom", "2020", RHEDEN, "verblijf") == 1
    assert value(con, "instroom", "2020", RENKUM, "herkomst") == 1
    # all six trajecten were aangemeld in 2020, one from outside the region
    assert value(con, "aanmeldingen", "2020", "TOTAAL", "regio") == 6
    assert value(con, "aanmeldingen", "2020", "BUITEN", "herkomst") == 1
    # in care at 2020-12-31: CG1, CG3, CG4, CG6 (CG2 left on 2020-09-30)
    assert value(con, "bezetting", "2020-K4", "TOTAAL", "regio") == 4
    # CG5 from Rozendaal is still waiting
    assert value(con, "wachtlijst", "2020-K4", ROZENDAAL, "herkomst") == 1


def test_per_10000_with_the_regions_populations(con):
    # Arnhem had 150,000 (made-up) inwoners on 1-1-2020: 2 * 10000 / 150000 = 0.1333 -> 0.13
    assert value(con, "instroom_per_10000", "2020", ARNHEM, "herkomst") == 0.13
    # the region: ten municipalities together 400,000: 4 * 10000 / 400000 = 0.1
    assert value(con, "bezetting_per_10000", "2020-K4", "TOTAAL", "regio") == 0.1


def test_region_total_over_ten_municipalities(con):
    # E33 meldingen 2020 for all ten: 300 + 10 + 20 + 30 + 40 + 25 + 35 + 2 + 15 + 23 = 500,
    # a derived TOTAAL; per 10,000: 500 * 10000 / 400000 = 12.5
    assert value(con, "meldingen", "2020", "TOTAAL", "regio", voorziening="E33") == 500
    assert value(con, "meldingen_per_10000", "2020", "TOTAAL", "regio", voorziening="E33") == 12.5


def test_capaciteit_and_bezettingsgraad(con):
    # Arnhem 10 + Renkum 6 + Rheden 4 (from 2020-07-01) = 20 at 2020-12-31; 16 at 2020-06-30
    assert value(con, "capaciteit", "2020-K4", "TOTAAL", "regio") == 20
    assert value(con, "capaciteit", "2020-K2", "TOTAAL", "regio") == 16
    assert value(con, "capaciteit", "2020-K4", "GM0293", "verblijf") == 0  # Westervoort
    # Arnhem: CG1, CG3, CG6 in care at 2020-12-31 in 10 places -> 0.3
    assert value(con, "bezettingsgraad", "2020-K4", ARNHEM, "verblijf") == pytest.approx(0.3)


def test_flevoland_municipality_is_refused(tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    source = raw / "trajecten" / "trajecten_vggm_2021-01-15.csv"
    text = source.read_text(encoding="utf-8")
    bad = raw / "trajecten" / "trajecten_vggm_2021-01-16.csv"
    bad.write_text(
        text.replace("CG5;BW;BW midden;;Nieuw;Rozendaal", "CG5;BW;BW midden;;Nieuw;Almere"),
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    with pytest.raises(BuildFailed) as failed:
        build(raw, warehouse, REFERENCE)
    message = str(failed.value)
    assert "trajecten_vggm_2021-01-16.csv" in message
    assert "rij 6" in message  # header = row 1, CG5 is the fifth data row
    assert "herkomstgemeente" in message
    assert "'Almere'" in message
    assert "Arnhem" in message  # the message lists what is expected: this region's names
    assert not warehouse.exists()


# --- nothing of Flevoland in the code --------------------------------------------------------

_FORBIDDEN = re.compile(
    r"\b(" + "|".join(FLEVOLAND_NAMES + FLEVOLAND_CODES) + r")\b", re.IGNORECASE
)


def _code_files() -> list[Path]:
    files = []
    for name in CODE_PATHS:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [
                p for p in sorted(path.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            ]
    return files


def test_no_flevoland_municipality_in_the_code():
    files = _code_files()
    assert any(p.name == "build.py" for p in files)  # the scan does look at etl/
    hits = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in _FORBIDDEN.finditer(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert hits == [], "municipalities belong in data/reference/, not in code:\n" + "\n".join(hits)
