"""Hostile and awkward input files (issue 10): bounded work, no silent loss, no traceback.

Each case builds its file in tmp_path and asserts the exact Dutch refusal (file, Excel row,
column, value, what was found and what was expected), or a correct load. The limits come from
config/invoer.toml; a test that needs a small limit passes its own `Limits`.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import settings
from etl.problems import FileRefused, Problem
from etl.readers import InvoerConfigFout, Limits, lees_grenzen
from etl.reference import load_region
from etl.validate import looks_like_bsn, validate_file

REGION = load_region(settings.REFERENCE_DIR)
LIMITS = lees_grenzen()

TRAJECTEN = "trajecten_ggd_2024-12-31.csv"
TELLINGEN = "tellingen_politie_2024-12-31.csv"
CAPACITEIT = "capaciteit_kader_2024-12-31.csv"

TELLING_COLUMNS = [
    "bron", "voorziening", "indicator", "periode", "gemeente", "dimensie", "waarde", "opmerking",
]
CAPACITEIT_COLUMNS = [
    "voorziening", "aanbieder", "locatie", "gemeente", "product", "plekken", "geldig_vanaf",
    "geldig_tot",
]


def telling(n: int = 1, **changes: str) -> dict[str, str]:
    row = {"bron": "Politie", "voorziening": "E33", "indicator": "meldingen",
           "periode": f"{2010 + n}-K1", "gemeente": "Almere", "dimensie": "", "waarde": str(n),
           "opmerking": ""}
    return {**row, **changes}


def capaciteit(**changes: str) -> dict[str, str]:
    row = {"voorziening": "MO", "aanbieder": "Leger des Heils", "locatie": "De Haven",
           "gemeente": "Lelystad", "product": "Nachtopvang", "plekken": "20",
           "geldig_vanaf": "01-01-2024", "geldig_tot": ""}
    return {**row, **changes}


def csv_text(columns: list[str], rows: list[dict[str, str]], sep: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write(base: Path, kind: str, name: str, content: str | bytes) -> Path:
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def tellingen(base: Path, rows: list[dict[str, str]], sep: str = ";") -> Path:
    return write(base, "tellingen", TELLINGEN, csv_text(TELLING_COLUMNS, rows, sep))


def xlsx(base: Path, kind: str, name: str, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    for row in rows:
        sheet.append(row)
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    workbook.save(folder / name)
    return folder / name


def refusal(path: Path, limits: Limits | None = None) -> list[Problem]:
    with pytest.raises(FileRefused) as refused:
        validate_file(path, REGION, limits=limits)
    return refused.value.problems


def only(path: Path, limits: Limits | None = None) -> Problem:
    problems = refusal(path, limits)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def limits(**changes: float) -> Limits:
    values = {"max_megabytes": LIMITS.max_megabytes, "max_rijen": LIMITS.max_rijen,
              "max_tekens_per_cel": LIMITS.max_tekens_per_cel,
              "xlsx_max_uitgepakt_megabytes": LIMITS.xlsx_max_uitgepakt_megabytes}
    return Limits(**{**values, **changes})


# --- config/invoer.toml ---------------------------------------------------------------------


def test_shipped_limits_are_valid():
    shipped = Limits(max_megabytes=100, max_rijen=500_000, max_tekens_per_cel=2000,
                     xlsx_max_uitgepakt_megabytes=100)
    assert lees_grenzen() == shipped


@pytest.mark.parametrize(("text", "message"), [
    ("max_megabytes = 1\nmax_rijen = 10\nmax_tekens_per_cel = 10\n",
     "invoer.toml: xlsx_max_uitgepakt_megabytes moet een getal groter dan 0 en hoogstens 4096 "
     "zijn (nu: None)"),
    ("max_megabytes = 1\nmax_rijen = 1.5\nmax_tekens_per_cel = 10\n"
     "xlsx_max_uitgepakt_megabytes = 1\n",
     "invoer.toml: max_rijen moet een geheel getal groter dan 0 en hoogstens 10000000 zijn "
     "(nu: 1.5)"),
    ("max_megabytes = -5\nmax_rijen = 10\nmax_tekens_per_cel = 10\n"
     "xlsx_max_uitgepakt_megabytes = 1\n",
     "invoer.toml: max_megabytes moet een getal groter dan 0 en hoogstens 2048 zijn (nu: -5)"),
    ("max_megabytes = 1\nmax_rijen = 10\nmax_tekens_per_cel = 200000\n"
     "xlsx_max_uitgepakt_megabytes = 1\n",
     "invoer.toml: max_tekens_per_cel moet een geheel getal groter dan 0 en hoogstens 100000 "
     "zijn (nu: 200000)"),
    ("max_megabytes = 1\nmax_rijen = 10\nmax_tekens_per_cel = 10\n"
     "xlsx_max_uitgepakt_megabytes = 1\nmax_kolommen = 3\n",
     "invoer.toml: onbekende instelling max_kolommen (bekend zijn: max_megabytes, max_rijen, "
     "max_tekens_per_cel, xlsx_max_uitgepakt_megabytes)"),
    ("max_megabytes = \n", "invoer.toml is geen geldige TOML: "),
], ids=["missing", "not-whole", "negative", "over-csv-field-limit", "unknown", "not-toml"])
def test_a_bad_config_is_a_dutch_error(tmp_path, text, message):
    pad = tmp_path / "invoer.toml"
    pad.write_text(text, encoding="utf-8")
    with pytest.raises(InvoerConfigFout) as fout:
        lees_grenzen(pad)
    assert str(fout.value).startswith(message)


# --- size and row limits, before and while reading ------------------------------------------------


def test_a_file_over_max_megabytes_is_refused_before_it_is_read(tmp_path):
    path = tellingen(tmp_path, [telling(n) for n in range(1, 60)])  # about 3 KB
    problem = only(path, limits(max_megabytes=0.001))
    assert str(problem) == (
        f"{TELLINGEN}: het bestand is 0,0 MB; verwacht: een bestand van hoogstens 0,0 MB "
        "(instelling max_megabytes in config/invoer.toml); lever een groter bestand in delen aan"
    )


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_rows_over_max_rijen_are_refused_at_the_first_row_over(tmp_path, form):
    rows = [telling(n) for n in range(1, 6)]  # Excel rows 2..6
    if form == "csv":
        path, label = tellingen(tmp_path, rows), TELLINGEN
    else:
        path = xlsx(tmp_path, "tellingen", "tellingen_politie.xlsx",
                    [TELLING_COLUMNS] + [[r[c] for c in TELLING_COLUMNS] for r in rows])
        label = "tellingen_politie.xlsx [blad tellingen]"
    problem = only(path, limits(max_rijen=3))
    assert str(problem) == (
        f"{label}, rij 5: hier begint de rij boven die grens; verwacht: hoogstens 3 rijen met "
        "gegevens (instelling max_rijen in config/invoer.toml); lever een groter bestand in "
        "delen aan"
    )
    assert len(validate_file(path, REGION, limits=limits(max_rijen=5)).table) == 5


def test_a_cell_over_max_tekens_per_cel_is_refused_without_quoting_it(tmp_path):
    path = tellingen(tmp_path, [telling(1), telling(2, opmerking="x" * 200_000)])
    problem = only(path)
    assert str(problem) == (
        f"{TELLINGEN}, rij 3, kolom 'opmerking': deze cel heeft 200.000 tekens; verwacht: een "
        "cel van hoogstens 2.000 tekens (instelling max_tekens_per_cel in config/invoer.toml)"
    )


# --- xlsx ---------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused_in_dutch(tmp_path):
    path = write(tmp_path, "tellingen", "tellingen_politie.xlsx", "bron;waarde\r\nPolitie;1\r\n")
    assert str(only(path)) == (
        "tellingen_politie.xlsx: dit is geen geldig xlsx-bestand (geen zip-archief, of "
        "beschadigd); is het misschien een oud .xls of een CSV met de extensie .xlsx?; "
        "verwacht: een leesbaar Excel-bestand (.xlsx)"
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = xlsx(tmp_path, "tellingen", "tellingen_politie.xlsx",
                [TELLING_COLUMNS, list(telling().values())])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/opvulling.bin", b"\0" * (120 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024  # 120 MB unpacked from a file under 1 MB
    started = time.monotonic()
    problem = only(path)
    assert time.monotonic() - started < 2
    assert str(problem).startswith(
        "tellingen_politie.xlsx: uitgepakt is dit bestand 120,0 MB; verwacht: een xlsx dat "
        "uitgepakt hoogstens 100,0 MB is (instelling xlsx_max_uitgepakt_megabytes in "
        "config/invoer.toml); lever grote bestanden als CSV"
    )


def test_one_styled_cell_on_the_last_excel_row_costs_nothing(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "tellingen"
    sheet.append(TELLING_COLUMNS)
    sheet.append(list(telling().values()))
    sheet.cell(row=1_048_576, column=8).number_format = "0.00"  # empty, but written
    folder = tmp_path / "tellingen"
    folder.mkdir()
    workbook.save(folder / "tellingen_politie.xlsx")
    assert (folder / "tellingen_politie.xlsx").stat().st_size < 10_000
    started = time.monotonic()
    loaded = validate_file(folder / "tellingen_politie.xlsx", REGION)
    assert time.monotonic() - started < 5
    assert loaded.table.column("_rij").to_pylist() == [2]


def _with_stored_result(path: Path, cell: str, result: str) -> None:
    """Write Excel's stored result into a formula cell (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(
        f'<c r="{cell}"><f>'.encode(), f'<c r="{cell}"><f>'.encode()).replace(
        b"</f><v></v>", f"</f><v>{result}</v>".encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_formula_without_a_stored_result_is_named_as_such(tmp_path):
    rows = [CAPACITEIT_COLUMNS,
            ["MO", "Leger des Heils", "De Haven", "Lelystad", "Nachtopvang", "=10+10",
             date(2024, 1, 1), None]]
    path = xlsx(tmp_path, "capaciteit", "capaciteit_x.xlsx", rows)
    assert str(only(path)) == (
        "capaciteit_x.xlsx [blad capaciteit], rij 2, kolom 'plekken': waarde '=10+10': een "
        "formule zonder opgeslagen uitkomst; verwacht: een waarde: open het bestand in Excel en "
        "sla het op (dan bewaart Excel de uitkomst), of plak de cellen als waarden"
    )
    _with_stored_result(path, "F2", "20")  # as Excel saves it: the result is used
    [row] = validate_file(path, REGION).table.to_pylist()
    assert row["plekken"] == 20


# --- CSV: quotes and separators -------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_where_it_opens(tmp_path):
    lines = csv_text(TELLING_COLUMNS, [telling(n) for n in range(1, 10)]).split("\r\n")
    lines[3] = lines[3].replace("Politie", '"Politie', 1)  # Excel row 4; nine data rows
    path = write(tmp_path, "tellingen", TELLINGEN, "\r\n".join(lines))
    assert str(only(path)) == (
        f"{TELLINGEN}, rij 4: op deze rij (regel 4 van het bestand) opent een aanhalingsteken "
        "dat tot het eind van het bestand niet sluit: de 7 regel(s) daarna zouden als één cel "
        'worden gelezen; verwacht: een aanhalingsteken (") dat de waarde weer sluit'
    )


def test_a_quote_that_closes_rows_later_is_refused(tmp_path):
    lines = csv_text(TELLING_COLUMNS, [telling(n) for n in range(1, 10)]).split("\r\n")
    lines[2] = lines[2].replace(";;", ';"', 1)  # opens in the dimensie of row 3 ...
    lines[5] = lines[5].replace(";;", ';";', 1)  # ... and a stray quote closes it on row 6
    path = write(tmp_path, "tellingen", TELLINGEN, "\r\n".join(lines))
    assert str(only(path)) == (
        f"{TELLINGEN}, rij 3: op deze rij opent een aanhalingsteken dat pas op regel 6 van het "
        "bestand sluit: de rijen op regel 4 tot en met 6 zouden als één cel worden gelezen; "
        'verwacht: een aanhalingsteken (") dat de waarde sluit voordat de volgende rij begint'
    )


def test_a_quoted_line_break_is_one_row(tmp_path):
    rows = [telling(1), telling(2, opmerking="eerste regel;\r\ntweede regel"), telling(3)]
    loaded = validate_file(tellingen(tmp_path, rows), REGION).table.to_pylist()
    assert [(r["_rij"], r["waarde"]) for r in loaded] == [(2, 1), (3, 2), (4, 3)]
    assert loaded[1]["opmerking"] == "eerste regel;\r\ntweede regel"


@pytest.mark.parametrize(("header_sep", "row_sep", "found"), [
    (";", ",", "deze rij is gescheiden door komma ','"),
    (",", ";", "deze rij is gescheiden door puntkomma ';'"),
])
def test_mixed_separators_give_one_message(tmp_path, header_sep, row_sep, found):
    header = csv_text(TELLING_COLUMNS, [], header_sep)
    body = csv_text(TELLING_COLUMNS, [telling(n) for n in range(1, 4)], row_sep)
    path = write(tmp_path, "tellingen", TELLINGEN, header + body.split("\r\n", 1)[1])
    name = {";": "puntkomma ';'", ",": "komma ','"}[header_sep]
    assert str(only(path)) == (
        f"{TELLINGEN}, rij 2: {found} (en nog 2 andere rij(en)); verwacht: één scheidingsteken "
        f"in het hele bestand: de kopregel gebruikt {name}, dus elke rij ook (in Excel: Opslaan "
        "als 'CSV UTF-8')"
    )


# --- values out of range --------------------------------------------------------------------------

PERIODE = ("een jaar (2018), kwartaal (2018-K3 of 2018-Q3) of maand (2018-07), met een jaar "
           "van 1900 tot en met 2100")
WHOLE = "een geheel getal van 0 of meer (duizendtallen mogen met een punt: 1.944)"
WHOLE_MAX = "een geheel getal van hoogstens 999.999.999 (een aantal, geen bedrag of code)"


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("periode", "0000", PERIODE),
    ("periode", "9999-K4", PERIODE),
    ("periode", "9999-12", PERIODE),
    ("waarde", "inf", WHOLE),
    ("waarde", "nan", WHOLE),
    ("waarde", "1e400", WHOLE),
    ("waarde", "12345678901234567890", WHOLE_MAX),
    ("waarde", "1.000.000.000", WHOLE_MAX),
], ids=["year-0", "9999-K4", "9999-12", "inf", "nan", "1e400", "20-digits", "a-billion"])
def test_tellingen_values_out_of_range(tmp_path, column, value, expected):
    path = tellingen(tmp_path, [telling(1), telling(2, **{column: value})])
    assert str(only(path)) == (
        f"{TELLINGEN}, rij 3, kolom '{column}': waarde '{value}' is ongeldig; verwacht: {expected}"
    )


