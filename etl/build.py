"""Build the warehouse from `data/raw`: validate every file, stage, derive, test, swap in.

A build makes two files (docs/warehouse.md, "Two faces"):

- the internal store `<dir>/intern/<stem>-intern.duckdb` (`intern_pad`): every table,
  including the per-client rows of raw_trajecten and stg_trajecten; for the ETL and the
  data steward only;
- the public warehouse (`data/warehouse.duckdb`): the view `kerncijfers` and aggregates only
  (`PUBLIEKE_TABELLEN`), the file advisors open and the dashboard reads.

Both are written next to the published ones and only `os.replace`d over them (the internal
store first) when every file was accepted and every data test passed, so a refusal or a
failed test leaves both exactly as they were, and a running dashboard never sees a
half-written file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import datatests, settings
from etl.problems import BuildFailed, FileRefused, Problem
from etl.readers import SUPPORTED_SUFFIXES, InvoerConfigFout, lees_grenzen
from etl.reference import Region, load_region
from etl.validate import LoadedFile, quarter_end, validate_file

# What the public warehouse holds: reference tables, periods, the source list and
# corrections, the marts (aggregates) and `meta`; never a raw_ or stg_ table. The internal
# store holds these and everything else.
PUBLIEKE_TABELLEN = (
    "ref_gemeenten", "ref_gemeentenamen", "ref_inwoners", "ref_gemeentegrenzen",
    "ref_inwoners_regio", "periodes", "periodes_trajecten", "verblijfsduurklassen",
    "bronbestanden", "correcties", "trajecten_uitsplitsingen",
    "nulrooster_perioden", "nulrooster_gemeenten", "nulrooster_dimensies",
    "mart_trajecten", "mart_herkomst_verblijf", "mart_tellingen", "mart_capaciteit",
    "mart_bezettingsgraad", "mart_weer_thuis", "mart_locaties",
    "mart_capaciteit_locaties", "mart_instroom_kruis", "mart_uitstroom_stromen",
    "mart_uitstroom_verblijfsduur", "mart_kerncijfers", "kerncijfers_structuur",
    "prognose", "prognose_backtest",  # a projection, apart from the observed figures
    "meta",
)
# Views copied with their definition unchanged: `kerncijfers` is the public interface.
PUBLIEKE_VIEWS = ("mart_trajecten_nullen", "kerncijfers", "locaties")


BOUW_CONFIG = settings.CONFIG_DIR / "bouw.toml"
_GEHEUGEN = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


@dataclass(frozen=True)
class Bouwgrenzen:
    """The limits of one build (config/bouw.toml)."""

    max_minuten: float = 30
    datatest_max_seconden: float = 120
    geheugen_limiet: str = "1.5GiB"
    threads: int = 0  # 0: DuckDB's default, one per core


def lees_bouwgrenzen(pad: Path | None = None) -> Bouwgrenzen:
    """config/bouw.toml, checked; BuildFailed (in Dutch) when it is not usable."""
    pad = pad or BOUW_CONFIG
    try:
        ruw = settings.lees_toml(pad)
    except settings.TomlFout as fout:
        raise BuildFailed(str(fout)) from fout
    velden = set(Bouwgrenzen.__dataclass_fields__)
    if onbekend := sorted(set(ruw) - velden):
        raise BuildFailed(f"{pad.name}: onbekende instelling {', '.join(onbekend)} "
                          f"(alleen {', '.join(sorted(velden))})")
    for naam in ("max_minuten", "datatest_max_seconden"):
        waarde = ruw.get(naam, getattr(Bouwgrenzen, naam))
        if isinstance(waarde, bool) or not isinstance(waarde, int | float) or waarde <= 0:
            raise BuildFailed(f"{pad.name}: {naam} moet een getal groter dan 0 zijn "
                              f"(nu: {waarde!r})")
    geheugen = ruw.get("geheugen_limiet", Bouwgrenzen.geheugen_limiet)
    if not isinstance(geheugen, str) or not _GEHEUGEN.fullmatch(geheugen.strip()):
        raise BuildFailed(f"{pad.name}: geheugen_limiet moet een hoeveelheid zijn zoals "
                          f"\"1.5GiB\" of \"800MB\" (nu: {geheugen!r})")
    threads = ruw.get("threads", Bouwgrenzen.threads)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise BuildFailed(f"{pad.name}: threads moet een geheel getal van 0 of meer zijn "
                          f"(nu: {threads!r})")
    return Bouwgrenzen(
        max_minuten=float(ruw.get("max_minuten", Bouwgrenzen.max_minuten)),
        datatest_max_seconden=float(
            ruw.get("datatest_max_seconden", Bouwgrenzen.datatest_max_seconden)),
        geheugen_limiet=geheugen.strip(),
        threads=threads,
    )


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    versie: str
    files: list[LoadedFile]
    kerncijfers_rows: int
    correcties: int
    intern: Path


def intern_pad(warehouse: Path) -> Path:
    """The internal store that belongs to `warehouse`: `<dir>/intern/<stem>-intern.duckdb`
    (for data/warehouse.duckdb that is settings.INTERN_WAREHOUSE)."""
    return warehouse.parent / "intern" / f"{warehouse.stem}-intern.duckdb"


def discover(raw_dir: Path) -> list[tuple[str, Path]]:
    """Supplier files per kind, in name order (a later name is a later delivery)."""
    found = []
    for kind in settings.KINDS:
        folder = raw_dir / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            # Excel's lock files (~$name.xlsx) and hidden files are not deliveries.
            if path.name.startswith(("~$", ".")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            found.append((kind, path))
    return found


def needs_build(
    raw_dir: Path, reference_dir: Path, warehouse: Path, intern: Path | None = None
) -> bool:
    """True when the warehouse or its internal store is missing, the two are not of the
    same build, or the warehouse was built by other code or is older than its inputs."""
    meta = _meta(warehouse)
    if meta is None or _meta(intern or intern_pad(warehouse)) != meta:
        return True
    if meta.get("schema_versie") != str(settings.SCHEMA_VERSION):
        return True
    if meta.get("invoer") != _input_fingerprint(raw_dir, reference_dir):
        return True
    built = warehouse.stat().st_mtime
    inputs = [p for _, p in discover(raw_dir)] + list(reference_dir.iterdir())
    # the ETL's own code and models count too: a changed definition means a rebuild
    inputs += list(settings.SQL_DIR.glob("*.sql")) + list(settings.SQL_DIR.parent.glob("*.py"))
    return any(p.stat().st_mtime > built for p in inputs if p.is_file())


def _meta(path: Path) -> dict[str, str] | None:
    """The `meta` of a built file; None when it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return dict(con.execute("SELECT sleutel, waarde FROM meta").fetchall())
    except duckdb.Error:
        return None


