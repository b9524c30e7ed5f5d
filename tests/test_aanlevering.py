"""A delivery end to end (etl.aanlevering): accepted, refused, duplicate, oversize, bad names,
and a build that fails after the file passed — on a small hand-made raw dir and warehouse.

The base (raw dir and warehouse of tests/test_snapshot.py's data) is built once per module and
copied for every test, so each test starts from the same state and may change it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from test_snapshot import write_raw
from warehousehulp import CAPACITEIT_HEADER, TELLINGEN_HEADER

from etl import aanlevering, logboek, settings
from etl.aanlevering import Config, lever_aan, naam_problemen
from etl.build import build
from etl.problems import BuildFailed

# a new source for the quarter 2019-K1: E33 meldingen in Almere and Lelystad
NIEUW_NAAM = "tellingen_ggd_2019-11-15.csv"
NIEUW = (TELLINGEN_HEADER + "\n"
         "GGD;E33;meldingen;2019-K1;Almere;;41;\n"
         "GGD;E33;meldingen;2019-K1;Lelystad;;17;\n").encode()
# a refused one: a count that is no number on Excel row 3
FOUT_NAAM = "tellingen_ggd_2019-12-01.csv"
FOUT = (TELLINGEN_HEADER + "\n"
        "GGD;E33;meldingen;2019-K1;Almere;;41;\n"
        "GGD;E33;meldingen;2019-K1;Lelystad;;veel;\n").encode()


@dataclass(frozen=True)
class Omgeving:
    raw: Path
    rejected: Path
    warehouse: Path
    log: Path

    def lever(self, naam: str, inhoud: bytes, soort: str = "tellingen",
              config: Config | None = None, **kw) -> aanlevering.Uitkomst:
        return lever_aan(naam, len(inhoud), lambda: inhoud, soort, "beheerder@regio.nl",
                         raw_dir=self.raw, rejected_dir=self.rejected, warehouse=self.warehouse,
                         reference_dir=settings.REFERENCE_DIR, logboek=self.log,
                         config=config or Config(50), **kw)

    def toestand(self) -> dict[str, bytes]:
        """Every file of the raw dir and the warehouse, with its bytes."""
        uit = {p.relative_to(self.raw).as_posix(): p.read_bytes()
               for p in sorted(self.raw.rglob("*")) if p.is_file()}
        uit["warehouse"] = self.warehouse.read_bytes()
        return uit


@pytest.fixture(scope="module")
def basis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("aanlevering_basis")
    write_raw(folder / "raw")
    build(folder / "raw", folder / "wh" / "warehouse.duckdb", settings.REFERENCE_DIR)
    return folder


@pytest.fixture
def omg(basis: Path, tmp_path: Path) -> Omgeving:
    shutil.copytree(basis, tmp_path, dirs_exist_ok=True)
    return Omgeving(tmp_path / "raw", tmp_path / "rejected", tmp_path / "wh" / "warehouse.duckdb",
                    tmp_path / "logboek" / "logboek.jsonl")


def sql(warehouse: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query).fetchall()


def versie(warehouse: Path) -> str:
    return sql(warehouse, "SELECT waarde FROM meta WHERE sleutel = 'versie'")[0][0]


def meldingen_k1(warehouse: Path) -> dict[str, float]:
    return dict(sql(warehouse, "SELECT gemeentecode, waarde FROM kerncijfers WHERE bron = 'GGD' "
                               "AND indicator = 'meldingen' AND periode = '2019-K1'"))


def gebeurtenissen(log: Path) -> list[str]:
    return [r["gebeurtenis"] for r in logboek.lees(log)]


# --- accepted ------------------------------------------------------------------------------------


def test_an_accepted_file_is_stored_and_the_warehouse_rebuilt(omg: Omgeving):
    oud = versie(omg.warehouse)
    assert meldingen_k1(omg.warehouse) == {}

    uitkomst = omg.lever(NIEUW_NAAM, NIEUW)

    assert uitkomst.uitkomst == aanlevering.GEACCEPTEERD, uitkomst.rapport
    doel = omg.raw / "tellingen" / NIEUW_NAAM
    assert doel.read_bytes() == NIEUW  # the original name, the same bytes
    assert uitkomst.bewaard == doel
    sha = hashlib.sha256(NIEUW).hexdigest()
    assert uitkomst.sha256 == sha
    # the warehouse was rebuilt with the new figures and records the file's sha256
    assert uitkomst.versie == versie(omg.warehouse) != oud
    assert meldingen_k1(omg.warehouse) == {"GM0034": 41, "GM0995": 17}
    assert sql(omg.warehouse, "SELECT bestand, rijen FROM bronbestanden WHERE sha256 = "
                              f"'{sha}'") == [(f"tellingen/{NIEUW_NAAM}", 2)]
    # no temporary file left beside it, nothing refused
    assert sorted(p.name for p in doel.parent.iterdir()) == [
        "tellingen_ggd_2019-11-15.csv", "tellingen_politie_2019-10-15.csv"]
    assert not omg.rejected.exists()
    assert "Opgeslagen als tellingen/tellingen_ggd_2019-11-15.csv" in uitkomst.rapport

    regels = logboek.lees(omg.log)
    assert [r["gebeurtenis"] for r in regels] == ["aanlevering", "build"]
    aan, bouw = (r["details"] for r in regels)
    assert aan == {"naam": NIEUW_NAAM, "soort": "tellingen", "grootte": len(NIEUW),
                   "sha256": sha, "rijen": 2, "bron": "ggd", "peildatum": "2019-11-15",
                   "versie": uitkomst.versie}
    assert bouw["versie"] == uitkomst.versie and bouw["aanleiding"] == "aanlevering"
    assert bouw["kerncijfers"] == sql(omg.warehouse, "SELECT count(*) FROM mart_kerncijfers")[0][0]
    assert {r["wie"] for r in regels} == {"beheerder@regio.nl"}
    assert logboek.controleer(omg.log) == []


def test_the_check_alone_stores_and_logs_nothing(omg: Omgeving):
    voor = omg.toestand()
    uitkomst = aanlevering.controleer_levering(
        NIEUW_NAAM, len(NIEUW), lambda: NIEUW, "tellingen", raw_dir=omg.raw,
        warehouse=omg.warehouse, reference_dir=settings.REFERENCE_DIR, config=Config(50))
    assert uitkomst.uitkomst == aanlevering.GOEDGEKEURD
    # the words of `python -m etl check`
    assert uitkomst.rapport == ("Bestand goedgekeurd: tellingen_ggd_2019-11-15.csv (tellingen, "
                                "bron ggd, peildatum 2019-11-15, 2 rijen)")
    assert omg.toestand() == voor
    assert not omg.log.exists() and not omg.rejected.exists()


# --- refused -------------------------------------------------------------------------------------


def test_a_refused_file_is_kept_with_its_report_and_changes_nothing(omg: Omgeving):
    voor = omg.toestand()

    uitkomst = omg.lever(FOUT_NAAM, FOUT)

    assert uitkomst.uitkomst == aanlevering.GEWEIGERD
    assert omg.toestand() == voor  # raw dir and warehouse byte for byte as they were
    (map_,) = omg.rejected.iterdir()
    assert uitkomst.bewaard == map_
    assert map_.name.endswith("-" + hashlib.sha256(FOUT).hexdigest()[:12])
    assert (map_ / FOUT_NAAM).read_bytes() == FOUT
    rapport = (map_ / "rapport.txt").read_text(encoding="utf-8")
    assert ("tellingen_ggd_2019-12-01.csv, rij 3, kolom 'waarde': waarde 'veel' is ongeldig"
            in rapport)
    assert rapport.strip() == uitkomst.rapport.split("\nHet bestand is met dit rapport")[0]
    assert json.loads((map_ / "levering.json").read_text(encoding="utf-8"))["reden"] == "inhoud"

    (regel,) = logboek.lees(omg.log)
    assert regel["gebeurtenis"] == "weigering"
    assert regel["details"]["reden"] == "inhoud" and regel["details"]["map"] == map_.name
    (probleem,) = regel["details"]["problemen"]
    assert probleem.startswith("tellingen_ggd_2019-12-01.csv, rij 3, kolom 'waarde': verwacht")
    # the log names the problem, never the cell's contents
    assert "veel" not in omg.log.read_text(encoding="utf-8")

    (weigering,) = aanlevering.geweigerde_leveringen(omg.rejected)
    assert (weigering.bestand, weigering.soort, weigering.reden) == (FOUT_NAAM, "tellingen",
                                                                     "inhoud")
    assert "rij 3, kolom 'waarde'" in weigering.eerste_probleem


def test_a_delivery_never_overwrites_a_file_of_the_same_name(omg: Omgeving):
    voor = omg.toestand()
    uitkomst = omg.lever("tellingen_politie_2019-10-15.csv", NIEUW)
    assert uitkomst.uitkomst == aanlevering.GEWEIGERD
    assert "er staat al een ander bestand tellingen/tellingen_politie_2019-10-15.csv" in (
        uitkomst.rapport)
    assert omg.toestand() == voor
    (map_,) = omg.rejected.iterdir()
    assert (map_ / "tellingen_politie_2019-10-15.csv").read_bytes() == NIEUW
    assert [r["details"]["reden"] for r in logboek.lees(omg.log)] == ["naam_bestaat"]


# --- the same file twice -------------------------------------------------------------------------


def test_the_same_file_twice_does_nothing(omg: Omgeving):
    eerste = omg.lever(NIEUW_NAAM, NIEUW)
    assert eerste.geaccepteerd
    na_eerste = omg.toestand()

    tweede = omg.lever(NIEUW_NAAM, NIEUW)
    ander = omg.lever("tellingen_ggd_2019-11-16.csv", NIEUW)  # same bytes, another name

    for uitkomst in (tweede, ander):
        assert uitkomst.uitkomst == aanlevering.DUBBEL
        assert f"dezelfde inhoud als tellingen/{NIEUW_NAAM}" in uitkomst.rapport
    assert omg.toestand() == na_eerste
    assert not omg.rejected.exists()
    assert gebeurtenissen(omg.log) == ["aanlevering", "build", "dubbel", "dubbel"]
    assert logboek.lees(omg.log)[-1]["details"]["naam"] == "tellingen_ggd_2019-11-16.csv"


def test_a_shipped_file_is_already_delivered(omg: Omgeving):
    bestaand = (omg.raw / "trajecten" / "trajecten_zorg_2019-10-15.csv").read_bytes()
    uitkomst = omg.lever("trajecten_zorg_2019-10-16.csv", bestaand, "trajecten")
    assert uitkomst.uitkomst == aanlevering.DUBBEL


def test_a_file_the_warehouse_loaded_counts_as_delivered(omg: Omgeving):
    """The warehouse's bronbestanden count too, when the file is no longer in the raw dir."""
    (omg.raw / "capaciteit" / "capaciteit_zorg_2019-10-01.csv").rename(omg.raw / "weg.csv")
    inhoud = (omg.raw / "weg.csv").read_bytes()
    uitkomst = omg.lever("capaciteit_zorg_2019-10-02.csv", inhoud, "capaciteit")
    assert uitkomst.uitkomst == aanlevering.DUBBEL
    assert "capaciteit/capaciteit_zorg_2019-10-01.csv" in uitkomst.rapport


