"""The region's goals per indicator (config/streefwaarden.toml): direction, target, source.

The file is read with tomllib into frozen dataclasses and checked strictly: a steering group
must never see a judgement that rests on a typo, so every problem stops the page with a Dutch
message that names the file, the key and what is wrong.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from etl import settings

OMHOOG, OMLAAG, GEEN = "omhoog", "omlaag", "geen"
RICHTINGEN = (OMHOOG, OMLAAG, GEEN)
VELDEN = ("richting", "label", "bron", "streefwaarde", "streefjaar")
VERPLICHT = ("richting", "label", "bron")
SLEUTEL = re.compile(r"^[A-Z0-9]+\.[a-z0-9_]+$")
ENV = "FLEVOMONITOR_STREEFWAARDEN"


class StreefwaardenFout(ValueError):
    """The streefwaarden file is missing or breaks its format; the message is Dutch."""


@dataclass(frozen=True)
class Streefwaarde:
    sleutel: str
    richting: str
    label: str
    bron: str
    streefwaarde: float | None = None
    streefjaar: int | None = None

    @property
    def voorziening(self) -> str:
        return self.sleutel.split(".", 1)[0]

    @property
    def indicator(self) -> str:
        return self.sleutel.split(".", 1)[1]


@dataclass(frozen=True)
class Streefwaarden:
    pad: Path
    indicatoren: Mapping[str, Streefwaarde]

    def get(self, sleutel: str) -> Streefwaarde | None:
        return self.indicatoren.get(sleutel)

    def richting(self, sleutel: str) -> str:
        """The direction that is good for the region; 'geen' for an indicator not listed."""
        doel = self.indicatoren.get(sleutel)
        return doel.richting if doel else GEEN


# --- the judgement ------------------------------------------------------------------------------

GUNSTIG, ONGUNSTIG, NEUTRAAL = "gunstig", "ongunstig", "neutraal"


def oordeel(verschil: float | None, richting: str) -> str:
    """A change judged by the region's goal, not by its sign: gunstig, ongunstig or neutraal.

    No change, no known change, or no direction ('geen') is neutraal.
    """
    if verschil is None or math.isnan(verschil) or verschil == 0 or richting not in (OMHOOG,
                                                                                      OMLAAG):
        return NEUTRAAL
    beter = verschil > 0 if richting == OMHOOG else verschil < 0
    return GUNSTIG if beter else ONGUNSTIG


def op_koers(waarde: float | None, richting: str, streefwaarde: float | None) -> bool | None:
    """True when `waarde` is better than the target (higher for omhoog, lower for omlaag);
    equal is not yet on track. None without a value, a target or a direction."""
    if waarde is None or streefwaarde is None or math.isnan(waarde) \
            or richting not in (OMHOOG, OMLAAG):
        return None
    return waarde > streefwaarde if richting == OMHOOG else waarde < streefwaarde


# --- reading the file ---------------------------------------------------------------------------


def standaard_pad() -> Path:
    # read at call time, so a test can point at its own file
    return Path(os.environ.get(ENV, settings.ROOT / "config" / "streefwaarden.toml"))


def laad(pad: Path | None = None) -> Streefwaarden:
    """Read and check the streefwaarden file (default: config/streefwaarden.toml)."""
    pad = Path(pad) if pad is not None else standaard_pad()
    try:
        tekst = pad.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StreefwaardenFout(f"{_naam(pad)}: het bestand met streefwaarden bestaat niet.") \
            from None
    except UnicodeDecodeError:
        raise StreefwaardenFout(f"{_naam(pad)}: het bestand is geen UTF-8-tekst.") from None
    return lees(tekst, pad)


def lees(tekst: str, pad: Path) -> Streefwaarden:
    """Parse and check the text of a streefwaarden file; `pad` is only used in messages."""
    naam = _naam(pad)
    try:
        ruw = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as fout:
        raise StreefwaardenFout(f"{naam}: geen geldige TOML ({fout}).") from None
    indicatoren = {}
    for sleutel, waarden in ruw.items():
        indicatoren[sleutel] = _streefwaarde(naam, sleutel, waarden)
    return Streefwaarden(pad=pad, indicatoren=MappingProxyType(indicatoren))


def _streefwaarde(naam: str, sleutel: str, waarden: object) -> Streefwaarde:
    plek = f"{naam}, [\"{sleutel}\"]"
    if not SLEUTEL.match(sleutel):
        raise StreefwaardenFout(
            f"{plek}: de sleutel moet de vorm \"<voorziening>.<indicator>\" hebben, "
            "bijvoorbeeld \"BW.uitstroom_pct\"."
        )
    if not isinstance(waarden, dict):
        raise StreefwaardenFout(f"{plek}: verwacht een tabel met richting, label en bron.")
    onbekend = sorted(set(waarden) - set(VELDEN))
    if onbekend:
        raise StreefwaardenFout(
            f"{plek}: onbekend veld {', '.join(repr(v) for v in onbekend)}; toegestaan zijn "
            f"{', '.join(VELDEN)}."
        )
    for veld in VERPLICHT:
        if veld not in waarden:
            extra = " (omhoog, omlaag of geen)" if veld == "richting" else ""
            raise StreefwaardenFout(f"{plek}: het veld '{veld}'{extra} ontbreekt.")
        if not isinstance(waarden[veld], str) or not waarden[veld].strip():
            raise StreefwaardenFout(f"{plek}: '{veld}' moet een tekst zijn, niet "
                                    f"{waarden[veld]!r}.")
    richting = waarden["richting"].strip().lower()
    if richting not in RICHTINGEN:
        raise StreefwaardenFout(
            f"{plek}: onbekende richting {waarden['richting']!r}; kies omhoog, omlaag of geen."
        )
    streefwaarde = waarden.get("streefwaarde")
    if streefwaarde is not None:
        # bool is an int in Python, but `true` is no target value
        if isinstance(streefwaarde, bool) or not isinstance(streefwaarde, int | float) \
                or not math.isfinite(streefwaarde):
            raise StreefwaardenFout(
                f"{plek}: de streefwaarde moet een getal zijn (zoals 17.0), niet "
                f"{streefwaarde!r}."
            )
        if richting == GEEN:
            raise StreefwaardenFout(
                f"{plek}: een streefwaarde vraagt de richting omhoog of omlaag, niet geen."
            )
        streefwaarde = float(streefwaarde)
    streefjaar = waarden.get("streefjaar")
    if streefjaar is not None:
        if isinstance(streefjaar, bool) or not isinstance(streefjaar, int) \
                or not 1900 <= streefjaar <= 2100:
            raise StreefwaardenFout(
                f"{plek}: het streefjaar moet een jaartal zijn (zoals 2026), niet "
                f"{streefjaar!r}."
            )
        if streefwaarde is None:
            raise StreefwaardenFout(f"{plek}: een streefjaar zonder streefwaarde.")
    return Streefwaarde(
        sleutel=sleutel, richting=richting, label=waarden["label"].strip(),
        bron=waarden["bron"].strip(), streefwaarde=streefwaarde, streefjaar=streefjaar,
    )


def _naam(pad: Path) -> str:
    """The file as a reader knows it: relative to the repository where possible."""
    try:
        return str(Path(pad).resolve().relative_to(settings.ROOT))
    except ValueError:
        return str(pad)
