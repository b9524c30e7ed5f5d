"""Read a supplier's CSV or xlsx into header + rows of raw cells, keeping Excel row numbers.

Suppliers work in Excel, so this is forgiving about form: UTF-8 with or without BOM or
Windows-1252, `;` or `,` (or tab) as separator, header names in any case with spaces
around them, trailing empty rows. Meaning is checked later, in `etl.validate`.

It is strict about bounds (config/invoer.toml): the file's size is checked before it is read,
an xlsx's unpacked size before it is unpacked, and reading stops at the first row or cell over
its limit, so no file can hang the ETL or fill memory. And it never loses rows in silence: a
quote that swallows rows, or rows split by another separator than the header, is a refusal.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etl import settings
from etl.problems import FileRefused, Problem

if TYPE_CHECKING:  # openpyxl is imported when an xlsx is read: CSV-only runs stay light
    from openpyxl.workbook.workbook import Workbook


@dataclass(frozen=True)
class FormulaWithoutValue:
    """An xlsx cell with a formula but no stored result (the file was never opened in Excel
    after the formula was written): its value is unknown, which is not the same as empty."""

    formula: str

    def __str__(self) -> str:
        return self.formula


Cell = str | int | float | date | datetime | FormulaWithoutValue | None

SUPPORTED_SUFFIXES = (".csv", ".xlsx")

# Excel allows 16,384 columns; the contract has at most 16. A row reaching past this column
# is refused rather than padded out, so one stray cell cannot cost 16,384 cells per row.
MAX_KOLOMMEN = 200


# --- limits ---------------------------------------------------------------------------------

GRENZEN_CONFIG = settings.CONFIG_DIR / "invoer.toml"
MB = 1024 * 1024


class InvoerConfigFout(ValueError):
    """config/invoer.toml is not valid; the message is Dutch (for the data steward)."""


@dataclass(frozen=True)
class Limits:
    """The bounds on every input file (config/invoer.toml)."""

    max_megabytes: float
    max_rijen: int
    max_tekens_per_cel: int
    xlsx_max_uitgepakt_megabytes: float

    @property
    def max_bytes(self) -> int:
        return int(self.max_megabytes * MB)

    @property
    def xlsx_max_bytes(self) -> int:
        return int(self.xlsx_max_uitgepakt_megabytes * MB)


# name: (integer only, lowest, highest); the highest keep one file within a 2 GiB budget
_GRENZEN = {
    "max_megabytes": (False, 0, 2048),
    "max_rijen": (True, 0, 10_000_000),
    # below the csv module's own field limit (131,072), so that limit never speaks first
    "max_tekens_per_cel": (True, 0, 100_000),
    "xlsx_max_uitgepakt_megabytes": (False, 0, 4096),
}


def lees_grenzen(pad: Path | None = None) -> Limits:
    """config/invoer.toml (or $FLEVOMONITOR_INVOER), checked; InvoerConfigFout when not valid."""
    pad = pad or Path(os.environ.get("FLEVOMONITOR_INVOER") or GRENZEN_CONFIG)
    try:
        ruw = settings.lees_toml(pad)
    except settings.TomlFout as fout:
        raise InvoerConfigFout(str(fout)) from fout
    onbekend = sorted(set(ruw) - set(_GRENZEN))
    if onbekend:
        raise InvoerConfigFout(f"{pad.name}: onbekende instelling {', '.join(onbekend)} "
                               f"(bekend zijn: {', '.join(_GRENZEN)})")
    waarden: dict[str, int | float] = {}
    for naam, (geheel, laagste, hoogste) in _GRENZEN.items():
        waarde = ruw.get(naam)
        soort = int if geheel else int | float
        if (isinstance(waarde, bool) or not isinstance(waarde, soort)
                or not laagste < waarde <= hoogste):
            getal = "een geheel getal" if geheel else "een getal"
            raise InvoerConfigFout(
                f"{pad.name}: {naam} moet {getal} groter dan {laagste} en hoogstens "
                f"{hoogste} zijn (nu: {waarde!r})")
        waarden[naam] = waarde
    return Limits(
        max_megabytes=float(waarden["max_megabytes"]),
        max_rijen=int(waarden["max_rijen"]),
        max_tekens_per_cel=int(waarden["max_tekens_per_cel"]),
        xlsx_max_uitgepakt_megabytes=float(waarden["xlsx_max_uitgepakt_megabytes"]),
    )


def _megabytes(n: float) -> str:
    return f"{n / MB:.1f}".replace(".", ",") + " MB"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    file: str
    sheet: str | None
    columns: list[str]
    rows: list[list[Cell]]
    excel_rows: list[int]


def normalise_header(name: object) -> str:
    return str(name if name is not None else "").strip().lower()


def read_table(path: Path, kind: str, limits: Limits | None = None) -> RawTable:
    """Read `path`; `kind` names the preferred xlsx sheet (trajecten, tellingen, capaciteit)."""
    limits = limits or lees_grenzen()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileRefused(
            path.name, [Problem(path.name, "een bestand met de extensie .csv of .xlsx")]
        )
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRefused(path.name, [Problem(
            path.name,
            f"een bestand van hoogstens {_megabytes(limits.max_bytes)} (instelling max_megabytes "
            "in config/invoer.toml); lever een groter bestand in delen aan",
            found=f"het bestand is {_megabytes(size)}",
        )])
    if suffix == ".csv":
        records: Iterator[tuple[int, list[Cell]]] = _read_csv(path, limits)
        sheet = None
        label = path.name
    else:
        records, sheet = _read_xlsx(path, kind, limits)
        label = f"{path.name} [blad {sheet}]"
    with without_gc():
        return _collect(path.name, label, sheet, records, limits)


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a file's cells are held: a million rows are a
    million lists, which each full collection walks again (half the time of reading 1,000,000
    rows). Rows hold no reference cycles; any other cycle made meanwhile is collected once the
    collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect(file: str, label: str, sheet: str | None,
             records: Iterator[tuple[int, list[Cell]]], limits: Limits) -> RawTable:
    """Header = the first non-empty row; keep the non-empty rows under it, within the limits."""
    header: list[Cell] | None = None
    kept_rows: list[list[Cell]] = []
    excel_rows: list[int] = []
    for number, row in records:
        if _all_blank(row):
            continue
        _check_lengths(label, number, row, header, limits)
        if header is None:
            header = list(row)
            while header and _blank(header[-1]):
                header.pop()
            continue
        width = len(header)
        if len(row) > width and not _all_blank(row[width:]):
            raise FileRefused(label, [Problem(
                label, f"niet meer waarden dan de {width} kolommen van de kopregel", row=number,
            )])
        if len(kept_rows) >= limits.max_rijen:
            raise FileRefused(label, [Problem(
                label,
                f"hoogstens {_number(limits.max_rijen)} rijen met gegevens (instelling max_rijen "
                "in config/invoer.toml); lever een groter bestand in delen aan",
                row=number, found="hier begint de rij boven die grens",
            )])
        kept_rows.append(list(row[:width]) + [None] * (width - len(row)))
        excel_rows.append(number)
    if header is None:
        raise FileRefused(label, [Problem(label, "een kopregel en ten minste één rij")])
    columns = [normalise_header(h) for h in header]
    return RawTable(file, sheet, columns, kept_rows, excel_rows)


def _check_lengths(label: str, number: int, row: list[Cell], header: list[Cell] | None,
                   limits: Limits) -> None:
    try:  # a row of text (every CSV row) within the limit, checked in C
        if max(map(len, row), default=0) <= limits.max_tekens_per_cel:
            return
    except TypeError:  # a cell without a length (a number or date from an xlsx, or None)
        pass
    for position, cell in enumerate(row):
        if isinstance(cell, str) and len(cell) > limits.max_tekens_per_cel:
            column = None
            if header is not None and position < len(header):
                column = normalise_header(header[position])
            # the cell is not quoted: too long to read, and it could hold anything
            raise FileRefused(label, [Problem(
                label,
                f"een cel van hoogstens {_number(limits.max_tekens_per_cel)} tekens (instelling "
                "max_tekens_per_cel in config/invoer.toml)",
                row=number, column=column or f"kolom {position + 1}",
                found=f"deze cel heeft {_number(len(cell))} tekens",
            )])


def _all_blank(row: list[Cell]) -> bool:
    try:  # a row of text (every CSV row), checked in C: blank cells join to blank text
        return not "".join(row).strip()
    except TypeError:  # a cell that is not text (from an xlsx)
        return all(_blank(c) for c in row)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


# --- CSV ------------------------------------------------------------------------------------

ENCODING_EXPECTED = "tekst in UTF-8 of Windows-1252 (in Excel: Opslaan als 'CSV UTF-8')"


def _decode(path: Path, limits: Limits) -> str:
    with path.open("rb") as handle:
        data = handle.read(limits.max_bytes + 1)  # the file may have grown since stat()
    if len(data) > limits.max_bytes:
        raise FileRefused(path.name, [Problem(
            path.name, f"een bestand van hoogstens {_megabytes(limits.max_bytes)}")])
    if b"\x00" in data:
        # Excel's "Unicode-tekst" is UTF-16; decoded as Windows-1252 it would turn into
        # column names full of NUL characters, so say what is wrong instead.
        raise FileRefused(
            path.name,
            [
                Problem(
                    path.name,
                    ENCODING_EXPECTED
                    + "; dit bestand bevat nul-bytes, zoals UTF-16 (Excel: 'Unicode-tekst')",
                    row=data[: data.index(b"\x00")].count(b"\n") + 1,
                )
            ],
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" as Windows-1252 (Cliënt = b"Cli\xebnt").
        return data.decode("cp1252", errors="strict")
    except UnicodeDecodeError as exc:  # bytes that are neither UTF-8 nor Windows-1252
        raise FileRefused(
            path.name,
            [
                Problem(
                    path.name,
                    ENCODING_EXPECTED,
                    row=data[: exc.start].count(b"\n") + 1,
                    value=f"byte 0x{data[exc.start]:02X}",
                )
            ],
        ) from exc


SEPARATORS = {";": "puntkomma ';'", ",": "komma ','", "\t": "tab"}


def _sniff_separator(header_line: str) -> str:
    counts = {sep: _count_outside_quotes(header_line, sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] > 0 else ";"


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def _read_csv(path: Path, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    """The records with their Excel row (a quoted value with a line break is one row, as in
    Excel). Checked here because only here the physical lines are known: a quote that does not
    close, or that swallows lines that look like rows, and rows split by another separator."""
    text = _decode(path, limits)
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    if not first:
        raise FileRefused(path.name, [Problem(path.name, "een kopregel en ten minste één rij")])
    sep = _sniff_separator(first)
    # The csv module refuses a field over 131,072 characters with an English error; the file's
    # size bounds a field, and _check_lengths names the cell (process-wide, but only raised).
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    width = 0  # columns in the header, once seen
    number = start_line = end_line = 0
    pending: tuple[int, int, int, list[str]] | None = None  # the last record over more lines
    mixed: list[tuple[int, str]] = []
    try:
        for record in reader:
            if pending:  # not the last record, so its quote closed; did it swallow rows?
                _check_quoted_lines(path.name, *pending, sep, width)
                pending = None
            number += 1
            start_line, end_line = end_line + 1, reader.line_num
            if end_line > start_line:
                pending = (number, start_line, end_line, record)
            if width == 0:
                width = len(record) if any(c.strip() for c in record) else 0
            elif width >= 3 and len(record) == 1:
                other = _other_separator(record[0], sep, width)
                if other:
                    mixed.append((number, other))
                    continue
            yield number, list(record)
    except csv.Error as exc:  # not expected with these settings; refused, not a traceback
        raise FileRefused(path.name, [Problem(
            path.name, "een CSV-bestand zoals Excel het opslaat", row=number + 1,
            found="deze rij is als CSV niet te lezen",
        )]) from exc
    if pending:
        _check_last_record_closed(path.name, text, sep, number, start_line)
        _check_quoted_lines(path.name, *pending, sep, width)
    if mixed:
        row, other = mixed[0]
        raise FileRefused(path.name, [Problem(
            path.name,
            f"één scheidingsteken in het hele bestand: de kopregel gebruikt {SEPARATORS[sep]}, "
            "dus elke rij ook (in Excel: Opslaan als 'CSV UTF-8')",
            row=row,
            found=f"deze rij is gescheiden door {SEPARATORS[other]}"
            + (f" (en nog {len(mixed) - 1} andere rij(en))" if len(mixed) > 1 else ""),
        )])


def _other_separator(field: str, sep: str, width: int) -> str | None:
    """The separator a one-cell row uses instead of `sep`, if it splits it like the header."""
    for other in SEPARATORS:
        if other != sep and _count_outside_quotes(field, other) + 1 >= max(2, width // 2):
            return other
    return None


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _check_quoted_lines(file: str, number: int, start_line: int, end_line: int,
                        record: list[str], sep: str, width: int) -> None:
    """A quoted value may hold a line break (Alt+Enter in Excel), but not whole rows: lines
    inside it with nearly as many separators as the header are rows a stray quote swallowed."""
    needed = max(2, width - 2)
    for cell in record:
        inner = cell.splitlines()[1:]
        if any(line.count(sep) >= needed for line in inner):
            raise FileRefused(file, [Problem(
                file,
                'een aanhalingsteken (") dat de waarde sluit voordat de volgende rij begint',
                row=number,
                found=f"op deze rij opent een aanhalingsteken dat pas op regel {end_line} van "
                f"het bestand sluit: de rijen op regel {start_line + 1} tot en met {end_line} "
                "zouden als één cel worden gelezen",
            )])


def _check_last_record_closed(file: str, text: str, sep: str, number: int,
                              start_line: int) -> None:
    """The csv module ends a quoted value that never closes at the end of the file, taking
    every row after it along: replay its rules on the last record to see whether it closed."""
    lines = io.StringIO(text, newline="")
    offset = sum(len(lines.readline()) for _ in range(start_line - 1))
    tail = text[offset:]
    quoted, at_start, opened = False, True, 0
    i = 0
    while i < len(tail):
        ch = tail[i]
        if quoted:
            if ch == '"':
                if tail[i + 1 : i + 2] == '"':
                    i += 1  # a doubled quote inside a quoted value
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted, opened = True, i
        at_start = not quoted and ch in (sep, "\r", "\n")
        i += 1
    if quoted:
        line = start_line + _line_breaks(tail[:opened])
        raise FileRefused(file, [Problem(
            file,
            'een aanhalingsteken (") dat de waarde weer sluit',
            row=number,
            found=f"op deze rij (regel {line} van het bestand) opent een aanhalingsteken dat tot "
            f"het eind van het bestand niet sluit: de {_line_breaks(tail[opened:])} regel(s) "
            "daarna zouden als één cel worden gelezen",
        )])


# --- xlsx -----------------------------------------------------------------------------------

XLSX_EXPECTED = "een leesbaar Excel-bestand (.xlsx)"


def _read_xlsx(path: Path, kind: str,
               limits: Limits) -> tuple[Iterator[tuple[int, list[Cell]]], str]:
    """Stream the preferred sheet row by row (openpyxl's read-only mode), after checking the
    unpacked size: a small xlsx can unpack to gigabytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            # file_size is what each member unpacks to; zipfile never unpacks more than that
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(path.name, [Problem(
            path.name, XLSX_EXPECTED,
            found="dit is geen geldig xlsx-bestand (geen zip-archief, of beschadigd); is het "
            "misschien een oud .xls of een CSV met de extensie .xlsx?",
        )]) from exc
    if unpacked > limits.xlsx_max_bytes:
        raise FileRefused(path.name, [Problem(
            path.name,
            f"een xlsx dat uitgepakt hoogstens {_megabytes(limits.xlsx_max_bytes)} is (instelling "
            "xlsx_max_uitgepakt_megabytes in config/invoer.toml); lever grote bestanden als CSV",
            found=f"uitgepakt is dit bestand {_megabytes(unpacked)}",
        )])
    workbook = _open_workbook(path, data_only=False)
    try:
        by_name = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet_name = by_name.get(kind, workbook.sheetnames[0])
    except (IndexError, AttributeError) as exc:
        raise FileRefused(path.name, [Problem(path.name, XLSX_EXPECTED,
                                              found="het bestand heeft geen werkblad")]) from exc
    return _xlsx_rows(path, workbook, sheet_name, limits), sheet_name


def _open_workbook(path: Path, *, data_only: bool) -> Workbook:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(path.name, [Problem(
            path.name, XLSX_EXPECTED, found="het bestand is beschadigd of geen xlsx",
        )]) from exc


def _sheet_rows(path: Path, workbook: Workbook, sheet_name: str) -> Iterator[tuple[int, tuple]]:
    """(Excel row, values) for the rows the sheet holds: rows missing from the file (the gap
    up to a lone cell on row 1,048,576) cost nothing, rows past the last cell are not made."""
    sheet = workbook[sheet_name]
    # the stored used range is not trusted: without it, openpyxl pads no row to its width
    # and makes no empty rows after the last one
    sheet.reset_dimensions()
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if values:
                if len(values) > MAX_KOLOMMEN and any(v is not None for v in
                                                      values[MAX_KOLOMMEN:]):
                    raise FileRefused(path.name, [Problem(
                        f"{path.name} [blad {sheet_name}]",
                        f"gegevens in de eerste {MAX_KOLOMMEN} kolommen", row=number,
                        found=f"deze rij heeft een cel in kolom {len(values)}",
                    )])
                yield number, values[:MAX_KOLOMMEN]
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet shows only while it is read
        raise FileRefused(path.name, [Problem(
            f"{path.name} [blad {sheet_name}]", XLSX_EXPECTED,
            found="het werkblad is beschadigd en niet te lezen",
        )]) from exc
    finally:
        workbook.close()


def _xlsx_rows(path: Path, workbook: Workbook, sheet_name: str,
               limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    """Rows with formulas replaced by their stored result; a formula without one (the file was
    written by a program and never opened in Excel) becomes FormulaWithoutValue. The stored
    results are read in a second pass, only when the sheet has formulas."""
    rows: list[tuple[int, list[Cell]]] = []
    formulas: dict[tuple[int, int], str] = {}
    for number, values in _sheet_rows(path, workbook, sheet_name):
        if all(_blank(v) for v in values):
            continue
        if len(rows) > limits.max_rijen:  # header + max_rijen rows: _collect refuses the next
            rows.append((number, list(values)))
            break
        row: list[Cell] = []
        for position, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                formulas[(number, position)] = value
            elif not (value is None or isinstance(value, str | int | float | date | datetime)):
                text = getattr(value, "text", None)  # an array or data-table formula
                if isinstance(text, str):
                    formulas[(number, position)] = text
                    value = text
                else:
                    value = str(value)  # a time or a duration: shown, and refused as such
            row.append(value)
        rows.append((number, row))
    if formulas:
        stored = _open_workbook(path, data_only=True)
        last = max(number for number, _ in formulas)
        results: dict[tuple[int, int], Cell] = {}
        for number, values in _sheet_rows(path, stored, sheet_name):
            if number > last:
                break
            for position, value in enumerate(values):
                if (number, position) in formulas:
                    results[(number, position)] = value
        index = {number: i for i, (number, _) in enumerate(rows)}
        for (number, position), formula in formulas.items():
            result = results.get((number, position))
            rows[index[number]][1][position] = (
                FormulaWithoutValue(formula[:200]) if result is None else result)
    yield from rows
