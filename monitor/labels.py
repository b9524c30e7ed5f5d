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
    "locaties": "Locaties",
    "housing_first_trajecten": "Housing First-trajecten (pilot)",
    "woonstart_plekken": "Plekken Woonstart",
    "logeerplekken": "Logeerplekken",
    "plekken": "Plekken (gepubliceerd)",
    "instroom_pct": "Instroompercentage",
    "uitstroom_pct": "Uitstroompercentage",
    "uitstroom_eigen_gemeente": "Weer Thuis: uitstroom naar de eigen gemeente",
    "uitstroom_eigen_gemeente_pct": "Weer Thuis (%)",
    "uitstroom_woongemeente_bekend": "Uitstroom met bekende woongemeente",
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
    "toewijzingen": "Personen met een toewijzing",
}

# +1: higher is better for the region, -1: lower is better, 0: no judgement.
RICHTING = {
    "instroom": -1,
    "instroom_pct": -1,
    "uitstroom": 1,
    "uitstroom_pct": 1,
    "uitstroom_eigen_gemeente": 1,
    "uitstroom_eigen_gemeente_pct": 1,
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
    "locaties": "Aantal locaties (verschillende locatienamen per gemeente) met plekken die "
    "geldig zijn op de laatste dag van de periode; per gemeente waar de locatie is. Bij een "
    "gepubliceerde bron: zoals gepubliceerd.",
    "housing_first_trajecten": "Housing First: trajecten waarin een dakloze inwoner met "
    "meervoudige problemen een eigen woning krijgt met intensieve begeleiding; zoals "
    "gepubliceerd (de pilot van 43 trajecten is de omvang van de pilot, geen telling).",
    "woonstart_plekken": "Plekken van Woonstart: jongeren van 17 tot 27 jaar die "
    "uitstromen uit een 24-uursvoorziening groeien daar toe naar zelfstandig wonen; zoals "
    "gepubliceerd.",
    "logeerplekken": "Logeerplekken: een tijdelijke plek voor inwoners die tijdelijk niet in de "
    "eigen woning of op het eigen netwerk kunnen terugvallen, om escalatie te voorkomen; zoals "
    "gepubliceerd.",
    "plekken": "Plekken zoals een document ze publiceert (geen locatielijst van een aanbieder); "
    "de plekken per locatie uit de capaciteitsbestanden staan in capaciteit en in de view "
    "locaties.",
    "instroom_pct": "Instroom in het jaar gedeeld door de cliënten in zorg in dat jaar "
    "(bezetting aan het begin van het jaar + instroom in het jaar).",
    "uitstroom_pct": "Uitstroom in het jaar gedeeld door de cliënten in zorg in dat jaar "
    "(bezetting aan het begin van het jaar + instroom in het jaar).",
    "clienten": "Cliënten in zorg op enig moment in de periode: ingestroomd op of vóór de "
    "laatste dag en niet uitgestroomd vóór de eerste dag (bij tellingen: zoals gepubliceerd).",
    "uitstroom_eigen_gemeente": "Weer Thuis: trajecten met een datum_uitstroom in de periode "
    "waarvan de woongemeente na uitstroom de herkomstgemeente is. Regio totaal: alleen cliënten "
    "uit de gemeenten van de regio. Alleen gemeten vanaf de eerste periode waarin de aanlevering "
    "een woongemeente_na_uitstroom vastlegt.",
    "uitstroom_eigen_gemeente_pct": "Weer Thuis (%): uitstroom naar de eigen herkomstgemeente "
    "gedeeld door de uitstroom met een bekende woongemeente na uitstroom (een gemeente van de "
    "regio of buiten de regio; niet onbekend), maal 100.",
    "uitstroom_woongemeente_bekend": "Trajecten met een datum_uitstroom in de periode waarvan "
    "de woongemeente na uitstroom bekend is (een gemeente van de regio of buiten de regio): "
    "de noemer van Weer Thuis (%).",
    "meldingen": "Meldingen van verward gedrag (politiecode E33), zoals aangeleverd.",
    "adviesaanvragen": "Adviesaanvragen bij Vangnet en Advies (OGGZ), zoals aangeleverd.",
    "toewijzingen": "Personen met een toewijzing voor beschermd wonen in de maand, zoals de "
    "bron ze publiceert: uitgesplitst naar financiering (zorg in natura, ZIN, of "
    "persoonsgebonden budget, PGB); zonder uitsplitsing ZIN en PGB samen.",
}
# Weer Thuis without its column (data contract 1a: optional): absent, never 0
WEER_THUIS_AFWEZIG = ("Niet gemeten: de aanlevering heeft geen woongemeente na uitstroom "
                      "voor deze periode.")
