"""Broken and awkward supplier files: each is refused with the exact problem, or loads right.

Data contract, sections 1 and 4: a refused file names the file, the row as Excel shows it
(header = row 1), the column, the value and what was expected (in Dutch), and nothing of
it reaches the warehouse. Every file is written in the test into tmp_path/<kind>/, so the
kind comes from the folder, as in data/raw/.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import settings
from etl.__main__ import main
from etl.build import build
from etl.problems import BuildFailed, FileRefused, Problem
from etl.reference import load_region
from etl.validate import passes_elfproef, validate_file

REGION = load_region(settings.REFERENCE_DIR)
FLEVOLAND = "Almere, Zeewolde, Noordoostpolder, Urk, Dronten, Lelystad"

TRAJECTEN = "trajecten_ggd_2024-12-31.csv"  # peildatum 31-12-2024
TELLINGEN = "tellingen_politie_2024-12-31.csv"
CAPACITEIT = "capaciteit_kader_2024-12-31.csv"

TRAJECT_COLUMNS = [
    "traject_id", "voorziening", "product", "aanmelding_type", "herkomstgemeente",
    "verblijfsgemeente", "locatie", "datum_aanmelding", "datum_instroom", "datum_uitstroom",
    "uitstroombestemming",
]
GOOD_TRAJECT = {
    "traject_id": "T1", "voorziening": "BW", "product": "BW midden",
    "aanmelding_type": "Nieuw", "herkomstgemeente": "Almere", "verblijfsgemeente": "Lelystad",
    "locatie": "Huis A", "datum_aanmelding": "2024-01-05", "datum_instroom": "2024-02-01",
    "datum_uitstroom": "", "uitstroombestemming": "",
}
TELLING_COLUMNS = [
    "bron", "voorziening", "indicator", "periode", "gemeente", "dimensie", "waarde", "opmerking",
]
GOOD_TELLING = {
    "bron": "Politie", "voorziening": "E33", "indicator": "meldingen", "periode": "2024-K1",
    "gemeente": "Almere", "dimensie": "", "waarde": "12", "opmerking": "",
}
CAPACITEIT_COLUMNS = [
    "voorziening", "aanbieder", "locatie", "gemeente", "product", "plekken", "geldig_vanaf",
    "geldig_tot",
]
GOOD_CAPACITEIT = {
    "voorziening": "MO", "aanbieder": "Leger des Heils", "locatie": "De Haven",
    "gemeente": "Lelystad", "product": "Nachtopvang", "plekken": "20",
    "geldig_vanaf": "01-01-2024", "geldig_tot": "",
}


# --- helpers ------------------------------------------------------------------------------


def traject(**changes: str) -> dict[str, str]:
    return {**GOOD_TRAJECT, **changes}


def t2(**changes: str) -> dict[str, str]:
    """A second traject, so that only the changed cells can be wrong."""
    return traject(traject_id="T2", **changes)


def telling(**changes: str) -> dict[str, str]:
    return {**GOOD_TELLING, **changes}


def urk(**changes: str) -> dict[str, str]:
    """A second telling with a key of its own (gemeente Urk)."""
    return telling(gemeente="Urk", **changes)


def csv_text(columns, rows, sep=";") -> str:
    """What Excel writes for 'CSV (puntkomma gescheiden)': quoted where needed, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write(base: Path, kind: str, name: str, content: str | bytes, encoding="utf-8") -> Path:
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def trajecten_file(base: Path, rows, name=TRAJECTEN, sep=";", columns=TRAJECT_COLUMNS) -> Path:
    return write(base, "trajecten", name, csv_text(columns, rows, sep))


def tellingen_file(base: Path, rows, name=TELLINGEN) -> Path:
    return write(base, "tellingen", name, csv_text(TELLING_COLUMNS, rows))


def xlsx_file(base: Path, kind: str, name: str, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    workbook.save(folder / name)
    return folder / name


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FileRefused) as refused:
        validate_file(path, REGION)
    assert refused.value.problems, "a refusal names at least one problem"
    return refused.value.problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def rows_of(path: Path) -> list[dict]:
    return validate_file(path, REGION).table.to_pylist()


# --- form: encodings, separators, dates, numbers, headers -------------------------------------


