"""Shared fixtures: warehouses built once per test session through the real ETL."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import settings
from etl.build import build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the shipped data/raw (published figures and demo data)."""
    path = tmp_path_factory.mktemp("shipped") / "warehouse.duckdb"
    build(settings.RAW_DIR, path, settings.REFERENCE_DIR)
    return path
