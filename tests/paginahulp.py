"""Shared by the page tests: open the dashboard on the shipped warehouse and read figures
straight from kerncijfers to compare with what a page shows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def dashboard(warehouse: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(warehouse))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def kc(warehouse: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).df()


def reeks(warehouse: Path, voorziening: str, indicator: str, gemeente: str, perspectief: str,
          dimensie: str | None = None, periode_type: str = "kwartaal") -> dict[str, float]:
    """periode -> waarde of one kerncijfers series (derived from trajecten)."""
    frame = kc(warehouse,
               "SELECT periode, waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? "
               "AND gemeentecode = ? AND perspectief = ? AND dimensie IS NOT DISTINCT FROM ? "
               "AND periode_type = ? AND bron = 'trajecten'",
               [voorziening, indicator, gemeente, perspectief, dimensie, periode_type])
    return dict(zip(frame["periode"], frame["waarde"], strict=True))


def gemeenten(warehouse: Path) -> dict[str, str]:
    frame = kc(warehouse, "SELECT gemeentecode, gemeente FROM ref_gemeenten ORDER BY volgorde")
    return dict(zip(frame["gemeentecode"], frame["gemeente"], strict=True))


def tabel(at: AppTest, kolommen: list[str]) -> pd.DataFrame:
    """The chart table with exactly these column headers (one per chart on the page)."""
    gevonden = [d.value for d in at.dataframe if list(d.value.columns) == kolommen]
    assert len(gevonden) == 1, [list(d.value.columns) for d in at.dataframe]
    return gevonden[0]


def open_page_met(at: AppTest, page: str, **query: str) -> AppTest:
    """Open `page` of a started dashboard as a copied link would: with its query string."""
    at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception
    return at


def rijen(frame: pd.DataFrame, *kolommen: str) -> set[tuple]:
    """The rows of these columns as a set, floats rounded to 2 decimals (as shown)."""
    return {tuple(round(v, 2) if isinstance(v, float) else v for v in rij)
            for rij in frame[list(kolommen)].itertuples(index=False)}


def vang_downloads(monkeypatch) -> dict[str, tuple[bytes, bytes]]:
    """The CSV and XLSX of every chart download a page offers, by file name. The dashboard
    makes a download's file only when it is clicked (a callable); here every such callable is
    called at once, as a click would, so the test sees exactly the bytes a user gets."""
    from streamlit.delta_generator import DeltaGenerator

    from monitor import ui

    gevangen: dict[str, tuple[bytes, bytes]] = {}
    echt_bestanden = ui.tabel_bestanden
    echte_knop = DeltaGenerator.download_button

    def bestanden(frame: pd.DataFrame, naam: str) -> tuple[bytes, bytes]:
        gevangen[naam] = echt_bestanden(frame, naam)
        return gevangen[naam]

    def knop(self, label, data, *args, **kwargs):
        return echte_knop(self, label, data() if callable(data) else data, *args, **kwargs)

    monkeypatch.setattr(ui, "tabel_bestanden", bestanden)
    monkeypatch.setattr(DeltaGenerator, "download_button", knop)
    return gevangen
