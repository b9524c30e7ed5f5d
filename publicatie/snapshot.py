"""Freeze a quarter: the figures as presented, immutable, with their provenance.

`python -m etl snapshot 2026-K3` writes `data/snapshots/2026-K3/` in the layout of
`monitor.snapshots` (which also reads it):

- `intern/kerncijfers.parquet`: the view `kerncijfers` up to that quarter (quarters up to
  it, years whose last day lies on or before its last day), same columns and types,
  unsuppressed; `intern/referentie/`; `intern/technisch.json` (warehouse and code version,
  every source file with peildatum and sha256, the suppression config);
  `intern/audit-<versie>.csv`, the attack on the published figures; and
  `intern/logboek.jsonl`, the audit trail (`etl.logboek`) up to and including this
  snapshot's own entry;
- `publicatie/publiekscijfers-<versie>.parquet`: the figures after disclosure control,
  protected once (`publicatie.suppressie.beveilig`), and the exports, each made from exactly
  that frame (`kwartaalcijfers-<versie>.xlsx`, the report, the slides, the charts);
- `manifest.json`: the index, with the sha256 of every file written.

Everything is written into a hidden sibling folder and `os.replace`d into place at the end, so
a failed run (or a refused audit) leaves nothing behind. A snapshot is never overwritten: a
new version (`2026-K3-v2`, `-v3`, …) needs a reason, which the manifest records with the
version it supersedes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from etl import settings
from etl.logboek import inhoud as logboek_inhoud
from etl.logboek import schrijf as schrijf_logboek
from monitor.fmt import getal, veilige_frame
from monitor.perioden import kwartaal_verschuiven
from monitor.snapshots import (
    KERNCIJFERS,
    LOGBOEK,
    MANIFEST,
    PUBLICATIE,
    REFERENTIE,
    REFERENTIE_TABELLEN,
    TECHNISCH,
    SnapshotFout,
    auditbestand,
    kerncijfers_tot,
    kwartaal_van,
    lees_manifest,
    lees_publiekscijfers,
    lees_snapshot,  # noqa: F401 (tests/test_export_pdf.py imports it from here; to move)
    parse_kwartaal,
    publiekscijfers,
    sha256,
)
from publicatie.audit import audit
from publicatie.export_xlsx import schrijf_xlsx
from publicatie.suppressie import PUBLICATIE_TOML, Publicatie, beveilig, lees_publicatie

SNAPSHOTS_DIR = settings.SNAPSHOTS_DIR

# The exports a snapshot gets unless told otherwise; the charts, PDF and PPTX need Chromium.
EXPORTS = ("xlsx", "grafieken", "pdf", "pptx")


def maak_snapshot(
    kwartaal: str,
    warehouse: Path = settings.WAREHOUSE,
    uit: Path = SNAPSHOTS_DIR,
    nieuwe_versie: bool = False,
    reden: str | None = None,
    exports: tuple[str, ...] | None = None,
    wie: str = "onbekend",
) -> Path:
    """Freeze `kwartaal` from `warehouse` into `uit/<versie>/`; returns that folder.

    The figures are protected once; the audit attacks them and a leak refuses the snapshot;
    every export (`exports` chooses among EXPORTS, default all) shows that one result.
    The snapshot is logged in the logboek as made by `wie`, and the logboek copied into it."""
    reden = (reden or "").strip() or None
    gekozen = _exports(exports)
    meta, bronnen, tabel, referentie = _lees_warehouse(warehouse, kwartaal)
    label, vervangt = _volgende_versie(kwartaal, uit, nieuwe_versie, reden)
    publicatie = lees_publicatie()
    kerncijfers = tabel.to_pandas()
    vorige_versie, vorige = _vorige(uit, kwartaal)

    uit.mkdir(parents=True, exist_ok=True)
    tijdelijk = uit / f".{label}.{os.getpid()}.tmp"
    shutil.rmtree(tijdelijk, ignore_errors=True)
    tijdelijk.mkdir()
    try:
        (tijdelijk / REFERENTIE).mkdir(parents=True)
        (tijdelijk / PUBLICATIE).mkdir()
        pq.write_table(tabel, tijdelijk / KERNCIJFERS)
        for naam, inhoud in referentie.items():
            pq.write_table(inhoud, tijdelijk / REFERENTIE / f"{naam}.parquet")

        # Protected once: the Parquet file is what the publieksversie reads, and the exports
        # get the frame read back from it, so all of them show the same cells and marks.
        publiek_pad = tijdelijk / publiekscijfers(label)
        beveilig(kerncijfers, kwartaal, publicatie, vorige).reset_index(drop=True).to_parquet(
            publiek_pad, index=False)
        gepubliceerd = pd.read_parquet(publiek_pad)
        controle = audit(gepubliceerd, kerncijfers, publicatie, vorige,
                         referentie["ref_inwoners"].to_pandas())
        _weiger_lek(label, controle)
        # like every CSV the monitor writes: no text cell a spreadsheet would run as a formula
        veilige_frame(controle).to_csv(tijdelijk / auditbestand(label), index=False)

        index = {
            "kwartaal": kwartaal,
            "versie": label,
            "vervangt": vervangt,
            "reden": reden,
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "regio": meta.get("regio"),
            "bevat_demo": bool(kerncijfers["demo"].any()),
            "drempel": publicatie.drempel,
            "teken": publicatie.teken,
            "teken_overig": publicatie.teken_overig,
        }
        technisch = _technisch(meta, bronnen, publicatie, len(kerncijfers), vorige_versie)
        _schrijf_json(tijdelijk / TECHNISCH, technisch)
        # The exports see the technical part too (the report's technical annex needs it);
        # only what goes into intern/ may show it.
        _schrijf_exports(gepubliceerd, {**index, **technisch}, tijdelijk, publicatie, gekozen)

        # Complete: log it, then keep the audit trail as it is now (this entry included) in
        # the record, listed in the manifest like every other file.
        schrijf_logboek("snapshot", wie, versie=label, kwartaal=kwartaal, reden=reden,
                        vervangt=vervangt, warehouse_versie=meta.get("versie"))
        (tijdelijk / LOGBOEK).write_bytes(logboek_inhoud())

        index["bestanden"] = {
            p.relative_to(tijdelijk).as_posix(): sha256(p)
            for p in sorted(tijdelijk.rglob("*"))
            if p.is_file() and p.name != MANIFEST
        }
        _schrijf_json(tijdelijk / MANIFEST, index)
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


def _exports(exports: tuple[str, ...] | None) -> tuple[str, ...]:
    gekozen = EXPORTS if exports is None else tuple(exports)
    bekend = ("xlsx", "grafieken", "pdf", "pptx")
    onbekend = sorted(set(gekozen) - set(bekend))
    if onbekend:
        raise ValueError(f"onbekende export {', '.join(onbekend)}; kies uit {', '.join(bekend)}")
    return gekozen


def _schrijf_exports(
    gepubliceerd: pd.DataFrame,
    manifest: dict,
    map_: Path,
    publicatie: Publicatie,
    gekozen: tuple[str, ...],
) -> None:
    """The exports of a snapshot, all from the one protected frame, into `map_/publicatie/`.
    The PDF and the PPTX show the charts, so they bring the chart images along."""
    if "xlsx" in gekozen:
        schrijf_xlsx(gepubliceerd, manifest, map_, publicatie)
    if not {"grafieken", "pdf", "pptx"} & set(gekozen):
        return
    # imported here: they import this module, and only these exports need plotly/kaleido
    from publicatie.export_grafieken import lees_stuurgroep, schrijf_grafieken
    from publicatie.export_pdf import schrijf_pdf
    from publicatie.export_pptx import schrijf_pptx

    stuurgroep = lees_stuurgroep(map_, manifest, gepubliceerd, publicatie)
    grafieken = schrijf_grafieken(stuurgroep, map_)
    if "pdf" in gekozen:
        schrijf_pdf(stuurgroep, grafieken, map_)
    if "pptx" in gekozen:
        schrijf_pptx(stuurgroep, grafieken, map_)


def _weiger_lek(label: str, controle: pd.DataFrame) -> None:
    """Refuse the snapshot when the audit could pin a hidden cell down too closely."""
    lekken = controle[~controle["ok"].astype(bool)] if len(controle) else controle
    if lekken.empty:
        return
    eerste = lekken.iloc[0]
    cel = " ".join(
        str(eerste[k]) for k in ("voorziening", "indicator", "periode", "gemeentecode",
                                 "perspectief", "dimensie", "bron")
        if k in eerste.index and pd.notna(eerste[k])
    )
    grenzen = ""
    if {"ondergrens", "bovengrens"} <= set(eerste.index):
        onder, boven = (float(eerste[k]) for k in ("ondergrens", "bovengrens"))
        grenzen = f" (terug te rekenen tot {_getal(onder)} – {_getal(boven)})"
    raise SnapshotFout(
        f"Snapshot {label} niet gemaakt: de controle van de gepubliceerde cijfers vindt "
        f"{len(lekken)} verborgen {'cel' if len(lekken) == 1 else 'cellen'} die te nauw terug "
        f"te rekenen {'is' if len(lekken) == 1 else 'zijn'}, de eerste: {cel}{grenzen}. "
        "Er is niets geschreven."
    )


def _getal(waarde: float) -> str:
    return getal(waarde, 0 if waarde.is_integer() else 2)


def _technisch(
    meta: dict, bronnen: list[dict], publicatie: Publicatie, rijen: int, vorige: str | None
) -> dict:
    """The technical part of the record: for the data steward, never for the public."""
    config = PUBLICATIE_TOML
    try:
        config_naam = config.relative_to(settings.ROOT).as_posix()
    except ValueError:
        config_naam = str(config)
    return {
        "warehouse_versie": meta.get("versie"),
        "warehouse_gebouwd_op": meta.get("gebouwd_op"),
        "schema_versie": meta.get("schema_versie"),
        "code_versie": meta.get("code_versie"),
        "rijen": rijen,
        "bronbestanden": bronnen,
        "beveiliging": {
            **dataclasses.asdict(publicatie),
            "config": config_naam,
            "config_sha256": sha256(config) if config.is_file() else None,
            "vorige": vorige,
        },
    }


def _schrijf_json(pad: Path, inhoud: dict) -> None:
    pad.write_text(json.dumps(inhoud, ensure_ascii=False, indent=2, default=_json) + "\n",
                   encoding="utf-8")


def _json(waarde: object) -> object:
    # the suppression config may hold sets and paths
    return sorted(waarde) if isinstance(waarde, set | frozenset) else str(waarde)


# --- versions ---------------------------------------------------------------------------------


def _versies(uit: Path, kwartaal: str) -> list[tuple[int, str]]:
    """(number, label) of the versions of `kwartaal` in `uit`, oldest first."""
    gevonden = []
    for p in uit.iterdir() if uit.is_dir() else []:
        versie = kwartaal_van(p.name)
        if p.is_dir() and versie and versie[0] == kwartaal:
            gevonden.append((versie[1], p.name))
    return sorted(gevonden)


def _volgende_versie(
    kwartaal: str, uit: Path, nieuwe_versie: bool, reden: str | None
) -> tuple[str, str | None]:
    """(label to write, label it supersedes) — or a refusal."""
    bestaande = _versies(uit, kwartaal)
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


def _vorige(uit: Path, kwartaal: str) -> tuple[str | None, pd.DataFrame | None]:
    """The published figures the new snapshot must stay consistent with: the newest earlier
    version of the same quarter, else the newest version of the previous quarter. A snapshot
    from before the publiekscijfers file existed has none to offer."""
    parse_kwartaal(kwartaal)
    for kandidaat in (kwartaal, kwartaal_verschuiven(kwartaal, -1)):
        versies = _versies(uit, kandidaat)
        if not versies:
            continue
        map_ = uit / versies[-1][1]
        if publiekscijfers(versies[-1][1]) not in lees_manifest(map_)["bestanden"]:
            return None, None
        return versies[-1][1], lees_publiekscijfers(map_)[1]
    return None, None


# --- reading the warehouse --------------------------------------------------------------------


def _lees_warehouse(warehouse: Path, kwartaal: str):
    parse_kwartaal(kwartaal)
    if not warehouse.is_file():
        raise SnapshotFout(
            f"Geen warehouse op {warehouse}: bouw hem eerst met `python -m etl build`."
        )
    try:
        return _lees(warehouse, kwartaal)
    except duckdb.Error as fout:
        raise SnapshotFout(f"De warehouse {warehouse} is niet te lezen: {fout}") from fout


def _lees(warehouse: Path, kwartaal: str):
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
                "sha256": sha256_, "rijen": rijen, "demo": bool(demo),
            }
            for bestand, soort, bron, peildatum, sha256_, rijen, demo in con.execute(
                "SELECT bestand, soort, bron, peildatum, sha256, rijen, demo "
                "FROM bronbestanden ORDER BY bestand"
            ).fetchall()
        ]
        tabel = kerncijfers_tot(con, kwartaal)
        referentie = {
            naam: con.sql(query).to_arrow_table() for naam, query in REFERENTIE_TABELLEN.items()
        }
    return meta, bronnen, tabel, referentie
