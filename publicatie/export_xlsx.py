"""The quarterly figures as an Excel workbook for the councils:
`publicatie/kwartaalcijfers-<versie>.xlsx` in a snapshot folder.

One sheet per theme (rows: municipalities by herkomst and the region; columns: the theme's
main indicators for the quarter; below them the region totals of the last eight quarters), a
sheet "Spreiding" (bezetting by herkomst, then bezetting and places by verblijf: one
perspective per table) and a sheet "Definities en bronnen".

Every figure and mark comes from the snapshot's published frame (`beveilig()`'s result, the
same as `publiekscijfers-<versie>.parquet`): a cell that frame does not hold stays empty, a
hidden one shows its `teken`. Nothing is suppressed or computed here. Text that Excel would
read as a formula is neutralised; nothing technical (hashes, versions of warehouse or code,
config paths) goes in: that is in `intern/technisch.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from etl import settings
from monitor import labels
from monitor.fmt import FORMULE_BEGIN, getal, veilige_tekst
from monitor.snapshots import PUBLICATIE
from monitor.wat_viel_op import AANTAL
from publicatie.beveiliging import document
from publicatie.suppressie import Publicatie

DEMO_TEKST = "DEMODATA — niet echt"
DEFINITIES_BLAD = "Definities en bronnen"
KWARTALEN_TERUG = 8
# Text starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).

# first data row: title, demo marker, explanation, header
_KOPRIJ = 4
_TITEL = Font(bold=True, size=14)
_VET = Font(bold=True)
_ROOD = Font(bold=True, color="FFC00000")
_RECHTS = Alignment(horizontal="right")
_BREDE_KOLOM = 80
_PERSPECTIEF_TITEL = {
    "herkomst": "Naar herkomst (waar de cliënt vandaan komt)",
    "verblijf": "Naar verblijf (waar de plek is)",
}


@dataclass(frozen=True)
class Kolom:
    """One column of a table per municipality (a theme sheet, a report table): which figure,
    from which source and perspective, and its unit (how the report writes it)."""

    kop: str
    voorziening: str
    indicator: str
    bron: str
    perspectief: str  # of the municipality rows; the TOTAAL row is always 'regio'
    eenheid: str = AANTAL


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
    # Weer Thuis: a column only where the warehouse has the figure (see `kolommen`)
    "uitstroom_eigen_gemeente", "uitstroom_woongemeente_bekend",
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
        "Bezetting op de laatste dag van het kwartaal: eerst naar herkomst (waar de cliënt "
        "vandaan komt), daaronder naar verblijf (waar de plek is) met de capaciteit per gemeente.",
        spreiding=True,
    ),
)


def bestandsnaam(versie: str) -> str:
    """The workbook of version `versie`, relative to the snapshot folder."""
    return f"{PUBLICATIE}/kwartaalcijfers-{versie}.xlsx"


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


def kolommen(thema: Thema, gepubliceerd: pd.DataFrame, kwartaal: str) -> list[Kolom]:
    """The columns of a theme sheet that have published figures in the last eight quarters;
    one perspective after another (herkomst before verblijf), never mixed."""
    venster = gepubliceerd[
        gepubliceerd["periode"].isin(kwartalen(kwartaal)) & gepubliceerd["dimensie"].isna()
    ]
    # one column per document: what the warehouse added up from X stands in X's column
    venster = venster.assign(bron=document(venster["bron"]))
    aanwezig = set(
        venster[["voorziening", "indicator", "bron", "perspectief"]].itertuples(index=False)
    )
    if thema.spreiding:
        kandidaten = [
            *(Kolom(f"{v} bezetting herkomst", v, "bezetting", "trajecten", "herkomst")
              for v in thema.voorzieningen),
            *(k for v in thema.voorzieningen for k in (
                Kolom(f"{v} bezetting verblijf", v, "bezetting", "trajecten", "verblijf"),
                Kolom(f"{v} capaciteit", v, "capaciteit", "capaciteit", "verblijf"),
            )),
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


def schrijf_xlsx(
    gepubliceerd: pd.DataFrame, manifest: dict, map_: Path, publicatie: Publicatie
) -> Path:
    """Write the workbook of the snapshot in `map_` from its published frame; returns it."""
    kwartaal = manifest["kwartaal"]
    cijfers = opzoek(gepubliceerd, publicatie)

    boek = Workbook()
    boek.remove(boek.active)
    gebruikt: dict[str, None] = {}
    for thema in THEMAS:
        blad = boek.create_sheet(thema.blad)
        thema_kolommen = kolommen(thema, gepubliceerd, kwartaal)
        gebruikt.update(dict.fromkeys(k.indicator for k in thema_kolommen))
        _themablad(blad, thema, thema_kolommen, gepubliceerd, cijfers, manifest)
    _definities(boek.create_sheet(DEFINITIES_BLAD), list(gebruikt), manifest, publicatie)
    _neutraliseer(boek)

    bestand = map_ / bestandsnaam(manifest.get("versie") or kwartaal)
    bestand.parent.mkdir(parents=True, exist_ok=True)
    boek.save(bestand)
    return bestand


def onderdrukking_tekst(publicatie: Publicatie) -> list[str]:
    """The disclosure control in plain Dutch (the workbook's definitions, the report)."""
    min_basis = publicatie.min_basis
    return [
        f"Aantallen van 1 tot en met {publicatie.drempel - 1} zijn weergegeven als "
        f"{publicatie.teken}, zodat geen cijfer tot een persoon te herleiden is; 0 wordt wel "
        "getoond.",
        "Een verborgen aantal mag ook niet uit te rekenen zijn met andere cijfers: uit een "
        "totaal en de andere gemeenten, uit de kwartalen en het jaar, uit herkomst en verblijf, "
        "of uit de bezetting van het vorige kwartaal met de instroom en uitstroom. Daarom zijn "
        f"waar nodig nog andere cijfers verborgen, weergegeven als {publicatie.teken_overig}.",
        "Welke cijfers dat zijn, is berekend met Tau-Argus, het programma dat statistische "
        "bureaus hiervoor gebruiken (optimale secundaire onderdrukking), over alle "
        "gepubliceerde tabellen die met elkaar samenhangen tegelijk; zo wordt niet meer "
        "verborgen dan nodig.",
        "Percentages, cijfers per 10.000 inwoners, wachttijden, verblijfsduren en de "
        "bezettingsgraad worden alleen getoond als ze berusten op aantallen die zelf getoond "
        f"worden en op ten minste {min_basis} personen; anders staat er "
        f"{publicatie.teken_overig}.",
    ]


# --- sheets -----------------------------------------------------------------------------------


def _kopregels(blad: Worksheet, titel: str, manifest: dict, toelichting: str) -> None:
    blad.cell(1, 1, titel).font = _TITEL
    if manifest.get("bevat_demo"):
        blad.cell(2, 1, DEMO_TEKST).font = _ROOD
    blad.cell(3, 1, toelichting)


def _titel(onderwerp: str, manifest: dict) -> str:
    versie = manifest.get("versie") or manifest["kwartaal"]
    extra = f" (versie {versie})" if versie != manifest["kwartaal"] else ""
    return f"{onderwerp} — kwartaalcijfers {manifest['kwartaal']}{extra}"


def _themablad(
    blad: Worksheet,
    thema: Thema,
    thema_kolommen: list[Kolom],
    gepubliceerd: pd.DataFrame,
    cijfers: dict,
    manifest: dict,
) -> None:
    kwartaal = manifest["kwartaal"]
    _kopregels(blad, _titel(thema.blad, manifest), manifest, thema.toelichting)
    blad.freeze_panes = blad.cell(_KOPRIJ + 1, 3)
    if not thema_kolommen:
        blad.cell(_KOPRIJ, 1, "Geen cijfers in dit kwartaal of de zeven kwartalen ervoor.")
        return

    rijen = gemeenten(gepubliceerd, thema, kwartaal)
    koppen = set()
    rij = _KOPRIJ
    # one table per perspective: a figure by place never stands in a table by origin
    for nummer, (perspectief, groep) in enumerate(
        groupby(thema_kolommen, key=lambda k: k.perspectief)
    ):
        groep = list(groep)
        if nummer:
            rij += 1
            blad.cell(rij, 1, _PERSPECTIEF_TITEL.get(perspectief, perspectief)).font = _VET
            koppen.add(rij)
            rij += 1
        _koprij(blad, rij, ["Gemeente", "Gemeentecode", *(k.kop for k in groep)])
        for code, gemeente in rijen:
            rij += 1
            blad.cell(rij, 1, gemeente)
            blad.cell(rij, 2, code)
            for kolom_nr, kolom in enumerate(groep, start=3):
                _waarde(blad.cell(rij, kolom_nr), cijfers, kolom, kwartaal, code)
            if code == settings.TOTAAL:
                for kolom_nr in range(1, len(groep) + 3):
                    blad.cell(rij, kolom_nr).font = _VET
        rij += 1

    # the region over time; Spreiding has none (its region totals are the theme sheets')
    if not thema.spreiding:
        rij += 1
        blad.cell(rij, 1, f"Regio totaal, laatste {KWARTALEN_TERUG} kwartalen").font = _VET
        koppen.add(rij)
        rij += 1
        _koprij(blad, rij, ["Kwartaal", "Gemeentecode", *(k.kop for k in thema_kolommen)])
        for periode in kwartalen(kwartaal):
            rij += 1
            blad.cell(rij, 1, periode)
            blad.cell(rij, 2, settings.TOTAAL)
            for kolom_nr, kolom in enumerate(thema_kolommen, start=3):
                _waarde(blad.cell(rij, kolom_nr), cijfers, kolom, periode, settings.TOTAAL)
    _breedtes(blad, overslaan=koppen)


def _definities(
    blad: Worksheet, indicatoren: list[str], manifest: dict, publicatie: Publicatie
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

    # the sources by name and peildatum; file names and hashes are in intern/technisch.json
    rij += 2
    _koprij(blad, rij, ["Bron", "Soort", "Peildatum", "Demodata"])
    bronnen = dict.fromkeys(
        (b.get("bron"), b.get("soort"), b.get("peildatum"), "ja" if b.get("demo") else "nee")
        for b in manifest.get("bronbestanden", [])
    )
    for bron in bronnen:
        rij += 1
        for kolom_nr, waarde in enumerate(bron, start=1):
            blad.cell(rij, kolom_nr, waarde)

    # the sentences below overflow into the empty cells next to them: not part of the widths
    _breedtes(blad, vast={3: _BREDE_KOLOM})
    rij += 2
    blad.cell(rij, 1, "Onderdrukking kleine aantallen").font = _VET
    for zin in onderdrukking_tekst(publicatie):
        rij += 1
        blad.cell(rij, 1, zin)


def _neutraliseer(boek: Workbook) -> None:
    """Every text cell as text: names, reasons and sources come from people and files."""
    for blad in boek.worksheets:
        for rij in blad.iter_rows():
            for cell in rij:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULE_BEGIN):
                    cell.value = veilige_tekst(cell.value)
                    cell.data_type = "s"


# --- cells ------------------------------------------------------------------------------------


def opzoek(
    gepubliceerd: pd.DataFrame, publicatie: Publicatie
) -> dict[tuple, tuple[float, str | None]]:
    """(voorziening, indicator, periode, gemeentecode, perspectief, document) -> (waarde,
    teken) for the published rows without dimension; teken is None for a shown figure. The
    document is the bron without "afgeleid uit" (the warehouse never holds both for a key)."""
    rijen = gepubliceerd[gepubliceerd["dimensie"].isna()]
    sleutels = rijen[
        ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "bron"]
    ].assign(bron=document(rijen["bron"])).itertuples(index=False, name=None)
    tekens = [
        (teken if isinstance(teken, str) and teken else publicatie.teken_voor(reden))
        if verborgen else None
        for verborgen, reden, teken in zip(
            rijen["onderdrukt"].astype(bool), rijen["reden"], rijen["teken"], strict=True)
    ]
    return dict(zip(sleutels, zip(rijen["waarde"], tekens, strict=True), strict=True))


