"""Deterministic demo data for the region, 2019-K1 to 2026-K3: `python -m etl.demo [--out DIR]`.

Writes supplier files in the format of the data contract (section 1) so the dashboard has a
believable story to show before real deliveries arrive. Every file name carries the token
`demo`, so the ETL flags every figure derived from them as demo; the tellingen also name their
bron `Demodata (gegenereerd)`. Nothing here is real data.

The story is anchored to the published 2018 levels (Regionaal kader Zorglandschap Wmo
Flevoland 2020-2026, ch. 2.2 and Bijlage 3): 811 BW clients plus about 40 waiting, 20% instroom
and 17% uitstroom, 105 MO places that are nearly always full, the vrouwenopvang, E33 meldingen
and OGGZ adviesaanvragen per municipality. From there: the Wlz transfer in 2021, a slow shift
towards more uitstroom and less instroom, and a police registration change in March 2020.

Everything tied to the region's municipalities (E33 and OGGZ levels, herkomst shares, the BW,
MO and VO locations) is read from `demo.toml` in the reference folder, next to gemeenten.csv;
its municipalities must be exactly those of gemeenten.csv. The code names no municipality.

All randomness comes from `random.Random` with fixed seeds, so two runs give byte-identical
files and `tests/test_demo.py` can check that the shipped files are exactly what this produces.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from etl.reference import Region, load_region
from etl.settings import BUITEN, CLUSTERS, ONBEKEND, PRODUCTEN, REFERENCE_DIR

DEMO_FILE = "demo.toml"  # in the reference folder: the anchors tied to the municipalities
SEED = 2018_1231  # fixed: changing it changes every demo figure (and the shipped files)
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "raw"
BRON = "Demodata (gegenereerd)"

PEIL_JULI = date(2026, 7, 15)
PEIL_OKTOBER = date(2026, 10, 15)
EERSTE_JAAR, LAATSTE_JAAR = 2019, 2026
LAATSTE_KWARTAAL = (2026, 3)
EIND_2018 = date(2018, 12, 31)
# Weer Thuis: the supplier records woongemeente_na_uitstroom from this date on, and only the
# October extract has the column (the July extract is as it was delivered, without it)
WOONGEMEENTE_VANAF = date(2024, 1, 1)
LATE_SHARE = 0.03  # share of 2026-K2 events missing from the July extract ('voorlopig')

WORKDAY_HOLIDAYS = {(1, 1), (12, 25), (12, 26)}
AANMELD_SEIZOEN = (1.12, 1.0, 0.84, 1.04)  # K1..K4: more applications in winter


# --- small helpers -------------------------------------------------------------------------


def is_workday(d: date) -> bool:
    return d.weekday() < 5 and (d.month, d.day) not in WORKDAY_HOLIDAYS


def next_workday(d: date) -> date:
    while not is_workday(d):
        d += timedelta(days=1)
    return d


def prev_workday(d: date) -> date:
    while not is_workday(d):
        d -= timedelta(days=1)
    return d


def workday_in(rng: random.Random, start: date, end: date) -> date:
    """A random workday in [start, end] (or `end` if the window holds none)."""
    d = prev_workday(random_day(rng, start, end))
    if d < start:
        d = next_workday(start)
    return min(d, end)


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    return (date(year + quarter // 4, 3 * quarter % 12 + 1, 1)) - timedelta(days=1)


def quarters() -> list[tuple[int, int]]:
    """2019-K1 .. 2026-K3, the period the demo covers."""
    return [
        (y, q) for y in range(EERSTE_JAAR, LAATSTE_JAAR + 1) for q in range(1, 5)
        if (y, q) <= LAATSTE_KWARTAAL
    ]


def random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def poisson(rng: random.Random, lam: float) -> int:
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


T = TypeVar("T")


def sample_weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float],
                    k: int) -> list[T]:
    """k items without replacement, chance proportional to weight (Efraimidis-Spirakis)."""
    keyed = [(math.log(1.0 - rng.random()) / w, i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def seasonal_dates(rng: random.Random, year: int, n: int, season: Sequence[float],
                   shift: Callable[[date], date] = lambda d: d) -> list[date]:
    """n dates in `year`, split over the quarters by `season` (fixed quotas keep the
    quarterly figures from jumping more than real ones do)."""
    exact = [n * s / sum(season) for s in season]
    quota = [math.floor(x) for x in exact]
    by_remainder = sorted(range(4), key=lambda i: quota[i] - exact[i])
    for i in by_remainder[: n - sum(quota)]:
        quota[i] += 1
    dates = [shift(random_day(rng, quarter_start(year, q + 1), quarter_end(year, q + 1)))
             for q in range(4) for _ in range(quota[q])]
    return sorted(dates)


def blend(start: dict[str, float], end: dict[str, float], share: float) -> dict[str, float]:
    share = min(max(share, 0.0), 1.0)
    return {k: start[k] * (1 - share) + end[k] * share for k in start}


# --- records -------------------------------------------------------------------------------


@dataclass
class Traject:
    voorziening: str
    product: str
    herkomst: str
    aanmelding: date
    seq: int  # creation order: a stable tie-breaker for sorting and numbering
    aanmelding_type: str = "Nieuw"
    cluster: str = ""
    verblijf: str = ""
    locatie: str = ""
    instroom: date | None = None
    afgemeld: date | None = None
    uitstroom: date | None = None
    bestemming: str = ""
    leeftijd: str = ""
    geslacht: str = ""
    kinderen: str = ""
    traject_id: str = ""
    woongemeente: str = ""  # after uitstroom: a region municipality, BUITEN or ONBEKEND


@dataclass(frozen=True)
class Plekken:
    voorziening: str
    aanbieder: str
    locatie: str
    gemeente: str  # CBS code; written as name
    product: str
    cluster: str
    plekken: int
    vanaf: date
    tot: date | None


class Numbering:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


# --- demo.toml: the anchors tied to the region's municipalities --------------------------------


@dataclass(frozen=True)
class BwLocatie:
    gemeente: str  # CBS code
    aanbieder: str
    locatie: str
    clusters: tuple[str, ...]  # the first is the location's main cluster
    plekken: int  # from 2019-01-01
    na_wlz: int  # from BW_NA_WLZ; 0 = the location went to the Wlz


@dataclass(frozen=True)
class MoLocatie:
    aanbieder: str
    locatie: str
    gemeente: str  # CBS code
    bedden: dict[str, int]  # product -> beds


@dataclass(frozen=True)
class VoLocatie:
    product: str
    locatie: str
    plekken: int


@dataclass(frozen=True)
class Anchors:
    """The contents of demo.toml, with every municipality resolved to its CBS code.

    The order of every table is the file's order: the generator draws in that order.
    """

    e33_2018: dict[str, float]  # E33 meldingen in 2018, per municipality
    oggz_per_10000_2018: dict[str, float]  # OGGZ adviesaanvragen per 10,000 inwoners, 2018
    bw_herkomst_factor: dict[str, float]  # BW herkomst weight per inwoner
    bw_locaties: list[BwLocatie]
    beschut_wonen: list[tuple[str, int, date]]  # locatie, plekken, from
    mo_locaties: list[MoLocatie]
    mo_herkomst: dict[str, float]  # herkomst of MO applications that never led to a bed
    mo_herkomst_per_verblijf: dict[str, dict[str, float]]  # by the bed's municipality
    vo_aanbieder: str
    vo_gemeente: str  # CBS code
    vo_locaties: list[VoLocatie]
    vo_herkomst: dict[str, dict[str, float]]  # by product


class _Reader:
    """Reads demo.toml, resolving municipality names (or codes) through the region."""

    def __init__(self, path: Path, region: Region) -> None:
        self.path, self.region = path, region
        if not path.is_file():
            raise ValueError(f"{path} ontbreekt: de demogenerator leest daar de ankers per "
                             "gemeente (E33, OGGZ, herkomst en locaties) van de regio")
        try:
            self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ValueError(f"{path} is geen geldige TOML: {e}") from e

    def fail(self, where: str, message: str) -> ValueError:
        return ValueError(f"{self.path} [{where}]: {message}")

    def get(self, where: str, kind: type = dict) -> Any:
        value: Any = self.data
        for key in where.split("."):
            if not isinstance(value, dict) or key not in value:
                raise self.fail(where, "ontbreekt")
            value = value[key]
        if not isinstance(value, kind):
            raise self.fail(where, f"verwacht een {kind.__name__}, gevonden: {value!r}")
        return value

    def gemeente(self, where: str, value: object, herkomst: bool = False) -> str:
        allow = (BUITEN, ONBEKEND) if herkomst else ()
        code = self.region.resolve(value, allow) if isinstance(value, str) else None
        if code is None:
            raise self.fail(where, f"{value!r} is geen {self.region.describe(allow)} "
                                   "(zie gemeenten.csv)")
        return code

    def numbers(self, where: str, table: object, herkomst: bool = False) -> dict[str, float]:
        """A table keyed by municipality, in file order, with codes as keys."""
        if not isinstance(table, dict) or not table:
            raise self.fail(where, "verwacht een tabel met een getal per gemeente")
        result: dict[str, float] = {}
        for key, n in table.items():
            code = self.gemeente(where, key, herkomst)
            if code in result:
                raise self.fail(where, f"{key!r} staat er twee keer in")
            if not isinstance(n, int | float) or isinstance(n, bool) or n < 0:
                raise self.fail(where, f"{key} = {n!r} is geen getal van 0 of meer")
            result[code] = n
        return result

    def per_gemeente(self, where: str) -> dict[str, float]:
        """A table that must name exactly the municipalities of gemeenten.csv."""
        table = self.get(where)
        unknown = [k for k in table if self.region.resolve(k, ()) is None]
        missing = [name for code, name in self.region.gemeenten.items()
                   if not any(self.region.resolve(k, ()) == code for k in table)]
        if unknown or missing:
            names = ", ".join(self.region.gemeenten.values())
            problems = ([f"niet in gemeenten.csv: {', '.join(unknown)}"] if unknown else []) + (
                [f"ontbreekt: {', '.join(missing)}"] if missing else [])
            raise self.fail(where, "de gemeenten in demo.toml moeten precies die van "
                                   f"gemeenten.csv zijn ({names}); " + "; ".join(problems))
        return self.numbers(where, table)

    def rows(self, where: str, fields: dict[str, type]) -> list[dict[str, Any]]:
        rows = self.get(where, list)
        if not rows:
            raise self.fail(where, "is leeg")
        for i, row in enumerate(rows, 1):
            if not isinstance(row, dict) or set(row) != set(fields):
                raise self.fail(where, f"rij {i} moet precies de velden "
                                       f"{', '.join(fields)} hebben: {row!r}")
            for name, kind in fields.items():
                if not isinstance(row[name], kind) or isinstance(row[name], bool):
                    raise self.fail(where, f"rij {i}: {name} = {row[name]!r} is geen "
                                           f"{kind.__name__}")
        return rows

    def product(self, where: str, voorziening: str, product: str) -> str:
        if product not in PRODUCTEN[voorziening]:
            raise self.fail(where, f"{product!r} is geen {voorziening}-product "
                                   f"({', '.join(PRODUCTEN[voorziening])})")
        return product


def load_anchors(reference_dir: Path, region: Region) -> Anchors:
    """Read `demo.toml` from the reference folder and check it against the region."""
    r = _Reader(reference_dir / DEMO_FILE, region)
    e33 = r.per_gemeente("gemeenten.e33_meldingen_2018")
    oggz = r.per_gemeente("gemeenten.oggz_per_10000_2018")
    factor = r.per_gemeente("gemeenten.bw_herkomst_factor")

    bw_locaties = []
    for row in r.rows("bw.locaties", {"gemeente": str, "aanbieder": str, "locatie": str,
                                      "clusters": list, "plekken": int, "na_wlz": int}):
        clusters = tuple(row["clusters"])
        if not clusters or not set(clusters) <= set(CLUSTERS):
            raise r.fail("bw.locaties", f"{row['locatie']}: clusters {list(clusters)} moeten "
                                        f"uit {', '.join(CLUSTERS)} komen")
        bw_locaties.append(BwLocatie(r.gemeente("bw.locaties", row["gemeente"]), row["aanbieder"],
                                     row["locatie"], clusters, row["plekken"], row["na_wlz"]))
    locaties = [b.locatie for b in bw_locaties]
    if len(set(locaties)) != len(locaties):
        raise r.fail("bw.locaties", "elke locatie mag maar één keer voorkomen")
    beschut = []
    for row in r.rows("bw.beschut_wonen", {"locatie": str, "plekken": int, "vanaf": date}):
        if row["locatie"] not in locaties:
            raise r.fail("bw.beschut_wonen", f"{row['locatie']!r} staat niet in bw.locaties")
        beschut.append((row["locatie"], row["plekken"], row["vanaf"]))

    mo_locaties = []
    for row in r.rows("mo.locaties", {"aanbieder": str, "locatie": str, "gemeente": str,
                                      "bedden": dict}):
        bedden = {r.product("mo.locaties", "MO", p): n for p, n in row["bedden"].items()}
        if not all(isinstance(n, int) and n > 0 for n in bedden.values()):
            raise r.fail("mo.locaties", f"{row['locatie']}: bedden moeten hele getallen zijn")
        mo_locaties.append(MoLocatie(row["aanbieder"], row["locatie"],
                                     r.gemeente("mo.locaties", row["gemeente"]), bedden))
    mo_herkomst = r.numbers("mo.herkomst", r.get("mo.herkomst"), herkomst=True)
    where = "mo.herkomst_per_verblijfsgemeente"
    per_verblijf = {r.gemeente(where, k): r.numbers(f"{where}.{k}", v, herkomst=True)
                    for k, v in r.get(where).items()}
    for m in mo_locaties:
        if m.gemeente not in per_verblijf:
            raise r.fail(where, f"mist een regel voor {region.name(m.gemeente)} "
                                f"(de gemeente van {m.locatie})")

    vo_locaties = [VoLocatie(r.product("vo.locaties", "VO", row["product"]), row["locatie"],
                             row["plekken"])
                   for row in r.rows("vo.locaties", {"product": str, "locatie": str,
                                                     "plekken": int})]
    vo_herkomst = {r.product("vo.herkomst", "VO", p): r.numbers(f"vo.herkomst.{p}", v,
                                                                 herkomst=True)
                   for p, v in r.get("vo.herkomst").items()}
    for v in vo_locaties:
        if v.product not in vo_herkomst:
            raise r.fail("vo.herkomst", f"mist een regel voor {v.product}")

    return Anchors(
        e33_2018=e33,
        oggz_per_10000_2018=oggz,
        bw_herkomst_factor=factor,
        bw_locaties=bw_locaties,
        beschut_wonen=beschut,
        mo_locaties=mo_locaties,
        mo_herkomst=mo_herkomst,
        mo_herkomst_per_verblijf=per_verblijf,
        vo_aanbieder=str(r.get("vo.aanbieder", str)),
        vo_gemeente=r.gemeente("vo.gemeente", r.get("vo.gemeente", str)),
        vo_locaties=vo_locaties,
        vo_herkomst=vo_herkomst,
    )


# --- BW: beschermd wonen ---------------------------------------------------------------------

BW_STOCK = 811  # in care on 2018-12-31 (ch. 2.2)
WLZ_DATE = date(2021, 1, 1)
WLZ_SHARE = 0.37  # of the clients in care on 2021-01-01 ('ongeveer een derde', ch. 4.2)
PSY_REG, PSYCHOSE, LVB, VERSLAVING, AUTISME, SOMATIEK, MOEDER_KIND = (
    "Psychiatrie regulier", "Psychose en schizofrenie", "Psychiatrie met lvb",
    "Psychiatrie met verslaving", "Autisme", "Somatiek en psychiatrie",
    "Psychiatrie moeder en kind",
)
BW_NA_WLZ = date(2021, 4, 1)  # the locations' plekken change here (demo.toml: na_wlz)
BESCHUT_VANAF, BESCHUT_SHARE = date(2023, 1, 1), 0.05
# Providers hand back places that stay empty from these dates on (op-/afbouwplan).
AFBOUW = (date(2024, 7, 1), date(2026, 1, 1))

# Per year: Nieuw aanmeldingen, chance of instroom, median wachttijd (days), uitstroom share.
# 2018 only feeds the waiting list on 2018-12-31. 2021's uitstroom share excludes the Wlz.
BW_JAREN: dict[int, tuple[int, float, int, float]] = {
    2018: (240, 0.78, 62, 0.0),
    2019: (252, 0.77, 62, 0.17),
    2020: (258, 0.77, 63, 0.17),
    2021: (215, 0.77, 64, 0.14),
    2022: (196, 0.76, 62, 0.18),
    2023: (192, 0.75, 61, 0.195),
    2024: (180, 0.74, 60, 0.21),
    2025: (172, 0.73, 60, 0.225),
    2026: (166, 0.72, 60, 0.235),
}
VERLENGING_PER_CLIENTJAAR = 0.31  # 226 verlengingen in 2018, on clients in care half a year+
BW_PRODUCT = {"BW midden": 339, "BW hoog": 34, "Combinatie": 7}  # Bijlage 3, 2018
BW_LEEFTIJD = {"18-22": 19, "23-26": 24, "27-49": 40, "50+": 17}  # 43% under 27
BW_GESLACHT = {"M": 64, "V": 33, "X": 1, "Onbekend": 2}
# Herkomst: per municipality in proportion to inwoners x demo.toml's bw_herkomst_factor.
BW_HERKOMST_OVERIG = {BUITEN: 0.035, ONBEKEND: 0.01}
BW_BESTEMMING_2019 = {
    "Zelfstandig met ambulante begeleiding": 30, "Zelfstandig wonen": 16, "Begeleid wonen": 18,
    "Beschermd wonen": 5, "Klinische opname": 9, "Detentie": 3, "Vertrokken": 8, "Anders": 9,
    "Wlz": 2,
}
BW_BESTEMMING_2026 = {
    "Zelfstandig met ambulante begeleiding": 38, "Zelfstandig wonen": 20, "Begeleid wonen": 17,
    "Beschermd wonen": 4, "Klinische opname": 6, "Detentie": 2, "Vertrokken": 5, "Anders": 5,
    "Wlz": 3,
}

MONTH0 = 2009  # the BW occupancy grid starts in January of this year


def month_index(d: date) -> int:
    return (d.year - MONTH0) * 12 + d.month - 1


N_MONTHS = month_index(PEIL_OKTOBER) + 1


@dataclass
class Unit:
    """A BW location, or the Beschut wonen part of one, with its places over time."""

    aanbieder: str
    locatie: str
    gemeente: str
    clusters: tuple[str, ...]
    product: str  # "" = regular BW places
    rows: list[tuple[date, date | None, int]]
    plekken: list[int] = field(default_factory=list)  # places per month
    free: list[int] = field(default_factory=list)  # places minus clients, per month

    def plekken_on(self, d: date) -> int:
        # The 2019 rows also hold the stock, whose instroom lies before 2019.
        first = date(EERSTE_JAAR, 1, 1)
        return sum(p for start, end, p in self.rows
                   if (start <= d or start == first) and (end is None or d <= end))


def bw_units(anchors: Anchors) -> list[Unit]:
    units = []
    for loc in anchors.bw_locaties:
        aanbieder, locatie, before, after = loc.aanbieder, loc.locatie, loc.plekken, loc.na_wlz
        start = date(EERSTE_JAAR, 1, 1)
        if before == after:
            rows = [(start, None, before)]
        else:
            rows = [(start, BW_NA_WLZ - timedelta(days=1), before)]
            if after:
                rows.append((BW_NA_WLZ, None, after))
        units.append(Unit(aanbieder, locatie, loc.gemeente, loc.clusters, "", rows))
    by_locatie = {u.locatie: u for u in units}
    for locatie, plekken, start in anchors.beschut_wonen:
        u = by_locatie[locatie]
        units.append(Unit(u.aanbieder, u.locatie, u.gemeente, u.clusters, "Beschut wonen",
                          [(start, None, plekken)]))
    for u in units:
        u.plekken = [u.plekken_on(date(MONTH0 + m // 12, m % 12 + 1, 1)) for m in range(N_MONTHS)]
        u.free = list(u.plekken)
    return units


class BW:
    def __init__(self, rng: random.Random, region_codes: list[str], inwoners_2018: dict[str, int],
                 seq: Numbering, anchors: Anchors) -> None:
        self.rng, self.seq = rng, seq
        factor = anchors.bw_herkomst_factor
        total = sum(inwoners_2018[c] * factor[c] for c in region_codes)
        share = 1 - sum(BW_HERKOMST_OVERIG.values())
        self.herkomst = {c: share * inwoners_2018[c] * factor[c] / total
                         for c in region_codes} | BW_HERKOMST_OVERIG
        self.clients: list[Traject] = []
        self.units = bw_units(anchors)
        self.overflows = 0  # instroom without a free place; 0 with the shipped seed

    def new_client(self, aanmelding: date, product_date: date) -> Traject:
        rng = self.rng
        product = pick(rng, BW_PRODUCT)
        if product_date >= BESCHUT_VANAF and rng.random() < BESCHUT_SHARE:
            product = "Beschut wonen"
        t = Traject("BW", product, pick(rng, self.herkomst), aanmelding, self.seq(),
                    leeftijd=pick(rng, BW_LEEFTIJD), geslacht=pick(rng, BW_GESLACHT))
        self.clients.append(t)
        return t

    def wait_days(self, median: int) -> int:
        return round(min(max(self.rng.lognormvariate(math.log(median), 0.55), 7), 720))

    def run(self) -> tuple[list[Traject], list[Plekken]]:
        self.stock()
        self.nieuw()
        self.exits()
        self.place()
        capaciteit = self.capaciteit()
        return self.clients + self.verlengingen(), capaciteit

    def stock(self) -> None:
        """The 811 clients in care on 2018-12-31, instroom 2010-2018 (recent ones more often)."""
        rng = self.rng
        for _ in range(BW_STOCK):
            # Survivors of a ~19%/year exit hazard: truncated exponential age of the stay.
            years = -math.log(1 - rng.random() * (1 - math.exp(-0.19 * 9))) / 0.19
            instroom = next_workday(EIND_2018 - timedelta(days=int(years * 365.25)))
            aanmelding = next_workday(instroom - timedelta(days=self.wait_days(62)))
            t = self.new_client(aanmelding, instroom)
            t.instroom = instroom

    def nieuw(self) -> None:
        """Nieuw aanmeldingen; the 2018 ones only where still waiting on 2018-12-31."""
        rng = self.rng
        for year, (n, p_instroom, median, _) in BW_JAREN.items():
            for aanmelding in seasonal_dates(rng, year, n, AANMELD_SEIZOEN, next_workday):
                if rng.random() < p_instroom:
                    instroom = next_workday(aanmelding + timedelta(days=self.wait_days(median)))
                    afgemeld = None
                else:
                    instroom = None
                    afgemeld = prev_workday(aanmelding + timedelta(days=rng.randint(10, 80)))
                outcome = instroom or afgemeld
                if year == 2018 and outcome is not None and outcome <= EIND_2018:
                    continue  # the instroom ones are part of the 811
                t = self.new_client(aanmelding, outcome or aanmelding)
                t.instroom, t.afgemeld = instroom, afgemeld

    def exits(self) -> None:
        """Choose who leaves each year, so uitstroom_pct follows BW_JAREN exactly."""
        rng = self.rng
        placed = [c for c in self.clients if c.instroom]
        for year in range(EERSTE_JAAR, LAATSTE_JAAR + 1):
            jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
            in_care = [c for c in placed if c.instroom < jan1 and c.uitstroom is None]
            entrants = [c for c in placed if jan1 <= c.instroom <= dec31]
            if year == WLZ_DATE.year:
                for c in sample_weighted(rng, in_care, [self.wlz_weight(c) for c in in_care],
                                         round(WLZ_SHARE * len(in_care))):
                    c.uitstroom, c.bestemming = self.wlz_date(), "Wlz"
                in_care = [c for c in in_care if c.uitstroom is None]
            candidates = in_care + entrants
            n_exits = round(BW_JAREN[year][3] * len(candidates))
            bestemming = blend(BW_BESTEMMING_2019, BW_BESTEMMING_2026, (year - 2022) / 4)
            if year < WLZ_DATE.year:
                bestemming["Wlz"] = 0  # the Wlz opened for GGZ clients in 2021
            windows = {c.seq: (max(jan1, c.instroom + timedelta(days=30)), dec31)
                       for c in candidates}
            weights = [max(0, (windows[c.seq][1] - windows[c.seq][0]).days + 1)
                       * (1.25 if c.leeftijd in ("18-22", "23-26") else
                          0.6 if c.leeftijd == "50+" else 1.0)
                       for c in candidates]
            for c in sample_weighted(rng, candidates, weights, n_exits):
                c.uitstroom = workday_in(rng, *windows[c.seq])
                c.bestemming = pick(rng, bestemming)

    def wlz_weight(self, c: Traject) -> float:
        w = {"50+": 3.0, "27-49": 1.2}.get(c.leeftijd, 0.5)
        w *= {"BW hoog": 2.5, "Combinatie": 2.0}.get(c.product, 1.0)
        return w * (1.8 if c.instroom and (WLZ_DATE - c.instroom).days > 5 * 365 else 1.0)

    def wlz_date(self) -> date:
        r = self.rng.random()
        if r < 0.45:
            return WLZ_DATE  # the legal transfer date
        if r < 0.80:
            return workday_in(self.rng, date(2021, 1, 4), date(2021, 3, 31))
        return workday_in(self.rng, date(2021, 4, 1), date(2021, 12, 31))

    def place(self) -> None:
        """Give every instroom a location with a free place for the whole stay."""
        rng = self.rng
        # Instroom after the last peildatum never shows, so it needs no place.
        placed = [c for c in self.clients if c.instroom and c.instroom <= PEIL_OKTOBER]
        for c in sorted(placed, key=lambda c: (c.instroom, c.seq)):
            m0 = month_index(c.instroom)
            m1 = min(month_index(c.uitstroom), N_MONTHS - 1) if c.uitstroom else N_MONTHS - 1
            kind = "Beschut wonen" if c.product == "Beschut wonen" else ""
            units = [u for u in self.units if u.product == kind and u.plekken[m0] > 0]
            fits = [u for u in units if min(u.free[m0:m1 + 1]) >= 1]
            if fits:
                unit = rng.choices(fits, weights=[
                    u.free[m0] * (4 if u.gemeente == c.herkomst else 1) for u in fits])[0]
            else:  # keeps the generator total if a tuned table no longer fits
                self.overflows += 1
                unit = max(units, key=lambda u: (min(u.free[m0:m1 + 1]), u.locatie))
            for m in range(m0, m1 + 1):
                unit.free[m] -= 1
            c.verblijf, c.locatie = unit.gemeente, unit.locatie
            first_more = [1.5] + [1.0] * (len(unit.clusters) - 1)
            c.cluster = rng.choices(unit.clusters, weights=first_more)[0]
            c.kinderen = "nee"
            if c.cluster == MOEDER_KIND:
                c.geslacht, c.kinderen = "V", "ja"
                c.leeftijd = "27-49" if c.leeftijd == "50+" else c.leeftijd
        for c in self.clients:
            if not c.locatie:  # still waiting: the cluster is known, the place is not
                c.cluster = pick(rng, {PSY_REG: 30, PSYCHOSE: 25, LVB: 18, VERSLAVING: 10,
                                       AUTISME: 10, SOMATIEK: 4, MOEDER_KIND: 3})
                c.kinderen = "ja" if c.cluster == MOEDER_KIND else "nee"

    def afbouw(self) -> None:
        """Hand back places that stay empty from each AFBOUW date on, keeping one spare."""
        for step in AFBOUW:
            m = month_index(step)
            for u in self.units:
                start, end, plekken = u.rows[-1]
                spare = min(u.free[m:])
                if u.product or end is not None or start >= step or spare < 3:
                    continue
                u.rows[-1] = (start, step - timedelta(days=1), plekken)
                u.rows.append((step, None, plekken - spare + 1))
                for k in range(m, N_MONTHS):
                    u.free[k] -= spare - 1

    def capaciteit(self) -> list[Plekken]:
        self.afbouw()
        return [Plekken("BW", u.aanbieder, u.locatie, u.gemeente, u.product, u.clusters[0],
                        plekken, start, end)
                for u in self.units for start, end, plekken in u.rows]

    def verlengingen(self) -> list[Traject]:
        """Re-indications of clients in care: only a datum_aanmelding, never instroom."""
        rng = self.rng
        placed = [c for c in self.clients if c.instroom]
        result = []
        for year in range(EERSTE_JAAR, LAATSTE_JAAR + 1):
            for q in range(1, 5):
                start, end = quarter_start(year, q), quarter_end(year, q)
                # Only clients in care for half a year or more get a re-indication.
                pool = [c for c in placed if c.instroom <= start - timedelta(days=180)
                        and (c.uitstroom is None or c.uitstroom > start)]
                n = round(VERLENGING_PER_CLIENTJAAR * len(pool) * AANMELD_SEIZOEN[q - 1] / 4)
                for _ in range(n):
                    d = next_workday(random_day(rng, start, end))
                    c = rng.choice(pool)
                    if c.uitstroom is not None and c.uitstroom <= d:
                        continue  # left before the re-indication came due
                    result.append(Traject(
                        "BW", c.product, c.herkomst, d, self.seq(), aanmelding_type="Verlenging",
                        cluster=c.cluster, verblijf=c.verblijf, locatie=c.locatie,
                        leeftijd=c.leeftijd, geslacht=c.geslacht, kinderen=c.kinderen))
        return result


# --- MO and VO: places that turn over bed by bed ----------------------------------------------

# demo.toml [mo]: the locations of the Bijlage 3 MO capacity table (105 plekken), their beds
# per product, and the herkomst weights.
# Mean stay in days: 105 beds turning over about 278 times a year (eerste opvang 2018).
MO_VERBLIJF = {"Nachtopvang": 155, "Crisisopvang": 108, "Gezinsopvang": 190,
               "Jongerenopvang": 165, "Noodopvang": 95}
# Bijlage 3, MO uitstroom 2018, and where the shift towards Zelfstandig ends in 2026.
MO_BESTEMMING_2018 = {
    "Zelfstandig wonen": 24, "Zelfstandig met ambulante begeleiding": 23, "Begeleid wonen": 4,
    "Beschermd wonen": 9, "Klinische opname": 2, "Detentie": 2, "Vertrokken": 30, "Anders": 5,
}
MO_BESTEMMING_2026 = {
    "Zelfstandig wonen": 27, "Zelfstandig met ambulante begeleiding": 28, "Begeleid wonen": 5,
    "Beschermd wonen": 9, "Klinische opname": 2, "Detentie": 2, "Vertrokken": 23, "Anders": 4,
}
MO_LEEFTIJD = {"18-22": 10, "23-26": 12, "27-49": 55, "50+": 23}

# demo.toml [vo]: the aanbieder, its municipality, one location per product with its places,
# and the Bijlage 3 herkomst per product.
# Days between aanmelding and instroom: a noodbed the same night, crisisopvang within days,
# a satellietwoning (begeleid wonen) takes weeks.
VO_WACHT = {"Noodbed": (0, 0), "Crisisopvang": (0, 2), "Begeleid wonen": (5, 45)}
# product: mean stay (days), max gap between clients (days)
VO_VERBLIJF = {"Crisisopvang": (45, 10), "Noodbed": (5.5, 10), "Begeleid wonen": (90, 22)}
# Bijlage 3, vrouwenopvang 2018: cliënten met kinderen.
VO_MET_KINDEREN = {"Noodbed": 36 / 69, "Crisisopvang": 47 / 71, "Begeleid wonen": 41 / 54}
VO_LEEFTIJD = {"18-22": 15, "23-26": 22, "27-49": 53, "50+": 10}  # 37% under 27
VO_BESTEMMING = {
    "Noodbed": {"Zelfstandig wonen": 15, "Begeleid wonen": 10, "Vertrokken": 30, "Anders": 45},
    "Crisisopvang": {"Zelfstandig wonen": 25, "Zelfstandig met ambulante begeleiding": 15,
                     "Begeleid wonen": 25, "Vertrokken": 15, "Anders": 20},
    "Begeleid wonen": {"Zelfstandig wonen": 45, "Zelfstandig met ambulante begeleiding": 35,
                       "Vertrokken": 8, "Anders": 12},
}

WARM_UP = date(2016, 1, 1)  # beds start filling here, so 2019 opens in a steady state


def bed_stays(rng: random.Random, mean_stay: float, shape: float,
              max_gap: int) -> list[tuple[date, date | None]]:
    """One bed's successive (instroom, uitstroom) from the warm-up until the last peildatum.

    Gamma-distributed stays (`shape` 1 = exponential, higher = less spread) with a short
    empty gap between clients, so the places are nearly always full but never over-full.
    """
    stays = []
    instroom = WARM_UP
    while instroom <= PEIL_OKTOBER:
        days = max(1, round(rng.gammavariate(shape, mean_stay / shape)))
        uitstroom = instroom + timedelta(days=days)
        stays.append((instroom, uitstroom if uitstroom <= PEIL_OKTOBER else None))
        instroom = uitstroom + timedelta(days=rng.randint(0, max_gap))
    # Only stays still running on 2019-01-01 belong in an extract that starts then.
    return [(i, u) for i, u in stays if u is None or u > EIND_2018]


def mo(rng: random.Random, seq: Numbering,
       anchors: Anchors) -> tuple[list[Traject], list[Plekken]]:
    trajecten, capaciteit = [], []
    for loc in anchors.mo_locaties:
        aanbieder, locatie, gemeente, beds = loc.aanbieder, loc.locatie, loc.gemeente, loc.bedden
        herkomst = anchors.mo_herkomst_per_verblijf[gemeente]
        capaciteit.append(Plekken("MO", aanbieder, locatie, gemeente, "", "", sum(beds.values()),
                                  date(EERSTE_JAAR, 1, 1), None))
        for product, n in beds.items():
            for _ in range(n):
                for instroom, uitstroom in bed_stays(rng, MO_VERBLIJF[product], 2.0, 5):
                    r = rng.random()  # most walk in; some wait days or weeks for a bed
                    wait = 0 if r < 0.55 else rng.randint(1, 10) if r < 0.9 else rng.randint(11, 40)
                    t = Traject("MO", product, pick(rng, herkomst),
                                instroom - timedelta(days=wait), seq(), verblijf=gemeente,
                                locatie=locatie, instroom=instroom, uitstroom=uitstroom)
                    if uitstroom:
                        t.bestemming = pick(rng, blend(MO_BESTEMMING_2018, MO_BESTEMMING_2026,
                                                       (uitstroom.year - 2022) / 4))
                    mo_person(rng, t)
                    trajecten.append(t)
    # Applications that never led to a bed: the client found something else or went away.
    for year in range(EERSTE_JAAR, LAATSTE_JAAR + 1):
        for aanmelding in seasonal_dates(rng, year, poisson(rng, 24), (1, 1, 1, 1)):
            product = pick(rng, {"Nachtopvang": 45, "Crisisopvang": 40, "Jongerenopvang": 10,
                                 "Noodopvang": 5})
            t = Traject("MO", product, pick(rng, anchors.mo_herkomst), aanmelding, seq(),
                        afgemeld=aanmelding + timedelta(days=rng.randint(1, 21)))
            mo_person(rng, t)
            trajecten.append(t)
    return trajecten, capaciteit


def mo_person(rng: random.Random, t: Traject) -> None:
    if t.product == "Jongerenopvang":
        t.leeftijd = pick(rng, {"18-22": 70, "23-26": 30})
    else:
        t.leeftijd = pick(rng, MO_LEEFTIJD)
    gezin = t.product == "Gezinsopvang"
    t.geslacht = pick(rng, {"M": 30, "V": 70} if gezin else {"M": 76, "V": 22, "X": 1,
                                                             "Onbekend": 1})
    t.kinderen = "ja" if gezin or rng.random() < 0.04 else "nee"


def vo(rng: random.Random, seq: Numbering,
       anchors: Anchors) -> tuple[list[Traject], list[Plekken]]:
    trajecten, capaciteit = [], []
    gemeente = anchors.vo_gemeente
    for loc in anchors.vo_locaties:
        product, locatie, plekken = loc.product, loc.locatie, loc.plekken
        mean_stay, max_gap = VO_VERBLIJF[product]
        capaciteit.append(Plekken("VO", anchors.vo_aanbieder, locatie, gemeente, product, "",
                                  plekken, date(EERSTE_JAAR, 1, 1), None))
        for _ in range(plekken):
            for instroom, uitstroom in bed_stays(rng, mean_stay, 3.0, max_gap):
                wait = timedelta(days=rng.randint(*VO_WACHT[product]))
                t = Traject("VO", product, pick(rng, anchors.vo_herkomst[product]),
                            instroom - wait, seq(), verblijf=gemeente,
                            locatie=locatie, instroom=instroom, uitstroom=uitstroom,
                            leeftijd=pick(rng, VO_LEEFTIJD), geslacht="V")
                t.kinderen = "ja" if rng.random() < VO_MET_KINDEREN[product] else "nee"
                if uitstroom:
                    t.bestemming = pick(rng, VO_BESTEMMING[product])
                trajecten.append(t)
    return trajecten, capaciteit


# --- tellingen: E33 and OGGZ ----------------------------------------------------------------

E33_SEIZOEN = (0.96, 1.0, 1.05, 0.99)
OGGZ_SEIZOEN = (1.02, 1.0, 0.94, 1.04)
E33_SPRONG = 1.25  # from March 2020 the police also registered lighter reports as E33
E33_OPMERKING = {
    (2020, 1): "Registratiewijziging politie: vanaf maart 2020 worden ook lichtere meldingen "
               "als E33 geregistreerd, maart telt daardoor hoger mee.",
    (2020, 2): "Registratiewijziging politie: vanaf maart 2020 worden ook lichtere meldingen "
               "als E33 geregistreerd. Vanaf 2020-K2 ligt het niveau ongeveer een kwart hoger, "
               "niet vergelijkbaar met eerdere kwartalen.",
}


def tellingen(rng: random.Random, codes: list[str], inwoners: dict[tuple[str, int], int],
              anchors: Anchors) -> list[list[str]]:
    rows = []
    for year, q in quarters():
        t = year - 2018 + (q - 0.5) / 4  # years since mid-2018
        if (year, q) < (2020, 1):
            sprong = 1.0
        elif (year, q) == (2020, 1):
            sprong = 1 + (E33_SPRONG - 1) / 3  # one month of the quarter
        else:
            sprong = E33_SPRONG
        for code in codes:
            e33 = anchors.e33_2018[code] / 4 * (1 + 0.02 * t) * E33_SEIZOEN[q - 1] * sprong
            rows.append([BRON, "E33", "meldingen", f"{year}-K{q}", code, "",
                         str(poisson(rng, e33)), E33_OPMERKING.get((year, q), "")])
            per_jaar = anchors.oggz_per_10000_2018[code] * inwoners[code, year] / 10_000
            oggz = per_jaar / 4 * (1 + 0.025 * t) * OGGZ_SEIZOEN[q - 1]
            rows.append([BRON, "OGGZ", "adviesaanvragen", f"{year}-K{q}", code, "",
                         str(poisson(rng, oggz)), ""])
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[4]))


# --- extracts ---------------------------------------------------------------------------------

TRAJECT_COLUMNS = [
    "traject_id", "voorziening", "product", "cluster", "aanmelding_type", "herkomstgemeente",
    "verblijfsgemeente", "locatie", "datum_aanmelding", "datum_instroom", "datum_afgemeld",
    "datum_uitstroom", "uitstroombestemming", "leeftijdsklasse", "geslacht", "met_kinderen",
]
EVENTS = ("aanmelding", "instroom", "afgemeld", "uitstroom")
# Where one leaves to: a home of one's own (where Weer Thuis is about), another setting, gone.
NAAR_WONING = ("Zelfstandig wonen", "Zelfstandig met ambulante begeleiding", "Begeleid wonen")


def woongemeenten(rng: random.Random, trajecten: list[Traject], codes: list[str]) -> None:
    """Set the municipality each client lives in after an uitstroom on or after
    WOONGEMEENTE_VANAF. Those who move to a home go back to their herkomstgemeente more often
    each year (the Weer Thuis programme); the others mostly stay where they were placed."""
    for t in sorted(trajecten, key=lambda t: t.seq):
        if t.uitstroom is None or t.uitstroom < WOONGEMEENTE_VANAF:
            continue
        r = rng.random()
        if t.bestemming == "Vertrokken":
            t.woongemeente = "ONBEKEND" if r < 0.6 else "BUITEN"
        elif r < 0.04:
            t.woongemeente = "ONBEKEND"
        elif t.herkomst not in codes:
            t.woongemeente = "BUITEN" if r < 0.5 else t.verblijf or rng.choice(codes)
        elif t.bestemming in NAAR_WONING:
            eigen = 0.40 + 0.07 * (t.uitstroom.year - 2024)
            if r < 0.04 + eigen:
                t.woongemeente = t.herkomst
            elif r < 0.92:
                t.woongemeente = t.verblijf or rng.choice(codes)
            else:
                t.woongemeente = "BUITEN" if r < 0.96 else rng.choice(codes)
        else:  # a clinic, the Wlz, detention: where the new setting is, often not recorded
            t.woongemeente = ("ONBEKEND" if r < 0.4 else "BUITEN" if r < 0.55
                              else t.verblijf or t.herkomst)


def as_known_on(t: Traject, peildatum: date, late: frozenset[str],
                woongemeente: bool = False) -> list[str] | None:
    """The row as the supplier's system showed it on the peildatum (`late`: not yet entered;
    `woongemeente`: the extract has the column woongemeente_na_uitstroom)."""
    if t.aanmelding > peildatum or "aanmelding" in late:
        return None

    def known(event: str) -> date | None:
        d = getattr(t, event)
        return d if d is not None and d <= peildatum and event not in late else None

    instroom, afgemeld = known("instroom"), known("afgemeld")
    uitstroom = known("uitstroom") if instroom else None
    waiting = t.aanmelding_type == "Nieuw" and instroom is None
    return [
        t.traject_id, t.voorziening, t.product, t.cluster, t.aanmelding_type, t.herkomst,
        "" if waiting else t.verblijf, "" if waiting else t.locatie,
        t.aanmelding.isoformat(), iso(instroom), iso(afgemeld), iso(uitstroom),
        t.bestemming if uitstroom else "", t.leeftijd, t.geslacht, t.kinderen,
    ] + ([t.woongemeente if uitstroom else ""] if woongemeente else [])


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def late_events(rng: random.Random, trajecten: list[Traject]) -> dict[str, frozenset[str]]:
    """About 3% of the 2026-K2 events, entered in the system only after 2026-07-15."""
    k2 = (quarter_start(2026, 2), quarter_end(2026, 2))
    late = {}
    for t in trajecten:
        events = frozenset(e for e in EVENTS if (d := getattr(t, e)) and k2[0] <= d <= k2[1]
                           and rng.random() < LATE_SHARE)
        if events:
            late[t.traject_id] = events
    return late


def number(trajecten: list[Traject]) -> list[Traject]:
    """Pseudonyms like BW-000123, in order of aanmelding; stable between the extracts."""
    kept = sorted((t for t in trajecten if t.aanmelding <= PEIL_OKTOBER),
                  key=lambda t: (t.voorziening, t.aanmelding, t.seq))
    counters: dict[str, int] = {}
    for t in kept:
        counters[t.voorziening] = counters.get(t.voorziening, 0) + 1
        t.traject_id = f"{t.voorziening}-{counters[t.voorziening]:06d}"
    return kept


# --- writing ----------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def generate(out_dir: Path = DEFAULT_OUT, reference_dir: Path = REFERENCE_DIR) -> list[Path]:
    """Write the demo trajecten (two extracts), tellingen and capaciteit files into `out_dir`."""
    region = load_region(reference_dir)
    anchors = load_anchors(reference_dir, region)  # checks its municipalities = gemeenten.csv
    codes = sorted(region.gemeenten)
    inwoners = {(code, jaar): n for code, jaar, n, _ in region.inwoners}
    last_known = max(jaar for _, jaar in inwoners)
    for code in codes:  # carry the latest known population forward
        for jaar in range(last_known + 1, LAATSTE_JAAR + 1):
            inwoners[code, jaar] = inwoners[code, last_known]

    # One generator per part, so tuning one part leaves the others' figures unchanged.
    seq = Numbering()
    bw_trajecten, bw_plekken = BW(random.Random(SEED + 1), codes,
                                  {c: inwoners[c, 2018] for c in codes}, seq, anchors).run()
    mo_trajecten, mo_plekken = mo(random.Random(SEED + 2), seq, anchors)
    vo_trajecten, vo_plekken = vo(random.Random(SEED + 3), seq, anchors)
    trajecten = number(bw_trajecten + mo_trajecten + vo_trajecten)
    late = late_events(random.Random(SEED + 4), trajecten)
    woongemeenten(random.Random(SEED + 6), trajecten, codes)

    paths = []
    for peildatum in (PEIL_JULI, PEIL_OKTOBER):
        rows = []
        met_woongemeente = peildatum == PEIL_OKTOBER
        for t in trajecten:
            row = as_known_on(t, peildatum, late.get(t.traject_id, frozenset())
                              if peildatum == PEIL_JULI else frozenset(), met_woongemeente)
            if row is not None:
                rows.append(row)
        header = TRAJECT_COLUMNS + (["woongemeente_na_uitstroom"] if met_woongemeente else [])
        paths.append(write_csv(out_dir / "trajecten" / f"trajecten_demo_{peildatum}.csv",
                               header, rows))

    paths.append(write_csv(
        out_dir / "tellingen" / f"tellingen_demo_{PEIL_OKTOBER}.csv",
        ["bron", "voorziening", "indicator", "periode", "gemeente", "dimensie", "waarde",
         "opmerking"],
        tellingen(random.Random(SEED + 5), codes, inwoners, anchors)))

    plekken = sorted(bw_plekken + mo_plekken + vo_plekken, key=lambda p: (
        p.voorziening, region.gemeenten[p.gemeente], p.aanbieder, p.locatie, p.product, p.vanaf))
    paths.append(write_csv(
        out_dir / "capaciteit" / f"capaciteit_demo_{PEIL_OKTOBER}.csv",
        ["voorziening", "aanbieder", "locatie", "gemeente", "product", "cluster", "plekken",
         "geldig_vanaf", "geldig_tot"],
        [[p.voorziening, p.aanbieder, p.locatie, region.gemeenten[p.gemeente], p.product,
          p.cluster, str(p.plekken), p.vanaf.isoformat(), iso(p.tot)] for p in plekken]))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="map voor de demobestanden (standaard data/raw)")
    parser.add_argument("--reference", type=Path, default=REFERENCE_DIR,
                        help="map met gemeenten.csv, inwoners.csv, regio.toml en demo.toml")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.reference):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
