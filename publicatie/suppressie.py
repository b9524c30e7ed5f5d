"""Small-number suppression for everything that is published (exports, publieksversie).

Three steps over kerncijfers-shaped rows:

1. *primair*: a count (an indicator that is not a ratio) from 1 to drempel − 1 is hidden;
   0 is shown, a zero reveals nothing.
2. *secundair*: where cells add up to a total, one hidden cell could be recomputed from the
   total and the others. Groups that add up: (a) the municipalities, BUITEN and ONBEKEND of
   one (voorziening, indicator, periode, perspectief, dimensie, bron) with their TOTAAL row;
   (b) the values of one dimension name (product=…, bestemming=…) with the row without
   dimension of the same key. A group with exactly one hidden cell also loses its smallest
   other non-zero cell, and its total when every other cell is zero (the total would show
   the hidden value); repeated until stable, since a second cell can leave another group with
   a single hidden cell.
3. *afgeleid*: rates, percentages and day measures built on a hidden count are hidden.

The threshold and the text shown instead live in config/publicatie.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl import settings
from monitor.fmt import getal

PUBLICATIE_TOML = settings.ROOT / "config" / "publicatie.toml"

PRIMAIR, SECUNDAIR, AFGELEID = "primair", "secundair", "afgeleid"

SLEUTEL = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron"]

# day measures and the count they are a statistic of (data contract section 2)
_DAGEN_BASIS = {"wachttijd": "instroom", "verblijfsduur": "uitstroom"}
_PCT_BASIS = {"instroom_pct": "instroom", "uitstroom_pct": "uitstroom"}


@dataclass(frozen=True)
class Publicatie:
    drempel: int
    teken: str
    teken_overig: str = "x"

    def teken_voor(self, reden: str | None) -> str:
        """The sign of a hidden cell: the small-count sign only where it is true."""
        return self.teken if reden == PRIMAIR else self.teken_overig


def lees_publicatie(pad: Path = PUBLICATIE_TOML) -> Publicatie:
    """The suppression threshold and its text from config/publicatie.toml."""
    with pad.open("rb") as handle:
        config = tomllib.load(handle)
    drempel = config.get("drempel")
    if not isinstance(drempel, int) or isinstance(drempel, bool) or drempel < 1:
        raise ValueError(f"{pad}: 'drempel' moet een geheel getal van 1 of meer zijn")
    return Publicatie(drempel=drempel, teken=str(config.get("teken", f"<{drempel}")),
                      teken_overig=str(config.get("teken_overig", "x")))


def is_ratio(indicator: pd.Series) -> np.ndarray:
    """True for percentages, per 10,000, day measures and bezettingsgraad."""
    return indicator.astype(str).str.endswith(settings.RATIO_SUFFIXES).to_numpy(dtype=bool)


def onderdruk(frame: pd.DataFrame, drempel: int) -> pd.DataFrame:
    """A copy of `frame` with `onderdrukt`, `reden` and `waarde` NaN where suppressed."""
    out = frame.copy()
    if out.empty:
        out["onderdrukt"] = pd.Series(dtype=bool)
        out["reden"] = pd.Series(dtype=object)
        return out
    waarde = out["waarde"].to_numpy(dtype=float, na_value=np.nan)
    codes = _codes(out)
    ratio = is_ratio(out["indicator"])
    telling = ~ratio

    with np.errstate(invalid="ignore"):
        primair = telling & (waarde > 0) & (waarde < drempel)
    verborgen = primair.copy()
    secundair = _secundair(codes, waarde, telling, verborgen)
    afgeleid = _afgeleid(out, codes, ratio, verborgen, waarde, drempel)

    reden = np.full(len(out), None, dtype=object)
    reden[afgeleid] = AFGELEID
    reden[secundair] = SECUNDAIR
    reden[primair] = PRIMAIR
    onderdrukt = verborgen | afgeleid
    out["waarde"] = np.where(onderdrukt, np.nan, waarde)
    out["onderdrukt"] = onderdrukt
    out["reden"] = pd.Series(reden, index=out.index, dtype=object)
    return out


# --- the published figures of a snapshot (API; the engine behind it is being replaced) ------


def beveilig(
    kerncijfers: pd.DataFrame,
    kwartaal: str,
    publicatie: Publicatie,
    vorige: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The published cells of the snapshot of `kwartaal`, protected.

    Returns the rows of `kerncijfers` that some export publishes (plus derived region rows
    `spreidingsindex` and `eigen_gemeente_pct`, bron 'afgeleid'), with three extra columns:
    `onderdrukt` (bool), `reden` ('primair', 'secundair', 'afgeleid' or None) and `teken`
    (the text shown instead of a hidden figure, else None). `waarde` is NaN where hidden and
    rounded as published elsewhere. `vorige` is the previous snapshot's result, whose marks
    are kept where its figures are unchanged.
    """
    del kwartaal, vorige  # placeholder until the Tau-Argus engine lands
    uit = onderdruk(kerncijfers, publicatie.drempel)
    uit["teken"] = [publicatie.teken_voor(r) if o else None
                    for r, o in zip(uit["reden"], uit["onderdrukt"], strict=True)]
    return uit


