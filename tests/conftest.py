"""Shared fixtures: warehouses built once per test session through the real ETL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl import settings
from etl.build import build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def eigen_logboek(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own audit trail: builds, deliveries and logins in tests never append to the
    repository's data/logboek (subprocesses inherit the environment)."""
    pad = tmp_path_factory.mktemp("logboek") / "logboek.jsonl"
    vorige = os.environ.get("FLEVOMONITOR_LOGBOEK")
    os.environ["FLEVOMONITOR_LOGBOEK"] = str(pad)
    yield pad
    if vorige is None:
        os.environ.pop("FLEVOMONITOR_LOGBOEK", None)
    else:
        os.environ["FLEVOMONITOR_LOGBOEK"] = vorige


@pytest.fixture(scope="session", autouse=True)
def fouten_zichtbaar() -> Iterator[None]:
    """Users get a short Dutch message for a failing page (.streamlit/config.toml switches
    error details off); the tests see the error itself, so a broken page fails its test."""
    import streamlit as st

    vorige = st.get_option("client.showErrorDetails")
    st.config.set_option("client.showErrorDetails", "full")
    yield
    st.config.set_option("client.showErrorDetails", vorige)


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the shipped data/raw (published figures and demo data)."""
    path = tmp_path_factory.mktemp("shipped") / "warehouse.duckdb"
    build(settings.RAW_DIR, path, settings.REFERENCE_DIR)
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (the browser tests skip
    themselves where Chromium is missing; `.ci/run` installs it)."""
    from browserhulp import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
