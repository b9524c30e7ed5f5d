"""Snapshots: a frozen quarter, immutable and versioned, with its provenance, and comparable.

A small hand-made warehouse (shipped Flevoland reference data, trajecten from 2019-01-01,
latest peildatum 2019-10-15, so quarters 2019-K1 to 2019-K3) is built once per module.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from warehousehulp import (
    TELLINGEN_HEADER,
    TRAJECTEN_HEADER,
    alleen_xlsx,  # noqa: F401 (a fixture, used below)
    write,
)

from etl import settings
from etl.__main__ import main
from etl.build import build
from monitor.snapshots import (
    REFERENTIE_TABELLEN,
    SnapshotFout,
    lees_kerncijfers,
    lees_publiekscijfers,
    lees_snapshot,
    open_snapshot,
    snapshots,
    vergelijk,
    vind_snapshot,
)
from publicatie.snapshot import maak_snapshot
from publicatie.suppressie import beveilig, lees_publicatie

# only the XLSX export here: the other exports start Chromium and have their own tests
pytestmark = pytest.mark.usefixtures("alleen_xlsx")


def bw(tid: str, herkomst: str, aanmelding: str, instroom: str) -> str:
    return f"{tid};BW;BW midden;;Nieuw;{herkomst};{herkomst};;{aanmelding};{instroom};;;"


TRAJECTEN = [
    # 2019-K3: Almere 6 instroom, Lelystad 2; one Almere instroom in K1
    *(bw(f"A{i}", "Almere", "2019-07-01", "2019-07-10") for i in range(6)),
    bw("L1", "Lelystad", "2019-07-01", "2019-08-01"),
    bw("L2", "Lelystad", "2019-07-02", "2019-08-02"),
    bw("K1", "Almere", "2019-01-05", "2019-02-01"),
]
MELDINGEN_K3 = {"Almere": 12, "Dronten": 3, "Lelystad": 9, "Noordoostpolder": 6, "Urk": 7,
                "Zeewolde": 0}
TELLINGEN = [
    *(f"Politie;E33;meldingen;2019-K3;{g};;{n};" for g, n in MELDINGEN_K3.items()),
    *(f"Politie;E33;meldingen;2019-K2;{g};;10;" for g in MELDINGEN_K3),
    "Politie;E33;meldingen;2018;Almere;;900;",  # a year that ended before the quarter
    "Politie;E33;meldingen;2019;Almere;;950;",  # a year that ends after it
]
CAPACITEIT = [
    "voorziening;aanbieder;locatie;gemeente;product;cluster;plekken;geldig_vanaf;geldig_tot",
    "BW;Zorg A;L1;Lelystad;;;10;2019-01-01;",
    "BW;Zorg B;A1;Almere;;;8;2019-01-01;",
]


def write_raw(raw: Path) -> None:
    write(raw / "trajecten" / "trajecten_zorg_2019-10-15.csv", TRAJECTEN_HEADER, TRAJECTEN)
    write(raw / "tellingen" / "tellingen_politie_2019-10-15.csv", TELLINGEN_HEADER, TELLINGEN)
    write(raw / "capaciteit" / "capaciteit_zorg_2019-10-01.csv", CAPACITEIT[0], CAPACITEIT[1:])


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snapshot_raw")
    write_raw(folder)
    return folder


@pytest.fixture(scope="module")
def warehouse(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshot_wh") / "warehouse.duckdb"
    build(raw, path, settings.REFERENCE_DIR)
    return path


def live(warehouse: Path, sql: str = "SELECT * FROM kerncijfers") -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


# --- the frozen figures -----------------------------------------------------------------------


def test_parquet_is_kerncijfers_up_to_the_quarter(warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2019-K2", warehouse, tmp_path)
    table = pq.read_table(folder / "intern" / "kerncijfers.parquet")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = con.sql(
            "SELECT * FROM kerncijfers WHERE periode IN ('2019-K1', '2019-K2', '2018') "
            "ORDER BY ALL"
        ).to_arrow_table()
    assert table.schema == expected.schema  # same columns, same types
    assert table.sort_by([(c, "ascending") for c in table.column_names]).equals(
        expected.sort_by([(c, "ascending") for c in expected.column_names])
    )
    periodes = set(table.column("periode").to_pylist())
    assert "2019-K3" not in periodes
    assert "2018" in periodes  # ended before 2019-K2
    assert "2019" not in periodes  # ends after it


def test_the_snapshot_holds_the_figures_of_the_quarter(warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2019-K3", warehouse, tmp_path)
    _, frame = lees_snapshot(folder)
    assert technisch(folder)["rijen"] == len(frame)
    almere = frame[
        (frame.indicator == "instroom") & (frame.periode == "2019-K3")
        & (frame.gemeentecode == "GM0034") & (frame.perspectief == "herkomst")
        & frame.dimensie.isna()
    ]
    assert almere.waarde.tolist() == [6.0]
    assert set(frame.periode) == {"2018", "2019-K1", "2019-K2", "2019-K3"}


def technisch(folder: Path) -> dict:
    return json.loads((folder / "intern" / "technisch.json").read_text(encoding="utf-8"))


def inhoud(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_manifest_records_provenance(warehouse: Path, raw: Path, tmp_path: Path):
    folder = maak_snapshot("2019-K3", warehouse, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    meta = dict(live(warehouse, "SELECT sleutel, waarde FROM meta").itertuples(index=False))

    # the index: what anyone looking at the record needs first
    assert sorted(manifest) == sorted([
        "kwartaal", "versie", "vervangt", "reden", "created_at", "regio", "bevat_demo",
        "drempel", "teken", "teken_overig", "bestanden",
    ])
    assert manifest["kwartaal"] == manifest["versie"] == "2019-K3"
    assert manifest["vervangt"] is None and manifest["reden"] is None
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset().total_seconds() == 0
    assert manifest["regio"] == meta["regio"]
    assert manifest["bevat_demo"] is False
    assert manifest["drempel"] == 5 and manifest["teken"] == "<5"
    assert manifest["teken_overig"] == "x"

    # the technical part, kept internal
    tech = technisch(folder)
    assert tech["warehouse_versie"] == meta["versie"]
    assert tech["warehouse_gebouwd_op"] == meta["gebouwd_op"]
    assert tech["schema_versie"] == str(settings.SCHEMA_VERSION)
    assert tech["code_versie"] == meta["code_versie"]
    publicatie = lees_publicatie()
    assert tech["beveiliging"]["drempel"] == publicatie.drempel == 5
    assert tech["beveiliging"]["config"] == "config/publicatie.toml"
    assert tech["beveiliging"]["config_sha256"] == hashlib.sha256(
        (settings.ROOT / "config" / "publicatie.toml").read_bytes()).hexdigest()
    assert tech["beveiliging"]["vorige"] is None

    files = {f["bestand"]: f for f in tech["bronbestanden"]}
    on_disk = sorted(p for p in raw.rglob("*.csv"))
    assert sorted(files) == sorted(p.relative_to(raw).as_posix() for p in on_disk)
    for path in on_disk:
        entry = files[path.relative_to(raw).as_posix()]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["demo"] is False
        assert entry["rijen"] == len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert files["trajecten/trajecten_zorg_2019-10-15.csv"]["peildatum"] == "2019-10-15"

    written = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert sorted(manifest["bestanden"]) == written == sorted([
        "intern/audit-2019-K3.csv", "intern/kerncijfers.parquet", "intern/logboek.jsonl",
        "intern/technisch.json",
        *(f"intern/referentie/{naam}.parquet" for naam in REFERENTIE_TABELLEN),
        "publicatie/kwartaalcijfers-2019-K3.xlsx", "publicatie/publiekscijfers-2019-K3.parquet",
    ])
    for name, sha in manifest["bestanden"].items():
        assert sha == hashlib.sha256((folder / name).read_bytes()).hexdigest()


def test_demo_data_is_flagged(raw: Path, tmp_path: Path):
    demo_raw = tmp_path / "raw"
    shutil.copytree(raw, demo_raw)
    (demo_raw / "tellingen" / "tellingen_politie_2019-10-15.csv").rename(
        demo_raw / "tellingen" / "tellingen_demo_2019-10-15.csv"
    )
    demo_warehouse = tmp_path / "demo.duckdb"
    build(demo_raw, demo_warehouse, settings.REFERENCE_DIR)
    manifest, _ = lees_snapshot(maak_snapshot("2019-K3", demo_warehouse, tmp_path / "uit"))
    assert manifest["bevat_demo"] is True
    demo = {f["bestand"]: f["demo"]
            for f in technisch(tmp_path / "uit" / "2019-K3")["bronbestanden"]}
    assert demo["tellingen/tellingen_demo_2019-10-15.csv"] is True
    assert demo["trajecten/trajecten_zorg_2019-10-15.csv"] is False


# --- immutability and versions ----------------------------------------------------------------


def test_a_snapshot_is_never_overwritten_and_new_versions_need_a_reason(
    warehouse: Path, tmp_path: Path
):
    first = maak_snapshot("2019-K3", warehouse, tmp_path)
    assert first == tmp_path / "2019-K3"
    before = inhoud(first)

    with pytest.raises(SnapshotFout, match="bestaat al"):
        maak_snapshot("2019-K3", warehouse, tmp_path)
    for reden in (None, "", "   "):
        with pytest.raises(SnapshotFout, match="reden"):
            maak_snapshot("2019-K3", warehouse, tmp_path, nieuwe_versie=True, reden=reden)
    assert inhoud(first) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2019-K3"]

    second = maak_snapshot(
        "2019-K3", warehouse, tmp_path, nieuwe_versie=True, reden="Correctie politie K3"
    )
    assert second.name == "2019-K3-v2"
    manifest, _ = lees_snapshot(second)
    assert manifest["versie"] == "2019-K3-v2" and manifest["kwartaal"] == "2019-K3"
    assert manifest["reden"] == "Correctie politie K3"
    assert manifest["vervangt"] == "2019-K3"
    assert (second / "publicatie" / "kwartaalcijfers-2019-K3-v2.xlsx").is_file()

    third = maak_snapshot("2019-K3", warehouse, tmp_path, nieuwe_versie=True, reden="Nog één")
    assert third.name == "2019-K3-v3"
    assert lees_snapshot(third)[0]["vervangt"] == "2019-K3-v2"
    assert inhoud(first) == before

    listed = snapshots(tmp_path)
    assert [m["versie"] for m in listed] == ["2019-K3", "2019-K3-v2", "2019-K3-v3"]
    assert listed[0]["map"] == str(first)


def test_snapshots_lists_quarters_oldest_first(warehouse: Path, tmp_path: Path):
    assert snapshots(tmp_path / "nog-niets") == []
    maak_snapshot("2019-K2", warehouse, tmp_path)
    maak_snapshot("2019-K1", warehouse, tmp_path)
    assert [m["versie"] for m in snapshots(tmp_path)] in (
        ["2019-K2", "2019-K1"],  # made in that order
        ["2019-K1", "2019-K2"],  # within the same second: by label
    )


@pytest.mark.parametrize(
    ("kwartaal", "message"),
    [
        ("2019-K4", "staat niet in de warehouse"),  # not yet complete at the peildatum
        ("2018-K4", "staat niet in de warehouse"),  # before the trajecten registration
        ("2019-K5", "Ongeldig kwartaal"),
        ("2019-Q3", "Ongeldig kwartaal"),
        ("19-K3", "Ongeldig kwartaal"),
    ],
)
def test_refuses_a_quarter_that_is_not_in_the_warehouse(
    warehouse: Path, tmp_path: Path, kwartaal: str, message: str
):
    with pytest.raises(SnapshotFout, match=message):
        maak_snapshot(kwartaal, warehouse, tmp_path)
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_nothing_behind(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr("publicatie.snapshot.schrijf_xlsx", broken)
    with pytest.raises(RuntimeError, match="schijf vol"):
        maak_snapshot("2019-K3", warehouse, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert snapshots(tmp_path) == []


def test_a_changed_parquet_is_refused(warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2019-K3", warehouse, tmp_path)
    table = pq.read_table(folder / "intern" / "kerncijfers.parquet").slice(1)
    pq.write_table(table, folder / "intern" / "kerncijfers.parquet")
    with pytest.raises(SnapshotFout, match="niet meer zoals vastgelegd"):
        lees_snapshot(folder)
    with pytest.raises(SnapshotFout, match="niet meer zoals vastgelegd"):
        open_snapshot(folder)
    lees_publiekscijfers(folder)  # the published figures are untouched
    open_snapshot(folder, publiek=True).close()

    publiek = folder / "publicatie" / "publiekscijfers-2019-K3.parquet"
    pq.write_table(pq.read_table(publiek).slice(1), publiek)
    with pytest.raises(SnapshotFout, match="niet meer zoals vastgelegd"):
        lees_publiekscijfers(folder)
    with pytest.raises(SnapshotFout, match="niet meer zoals vastgelegd"):
        open_snapshot(folder, publiek=True)


# --- the folder: internal apart from public -------------------------------------------------


def regel(frame: pd.DataFrame, gemeentecode: str, indicator: str = "instroom",
          periode: str = "2019-K3") -> pd.Series:
    """The BW row of a municipality by herkomst, without dimension."""
    rows = frame[
        (frame.voorziening == "BW") & (frame.indicator == indicator) & (frame.periode == periode)
        & (frame.gemeentecode == gemeentecode) & (frame.perspectief == "herkomst")
        & frame.dimensie.isna()
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def gelijk(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing as None in every column, so frames compare regardless of string dtypes."""
    return frame.astype(object).where(frame.notna(), None)