def weergave(
    waarde: float | None, onderdrukt: bool, teken: str, decimalen: int | None = None
) -> str:
    """The Dutch text of a published figure: the suppression sign or e.g. '1.944'.

    Without `decimalen`, whole numbers get none and others one decimal.
    """
    if onderdrukt:
        return teken
    if decimalen is None:
        whole = waarde is None or pd.isna(waarde) or float(waarde).is_integer()
        decimalen = 0 if whole else 1
    return getal(None if waarde is None or pd.isna(waarde) else float(waarde), decimalen)


# --- internals --------------------------------------------------------------------------------


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The key columns as sorted integer codes: fast to group and merge, and a tie-break
    that does not depend on the order of the rows."""
    columns = {}
    for column in SLEUTEL:
        values = frame[column].astype(object).where(frame[column].notna(), "")
        columns[column] = pd.factorize(values, sort=True)[0]
    dim = frame["dimensie"].astype(object).where(frame["dimensie"].notna(), "")
    columns["dimnaam"] = pd.factorize(dim.astype(str).str.split("=", n=1).str[0], sort=True)[0]
    columns["heeft_dim"] = (dim != "").to_numpy(dtype=bool)
    columns["totaal"] = (frame["gemeentecode"] == settings.TOTAAL).to_numpy(dtype=bool)
    return pd.DataFrame(columns)


def _leden(codes: pd.DataFrame, telling: np.ndarray) -> tuple[np.ndarray, ...]:
    """Membership of every group that adds up to a total: (group, row, is_total) arrays.

    A row can belong to several groups (a TOTAAL row closes its herkomst and its verblijf
    group; a municipality row is a cell of its region group and the total of its dimensions).
    """
    c = codes.assign(rij=np.arange(len(codes)))[telling]

    # (a) the municipalities of one key with its TOTAAL row
    a_key = ["voorziening", "indicator", "periode", "dimensie", "bron"]
    cellen_a = c[~c["totaal"]].copy()
    cellen_a["groep"] = cellen_a.groupby([*a_key, "perspectief"], sort=False).ngroup()
    groepen_a = cellen_a[[*a_key, "groep"]].drop_duplicates("groep")
    totalen_a = c[c["totaal"]][[*a_key, "rij"]].merge(groepen_a, on=a_key)
    n_a = int(cellen_a["groep"].max()) + 1 if len(cellen_a) else 0

    # (b) the values of one dimension name with the row without dimension
    b_key = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    cellen_b = c[c["heeft_dim"]].copy()
    cellen_b["groep"] = cellen_b.groupby([*b_key, "dimnaam"], sort=False).ngroup() + n_a
    groepen_b = cellen_b[[*b_key, "groep"]].drop_duplicates("groep")
    totalen_b = c[~c["heeft_dim"]][[*b_key, "rij"]].merge(groepen_b, on=b_key)

    # a group without its total row adds up to nothing published: nothing to protect
    cellen_a = cellen_a[cellen_a["groep"].isin(totalen_a["groep"])]
    cellen_b = cellen_b[cellen_b["groep"].isin(totalen_b["groep"])]
    groep = np.concatenate([
        cellen_a["groep"], totalen_a["groep"], cellen_b["groep"], totalen_b["groep"]
    ]).astype(np.int64)
    rij = np.concatenate([
        cellen_a["rij"], totalen_a["rij"], cellen_b["rij"], totalen_b["rij"]
    ]).astype(np.int64)
    is_totaal = np.concatenate([
        np.zeros(len(cellen_a), bool), np.ones(len(totalen_a), bool),
        np.zeros(len(cellen_b), bool), np.ones(len(totalen_b), bool),
    ])
    return groep, rij, is_totaal


def _secundair(
    codes: pd.DataFrame, waarde: np.ndarray, telling: np.ndarray, verborgen: np.ndarray
) -> np.ndarray:
    """Mark (in place in `verborgen`) and return the secondarily suppressed cells."""
    secundair = np.zeros(len(waarde), dtype=bool)
    groep, rij, is_totaal = _leden(codes, telling)
    if not len(groep):
        return secundair
    # within a group: smallest value first, ties by municipality and dimension name
    order = np.lexsort((
        codes["dimensie"].to_numpy()[rij], codes["gemeentecode"].to_numpy()[rij],
        waarde[rij], groep,
    ))
    groep, rij, is_totaal = groep[order], rij[order], is_totaal[order]
    with np.errstate(invalid="ignore"):
        kandidaat = ~is_totaal & (waarde[rij] > 0)
    n_groepen = int(groep.max()) + 1
    while True:
        hidden = verborgen[rij]
        per_groep = np.bincount(groep, weights=hidden, minlength=n_groepen)
        keuze = kandidaat & ~hidden & (per_groep[groep] == 1)
        # the rows are sorted by group and value: the first candidate is the smallest
        _, eerste = np.unique(groep[keuze], return_index=True)
        nieuw = rij[keuze][eerste]
        # A group whose one hidden cell has no other non-zero cell beside it (the rest are
        # zeros) would show the hidden value as its total: then the total goes too.
        heeft_kandidaat = np.zeros(n_groepen, dtype=bool)
        heeft_kandidaat[groep[keuze]] = True
        verborgen_cellen = np.bincount(groep, weights=hidden & ~is_totaal, minlength=n_groepen)
        onbeschermd = (per_groep == 1) & (verborgen_cellen == 1) & ~heeft_kandidaat
        with np.errstate(invalid="ignore"):
            totaal = is_totaal & ~hidden & onbeschermd[groep] & (waarde[rij] > 0)
        nieuw = np.concatenate([nieuw, rij[totaal]])
        if not len(nieuw):
            return secundair
        verborgen[nieuw] = True
        secundair[nieuw] = True


def _afgeleid(
    frame: pd.DataFrame,
    codes: pd.DataFrame,
    ratio: np.ndarray,
    verborgen: np.ndarray,
    waarde: np.ndarray,
    drempel: int,
) -> np.ndarray:
    """Ratios whose count (numerator, denominator or the count a median is taken over)
    is hidden, or whose yearly denominator `clienten` is below the threshold."""
    afgeleid = np.zeros(len(frame), dtype=bool)
    if not ratio.any():
        return afgeleid
    keys = frame[SLEUTEL].astype(object).where(frame[SLEUTEL].notna(), "")
    verborgen_set = pd.MultiIndex.from_frame(keys[verborgen])
    clienten = (keys["indicator"] == "clienten").to_numpy()
    with np.errstate(invalid="ignore"):
        kleine_noemer = pd.MultiIndex.from_frame(keys[clienten & (verborgen | (waarde < drempel))])

    r = keys[ratio].copy()
    r["rij"] = np.flatnonzero(ratio)
    vragen: list[tuple[pd.DataFrame, pd.MultiIndex]] = []
    ind = r["indicator"].astype(str)

    per = r[ind.str.endswith("_per_10000")].copy()
    per["indicator"] = per["indicator"].str.removesuffix("_per_10000")
    vragen.append((per, verborgen_set))

    for pct, basis in _PCT_BASIS.items():
        q = r[ind == pct].copy()
        vragen.append((q.assign(indicator=basis), verborgen_set))
        vragen.append((q.assign(indicator="clienten"), kleine_noemer))

    dagen = ind.str.endswith("_dagen")
    for prefix, basis in _DAGEN_BASIS.items():
        q = r[dagen & ind.str.startswith(prefix)]
        vragen.append((q.assign(indicator=basis), verborgen_set))

    graad = r[ind == "bezettingsgraad"]
    vragen.append((graad.assign(indicator="bezetting", bron="trajecten"), verborgen_set))
    vragen.append((graad.assign(indicator="capaciteit", bron="capaciteit"), verborgen_set))

    for vraag, verzameling in vragen:
        if vraag.empty or not len(verzameling):
            continue
        hit = pd.MultiIndex.from_frame(vraag[SLEUTEL]).isin(verzameling)
        afgeleid[vraag["rij"].to_numpy()[hit]] = True
    return afgeleid
