"""What a refused file or a failed build tells the supplier and the data steward."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file, located as the supplier sees it in Excel (header = row 1)."""

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    # what is wrong, where "waarde '…' is ongeldig" would mislead (a duplicate key, a formula
    # without a stored result, a cell too long to quote)
    found: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        text = ", ".join(where) + ": "
        if self.found is not None:
            if self.value is not None:
                text += f"waarde '{self.value}': "
            text += f"{self.found}; "
        elif self.value is not None:
            text += f"waarde '{self.value}' is ongeldig; "
        return text + f"verwacht: {self.expected}"


class FileRefused(Exception):
    """A file breaks the data contract; nothing of it may reach the warehouse."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        lines = [f"Bestand geweigerd: {self.file} ({len(self.problems)} probleem/problemen)"]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … en nog {len(self.problems) - limit} andere")
        return "\n".join(lines)


class BuildFailed(Exception):
    """The build stopped; the published warehouse was left as it was."""

    def __init__(self, message: str, refusals: list[FileRefused] | None = None):
        self.refusals = refusals or []
        super().__init__(message)
