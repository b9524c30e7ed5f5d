"""Freeze a quarter: the figures as presented, immutable, with their provenance.

`python -m etl snapshot 2026-K3` writes `data/snapshots/2026-K3/`:

- `kerncijfers.parquet`: the view `kerncijfers` up to that quarter (quarters up to it, years
  whose last day lies on or before its last day), same columns and types;
- the exports (`kwartaalcijfers-2026-K3.xlsx`, …), all made from that same frame;
- `manifest.json`: quarter, version, when, the warehouse and code version, every source file
  with peildatum and sha256, whether demo data is in it, the suppression threshold, and the
  sha256 of every file written.

Everything is written into a hidden sibling folder and `os.replace`d into place at the end, so
a failed run leaves nothing half-written. A snapshot is never overwritten: a new version
(`2026-K3-v2`, `-v3`, …) needs a reason, which the manifest records with the version it
supersedes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from etl import settings
from publicatie.export_xlsx import schrijf_xlsx
from publicatie.suppressie import lees_publicatie

SNAPSHOTS_DIR = settings.SNAPSHOTS_DIR
KERNCIJFERS = "kerncijfers.parquet"
MANIFEST = "manifest.json"
REFERENTIE = "referentie"
# Tables a snapshot keeps besides kerncijfers, so the dashboard can show it as it was shown.
# The staging tables are kept empty (their columns only): a snapshot records figures, not
# trajecten; views that count trajecten say "geen gegevens" on a snapshot.
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
    "raw_capaciteit": "SELECT * FROM raw_capaciteit LIMIT 0",
    "stg_trajecten": "SELECT * FROM stg_trajecten LIMIT 0",
    "stg_capaciteit": "SELECT * FROM stg_capaciteit LIMIT 0",
}
SLEUTEL = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron"]

_KWARTAAL = re.compile(r"^(\d{4})-K([1-4])$")
_VERSIE = re.compile(r"^(\d{4}-K[1-4])(?:-v(\d+))?$")

# The quarter and its history: quarters up to it, and the years that ended by its last day.
_TOT_KWARTAAL_SQL = """
SELECT * FROM kerncijfers
WHERE (periode_type = 'kwartaal' AND periode <= $kwartaal)
   OR (periode_type = 'jaar' AND TRY_CAST(periode AS INTEGER) <= $laatste_jaar)
