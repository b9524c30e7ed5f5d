"""Secondary suppression by Tau-Argus: our code describes the published tables, Tau-Argus
decides which cells to hide.

The published count cells and the relations an attacker can use between them are written
as one JJ file per linked set of tables (the generic input format of Tau-Argus' optimal
suppression: cells with value, cost, status, a-priori bounds and protection levels, and
linear equations). `pytauargus` runs Tau-Argus' optimal method (Fischetti-Salazar, "OPT")
on it with the open-source HiGHS solver and answers with the cells to hide besides the
small counts. The relations:

- the municipalities (with Buiten de regio and Onbekend) add up to the region total, for
  herkomst and verblijf alike;
- the values of a breakdown add up to the figure without breakdown;
- the four quarters of a flow add up to its year;
- stock and flow: bezetting at the end of a quarter = bezetting a quarter earlier + instroom
  − uitstroom; the clients during a quarter = bezetting a quarter earlier + instroom; a
  stock's year = its last quarter.

A relation is written only when it holds on the true figures (an attacker cannot use a sum
that is false), and only between cells that are published.

What the attacker knows beforehand is written as each cell's bounds: a "<5" lies from 1 to
drempel − 1; any other hidden count is at least drempel, because zeros and small counts are
never shown as "x". The protection levels ask that every small count keeps a feasible
interval at least `min_intervalbreedte` wide within 1 … drempel − 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl import settings
from monitor.perioden import kwartaal_verschuiven

SLEUTEL = list(settings.KERNCIJFER_SLEUTEL)

# cell statuses in a JJ file
VEILIG, ONVEILIG, VAST = "s", "u", "z"


class BeveiligingFout(RuntimeError):
    """Tau-Argus could not protect a set of tables (the message is Dutch)."""


@dataclass
class Probleem:
    """One linked set of tables: cells (row numbers of the published frame) and equations
    (lists of (cell position, coefficient) that sum to zero)."""

    rijen: list[int] = field(default_factory=list)
    vergelijkingen: list[list[tuple[int, int]]] = field(default_factory=list)


def document(bron: pd.Series) -> pd.Series:
    """The published document behind each bron (settings.basis_bron, per distinct value)."""
    tekst = bron.astype(str)
    return tekst.map({b: settings.basis_bron(b) for b in tekst.unique()})


def relaties(frame: pd.DataFrame, telling: np.ndarray) -> list[list[tuple[int, int]]]:
    """Every linear relation (row number, coefficient; sum = 0) between the count rows of
    `frame` (where `telling`) that holds on their values. Figures of one document are
    related whether given or added up by the warehouse ("afgeleid uit")."""
    f = frame.assign(_rij=np.arange(len(frame)))[telling]
    f = f.assign(dimensie=f["dimensie"].astype(object).where(f["dimensie"].notna(), ""),
                 bron=document(f["bron"]))
    waarde = frame["waarde"].to_numpy(dtype=float, na_value=np.nan)
    uit: list[list[tuple[int, int]]] = []

    def houdt(terms: list[tuple[int, int]]) -> bool:
        return abs(sum(c * waarde[r] for r, c in terms)) < 1e-9

    # municipalities (+ BUITEN, ONBEKEND) -> the region total, per perspective
    totaal = f[f["gemeentecode"] == settings.TOTAAL]
    totaal_rij = dict(zip(
        totaal[["voorziening", "indicator", "periode", "dimensie", "bron"]]
        .itertuples(index=False, name=None), totaal["_rij"], strict=True))
    delen = f[f["gemeentecode"] != settings.TOTAAL]
    for (v, i, p, d, b, _persp), groep in delen.groupby(
        ["voorziening", "indicator", "periode", "dimensie", "bron", "perspectief"], sort=True
    ):
        t = totaal_rij.get((v, i, p, d, b))
        if t is None or len(groep) < 1:
            continue
        terms = [(t, -1), *((r, 1) for r in groep["_rij"])]
        if houdt(terms):
            uit.append(terms)

    # breakdown values -> the figure without breakdown
    met_dim = f[f["dimensie"] != ""]
    if len(met_dim):
        zonder = f[f["dimensie"] == ""]
        basis = dict(zip(
            zonder[["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]]
            .itertuples(index=False, name=None), zonder["_rij"], strict=True))
        met_dim = met_dim.assign(_naam=met_dim["dimensie"].str.split("=", n=1).str[0])
        for (v, i, p, g, persp, b, _n), groep in met_dim.groupby(
            ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron",
             "_naam"], sort=True
        ):
            t = basis.get((v, i, p, g, persp, b))
            if t is None:
                continue
            terms = [(t, -1), *((r, 1) for r in groep["_rij"])]
            if houdt(terms):
                uit.append(terms)

    # quarters of a flow -> its year
    per_periode = dict(zip(
        f[["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie",
           "bron"]].itertuples(index=False, name=None), f["_rij"], strict=True))
    jaren = f[(f["periode_type"] == "jaar") & f["indicator"].isin(settings.FLOW_INDICATORS)]
    for v, i, p, g, persp, d, b, r in jaren[
        ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron",
         "_rij"]
    ].itertuples(index=False, name=None):
        kwartalen = [per_periode.get((v, i, f"{p}-K{k}", g, persp, d, b)) for k in range(1, 5)]
        if any(k is None for k in kwartalen):
            continue
        terms = [(r, -1), *((k, 1) for k in kwartalen)]
        if houdt(terms):
            uit.append(terms)

    # a stock's year is its last quarter
    standen = f[(f["periode_type"] == "jaar") & ~f["indicator"].isin(settings.FLOW_INDICATORS)]
    for v, i, p, g, persp, d, b, r in standen[
        ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron",
         "_rij"]
    ].itertuples(index=False, name=None):
        k4 = per_periode.get((v, i, f"{p}-K4", g, persp, d, b))
        if k4 is not None and houdt([(r, -1), (k4, 1)]):
            uit.append([(r, -1), (k4, 1)])

    # clients during a quarter: those housed at its start and those who came in
    clienten = f[(f["indicator"] == "clienten") & (f["periode_type"] == "kwartaal")]
    for v, p, g, persp, d, b, r in clienten[
        ["voorziening", "periode", "gemeentecode", "perspectief", "dimensie", "bron", "_rij"]
    ].itertuples(index=False, name=None):
        rest = [per_periode.get((v, "bezetting", kwartaal_verschuiven(p, -1), g, persp, d, b)),
                per_periode.get((v, "instroom", p, g, persp, d, b))]
        if any(x is None for x in rest):
            continue
        terms = [(r, -1), (rest[0], 1), (rest[1], 1)]
        if houdt(terms):
            uit.append(terms)

    # stock and flow between consecutive quarters
    bezetting = f[(f["indicator"] == "bezetting") & (f["periode_type"] == "kwartaal")]
    for v, p, g, persp, d, b, r in bezetting[
        ["voorziening", "periode", "gemeentecode", "perspectief", "dimensie", "bron", "_rij"]
    ].itertuples(index=False, name=None):
        vorig = kwartaal_verschuiven(p, -1)
        rest = [per_periode.get((v, "bezetting", vorig, g, persp, d, b)),
                per_periode.get((v, "instroom", p, g, persp, d, b)),
                per_periode.get((v, "uitstroom", p, g, persp, d, b))]
        if any(x is None for x in rest):
            continue
        terms = [(r, -1), (rest[0], 1), (rest[1], 1), (rest[2], -1)]
        if houdt(terms):
            uit.append(terms)
    return uit


def componenten(n: int, vergelijkingen: Iterable[list[tuple[int, int]]]) -> np.ndarray:
    """Union-find over rows that share an equation: a component label per row."""
    ouder = np.arange(n)

    def wortel(x: int) -> int:
        while ouder[x] != x:
            ouder[x] = ouder[ouder[x]]
            x = int(ouder[x])
        return x

    for terms in vergelijkingen:
        eerste = wortel(terms[0][0])
        for r, _ in terms[1:]:
            w = wortel(r)
            if w != eerste:
                ouder[w] = eerste
    return np.array([wortel(i) for i in range(n)])


def beschermingsniveaus(
    waarde: int, drempel: int, breedte: int, haalbaar: tuple[float, float] | None = None
) -> tuple[int, int]:
    """(lower, upper) protection level of a small count: its feasible interval must stretch
    at least `breedte` within 1 … drempel − 1 (the range its sign '<5' already gives away),
    or within `haalbaar`, the interval it keeps when every other count that may be hidden is
    hidden (shown zeros and exempt figures can narrow it: more than that cannot be asked)."""
    laag, hoog = 1, drempel - 1
    if haalbaar is not None:
        laag = max(laag, int(np.ceil(haalbaar[0] - 1e-9)))
        hoog = min(hoog, int(np.floor(haalbaar[1] + 1e-9)))
    breedte = max(0, min(breedte, hoog - laag))
    onder = min(waarde - laag, breedte)
    boven = breedte - onder
    if waarde + boven > hoog:
        boven = hoog - waarde
        onder = breedte - boven
    return max(0, onder), max(0, boven)


def grenzen_vooraf(
    waarde: np.ndarray, status: np.ndarray, drempel: int, bovengrens: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker knows of each cell before any sum: a shown (VAST) cell its value, a
    small count 1 … drempel − 1, any other count that may be hidden: at least drempel (a
    zero or a small count is never shown as "x")."""
    w = np.asarray(waarde, dtype=float)
    onder = np.where(status == VAST, w, np.where(status == ONVEILIG, 1.0,
                                                 np.where(w >= drempel, float(drempel), 0.0)))
    boven = np.where(status == VAST, w, np.where(status == ONVEILIG, drempel - 1.0, bovengrens))
    return onder, boven


