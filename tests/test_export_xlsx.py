"""The quarterly workbook, read back with openpyxl: the same figures as the snapshot's Parquet.

A hand-made warehouse (shipped Flevoland reference, quarters 2019-K1 to 2019-K3) is built
twice: once from ordinary files and once with a demo file among them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
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
from monitor.snapshots import lees_publiekscijfers, lees_snapshot
from publicatie.beveiliging import document
from publicatie.export_xlsx import (
    DEFINITIES_BLAD,
    DEMO_TEKST,
    THEMAS,
    kolommen,
    kwartalen,
    naam,
    onderdrukking_tekst,
    opzoek,
    schrijf_xlsx,
)
from publicatie.snapshot import maak_snapshot
from publicatie.suppressie import Publicatie, lees_publicatie

ALMERE, DRONTEN, NOP, LELYSTAD = "GM0034", "GM0303", "GM0171", "GM0995"
KWARTAAL = "2019-K3"
XLSX = f"publicatie/kwartaalcijfers-{KWARTAAL}.xlsx"

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
    return openpyxl.load_workbook(snapshot / XLSX)


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
    """The cell of a municipality in the municipality table that has this header."""
    top = next(t for t, headers in tabellen(sheet)
               if header in headers and sheet.cell(t, 1).value == "Gemeente")
    return sheet.cell(row_of(sheet, top, code), column_of(sheet, top, header))


def test_one_sheet_per_theme_and_definitions(workbook: openpyxl.Workbook):
    assert workbook.sheetnames == [
        "Beschermd wonen", "Maatschappelijke opvang", "Vrouwenopvang", "Verward gedrag (E33)",
        "OGGZ", "Spreiding", DEFINITIES_BLAD,
    ]
    for sheet in workbook:
        assert KWARTAAL in sheet["A1"].value


def tabellen(sheet: Worksheet) -> list[tuple[int, dict[str, int]]]:
    """(header row, {header: column}) of every table on a sheet: the municipality tables
    (first header 'Gemeente') and the region block ('Kwartaal')."""
    return [
        (c.row, {h.value: h.column for h in sheet[c.row] if h.value})
        for c in sheet["A"] if c.value in ("Gemeente", "Kwartaal")
    ]


def table_rows(sheet: Worksheet, top: int):
    row = top + 1
    while sheet.cell(row, 2).value is not None:
        yield row
        row += 1


def test_marks_and_figures_are_those_of_the_publiekscijfers(snapshot: Path, workbook):
    """Cell by cell: what the workbook shows is the published frame, nothing else."""
    _, gepubliceerd = lees_publiekscijfers(snapshot)
    publicatie = lees_publicatie()
    published = opzoek(gepubliceerd, publicatie)
    _, kerncijfers = lees_snapshot(snapshot)
    # a column holds one document: "X" and what the warehouse added up from it
    kerncijfers = kerncijfers.assign(bron=document(kerncijfers["bron"]))
    echt = kerncijfers[kerncijfers.dimensie.isna()].set_index(
        ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"])["waarde"]
    checked = hidden = 0
    for thema in THEMAS:
        sheet = workbook[thema.blad]
        by_header = {k.kop: k for k in kolommen(thema, gepubliceerd, KWARTAAL)}
        for top, headers in tabellen(sheet):
            regio_blok = sheet.cell(top, 1).value == "Kwartaal"
            for row in table_rows(sheet, top):
                code = sheet.cell(row, 2).value
                periode = sheet.cell(row, 1).value if regio_blok else KWARTAAL
                for header, column in headers.items():
                    if header in ("Gemeente", "Gemeentecode", "Kwartaal"):
                        continue
                    kolom = by_header[header]
                    perspectief = "regio" if code == "TOTAAL" else kolom.perspectief
                    key = (kolom.voorziening, kolom.indicator, periode, code, perspectief,
                           kolom.bron)
                    value = sheet.cell(row, column).value
                    if key not in published:
                        assert value is None, (sheet.title, row, header)
                        continue
                    waarde, teken = published[key]
                    if teken:
                        assert value == teken, (sheet.title, row, header)
                        hidden += 1
                    elif pd.isna(waarde):
                        assert value is None
                    else:
                        assert isinstance(value, int | float) and value == waarde
                        assert value == echt.loc[key]  # shown figures are the true ones
                    checked += 1
    assert checked > 100 and hidden > 5


def test_hand_checked_cells(workbook: openpyxl.Workbook):
    bw, e33 = workbook["Beschermd wonen"], workbook["Verward gedrag (E33)"]
    assert cell(bw, LELYSTAD, "Instroom").value == "<5"  # 2: primary
    assert cell(bw, LELYSTAD, "Bezetting").value == "<5"
    assert cell(e33, DRONTEN, "Meldingen").value == "<5"  # 3
    assert cell(e33, ALMERE, "Meldingen").value in (12, "x")
    # Lelystad's 2 cannot be read off its table: beside it something else is hidden
    # (BW instroom: Almere 6, Lelystad 2, the rest 0, region 8)
    top = header_row(bw)
    column = column_of(bw, top, "Instroom")
    others = [bw.cell(r, column).value for r in table_rows(bw, top)
              if bw.cell(r, 2).value != LELYSTAD]
    assert any(isinstance(v, str) for v in others)
    assert all(v in (0, 6, 8, "x", "<5", None) for v in others)
    # a rate is shown only beside its shown count of at least min_basis (10): Almere's 13
    bezetting = cell(bw, ALMERE, "Bezetting").value
    per_10000 = cell(bw, ALMERE, "Bezetting per 10.000 inwoners").value
    assert bezetting in (13, "x")
    assert (per_10000 == "x") if bezetting == "x" else isinstance(per_10000, float)
    spreiding = workbook["Spreiding"]
    assert cell(spreiding, LELYSTAD, "BW capaciteit").value == 10
    assert cell(spreiding, ALMERE, "BW bezetting herkomst").value in (13, "x")


def test_one_perspective_per_table(workbook: openpyxl.Workbook):
    for thema in THEMAS:
        sheet = workbook[thema.blad]
        for _, headers in tabellen(sheet):
            figures = [h for h in headers if h not in ("Gemeente", "Gemeentecode", "Kwartaal")]
            if thema.spreiding:
                soorten = {h.rsplit(" ", 1)[1] for h in figures}
                assert soorten in ({"herkomst"}, {"verblijf", "capaciteit"}), figures
    spreiding = workbook["Spreiding"]
    _, (tweede, koppen) = tabellen(spreiding)
    assert spreiding.cell(tweede - 1, 1).value.startswith("Naar verblijf")
    assert "BW capaciteit" in koppen and "BW bezetting verblijf" in koppen
    assert header_row(spreiding, "Kwartaal") is None  # no region block: the themes have it


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
    top = header_row(bw)
    formaten = {"Instroom": "#,##0", "Bezetting": "#,##0",
                "Bezetting per 10.000 inwoners": "#,##0.00"}
    for kop, formaat in formaten.items():
        waarden = [bw.cell(r, column_of(bw, top, kop)) for r in table_rows(bw, top)]
        getallen = [c for c in waarden if c.data_type == "n" and c.value is not None]
        assert getallen, kop  # some figure of the column is shown
        assert {c.number_format for c in getallen} == {formaat}, kop
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
    _, gepubliceerd = lees_publiekscijfers(snapshot)
    technisch = json.loads((snapshot / "intern" / "technisch.json").read_text(encoding="utf-8"))
    sheet = workbook[DEFINITIES_BLAD]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    defined = {r[0]: r for r in rows if r[0] and r[2]}
    indicators = {k.indicator for t in THEMAS for k in kolommen(t, gepubliceerd, KWARTAAL)}
    assert indicators >= {"instroom", "bezetting_per_10000", "meldingen", "capaciteit"}
    for indicator in indicators:
        assert defined[indicator][1] == naam(indicator)
        assert len(defined[indicator][2]) > 20
    assert "Per 10.000 inwoners" in defined["bezetting_per_10000"][2]
    # the sources by name, kind and peildatum
    for bron in technisch["bronbestanden"]:
        assert [bron["bron"], bron["soort"], bron["peildatum"], "nee"] in [r[:4] for r in rows]
    text = " ".join(str(v) for r in rows for v in r if v)
    assert "Aantallen van 1 tot en met 4 zijn weergegeven als <5" in text
    assert "Tau-Argus" in text and "ten minste 10 personen" in text
    # nothing technical in the public workbook: that is in intern/technisch.json
    for technical in (technisch["warehouse_versie"], technisch["code_versie"],
                      *(b["sha256"] for b in technisch["bronbestanden"]),
                      *(b["bestand"] for b in technisch["bronbestanden"])):
        assert technical not in text
    for word in ("sha256", "warehouse", "Codeversie", "config", ".toml", ".csv"):
        assert word.lower() not in text.lower()


def test_suppression_text_follows_the_rules():
    zinnen = onderdrukking_tekst(Publicatie(drempel=10, teken="<10", teken_overig="*"))
    text = " ".join(zinnen)
    assert "Aantallen van 1 tot en met 9 zijn weergegeven als <10" in text
    assert "weergegeven als *" in text and "ten minste 10 personen" in text


def _marker_cells(path: Path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [c for row in sheet.iter_rows() for c in row if c.value == DEMO_TEKST]
        for sheet in book
    }


def test_demo_marker_on_every_sheet_of_a_demo_snapshot(demo_snapshot: Path, snapshot: Path):
    demo = _marker_cells(demo_snapshot / XLSX)
    assert len(demo) == len(THEMAS) + 1
    for title, cells in demo.items():
        assert len(cells) == 1, title
        assert cells[0].font.color.rgb.endswith("C00000")  # red
        assert cells[0].row <= 3  # among the title rows, above the frozen header
    assert lees_snapshot(demo_snapshot)[0]["bevat_demo"] is True

    plain = _marker_cells(snapshot / XLSX)
    assert all(cells == [] for cells in plain.values())


def test_the_shipped_quarter_exports(shipped_warehouse: Path, tmp_path: Path):
    folder = maak_snapshot("2026-K3", shipped_warehouse, tmp_path)
    book = openpyxl.load_workbook(folder / "publicatie" / "kwartaalcijfers-2026-K3.xlsx")
    assert all(
        any(c.value == DEMO_TEKST for row in sheet.iter_rows(max_row=3) for c in row)
        for sheet in book
    )
    _, kerncijfers = lees_snapshot(folder)
    assert isinstance(kerncijfers, pd.DataFrame) and len(kerncijfers) > 100_000


# --- the workbook from a hand-made published frame --------------------------------------------

KOLOMMEN = ["voorziening", "indicator", "periode", "periode_type", "gemeentecode", "gemeente",
            "perspectief", "dimensie", "waarde", "bron", "demo", "onderdrukt", "reden", "teken"]


def published_row(gemeentecode: str, gemeente: str, waarde: float | None, bron: str = "Politie",
                  reden: str | None = None, teken: str | None = None,
                  periode: str = KWARTAAL) -> tuple:
    hidden = teken is not None
    return ("E33", "meldingen", periode, "kwartaal", gemeentecode, gemeente, "regio", None,
            np.nan if hidden else waarde, bron, False, hidden, reden, teken)


def test_the_workbook_shows_the_published_frame_and_nothing_else(tmp_path: Path):
    gepubliceerd = pd.DataFrame([
        published_row(ALMERE, "Almere", 12.0),
        published_row(DRONTEN, "Dronten", None, reden="primair", teken="≤4"),
        published_row(LELYSTAD, "Lelystad", None, reden="secundair", teken="*"),
        # Noordoostpolder is not published at all (say its figure is 7): nothing may show
        published_row("TOTAAL", "Regio totaal", 30.0),
        published_row("TOTAAL", "Regio totaal", None, periode="2019-K2", reden="secundair",
                      teken="*"),
    ], columns=KOLOMMEN)
    manifest = {"kwartaal": KWARTAAL, "versie": KWARTAAL, "bevat_demo": False}
    pad = schrijf_xlsx(gepubliceerd, manifest, tmp_path,
                       Publicatie(drempel=5, teken="<5", teken_overig="x"))
    assert pad == tmp_path / XLSX
    sheet = openpyxl.load_workbook(pad)["Verward gedrag (E33)"]
    assert cell(sheet, ALMERE, "Meldingen").value == 12
    assert cell(sheet, DRONTEN, "Meldingen").value == "≤4"  # the frame's own sign
    assert cell(sheet, LELYSTAD, "Meldingen").value == "*"
    assert cell(sheet, "TOTAAL", "Meldingen").value == 30
    top = header_row(sheet)
    assert NOP not in [sheet.cell(r, 2).value for r in table_rows(sheet, top)]
    regio = header_row(sheet, "Kwartaal")
    by_quarter = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in table_rows(sheet, regio)}
    assert by_quarter["2019-K3"] == 30 and by_quarter["2019-K2"] == "*"
    assert by_quarter["2019-K1"] is None  # not published


def test_formula_like_text_is_neutralised(tmp_path: Path):
    bron = '=HYPERLINK("http://e.example","klik")'
    gepubliceerd = pd.DataFrame([
        published_row(ALMERE, "+Almere", 12.0, bron=bron),
        published_row(DRONTEN, "@Dronten", 9.0, bron=bron),
        published_row("TOTAAL", "-Regio", 21.0, bron=bron),
    ], columns=KOLOMMEN)
    manifest = {
        "kwartaal": KWARTAAL, "versie": f"{KWARTAAL}-v2", "vervangt": KWARTAAL,
        "reden": "=1+1", "bevat_demo": False, "regio": "\tFlevoland",
        "bronbestanden": [
            {"bron": b, "soort": "tellingen", "peildatum": "2019-10-15", "demo": False}
            for b in ("-2+3", bron)
        ],
    }
    book = openpyxl.load_workbook(
        schrijf_xlsx(gepubliceerd, manifest, tmp_path, lees_publicatie()))
    texts = [c for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not [c.coordinate for c in texts if c.data_type == "f"]
    assert not [c.value for c in texts if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    values = {c.value for c in texts}
    assert {"'+Almere", "'@Dronten", "'-Regio", "'=1+1", "'-2+3"} <= values
    assert f"'{bron}" in values