ORDER BY voorziening, indicator, periode, gemeentecode, perspectief, dimensie NULLS FIRST, bron
"""


class SnapshotFout(Exception):
    """A snapshot cannot be made or read; the message is for the data steward (Dutch)."""


def maak_snapshot(
    kwartaal: str,
    warehouse: Path = settings.WAREHOUSE,
    uit: Path = SNAPSHOTS_DIR,
    nieuwe_versie: bool = False,
    reden: str | None = None,
    exports: tuple[str, ...] | None = None,
) -> Path:
    """Freeze `kwartaal` from `warehouse` into `uit/<versie>/`; returns that folder.

    `exports` chooses among EXPORTS (default: all of them)."""
    reden = (reden or "").strip() or None
    meta, bronnen, tabel, referentie = _lees_warehouse(warehouse, kwartaal)
    label, vervangt = _volgende_versie(kwartaal, uit, nieuwe_versie, reden)
    publicatie = lees_publicatie()

    uit.mkdir(parents=True, exist_ok=True)
    tijdelijk = uit / f".{label}.{os.getpid()}.tmp"
    shutil.rmtree(tijdelijk, ignore_errors=True)
    tijdelijk.mkdir()
    try:
        pq.write_table(tabel, tijdelijk / KERNCIJFERS)
        (tijdelijk / REFERENTIE).mkdir()
        for naam, inhoud in referentie.items():
            pq.write_table(inhoud, tijdelijk / REFERENTIE / f"{naam}.parquet")
        kerncijfers = tabel.to_pandas()
        manifest = {
            "kwartaal": kwartaal,
            "versie": label,
            "vervangt": vervangt,
            "reden": reden,
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "regio": meta.get("regio"),
            "warehouse_versie": meta.get("versie"),
            "warehouse_gebouwd_op": meta.get("gebouwd_op"),
            "schema_versie": meta.get("schema_versie"),
            "code_versie": meta.get("code_versie"),
            "bevat_demo": bool(kerncijfers["demo"].any()),
            "drempel": publicatie.drempel,
            "teken": publicatie.teken,
            "teken_overig": publicatie.teken_overig,
            "rijen": len(kerncijfers),
            "bronbestanden": bronnen,
        }
        _schrijf_exports(kerncijfers, manifest, tijdelijk, publicatie.drempel, exports)
        manifest["bestanden"] = {
            p.relative_to(tijdelijk).as_posix(): _sha256(p)
            for p in sorted(tijdelijk.rglob("*"))
            if p.is_file() and p.name != MANIFEST
        }
        (tijdelijk / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        doel = uit / label
        try:
            if doel.exists():  # another run got there first
                raise FileExistsError(doel)
            os.replace(tijdelijk, doel)
        except OSError as fout:
            raise SnapshotFout(
                f"Snapshot {label} bestaat al in {uit}; er is niets overschreven."
            ) from fout
    finally:
        shutil.rmtree(tijdelijk, ignore_errors=True)
    return doel


# The exports a snapshot gets unless told otherwise; the charts, PDF and PPTX need Chromium.
EXPORTS = ("xlsx", "grafieken", "pdf", "pptx")


def _schrijf_exports(
    kerncijfers: pd.DataFrame,
    manifest: dict,
    folder: Path,
    drempel: int,
    exports: tuple[str, ...] | None = None,
) -> None:
    """The exports of a snapshot, all from the same figures: the XLSX from the frame, the
    others from the Parquet files already in `folder` through the dashboard's own queries
    and views. The PDF and the PPTX show the charts, so they bring `grafieken/` along."""
    gekozen = EXPORTS if exports is None else tuple(exports)
    bekend = ("xlsx", "grafieken", "pdf", "pptx")
    onbekend = sorted(set(gekozen) - set(bekend))
    if onbekend:
        raise ValueError(f"onbekende export {', '.join(onbekend)}; kies uit {', '.join(bekend)}")
    if "xlsx" in gekozen:
        schrijf_xlsx(kerncijfers, manifest, folder, drempel)
    if not {"grafieken", "pdf", "pptx"} & set(gekozen):
        return
    # imported here: they import this module, and only these exports need plotly/kaleido
    from publicatie.export_grafieken import lees_stuurgroep, schrijf_grafieken
    from publicatie.export_pdf import schrijf_pdf
    from publicatie.export_pptx import schrijf_pptx

    stuurgroep = lees_stuurgroep(folder, manifest, drempel)
    grafieken = schrijf_grafieken(stuurgroep, folder)
    if "pdf" in gekozen:
        schrijf_pdf(stuurgroep, grafieken, folder)
    if "pptx" in gekozen:
        schrijf_pptx(stuurgroep, grafieken, folder)


def lees_snapshot(map: Path) -> tuple[dict, pd.DataFrame]:
    """The manifest and kerncijfers of a snapshot folder; refuses a Parquet file that is not
    the one the manifest recorded (the snapshot is the record)."""
    manifest_pad = map / MANIFEST
    if not manifest_pad.is_file():
        raise SnapshotFout(f"Geen snapshot in {map}: manifest.json ontbreekt.")
    manifest = json.loads(manifest_pad.read_text(encoding="utf-8"))
    parquet = map / KERNCIJFERS
    verwacht = manifest.get("bestanden", {}).get(KERNCIJFERS)
    if not parquet.is_file() or _sha256(parquet) != verwacht:
        raise SnapshotFout(
            f"Snapshot {map.name} is niet meer zoals vastgelegd: {KERNCIJFERS} ontbreekt of "
            "wijkt af van de sha256 in manifest.json."
        )
    return manifest, pd.read_parquet(parquet)


def snapshots(uit: Path = SNAPSHOTS_DIR) -> list[dict]:
    """The manifests of the snapshots in `uit`, oldest first, each with its folder as `map`."""
    gevonden = []
    if not uit.is_dir():
        return gevonden
    for map_ in uit.iterdir():
        manifest_pad = map_ / MANIFEST
        if map_.name.startswith(".") or not manifest_pad.is_file():
            continue
        manifest = json.loads(manifest_pad.read_text(encoding="utf-8"))
        gevonden.append({**manifest, "map": str(map_)})
    return sorted(gevonden, key=lambda m: (m.get("created_at", ""), _volgorde(m["versie"])))


def lees_kerncijfers(warehouse: Path, kwartaal: str) -> pd.DataFrame:
    """The live `kerncijfers` up to `kwartaal`, filtered as a snapshot would be (for
    comparing a snapshot with today)."""
    return _lees_warehouse(warehouse, kwartaal)[2].to_pandas()


def open_snapshot(map: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that answers the dashboard's queries from a snapshot:
    `kerncijfers`, `meta` (with the snapshot's own version) and the reference tables, as they
    were when the snapshot was made."""
    manifest, _ = lees_snapshot(map)
    con = duckdb.connect(config={"python_enable_replacements": False})
    # DuckDB cannot bind parameters in a CREATE VIEW: the paths go in as quoted literals
    bron = _literal(map / KERNCIJFERS)
    con.execute(f"CREATE VIEW kerncijfers AS SELECT * FROM read_parquet({bron})")
    for pad in sorted((map / REFERENTIE).glob("*.parquet")):
        if pad.stem in REFERENTIE_TABELLEN and pad.stem != "meta":
            con.execute(f'CREATE VIEW "{pad.stem}" AS SELECT * FROM read_parquet({_literal(pad)})')
    meta_pad = map / REFERENTIE / "meta.parquet"
    meta = (
        dict(con.execute("SELECT sleutel, waarde FROM read_parquet(?)", [str(meta_pad)])
             .fetchall())
        if meta_pad.is_file() else {}
    )
    meta.update({
        "versie": manifest["versie"],
        "warehouse_versie": str(manifest.get("warehouse_versie")),
        "snapshot": manifest["versie"],
        "snapshot_gemaakt_op": manifest["created_at"],
        "bevat_demo": "ja" if manifest.get("bevat_demo") else "nee",
    })
    con.execute("CREATE TABLE meta (sleutel VARCHAR, waarde VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
    return con


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


# --- internals --------------------------------------------------------------------------------


def _parse_kwartaal(kwartaal: str) -> tuple[int, int]:
    match = _KWARTAAL.match(kwartaal or "")
    if not match:
        raise SnapshotFout(
            f"Ongeldig kwartaal '{kwartaal}': verwacht JJJJ-Kn, bijvoorbeeld 2026-K3."
        )
    return int(match[1]), int(match[2])


def _volgorde(versie: str) -> tuple[str, int]:
    match = _VERSIE.match(versie)
    return (match[1], int(match[2] or 1)) if match else (versie, 0)


def _volgende_versie(
    kwartaal: str, uit: Path, nieuwe_versie: bool, reden: str | None
) -> tuple[str, str | None]:
    """(label to write, label it supersedes) — or a refusal."""
    bestaande = sorted(
        (_volgorde(p.name)[1], p.name)
        for p in (uit.iterdir() if uit.is_dir() else [])
        if p.is_dir() and _VERSIE.match(p.name) and _VERSIE.match(p.name)[1] == kwartaal
    )
    if not bestaande:
        return kwartaal, None
    laatste_nummer, laatste = bestaande[-1]
    if not nieuwe_versie:
        raise SnapshotFout(
            f"Snapshot {kwartaal} bestaat al ({uit / laatste}) en wordt nooit overschreven. "
            "Maak zo nodig een nieuwe versie met --nieuwe-versie --reden \"…\"."
        )
    if not reden:
        raise SnapshotFout(
            f"Een nieuwe versie van snapshot {kwartaal} vraagt een reden: "
            "geef --reden \"…\" op (bijvoorbeeld de correctie die erin zit)."
        )
    return f"{kwartaal}-v{laatste_nummer + 1}", laatste


def _lees_warehouse(warehouse: Path, kwartaal: str):
    jaar, nummer = _parse_kwartaal(kwartaal)
    if not warehouse.is_file():
        raise SnapshotFout(
            f"Geen warehouse op {warehouse}: bouw hem eerst met `python -m etl build`."
        )
    try:
        return _lees(warehouse, kwartaal, jaar if nummer == 4 else jaar - 1)
    except duckdb.Error as fout:
        raise SnapshotFout(f"De warehouse {warehouse} is niet te lezen: {fout}") from fout


def _lees(warehouse: Path, kwartaal: str, laatste_jaar: int):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        bekend = con.execute(
            "SELECT count(*) FROM kerncijfers WHERE bron = 'trajecten' AND periode = ?",
            [kwartaal],
        ).fetchall()[0][0]
        if not bekend:
            laatste = con.execute(
                "SELECT max(periode) FROM kerncijfers "
                "WHERE bron = 'trajecten' AND periode_type = 'kwartaal'"
            ).fetchall()[0][0]
            raise SnapshotFout(
                f"Kwartaal {kwartaal} staat niet in de warehouse {warehouse} "
                f"(het laatste kwartaal met trajecten is {laatste or 'er niet'})."
            )
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
        bronnen = [
            {
                "bestand": bestand, "soort": soort, "bron": bron,
                "peildatum": peildatum.isoformat() if peildatum else None,
                "sha256": sha256, "rijen": rijen, "demo": bool(demo),
            }
            for bestand, soort, bron, peildatum, sha256, rijen, demo in con.execute(
                "SELECT bestand, soort, bron, peildatum, sha256, rijen, demo "
                "FROM bronbestanden ORDER BY bestand"
            ).fetchall()
        ]
        tabel = con.sql(
            _TOT_KWARTAAL_SQL,
            params={"kwartaal": kwartaal, "laatste_jaar": laatste_jaar},
        ).to_arrow_table()
        referentie = {
            naam: con.sql(query).to_arrow_table() for naam, query in REFERENTIE_TABELLEN.items()
        }
    return meta, bronnen, tabel, referentie


def _sleutel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    # a missing dimension is a key value of its own: make it one that merges reliably
    uit = frame[[*SLEUTEL, "waarde"]].copy()
    for column in SLEUTEL:
        uit[column] = uit[column].astype(object).where(uit[column].notna(), "")
    uit["waarde"] = uit["waarde"].astype(float)
    return uit


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
