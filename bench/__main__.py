"""`python -m bench [--trajecten N] [--uit DIR] [--alleen bouw|queries]`: the benchmark of
issues 10 and 11 (docs/performance.md). Never part of the tests.

Generates the national dataset (bench/genereer.py) at N and at N/10 trajecten, builds every
region's warehouse with `python -m etl build` in a subprocess (CPU time and peak memory from
os.wait4), times DuckDB's bare read and group-by of the same files (the hand-written twin of
the build), builds the shipped region and, when it fits in its time limit, one national
warehouse of all municipalities; then runs every named dashboard query of monitor/queries/
on the largest region's warehouse against a hand-written twin; and, where Chromium is
installed, `bench.browser` on the shipped region (time until each page's first chart, and
concurrent sessions: issue 11). Every step has a time limit, so the bench always ends.
Results: a table on stdout and `resultaten-<date>.json` in --uit.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench import browser as browserbench
from bench.genereer import genereer
from etl import settings

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "monitor" / "queries"

# The goals of issue 10 (at 3M trajecten on 2 cores).
DOEL_BOUW_FACTOR = 5.0  # build CPU time <= 5x the bare read and group-by
DOEL_PIEK_GIB = 2.0
DOEL_P95_MS = 150.0
DOEL_TWEELING_FACTOR = 3.0
DOEL_REGIO_SECONDEN = 3.0  # the shipped six-municipality region
# No chart draws more points than this; a query that returns more is flagged (a proxy for
# "no query returning more rows than its chart draws", which depends on the chart).
DOEL_MAX_RIJEN = 5_000


# --- measuring a subprocess -------------------------------------------------------------------


@dataclass
class Bouw:
    naam: str
    status: str  # "ok", "te lang" (our time limit), "mislukt" (the ETL refused or crashed)
    wall_s: float
    cpu_s: float
    piek_mib: float
    warehouse_mb: float = 0.0
    kerncijfers: int = 0
    melding: str = ""


def bouw(naam: str, raw: Path, reference: Path, warehouse: Path, limiet_s: float) -> Bouw:
    """`python -m etl build` in its own process group, killed after `limiet_s`; CPU time
    (user + sys) and peak RSS come from that child's own rusage (os.wait4)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FLEVOMONITOR_LOGBOEK=str(warehouse.parent / "logboek.jsonl"))
    log = warehouse.parent / f"{warehouse.stem}.log"
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--reference",
             str(reference), "--warehouse", str(warehouse)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        status = "ok"
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > limiet_s:
                os.killpg(proc.pid, signal.SIGKILL)  # our own child's group, nothing else
                pid, code, usage = os.wait4(proc.pid, 0)
                status = "te lang"
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(code)  # reaped here, not by Popen
    wall = time.monotonic() - start
    if status == "ok" and proc.returncode != 0:
        status = "mislukt"
    result = Bouw(naam, status, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  melding=log.read_text(errors="replace")[-500:].strip())
    if status == "ok":
        result.warehouse_mb = warehouse.stat().st_size / 1e6
        with duckdb.connect(str(warehouse), read_only=True) as con:
            result.kerncijfers = con.execute("SELECT count(*) FROM mart_kerncijfers").fetchone()[0]
    return result


# --- DuckDB in this process, under a time limit -------------------------------------------------


def _begrensd(con: duckdb.DuckDBPyConnection, limiet_s: float, werk: Callable[[], Any]) -> Any:
    """Run `werk`; interrupt the connection's query after `limiet_s` (TimeoutError)."""
    timer = threading.Timer(limiet_s, con.interrupt)
    timer.start()
    try:
        return werk()
    except duckdb.InterruptException as fout:
        raise TimeoutError(f"langer dan {limiet_s:g} s") from fout
    finally:
        timer.cancel()


def _lijst(paden: list[Path]) -> str:
    return "[" + ", ".join(f"'{p}'" for p in paden) + "]"


