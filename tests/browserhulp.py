"""Shared by the browser tests: where Chromium is, how it is started, a dashboard server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these the closed network here refuses Chromium's background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A loopback port nobody listens on now (for a server whose address must be known
    before it starts, such as an OIDC redirect_uri)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(warehouse: Path, drop_env: tuple[str, ...] = (), *, port: int | None = None,
          args: tuple[str, ...] = (), env: dict[str, str] | None = None,
          log: Path | None = None) -> Iterator[str]:
    """Run the dashboard on a loopback port (free, or `port`) until the generator is closed.

    `args` are extra `streamlit run` options (e.g. `--secrets.files`), `env` extra environment
    variables; `log` receives the server's output, for a test that must explain a failure."""
    port = port or free_port()
    omgeving = {**os.environ, "FLEVOMONITOR_WAREHOUSE": str(warehouse), **(env or {})}
    for name in drop_env:
        omgeving.pop(name, None)
    uitvoer = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", *args],
        cwd=ROOT, env=omgeving, stdout=uitvoer, stderr=subprocess.STDOUT if log else uitvoer,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:  # bounded wait for the health endpoint; a start-up, not a timing test
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        if log:
            uitvoer.close()


SCHERMAFDRUKKEN = ROOT / "schermafdrukken"  # git-ignored: for a person to look at, not asserted


def schermafdruk(page, naam: str) -> Path:
    """Save a full-page screenshot as schermafdrukken/<naam>.png (the folder is made here)."""
    SCHERMAFDRUKKEN.mkdir(exist_ok=True)
    pad = SCHERMAFDRUKKEN / f"{naam}.png"
    page.screenshot(path=str(pad), full_page=True)
    return pad


def wacht_tot_klaar(page, timeout_ms: int = 60_000) -> None:
    """Until the page's script has run and every chart is drawn (Streamlit marks the app
    `data-test-script-state="notRunning"`; a Plotly chart has its `main-svg` once drawn)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=timeout_ms)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every((el) => el.querySelector('.main-svg'))""", timeout=timeout_ms)
