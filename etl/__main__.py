"""Command line: `python -m etl build | check FILE | aanlever FILE | status | snapshot KWARTAAL`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from etl import settings
from etl.aanlevering import DUBBEL, GEACCEPTEERD, ConfigFout, bouw, lever_aan
from etl.build import needs_build
from etl.problems import BuildFailed, FileRefused
from etl.readers import InvoerConfigFout
from etl.reference import load_region
from etl.validate import kind_of, validate_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Flevomonitor ETL")
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="bouw de warehouse uit data/raw")
    p_build.add_argument("--raw", type=Path, default=settings.RAW_DIR)
    p_build.add_argument("--reference", type=Path, default=settings.REFERENCE_DIR)
    p_build.add_argument("--warehouse", type=Path, default=settings.WAREHOUSE)
    p_build.add_argument(
        "--if-needed", action="store_true",
        help="alleen bouwen als de warehouse ontbreekt of ouder is dan de invoer",
    )

    p_check = sub.add_parser("check", help="controleer één bestand tegen het datacontract")
    p_check.add_argument("file", type=Path)
    p_check.add_argument("--reference", type=Path, default=settings.REFERENCE_DIR)
    p_check.add_argument(
        "--soort", choices=settings.KINDS, help="trajecten, tellingen of capaciteit"
    )

    p_aanlever = sub.add_parser(
        "aanlever",
        help="lever één bestand aan: controleren, bewaren in data/raw en de warehouse bouwen",
    )
    p_aanlever.add_argument("file", type=Path)
    p_aanlever.add_argument(
        "--soort", choices=settings.KINDS, help="trajecten, tellingen of capaciteit"
    )
    p_aanlever.add_argument("--raw", type=Path, default=settings.RAW_DIR)
    p_aanlever.add_argument("--rejected", type=Path, default=settings.REJECTED_DIR)
    p_aanlever.add_argument("--reference", type=Path, default=settings.REFERENCE_DIR)
    p_aanlever.add_argument("--warehouse", type=Path, default=settings.WAREHOUSE)

    p_status = sub.add_parser("status", help="wat is er geladen")
    p_status.add_argument("--warehouse", type=Path, default=settings.WAREHOUSE)

    p_snapshot = sub.add_parser(
        "snapshot", help="bevries een kwartaal: cijfers, manifest en exports (onveranderlijk)"
    )
    p_snapshot.add_argument("kwartaal", help="het kwartaal, bijvoorbeeld 2026-K3")
    p_snapshot.add_argument("--warehouse", type=Path, default=settings.WAREHOUSE)
    p_snapshot.add_argument("--uit", type=Path, default=settings.SNAPSHOTS_DIR)
    p_snapshot.add_argument(
        "--nieuwe-versie", action="store_true",
        help="maak een nieuwe versie naast een bestaande snapshot (vraagt --reden)",
    )
    p_snapshot.add_argument("--reden", help="waarom een nieuwe versie nodig is")

    args = parser.parse_args(argv)
    if args.command == "build":
        return _build(args)
    if args.command == "check":
        return _check(args)
    if args.command == "aanlever":
        return _aanlever(args)
    if args.command == "snapshot":
        return _snapshot(args)
    return _status(args.warehouse)


def _build(args: argparse.Namespace) -> int:
    if args.if_needed and not needs_build(args.raw, args.reference, args.warehouse):
        print(f"Warehouse is actueel: {args.warehouse}")
        return 0
    try:
        # logged in the logboek (build or build_mislukt), like a build after a delivery
        result = bouw(_wie(), args.raw, args.warehouse, args.reference,
                      aanleiding="opdrachtregel")
    except BuildFailed as failed:
        print(str(failed), file=sys.stderr)
        return 1
    print(
        f"Warehouse gebouwd: {result.warehouse} (versie {result.versie}, "
        f"{len(result.files)} bestanden, {_aantal(result.kerncijfers_rows)} opgeslagen "
        "kerncijfers (nullen worden bij het lezen aangevuld), "
        f"{result.correcties} correcties)"
    )
    return 0


def _wie() -> str:
    """Who runs the command, for the logboek: the operating system's user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the passwd file
        return "onbekend"