def _input_fingerprint(raw_dir: Path, reference_dir: Path) -> str:
    digest = hashlib.sha256()
    for kind, path in discover(raw_dir):
        digest.update(f"{kind}/{path.name}:{_sha256(path)}\n".encode())
    for path in sorted(reference_dir.glob("*")):
        if path.is_file():
            digest.update(f"ref/{path.name}:{_sha256(path)}\n".encode())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(
    raw_dir: Path = settings.RAW_DIR,
    warehouse: Path = settings.WAREHOUSE,
    reference_dir: Path = settings.REFERENCE_DIR,
    intern: Path | None = None,
    grenzen: Bouwgrenzen | None = None,
) -> BuildResult:
    """Build the internal store (`intern`, by default `intern_pad(warehouse)`) and the public
    `warehouse` from `raw_dir`; BuildFailed (and both files as they were) when a file is
    refused, two files contradict each other, a data test fails or a limit of
    config/bouw.toml (`grenzen`) is reached."""
    grenzen = grenzen or lees_bouwgrenzen()
    einde = time.monotonic() + grenzen.max_minuten * 60
    intern = intern or intern_pad(warehouse)
    region = load_region(reference_dir)
    try:
        lees_grenzen()  # checked once, before any file: a broken config refuses the build
    except InvoerConfigFout as fout:
        raise BuildFailed(f"De warehouse is niet bijgewerkt: {fout}") from fout
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # per-client rows: only the owner may enter the folder (where the OS honours modes)
    intern.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _ruim_resten(intern)
    _ruim_resten(warehouse)
    intern_tijdelijk, publiek_tijdelijk = _tijdelijk(intern), _tijdelijk(warehouse)
    # DuckDB spills beyond its memory limit next to the internal store: in its private
    # folder (the spilled rows are per client), under this build's name, so it is cleaned
    spill = Path(f"{intern_tijdelijk}.tmp")
    previous_loads = _previous_loads(warehouse)
    files: list[LoadedFile] = []
    refusals: list[FileRefused] = []
    stap = "het laden"
    try:
        with (
            duckdb.connect(str(intern_tijdelijk), config=_duckdb_config(grenzen, spill)) as con,
            datatests.Waakhond(con, einde - time.monotonic()) as waakhond,
        ):
            try:
                # each accepted file goes into the (temporary) store at once and its rows are
                # let go: memory holds one file, not the whole delivery; a refusal anywhere
                # still leaves the warehouse as it was (the temporary store is removed)
                for kind, path in discover(raw_dir):
                    try:
                        loaded = validate_file(path, region, kind)
                    except FileRefused as refused:
                        refusals.append(refused)
                    else:
                        if not refusals:
                            _laad_bestand(con, loaded, len(files))
                        files.append(loaded.zonder_rijen())
                        del loaded
                    if time.monotonic() > einde:
                        raise BuildFailed(_te_lang(grenzen, f"het keuren van {path.name}"))
                if refusals:
                    raise BuildFailed(
                        "De warehouse is niet bijgewerkt: "
                        f"{len(refusals)} bestand(en) geweigerd.\n\n"
                        + "\n\n".join(r.report() for r in refusals),
                        refusals,
                    )
                if not files:
                    raise BuildFailed(
                        f"Geen bestanden gevonden in {raw_dir}/(trajecten|tellingen|capaciteit)")
                _load(con, region, files, previous_loads)
                _weiger_tegenstrijdige_trajecten(con)
                for sql_file in sorted(settings.SQL_DIR.glob("*.sql")):
                    stap = f"model {sql_file.name}"
                    con.execute(sql_file.read_text(encoding="utf-8"))
                stap = "de datatests"
                # each test within its own limit; the build's Waakhond keeps the overall one
                failures = datatests.run(con, max_seconden=grenzen.datatest_max_seconden)
                if failures:
                    raise BuildFailed(
                        "De warehouse is niet bijgewerkt: datatests faalden.\n"
                        + "\n".join(f"  - {f}" for f in failures)
                    )
                stap = "de versie"
                versie = kerncijfers_versie(con)
                # the stored figures: counting the view would fill every zero of the region
                rows = con.execute("SELECT count(*) FROM mart_kerncijfers").fetchall()[0][0]
                corrections = con.execute("SELECT count(*) FROM correcties").fetchall()[0][0]
                _write_meta(con, region, versie, _input_fingerprint(raw_dir, reference_dir))
                con.execute("CHECKPOINT")
            except duckdb.InterruptException as fout:
                if waakhond.verlopen:
                    raise BuildFailed(_te_lang(grenzen, stap)) from fout
                raise
            except duckdb.Error as fout:
                raise _duckdb_fout(grenzen, stap, fout) from fout
        if time.monotonic() > einde:
            raise BuildFailed(_te_lang(grenzen, "het afronden"))
        intern_tijdelijk.chmod(0o600)
        _write_public(intern_tijdelijk, publiek_tijdelijk, grenzen, spill, einde)
        # the internal store first: a public file is never newer than the rows behind it
        os.replace(intern_tijdelijk, intern)
        os.replace(publiek_tijdelijk, warehouse)
    finally:
        for temporary in (intern_tijdelijk, publiek_tijdelijk):
            temporary.unlink(missing_ok=True)
            Path(f"{temporary}.wal").unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
    return BuildResult(warehouse, versie, files, rows, corrections, intern)


