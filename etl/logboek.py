"""The audit trail (logboek): every delivery, refusal, build, snapshot and beheerder login.

One JSON object per line (UTF-8): `tijd` (UTC, seconds), `gebeurtenis`, `wie`, `details` and
`vorige`, the sha256 of the previous line's bytes (without its newline; "" for the first
line). The lines form a hash chain: a line edited, removed or moved breaks the chain at the
line after it, and `controleer` names that line.

The file is only ever appended to: it is opened with O_APPEND (never for writing from the
start, never truncated) and each line goes out in one `os.write` under an exclusive
`flock`, so writers in threads and processes never interleave a line or fork the chain.
This module offers nothing that rewrites, truncates or deletes.

The log holds what happened, never what a file held: names, sha256, sizes, row counts,
kinds, outcomes and a refusal's first problems (without the cell values), not contents or
figures. Long strings are cut at MAX_TEKST characters.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from etl import settings

GEBEURTENISSEN = (
    "aanlevering", "weigering", "dubbel", "build", "build_mislukt", "snapshot", "login",
)
VELDEN = ("tijd", "gebeurtenis", "wie", "details", "vorige")
MAX_TEKST = 1000  # characters of one string in `details` (a refusal's problems, a name)
_LEESBLOK = 64 * 1024


def standaard_pad() -> Path:
    """The log's path, read at call time (FLEVOMONITOR_LOGBOEK), so tests and a second
    installation can point elsewhere without reloading settings."""
    return Path(os.environ.get("FLEVOMONITOR_LOGBOEK") or settings.LOGBOEK)


def schrijf(gebeurtenis: str, wie: str, pad: Path | None = None, **details: object) -> dict:
    """Append one entry and return it. `details` must be JSON-safe (dates and paths are
    written as text); strings longer than MAX_TEKST are cut."""
    if gebeurtenis not in GEBEURTENISSEN:
        raise ValueError(f"onbekende gebeurtenis {gebeurtenis!r}; kies uit "
                         + ", ".join(GEBEURTENISSEN))
    pad = pad or standaard_pad()
    pad.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    veilig = _kort(details)
    fd = os.open(pad, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
        laatste, heel = _staart(pad)
        regel = {
            "tijd": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "gebeurtenis": gebeurtenis,
            "wie": _kort(str(wie)),
            "details": veilig,
            "vorige": hashlib.sha256(laatste).hexdigest() if laatste is not None else "",
        }
        tekst = json.dumps(regel, ensure_ascii=False, separators=(",", ":"), default=_json)
        data = tekst.encode("utf-8") + b"\n"
        if not heel:
            # a torn last line (a crash mid-write): never glue this entry onto it; the torn
            # line stays visible to `controleer`
            data = b"\n" + data
        geschreven = os.write(fd, data)
        if geschreven != len(data):
            raise OSError(f"logboek: {geschreven} van {len(data)} bytes geschreven")
        os.fsync(fd)
    finally:
        os.close(fd)
    return regel


def inhoud(pad: Path | None = None) -> bytes:
    """The whole log as it is now (b"" when missing), read under a shared lock so no line is
    caught half-written: what a snapshot copies."""
    with _gedeeld(pad or standaard_pad()) as bestand:
        return b"" if bestand is None else bestand.read()


def lees(pad: Path | None = None) -> list[dict]:
    """The entries, oldest first; a missing log reads as empty. A line that is not a JSON
    object is left out here: `controleer` names it."""
    uit = []
    for regel in _regels(inhoud(pad)):
        try:
            waarde = json.loads(regel)
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(waarde, dict):
            uit.append(waarde)
    return uit


def tabel(pad: Path | None = None) -> list[dict[str, str]]:
    """The entries newest first, every field as text (`details` as compact JSON): for the
    page and its download."""
    return [
        {
            "tijd": str(regel.get("tijd", "")),
            "gebeurtenis": str(regel.get("gebeurtenis", "")),
            "wie": str(regel.get("wie", "")),
            "details": json.dumps(regel.get("details", {}), ensure_ascii=False,
                                  separators=(", ", ": ")),
            "vorige": str(regel.get("vorige", "")),
        }
        for regel in reversed(lees(pad))
    ]


def controleer(pad: Path | None = None) -> list[str]:
    """What is wrong with the log, in Dutch (line numbers from 1); empty when intact.

    A hash chain shows a change to any line but the last one only at the line after it; a
    change to the newest line shows when the next entry is written, or against a snapshot's
    copy (intern/logboek.jsonl), which must be the start of this log."""
    problemen = []
    vorige: bytes | None = None
    for nummer, regel in enumerate(_regels(inhoud(pad)), start=1):
        verwacht = hashlib.sha256(vorige).hexdigest() if vorige is not None else ""
        vorige = regel
        try:
            waarde = json.loads(regel)
        except (UnicodeDecodeError, json.JSONDecodeError):
            problemen.append(f"regel {nummer}: geen geldige JSON")
            continue
        if not isinstance(waarde, dict) or set(waarde) != set(VELDEN):
            problemen.append(f"regel {nummer}: geen logboekregel (verwacht de velden "
                             + ", ".join(VELDEN) + ")")
            continue
        if waarde["vorige"] != verwacht:
            problemen.append(
                f"regel {nummer}: de keten is verbroken (de regel ervoor is gewijzigd, "
                "verwijderd of verplaatst)" if nummer > 1 else
                f"regel {nummer}: de keten is verbroken (het begin van het logboek ontbreekt)"
            )
    return problemen


# --- internals ------------------------------------------------------------------------------


def _regels(data: bytes) -> list[bytes]:
    """The lines without their newline; a final line without newline counts too."""
    regels = data.split(b"\n")
    if regels and regels[-1] == b"":
        regels.pop()
    return regels


@contextlib.contextmanager
def _gedeeld(pad: Path) -> Iterator[BinaryIO | None]:
    try:
        bestand = pad.open("rb")
    except FileNotFoundError:
        yield None
        return
    with bestand:
        fcntl.flock(bestand.fileno(), fcntl.LOCK_SH)
        yield bestand


def _staart(pad: Path) -> tuple[bytes | None, bool]:
    """The bytes of the last line (without newline; None for an empty log) and whether the
    file ends with a newline. Read from the end: a long log costs no more than a short one."""
    with pad.open("rb") as bestand:
        positie = bestand.seek(0, os.SEEK_END)
        if positie == 0:
            return None, True
        staart = b""
        while positie > 0:
            stap = min(_LEESBLOK, positie)
            positie -= stap
            bestand.seek(positie)
            staart = bestand.read(stap) + staart
            # enough once the newline before the last line is in
            if b"\n" in staart[:-1]:
                break
    heel = staart.endswith(b"\n")
    return (staart[:-1] if heel else staart).rsplit(b"\n", 1)[-1], heel


def _kort(waarde: object) -> object:
    """Strings cut at MAX_TEKST, inside dicts and lists too."""
    if isinstance(waarde, str):
        return waarde if len(waarde) <= MAX_TEKST else waarde[: MAX_TEKST - 1] + "…"
    if isinstance(waarde, dict):
        return {str(k): _kort(v) for k, v in waarde.items()}
    if isinstance(waarde, list | tuple):
        return [_kort(v) for v in waarde]
    return waarde


def _json(waarde: object) -> str:
    if isinstance(waarde, date | datetime | Path):
        return str(waarde)
    raise TypeError(f"logboek: {type(waarde).__name__} is geen JSON-waarde")