def gemeenten(gepubliceerd: pd.DataFrame, thema: Thema, kwartaal: str) -> list[tuple[str, str]]:
    """(code, name) of the rows of a theme: municipalities by name, then BUITEN, ONBEKEND and
    the region total."""
    rijen = gepubliceerd[
        gepubliceerd["voorziening"].isin(thema.voorzieningen)
        & (gepubliceerd["periode"] == kwartaal)
    ]
    namen = dict(zip(rijen["gemeentecode"], rijen["gemeente"], strict=True))
    speciaal = [settings.BUITEN, settings.ONBEKEND, settings.TOTAAL]
    gewoon = sorted((c for c in namen if c not in speciaal), key=lambda c: str(namen[c]))
    return [(c, namen[c]) for c in [*gewoon, *speciaal] if c in namen]


def _waarde(cell, cijfers: dict, kolom: Kolom, periode: str, code: str) -> None:
    perspectief = "regio" if code == settings.TOTAAL else kolom.perspectief
    gevonden = cijfers.get(
        (kolom.voorziening, kolom.indicator, periode, code, perspectief,
         settings.basis_bron(kolom.bron))
    )
    if gevonden is None:  # not published: nothing to show
        return
    waarde, teken = gevonden
    if teken:
        cell.value = teken
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
