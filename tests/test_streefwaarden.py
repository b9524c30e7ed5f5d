"""config/streefwaarden.toml: the shipped defaults, the judgement, and clear Dutch errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import streefwaarden
from monitor.streefwaarden import (
    GEEN,
    GUNSTIG,
    NEUTRAAL,
    OMHOOG,
    OMLAAG,
    ONGUNSTIG,
    StreefwaardenFout,
    oordeel,
    op_koers,
)

ROOT = Path(__file__).resolve().parents[1]
GELDIG = """
["BW.uitstroom_pct"]
richting = "omhoog"
label = "Uitstroompercentage beschermd wonen"
bron = "bijlage 3"
streefwaarde = 17
streefjaar = 2026
"""


def schrijf(tmp_path: Path, tekst: str) -> Path:
    pad = tmp_path / "streefwaarden.toml"
    pad.write_text(tekst, encoding="utf-8")
    return pad


def test_shipped_defaults_follow_the_seed(monkeypatch):
    monkeypatch.delenv(streefwaarden.ENV, raising=False)
    config = streefwaarden.laad()
    assert config.pad == ROOT / "config" / "streefwaarden.toml"
    uit = config.get("BW.uitstroom_pct")
    assert (uit.richting, uit.streefwaarde, uit.streefjaar) == (OMHOOG, 17.0, 2026)
    assert "bijlage 3" in uit.bron
    assert (uit.voorziening, uit.indicator) == ("BW", "uitstroom_pct")
    instroom = config.get("BW.instroom_pct")
    assert (instroom.richting, instroom.streefwaarde) == (OMLAAG, 20.0)
    wachtlijst = config.get("BW.wachtlijst")
    assert (wachtlijst.richting, wachtlijst.streefwaarde) == (OMLAAG, 40.0)
    assert config.richting("MO.instroom") == OMLAAG
    assert config.richting("VO.instroom") == OMLAAG
    assert config.richting("E33.meldingen") == GEEN
    assert config.get("E33.meldingen").streefwaarde is None
    # not listed: no judgement
    assert config.richting("BW.aanmeldingen") == GEEN
    assert config.get("BW.aanmeldingen") is None
    # every entry has a Dutch label and a source
    assert all(d.label and d.bron for d in config.indicatoren.values())


def test_the_path_can_be_overridden_for_tests(tmp_path, monkeypatch):
    pad = schrijf(tmp_path, GELDIG)
    monkeypatch.setenv(streefwaarden.ENV, str(pad))
    config = streefwaarden.laad()
    assert config.pad == pad
    assert list(config.indicatoren) == ["BW.uitstroom_pct"]
    # an int target becomes a float; the result is immutable
    assert config.get("BW.uitstroom_pct").streefwaarde == 17.0
    with pytest.raises(TypeError):
        config.indicatoren["BW.x"] = None  # type: ignore[index]


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        (GELDIG.replace('"omhoog"', '"stijgen"'),
         "onbekende richting 'stijgen'; kies omhoog, omlaag of geen"),
        (GELDIG.replace('richting = "omhoog"\n', ""),
         "het veld 'richting' (omhoog, omlaag of geen) ontbreekt"),
        (GELDIG.replace("streefwaarde = 17", 'streefwaarde = "zeventien"'),
         "de streefwaarde moet een getal zijn (zoals 17.0), niet 'zeventien'"),
        (GELDIG.replace("streefwaarde = 17", "streefwaarde = true"),
         "de streefwaarde moet een getal zijn"),
        (GELDIG.replace("streefjaar = 2026", "streefjaar = 26"),
         "het streefjaar moet een jaartal zijn (zoals 2026), niet 26"),
        (GELDIG.replace("streefjaar = 2026", 'streefjaar = "2026"'),
         "het streefjaar moet een jaartal zijn (zoals 2026), niet '2026'"),
        (GELDIG.replace("streefjaar = 2026", "streefjaar = 2026.5"),
         "het streefjaar moet een jaartal zijn"),
        (GELDIG.replace("streefwaarde = 17\n", ""), "een streefjaar zonder streefwaarde"),
        (GELDIG.replace('"omhoog"', '"geen"'),
         "een streefwaarde vraagt de richting omhoog of omlaag"),
        (GELDIG.replace('label = "Uitstroompercentage beschermd wonen"\n', ""),
         "het veld 'label' ontbreekt"),
        (GELDIG.replace('bron = "bijlage 3"', "bron = 3"), "'bron' moet een tekst zijn"),
        (GELDIG + "streefwaard = 18\n", "onbekend veld 'streefwaard'"),
    ],
)
def test_a_broken_entry_gives_a_dutch_error_naming_file_key_and_problem(tmp_path, tekst, verwacht):
    pad = schrijf(tmp_path, tekst)
    with pytest.raises(StreefwaardenFout) as fout:
        streefwaarden.laad(pad)
    bericht = str(fout.value)
    assert str(pad) in bericht
    assert '["BW.uitstroom_pct"]' in bericht
    assert verwacht in bericht


def test_a_key_without_voorziening_and_indicator_is_refused(tmp_path):
    pad = schrijf(tmp_path, GELDIG.replace('["BW.uitstroom_pct"]', '["uitstroom_pct"]'))
    with pytest.raises(StreefwaardenFout, match=r'\["uitstroom_pct"\].*"<voorziening>\.'
                                                 r'<indicator>"'):
        streefwaarden.laad(pad)


def test_invalid_toml_and_a_missing_file_are_named(tmp_path):
    pad = schrijf(tmp_path, '["BW.uitstroom_pct"\nrichting = "omhoog"\n')
    with pytest.raises(StreefwaardenFout, match="geen geldige TOML") as fout:
        streefwaarden.laad(pad)
    assert str(pad) in str(fout.value)
    with pytest.raises(StreefwaardenFout, match="bestaat niet"):
        streefwaarden.laad(tmp_path / "weg.toml")


def test_a_file_in_the_repository_is_named_relative_to_it():
    with pytest.raises(StreefwaardenFout) as fout:
        streefwaarden.lees('["BW.x"]\nrichting = "op"\nlabel = "x"\nbron = "y"\n',
                           ROOT / "config" / "streefwaarden.toml")
    assert str(fout.value).startswith('config/streefwaarden.toml, ["BW.x"]: onbekende richting')


@pytest.mark.parametrize(
    ("verschil", "richting", "verwacht"),
    [
        (5, OMHOOG, GUNSTIG), (-5, OMHOOG, ONGUNSTIG),
        (5, OMLAAG, ONGUNSTIG), (-5, OMLAAG, GUNSTIG),
        (0, OMHOOG, NEUTRAAL), (0.0, OMLAAG, NEUTRAAL),
        (5, GEEN, NEUTRAAL), (-5, GEEN, NEUTRAAL),
        (None, OMHOOG, NEUTRAAL), (float("nan"), OMLAAG, NEUTRAAL),
    ],
)
def test_the_judgement_follows_the_direction_not_the_sign(verschil, richting, verwacht):
    assert oordeel(verschil, richting) == verwacht


@pytest.mark.parametrize(
    ("waarde", "richting", "doel", "verwacht"),
    [
        (22.5, OMHOOG, 17.0, True), (16.5, OMHOOG, 17.0, False),
        (17.0, OMHOOG, 17.0, False),  # equal to the 2018 baseline is no improvement yet
        (31, OMLAAG, 40, True), (45, OMLAAG, 40, False), (40, OMLAAG, 40, False),
        (31, GEEN, 40, None), (31, OMLAAG, None, None), (None, OMLAAG, 40, None),
    ],
)
def test_on_track_means_better_than_the_target(waarde, richting, doel, verwacht):
    assert op_koers(waarde, richting, doel) is verwacht
