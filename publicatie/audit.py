"""An audit that attacks the published figures (issue 8, point 3).

It does what a careful reader of the public report could do: write every published figure and
every relation between figures as linear constraints, and compute with linear programming
(HiGHS, through `highspy`) the smallest and the largest value each hidden count can take.

What the attacker knows, over one variable x >= 0 per count cell of kerncijfers:

1. *Shown counts*: x = the published value. The previous quarter's report (`vorige`) adds its
   shown counts where the key is not shown now and its value equals today's true value (a
   value that was revised since is a fact about another version of the data, and today's
   relations need not hold for it); where both reports show a key, the current one counts.
2. *Signs*: '<5' (`Publicatie.teken`) means 1 .. drempel - 1; an 'x' (`teken_overig`) on a
   count means >= drempel (a zero is never hidden, a small count never gets an 'x'). A sign
   that contradicts the true value is not used and comes back as a finding of its own.
3. *Sums*, each built from the key structure and used only where it holds exactly on the
   true values (an attacker cannot use a sum that is false):
   `regio` (the rows of every gemeentecode but TOTAAL, BUITEN and ONBEKEND included, of one
   perspective add up to the TOTAAL row), `dimensie` (the values of one dimension name add up
   to the row without dimension), `kwartalen` (flow indicators: K1..K4 add up to the year),
   `voorraad` (bezetting(p) = bezetting(p-1) + instroom(p) - uitstroom(p), for quarters and
   for years), `eindstand` (the year's bezetting is that of its K4), `clienten`
   (clienten(p) = bezetting(p-1) + instroom(p)) and `kruis` (a herkomst row equals the sum of
   the verblijf rows split by that herkomstgemeente).
4. *Rounded derived figures that are shown*: `X_per_10000` (X / inwoners * 10,000, inwoners
   on 1 January of the period's year, the latest known year beyond the table, the region the
   sum of its municipalities), `instroom_pct` / `uitstroom_pct` (count / clienten * 100),
   `uitstroom_eigen_gemeente_pct` (uitstroom_eigen_gemeente / uitstroom_woongemeente_bekend
   * 100) and
   `bezettingsgraad` (bezetting / capaciteit). A value shown with d decimals bounds the exact
   ratio to +- 0.5 * 10^-d; d is the largest number of decimals among the shown values of
   that indicator (what the reader sees in the table's format), which never overstates the
   precision. Again used only where the true counts satisfy it.

Variables that are shown become constants; the rest (hidden cells and cells that are not
published at all, free variables >= 0; a relation is used only when it touches a published
cell) are split into connected components over the
constraints they share, and each component is one small LP. Counts are whole numbers, so the
LP bounds are rounded inwards (ceil of the minimum, floor of the maximum).

When is a hidden cell safe (`ok`)?
- a primary cell ('<5', reden 'primair'): its interval is at least
  `min_intervalbreedte` wide (config/publicatie.toml), e.g. [1, 4],
  or as wide as it could be at all: had every published count that a protection may hide
  been hidden (zeros, exempt and already public figures stay shown), some cells beside a
  shown zero keep no more than [1, 3];
- any other hidden count ('x'): its interval is reported, and never a finding by itself: a
  secondary cell that can be recomputed is no small count (it is at least drempel), and
  whether that lets a small count be recomputed is judged on the small count itself.
The derived region rows `spreidingsindex` and `eigen_gemeente_pct` (bron 'afgeleid') are not
attacked as LP (they are not linear); their rule is checked instead: a shown one needs every
bezetting cell (herkomst and verblijf rows without dimension) of the region's municipalities
in its voorziening and quarter shown (Buiten de regio and Onbekend do not enter either
figure). A violation is a row with ok False and no interval.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from etl import settings
from monitor.fmt import getal
from publicatie.beveiliging import document
from publicatie.suppressie import (
    PCT_BASIS,
    PCT_NOEMER,
    PRIMAIR,
    Publicatie,
    is_ratio,
    uit_openbare_bron,
)

SLEUTEL = list(settings.KERNCIJFER_SLEUTEL)
KOLOMMEN = [*SLEUTEL, "gemeente", "reden", "waarde", "teken", "ondergrens", "bovengrens",
            "vereist", "ok", "soort", "toelichting"]

# kinds of finding in the `soort` column
INTERVAL, TEKEN, AFGELEIDE_REGEL = "interval", "teken", "afgeleid"

AFGELEID_BRON = "afgeleid"
AFGELEIDE_INDICATOREN = ("spreidingsindex", "eigen_gemeente_pct")

_TOL = 1e-6  # a relation holds when it is off by less than this
_PLAFOND = 1e6  # an upper bound this high is no bound (far above any count of the region)
_JAAR, _KWARTAAL = r"^\d{4}$", r"^\d{4}-K[1-4]$"


def audit(gepubliceerd: pd.DataFrame, kerncijfers: pd.DataFrame, publicatie: Publicatie,
          vorige: pd.DataFrame | None = None, inwoners: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    """Per hidden count cell of `gepubliceerd` the smallest and largest value an attacker can
    derive from it (and from `vorige`), plus the violations of the derived-rows rule.

    `kerncijfers` is the truth: it gives the hidden values and decides which relations hold.
    `inwoners` (gemeentecode, jaar, inwoners, like ref_inwoners) enables the per-10,000
    constraints. `resultaat.attrs['relaties']` counts the constraints per kind (candidates,
    holding on the true values, used: holding with some unknown cell in it; a percentage
    or ratio is two constraints) and `attrs['lp']` the components and LPs solved.
    """
    cellen = _Cellen.maak(gepubliceerd, kerncijfers, publicatie, vorige)
    rijen, telling = _relaties(cellen, gepubliceerd, inwoners)
    grenzen, lp = _grenzen(cellen, rijen)

    doel = cellen.doel
    ondergrens, bovengrens = grenzen[:, 0], grenzen[:, 1]
    primair = cellen.reden[doel] == PRIMAIR
    min_breedte = float(publicatie.min_intervalbreedte)
    vereist = np.where(primair, min_breedte, 0.0)
    breedte = bovengrens - ondergrens
    kort = primair & (breedte < vereist - _TOL)
    if kort.any():
        # what no protection can give: the interval with every count that may be hidden
        # hidden (only zeros, exempt and already public figures shown)
        haalbaar = _haalbaar(cellen, gepubliceerd, inwoners, publicatie, doel[kort])
        vereist[kort] = np.minimum(min_breedte, haalbaar[:, 1] - haalbaar[:, 0])
    uit = cellen.tabel.iloc[doel][[*SLEUTEL, "gemeente"]].copy()
    uit["reden"] = cellen.reden[doel]
    uit["waarde"] = cellen.waar[doel]
    uit["teken"] = cellen.teken[doel]
    uit["ondergrens"] = ondergrens
    uit["bovengrens"] = bovengrens
    uit["vereist"] = vereist
    uit["ok"] = breedte >= vereist - _TOL
    uit["soort"] = INTERVAL
    uit["toelichting"] = None
    fout_teken = cellen.teken_fout[doel]
    if fout_teken.any():
        extra = uit[fout_teken].copy()
        extra["ok"] = False
        extra["soort"] = TEKEN
        extra["toelichting"] = [
            f"het teken '{t}' klopt niet met de werkelijke waarde {getal(w)}"
            for t, w in zip(extra["teken"], extra["waarde"], strict=True)
        ]
        uit = pd.concat([uit, extra], ignore_index=True)
    regel = _afgeleide_regel(gepubliceerd)
    uit = pd.concat([d for d in (uit, regel) if not d.empty] or [uit], ignore_index=True)
    uit = uit.reindex(columns=KOLOMMEN).reset_index(drop=True)
    uit["ok"] = uit["ok"].astype(bool)
    uit.attrs["relaties"] = telling
    uit.attrs["lp"] = lp
    return uit


def _haalbaar(cellen: _Cellen, gepubliceerd: pd.DataFrame, inwoners: pd.DataFrame | None,
              publicatie: Publicatie, doelen: np.ndarray) -> np.ndarray:
    """[lower, upper] of the cells `doelen` had every published count been hidden that a
    protection may hide: a non-zero count of people from a source not already public."""
    openbaar = uit_openbare_bron(cellen.tabel["bron"], publicatie.al_openbaar)
    vrij = cellen.tabel["indicator"].isin(publicatie.vrijgesteld).to_numpy()
    mag_weg = cellen.in_publicatie & cellen.bekend & (cellen.waar > 0) & ~openbaar & ~vrij
    klein = mag_weg & (cellen.waar < publicatie.drempel)
    laag = np.where(mag_weg, np.where(klein, 1.0, float(publicatie.drempel)), cellen.laag)
    hoog = np.where(klein, publicatie.drempel - 1.0, np.where(mag_weg, np.inf, cellen.hoog))
    ruim = dataclasses.replace(cellen, bekend=cellen.bekend & ~mag_weg, laag=laag, hoog=hoog,
                               doel=np.asarray(doelen))
    rijen, _ = _relaties(ruim, gepubliceerd, inwoners)
    return _grenzen(ruim, rijen)[0]


def lekken(resultaat: pd.DataFrame) -> pd.DataFrame:
    """The rows of an audit whose protection falls short."""
    return resultaat[~resultaat["ok"].astype(bool)]


def beschrijf(rij: pd.Series) -> str:
    """One Dutch line about an audit row, e.g. 'MO uitstroom 2026-K3 Urk (herkomst): <5 ligt
    vast op 1 (interval 1 t/m 1, vereist breedte 3)'."""
    gemeente = rij.get("gemeente")
    if not isinstance(gemeente, str) or not gemeente:
        gemeente = settings.SPECIAL_GEMEENTE_NAMES.get(rij["gemeentecode"], rij["gemeentecode"])
    dimensie = rij.get("dimensie")
    wat = f"{rij['voorziening']} {rij['indicator']} {rij['periode']} {gemeente}"
    wat += f" ({rij['perspectief']}" + (f", {dimensie})" if isinstance(dimensie, str) else ")")
    if rij.get("soort") in (AFGELEIDE_REGEL, TEKEN):
        return f"{wat}: {rij['toelichting']}"
    onder, boven = rij["ondergrens"], rij["bovengrens"]
    teken = rij.get("teken") or "verborgen"
    grens = "onbegrensd" if math.isinf(boven) else getal(boven)
    interval = f"interval {getal(onder)} t/m {grens}, vereist breedte {getal(rij['vereist'])}"
    if onder == boven:
        return f"{wat}: {teken} ligt vast op {getal(onder)} ({interval})"
    oordeel = "voldoende beschermd" if rij["ok"] else "te smal"
    return f"{wat}: {teken} ligt tussen {getal(onder)} en {grens}, {oordeel} ({interval})"