@pytest.mark.parametrize(("column", "value"), [
    ("geldig_vanaf", "01-01-0001"), ("geldig_vanaf", "9999-12-31"), ("geldig_tot", "31-12-9999"),
])
def test_capaciteit_dates_out_of_range(tmp_path, column, value):
    path = write(tmp_path, "capaciteit", CAPACITEIT,
                 csv_text(CAPACITEIT_COLUMNS, [capaciteit(**{column: value})]))
    assert str(only(path)) == (
        f"{CAPACITEIT}, rij 2, kolom '{column}': waarde '{value}' is ongeldig; verwacht: een "
        "datum als 2024-03-31, 31-03-2024 of 31/03/2024, met een jaar van 1900 tot en met 2100"
    )


def test_a_duplicate_key_names_both_rows(tmp_path):
    path = tellingen(tmp_path, [telling(1), telling(2), telling(1, waarde="1")])
    assert str(only(path)) == (
        f"{TELLINGEN}, rij 4: dubbele sleutel: rij 2 en rij 4 hebben dezelfde sleutel (Politie, "
        "E33, meldingen, 2011-K1, GM0034, regio, geen dimensie); verwacht: één rij per bron, "
        "voorziening, indicator, periode, gemeente, perspectief en dimensie"
    )


# --- BSN in every column, with or without separators ----------------------------------------------

