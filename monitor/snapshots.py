"""Reading a frozen quarter: the snapshot folder's layout and everything that reads one.

The writer is `publicatie.snapshot` (the publication layer); the dashboard's data layer reads
snapshots through this module only, so it never imports the publication layer. The layout of
`data/snapshots/<versie>/` (`<versie>` is `2026-K3` or `2026-K3-v2`):

- `manifest.json`: the index (quarter, version, what it replaces and why, when, region, demo
  or not, the suppression signs) and `bestanden`, the sha256 of every other file;
- `intern/`: never sent out: `kerncijfers.parquet` (unsuppressed), `referentie/*.parquet`,
  `technisch.json` (warehouse and code version, source files with sha256, the suppression
  config), `audit-<versie>.csv`, the technical annex of the report, `logboek.jsonl` (the
  audit trail as it was when the snapshot was made, its own entry included);
- `publicatie/`: only what may be sent out, every file name carrying the version, among them
  `publiekscijfers-<versie>.parquet`: the protected figures every export and the
  publieksversie show.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl import settings

MANIFEST = "manifest.json"
INTERN = "intern"
PUBLICATIE = "publicatie"
KERNCIJFERS = f"{INTERN}/kerncijfers.parquet"
REFERENTIE = f"{INTERN}/referentie"
TECHNISCH = f"{INTERN}/technisch.json"
LOGBOEK = f"{INTERN}/logboek.jsonl"  # the audit trail as it was when the snapshot was made

# Tables a snapshot keeps besides kerncijfers, so the dashboard can show it as it was shown
# (all read from the public warehouse). The marts the named queries read beside kerncijfers
# are kept empty (their columns only): a snapshot records figures, not the counts behind the
# crossings; views that use them say "geen gegevens" on a snapshot.
REFERENTIE_TABELLEN = {
    "meta": "SELECT * FROM meta",
    "ref_gemeenten": "SELECT * FROM ref_gemeenten",
    "ref_gemeentenamen": "SELECT * FROM ref_gemeentenamen",
    "ref_inwoners": "SELECT * FROM ref_inwoners",
    "ref_gemeentegrenzen": "SELECT * FROM ref_gemeentegrenzen",
    "bronbestanden": "SELECT * FROM bronbestanden",
    "correcties": "SELECT * FROM correcties",
    "periodes": "SELECT * FROM periodes",
    "periodes_trajecten": "SELECT * FROM periodes_trajecten",
    "verblijfsduurklassen": "SELECT * FROM verblijfsduurklassen",
    "mart_capaciteit_locaties": "SELECT * FROM mart_capaciteit_locaties LIMIT 0",
    "mart_instroom_kruis": "SELECT * FROM mart_instroom_kruis LIMIT 0",
    "mart_uitstroom_stromen": "SELECT * FROM mart_uitstroom_stromen LIMIT 0",
    "mart_uitstroom_verblijfsduur": "SELECT * FROM mart_uitstroom_verblijfsduur LIMIT 0",
}
# Reference tables holding figures before disclosure control (a correction's old and new
# count): empty in the publieksversie.
NIET_PUBLIEK = frozenset({"correcties"})
SLEUTEL = list(settings.KERNCIJFER_SLEUTEL)

KWARTAAL_PATROON = re.compile(r"^(\d{4})-K([1-4])$")
# a version label: the quarter, and from the second version on `-v<n>`
VERSIE_PATROON = re.compile(r"^(\d{4}-K[1-4])(?:-v([2-9]|[1-9]\d+))?$")

# The quarter and its history: quarters up to it, and the years that ended by its last day.
_TOT_KWARTAAL_SQL = """
SELECT * FROM kerncijfers
WHERE (periode_type = 'kwartaal' AND periode <= $kwartaal)
   OR (periode_type = 'jaar' AND TRY_CAST(periode AS INTEGER) <= $laatste_jaar)