# --- the cells and what is known of each ------------------------------------------------------


@dataclass
class _Cellen:
    """Every count cell of kerncijfers, with what the attacker knows of it."""

    tabel: pd.DataFrame  # the count rows of kerncijfers, one per key, in a fixed order
    index: pd.MultiIndex  # their keys (NaN dimensie as '')
    waar: np.ndarray  # true value
    bekend: np.ndarray  # bool: its value is shown (now, or unchanged in `vorige`)
    laag: np.ndarray  # bounds of an unknown cell from its sign
    hoog: np.ndarray
    reden: np.ndarray  # reden of the published cell (None when shown or not published)
    teken: np.ndarray  # its sign
    doel: np.ndarray  # row numbers of the hidden published counts: the cells attacked
    teken_fout: np.ndarray  # per cell: its sign contradicts its true value
    in_publicatie: np.ndarray  # per cell: published now or in `vorige` (shown or hidden)

    @property
    def w(self) -> np.ndarray:
        """The values the relations are checked on: the truth (a shown value is the truth)."""
        return self.waar

    @classmethod
    def maak(cls, gepubliceerd: pd.DataFrame, kerncijfers: pd.DataFrame,
             publicatie: Publicatie, vorige: pd.DataFrame | None) -> _Cellen:
        tabel = kerncijfers[~is_ratio(kerncijfers["indicator"])]
        tabel = tabel.drop_duplicates(SLEUTEL, keep="last").reset_index(drop=True)
        index = _sleutels(tabel)
        waar = tabel["waarde"].to_numpy(dtype=float, na_value=np.nan, copy=True)
        n = len(tabel)
        bekend = np.zeros(n, dtype=bool)
        laag, hoog = np.zeros(n), np.full(n, np.inf)
        reden = np.full(n, None, dtype=object)
        teken = np.full(n, None, dtype=object)
        teken_fout = np.zeros(n, dtype=bool)
        doel = np.zeros(n, dtype=bool)
        in_publicatie = np.zeros(n, dtype=bool)

        def toepassen(frame: pd.DataFrame, nu: bool) -> None:
            frame = frame[~is_ratio(frame["indicator"])]
            pos = index.get_indexer(_sleutels(frame))
            gevonden = pos >= 0
            frame, pos = frame[gevonden], pos[gevonden]
            in_publicatie[pos] = True
            waarde = frame["waarde"].to_numpy(dtype=float, na_value=np.nan)
            verborgen = frame["onderdrukt"].to_numpy(dtype=bool) | np.isnan(waarde)
            tekens = frame["teken"].to_numpy(dtype=object) if "teken" in frame else \
                np.full(len(frame), None, dtype=object)
            if nu:
                zien = ~verborgen
                bekend[pos[zien]] = True
                waar[pos[zien]] = waarde[zien]  # what is shown is what the attacker uses
                reden[pos[verborgen]] = frame["reden"].to_numpy(dtype=object)[verborgen]
                teken[pos[verborgen]] = tekens[verborgen]
                doel[pos[verborgen]] = True
            else:
                # older facts only where the figure did not change since
                zien = ~verborgen & ~bekend[pos] & np.isclose(waarde, waar[pos])
                bekend[pos[zien]] = True
            for i, t in zip(pos[verborgen], tekens[verborgen], strict=True):
                lo, hi = _teken_grenzen(t, publicatie)
                if lo is None:
                    continue
                if not (lo - _TOL <= waar[i] <= hi + _TOL):
                    teken_fout[i] |= nu
                    continue
                laag[i], hoog[i] = max(laag[i], lo), min(hoog[i], hi)

        toepassen(gepubliceerd, nu=True)
        if vorige is not None and not vorige.empty:
            toepassen(vorige, nu=False)
        doel &= np.isfinite(waar)
        return cls(tabel=tabel, index=index, waar=waar, bekend=bekend, laag=laag, hoog=hoog,
                   reden=reden, teken=teken, doel=np.flatnonzero(doel), teken_fout=teken_fout,
                   in_publicatie=in_publicatie)


