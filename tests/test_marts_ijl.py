"""The sparse trajecten marts against the dense definition they replaced.

The marts store only figures that are not zero and compute stocks from events (running
sums); the view mart_trajecten_nullen fills the zeros when read. The dense definition
(tests/fixtures/mart_trajecten_dicht.sql: every period x municipality x dimension value, stocks
by a range join) is the reference: stored + zeros must equal it row for row, on the shipped
data and on generated trajecten (hypothesis) that keep the contract's date rules.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import settings as etl_settings
from etl.build import _periods, intern_pad

FIXTURES = Path(__file__).parent / "fixtures"
SQL = etl_settings.SQL_DIR
GEMEENTEN = ("GM0034", "GM0050", "GM0171")

# The sparse figures (stored or filled), without the per-10,000 twins the dense mart never had.
# Medians and p90 are compared to 6 decimals: the sparse marts compute them from ranked values
# (DuckDB's median cannot spill to disk) and round away the floating point noise.
KOLOMMEN = ("voorziening, indicator, periode, periode_type, gemeentecode, perspectief, "
            "dimensie, round(waarde, 6) AS waarde, bron, demo")
IJL = f"""
    SELECT {KOLOMMEN} FROM (
        SELECT * FROM mart_trajecten
        UNION ALL SELECT * FROM mart_herkomst_verblijf
        UNION ALL SELECT * FROM mart_trajecten_nullen
        WHERE NOT suffix(indicator, '_per_10000'))
