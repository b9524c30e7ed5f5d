"""The build: reproducible, rebuilt only when needed, published atomically, stopped by a
failing data test, and reported by `python -m etl status`.

Uses the small made-up Centraal Gelderland fixture (fast to build), copied to tmp_path so
files can be touched and added.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from etl import datatests
from etl.__main__ import main
from etl.build import build, needs_build
from etl.problems import BuildFailed

FIXTURE = Path(__file__).parent / "fixtures" / "centraal_gelderland"
REFERENCE = FIXTURE / "reference"

EXTRA_TELLING = (
    "bron;voorziening;indicator;periode;gemeente;dimensie;waarde\n"
    "GGD;OGGZ;adviesaanvragen;2020;Arnhem;;7\n"
)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(FIXTURE / "raw", target)
    return target


def kerncijfers(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM kerncijfers ORDER BY ALL").fetchall()


def meta(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_telling(raw: Path) -> Path:
    path = raw / "tellingen" / "tellingen_ggd_2021-01-31.csv"
    path.write_text(EXTRA_TELLING, encoding="utf-8")
    return path


def test_building_twice_gives_identical_kerncijfers(raw: Path, tmp_path: Path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    result_a = build(raw, first, REFERENCE)
    result_b = build(raw, second, REFERENCE)
    assert kerncijfers(first) == kerncijfers(second)
    # the stored figures; the zeros are filled when kerncijfers is read
    with duckdb.connect(str(first), read_only=True) as con:
        opgeslagen = con.execute("SELECT count(*) FROM mart_kerncijfers").fetchone()[0]
    assert len(kerncijfers(first)) > opgeslagen == result_a.kerncijfers_rows > 0
    assert result_a.versie == result_b.versie == meta(first)["versie"] == meta(second)["versie"]
    # rebuilding over the same warehouse gives the same version too
    assert build(raw, first, REFERENCE).versie == result_a.versie


def test_needs_build(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    assert needs_build(raw, REFERENCE, warehouse)  # missing
    build(raw, warehouse, REFERENCE)
    assert not needs_build(raw, REFERENCE, warehouse)
    # touching a raw file (same content, newer time) asks for a rebuild
    built = warehouse.stat().st_mtime
    touched = next((raw / "trajecten").iterdir())
    os.utime(touched, (built + 10, built + 10))
    assert needs_build(raw, REFERENCE, warehouse)
    build(raw, warehouse, REFERENCE)
    os.utime(warehouse, (built + 20, built + 20))
    assert not needs_build(raw, REFERENCE, warehouse)
    # so does a new file, even with an old time stamp
    added = add_telling(raw)
    os.utime(added, (built - 1000, built - 1000))
    assert needs_build(raw, REFERENCE, warehouse)


def test_build_publishes_atomically(raw: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    query = (
        "SELECT count(*) FROM kerncijfers WHERE voorziening = 'OGGZ' "
        "AND indicator = 'adviesaanvragen'"
    )
    old = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert old.execute(query).fetchall() == [(0,)]
        add_telling(raw)
        build(raw, warehouse, REFERENCE)
        # no temporary files are left next to the warehouse or its internal store
        assert sorted(p.name for p in tmp_path.iterdir()) == ["intern", "raw", "w.duckdb"]
        assert os.listdir(tmp_path / "intern") == ["w-intern.duckdb"]
        # the open connection still answers, from the warehouse it opened
        assert old.execute(query).fetchall() == [(0,)]
        assert old.execute("SELECT count(*) FROM kerncijfers").fetchall()[0][0] > 0
    finally:
        old.close()
    # a new connection sees the new figures: Arnhem 7, per 10,000 (made-up 150,000 inwoners
    # in 2020): 7 * 10000 / 150000 = 0.4667 -> 0.47
    with duckdb.connect(str(warehouse), read_only=True) as new:
        assert new.execute(
            "SELECT indicator, waarde FROM kerncijfers WHERE voorziening = 'OGGZ' "
            "ORDER BY indicator"
        ).fetchall() == [("adviesaanvragen", 7.0), ("adviesaanvragen_per_10000", 0.47)]


def test_new_reader_sees_new_figures_while_old_connection_is_open(raw: Path, tmp_path: Path):
    """A long-running reader (the dashboard) holds a connection to the old file while a new
    one is swapped in. Within one process, `duckdb.connect(path)` hands out the database
    instance that is already open for that path (DuckDB's instance cache), i.e. the OLD
    file; a fresh in-memory connection that ATTACHes the path opens the file now at that
    path. This pins the reader pattern that does see a rebuild."""
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    old = duckdb.connect(str(warehouse), read_only=True)
    try:
        old_versie = old.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchall()
        add_telling(raw)
        versie = build(raw, warehouse, REFERENCE).versie
        assert [(versie,)] != old_versie
        with duckdb.connect() as new:
            new.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(warehouse)])
            new.execute("USE warehouse")
            found = new.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchall()
        assert found == [(versie,)]
        # and the old connection still answers from the file it opened
        assert old.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchall() == (
            old_versie
        )
    finally:
        old.close()


def test_failing_data_test_leaves_warehouse_unchanged(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, REFERENCE)
    before = sha256(warehouse), warehouse.stat().st_mtime, kerncijfers(warehouse)
    add_telling(raw)
    monkeypatch.setitem(
        datatests.TESTS, "altijd fout (test)", "SELECT 'fout' AS reden FROM kerncijfers LIMIT 1"
    )
    with pytest.raises(BuildFailed) as failed:
        build(raw, warehouse, REFERENCE)
    assert "altijd fout (test)" in str(failed.value)
    assert (sha256(warehouse), warehouse.stat().st_mtime, kerncijfers(warehouse)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intern", "raw", "w.duckdb"]
    assert os.listdir(tmp_path / "intern") == ["w-intern.duckdb"]


def test_status_lists_every_loaded_file(raw: Path, tmp_path: Path, capsys):
    warehouse = tmp_path / "w.duckdb"
    add_telling(raw)
    result = build(raw, warehouse, REFERENCE)
    capsys.readouterr()
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert result.versie in out
    lines = out.splitlines()
    expected = {
        "trajecten/trajecten_vggm_2021-01-15.csv": ("2021-01-15", 6),
        "tellingen/tellingen_politie_2021-01-31.csv": ("2021-01-31", 10),
        "tellingen/tellingen_ggd_2021-01-31.csv": ("2021-01-31", 1),
        "capaciteit/capaciteit_aanbieders_2021-01-15.csv": ("2021-01-15", 3),
    }
    assert len(result.files) == len(expected)
    for name, (peildatum, rijen) in expected.items():
        path = raw / name
        [line] = [line for line in lines if line.startswith(name)]
        fields = line.split()
        assert peildatum in fields
        assert str(rijen) in fields
        assert sha256(path)[:16] in fields


def test_kerncijfers_has_exactly_the_contract_columns(shipped_warehouse: Path):
    """The view is a public interface (data contract, section 3): its columns, in order."""
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        columns = con.execute("DESCRIBE kerncijfers").fetchall()
    assert [(name, kind) for name, kind, *_ in columns] == [
        ("voorziening", "VARCHAR"), ("indicator", "VARCHAR"), ("periode", "VARCHAR"),
        ("periode_type", "VARCHAR"), ("gemeentecode", "VARCHAR"), ("gemeente", "VARCHAR"),
        ("perspectief", "VARCHAR"), ("dimensie", "VARCHAR"), ("waarde", "DOUBLE"),
        ("bron", "VARCHAR"), ("demo", "BOOLEAN"),
    ]


def test_the_command_line_builds_and_reports(tmp_path: Path):
    """`python -m etl build` and `status` as a data steward runs them, in a process of their
    own (the entry point itself, not only the functions behind it)."""
    import subprocess
    import sys

    warehouse = tmp_path / "warehouse.duckdb"
    root = Path(__file__).resolve().parent.parent
    bouw = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--warehouse", str(warehouse)],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )
    assert bouw.returncode == 0, bouw.stderr
    rijen = duckdb.connect(str(warehouse), read_only=True).execute(
        "SELECT count(*) FROM mart_kerncijfers").fetchone()[0]
    assert f"{rijen:_}".replace("_", ".") + " opgeslagen kerncijfers" in bouw.stdout
    status = subprocess.run(
        [sys.executable, "-m", "etl", "status", "--warehouse", str(warehouse)],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    assert status.returncode == 0, status.stderr
    assert f"{rijen:_}".replace("_", ".") + " opgeslagen kerncijfers" in status.stdout
    # `snapshot` dispatches to the publication layer: a quarter the warehouse does not hold
    # is refused in Dutch, nothing written
    snapshot = subprocess.run(
        [sys.executable, "-m", "etl", "snapshot", "2099-K1", "--warehouse", str(warehouse),
         "--uit", str(tmp_path / "snapshots")],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    assert snapshot.returncode == 1 and "Snapshot niet gemaakt" in snapshot.stderr
    assert not (tmp_path / "snapshots" / "2099-K1").exists()
