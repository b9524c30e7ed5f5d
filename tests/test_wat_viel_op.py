"""'Wat viel op': every sentence rule on hand-made series, the choice of 3-5 sentences, and the
sentences for a known quarter of a hand-made warehouse built through the real ETL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl import settings
from etl.build import build
from monitor import data, streefwaarden
from monitor.streefwaarden import GEEN, OMHOOG, OMLAAG
from monitor.views import stuurgroep as view
from monitor.wat_viel_op import (
    DAGEN,
    FRACTIE,
    INDEX,
    PROCENT,
    RECORD,
    STREEFWAARDE,
    VERANDERING,
    Bevinding,
    Reeks,
    kies,
    onderwerp,
    record,
    streefwaarde,
    verandering,
    verschil_tekst,
    waarde_tekst,
    zinnen,
)
from monitor.wat_viel_op import streefwaarde as regel_streefwaarde

WACHTLIJST = "Wachtlijst beschermd wonen"
# the BW wachtlijst of the issue's example: 31 in 2026-K3, 40 the quarter before
WACHTLIJST_REEKS = {
    "2019-K1": 49, "2019-K2": 40, "2020-K1": 48, "2021-K3": 34, "2024-K3": 33,
    "2026-K2": 40, "2026-K3": 31,
}


def reeks(waarden, periode, label=WACHTLIJST, **kwargs) -> Reeks:
    return Reeks(sleutel=kwargs.pop("sleutel", "BW.wachtlijst"), label=label,
                 waarden=waarden, periode=periode, **kwargs)


# --- text of values and changes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "eenheid", "tekst"),
    [
        (1944, "aantal", "1.944"), (22.5, PROCENT, "22,5%"), (0.8069, FRACTIE, "80,7%"),
        (0.1134, INDEX, "0,11"), (67, DAGEN, "67 dagen"), (58.5, DAGEN, "58,5 dagen"),
        (16.02, "per_10000", "16,0"), (None, "aantal", "–"),
    ],
)
def test_values_read_in_dutch(waarde, eenheid, tekst):
    assert waarde_tekst(waarde, eenheid) == tekst


@pytest.mark.parametrize(
    ("verschil", "eenheid", "kort", "tekst"),
    [
        (-9, "aantal", False, "-9"), (144, "aantal", False, "+144"),
        (1.4, PROCENT, False, "+1,4 procentpunt"), (1.4, PROCENT, True, "+1,4 %-punt"),
        (-0.019, FRACTIE, False, "-1,9 procentpunt"), (-0.021, INDEX, False, "-0,02"),
        (6, DAGEN, False, "+6 dagen"), (0, "aantal", False, "0"), (None, "aantal", False, ""),
    ],
)
def test_changes_read_in_dutch(verschil, eenheid, kort, tekst):
    assert verschil_tekst(verschil, eenheid, kort=kort) == tekst


@pytest.mark.parametrize(
    ("label", "tekst"),
    [
        ("Wachtlijst beschermd wonen", "De wachtlijst beschermd wonen"),
        ("Uitstroompercentage beschermd wonen", "Het uitstroompercentage beschermd wonen"),
        ("Aantal meldingen verward gedrag (E33)", "Het aantal meldingen verward gedrag (E33)"),
        ("Aandeel cliënten in de eigen gemeente", "Het aandeel cliënten in de eigen gemeente"),
        ("OGGZ-adviesaanvragen", "De OGGZ-adviesaanvragen"),
    ],
)
def test_the_subject_takes_the_right_article(label, tekst):
    assert onderwerp(label) == tekst


# --- rule: the change against the period before -----------------------------------------------


def test_verandering_down():
    zin = verandering(reeks({"2026-K2": 40, "2026-K3": 31}, "2026-K3"))
    assert zin == Bevinding(VERANDERING, "BW.wachtlijst", "De wachtlijst beschermd wonen daalde "
                            "naar 31 (-9 ten opzichte van 2026-K2).", 9 / 40)


def test_verandering_up_with_a_thousands_dot():
    zin = verandering(reeks({"2026-K2": 1800, "2026-K3": 1944}, "2026-K3",
                            label="Aantal meldingen verward gedrag (E33)"))
    assert zin.zin == ("Het aantal meldingen verward gedrag (E33) steeg naar 1.944 (+144 ten "
                       "opzichte van 2026-K2).")


@pytest.mark.parametrize(
    ("waarden", "periode", "label", "eenheid", "zin"),
    [
        ({"2024": 21.1, "2025": 22.5}, "2025", "Uitstroompercentage beschermd wonen", PROCENT,
         "Het uitstroompercentage beschermd wonen steeg naar 22,5% (+1,4 procentpunt ten opzichte "
         "van 2024)."),
        ({"2026-K2": 0.8, "2026-K3": 0.85}, "2026-K3", "Bezettingsgraad maatschappelijke opvang",
         FRACTIE, "De bezettingsgraad maatschappelijke opvang steeg naar 85,0% (+5,0 procentpunt "
         "ten opzichte van 2026-K2)."),
        ({"2026-K2": 0.13, "2026-K3": 0.11}, "2026-K3", "Spreidingsindex beschermd wonen", INDEX,
         "De spreidingsindex beschermd wonen daalde naar 0,11 (-0,02 ten opzichte van 2026-K2)."),
        ({"2026-K2": 61, "2026-K3": 67}, "2026-K3", "Wachttijd beschermd wonen (mediaan)", DAGEN,
         "De wachttijd beschermd wonen (mediaan) steeg naar 67 dagen (+6 dagen ten opzichte van "
         "2026-K2)."),
    ],
)
def test_verandering_in_each_unit(waarden, periode, label, eenheid, zin):
    assert verandering(reeks(waarden, periode, label=label, eenheid=eenheid)).zin == zin


def test_verandering_unchanged_or_without_a_period_before():
    gelijk = verandering(reeks({"2026-K2": 31, "2026-K3": 31}, "2026-K3"))
    assert gelijk.zin == "De wachtlijst beschermd wonen bleef gelijk op 31 (net als in 2026-K2)."
    assert gelijk.gewicht == 0
    assert verandering(reeks({"2026-K3": 31}, "2026-K3")) is None
    assert verandering(reeks({"2026-K2": 31}, "2026-K3")) is None  # no figure for the period


# --- rule: a record since the start of the series ------------------------------------------------


def test_record_lowest_since_the_start_is_the_issues_example():
    gevonden = record(reeks(WACHTLIJST_REEKS, "2026-K3"))
    assert gevonden.soort == RECORD
    assert gevonden.zin == ("De wachtlijst beschermd wonen daalde naar 31 (-9 ten opzichte van "
                            "2026-K2), de laagste stand sinds 2019.")


def test_record_highest():
    waarden = {"2019-K1": 10, "2019-K2": 12, "2019-K3": 11, "2019-K4": 12, "2020-K1": 15}
    gevonden = record(reeks(waarden, "2020-K1", label="Instroom beschermd wonen"))
    assert gevonden.zin == ("De instroom beschermd wonen steeg naar 15 (+3 ten opzichte van "
                            "2019-K4), de hoogste stand sinds 2019.")


def test_no_record_when_equal_to_an_earlier_extreme_or_too_short():
    waarden = dict(WACHTLIJST_REEKS, **{"2026-K3": 33})  # as low as 2024-K3: no record
    assert record(reeks(waarden, "2026-K3")) is None
    kort = {"2026-K1": 50, "2026-K2": 40, "2026-K3": 31}
    assert record(reeks(kort, "2026-K3")) is None
    assert record(reeks(kort, "2026-K3"), min_eerder=2) is not None
    # only the periods up to the one discussed count
    assert record(reeks(dict(WACHTLIJST_REEKS, **{"2026-K4": 10}), "2026-K3")) is not None


# --- rule: a target crossed --------------------------------------------------------------------


def test_streefwaarde_crossed_towards_the_goal():
    gevonden = streefwaarde(reeks({"2026-K2": 45, "2026-K3": 31}, "2026-K3", richting=OMLAAG,
                                  streefwaarde=40.0))
    assert gevonden.soort == STREEFWAARDE
    assert gevonden.zin == ("De wachtlijst beschermd wonen zakte onder de streefwaarde van 40 "
                            "(31 in 2026-K3, was 45 in 2026-K2) en is daarmee op koers.")


def test_streefwaarde_crossed_away_from_the_goal():
    gevonden = streefwaarde(reeks({"2024": 18.0, "2025": 16.5}, "2025",
                                  label="Uitstroompercentage beschermd wonen", eenheid=PROCENT,
                                  richting=OMHOOG, streefwaarde=17.0))
    assert gevonden.zin == ("Het uitstroompercentage beschermd wonen zakte onder de streefwaarde "
                            "van 17,0% (16,5% in 2025, was 18,0% in 2024) en is daarmee niet meer "
                            "op koers.")
    boven = streefwaarde(reeks({"2026-K2": 38, "2026-K3": 44}, "2026-K3", richting=OMLAAG,
                               streefwaarde=40.0))
    assert boven.zin == ("De wachtlijst beschermd wonen steeg boven de streefwaarde van 40 (44 in "
                         "2026-K3, was 38 in 2026-K2) en is daarmee niet meer op koers.")


def test_streefwaarde_reached_exactly_is_not_yet_on_track():
    gevonden = streefwaarde(reeks({"2024": 18.0, "2025": 17.0}, "2025", eenheid=PROCENT,
                                  label="Uitstroompercentage beschermd wonen", richting=OMHOOG,
                                  streefwaarde=17.0))
    assert gevonden.zin == ("Het uitstroompercentage beschermd wonen kwam uit op de streefwaarde "
                            "van 17,0% (17,0% in 2025, was 18,0% in 2024) en is daarmee niet meer "
                            "op koers.")


def test_streefwaarde_not_crossed_or_not_judged():
    assert regel_streefwaarde(reeks({"2026-K2": 35, "2026-K3": 31}, "2026-K3", richting=OMLAAG,
                                    streefwaarde=40.0)) is None  # on track both times
    assert regel_streefwaarde(reeks({"2026-K2": 45, "2026-K3": 31}, "2026-K3", richting=GEEN,
                                    streefwaarde=40.0)) is None
    assert regel_streefwaarde(reeks({"2026-K2": 45, "2026-K3": 31}, "2026-K3",
                                    richting=OMLAAG)) is None


# --- choosing 3-5 sentences ---------------------------------------------------------------------


def b(soort: str, sleutel: str, gewicht: float) -> Bevinding:
    return Bevinding(soort, sleutel, f"{sleutel}.", gewicht)


def test_kies_puts_targets_then_records_then_the_largest_changes_first():
    gevonden = [b(VERANDERING, "a", 0.12), b(RECORD, "b", 0.01), b(VERANDERING, "c", 0.50),
                b(STREEFWAARDE, "d", 0.02), b(VERANDERING, "e", 0.05), b(RECORD, "f", 0.3)]
    assert [x.sleutel for x in kies(gevonden)] == ["d", "b", "f", "c", "a"]


def test_kies_stops_at_five():
    gevonden = [b(VERANDERING, str(i), 0.2 + i / 100) for i in range(8)]
    assert [x.sleutel for x in kies(gevonden)] == ["7", "6", "5", "4", "3"]


def test_kies_fills_up_to_three_with_smaller_changes_but_never_with_no_change():
    gevonden = [b(VERANDERING, "a", 0.02), b(VERANDERING, "b", 0.5), b(VERANDERING, "c", 0.0),
                b(VERANDERING, "d", 0.04)]
    assert [x.sleutel for x in kies(gevonden)] == ["b", "d", "a"]
    assert [x.sleutel for x in kies(gevonden[2:3])] == []


def test_zinnen_one_sentence_per_series_strongest_rule_first_and_deterministic():
    reeksen = [
        reeks(WACHTLIJST_REEKS, "2026-K3", richting=OMLAAG, streefwaarde=35.0),  # crossed + record
        reeks({"2026-K2": 27, "2026-K3": 31}, "2026-K3", label="Instroom beschermd wonen",
              sleutel="BW.instroom"),
        reeks({"2026-K2": 44, "2026-K3": 50}, "2026-K3", label="Uitstroom beschermd wonen",
              sleutel="BW.uitstroom"),
        reeks({"2026-K2": 668, "2026-K3": 680}, "2026-K3",
              label="Aantal meldingen verward gedrag (E33)", sleutel="E33.meldingen"),
    ]
    verwacht = [
        "De wachtlijst beschermd wonen zakte onder de streefwaarde van 35 (31 in 2026-K3, was 40 "
        "in 2026-K2) en is daarmee op koers.",
        "De instroom beschermd wonen steeg naar 31 (+4 ten opzichte van 2026-K2).",
        "De uitstroom beschermd wonen steeg naar 50 (+6 ten opzichte van 2026-K2).",
    ]
    assert zinnen(reeksen) == verwacht
    assert zinnen(list(reeksen)) == verwacht


# --- a hand-made warehouse ---------------------------------------------------------------------

HEADER = ("traject_id;voorziening;product;cluster;aanmelding_type;herkomstgemeente;"
          "verblijfsgemeente;locatie;datum_aanmelding;datum_instroom;datum_afgemeld;"
          "datum_uitstroom;uitstroombestemming")


def _gemeente() -> str:
    with (settings.REFERENCE_DIR / "gemeenten.csv").open(encoding="utf-8-sig") as f:
        return next(csv.DictReader(f, delimiter=";"))["gemeentecode"]


def _traject(tid: str, gemeente: str, aanmelding: str, instroom: str = "",
             afgemeld: str = "") -> str:
    verblijf = gemeente if instroom else ""
    return ";".join([tid, "BW", "BW midden", "", "Nieuw", gemeente, verblijf, "", aanmelding,
                     instroom, afgemeld, "", ""])


def _trajecten(gemeente: str) -> list[str]:
    """Wachtlijst at the quarter ends 2019-K1..2020-K2: 3, 4, 5, 4, 5, 1; instroom per quarter
    1, 1, 1, 1, 2, 4 (nobody leaves, so bezetting 1, 2, 3, 4, 6, 10)."""
    wachten = [
        ("W1", "2019-01-10", "2020-05-01"), ("W2", "2019-01-10", "2020-05-01"),
        ("W3", "2019-01-10", "2020-05-01"), ("W4", "2019-04-10", "2019-12-01"),
        ("W5", "2019-07-10", "2020-05-01"), ("W7", "2020-02-01", "2020-05-01"),
        ("W6", "2020-06-01", ""),
    ]
    rows = [_traject(t, gemeente, a, afgemeld=af) for t, a, af in wachten]
    instroom = ["2019-02-01", "2019-05-01", "2019-08-01", "2019-11-01", "2020-02-01",
                "2020-03-01", "2020-04-01", "2020-04-02", "2020-05-01", "2020-06-01"]
    rows += [_traject(f"I{i}", gemeente, d, instroom=d) for i, d in enumerate(instroom)]
    return rows


CONFIG = """
["BW.wachtlijst"]
richting = "omlaag"
label = "Wachtlijst beschermd wonen"
bron = "test"
streefwaarde = 2
streefjaar = 2026