def kale_lezing(raw: Path, limiet_s: float) -> tuple[float, float, int]:
    """The build's hand-written twin: DuckDB reads the same files and counts aanmeldingen,
    instroom, uitstroom and afmeldingen per voorziening, quarter and herkomstgemeente, sums
    the tellingen per periode and municipality and the places per municipality.
    Returns (wall s, CPU s, result rows)."""
    trajecten = sorted((raw / "trajecten").glob("*.csv"))
    tellingen = sorted((raw / "tellingen").glob("*.csv"))
    capaciteit = sorted((raw / "capaciteit").glob("*.csv"))
    gebeurtenis = " UNION ALL ".join(
        f"SELECT voorziening, herkomstgemeente, '{k}' AS soort, "
        f"year({k}) || '-K' || quarter({k}) AS periode, count(*) AS n FROM t "
        f"WHERE {k} IS NOT NULL GROUP BY ALL"
        for k in ("datum_aanmelding", "datum_instroom", "datum_uitstroom", "datum_afgemeld"))
    sql = f"""
        WITH t AS (SELECT * FROM read_csv({_lijst(trajecten)}, delim=';', header=true)),
        g AS ({gebeurtenis}),
        tel AS (SELECT voorziening, indicator, periode, gemeente, sum(waarde) AS n
                FROM read_csv({_lijst(tellingen)}, delim=';', header=true) GROUP BY ALL),
        cap AS (SELECT voorziening, gemeente, sum(plekken) AS n
                FROM read_csv({_lijst(capaciteit)}, delim=';', header=true) GROUP BY ALL)
        SELECT (SELECT count(*) FROM g) + (SELECT count(*) FROM tel) + (SELECT count(*) FROM cap)
    """
    with duckdb.connect() as con:
        cpu, start = time.process_time(), time.perf_counter()
        rijen = _begrensd(con, limiet_s, lambda: con.execute(sql).fetchone()[0])
        return time.perf_counter() - start, time.process_time() - cpu, rijen


# --- dashboard queries ----------------------------------------------------------------------


