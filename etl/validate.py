"""Check one supplier file against the data contract and turn it into typed rows.

A file is accepted whole or refused whole. A refusal lists every problem found (up to a
limit), each with file, Excel row, column, value and what was expected, in Dutch: the
supplier reads it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.problems import FileRefused, Problem
from etl.readers import Cell, FormulaWithoutValue, Limits, RawTable, read_table, without_gc
from etl.reference import Region
from etl.settings import (
    AANMELDING_TYPES,
    BUITEN,
    CLUSTERS,
    DEMO_TOKEN,
    GESLACHTEN,
    JA_NEE,
    KINDS,
    LEEFTIJDSKLASSEN,
    ONBEKEND,
    PERSPECTIEVEN_TELLINGEN,
    PRODUCTEN,
    TOTAAL,
    UITSTROOMBESTEMMINGEN,
    VOORZIENINGEN_TELLINGEN,
    VOORZIENINGEN_TRAJECTEN,
)

MAX_PROBLEMS = 200
ALL_PRODUCTS = tuple(dict.fromkeys(p for ps in PRODUCTEN.values() for p in ps))


class Invalid(ValueError):
    """A cell does not parse; the message says what was expected."""


# --- cell parsers -------------------------------------------------------------------------

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
)
DATE_EXPECTED = "een datum als 2024-03-31, 31-03-2024 of 31/03/2024"
# Years a date or periode may have: wide enough for any history, narrow enough that every
# day and period end the warehouse computes (a quarter's last day, + 1 day) exists.
FIRST_YEAR, LAST_YEAR = 1900, 2100
YEAR_EXPECTED = f"een jaar van {FIRST_YEAR} tot en met {LAST_YEAR}"


def parse_date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        day = cell.date()
    elif isinstance(cell, date):
        day = cell
    else:
        day = _parse_date_text(str(cell).strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(f"{DATE_EXPECTED}, met {YEAR_EXPECTED}")
    return day


def _parse_date_text(text: str) -> date:
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise Invalid("een bestaande datum") from exc
    raise Invalid(DATE_EXPECTED)


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_DECIMAL = re.compile(r"^\d{1,15}(\.\d{0,15})?$")
_DIGITS = re.compile(r"^\d+(\.\d*)?$")
# No count of people, reports or places comes near this; beyond it a number is a slip (and
# far beyond it, it would not fit the warehouse's BIGINT).
MAX_WHOLE = 999_999_999
WHOLE_EXPECTED = "een geheel getal van 0 of meer (duizendtallen mogen met een punt: 1.944)"
WHOLE_MAX_EXPECTED = "een geheel getal van hoogstens 999.999.999 (een aantal, geen bedrag of code)"


def parse_whole(cell: Cell) -> int:
    if isinstance(cell, (bool, date, datetime)):
        raise Invalid(WHOLE_EXPECTED)
    if isinstance(cell, int):
        number: float = cell
    elif isinstance(cell, float):
        number = cell
    else:
        text = str(cell).strip().replace(" ", "").replace("\u00a0", "")
        if _THOUSANDS.match(text):
            text = text.replace(".", "")
        elif "," in text and "." not in text:
            text = text.replace(",", ".")  # decimal comma: 12,0 is twelve
        # digits only: no inf, nan, 1e400 or 0x1F
        if not _DECIMAL.match(text):
            raise Invalid(WHOLE_MAX_EXPECTED if _DIGITS.match(text) else WHOLE_EXPECTED)
        number = float(text)
    if number != number or number < 0:  # nan is the one number unequal to itself
        raise Invalid(WHOLE_EXPECTED)
    if number > MAX_WHOLE:
        raise Invalid(WHOLE_MAX_EXPECTED)
    if number != int(number):
        raise Invalid(WHOLE_EXPECTED)
    return int(number)


def cell_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return "" if cell is None else str(cell).strip()


def choice(values: tuple[str, ...]) -> Callable[[Cell], str]:
    by_key = {v.lower(): v for v in values}

    def parse(cell: Cell) -> str:
        found = by_key.get(cell_text(cell).lower())
        if found is None:
            raise Invalid("een van: " + ", ".join(values))
        return found

    return parse


def parse_text(cell: Cell) -> str:
    return cell_text(cell)


_PERIODE = re.compile(r"^(\d{4})(?:-(?:[KkQq]([1-4])|(\d{2})))?$")
PERIODE_EXPECTED = "een jaar (2018), kwartaal (2018-K3 of 2018-Q3) of maand (2018-07)"


def parse_periode(cell: Cell) -> tuple[str, str, date, date]:
    """Periode as (label, type, first day, last day); type is jaar, kwartaal or maand."""
    text = cell_text(cell)
    match = _PERIODE.match(text)
    if not match:
        raise Invalid(PERIODE_EXPECTED)
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"{PERIODE_EXPECTED}, met {YEAR_EXPECTED}")
    if match.group(2):
        q = int(match.group(2))
        return f"{year}-K{q}", "kwartaal", date(year, 3 * q - 2, 1), quarter_end(year, q)
    if match.group(3):
        month = int(match.group(3))
        if not 1 <= month <= 12:
            raise Invalid(PERIODE_EXPECTED)
        return f"{year}-{month:02d}", "maand", date(year, month, 1), month_end(year, month)
    return str(year), "jaar", date(year, 1, 1), date(year, 12, 31)


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, 3 * quarter)


_DIMENSIE = re.compile(r"^\s*([^=]+?)\s*=\s*(.+?)\s*$")


def parse_dimensie(cell: Cell) -> str:
    match = _DIMENSIE.match(cell_text(cell))
    if not match:
        raise Invalid("leeg, of naam=waarde (bijvoorbeeld product=BW midden)")
    return f"{match.group(1).lower().replace(' ', '_')}={match.group(2)}"


_INDICATOR = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_indicator(cell: Cell) -> str:
    text = cell_text(cell).lower().replace(" ", "_")
    if not _INDICATOR.match(text):
        raise Invalid("een naam van kleine letters, cijfers en _ (bijvoorbeeld meldingen)")
    return text


# --- privacy --------------------------------------------------------------------------------

# Digits in groups with at most one space, dot or dash between them: 111222333, 1112.22.333,
# 111 222 333, 111-22-2333. A BSN is any run of whole groups holding nine digits, so that
# dates (2024-01-31: eight), times, phone numbers (06-12345678: ten) and codes stay free.
_DIGIT_GROUPS = re.compile(r"\d+(?:[ .\-]\d+)*")
_GROUP_SEPARATORS = re.compile(r"[ .\-]")


def passes_elfproef(digits: str) -> bool:
    """The BSN check: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def looks_like_bsn(cell: Cell) -> bool:
    if isinstance(cell, (date, datetime, bool)) or cell is None:
        return False
    text = cell_text(cell)
    if len(text) < 9:
        return False
    for run in _DIGIT_GROUPS.findall(text):
        groups = _GROUP_SEPARATORS.split(run)
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) >= 9:
                    break
            if len(digits) == 9 and passes_elfproef(digits):
                return True
    return False