def test_internal_and_public_files_are_apart(warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2019-K3", warehouse, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["intern", "manifest.json", "publicatie"]

    # intern: the figures as they are; Lelystad's BW instroom is 2
    _, kerncijfers = lees_snapshot(folder)
    assert regel(kerncijfers, "GM0995").waarde == 2

    # publicatie: only public files, every one named after the version; the figures there are
    # exactly what beveilig() returns, with the 2 hidden behind its sign
    public = sorted(p.relative_to(folder / "publicatie").as_posix()
                    for p in (folder / "publicatie").rglob("*") if p.is_file())
    assert public == ["kwartaalcijfers-2019-K3.xlsx", "publiekscijfers-2019-K3.parquet"]
    _, gepubliceerd = lees_publiekscijfers(folder)
    expected = beveilig(kerncijfers, "2019-K3", lees_publicatie()).reset_index(drop=True)
    pd.testing.assert_frame_equal(gelijk(gepubliceerd), gelijk(expected), check_dtype=False)
    lelystad = regel(gepubliceerd, "GM0995")
    assert lelystad.onderdrukt and np.isnan(lelystad.waarde)
    assert (lelystad.reden, lelystad.teken) == ("primair", "<5")
    assert {"onderdrukt", "reden", "teken"} <= set(gepubliceerd.columns)
    # no count of people from 1 to 4 is readable in the public file (places and locations
    # are not people: config `vrijgesteld`)
    telling = (~gepubliceerd.indicator.str.endswith(settings.RATIO_SUFFIXES)
               & ~gepubliceerd.indicator.isin(lees_publicatie().vrijgesteld))
    klein = gepubliceerd[telling & gepubliceerd.waarde.between(1, 4)]
    assert klein.empty, klein[["voorziening", "indicator", "periode", "gemeentecode"]]

    # the audit of those figures is kept internal
    controle = pd.read_csv(folder / "intern" / "audit-2019-K3.csv")
    assert "ok" in controle.columns and controle["ok"].astype(bool).all()

    # the dashboard's publieksversie reads the same file
    with open_snapshot(folder, publiek=True) as con:
        shown = con.execute(
            "SELECT waarde, onderdrukt, teken FROM kerncijfers WHERE voorziening = 'BW' "
            "AND indicator = 'instroom' AND periode = '2019-K3' AND gemeentecode = 'GM0995' "
            "AND perspectief = 'herkomst' AND dimensie IS NULL").fetchall()
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
    assert shown == [(None, True, "<5")]
    assert meta["versie"] == meta["snapshot"] == "2019-K3" and meta["publiek"] == "ja"
    assert meta["warehouse_versie"] == technisch(folder)["warehouse_versie"]
    with open_snapshot(folder) as con:
        assert con.execute(
            "SELECT waarde FROM kerncijfers WHERE voorziening = 'BW' AND indicator = 'instroom' "
            "AND periode = '2019-K3' AND gemeentecode = 'GM0995' AND perspectief = 'herkomst' "
            "AND dimensie IS NULL").fetchall() == [(2.0,)]
        tabellen = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert tabellen >= set(REFERENTIE_TABELLEN)


def test_a_new_versions_files_carry_its_version(warehouse: Path, tmp_path: Path):
    maak_snapshot("2019-K3", warehouse, tmp_path)
    second = maak_snapshot("2019-K3", warehouse, tmp_path, nieuwe_versie=True, reden="Correctie")
    manifest, _ = lees_snapshot(second)
    assert sorted(manifest["bestanden"]) == sorted(
        p.relative_to(second).as_posix() for p in second.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    versioned = [name for name in manifest["bestanden"]
                 if name.startswith("publicatie/") or "audit" in name]
    assert sorted(versioned) == [
        "intern/audit-2019-K3-v2.csv", "publicatie/kwartaalcijfers-2019-K3-v2.xlsx",
        "publicatie/publiekscijfers-2019-K3-v2.parquet",
    ]
    assert lees_publiekscijfers(second)[0]["versie"] == "2019-K3-v2"


def test_the_previous_snapshot_is_passed_to_the_protection(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    gezien: list[pd.DataFrame | None] = []

    def spy(kerncijfers, kwartaal, publicatie, vorige=None):
        gezien.append(vorige)
        return beveilig(kerncijfers, kwartaal, publicatie, vorige)

    monkeypatch.setattr("publicatie.snapshot.beveilig", spy)
    k2 = maak_snapshot("2019-K2", warehouse, tmp_path)
    k3 = maak_snapshot("2019-K3", warehouse, tmp_path)
    v2 = maak_snapshot("2019-K3", warehouse, tmp_path, nieuwe_versie=True, reden="Correctie")
    assert gezien[0] is None  # nothing before 2019-K2
    # the newest snapshot of the previous quarter, then the newest earlier version
    pd.testing.assert_frame_equal(gezien[1], lees_publiekscijfers(k2)[1])
    pd.testing.assert_frame_equal(gezien[2], lees_publiekscijfers(k3)[1])
    assert [technisch(f)["beveiliging"]["vorige"] for f in (k2, k3, v2)] == [
        None, "2019-K2", "2019-K3"]


def test_a_leak_found_by_the_audit_refuses_the_snapshot(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def leaking(gepubliceerd, kerncijfers, publicatie, vorige=None, inwoners=None):
        assert inwoners is not None and {"gemeentecode", "inwoners"} <= set(inwoners.columns)
        rows = [
            ("BW", "instroom", "2019-K3", "GM0034", "herkomst", None, "trajecten", 6, 6, True),
            ("BW", "instroom", "2019-K3", "GM0995", "herkomst", None, "trajecten", 2, 2, False),
            ("BW", "uitstroom", "2019-K3", "GM0995", "herkomst", None, "trajecten", 1, 1, False),
        ]
        return pd.DataFrame(rows, columns=[
            "voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie",
            "bron", "ondergrens", "bovengrens", "ok"])

    monkeypatch.setattr("publicatie.snapshot.audit", leaking)
    with pytest.raises(SnapshotFout) as fout:
        maak_snapshot("2019-K3", warehouse, tmp_path)
    melding = str(fout.value)
    assert "2 verborgen cellen" in melding
    assert "BW instroom 2019-K3 GM0995" in melding and "2 – 2" in melding
    assert list(tmp_path.iterdir()) == []


# --- finding and reading a snapshot -----------------------------------------------------------


@pytest.fixture(scope="module")
def uit(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot folder with one snapshot, 2019-K3 (XLSX only: a module fixture is made
    before the function-scoped alleen_xlsx applies)."""
    folder = tmp_path_factory.mktemp("vind")
    maak_snapshot("2019-K3", warehouse, folder, exports=("xlsx",))
    return folder


@pytest.mark.parametrize("versie", [
    "../../evil", "..", "2019-K3/../2019-K3", "/etc", "[x](http://e)", "<b>2019-K3</b>",
    "2019-K3\n", "2019-K4", "2019-K3-v2", "", "2019-K3-v1",
])
def test_vind_snapshot_refuses_anything_but_an_existing_version(uit: Path, versie: str):
    assert vind_snapshot(uit, "2019-K3") == uit / "2019-K3"
    if versie == "/etc":
        versie = str(uit / "2019-K3")  # an absolute path to a real snapshot is no version
    with pytest.raises(SnapshotFout) as fout:
        vind_snapshot(uit, versie)
    melding = str(fout.value)
    assert str(uit) not in melding and "<" not in melding and "](" not in melding
    assert versie not in melding if versie else True


def test_a_broken_manifest_is_refused_and_not_listed(warehouse: Path, tmp_path: Path):
    good = maak_snapshot("2019-K2", warehouse, tmp_path)
    broken = maak_snapshot("2019-K3", warehouse, tmp_path)
    (broken / "manifest.json").write_text('{"kwartaal": "2019-K3", ', encoding="utf-8")
    for lees in (lees_snapshot, lees_publiekscijfers, open_snapshot):
        with pytest.raises(SnapshotFout, match=r"manifest\.json is beschadigd"):
            lees(broken)
    assert [m["map"] for m in snapshots(tmp_path)] == [str(good)]
    (broken / "manifest.json").write_text("[]", encoding="utf-8")
    with pytest.raises(SnapshotFout, match="geen snapshotmanifest"):
        lees_snapshot(broken)
    assert [m["versie"] for m in snapshots(tmp_path)] == ["2019-K2"]


# --- comparison -------------------------------------------------------------------------------


def test_comparison_after_a_correction(raw: Path, warehouse: Path, tmp_path: Path):
    _, frozen = lees_snapshot(maak_snapshot("2019-K3", warehouse, tmp_path / "uit"))

    corrected_raw = tmp_path / "raw"
    shutil.copytree(raw, corrected_raw)
    write(corrected_raw / "tellingen" / "tellingen_politie_2019-11-01.csv", TELLINGEN_HEADER,
          ["Politie;E33;meldingen;2019-K3;Almere;;15;correctie"])
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(corrected_raw, rebuilt, settings.REFERENCE_DIR)

    today = lees_kerncijfers(rebuilt, "2019-K3")
    changed = vergelijk(frozen, today)
    key = ["indicator", "gemeentecode"]
    assert sorted(map(tuple, changed[key].to_numpy())) == [
        ("meldingen", "GM0034"), ("meldingen", "TOTAAL"),
        ("meldingen_per_10000", "GM0034"), ("meldingen_per_10000", "TOTAAL"),
    ]
    assert set(changed.periode) == {"2019-K3"}
    # the police gave the municipality's count; the rest the warehouse derived from it
    assert dict(zip(map(tuple, changed[key].to_numpy()), changed.bron, strict=True)) == {
        ("meldingen", "GM0034"): "Politie", ("meldingen", "TOTAAL"): "afgeleid uit Politie",
        ("meldingen_per_10000", "GM0034"): "afgeleid uit Politie",
        ("meldingen_per_10000", "TOTAAL"): "afgeleid uit Politie",
    }
    assert changed.dimensie.isna().all()
    rows = changed.set_index(key)
    assert rows.loc[("meldingen", "GM0034"), "waarde_oud"] == 12
    assert rows.loc[("meldingen", "GM0034"), "waarde_nieuw"] == 15
    assert rows.loc[("meldingen", "GM0034"), "verschil"] == 3
    total = sum(MELDINGEN_K3.values())
    assert rows.loc[("meldingen", "TOTAAL"), "waarde_oud"] == total
    assert rows.loc[("meldingen", "TOTAAL"), "waarde_nieuw"] == total + 3

    inwoners = live(
        rebuilt, "SELECT inwoners FROM ref_inwoners WHERE gemeentecode = 'GM0034' AND jaar = 2019"
    ).inwoners[0]
    per = rows.loc[("meldingen_per_10000", "GM0034")]
    assert per.waarde_oud == round(12 * 10000 / inwoners, 2)
    assert per.waarde_nieuw == round(15 * 10000 / inwoners, 2)

    assert vergelijk(frozen, frozen).empty
    assert vergelijk(today, lees_kerncijfers(rebuilt, "2019-K3")).empty

    # a correction's old and new counts are figures before disclosure control: internal only
    corrected = maak_snapshot("2019-K3", rebuilt, tmp_path / "na")
    with open_snapshot(corrected) as con:
        assert con.execute("SELECT vorige_waarde, nieuwe_waarde FROM correcties").fetchall() == [
            (12, 15)]
    with open_snapshot(corrected, publiek=True) as con:
        assert con.execute("SELECT count(*) FROM correcties").fetchall() == [(0,)]


def test_comparison_lists_figures_on_one_side_only():
    columns = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief",
               "dimensie", "bron", "waarde"]
    oud = pd.DataFrame([
        ("BW", "instroom", "2019-K3", "GM0034", "herkomst", None, "trajecten", 6.0),
        ("BW", "instroom", "2019-K3", "GM0034", "herkomst", "product=BW hoog", "trajecten", 2.0),
        ("E33", "meldingen", "2019-K3", "GM0995", "regio", None, "Politie", 9.0),
    ], columns=columns)
    nieuw = pd.DataFrame([
        ("BW", "instroom", "2019-K3", "GM0034", "herkomst", None, "trajecten", 6.0),
        ("BW", "instroom", "2019-K3", "GM0034", "herkomst", "product=BW hoog", "trajecten", 3.0),
        ("E33", "meldingen", "2019-K3", "GM0303", "regio", None, "Politie", 4.0),
    ], columns=columns)
    changed = vergelijk(oud, nieuw).set_index(["gemeentecode", "dimensie"], drop=False)
    assert len(changed) == 3
    product = changed[changed.dimensie == "product=BW hoog"].iloc[0]
    assert (product.waarde_oud, product.waarde_nieuw, product.verschil) == (2.0, 3.0, 1.0)
    gone = changed[changed.gemeentecode == "GM0995"].iloc[0]
    assert gone.waarde_oud == 9.0 and np.isnan(gone.waarde_nieuw) and np.isnan(gone.verschil)
    new = changed[changed.gemeentecode == "GM0303"].iloc[0]
    assert np.isnan(new.waarde_oud) and new.waarde_nieuw == 4.0
    assert list(vergelijk(oud, nieuw).columns) == [
        "voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron",
        "waarde_oud", "waarde_nieuw", "verschil",
    ]


# --- command line -----------------------------------------------------------------------------


def test_cli(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    base = ["snapshot", "2019-K3", "--warehouse", str(warehouse), "--uit", str(tmp_path)]

    assert main(base) == 0
    out = capsys.readouterr().out
    assert "Snapshot gemaakt" in out and "kwartaalcijfers-2019-K3.xlsx" in out

    assert main(base) == 1
    err = capsys.readouterr().err
    assert "Snapshot niet gemaakt" in err and "bestaat al" in err and "--nieuwe-versie" in err

    assert main([*base, "--nieuwe-versie"]) == 1
    assert "vraagt een reden" in capsys.readouterr().err

    assert main([*base, "--nieuwe-versie", "--reden", "Correctie Almere"]) == 0
    assert "2019-K3-v2" in capsys.readouterr().out
    assert lees_snapshot(tmp_path / "2019-K3-v2")[0]["reden"] == "Correctie Almere"

    assert main(["snapshot", "2019-K9", "--warehouse", str(warehouse), "--uit", str(tmp_path)]) == 1
    assert "Ongeldig kwartaal '2019-K9'" in capsys.readouterr().err

    missing = tmp_path / "geen.duckdb"
    assert main(["snapshot", "2019-K3", "--warehouse", str(missing), "--uit", str(tmp_path)]) == 1
    assert "Geen warehouse" in capsys.readouterr().err

    broken = tmp_path / "kapot.duckdb"
    broken.write_text("geen warehouse", encoding="utf-8")
    assert main(["snapshot", "2019-K3", "--warehouse", str(broken), "--uit", str(tmp_path)]) == 1
    assert "niet te lezen" in capsys.readouterr().err