def _teken_grenzen(teken: object, publicatie: Publicatie) -> tuple[float | None, float]:
    if teken == publicatie.teken:
        return 1.0, float(publicatie.drempel - 1)
    if teken == publicatie.teken_overig:
        return float(publicatie.drempel), math.inf
    return None, math.inf


def _sleutels(frame: pd.DataFrame) -> pd.MultiIndex:
    keys = frame[SLEUTEL].astype(object)
    keys = keys.where(keys.notna(), "")
    return pd.MultiIndex.from_frame(keys.astype(str))


# --- the relations ----------------------------------------------------------------------------


@dataclass
class _Rijen:
    """Linear constraints lo <= sum(coef * x[cel]) <= hi, in coordinate form."""

    rij: np.ndarray
    cel: np.ndarray
    coef: np.ndarray
    lo: np.ndarray  # per constraint
    hi: np.ndarray


def _relaties(cellen: _Cellen, gepubliceerd: pd.DataFrame, inwoners: pd.DataFrame | None
              ) -> tuple[_Rijen, dict[str, tuple[int, int, int]]]:
    """Every candidate relation, kept where it holds on the true values."""
    k = _kolommen(cellen.tabel)
    kandidaten = {
        "regio": _som_regio(k),
        "dimensie": _som_dimensie(k),
        "kwartalen": _som_kwartalen(k),
        "voorraad": _voorraad(k),
        "eindstand": _eindstand(k),
        "clienten": _clienten(k),
        "kruis": _kruis(k),
        "per_10000": _per_10000(cellen, gepubliceerd, inwoners),
        "percentage": _verhouding(cellen, gepubliceerd, "pct"),
        "bezettingsgraad": _verhouding(cellen, gepubliceerd, "graad"),
    }
    delen: list[_Rijen] = []
    telling: dict[str, tuple[int, int, int]] = {}
    basis = 0
    w = cellen.w
    for soort, r in kandidaten.items():
        n = len(r.lo)
        if not n:
            telling[soort] = (0, 0, 0)
            continue
        waarde = np.bincount(r.rij, weights=r.coef * w[r.cel], minlength=n)
        geldig = np.isfinite(waarde) & (waarde >= r.lo - _TOL) & (waarde <= r.hi + _TOL)
        onbekend = np.bincount(r.rij, weights=~cellen.bekend[r.cel], minlength=n) > 0
        # a relation among cells that are all unpublished tells the reader nothing he can
        # tie to the report; leaving those out keeps the components small
        raakt = np.bincount(r.rij, weights=cellen.in_publicatie[r.cel], minlength=n) > 0
        houden = geldig & onbekend & raakt
        telling[soort] = (n, int(geldig.sum()), int(houden.sum()))
        nieuw = np.cumsum(houden) - 1
        m = houden[r.rij]
        delen.append(_Rijen(rij=nieuw[r.rij[m]] + basis, cel=r.cel[m], coef=r.coef[m],
                            lo=r.lo[houden], hi=r.hi[houden]))
        basis += int(houden.sum())
    if not delen:
        leeg = np.zeros(0)
        return _Rijen(leeg.astype(np.int64), leeg.astype(np.int64), leeg, leeg, leeg), telling
    return _Rijen(
        rij=np.concatenate([d.rij for d in delen]), cel=np.concatenate([d.cel for d in delen]),
        coef=np.concatenate([d.coef for d in delen]), lo=np.concatenate([d.lo for d in delen]),
        hi=np.concatenate([d.hi for d in delen]),
    ), telling