ORDER BY voorziening, indicator, periode, gemeentecode, perspectief, dimensie NULLS FIRST, bron
"""


class SnapshotFout(Exception):
    """A snapshot cannot be made or read; the message is for the data steward (Dutch)."""


def publiekscijfers(versie: str) -> str:
    """The published figures of version `versie`, relative to its folder."""
    return f"{PUBLICATIE}/publiekscijfers-{versie}.parquet"


def auditbestand(versie: str) -> str:
    """The audit of the published figures of version `versie`, relative to its folder."""
    return f"{INTERN}/audit-{versie}.csv"


# --- finding snapshots ------------------------------------------------------------------------


def kwartaal_van(versie: str) -> tuple[str, int] | None:
    """(quarter, version number) of a version label (`2026-K3-v2` -> ('2026-K3', 2)), or None
    for anything that is not one."""
    match = VERSIE_PATROON.fullmatch(versie or "")
    return (match[1], int(match[2] or 1)) if match else None


def snapshots(uit: Path) -> list[dict]:
    """The manifests of the snapshots in `uit`, oldest first, each with its folder as `map`.

    A folder whose name is no version label, or whose manifest is missing, unreadable or of
    another version, is not a snapshot and is left out."""
    gevonden = []
    if not uit.is_dir():
        return gevonden
    for map_ in uit.iterdir():
        if kwartaal_van(map_.name) is None or not (map_ / MANIFEST).is_file():
            continue
        try:
            manifest = lees_manifest(map_)
        except SnapshotFout:
            continue
        if manifest.get("versie") == map_.name:
            gevonden.append({**manifest, "map": str(map_)})
    return sorted(gevonden,
                  key=lambda m: (str(m.get("created_at", "")), kwartaal_van(m["versie"])))


def vind_snapshot(uit: Path, versie: str) -> Path:
    """The folder of the existing snapshot named exactly `versie` directly under `uit`.

    `versie` may come from the address bar: it must be a version label and one of the folders
    listed in `uit`; the path is built from the listing, never from the text given. The
    refusal does not repeat what was given (nor any path)."""
    if not isinstance(versie, str) or kwartaal_van(versie) is None:
        raise SnapshotFout("Dat is geen snapshotversie (verwacht bijvoorbeeld 2026-K3 of "
                           "2026-K3-v2).")
    bestaand = {p.name: p for p in (uit.iterdir() if uit.is_dir() else [])
                if p.is_dir() and (p / MANIFEST).is_file()}
    if versie not in bestaand:
        raise SnapshotFout("Deze snapshot bestaat niet (meer).")
    return bestaand[versie]


# --- reading one ------------------------------------------------------------------------------


def lees_manifest(map_: Path) -> dict:
    """The manifest of a snapshot folder; a missing or unreadable one is refused."""
    pad = map_ / MANIFEST
    if not pad.is_file():
        raise SnapshotFout(f"Geen snapshot in map {map_.name}: manifest.json ontbreekt.")
    try:
        manifest = json.loads(pad.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as fout:
        raise SnapshotFout(
            f"Snapshot {map_.name}: manifest.json is beschadigd en niet te lezen."
        ) from fout
    if not isinstance(manifest, dict) or not isinstance(manifest.get("bestanden"), dict):
        raise SnapshotFout(f"Snapshot {map_.name}: manifest.json is geen snapshotmanifest.")
    return manifest


def gecontroleerd(map_: Path, manifest: dict, bestand: str) -> Path:
    """The path of `bestand` (relative) in the snapshot, after checking it is the file the
    manifest recorded (the snapshot is the record)."""
    pad = map_ / bestand
    verwacht = manifest["bestanden"].get(bestand)
    if verwacht is None or not pad.is_file() or sha256(pad) != verwacht:
        raise SnapshotFout(
            f"Snapshot {map_.name} is niet meer zoals vastgelegd: {bestand} ontbreekt of wijkt "
            "af van de sha256 in manifest.json."
        )
    return pad


def lees_snapshot(map_: Path) -> tuple[dict, pd.DataFrame]:
    """The manifest and the unsuppressed kerncijfers of a snapshot folder (internal use)."""
    manifest = lees_manifest(map_)
    return manifest, pd.read_parquet(gecontroleerd(map_, manifest, KERNCIJFERS))


def lees_publiekscijfers(map_: Path) -> tuple[dict, pd.DataFrame]:
    """The manifest and the published (protected) figures of a snapshot folder."""
    manifest = lees_manifest(map_)
    bestand = publiekscijfers(str(manifest.get("versie")))
    return manifest, pd.read_parquet(gecontroleerd(map_, manifest, bestand))


def lees_technisch(map_: Path) -> dict:
    """The technical part of a snapshot's record (warehouse and code version, source files,
    the suppression config): for the data steward, never for the public."""
    manifest = lees_manifest(map_)
    pad = gecontroleerd(map_, manifest, TECHNISCH)
    try:
        return json.loads(pad.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as fout:
        raise SnapshotFout(f"Snapshot {map_.name}: technisch.json is niet te lezen.") from fout


def open_snapshot(map_: Path, publiek: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that answers the dashboard's queries from a snapshot.

    `kerncijfers` is the unsuppressed Parquet, or with `publiek` the published figures (with
    their columns `onderdrukt`, `reden` and `teken`: exactly what the exports show); `meta`
    carries the snapshot's own version; the reference tables are as they were when the
    snapshot was made (in the publieksversie without the corrections, whose old and new
    counts are unprotected). Every file opened is checked against the manifest."""
    manifest = lees_manifest(map_)
    bestand = publiekscijfers(str(manifest.get("versie"))) if publiek else KERNCIJFERS
    figuren = gecontroleerd(map_, manifest, bestand)
    con = duckdb.connect(config={"python_enable_replacements": False})
    # DuckDB cannot bind parameters in a CREATE VIEW: the paths go in as quoted literals
    con.execute(f"CREATE VIEW kerncijfers AS SELECT * FROM read_parquet({_literal(figuren)})")
    meta: dict[str, object] = {}
    for naam in REFERENTIE_TABELLEN:
        relatief = f"{REFERENTIE}/{naam}.parquet"
        if relatief not in manifest["bestanden"]:
            continue
        pad = gecontroleerd(map_, manifest, relatief)
        if naam == "meta":
            meta = dict(con.execute("SELECT sleutel, waarde FROM read_parquet(?)",
                                    [str(pad)]).fetchall())
        else:
            alleen_kolommen = " WHERE false" if publiek and naam in NIET_PUBLIEK else ""
            con.execute(f'CREATE VIEW "{naam}" AS SELECT * FROM read_parquet({_literal(pad)})'
                        f"{alleen_kolommen}")
    # the warehouse's own version stays available; `versie` becomes the snapshot's
    meta["warehouse_versie"] = meta.get("versie")
    meta.update({
        "versie": manifest["versie"],
        "snapshot": manifest["versie"],
        "snapshot_gemaakt_op": manifest.get("created_at"),
        "bevat_demo": "ja" if manifest.get("bevat_demo") else "nee",
        "publiek": "ja" if publiek else "nee",
    })
    con.execute("CREATE TABLE meta (sleutel VARCHAR, waarde VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)",
                    [(k, None if v is None else str(v)) for k, v in meta.items()])
    return con


