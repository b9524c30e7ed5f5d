"""Published tellingen as a plain table: figures as a document or supplier gave them (never
summed here; a total the warehouse added up says so in its bron, "afgeleid uit ..."), shared
by the pages that list them."""

from __future__ import annotations

import pandas as pd

from monitor import labels
from monitor.views import gepubliceerd

KOLOMMEN = ["Wat", "Voorziening", "Gemeente", "Periode", "Aantal", "Bron"]


def tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """Kerncijfers rows (voorziening, indicator, periode, gemeente, dimensie, waarde, teken,
    bron) in Dutch: what (with its breakdown), where, when, how many, and the source."""
    if frame.empty:
        return pd.DataFrame(columns=KOLOMMEN)
    uitsplitsing = frame["dimensie"].astype("string").str.split("=", n=1).str[1]
    wat = frame["indicator"].map(labels.indicator) + uitsplitsing.map(
        lambda w: f" ({w})" if isinstance(w, str) else "").fillna("")
    return pd.DataFrame({
        "Wat": wat.to_numpy(),
        "Voorziening": frame["voorziening"].map(labels.VOORZIENINGEN).to_numpy(),
        "Gemeente": frame["gemeente"].to_numpy(),
        "Periode": frame["periode"].to_numpy(),
        "Aantal": gepubliceerd.getoond(frame).to_numpy(),
        "Bron": frame["bron"].to_numpy(),
    }, columns=KOLOMMEN)