BSN = ("geen BSN (negen cijfers die de elfproef doorstaan): de monitor bewaart geen direct "
       "identificerende gegevens")


@pytest.mark.parametrize(("column", "value"), [
    ("indicator", "111222333"),
    ("indicator", "meldingen_111222333"),
    ("opmerking", "1112.22.333"),
    ("opmerking", "cliënt 111 222 333 gebeld"),
    ("opmerking", "111-222-333"),
    ("dimensie", "client=1112.22.333"),
    ("waarde", "111222333"),
], ids=["indicator", "indicator-part", "dots", "spaces", "dashes", "dimensie", "waarde"])
def test_a_bsn_in_any_column_is_refused_without_quoting_it(tmp_path, column, value):
    path = tellingen(tmp_path, [telling(1), telling(2, **{column: value})])
    problem = only(path)
    assert str(problem) == f"{TELLINGEN}, rij 3, kolom '{column}': verwacht: {BSN}"
    assert "333" not in FileRefused(TELLINGEN, [problem]).report()


def test_a_bsn_as_a_column_name_is_refused_without_quoting_it(tmp_path):
    text = csv_text([*TELLING_COLUMNS, "111222333"], [telling(1)])
    problem = only(write(tmp_path, "tellingen", TELLINGEN, text))
    assert str(problem) == f"{TELLINGEN}, rij 1, kolom 'kolom 9': verwacht: {BSN}"


