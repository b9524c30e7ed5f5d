"""The benchmark's generator writes files the ETL accepts, so `python -m bench` cannot rot
silently. The bench itself is never part of the tests (docs/performance.md)."""

from __future__ import annotations

from pathlib import Path

from bench.genereer import GEMEENTEN, REGIOS, genereer
from etl.reference import load_region
from etl.validate import validate_file


def test_generated_files_pass_validation(tmp_path: Path) -> None:
    regios = genereer(tmp_path / "a", n_trajecten=2_000)
    assert len(regios) == REGIOS
    assert sum(len(r.gemeenten) for r in regios) == GEMEENTEN

    rijen = 0
    for regio in regios[:3]:  # a few regions: validation is the slow part
        region = load_region(tmp_path / "a" / regio.map / "reference")
        bestanden = sorted((tmp_path / "a" / regio.map / "raw").glob("*/*.csv"))
        assert {p.parent.name for p in bestanden} == {"trajecten", "tellingen", "capaciteit"}
        for pad in bestanden:
            loaded = validate_file(pad, region)
            assert loaded.rows > 0
            rijen += loaded.rows if loaded.kind == "trajecten" else 0
    assert rijen > 0

    # the national reference folder holds every municipality and links to every file
    nationaal = load_region(tmp_path / "a" / "nationaal" / "reference")
    assert len(nationaal.gemeenten) == GEMEENTEN
    assert len(list((tmp_path / "a" / "nationaal" / "raw").glob("*/*.csv"))) == 3 * REGIOS
    pad = sorted((tmp_path / "a" / "nationaal" / "raw" / "trajecten").glob("*.csv"))[-1]
    assert validate_file(pad, nationaal).rows > 0


def test_generator_is_deterministic(tmp_path: Path) -> None:
    genereer(tmp_path / "a", n_trajecten=500, nationaal=False)
    genereer(tmp_path / "b", n_trajecten=500, nationaal=False)
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    assert a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.csv"))
    for rel in a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