BSN_COLUMN = re.compile(r"(^|[^a-z])(bsn|burgerservicenummer|sofinummer)([^a-z]|$)")

# --- schemas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    parse: Callable[[Cell], object]
    arrow: pa.DataType


def _schema(region: Region, kind: str) -> list[Column]:
    def gemeente(allow: tuple[str, ...]) -> Callable[[Cell], str]:
        def parse(cell: Cell) -> str:
            code = region.resolve(cell_text(cell), allow)
            if code is None:
                raise Invalid(region.describe(allow))
            return code

        return parse

    s = pa.string()
    if kind == "trajecten":
        return [
            Column("traject_id", True, parse_text, s),
            Column("voorziening", True, choice(VOORZIENINGEN_TRAJECTEN), s),
            Column("product", True, choice(ALL_PRODUCTS), s),
            Column("cluster", False, choice(CLUSTERS), s),
            Column("aanmelding_type", True, choice(AANMELDING_TYPES), s),
            Column("herkomstgemeente", True, gemeente((BUITEN, ONBEKEND)), s),
            Column("verblijfsgemeente", False, gemeente(()), s),
            Column("locatie", False, parse_text, s),
            Column("datum_aanmelding", True, parse_date, pa.date32()),
            Column("datum_instroom", False, parse_date, pa.date32()),
            Column("datum_afgemeld", False, parse_date, pa.date32()),
            Column("datum_uitstroom", False, parse_date, pa.date32()),
            Column("uitstroombestemming", False, choice(UITSTROOMBESTEMMINGEN), s),
            Column("woongemeente_na_uitstroom", False, gemeente((BUITEN, ONBEKEND)), s),
            Column("leeftijdsklasse", False, choice(LEEFTIJDSKLASSEN), s),
            Column("geslacht", False, choice(GESLACHTEN), s),
            Column("met_kinderen", False, choice(JA_NEE), s),
        ]
    if kind == "tellingen":
        return [
            Column("bron", True, parse_text, s),
            Column("voorziening", True, choice(VOORZIENINGEN_TELLINGEN), s),
            Column("indicator", True, parse_indicator, s),
            Column("periode", True, parse_periode, s),
            Column("gemeente", True, gemeente((BUITEN, ONBEKEND, TOTAAL)), s),
            Column("perspectief", False, choice(PERSPECTIEVEN_TELLINGEN), s),
            Column("dimensie", False, parse_dimensie, s),
            Column("waarde", True, parse_whole, pa.int64()),
            Column("opmerking", False, parse_text, s),
        ]
    if kind == "capaciteit":
        return [
            Column("voorziening", True, choice(VOORZIENINGEN_TRAJECTEN), s),
            Column("aanbieder", True, parse_text, s),
            Column("locatie", True, parse_text, s),
            Column("gemeente", True, gemeente(()), s),
            Column("product", False, choice(ALL_PRODUCTS), s),
            Column("cluster", False, choice(CLUSTERS), s),
            Column("plekken", True, parse_whole, pa.int64()),
            Column("geldig_vanaf", True, parse_date, pa.date32()),
            Column("geldig_tot", False, parse_date, pa.date32()),
        ]
    raise ValueError(f"unknown kind {kind}")