def test_semicolon_and_comma_separated_load_identically(tmp_path):
    rows = [
        traject(),
        traject(traject_id="T2", voorziening="MO", product="Nachtopvang",
                herkomstgemeente="BUITEN", verblijfsgemeente="Urk", locatie="Opvang, De Haven",
                datum_uitstroom="01-06-2024", uitstroombestemming="Wlz"),
    ]
    semicolon = trajecten_file(tmp_path / "a", rows, sep=";")
    comma = trajecten_file(tmp_path / "b", rows, sep=",")
    assert b'"Opvang, De Haven"' in comma.read_bytes()  # Excel quotes the comma
    loaded = rows_of(semicolon)
    assert loaded == rows_of(comma)
    assert [(r["_rij"], r["traject_id"], r["herkomstgemeente"], r["verblijfsgemeente"])
            for r in loaded] == [(2, "T1", "GM0034", "GM0995"), (3, "T2", "BUITEN", "GM0184")]
    assert loaded[1]["locatie"] == "Opvang, De Haven"
    assert loaded[1]["datum_uitstroom"] == date(2024, 6, 1)
    assert loaded[1]["uitstroombestemming"] == "Wlz"


def test_utf8_with_bom(tmp_path):
    text = csv_text(TRAJECT_COLUMNS, [traject(locatie="Cliëntenhuis")])
    path = write(tmp_path, "trajecten", TRAJECTEN, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbftraject_id;")
    [row] = rows_of(path)
    assert row["traject_id"] == "T1"  # the BOM is not part of the first column name
    assert row["locatie"] == "Cliëntenhuis"


def test_windows_1252_keeps_the_e_trema(tmp_path):
    text = csv_text(TRAJECT_COLUMNS, [traject(locatie="Cliënt & Zoë's huis")])
    path = write(tmp_path, "trajecten", TRAJECTEN, text, encoding="cp1252")
    assert b"Cli\xebnt" in path.read_bytes()
    [row] = rows_of(path)
    assert row["locatie"] == "Cliënt & Zoë's huis"


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused(tmp_path):
    data = csv_text(TRAJECT_COLUMNS, [traject(), traject(traject_id="T2")]).encode("cp1252")
    data = data.replace(b"T2;", b"T2\x81;")  # 0x81 is undefined in Windows-1252
    path = write(tmp_path, "trajecten", TRAJECTEN, data)
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        TRAJECTEN, 3, None, "byte 0x81")
    assert "UTF-8 of Windows-1252" in problem.expected


def test_utf16_unicode_text_is_refused_with_a_readable_message(tmp_path):
    text = csv_text(TELLING_COLUMNS, [telling()], sep="\t")  # Excel "Unicode-tekst"
    path = write(tmp_path, "tellingen", TELLINGEN, text, encoding="utf-16")
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (TELLINGEN, 1, None, None)
    assert "UTF-16" in problem.expected
    assert "\x00" not in str(problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31-03-2024", date(2024, 3, 31)),
        ("31/03/2024", date(2024, 3, 31)),
        ("2024-03-31", date(2024, 3, 31)),
        ("1-4-2024", date(2024, 4, 1)),
    ],
    ids=["dd-mm-jjjj", "dd/mm/jjjj", "iso", "no-leading-zeros"],
)
def test_dutch_and_iso_dates(tmp_path, text, expected):
    [row] = rows_of(trajecten_file(tmp_path, [traject(datum_instroom=text)]))
    assert row["datum_instroom"] == expected
    assert row["datum_aanmelding"] == date(2024, 1, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.944", 1944), ("12.345.678", 12345678), ("12,0", 12), ("0", 0), (" 7 ", 7)],
)
def test_waarde_whole_numbers_with_thousands_dots(tmp_path, text, expected):
    [row] = rows_of(tellingen_file(tmp_path, [telling(waarde=text)]))
    assert row["waarde"] == expected


def test_column_names_in_other_case_and_with_spaces(tmp_path):
    header = ";".join(f"  {c.upper()} " if i % 2 else c.title() for i, c in
                      enumerate(TRAJECT_COLUMNS))
    assert header.startswith("Traject_Id;  VOORZIENING ;")
    body = csv_text(TRAJECT_COLUMNS, [traject()]).split("\r\n", 1)[1]
    path = write(tmp_path, "trajecten", TRAJECTEN, header + "\r\n" + body)
    [row] = rows_of(path)
    assert (row["traject_id"], row["voorziening"], row["herkomstgemeente"]) == (
        "T1", "BW", "GM0034")


def test_municipality_by_cbs_code_and_by_name_in_any_case(tmp_path):
    given = ["gm0034", "ZEEWOLDE", "noordoostpolder", "GM0184", " Dronten ", "lElYsTaD",
             "buiten", "Onbekend"]
    rows = [traject(traject_id=f"T{i}", herkomstgemeente=g) for i, g in enumerate(given)]
    loaded = rows_of(trajecten_file(tmp_path, rows))
    assert [r["herkomstgemeente"] for r in loaded] == [
        "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995", "BUITEN", "ONBEKEND"]