def _duckdb_fout(grenzen: Bouwgrenzen, stap: str, fout: duckdb.Error) -> BuildFailed:
    """A build DuckDB could not finish (out of memory above all) as a Dutch refusal: the
    warehouse stays as it was, and no traceback reaches the data steward."""
    # a commit that runs out of memory is reported as a transaction error, not as OOM
    if isinstance(fout, duckdb.OutOfMemoryException) or "could not allocate" in str(fout):
        oorzaak = (f"het geheugen was op (grens geheugen_limiet {grenzen.geheugen_limiet} in "
                   "config/bouw.toml); bouw per regio of verhoog de grens")
    else:
        oorzaak = f"DuckDB meldde: {str(fout).splitlines()[0][:300]}"
    return BuildFailed(f"De warehouse is niet bijgewerkt: de bouw liep vast tijdens {stap}: "
                       f"{oorzaak}.")


def _te_lang(grenzen: Bouwgrenzen, stap: str) -> str:
    return (
        f"De warehouse is niet bijgewerkt: de bouw duurde langer dan {grenzen.max_minuten:g} "
        f"minuten (grens max_minuten in config/bouw.toml) en is afgebroken tijdens {stap}."
    )


def _duckdb_config(grenzen: Bouwgrenzen, spill: Path) -> dict[str, str | int]:
    """DuckDB's own limits for a build connection: by default it takes 80% of the RAM."""
    config: dict[str, str | int] = {
        "memory_limit": grenzen.geheugen_limiet,
        "temp_directory": str(spill),
    }
    if grenzen.threads:
        config["threads"] = grenzen.threads
    return config


