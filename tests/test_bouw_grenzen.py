"""The build's limits (issue 10): a version computed in DuckDB, data tests and the build bounded
in time, DuckDB's memory limit from config/bouw.toml, leftovers of a killed build removed, and
two trajecten files of one peildatum that contradict each other refused.

Builds use the small Centraal Gelderland fixture (about a second each).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import datatests
from etl.build import (
    BOUW_CONFIG,
    Bouwgrenzen,
    build,
    intern_pad,
    kerncijfers_versie,
    lees_bouwgrenzen,
)
from etl.problems import BuildFailed

FIXTURE = Path(__file__).parent / "fixtures" / "centraal_gelderland"
REFERENCE = FIXTURE / "reference"
TRAJECTEN = "trajecten_vggm_2021-01-15.csv"
# the same peildatum as TRAJECTEN, another supplier
ANDER = "trajecten_ander_2021-01-15.csv"
# a query that runs for minutes unless it is interrupted
TRAAG = "SELECT count(*) FROM range(100000000000) AS r(i) WHERE i % 7 = 8"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(FIXTURE / "raw", target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the version -----------------------------------------------------------------------------

KERNCIJFERS = """
    CREATE TABLE rijen AS SELECT * FROM (VALUES
        ('BW', 'instroom', '2020-K1', 'GM0202', 'herkomst', NULL, 3.0, 'trajecten', false),
        ('BW', 'instroom', '2020-K1', 'TOTAAL', 'regio', 'product=BW midden', 5.0,
         'trajecten', false),
        ('MO', 'bezetting', '2020', 'GM0202', 'verblijf', NULL, 0.0, 'trajecten', true)
    ) AS t(voorziening, indicator, periode, gemeentecode, perspectief, dimensie, waarde, bron,
           demo);
    CREATE VIEW kerncijfers AS SELECT * FROM rijen {order};