def test_tellingen_periode_formats(tmp_path):
    rows = [
        telling(periode="2018", gemeente="Almere"),
        telling(periode="2018-K3", gemeente="Zeewolde"),
        telling(periode="2018-Q3", gemeente="Urk"),
        telling(periode="2018-07", gemeente="Dronten"),
        telling(periode="2018-k4", gemeente="TOTAAL"),
    ]
    loaded = rows_of(tellingen_file(tmp_path, rows))
    assert [(r["periode"], r["periode_type"], r["periode_start"], r["periode_eind"])
            for r in loaded] == [
        ("2018", "jaar", date(2018, 1, 1), date(2018, 12, 31)),
        ("2018-K3", "kwartaal", date(2018, 7, 1), date(2018, 9, 30)),
        ("2018-K3", "kwartaal", date(2018, 7, 1), date(2018, 9, 30)),
        ("2018-07", "maand", date(2018, 7, 1), date(2018, 7, 31)),
        ("2018-K4", "kwartaal", date(2018, 10, 1), date(2018, 12, 31)),
    ]
    assert [r["gemeente"] for r in loaded] == ["GM0034", "GM0050", "GM0184", "GM0303", "TOTAAL"]


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_with_real_date_cells(tmp_path):
    rows = [
        TRAJECT_COLUMNS,
        [1001, "BW", "BW hoog", "Nieuw", "Almere", "Almere", "Cliënt", datetime(2024, 1, 5),
         datetime(2024, 2, 1), datetime(2024, 9, 30), "Wlz"],
        ["T2", "VO", "Noodbed", "Verlenging", "GM0995", None, None, date(2024, 3, 1),
         None, None, None],
        [None] * len(TRAJECT_COLUMNS),  # empty trailing row
    ]
    path = xlsx_file(tmp_path, "trajecten", "trajecten_ggd_2024-12-31.xlsx", {"trajecten": rows})
    loaded = rows_of(path)
    assert [(r["_rij"], r["traject_id"], r["datum_aanmelding"], r["datum_instroom"],
             r["datum_uitstroom"]) for r in loaded] == [
        (2, "1001", date(2024, 1, 5), date(2024, 2, 1), date(2024, 9, 30)),
        (3, "T2", date(2024, 3, 1), None, None),
    ]
    assert loaded[0]["locatie"] == "Cliënt"


def test_xlsx_only_sheet_with_another_name_loads_from_the_first_sheet(tmp_path):
    rows = [TELLING_COLUMNS, ["Politie", "E33", "meldingen", "2024-K2", "Urk", None, 1944, None]]
    path = xlsx_file(tmp_path, "tellingen", TELLINGEN.replace(".csv", ".xlsx"), {"Blad1": rows})
    [row] = rows_of(path)
    assert (row["periode"], row["gemeente"], row["waarde"]) == ("2024-K2", "GM0184", 1944)


def test_xlsx_sheet_named_after_the_kind_wins_over_the_first_sheet(tmp_path):
    rows = [TELLING_COLUMNS, ["Politie", "E33", "meldingen", "2024", "Dronten", None, 5, None]]
    path = xlsx_file(tmp_path, "tellingen", "tellingen_politie.xlsx",
                     {"Toelichting": [["Lees dit eerst"]], " Tellingen ": rows})
    [row] = rows_of(path)
    assert (row["_rij"], row["gemeente"], row["waarde"]) == (2, "GM0303", 5)


def test_xlsx_first_sheet_is_an_explanation_and_no_sheet_named_after_the_kind(tmp_path):
    data = [TRAJECT_COLUMNS, list(GOOD_TRAJECT.values())]
    name = "trajecten_ggd_2024-12-31.xlsx"
    path = xlsx_file(tmp_path, "trajecten", name, {
        "Toelichting": [["Toelichting bij de levering"], [None], ["Gegevens op blad 2"]],
        "Gegevens": data,
    })
    problems = problems_of(path)
    required = ["traject_id", "voorziening", "product", "aanmelding_type", "herkomstgemeente",
                "datum_aanmelding"]
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        (f"{name} [blad Toelichting]", 1, column, None) for column in required]
    assert "gevonden: toelichting bij de levering" in problems[0].expected
    assert str(problems[0]) == (
        "trajecten_ggd_2024-12-31.xlsx [blad Toelichting], rij 1, kolom 'traject_id': "
        "verwacht: een kolom 'traject_id' in de kopregel "
        "(gevonden: toelichting bij de levering)"
    )


def test_damaged_xlsx_is_refused(tmp_path):
    path = write(tmp_path, "tellingen", "tellingen_politie.xlsx", b"PK\x03\x04 half verzonden")
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "tellingen_politie.xlsx", None, None, None)
    assert problem.expected.startswith("een leesbaar Excel-bestand (.xlsx)")