# --- file level -------------------------------------------------------------------------------

_NAME = re.compile(r"^(?P<kind>[a-z]+)_(?P<bron>.+)_(?P<peildatum>\d{4}-\d{2}-\d{2})$", re.I)


@dataclass(frozen=True)
class LoadedFile:
    """A file that passed: its typed rows and what `etl status` reports about it."""

    path: Path
    kind: str
    bron: str
    peildatum: date | None
    demo: bool
    sha256: str
    table: pa.Table
    # set once the rows are loaded and `table` is let go (etl.build): their number
    rijen: int | None = None

    @property
    def rows(self) -> int:
        return self.table.num_rows if self.rijen is None else self.rijen

    def zonder_rijen(self) -> LoadedFile:
        """This file's description without its rows (loaded elsewhere), so they can be freed.
        An empty table of the same schema, not `slice(0, 0)`: a slice is a view that keeps
        every buffer of the whole table alive (450 MiB over a national build's 120 files)."""
        return replace(self, table=self.table.schema.empty_table(), rijen=self.rows)


def kind_of(path: Path) -> str | None:
    """The kind from the folder (data/raw/<kind>/) or else from the file name prefix."""
    if path.parent.name.lower() in KINDS:
        return path.parent.name.lower()
    prefix = path.stem.split("_", 1)[0].lower()
    return prefix if prefix in KINDS else None


def validate_file(path: Path, region: Region, kind: str | None = None,
                  limits: Limits | None = None) -> LoadedFile:
    """Read and check one file; raise FileRefused with every problem found. `limits` defaults
    to config/invoer.toml (etl.readers.InvoerConfigFout when that file is not valid)."""

    kind = kind or kind_of(path)
    if kind is None:
        raise FileRefused(
            path.name,
            [Problem(path.name, "een bestand in data/raw/trajecten, tellingen of capaciteit")],
        )
    name = _NAME.match(path.stem)
    peildatum: date | None = None
    bron = kind
    if name:
        bron = name.group("bron")
        try:
            peildatum = date.fromisoformat(name.group("peildatum"))
        except ValueError:
            name = None
        if peildatum and not FIRST_YEAR <= peildatum.year <= LAST_YEAR:
            peildatum, name = None, None
    if kind == "trajecten" and name is None:
        raise FileRefused(
            path.name,
            [
                Problem(
                    path.name,
                    "een bestandsnaam trajecten_<bron>_<peildatum JJJJ-MM-DD>, "
                    "bijvoorbeeld trajecten_ggd_2026-10-15.csv",
                )
            ],
        )
    raw = read_table(path, kind, limits)
    label = path.name if raw.sheet is None else f"{path.name} [blad {raw.sheet}]"
    columns = _schema(region, kind)
    checker = _FileCheck(label, raw, columns, kind, peildatum)
    table = checker.run()
    return LoadedFile(
        path=path,
        kind=kind,
        bron=bron,
        peildatum=peildatum,
        demo=DEMO_TOKEN in path.stem.lower().split("_"),
        sha256=_sha256(path),
        table=table,
    )


def _sha256(path: Path) -> str:
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


BSN_EXPECTED = ("geen BSN (negen cijfers die de elfproef doorstaan): de monitor bewaart geen "
                "direct identificerende gegevens")


FORMULA_EXPECTED = ("een waarde: open het bestand in Excel en sla het op (dan bewaart Excel de "
                    "uitkomst), of plak de cellen als waarden")
FORMULA_FOUND = "een formule zonder opgeslagen uitkomst"
REQUIRED_EXPECTED = "een waarde (verplichte kolom)"

# What one cell came to: its parsed value (None when empty or refused) and, when refused, the
# problem as (expected, value shown, found).
_Spec = tuple[str, str | None, str | None]
_Outcome = tuple[object, _Spec | None]


