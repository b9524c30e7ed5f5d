"""A delivery: one supplier file checked, stored under data/raw/ and the warehouse rebuilt.

Used by the page "Gegevens aanleveren" and by `python -m etl aanlever FILE`. The checks run
in this order, and the first that refuses ends the delivery:

1. the name: no folder (`/`, `\\`, `..`), no control or invisible characters, not hidden
   (`.x`, `~$x`), at most MAX_NAAM characters, a suffix the readers support, and no other
   kind in its name than the chosen one;
2. the size, against `max_megabytes` in config/aanlevering.toml: a larger file is refused
   before a byte of it is read;
3. the same bytes (sha256) already in data/raw/ or loaded in the warehouse: nothing happens
   ("dubbel"); another file under the same name: refused (a delivery never overwrites, a
   supplier sends a new dated name);
4. the data contract (`etl.validate.validate_file`, the report of `python -m etl check`).

An accepted file is written to `data/raw/<soort>/<naam>` (a hidden temporary file in that
folder, then `os.replace`), and the warehouse is rebuilt (`etl.build.build`, which builds
aside and swaps in; running dashboard sessions open the new file on their next rerun). When
that build fails, the file is taken out again, so data/raw/ and the warehouse always agree.

A refused file that was read is kept in `data/rejected/<tijd>-<sha256[:12]>/` with
`rapport.txt` (the report for the supplier) and `levering.json` (name, kind, size, sha256,
reason); a refused name or size leaves nothing but its log entry. The sha256 of an accepted
file is recorded in the warehouse (`bronbestanden`) and in the logboek, not in a file beside
it, so data/raw/ holds supplier files only and `etl build` is unchanged.

Every delivery, refusal, duplicate and build is written to the logboek (`etl.logboek`).
Deliveries and builds take one lock (`slot`), so two at a time never build over each other.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from etl import settings
from etl.build import BuildResult, build
from etl.logboek import schrijf as schrijf_logboek
from etl.problems import BuildFailed, FileRefused, Problem
from etl.readers import SUPPORTED_SUFFIXES, InvoerConfigFout, lees_grenzen
from etl.reference import load_region
from etl.validate import kind_of, validate_file

CONFIG = settings.CONFIG_DIR / "aanlevering.toml"
MAX_NAAM = 200
RAPPORT = "rapport.txt"
LEVERING = "levering.json"
MAX_PROBLEMEN_LOG = 5  # a refusal's first problems in the logboek (without cell values)

# outcomes
GOEDGEKEURD = "goedgekeurd"  # passed the check (Controleren); nothing stored yet
GEACCEPTEERD = "geaccepteerd"
GEWEIGERD = "geweigerd"
TE_GROOT = "te_groot"
DUBBEL = "dubbel"
BUILD_MISLUKT = "build_mislukt"


class ConfigFout(ValueError):
    """config/aanlevering.toml is not valid; the message is Dutch."""


@dataclass(frozen=True)
class Config:
    max_megabytes: float

    @property
    def max_bytes(self) -> int:
        return int(self.max_megabytes * 1024 * 1024)


@dataclass(frozen=True)
class Uitkomst:
    """What became of a delivery (or a check); `rapport` is Dutch plain text for the page
    and the command line (it quotes file names and cells: show it as text, never Markdown)."""

    uitkomst: str
    naam: str
    soort: str
    grootte: int
    rapport: str
    sha256: str | None = None
    rijen: int | None = None
    bron: str | None = None
    peildatum: date | None = None
    versie: str | None = None  # the rebuilt warehouse's version (geaccepteerd)
    kerncijfers: int | None = None
    bewaard: Path | None = None  # the file in data/raw/, or its folder in data/rejected/

    @property
    def geaccepteerd(self) -> bool:
        return self.uitkomst == GEACCEPTEERD


@dataclass(frozen=True)
class Weigering:
    """A refused delivery kept in data/rejected/ (for the page's table)."""

    map: str
    tijd: str
    bestand: str
    soort: str
    grootte: int
    sha256: str
    reden: str
    eerste_probleem: str


# --- paths, read at call time (so the page and tests can point elsewhere) -----------------------


def pad_raw() -> Path:
    return Path(os.environ.get("FLEVOMONITOR_RAW") or settings.RAW_DIR)


def pad_rejected() -> Path:
    return Path(os.environ.get("FLEVOMONITOR_REJECTED") or settings.REJECTED_DIR)


def pad_warehouse() -> Path:
    return Path(os.environ.get("FLEVOMONITOR_WAREHOUSE") or settings.WAREHOUSE)


def pad_reference() -> Path:
    return Path(os.environ.get("FLEVOMONITOR_REFERENCE") or settings.REFERENCE_DIR)


# --- config ---------------------------------------------------------------------------------------


def lees_config(pad: Path | None = None) -> Config:
    """config/aanlevering.toml, checked."""
    pad = pad or CONFIG
    try:
        ruw = settings.lees_toml(pad)
    except settings.TomlFout as fout:
        raise ConfigFout(str(fout)) from fout
    onbekend = sorted(set(ruw) - {"max_megabytes"})
    if onbekend:
        raise ConfigFout(f"{pad.name}: onbekende instelling {', '.join(onbekend)} "
                         "(alleen max_megabytes)")
    waarde = ruw.get("max_megabytes")
    if isinstance(waarde, bool) or not isinstance(waarde, int | float) or not 0 < waarde <= 2048:
        raise ConfigFout(f"{pad.name}: max_megabytes moet een getal groter dan 0 en hoogstens "
                         f"2048 zijn (nu: {waarde!r})")
    try:
        lees_grenzen()  # the reader's limits: a broken config/invoer.toml is said here, in Dutch
    except InvoerConfigFout as fout:
        raise ConfigFout(str(fout)) from fout
    return Config(float(waarde))


# --- the lock -------------------------------------------------------------------------------------


@contextlib.contextmanager
def slot(warehouse: Path | None = None) -> Iterator[None]:
    """One delivery or build at a time for this warehouse, across threads and processes: two
    builds would write the same temporary file."""
    warehouse = warehouse or pad_warehouse()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(warehouse.with_name(f".{warehouse.name}.slot"), os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- building, logged -----------------------------------------------------------------------------


def bouw(
    wie: str,
    raw_dir: Path | None = None,
    warehouse: Path | None = None,
    reference_dir: Path | None = None,
    logboek: Path | None = None,
    **details: object,
) -> BuildResult:
    """Build the warehouse under the lock and log "build" or "build_mislukt" (the failure is
    raised again). `python -m etl build` and a delivery both build through here."""
    warehouse = warehouse or pad_warehouse()
    with slot(warehouse):
        resultaat = _bouw(wie, raw_dir or pad_raw(), warehouse, reference_dir or pad_reference(),
                          logboek, **details)
        _log_build(resultaat, wie, logboek, **details)
    return resultaat


def _bouw(wie: str, raw_dir: Path, warehouse: Path, reference_dir: Path, logboek: Path | None,
          **details: object) -> BuildResult:
    """Build; a failure is logged and raised again."""
    try:
        return build(raw_dir, warehouse, reference_dir)
    except BuildFailed as fout:
        schrijf_logboek("build_mislukt", wie, logboek, **details,
                        problemen=build_problemen(fout))
        raise
    except Exception as fout:
        schrijf_logboek("build_mislukt", wie, logboek, **details,
                        problemen=[f"onverwachte fout: {type(fout).__name__}"])
        raise


def _log_build(resultaat: BuildResult, wie: str, logboek: Path | None,
               **details: object) -> None:
    schrijf_logboek(
        "build", wie, logboek, **details, versie=resultaat.versie,
        bestanden=len(resultaat.files), kerncijfers=resultaat.kerncijfers_rows,
        correcties=resultaat.correcties,
    )


def build_problemen(fout: BuildFailed) -> list[str]:
    """Why a build failed, for the logboek: refused files with their first problems, or the
    failed data tests by name; never a cell value or an example row (those hold figures)."""
    if fout.refusals:
        return [_zonder_waarde(p) for r in fout.refusals for p in r.problems][:MAX_PROBLEMEN_LOG]
    regels = str(fout).splitlines()
    tests = [r.strip()[2:].split(": bijvoorbeeld", 1)[0] for r in regels
             if r.strip().startswith("- ")]
    return (tests or regels[:1])[:MAX_PROBLEMEN_LOG]


def _zonder_waarde(probleem: Problem) -> str:
    return str(dataclasses.replace(probleem, value=None))


# --- names ----------------------------------------------------------------------------------------


def naam_problemen(naam: str, soort: str) -> list[str]:
    """Why `naam` cannot be the name of a delivery of `soort` (Dutch); empty when it can."""
    if soort not in settings.KINDS:
        return [f"een soort uit {', '.join(settings.KINDS)}"]
    if not naam:
        return ["een bestandsnaam"]
    problemen = []
    if len(naam) > MAX_NAAM:
        problemen.append(f"een naam van hoogstens {MAX_NAAM} tekens (nu {len(naam)})")
    if "/" in naam or "\\" in naam:
        problemen.append("een naam zonder map: geen / of \\")
    if ".." in naam:
        problemen.append("een naam zonder '..'")
    if any(unicodedata.category(c).startswith("C") for c in naam):
        problemen.append("een naam zonder stuurtekens of onzichtbare tekens")
    if naam.startswith((".", "~$")):
        problemen.append("een naam die niet met '.' of '~$' begint (verborgen of "
                         "tijdelijke bestanden zijn geen levering)")
    if Path(naam).suffix.lower() not in SUPPORTED_SUFFIXES:
        problemen.append("een bestand met de extensie " + " of ".join(SUPPORTED_SUFFIXES))
    genoemd = kind_of(Path(naam))
    if genoemd is not None and genoemd != soort:
        problemen.append(f"een bestand met {soort}: de naam zegt {genoemd} "
                         f"(kies soort {genoemd}, of controleer het bestand)")
    return problemen


def _getoonde_naam(naam: str) -> str:
    """A name as the report may show it: control characters escaped, length bounded."""
    if any(unicodedata.category(c).startswith("C") for c in naam):
        naam = naam.encode("unicode_escape").decode("ascii")
    return naam if len(naam) <= MAX_NAAM else naam[:MAX_NAAM] + "…"


# --- the check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keuring:
    uitkomst: Uitkomst
    data: bytes | None = None
    reden: str | None = None  # why refused: naam, te_groot, naam_bestaat, inhoud
    problemen: tuple[str, ...] = ()  # for the logboek: without cell values


def controleer_levering(
    naam: str,
    grootte: int,
    lees: Callable[[], bytes],
    soort: str,
    *,
    raw_dir: Path | None = None,
    warehouse: Path | None = None,
    reference_dir: Path | None = None,
    config: Config | None = None,
) -> Uitkomst:
    """Check a delivery as `lever_aan` would, without storing or logging anything: the
    page's "Controleren". Outcome goedgekeurd, geweigerd, te_groot or dubbel."""
    return _keur(naam, grootte, lees, soort, raw_dir or pad_raw(), warehouse or pad_warehouse(),
                 reference_dir or pad_reference(), config or lees_config()).uitkomst


def _keur(naam: str, grootte: int, lees: Callable[[], bytes], soort: str, raw: Path,
          warehouse: Path, reference: Path, config: Config) -> _Keuring:
    getoond = _getoonde_naam(naam)
    problemen = naam_problemen(naam, soort)
    if problemen:
        return _Keuring(
            Uitkomst(GEWEIGERD, naam, soort, grootte,
                     f"Bestand geweigerd: {getoond}\n" + _lijst(problemen)
                     + "\nHet bestand is niet gelezen en niet bewaard."),
            reden="naam", problemen=tuple(problemen),
        )
    if grootte > config.max_bytes:
        return _te_groot(naam, soort, grootte, config)
    data = lees()
    if len(data) > config.max_bytes:  # the size given was not the size read
        return _te_groot(naam, soort, len(data), config, gelezen=True)
    grootte = len(data)
    sha = hashlib.sha256(data).hexdigest()
    basis = {"naam": naam, "soort": soort, "grootte": grootte, "sha256": sha}

    bekend = _bekende_bestanden(raw, warehouse)
    if sha in bekend:
        return _Keuring(Uitkomst(
            DUBBEL, **basis,
            rapport=f"Al aangeleverd: {getoond} heeft dezelfde inhoud als {bekend[sha]} "
                    f"(sha256 {sha[:16]}…). Er is niets veranderd.",
        ), data)
    if (raw / soort / naam).exists():
        probleem = (f"een nieuwe bestandsnaam: er staat al een ander bestand {soort}/{naam}; "
                    "een levering overschrijft nooit (geef een nieuwe peildatum in de naam)")
        return _Keuring(Uitkomst(GEWEIGERD, **basis,
                                 rapport=f"Bestand geweigerd: {getoond}\n" + _lijst([probleem])),
                        data, "naam_bestaat", (probleem,))

    with tempfile.TemporaryDirectory(prefix="flevomonitor-levering-") as map_:
        pad = Path(map_) / naam
        pad.write_bytes(data)
        try:
            geladen = validate_file(pad, load_region(reference), soort)
        except FileRefused as geweigerd:
            return _Keuring(
                Uitkomst(GEWEIGERD, **basis, rapport=geweigerd.report(limit=200)),
                data, "inhoud",
                tuple(_zonder_waarde(p) for p in geweigerd.problems[:MAX_PROBLEMEN_LOG]),
            )
    peildatum = geladen.peildatum.isoformat() if geladen.peildatum else "-"
    # the words of `python -m etl check`
    rapport = (f"Bestand goedgekeurd: {getoond} ({geladen.kind}, bron {geladen.bron}, "
               f"peildatum {peildatum}, {geladen.rows} rijen"
               f"{', demodata' if geladen.demo else ''})")
    return _Keuring(Uitkomst(GOEDGEKEURD, **basis, rapport=rapport, rijen=geladen.rows,
                             bron=geladen.bron, peildatum=geladen.peildatum), data)


def _te_groot(naam: str, soort: str, grootte: int, config: Config,
              gelezen: bool = False) -> _Keuring:
    mb = f"{grootte / 1024 / 1024:.1f}".replace(".", ",")
    grens = f"{config.max_megabytes:g}".replace(".", ",")
    return _Keuring(
        Uitkomst(TE_GROOT, naam, soort, grootte,
                 f"Bestand geweigerd: {_getoonde_naam(naam)} is {mb} MB; de grens is {grens} "
                 "MB (config/aanlevering.toml). Het bestand is niet "
                 + ("gecontroleerd" if gelezen else "gelezen") + " en niet bewaard."),
        reden="te_groot", problemen=(f"groter dan {grens} MB",),
    )


def _lijst(problemen: list[str]) -> str:
    return "\n".join(f"  - verwacht: {p}" for p in problemen)


def _bekende_bestanden(raw: Path, warehouse: Path) -> dict[str, str]:
    """sha256 -> name of every file in raw/<soort>/ and every file the warehouse loaded."""
    bekend: dict[str, str] = {}
    if warehouse.is_file():
        try:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                bekend.update(con.execute("SELECT sha256, bestand FROM bronbestanden").fetchall())
        except duckdb.Error:
            pass  # an unreadable warehouse: the files in raw/ still count
    for soort in settings.KINDS:
        map_ = raw / soort
        for pad in sorted(map_.iterdir()) if map_.is_dir() else []:
            if pad.is_file() and not pad.name.startswith("."):
                bekend[hashlib.sha256(pad.read_bytes()).hexdigest()] = f"{soort}/{pad.name}"
    return bekend


# --- the delivery ---------------------------------------------------------------------------------


def lever_aan(
    naam: str,
    grootte: int,
    lees: Callable[[], bytes],
    soort: str,
    wie: str,
    *,
    raw_dir: Path | None = None,
    rejected_dir: Path | None = None,
    warehouse: Path | None = None,
    reference_dir: Path | None = None,
    logboek: Path | None = None,
    config: Config | None = None,
) -> Uitkomst:
    """Deliver one file (see the module's docstring); `lees` is called only once the name
    and the size passed. Logged as aanlevering + build, weigering, dubbel or build_mislukt.
    The paths default to etl.settings' (their environment variables read at call time)."""
    raw, warehouse = raw_dir or pad_raw(), warehouse or pad_warehouse()
    rejected, reference = rejected_dir or pad_rejected(), reference_dir or pad_reference()
    config = config or lees_config()
    with slot(warehouse):
        keuring = _keur(naam, grootte, lees, soort, raw, warehouse, reference, config)
        uitkomst = keuring.uitkomst
        log: dict[str, object] = {"naam": naam, "soort": soort, "grootte": uitkomst.grootte}
        if uitkomst.sha256:
            log["sha256"] = uitkomst.sha256
        if uitkomst.uitkomst == DUBBEL:
            schrijf_logboek("dubbel", wie, logboek, **log)
            return uitkomst
        if uitkomst.uitkomst != GOEDGEKEURD:
            bewaard = None
            if keuring.data is not None:
                bewaard = _bewaar_geweigerd(rejected, keuring.data, uitkomst, uitkomst.rapport,
                                            keuring.reden or "")
                uitkomst = dataclasses.replace(uitkomst, bewaard=bewaard,
                                               rapport=uitkomst.rapport + _bewaard_zin(bewaard))
            schrijf_logboek("weigering", wie, logboek, **log, reden=keuring.reden,
                            problemen=list(keuring.problemen),
                            map=bewaard.name if bewaard else None)
            return uitkomst

        doel = raw / soort / naam
        data = keuring.data or b""
        _schrijf_atomair(doel, data)
        try:
            resultaat = _bouw(wie, raw, warehouse, reference, logboek,
                              aanleiding="aanlevering", naam=naam)
        except Exception as fout:
            # the warehouse was left as it was: take the file out again, so data/raw/ and
            # the warehouse agree, and keep it with the build's report
            doel.unlink()
            rapport = str(fout) if isinstance(fout, BuildFailed) else (
                f"De warehouse kon niet worden gebouwd ({type(fout).__name__}).")
            bewaard = _bewaar_geweigerd(rejected, data, uitkomst, rapport, BUILD_MISLUKT)
            if not isinstance(fout, BuildFailed):
                raise
            return dataclasses.replace(
                uitkomst, uitkomst=BUILD_MISLUKT, bewaard=bewaard,
                rapport=(f"Bestand {_getoonde_naam(naam)} is goedgekeurd, maar de warehouse kon "
                         "daarna niet worden gebouwd; het bestand is teruggenomen en de "
                         f"warehouse is ongewijzigd.\n\n{rapport}" + _bewaard_zin(bewaard)),
            )
        schrijf_logboek("aanlevering", wie, logboek, **log, rijen=uitkomst.rijen,
                        bron=uitkomst.bron, peildatum=uitkomst.peildatum,
                        versie=resultaat.versie)
        _log_build(resultaat, wie, logboek, aanleiding="aanlevering", naam=naam)
    return dataclasses.replace(
        uitkomst, uitkomst=GEACCEPTEERD, bewaard=doel, versie=resultaat.versie,
        kerncijfers=resultaat.kerncijfers_rows,
        rapport=(f"{uitkomst.rapport}\nOpgeslagen als {soort}/{_getoonde_naam(naam)} "
                 f"(sha256 {uitkomst.sha256}). De warehouse is opnieuw gebouwd: versie "
                 f"{resultaat.versie}, {resultaat.kerncijfers_rows} opgeslagen kerncijfers."),
    )


def _bewaard_zin(map_: Path) -> str:
    return f"\nHet bestand is met dit rapport bewaard in {map_}."


def _schrijf_atomair(doel: Path, data: bytes) -> None:
    """Write `doel` whole or not at all: a hidden temporary file beside it (discover() skips
    hidden files), flushed, then renamed over."""
    doel.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = doel.with_name(f".{doel.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tijdelijk.open("xb") as bestand:
            bestand.write(data)
            bestand.flush()
            os.fsync(bestand.fileno())
        os.replace(tijdelijk, doel)
    finally:
        tijdelijk.unlink(missing_ok=True)


def _bewaar_geweigerd(rejected: Path, data: bytes, uitkomst: Uitkomst, rapport: str,
                      reden: str) -> Path:
    """Keep a refused file with its report in rejected/<tijd>-<sha256[:12]>/."""
    nu = datetime.now(UTC).replace(microsecond=0)
    basis = f"{nu:%Y%m%dT%H%M%SZ}-{(uitkomst.sha256 or '')[:12]}"
    # refused files may hold per-client rows: only the owner may enter (like data/intern/)
    rejected.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(1, 1000):
        map_ = rejected / (basis if n == 1 else f"{basis}-{n}")
        try:
            map_.mkdir()
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(rejected / basis)
    (map_ / uitkomst.naam).write_bytes(data)
    (map_ / RAPPORT).write_text(rapport + "\n", encoding="utf-8")
    (map_ / LEVERING).write_text(json.dumps({
        "bestand": uitkomst.naam, "soort": uitkomst.soort, "tijd": nu.isoformat(),
        "grootte": len(data), "sha256": uitkomst.sha256, "reden": reden,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return map_


def geweigerde_leveringen(rejected_dir: Path | None = None) -> list[Weigering]:
    """The refused deliveries kept in rejected/, newest first."""
    rejected = rejected_dir or pad_rejected()
    uit = []
    for map_ in rejected.iterdir() if rejected.is_dir() else []:
        try:
            info = json.loads((map_ / LEVERING).read_text(encoding="utf-8"))
            rapport = (map_ / RAPPORT).read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            continue  # not a delivery folder
        eerste = next((r.strip()[2:] for r in rapport if r.strip().startswith("- ")),
                      rapport[0] if rapport else "")
        uit.append(Weigering(map_.name, str(info.get("tijd", "")), str(info.get("bestand", "")),
                             str(info.get("soort", "")), int(info.get("grootte") or 0),
                             str(info.get("sha256") or ""), str(info.get("reden", "")),
                             eerste))
    return sorted(uit, key=lambda w: (w.tijd, w.map), reverse=True)