def test_xlsx_empty_sheet_is_refused(tmp_path):
    path = xlsx_file(tmp_path, "capaciteit", "capaciteit_x.xlsx", {"capaciteit": []})
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "capaciteit_x.xlsx [blad capaciteit]", None, None, None)
    assert "kopregel" in problem.expected


def test_xlsx_problem_row_counts_rows_above_the_header(tmp_path):
    rows = [[None], CAPACITEIT_COLUMNS,
            ["MO", "Leger des Heils", "De Haven", "Lelystad", None, 12.5, date(2024, 1, 1), None]]
    path = xlsx_file(tmp_path, "capaciteit", "capaciteit_x.xlsx", {"capaciteit": rows})
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "capaciteit_x.xlsx [blad capaciteit]", 3, "plekken", "12.5")
    assert "een geheel getal van 0 of meer" in problem.expected


# --- one wrong cell or row: the exact problem -------------------------------------------------

# (row 3 changed in a trajecten file whose row 2 is good) -> (column, value, expected fragment)
TRAJECT_CASES = {
    "unknown-municipality": (
        t2(herkomstgemeente="Amsterdam"),
        ("herkomstgemeente", "Amsterdam", f"een gemeente van de regio ({FLEVOLAND})"),
    ),
    "verblijfsgemeente-outside-region": (
        t2(verblijfsgemeente="BUITEN"),
        ("verblijfsgemeente", "BUITEN", f"een gemeente van de regio ({FLEVOLAND}), als naam"),
    ),
    "uitstroom-before-instroom": (
        t2(datum_instroom="01-02-2024", datum_uitstroom="15-01-2024",
                uitstroombestemming="Anders"),
        ("datum_uitstroom", "15-01-2024", "een datum op of na datum_instroom (01-02-2024)"),
    ),
    "uitstroom-without-instroom": (
        t2(datum_instroom="", verblijfsgemeente="", datum_uitstroom="01-03-2024",
                uitstroombestemming="Anders"),
        ("datum_instroom", "", "een datum_instroom bij een datum_uitstroom"),
    ),
    "instroom-before-aanmelding": (
        t2(datum_instroom="04-01-2024"),
        ("datum_instroom", "04-01-2024", "een datum op of na datum_aanmelding (05-01-2024)"),
    ),
    "date-after-peildatum": (
        t2(datum_aanmelding="02-01-2025", datum_instroom=""),
        ("datum_aanmelding", "02-01-2025",
         "een datum op of vóór de peildatum van het bestand (31-12-2024)"),
    ),
    "product-of-other-voorziening": (
        t2(voorziening="VO", product="BW hoog"),
        ("product", "BW hoog", "een product van VO: Noodbed, Crisisopvang, Begeleid wonen"),
    ),
    "unknown-product": (
        t2(product="Skaeve huse"),
        ("product", "Skaeve huse", "een van: BW midden, BW hoog, Combinatie"),
    ),
    "non-existing-date": (
        t2(datum_aanmelding="31-02-2024"),
        ("datum_aanmelding", "31-02-2024", "een bestaande datum"),
    ),
    "not-a-date": (
        t2(datum_aanmelding="maart 2024"),
        ("datum_aanmelding", "maart 2024",
         "een datum als 2024-03-31, 31-03-2024 of 31/03/2024"),
    ),
    "required-value-empty": (
        t2(aanmelding_type=" "),
        ("aanmelding_type", "", "een waarde (verplichte kolom)"),
    ),
    "duplicate-traject-id": (
        traject(),
        ("traject_id", "T1", "een traject_id die één keer voorkomt per voorziening (ook op rij 2)"),
    ),
    "uitstroom-without-bestemming": (
        t2(datum_uitstroom="01-06-2024"),
        ("uitstroombestemming", "", "een uitstroombestemming bij een datum_uitstroom"),
    ),
    "instroom-without-verblijfsgemeente": (
        t2(verblijfsgemeente=""),
        ("verblijfsgemeente", "", "een verblijfsgemeente bij een datum_instroom"),
    ),
    "bsn-inside-text-column": (
        t2(locatie="Cliënt 111222333"),
        ("locatie", None, "geen BSN (negen cijfers die de elfproef doorstaan)"),
    ),
    "bsn-as-traject-id": (
        traject(traject_id="111222333"),
        ("traject_id", None, "geen BSN"),
    ),
}


@pytest.mark.parametrize(("row3", "expected"), TRAJECT_CASES.values(), ids=TRAJECT_CASES.keys())
def test_trajecten_row_refused(tmp_path, row3, expected):
    path = trajecten_file(tmp_path, [traject(), row3])
    problem = only_problem(path)
    column, value, fragment = expected
    assert (problem.file, problem.row, problem.column, problem.value) == (
        TRAJECTEN, 3, column, value)
    assert fragment in problem.expected