# A build's temporary files: `.<name>.<pid>.bouw`, its `.wal` and DuckDB's spill folder `.tmp`.
_REST = re.compile(r"\.(?P<naam>.+)\.(?P<pid>\d+)\.bouw(\.wal|\.tmp)?")


def _ruim_resten(target: Path) -> None:
    """Remove what a killed build left next to `target`: the temporary files of a process
    that no longer runs. A running build's files (another process) are left alone."""
    for path in target.parent.glob(f".{target.name}.*.bouw*"):
        match = _REST.fullmatch(path.name)
        if not match or match["naam"] != target.name:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _leeft(pid):
            continue  # our own files are handled by _tijdelijk
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _leeft(pid: int) -> bool:
    """Whether process `pid` runs; when in doubt, it does (its files stay)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


# Columns of raw_trajecten that say where a row came from, not what it says.
_HERKOMST_KOLOMMEN = ("rij", "bestand", "bestand_volgorde", "peildatum", "demo")
MAX_TEGENSPRAAK = 50


def _weiger_tegenstrijdige_trajecten(con: duckdb.DuckDBPyConnection) -> None:
    """Data contract 1a: two trajecten files with the same peildatum that hold the same
    (voorziening, traject_id) with different values contradict each other, and no rule says
    which one is right; BuildFailed naming both files, the traject and the columns. The same
    row in both files is no contradiction."""
    kolommen = [
        c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name = 'raw_trajecten' ORDER BY column_index"
        ).fetchall()
        if c not in (*_HERKOMST_KOLOMMEN, "voorziening", "traject_id")
    ]
    verschil = ", ".join(
        f"{{'kolom': '{c}', 'a': a.\"{c}\"::VARCHAR, 'b': b.\"{c}\"::VARCHAR}}"
        for c in kolommen
    )
    # an equi-join per (voorziening, traject_id, peildatum): within one file the key is
    # unique, so this is linear in the rows unless many files share a peildatum
    paren = con.execute(f"""
        SELECT a.bestand, a.rij, b.bestand, b.rij, a.voorziening, a.traject_id, a.peildatum,
               list_filter([{verschil}], lambda x: x.a IS DISTINCT FROM x.b) AS kolommen,
               count(*) OVER () AS totaal
        FROM raw_trajecten AS a
        JOIN raw_trajecten AS b
          ON a.voorziening = b.voorziening AND a.traject_id = b.traject_id
          AND a.peildatum = b.peildatum AND a.bestand_volgorde < b.bestand_volgorde
        WHERE len(list_filter([{verschil}], lambda x: x.a IS DISTINCT FROM x.b)) > 0
        ORDER BY b.bestand, b.rij, a.bestand
        LIMIT {MAX_TEGENSPRAAK}""").fetchall()
    if not paren:
        return
    # each file is told what it says and where the other says something else; the other
    # value stays out of `expected` (the logboek keeps a problem without its value)
    per_bestand: dict[str, list[Problem]] = {}
    for bestand_a, rij_a, bestand_b, rij_b, voorziening, traject, peildatum, verschillen, _ in (
        paren
    ):
        for hier, rij, daar, rij_daar, kant in (
            (bestand_a, rij_a, bestand_b, rij_b, "a"), (bestand_b, rij_b, bestand_a, rij_a, "b")
        ):
            per_bestand.setdefault(hier, []).extend(
                Problem(
                    hier,
                    "dezelfde waarde in beide bestanden (maak ze gelijk of haal een van de "
                    "twee weg)",
                    rij, v["kolom"], _leeg(v[kant]),
                    found=f"traject '{traject}' ({voorziening}) staat ook in {daar} rij "
                    f"{rij_daar}, met dezelfde peildatum {peildatum} maar een andere waarde",
                )
                for v in verschillen
            )
    refusals = [FileRefused(bestand, per_bestand[bestand]) for bestand in sorted(per_bestand)]
    totaal = paren[0][-1]
    meer = (f" De eerste {MAX_TEGENSPRAAK} van {totaal} tegenstrijdige trajecten staan hieronder."
            if totaal > MAX_TEGENSPRAAK else "")
    raise BuildFailed(
        "De warehouse is niet bijgewerkt: trajectbestanden met dezelfde peildatum spreken "
        f"elkaar tegen over {totaal} traject(en) (datacontract 1a).{meer}\n\n"
        + "\n\n".join(r.report() for r in refusals),
        refusals,
    )


def _leeg(waarde: str | None) -> str:
    return "(leeg)" if waarde is None else waarde


def _tijdelijk(target: Path) -> Path:
    """Where `target` is built before it is swapped in: its own folder (so `os.replace` is
    atomic), a hidden name of this process; a leftover of an earlier crash is removed."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.bouw")
    temporary.unlink(missing_ok=True)
    Path(f"{temporary}.wal").unlink(missing_ok=True)
    shutil.rmtree(f"{temporary}.tmp", ignore_errors=True)
    return temporary