# --- too large -----------------------------------------------------------------------------------


def niet_lezen() -> bytes:
    raise AssertionError("the file was read")


def test_an_oversize_file_is_refused_before_it_is_read(omg: Omgeving):
    voor = omg.toestand()
    uitkomst = lever_aan(
        "tellingen_groot_2019-11-15.csv", 60 * 1024 * 1024, niet_lezen, "tellingen", "b",
        raw_dir=omg.raw, rejected_dir=omg.rejected, warehouse=omg.warehouse,
        reference_dir=settings.REFERENCE_DIR, logboek=omg.log, config=Config(50))
    assert uitkomst.uitkomst == aanlevering.TE_GROOT
    assert "is 60,0 MB; de grens is 50 MB" in uitkomst.rapport
    assert uitkomst.sha256 is None and uitkomst.bewaard is None
    assert omg.toestand() == voor and not omg.rejected.exists()
    (regel,) = logboek.lees(omg.log)
    assert regel["gebeurtenis"] == "weigering"
    assert regel["details"]["reden"] == "te_groot"
    assert regel["details"]["grootte"] == 60 * 1024 * 1024


def test_a_file_larger_than_it_said_is_refused(omg: Omgeving):
    config = Config(100 / 1024 / 1024)  # 100 bytes
    uitkomst = lever_aan(NIEUW_NAAM, 10, lambda: NIEUW, "tellingen", "b", raw_dir=omg.raw,
                         rejected_dir=omg.rejected, warehouse=omg.warehouse,
                         reference_dir=settings.REFERENCE_DIR, logboek=omg.log, config=config)
    assert uitkomst.uitkomst == aanlevering.TE_GROOT
    assert uitkomst.grootte == len(NIEUW)
    assert not (omg.raw / "tellingen" / NIEUW_NAAM).exists()