def haalbare_intervallen(
    waarde: np.ndarray, status: np.ndarray, vergelijkingen: list[list[tuple[int, int]]],
    drempel: int,
) -> dict[int, tuple[float, float]]:
    """Per small count (ONVEILIG) the widest interval it can have at all: every count that may
    be hidden hidden, only the VAST cells shown."""
    onder, boven = grenzen_vooraf(waarde, status, drempel)
    doelen = np.flatnonzero(status == ONVEILIG)
    return lp_grenzen(onder, boven, vergelijkingen, doelen) if len(doelen) else {}


def jj(
    waarde: np.ndarray,
    status: np.ndarray,
    kosten: np.ndarray,
    vergelijkingen: list[list[tuple[int, int]]],
    drempel: int,
    breedte: int,
    haalbaar: dict[int, tuple[float, float]] | None = None,
) -> str:
    """One linked set of tables (positions 0…n−1) as a JJ file for Tau-Argus.

    `status`: ONVEILIG for a small count to protect, VAST for a cell that is shown whatever
    happens (a zero, an exempt or already published figure), VEILIG for a candidate for
    secondary suppression. `haalbaar` caps the protection levels at what can be had at all
    (see `haalbare_intervallen`)."""
    n = len(waarde)
    bovengrens = int(max(1.0, float(np.nansum(np.abs(waarde))))) * 2 + drempel
    regels = ["0", str(n)]
    for i in range(n):
        w = int(np.rint(waarde[i]))
        s = status[i]
        if s == ONVEILIG:
            onder, boven = beschermingsniveaus(w, drempel, breedte,
                                               None if haalbaar is None else haalbaar.get(i))
            regels.append(f"{i} {w} {kosten[i]:.0f} u 1 {drempel - 1} {onder} {boven} 0")
        elif s == VAST:
            regels.append(f"{i} {w} 1 z {w} {w} 0 0 0")
        else:
            # if hidden, its "x" tells the attacker it is at least drempel
            laag = drempel if w >= drempel else 0
            regels.append(f"{i} {w} {kosten[i]:.0f} s {laag} {bovengrens} 0 0 0")
    regels.append(str(len(vergelijkingen)))
    for terms in vergelijkingen:
        deel = " ".join(f"{i} ({c})" for i, c in terms)
        regels.append(f"0 {len(terms)} : {deel} ")
    return "\n".join(regels) + "\n"