def _write_public(
    intern: Path, public: Path, grenzen: Bouwgrenzen, spill: Path, einde: float
) -> None:
    """Copy the public tables and views of the (tested) internal store into a new file, with
    their definitions unchanged, and check that nothing per client went with them."""
    with (
        duckdb.connect(str(public), config=_duckdb_config(grenzen, spill)) as con,
        datatests.Waakhond(con, einde - time.monotonic()) as waakhond,
    ):
        try:
            _kopieer_publiek(con, intern)
        except duckdb.InterruptException as fout:
            if waakhond.verlopen:
                raise BuildFailed(_te_lang(grenzen, "het schrijven van de openbare warehouse")
                                  ) from fout
            raise
        except duckdb.Error as fout:
            raise _duckdb_fout(grenzen, "het schrijven van de openbare warehouse", fout) from fout


def _kopieer_publiek(con: duckdb.DuckDBPyConnection, intern: Path) -> None:
    con.execute("ATTACH ? AS intern (READ_ONLY)", [str(intern)])
    for name in PUBLIEKE_TABELLEN:
        [(ddl,)] = con.execute(
            "SELECT sql FROM duckdb_tables() WHERE database_name = 'intern' "
            "AND schema_name = 'main' AND table_name = ?", [name]
        ).fetchall()
        con.execute(ddl)
        con.execute(f'INSERT INTO main."{name}" SELECT * FROM intern.main."{name}"')
    for name in PUBLIEKE_VIEWS:
        [(ddl,)] = con.execute(
            "SELECT sql FROM duckdb_views() WHERE database_name = 'intern' "
            "AND schema_name = 'main' AND view_name = ?", [name]
        ).fetchall()
        con.execute(ddl)
    con.execute("DETACH intern")
    failures = datatests.publiek(con, PUBLIEKE_TABELLEN + PUBLIEKE_VIEWS)
    if failures:
        raise BuildFailed(
            "De warehouse is niet bijgewerkt: de openbare warehouse zou meer bevatten "
            "dan cijfers.\n" + "\n".join(f"  - {f}" for f in failures)
        )
    con.execute("CHECKPOINT")