def check_cell(column: Column, cell: Cell) -> _Outcome:
    """The one definition of what a cell of `column` may hold and what a refusal says.

    The file check below runs it once per distinct cell text (and once per cell that is not
    text, from an xlsx), except for cells its vectorised fast paths prove valid.
    """
    if looks_like_bsn(cell):
        return None, (BSN_EXPECTED, None, None)
    if isinstance(cell, FormulaWithoutValue):
        return None, (FORMULA_EXPECTED, cell_text(cell), FORMULA_FOUND)
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        if column.required:
            return None, (REQUIRED_EXPECTED, cell_text(cell), None)
        return None, None
    try:
        return column.parse(cell), None
    except Invalid as exc:
        return None, (str(exc), cell_text(cell), None)


# --- vectorised helpers ------------------------------------------------------------------------

# A superset of "holds a run of nine digits with at most one space, dot or dash between them"
# (what looks_like_bsn needs before it tries the elfproef). Python's \d also matches digits of
# other scripts, so every non-ASCII character counts as a possible digit here: a cell this
# pattern misses can never look like a BSN, a cell it hits is decided by looks_like_bsn.
_BSN_CANDIDATE = r"[0-9\x{80}-\x{10FFFF}](?:[ .\-]?[0-9\x{80}-\x{10FFFF}]){8}"
_WHOLE_FAST = r"^[0-9]{1,9}$"


# What Python's str.strip() removes (str.isspace), written out: finding them by walking every
# code point took 0.4 s at each start. tests/test_validatie_vectorieel.py checks the list.
WITRUIMTE = (0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
             *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)


@cache
def _padded_pattern() -> str:
    """A cell starting or ending with what Python's str.strip() removes (so the fast path
    never has to agree with another library's idea of whitespace)."""
    spaces = "".join(f"\\x{{{c:x}}}" for c in WITRUIMTE)
    return f"^[{spaces}]|[{spaces}]$"


def _as_strings(cells: Sequence[Cell]) -> tuple[pa.StringArray, list[int]]:
    """The text cells as an Arrow array (None elsewhere) and the positions of the other cells
    (numbers, dates, formulas from an xlsx), which are checked one by one."""
    try:
        return pa.array(cells, type=pa.string()), []
    except (pa.ArrowException, UnicodeError, TypeError, ValueError):
        pass
    strings: list[str | None] = []
    others: list[int] = []
    for position, cell in enumerate(cells):
        if cell is None:
            strings.append(None)
            continue
        if isinstance(cell, str):
            try:
                cell.encode("utf-8")
                strings.append(cell)
                continue
            except UnicodeError:  # a lone surrogate: Arrow cannot hold it, Python can check it
                pass
        strings.append(None)
        others.append(position)
    return pa.array(strings, type=pa.string()), others


def _fast_text(distinct: pa.StringArray) -> tuple[np.ndarray, pa.Array]:
    ok = pc.invert(pc.or_(pc.equal(pc.utf8_length(distinct), 0),
                          pc.match_substring_regex(distinct, _padded_pattern())))
    return _bools(ok), distinct


def _fast_whole(distinct: pa.StringArray) -> tuple[np.ndarray, pa.Array]:
    ok = pc.match_substring_regex(distinct, _WHOLE_FAST)
    return _bools(ok), pc.cast(pc.if_else(ok, distinct, None), pa.int64())


# Parsers whose common case is checked and converted in Arrow. A cell the fast path does not
# accept goes to check_cell, so a fast path may be narrower than its parser, never wider.
_FAST_PATHS: dict[Callable[[Cell], object], Callable[[pa.StringArray],
                                                      tuple[np.ndarray, pa.Array]]] = {
    parse_text: _fast_text,
    parse_whole: _fast_whole,
}


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _outputs(column: Column) -> list[pa.DataType]:
    if column.name == "periode":
        return [pa.string(), pa.string(), pa.date32(), pa.date32()]
    return [column.arrow]


@dataclass
class _Checked:
    """One column checked: per row an index into the distinct outcomes, and those outcomes."""

    keys: np.ndarray  # per row
    refused: np.ndarray  # per distinct outcome: True when the cell is refused
    specs: dict[int, _Spec]  # per refused distinct outcome: its problem
    values: list[pa.Array]  # per distinct outcome, one array per output column

    def rows_refused(self) -> np.ndarray:
        return self.refused[self.keys]