# --- the live figures as a snapshot would hold them -------------------------------------------


def parse_kwartaal(kwartaal: str) -> tuple[int, int]:
    """(year, quarter number) of `2026-K3`; anything else is refused."""
    match = KWARTAAL_PATROON.fullmatch(kwartaal or "")
    if not match:
        raise SnapshotFout(
            f"Ongeldig kwartaal '{kwartaal}': verwacht JJJJ-Kn, bijvoorbeeld 2026-K3."
        )
    return int(match[1]), int(match[2])


def kerncijfers_tot(con: duckdb.DuckDBPyConnection, kwartaal: str) -> pa.Table:
    """`kerncijfers` of an open warehouse up to `kwartaal`: quarters up to it, and the years
    that ended by its last day (same columns and types)."""
    jaar, nummer = parse_kwartaal(kwartaal)
    return con.sql(
        _TOT_KWARTAAL_SQL,
        params={"kwartaal": kwartaal, "laatste_jaar": jaar if nummer == 4 else jaar - 1},
    ).to_arrow_table()


def lees_kerncijfers(warehouse: Path, kwartaal: str) -> pd.DataFrame:
    """The live `kerncijfers` up to `kwartaal`, filtered as a snapshot would be (for
    comparing a snapshot with today)."""
    parse_kwartaal(kwartaal)
    if not warehouse.is_file():
        raise SnapshotFout(
            f"Geen warehouse op {warehouse}: bouw hem eerst met `python -m etl build`."
        )
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return kerncijfers_tot(con, kwartaal).to_pandas()
    except duckdb.Error as fout:
        raise SnapshotFout(f"De warehouse {warehouse} is niet te lezen: {fout}") from fout


def vergelijk(oud: pd.DataFrame, nieuw: pd.DataFrame) -> pd.DataFrame:
    """The figures that differ between two kerncijfers frames (e.g. a snapshot and today).

    One row per key with `waarde_oud`, `waarde_nieuw` and `verschil` (nieuw − oud); a key
    found on one side only has NaN on the other.
    """
    links = _sleutel_frame(oud).rename(columns={"waarde": "waarde_oud"})
    rechts = _sleutel_frame(nieuw).rename(columns={"waarde": "waarde_nieuw"})
    beide = links.merge(rechts, on=SLEUTEL, how="outer")
    a = beide["waarde_oud"].to_numpy(dtype=float, na_value=np.nan)
    b = beide["waarde_nieuw"].to_numpy(dtype=float, na_value=np.nan)
    gelijk = (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=0, atol=1e-9)
    uitkomst = beide[~gelijk].copy()
    uitkomst["verschil"] = uitkomst["waarde_nieuw"] - uitkomst["waarde_oud"]
    uitkomst["dimensie"] = uitkomst["dimensie"].replace("", None)
    return uitkomst.sort_values(SLEUTEL, na_position="first").reset_index(drop=True)


def sha256(pad: Path) -> str:
    """The sha256 of a file, as the manifest records it."""
    digest = hashlib.sha256()
    with pad.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- internals --------------------------------------------------------------------------------


def _sleutel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    # a missing dimension is a key value of its own: make it one that merges reliably
    uit = frame[[*SLEUTEL, "waarde"]].copy()
    for column in SLEUTEL:
        uit[column] = uit[column].astype(object).where(uit[column].notna(), "")
    uit["waarde"] = uit["waarde"].astype(float)
    return uit


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