def test_unknown_municipality_message(tmp_path):
    path = trajecten_file(tmp_path, [traject(), traject(traject_id="T2",
                                                        herkomstgemeente="Amsterdam")])
    assert str(only_problem(path)) == (
        "trajecten_ggd_2024-12-31.csv, rij 3, kolom 'herkomstgemeente': waarde 'Amsterdam' is "
        f"ongeldig; verwacht: een gemeente van de regio ({FLEVOLAND}), als naam of CBS-code, "
        "of BUITEN, of ONBEKEND"
    )


def test_duplicate_traject_id_names_the_second_row_and_the_first(tmp_path):
    rows = [traject(), traject(traject_id="T2"), traject(traject_id="T3"),
            traject(traject_id="T2", voorziening="MO", product="Nachtopvang"),  # other voorz.
            traject(traject_id="T2")]
    problem = only_problem(trajecten_file(tmp_path, rows))
    assert (problem.row, problem.column, problem.value) == (6, "traject_id", "T2")
    assert str(problem) == (
        "trajecten_ggd_2024-12-31.csv, rij 6, kolom 'traject_id': waarde 'T2' is ongeldig; "
        "verwacht: een traject_id die één keer voorkomt per voorziening (ook op rij 3)"
    )


def test_uitstroom_before_instroom_message(tmp_path):
    row = traject(datum_instroom="01-02-2024", datum_uitstroom="15-01-2024",
                  uitstroombestemming="Anders")
    assert str(only_problem(trajecten_file(tmp_path, [row]))) == (
        "trajecten_ggd_2024-12-31.csv, rij 2, kolom 'datum_uitstroom': waarde '15-01-2024' is "
        "ongeldig; verwacht: een datum op of na datum_instroom (01-02-2024)"
    )


# (row 3 changed in a tellingen file whose row 2 is good) -> (column, value, expected fragment)
TELLING_CASES = {
    "negative-waarde": (urk(waarde="-3"), ("waarde", "-3", "een geheel getal van 0 of meer")),
    "fractional-waarde": (
        urk(waarde="12,5"), ("waarde", "12,5", "een geheel getal van 0 of meer")),
    "waarde-text": (urk(waarde="n.v.t."), ("waarde", "n.v.t.", "een geheel getal")),
    "periode-quarter-5": (
        urk(periode="2018-K5"),
        ("periode", "2018-K5",
         "een jaar (2018), kwartaal (2018-K3 of 2018-Q3) of maand (2018-07)")),
    "periode-month-13": (urk(periode="2018-13"), ("periode", "2018-13", "maand (2018-07)")),
    "periode-words": (urk(periode="Q3 2018"), ("periode", "Q3 2018", "kwartaal (2018-K3")),
    "periode-after-peildatum": (
        urk(periode="2025"),
        ("periode", "2025", "een periode die begint op of vóór de peildatum (31-12-2024)")),
    "same-key-twice": (
        # a duplicate names both rows (in Problem.found), not "waarde '13' is ongeldig"
        telling(waarde="13"), (None, None, "één rij per bron, voorziening, indicator, periode")),
    "unknown-voorziening": (
        urk(voorziening="WMO"), ("voorziening", "WMO", "een van: BW, MO, VO, E33, OGGZ")),
    "dimensie-without-is": (
        urk(dimensie="Detentie"), ("dimensie", "Detentie", "naam=waarde")),
}


@pytest.mark.parametrize(("row3", "expected"), TELLING_CASES.values(), ids=TELLING_CASES.keys())
def test_tellingen_row_refused(tmp_path, row3, expected):
    path = tellingen_file(tmp_path, [telling(), row3])
    problem = only_problem(path)
    column, value, fragment = expected
    assert (problem.file, problem.row, problem.column, problem.value) == (
        TELLINGEN, 3, column, value)
    assert fragment in problem.expected


def test_fractional_waarde_message(tmp_path):
    path = tellingen_file(tmp_path, [telling(waarde="12,5")])
    assert str(only_problem(path)) == (
        "tellingen_politie_2024-12-31.csv, rij 2, kolom 'waarde': waarde '12,5' is ongeldig; "
        "verwacht: een geheel getal van 0 of meer (duizendtallen mogen met een punt: 1.944)"
    )


def test_capaciteit_product_of_other_voorziening(tmp_path):
    rows = [GOOD_CAPACITEIT, {**GOOD_CAPACITEIT, "locatie": "Het Anker", "product": "Noodbed"}]
    path = write(tmp_path, "capaciteit", CAPACITEIT, csv_text(CAPACITEIT_COLUMNS, rows))
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        CAPACITEIT, 3, "product", "Noodbed")
    assert problem.expected.startswith("een product van MO: Nachtopvang, Crisisopvang")