def _check_column(column: Column | None, cells: Sequence[Cell]) -> _Checked:
    """Check every cell of one column; `column` None checks a column the contract does not
    know, for BSN's only. Cells are grouped by their text first: a file has few distinct dates,
    codes and municipalities, so the Python parsers run once per distinct text."""
    strings, others = _as_strings(cells)
    encoded = pc.dictionary_encode(strings)
    distinct: pa.StringArray = encoded.dictionary
    n = len(distinct)
    # outcome n is the empty cell (None), n + 1 + k the k-th cell that is not text
    keys = np.array(encoded.indices.fill_null(n).to_numpy(zero_copy_only=False), dtype=np.int64)
    for k, position in enumerate(others):
        keys[position] = n + 1 + k
    candidate = _bools(pc.match_substring_regex(distinct, _BSN_CANDIDATE))
    fast_path = _FAST_PATHS.get(column.parse) if column is not None else None
    if fast_path is not None:
        ok, fast_values = fast_path(distinct)
        fast = ok & ~candidate
    else:
        fast, fast_values = np.zeros(n, dtype=bool), None
    # an unknown column is only checked for BSN's
    slow = np.flatnonzero(candidate if column is None else ~fast)
    slow_cells: list[Cell] = distinct.take(pa.array(slow, type=pa.int64())).to_pylist()
    slow_keys = list(slow) + list(range(n, n + 1 + len(others)))
    slow_cells += [None] + [cells[p] for p in others]

    refused = np.zeros(n + 1 + len(others), dtype=bool)
    specs: dict[int, _Spec] = {}
    slow_values: list[object] = []
    for key, cell in zip(slow_keys, slow_cells, strict=True):
        if column is None:
            value, spec = None, ((BSN_EXPECTED, None, None) if looks_like_bsn(cell) else None)
        else:
            value, spec = check_cell(column, cell)
        slow_values.append(value)
        if spec is not None:
            refused[key] = True
            specs[key] = spec
    if column is None:
        return _Checked(keys, refused, specs, [])

    types = _outputs(column)
    if len(types) > 1:  # periode: (label, type, first day, last day)
        split = [[None if v is None else v[i] for v in slow_values]  # type: ignore[index]
                 for i in range(len(types))]
    else:
        split = [slow_values]
    values = []
    for typ, python_values in zip(types, split, strict=True):
        if fast_values is None:
            # every distinct text went through Python, in order
            values.append(pa.array(python_values, type=typ))
            continue
        head = pc.replace_with_mask(
            fast_values.cast(typ) if fast_values.type != typ else fast_values,
            pa.array(~fast), pa.array(python_values[: len(slow)], type=typ),
        )
        tail = pa.array(python_values[len(slow):], type=typ)
        values.append(pa.concat_arrays([head, tail]))
    return _Checked(keys, refused, specs, values)


def _first_of_key(table: pa.Table, key: list[str]) -> dict[int, int]:
    """Row -> the first row with the same key, for every row that repeats an earlier key
    (NULLs compare equal, as None does in a Python tuple). In Arrow: a DuckDB connection per
    file (and the pandas import that registering a table costs) took longer than the check
    on a region's files."""
    kolommen: dict[str, pa.ChunkedArray] = {"_rij": table.column("_rij")}
    for i, naam in enumerate(key):
        kolom = table.column(naam)
        # a NULL is its own value: a flag next to the filled value keeps it apart from ""
        kolommen[f"k{i}"] = pc.fill_null(kolom.cast(pa.string()), "")
        kolommen[f"n{i}"] = pc.is_null(kolom)
    t = pa.table(kolommen)
    sleutel = [n for n in t.column_names if n != "_rij"]
    eerste = t.group_by(sleutel).aggregate([("_rij", "min"), ("_rij", "count")])
    herhaald = eerste.filter(pc.greater(eerste.column("_rij_count"), 1))
    if not herhaald.num_rows:
        return {}
    samen = t.join(herhaald.select([*sleutel, "_rij_min"]), keys=sleutel)
    dubbel = samen.filter(pc.not_equal(samen.column("_rij"), samen.column("_rij_min")))
    return dict(zip(dubbel.column("_rij").to_pylist(), dubbel.column("_rij_min").to_pylist(),
                    strict=True))


def _is_set(table: pa.Table, name: str) -> pa.Array:
    return pc.is_valid(table.column(name))


