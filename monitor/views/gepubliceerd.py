"""Hidden cells of the publieksversie in the shaped frames: never a 0, always their mark.

In the publieksversie the figures are a snapshot's published figures: a cell the disclosure
control hid has `waarde` NaN and its mark in `teken` ('<5', 'x'); everywhere else `teken` is
None (monitor.data gives every kerncijfers source that column). The views carry `teken` next to
`waarde`: a sum that takes in a hidden cell is hidden too (never the sum of the rest, which
would show the hidden cell as 0), a chart leaves the point out, and a table shows the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd


def verborgen(frame: pd.DataFrame) -> pd.Series:
    """True for the rows the disclosure control hid (they carry a mark)."""
    if "teken" not in frame.columns:
        return pd.Series(False, index=frame.index, dtype=bool)
    return frame["teken"].notna()


def som(frame: pd.DataFrame, per: Sequence[str],
        teken_overig: Callable[[], str] | str = "x") -> pd.DataFrame:
    """`waarde` summed per `per`, with `teken`: a group with a hidden cell is hidden (NaN) and
    shows that cell's mark when it is the only row, else `teken_overig` (a sum is no small
    count itself). Without hidden cells this is a plain sum (NaN counted as nothing)."""
    per = list(per)
    if frame.empty:
        return pd.DataFrame(columns=[*per, "waarde", "teken"])
    rijen = frame.assign(_verborgen=verborgen(frame),
                         teken=frame["teken"] if "teken" in frame.columns else None)
    groepen = rijen.groupby(per, as_index=False, sort=True, dropna=False)
    uit = groepen.agg(waarde=("waarde", "sum"), _verborgen=("_verborgen", "any"),
                      _rijen=("waarde", "size"), _teken=("teken", "first"))
    if not uit["_verborgen"].any():
        return uit[[*per, "waarde"]].assign(teken=None)
    overig = teken_overig() if callable(teken_overig) else teken_overig
    uit["waarde"] = uit["waarde"].where(~uit["_verborgen"])
    uit["teken"] = None
    uit.loc[uit["_verborgen"], "teken"] = uit["_teken"].where(uit["_rijen"] == 1, overig)
    return uit[[*per, "waarde", "teken"]]


def getoond(frame: pd.DataFrame, kolom: str = "waarde") -> pd.Series:
    """The column as a table shows it: the mark in a hidden cell, else the figure. Without
    hidden cells the column itself (numbers stay numbers)."""
    verborgen_ = verborgen(frame)
    if not verborgen_.any():
        return frame[kolom]
    return frame[kolom].astype(object).where(~verborgen_, frame["teken"])