# Tau-Argus' answers within this process, by JJ text: the same tables are protected the same
# way (the dashboard, the tests and a snapshot's versions ask again for the same quarter).
_ANTWOORDEN: dict[str, tuple[int, frozenset[int]]] = {}
GROEPEN = 2  # solver processes at once: the machine's two cores


def los_op(problemen: dict[str, str], minuten: int) -> dict[str, tuple[int, set[int]]]:
    """Solve JJ files (name -> text) with Tau-Argus OPT in processes of their own; per name
    the engine's return code and the positions it hides as secondary cells."""
    sleutels = {naam: hashlib.sha256(f"{minuten}\n{tekst}".encode()).hexdigest()
                for naam, tekst in problemen.items()}
    nieuw = {naam: tekst for naam, tekst in problemen.items()
             if sleutels[naam] not in _ANTWOORDEN}
    if nieuw:
        # the largest problems first, spread over the processes
        volgorde = sorted(nieuw, key=lambda n: -len(nieuw[n]))
        groepen = [volgorde[i::GROEPEN] for i in range(min(GROEPEN, len(volgorde)))]
        with tempfile.TemporaryDirectory(prefix="tauargus_") as tmp:
            mappen = []
            for nummer, groep in enumerate(groepen):
                map_ = Path(tmp) / f"g{nummer}"
                map_.mkdir()
                for naam in groep:
                    (map_ / f"{naam}.in").write_text(nieuw[naam], encoding="ascii")
                mappen.append(map_)
            antwoorden = _draai(mappen, minuten, max(len(g) for g in groepen))
        for naam, antwoord in antwoorden.items():
            _ANTWOORDEN[sleutels[naam]] = antwoord
    return {naam: (_ANTWOORDEN[sleutels[naam]][0], set(_ANTWOORDEN[sleutels[naam]][1]))
            for naam in problemen}


