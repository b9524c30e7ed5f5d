"""The quarterly figures as an Excel workbook for the councils: `kwartaalcijfers-<kwartaal>.xlsx`.

One sheet per theme (rows: municipalities and the region; columns: the theme's main
indicators for the quarter; below them the region totals of the last eight quarters), a
sheet "Spreiding" (bezetting by herkomst versus verblijf per municipality) and a sheet
"Definities en bronnen". Everything after small-number suppression: a hidden figure shows
the suppression sign as text, every other figure is a real number with a Dutch-looking
number format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from etl import settings
from monitor import labels
from monitor.fmt import getal
from publicatie.suppressie import Publicatie, lees_publicatie, onderdruk

DEMO_TEKST = "DEMODATA — niet echt"
DEFINITIES_BLAD = "Definities en bronnen"
KWARTALEN_TERUG = 8

# first data row: title, demo marker, explanation, header
_KOPRIJ = 4
_TITEL = Font(bold=True, size=14)
_VET = Font(bold=True)
_ROOD = Font(bold=True, color="FFC00000")
_RECHTS = Alignment(horizontal="right")
_BREDE_KOLOM = 80


@dataclass(frozen=True)
class Kolom:
    """One column of a theme sheet: which figure, from which source and perspective."""

    kop: str
    voorziening: str
    indicator: str
    bron: str
    perspectief: str  # of the municipality rows; the TOTAAL row is always 'regio'


@dataclass(frozen=True)
class Thema:
    blad: str
    voorzieningen: tuple[str, ...]
    toelichting: str
    # trajecten themes have a fixed set; None = every telling of the voorziening
    indicatoren: tuple[str, ...] | None = None
    spreiding: bool = False


_TRAJECTEN_INDICATOREN = (
    "aanmeldingen", "instroom", "uitstroom", "bezetting", "bezetting_per_10000",
    "wachtlijst", "wachttijd_mediaan_dagen", "verblijfsduur_mediaan_dagen",
)
_HERKOMST = "Per gemeente naar herkomst van de cliënt (waar de cliënt vandaan komt)."
THEMAS = (
    Thema(labels.VOORZIENINGEN["BW"], ("BW",), _HERKOMST, _TRAJECTEN_INDICATOREN),
    Thema(labels.VOORZIENINGEN["MO"], ("MO",), _HERKOMST, _TRAJECTEN_INDICATOREN),
    Thema(labels.VOORZIENINGEN["VO"], ("VO",), _HERKOMST, _TRAJECTEN_INDICATOREN),
    Thema(labels.VOORZIENINGEN["E33"], ("E33",), "Zoals aangeleverd door de bron, per gemeente."),
    Thema("OGGZ", ("OGGZ",), "Zoals aangeleverd door de bron, per gemeente."),
    Thema(
        "Spreiding", ("BW", "MO", "VO"),
        "Bezetting op de laatste dag van het kwartaal naar herkomst (waar de cliënt vandaan "
        "komt) en naar verblijf (waar de plek is), en de capaciteit per gemeente.",
        spreiding=True,
    ),
)


def naam(indicator: str) -> str:
    """The Dutch name of an indicator as a column header."""
    if indicator.endswith("_per_10000"):
        return f"{labels.indicator(indicator.removesuffix('_per_10000'))} per 10.000 inwoners"
    return labels.indicator(indicator)


def getalnotatie(indicator: str) -> str:
    """Excel number format; a Dutch Excel shows '#,##0' as 1.944 and '0.0' as 12,5."""
    if indicator.endswith("_pct"):
        return "0.0"
    if indicator.endswith("_per_10000"):
        return "#,##0.00"
    if indicator.endswith("_dagen"):
        return "#,##0.0"
    if indicator.endswith("graad"):
        return "0.0%"
    return "#,##0"


def kwartalen(kwartaal: str, aantal: int = KWARTALEN_TERUG) -> list[str]:
    """The `aantal` quarters up to and including `kwartaal`, oldest first."""
    jaar, nummer = int(kwartaal[:4]), int(kwartaal[-1])
    index = jaar * 4 + nummer - 1
    return [f"{i // 4}-K{i % 4 + 1}" for i in range(index - aantal + 1, index + 1)]


def kolommen(thema: Thema, kerncijfers: pd.DataFrame, kwartaal: str) -> list[Kolom]:
    """The columns of a theme sheet that have figures in the last eight quarters."""
    venster = kerncijfers[
        kerncijfers["periode"].isin(kwartalen(kwartaal)) & kerncijfers["dimensie"].isna()
    ]
    aanwezig = set(
        venster[["voorziening", "indicator", "bron", "perspectief"]].itertuples(index=False)
    )
    if thema.spreiding:
        kandidaten = []
        for v in thema.voorzieningen:
            kandidaten += [
                Kolom(f"{v} bezetting herkomst", v, "bezetting", "trajecten", "herkomst"),
                Kolom(f"{v} bezetting verblijf", v, "bezetting", "trajecten", "verblijf"),
                Kolom(f"{v} capaciteit", v, "capaciteit", "capaciteit", "verblijf"),
            ]
    elif thema.indicatoren is not None:
        kandidaten = [
            Kolom(naam(i), v, i, "trajecten", "herkomst")
            for v in thema.voorzieningen for i in thema.indicatoren
        ]
    else:
        tellingen = (
            venster[venster["voorziening"].isin(thema.voorzieningen)]
            [["voorziening", "indicator", "bron"]].drop_duplicates()
            .sort_values(["voorziening", "indicator", "bron"])
        )
        per_indicator = tellingen.groupby("indicator")["bron"].transform("size")
        kandidaten = [
            Kolom(naam(i) + (f" ({b})" if n > 1 else ""), v, i, b, "regio")
            for (v, i, b), n in zip(
                tellingen.itertuples(index=False, name=None), per_indicator, strict=True
            )
        ]
    return [
        k for k in kandidaten
        if (k.voorziening, k.indicator, k.bron, k.perspectief) in aanwezig
        or (k.voorziening, k.indicator, k.bron, "regio") in aanwezig
    ]


def schrijf_xlsx(kerncijfers: pd.DataFrame, manifest: dict, pad: Path, drempel: int) -> Path:
    """Write `kwartaalcijfers-<kwartaal>.xlsx` into the folder `pad`; returns the file."""
    kwartaal = manifest["kwartaal"]
    teken = publicatie_van(manifest, drempel)
    venster = kerncijfers[kerncijfers["periode"].isin(kwartalen(kwartaal))]
    zichtbaar = onderdruk(venster, drempel)
    cijfers = _opzoek(zichtbaar)

    boek = Workbook()
    boek.remove(boek.active)
    gebruikt: dict[str, None] = {}
    for thema in THEMAS:
        blad = boek.create_sheet(thema.blad)
        thema_kolommen = kolommen(thema, kerncijfers, kwartaal)
        gebruikt.update(dict.fromkeys(k.indicator for k in thema_kolommen))
        _themablad(blad, thema, thema_kolommen, zichtbaar, cijfers, manifest, teken)
    _definities(boek.create_sheet(DEFINITIES_BLAD), list(gebruikt), manifest, drempel, teken)

    bestand = pad / f"kwartaalcijfers-{kwartaal}.xlsx"
    boek.save(bestand)
    return bestand


# --- sheets -----------------------------------------------------------------------------------


def _kopregels(blad: Worksheet, titel: str, manifest: dict, toelichting: str) -> None:
    blad.cell(1, 1, titel).font = _TITEL
    if manifest.get("bevat_demo"):
        blad.cell(2, 1, DEMO_TEKST).font = _ROOD
    blad.cell(3, 1, toelichting)


def _titel(onderwerp: str, manifest: dict) -> str:
    versie = manifest.get("versie", manifest["kwartaal"])
    extra = f" (versie {versie})" if versie != manifest["kwartaal"] else ""
    return f"{onderwerp} — kwartaalcijfers {manifest['kwartaal']}{extra}"


def _themablad(
    blad: Worksheet,
    thema: Thema,
    thema_kolommen: list[Kolom],
    zichtbaar: pd.DataFrame,
    cijfers: dict,
    manifest: dict,
    teken: Publicatie,
) -> None:
    kwartaal = manifest["kwartaal"]
    _kopregels(blad, _titel(thema.blad, manifest), manifest, thema.toelichting)
    blad.freeze_panes = blad.cell(_KOPRIJ + 1, 3)
    if not thema_kolommen:
        blad.cell(_KOPRIJ, 1, "Geen cijfers in dit kwartaal of de zeven kwartalen ervoor.")
        return

    _koprij(blad, _KOPRIJ, ["Gemeente", "Gemeentecode", *(k.kop for k in thema_kolommen)])
    rij = _KOPRIJ + 1
    for code, gemeente in _gemeenten(zichtbaar, thema, kwartaal):
        blad.cell(rij, 1, gemeente)
        blad.cell(rij, 2, code)
        for kolom_nr, kolom in enumerate(thema_kolommen, start=3):
            _waarde(blad.cell(rij, kolom_nr), cijfers, kolom, kwartaal, code, teken)
        if code == settings.TOTAAL:
            for kolom_nr in range(1, len(thema_kolommen) + 3):
                blad.cell(rij, kolom_nr).font = _VET
        rij += 1

    rij += 1
    blad.cell(rij, 1, f"Regio totaal, laatste {KWARTALEN_TERUG} kwartalen").font = _VET
    blokkop = rij
    rij += 1
    _koprij(blad, rij, ["Kwartaal", "Gemeentecode", *(k.kop for k in thema_kolommen)])
    for periode in kwartalen(kwartaal):
        rij += 1
        blad.cell(rij, 1, periode)
        blad.cell(rij, 2, settings.TOTAAL)
        for kolom_nr, kolom in enumerate(thema_kolommen, start=3):
            _waarde(blad.cell(rij, kolom_nr), cijfers, kolom, periode, settings.TOTAAL, teken)
    _breedtes(blad, overslaan={blokkop})


def _definities(
    blad: Worksheet, indicatoren: list[str], manifest: dict, drempel: int, teken: Publicatie
) -> None:
    _kopregels(
        blad, _titel(DEFINITIES_BLAD, manifest), manifest,
        f"Regio {manifest.get('regio') or ''}; gemaakt op {manifest.get('created_at', '')}.",
    )
    blad.freeze_panes = "A4"
    rij = _KOPRIJ
    blad.cell(rij, 1, "Snapshot").font = _VET
    for sleutel, waarde in [
        ("Kwartaal", manifest["kwartaal"]),
        ("Versie", manifest.get("versie")),
        ("Vervangt", manifest.get("vervangt")),
        ("Reden nieuwe versie", manifest.get("reden")),
        ("Gemaakt op (UTC)", manifest.get("created_at")),
        ("Warehouse-versie", manifest.get("warehouse_versie")),
        ("Codeversie", manifest.get("code_versie")),
        ("Bevat demodata", "ja" if manifest.get("bevat_demo") else "nee"),
    ]:
        if waarde:
            rij += 1
            blad.cell(rij, 1, sleutel)
            blad.cell(rij, 2, str(waarde))

    rij += 2
    _koprij(blad, rij, ["Indicator", "Naam", "Definitie"])
    for indicator in indicatoren:
        rij += 1
        blad.cell(rij, 1, indicator)
        blad.cell(rij, 2, naam(indicator))
        blad.cell(rij, 3, labels.definitie(indicator)).alignment = Alignment(wrap_text=True)

    rij += 2
    _koprij(blad, rij, ["Bestand", "Bron", "Peildatum", "Rijen", "Demo", "sha256"])
    for bron in manifest.get("bronbestanden", []):
        rij += 1
        for kolom_nr, waarde in enumerate([
            bron["bestand"], bron["bron"], bron["peildatum"], bron["rijen"],
            "ja" if bron["demo"] else "nee", bron["sha256"],
        ], start=1):
            blad.cell(rij, kolom_nr, waarde)

    # the sentences below overflow into the empty cells next to them: not part of the widths
    _breedtes(blad, vast={3: _BREDE_KOLOM})
    rij += 2
    blad.cell(rij, 1, "Onderdrukking kleine aantallen").font = _VET
    for zin in onderdrukking_tekst(drempel, teken.teken, teken.teken_overig):
        rij += 1
        blad.cell(rij, 1, zin)


def onderdrukking_tekst(drempel: int, teken: str, teken_overig: str = "x") -> list[str]:
    """The suppression rule in words (also for the report's colophon)."""
    return [
        f"Aantallen van 1 tot en met {drempel - 1} zijn weergegeven als {teken}, zodat geen "
        "cijfer tot een persoon te herleiden is; 0 wordt wel getoond.",
        "Waar een totaal één verborgen aantal zou verraden, is ook het kleinste andere aantal "
        "van dat totaal verborgen, en het totaal zelf als er naast het verborgen aantal alleen "
        f"nullen staan; weergegeven als {teken_overig}.",
        "Percentages, cijfers per 10.000 inwoners, wachttijden, verblijfsduren en de "
        "bezettingsgraad die op een verborgen aantal berusten, zijn ook verborgen "
        f"({teken_overig}).",
    ]


# --- cells ------------------------------------------------------------------------------------


def publicatie_van(manifest: dict, drempel: int) -> Publicatie:
    """The suppression signs a snapshot was made with (its manifest), else today's config."""
    nu = lees_publicatie()
    return Publicatie(drempel, manifest.get("teken") or nu.teken,
                      manifest.get("teken_overig") or nu.teken_overig)


def _opzoek(zichtbaar: pd.DataFrame) -> dict[tuple, tuple[float, str | None]]:
    """(voorziening, indicator, periode, gemeentecode, perspectief, bron) -> (waarde, reden)
    for the rows without dimension; reden is None for a shown figure."""
    rijen = zichtbaar[zichtbaar["dimensie"].isna()]
    sleutels = rijen[
        ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    ].itertuples(index=False, name=None)
    return dict(zip(
        sleutels,
        zip(rijen["waarde"],
            [reden if verborgen else None
             for reden, verborgen in zip(rijen["reden"], rijen["onderdrukt"], strict=True)],
            strict=True),
        strict=True,
    ))


def _gemeenten(zichtbaar: pd.DataFrame, thema: Thema, kwartaal: str) -> list[tuple[str, str]]:
    """(code, name) of the rows of a theme: municipalities by name, then BUITEN, ONBEKEND and
    the region total."""
    rijen = zichtbaar[
        zichtbaar["voorziening"].isin(thema.voorzieningen) & (zichtbaar["periode"] == kwartaal)
    ]
    namen = dict(zip(rijen["gemeentecode"], rijen["gemeente"], strict=True))
    speciaal = [settings.BUITEN, settings.ONBEKEND, settings.TOTAAL]
    gewoon = sorted((c for c in namen if c not in speciaal), key=lambda c: namen[c])
    return [(c, namen[c]) for c in [*gewoon, *speciaal] if c in namen]


def _waarde(
    cell, cijfers: dict, kolom: Kolom, periode: str, code: str, teken: Publicatie
) -> None:
    perspectief = "regio" if code == settings.TOTAAL else kolom.perspectief
    gevonden = cijfers.get(
        (kolom.voorziening, kolom.indicator, periode, code, perspectief, kolom.bron)
    )
    if gevonden is None:
        return
    waarde, reden = gevonden
    if reden:
        cell.value = teken.teken_voor(reden)
        cell.alignment = _RECHTS
    elif not pd.isna(waarde):
        cell.value = float(waarde)
        cell.number_format = getalnotatie(kolom.indicator)


def _koprij(blad: Worksheet, rij: int, koppen: list[str]) -> None:
    for kolom_nr, kop in enumerate(koppen, start=1):
        blad.cell(rij, kolom_nr, kop).font = _VET


def _breedtes(
    blad: Worksheet, vast: dict[int, int] | None = None, overslaan: set[int] | None = None
) -> None:
    """Columns as wide as their widest cell; titles and section labels overflow instead."""
    breedte: dict[int, int] = {}
    for rij in blad.iter_rows(min_row=_KOPRIJ):
        for cell in rij:
            if cell.value is None or cell.row in (overslaan or set()):
                continue
            if isinstance(cell.value, float):
                decimalen = cell.number_format.count("0") - 1 if "." in cell.number_format else 0
                tekst = getal(cell.value * (100 if "%" in cell.number_format else 1), decimalen)
            else:
                tekst = str(cell.value)
            breedte[cell.column] = max(breedte.get(cell.column, 0), len(tekst))
    for kolom_nr, tekens in breedte.items():
        blad.column_dimensions[get_column_letter(kolom_nr)].width = min(tekens + 2, _BREDE_KOLOM)
    for kolom_nr, tekens in (vast or {}).items():
        blad.column_dimensions[get_column_letter(kolom_nr)].width = tekens
