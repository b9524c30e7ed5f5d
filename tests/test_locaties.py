"""Locations (issue 12, point 2): the public view `locaties` and the `locaties` counts in
kerncijfers reproduce what Regionaal kader 2020-2026 publishes, and count by hand-checked rules.

Published (seed 001): par. 2.2 "Flevoland kent 33 locaties" (BW, 2018) and "een totaal van 36
... huidige locaties (2019)"; "de acht locaties voor maatschappelijke opvang" (2018); the Oranje
Huis "tien crisisbedden, twee noodbedden en vijftien plekken voor begeleid wonen"; Bijlage 3,
table "Locatie Capaciteit" (MO, 2018): 28, 25, 3, 18, 18, 6, 2, 5.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from warehousehulp import CAPACITEIT_HEADER, write

from etl import settings
from etl.build import build

PAR22 = "Regionaal kader 2020-2026 par. 2.2"
MO_2018 = {
    "DNO Almere": ("Almere", 28), "Perspectief Almere": ("Almere", 25),
    "Vovend-J Almere": ("Almere", 3), "DNO Lelystad": ("Lelystad", 18),
    "IrisZorg Lelystad": ("Lelystad", 18), "Timon Lelystad": ("Lelystad", 6),
    "WAT Lelystad": ("Lelystad", 2), "Noodopvang Emmeloord": ("Noordoostpolder", 5),
}


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def kern(warehouse: Path, voorziening: str, indicator: str, periode: str, gemeente: str,
         bron: str, dimensie: str | None = None) -> float | None:
    found = rows(warehouse, "SELECT waarde FROM kerncijfers WHERE voorziening = ? AND "
                 "indicator = ? AND periode = ? AND gemeentecode = ? AND bron = ? AND "
                 "dimensie IS NOT DISTINCT FROM ?",
                 [voorziening, indicator, periode, gemeente, bron, dimensie])
    assert len(found) <= 1
    return found[0][0] if found else None


def test_places_per_mo_location_as_published(shipped_warehouse):
    for periode in ("2018", "2018-K4"):
        gevonden = rows(shipped_warehouse,
                        "SELECT locatie, gemeente, plekken, demo, periode_type FROM locaties "
                        "WHERE voorziening = 'MO' AND periode = ?", [periode])
        assert {r[0]: (r[1], r[2]) for r in gevonden} == MO_2018
        assert not any(r[3] for r in gevonden)  # published, not demo
        assert {r[4] for r in gevonden} == {"jaar" if periode == "2018" else "kwartaal"}


def test_number_of_locations_as_published(shipped_warehouse):
    w = shipped_warehouse
    assert kern(w, "BW", "locaties", "2018", "TOTAAL", PAR22) == 33
    assert kern(w, "BW", "locaties", "2019", "TOTAAL", PAR22) == 36
    assert kern(w, "MO", "locaties", "2018", "TOTAAL", PAR22) == 8
    # the eight MO locations counted from the published capaciteit table, per gemeente too
    assert kern(w, "MO", "locaties", "2018", "TOTAAL", "capaciteit") == 8
    per_gemeente = {code: kern(w, "MO", "locaties", "2018", code, "capaciteit")
                    for code in ("GM0034", "GM0995", "GM0171", "GM0303", "GM0184", "GM0050")}
    assert per_gemeente == {"GM0034": 3, "GM0995": 4, "GM0171": 1, "GM0303": 0, "GM0184": 0,
                            "GM0050": 0}
    assert kern(w, "MO", "capaciteit", "2018", "TOTAAL", "capaciteit") == 105


def test_oranje_huis_places_as_published_without_a_made_up_total(shipped_warehouse):
    w = shipped_warehouse
    for product, plekken in (("Crisisopvang", 10), ("Noodbed", 2), ("Begeleid wonen", 15)):
        assert kern(w, "VO", "plekken", "2019", "GM0034", PAR22, f"product={product}") == plekken
    # the document prints no total: none is derived under its name
    assert kern(w, "VO", "plekken", "2019", "GM0034", PAR22) is None
    assert kern(w, "VO", "plekken", "2019", "TOTAAL", PAR22) is None


@pytest.fixture(scope="module")
def klein(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hand-made capaciteit (peildatum 2020-01-15):
    - BW Almere 'Huis A' 10 places, and 'huis a' (another case) 2 places for one cluster: one
      location; - BW Almere 'Huis B' 0 places: not a location; - BW Lelystad 'Huis C' 4 places
      until 2019-12-30: gone at the end of 2019-K4; - BW Lelystad 'Huis A' 3 places: another
      location than Almere's 'Huis A' (a location is a name within a gemeente)."""
    root = tmp_path_factory.mktemp("locaties")
    write(root / "raw" / "capaciteit" / "capaciteit_zorg_2020-01-15.csv", CAPACITEIT_HEADER, [
        "BW;Zorg;Huis A;Almere;BW midden;;10;2019-01-01;",
        "BW;Zorg;huis a;Almere;BW midden;Autisme;2;2019-01-01;",
        "BW;Zorg;Huis B;Almere;BW midden;;0;2019-01-01;",
        "BW;Zorg;Huis C;Lelystad;BW hoog;;4;2019-01-01;2019-12-30",
        "BW;Zorg;Huis A;Lelystad;BW hoog;;3;2019-01-01;",
    ])
    pad = root / "w.duckdb"
    build(root / "raw", pad, settings.REFERENCE_DIR)
    return pad