# --- names ---------------------------------------------------------------------------------------

SLECHTE_NAMEN = {
    "../x.csv": "geen / of \\",
    "..\\x.csv": "geen / of \\",
    "sub/tellingen_a_2019-11-15.csv": "geen / of \\",
    "tellingen..csv": "zonder '..'",
    "a\x00b.csv": "stuurtekens",
    "a\nb.csv": "stuurtekens",
    "tellingen_a\u202e_2019-11-15.csv": "stuurtekens",  # right-to-left override
    ".verborgen.csv": "niet met '.' of '~$'",
    "~$tellingen.xlsx": "niet met '.' of '~$'",
    "x.exe": "extensie .csv of .xlsx",
    "tellingen": "extensie .csv of .xlsx",
    "": "een bestandsnaam",
    "t" * 197 + ".csv": "hoogstens 200 tekens",
    "trajecten_ggd_2019-11-15.csv": "de naam zegt trajecten",
}


@pytest.mark.parametrize("naam", list(SLECHTE_NAMEN))
def test_a_bad_name_is_refused_unread(omg: Omgeving, naam: str):
    voor = omg.toestand()
    uitkomst = lever_aan(naam, 10, niet_lezen, "tellingen", "b", raw_dir=omg.raw,
                         rejected_dir=omg.rejected, warehouse=omg.warehouse,
                         reference_dir=settings.REFERENCE_DIR, logboek=omg.log,
                         config=Config(50))
    assert uitkomst.uitkomst == aanlevering.GEWEIGERD
    assert SLECHTE_NAMEN[naam] in uitkomst.rapport
    # the name is shown with its control characters escaped: one line, nothing hidden
    assert not any(unicodedata.category(c).startswith("C") for c in uitkomst.rapport.split("\n")[0])
    assert omg.toestand() == voor and not omg.rejected.exists()
    assert not (omg.raw.parent / "x.csv").exists()
    (regel,) = logboek.lees(omg.log)
    assert (regel["gebeurtenis"], regel["details"]["reden"]) == ("weigering", "naam")


