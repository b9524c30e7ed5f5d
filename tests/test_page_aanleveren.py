"""The pages "Gegevens aanleveren" and "Logboek" in AppTest (local mode: the beheerder), on a
copy of the small warehouse of tests/test_aanlevering.py, and a running session that picks up
a delivery on its next rerun."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from paginahulp import dashboard, open_page
from streamlit.testing.v1 import AppTest
from test_aanlevering import (  # a fixture, its data and its helpers
    FOUT,
    FOUT_NAAM,
    NIEUW,
    NIEUW_NAAM,
    Omgeving,
    basis,  # noqa: F401
    meldingen_k1,
    omg,  # noqa: F401
    versie,
)

from etl import logboek
from monitor import ui


@pytest.fixture
def pagina(omg: Omgeving, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    """Opens a page of the dashboard on this copy; deliveries go to its raw and rejected
    dirs and its own logboek."""
    monkeypatch.setenv("FLEVOMONITOR_RAW", str(omg.raw))
    monkeypatch.setenv("FLEVOMONITOR_REJECTED", str(omg.rejected))
    monkeypatch.setenv("FLEVOMONITOR_LOGBOEK", str(omg.log))

    def open_(page: str) -> AppTest:
        return open_page(dashboard(omg.warehouse, monkeypatch), page)

    return open_


def upload(at: AppTest, naam: str, inhoud: bytes, soort: str = "tellingen") -> AppTest:
    at.selectbox(key="aanleveren_soort").set_value(soort)
    at.file_uploader(key="aanleveren_bestand").set_value((naam, inhoud, "text/csv"))
    at.run()
    at.button(key="aanleveren_controleren").click().run()
    assert not at.exception
    return at


def aanleveren(at: AppTest) -> AppTest:
    at.button(key="aanleveren_aanleveren").click().run()
    assert not at.exception
    return at


def tabel_met(at: AppTest, kolom: str) -> pd.DataFrame:
    """The one table on the page with this column (AppTest's tables carry no key)."""
    (frame,) = [d.value for d in at.dataframe if kolom in d.value.columns]
    return frame


def geladen(at: AppTest) -> pd.DataFrame:
    return tabel_met(at, "geladen_op")


def test_the_page_shows_the_loaded_files_and_no_refusals(omg: Omgeving, pagina):  # noqa: F811
    at = pagina("pages/aanleveren.py")
    assert at.title[0].value == "Gegevens aanleveren"
    assert sorted(geladen(at)["bestand"]) == [
        "capaciteit/capaciteit_zorg_2019-10-01.csv", "tellingen/tellingen_politie_2019-10-15.csv",
        "trajecten/trajecten_zorg_2019-10-15.csv"]
    assert f"Warehouse-versie {versie(omg.warehouse)}" in [t.value for t in at.text]
    assert "Aanleveren als: Lokale gebruiker" in [t.value for t in at.text]
    assert "Geen." in [c.value for c in at.caption]


def test_check_then_deliver_an_accepted_file(omg: Omgeving, pagina):  # noqa: F811
    oud = versie(omg.warehouse)
    at = upload(pagina("pages/aanleveren.py"), NIEUW_NAAM, NIEUW)
    # the check: the report of `python -m etl check`, as text; nothing stored yet
    assert [c.value for c in at.code] == [
        "Bestand goedgekeurd: tellingen_ggd_2019-11-15.csv (tellingen, bron ggd, peildatum "
        "2019-11-15, 2 rijen)"]
    assert not (omg.raw / "tellingen" / NIEUW_NAAM).exists()
    assert not omg.log.exists()

    aanleveren(at)

    nieuw = versie(omg.warehouse)
    assert nieuw != oud
    assert f"versie {nieuw}" in at.success[0].value
    assert (omg.raw / "tellingen" / NIEUW_NAAM).read_bytes() == NIEUW
    assert meldingen_k1(omg.warehouse) == {"GM0034": 41, "GM0995": 17}
    assert f"tellingen/{NIEUW_NAAM}" in set(geladen(at)["bestand"])
    assert f"Warehouse-versie {nieuw}" in [t.value for t in at.text]
    assert [(r["gebeurtenis"], r["wie"]) for r in logboek.lees(omg.log)] == [
        ("aanlevering", "Lokale gebruiker"), ("build", "Lokale gebruiker")]

    # the same file again: already delivered, nothing changes
    at.file_uploader(key="aanleveren_bestand").set_value((NIEUW_NAAM, NIEUW, "text/csv"))
    at.run()
    at.button(key="aanleveren_controleren").click().run()
    assert "Dit bestand is al aangeleverd" in at.info[0].value
    aanleveren(at)
    assert "Al aangeleverd" in at.info[0].value
    assert versie(omg.warehouse) == nieuw
    assert logboek.lees(omg.log)[-1]["gebeurtenis"] == "dubbel"


def test_a_refused_file_shows_its_report_and_is_kept(omg: Omgeving, pagina):  # noqa: F811
    voor = omg.toestand()
    at = upload(pagina("pages/aanleveren.py"), FOUT_NAAM, FOUT)
    (rapport,) = [c.value for c in at.code]
    assert "tellingen_ggd_2019-12-01.csv, rij 3, kolom 'waarde': waarde 'veel'" in rapport
    assert "wordt geweigerd" in at.error[0].value

    aanleveren(at)

    assert at.error[0].value == "Geweigerd: zie het rapport."
    assert "Het bestand is met dit rapport bewaard in" in at.code[0].value
    assert omg.toestand() == voor
    weigeringen = tabel_met(at, "eerste_probleem")
    assert list(weigeringen["bestand"]) == [FOUT_NAAM]
    assert "rij 3, kolom 'waarde'" in weigeringen["eerste_probleem"][0]


def test_a_name_with_markup_is_shown_as_text(omg: Omgeving, pagina):  # noqa: F811
    naam = "tellingen_![x](http:evil.png)_2019-11-15.csv"
    at = upload(pagina("pages/aanleveren.py"), naam, FOUT)
    assert naam in at.code[0].value
    rendered = [e.value for kind in ("markdown", "error", "success", "info", "caption")
                for e in getattr(at, kind)]
    assert not any("evil" in str(tekst) for tekst in rendered)


def test_a_running_session_shows_the_new_figures_after_a_delivery(omg: Omgeving, pagina):  # noqa: F811
    """A session opened on the old warehouse; another session delivers; the first one's next
    rerun reads the new file (monitor.data keys its connection on the file's inode/mtime)."""
    at = pagina("pages/definities.py")
    oud = versie(omg.warehouse)
    assert any(f"Warehouse-versie: `{oud}`" in m.value for m in at.markdown)
    assert f"tellingen/{NIEUW_NAAM}" not in set(tabel_met(at, "geladen_op")["bestand"])

    ander = upload(pagina("pages/aanleveren.py"), NIEUW_NAAM, NIEUW)
    aanleveren(ander)
    nieuw = versie(omg.warehouse)
    assert nieuw != oud

    at.run()
    assert not at.exception
    assert any(f"Warehouse-versie: `{nieuw}`" in m.value for m in at.markdown)
    assert f"tellingen/{NIEUW_NAAM}" in set(tabel_met(at, "geladen_op")["bestand"])


# --- the logboek page -----------------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, bytes]]:
    gevangen: dict[str, tuple[bytes, bytes]] = {}
    echt = ui.tabel_bestanden

    def vang(frame: pd.DataFrame, naam: str) -> tuple[bytes, bytes]:
        gevangen[naam] = echt(frame, naam)
        return gevangen[naam]

    monkeypatch.setattr(ui, "tabel_bestanden", vang)
    return gevangen


def test_the_logboek_page_newest_first_with_its_check_and_a_safe_download(
        omg: Omgeving, pagina, downloads):  # noqa: F811
    logboek.schrijf("login", "=cmd|' /C calc'!A0", omg.log, rol="beheerder")
    logboek.schrijf("weigering", "b@regio.nl", omg.log, naam="[klik](http:evil)_x.csv")
    at = pagina("pages/logboek.py")
    assert at.title[0].value == "Logboek"
    assert "De keten is intact" in at.success[0].value
    regels = tabel_met(at, "gebeurtenis")
    assert list(regels["gebeurtenis"]) == ["weigering", "login"]
    assert json.loads(regels["details"][0]) == {"naam": "[klik](http:evil)_x.csv"}
    assert not any("evil" in m.value for m in at.markdown)

    csv = downloads["logboek"][0].decode("utf-8-sig").splitlines()
    assert csv[0].split(";")[:3] == ["tijd", "gebeurtenis", "wie"]
    assert csv[2].split(";")[2] == "'=cmd|' /C calc'!A0"  # a formula start neutralised


def test_the_logboek_page_names_a_broken_chain(omg: Omgeving, pagina):  # noqa: F811
    for i in range(3):
        logboek.schrijf("build", "b", omg.log, versie=str(i))
    regels = omg.log.read_bytes().splitlines(keepends=True)
    omg.log.write_bytes(regels[0] + regels[2])
    at = pagina("pages/logboek.py")
    assert "niet intact" in at.error[0].value
    assert at.code[0].value.startswith("regel 2: de keten is verbroken")


def test_an_empty_logboek(pagina):
    at = pagina("pages/logboek.py")
    assert "Het logboek is nog leeg." in [c.value for c in at.caption]