def _kolommen(tabel: pd.DataFrame) -> pd.DataFrame:
    """The key columns as plain strings, with the derived parts the relations group on.
    `bron` is the document: a region total or a year the warehouse added up ("afgeleid uit
    X") is the sum of the figures of X."""
    k = tabel[SLEUTEL].astype(object)
    k = k.where(k.notna(), "").astype(str)
    k["bron"] = document(k["bron"])
    k["cel"] = np.arange(len(k))
    k["dimnaam"] = k["dimensie"].str.split("=", n=1).str[0]
    k["jaar"] = k["periode"].str[:4]
    k["is_kwartaal"] = k["periode"].str.fullmatch(_KWARTAAL)
    k["is_jaar"] = k["periode"].str.fullmatch(_JAAR)
    return k


def _sommen(delen: pd.DataFrame, totalen: pd.DataFrame, groep: list[str], op: list[str]
            ) -> _Rijen:
    """total - sum(parts) = 0 per group of `delen` (grouped by `groep`), whose total is the
    row of `totalen` with the same `op` columns."""
    if delen.empty or totalen.empty:
        return _leeg()
    delen = delen.assign(g=delen.groupby(groep, sort=False).ngroup())
    groepen = delen.drop_duplicates("g")[[*op, "g"]]
    tot = totalen[[*op, "cel"]].merge(groepen, on=op)
    delen = delen[delen["g"].isin(tot["g"])]
    nummer = pd.factorize(tot["g"])[0]
    per_g = dict(zip(tot["g"], nummer, strict=True))
    rij = np.concatenate([nummer, delen["g"].map(per_g).to_numpy()])
    cel = np.concatenate([tot["cel"].to_numpy(), delen["cel"].to_numpy()])
    coef = np.concatenate([np.ones(len(tot)), -np.ones(len(delen))])
    n = len(tot)
    return _Rijen(rij=rij.astype(np.int64), cel=cel.astype(np.int64), coef=coef,
                  lo=np.zeros(n), hi=np.zeros(n))


def _leeg() -> _Rijen:
    z = np.zeros(0)
    return _Rijen(z.astype(np.int64), z.astype(np.int64), z, z, z)


def _som_regio(k: pd.DataFrame) -> _Rijen:
    totaal = k["gemeentecode"] == settings.TOTAAL
    op = ["voorziening", "indicator", "periode", "dimensie", "bron"]
    return _sommen(k[~totaal], k[totaal], [*op, "perspectief"], op)


def _som_dimensie(k: pd.DataFrame) -> _Rijen:
    heeft = k["dimensie"] != ""
    op = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    return _sommen(k[heeft], k[~heeft], [*op, "dimnaam"], op)


def _som_kwartalen(k: pd.DataFrame) -> _Rijen:
    stroom = k["indicator"].isin(settings.FLOW_INDICATORS)
    kwartalen = k[stroom & k["is_kwartaal"]]
    # only where all four quarters exist: a missing quarter is no cell of the universe
    op = ["voorziening", "indicator", "gemeentecode", "perspectief", "dimensie", "bron"]
    aantal = kwartalen.groupby([*op, "jaar"])["cel"].transform("size")
    jaren = k[stroom & k["is_jaar"]]
    return _sommen(kwartalen[aantal == 4], jaren, [*op, "jaar"], [*op, "jaar"])


def _vorige_periode(periode: pd.Series) -> pd.Series:
    """'2026-K1' -> '2025-K4', '2026-K3' -> '2026-K2', '2026' -> '2025'."""
    jaar = periode.str[:4].astype(int)
    kwartaal = periode.str.extract(r"-K([1-4])$")[0]
    uit = (jaar - 1).astype(str)
    q = kwartaal.notna()
    kw = kwartaal[q].astype(int)
    uit[q] = np.where(kw == 1, (jaar[q] - 1).astype(str) + "-K4",
                      jaar[q].astype(str) + "-K" + (kw - 1).clip(lower=1).astype(str))
    return uit


def _lineair(k: pd.DataFrame, termen: list[tuple[str, str, float]]) -> _Rijen:
    """sum(coef * indicator at period offset) = 0 per (voorziening, gemeentecode,
    perspectief, dimensie, bron, periode), where every term exists. A term is (indicator,
    'nu' or 'vorige', coef)."""
    op = ["voorziening", "gemeentecode", "perspectief", "dimensie", "bron", "periode"]
    basis = k[(k["is_kwartaal"] | k["is_jaar"])]
    eerste, *rest = termen
    tabel = basis[basis["indicator"] == eerste[0]][[*op, "cel"]].rename(columns={"cel": "c0"})
    if eerste[1] != "nu":
        raise ValueError("de eerste term is van de periode zelf")
    for n, (indicator, wanneer, _) in enumerate(rest, start=1):
        term = basis[basis["indicator"] == indicator][[*op, "cel"]].rename(columns={"cel": f"c{n}"})
        if wanneer == "vorige":
            tabel = tabel.assign(_p=_vorige_periode(tabel["periode"]))
            term = term.rename(columns={"periode": "_p"})
            tabel = tabel.merge(term, on=[*op[:-1], "_p"]).drop(columns="_p")
        else:
            tabel = tabel.merge(term, on=op)
    n = len(tabel)
    if not n:
        return _leeg()
    cel = np.concatenate([tabel[f"c{i}"].to_numpy() for i in range(len(termen))])
    coef = np.concatenate([np.full(n, t[2]) for t in termen])
    rij = np.tile(np.arange(n), len(termen))
    return _Rijen(rij=rij.astype(np.int64), cel=cel.astype(np.int64), coef=coef,
                  lo=np.zeros(n), hi=np.zeros(n))


