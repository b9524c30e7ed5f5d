"""Read a supplier's CSV or xlsx into header + rows of raw cells, keeping Excel row numbers.

Suppliers work in Excel, so this is forgiving about form: UTF-8 with or without BOM or
Windows-1252, `;` or `,` (or tab) as separator, header names in any case with spaces
around them, trailing empty rows. Meaning is checked later, in `etl.validate`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from etl.problems import FileRefused, Problem

Cell = str | int | float | date | datetime | None

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class RawTable:
    file: str
    sheet: str | None
    columns: list[str]
    rows: list[list[Cell]]
    excel_rows: list[int]


def normalise_header(name: object) -> str:
    return str(name if name is not None else "").strip().lower()


def read_table(path: Path, kind: str) -> RawTable:
    """Read `path`; `kind` names the preferred xlsx sheet (trajecten, tellingen, capaciteit)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _read_csv(path)
        sheet = None
    elif suffix == ".xlsx":
        header, rows, sheet = _read_xlsx(path, kind)
    else:
        raise FileRefused(
            path.name, [Problem(path.name, "een bestand met de extensie .csv of .xlsx")]
        )
    columns = [normalise_header(h) for h in header]
    kept_rows: list[list[Cell]] = []
    excel_rows: list[int] = []
    for number, row in rows:
        if all(_blank(c) for c in row):
            continue
        row = list(row) + [None] * (len(columns) - len(row))
        if len(row) > len(columns) and not all(_blank(c) for c in row[len(columns) :]):
            raise FileRefused(
                path.name,
                [
                    Problem(
                        path.name,
                        f"niet meer waarden dan de {len(columns)} kolommen van de kopregel",
                        row=number,
                    )
                ],
            )
        kept_rows.append(row[: len(columns)])
        excel_rows.append(number)
    return RawTable(path.name, sheet, columns, kept_rows, excel_rows)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


ENCODING_EXPECTED = "tekst in UTF-8 of Windows-1252 (in Excel: Opslaan als 'CSV UTF-8')"


def _decode(path: Path) -> str:
    data = path.read_bytes()
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


def _sniff_separator(header_line: str) -> str:
    counts = {sep: _count_outside_quotes(header_line, sep) for sep in (";", ",", "\t")}
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


def _read_csv(path: Path) -> tuple[list[Cell], list[tuple[int, list[Cell]]]]:
    text = _decode(path)
    if text.strip() == "":
        raise FileRefused(path.name, [Problem(path.name, "een kopregel en ten minste één rij")])
    lines = text.splitlines()
    first = next(line for line in lines if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_separator(first))
    records = list(reader)
    # csv counts physical lines; Excel shows a quoted value with a line break as one row.
    header_index = next(i for i, r in enumerate(records) if any(c.strip() for c in r))
    header = records[header_index]
    rows = [(i + 1, list(r)) for i, r in enumerate(records) if i > header_index]
    return header, rows


def _read_xlsx(path: Path, kind: str) -> tuple[list[Cell], list[tuple[int, list[Cell]]], str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(
            path.name, [Problem(path.name, f"een leesbaar Excel-bestand (.xlsx): {exc}")]
        ) from exc
    by_name = {name.strip().lower(): name for name in workbook.sheetnames}
    sheet_name = by_name.get(kind, workbook.sheetnames[0])
    sheet = workbook[sheet_name]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_index = next((i for i, r in enumerate(values) if not all(_blank(c) for c in r)), None)
    if header_index is None:
        raise FileRefused(
            path.name,
            [Problem(f"{path.name} [blad {sheet_name}]", "een kopregel en ten minste één rij")],
        )
    header = values[header_index]
    while header and _blank(header[-1]):
        header = header[:-1]
    rows = [(i + 1, r) for i, r in enumerate(values) if i > header_index]
    return header, rows, sheet_name
