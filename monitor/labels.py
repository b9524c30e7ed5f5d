"""Dutch names of voorzieningen and indicators, and which way is good for the region.

The direction follows the regional policy (Regionaal kader 2020-2026, ch. 3.3): instroom
into 24-hour care down, uitstroom up, wachtlijsten down.
"""

from __future__ import annotations

VOORZIENINGEN = {
    "BW": "Beschermd wonen",
    "MO": "Maatschappelijke opvang",
    "VO": "Vrouwenopvang",
    "E33": "Verward gedrag (E33)",
    "OGGZ": "OGGZ (Vangnet en Advies)",
}

INDICATOREN = {
    "aanmeldingen": "Aanmeldingen",
    "instroom": "Instroom",
    "uitstroom": "Uitstroom",
    "bezetting": "Bezetting",
    "wachtlijst": "Wachtlijst",
    "wachttijd_mediaan_dagen": "Wachttijd (mediaan, dagen)",
    "wachttijd_p90_dagen": "Wachttijd (90e percentiel, dagen)",
    "verblijfsduur_mediaan_dagen": "Verblijfsduur (mediaan, dagen)",
    "capaciteit": "Capaciteit (plekken)",
    "bezettingsgraad": "Bezettingsgraad",
    "instroom_pct": "Instroompercentage",
    "uitstroom_pct": "Uitstroompercentage",
    "meldingen": "Meldingen",
    "adviesaanvragen": "Adviesaanvragen",
    "clienten": "Cliënten",
    # as sources publish them (tellingen, Bijlage 3)
    "aantal_per_product": "Aantal per product",
    "adviesaanvragen_pct": "Adviesaanvragen (%)",
    "clienten_alleenstaand": "Cliënten alleenstaand",
    "clienten_jonger_dan_27_pct": "Cliënten jonger dan 27 jaar (%)",
    "clienten_met_kinderen": "Cliënten met kinderen",
    "clienten_pct": "Cliënten (%)",
    "clienten_pgb": "Cliënten met een pgb",
    "eerste_opvang": "Eerste opvang",
    "gezinswoningen": "Gezinswoningen",
}

# +1: higher is better for the region, -1: lower is better, 0: no judgement.
RICHTING = {
    "instroom": -1,
    "instroom_pct": -1,
    "uitstroom": 1,
    "uitstroom_pct": 1,
    "wachtlijst": -1,
    "wachttijd_mediaan_dagen": -1,
    "wachttijd_p90_dagen": -1,
}

# One-line definitions (data contract section 2), shown as help next to every figure.
DEFINITIES = {
    "aanmeldingen": "Trajecten met een datum_aanmelding in de periode.",
    "instroom": "Trajecten met een datum_instroom in de periode.",
    "uitstroom": "Trajecten met een datum_uitstroom in de periode.",
    "bezetting": "In zorg op de laatste dag van de periode: ingestroomd op of vóór die dag "
    "en niet uitgestroomd op of vóór die dag.",
    "wachtlijst": "Wachtend op de laatste dag van de periode: nieuwe aanmelding, aangemeld op "
    "of vóór die dag, en op die dag nog niet ingestroomd of afgemeld.",
    "wachttijd_mediaan_dagen": "Mediaan van (datum_instroom − datum_aanmelding) over de nieuwe "
    "aanmeldingen die in de periode instroomden.",
    "wachttijd_p90_dagen": "90e percentiel van (datum_instroom − datum_aanmelding) over de nieuwe "
    "aanmeldingen die in de periode instroomden.",
    "verblijfsduur_mediaan_dagen": "Mediaan van (datum_uitstroom − datum_instroom) over de "
    "trajecten die in de periode uitstroomden.",
    "capaciteit": "Som van de plekken van de locaties die geldig zijn op de laatste dag van de "
    "periode.",
    "bezettingsgraad": "Bezetting gedeeld door capaciteit op de laatste dag van de periode.",
    "instroom_pct": "Instroom in het jaar gedeeld door de cliënten in zorg in dat jaar "
    "(bezetting aan het begin van het jaar + instroom in het jaar).",
    "uitstroom_pct": "Uitstroom in het jaar gedeeld door de cliënten in zorg in dat jaar "
    "(bezetting aan het begin van het jaar + instroom in het jaar).",
    "clienten": "Cliënten in zorg op enig moment in de periode: ingestroomd op of vóór de "
    "laatste dag en niet uitgestroomd vóór de eerste dag (bij tellingen: zoals gepubliceerd).",
    "meldingen": "Meldingen van verward gedrag (politiecode E33), zoals aangeleverd.",
    "adviesaanvragen": "Adviesaanvragen bij Vangnet en Advies (OGGZ), zoals aangeleverd.",
}
PER_10000 = (
    "Per 10.000 inwoners: het aantal gedeeld door het aantal inwoners van de gemeente (of de "
    "regio) op 1 januari van het jaar, maal 10.000. Voor jaren na de laatste bekende "
    "bevolkingscijfers geldt het laatste bekende jaar."
)
TELLING = "Zoals aangeleverd of gepubliceerd door de bron (een telling, niet afgeleid)."


def definitie(naam: str) -> str:
    """The one-line definition of an indicator in kerncijfers."""
    if naam.endswith("_per_10000"):
        return f"{definitie(naam.removesuffix('_per_10000'))} {PER_10000}"
    return DEFINITIES.get(naam, TELLING)


def delta_kleur(indicator: str) -> str:
    """Streamlit's delta colour for a change: by what is good for the region, not by sign."""
    return {1: "normal", -1: "inverse"}.get(RICHTING.get(indicator, 0), "off")


def indicator(naam: str) -> str:
    return INDICATOREN.get(naam, naam.replace("_", " ").capitalize())