def _parameters(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Representative parameters per named query, as monitor/data.py and the pages pass them:
    all of the region's municipalities and every quarter (the widest selection)."""
    gemeenten = [r[0] for r in con.execute(
        "SELECT gemeentecode FROM ref_gemeenten ORDER BY volgorde").fetchall()]
    van, tot = con.execute(
        "SELECT min(periode), max(periode) FROM periodes_trajecten").fetchone()
    kwartaal = tot
    try:  # the Stuurgroep page's own keys; streamlit is imported with it
        from monitor.views import stuurgroep
        sleutels = stuurgroep.kerncijfer_sleutels()
        spreiding = list(stuurgroep.SPREIDING_VOORZIENINGEN)
    except ImportError:
        sleutels = ["BW.bezetting", "BW.wachtlijst", "MO.bezetting", "VO.bezetting"]
        spreiding = ["BW", "MO"]
    selectie = {"voorziening": "BW", "indicator": "bezetting", "periode_type": "kwartaal",
                "van": van, "tot": tot, "gemeenten": gemeenten, "perspectief": "herkomst",
                "met_totaal": True, "dimensie": None, "dimensie_naam": None}
    product = {"voorziening": "BW", "product": "BW hoog", "van": van, "tot": tot}
    return {
        "bronbestanden": {}, "correcties": {}, "gemeentegrenzen": {}, "gemeenten": {},
        "indicatoren": {}, "instroom_inwoners": {}, "meta": {},
        "instroom_kruis": product,
        "regio_reeks": {"sleutels": ["BW/bezetting", "MO/bezetting", "VO/bezetting"]},
        "selectie": selectie,
        "spreiding_locaties": {"kwartaal": kwartaal, "voorziening": "BW",
                               "gemeenten": gemeenten, "product": None},
        "stuurgroep_reeksen": {"sleutels": sleutels},
        "stuurgroep_spreiding": {"voorzieningen": spreiding, "gemeenten": gemeenten},
        "uitstroom_stromen": product,
        "uitstroom_verblijfsduur": {"voorziening": "BW", "product": None, "van": van,
                                    "tot": tot, "alle": False, "perspectief": "herkomst",
                                    "gemeenten": gemeenten},
        "verward_gedrag_jaren": {"voorziening": "E33", "indicatoren": ["meldingen"],
                                 "van": van[:4], "tot": tot[:4], "gemeenten": gemeenten},
        "vrouwenopvang_gepubliceerd": {"voorziening": "VO", "indicatoren": ["clienten"],
                                       "gemeenten": gemeenten},
        # Overzicht of a region without trajecten: every published telling
        "gepubliceerde_tellingen": {"indicatoren": None},
        "prognose": {"voorziening": "BW"}, "prognose_backtest": {"voorziening": None},
        "prognose_bestaat": {},
    }


# The same rows written by hand: the warehouse's own kerncijfers (not the dashboard's view of
# it with the teken column), plain predicates, no ORDER BY. Queries on tiny tables have none.
TWEELINGEN = {
    "selectie": """
        SELECT periode, periode_type, gemeentecode, gemeente, perspectief, dimensie, waarde,
               bron, demo
        FROM kerncijfers
        WHERE voorziening = $voorziening AND indicator = $indicator
          AND periode_type = $periode_type AND periode BETWEEN $van AND $tot
          AND dimensie IS NULL
          AND (gemeentecode = 'TOTAAL'
               OR (perspectief = $perspectief AND gemeentecode IN (SELECT unnest($gemeenten))))
    """,
    "regio_reeks": """
        SELECT voorziening, indicator, periode, waarde, bron, demo FROM kerncijfers
        WHERE gemeentecode = 'TOTAAL' AND dimensie IS NULL AND periode_type = 'kwartaal'
          AND voorziening || '/' || indicator IN (SELECT unnest($sleutels))
    """,
    "stuurgroep_reeksen": """
        SELECT voorziening || '.' || indicator AS sleutel, periode, periode_type, waarde, bron,
               demo
        FROM kerncijfers
        WHERE gemeentecode = 'TOTAAL' AND dimensie IS NULL
          AND voorziening || '.' || indicator IN (SELECT unnest($sleutels))
    """,
    "stuurgroep_spreiding": """
        SELECT voorziening, perspectief, periode, gemeentecode, dimensie, waarde
        FROM kerncijfers
        WHERE indicator = 'bezetting' AND periode_type = 'kwartaal'
          AND voorziening IN (SELECT unnest($voorzieningen))
          AND perspectief IN ('herkomst', 'verblijf') AND waarde <> 0
          AND gemeentecode IN (SELECT unnest($gemeenten))
          AND (dimensie IS NULL
               OR split_part(dimensie, '=', 2) IN (SELECT unnest($gemeenten)))
    """,
    "uitstroom_stromen": """
        SELECT periode, herkomstgemeente, verblijfsgemeente, bestemming, aantal
        FROM mart_uitstroom_stromen
        WHERE voorziening = $voorziening AND product = $product
          AND periode BETWEEN $van AND $tot
    """,
    "instroom_kruis": """
        SELECT periode, indicator, herkomstgemeente, verblijfsgemeente, categorie, aantal
        FROM mart_instroom_kruis
        WHERE voorziening = $voorziening AND product = $product
          AND periode BETWEEN $van AND $tot
    """,
    "uitstroom_verblijfsduur": """
        SELECT volgorde, sum(aantal) AS aantal FROM mart_uitstroom_verblijfsduur
        WHERE voorziening = $voorziening AND periode BETWEEN $van AND $tot
          AND herkomstgemeente IN (SELECT unnest($gemeenten))
        GROUP BY volgorde
    """,
    "verward_gedrag_jaren": """
        SELECT periode, gemeentecode, gemeente, indicator, waarde, bron, demo
        FROM kerncijfers
        WHERE voorziening = $voorziening AND indicator IN (SELECT unnest($indicatoren))
          AND periode_type = 'jaar' AND periode BETWEEN $van AND $tot AND dimensie IS NULL
          AND (gemeentecode = 'TOTAAL' OR gemeentecode IN (SELECT unnest($gemeenten)))
    """,
    "vrouwenopvang_gepubliceerd": """
        SELECT periode, gemeentecode, gemeente, indicator, dimensie, waarde, bron, demo
        FROM kerncijfers
        WHERE voorziening = $voorziening AND periode_type = 'jaar'
          AND bron NOT IN ('trajecten', 'capaciteit')
          AND indicator IN (SELECT unnest($indicatoren))
          AND (gemeentecode = 'TOTAAL' OR gemeentecode IN (SELECT unnest($gemeenten)))
    """,
    "spreiding_locaties": """
        SELECT aanbieder, locatie, gemeentecode, product, cluster, sum(plekken) AS plekken
        FROM mart_capaciteit_locaties
        WHERE periode = $kwartaal AND voorziening = $voorziening
          AND gemeentecode IN (SELECT unnest($gemeenten))
        GROUP BY ALL
    """,
}


@dataclass
class Query:
    naam: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    rijen: int | None = None
    tweeling_p50_ms: float | None = None
    tweeling_p95_ms: float | None = None
    melding: str = ""


def _tijden(con: duckdb.DuckDBPyConnection, sql: str, params: dict, runs: int,
            limiet_s: float) -> tuple[list[float], int]:
    """Milliseconds per run of sql (fetched into pandas, as the dashboard does), and rows.
    Fewer runs when they take longer than `limiet_s` together, so a slow query stays bounded."""
    tijden, rijen = [], 0
    budget = time.perf_counter() + limiet_s
    for _ in range(runs):
        if tijden and time.perf_counter() > budget:
            break
        cursor = con.cursor()
        try:
            cursor.execute("SET search_path = 'memory.main,warehouse.main'")
            start = time.perf_counter()
            frame = _begrensd(cursor, limiet_s, lambda c=cursor: c.execute(sql, params).df())
            tijden.append((time.perf_counter() - start) * 1000)
            rijen = len(frame)
        finally:
            cursor.close()
    return tijden, rijen


def _p(tijden: list[float], q: float) -> float:
    return statistics.quantiles(tijden, n=100, method="inclusive")[q - 1] if len(
        tijden) > 1 else tijden[0]


def queries(warehouse: Path, runs: int, limiet_s: float) -> list[Query]:
    """Every named query on `warehouse`, opened as monitor/data.py opens it (an in-memory
    connection that attaches the file read-only, kerncijfers with the dashboard's teken)."""
    con = duckdb.connect(config={"python_enable_replacements": False})
    con.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(warehouse)])
    con.execute("CREATE VIEW memory.main.kerncijfers AS "
                "SELECT *, NULL::VARCHAR AS teken FROM warehouse.main.kerncijfers")
    con.execute("SET search_path = 'memory.main,warehouse.main'")
    con.execute(settings.BRON_MACROS)  # basis_bron, as every dashboard connection has it
    params = _parameters(con)
    result = []
    for pad in sorted(QUERIES.glob("*.sql")):
        q = Query(pad.stem)
        p = params.get(q.naam)
        if p is None:
            q.melding = "geen parameters bekend in bench/__main__.py"
            result.append(q)
            continue
        try:
            tijden, q.rijen = _tijden(con, pad.read_text(encoding="utf-8"), p, runs, limiet_s)
            q.p50_ms, q.p95_ms = _p(tijden, 50), _p(tijden, 95)
            if q.naam in TWEELINGEN:
                sql = TWEELINGEN[q.naam]
                gebruikt = {k: v for k, v in p.items() if f"${k}" in sql}
                tijden, _ = _tijden(con, sql, gebruikt, runs, limiet_s)
                q.tweeling_p50_ms, q.tweeling_p95_ms = _p(tijden, 50), _p(tijden, 95)
        except (TimeoutError, duckdb.Error) as fout:
            q.melding = str(fout)[:200]
        result.append(q)
    con.close()
    return result


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Rapport:
    datum: str
    trajecten: int
    uit: str
    bouw_regios: list[Bouw] = field(default_factory=list)
    kaal_regios: list[dict] = field(default_factory=list)
    bouw_tiende: Bouw | None = None
    kaal_tiende: dict | None = None
    bouw_meegeleverd: Bouw | None = None
    bouw_nationaal: Bouw | None = None
    kaal_nationaal: dict | None = None
    queries: list[Query] = field(default_factory=list)
    queries_op: str = ""
    niet_gedaan: list[str] = field(default_factory=list)
    # bench.browser on the shipped region's warehouse: time to the first chart per page, and
    # concurrent sessions (asdict of bench.browser.Pagina / Gelijktijdig)
    browser_laden: int = 0
    browser_paginas: list[dict] = field(default_factory=list)
    browser_gelijktijdig: dict | None = None