def _draai(mappen: list[Path], minuten: int, aantal: int) -> dict[str, tuple[int, frozenset]]:
    wortel = Path(__file__).resolve().parent.parent
    omgeving = {**os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(wortel),
                                                            os.environ.get("PYTHONPATH")]))}
    processen = [
        subprocess.Popen(
            [sys.executable, "-m", "publicatie.tauargus", str(map_), str(max(1, minuten))],
            cwd=map_, env=omgeving, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for map_ in mappen
    ]
    uit: dict[str, tuple[int, frozenset]] = {}
    try:
        for proces, map_ in zip(processen, mappen, strict=True):
            proces.wait(timeout=60 * max(1, minuten) * aantal + 120)
            codes = json.loads((map_ / "codes.json").read_text(encoding="utf-8"))
            for invoer in map_.glob("*.in"):
                pad = invoer.with_suffix(".out")
                tekst = pad.read_text(encoding="ascii", errors="replace") if pad.exists() else ""
                uit[invoer.stem] = (int(codes.get(invoer.stem, 99)),
                                    frozenset(int(x) for x in tekst.split()))
    except (subprocess.SubprocessError, OSError, ValueError) as fout:
        raise BeveiligingFout(
            "Tau-Argus kon de tabellen niet beveiligen (het rekenproces stopte); er is niets "
            "gepubliceerd."
        ) from fout
    finally:
        for proces in processen:
            if proces.poll() is None:
                proces.kill()
                proces.wait()
    return uit


def intervallen(
    waarde: np.ndarray,
    status: np.ndarray,
    secundair: set[int],
    vergelijkingen: list[list[tuple[int, int]]],
    drempel: int,
    doelen: Iterable[int],
) -> dict[int, tuple[float, float]]:
    """The feasible interval of each cell in `doelen` when the small counts and `secundair`
    are hidden and everything else is shown."""
    zichtbaar = status.copy()
    zichtbaar[status == VEILIG] = VAST
    zichtbaar[list(secundair)] = VEILIG
    onder, boven = grenzen_vooraf(waarde, zichtbaar, drempel)
    return lp_grenzen(onder, boven, vergelijkingen, doelen)


def vereiste_breedte(
    cel: int, haalbaar: dict[int, tuple[float, float]], drempel: int, breedte: int
) -> float:
    """How wide a small count's interval must be: `breedte`, or what can be had at all."""
    lo, hi = haalbaar.get(cel, (1.0, drempel - 1.0))
    return min(breedte, hi - lo)


def tekort(
    waarde: np.ndarray,
    status: np.ndarray,
    secundair: set[int],
    vergelijkingen: list[list[tuple[int, int]]],
    drempel: int,
    breedte: int,
    haalbaar: dict[int, tuple[float, float]],
) -> list[int]:
    """The small counts whose feasible interval, with the small counts and `secundair`
    hidden and everything else shown, is narrower than asked (our own check of the
    engine's answer)."""
    doelen = [int(i) for i in np.flatnonzero(status == ONVEILIG)]
    grenzen = intervallen(waarde, status, secundair, vergelijkingen, drempel, doelen)
    return [i for i in doelen
            if grenzen[i][1] - grenzen[i][0]
            < vereiste_breedte(i, haalbaar, drempel, breedte) - 1e-6]


def lp_grenzen(
    ondergrens: np.ndarray,
    bovengrens: np.ndarray,
    vergelijkingen: list[list[tuple[int, int]]],
    doelen: Iterable[int],
) -> dict[int, tuple[float, float]]:
    """The smallest and largest value each position in `doelen` can take, given every
    position's bounds and the equations (sum = 0): linear programming with HiGHS."""
    import highspy

    n = len(ondergrens)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVars(n, np.asarray(ondergrens, dtype=float), np.asarray(bovengrens, dtype=float))
    if vergelijkingen:
        starts, index, waarden = [], [], []
        for terms in vergelijkingen:
            starts.append(len(index))
            index += [i for i, _ in terms]
            waarden += [float(c) for _, c in terms]
        m = len(vergelijkingen)
        h.addRows(m, np.zeros(m), np.zeros(m), len(index), np.array(starts, dtype=np.int32),
                  np.array(index, dtype=np.int32), np.array(waarden, dtype=float))
    uit: dict[int, tuple[float, float]] = {}
    kosten = np.zeros(n)
    alle = np.arange(n, dtype=np.int32)
    for doel in doelen:
        grenzen = []
        for teken in (1.0, -1.0):
            kosten[:] = 0.0
            kosten[doel] = teken
            h.changeColsCost(n, alle, kosten)
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                grenzen.append(-np.inf if teken > 0 else np.inf)
                continue
            grenzen.append(teken * h.getInfo().objective_function_value)
        uit[int(doel)] = (grenzen[0], grenzen[1])
    return uit


def herstel(
    waarde: np.ndarray,
    status: np.ndarray,
    secundair: set[int],
    vergelijkingen: list[list[tuple[int, int]]],
    drempel: int,
    breedte: int,
    haalbaar: dict[int, tuple[float, float]],
    kosten: np.ndarray,
) -> set[int]:
    """Hide more, cheapest first, until every small count keeps its interval: for a set of
    tables Tau-Argus did not settle within its time. Deterministic (ties by position), so
    the same figures always give the same publication; hiding every candidate always works
    (that is how `haalbaar` is defined), so this ends."""
    gekozen = set(secundair)
    buren: dict[int, set[int]] = {}
    for terms in vergelijkingen:
        cellen = {i for i, _ in terms}
        for i in cellen:
            buren.setdefault(i, set()).update(cellen)
    kandidaat = status == VEILIG

    def te_smal(cel: int) -> bool:
        lo, hi = intervallen(waarde, status, gekozen, vergelijkingen, drempel, [cel])[cel]
        return hi - lo < vereiste_breedte(cel, haalbaar, drempel, breedte) - 1e-6

    for _ in range(3):
        slecht = tekort(waarde, status, gekozen, vergelijkingen, drempel, breedte, haalbaar)
        if not slecht:
            return gekozen
        for cel in slecht:
            ring = {cel}
            while te_smal(cel):
                # the cheapest candidate next to the cell, then next to what is hidden nearby
                naast = set().union(*(buren.get(i, set()) for i in ring))
                opties = sorted((kosten[i], i) for i in naast
                                if kandidaat[i] and i not in gekozen)
                if opties:
                    gekozen.add(opties[0][1])
                elif naast <= ring:
                    break  # nothing more to hide around it
                ring = naast
    if tekort(waarde, status, gekozen, vergelijkingen, drempel, breedte, haalbaar):
        gekozen |= set(np.flatnonzero(kandidaat).tolist())
    return gekozen