def _voorraad(k: pd.DataFrame) -> _Rijen:
    return _lineair(k, [("bezetting", "nu", 1.0), ("bezetting", "vorige", -1.0),
                        ("instroom", "nu", -1.0), ("uitstroom", "nu", 1.0)])


def _clienten(k: pd.DataFrame) -> _Rijen:
    return _lineair(k, [("clienten", "nu", 1.0), ("bezetting", "vorige", -1.0),
                        ("instroom", "nu", -1.0)])


def _eindstand(k: pd.DataFrame) -> _Rijen:
    bezetting = k[k["indicator"] == "bezetting"]
    jaren = bezetting[bezetting["is_jaar"]]
    k4 = bezetting[bezetting["periode"].str.endswith("-K4")].assign(
        periode=lambda d: d["periode"].str[:4])
    op = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie",
          "bron"]
    paar = jaren[[*op, "cel"]].merge(k4[[*op, "cel"]], on=op, suffixes=("", "_k4"))
    n = len(paar)
    if not n:
        return _leeg()
    return _Rijen(rij=np.tile(np.arange(n), 2).astype(np.int64),
                  cel=np.concatenate([paar["cel"], paar["cel_k4"]]).astype(np.int64),
                  coef=np.concatenate([np.ones(n), -np.ones(n)]), lo=np.zeros(n), hi=np.zeros(n))


def _kruis(k: pd.DataFrame) -> _Rijen:
    """herkomst row of H = sum over verblijf municipalities of their 'herkomstgemeente=H'."""
    kruis = k[(k["perspectief"] == "verblijf") & (k["dimnaam"] == "herkomstgemeente")]
    if kruis.empty:
        return _leeg()
    kruis = kruis.assign(herkomst=kruis["dimensie"].str.split("=", n=1).str[1])
    herkomst = k[(k["perspectief"] == "herkomst") & (k["dimensie"] == "")].rename(
        columns={"gemeentecode": "herkomst"})
    op = ["voorziening", "indicator", "periode", "bron", "herkomst"]
    return _sommen(kruis, herkomst, op, op)


def _decimalen(waarde: np.ndarray) -> np.ndarray:
    """The fewest decimals (0..6) that write each value exactly."""
    uit = np.full(len(waarde), 6)
    for d in range(6, -1, -1):
        exact = np.abs(np.round(waarde, d) - waarde) <= 1e-9 * np.maximum(1.0, np.abs(waarde))
        uit[exact] = d
    return uit


def _getoonde_verhoudingen(gepubliceerd: pd.DataFrame, indicatoren: pd.Series
                           ) -> pd.DataFrame:
    """The shown rows of `gepubliceerd` whose indicator matches, with their half rounding
    step `marge` (from the most decimals shown for that indicator)."""
    kolommen = gepubliceerd[[*SLEUTEL, "waarde", "onderdrukt"]]
    rijen = kolommen[indicatoren.to_numpy(dtype=bool) & ~kolommen["onderdrukt"].astype(bool)
                     & kolommen["waarde"].notna()].copy()
    if rijen.empty:
        return rijen
    waarde = rijen["waarde"].to_numpy(dtype=float)
    rijen["d"] = _decimalen(waarde)
    rijen["d"] = rijen.groupby("indicator")["d"].transform("max")
    rijen["marge"] = 0.5 * 10.0 ** (-rijen["d"].astype(float))
    return rijen


def _cel_van(cellen: _Cellen, rijen: pd.DataFrame, **vervang: str | pd.Series
             ) -> np.ndarray:
    """The cell number of each row's key with some key columns replaced (-1 when absent)."""
    return cellen.index.get_indexer(_sleutels(rijen.assign(**vervang) if vervang else rijen))


def _per_10000(cellen: _Cellen, gepubliceerd: pd.DataFrame, inwoners: pd.DataFrame | None
               ) -> _Rijen:
    if inwoners is None or inwoners.empty or gepubliceerd.empty:
        return _leeg()
    ind = gepubliceerd["indicator"].astype(str)
    rijen = _getoonde_verhoudingen(gepubliceerd, ind.str.endswith("_per_10000"))
    if rijen.empty:
        return _leeg()
    rijen["indicator"] = rijen["indicator"].str.removesuffix("_per_10000")
    rijen["cel"] = _cel_van(cellen, rijen)
    # a rate "afgeleid uit X" rests on the count X gave where the warehouse added none up
    elders = rijen["cel"] < 0
    if elders.any():
        document = rijen.loc[elders, "bron"].astype(str).map(settings.basis_bron)
        rijen.loc[elders, "cel"] = _cel_van(cellen, rijen[elders], bron=document)
    rijen = rijen[rijen["cel"] >= 0]
    rijen["inw"] = _inwoners_op(rijen, inwoners)
    rijen = rijen[rijen["inw"].notna() & (rijen["inw"] > 0)]
    n = len(rijen)
    factor = rijen["inw"].to_numpy(dtype=float) / 10000.0
    v, marge = rijen["waarde"].to_numpy(dtype=float), rijen["marge"].to_numpy(dtype=float)
    return _Rijen(rij=np.arange(n, dtype=np.int64), cel=rijen["cel"].to_numpy(dtype=np.int64),
                  coef=np.ones(n), lo=(v - marge) * factor, hi=(v + marge) * factor)


