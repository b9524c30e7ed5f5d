"""Check one supplier file against the data contract and turn it into typed rows.

A file is accepted whole or refused whole. A refusal lists every problem found (up to a
limit), each with file, Excel row, column, value and what was expected, in Dutch: the
supplier reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from etl.problems import FileRefused, Problem
from etl.readers import Cell, FormulaWithoutValue, Limits, RawTable, read_table
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

    @property
    def rows(self) -> int:
        return self.table.num_rows


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
        # the cells as delivered, so a refusal shows what the supplier typed (15-01-2024),
        # not what it was parsed into
        self.cells: dict[tuple[int, str], Cell] = {}

    def problem(self, expected: str, row: int | None = None, column: str | None = None,
                value: Cell = None, *, show_value: bool = True,
                found: str | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            value = self.cells.get((row, column), value) if row is not None else value
            shown = cell_text(value) if show_value else None
            self.problems.append(Problem(self.label, expected, row, column, shown, found))

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

        known = {c.name for c in self.columns}
        # every cell of the file, also of columns the contract does not know: a BSN in a
        # count or a code column must not pass either (nor be quoted in this refusal)
        bsn_positions = [p for p, n in enumerate(raw.columns) if n not in known]
        records: list[dict[str, object]] = []
        unparsed: set[int] = set()  # rows with a cell problem: the rules below skip them
        for row, number in zip(raw.rows, raw.excel_rows, strict=True):
            record: dict[str, object] = {"_rij": number}
            for position in bsn_positions:
                if looks_like_bsn(row[position]):
                    self.problem(BSN_EXPECTED, number, raw.columns[position] or
                                 f"kolom {position + 1}", show_value=False)
            for column in self.columns:
                cell = row[index[column.name]] if column.name in index else None
                if looks_like_bsn(cell):
                    self.problem(BSN_EXPECTED, number, column.name, show_value=False)
                    record[column.name] = None
                    unparsed.add(number)
                    continue
                self.cells[(number, column.name)] = cell
                if isinstance(cell, FormulaWithoutValue):
                    self.problem(
                        "een waarde: open het bestand in Excel en sla het op (dan bewaart Excel "
                        "de uitkomst), of plak de cellen als waarden",
                        number, column.name, cell,
                        found="een formule zonder opgeslagen uitkomst",
                    )
                    record[column.name] = None
                    unparsed.add(number)
                    continue
                if cell is None or (isinstance(cell, str) and not cell.strip()):
                    if column.required:
                        self.problem("een waarde (verplichte kolom)", number, column.name, "")
                        unparsed.add(number)
                    record[column.name] = None
                    continue
                try:
                    record[column.name] = column.parse(cell)
                except Invalid as exc:
                    self.problem(str(exc), number, column.name, cell)
                    record[column.name] = None
                    unparsed.add(number)
            records.append(record)
        # Rules between cells and rows also run when some cells failed, so that one refusal
        # lists every problem; they only see rows whose cells all parsed.
        getattr(self, f"_rules_{self.kind}")([r for r in records if r["_rij"] not in unparsed])
        self.refuse_if_any()
        return self._to_arrow(records)

    def _to_arrow(self, records: list[dict[str, object]]) -> pa.Table:
        data: dict[str, list[object]] = {"_rij": [r["_rij"] for r in records]}
        fields = [pa.field("_rij", pa.int32())]
        for column in self.columns:
            values = [r[column.name] for r in records]
            if column.name == "periode":
                data["periode"] = [v[0] for v in values]
                data["periode_type"] = [v[1] for v in values]
                data["periode_start"] = [v[2] for v in values]
                data["periode_eind"] = [v[3] for v in values]
                fields += [
                    pa.field("periode", pa.string()),
                    pa.field("periode_type", pa.string()),
                    pa.field("periode_start", pa.date32()),
                    pa.field("periode_eind", pa.date32()),
                ]
                continue
            data[column.name] = values
            fields.append(pa.field(column.name, column.arrow))
        return pa.table(data, schema=pa.schema(fields))

    # -- rules between cells of one row, and between rows of one file --

    def _not_after_peildatum(self, r: dict, column: str) -> None:
        value = r.get(column)
        if self.peildatum and isinstance(value, date) and value > self.peildatum:
            self.problem(
                f"een datum op of vóór de peildatum van het bestand ({self.peildatum:%d-%m-%Y})",
                r["_rij"], column, value,
            )

    def _rules_trajecten(self, records: list[dict]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for r in records:
            row = r["_rij"]
            key = (r["voorziening"], r["traject_id"])
            if key in seen:
                self.problem(
                    "een traject_id die één keer voorkomt per voorziening "
                    f"(ook op rij {seen[key]})",
                    row, "traject_id", r["traject_id"],
                )
            seen.setdefault(key, row)
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
            if instroom and not r["verblijfsgemeente"]:
                self.problem("een verblijfsgemeente bij een datum_instroom",
                             row, "verblijfsgemeente", "")

    def _rules_tellingen(self, records: list[dict]) -> None:
        seen: dict[tuple, int] = {}
        for r in records:
            row = r["_rij"]
            label, _, start, _ = r["periode"]
            if self.peildatum and start > self.peildatum:
                self.problem(
                    f"een periode die begint op of vóór de peildatum ({self.peildatum:%d-%m-%Y})",
                    row, "periode", label,
                )
            key = (r["bron"], r["voorziening"], r["indicator"], label, r["gemeente"],
                   r["dimensie"])
            if key in seen:
                self.problem(
                    "één rij per bron, voorziening, indicator, periode, gemeente en dimensie",
                    row, show_value=False,
                    found=f"dubbele sleutel: rij {seen[key]} en rij {row} hebben dezelfde "
                    f"sleutel ({r['bron']}, {r['voorziening']}, {r['indicator']}, {label}, "
                    f"{r['gemeente']}, {r['dimensie'] or 'geen dimensie'})",
                )
            seen.setdefault(key, row)

    def _rules_capaciteit(self, records: list[dict]) -> None:
        spans: dict[tuple, list[tuple[date, date | None, int]]] = {}
        for r in records:
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
