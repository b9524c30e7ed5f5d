"""Dutch number and period formatting: the one place where figures become text.

`1.944`, `3,5%`, `2024-K3`; a minus sign for decreases, a plus sign for increases.
"""

from __future__ import annotations

import math

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
LEEG = "–"


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


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)
