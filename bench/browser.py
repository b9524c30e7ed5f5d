"""`python -m bench.browser [--warehouse W] [--laden N] [--sessies S]`: what a user waits for.

Starts the dashboard (as `make run` does) on a warehouse (default: the shipped data, built
into a temporary folder) and drives Debian's Chromium with Playwright:

- per page, the time from navigation until the page's first chart (or, on a page without
  charts, its tiles, first table or heading) is visible, median and maximum of N loads on a
  warm server, each a new Streamlit session: for a returning visitor (a new tab, the browser
  cache warm) and for a first visit (a new browser context, empty cache);
- S sessions that open Overzicht at the same moment: time until each sees its first chart
  (median, max) and the server's CPU time per session (from /proc, the server process only).

Never part of the tests (timings depend on the machine); the goals are those of issues 10
and 11: a page ≤ 2 s, first chart within 3 s for 20 concurrent sessions, ≤ 0.5 s server CPU
per session. Reports a table and `browser-<date>.json` next to the warehouse or in --uit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browserhulp import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402 (the tests' own helper)

# (url path, what shows that the page is there): the first chart where the page has one
PAGINAS = (
    ("", "tegel"), ("instroom", "grafiek"), ("uitstroom", "grafiek"),
    ("spreiding", "grafiek"), ("wachtlijsten", "grafiek"), ("verward-gedrag", "grafiek"),
    ("vrouwenopvang", "grafiek"), ("stuurgroep", "grafiek"), ("definities", "tabel"),
    ("snapshots", "kop"),
)
KENMERK = {
    "grafiek": "[data-testid='stPlotlyChart'] .main-svg",
    "tegel": "[data-testid='stMetric']",  # Overzicht: the tiles are its figures
    "tabel": "[data-testid='stDataFrame']",
    "kop": "h1",
}
DOEL_PAGINA_S = 2.0
DOEL_GELIJKTIJDIG_S = 3.0
DOEL_CPU_PER_SESSIE_S = 0.5


@dataclass
class Pagina:
    pad: str
    mediaan_s: float | None  # a returning visitor (browser cache warm), median
    max_s: float | None
    nieuw_mediaan_s: float | None  # a first visit (empty browser cache), median
    fout: str = ""


@dataclass
class Gelijktijdig:
    sessies: int
    mediaan_s: float | None
    max_s: float | None
    server_cpu_per_sessie_s: float | None
    fout: str = ""


def _cpu_van(pid: int) -> float | None:
    """User + system CPU seconds of a process and its finished children, from /proc."""
    try:
        velden = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    tikken = sum(int(v) for v in velden[11:15])  # utime, stime, cutime, cstime
    return tikken / os.sysconf("SC_CLK_TCK")


async def _laad(browser, url: str, kenmerk: str, timeout_s: float, context=None) -> float:
    """Seconds from navigation until the page's mark is visible, in a new tab: of a new
    browser context (a first visit: empty browser cache), or of `context` (a returning
    visitor: the browser has the dashboard's scripts and styles). Both are a new session."""
    eigen = context is None
    if eigen:
        context = await browser.new_context(viewport={"width": 1600, "height": 1000},
                                            locale="nl-NL")
    pagina = await context.new_page()
    try:
        begin = time.perf_counter()
        await pagina.goto(url)
        await pagina.locator(KENMERK[kenmerk]).first.wait_for(state="visible",
                                                               timeout=timeout_s * 1000)
        return time.perf_counter() - begin
    finally:
        await pagina.close()
        if eigen:
            await context.close()


async def _meet(url: str, server_pid: int | None, laden: int, sessies: int,
                timeout_s: float) -> tuple[list[Pagina], Gelijktijdig]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        paginas = []
        terugkerend = await browser.new_context(viewport={"width": 1600, "height": 1000},
                                                locale="nl-NL")
        for pad, kenmerk in PAGINAS:
            try:
                adres = f"{url}/{pad}"
                await _laad(browser, adres, kenmerk, timeout_s, terugkerend)  # warm up
                nieuw = [await _laad(browser, adres, kenmerk, timeout_s) for _ in range(laden)]
                terug = [await _laad(browser, adres, kenmerk, timeout_s, terugkerend)
                         for _ in range(laden)]
                paginas.append(Pagina(pad or "overzicht", statistics.median(terug), max(terug),
                                      statistics.median(nieuw)))
            except Exception as fout:  # a page that never shows its chart: reported, not fatal
                paginas.append(Pagina(pad or "overzicht", None, None, None, str(fout)[:200]))
        await terugkerend.close()
        if not sessies:
            await browser.close()
            return paginas, Gelijktijdig(0, None, None, None)
        cpu_voor = _cpu_van(server_pid) if server_pid else None
        try:
            tijden = await asyncio.gather(*(_laad(browser, url, "tegel", timeout_s * 4)
                                            for _ in range(sessies)))
            cpu_na = _cpu_van(server_pid) if server_pid else None
            cpu = ((cpu_na - cpu_voor) / sessies
                   if cpu_voor is not None and cpu_na is not None else None)
            samen = Gelijktijdig(sessies, statistics.median(tijden), max(tijden), cpu)
        except Exception as fout:
            samen = Gelijktijdig(sessies, None, None, None, str(fout)[:200])
        await browser.close()
    return paginas, samen


def _server_pid(poort: int) -> int | None:
    """The pid of the process listening on the loopback port (the dashboard server)."""
    inode = None
    for regel in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        velden = regel.split()
        if int(velden[1].split(":")[1], 16) == poort and velden[3] == "0A":  # LISTEN
            inode = velden[9]
            break
    if inode is None:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(proc.name)
        except OSError:
            continue
    return None


def _f(waarde: float | None) -> str:
    return "-" if waarde is None else f"{waarde:.2f}"


def meet(warehouse: Path, laden: int, sessies: int,
         timeout_s: float = 60.0) -> tuple[list[Pagina], Gelijktijdig]:
    """Start the dashboard on `warehouse` and measure (see the module's docstring); also
    called by `python -m bench`. Needs Chromium (`CHROMIUM` is None without it)."""
    server = serve(warehouse.resolve())
    url = next(server)
    try:
        pid = _server_pid(int(url.rsplit(":", 1)[1]))
        return asyncio.run(_meet(url, pid, laden, sessies, timeout_s))
    finally:
        server.close()


def druk(paginas: list[Pagina], samen: Gelijktijdig, laden: int) -> None:
    print(f"eerste grafiek per pagina (warme server, mediaan van {laden}; doel ≤ "
          f"{DOEL_PAGINA_S:g} s)")
    print(f"{'pagina':<18}{'mediaan s':>10}{'max s':>8}{'eerste bezoek':>15}  doel")
    for p in paginas:
        doel = "-" if p.mediaan_s is None else (
            "gehaald" if p.mediaan_s <= DOEL_PAGINA_S else "NIET gehaald")
        print(f"{p.pad:<18}{_f(p.mediaan_s):>10}{_f(p.max_s):>8}{_f(p.nieuw_mediaan_s):>15}"
              f"  {doel}  {p.fout}")
    if samen.sessies:
        print(f"\n{samen.sessies} gelijktijdige sessies op Overzicht: eerste grafiek mediaan "
              f"{_f(samen.mediaan_s)} s, max {_f(samen.max_s)} s (doel ≤ "
              f"{DOEL_GELIJKTIJDIG_S:g} s); server-CPU per sessie "
              f"{_f(samen.server_cpu_per_sessie_s)} s (doel ≤ {DOEL_CPU_PER_SESSIE_S:g} s) "
              f"{samen.fout}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="warehouse (standaard: de meegeleverde data, nieuw gebouwd)")
    parser.add_argument("--laden", type=int, default=5, help="metingen per pagina (mediaan)")
    parser.add_argument("--sessies", type=int, default=20, help="gelijktijdige sessies")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconden per laadbeurt")
    parser.add_argument("--uit", type=Path, default=None, help="map voor browser-<datum>.json")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("Chromium ontbreekt (Debian: apt-get install chromium); niets gemeten.",
              file=sys.stderr)
        return 2
    werkmap = Path(tempfile.mkdtemp(prefix="flevomonitor-browser-"))
    warehouse = args.warehouse
    if warehouse is None:
        from etl.build import build
        from etl.settings import ROOT as PROJECT

        warehouse = werkmap / "warehouse.duckdb"
        build(PROJECT / "data" / "raw", warehouse, PROJECT / "data" / "reference")
    paginas, samen = meet(warehouse, args.laden, args.sessies, args.timeout)
    druk(paginas, samen, args.laden)
    uit = args.uit or werkmap
    uit.mkdir(parents=True, exist_ok=True)
    pad = uit / f"browser-{datetime.now(UTC):%Y-%m-%d}.json"
    pad.write_text(json.dumps({
        "datum": datetime.now(UTC).isoformat(timespec="seconds"),
        "warehouse": str(warehouse), "laden": args.laden,
        "paginas": [asdict(p) for p in paginas], "gelijktijdig": asdict(samen),
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nResultaten: {pad}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
