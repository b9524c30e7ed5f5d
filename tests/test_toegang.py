"""Who may see and change what: roles from the login's claims, the pages each role is shown and
can reach, that a role without the right never gets an unsuppressed figure (pages and
downloads), the local mode and a deployment that refuses to run without login."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import paginahulp
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_page_publieksversie import assert_zoals_gepubliceerd, cellen, schrijf_snapshot

from etl import logboek
from monitor import data, toegang, ui
from monitor import snapshots as lezer

ROOT = Path(__file__).resolve().parents[1]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "t" * 64,
    "client_id": "flevomonitor",
    "client_secret": "geheim",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
GROEP = {rol: f"flevomonitor-{rol}" for rol in toegang.ROLLEN}
MONITOR = ["Overzicht", "Instroom", "Uitstroom", "Spreiding", "Wachtlijsten",
           "Verward gedrag (E33)", "Vrouwenopvang", "Prognose", "Stuurgroep",
           "Definities en bronnen"]
PAGINAS = {
    toegang.BEHEERDER: {*MONITOR, "Snapshots", "Gegevens aanleveren", "Logboek"},
    toegang.REGIO: {*MONITOR, "Snapshots"},
    toegang.PUBLIEK: set(MONITOR),
}
SCRIPTS = {"Overzicht": "overzicht", "Instroom": "instroom", "Uitstroom": "uitstroom",
           "Spreiding": "spreiding", "Wachtlijsten": "wachtlijsten",
           "Verward gedrag (E33)": "verward_gedrag", "Vrouwenopvang": "vrouwenopvang",
           "Prognose": "prognose", "Stuurgroep": "stuurgroep",
           "Definities en bronnen": "definities",
           "Snapshots": "snapshots", "Gegevens aanleveren": "aanleveren", "Logboek": "logboek"}


# --- roles from claims and the configuration ---------------------------------------------

def instellingen(tmp_path: Path, tekst: str) -> toegang.Instellingen:
    pad = tmp_path / "toegang.toml"
    pad.write_text(tekst, encoding="utf-8")
    return toegang.lees_instellingen(pad)


SHIPPED = toegang.lees_instellingen(ROOT / "config" / "toegang.toml")


@pytest.mark.parametrize(("claims", "rol"), [
    ({"groups": ["flevomonitor-regio"]}, "regio"),
    ({"groups": "flevomonitor-publiek"}, "publiek"),  # a single value, not a list
    ({"groups": ["flevomonitor-publiek", "flevomonitor-beheerder"]}, "beheerder"),  # highest
    ({"groups": ["andere-groep"]}, None),  # logged in, no role: no access
    ({"email": "x@y.nl"}, None),
    ({"groups": None}, None),
    ({"groups": [{"naam": "flevomonitor-beheerder"}]}, None),  # not a group name
])
def test_role_from_the_claim(claims, rol):
    assert toegang.rol_van(claims, SHIPPED) == rol


def test_role_from_the_e_mail_overrides_the_groups(tmp_path):
    inst = instellingen(tmp_path, '[rollen]\nclaim = "roles"\nregio = ["Monitor.Lezer"]\n'
                        'standaard = "publiek"\n[gebruikers]\n"Beheer@Almere.example" = '
                        '"beheerder"\n')
    assert toegang.rol_van({"email": "beheer@almere.example", "roles": []}, inst) == "beheerder"
    assert toegang.rol_van({"roles": ["Monitor.Lezer"]}, inst) == "regio"
    assert toegang.rol_van({"groups": ["Monitor.Lezer"]}, inst) == "publiek"  # other claim


@pytest.mark.parametrize(("tekst", "melding"), [
    ('[toegang]\nmodus = "open"\n', "modus moet"),
    ('[toegang]\nlokale_rol = "admin"\n', "lokale_rol moet"),
    ('[rollen]\nregio = "een-groep"\n', "lijst van namen"),
    ('[rollen]\nstandaard = "iedereen"\n', "standaard moet"),
    ('[gebruikers]\n"a@b.nl" = "baas"\n', "onbekende rol"),
    ("[toegang\n", "niet te lezen"),
])
def test_a_wrong_configuration_is_refused_in_dutch(tmp_path, tekst, melding):
    with pytest.raises(toegang.ToegangFout, match=melding):
        instellingen(tmp_path, tekst)


def test_the_deployment_setting_overrides_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FLEVOMONITOR_MODUS", "productie")
    assert instellingen(tmp_path, '[toegang]\nmodus = "lokaal"\n').modus == "productie"


def test_every_right_of_a_lower_role_belongs_to_the_higher_ones():
    assert toegang.RECHTEN["publiek"] < toegang.RECHTEN["regio"] < toegang.RECHTEN["beheerder"]
    assert "cijfers_intern" not in toegang.RECHTEN["publiek"]


@pytest.mark.parametrize(("modus", "code"), [("productie", 1), ("lokaal", 0)])
def test_the_start_check_refuses_production_without_login(modus, code, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FLEVOMONITOR_MODUS": modus, "HOME": str(tmp_path)}
    uit = subprocess.run([sys.executable, "-m", "monitor.toegang"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert uit.returncode == code, uit.stderr
    if code:
        assert "productiemodus" in uit.stderr and "Traceback" not in uit.stderr


# --- the dashboard per role ----------------------------------------------------------------

@pytest.fixture(scope="module")
def snapshot_dir(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("toegang_snapshots")
    schrijf_snapshot(shipped_warehouse, folder)
    return folder


@pytest.fixture
def navigatie(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The page titles each run of the dashboard showed in its navigation (the sidebar's page
    links, monitor.ui.navigatie; a run the login gate stops shows none)."""
    gezien: list[set[str]] = []
    echt = ui.navigatie

    def vang(plek, secties):
        gezien.append({p.title for lijst in secties.values() for p in lijst})
        return echt(plek, secties)

    monkeypatch.setattr(ui, "navigatie", vang)
    return gezien


