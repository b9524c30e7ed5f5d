"""The quarterly workbook, read back with openpyxl: the same figures as the snapshot's Parquet.

A hand-made warehouse (shipped Flevoland reference, quarters 2019-K1 to 2019-K3) is built
twice: once from ordinary files and once with a demo file among them.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from warehousehulp import (
    TELLINGEN_HEADER,
    TRAJECTEN_HEADER,
    alleen_xlsx,  # noqa: F401 (a fixture, used below)
    write,
)

from etl import settings
from etl.build import build
from publicatie.export_xlsx import DEFINITIES_BLAD, DEMO_TEKST, THEMAS, kolommen, kwartalen, naam
from publicatie.snapshot import lees_snapshot, maak_snapshot
from publicatie.suppressie import onderdruk

ALMERE, DRONTEN, NOP, LELYSTAD = "GM0034", "GM0303", "GM0171", "GM0995"
KWARTAAL = "2019-K3"



# only the XLSX export here: the other exports start Chromium and have their own tests
pytestmark = pytest.mark.usefixtures("alleen_xlsx")


def traject(tid: str, voorziening: str, product: str, herkomst: str, verblijf: str,
            aanmelding: str, instroom: str) -> str:
    return (f"{tid};{voorziening};{product};;Nieuw;{herkomst};{verblijf};;{aanmelding};"
            f"{instroom};;;")


TRAJECTEN = [
    # BW 2019-K3 herkomst: Almere 6 instroom, Lelystad 2 (hidden), so Almere goes too
    *(traject(f"A{i}", "BW", "BW midden", "Almere", "Almere", "2019-07-01", "2019-07-10")
      for i in range(6)),
    traject("L1", "BW", "BW midden", "Lelystad", "Lelystad", "2019-07-01", "2019-08-01"),
    traject("L2", "BW", "BW midden", "Lelystad", "Lelystad", "2019-07-02", "2019-08-02"),
    # Almere clients housed in Lelystad: spreiding
    *(traject(f"S{i}", "BW", "BW hoog", "Almere", "Lelystad", "2019-01-02", "2019-02-01")
      for i in range(7)),
    # MO: a few in K2
    *(traject(f"M{i}", "MO", "Nachtopvang", "Almere", "Almere", "2019-04-01", "2019-04-02")
      for i in range(12)),
]
MELDINGEN = {"Almere": 12, "Dronten": 3, "Lelystad": 9, "Noordoostpolder": 6, "Urk": 7,
             "Zeewolde": 0}
TELLINGEN = [
    *(f"Politie;E33;meldingen;2019-K3;{g};;{n};" for g, n in MELDINGEN.items()),
    *(f"Politie;E33;meldingen;2019-K2;{g};;10;" for g in MELDINGEN),
    "GGD;OGGZ;adviesaanvragen;2019-K3;TOTAAL;;25;",
    "GGD;OGGZ;adviesaanvragen;2019-K3;Almere;;21;",
]
CAPACITEIT = [
    "voorziening;aanbieder;locatie;gemeente;product;cluster;plekken;geldig_vanaf;geldig_tot",
    "BW;Zorg A;L1;Lelystad;;;10;2019-01-01;",
    "BW;Zorg B;A1;Almere;;;8;2019-01-01;",
]


def make_snapshot(root: Path, demo: bool) -> Path:
    raw = root / "raw"
    trajecten = "trajecten_demo_2019-10-15.csv" if demo else "trajecten_zorg_2019-10-15.csv"
    write(raw / "trajecten" / trajecten, TRAJECTEN_HEADER, TRAJECTEN)
    write(raw / "tellingen" / "tellingen_politie_2019-10-15.csv", TELLINGEN_HEADER, TELLINGEN)
    write(raw / "capaciteit" / "capaciteit_zorg_2019-10-01.csv", CAPACITEIT[0], CAPACITEIT[1:])
    build(raw, root / "warehouse.duckdb", settings.REFERENCE_DIR)
    # explicit: a module fixture is made before the function-scoped alleen_xlsx applies
    return maak_snapshot(KWARTAAL, root / "warehouse.duckdb", root / "snapshots",
                         exports=("xlsx",))


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot(tmp_path_factory.mktemp("xlsx"), demo=False)


@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_snapshot(tmp_path_factory.mktemp("xlsx_demo"), demo=True)


@pytest.fixture(scope="module")
def workbook(snapshot: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(snapshot / f"kwartaalcijfers-{KWARTAAL}.xlsx")


def header_row(sheet: Worksheet, first: str = "Gemeente") -> int | None:
    return next((c.row for c in sheet["A"] if c.value == first), None)


def column_of(sheet: Worksheet, row: int, header: str) -> int:
    return next(c.column for c in sheet[row] if c.value == header)


def row_of(sheet: Worksheet, start: int, code: str) -> int:
    """The row of a municipality code in column B of the table that starts at `start`."""
    for cell in sheet["B"][start:]:
        if cell.value is None:
            break
        if cell.value == code:
            return cell.row
    raise AssertionError(f"{code} not in {sheet.title}")


def cell(sheet: Worksheet, code: str, header: str):
    top = header_row(sheet)
    return sheet.cell(row_of(sheet, top, code), column_of(sheet, top, header))


def test_one_sheet_per_theme_and_definitions(workbook: openpyxl.Workbook):
    assert workbook.sheetnames == [
        "Beschermd wonen", "Maatschappelijke opvang", "Vrouwenopvang", "Verward gedrag (E33)",
        "OGGZ", "Spreiding", DEFINITIES_BLAD,
    ]
    for sheet in workbook:
        assert KWARTAAL in sheet["A1"].value


def test_figures_equal_the_parquet_after_suppression(snapshot: Path, workbook):
    _, kerncijfers = lees_snapshot(snapshot)
    key_columns = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    published = onderdruk(kerncijfers[kerncijfers.periode.isin(kwartalen(KWARTAAL))], 5)
    published = published[published.dimensie.isna()].set_index(key_columns)
    parquet = kerncijfers[kerncijfers.dimensie.isna()].set_index(key_columns)["waarde"]
    checked = 0
    for thema in THEMAS:
        sheet = workbook[thema.blad]
        for kolom in kolommen(thema, kerncijfers, KWARTAAL):
            top = header_row(sheet)
            column = column_of(sheet, top, kolom.kop)
            for row in range(top + 1, sheet.max_row + 1):
                code = sheet.cell(row, 2).value
                if code is None:
                    break
                perspectief = "regio" if code == "TOTAAL" else kolom.perspectief
                key = (kolom.voorziening, kolom.indicator, KWARTAAL, code, perspectief,
                       kolom.bron)
                value = sheet.cell(row, column).value
                if key not in published.index:
                    assert value is None
                    continue
                figure = published.loc[key]
                if figure.onderdrukt:
                    # "<5" only where it is true; a cell hidden to protect another shows "x"
                    assert value == ("<5" if figure.reden == "primair" else "x")
                else:
                    assert isinstance(value, int | float) and value == figure.waarde
                    assert value == parquet.loc[key]
                checked += 1
    assert checked > 50


def test_hand_checked_cells(workbook: openpyxl.Workbook):
    bw, e33 = workbook["Beschermd wonen"], workbook["Verward gedrag (E33)"]
    assert cell(bw, LELYSTAD, "Instroom").value == "<5"  # 2: primary
    assert cell(bw, ALMERE, "Instroom").value == "x"  # 6: the region total would tell
    assert cell(bw, "TOTAAL", "Instroom").value == 8
    assert cell(bw, DRONTEN, "Instroom").value == 0  # zero is shown
    # bezetting herkomst: Almere 13 (6 + 7 housed in Lelystad), Lelystad 2, region 15
    assert cell(bw, LELYSTAD, "Bezetting").value == "<5"
    assert cell(bw, ALMERE, "Bezetting").value == "x"
    assert cell(bw, "TOTAAL", "Bezetting").value == 15
    assert cell(bw, ALMERE, "Bezetting per 10.000 inwoners").value == "x"  # of a hidden 13
    assert isinstance(cell(bw, "TOTAAL", "Bezetting per 10.000 inwoners").value, float)
    assert cell(e33, ALMERE, "Meldingen").value == 12
    assert cell(e33, DRONTEN, "Meldingen").value == "<5"  # 3
    assert cell(e33, NOP, "Meldingen").value == "x"  # 6: smallest other non-zero
    assert cell(e33, "TOTAAL", "Meldingen").value == sum(MELDINGEN.values())
    spreiding = workbook["Spreiding"]
    assert cell(spreiding, ALMERE, "BW bezetting herkomst").value == "x"  # 13: secondary
    # verblijf: Almere 6 (all BW midden) + Lelystad 9 (BW midden 2 + BW hoog 7) = 15. The 2
    # is small; Almere's BW midden 6 covers it in the BW midden column, and then Almere's own
    # total (6, nothing else beside it) would tell that 6: it goes too, and Lelystad's 9 with
    # it, or 15 - 9 would.
    assert cell(spreiding, ALMERE, "BW bezetting verblijf").value == "x"
    assert cell(spreiding, LELYSTAD, "BW bezetting verblijf").value == "x"
    assert cell(spreiding, LELYSTAD, "BW capaciteit").value == 10


def test_a_theme_without_figures_says_so(workbook: openpyxl.Workbook):
    sheet = workbook["Vrouwenopvang"]  # no VO files in this warehouse
    assert header_row(sheet) is None
    assert any(str(c.value).startswith("Geen cijfers") for c in sheet["A"])


def test_region_block_has_the_last_eight_quarters(workbook: openpyxl.Workbook):
    sheet = workbook["Verward gedrag (E33)"]
    top = header_row(sheet, "Kwartaal")
    quarters = [sheet.cell(r, 1).value for r in range(top + 1, top + 9)]
    assert quarters == kwartalen(KWARTAAL) == [
        "2017-K4", "2018-K1", "2018-K2", "2018-K3", "2018-K4", "2019-K1", "2019-K2", "2019-K3"
    ]
    column = column_of(sheet, top, "Meldingen")
    by_quarter = {sheet.cell(r, 1).value: sheet.cell(r, column).value
                  for r in range(top + 1, top + 9)}
    assert by_quarter["2019-K2"] == 60 and by_quarter["2019-K3"] == 37
    assert by_quarter["2019-K1"] is None


def test_numbers_are_numeric_cells_with_dutch_formats(workbook: openpyxl.Workbook):
    bw = workbook["Beschermd wonen"]
    count = cell(bw, "TOTAAL", "Instroom")
    assert count.data_type == "n" and count.number_format == "#,##0"
    rate = cell(bw, "TOTAAL", "Bezetting per 10.000 inwoners")
    assert rate.data_type == "n" and rate.number_format == "#,##0.00"
    assert cell(bw, LELYSTAD, "Instroom").data_type == "s"  # the suppression sign is text
    for sheet in workbook.worksheets[:-1]:
        top = header_row(sheet)
        if top is None:  # a theme without figures
            continue
        for row in sheet.iter_rows(min_row=top + 1, min_col=3):
            if sheet.cell(row[0].row, 2).value == "Gemeentecode":  # the region block's header
                continue
            for c in row:
                assert c.value in (None, "<5", "x") or c.data_type == "n", c.coordinate


def test_headers_are_bold_frozen_and_fit(workbook: openpyxl.Workbook):
    for thema in THEMAS:
        sheet = workbook[thema.blad]
        top = header_row(sheet)
        if top is None:
            continue
        assert sheet.freeze_panes == f"C{top + 1}"
        for c in sheet[top]:
            if c.value is None:
                continue
            assert c.font.bold
            width = sheet.column_dimensions[c.column_letter].width
            assert width >= len(c.value), (sheet.title, c.value, width)
    assert workbook[DEFINITIES_BLAD].freeze_panes is not None


def test_definitions_and_sources(snapshot: Path, workbook: openpyxl.Workbook):
    manifest, kerncijfers = lees_snapshot(snapshot)
    sheet = workbook[DEFINITIES_BLAD]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    defined = {r[0]: r for r in rows if r[0] and r[2]}
    indicators = {k.indicator for t in THEMAS for k in kolommen(t, kerncijfers, KWARTAAL)}
    assert indicators >= {"instroom", "bezetting_per_10000", "meldingen", "capaciteit"}
    for indicator in indicators:
        assert defined[indicator][1] == naam(indicator)
        assert len(defined[indicator][2]) > 20
    assert "Per 10.000 inwoners" in defined["bezetting_per_10000"][2]
    for bron in manifest["bronbestanden"]:
        row = next(r for r in rows if r[0] == bron["bestand"])
        assert row[1] == bron["bron"] and row[2] == bron["peildatum"]
        assert bron["sha256"] in row
    text = " ".join(str(v) for r in rows for v in r if v)
    assert "Aantallen van 1 tot en met 4 zijn weergegeven als <5" in text


def _marker_cells(path: Path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [c for row in sheet.iter_rows() for c in row if c.value == DEMO_TEKST]
        for sheet in book
    }


def test_demo_marker_on_every_sheet_of_a_demo_snapshot(demo_snapshot: Path, snapshot: Path):
    demo = _marker_cells(demo_snapshot / f"kwartaalcijfers-{KWARTAAL}.xlsx")
    assert len(demo) == len(THEMAS) + 1
    for title, cells in demo.items():
        assert len(cells) == 1, title
        assert cells[0].font.color.rgb.endswith("C00000")  # red
        assert cells[0].row <= 3  # among the title rows, above the frozen header
    assert lees_snapshot(demo_snapshot)[0]["bevat_demo"] is True

    plain = _marker_cells(snapshot / f"kwartaalcijfers-{KWARTAAL}.xlsx")
    assert all(cells == [] for cells in plain.values())


def test_the_shipped_quarter_exports(shipped_warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2026-K3", shipped_warehouse, tmp_path)
    book = openpyxl.load_workbook(folder / "kwartaalcijfers-2026-K3.xlsx")
    assert all(
        any(c.value == DEMO_TEKST for row in sheet.iter_rows(max_row=3) for c in row)
        for sheet in book
    )
    _, kerncijfers = lees_snapshot(folder)
    assert isinstance(kerncijfers, pd.DataFrame) and len(kerncijfers) > 100_000