# --- privacy ----------------------------------------------------------------------------------


def test_elfproef_examples():
    assert passes_elfproef("111222333")  # 9+8+7+12+10+8+9+6 - 3 = 66 = 6 x 11
    assert not passes_elfproef("123456789")  # 156 - 9 = 147, not a multiple of 11


@pytest.mark.parametrize("header", ["bsn", " BSN ", "bsn_client", "Burgerservicenummer"])
def test_bsn_column_is_refused(tmp_path, header):
    columns = [*TRAJECT_COLUMNS, header]
    body = csv_text(TRAJECT_COLUMNS, [traject()]).split("\r\n", 1)[1]
    body = body.replace("\r\n", ";123456789\r\n")  # not even a valid BSN: the column is enough
    path = write(tmp_path, "trajecten", TRAJECTEN, ";".join(columns) + "\r\n" + body)
    problem = only_problem(path)
    name = header.strip().lower()
    assert (problem.file, problem.row, problem.column, problem.value) == (
        TRAJECTEN, 1, name, name)
    assert "geen kolom met BSN's" in problem.expected


def test_bsn_in_an_extra_column_is_refused_without_echoing_it(tmp_path):
    columns = [*TRAJECT_COLUMNS, "notitie"]
    rows = [traject(), traject(traject_id="T2", notitie="nr 111222333 gebeld")]
    problem = only_problem(trajecten_file(tmp_path, rows, columns=columns))
    assert (problem.row, problem.column, problem.value) == (3, "notitie", None)
    assert "111222333" not in str(problem)
    assert str(problem) == (
        "trajecten_ggd_2024-12-31.csv, rij 3, kolom 'notitie': verwacht: geen BSN (negen "
        "cijfers die de elfproef doorstaan): de monitor bewaart geen direct identificerende "
        "gegevens"
    )


def test_nine_digits_failing_the_elfproef_are_accepted(tmp_path):
    rows = [traject(traject_id="123456789", locatie="Postbus 123456789")]
    [row] = rows_of(trajecten_file(tmp_path, rows))
    assert (row["traject_id"], row["locatie"]) == ("123456789", "Postbus 123456789")


# --- whole-file problems ----------------------------------------------------------------------


def test_missing_required_column(tmp_path):
    columns = [c for c in TELLING_COLUMNS if c != "waarde"]
    path = write(tmp_path, "tellingen", TELLINGEN, csv_text(columns, [telling()]))
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        TELLINGEN, 1, "waarde", None)
    assert problem.expected == (
        "een kolom 'waarde' in de kopregel "
        "(gevonden: bron, voorziening, indicator, periode, gemeente, dimensie, opmerking)"
    )


@pytest.mark.parametrize(
    "content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["0-bytes", "bom-only", "blank-lines"]
)
def test_empty_file(tmp_path, content):
    path = write(tmp_path, "trajecten", TRAJECTEN, content)
    problem = only_problem(path)
    assert problem == Problem(TRAJECTEN, "een kopregel en ten minste één rij")


def test_header_only(tmp_path):
    path = write(tmp_path, "trajecten", TRAJECTEN, csv_text(TRAJECT_COLUMNS, []) + ";;;\r\n")
    problem = only_problem(path)
    assert problem == Problem(
        TRAJECTEN, "ten minste één rij met gegevens onder de kopregel", 2, None, None)


def test_duplicate_column_name(tmp_path):
    columns = [*TELLING_COLUMNS, " Waarde"]
    body = csv_text(TELLING_COLUMNS, [telling()]).split("\r\n", 1)[1].replace("\r\n", ";12\r\n")
    path = write(tmp_path, "tellingen", TELLINGEN, ";".join(columns) + "\r\n" + body)
    problem = only_problem(path)
    assert (problem.row, problem.column, problem.value) == (1, "waarde", "waarde")
    assert problem.expected == "elke kolomnaam één keer"


def test_more_values_than_columns(tmp_path):
    text = csv_text(TELLING_COLUMNS, [telling()]) + "Politie;E33;meldingen;2024;Urk;;1;;extra\r\n"
    problem = only_problem(write(tmp_path, "tellingen", TELLINGEN, text))
    assert (problem.file, problem.row) == (TELLINGEN, 3)
    assert "niet meer waarden dan de 8 kolommen" in problem.expected


