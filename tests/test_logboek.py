"""The audit trail (etl.logboek): append only, a hash chain that shows an edited, removed or
moved line, whole lines from concurrent writers, and a copy in every snapshot."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_snapshot import write_raw
from warehousehulp import alleen_xlsx  # noqa: F401 (a fixture, used below)

from etl import logboek, settings
from etl.build import build
from monitor.snapshots import lees_manifest, sha256
from publicatie.snapshot import SnapshotFout, maak_snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "logboek" / "logboek.jsonl"


def vul(log: Path, n: int = 5) -> None:
    for i in range(n):
        logboek.schrijf("build", "beheerder", log, versie=f"v{i}", kerncijfers=i)


def regels(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


# --- writing -------------------------------------------------------------------------------------


def test_an_entry_is_one_json_line_chained_to_the_one_before(log: Path):
    eerste = logboek.schrijf("aanlevering", "a@regio.nl", log, naam="x.csv", rijen=3)
    tweede = logboek.schrijf("login", "b@regio.nl", log, rol="beheerder")
    lijnen = regels(log)
    assert len(lijnen) == 2 and all(r.endswith(b"\n") for r in lijnen)
    assert [json.loads(r) for r in lijnen] == [eerste, tweede]
    assert list(eerste) == ["tijd", "gebeurtenis", "wie", "details", "vorige"]
    assert eerste["vorige"] == ""
    assert tweede["vorige"] == hashlib.sha256(lijnen[0].rstrip(b"\n")).hexdigest()
    assert eerste["details"] == {"naam": "x.csv", "rijen": 3}
    assert eerste["tijd"].endswith("+00:00") and len(eerste["tijd"]) == 25  # UTC, seconds
    assert logboek.lees(log) == [eerste, tweede]
    assert logboek.controleer(log) == []


def test_the_log_is_only_appended_to(log: Path):
    vul(log, 3)
    voor = log.read_bytes()
    vul(log, 3)
    na = log.read_bytes()
    assert na.startswith(voor) and len(na) > len(voor)
    assert logboek.controleer(log) == []


def test_the_file_may_be_read_by_its_group_only(log: Path):
    vul(log, 1)
    assert log.stat().st_mode & 0o007 == 0


def test_an_unknown_event_or_a_value_that_is_no_json_writes_nothing(log: Path):
    vul(log, 1)
    voor = log.read_bytes()
    with pytest.raises(ValueError, match="onbekende gebeurtenis"):
        logboek.schrijf("verwijderd", "x", log)
    with pytest.raises(TypeError):
        logboek.schrijf("build", "x", log, tabel=object())
    assert log.read_bytes() == voor


def test_long_text_is_cut(log: Path):
    entry = logboek.schrijf("weigering", "x" * 5000, log, problemen=["p" * 5000])
    assert len(entry["wie"]) == logboek.MAX_TEKST
    assert len(entry["details"]["problemen"][0]) == logboek.MAX_TEKST


def test_a_missing_log_reads_as_empty(log: Path):
    assert logboek.lees(log) == []
    assert logboek.controleer(log) == []
    assert logboek.inhoud(log) == b""
    assert logboek.tabel(log) == []


def test_the_table_is_newest_first_as_text(log: Path):
    vul(log, 3)
    tabel = logboek.tabel(log)
    assert [json.loads(r["details"])["versie"] for r in tabel] == ["v2", "v1", "v0"]
    assert all(isinstance(v, str) for r in tabel for v in r.values())


# --- the chain -----------------------------------------------------------------------------------


def herschrijf(log: Path, lijnen: list[bytes]) -> None:
    """What someone with a text editor does (the module itself cannot)."""
    log.write_bytes(b"".join(lijnen))


def test_an_edited_line_breaks_the_chain(log: Path):
    vul(log)
    lijnen = regels(log)
    lijnen[2] = lijnen[2].replace(b'"v2"', b'"v9"')
    herschrijf(log, lijnen)
    assert logboek.controleer(log) == [
        "regel 4: de keten is verbroken (de regel ervoor is gewijzigd, verwijderd of verplaatst)"]


def test_a_removed_line_breaks_the_chain(log: Path):
    vul(log)
    lijnen = regels(log)
    del lijnen[1]
    herschrijf(log, lijnen)
    assert [p.split(":")[0] for p in logboek.controleer(log)] == ["regel 2"]


def test_a_removed_first_line_breaks_the_chain(log: Path):
    vul(log)
    herschrijf(log, regels(log)[1:])
    assert logboek.controleer(log) == [
        "regel 1: de keten is verbroken (het begin van het logboek ontbreekt)"]


def test_a_moved_line_breaks_the_chain(log: Path):
    vul(log)
    lijnen = regels(log)
    lijnen[1], lijnen[2] = lijnen[2], lijnen[1]
    herschrijf(log, lijnen)
    assert [p.split(":")[0] for p in logboek.controleer(log)] == ["regel 2", "regel 3", "regel 4"]


def test_broken_json_is_named(log: Path):
    vul(log, 2)
    lijnen = regels(log)
    lijnen.insert(1, b"{niet af\n")
    herschrijf(log, lijnen)
    problemen = logboek.controleer(log)
    assert problemen[0] == "regel 2: geen geldige JSON"
    assert len(logboek.lees(log)) == 2  # the readable entries


def test_a_torn_last_line_is_not_glued_to_the_next_entry(log: Path):
    vul(log, 2)
    with log.open("ab") as f:  # a crash in the middle of a write
        f.write(b'{"tijd": "2026')
    logboek.schrijf("login", "x", log)
    assert logboek.controleer(log) == ["regel 3: geen geldige JSON"]
    assert [r["gebeurtenis"] for r in logboek.lees(log)] == ["build", "build", "login"]


# --- concurrent writers --------------------------------------------------------------------------

SCHRIJVER = """
import sys
from pathlib import Path
from etl import logboek
print("klaar", flush=True)
sys.stdin.readline()  # start together with the others
for i in range(int(sys.argv[2])):
    logboek.schrijf("build", sys.argv[3], Path(sys.argv[1]), i=i)
