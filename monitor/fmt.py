"""Dutch number and period formatting: the one place where figures become text.

`1.944`, `3,5%`, `2024-K3`; a minus sign for decreases, a plus sign for increases.
"""

from __future__ import annotations

import math
import numbers
import re

import pandas as pd

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
LEEG = "–"
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP: CSV injection)
FORMULE_BEGIN = ("=", "+", "-", "@", "\t", "\r")


def getal(value: float | int | None, decimalen: int = 0) -> str:
    """1944 -> '1.944'; 3.456 with 1 decimal -> '3,5'. None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return LEEG
    text = f"{value:,.{decimalen}f}"
    # swap the English separators for Dutch ones via a placeholder
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def procent(value: float | None, decimalen: int = 1) -> str:
    """A percentage given as 3.5 (not 0.035) -> '3,5%'."""
    return LEEG if value is None or _nan(value) else f"{getal(value, decimalen)}%"


def decimalen(waarden, hoogstens: int = 4) -> int:
    """The fewest decimals (at most `hoogstens`) that show every number of a table column as it
    is: counts 0 (`50`, never `50,0`), 62.5 -> 1, 83.49 -> 2, an index 0.0907 -> 4."""
    getallen = [float(v) for v in waarden if is_cijfer(v)]
    for d in range(hoogstens):
        if all(round(v, d) == round(v, hoogstens) for v in getallen):
            return d
    return hoogstens


def is_getal(value) -> bool:
    """A number (not a bool, not a text such as a hidden figure's mark '<5')."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_cijfer(value) -> bool:
    """A number that is there: not missing (NaN), not a mark, not a bool."""
    return is_getal(value) and not pd.isna(value)


def kaal_getal(value: float | int) -> str:
    """A number for a file another program reads (CSV): a decimal comma, no thousands
    separator, every digit that matters and no more: 50.0 -> '50', 83.49 -> '83,49'."""
    return f"{value:.15g}".replace(".", ",")


def verschil(value: float | None, decimalen: int = 0, eenheid: str = "") -> str:
    """A signed change: +12, -9, 0; eenheid is appended ('%-punt')."""
    if value is None or _nan(value):
        return ""
    rounded = round(value, decimalen)
    sign = "+" if rounded > 0 else ("-" if rounded < 0 else "")
    return f"{sign}{getal(abs(rounded), decimalen)}{eenheid}"


def datum(value) -> str:
    """A date as '15 oktober 2026'."""
    return f"{value.day} {MAANDEN[value.month - 1]} {value.year}"


def tijdstip(iso: str) -> str:
    """A moment (ISO 8601 with offset, as the warehouse records it) as Dutch readers say it:
    '7 december 2026 om 18:07', in Dutch time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    moment = datetime.fromisoformat(iso)
    try:
        moment = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
        zone = ""
    except ZoneInfoNotFoundError:  # no time zone data on the machine: say which time it is
        zone = " (UTC)"
    return f"{datum(moment)} om {moment:%H:%M}{zone}"


def veilige_tekst(tekst: str) -> str:
    """Text a spreadsheet shows as text: one that would start a formula gets a leading '."""
    return "'" + tekst if tekst.startswith(FORMULE_BEGIN) else tekst


def veilige_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells a spreadsheet shows as text (OWASP CSV injection): for every
    CSV and XLSX the monitor writes. Numbers stay numbers (a negative count is no formula)."""
    uit = frame.copy()
    for kolom in [k for k in uit.columns if not pd.api.types.is_numeric_dtype(uit[k])]:
        uit[kolom] = uit[kolom].map(lambda v: veilige_tekst(v) if isinstance(v, str) else v)
    return uit


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~$:])")


def als_tekst(tekst: str) -> str:
    """Text for a Streamlit element that renders Markdown, shown exactly as it is: supplier
    text (a bron, a file name) never becomes a link, an image or formatting."""
    return _MARKDOWN.sub(r"\\\1", tekst)


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)