@pytest.mark.parametrize(
    ("folder", "name", "fragment"),
    [
        ("overig", "gegevens.csv", "een bestand in data/raw/trajecten, tellingen of capaciteit"),
        ("trajecten", "trajecten_ggd_2024-12-31.xls", "de extensie .csv of .xlsx"),
        ("tellingen", "tellingen_politie.txt", "de extensie .csv of .xlsx"),
    ],
    ids=["unknown-folder", "xls", "txt"],
)
def test_unknown_folder_or_wrong_extension(tmp_path, folder, name, fragment):
    path = write(tmp_path, folder, name, csv_text(TELLING_COLUMNS, [telling()]))
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (name, None, None, None)
    assert fragment in problem.expected


@pytest.mark.parametrize(
    "name",
    ["trajecten_ggd.csv", "trajecten_ggd_31-12-2024.csv", "trajecten_ggd_2024-02-30.csv",
     "trajecten_2024-12-31.csv"],
)
def test_trajecten_file_name_without_peildatum(tmp_path, name):
    path = trajecten_file(tmp_path, [traject()], name=name)
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.value) == (name, None, None, None)
    assert "een bestandsnaam trajecten_<bron>_<peildatum JJJJ-MM-DD>" in problem.expected


# --- Excel row numbers ------------------------------------------------------------------------


def test_empty_rows_are_ignored_and_do_not_shift_row_numbers(tmp_path):
    empty = ";" * (len(TRAJECT_COLUMNS) - 1) + "\r\n"
    good = csv_text(TRAJECT_COLUMNS, [traject()])  # header = row 1, T1 = row 2
    later = csv_text(TRAJECT_COLUMNS, [traject(traject_id="T2")]).split("\r\n", 1)[1]
    text = good + "\r\n" + empty + later + empty * 3 + "\r\n"  # T2 = row 5
    loaded = rows_of(write(tmp_path / "ok", "trajecten", TRAJECTEN, text))
    assert [(r["_rij"], r["traject_id"]) for r in loaded] == [(2, "T1"), (5, "T2")]

    bad = later.replace("Almere", "Amsterdam")
    problem = only_problem(write(tmp_path / "bad", "trajecten", TRAJECTEN,
                                 good + "\r\n" + empty + bad + empty * 3))
    assert (problem.row, problem.column, problem.value) == (5, "herkomstgemeente", "Amsterdam")


def test_quoted_line_break_is_one_excel_row(tmp_path):
    rows = [traject(locatie="Huis De Linde\r\nachterhuis"),
            traject(traject_id="T2", herkomstgemeente="Amsterdam")]
    text = csv_text(TRAJECT_COLUMNS, rows)
    assert text.count("\r\n") == 4  # four physical lines, three Excel rows
    problem = only_problem(write(tmp_path, "trajecten", TRAJECTEN, text))
    assert (problem.row, problem.column, problem.value) == (3, "herkomstgemeente", "Amsterdam")

    good = csv_text(TRAJECT_COLUMNS, [rows[0], traject(traject_id="T2")])
    ok = write(tmp_path / "ok", "trajecten", TRAJECTEN, good)
    loaded = rows_of(ok)
    assert [r["_rij"] for r in loaded] == [2, 3]
    assert loaded[0]["locatie"] == "Huis De Linde\r\nachterhuis"


# --- every problem, and the command line -------------------------------------------------------


def test_every_problem_of_a_file_is_reported(tmp_path):
    rows = [
        traject(herkomstgemeente="Amsterdam"),  # a cell
        traject(traject_id="T2", datum_instroom="01-02-2024", datum_uitstroom="15-01-2024",
                uitstroombestemming="Anders"),  # two cells of one row
        traject(traject_id="T3", voorziening="MO"),  # BW midden is no MO product
    ]
    problems = problems_of(trajecten_file(tmp_path, rows))
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "herkomstgemeente", "Amsterdam"),
        (3, "datum_uitstroom", "15-01-2024"),
        (4, "product", "BW midden"),
    ]
    assert {p.file for p in problems} == {TRAJECTEN}


def test_every_cell_problem_of_a_tellingen_file_is_reported(tmp_path):
    rows = [telling(waarde="-1"), telling(gemeente="Urk", periode="2018-K9"),
            telling(gemeente="Amsterdam")]
    problems = problems_of(tellingen_file(tmp_path, rows))
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "waarde", "-1"), (3, "periode", "2018-K9"), (4, "gemeente", "Amsterdam")]


def test_cli_check_refuses_a_bad_file(tmp_path, capsys):
    path = trajecten_file(tmp_path, [traject(), traject(traject_id="T2", product="Noodbed")])
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Bestand geweigerd: trajecten_ggd_2024-12-31.csv (1 probleem/problemen)" in out
    assert (
        "trajecten_ggd_2024-12-31.csv, rij 3, kolom 'product': waarde 'Noodbed' is ongeldig; "
        "verwacht: een product van BW: BW midden, BW hoog, Combinatie, Beschut wonen"
    ) in out