def _inwoners_op(rijen: pd.DataFrame, inwoners: pd.DataFrame) -> np.ndarray:
    """Population on 1 January of each row's year (the latest known year beyond the table);
    the region is the sum of its municipalities in years where all of them are known."""
    inw = inwoners[["gemeentecode", "jaar", "inwoners"]].copy()
    inw["jaar"] = inw["jaar"].astype(int)
    per_jaar = inw.groupby("jaar").agg(n=("gemeentecode", "nunique"), som=("inwoners", "sum"))
    volledig = per_jaar[per_jaar["n"] == inw["gemeentecode"].nunique()]
    regio = pd.DataFrame({"gemeentecode": settings.TOTAAL, "jaar": volledig.index,
                          "inwoners": volledig["som"].to_numpy()})
    inw = pd.concat([inw, regio], ignore_index=True).sort_values("jaar")
    vraag = pd.DataFrame({"gemeentecode": rijen["gemeentecode"].to_numpy(),
                          "jaar": rijen["periode"].str[:4].astype(int).to_numpy(),
                          "volgorde": np.arange(len(rijen))}).sort_values("jaar")
    samen = pd.merge_asof(vraag, inw, on="jaar", by="gemeentecode", direction="backward")
    return samen.sort_values("volgorde")["inwoners"].to_numpy(dtype=float)


def _verhouding(cellen: _Cellen, gepubliceerd: pd.DataFrame, soort: str) -> _Rijen:
    """count / base * factor shown rounded: lo * base <= count <= hi * base, as two rows."""
    if gepubliceerd.empty:
        return _leeg()
    ind = gepubliceerd["indicator"].astype(str)
    if soort == "pct":
        rijen = _getoonde_verhoudingen(gepubliceerd, ind.isin(list(PCT_BASIS)))
        if rijen.empty:
            return _leeg()
        teller = _cel_van(cellen, rijen.assign(indicator=rijen["indicator"].map(PCT_BASIS)))
        noemer = _cel_van(cellen, rijen.assign(indicator=rijen["indicator"].map(PCT_NOEMER)))
        factor = 100.0
    else:
        rijen = _getoonde_verhoudingen(gepubliceerd, ind == "bezettingsgraad")
        if rijen.empty:
            return _leeg()
        teller = _cel_van(cellen, rijen, indicator="bezetting", bron="trajecten")
        noemer = _cel_van(cellen, rijen, indicator="capaciteit", bron="capaciteit")
        factor = 1.0
    houden = (teller >= 0) & (noemer >= 0)
    v = rijen["waarde"].to_numpy(dtype=float)[houden]
    marge = rijen["marge"].to_numpy(dtype=float)[houden]
    teller, noemer = teller[houden], noemer[houden]
    n = len(v)
    lo, hi = (v - marge) / factor, (v + marge) / factor
    # count - lo * base >= 0 (row 2i) and count - hi * base <= 0 (row 2i + 1)
    rij = np.concatenate([2 * np.arange(n), 2 * np.arange(n), 2 * np.arange(n) + 1,
                          2 * np.arange(n) + 1])
    cel = np.concatenate([teller, noemer, teller, noemer])
    coef = np.concatenate([np.ones(n), -lo, np.ones(n), -hi])
    ondergrenzen = np.empty(2 * n)
    bovengrenzen = np.empty(2 * n)
    ondergrenzen[0::2], bovengrenzen[0::2] = 0.0, np.inf
    ondergrenzen[1::2], bovengrenzen[1::2] = -np.inf, 0.0
    return _Rijen(rij=rij.astype(np.int64), cel=cel.astype(np.int64), coef=coef,
                  lo=ondergrenzen, hi=bovengrenzen)


# --- the attack: one LP per connected component -----------------------------------------------


def _grenzen(cellen: _Cellen, rijen: _Rijen) -> tuple[np.ndarray, dict[str, int]]:
    """[lower, upper] per attacked cell (rows of `cellen.doel`), rounded inwards.

    Each side of each interval is squeezed between an outer bound (bound propagation over
    the constraints: no value beyond it is possible) and an inner one (values seen in a
    feasible solution: the true values, and every LP solution). Counts are whole numbers, so
    a side is settled once both round to the same whole number; only the other sides get an
    LP of their own. That keeps the number of LPs small on large components.
    """
    doel = cellen.doel
    n = len(cellen.waar)
    lp = {"componenten": 0, "lp": 0, "variabelen": 0, "beperkingen": 0}

    # shown cells are constants: move them to the bounds of their constraints
    onbekend = ~cellen.bekend[rijen.cel]
    bijdrage = np.where(onbekend, 0.0, rijen.coef * cellen.waar[rijen.cel])
    vast = np.bincount(rijen.rij, weights=bijdrage, minlength=len(rijen.lo))
    lo, hi = rijen.lo - vast, rijen.hi - vast
    rij, cel, coef = rijen.rij[onbekend], rijen.cel[onbekend], rijen.coef[onbekend]

    # a cell an older report showed unchanged is simply known
    laag = np.where(cellen.bekend, cellen.waar, cellen.laag)
    hoog = np.where(cellen.bekend, cellen.waar, np.minimum(cellen.hoog, _PLAFOND))
    buiten_lo, buiten_hi = _propageer(rij, cel, coef, lo, hi, laag, hoog)
    grens = _Grens(buiten_lo=buiten_lo, buiten_hi=buiten_hi,
                   binnen_lo=cellen.waar.copy(), binnen_hi=cellen.waar.copy())

    label = _componenten(n, rij, cel, len(lo))
    open_ = doel[~grens.klaar_lo(doel) | ~grens.klaar_hi(doel)]
    te_doen = np.unique(label[open_])
    rij_label = np.full(len(lo), -1)
    rij_label[rij] = label[cel]
    volgorde_cel = np.argsort(label, kind="stable")
    gesorteerd = label[volgorde_cel]
    volgorde_rij = np.argsort(rij_label, kind="stable")
    rij_gesorteerd = rij_label[volgorde_rij]
    volgorde_entry = np.argsort(label[cel], kind="stable")
    entry_gesorteerd = label[cel][volgorde_entry]
    is_doel = np.zeros(n, dtype=bool)
    is_doel[doel] = True

    for comp in te_doen:
        a, b = np.searchsorted(gesorteerd, [comp, comp + 1])
        kolommen = volgorde_cel[a:b]
        a, b = np.searchsorted(rij_gesorteerd, [comp, comp + 1])
        comp_rijen = volgorde_rij[a:b]
        a, b = np.searchsorted(entry_gesorteerd, [comp, comp + 1])
        entries = volgorde_entry[a:b]
        model = _Model(kolommen, comp_rijen, rij[entries], cel[entries], coef[entries],
                       lo, hi, laag, hoog)
        model.los_op(kolommen[is_doel[kolommen]], grens)
        lp["componenten"] += 1
        lp["variabelen"] += len(kolommen)
        lp["beperkingen"] += len(comp_rijen)
        lp["lp"] += model.n_lp
    return np.column_stack([grens.onder(doel), grens.boven(doel)]), lp