["BW.bezetting"]
richting = "omlaag"
label = "Bezetting beschermd wonen"
bron = "test"

["BW.instroom"]
richting = "omlaag"
label = "Instroom beschermd wonen"
bron = "test"
"""


@pytest.fixture(scope="module")
def klein_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wat_viel_op")
    bestand = root / "raw" / "trajecten" / "trajecten_test_2020-07-15.csv"
    bestand.parent.mkdir(parents=True)
    bestand.write_text("\n".join([HEADER, *_trajecten(_gemeente())]) + "\n", encoding="utf-8")
    warehouse = root / "warehouse.duckdb"
    build(root / "raw", warehouse, settings.REFERENCE_DIR)
    return warehouse


def test_sentences_for_a_known_quarter_of_a_hand_made_warehouse(klein_warehouse, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(klein_warehouse))
    config_pad = tmp_path / "streefwaarden.toml"
    config_pad.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv(streefwaarden.ENV, str(config_pad))
    config = streefwaarden.laad()
    alle = view.reeksen(
        data.query("stuurgroep_reeksen", sleutels=view.kerncijfer_sleutels()),
        data.query("stuurgroep_spreiding", voorzieningen=list(view.SPREIDING_VOORZIENINGEN),
                   gemeenten=list(data.gemeenten())),
        list(data.gemeenten()),
    )
    assert data.kwartalen()[-1] == "2020-K2"
    assert alle.kwartaal["BW.wachtlijst"] == {
        "2019-K1": 3, "2019-K2": 4, "2019-K3": 5, "2019-K4": 4, "2020-K1": 5, "2020-K2": 1}
    assert view.overzicht(alle, config, "2020-K2").zinnen == (
        "De wachtlijst beschermd wonen zakte onder de streefwaarde van 2 (1 in 2020-K2, was 5 in "
        "2020-K1) en is daarmee op koers.",
        "De bezetting beschermd wonen steeg naar 10 (+4 ten opzichte van 2020-K1), de hoogste "
        "stand sinds 2019.",
        "De instroom beschermd wonen steeg naar 4 (+2 ten opzichte van 2020-K1), de hoogste stand "
        "sinds 2019.",
    )
    # a quarter earlier: the wachtlijst rose by 1 (+25%), the bezetting is a record again
    assert view.overzicht(alle, config, "2020-K1").zinnen == (
        "De bezetting beschermd wonen steeg naar 6 (+2 ten opzichte van 2019-K4), de hoogste "
        "stand sinds 2019.",
        "De instroom beschermd wonen steeg naar 2 (+1 ten opzichte van 2019-K4), de hoogste stand "
        "sinds 2019.",
        "De wachtlijst beschermd wonen steeg naar 5 (+1 ten opzichte van 2019-K4).",
    )
    # the first quarter has nothing to compare with
    assert view.overzicht(alle, config, "2019-K1").zinnen == ()