def _previous_loads(warehouse: Path) -> dict[str, str]:
    """When each file (by sha256) was first loaded, carried over from the last warehouse."""
    if not warehouse.exists():
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return dict(con.execute("SELECT sha256, geladen_op FROM bronbestanden").fetchall())
    except duckdb.Error:
        return {}


def _load(
    con: duckdb.DuckDBPyConnection,
    region: Region,
    files: list[LoadedFile],
    previous_loads: dict[str, str],
) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    con.register(
        "v_gemeenten",
        pa.table({
            "gemeentecode": list(region.gemeenten),
            "gemeente": list(region.gemeenten.values()),
            "volgorde": list(range(1, len(region.gemeenten) + 1)),
        }),
    )
    con.execute("CREATE TABLE ref_gemeenten AS SELECT * FROM v_gemeenten")
    specials = [(c, n) for c, n in settings.SPECIAL_GEMEENTE_NAMES.items()]
    con.execute(
        "CREATE TABLE ref_gemeentenamen AS SELECT gemeentecode, gemeente FROM ref_gemeenten"
    )
    con.executemany("INSERT INTO ref_gemeentenamen VALUES (?, ?)", specials)
    con.register(
        "v_inwoners",
        pa.table({
            "gemeentecode": [r[0] for r in region.inwoners],
            "jaar": pa.array([r[1] for r in region.inwoners], pa.int32()),
            "inwoners": pa.array([r[2] for r in region.inwoners], pa.int64()),
            "bron": [r[3] for r in region.inwoners],
        }),
    )
    con.execute("CREATE TABLE ref_inwoners AS SELECT * FROM v_inwoners")
    # boundaries for the maps, one GeoJSON feature per municipality, so the dashboard
    # reads the warehouse only
    con.execute("CREATE TABLE ref_gemeentegrenzen (gemeentecode VARCHAR, feature VARCHAR)")
    if region.grenzen:  # a region may ship no boundaries; its maps then stay empty
        con.executemany("INSERT INTO ref_gemeentegrenzen VALUES (?, ?)", region.grenzen)
    con.execute("CREATE TABLE ratio_suffixen (suffix VARCHAR)")
    con.executemany(
        "INSERT INTO ratio_suffixen VALUES (?)", [(s,) for s in settings.RATIO_SUFFIXES]
    )
    con.execute(settings.BRON_MACROS)
    con.execute("CREATE TABLE flow_indicatoren (indicator VARCHAR)")
    con.executemany(
        "INSERT INTO flow_indicatoren VALUES (?)", [(i,) for i in sorted(settings.FLOW_INDICATORS)]
    )

    con.execute(
        "CREATE TABLE bronbestanden (bestand VARCHAR, soort VARCHAR, bron VARCHAR, "
        "peildatum DATE, sha256 VARCHAR, rijen INTEGER, demo BOOLEAN, geladen_op VARCHAR)"
    )
    for loaded in files:
        con.execute(
            "INSERT INTO bronbestanden VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"{loaded.kind}/{loaded.path.name}", loaded.kind, loaded.bron, loaded.peildatum,
                loaded.sha256, loaded.rows, loaded.demo, previous_loads.get(loaded.sha256, now),
            ],
        )
    for kind in settings.KINDS:
        # An empty kind still gets its staging table, so the SQL models run unchanged.
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [f"raw_{kind}"]
        ).fetchall()[0][0]
        if not exists:
            con.execute(f"CREATE TABLE raw_{kind} AS SELECT * FROM ({_EMPTY[kind]}) WHERE false")

    _create_periods(con, region, files)


