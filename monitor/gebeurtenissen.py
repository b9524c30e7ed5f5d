"""Known events that make a series jump (config/gebeurtenissen.toml): where a chart marks them.

An event is data, not code: its date, a short label for the chart, a sentence for the reader,
the voorzieningen whose charts it concerns and its source. `monitor.charts` draws a dashed line
with the label on every period axis that shows the event's period, so the dashboard and the
report mark the same events in the same place.

Where the line stands: before the first period of which the event covers at least half (a
change in March 2020 stands before 2020-K2 on a quarter axis and before 2020 on a year axis;
the Wlz transfer of 1 January 2021 before 2021-K1 and 2021). The file is checked strictly and
every problem is a Dutch message naming the file, the event and what is wrong.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl import settings
from monitor.labels import VOORZIENINGEN

ENV = "FLEVOMONITOR_GEBEURTENISSEN"
VELDEN = ("datum", "label", "omschrijving", "voorzieningen", "bron")
_KWARTAAL = re.compile(r"^(\d{4})-K([1-4])$")
_JAAR = re.compile(r"^\d{4}$")


class GebeurtenissenFout(ValueError):
    """The events file is missing or breaks its format; the message is Dutch."""


@dataclass(frozen=True)
class Gebeurtenis:
    datum: date
    label: str  # short, above the line on a chart
    omschrijving: str  # for the reader of the report
    voorzieningen: tuple[str, ...]
    bron: str

    @property
    def kwartaal(self) -> str:
        """The first quarter of which the event covers at least half."""
        nummer = (self.datum.month - 1) // 3 + 1
        begin = date(self.datum.year, 3 * nummer - 2, 1)
        eind = date(self.datum.year + nummer // 4, (3 * nummer) % 12 + 1, 1)
        if (self.datum - begin) * 2 > (eind - begin):
            return f"{self.datum.year + nummer // 4}-K{nummer % 4 + 1}"
        return f"{self.datum.year}-K{nummer}"

    @property
    def jaar(self) -> str:
        """The first year of which the event covers at least half."""
        return str(self.datum.year + (self.datum.timetuple().tm_yday > 183))

    def positie(self, perioden: Sequence[str]) -> float | None:
        """Where the line stands on a category axis of `perioden` (quarters or years, sorted):
        half a step before the event's period, or None when the axis does not show the
        change (the period is not on it, or it is the first)."""
        if perioden and all(_KWARTAAL.match(p) for p in perioden):
            periode = self.kwartaal
        elif perioden and all(_JAAR.match(p) for p in perioden):
            periode = self.jaar
        else:
            return None
        na = [i for i, p in enumerate(perioden) if p >= periode]
        if not na or na[0] == 0:
            return None
        return na[0] - 0.5

    def betreft(self, voorzieningen: Iterable[str]) -> bool:
        return bool(set(self.voorzieningen) & set(voorzieningen))


def standaard_pad() -> Path:
    # read at call time, so a test can point at its own file
    return Path(os.environ.get(ENV, settings.ROOT / "config" / "gebeurtenissen.toml"))


def laad(pad: Path | None = None) -> tuple[Gebeurtenis, ...]:
    """The events of the file (default config/gebeurtenissen.toml), oldest first."""
    pad = Path(pad) if pad is not None else standaard_pad()
    try:
        versie = pad.stat().st_mtime_ns
    except FileNotFoundError:
        raise GebeurtenissenFout(
            f"{_naam(pad)}: het bestand met bekende gebeurtenissen bestaat niet.") from None
    return _laad(pad, versie)


def voor(voorzieningen: Iterable[str], pad: Path | None = None) -> tuple[Gebeurtenis, ...]:
    """The events that concern any of `voorzieningen`."""
    gekozen = set(voorzieningen)
    return tuple(g for g in laad(pad) if g.betreft(gekozen))


@functools.lru_cache(maxsize=8)
def _laad(pad: Path, versie: int) -> tuple[Gebeurtenis, ...]:
    del versie  # part of the cache key only: an edited file is read again
    try:
        tekst = pad.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GebeurtenissenFout(f"{_naam(pad)}: het bestand is geen UTF-8-tekst.") from None
    return lees(tekst, pad)


def lees(tekst: str, pad: Path) -> tuple[Gebeurtenis, ...]:
    """Parse and check the text of an events file; `pad` is only used in messages."""
    naam = _naam(pad)
    try:
        ruw = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as fout:
        raise GebeurtenissenFout(f"{naam}: geen geldige TOML ({fout}).") from None
    onbekend = sorted(set(ruw) - {"gebeurtenis"})
    if onbekend:
        raise GebeurtenissenFout(
            f"{naam}: onbekende sleutel {', '.join(repr(k) for k in onbekend)}; elke gebeurtenis "
            "staat in een eigen blok [[gebeurtenis]].")
    blokken = ruw.get("gebeurtenis", [])
    if not isinstance(blokken, list):
        raise GebeurtenissenFout(f"{naam}: schrijf elke gebeurtenis als [[gebeurtenis]].")
    uit = [_gebeurtenis(f"{naam}, gebeurtenis {i}", blok)
           for i, blok in enumerate(blokken, start=1)]
    return tuple(sorted(uit, key=lambda g: g.datum))


def _gebeurtenis(plek: str, blok: object) -> Gebeurtenis:
    if not isinstance(blok, dict):
        raise GebeurtenissenFout(f"{plek}: verwacht een tabel met {', '.join(VELDEN)}.")
    onbekend = sorted(set(blok) - set(VELDEN))
    if onbekend:
        raise GebeurtenissenFout(
            f"{plek}: onbekend veld {', '.join(repr(v) for v in onbekend)}; toegestaan zijn "
            f"{', '.join(VELDEN)}.")
    for veld in VELDEN:
        if veld not in blok:
            raise GebeurtenissenFout(f"{plek}: het veld '{veld}' ontbreekt.")
    datum = blok["datum"]
    # TOML has dates of its own; a datetime is a date too, but an event has no time of day
    if not isinstance(datum, date) or hasattr(datum, "hour"):
        raise GebeurtenissenFout(
            f"{plek}: 'datum' moet een datum zijn zoals 2021-01-01 (zonder aanhalingstekens), "
            f"niet {datum!r}.")
    for veld in ("label", "omschrijving", "bron"):
        if not isinstance(blok[veld], str) or not blok[veld].strip():
            raise GebeurtenissenFout(f"{plek}: '{veld}' moet een tekst zijn, niet {blok[veld]!r}.")
    voorzieningen = blok["voorzieningen"]
    if not isinstance(voorzieningen, list) or not voorzieningen \
            or any(v not in VOORZIENINGEN for v in voorzieningen):
        raise GebeurtenissenFout(
            f"{plek}: 'voorzieningen' moet een lijst zijn uit {', '.join(VOORZIENINGEN)}, niet "
            f"{voorzieningen!r}.")
    return Gebeurtenis(datum=datum, label=blok["label"].strip(),
                       omschrijving=" ".join(blok["omschrijving"].split()),
                       voorzieningen=tuple(voorzieningen), bron=blok["bron"].strip())


def _naam(pad: Path) -> str:
    """The file as a reader knows it: relative to the repository where possible."""
    try:
        return str(Path(pad).resolve().relative_to(settings.ROOT))
    except ValueError:
        return str(pad)
