"""The region: its municipalities and population, read from `data/reference/` (never from code)."""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.settings import BUITEN, ONBEKEND, SPECIAL_GEMEENTE_NAMES, TOTAAL


@dataclass(frozen=True)
class Region:
    naam: str
    trajecten_vanaf: date
    bronvermelding: str
    gemeenten: dict[str, str]  # gemeentecode -> name, in file order
    inwoners: list[tuple[str, int, int, str]]  # gemeentecode, jaar, inwoners, bron
    grenzen: list[tuple[str, str]] = field(default_factory=list)  # gemeentecode, GeoJSON
    _lookup: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def resolve(self, value: str, allow: tuple[str, ...] = (BUITEN, ONBEKEND)) -> str | None:
        """CBS code for a code or name (any case); `allow` adds BUITEN/ONBEKEND/TOTAAL."""
        key = value.strip().upper()
        if key in allow:
            return key
        return self._lookup.get(key)

    def name(self, code: str) -> str:
        return self.gemeenten.get(code) or SPECIAL_GEMEENTE_NAMES[code]

    def describe(self, allow: tuple[str, ...] = (BUITEN, ONBEKEND)) -> str:
        names = ", ".join(self.gemeenten.values())
        return f"een gemeente van de regio ({names}), als naam of CBS-code" + "".join(
            f", of {a}" for a in allow
        )


def load_region(reference_dir: Path) -> Region:
    settings = tomllib.loads((reference_dir / "regio.toml").read_text(encoding="utf-8"))
    gemeenten: dict[str, str] = {}
    with (reference_dir / "gemeenten.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            gemeenten[row["gemeentecode"].strip().upper()] = row["gemeente"].strip()
    inwoners: list[tuple[str, int, int, str]] = []
    with (reference_dir / "inwoners.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            code = row["gemeentecode"].strip().upper()
            if code not in gemeenten:
                raise ValueError(f"inwoners.csv: onbekende gemeentecode {code}")
            inwoners.append((code, int(row["jaar"]), int(row["inwoners"]), row.get("bron", "")))
    grenzen = []
    geojson = reference_dir / "gemeenten.geojson"
    if geojson.exists():
        for feature in json.loads(geojson.read_text(encoding="utf-8"))["features"]:
            code = str(feature.get("id") or feature["properties"].get("statcode")).upper()
            if code in gemeenten:
                grenzen.append((code, json.dumps(feature, separators=(",", ":"))))
    lookup = {code: code for code in gemeenten}
    lookup.update({name.upper(): code for code, name in gemeenten.items()})
    for special in (BUITEN, ONBEKEND, TOTAAL):
        lookup.pop(special, None)
    return Region(
        naam=settings["naam"],
        trajecten_vanaf=settings["trajecten_vanaf"],
        bronvermelding=settings.get("bronvermelding", ""),
        gemeenten=gemeenten,
        inwoners=inwoners,
        grenzen=grenzen,
        _lookup=lookup,
    )
