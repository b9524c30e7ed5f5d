"""Data tests run on every build before it is published; any failure stops the build.

Each test is a query that returns the offending rows (none = pass), as in dbt. `TESTS` run on
the full build (the internal store); `publiek` checks the public warehouse made from it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection

import duckdb

from etl import settings

KEY = "voorziening, indicator, periode, gemeentecode, perspectief, dimensie, bron"
COUNTS = "('aanmeldingen', 'instroom', 'uitstroom', 'clienten', 'bezetting', 'wachtlijst')"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


TESTS: dict[str, str] = {
    # On the stored figures (mart_kerncijfers): the zeros kerncijfers adds when read cannot
    # break these (0, known codes, keys of the nulrooster that no stored figure has), and
    # checking the whole view would fill every zero of a national warehouse.
    "kerncijfers is niet leeg": "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM mart_kerncijfers)",
    "kerncijfers: sleutel uniek": f"""
        SELECT {KEY}, count(*) FROM mart_kerncijfers GROUP BY ALL HAVING count(*) > 1""",
    "kerncijfers: verplichte kolommen gevuld": """
        SELECT * FROM mart_kerncijfers WHERE voorziening IS NULL OR indicator IS NULL
            OR periode IS NULL OR periode_type IS NULL OR gemeentecode IS NULL
            OR gemeente IS NULL OR perspectief IS NULL OR waarde IS NULL OR bron IS NULL
            OR demo IS NULL""",
    "kerncijfers: toegestane waarden": f"""
        SELECT voorziening, periode, periode_type, perspectief FROM mart_kerncijfers
        WHERE voorziening NOT IN {_in(settings.VOORZIENINGEN_TELLINGEN)}
            OR periode_type NOT IN ('maand', 'kwartaal', 'jaar')
            OR perspectief NOT IN ('herkomst', 'verblijf', 'regio')
            OR NOT regexp_full_match(periode, '\\d{{4}}(-K[1-4]|-(0[1-9]|1[0-2]))?')
            OR (periode_type = 'kwartaal') <> regexp_full_match(periode, '\\d{{4}}-K[1-4]')
            OR (periode_type = 'maand') <> regexp_full_match(periode, '\\d{{4}}-\\d{{2}}')
        UNION ALL
        SELECT voorziening, periode, periode_type, NULL FROM nulrooster_perioden
        WHERE NOT regexp_full_match(periode, '\\d{{4}}(-K[1-4])?')
            OR (periode_type = 'kwartaal') <> (length(periode) = 7)""",
    "kerncijfers: aantallen niet negatief": "SELECT * FROM mart_kerncijfers WHERE waarde < 0",
    # The zeros are one row per key only if the nulrooster's parts are sets without gaps.
    "nulrooster: elke sleutel één keer, volledig": """
        SELECT voorziening, periode, NULL AS b, count(*) FROM nulrooster_perioden
        GROUP BY ALL HAVING count(*) > 1
        UNION ALL
        SELECT voorziening, perspectief || ':' || gemeentecode, NULL, count(*)
        FROM nulrooster_gemeenten GROUP BY ALL HAVING count(*) > 1 OR gemeentecode IS NULL
        UNION ALL
        SELECT voorziening, dimensie, NULL, count(*) FROM nulrooster_dimensies
        GROUP BY ALL HAVING count(*) > 1""",
    "perspectief regio precies voor het regiototaal (trajecten, capaciteit); tellingen "
    "van TOTAAL regio": """
        SELECT voorziening, indicator, periode, gemeentecode, perspectief FROM (
            SELECT * FROM mart_trajecten UNION ALL SELECT * FROM mart_capaciteit
            UNION ALL SELECT * FROM mart_bezettingsgraad)
        WHERE (perspectief = 'regio') <> (gemeentecode = 'TOTAAL')
        UNION ALL
        SELECT voorziening, indicator, periode, gemeentecode, perspectief
        FROM mart_tellingen
        WHERE perspectief NOT IN ('herkomst', 'verblijf', 'regio')
           OR (gemeentecode = 'TOTAAL' AND perspectief <> 'regio')""",
    "trajecten: regiototaal = som van de gemeenten (herkomst, ook BUITEN/ONBEKEND)": f"""
        WITH d AS (SELECT * FROM mart_trajecten WHERE indicator IN {COUNTS})
        SELECT t.voorziening, t.indicator, t.periode, t.dimensie, t.waarde, s.som
        FROM d AS t
        JOIN (SELECT voorziening, indicator, periode, dimensie, sum(waarde) AS som
              FROM d WHERE perspectief = 'herkomst' GROUP BY ALL) AS s
          ON s.voorziening = t.voorziening AND s.indicator = t.indicator
          AND s.periode = t.periode AND s.dimensie IS NOT DISTINCT FROM t.dimensie
        WHERE t.gemeentecode = 'TOTAAL' AND t.waarde <> s.som""",
    "trajecten: regiototaal = som van de verblijfsgemeenten": """
        WITH d AS (SELECT * FROM mart_trajecten
                   WHERE indicator IN ('instroom', 'uitstroom', 'bezetting'))
        SELECT t.voorziening, t.indicator, t.periode, t.dimensie, t.waarde, s.som
        FROM d AS t
        JOIN (SELECT voorziening, indicator, periode, dimensie, sum(waarde) AS som
              FROM d WHERE perspectief = 'verblijf' GROUP BY ALL) AS s
          ON s.voorziening = t.voorziening AND s.indicator = t.indicator
          AND s.periode = t.periode AND s.dimensie IS NOT DISTINCT FROM t.dimensie
        WHERE t.gemeentecode = 'TOTAAL' AND t.waarde <> s.som""",
    "trajecten: totaal = som over aanmelding_type, product, bestemming en herkomst": f"""
        WITH d AS (SELECT * FROM mart_trajecten WHERE indicator IN {COUNTS}
                   UNION ALL SELECT * FROM mart_herkomst_verblijf)
        SELECT t.voorziening, t.indicator, t.periode, t.gemeentecode, s.naam, t.waarde, s.som
        FROM d AS t
        JOIN (SELECT voorziening, indicator, periode, gemeentecode, perspectief,
                     split_part(dimensie, '=', 1) AS naam, sum(waarde) AS som
              FROM d WHERE dimensie IS NOT NULL GROUP BY ALL) AS s
          ON s.voorziening = t.voorziening AND s.indicator = t.indicator
          AND s.periode = t.periode AND s.gemeentecode = t.gemeentecode
          AND s.perspectief = t.perspectief
        WHERE t.dimensie IS NULL
          AND s.naam IN ('aanmelding_type', 'product', 'bestemming', 'herkomstgemeente')
          AND t.waarde <> s.som""",
    "trajecten: elke periode heeft regiototalen": """
        WITH totaal AS (
            SELECT voorziening, periode FROM mart_trajecten
            WHERE gemeentecode = 'TOTAAL' AND indicator = 'bezetting' AND dimensie IS NULL
            UNION ALL
            SELECT voorziening, periode FROM mart_trajecten_nullen
            WHERE gemeentecode = 'TOTAAL' AND indicator = 'bezetting' AND dimensie IS NULL)
        SELECT p.voorziening, p.periode FROM nulrooster_perioden AS p
        ANTI JOIN totaal AS t ON t.voorziening = p.voorziening AND t.periode = p.periode""",
    "trajecten: percentages tussen 0 en 100": """
        SELECT * FROM mart_trajecten
        WHERE indicator LIKE '%\\_pct' ESCAPE '\\' AND (waarde < 0 OR waarde > 100)""",
    # One pass over mart_tellingen (grouped per key, the total and the municipalities side
    # by side): the earlier self-join did not finish on 1,000,000 tellingen rows.
    "tellingen: gemeenten samen niet meer dan het regiototaal (gelijk als alle gemeenten er zijn)":
    """
        WITH per_sleutel AS (
            SELECT bron, voorziening, indicator, periode, dimensie,
                   sum(waarde) FILTER (gemeentecode <> 'TOTAAL') AS som,
                   count(DISTINCT gemeentecode) FILTER (
                       gemeentecode IN (SELECT gemeentecode FROM ref_gemeenten)) AS gemeenten,
                   min(waarde) FILTER (gemeentecode = 'TOTAAL') AS totaal_min,
                   max(waarde) FILTER (gemeentecode = 'TOTAAL') AS totaal_max
            FROM mart_tellingen
            GROUP BY bron, voorziening, indicator, periode, dimensie
        )
        SELECT bron, voorziening, indicator, periode, dimensie, totaal_max AS waarde, som
        FROM per_sleutel
        WHERE totaal_min IS NOT NULL AND som IS NOT NULL AND NOT is_ratio(indicator)
          AND (som > totaal_min
               OR (gemeenten = (SELECT count(*) FROM ref_gemeenten)
                   AND (som <> totaal_min OR som <> totaal_max)))""",
    "capaciteit: geen overlappende geldigheid per locatie": """
        SELECT a.locatie, a.bestand, a.rij, b.bestand, b.rij
        FROM stg_capaciteit AS a
        JOIN stg_capaciteit AS b
          ON a.voorziening = b.voorziening AND lower(a.locatie) = lower(b.locatie)
          AND a.product IS NOT DISTINCT FROM b.product
          AND a.cluster IS NOT DISTINCT FROM b.cluster
          AND (a.bestand, a.rij) < (b.bestand, b.rij)
          AND a.geldig_vanaf <= coalesce(b.geldig_tot, DATE '9999-12-31')
          AND b.geldig_vanaf <= coalesce(a.geldig_tot, DATE '9999-12-31')""",
    "kruistabellen: per product en kwartaal gelijk aan mart_trajecten": """
        WITH kruis AS (
            SELECT 'mart_instroom_kruis' AS mart, voorziening, periode,
                   'product=' || product AS dimensie, sum(aantal) AS waarde
            FROM mart_instroom_kruis WHERE indicator = 'aanmeldingen' GROUP BY ALL
            UNION ALL
            SELECT 'mart_uitstroom_stromen', voorziening, periode, 'product=' || product,
                   sum(aantal)
            FROM mart_uitstroom_stromen GROUP BY ALL
            UNION ALL
            SELECT 'mart_uitstroom_verblijfsduur', voorziening, periode, 'product=' || product,
                   sum(aantal)
            FROM mart_uitstroom_verblijfsduur GROUP BY ALL
        ),
        verwacht AS (
            SELECT m.mart, t.voorziening, t.periode, t.dimensie, t.waarde
            FROM mart_trajecten AS t
            JOIN (VALUES ('mart_instroom_kruis', 'aanmeldingen'),
                         ('mart_uitstroom_stromen', 'uitstroom'),
                         ('mart_uitstroom_verblijfsduur', 'uitstroom')) AS m(mart, indicator)
              ON m.indicator = t.indicator
            WHERE t.periode_type = 'kwartaal' AND t.gemeentecode = 'TOTAAL'
              AND t.dimensie LIKE 'product=%' AND t.waarde <> 0
        )
        SELECT coalesce(k.mart, v.mart) AS mart, coalesce(k.voorziening, v.voorziening),
               coalesce(k.periode, v.periode), coalesce(k.dimensie, v.dimensie),
               k.waarde, v.waarde
        FROM kruis AS k
        FULL JOIN verwacht AS v
          ON v.mart = k.mart AND v.voorziening = k.voorziening AND v.periode = k.periode
          AND v.dimensie = k.dimensie
        WHERE k.waarde IS DISTINCT FROM v.waarde""",
    "staging: elke geladen rij komt terug": """
        SELECT 'trajecten' WHERE (SELECT count(DISTINCT (voorziening, traject_id))
                                  FROM raw_trajecten) <> (SELECT count(*) FROM stg_trajecten)""",
    # The prognose (sql/40_prognose.sql) lives in its own tables, never among the observed
    # figures, and only after the last observed quarter.
    "prognose: nooit in kerncijfers": """
        SELECT voorziening, indicator, bron FROM mart_kerncijfers
        WHERE indicator ILIKE '%prognose%' OR bron ILIKE '%prognose%'""",
    "prognose: vier kwartalen na het laatste waargenomen, binnen het eigen interval": """
        SELECT voorziening, indicator, periode, waarde FROM prognose AS p
        WHERE NOT (0 <= ondergrens AND ondergrens <= waarde AND waarde <= bovengrens)
            OR horizon NOT BETWEEN 1 AND 4
            OR periode <= (SELECT max(n.periode) FROM nulrooster_perioden AS n
                           WHERE n.voorziening = p.voorziening
                             AND n.periode_type = 'kwartaal')
        UNION ALL
        SELECT voorziening, indicator, NULL, count(*) FROM prognose
        GROUP BY ALL HAVING count(DISTINCT periode) <> 4 OR count(*) <> 4""",
    "prognose_backtest: alleen waargenomen kwartalen, horizon 1 of 4": """
        SELECT voorziening, indicator, periode, horizon FROM prognose_backtest AS b
        WHERE horizon NOT IN (1, 4) OR NOT EXISTS (
            SELECT 1 FROM nulrooster_perioden AS n
            WHERE n.voorziening = b.voorziening AND n.periode = b.periode)""",
}


# Columns that describe one client (or one traject); `locatie` is one too, except in the
# capacity tables and the public view `locaties`, where a location has places, not clients.
PER_CLIENT_KOLOMMEN = (
    "traject_id", "datum_aanmelding", "datum_instroom", "datum_afgemeld", "datum_uitstroom",
    "leeftijdsklasse", "geslacht", "met_kinderen", "locatie",
)


def publiek(con: duckdb.DuckDBPyConnection, toegestaan: Collection[str]) -> list[str]:
    """What keeps the open file `con` from being the public warehouse: a table, view or macro
    not in `toegestaan`, or a column that describes one client. Empty when it may go out."""
    failures = []
    namen = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal "
        "UNION ALL SELECT function_name FROM duckdb_functions() "
        "WHERE database_name = current_database() AND NOT internal"
    ).fetchall()
    if extra := sorted({n for (n,) in namen} - set(toegestaan)):
        failures.append(f"openbare warehouse: niet toegestane tabellen {extra}")
    kolommen = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND list_contains(?, column_name) "
        "AND NOT (column_name = 'locatie' AND (table_name LIKE '%capaciteit%' "
        "OR table_name = 'locaties')) "
        "ORDER BY ALL", [list(PER_CLIENT_KOLOMMEN)]
    ).fetchall()
    failures += [f"openbare warehouse: kolom {c} in {t} beschrijft een cliënt" for t, c in kolommen]
    return failures


class Waakhond:
    """Interrupts whatever `con` runs once `seconden` have passed, and keeps interrupting
    until the block ends: DuckDB has no statement timeout, and an interrupt that lands
    between two statements is forgotten when the next one starts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconden: float):
        self._con = con
        self._seconden = max(seconden, 0.0)
        self._klaar = threading.Event()
        self._draad = threading.Thread(target=self._waak, daemon=True)
        self.verlopen = False

    def __enter__(self) -> Waakhond:
        self._draad.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._klaar.set()
        self._draad.join()

    def _waak(self) -> None:
        if self._klaar.wait(self._seconden):
            return
        self.verlopen = True
        while not self._klaar.is_set():
            self._con.interrupt()
            self._klaar.wait(0.05)


def run(
    con: duckdb.DuckDBPyConnection, limit: int = 5, max_seconden: float | None = None
) -> list[str]:
    """Names and sample rows of the failing tests; empty when all pass. A test that takes
    longer than `max_seconden` is interrupted and counts as failed."""
    failures = []
    for name, query in TESTS.items():
        sql = f"SELECT * FROM ({query}) LIMIT {limit}"
        if max_seconden is None:
            rows = con.execute(sql).fetchall()
        else:
            with Waakhond(con, max_seconden) as waakhond:
                try:
                    rows = con.execute(sql).fetchall()
                except duckdb.InterruptException:
                    if not waakhond.verlopen:
                        raise  # not ours: the build's own time limit
                    failures.append(
                        f"{name}: duurde langer dan {max_seconden:g} s en is afgebroken "
                        "(grens datatest_max_seconden in config/bouw.toml)"
                    )
                    continue
        if rows:
            failures.append(f"{name}: bijvoorbeeld {rows[0]}")
    return failures