@dataclass
class _Grens:
    """Outer and inner bounds per cell (see `_grenzen`)."""

    buiten_lo: np.ndarray
    buiten_hi: np.ndarray
    binnen_lo: np.ndarray
    binnen_hi: np.ndarray

    @staticmethod
    def _naar_boven(x: np.ndarray) -> np.ndarray:
        return np.where(x >= _PLAFOND - 1, np.inf, np.floor(x + _TOL))

    def klaar_lo(self, c: np.ndarray) -> np.ndarray:
        return np.ceil(self.buiten_lo[c] - _TOL) >= np.ceil(self.binnen_lo[c] - _TOL)

    def klaar_hi(self, c: np.ndarray) -> np.ndarray:
        return self._naar_boven(self.buiten_hi[c]) <= self._naar_boven(self.binnen_hi[c])

    def onder(self, c: np.ndarray) -> np.ndarray:
        return np.ceil(self.binnen_lo[c] - _TOL)

    def boven(self, c: np.ndarray) -> np.ndarray:
        return self._naar_boven(self.binnen_hi[c])

    def gezien(self, c: np.ndarray, x: np.ndarray) -> None:
        """Record a feasible solution `x` of the cells `c`."""
        self.binnen_lo[c] = np.minimum(self.binnen_lo[c], x)
        self.binnen_hi[c] = np.maximum(self.binnen_hi[c], x)