class _FileCheck:
    def __init__(
        self,
        label: str,
        raw: RawTable,
        columns: list[Column],
        kind: str,
        peildatum: date | None,
    ):
        self.label = label
        self.raw = raw
        self.columns = columns
        self.kind = kind
        self.peildatum = peildatum
        self.problems: list[Problem] = []
        # the cells as delivered, by column, so a refusal shows what the supplier typed
        # (15-01-2024), not what it was parsed into; set once the cells are checked
        self.cells: dict[str, Sequence[Cell]] = {}

    def problem(self, expected: str, row: int | None = None, column: str | None = None,
                value: Cell = None, *, show_value: bool = True,
                found: str | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            if row is not None and column in self.cells:
                value = self.cells[column][bisect_left(self.raw.excel_rows, row)]
            shown = cell_text(value) if show_value else None
            self.problems.append(Problem(self.label, expected, row, column, shown, found))

    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def refuse_if_any(self) -> None:
        if self.problems:
            raise FileRefused(self.label, self.problems)

    def run(self) -> pa.Table:
        raw = self.raw
        index = {}
        for position, name in enumerate(raw.columns):
            if looks_like_bsn(name):
                self.problem(BSN_EXPECTED, 1, f"kolom {position + 1}", show_value=False)
                continue
            if name in index and name:
                self.problem("elke kolomnaam één keer", 1, name, name)
            index.setdefault(name, position)
            if BSN_COLUMN.search(name):
                self.problem(
                    "geen kolom met BSN's: de monitor bewaart geen direct identificerende gegevens",
                    1, name, name,
                )
        for column in self.columns:
            if column.required and column.name not in index:
                self.problem(
                    f"een kolom '{column.name}' in de kopregel (gevonden: "
                    + ", ".join(c for c in raw.columns if c and not looks_like_bsn(c)) + ")",
                    1, column.name, show_value=False,
                )
        self.refuse_if_any()
        if not raw.rows:
            self.problem("ten minste één rij met gegevens onder de kopregel", 2, show_value=False)
            self.refuse_if_any()

        with without_gc():  # see without_gc: the same million row lists are still held
            return self._check_cells(index)

    def _check_cells(self, index: dict[str, int]) -> pa.Table:
        raw = self.raw
        n_rows = len(raw.rows)
        by_position = list(zip(*raw.rows, strict=True))
        missing = [None] * n_rows
        known = {c.name for c in self.columns}
        # Every cell of the file, also of columns the contract does not know: a BSN in a count
        # or a code column must not pass either (nor be quoted in this refusal). Within a row,
        # those columns are reported first, then the contract's columns in contract order.
        checks: list[tuple[str, _Checked, bool]] = []
        for position, name in enumerate(raw.columns):
            if name not in known:
                checks.append((name or f"kolom {position + 1}",
                               _check_column(None, by_position[position]), False))
        checked: dict[str, _Checked] = {}
        for column in self.columns:
            cells = by_position[index[column.name]] if column.name in index else missing
            self.cells[column.name] = cells
            checked[column.name] = _check_column(column, cells)
            checks.append((column.name, checked[column.name], True))

        unparsed = np.zeros(n_rows, dtype=bool)  # rows with a cell problem: the rules skip them
        found: list[tuple[int, int, str, _Spec]] = []
        for order, (name, check, counts) in enumerate(checks):
            refused = check.rows_refused()
            if counts:
                unparsed |= refused
            # the first MAX_PROBLEMS of each column hold the first MAX_PROBLEMS of the file
            for position in np.flatnonzero(refused)[:MAX_PROBLEMS]:
                found.append((int(position), order, name,
                              check.specs[int(check.keys[position])]))
        found.sort(key=lambda f: (f[0], f[1]))
        for position, _, name, (expected, shown, why) in found[:MAX_PROBLEMS]:
            self.problems.append(Problem(self.label, expected, raw.excel_rows[position], name,
                                         shown, why))

        table = self._to_arrow(checked)
        # Rules between cells and rows also run when some cells failed, so that one refusal
        # lists every problem; they only see rows whose cells all parsed.
        if not self.full():
            rules = table.filter(pa.array(~unparsed)) if unparsed.any() else table
            getattr(self, f"_rules_{self.kind}")(rules)
        self.refuse_if_any()
        return table

    def _to_arrow(self, checked: dict[str, _Checked]) -> pa.Table:
        data: dict[str, pa.Array] = {"_rij": pa.array(self.raw.excel_rows, type=pa.int32())}
        fields = [pa.field("_rij", pa.int32())]
        for column in self.columns:
            check = checked[column.name]
            keys = pa.array(check.keys)
            arrays = [values.take(keys) for values in check.values]
            if column.name == "periode":
                names = ["periode", "periode_type", "periode_start", "periode_eind"]
            else:
                names = [column.name]
            for name, array, typ in zip(names, arrays, _outputs(column), strict=True):
                data[name] = array
                fields.append(pa.field(name, typ))
        return pa.table(data, schema=pa.schema(fields))

    # -- rules between cells of one row, and between rows of one file --
    #
    # Each rule is first a vectorised mask over all rows; only the rows it flags go through
    # the Python below, which alone says whether and how a row is refused. A mask may flag
    # more rows than the Python refuses, never fewer.

    def _records(self, table: pa.Table, flagged: np.ndarray) -> Iterator[dict]:
        positions = np.flatnonzero(flagged)
        for start in range(0, len(positions), 10_000):
            if self.full():
                return
            part = pa.array(positions[start:start + 10_000], type=pa.int64())
            yield from table.take(part).to_pylist()

    def _product_mismatch(self, table: pa.Table) -> np.ndarray:
        v, product = table.column("voorziening"), table.column("product")
        bad = _bools(pc.invert(pc.is_in(v, pa.array(list(PRODUCTEN)))))
        for voorziening, products in PRODUCTEN.items():
            bad |= _bools(pc.and_(pc.equal(v, voorziening),
                                  pc.invert(pc.is_in(product, pa.array(products)))))
        return bad & _bools(_is_set(table, "product"))

    def _cluster_mismatch(self, table: pa.Table) -> np.ndarray:
        return _bools(pc.and_(_is_set(table, "cluster"),
                              pc.not_equal(table.column("voorziening"), "BW")))

    def _not_after_peildatum(self, r: dict, column: str) -> None:
        value = r.get(column)
        if self.peildatum and isinstance(value, date) and value > self.peildatum:
            self.problem(
                f"een datum op of vóór de peildatum van het bestand ({self.peildatum:%d-%m-%Y})",
                r["_rij"], column, value,
            )

    def _after(self, table: pa.Table, column: str) -> np.ndarray:
        if not self.peildatum:
            return np.zeros(table.num_rows, dtype=bool)
        return _bools(pc.greater(table.column(column), pa.scalar(self.peildatum, pa.date32())))

    def _rules_trajecten(self, table: pa.Table) -> None:
        seen = _first_of_key(table, ["voorziening", "traject_id"])
        c = table.column
        aanmelding, instroom = c("datum_aanmelding"), c("datum_instroom")
        afgemeld, uitstroom = c("datum_afgemeld"), c("datum_uitstroom")
        set_ = {name: _bools(_is_set(table, name)) for name in (
            "datum_instroom", "datum_afgemeld", "datum_uitstroom", "uitstroombestemming",
            "verblijfsgemeente", "woongemeente_na_uitstroom")}
        flagged = (
            np.isin(table.column("_rij").to_numpy(), np.fromiter(seen, dtype=np.int64))
            | self._product_mismatch(table) | self._cluster_mismatch(table)
            | _bools(pc.less(instroom, aanmelding)) | _bools(pc.less(afgemeld, aanmelding))
            | (set_["datum_afgemeld"] & set_["datum_instroom"])
            | (set_["datum_uitstroom"] & ~set_["datum_instroom"])
            | _bools(pc.less(uitstroom, instroom))
            | (set_["datum_uitstroom"] != set_["uitstroombestemming"])
            | (set_["woongemeente_na_uitstroom"] & ~set_["datum_uitstroom"])
            | (set_["datum_instroom"] & ~set_["verblijfsgemeente"])
        )
        for column in ("datum_aanmelding", "datum_instroom", "datum_afgemeld",
                       "datum_uitstroom"):
            flagged |= self._after(table, column)
        for r in self._records(table, flagged):
            row = r["_rij"]
            if row in seen:
                self.problem(
                    "een traject_id die één keer voorkomt per voorziening "
                    f"(ook op rij {seen[row]})",
                    row, "traject_id", r["traject_id"],
                )
            v = r["voorziening"]
            if r["product"] not in PRODUCTEN[v]:
                self.problem(f"een product van {v}: " + ", ".join(PRODUCTEN[v]),
                             row, "product", r["product"])
            if r["cluster"] and v != "BW":
                self.problem("een lege cluster: cluster hoort alleen bij BW", row, "cluster",
                             r["cluster"])
            for column in ("datum_aanmelding", "datum_instroom", "datum_afgemeld",
                           "datum_uitstroom"):
                self._not_after_peildatum(r, column)
            aanmelding, instroom = r["datum_aanmelding"], r["datum_instroom"]
            afgemeld, uitstroom = r["datum_afgemeld"], r["datum_uitstroom"]
            if instroom and instroom < aanmelding:
                self.problem(f"een datum op of na datum_aanmelding ({aanmelding:%d-%m-%Y})",
                             row, "datum_instroom", instroom)
            if afgemeld and afgemeld < aanmelding:
                self.problem(f"een datum op of na datum_aanmelding ({aanmelding:%d-%m-%Y})",
                             row, "datum_afgemeld", afgemeld)
            if afgemeld and instroom:
                self.problem("een lege datum_afgemeld: afgemeld is zonder instroom, "
                             "maar dit traject heeft een datum_instroom",
                             row, "datum_afgemeld", afgemeld)
            if uitstroom and not instroom:
                self.problem("een datum_instroom bij een datum_uitstroom (uitstroom zonder "
                             "instroom kan niet)", row, "datum_instroom", "")
            if uitstroom and instroom and uitstroom < instroom:
                self.problem(f"een datum op of na datum_instroom ({instroom:%d-%m-%Y})",
                             row, "datum_uitstroom", uitstroom)
            if uitstroom and not r["uitstroombestemming"]:
                self.problem("een uitstroombestemming bij een datum_uitstroom",
                             row, "uitstroombestemming", "")
            if r["uitstroombestemming"] and not uitstroom:
                self.problem("een lege uitstroombestemming zolang er geen datum_uitstroom is",
                             row, "uitstroombestemming", r["uitstroombestemming"])
            if r["woongemeente_na_uitstroom"] and not uitstroom:
                self.problem("een lege woongemeente_na_uitstroom zolang er geen datum_uitstroom "
                             "is", row, "woongemeente_na_uitstroom",
                             r["woongemeente_na_uitstroom"])
            if instroom and not r["verblijfsgemeente"]:
                self.problem("een verblijfsgemeente bij een datum_instroom",
                             row, "verblijfsgemeente", "")

    def _rules_tellingen(self, table: pa.Table) -> None:
        # an empty perspectief is regio's, so "regio" and "" share a key
        i = table.schema.get_field_index("perspectief")
        sleutel = table.set_column(i, "perspectief",
                                   pc.fill_null(table.column("perspectief"), "regio"))
        seen = _first_of_key(sleutel, ["bron", "voorziening", "indicator", "periode", "gemeente",
                                       "perspectief", "dimensie"])
        flagged = np.isin(table.column("_rij").to_numpy(), np.fromiter(seen, dtype=np.int64))
        flagged |= self._after(table, "periode_start")
        # a region total has no perspective of its own (data contract 3: TOTAAL is regio)
        flagged |= _bools(pc.and_(pc.equal(table.column("gemeente"), TOTAAL),
                                  pc.is_in(table.column("perspectief"),
                                           pa.array(["herkomst", "verblijf"]))))
        for r in self._records(table, flagged):
            row = r["_rij"]
            label, start = r["periode"], r["periode_start"]
            if self.peildatum and start > self.peildatum:
                self.problem(
                    f"een periode die begint op of vóór de peildatum ({self.peildatum:%d-%m-%Y})",
                    row, "periode", label,
                )
            if r["gemeente"] == TOTAAL and r["perspectief"] in ("herkomst", "verblijf"):
                self.problem("een lege perspectief of regio bij gemeente TOTAAL (het "
                             "regiototaal heeft geen herkomst of verblijf)", row, "perspectief",
                             r["perspectief"])
            if row in seen:
                self.problem(
                    "één rij per bron, voorziening, indicator, periode, gemeente, perspectief "
                    "en dimensie",
                    row, show_value=False,
                    found=f"dubbele sleutel: rij {seen[row]} en rij {row} hebben dezelfde "
                    f"sleutel ({r['bron']}, {r['voorziening']}, {r['indicator']}, {label}, "
                    f"{r['gemeente']}, {r['perspectief'] or 'regio'}, "
                    f"{r['dimensie'] or 'geen dimensie'})",
                )

    def _rules_capaciteit(self, table: pa.Table) -> None:
        flagged = (self._product_mismatch(table) | self._cluster_mismatch(table)
                   | _bools(pc.less(table.column("geldig_tot"), table.column("geldig_vanaf"))))
        locatie = table.column("locatie")
        if _bools(pc.string_is_ascii(locatie)).all():
            # overlaps are only possible within a key that occurs more than once (ASCII
            # lowercases the same in Arrow as in Python)
            key = pa.table({"v": table.column("voorziening"), "l": pc.ascii_lower(locatie),
                            "p": table.column("product"), "c": table.column("cluster"),
                            "_rij": table.column("_rij")})
            repeats = _first_of_key(key, ["v", "l", "p", "c"])
            shared = set(repeats) | set(repeats.values())
            flagged |= np.isin(table.column("_rij").to_numpy(),
                               np.fromiter(shared, dtype=np.int64))
        else:
            flagged[:] = True
        spans: dict[tuple, list[tuple[date, date | None, int]]] = {}
        for r in self._records(table, flagged):
            row = r["_rij"]
            v = r["voorziening"]
            if r["product"] and r["product"] not in PRODUCTEN[v]:
                self.problem(f"een product van {v}: " + ", ".join(PRODUCTEN[v]),
                             row, "product", r["product"])
            if r["cluster"] and v != "BW":
                self.problem("een lege cluster: cluster hoort alleen bij BW", row, "cluster",
                             r["cluster"])
            start, end = r["geldig_vanaf"], r["geldig_tot"]
            if end and end < start:
                self.problem(f"een datum op of na geldig_vanaf ({start:%d-%m-%Y})",
                             row, "geldig_tot", end)
                continue
            key = (v, r["locatie"].lower(), r["product"], r["cluster"])
            for other_start, other_end, other_row in spans.get(key, []):
                if start <= (other_end or date.max) and other_start <= (end or date.max):
                    self.problem(
                        f"geen overlap met rij {other_row} (zelfde locatie, product en cluster): "
                        "plekken zouden dubbel tellen", row, "geldig_vanaf", start,
                    )
            spans.setdefault(key, []).append((start, end, row))