_EMPTY = {
    "trajecten": (
        "SELECT 0::INT AS rij, ''::VARCHAR AS traject_id, ''::VARCHAR AS voorziening, "
        "''::VARCHAR AS product, ''::VARCHAR AS cluster, ''::VARCHAR AS aanmelding_type, "
        "''::VARCHAR AS herkomstgemeente, ''::VARCHAR AS verblijfsgemeente, "
        "''::VARCHAR AS locatie, NULL::DATE AS datum_aanmelding, NULL::DATE AS datum_instroom, "
        "NULL::DATE AS datum_afgemeld, NULL::DATE AS datum_uitstroom, "
        "''::VARCHAR AS uitstroombestemming, ''::VARCHAR AS woongemeente_na_uitstroom, "
        "''::VARCHAR AS leeftijdsklasse, "
        "''::VARCHAR AS geslacht, ''::VARCHAR AS met_kinderen, ''::VARCHAR AS bestand, "
        "0::INT AS bestand_volgorde, NULL::DATE AS peildatum, false AS demo"
    ),
    "tellingen": (
        "SELECT 0::INT AS rij, ''::VARCHAR AS bron, ''::VARCHAR AS voorziening, "
        "''::VARCHAR AS indicator, ''::VARCHAR AS periode, ''::VARCHAR AS periode_type, "
        "NULL::DATE AS periode_start, NULL::DATE AS periode_eind, ''::VARCHAR AS gemeente, "
        "''::VARCHAR AS perspectief, ''::VARCHAR AS dimensie, 0::BIGINT AS waarde, "
        "''::VARCHAR AS opmerking, ''::VARCHAR AS bestand, 0::INT AS bestand_volgorde, "
        "NULL::DATE AS peildatum, false AS demo"
    ),
    "capaciteit": (
        "SELECT 0::INT AS rij, ''::VARCHAR AS voorziening, ''::VARCHAR AS aanbieder, "
        "''::VARCHAR AS locatie, ''::VARCHAR AS gemeente, ''::VARCHAR AS product, "
        "''::VARCHAR AS cluster, 0::BIGINT AS plekken, NULL::DATE AS geldig_vanaf, "
        "NULL::DATE AS geldig_tot, ''::VARCHAR AS bestand, 0::INT AS bestand_volgorde, "
        "NULL::DATE AS peildatum, false AS demo"
    ),
}


def _laad_bestand(con: duckdb.DuckDBPyConnection, loaded: LoadedFile, order: int) -> None:
    """The rows of one accepted file into raw_<kind>, with the file they came from."""
    table = loaded.table.rename_columns(
        ["rij" if c == "_rij" else c for c in loaded.table.column_names]
    )
    n = table.num_rows
    table = (
        table.append_column("bestand", pa.array([loaded.path.name] * n, pa.string()))
        .append_column("bestand_volgorde", pa.array([order] * n, pa.int32()))
        .append_column("peildatum", pa.array([loaded.peildatum] * n, pa.date32()))
        .append_column("demo", pa.array([loaded.demo] * n, pa.bool_()))
    )
    target = f"raw_{loaded.kind}"
    con.register("v_bestand", table)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [target]
    ).fetchall()[0][0]
    if exists:
        con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM v_bestand")
    else:
        con.execute(f"CREATE TABLE {target} AS SELECT * FROM v_bestand")
    con.unregister("v_bestand")