def _propageer(rij: np.ndarray, cel: np.ndarray, coef: np.ndarray, lo: np.ndarray,
               hi: np.ndarray, laag: np.ndarray, hoog: np.ndarray,
               rondes: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Outer bounds per cell by bound propagation: lo <= sum(a x) <= hi with every other
    term at its extreme bounds each term, repeated until nothing tightens (vectorised)."""
    laag, hoog = laag.astype(float).copy(), hoog.astype(float).copy()
    if not len(rij):
        return laag, hoog
    n_rij = len(lo)
    pos = coef > 0
    for _ in range(rondes):
        min_term = np.where(pos, coef * laag[cel], coef * hoog[cel])
        max_term = np.where(pos, coef * hoog[cel], coef * laag[cel])
        # sums over the finite terms, and the number of infinite ones
        min_inf, max_inf = np.isinf(min_term), np.isinf(max_term)
        min_som = np.bincount(rij, np.where(min_inf, 0.0, min_term), n_rij)
        max_som = np.bincount(rij, np.where(max_inf, 0.0, max_term), n_rij)
        min_n = np.bincount(rij, min_inf, n_rij)
        max_n = np.bincount(rij, max_inf, n_rij)
        # the rest of the row without this term
        rest_min = np.where(min_inf, np.where(min_n[rij] > 1, -np.inf, min_som[rij]),
                            np.where(min_n[rij] > 0, -np.inf, min_som[rij] - min_term))
        rest_max = np.where(max_inf, np.where(max_n[rij] > 1, np.inf, max_som[rij]),
                            np.where(max_n[rij] > 0, np.inf, max_som[rij] - max_term))
        with np.errstate(invalid="ignore"):
            boven_term = hi[rij] - rest_min  # a * x <= this
            onder_term = lo[rij] - rest_max  # a * x >= this
            nieuw_hoog = np.where(pos, boven_term / coef, onder_term / coef)
            nieuw_laag = np.where(pos, onder_term / coef, boven_term / coef)
        nieuw_hoog = np.where(np.isnan(nieuw_hoog), np.inf, nieuw_hoog)
        nieuw_laag = np.where(np.isnan(nieuw_laag), -np.inf, nieuw_laag)
        h, l_ = hoog.copy(), laag.copy()
        np.minimum.at(h, cel, nieuw_hoog)
        np.maximum.at(l_, cel, nieuw_laag)
        # only tightenings that matter: no endless creeping by rounding noise
        beter_h = h < hoog - 1e-7
        beter_l = l_ > laag + 1e-7
        if not (beter_h.any() or beter_l.any()):
            break
        hoog = np.where(beter_h, h, hoog)
        laag = np.where(beter_l, l_, laag)
    return laag, hoog


class _Model:
    """The LP of one component, for repeated minimising and maximising of its cells."""

    def __init__(self, kolommen: np.ndarray, comp_rijen: np.ndarray, rij: np.ndarray,
                 cel: np.ndarray, coef: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 laag: np.ndarray, hoog: np.ndarray) -> None:
        # `kolommen` and `comp_rijen` are sorted: local numbers by binary search
        r_local = np.searchsorted(comp_rijen, rij)
        c_local = np.searchsorted(kolommen, cel)
        volgorde = np.lexsort((c_local, r_local))
        r_local, c_local, waarden = r_local[volgorde], c_local[volgorde], coef[volgorde]
        n_kol, n_rij = len(kolommen), len(comp_rijen)
        start = np.searchsorted(r_local, np.arange(n_rij)).astype(np.int32)
        self.kolommen = kolommen
        self.n_lp = 0
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.passModel(n_kol, n_rij, len(waarden), 2, 1, 0.0,  # row-wise, minimise
                         np.zeros(n_kol), laag[kolommen].astype(float),
                         hoog[kolommen].astype(float),
                         lo[comp_rijen].astype(float), hi[comp_rijen].astype(float),
                         start, c_local.astype(np.int32), waarden.astype(float),
                         np.zeros(n_kol, dtype=np.int32))  # every column continuous: an LP

    def minimaliseer(self, j: np.ndarray, teken: float, grens: _Grens) -> float:
        """min of teken * sum(x[j]) (local column numbers); records the solution."""
        idx = j.astype(np.int32)
        self.h.changeColsCost(len(idx), idx, np.full(len(idx), teken))
        self.h.run()
        self.n_lp += 1
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            # cannot happen while the relations hold: the true values are a solution
            raise RuntimeError(f"audit: LP zonder optimum ({status})")
        waarde = teken * self.h.getInfo().objective_function_value
        grens.gezien(self.kolommen, np.asarray(self.h.getSolution().col_value))
        self.h.changeColsCost(len(idx), idx, np.zeros(len(idx)))
        return waarde

    def los_op(self, doelen: np.ndarray, grens: _Grens) -> None:
        """Settle both sides of every cell in `doelen`: first the sums of the open sides
        (one solution shows many cells at a bound), then one LP per side still open."""
        lokaal = np.searchsorted(self.kolommen, doelen)
        for teken, klaar in ((1.0, grens.klaar_lo), (-1.0, grens.klaar_hi)):
            open_ = ~klaar(doelen)
            if open_.any():
                self.minimaliseer(lokaal[open_], teken, grens)
        for c, j in zip(doelen, lokaal, strict=True):
            een = np.array([c])
            if not grens.klaar_lo(een)[0]:
                grens.buiten_lo[c] = self.minimaliseer(np.array([j]), 1.0, grens)
            if not grens.klaar_hi(een)[0]:
                grens.buiten_hi[c] = self.minimaliseer(np.array([j]), -1.0, grens)


def _componenten(n: int, rij: np.ndarray, cel: np.ndarray, n_rijen: int) -> np.ndarray:
    """A component label per cell: cells that share a constraint share a label (label
    propagation with pointer jumping, vectorised)."""
    label = np.arange(n)
    if not len(rij):
        return label
    while True:
        per_rij = np.full(n_rijen, n)
        np.minimum.at(per_rij, rij, label[cel])
        nieuw = label.copy()
        np.minimum.at(nieuw, cel, per_rij[rij])
        while True:  # pointer jumping: follow the labels to their root
            verder = nieuw[nieuw]
            if np.array_equal(verder, nieuw):
                break
            nieuw = verder
        if np.array_equal(nieuw, label):
            return label
        label = nieuw


# --- the rule for the derived region rows -----------------------------------------------------


def _afgeleide_regel(gepubliceerd: pd.DataFrame) -> pd.DataFrame:
    """A shown spreidingsindex or eigen_gemeente_pct of a quarter in which some bezetting
    cell of its voorziening is hidden: one row with ok False each."""
    afgeleid = gepubliceerd[gepubliceerd["indicator"].isin(AFGELEIDE_INDICATOREN)
                            & ~gepubliceerd["onderdrukt"].astype(bool)]
    if afgeleid.empty:
        return pd.DataFrame(columns=KOLOMMEN)
    bezetting = gepubliceerd[
        (gepubliceerd["indicator"] == "bezetting") & gepubliceerd["dimensie"].isna()
        & gepubliceerd["perspectief"].isin(["herkomst", "verblijf"])
        & ~gepubliceerd["gemeentecode"].isin(list(settings.SPECIAL_GEMEENTE_NAMES))
        & gepubliceerd["onderdrukt"].astype(bool)
    ]
    naam = bezetting.get("gemeente", bezetting["gemeentecode"])
    naam = naam.where(naam.notna(), bezetting["gemeentecode"])
    verborgen = (bezetting.assign(_naam=naam).sort_values("gemeentecode")
                 .groupby(["voorziening", "periode"])["_naam"]
                 .agg(lambda g: list(dict.fromkeys(g))))
    rijen = []
    for r in afgeleid.itertuples(index=False):
        cellen = verborgen.get((r.voorziening, r.periode))
        if not cellen:
            continue
        namen = ", ".join(cellen)
        rij = {k: getattr(r, k) for k in SLEUTEL}
        rij.update(
            gemeente=getattr(r, "gemeente", None), reden=None, waarde=r.waarde, teken=None,
            ondergrens=math.nan, bovengrens=math.nan, vereist=math.nan, ok=False,
            soort=AFGELEIDE_REGEL,
            toelichting=f"getoond ({getal(float(r.waarde), 2)}) terwijl de bezetting van "
                        f"{namen} verborgen is: de afgeleide figuur verraadt die",
        )
        rijen.append(rij)
    return pd.DataFrame(rijen, columns=KOLOMMEN)