def test_a_tellingen_name_for_trajecten_is_refused():
    assert naam_problemen("tellingen_ggd_2019-11-15.csv", "trajecten") == [
        "een bestand met trajecten: de naam zegt tellingen (kies soort tellingen, of "
        "controleer het bestand)"]


@pytest.mark.parametrize("naam,soort", [
    ("tellingen_ggd_2019-11-15.csv", "tellingen"),
    ("Tellingen_GGD_2019-11-15.CSV", "tellingen"),
    ("capaciteit regio 2019.xlsx", "capaciteit"),
    ("trajecten_zorg-noord_2026-10-15.xlsx", "trajecten"),
])
def test_good_names_pass(naam: str, soort: str):
    assert naam_problemen(naam, soort) == []


# --- a build that fails after the file passed ----------------------------------------------------


def test_a_failed_build_takes_the_file_back(omg: Omgeving):
    """The new capacity passes on its own but overlaps a location of the existing file: the
    data test across files fails, and the delivery is undone."""
    voor = omg.toestand()
    naam = "capaciteit_zorg_2019-11-01.csv"
    inhoud = (CAPACITEIT_HEADER + "\nBW;Zorg A;L1;Lelystad;;;12;2019-06-01;\n").encode()

    uitkomst = omg.lever(naam, inhoud, "capaciteit")

    assert uitkomst.uitkomst == aanlevering.BUILD_MISLUKT
    assert "capaciteit: geen overlappende geldigheid per locatie" in uitkomst.rapport
    assert omg.toestand() == voor  # the file is out of raw again; the warehouse unchanged
    (map_,) = omg.rejected.iterdir()
    assert (map_ / naam).read_bytes() == inhoud
    assert "geen overlappende geldigheid" in (map_ / "rapport.txt").read_text(encoding="utf-8")
    (regel,) = logboek.lees(omg.log)
    assert regel["gebeurtenis"] == "build_mislukt"
    assert regel["details"]["naam"] == naam
    assert regel["details"]["problemen"] == ["capaciteit: geen overlappende geldigheid per locatie"]
    # the example row (figures, locations) stays out of the log
    assert "Zorg" not in omg.log.read_text(encoding="utf-8")