"""


def test_concurrent_writers_keep_every_entry_and_the_chain(log: Path):
    per_proces, per_draad, draden = 100, 40, 6
    processen = [
        subprocess.Popen([sys.executable, "-c", SCHRIJVER, str(log), str(per_proces), f"p{n}"],
                         cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for n in range(2)
    ]
    for p in processen:
        assert p.stdout.readline().strip() == "klaar"
    start = threading.Event()

    def draad(n: int) -> None:
        start.wait()
        for i in range(per_draad):
            logboek.schrijf("login", f"t{n}", log, i=i)

    threads = [threading.Thread(target=draad, args=(n,)) for n in range(draden)]
    for t in threads:
        t.start()
    for p in processen:
        p.stdin.write("start\n")
        p.stdin.close()
    start.set()
    for t in threads:
        t.join()
    assert [p.wait(timeout=60) for p in processen] == [0, 0]

    assert logboek.controleer(log) == []
    entries = logboek.lees(log)
    assert len(entries) == len(regels(log)) == 2 * per_proces + draden * per_draad
    per_schrijver: dict[str, list[int]] = {}
    for e in entries:
        per_schrijver.setdefault(e["wie"], []).append(e["details"]["i"])
    # every writer's entries all there, in its own order
    assert per_schrijver == {
        **{f"p{n}": list(range(per_proces)) for n in range(2)},
        **{f"t{n}": list(range(per_draad)) for n in range(draden)},
    }


# --- nothing but appending -----------------------------------------------------------------------


def test_the_module_has_no_way_to_rewrite_truncate_or_delete():
    bron = (ROOT / "etl" / "logboek.py").read_text(encoding="utf-8")
    boom = ast.parse(bron)
    verboden = {"truncate", "ftruncate", "unlink", "remove", "rename", "rmtree", "write_text",
                "write_bytes", "rmdir", "O_TRUNC", "O_RDWR", "shutil"}
    namen = {n.attr for n in ast.walk(boom) if isinstance(n, ast.Attribute)}
    namen |= {n.id for n in ast.walk(boom) if isinstance(n, ast.Name)}
    assert not namen & verboden
    assert "os.replace" not in bron
    for aanroep in (n for n in ast.walk(boom) if isinstance(n, ast.Call)):
        functie = aanroep.func
        if isinstance(functie, ast.Attribute) and functie.attr == "open":
            if isinstance(functie.value, ast.Name) and functie.value.id == "os":
                # os.open: only for appending
                vlaggen = ast.unparse(aanroep.args[1])
                assert "O_APPEND" in vlaggen and "O_WRONLY" in vlaggen, vlaggen
            else:
                # Path.open: only for reading
                assert [ast.literal_eval(a) for a in aanroep.args] == ["rb"], ast.unparse(aanroep)
        assert not (isinstance(functie, ast.Name) and functie.id == "open")


# --- a copy in every snapshot --------------------------------------------------------------------


@pytest.mark.usefixtures("alleen_xlsx")
def test_a_snapshot_logs_itself_and_keeps_a_copy(tmp_path: Path, log: Path, monkeypatch):
    monkeypatch.setenv("FLEVOMONITOR_LOGBOEK", str(log))
    write_raw(tmp_path / "raw")
    warehouse = tmp_path / "warehouse.duckdb"
    resultaat = build(tmp_path / "raw", warehouse, settings.REFERENCE_DIR)
    logboek.schrijf("build", "beheerder", versie=resultaat.versie)

    folder = maak_snapshot("2019-K3", warehouse, tmp_path / "snapshots", wie="a@regio.nl")

    kopie = folder / "intern" / "logboek.jsonl"
    assert kopie.read_bytes() == log.read_bytes()  # the log as it was, this entry included
    assert logboek.controleer(kopie) == []
    eerste, eigen = logboek.lees(kopie)
    assert eerste["gebeurtenis"] == "build"
    assert eigen["gebeurtenis"] == "snapshot" and eigen["wie"] == "a@regio.nl"
    assert eigen["details"] == {"versie": "2019-K3", "kwartaal": "2019-K3", "reden": None,
                                "vervangt": None, "warehouse_versie": resultaat.versie}
    # listed in the manifest like every other file of the record
    assert lees_manifest(folder)["bestanden"]["intern/logboek.jsonl"] == sha256(kopie)

    # a snapshot that is refused logs nothing
    with pytest.raises(SnapshotFout):
        maak_snapshot("2019-K3", warehouse, tmp_path / "snapshots", wie="a@regio.nl")
    assert len(logboek.lees(log)) == 2

    tweede = maak_snapshot("2019-K3", warehouse, tmp_path / "snapshots", nieuwe_versie=True,
                           reden="correctie", wie="b@regio.nl")
    regels_tweede = logboek.lees(tweede / "intern" / "logboek.jsonl")
    assert [r["details"].get("versie") for r in regels_tweede] == [
        resultaat.versie, "2019-K3", "2019-K3-v2"]
    assert regels_tweede[-1]["details"]["vervangt"] == "2019-K3"
    # the first snapshot's copy is the start of the later one
    assert (tweede / "intern" / "logboek.jsonl").read_bytes().startswith(kopie.read_bytes())