PER_10000 = (
    "Per 10.000 inwoners: het aantal gedeeld door het aantal inwoners van de gemeente (of de "
    "regio) op 1 januari van het jaar, maal 10.000. Voor jaren na de laatste bekende "
    "bevolkingscijfers geldt het laatste bekende jaar. Let op: het regiototaal telt ook "
    "cliënten van buiten de regio en met onbekende herkomst mee, maar wordt gedeeld door de "
    "inwoners van de regio."
)
# Said wherever a region total is shown, and per 10,000 where it is divided by inwoners
REGIO_TOTAAL = ("Regio totaal: alle cliënten, ook die van buiten de regio of met onbekende "
                "herkomst.")
REGIO_PER_10000 = ("Per 10.000 inwoners: het regiototaal, mét de cliënten van buiten de regio "
                   "en met onbekende herkomst, gedeeld door de inwoners van de regio.")
TELLING = ("Zoals aangeleverd of gepubliceerd door de bron (een telling). Met als bron "
           "'afgeleid uit …' staat het cijfer niet zo in die bron: de monitor heeft het uit de "
           "cijfers van die bron berekend (maanden tot kwartalen, kwartalen tot jaren, de "
           "gemeenten tot het regiototaal, per 10.000 inwoners).")


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


# The prognose (etl/sql/40_prognose.sql, tables `prognose` and `prognose_backtest`): not in
# kerncijfers, so the Definities page lists these apart; `definitie()` knows them too.
PROGNOSE_DEFINITIES = {
    "prognose_bezetting": "Prognose, geen waarneming: de verwachte bezetting (regio totaal) op "
    "de laatste dag van elk van de vier kwartalen na het laatste waargenomen kwartaal. Per "
    "kwartaal: bezetting + instroom − uitstroom, met als instroom het gemiddelde van de laatste "
    "4 kwartalen en als uitstroom hetzelfde aandeel van de cliënten in zorg (bezetting aan het "
    "begin + instroom) als in de laatste 4 kwartalen.",
    "prognose_wachtlijst": "Prognose, geen waarneming: de verwachte wachtlijst (regio totaal) "
    "op de laatste dag van elk van de vier kwartalen na het laatste waargenomen kwartaal. Per "
    "kwartaal: wachtlijst + nieuwe aanmeldingen − wie de wachtlijst verlaat (instroom of "
    "afmelding), met als aanmeldingen het gemiddelde van de laatste 4 kwartalen en als vertrek "
    "hetzelfde aandeel van wie wacht of zich aanmeldt als in de laatste 4 kwartalen.",
    "prognose_interval": "80%-interval van de prognose: de prognose ± 1,28 × de "
    "standaardafwijking van de verandering per kwartaal in de laatste 8 kwartalen × de wortel "
    "uit het aantal kwartalen vooruit; niet onder 0. Het zegt hoe sterk de stand de laatste "
    "twee jaar schommelde, niet hoe goed het model is: zie de terugtoets.",
    "prognose_backtest": "Terugtoets: elk van de laatste 8 waargenomen kwartalen voorspeld met "
    "alleen de gegevens van daarvóór, 1 kwartaal vooruit en 4 kwartalen vooruit; de afwijking "
    "is prognose − waargenomen.",
}
INDICATOREN.update({
    "prognose_bezetting": "Prognose bezetting",
    "prognose_wachtlijst": "Prognose wachtlijst",
    "prognose_interval": "80%-interval (prognose)",
    "prognose_backtest": "Terugtoets van de prognose",
})
DEFINITIES.update(PROGNOSE_DEFINITIES)
