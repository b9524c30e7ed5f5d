"""The layers import only downwards: etl < monitor < publicatie < pages/dashboard, no module
imports a private name of another, and no module imports in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAGEN = {"etl": 0, "monitor": 1, "publicatie": 2, "pages": 3, "dashboard": 3}


def _modules() -> dict[str, Path]:
    uit = {}
    for pakket in ("etl", "monitor", "publicatie", "pages"):
        for pad in sorted((ROOT / pakket).rglob("*.py")):
            delen = pad.relative_to(ROOT).with_suffix("").parts
            naam = ".".join(delen[:-1] if delen[-1] == "__init__" else delen)
            uit[naam] = pad
    uit["dashboard"] = ROOT / "dashboard.py"
    return uit


def _imports(pad: Path) -> list[tuple[str, list[str], bool]]:
    """(module, imported names, at module level) of every import in a file."""
    boom = ast.parse(pad.read_text(encoding="utf-8"))
    bovenaan = {id(n) for n in boom.body}
    uit = []
    for node in ast.walk(boom):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            uit.append((node.module, [a.name for a in node.names], id(node) in bovenaan))
        elif isinstance(node, ast.Import):
            uit += [(a.name, [], id(node) in bovenaan) for a in node.names]
    return uit


MODULES = _modules()


@pytest.mark.parametrize("naam", sorted(MODULES))
def test_each_module_imports_only_its_own_layer_or_below(naam: str):
    laag = LAGEN[naam.split(".")[0]]
    for module, _, bovenaan in _imports(MODULES[naam]):
        pakket = module.split(".")[0]
        if pakket not in LAGEN:
            continue
        if naam == "etl.__main__" and pakket == "publicatie" and not bovenaan:
            continue  # the command line only dispatches `snapshot` to the publication layer
        assert LAGEN[pakket] <= laag, f"{naam} imports {module} from a layer above it"


def test_etl_imports_nothing_of_the_dashboard():
    for naam, pad in MODULES.items():
        if naam.startswith("etl"):
            assert not any(m.split(".")[0] == "monitor" for m, _, _ in _imports(pad)), naam


@pytest.mark.parametrize("naam", sorted(MODULES))
def test_no_private_names_of_other_modules(naam: str):
    for module, namen, _ in _imports(MODULES[naam]):
        if module.split(".")[0] in LAGEN and module != naam:
            assert not [n for n in namen if n.startswith("_")], f"{naam}: {module}.{namen}"


def test_no_import_cycles():
    graaf = {
        naam: {m for m, _, _ in _imports(pad) if m in MODULES and m != naam}
        | {f"{m}.{n}" for m, namen, _ in _imports(pad) for n in namen
           if f"{m}.{n}" in MODULES}
        for naam, pad in MODULES.items()
    }
    bezig, klaar = set(), set()

    def bezoek(naam: str, pad: list[str]) -> None:
        if naam in klaar:
            return
        assert naam not in bezig, "import cycle: " + " -> ".join([*pad, naam])
        bezig.add(naam)
        for volgende in sorted(graaf[naam]):
            bezoek(volgende, [*pad, naam])
        bezig.discard(naam)
        klaar.add(naam)

    for naam in sorted(graaf):
        bezoek(naam, [])
