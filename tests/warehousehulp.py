"""Shared by the tests that build small hand-made warehouses: the supplier-file headers,
writing a file, and (for snapshot tests) narrowing the exports to the XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import settings
from etl.problems import FileRefused
from etl.reference import load_region
from etl.validate import validate_file

TRAJECTEN_HEADER = (
    "traject_id;voorziening;product;cluster;aanmelding_type;herkomstgemeente;"
    "verblijfsgemeente;locatie;datum_aanmelding;datum_instroom;datum_afgemeld;"
    "datum_uitstroom;uitstroombestemming"
)
TELLINGEN_HEADER = "bron;voorziening;indicator;periode;gemeente;dimensie;waarde;opmerking"
CAPACITEIT_HEADER = (
    "voorziening;aanbieder;locatie;gemeente;product;cluster;plekken;geldig_vanaf;geldig_tot"
)


def write(path: Path, header: str, rows: list[str]) -> None:
    """A supplier CSV (`;`, UTF-8) with this header and rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def geweigerd(path: Path, header: str, rows: list[str]) -> FileRefused:
    """Write a supplier file and return the refusal its check must give (Flevoland)."""
    write(path, header, rows)
    with pytest.raises(FileRefused) as fout:
        validate_file(path, load_region(settings.REFERENCE_DIR))
    return fout.value


@pytest.fixture
def alleen_xlsx(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the XLSX export: the charts, PDF and PPTX start Chromium and have their own
    tests (tests/test_export_grafieken.py, test_export_pdf.py, test_export_pptx.py)."""
    monkeypatch.setattr("publicatie.snapshot.EXPORTS", ("xlsx",))