def test_locations_counted_by_hand(klein):
    # 2019-K3: Almere Huis A (two rows, one location); Lelystad Huis C and Huis A
    assert kern(klein, "BW", "locaties", "2019-K3", "GM0034", "capaciteit") == 1
    assert kern(klein, "BW", "locaties", "2019-K3", "GM0995", "capaciteit") == 2
    assert kern(klein, "BW", "locaties", "2019-K3", "TOTAAL", "capaciteit") == 3
    # Huis C closed on 2019-12-30: not valid at the end of 2019-K4 nor of 2019
    for periode in ("2019-K4", "2019"):
        assert kern(klein, "BW", "locaties", periode, "GM0995", "capaciteit") == 1
        assert kern(klein, "BW", "locaties", periode, "TOTAAL", "capaciteit") == 2
    # by product and cluster
    assert kern(klein, "BW", "locaties", "2019-K4", "TOTAAL", "capaciteit",
                "product=BW midden") == 1
    assert kern(klein, "BW", "locaties", "2019-K4", "TOTAAL", "capaciteit",
                "cluster=Autisme") == 1
    # a municipality without a location: 0, where the region has some
    assert kern(klein, "BW", "locaties", "2019-K4", "GM0050", "capaciteit") == 0


def test_the_view_lists_each_location_with_its_places(klein):
    gevonden = rows(klein, "SELECT gemeente, locatie, product, cluster, plekken, bron "
                    "FROM locaties WHERE periode = '2019-K4' ORDER BY ALL")
    assert gevonden == [
        ("Almere", "Huis A", "BW midden", None, 10, "capaciteit_zorg_2020-01-15.csv"),
        ("Almere", "Huis B", "BW midden", None, 0, "capaciteit_zorg_2020-01-15.csv"),
        ("Almere", "huis a", "BW midden", "Autisme", 2, "capaciteit_zorg_2020-01-15.csv"),
        ("Lelystad", "Huis A", "BW hoog", None, 3, "capaciteit_zorg_2020-01-15.csv"),
    ]
    kolommen = [c for (c,) in rows(klein, "SELECT column_name FROM duckdb_columns() WHERE "
                                   "table_name = 'locaties' ORDER BY column_index")]
    assert kolommen == ["voorziening", "periode", "periode_type", "aanbieder", "locatie",
                        "product", "cluster", "plekken", "gemeentecode", "gemeente", "bron",
                        "demo"]


def test_locations_are_not_suppressed_but_published_per_gemeente():
    import pandas as pd

    from publicatie import suppressie

    publicatie = suppressie.lees_publicatie()
    assert "locaties" in publicatie.vrijgesteld
    kc = pd.DataFrame([dict(voorziening="BW", indicator="locaties", periode="2019-K4",
                            periode_type="kwartaal", gemeentecode="GM0184", gemeente="Urk",
                            perspectief="verblijf", dimensie=None, waarde=1.0,
                            bron="capaciteit", demo=False)])
    uit = suppressie.beveilig(kc, "2019-K4", publicatie)
    assert len(uit) == 1 and not uit["onderdrukt"].iloc[0] and uit["waarde"].iloc[0] == 1