def test_an_unexpected_build_error_also_takes_the_file_back(omg: Omgeving, monkeypatch):
    def kapot(*args, **kwargs):
        raise OSError("schijf vol")

    monkeypatch.setattr(aanlevering, "build", kapot)
    voor = omg.toestand()
    with pytest.raises(OSError, match="schijf vol"):
        omg.lever(NIEUW_NAAM, NIEUW)
    assert omg.toestand() == voor
    assert gebeurtenissen(omg.log) == ["build_mislukt"]


# --- the command line and the config -------------------------------------------------------------


def test_etl_build_is_logged(omg: Omgeving, monkeypatch):
    from etl.__main__ import main

    monkeypatch.setenv("FLEVOMONITOR_LOGBOEK", str(omg.log))
    assert main(["build", "--raw", str(omg.raw), "--warehouse", str(omg.warehouse)]) == 0
    (regel,) = logboek.lees(omg.log)
    assert regel["gebeurtenis"] == "build"
    assert regel["details"]["versie"] == versie(omg.warehouse)
    assert regel["details"]["aanleiding"] == "opdrachtregel"
    assert regel["wie"]  # the operating system's user

    (omg.raw / "tellingen" / FOUT_NAAM).write_bytes(FOUT)
    assert main(["build", "--raw", str(omg.raw), "--warehouse", str(omg.warehouse)]) == 1
    regel = logboek.lees(omg.log)[-1]
    assert regel["gebeurtenis"] == "build_mislukt"
    assert regel["details"]["problemen"][0].startswith(f"{FOUT_NAAM}, rij 3, kolom 'waarde'")
    assert "veel" not in omg.log.read_text(encoding="utf-8")


def test_etl_aanlever(omg: Omgeving, monkeypatch, tmp_path: Path, capsys):
    from etl.__main__ import main

    monkeypatch.setenv("FLEVOMONITOR_LOGBOEK", str(omg.log))
    bestand = tmp_path / "inbox" / NIEUW_NAAM
    bestand.parent.mkdir()
    bestand.write_bytes(NIEUW)
    args = ["aanlever", str(bestand), "--raw", str(omg.raw), "--rejected", str(omg.rejected),
            "--warehouse", str(omg.warehouse)]
    assert main(args) == 0
    assert "Bestand goedgekeurd" in capsys.readouterr().out
    assert (omg.raw / "tellingen" / NIEUW_NAAM).read_bytes() == NIEUW
    assert main(args) == 0  # the same file again: nothing to do
    assert "Al aangeleverd" in capsys.readouterr().out
    assert gebeurtenissen(omg.log) == ["aanlevering", "build", "dubbel"]


@pytest.mark.parametrize("tekst,fout", [
    ("max_megabytes = 0", "groter dan 0"),
    ("max_megabytes = 'vijftig'", "groter dan 0"),
    ("max_megabytes = true", "groter dan 0"),
    ("", "groter dan 0"),
    ("max_megabytes = 50\nmax_mb = 3", "onbekende instelling max_mb"),
    ("max_megabytes = ", "geen geldige TOML"),
])
def test_a_wrong_config_is_refused_in_dutch(tmp_path: Path, tekst: str, fout: str):
    pad = tmp_path / "aanlevering.toml"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(aanlevering.ConfigFout, match=fout):
        aanlevering.lees_config(pad)


def test_the_shipped_config():
    assert aanlevering.lees_config().max_megabytes == 50


def test_build_failures_are_logged_without_figures():
    fout = BuildFailed("De warehouse is niet bijgewerkt: datatests faalden.\n"
                       "  - kerncijfers: sleutel uniek: bijvoorbeeld ('BW', 'instroom', 17)")
    assert aanlevering.build_problemen(fout) == ["kerncijfers: sleutel uniek"]