def _create_periods(
    con: duckdb.DuckDBPyConnection, region: Region, files: list[LoadedFile]
) -> None:
    """Quarters and years up to the latest peildatum: `periodes` from the earliest
    capacity, `periodes_trajecten` from the start of the trajecten registration."""
    peildata = [f.peildatum for f in files if f.peildatum]
    last = max(peildata) if peildata else region.trajecten_vanaf
    starts = [region.trajecten_vanaf]
    first_capacity = con.execute("SELECT min(geldig_vanaf) FROM raw_capaciteit").fetchall()[0][0]
    if first_capacity:
        starts.append(first_capacity)
    rows = list(_periods(min(starts), last))
    table = pa.table({
        "periode": [r[0] for r in rows],
        "periode_type": [r[1] for r in rows],
        "start": pa.array([r[2] for r in rows], pa.date32()),
        "eind": pa.array([r[3] for r in rows], pa.date32()),
    })
    con.register("v_periodes", table)
    con.execute("CREATE TABLE periodes AS SELECT * FROM v_periodes ORDER BY start, periode_type")
    con.execute(
        "CREATE TABLE periodes_trajecten AS SELECT * FROM periodes WHERE start >= ?",
        [region.trajecten_vanaf],
    )


def _periods(first: date, last: date):
    """(label, type, start, end) of every whole quarter and year from `first` to `last`."""
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while quarter_end(year, quarter) <= last:
        yield f"{year}-K{quarter}", "kwartaal", date(year, 3 * quarter - 2, 1), quarter_end(
            year, quarter
        )
        if quarter == 4:
            yield str(year), "jaar", date(year, 1, 1), date(year, 12, 31)
            year, quarter = year + 1, 1
        else:
            quarter += 1


def kerncijfers_versie(
    con: duckdb.DuckDBPyConnection, tabellen: tuple[str, ...] = settings.KERNCIJFERS_TABELLEN
) -> str:
    """The warehouse version: 16 hex characters that change with any row of the tables that
    make up kerncijfers (the stored figures and the nulrooster its zeros come from) and not
    with their order. Computed in DuckDB (one pass per table, no sort, nothing fetched): the
    count, the xor and the sum of DuckDB's 64-bit hash of every row. The hash is DuckDB's
    own, so a new DuckDB release may give the same figures another version."""
    delen = []
    for tabel in tabellen:
        n, xor, som = con.execute(
            "SELECT count(*), coalesce(bit_xor(h), 0), coalesce(sum(h), 0) "
            f'FROM (SELECT hash(t) AS h FROM "{tabel}" AS t)'
        ).fetchall()[0]
        delen.append(f"{tabel}:{n}:{xor}:{som}")
    return hashlib.sha256(";".join(delen).encode()).hexdigest()[:16]


def _code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(settings.ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=5, check=True,
        )
        return out.stdout.strip() or "onbekend"
    except (OSError, subprocess.SubprocessError):
        return "onbekend"


def _write_meta(
    con: duckdb.DuckDBPyConnection, region: Region, versie: str, fingerprint: str
) -> None:
    con.execute("CREATE TABLE meta (sleutel VARCHAR PRIMARY KEY, waarde VARCHAR)")
    demo = con.execute(
        "SELECT coalesce(bool_or(demo), false) FROM mart_kerncijfers").fetchall()[0][0]
    rows = {
        "versie": versie,
        "schema_versie": str(settings.SCHEMA_VERSION),
        "gebouwd_op": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "code_versie": _code_version(),
        "regio": region.naam,
        "bronvermelding": region.bronvermelding,
        "trajecten_vanaf": region.trajecten_vanaf.isoformat(),
        "bevat_demo": "ja" if demo else "nee",
        "invoer": fingerprint,
        # tells two builds apart even within one second and with the same figures, so
        # needs_build never takes an internal store of another build for this one's
        "bouw_id": uuid.uuid4().hex,
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(rows.items()))