@pytest.mark.parametrize("text", [
    "2024-01-31", "31-01-2024 12:30", "2024-01-31 123", "2018-K3", "GM0034", "1.944",
    "06-12345678", "1234567890", "12345678", "nr 111222334", "2024-01-31 - 2024-12-31",
])
def test_legitimate_values_are_not_taken_for_a_bsn(text):
    assert not looks_like_bsn(text)


def test_a_file_full_of_legitimate_digits_loads(tmp_path):
    rows = [telling(1, opmerking="peildatum 2024-01-31, gemeente GM0034"),
            telling(2, waarde="1.944", dimensie="leeftijd=18-23", opmerking="tel 06-12345678"),
            telling(3, opmerking="periode 2018-K3 tot 2024-01-31 12:30")]
    loaded = validate_file(tellingen(tmp_path, rows), REGION).table.to_pylist()
    assert [r["waarde"] for r in loaded] == [1, 1944, 3]


def test_a_broken_limits_config_is_a_dutch_refusal_everywhere(tmp_path, monkeypatch):
    """check, build and the delivery page say it in Dutch; nothing ends in a traceback."""
    import subprocess
    import sys

    from etl import aanlevering, settings
    from etl.build import build
    from etl.problems import BuildFailed

    kapot = tmp_path / "invoer.toml"
    kapot.write_text("max_megabytes = 'veel'\n", encoding="utf-8")
    monkeypatch.setenv("FLEVOMONITOR_INVOER", str(kapot))
    with pytest.raises(BuildFailed, match="De warehouse is niet bijgewerkt"):
        build(settings.RAW_DIR, tmp_path / "w.duckdb", settings.REFERENCE_DIR)
    assert not (tmp_path / "w.duckdb").exists()
    with pytest.raises(aanlevering.ConfigFout):
        aanlevering.lees_config()
    bestand = next((settings.RAW_DIR / "tellingen").glob("*.csv"))
    uit = subprocess.run([sys.executable, "-m", "etl", "check", str(bestand)],
                         cwd=settings.ROOT, capture_output=True, text=True, timeout=120)
    assert uit.returncode == 2 and "Controle niet mogelijk" in uit.stderr
    assert "Traceback" not in uit.stderr
