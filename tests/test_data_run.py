"""One script run reads one build: a warehouse swapped in halfway through a page does not mix
two builds on it, and the next run reads the new one."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest


def _app() -> None:
    import os

    import streamlit as st

    from monitor import data

    eerste = data.meta()["versie"]
    if os.path.exists(os.environ["NIEUWE_BOUW"]):
        # another build is swapped in while the page is still drawing
        os.replace(os.environ["NIEUWE_BOUW"], os.environ["FLEVOMONITOR_WAREHOUSE"])
    tweede = data.meta()["versie"]
    st.text(f"{eerste} {tweede} {len(data.gemeenten())}")


def test_a_swap_halfway_through_a_run_does_not_mix_builds(shipped_warehouse: Path, tmp_path,
                                                          monkeypatch):
    oud = tmp_path / "warehouse.duckdb"
    nieuw = tmp_path / "nieuw.duckdb"
    shutil.copy(shipped_warehouse, oud)
    shutil.copy(shipped_warehouse, nieuw)
    with duckdb.connect(str(nieuw)) as con:
        con.execute("UPDATE meta SET waarde = 'nieuwebouw' WHERE sleutel = 'versie'")
    with duckdb.connect(str(oud), read_only=True) as con:
        versie = con.execute("SELECT waarde FROM meta WHERE sleutel = 'versie'").fetchone()[0]
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(oud))
    monkeypatch.setenv("NIEUWE_BOUW", str(nieuw))
    at = AppTest.from_function(_app, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.text] == [f"{versie} {versie} 6"]
    at.run()  # the next run reads the new build
    assert [t.value for t in at.text] == ["nieuwebouw nieuwebouw 6"]