@pytest.fixture
def geen_live_warehouse(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fails the page (and records it) when anything opens the live warehouse."""
    geopend: list[str] = []

    def weiger(path: str, stamp: object):
        geopend.append(path)
        raise AssertionError("the live warehouse was opened")

    monkeypatch.setattr(data, "_connect", weiger)
    return geopend


def als(rol: str | None, warehouse: Path, snapshots: Path, monkeypatch, **extra) -> AppTest:
    """The dashboard for a user logged in with `rol` (None: logged in without a role)."""
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(snapshots))
    at = paginahulp.dashboard(warehouse, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": f"{rol or 'niemand'}@gemeente.example",
               "name": f"Test {rol}", "groups": [GROEP[rol]] if rol else [], **extra}
    return at


@pytest.mark.parametrize("rol", toegang.ROLLEN)
def test_each_role_is_shown_its_pages_only(rol, shipped_warehouse, snapshot_dir, navigatie,
                                           monkeypatch):
    at = als(rol, shipped_warehouse, snapshot_dir, monkeypatch).run()
    assert not at.exception
    assert navigatie[-1] == PAGINAS[rol]
    assert f"Ingelogd: Test {rol} ({rol})" in [t.value for t in at.sidebar.text]
    for titel in set(SCRIPTS) - PAGINAS[rol]:
        with pytest.raises(ValueError, match="Could not find"):
            at.switch_page(f"pages/{SCRIPTS[titel]}.py")


@pytest.mark.parametrize("pagina", ["snapshots", "aanleveren", "logboek"])
@pytest.mark.parametrize("rol", ["publiek", "regio"])
def test_a_page_asks_for_its_right_itself(pagina, rol, shipped_warehouse, snapshot_dir,
                                          monkeypatch):
    """Reached past the navigation (run on its own), a page still refuses a role without its
    right: every page asks monitor.toegang, not only the menu."""
    if rol == "regio" and pagina == "snapshots":
        pytest.skip("regio may see the snapshots")
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(snapshot_dir))
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(shipped_warehouse))
    at = AppTest.from_file(str(ROOT / "pages" / f"{pagina}.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "x@gemeente.example", "groups": [GROEP[rol]]}
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["U heeft geen toegang tot dit onderdeel."]
    assert not at.dataframe and not at.button and not at.get("file_uploader")


def test_regio_sees_the_snapshots_but_cannot_make_one(shipped_warehouse, snapshot_dir,
                                                      monkeypatch):
    at = als("regio", shipped_warehouse, snapshot_dir, monkeypatch).run()
    at.switch_page("pages/snapshots.py").run()
    assert not at.exception
    koppen = [h.value for h in at.header]
    assert "Snapshot maken" not in koppen and "Wat is er veranderd?" in koppen
    assert not [b for b in at.button if "Snapshot" in b.label]
    assert at.dataframe  # the list of snapshots


@pytest.mark.parametrize("titel", MONITOR)
def test_publiek_never_gets_a_figure_of_the_live_warehouse(
        titel, shipped_warehouse, snapshot_dir, geen_live_warehouse, monkeypatch):
    # the link asks for the live figures: the role decides, not the link
    at = als("publiek", shipped_warehouse, snapshot_dir, monkeypatch)
    at.query_params.update({"publiek": "false", "snapshot": data.ACTUEEL})
    at.run()
    assert any(i.value.startswith("**Publieksversie**") for i in at.info)
    assert not [t for t in at.sidebar.toggle if t.label == "Publieksversie"]
    at.switch_page(f"pages/{SCRIPTS[titel]}.py").run()
    assert not at.exception
    assert geen_live_warehouse == []


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, bytes]]:
    """The CSV and XLSX of every chart the page offers, by file name."""
    return paginahulp.vang_downloads(monkeypatch)


def test_publiek_downloads_hold_the_published_figures_with_their_marks(
        shipped_warehouse, snapshot_dir, downloads, monkeypatch):
    at = als("publiek", shipped_warehouse, snapshot_dir, monkeypatch).run()
    at.switch_page("pages/instroom.py").run()
    assert not at.exception
    (map_,) = [Path(m["map"]) for m in lezer.snapshots(snapshot_dir)]
    gepubliceerd = lezer.lees_publiekscijfers(map_)[1]
    verwacht = cellen(gepubliceerd, "BW", "instroom", "TOTAAL", "regio", "product")
    assert_zoals_gepubliceerd(at, downloads, verwacht, "Product", "Instroom per product",
                              "instroom-per-product")
    # and no download of the page holds a count from 1 to 4
    for naam, (csv, xlsx) in downloads.items():
        tekst = pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")
        blad = openpyxl.load_workbook(io.BytesIO(xlsx)).active
        for kolom in [k for k in tekst.columns if k in ("Waarde", "Aantal")]:
            assert not tekst[kolom].isin({"1", "2", "3", "4"}).any(), naam
        assert blad.max_row == len(tekst) + 1, naam


def test_regio_gets_the_live_figures(shipped_warehouse, snapshot_dir, monkeypatch):
    at = als("regio", shipped_warehouse, snapshot_dir, monkeypatch).run()
    assert not at.exception
    assert not any(i.value.startswith("**Publieksversie**") for i in at.info)
    assert [t for t in at.sidebar.toggle if t.label == "Publieksversie"]


def test_without_login_only_the_login_screen(shipped_warehouse, snapshot_dir, navigatie,
                                             monkeypatch):
    at = als(None, shipped_warehouse, snapshot_dir, monkeypatch)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen"]
    assert navigatie == [] and not at.metric and not at.dataframe
    assert not any("Lokale modus" in w.value for w in at.sidebar.warning)


def test_logged_in_without_a_role_gets_no_figures(shipped_warehouse, snapshot_dir, navigatie,
                                                  monkeypatch):
    at = als(None, shipped_warehouse, snapshot_dir, monkeypatch,
             email="[klik](http://evil.example)@x.nl").run()
    assert not at.exception
    assert "geen toegang" in at.error[0].value
    assert navigatie == [] and not at.metric and not at.dataframe
    # the address from the identity provider is shown as text, never as markup
    assert "[klik](http://evil.example)@x.nl" in [t.value for t in at.text]


def test_production_without_login_shows_nothing(shipped_warehouse, snapshot_dir, navigatie,
                                                monkeypatch):
    monkeypatch.setenv("FLEVOMONITOR_MODUS", "productie")
    at = paginahulp.dashboard(shipped_warehouse, monkeypatch).run()
    assert not at.exception
    assert "productiemodus" in at.error[0].value
    assert navigatie == [] and not at.metric and not at.dataframe


def test_local_mode_is_marked_and_only_on_this_computer(shipped_warehouse, navigatie,
                                                       monkeypatch):
    at = paginahulp.dashboard(shipped_warehouse, monkeypatch).run()
    assert not at.exception
    assert any("Lokale modus" in w.value for w in at.sidebar.warning)
    assert navigatie[-1] == PAGINAS["beheerder"]

    monkeypatch.setattr(toegang, "serveradres", lambda: "0.0.0.0")
    at = paginahulp.dashboard(shipped_warehouse, monkeypatch).run()
    assert "alleen bereikbaar vanaf deze computer" in at.error[0].value
    assert not at.metric and not at.dataframe


def test_a_beheerder_login_is_logged_once_per_login(shipped_warehouse, snapshot_dir,
                                                    monkeypatch, tmp_path):
    pad = tmp_path / "logboek.jsonl"
    monkeypatch.setenv("FLEVOMONITOR_LOGBOEK", str(pad))
    # one login (one ID token) in two sessions, as a reload or a second tab gives
    token = {"iss": "http://idp.example", "sub": "b-1", "iat": 1764670000, "nonce": "n1"}
    at = als("beheerder", shipped_warehouse, snapshot_dir, monkeypatch, **token).run()
    at.run()
    als("beheerder", shipped_warehouse, snapshot_dir, monkeypatch, **token).run()
    als("regio", shipped_warehouse, snapshot_dir, monkeypatch, sub="r-1").run()
    regels = logboek.lees(pad)
    assert [(r["gebeurtenis"], r["wie"]) for r in regels] == [
        ("login", "beheerder@gemeente.example")]


def test_a_failing_page_shows_a_short_dutch_message_and_no_detail(
        shipped_warehouse, monkeypatch):
    def kapot(*args, **kwargs):
        raise RuntimeError("/geheim/pad/warehouse.duckdb: iets brak")

    monkeypatch.setattr(data, "query", kapot)
    vorige = st.get_option("client.showErrorDetails")
    st.config.set_option("client.showErrorDetails", "none")
    try:
        at = paginahulp.dashboard(shipped_warehouse, monkeypatch).run()
    finally:
        st.config.set_option("client.showErrorDetails", vorige)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Er ging iets mis bij het tonen van deze pagina. Probeer het later opnieuw; de "
        "beheerder vindt de details in het serverlog."]
    alles = " ".join(str(e.value) for e in [*at.markdown, *at.text, *at.error, *at.caption])
    assert "/geheim/pad" not in alles


def test_regio_downloads_hold_the_unsuppressed_figures(shipped_warehouse, snapshot_dir,
                                                       downloads, monkeypatch):
    at = als("regio", shipped_warehouse, snapshot_dir, monkeypatch).run()
    at.switch_page("pages/instroom.py").run()
    assert not at.exception
    csv, _ = downloads["instroom-per-product"]
    tabel = pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")
    assert not tabel["Waarde"].isin({"<5", "x"}).any()
    # the figure the publieksversie hides ('x', to protect another) is there as it is
    assert tabel[(tabel["Periode"] == "2020-K1") & (tabel["Product"] == "BW midden")][
        "Waarde"].tolist() == ["50"]


def test_downloads_are_made_only_when_asked_for(shipped_warehouse, snapshot_dir, monkeypatch):
    gemaakt: list[str] = []
    monkeypatch.setattr(ui, "tabel_bestanden", lambda frame, naam: gemaakt.append(naam))
    at = als("regio", shipped_warehouse, snapshot_dir, monkeypatch).run()
    at.switch_page("pages/instroom.py").run()
    assert not at.exception
    assert at.get("download_button") and gemaakt == []
