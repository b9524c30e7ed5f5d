"""Disclosure control for everything that leaves the monitor (exports, publieksversie).

`beveilig` turns the snapshot's kerncijfers into the published figures:

1. *wat*: the cells that some export publishes (`catalogus`): per municipality and for the
   region, every quarter up to the snapshot's; nothing else is published, so nothing else
   is protected or hidden.
2. *primair*: a count of people from 1 to drempel − 1 is hidden ('<5'); 0 is shown.
3. *secundair*: Tau-Argus' optimal suppression over the published tables together with the
   tables they are linked to (`publicatie.beveiliging`): municipalities and region total,
   herkomst and verblijf, quarters and year, stock and flow between quarters. Our own linear
   programme then checks the answer; a set of tables it cannot protect stops the
   publication.
4. *afgeleid*: percentages, rates per 10,000, day measures and the bezettingsgraad are
   shown only when the counts they rest on are shown and number at least `min_basis`; the
   spreidingsindex and the share housed in the own municipality only when every bezetting
   cell of their quarter is shown (they are not linear: no rounding makes them safe next to
   a hidden count). They are rounded as published.

The threshold, the signs and the method live in config/publicatie.toml.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl import settings
from monitor.fmt import getal
from publicatie import beveiliging as engine

PUBLICATIE_TOML = settings.ROOT / "config" / "publicatie.toml"

PRIMAIR, SECUNDAIR, AFGELEID = "primair", "secundair", "afgeleid"

SLEUTEL = list(settings.KERNCIJFER_SLEUTEL)
AFGELEIDE_BRON = "afgeleid"

# the counts of people published per municipality for the trajecten themes
# counts of the trajecten published per municipality (herkomst), with their per 10,000; Weer
# Thuis only where a supplier measured it (absent otherwise, never 0)
TRAJECT_TELLINGEN = ("aanmeldingen", "instroom", "uitstroom", "bezetting", "wachtlijst",
                     "uitstroom_eigen_gemeente", "uitstroom_woongemeente_bekend")
TELLING_VOORZIENINGEN = ("E33", "OGGZ")
SPREIDING_VOORZIENINGEN = ("BW", "MO")
# day measures and the count they are a statistic of (data contract section 2)
DAGEN_BASIS = {"wachttijd": "instroom", "verblijfsduur": "uitstroom"}
PCT_BASIS = {"instroom_pct": "instroom", "uitstroom_pct": "uitstroom",
             "uitstroom_eigen_gemeente_pct": "uitstroom_eigen_gemeente"}
# the count a percentage is divided by (data contract section 2)
PCT_NOEMER = {"instroom_pct": "clienten", "uitstroom_pct": "clienten",
              "uitstroom_eigen_gemeente_pct": "uitstroom_woongemeente_bekend"}
# decimals as published
DECIMALEN = {"_per_10000": 2, "_pct": 1, "_dagen": 1, "graad": 3}


@dataclass(frozen=True)
class Publicatie:
    drempel: int
    teken: str
    teken_overig: str = "x"
    methode: str = "OPT"
    max_minuten: int = 1
    min_intervalbreedte: int = 3
    min_basis: int = 10
    vrijgesteld: tuple[str, ...] = ("capaciteit", "locaties")
    al_openbaar: tuple[str, ...] = ()

    def teken_voor(self, reden: str | None) -> str:
        """The sign of a hidden cell: the small-count sign only where it is true."""
        return self.teken if reden == PRIMAIR else self.teken_overig


def lees_publicatie(pad: Path = PUBLICATIE_TOML) -> Publicatie:
    """The publication rules from config/publicatie.toml."""
    with pad.open("rb") as handle:
        config = tomllib.load(handle)
    drempel = config.get("drempel")
    if not _geheel(drempel) or drempel < 1:
        raise ValueError(f"{pad}: 'drempel' moet een geheel getal van 1 of meer zijn")
    regels = config.get("beveiliging", {})
    if not isinstance(regels, dict):
        raise ValueError(f"{pad}: [beveiliging] moet een tabel zijn")
    methode = str(regels.get("methode", "OPT"))
    if methode != "OPT":
        raise ValueError(f"{pad}: methode '{methode}' wordt niet ondersteund; gebruik OPT")
    getallen = {}
    for naam, standaard, minimum in (("max_minuten", 1, 1), ("min_intervalbreedte", 3, 0),
                                     ("min_basis", 10, 0)):
        waarde = regels.get(naam, standaard)
        if not _geheel(waarde) or waarde < minimum:
            raise ValueError(f"{pad}: '{naam}' moet een geheel getal van {minimum} of meer zijn")
        getallen[naam] = waarde
    lijsten = {}
    for naam in ("vrijgesteld", "al_openbaar"):
        waarde = regels.get(naam, [])
        if not isinstance(waarde, list) or not all(isinstance(w, str) for w in waarde):
            raise ValueError(f"{pad}: '{naam}' moet een lijst met teksten zijn")
        lijsten[naam] = tuple(waarde)
    return Publicatie(
        drempel=drempel, teken=str(config.get("teken", f"<{drempel}")),
        teken_overig=str(config.get("teken_overig", "x")), methode=methode, **getallen,
        **lijsten,
    )


def _geheel(waarde: object) -> bool:
    return isinstance(waarde, int) and not isinstance(waarde, bool)


def uit_openbare_bron(bron: pd.Series, al_openbaar: tuple[str, ...]) -> np.ndarray:
    """True for figures of a source that is a public document already (config
    `al_openbaar`: prefixes of the bron), and for figures derived from one alone ("afgeleid
    uit <bron>": a sum or rate anyone can compute from the document)."""
    tekst = engine.document(bron)
    uit = np.zeros(len(tekst), dtype=bool)
    for prefix in al_openbaar:
        uit |= tekst.str.startswith(prefix).to_numpy()
    return uit


def is_ratio(indicator: pd.Series) -> np.ndarray:
    """True for percentages, per 10,000, day measures and bezettingsgraad."""
    return indicator.astype(str).str.endswith(settings.RATIO_SUFFIXES).to_numpy(dtype=bool)


# --- what is published ---------------------------------------------------------------------


def catalogus(
    kerncijfers: pd.DataFrame, kwartaal: str, al_openbaar: tuple[str, ...] = ()
) -> np.ndarray:
    """Which rows of `kerncijfers` some export publishes (a boolean mask).

    - per municipality (every gemeentecode, herkomst), every quarter up to `kwartaal`: the
      trajecten counts of BW, MO and VO, their rates per 10,000 and day measures; bezetting by
      verblijf too (spreiding); capaciteit; every telling of E33 and OGGZ;
    - for the region (TOTAAL), every quarter and year: every figure the steering group's
      screens show (tiles and charts) and the totals of the tables above.
    Breakdowns by dimension are not published, except in the figures of sources that are
    public documents already (`al_openbaar`): those are reproduced as they were published."""
    from monitor.views import stuurgroep as view  # the screens define what the report shows

    k = kerncijfers
    zonder_dim = k["dimensie"].isna().to_numpy()
    ind = k["indicator"].astype(str)
    basis = ind.str.removesuffix("_per_10000")
    kwartaal_ok = ((k["periode_type"] == "kwartaal") & (k["periode"] <= kwartaal)).to_numpy()
    totaal = (k["gemeentecode"] == settings.TOTAAL).to_numpy()
    trajecten = (k["bron"] == "trajecten").to_numpy()
    dagen = ind.str.endswith("_dagen") & ind.str.split("_").str[0].isin(DAGEN_BASIS)

    gemeente_traject = trajecten & k["voorziening"].isin(("BW", "MO", "VO")).to_numpy() & (
        (basis.isin(TRAJECT_TELLINGEN) & k["perspectief"].isin(("herkomst", "regio"))).to_numpy()
        | ((basis == "bezetting") & (k["perspectief"] == "verblijf")).to_numpy()
        | (dagen & k["perspectief"].isin(("herkomst", "regio"))).to_numpy()
    )
    capaciteit = (k["bron"] == "capaciteit").to_numpy() & ind.isin(
        ("capaciteit", "bezettingsgraad", "locaties")).to_numpy()
    tellingen = k["voorziening"].isin(TELLING_VOORZIENINGEN).to_numpy() & ~trajecten
    per_gemeente = zonder_dim & kwartaal_ok & (gemeente_traject | capaciteit | tellingen)

    sleutels = set(view.kerncijfer_sleutels())
    scherm = (k["voorziening"].astype(str) + "." + ind).isin(sleutels).to_numpy()
    laatste_jaar = int(kwartaal[:4]) if kwartaal.endswith("K4") else int(kwartaal[:4]) - 1
    jaar_ok = ((k["periode_type"] == "jaar")
               & (pd.to_numeric(k["periode"], errors="coerce") <= laatste_jaar)).to_numpy()
    regio = zonder_dim & totaal & (kwartaal_ok | jaar_ok) & (scherm | per_gemeente)
    openbaar = uit_openbare_bron(k["bron"], al_openbaar)
    return per_gemeente | regio | (openbaar & (kwartaal_ok | jaar_ok))


# --- protecting them -------------------------------------------------------------------------


def beveilig(
    kerncijfers: pd.DataFrame,
    kwartaal: str,
    publicatie: Publicatie,
    vorige: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The published cells of the snapshot of `kwartaal`, protected.

    Returns the rows of `kerncijfers` that some export publishes (`catalogus`), plus derived
    region rows `spreidingsindex` and `eigen_gemeente_pct` (bron 'afgeleid'), with three
    extra columns: `onderdrukt` (bool), `reden` ('primair', 'secundair', 'afgeleid' or
    None) and `teken` (the text shown instead of a hidden figure, else None). `waarde` is
    NaN where hidden and rounded as published elsewhere. `vorige` is the previous snapshot's
    result: a figure it showed and that is unchanged stays shown, one it hid stays hidden.
    """
    frame = kerncijfers[catalogus(kerncijfers, kwartaal, publicatie.al_openbaar)]
    frame = frame.reset_index(drop=True)
    waarde = frame["waarde"].to_numpy(dtype=float, na_value=np.nan)
    ratio = is_ratio(frame["indicator"])
    vrij = _vrijgesteld(frame, publicatie)
    telling = ~ratio & ~vrij & ~np.isnan(waarde)
    d = publicatie.drempel

    with np.errstate(invalid="ignore"):
        primair = telling & (waarde > 0) & (waarde < d)
    status = np.full(len(frame), engine.VAST, dtype=object)
    status[telling & (waarde >= d)] = engine.VEILIG
    status[primair] = engine.ONVEILIG
    al_getoond, al_verborgen = _vorige(frame, vorige, waarde)
    status[telling & al_getoond & ~primair] = engine.VAST

    secundair = _secundair(frame, waarde, status, telling, publicatie)
    secundair |= telling & al_verborgen & ~primair & (waarde > 0)
    verborgen = primair | secundair
    afgeleid = _afgeleid(frame, waarde, ratio, verborgen, kerncijfers, publicatie)

    reden = np.full(len(frame), None, dtype=object)
    reden[afgeleid] = AFGELEID
    reden[secundair] = SECUNDAIR
    reden[primair] = PRIMAIR
    onderdrukt = verborgen | afgeleid
    uit = frame.copy()
    uit["waarde"] = np.where(onderdrukt, np.nan, _afgerond(frame, waarde))
    uit["onderdrukt"] = onderdrukt
    uit["reden"] = pd.Series(reden, dtype=object)
    uit["teken"] = pd.Series(
        [publicatie.teken_voor(r) if o else None for r, o in zip(reden, onderdrukt, strict=True)],
        dtype=object)
    spreiding = _spreiding(uit, kerncijfers, kwartaal, publicatie)
    return pd.concat([uit, spreiding], ignore_index=True) if len(spreiding) else uit


def _vrijgesteld(frame: pd.DataFrame, publicatie: Publicatie) -> np.ndarray:
    """Figures that are not about people (places) or that were already published."""
    return (frame["indicator"].isin(publicatie.vrijgesteld).to_numpy()
            | uit_openbare_bron(frame["bron"], publicatie.al_openbaar))


def _vorige(
    frame: pd.DataFrame, vorige: pd.DataFrame | None, waarde: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(shown before with the same value, hidden before) per row of `frame`."""
    leeg = np.zeros(len(frame), dtype=bool)
    if vorige is None or vorige.empty:
        return leeg, leeg.copy()
    oud = vorige[[*SLEUTEL, "waarde", "onderdrukt"]].copy()
    sleutel = _sleutels(frame)
    oud_sleutel = _sleutels(oud)
    oud_verborgen = oud["onderdrukt"].astype(bool).to_numpy()
    getoond = {k: w for k, w, h in zip(oud_sleutel, oud["waarde"], oud_verborgen, strict=True)
               if not h}
    verborgen = {k for k, h in zip(oud_sleutel, oud_verborgen, strict=True) if h}
    al_getoond = np.array([
        k in getoond and not pd.isna(getoond[k]) and abs(float(getoond[k]) - w) < 1e-9
        for k, w in zip(sleutel, waarde, strict=True)], dtype=bool)
    al_verborgen = np.array([k in verborgen for k in sleutel], dtype=bool)
    return al_getoond, al_verborgen


def _sleutels(frame: pd.DataFrame) -> list[tuple]:
    delen = frame[SLEUTEL].astype(object).where(frame[SLEUTEL].notna(), "")
    return list(delen.itertuples(index=False, name=None))


def _secundair(
    frame: pd.DataFrame,
    waarde: np.ndarray,
    status: np.ndarray,
    telling: np.ndarray,
    publicatie: Publicatie,
) -> np.ndarray:
    """The cells Tau-Argus hides besides the small counts, over every linked set of tables
    that holds a small count."""
    d, breedte = publicatie.drempel, publicatie.min_intervalbreedte
    vergelijkingen = engine.relaties(frame, telling)
    labels = engine.componenten(len(frame), vergelijkingen)
    per_label: dict[int, list[list[tuple[int, int]]]] = {}
    for terms in vergelijkingen:
        per_label.setdefault(int(labels[terms[0][0]]), []).append(terms)
    onveilig = status == engine.ONVEILIG

    problemen: dict[str, tuple[np.ndarray, list[list[tuple[int, int]]]]] = {}
    for label in sorted(set(labels[onveilig].tolist())):
        rijen = np.flatnonzero(labels == label)
        positie = {int(r): i for i, r in enumerate(rijen)}
        eq = [[(positie[r], c) for r, c in terms] for terms in per_label.get(int(label), [])]
        problemen[f"p{label}"] = (rijen, eq)

    secundair = np.zeros(len(frame), dtype=bool)
    if not problemen:
        return secundair
    kosten = _kosten(frame, waarde)

    def jj_van(naam: str, haalbaar: dict | None) -> str:
        rijen, eq = problemen[naam]
        return engine.jj(waarde[rijen], status[rijen], kosten[rijen], eq, d, breedte, haalbaar)

    # Tau-Argus first with the full protection levels (fast where it can settle them), then,
    # where our own check finds an interval too narrow, with levels set to 0 for the counts
    # whose full interval cannot be had at all (shown zeros beside them). Only an answer the
    # engine settled (code 0) is used: one cut off by its time limit would depend on the
    # machine's speed. What is left is repaired cheapest-first (`herstel`), deterministically.
    eerste = engine.los_op({n: jj_van(n, None) for n in problemen}, publicatie.max_minuten)
    haalbaar, opnieuw = {}, []
    for naam, (code, gekozen) in eerste.items():
        rijen, eq = problemen[naam]
        haalbaar[naam] = engine.haalbare_intervallen(waarde[rijen], status[rijen], eq, d)
        if code == 0 and not engine.tekort(waarde[rijen], status[rijen], gekozen, eq, d,
                                           breedte, haalbaar[naam]):
            secundair[rijen[sorted(gekozen)]] = True
        else:
            opnieuw.append(naam)

    def zonder_onhaalbare(naam: str) -> dict[int, tuple[float, float]]:
        return {i: (lo, lo) if hi - lo < breedte - 1e-9 else (lo, hi)
                for i, (lo, hi) in haalbaar[naam].items()}

    tweede = engine.los_op({n: jj_van(n, zonder_onhaalbare(n)) for n in opnieuw},
                           publicatie.max_minuten)
    for naam in opnieuw:
        rijen, eq = problemen[naam]
        code, gekozen = tweede[naam]
        if code != 0:
            code, gekozen = eerste[naam]
        start = gekozen if code == 0 else set()
        gekozen = engine.herstel(waarde[rijen], status[rijen], start, eq, d, breedte,
                                 haalbaar[naam], kosten[rijen])
        secundair[rijen[sorted(gekozen)]] = True
    return secundair


def _kosten(frame: pd.DataFrame, waarde: np.ndarray) -> np.ndarray:
    """What hiding a cell costs: its value (information lost), a region total ten times as
    much (the figure readers look for first)."""
    kosten = np.nan_to_num(waarde, nan=0.0) + 1.0
    kosten[(frame["gemeentecode"] == settings.TOTAAL).to_numpy()] *= 10
    return kosten


def _afgeleid(
    frame: pd.DataFrame,
    waarde: np.ndarray,
    ratio: np.ndarray,
    verborgen: np.ndarray,
    kerncijfers: pd.DataFrame,
    publicatie: Publicatie,
) -> np.ndarray:
    """Ratios hidden because a count they rest on is hidden, not published or too small."""
    afgeleid = np.zeros(len(frame), dtype=bool)
    if not ratio.any():
        return afgeleid
    vrij = _vrijgesteld(frame, publicatie)
    sleutel = _sleutels(frame)
    index = {k: i for i, k in enumerate(sleutel)}
    alle = _sleutels(kerncijfers)
    alle_waarde = dict(zip(alle, kerncijfers["waarde"].to_numpy(dtype=float, na_value=np.nan),
                           strict=True))

    def getoonde_basis(k: tuple, indicator: str, bron: str | None = None) -> float | None:
        """The value of the count a ratio rests on when it is published and shown: of the
        same bron, or the document a derived rate comes from ("afgeleid uit <bron>")."""
        eigen = bron or k[6]
        for b in dict.fromkeys((eigen, settings.basis_bron(eigen))):
            i = index.get((k[0], indicator, *k[2:6], b))
            if i is not None:
                return None if verborgen[i] else waarde[i]
        return None

    def basis_waarde(k: tuple, indicator: str) -> float | None:
        w = alle_waarde.get((k[0], indicator, *k[2:]))
        return None if w is None or math.isnan(w) else w

    def genoeg(w: float | None) -> bool:
        return w is not None and (w == 0 or w >= publicatie.min_basis)

    for i in np.flatnonzero(ratio & ~vrij):
        k = sleutel[i]
        ind = k[1]
        if ind.endswith("_per_10000"):
            ok = genoeg(getoonde_basis(k, ind.removesuffix("_per_10000")))
        elif ind.endswith("_dagen"):
            ok = genoeg(getoonde_basis(k, DAGEN_BASIS.get(ind.split("_")[0], "")))
        elif ind in PCT_BASIS:
            teller = getoonde_basis(k, PCT_BASIS[ind])
            if teller is None:
                teller = basis_waarde(k, PCT_BASIS[ind])
                ok = teller is not None and (teller == 0 or teller >= publicatie.drempel)
            else:
                ok = True
            ok = ok and genoeg(basis_waarde(k, PCT_NOEMER[ind]))
        elif ind == "bezettingsgraad":
            bezetting = (k[0], "bezetting", k[2], k[3], "verblijf" if k[3] != settings.TOTAAL
                         else "regio", k[5], "trajecten")
            j = index.get(bezetting)
            ok = j is not None and not verborgen[j] and genoeg(waarde[j])
        else:
            ok = False  # a ratio whose base we do not know is not published
        afgeleid[i] = not ok
    return afgeleid


def _afgerond(frame: pd.DataFrame, waarde: np.ndarray) -> np.ndarray:
    """Ratios rounded to the decimals they are published with."""
    uit = waarde.copy()
    ind = frame["indicator"].astype(str)
    for suffix, decimalen in DECIMALEN.items():
        rijen = ind.str.endswith(suffix).to_numpy()
        uit[rijen] = np.round(waarde[rijen], decimalen)
    return uit


def _spreiding(
    gepubliceerd: pd.DataFrame, kerncijfers: pd.DataFrame, kwartaal: str, publicatie: Publicatie
) -> pd.DataFrame:
    """The spreidingsindex and the share housed in the own municipality per quarter, only
    where every bezetting cell (herkomst and verblijf) of the region's municipalities is
    shown and both sides number at least min_basis."""
    from monitor.views import stuurgroep as view

    speciaal = set(settings.SPECIAL_GEMEENTE_NAMES)
    gemeenten = sorted(set(kerncijfers["gemeentecode"]) - speciaal)
    bezetting = kerncijfers[
        (kerncijfers["indicator"] == "bezetting") & (kerncijfers["bron"] == "trajecten")
        & (kerncijfers["periode_type"] == "kwartaal") & (kerncijfers["periode"] <= kwartaal)
        & kerncijfers["voorziening"].isin(SPREIDING_VOORZIENINGEN)
        & kerncijfers["perspectief"].isin(("herkomst", "verblijf"))
        & (kerncijfers["dimensie"].isna()
           | kerncijfers["dimensie"].astype(str).str.startswith("herkomstgemeente="))
    ]
    reeksen = view.spreidingsreeksen(bezetting, gemeenten)
    getoond = gepubliceerd[
        (gepubliceerd["indicator"] == "bezetting") & gepubliceerd["dimensie"].isna()
        & gepubliceerd["perspectief"].isin(("herkomst", "verblijf"))
        & gepubliceerd["gemeentecode"].isin(gemeenten)
    ]
    rijen = []
    for voorziening in SPREIDING_VOORZIENINGEN:
        for periode, deel in getoond[getoond["voorziening"] == voorziening].groupby("periode"):
            compleet = not deel["onderdrukt"].astype(bool).any()
            sommen = deel.groupby("perspectief")["waarde"].sum()
            ok = compleet and len(sommen) == 2 and bool((sommen >= publicatie.min_basis).all())
            demo = bool(deel["demo"].any())
            for naam, decimalen in (("spreidingsindex", 2), ("eigen_gemeente_pct", 0)):
                w = reeksen.get(f"{voorziening}.{naam}", {}).get(periode)
                if w is None:
                    continue
                rijen.append({
                    "voorziening": voorziening, "indicator": naam, "periode": periode,
                    "periode_type": "kwartaal", "gemeentecode": settings.TOTAAL,
                    "gemeente": settings.SPECIAL_GEMEENTE_NAMES[settings.TOTAAL],
                    "perspectief": "regio", "dimensie": None,
                    "waarde": round(w, decimalen) if ok else np.nan, "bron": AFGELEIDE_BRON,
                    "demo": demo, "onderdrukt": not ok, "reden": None if ok else AFGELEID,
                    "teken": None if ok else publicatie.teken_overig,
                })
    if not rijen:
        return pd.DataFrame(columns=gepubliceerd.columns)
    uit = pd.DataFrame(rijen)
    return uit.astype({c: gepubliceerd[c].dtype for c in uit.columns
                       if c in gepubliceerd.columns and c not in ("waarde", "dimensie",
                                                                  "reden", "teken")})


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