"""


def versie_van(sql: str) -> str:
    with duckdb.connect() as con:
        con.execute(sql)
        return kerncijfers_versie(con, ("kerncijfers",))


def test_version_depends_on_the_rows_not_their_order():
    versie = versie_van(KERNCIJFERS.format(order="ORDER BY waarde"))
    assert len(versie) == 16 and int(versie, 16) >= 0
    assert versie_van(KERNCIJFERS.format(order="ORDER BY waarde DESC")) == versie
    # one waarde changed, one row more, one row less: another version
    assert versie_van(KERNCIJFERS.replace("3.0", "4.0").format(order="")) != versie
    assert versie_van(KERNCIJFERS.format(order="") + "INSERT INTO rijen SELECT * FROM rijen "
                      "WHERE waarde = 0") != versie
    assert versie_van(KERNCIJFERS.format(order="") + "DELETE FROM rijen WHERE waarde = 0"
                      ) != versie
    # an empty kerncijfers has a version too
    assert len(versie_van(KERNCIJFERS.format(order="WHERE false"))) == 16


def test_version_is_the_same_in_another_process():
    sql = KERNCIJFERS.format(order="")
    code = (
        "import duckdb, sys\n"
        "from etl.build import kerncijfers_versie\n"
        "con = duckdb.connect()\n"
        "con.execute(sys.stdin.read())\n"
        "print(kerncijfers_versie(con, (\"kerncijfers\",)))\n"
    )
    uit = subprocess.run([sys.executable, "-c", code], input=sql, capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parents[1])
    assert uit.stdout.strip() == versie_van(sql)


# --- data tests and the build in time ---------------------------------------------------------


def test_a_data_test_that_takes_too_long_fails_by_name(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(datatests, "TESTS", {"trage test": TRAAG, "snelle test": "SELECT 1"})
    with duckdb.connect() as con:
        begin = time.monotonic()
        failures = datatests.run(con, max_seconden=0.2)
        assert time.monotonic() - begin < 5
        # the connection is usable afterwards
        assert con.execute("SELECT 42").fetchall() == [(42,)]
    assert failures[0].startswith("trage test: duurde langer dan 0.2 s en is afgebroken")
    assert failures[1] == "snelle test: bijvoorbeeld (1,)"


def test_a_slow_data_test_stops_the_build(raw: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch):
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    voor = sha256(warehouse), sha256(intern_pad(warehouse))
    monkeypatch.setitem(datatests.TESTS, "een trage test", TRAAG)
    with pytest.raises(BuildFailed) as info:
        build(raw, warehouse, REFERENCE, grenzen=Bouwgrenzen(datatest_max_seconden=0.3))
    assert "een trage test: duurde langer dan 0.3 s" in str(info.value)
    assert (sha256(warehouse), sha256(intern_pad(warehouse))) == voor
    assert not [p for p in tmp_path.rglob(".*") if ".bouw" in p.name]


def test_the_whole_build_has_a_time_limit(raw: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch):
    # every data test gets its own limit, the build one over all: here the build's runs out
    monkeypatch.setitem(datatests.TESTS, "een trage test", TRAAG)
    begin = time.monotonic()
    with pytest.raises(BuildFailed) as info:
        build(raw, tmp_path / "w.duckdb", REFERENCE,
              grenzen=Bouwgrenzen(max_minuten=0.05, datatest_max_seconden=600))
    assert time.monotonic() - begin < 20
    assert "de bouw duurde langer dan 0.05 minuten" in str(info.value)
    assert "max_minuten" in str(info.value)
    assert not (tmp_path / "w.duckdb").exists()


def test_gemeenten_samen_is_linear():
    """The test that never returned on 1,000,000 tellingen rows now takes a second or so, and
    still finds what it should."""
    name = next(n for n in datatests.TESTS if n.startswith("tellingen: gemeenten samen"))
    with duckdb.connect() as con:
        con.execute("CREATE TABLE ratio_suffixen AS SELECT '_pct' AS suffix")
        con.execute((Path(datatests.__file__).parent / "sql" / "00_macros.sql").read_text())
        con.execute("CREATE TABLE ref_gemeenten AS SELECT 'GM' || i AS gemeentecode "
                    "FROM range(6) AS r(i)")
        # 1,000,000 rows: 6 municipalities and their total per dimension value, all correct
        con.execute("""
            CREATE TABLE mart_tellingen AS
            SELECT 'OGGZ' AS voorziening, 'meldingen' AS indicator, '2020' AS periode,
                   'jaar' AS periode_type,
                   CASE WHEN i % 7 = 6 THEN 'TOTAAL' ELSE 'GM' || (i % 7) END AS gemeentecode,
                   'regio' AS perspectief, 'x=' || (i // 7) AS dimensie,
                   CASE WHEN i % 7 = 6 THEN 6.0 ELSE 1.0 END AS waarde, 'Politie' AS bron,
                   false AS demo
            FROM range(1000000) AS r(i)""")
        begin = time.monotonic()
        query = datatests.TESTS[name]
        assert con.execute(query).fetchall() == []
        assert time.monotonic() - begin < 30
        # the municipalities together above the total; all of them and below it; some of them
        # and below it (allowed: a municipality may be missing)
        con.execute("""
            CREATE OR REPLACE TABLE mart_tellingen AS SELECT * FROM (VALUES
                ('a', 'TOTAAL', 5.0), ('a', 'GM0', 4.0), ('a', 'GM1', 2.0),
                ('b', 'TOTAAL', 9.0), ('b', 'GM0', 1.0), ('b', 'GM1', 1.0), ('b', 'GM2', 1.0),
                ('b', 'GM3', 1.0), ('b', 'GM4', 1.0), ('b', 'GM5', 1.0),
                ('c', 'TOTAAL', 9.0), ('c', 'GM0', 1.0), ('c', 'BUITEN', 1.0)
            ) AS t(bron, gemeentecode, waarde),
            (SELECT 'OGGZ' AS voorziening, 'meldingen' AS indicator, '2020' AS periode,
                    NULL::VARCHAR AS dimensie)""")
        found = con.execute(f"SELECT bron, waarde, som FROM ({query}) ORDER BY bron").fetchall()
    assert found == [("a", 5.0, 6.0), ("b", 9.0, 6.0)]


# --- memory and config -----------------------------------------------------------------------


def test_the_build_runs_with_the_memory_limit_of_the_config(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    gezien: dict[str, str] = {}
    echte_run = datatests.run

    def run(con: duckdb.DuckDBPyConnection, **kwargs: object) -> list[str]:
        for naam in ("memory_limit", "threads", "temp_directory"):
            gezien[naam] = str(con.execute(f"SELECT current_setting('{naam}')").fetchall()[0][0])
        return echte_run(con, **kwargs)

    monkeypatch.setattr(datatests, "run", run)
    config = tmp_path / "bouw.toml"
    config.write_text('max_minuten = 5\ngeheugen_limiet = "500MiB"\nthreads = 1\n',
                      encoding="utf-8")
    monkeypatch.setattr("etl.build.BOUW_CONFIG", config)
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    assert gezien["memory_limit"] == "500.0 MiB"
    assert gezien["threads"] == "1"
    # spilling goes to the build's own folder next to the internal store, removed afterwards
    spill = Path(gezien["temp_directory"])
    assert spill.parent == intern_pad(warehouse).parent and ".bouw" in spill.name
    assert not spill.exists()


def test_the_shipped_config_and_refused_configs(tmp_path: Path):
    grenzen = lees_bouwgrenzen(BOUW_CONFIG)
    assert grenzen.max_minuten > 0 and grenzen.datatest_max_seconden > 0
    assert grenzen.geheugen_limiet
    config = tmp_path / "bouw.toml"
    for inhoud, woord in (
        ('geheugen_limiet = "veel"', "geheugen_limiet"),
        ("max_minuten = 0", "max_minuten"),
        ("threads = -1", "threads"),
        ("snelheid = 3", "onbekende instelling snelheid"),
        ("max_minuten = ", "geen geldige TOML"),
    ):
        config.write_text(inhoud, encoding="utf-8")
        with pytest.raises(BuildFailed, match=woord):
            lees_bouwgrenzen(config)


# --- leftovers of a killed build -------------------------------------------------------------


def test_leftovers_of_a_killed_build_are_removed(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "data" / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    intern = intern_pad(warehouse)
    klaar = subprocess.Popen(["true"])
    klaar.wait()
    dood = klaar.pid  # a process that ended
    levend = subprocess.Popen(["sleep", "60"])
    try:
        resten, blijven = [], []
        for target in (warehouse, intern):
            for pid, lijst in ((dood, resten), (levend.pid, blijven)):
                basis = target.with_name(f".{target.name}.{pid}.bouw")
                for pad in (basis, Path(f"{basis}.wal")):
                    pad.write_bytes(b"half geschreven")
                    lijst.append(pad)
                spill = Path(f"{basis}.tmp")
                spill.mkdir()
                (spill / "duckdb_temp_block-1.block").write_bytes(b"x")
                lijst.append(spill)
        # not a build's file, though it looks alike
        vreemd = warehouse.with_name(f".ander.duckdb.{dood}.bouw")
        vreemd.write_bytes(b"")
        build(raw, warehouse, REFERENCE)
        assert [p for p in resten if p.exists()] == []
        assert all(p.exists() for p in blijven)  # a running build's files stay
        assert vreemd.exists()
    finally:
        levend.kill()
        levend.wait()


# --- two trajecten files of one peildatum ----------------------------------------------------


def test_contradicting_files_of_one_peildatum_are_refused(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    voor = sha256(warehouse), sha256(intern_pad(warehouse))
    tekst = (raw / "trajecten" / TRAJECTEN).read_text(encoding="utf-8")
    # CG2 has another product and another verblijfsgemeente in the other file
    anders = tekst.replace("CG2;BW;BW midden;;Nieuw;arnhem;Rheden",
                           "CG2;BW;BW hoog;;Nieuw;arnhem;Arnhem")
    assert anders != tekst
    (raw / "trajecten" / ANDER).write_text(anders, encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build(raw, warehouse, REFERENCE)
    melding = str(info.value)
    assert "dezelfde peildatum spreken elkaar tegen over 1 traject(en)" in melding
    # both files, the row as Excel shows it, the traject and each differing column
    assert f"Bestand geweigerd: {TRAJECTEN}" in melding
    assert f"Bestand geweigerd: {ANDER}" in melding
    assert (f"{TRAJECTEN}, rij 3, kolom 'product': waarde 'BW midden': traject 'CG2' (BW) "
            f"staat ook in {ANDER} rij 3, met dezelfde peildatum 2021-01-15 maar een andere "
            "waarde; verwacht: dezelfde waarde in beide bestanden") in melding
    assert f"{ANDER}, rij 3, kolom 'product': waarde 'BW hoog'" in melding
    assert f"{TRAJECTEN}, rij 3, kolom 'verblijfsgemeente'" in melding
    assert "traject 'CG2' (BW)" in melding and "peildatum 2021-01-15" in melding
    assert {r.file for r in info.value.refusals} == {TRAJECTEN, ANDER}
    for refused in info.value.refusals:
        assert {p.column for p in refused.problems} == {"product", "verblijfsgemeente"}
        # the logboek keeps a problem without its value: no figure of the other file either
        assert all("BW " not in p.expected + (p.found or "") for p in refused.problems)
    assert (sha256(warehouse), sha256(intern_pad(warehouse))) == voor


def test_the_same_rows_in_two_files_of_one_peildatum_are_fine(raw: Path, tmp_path: Path):
    alleen = build(raw, tmp_path / "a.duckdb", REFERENCE)
    # the same trajecten, also written differently (another case, another date notation)
    tekst = (raw / "trajecten" / TRAJECTEN).read_text(encoding="utf-8")
    (raw / "trajecten" / ANDER).write_text(
        tekst.replace("10-01-2020", "2020-01-10").replace(";arnhem;", ";Arnhem;"),
        encoding="utf-8")
    beide = build(raw, tmp_path / "b.duckdb", REFERENCE)
    assert beide.versie == alleen.versie
    assert len(beide.files) == len(alleen.files) + 1


def test_a_build_out_of_memory_is_a_dutch_refusal_and_changes_nothing(tmp_path):
    """The bench's national build ended in DuckDB's OutOfMemoryException as a traceback."""
    import dataclasses

    from etl import settings
    from etl.build import build, lees_bouwgrenzen
    from etl.problems import BuildFailed

    warehouse = tmp_path / "w.duckdb"
    build(settings.RAW_DIR, warehouse, settings.REFERENCE_DIR)
    voor = warehouse.read_bytes()
    krap = dataclasses.replace(lees_bouwgrenzen(), geheugen_limiet="4MB")
    with pytest.raises(BuildFailed, match=r"het geheugen was op \(grens geheugen_limiet 4MB"):
        build(settings.RAW_DIR, warehouse, settings.REFERENCE_DIR, grenzen=krap)
    assert warehouse.read_bytes() == voor
    assert not [p for p in tmp_path.rglob("*.bouw*")]


def test_a_loaded_file_lets_go_of_its_rows(raw: Path, tmp_path: Path):
    """Memory holds one file, not the whole delivery: what the build keeps of an accepted file
    references no buffer of its rows (a zero-length slice would keep them all alive: 450 MiB
    over the 120 files of the national benchmark)."""
    resultaat = build(raw, tmp_path / "w.duckdb", REFERENCE)
    assert resultaat.files and all(f.rows > 0 for f in resultaat.files)
    # an empty table's offsets (a few bytes per column) at most, whatever the number of rows
    for f in resultaat.files:
        assert f.table.num_rows == 0
        assert f.table.get_total_buffer_size() <= 8 * f.table.num_columns, f.path.name