def _aanlever(args: argparse.Namespace) -> int:
    soort = args.soort or kind_of(args.file)
    if not args.file.is_file():
        print(f"Bestand niet gevonden: {args.file}", file=sys.stderr)
        return 2
    if soort is None:
        print("Geef de soort op met --soort (trajecten, tellingen of capaciteit).",
              file=sys.stderr)
        return 2
    try:
        uitkomst = lever_aan(
            args.file.name, args.file.stat().st_size, args.file.read_bytes, soort, _wie(),
            raw_dir=args.raw, rejected_dir=args.rejected, warehouse=args.warehouse,
            reference_dir=args.reference,
        )
    except ConfigFout as fout:
        print(f"Aanlevering niet mogelijk: {fout}", file=sys.stderr)
        return 2
    print(uitkomst.rapport)
    return 0 if uitkomst.uitkomst in (GEACCEPTEERD, DUBBEL) else 1


def _check(args: argparse.Namespace) -> int:
    kind = args.soort or kind_of(args.file)
    if not args.file.is_file():
        print(f"Bestand niet gevonden: {args.file}", file=sys.stderr)
        return 2
    try:
        loaded = validate_file(args.file, load_region(args.reference), kind)
    except FileRefused as refused:
        print(refused.report(limit=200))
        return 1
    except InvoerConfigFout as fout:
        print(f"Controle niet mogelijk: {fout}", file=sys.stderr)
        return 2
    peildatum = loaded.peildatum.isoformat() if loaded.peildatum else "-"
    print(
        f"Bestand goedgekeurd: {args.file.name} ({loaded.kind}, bron {loaded.bron}, "
        f"peildatum {peildatum}, {loaded.rows} rijen{', demodata' if loaded.demo else ''})"
    )
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    # The publication layer sits above the ETL; this command only dispatches to it.
    from publicatie.snapshot import SnapshotFout, maak_snapshot

    try:
        folder = maak_snapshot(
            args.kwartaal, args.warehouse, args.uit, args.nieuwe_versie, args.reden,
            wie=_wie(),
        )
    except SnapshotFout as fout:
        print(f"Snapshot niet gemaakt: {fout}", file=sys.stderr)
        return 1
    print(f"Snapshot gemaakt: {folder}")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(folder).as_posix()}")
    return 0


def _status(warehouse: Path) -> int:
    # imported here: this function is the only user in this module
    from etl.build import intern_pad

    intern = intern_pad(warehouse)

    def _intern_status(path: Path, meta: dict[str, str]) -> str:
        if not path.exists():
            return "ontbreekt: bouw de warehouse opnieuw met `python -m etl build`"
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                eigen = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
        except duckdb.Error:
            return "niet te lezen: bouw de warehouse opnieuw met `python -m etl build`"
        if eigen != meta:
            return (f"versie {eigen.get('versie')}, gebouwd op {eigen.get('gebouwd_op')}: hoort "
                    "niet bij deze warehouse; bouw opnieuw met `python -m etl build`")
        return f"versie {eigen['versie']}, van dezelfde bouw als de warehouse"

    if not warehouse.exists():
        print(f"Geen warehouse op {warehouse}: bouw hem met `python -m etl build`.")
        return 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        meta = dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
        files = con.execute(
            "SELECT bestand, peildatum, sha256, rijen, geladen_op, demo FROM bronbestanden "
            "ORDER BY bestand"
        ).fetchall()
        rows = con.execute("SELECT count(*) FROM mart_kerncijfers").fetchall()[0][0]
        corrections = con.execute("SELECT count(*) FROM correcties").fetchall()[0][0]
    print(f"Warehouse {warehouse}")
    print(
        f"  versie {meta['versie']}  "
        f"(schema {meta['schema_versie']}, code {meta['code_versie']})"
    )
    print(f"  gebouwd op {meta['gebouwd_op']}, regio {meta['regio']}, "
          f"demodata: {meta['bevat_demo']}")
    print(f"  {_aantal(rows)} opgeslagen kerncijfers, {corrections} correcties op tellingen")
    print(f"Interne opslag {intern} (gegevens per cliënt: nooit delen)")
    print(f"  {_intern_status(intern, meta)}")
    print()
    header = f"{'bestand':<52} {'peildatum':<10} {'rijen':>6}  {'geladen op':<25} sha256"
    print(header)
    print("-" * len(header))
    for name, peildatum, sha, n, loaded, demo in files:
        label = name + (" (demo)" if demo else "")
        print(f"{label:<52} {peildatum or '-'!s:<10} {n:>6}  {loaded:<25} {sha[:16]}")
    return 0


def _aantal(n: int) -> str:
    """A count with the Dutch thousands separator for the terminal (219.168)."""
    return format(n, "_").replace("_", ".")


if __name__ == "__main__":
    sys.exit(main())