"""
DICHT = f"SELECT {KOLOMMEN} FROM mart_trajecten_dicht"


def verschil(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """Rows only in the sparse figures, rows only in the dense reference (at most 5 each)."""
    con.execute((FIXTURES / "mart_trajecten_dicht.sql").read_text())
    extra = con.execute(f"{IJL} EXCEPT ALL {DICHT} LIMIT 5").fetchall()
    mist = con.execute(f"{DICHT} EXCEPT ALL {IJL} LIMIT 5").fetchall()
    return extra, mist


def test_shipped_data_sparse_equals_dense(shipped_warehouse: Path):
    with duckdb.connect(str(intern_pad(shipped_warehouse)), read_only=True) as con:
        opgeslagen = con.execute("SELECT count(*) FROM mart_trajecten").fetchone()[0]
        nullen = con.execute("SELECT count(*) FROM mart_trajecten_nullen").fetchone()[0]
        extra, mist = verschil(con)
        assert extra == [] and mist == []
        assert opgeslagen > 0 and nullen > 0
        # nothing stored is a count of zero: those are the view's
        assert con.execute(
            "SELECT count(*) FROM mart_trajecten WHERE waarde = 0 AND indicator IN "
            "('aanmeldingen', 'instroom', 'uitstroom', 'clienten', 'bezetting', 'wachtlijst')"
        ).fetchone()[0] == 0


# --- generated trajecten ----------------------------------------------------------------------

BEGIN = date(2019, 1, 1)
PEILDATUM = date(2020, 12, 31)


@st.composite
def traject(draw: st.DrawFn, nummer: int) -> dict:
    voorziening = draw(st.sampled_from(["BW", "MO"]))
    # also before the first period (only the stocks open with it) and on period boundaries
    aanmelding = BEGIN + timedelta(days=draw(st.integers(-400, 720)))
    instroom = uitstroom = afgemeld = bestemming = verblijf = None
    if draw(st.booleans()):
        instroom = aanmelding + timedelta(days=draw(st.sampled_from([0, 1, 30, 89, 90, 200])))
        verblijf = draw(st.sampled_from((*GEMEENTEN, "BUITEN")))
        if draw(st.booleans()):
            uitstroom = instroom + timedelta(days=draw(st.sampled_from([0, 1, 45, 91, 400])))
            bestemming = draw(st.sampled_from(["Zelfstandig wonen", "Wlz"]))
    elif draw(st.booleans()):
        afgemeld = aanmelding + timedelta(days=draw(st.integers(0, 200)))
    datums = [d for d in (instroom, uitstroom, afgemeld) if d]
    if any(d > PEILDATUM for d in datums) or aanmelding > PEILDATUM:
        instroom = uitstroom = afgemeld = bestemming = verblijf = None
        aanmelding = min(aanmelding, PEILDATUM)
    return {
        "traject_id": f"t{nummer}", "voorziening": voorziening,
        "product": draw(st.sampled_from(["P1", "P2"])),
        "cluster": draw(st.sampled_from([None, "Autisme"])) if voorziening == "BW" else None,
        "aanmelding_type": draw(st.sampled_from(["Nieuw", "Verlenging"])),
        "herkomstgemeente": draw(st.sampled_from((*GEMEENTEN, "ONBEKEND"))),
        "verblijfsgemeente": verblijf,
        "datum_aanmelding": aanmelding, "datum_instroom": instroom,
        "datum_afgemeld": afgemeld, "datum_uitstroom": uitstroom,
        "uitstroombestemming": bestemming,
        "met_kinderen": draw(st.sampled_from([None, "ja", "nee"])),
        "peildatum": PEILDATUM, "demo": False,
    }


@st.composite
def trajecten(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(1, 25))
    return [draw(traject(i)) for i in range(n)]


def bouw_marts(rijen: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("v_trajecten", pa.Table.from_pylist(rijen, schema=pa.schema([
        ("traject_id", pa.string()), ("voorziening", pa.string()), ("product", pa.string()),
        ("cluster", pa.string()), ("aanmelding_type", pa.string()),
        ("herkomstgemeente", pa.string()), ("verblijfsgemeente", pa.string()),
        ("datum_aanmelding", pa.date32()), ("datum_instroom", pa.date32()),
        ("datum_afgemeld", pa.date32()), ("datum_uitstroom", pa.date32()),
        ("uitstroombestemming", pa.string()), ("met_kinderen", pa.string()),
        ("peildatum", pa.date32()), ("demo", pa.bool_()),
    ])))
    con.execute("CREATE TABLE stg_trajecten AS SELECT * FROM v_trajecten")
    perioden = list(_periods(BEGIN, PEILDATUM))
    con.execute("CREATE TABLE periodes_trajecten (periode VARCHAR, periode_type VARCHAR, "
                "start DATE, eind DATE)")
    con.executemany("INSERT INTO periodes_trajecten VALUES (?, ?, ?, ?)", perioden)
    con.execute("CREATE TABLE ref_gemeenten AS SELECT unnest(?) AS gemeentecode",
                [list(GEMEENTEN)])
    con.execute("CREATE TABLE ref_inwoners AS SELECT gemeentecode, 2019 AS jaar, "
                "10000 AS inwoners FROM ref_gemeenten")
    for naam in ("15_ref_inwoners_regio.sql", "20_mart_trajecten.sql"):
        con.execute((SQL / naam).read_text())
    return con


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trajecten())
def test_generated_trajecten_sparse_equals_dense(rijen: list[dict]):
    with bouw_marts(rijen) as con:
        extra, mist = verschil(con)
        assert extra == [] and mist == []


def test_a_stock_carried_through_quarters_without_events():
    """One client in care from before the first period to after the last: bezetting 1 in
    every quarter although no event falls in them; instroom only where it happened."""
    rij = {
        "traject_id": "t1", "voorziening": "BW", "product": "P1", "cluster": None,
        "aanmelding_type": "Nieuw", "herkomstgemeente": "GM0034",
        "verblijfsgemeente": "GM0050", "datum_aanmelding": date(2018, 5, 1),
        "datum_instroom": date(2018, 6, 1), "datum_afgemeld": None,
        "datum_uitstroom": date(2020, 5, 15), "uitstroombestemming": "Wlz",
        "met_kinderen": None, "peildatum": PEILDATUM, "demo": False,
    }
    with bouw_marts([rij]) as con:
        bezetting = dict(con.execute(
            "SELECT periode, waarde FROM mart_trajecten WHERE indicator = 'bezetting' "
            "AND perspectief = 'regio' AND dimensie IS NULL AND periode_type = 'kwartaal'"
        ).fetchall())
        assert bezetting == {k: 1.0 for k in ("2019-K1", "2019-K2", "2019-K3", "2019-K4",
                                              "2020-K1")}
        # from 2020-K2 on the zero comes from the view, not from storage
        assert con.execute(
            "SELECT waarde FROM mart_trajecten_nullen WHERE indicator = 'bezetting' "
            "AND perspectief = 'regio' AND dimensie IS NULL AND periode = '2020-K2'"
        ).fetchall() == [(0.0,)]
        assert sorted(con.execute(
            "SELECT periode, waarde FROM mart_trajecten WHERE indicator = 'uitstroom' "
            "AND perspectief = 'verblijf' AND gemeentecode = 'GM0050' AND dimensie IS NULL"
        ).fetchall()) == [("2020", 1.0), ("2020-K2", 1.0)]
        # the herkomst x verblijf cross: GM0050 houses one client of GM0034
        assert con.execute(
            "SELECT periode, waarde FROM mart_herkomst_verblijf WHERE indicator = 'bezetting' "
            "AND gemeentecode = 'GM0050' AND dimensie = 'herkomstgemeente=GM0034' "
            "AND periode_type = 'jaar'"
        ).fetchall() == [("2019", 1.0)]


def test_structure_table_equals_the_distinct_combinations_of_kerncijfers(
    shipped_warehouse: Path,
):
    """kerncijfers_structuur (what Definities lists) is made without filling the zeros; it
    must be exactly the distinct combinations of the full view."""
    volledig = ("SELECT DISTINCT voorziening, indicator, perspectief, "
                "split_part(dimensie, '=', 1) AS uitsplitsing, periode_type, bron, demo "
                "FROM kerncijfers")
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        assert con.execute(f"{volledig} EXCEPT SELECT * FROM kerncijfers_structuur"
                           ).fetchall() == []
        assert con.execute(f"SELECT * FROM kerncijfers_structuur EXCEPT {volledig}"
                           ).fetchall() == []
        # the zeros add combinations the stored figures do not have (e.g. a count that is
        # zero everywhere), so the table is more than the stored figures' combinations
        assert con.execute("SELECT count(*) FROM kerncijfers_structuur").fetchone()[0] > 0
