"""Looking back and publishing: the dashboard on a snapshot, and the publieksversie."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from warehousehulp import alleen_xlsx  # noqa: F401 (a fixture, used below)

from monitor import fmt
from monitor.snapshots import lees_publiekscijfers, vind_snapshot
from publicatie.snapshot import maak_snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "pages/overzicht.py", "pages/instroom.py", "pages/uitstroom.py", "pages/spreiding.py",
    "pages/wachtlijsten.py", "pages/verward_gedrag.py", "pages/vrouwenopvang.py",
    "pages/prognose.py", "pages/stuurgroep.py", "pages/definities.py", "pages/snapshots.py",
]

# Only the XLSX export for the snapshots made here (also from the Snapshots page): the charts,
# PDF and PPTX need Chromium and have their own tests; these tests run without it.
pytestmark = pytest.mark.usefixtures("alleen_xlsx")


@pytest.fixture(scope="module")
def snapshot_dir(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snapshots")
    # explicit: a module fixture is made before the function-scoped alleen_xlsx applies
    maak_snapshot("2025-K4", shipped_warehouse, folder, exports=("xlsx",))
    return folder


@pytest.fixture
def app(shipped_warehouse, snapshot_dir, monkeypatch) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_WAREHOUSE", str(shipped_warehouse))
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(snapshot_dir))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)


def regio(warehouse: Path, voorziening: str, indicator: str, periode: str) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT waarde FROM kerncijfers WHERE voorziening = ? AND indicator = ? "
            "AND periode = ? AND gemeentecode = 'TOTAAL' AND dimensie IS NULL",
            [voorziening, indicator, periode],
        ).fetchall()[0][0]


def test_a_snapshot_is_shown_as_presented(app, shipped_warehouse):
    app.query_params["snapshot"] = "2025-K4"
    at = app.run()
    assert not at.exception
    assert any("Zoals gepresenteerd" in i.value for i in at.info)
    # the snapshot's last quarter is the latest one shown, with its own figures
    assert at.title[0].value == "Kerncijfers 2025-K4"
    assert at.metric[0].value == fmt.getal(regio(shipped_warehouse, "BW", "bezetting", "2025-K4"))


@pytest.mark.parametrize("query", [{"snapshot": "2025-K4"}, {"publiek": "true"},
                                   {"snapshot": "2025-K4", "publiek": "true"}],
                         ids=["snapshot", "publiek", "snapshot-publiek"])
def test_every_page_works_on_every_source(app, query):
    app.query_params.update(query)
    at = app.run()
    assert not at.exception
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


def gepubliceerd(snapshot_dir: Path, voorziening: str, indicator: str, periode: str) -> str:
    """A region figure as the snapshot's publiekscijfers file has it: its mark or its value."""
    _, frame = lees_publiekscijfers(vind_snapshot(snapshot_dir, "2025-K4"))
    rij = frame[(frame.voorziening == voorziening) & (frame.indicator == indicator)
                & (frame.periode == periode) & (frame.gemeentecode == "TOTAAL")
                & frame.dimensie.isna()].iloc[0]
    return rij.teken if rij.onderdrukt else fmt.getal(rij.waarde)


def test_publieksversie_hides_small_counts(app, shipped_warehouse, snapshot_dir):
    at = app.run()
    kwartaal = at.title[0].value.removeprefix("Kerncijfers ")
    # MO wachtlijst is a small number in the demo region: 1 to 4 may not be published
    klein = regio(shipped_warehouse, "MO", "wachtlijst", kwartaal)
    assert 1 <= klein <= 4
    tegels = {m.label: m.value for m in at.metric[4:8]}  # the MO tiles
    assert tegels["Wachtlijst"] == str(int(klein))
    # a fresh session from a link (AppTest runs the frame of dashboard.py on the first run only)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.query_params["publiek"] = "true"
    at = app.run()
    assert not at.exception
    assert any("Publieksversie" in i.value for i in at.info)
    # the publieksversie shows the last published snapshot, with the marks of its file
    assert at.title[0].value == "Kerncijfers 2025-K4"
    assert regio(shipped_warehouse, "MO", "wachtlijst", "2025-K4") == 4
    tegels = {m.label: m.value for m in at.metric[4:8]}
    assert tegels["Wachtlijst"] == gepubliceerd(snapshot_dir, "MO", "wachtlijst", "2025-K4")
    assert tegels["Wachtlijst"] == "<5"  # never the count
    assert tegels["Bezetting"] == gepubliceerd(snapshot_dir, "MO", "bezetting", "2025-K4")


def test_snapshots_page_lists_and_compares(app, snapshot_dir):
    at = app.run()
    at.switch_page("pages/snapshots.py").run()
    assert not at.exception
    lijst = at.dataframe[0].value
    assert list(lijst["Versie"]) == ["2025-K4"]
    # today against the snapshot of the same warehouse: nothing changed
    assert at.metric[0].value == "0"


def test_a_link_to_a_missing_snapshot_says_so(app):
    app.query_params["snapshot"] = "2019-K1"
    at = app.run()
    assert not at.exception
    assert "bestaat niet" in at.error[0].value


def test_snapshots_page_downloads_each_report_of_a_snapshot(app, snapshot_dir, monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    gevangen: dict[str, tuple[str, bytes, str]] = {}
    echte_knop = DeltaGenerator.download_button

    def knop(self, label, data, *args, **kwargs):
        # a click: the file is read when asked for (a callable), here at once
        inhoud = data() if callable(data) else data
        gevangen[kwargs["file_name"]] = (label, inhoud, kwargs.get("mime", ""))
        return echte_knop(self, label, inhoud, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", knop)
    at = app.run()
    at.switch_page("pages/snapshots.py").run()
    assert not at.exception
    xlsx = sorted((snapshot_dir / "2025-K4" / "publicatie").glob("*.xlsx"))
    assert len(xlsx) == 1  # this snapshot was made with the XLSX export only
    label, inhoud, mime = gevangen[xlsx[0].name]
    assert label == "Tabellen (Excel)" and inhoud == xlsx[0].read_bytes()
    assert mime.endswith("spreadsheetml.sheet")
    # nothing of the intern folder is offered
    assert all(not naam.endswith(".parquet") for naam in gevangen)


def test_a_report_that_is_not_as_recorded_is_refused(snapshot_dir, monkeypatch, tmp_path):
    import shutil

    from monitor import data
    from monitor.snapshots import SnapshotFout, lees_manifest

    kopie = tmp_path / "snapshots"
    shutil.copytree(snapshot_dir, kopie)
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(kopie))
    [rapport] = data.rapportbestanden("2025-K4")
    assert rapport.bestand.startswith("publicatie/") and rapport.naam.endswith(".xlsx")
    assert data.rapport_inhoud("2025-K4", rapport.bestand) == (
        kopie / "2025-K4" / rapport.bestand).read_bytes()
    # a file of the intern folder, or one the manifest does not list: refused
    intern = next(b for b in lees_manifest(kopie / "2025-K4")["bestanden"]
                  if b.startswith("intern/"))
    for bestand in (intern, "publicatie/../manifest.json", "publicatie/anders.pdf"):
        with pytest.raises(SnapshotFout):
            data.rapport_inhoud("2025-K4", bestand)
    # changed after it was recorded: refused, not served
    (kopie / "2025-K4" / rapport.bestand).write_bytes(b"veranderd")
    with pytest.raises(SnapshotFout, match="niet meer zoals vastgelegd"):
        data.rapport_inhoud("2025-K4", rapport.bestand)
