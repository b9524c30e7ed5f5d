"""Property-based tests: malformed files of every kind and format end in a clean refusal or a
correct load, never in another exception (issue 10, point 3).

Hypothesis generates the files: random cells (odd numbers, dates, quotes, separators, line
breaks, long text), and random byte mutations and truncations of a good file. Derandomized,
so a CI run is deterministic; 80 examples per test keeps the file well under a minute.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from etl import settings as etl_settings
from etl.problems import FileRefused
from etl.readers import lees_grenzen
from etl.reference import load_region
from etl.validate import validate_file

REGION = load_region(etl_settings.REFERENCE_DIR)
LIMITS = lees_grenzen()
FAST = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NAMES = {"trajecten": "trajecten_ggd_2024-12-31", "tellingen": "tellingen_politie_2024-12-31",
         "capaciteit": "capaciteit_kader_2024-12-31"}
GOOD = {
    "trajecten": {
        "traject_id": "T1", "voorziening": "BW", "product": "BW midden",
        "aanmelding_type": "Nieuw", "herkomstgemeente": "Almere",
        "verblijfsgemeente": "Lelystad", "locatie": "Huis A", "datum_aanmelding": "2024-01-05",
        "datum_instroom": "2024-02-01", "datum_uitstroom": "", "uitstroombestemming": "",
    },
    "tellingen": {
        "bron": "Politie", "voorziening": "E33", "indicator": "meldingen", "periode": "2024-K1",
        "gemeente": "Almere", "dimensie": "", "waarde": "12", "opmerking": "",
    },
    "capaciteit": {
        "voorziening": "MO", "aanbieder": "Leger des Heils", "locatie": "De Haven",
        "gemeente": "Lelystad", "product": "Nachtopvang", "plekken": "20",
        "geldig_vanaf": "01-01-2024", "geldig_tot": "",
    },
}
KINDS = st.sampled_from(sorted(GOOD))

# what a cell may hold: awkward text, odd numbers and dates, and the values of good rows
ODD_TEXT = st.sampled_from([
    "", " ", '"', '""', '"x', 'x"', ";", ",", "\t", "\r\n", "\n", "a;b\r\nc;d;e;f;g;h;i",
    "inf", "-inf", "nan", "1e400", "12345678901234567890", "-1", "1,5", "1.944", "0x1F",
    "0000", "9999-K4", "2024-K5", "2024-13", "01-01-0001", "31-12-9999", "2024-02-30",
    "111222333", "1112.22.333", "=1+1", "BUITEN", "ONBEKEND", "TOTAAL", "Almere", "GM0034",
    "product=BW midden", "=", "x" * 3000,
])
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
NUMBERS = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True,
                                                             allow_infinity=True))
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def cells(kind: str) -> st.SearchStrategy[object]:
    good = st.sampled_from([v for v in GOOD[kind].values() if v])
    return st.one_of(good, good, ODD_TEXT, TEXT, NUMBERS.map(str), DATES.map(str))


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[object]]]:
    kind = draw(KINDS)
    columns = list(GOOD[kind])
    good = [GOOD[kind][c] for c in columns]
    rows = draw(st.lists(
        st.lists(st.one_of(cells(kind), cells(kind)), min_size=len(columns),
                 max_size=len(columns)) | st.just(good),
        max_size=8))
    return kind, columns, rows


def write_csv(folder: Path, kind: str, columns: list[str], rows: list[list[object]],
              sep: str) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path = folder / kind / f"{NAMES[kind]}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(folder: Path, kind: str, columns: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    path = folder / kind / f"{NAMES[kind]}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def outcome(path: Path) -> int | None:
    """The loaded row count, or None for a refusal; any other exception fails the test."""
    try:
        return validate_file(path, REGION, limits=LIMITS).rows
    except FileRefused as refused:
        assert refused.problems
        refused.report()  # the report itself must not fail either
        return None


def blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def data_rows(rows: list[list[object]]) -> int:
    return sum(1 for row in rows if not all(blank(c) for c in row))


# --- generated tables: a refusal, or every written row loaded ------------------------------------


@FAST
@given(tables(), st.sampled_from([";", ","]))
def test_generated_csv_is_refused_or_loaded_whole(table, sep):
    kind, columns, rows = table
    with tempfile.TemporaryDirectory() as folder:
        loaded = outcome(write_csv(Path(folder), kind, columns, rows, sep))
    if loaded is not None:
        assert loaded == data_rows(rows)


XLSX_CELLS = st.one_of(
    st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.none(),
)


@FAST
@given(tables(), st.lists(st.tuples(st.integers(0, 9), st.integers(0, 15), XLSX_CELLS),
                          max_size=6))
def test_generated_xlsx_is_refused_or_loaded_whole(table, typed):
    kind, columns, rows = table
    rows = [list(r) for r in rows]
    for row, column, value in typed:  # native Excel numbers and dates in random cells
        if row < len(rows) and column < len(columns):
            rows[row][column] = value
    with tempfile.TemporaryDirectory() as folder:
        loaded = outcome(write_xlsx(Path(folder), kind, columns, rows))
    if loaded is not None:
        assert loaded == data_rows(rows)


# --- damaged files: random byte changes and truncation of a good file ----------------------------

MUTATION = st.tuples(st.integers(0, 10**6),
                     st.sampled_from([b'"', b";", b",", b"\r\n", b"\n", b"\x00", b"\xff",
                                      b"\x81", b"\xe9", b"9", b"", b"=", b"\t"]),
                     st.booleans())


def mutate(data: bytes, mutations: list[tuple[int, bytes, bool]], cut: int | None) -> bytes:
    for position, insert, replace in mutations:
        position %= len(data) + 1
        data = data[:position] + insert + data[position + (1 if replace else 0):]
    return data if cut is None else data[: cut % (len(data) + 1)]


def good_rows(kind: str, n: int) -> list[list[object]]:
    rows = []
    for i in range(n):
        row = dict(GOOD[kind])
        row["traject_id" if kind == "trajecten" else "locatie" if kind == "capaciteit"
            else "gemeente"] = {"trajecten": f"T{i}", "capaciteit": f"Locatie {i}",
                                "tellingen": ["Almere", "Urk", "Dronten", "Lelystad",
                                              "Zeewolde", "Noordoostpolder"][i % 6]}[kind]
        rows.append([row[c] for c in GOOD[kind]])
    return rows


@FAST
@given(KINDS, st.lists(MUTATION, max_size=6), st.none() | st.integers(0, 10**6),
       st.sampled_from([";", ",", "\t"]))
def test_damaged_csv_is_refused_or_loaded(kind, mutations, cut, sep):
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder), kind, list(GOOD[kind]), good_rows(kind, 5), sep)
        assert outcome(path) == 5  # the undamaged file loads
        path.write_bytes(mutate(path.read_bytes(), mutations, cut))
        outcome(path)


@FAST
@given(KINDS, st.lists(MUTATION, max_size=4), st.none() | st.integers(0, 10**5))
def test_damaged_xlsx_is_refused_or_loaded(kind, mutations, cut):
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder), kind, list(GOOD[kind]), good_rows(kind, 5))
        assert outcome(path) == 5
        path.write_bytes(mutate(path.read_bytes(), mutations, cut))
        outcome(path)


@FAST
@given(KINDS, st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    [b"<", b">", b"/", b'"', b"0", b"9", b"&", b"\x00", b"t=\"s\"", b"<v>", b"</c>"]),
    st.booleans()), min_size=1, max_size=4))
def test_damaged_sheet_xml_is_refused_or_loaded(kind, mutations):
    """Damage inside the zip, where a byte flip of the archive would only break its checksum."""
    import zipfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder), kind, list(GOOD[kind]), good_rows(kind, 5))
        with zipfile.ZipFile(path) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist()}
        for name in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
            if name in members:
                members[name] = mutate(members[name], mutations, None)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        outcome(path)


# --- valid-looking files: awkward but legal free text and blank rows, every row loaded -----------

FREE_TEXT = {"trajecten": "locatie", "tellingen": "opmerking", "capaciteit": "aanbieder"}
LEGAL_TEXT = st.text(st.sampled_from('abcëé XYZ"\'\r\n,;\t-./()'), max_size=15)


@FAST
@given(KINDS, st.lists(st.tuples(LEGAL_TEXT, st.booleans()), min_size=1, max_size=6),
       st.sampled_from([";", ","]), st.booleans())
def test_awkward_but_legal_files_load_every_row(kind, texts, sep, as_xlsx):
    columns = list(GOOD[kind])
    rows = good_rows(kind, len(texts))
    written: list[list[object]] = []
    for row, (text, blank_after) in zip(rows, texts, strict=True):
        row[columns.index(FREE_TEXT[kind])] = text if text.strip() else "x"
        written.append(row)
        if blank_after:
            written.append([""] * len(columns))
    with tempfile.TemporaryDirectory() as folder:
        if as_xlsx:
            path = write_xlsx(Path(folder), kind, columns, written)
        else:
            path = write_csv(Path(folder), kind, columns, written, sep)
        assert outcome(path) == len(rows)