def test_cli_check_accepts_a_good_file(tmp_path, capsys):
    path = trajecten_file(tmp_path, [traject(), traject(traject_id="T2")])
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "goedgekeurd" in out
    assert (
        "Bestand goedgekeurd: trajecten_ggd_2024-12-31.csv (trajecten, bron ggd, "
        "peildatum 2024-12-31, 2 rijen)"
    ) in out


def test_cli_check_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "trajecten" / TRAJECTEN)]) == 2
    assert "Bestand niet gevonden" in capsys.readouterr().err


# --- the warehouse guarantee -------------------------------------------------------------------


def _good_raw(raw: Path) -> None:
    trajecten_file(raw, [
        traject(),
        traject(traject_id="T2", voorziening="MO", product="Nachtopvang",
                herkomstgemeente="Urk", verblijfsgemeente="Urk", datum_aanmelding="01-03-2024",
                datum_instroom="02-03-2024", datum_uitstroom="01-06-2024",
                uitstroombestemming="Anders"),
    ])
    tellingen_file(raw, [telling(waarde="1.944"), telling(gemeente="TOTAAL", waarde="2.000")])
    write(raw, "capaciteit", CAPACITEIT, csv_text(CAPACITEIT_COLUMNS, [GOOD_CAPACITEIT]))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bad_trajecten(raw: Path) -> tuple[str, str]:
    rows = [traject(traject_id="T9"), traject(traject_id="T10", herkomstgemeente="Amsterdam")]
    trajecten_file(raw, rows, name="trajecten_ggd_2025-01-31.csv")
    return "trajecten_ggd_2025-01-31.csv", "rij 3, kolom 'herkomstgemeente'"


def _bad_tellingen(raw: Path) -> tuple[str, str]:
    tellingen_file(raw, [telling(waarde="-5")], name="tellingen_politie_2025-01-31.csv")
    return "tellingen_politie_2025-01-31.csv", "rij 2, kolom 'waarde'"


def _bad_capaciteit_xlsx(raw: Path) -> tuple[str, str]:
    rows = [CAPACITEIT_COLUMNS,
            ["MO", "Kwintes", "Het Anker", "Almere", None, 8, datetime(2024, 1, 1), None],
            ["MO", "Kwintes", "De Boei", "Almere", None, 4, datetime(2024, 1, 1), None],
            ["MO", "Kwintes", "De Kade", "Almere", None, "12,5", datetime(2024, 1, 1), None]]
    xlsx_file(raw, "capaciteit", "capaciteit_kwintes_2025-01-31.xlsx", {"capaciteit": rows})
    return "capaciteit_kwintes_2025-01-31.xlsx [blad capaciteit]", "rij 4, kolom 'plekken'"


def _bad_bsn(raw: Path) -> tuple[str, str]:
    trajecten_file(raw, [traject(traject_id="T9", locatie="111222333")],
                   name="trajecten_zorg_2025-01-31.csv")
    return "trajecten_zorg_2025-01-31.csv", "rij 2, kolom 'locatie'"


@pytest.mark.parametrize(
    "add_bad_file", [_bad_trajecten, _bad_tellingen, _bad_capaciteit_xlsx, _bad_bsn],
    ids=["trajecten-gemeente", "tellingen-negatief", "capaciteit-xlsx-breuk", "bsn"],
)
def test_a_refused_file_leaves_the_warehouse_as_it_was(tmp_path, add_bad_file):
    raw, folder = tmp_path / "raw", tmp_path / "wh"
    warehouse = folder / "warehouse.duckdb"
    _good_raw(raw)
    assert len(build(raw, warehouse, settings.REFERENCE_DIR).files) == 3
    before = (_sha256(warehouse), warehouse.stat().st_mtime_ns, sorted(os.listdir(folder)))
    assert before[2] == ["intern", "warehouse.duckdb"]  # intern/: the internal store

    file_label, where = add_bad_file(raw)
    with pytest.raises(BuildFailed) as failed:
        build(raw, warehouse, settings.REFERENCE_DIR)

    message = str(failed.value)
    assert "De warehouse is niet bijgewerkt: 1 bestand(en) geweigerd." in message
    assert f"Bestand geweigerd: {file_label}" in message
    assert f"{file_label}, {where}" in message
    assert [r.file for r in failed.value.refusals] == [file_label]
    after = (_sha256(warehouse), warehouse.stat().st_mtime_ns, sorted(os.listdir(folder)))
    assert after == before  # byte-identical, untouched, and no temporary files left behind