def _kaal(raw: Path, limiet_s: float) -> dict:
    try:
        wall, cpu, rijen = kale_lezing(raw, limiet_s)
        return {"wall_s": wall, "cpu_s": cpu, "rijen": rijen, "status": "ok"}
    except TimeoutError as fout:
        return {"wall_s": limiet_s, "cpu_s": None, "rijen": 0, "status": f"te lang: {fout}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--trajecten", type=int, default=300_000,
                        help="aantal trajecten landelijk (standaard 300000; de volle run 3000000)")
    parser.add_argument("--uit", type=Path, default=None,
                        help="map voor data, warehouses en resultaten (standaard onder /tmp)")
    parser.add_argument("--alleen", choices=("bouw", "queries"),
                        help="alleen de bouw of alleen de queries (op een eerdere --uit)")
    parser.add_argument("--regios", type=int, default=None,
                        help="bouw alleen de eerste K regio's (standaard alle 40)")
    parser.add_argument("--bouw-seconden", type=float, default=1800,
                        help="tijdgrens per regionale bouw")
    parser.add_argument("--nationaal-seconden", type=float, default=1800,
                        help="tijdgrens voor de landelijke bouw (0 = overslaan)")
    parser.add_argument("--runs", type=int, default=20, help="herhalingen per query")
    parser.add_argument("--browser-laden", type=int, default=3,
                        help="metingen per pagina in Chromium op de meegeleverde regio "
                        "(mediaan; 0 = overslaan)")
    parser.add_argument("--browser-sessies", type=int, default=20,
                        help="gelijktijdige sessies op Overzicht in Chromium")
    args = parser.parse_args(argv)
    uit = (args.uit or Path(tempfile.mkdtemp(prefix="flevomonitor-bench-"))).resolve()
    uit.mkdir(parents=True, exist_ok=True)
    n, tiende = args.trajecten, max(args.trajecten // 10, 1)
    data, data_tiende = uit / f"data-{n}", uit / f"data-{tiende}"
    wh = uit / "warehouses"
    rapport = Rapport(datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), n, str(uit))

    def stap(tekst: str) -> None:
        print(f"[{datetime.now(UTC):%H:%M:%S}] {tekst}", file=sys.stderr, flush=True)

    if not (data / "nationaal").is_dir():
        stap(f"genereer {n} trajecten in {data}")
        genereer(data, n)
    regios = sorted(p for p in data.glob("regio_*") if p.is_dir())
    if args.regios:
        regios = regios[: args.regios]
    # the largest region by input size: its warehouse carries the query bench
    grootste = max(regios, key=lambda r: sum(f.stat().st_size for f in r.rglob("*.csv")))

    if args.alleen != "queries":
        for regio in regios:
            stap(f"bouw {regio.name}")
            rapport.bouw_regios.append(bouw(regio.name, regio / "raw", regio / "reference",
                                            wh / f"{regio.name}.duckdb", args.bouw_seconden))
            rapport.kaal_regios.append(_kaal(regio / "raw", args.bouw_seconden))
        stap(f"groei: {grootste.name} met {tiende} trajecten landelijk")
        if not (data_tiende / "nationaal").is_dir():
            genereer(data_tiende, tiende)
        klein = data_tiende / grootste.name
        rapport.bouw_tiende = bouw(f"{grootste.name} (10%)", klein / "raw", klein / "reference",
                                   wh / f"{grootste.name}-tiende.duckdb", args.bouw_seconden)
        rapport.kaal_tiende = _kaal(klein / "raw", args.bouw_seconden)
        stap("bouw de meegeleverde regio (data/raw, data/reference)")
        rapport.bouw_meegeleverd = bouw("meegeleverd", settings.ROOT / "data" / "raw",
                                        settings.ROOT / "data" / "reference",
                                        wh / "meegeleverd.duckdb", args.bouw_seconden)
        if args.nationaal_seconden > 0:
            stap(f"landelijke bouw (grens {args.nationaal_seconden:g} s)")
            rapport.bouw_nationaal = bouw("nationaal", data / "nationaal" / "raw",
                                          data / "nationaal" / "reference",
                                          wh / "nationaal.duckdb", args.nationaal_seconden)
            rapport.kaal_nationaal = _kaal(data / "nationaal" / "raw", args.nationaal_seconden)
        else:
            rapport.niet_gedaan.append("landelijke bouw (--nationaal-seconden 0)")

    if args.alleen != "bouw":
        doel = wh / f"{grootste.name}.duckdb"
        if rapport.bouw_nationaal and rapport.bouw_nationaal.status == "ok":
            doel = wh / "nationaal.duckdb"
        if doel.exists():
            stap(f"queries op {doel.name}")
            rapport.queries_op = doel.name
            rapport.queries = queries(doel, args.runs, limiet_s=30)
        else:
            rapport.niet_gedaan.append(f"queries: {doel} ontbreekt (bouw eerst)")
    meegeleverd = wh / "meegeleverd.duckdb"
    if args.browser_laden <= 0:
        rapport.niet_gedaan.append("browser (--browser-laden 0)")
    elif browserbench.CHROMIUM is None:
        rapport.niet_gedaan.append("browser: Chromium ontbreekt (apt-get install chromium)")
    elif not meegeleverd.exists():
        rapport.niet_gedaan.append(f"browser: {meegeleverd} ontbreekt (bouw eerst)")
    else:
        stap("browser: eerste grafiek per pagina, gelijktijdige sessies")
        paginas, samen = browserbench.meet(meegeleverd, args.browser_laden,
                                           args.browser_sessies)
        rapport.browser_laden = args.browser_laden
        rapport.browser_paginas = [asdict(p) for p in paginas]
        rapport.browser_gelijktijdig = asdict(samen)

    druk(rapport)
    pad = uit / f"resultaten-{rapport.datum[:10]}.json"
    pad.write_text(json.dumps(asdict(rapport), indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nResultaten: {pad}")
    return 0


# --- the table --------------------------------------------------------------------------------


def _doel(gehaald: bool | None) -> str:
    return "-" if gehaald is None else ("gehaald" if gehaald else "NIET gehaald")


def _factor(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _f(x: float | None, fmt: str = ".1f") -> str:
    return "-" if x is None else format(x, fmt)


def druk(r: Rapport) -> None:
    print(f"\nFlevomonitor benchmark — {r.datum}, {r.trajecten:,} trajecten landelijk, "
          f"{len(r.bouw_regios)} regio's gebouwd\n")
    if r.bouw_regios:
        print(f"{'bouw':<22}{'status':<9}{'wall s':>8}{'cpu s':>8}{'kaal cpu':>9}"
              f"{'factor':>8}{'piek MiB':>9}{'MB':>8}{'kerncijfers':>13}  doel ≤5× / ≤2 GiB")
        rijen = list(zip(r.bouw_regios, r.kaal_regios, strict=True))
        # the costliest region, the one the growth and the queries use, and the others
        duurste = max(rijen, key=lambda bk: bk[0].cpu_s)
        groei = next((bk for bk in rijen if r.bouw_tiende
                      and f"{bk[0].naam} (10%)" == r.bouw_tiende.naam), duurste)
        extra = [(r.bouw_tiende, r.kaal_tiende), (r.bouw_nationaal, r.kaal_nationaal),
                 (r.bouw_meegeleverd, None)]
        for b, k in [duurste, *([groei] if groei is not duurste else []),
                     *[(b, k) for b, k in extra if b]]:
            _bouwregel(b, k)
        som_b = sum(b.cpu_s for b, _ in rijen)
        som_k = sum(k["cpu_s"] or 0 for _, k in rijen)
        piek = max(b.piek_mib for b, _ in rijen)
        ok = sum(b.status == "ok" for b, _ in rijen)
        print(f"{'som van de regio' + chr(39) + 's':<22}{f'{ok}/{len(rijen)} ok':<9}"
              f"{sum(b.wall_s for b, _ in rijen):>8.1f}{som_b:>8.1f}{som_k:>9.2f}"
              f"{_f(_factor(som_b, som_k)):>8}{piek:>9.0f}"
              f"{sum(b.warehouse_mb for b, _ in rijen):>8.1f}"
              f"{sum(b.kerncijfers for b, _ in rijen):>13,}  "
              f"{_doel(som_b <= DOEL_BOUW_FACTOR * som_k)} / "
              f"{_doel(piek <= DOEL_PIEK_GIB * 1024)}")
        groot = groei[0]
        if r.bouw_tiende and r.bouw_tiende.status == "ok" and groot.status == "ok":
            print(f"groei 10% → 100% ({groot.naam}): bouw-cpu ×"
                  f"{groot.cpu_s / r.bouw_tiende.cpu_s:.2f}, kerncijfers ×"
                  f"{groot.kerncijfers / max(r.bouw_tiende.kerncijfers, 1):.2f} "
                  f"(lineair zou ×10 zijn bij 10× zoveel trajecten)")
        if r.bouw_meegeleverd:
            print(f"meegeleverde regio: {r.bouw_meegeleverd.wall_s:.1f} s wall — doel ≤ "
                  f"{DOEL_REGIO_SECONDEN:g} s: "
                  f"{_doel(r.bouw_meegeleverd.wall_s <= DOEL_REGIO_SECONDEN)}")
    if r.queries:
        print(f"\nqueries op {r.queries_op} (p50/p95 in ms over de runs, tweeling = hetzelfde "
              "met de hand)")
        print(f"{'query':<28}{'p50':>8}{'p95':>8}{'tw p50':>8}{'tw p95':>8}{'factor':>8}"
              f"{'rijen':>12}  doel p95≤150ms / ≤3× / rijen≤{DOEL_MAX_RIJEN}")
        for q in r.queries:
            factor = _factor(q.p95_ms, q.tweeling_p95_ms)
            doelen = "-" if q.p95_ms is None else " / ".join((
                _doel(q.p95_ms <= DOEL_P95_MS),
                _doel(None if factor is None else factor <= DOEL_TWEELING_FACTOR),
                _doel(q.rijen <= DOEL_MAX_RIJEN)))
            print(f"{q.naam:<28}{_f(q.p50_ms):>8}{_f(q.p95_ms):>8}{_f(q.tweeling_p50_ms):>8}"
                  f"{_f(q.tweeling_p95_ms):>8}{_f(factor):>8}"
                  f"{'-' if q.rijen is None else format(q.rijen, ','):>12}  {doelen}"
                  + (f"  ({q.melding})" if q.melding else ""))
    if r.browser_paginas:
        print()
        browserbench.druk([browserbench.Pagina(**p) for p in r.browser_paginas],
                          browserbench.Gelijktijdig(**(r.browser_gelijktijdig or {
                              "sessies": 0, "mediaan_s": None, "max_s": None,
                              "server_cpu_per_sessie_s": None})),
                          r.browser_laden)
    for regel in r.niet_gedaan:
        print(f"niet gedaan: {regel}")


def _bouwregel(b: Bouw, k: dict | None) -> None:
    kaal = k["cpu_s"] if k else None
    factor = _factor(b.cpu_s, kaal) if b.status == "ok" else None
    print(f"{b.naam:<22}{b.status:<9}{b.wall_s:>8.1f}{b.cpu_s:>8.1f}{_f(kaal, '.2f'):>9}"
          f"{_f(factor):>8}{b.piek_mib:>9.0f}{b.warehouse_mb:>8.1f}{b.kerncijfers:>13,}  "
          f"{_doel(None if factor is None else factor <= DOEL_BOUW_FACTOR)} / "
          f"{_doel(b.piek_mib <= DOEL_PIEK_GIB * 1024)}")


if __name__ == "__main__":
    raise SystemExit(main())
