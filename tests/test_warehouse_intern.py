"""Two faces of the warehouse (issue 9, point 7): the public warehouse, the file advisors
open, holds the view `kerncijfers` and aggregates only; the per-client rows (raw_trajecten,
stg_trajecten) live in the internal store next to it, `intern/<stem>-intern.duckdb`.

The named queries that read stg_trajecten before now read marts; the queries as they were are
copied below and run on the internal store, the new ones on the public warehouse, and the
frames must be identical for every parameter set the pages use: on the shipped data and on a
small hand-made warehouse with the edge cases (month ends, a later extract, a voorziening
whose last quarter is not whole, waiting and afgemeld trajecten, BUITEN and ONBEKEND).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from warehousehulp import CAPACITEIT_HEADER, TRAJECTEN_HEADER, write

from etl import datatests, settings
from etl.__main__ import main
from etl.build import PUBLIEKE_TABELLEN, build, intern_pad, needs_build
from etl.problems import BuildFailed

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "monitor" / "queries"
GELDERLAND = Path(__file__).parent / "fixtures" / "centraal_gelderland" / "reference"

# Exactly what the public warehouse holds (name, kind): nothing per client, no raw_/stg_.
OPENBAAR = {
    ("bronbestanden", "BASE TABLE"), ("correcties", "BASE TABLE"),
    ("kerncijfers", "VIEW"), ("mart_kerncijfers", "BASE TABLE"),
    ("mart_trajecten", "BASE TABLE"), ("mart_tellingen", "BASE TABLE"),
    ("mart_capaciteit", "BASE TABLE"), ("mart_bezettingsgraad", "BASE TABLE"),
    ("mart_capaciteit_locaties", "BASE TABLE"), ("mart_instroom_kruis", "BASE TABLE"),
    ("mart_uitstroom_stromen", "BASE TABLE"), ("mart_uitstroom_verblijfsduur", "BASE TABLE"),
    ("meta", "BASE TABLE"), ("periodes", "BASE TABLE"), ("periodes_trajecten", "BASE TABLE"),
    ("ref_gemeenten", "BASE TABLE"), ("ref_gemeentenamen", "BASE TABLE"),
    ("ref_inwoners", "BASE TABLE"), ("ref_gemeentegrenzen", "BASE TABLE"),
    ("verblijfsduurklassen", "BASE TABLE"),
    # the sparse trajecten marts: the herkomst x verblijf cross, and what the zeros of
    # kerncijfers are filled from when read
    ("mart_herkomst_verblijf", "BASE TABLE"), ("mart_trajecten_nullen", "VIEW"),
    ("trajecten_uitsplitsingen", "BASE TABLE"), ("nulrooster_perioden", "BASE TABLE"),
    ("nulrooster_gemeenten", "BASE TABLE"), ("nulrooster_dimensies", "BASE TABLE"),
    ("ref_inwoners_regio", "BASE TABLE"), ("kerncijfers_structuur", "BASE TABLE"),
    # Weer Thuis and the number of locations (etl/sql/27, 23), and the public view of
    # places per location
    ("mart_weer_thuis", "BASE TABLE"), ("mart_locaties", "BASE TABLE"), ("locaties", "VIEW"),
    # the forecast, apart from the observed figures (etl/sql/40_prognose.sql)
    ("prognose", "BASE TABLE"), ("prognose_backtest", "BASE TABLE"),
}
PER_CLIENT = {"traject_id", "datum_aanmelding", "datum_instroom", "datum_uitstroom",
              "datum_afgemeld", "leeftijdsklasse", "geslacht", "met_kinderen"}

# --- the named queries as they were, over stg_trajecten / raw_capaciteit / stg_capaciteit ---

OUD_INSTROOM_KRUIS = """\
-- For one product: aanmeldingen by aanmelding_type and instroom by cluster per quarter, the
-- breakdowns that kerncijfers does not cross with product. Counts per municipality only,
-- with the same period rules as mart_trajecten (whole quarters up to the latest peildatum).
WITH trajecten AS (
    SELECT * FROM stg_trajecten
    WHERE voorziening = $voorziening AND product = $product
),
levering AS (
    SELECT max(peildatum) AS peildatum FROM stg_trajecten WHERE voorziening = $voorziening
),
kwartalen AS (
    SELECT p.periode, p.start, p.eind
    FROM periodes_trajecten AS p
    CROSS JOIN levering AS l
    WHERE p.periode_type = 'kwartaal'
      AND p.eind <= l.peildatum
      AND p.periode BETWEEN $van AND $tot
),
aanmeldingen AS (
    SELECT k.periode, 'aanmeldingen' AS indicator, t.herkomstgemeente,
           NULL::VARCHAR AS verblijfsgemeente, t.aanmelding_type AS categorie,
           count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_aanmelding BETWEEN k.start AND k.eind
    GROUP BY ALL
),
instroom AS (
    SELECT k.periode, 'instroom' AS indicator, t.herkomstgemeente, t.verblijfsgemeente,
           t.cluster AS categorie, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_instroom BETWEEN k.start AND k.eind
    WHERE t.cluster IS NOT NULL
    GROUP BY ALL
),
final AS (
    SELECT * FROM aanmeldingen
    UNION ALL
    SELECT * FROM instroom
)
SELECT * FROM final
ORDER BY indicator, periode, herkomstgemeente, verblijfsgemeente, categorie
"""

OUD_UITSTROOM_STROMEN = """\
-- For one product: uitstroom per quarter by herkomst, verblijf and bestemming, because
-- kerncijfers does not cross product with bestemming or with the herkomst split of the
-- verblijf rows. Counts only, with the period rules of mart_trajecten.
WITH trajecten AS (
    SELECT * FROM stg_trajecten
    WHERE voorziening = $voorziening AND product = $product
),
levering AS (
    SELECT max(peildatum) AS peildatum FROM stg_trajecten WHERE voorziening = $voorziening
),
kwartalen AS (
    SELECT p.periode, p.start, p.eind
    FROM periodes_trajecten AS p
    CROSS JOIN levering AS l
    WHERE p.periode_type = 'kwartaal'
      AND p.eind <= l.peildatum
      AND p.periode BETWEEN $van AND $tot
),
final AS (
    SELECT k.periode, t.herkomstgemeente, t.verblijfsgemeente,
           t.uitstroombestemming AS bestemming, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_uitstroom BETWEEN k.start AND k.eind
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY periode, herkomstgemeente, verblijfsgemeente, bestemming
"""

OUD_UITSTROOM_VERBLIJFSDUUR = """\
-- How long the trajecten that left in the selected quarters stayed, in classes: the warehouse
-- holds only the median. Only counts per class leave the warehouse. `$alle` counts the whole
-- region (herkomst BUITEN and ONBEKEND included, as the TOTAAL rows of kerncijfers do);
-- otherwise the selected municipalities in the chosen perspective.
WITH klassen AS (
    SELECT * FROM (VALUES
        (1, '< 3 maanden', INTERVAL 0 MONTH, INTERVAL 3 MONTH),
        (2, '3-6 maanden', INTERVAL 3 MONTH, INTERVAL 6 MONTH),
        (3, '6-12 maanden', INTERVAL 6 MONTH, INTERVAL 12 MONTH),
        (4, '1-2 jaar', INTERVAL 12 MONTH, INTERVAL 24 MONTH),
        (5, '2-3 jaar', INTERVAL 24 MONTH, INTERVAL 36 MONTH),
        (6, '> 3 jaar', INTERVAL 36 MONTH, NULL)
    ) AS k(volgorde, klasse, vanaf, tot)
),
levering AS (
    SELECT max(peildatum) AS peildatum FROM stg_trajecten WHERE voorziening = $voorziening
),
periode AS (
    SELECT min(p.start) AS start, max(p.eind) AS eind
    FROM periodes_trajecten AS p
    CROSS JOIN levering AS l
    WHERE p.periode_type = 'kwartaal'
      AND p.eind <= l.peildatum
      AND p.periode BETWEEN $van AND $tot
),
uitgestroomd AS (
    SELECT t.datum_instroom, t.datum_uitstroom
    FROM stg_trajecten AS t
    CROSS JOIN periode AS p
    WHERE t.voorziening = $voorziening
      AND ($product IS NULL OR t.product = $product)
      AND t.datum_uitstroom BETWEEN p.start AND p.eind
      AND (
          $alle
          OR ($perspectief = 'herkomst' AND list_contains($gemeenten, t.herkomstgemeente))
          OR ($perspectief = 'verblijf' AND list_contains($gemeenten, t.verblijfsgemeente))
      )
),
ingedeeld AS (
    -- by calendar months, so "3 maanden" means the same date three months later
    SELECT k.volgorde, count(u.datum_uitstroom) AS aantal
    FROM klassen AS k
    LEFT JOIN uitgestroomd AS u
        ON u.datum_uitstroom >= u.datum_instroom + k.vanaf
        AND (k.tot IS NULL OR u.datum_uitstroom < u.datum_instroom + k.tot)
    GROUP BY k.volgorde
),
final AS (
    SELECT k.volgorde, k.klasse, coalesce(i.aantal, 0) AS aantal
    FROM klassen AS k
    LEFT JOIN ingedeeld AS i USING (volgorde)
)
SELECT * FROM final
ORDER BY volgorde
"""

OUD_SPREIDING_LOCATIES = """\
-- Places per location valid at the end of one quarter (Spreiding page), for one
-- voorziening, the chosen municipalities and optionally one product. Like mart_capaciteit,
-- nothing is shown beyond the latest capaciteit delivery.
WITH kwartaal AS (
    SELECT eind FROM periodes WHERE periode = $kwartaal AND periode_type = 'kwartaal'
),
geleverd AS (
    SELECT max(peildatum) AS tot FROM raw_capaciteit
),
geldig AS (
    SELECT c.aanbieder, c.locatie, c.gemeentecode, c.product, c.cluster, c.plekken, c.demo
    FROM stg_capaciteit AS c, kwartaal AS k, geleverd AS g
    WHERE c.voorziening = $voorziening
      AND list_contains($gemeenten, c.gemeentecode)
      AND ($product IS NULL OR c.product = $product)
      AND c.geldig_vanaf <= k.eind
      AND (c.geldig_tot IS NULL OR c.geldig_tot >= k.eind)
      AND k.eind <= coalesce(g.tot, k.eind)
),
final AS (
    SELECT g.aanbieder, g.locatie, g.gemeentecode, n.gemeente, g.product, g.cluster,
           CAST(sum(g.plekken) AS BIGINT) AS plekken, bool_or(g.demo) AS demo
    FROM geldig AS g
    LEFT JOIN ref_gemeentenamen AS n USING (gemeentecode)
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY gemeente, aanbieder, locatie, product, cluster
"""


def _sql(naam: str) -> str:
    return (QUERIES / f"{naam}.sql").read_text(encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _staat(warehouse: Path) -> tuple:
    """Both files byte for byte, their times, and what else lies in their folders."""
    intern = intern_pad(warehouse)
    return (_sha256(warehouse), warehouse.stat().st_mtime_ns, _sha256(intern),
            intern.stat().st_mtime_ns, sorted(os.listdir(warehouse.parent)),
            sorted(os.listdir(intern.parent)))


def _rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- a small hand-made warehouse ---------------------------------------------------------------

HEADER = TRAJECTEN_HEADER + ";leeftijdsklasse;geslacht;met_kinderen"
BW_2020 = [
    # exactly 3 months: the second class; left in 2020-K2
    "B1;BW;BW midden;Autisme;Nieuw;Arnhem;Arnhem;Huis A;15-10-2019;15-01-2020;;15-04-2020;"
    "Zelfstandig wonen;23-26;M;nee",
    # one day short of 3 months: the first class; lives elsewhere than it comes from
    "B2;BW;BW midden;Autisme;Nieuw;Arnhem;Rheden;Huis R;01-12-2019;15-01-2020;;14-04-2020;"
    "Begeleid wonen;27-49;V;ja",
    # exactly 3 years
    "B3;BW;BW hoog;;Verlenging;Rheden;Arnhem;Huis A;01-06-2017;30-06-2017;;30-06-2020;Wlz;50+;M;",
    # one day short of 2 years, from outside the region
    "B4;BW;BW hoog;Psychiatrie regulier;Nieuw;BUITEN;Arnhem;Huis A;01-05-2018;30-06-2018;;"
    "29-06-2020;Anders;;;",
    # 30-11 + 3 months is 29-02 (a leap year's month end); instroom before trajecten_vanaf
    "B5;BW;BW midden;Psychose en schizofrenie;Nieuw;ONBEKEND;Renkum;;01-09-2019;30-11-2019;;"
    "29-02-2020;Klinische opname;;;",
    "B6;BW;BW midden;;Nieuw;Zevenaar;;;15-11-2020;;;;;18-22;X;nee",  # waiting
    "B7;BW;BW midden;Autisme;Nieuw;Duiven;;;01-03-2020;;15-05-2020;;;;;",  # afgemeld
    "B8;BW;Combinatie;Autisme;Verlenging;Arnhem;Arnhem;Huis A;01-07-2020;01-08-2020;;;;;;",
    "B9;BW;BW midden;;Nieuw;Rheden;Rheden;Huis R;01-01-2020;01-02-2020;;;;;;",
]
BW_2021 = [  # peildatum 15-02-2021: 2021-K1 is not whole, so nothing of it is counted
    BW_2020[0],
    # the later extract gives B9 a cluster and an uitstroom in 2021-K1
    "B9;BW;BW midden;Autisme;Nieuw;Rheden;Rheden;Huis R;01-01-2020;01-02-2020;;10-01-2021;"
    "Zelfstandig wonen;;;",
    "B10;BW;BW hoog;;Nieuw;Arnhem;;;05-01-2021;;;;;;;",
]
MO_2021 = [
    "M1;MO;Nachtopvang;;Nieuw;Arnhem;Arnhem;Opvang A;01-01-2020;02-01-2020;;03-01-2020;Anders;;;",
    "M2;MO;Crisisopvang;;Nieuw;BUITEN;Rheden;Opvang R;10-03-2020;20-03-2020;;20-09-2020;"
    "Begeleid wonen;;;",
    "M3;MO;Crisisopvang;;Nieuw;Arnhem;Arnhem;Opvang A;01-02-2021;02-02-2021;;15-03-2021;"
    "Zelfstandig wonen;;;",
    "M4;MO;Nachtopvang;;Verlenging;Zevenaar;;;01-12-2020;;;;;;;",
    "M5;MO;Nachtopvang;;Nieuw;Renkum;Arnhem;;01-10-2020;05-10-2020;;;;;;",
]
CAPACITEIT_2020 = [
    "BW;Aanbieder A;Huis A;Arnhem;BW midden;;10;01-01-2020;",
    "BW;Aanbieder A;Huis A;Arnhem;BW hoog;;4;01-01-2020;30-06-2020",
    "BW;Aanbieder B;Huis R;Rheden;;Autisme;6;01-07-2020;",
    "MO;Opvang;Opvang A;Arnhem;;;8;01-01-2019;",
]
CAPACITEIT_2021 = ["BW;Aanbieder A;Huis A;Arnhem;BW midden;;12;01-01-2020;"]  # replaces 10


def _handgemaakt(raw: Path) -> None:
    write(raw / "trajecten" / "trajecten_zorg_2020-12-31.csv", HEADER, BW_2020)
    write(raw / "trajecten" / "trajecten_zorg_2021-02-15.csv", HEADER, BW_2021)
    write(raw / "trajecten" / "trajecten_opvang_2021-03-31.csv", HEADER, MO_2021)
    write(raw / "capaciteit" / "capaciteit_aanbieders_2020-12-31.csv", CAPACITEIT_HEADER,
          CAPACITEIT_2020)
    write(raw / "capaciteit" / "capaciteit_aanbieders_2021-01-15.csv", CAPACITEIT_HEADER,
          CAPACITEIT_2021)


@pytest.fixture(scope="module")
def klein(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse of the hand-made files (its internal store next to it)."""
    base = tmp_path_factory.mktemp("klein")
    _handgemaakt(base / "raw")
    warehouse = base / "wh" / "w.duckdb"
    build(base / "raw", warehouse, GELDERLAND)
    return warehouse


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    _handgemaakt(tmp_path / "raw")
    return tmp_path / "raw"


# --- what is in which file ---------------------------------------------------------------------


def test_intern_pad_is_next_to_the_warehouse():
    assert intern_pad(Path("/x/data/warehouse.duckdb")) == Path(
        "/x/data/intern/warehouse-intern.duckdb")
    assert intern_pad(settings.WAREHOUSE) == settings.INTERN_WAREHOUSE


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_the_public_warehouse_holds_exactly_the_aggregates(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    tabellen = set(_rows(warehouse, "SELECT table_name, table_type FROM information_schema.tables"))
    assert tabellen == OPENBAAR
    assert set(PUBLIEKE_TABELLEN) == {n for n, soort in OPENBAAR if soort == "BASE TABLE"}
    assert _rows(warehouse, "SELECT function_name FROM duckdb_functions() "
                 "WHERE NOT internal AND database_name = current_database()") == []
    kolommen = _rows(warehouse, "SELECT table_name, column_name FROM duckdb_columns() "
                     "WHERE database_name = current_database()")
    assert {c for _, c in kolommen} & PER_CLIENT == set()
    # a location has places, not clients: `locatie` only where places per location are
    assert {t for t, c in kolommen if c == "locatie"} == {"mart_capaciteit_locaties", "locaties"}


def test_the_internal_store_holds_the_per_client_rows(klein):
    intern = intern_pad(klein)
    assert intern == klein.parent / "intern" / "w-intern.duckdb"
    # 9 + 3 + 5 rows delivered; 10 BW and 5 MO trajecten after the later extract wins
    assert _rows(intern, "SELECT count(*) FROM raw_trajecten") == [(17,)]
    assert _rows(intern, "SELECT voorziening, count(*) FROM stg_trajecten GROUP BY ALL "
                 "ORDER BY ALL") == [("BW", 10), ("MO", 5)]
    assert _rows(intern, "SELECT cluster, datum_uitstroom::VARCHAR, leeftijdsklasse "
                 "FROM stg_trajecten WHERE traject_id IN ('B9', 'B1') ORDER BY traject_id") == [
        ("Autisme", "2020-04-15", "23-26"), ("Autisme", "2021-01-10", None)]
    tabellen = {t for (t,) in _rows(intern, "SELECT table_name FROM information_schema.tables")}
    assert tabellen >= {n for n, _ in OPENBAAR} | {
        "raw_trajecten", "raw_tellingen", "raw_capaciteit", "stg_trajecten", "stg_tellingen",
        "stg_capaciteit"}
    if sys.platform != "win32":  # only its owner may open it
        assert intern.stat().st_mode & 0o777 == 0o600
        assert intern.parent.stat().st_mode & 0o777 == 0o700


def test_the_shipped_internal_store_has_every_row(shipped_warehouse):
    intern = intern_pad(shipped_warehouse)
    [(geleverd,)] = _rows(shipped_warehouse, "SELECT sum(rijen) FROM bronbestanden "
                          "WHERE soort = 'trajecten'")
    assert _rows(intern, "SELECT count(*) FROM raw_trajecten") == [(geleverd,)]
    assert _rows(intern, "SELECT count(*) FROM stg_trajecten") == _rows(
        intern, "SELECT count(DISTINCT (voorziening, traject_id)) FROM raw_trajecten")
    assert geleverd > 1000


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_kerncijfers_and_meta_are_the_same_in_both(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    intern = intern_pad(warehouse)
    for sql in ("SELECT * FROM kerncijfers ORDER BY ALL", "SELECT * FROM meta ORDER BY ALL",
                "SELECT sql FROM duckdb_views() WHERE view_name = 'kerncijfers'",
                "SELECT * FROM mart_instroom_kruis ORDER BY ALL"):
        assert _rows(warehouse, sql) == _rows(intern, sql)
    assert len(_rows(warehouse, "SELECT * FROM kerncijfers")) > 100


def test_the_marts_count_what_the_trajecten_say(klein):
    """The hand-made trajecten counted by hand."""
    assert _rows(klein, "SELECT periode, herkomstgemeente, volgorde, aantal "
                 "FROM mart_uitstroom_verblijfsduur WHERE voorziening = 'BW' ORDER BY ALL") == [
        ("2020-K1", "ONBEKEND", 2, 1),  # B5: 30-11 + 3 months = 29-02
        ("2020-K2", "BUITEN", 4, 1),  # B4
        ("2020-K2", "GM0202", 1, 1),  # B2
        ("2020-K2", "GM0202", 2, 1),  # B1
        ("2020-K2", "GM0275", 6, 1),  # B3
    ]  # B9 left in 2021-K1, beyond the last whole BW quarter
    assert _rows(klein, "SELECT periode, product, indicator, categorie, sum(aantal) "
                 "FROM mart_instroom_kruis WHERE voorziening = 'BW' GROUP BY ALL ORDER BY ALL") == [
        ("2020-K1", "BW midden", "aanmeldingen", "Nieuw", 2),  # B7, B9
        ("2020-K1", "BW midden", "instroom", "Autisme", 3),  # B1, B2, B9 (later extract)
        ("2020-K3", "Combinatie", "aanmeldingen", "Verlenging", 1),
        ("2020-K3", "Combinatie", "instroom", "Autisme", 1),
        ("2020-K4", "BW midden", "aanmeldingen", "Nieuw", 1),  # B6
    ]
    assert _rows(klein, "SELECT periode, locatie, product, plekken FROM mart_capaciteit_locaties "
                 "WHERE voorziening = 'BW' AND periode IN ('2020-K2', '2020-K4') ORDER BY ALL") == [
        ("2020-K2", "Huis A", "BW hoog", 4), ("2020-K2", "Huis A", "BW midden", 12),
        ("2020-K4", "Huis A", "BW midden", 12), ("2020-K4", "Huis R", None, 6)]
    # no quarter beyond the latest capaciteit delivery (15-01-2021)
    assert _rows(klein, "SELECT max(periode) FROM mart_capaciteit_locaties") == [("2020-K4",)]


# --- the named queries: identical answers ------------------------------------------------------


def _vergelijk(warehouse: Path, naam: str, oud: str, parametersets: list[dict]) -> int:
    """Run the old query on the internal store and the new one on the public warehouse for
    every parameter set; the frames must be identical. Returns the rows compared."""
    nieuw, rijen = _sql(naam), 0
    with (duckdb.connect(str(intern_pad(warehouse)), read_only=True) as intern,
          duckdb.connect(str(warehouse), read_only=True) as publiek):
        for params in parametersets:
            verwacht = intern.execute(oud, params).df()
            gekregen = publiek.execute(nieuw, params).df()
            try:
                pd.testing.assert_frame_equal(gekregen, verwacht, check_exact=True)
            except AssertionError as fout:
                raise AssertionError(f"{naam} {params}: {fout}") from None
            rijen += len(verwacht)
    return rijen


def _opzet(warehouse: Path) -> tuple[list[str], list[str]]:
    """The quarters of the trajecten periods and the region's municipalities."""
    kwartalen = [p for (p,) in _rows(warehouse, "SELECT periode FROM periodes_trajecten "
                                     "WHERE periode_type = 'kwartaal' ORDER BY start")]
    gemeenten = [g for (g,) in _rows(warehouse, "SELECT gemeentecode FROM ref_gemeenten "
                                     "ORDER BY volgorde")]
    return kwartalen, gemeenten


def _bereiken(kwartalen: list[str]) -> list[tuple[str, str]]:
    """(van, tot) as the pages ask: everything, a quarter before the first (the tiles compare
    with the quarter before), one quarter, the last part, nothing (tot before van), beyond."""
    eerste, laatste, midden = kwartalen[0], kwartalen[-1], kwartalen[len(kwartalen) // 2]
    return [(eerste, laatste), ("0000-K1", "9999-K4"), (midden, midden), (midden, laatste),
            (laatste, eerste), ("2040-K1", "2041-K4"), (kwartalen[1], kwartalen[2])]


def _product_sets(kwartalen: list[str]) -> list[dict]:
    return [{"voorziening": v, "product": p, "van": van, "tot": tot}
            for v in ("BW", "MO", "VO") for p in settings.PRODUCTEN[v]
            for van, tot in _bereiken(kwartalen)]


def _verblijfsduur_sets(kwartalen: list[str], gemeenten: list[str]) -> list[dict]:
    """Every range and choice of municipalities for all products; fewer per product."""
    keuzes = [(gemeenten, True), (gemeenten[:1], False), (gemeenten[1:3], False),
              (gemeenten[:-1], False)]
    sets = []
    for v in ("BW", "MO", "VO"):
        combinaties = [
            *itertools.product([None], _bereiken(kwartalen), keuzes),
            *itertools.product(settings.PRODUCTEN[v], _bereiken(kwartalen)[:3], keuzes[:3]),
        ]
        for (product, (van, tot), (codes, alle)), perspectief in itertools.product(
            combinaties, ("herkomst", "verblijf")
        ):
            sets.append({"voorziening": v, "product": product, "van": van, "tot": tot,
                         "gemeenten": list(codes), "perspectief": perspectief, "alle": alle})
    return sets


def _locatie_sets(warehouse: Path, gemeenten: list[str]) -> list[dict]:
    kwartalen = [p for (p,) in _rows(warehouse, "SELECT periode FROM periodes "
                                     "WHERE periode_type = 'kwartaal' ORDER BY start")]
    return [{"voorziening": v, "kwartaal": k, "gemeenten": list(codes), "product": product}
            for v in ("BW", "MO", "VO") for product in (None, *settings.PRODUCTEN[v])
            for k in (kwartalen[0], kwartalen[len(kwartalen) // 2], kwartalen[-1], "2040-K1")
            for codes in (gemeenten, gemeenten[:2])]


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_instroom_kruis_answers_as_before(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    kwartalen, _ = _opzet(warehouse)
    assert _vergelijk(warehouse, "instroom_kruis", OUD_INSTROOM_KRUIS,
                      _product_sets(kwartalen)) > 0


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_uitstroom_stromen_answers_as_before(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    kwartalen, _ = _opzet(warehouse)
    assert _vergelijk(warehouse, "uitstroom_stromen", OUD_UITSTROOM_STROMEN,
                      _product_sets(kwartalen)) > 0


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_uitstroom_verblijfsduur_answers_as_before(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    kwartalen, gemeenten = _opzet(warehouse)
    sets = _verblijfsduur_sets(kwartalen, gemeenten)
    _vergelijk(warehouse, "uitstroom_verblijfsduur", OUD_UITSTROOM_VERBLIJFSDUUR, sets)
    # and not only zeros: the whole region over all quarters has people in several classes
    with duckdb.connect(str(warehouse), read_only=True) as con:
        alles = con.execute(_sql("uitstroom_verblijfsduur"), {**sets[0], "product": None}).df()
    assert (alles["aantal"] > 0).sum() >= 3


def test_uitstroom_verblijfsduur_by_hand(klein):
    with duckdb.connect(str(klein), read_only=True) as con:
        def tel(**params) -> list[int]:
            basis = {"voorziening": "BW", "product": None, "van": "2020-K1", "tot": "2021-K1",
                     "gemeenten": ["GM0202"], "perspectief": "herkomst", "alle": True}
            return con.execute(_sql("uitstroom_verblijfsduur"),
                               {**basis, **params}).df()["aantal"].tolist()

        assert tel() == [1, 2, 0, 1, 0, 1]
        assert tel(alle=False) == [1, 1, 0, 0, 0, 0]  # B1, B2
        assert tel(alle=False, perspectief="verblijf") == [0, 1, 0, 1, 0, 1]  # B1, B4, B3
        assert tel(product="BW hoog") == [0, 0, 0, 1, 0, 1]
        assert tel(van="2020-K1", tot="2020-K1") == [0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize("welke", ["shipped", "klein"])
def test_spreiding_locaties_answers_as_before(welke, shipped_warehouse, klein):
    warehouse = shipped_warehouse if welke == "shipped" else klein
    _, gemeenten = _opzet(warehouse)
    assert _vergelijk(warehouse, "spreiding_locaties", OUD_SPREIDING_LOCATIES,
                      _locatie_sets(warehouse, gemeenten)) > 0


# --- publishing both files together ------------------------------------------------------------


def test_a_refused_file_leaves_both_files_byte_identical(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "wh" / "w.duckdb"
    build(raw, warehouse, GELDERLAND)
    before = _staat(warehouse)
    assert before[4:] == (["intern", "w.duckdb"], ["w-intern.duckdb"])
    write(raw / "trajecten" / "trajecten_zorg_2021-03-31.csv", HEADER,
          ["X1;BW;BW midden;;Nieuw;Amsterdam;;;01-01-2021;;;;;;;"])
    with pytest.raises(BuildFailed, match="geweigerd"):
        build(raw, warehouse, GELDERLAND)
    assert _staat(warehouse) == before


def test_a_failing_data_test_leaves_both_files_byte_identical(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "wh" / "w.duckdb"
    build(raw, warehouse, GELDERLAND)
    before = _staat(warehouse)
    # a data test on the per-client rows runs on the full build, before anything is published
    monkeypatch.setitem(datatests.TESTS, "altijd fout (test)",
                        "SELECT traject_id FROM stg_trajecten LIMIT 1")
    write(raw / "capaciteit" / "capaciteit_aanbieders_2021-03-31.csv", CAPACITEIT_HEADER,
          ["VO;Aanbieder C;Huis C;Arnhem;;;3;01-01-2021;"])
    with pytest.raises(BuildFailed, match="altijd fout"):
        build(raw, warehouse, GELDERLAND)
    assert _staat(warehouse) == before


def test_a_public_file_with_client_rows_is_never_published(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The last guard: were a per-client table listed as public by mistake, the build stops
    and both files stay as they were."""
    warehouse = tmp_path / "wh" / "w.duckdb"
    build(raw, warehouse, GELDERLAND)
    before = _staat(warehouse)
    monkeypatch.setattr("etl.build.PUBLIEKE_TABELLEN", (*PUBLIEKE_TABELLEN, "stg_trajecten"))
    with pytest.raises(BuildFailed) as failed:
        build(raw, warehouse, GELDERLAND)
    assert "stg_trajecten" in str(failed.value) and "traject_id" in str(failed.value)
    assert _staat(warehouse) == before


def test_datatests_publiek_names_what_may_not_go_out():
    with duckdb.connect() as con:
        con.execute("CREATE TABLE mart_x (gemeentecode VARCHAR, geslacht VARCHAR, "
                    "locatie VARCHAR)")
        con.execute("CREATE TABLE mart_capaciteit_y (locatie VARCHAR)")
        assert datatests.publiek(con, ["mart_x", "mart_capaciteit_y"]) == [
            "openbare warehouse: kolom geslacht in mart_x beschrijft een cliënt",
            "openbare warehouse: kolom locatie in mart_x beschrijft een cliënt",
        ]
        assert datatests.publiek(con, ["mart_capaciteit_y"]) == [
            "openbare warehouse: niet toegestane tabellen ['mart_x']",
            "openbare warehouse: kolom geslacht in mart_x beschrijft een cliënt",
            "openbare warehouse: kolom locatie in mart_x beschrijft een cliënt",
        ]


def test_needs_build_sees_a_missing_or_foreign_internal_store(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "wh" / "w.duckdb"
    build(raw, warehouse, GELDERLAND)
    assert not needs_build(raw, GELDERLAND, warehouse)
    intern = intern_pad(warehouse)
    ouder = tmp_path / "ouder.duckdb"
    shutil.copy2(intern, ouder)
    intern.unlink()
    assert needs_build(raw, GELDERLAND, warehouse)
    build(raw, warehouse, GELDERLAND)
    assert not needs_build(raw, GELDERLAND, warehouse)
    # an internal store of another build (its meta differs) does not belong to this warehouse
    shutil.copy2(ouder, intern)
    assert needs_build(raw, GELDERLAND, warehouse)


def test_status_reports_the_internal_store(raw: Path, tmp_path: Path, capsys):
    warehouse = tmp_path / "wh" / "w.duckdb"
    result = build(raw, warehouse, GELDERLAND)
    assert result.intern == intern_pad(warehouse)
    capsys.readouterr()
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert f"Interne opslag {result.intern} (gegevens per cliënt: nooit delen)" in out
    assert f"versie {result.versie}, van dezelfde bouw als de warehouse" in out
    result.intern.unlink()
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    assert "ontbreekt: bouw de warehouse opnieuw" in capsys.readouterr().out
