"""The prognose (etl/sql/40_prognose.sql): hand-checked on a tiny warehouse, its back-test, its
separation from the observed figures (kerncijfers, snapshots, the publieksversie), the
Prognose page (AppTest) and the README's back-test table.

The tiny warehouse: BW only, Almere, trajecten from 2019-K1. Quarter k = 1, 2, … (2019-K1 is
k = 1). Ten clients are in care before 2019 (instroom 2018-06-01, type Verlenging, so they
never wait); every quarter two more flow in (Verlenging, registered on the day they flow in)
and U[k] of the first ten leave. The waiting list has its own trajecten: A[k] new
registrations (Nieuw) in quarter k, each afgemeld in quarter k + 1, never flowing in.

    k       1  2  3  4  5  6  7  8  9  10
    I       2  2  2  2  2  2  2  2  2  2
    U       1  1  1  1  1  0  2  0  2  1
    B      11 12 13 14 15 17 17 19 19  20     (start: 10)
    A       3  3  3  3  3  4  2  4  2  3
    W       3  3  3  3  3  4  2  4  2  3     (each waits one quarter end)

With nine quarters (peildatum 2021-04-15) the prognose starts at k = 9 (2021-K1):

    bezetting: I = 2; r = (0 + 2 + 0 + 2) / ((15+2) + (17+2) + (17+2) + (19+2)) = 4/76 = 1/19;
        B(h) = (B(h-1) + 2) * 18/19: 19.8947, 20.7423, 21.5454, 22.3062 -> 20, 21, 22, 22.
        Changes k = 2..9: 1 1 1 1 2 0 2 0; mean 1, sum of squares 4, sd = sqrt(4/7) = 0.7559;
        1.2816 * sd = 0.9688: h=1 19.8947 ± 0.9688 -> 19..21; h=4 22.3062 ± 1.9376 -> 20..24.
    wachtlijst: A = (4+2+4+2)/4 = 3; exits k = 6..9 = A[5..8] = 3+4+2+4 = 13, waiting or
        registered = (3+4) + (4+2) + (2+4) + (4+2) = 25, e = 13/25 = 0.52;
        W(h) = (W(h-1) + 3) * 0.48: 2.4, 2.592, 2.6842, 2.7284 -> 2, 3, 3, 3.
        Changes k = 2..9: 0 0 0 0 1 -2 2 -2; mean -0.125, sum of squares 12.875,
        sd = sqrt(12.875/7) = 1.3562; 1.2816 * sd = 1.7381: h=1 2.4 ± 1.7381 -> 1..4;
        h=4 2.7284 ± 3.4762 -> 0..6.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from paginahulp import dashboard, open_page_met, vang_downloads
from streamlit.testing.v1 import AppTest
from warehousehulp import TRAJECTEN_HEADER, write

from etl import settings
from etl.build import build
from monitor import charts, labels
from monitor import snapshots as lezer
from monitor.perioden import kwartaal_verschuiven
from monitor.views import prognose as view
from publicatie.snapshot import maak_snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/prognose.py"
UITSTROOM = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 2, 8: 0, 9: 2, 10: 1}
AANMELDINGEN = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 4, 7: 2, 8: 4, 9: 2, 10: 3}


def _dag(k: int, dag: int) -> str:
    """A day in the second month of quarter k (k = 1: 2019-K1)."""
    jaar, kwartaal = 2019 + (k - 1) // 4, (k - 1) % 4
    return date(jaar, 3 * kwartaal + 2, dag).isoformat()


def _traject(tid: str, soort: str, aanmelding: str, instroom: str = "", afgemeld: str = "",
             uitstroom: str = "") -> str:
    return ";".join([tid, "BW", "BW midden", "", soort, "Almere", "Almere" if instroom else "",
                     "", aanmelding, instroom, afgemeld, uitstroom,
                     "Zelfstandig wonen" if uitstroom else ""])


def trajecten(kwartalen: int) -> list[str]:
    """The tiny region's trajecten for its first `kwartalen` quarters (see the docstring)."""
    vertrek = [k for k in range(1, kwartalen + 1) for _ in range(UITSTROOM[k])]
    rijen = [_traject(f"S{i}", "Verlenging", "2018-06-01", "2018-06-01",
                      uitstroom=_dag(vertrek[i], 20) if i < len(vertrek) else "")
             for i in range(10)]
    for k in range(1, kwartalen + 1):
        rijen += [_traject(f"I{k}-{i}", "Verlenging", _dag(k, 10), _dag(k, 10))
                  for i in range(2)]
        rijen += [_traject(f"W{k}-{i}", "Nieuw", _dag(k, 5),
                           afgemeld=_dag(k + 1, 5) if k < kwartalen else "")
                  for i in range(AANMELDINGEN[k])]
    return rijen


def bouw(map_: Path, kwartalen: int) -> Path:
    """A warehouse of the tiny region with `kwartalen` whole quarters."""
    k = kwartalen + 1  # the peildatum lies in the quarter after the last whole one
    peildatum = date(2019 + (k - 1) // 4, 3 * ((k - 1) % 4) + 1, 15).isoformat()
    write(map_ / "raw" / "trajecten" / f"trajecten_test_{peildatum}.csv", TRAJECTEN_HEADER,
          trajecten(kwartalen))
    warehouse = map_ / "warehouse.duckdb"
    build(map_ / "raw", warehouse, settings.REFERENCE_DIR)
    return warehouse


def lees(warehouse: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).df()


@pytest.fixture(scope="module")
def negen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bouw(tmp_path_factory.mktemp("prognose9"), 9)


@pytest.fixture(scope="module")
def tien(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bouw(tmp_path_factory.mktemp("prognose10"), 10)


def regio(warehouse: Path, indicator: str) -> list[float]:
    frame = lees(warehouse, "SELECT waarde FROM kerncijfers WHERE voorziening = 'BW' AND "
                 "indicator = ? AND gemeentecode = 'TOTAAL' AND dimensie IS NULL AND "
                 "periode_type = 'kwartaal' ORDER BY periode", [indicator])
    return frame["waarde"].tolist()


# --- hand-checked cases ---------------------------------------------------------------------


def test_the_tiny_region_has_the_series_of_the_docstring(negen: Path):
    assert regio(negen, "bezetting") == [11, 12, 13, 14, 15, 17, 17, 19, 19]
    assert regio(negen, "instroom") == [2] * 9
    assert regio(negen, "uitstroom") == [1, 1, 1, 1, 1, 0, 2, 0, 2]
    assert regio(negen, "wachtlijst") == [3, 3, 3, 3, 3, 4, 2, 4, 2]


def test_prognose_by_hand(negen: Path):
    frame = lees(negen, "SELECT indicator, basis_kwartaal, periode, horizon, waarde, "
                 "ondergrens, bovengrens, demo FROM prognose ORDER BY indicator, horizon")
    assert set(frame["basis_kwartaal"]) == {"2021-K1"}
    assert not frame["demo"].any()
    rijen = {(r.indicator, r.periode): (r.waarde, r.ondergrens, r.bovengrens)
             for r in frame.itertuples()}
    assert rijen == {
        ("bezetting", "2021-K2"): (20, 19, 21),
        ("bezetting", "2021-K3"): (21, 19, 22),  # 20.7423 ± 1.3701
        ("bezetting", "2021-K4"): (22, 20, 23),  # 21.5454 ± 1.6780
        ("bezetting", "2022-K1"): (22, 20, 24),
        ("wachtlijst", "2021-K2"): (2, 1, 4),
        ("wachtlijst", "2021-K3"): (3, 0, 5),  # 2.592 ± 2.4581
        ("wachtlijst", "2021-K4"): (3, 0, 6),  # 2.6842 ± 3.0105
        ("wachtlijst", "2022-K1"): (3, 0, 6),
    }


def test_the_assumptions_are_written_out(negen: Path):
    aannames = dict(lees(negen, "SELECT DISTINCT indicator, aannames FROM prognose").values)
    # I = 2, r = 1/19 = 5,3%, mean stay (1 - r) / r = 18 quarters = 54 months
    assert "elk kwartaal 2,0 instroom" in aannames["bezetting"]
    assert "uitstroom 5,3% van wie in het kwartaal in zorg is" in aannames["bezetting"]
    assert "verblijfsduur van ongeveer 54 maanden" in aannames["bezetting"]
    assert "elk kwartaal 3,0 nieuwe aanmeldingen" in aannames["wachtlijst"]
    assert "52,0% van wie wacht of zich aanmeldt" in aannames["wachtlijst"]
    assert all(a.startswith("Prognose vanaf 2021-K1") for a in aannames.values())


def test_fewer_than_nine_quarters_give_no_prognose(tmp_path: Path):
    warehouse = bouw(tmp_path, 8)
    assert lees(warehouse, "SELECT count(*) AS n FROM prognose")["n"].iloc[0] == 0
    assert lees(warehouse, "SELECT count(*) AS n FROM prognose_backtest")["n"].iloc[0] == 0


# --- the back-test --------------------------------------------------------------------------


def test_the_backtest_forecasts_a_quarter_from_the_data_before_it(negen: Path, tien: Path):
    """2021-K2 in the ten-quarter warehouse, one quarter ahead, is the prognose the
    nine-quarter warehouse made for it; four ahead would need a basis before k = 9."""
    terug = lees(tien, "SELECT * FROM prognose_backtest ORDER BY indicator")
    assert set(terug["periode"]) == {"2021-K2"} and set(terug["horizon"]) == {1}
    eerder = lees(negen, "SELECT indicator, waarde, ondergrens, bovengrens FROM prognose "
                  "WHERE horizon = 1 ORDER BY indicator")
    assert terug["prognose"].tolist() == eerder["waarde"].tolist() == [20, 2]
    assert terug["ondergrens"].tolist() == eerder["ondergrens"].tolist()
    assert terug["bovengrens"].tolist() == eerder["bovengrens"].tolist()
    assert terug["basis_kwartaal"].tolist() == ["2021-K1", "2021-K1"]
    # observed in 2021-K2: bezetting 19 + 2 - 1 = 20, wachtlijst A[10] = 3
    assert terug["waargenomen"].tolist() == [20, 3]
    assert terug["afwijking"].tolist() == [0, -1]
    assert terug["afwijking_pct"].tolist() == [0.0, -33.3]
    assert terug["binnen_interval"].tolist() == [True, True]


def test_the_shipped_backtest_covers_the_last_eight_quarters(shipped_warehouse: Path):
    frame = lees(shipped_warehouse, "SELECT * FROM prognose_backtest")
    laatste = lees(shipped_warehouse, "SELECT voorziening, max(periode) AS p FROM "
                   "nulrooster_perioden WHERE periode_type = 'kwartaal' GROUP BY ALL")
    for voorziening, p in laatste.itertuples(index=False):
        for (indicator, horizon), deel in frame[frame["voorziening"] == voorziening].groupby(
                ["indicator", "horizon"]):
            assert len(deel) == 8 and deel["periode"].max() == p, (voorziening, indicator)
            assert horizon in (1, 4)
            # each forecast comes from `horizon` quarters before the quarter it forecasts
            assert all(kwartaal_verschuiven(b, int(horizon)) == q
                       for b, q in zip(deel["basis_kwartaal"], deel["periode"], strict=True))


def test_the_readme_reports_the_backtest_of_the_shipped_demo_build(shipped_warehouse: Path):
    """The README's table is the back-test of the shipped build, so it cannot go stale: when
    the demo data or the model changes, paste the table this test prints."""
    tabel = view.backtest_markdown(lees(shipped_warehouse, "SELECT * FROM prognose_backtest"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    begin, eind = "<!-- prognose-terugtoets: begin -->", "<!-- prognose-terugtoets: eind -->"
    assert begin in readme and eind in readme
    in_readme = readme.split(begin, 1)[1].split(eind, 1)[0].strip()
    assert in_readme == tabel, f"README.md, between the markers, should read:\n\n{tabel}\n"


# --- apart from the observed figures --------------------------------------------------------


def test_kerncijfers_holds_no_prognose(shipped_warehouse: Path, negen: Path):
    for warehouse in (shipped_warehouse, negen):
        assert lees(warehouse, "SELECT count(*) AS n FROM kerncijfers WHERE indicator ILIKE "
                    "'%prognose%' OR bron ILIKE '%prognose%'")["n"].iloc[0] == 0
        # no quarter of the prognose is a quarter of the observed trajecten figures
        assert lees(warehouse, "SELECT count(*) AS n FROM kerncijfers AS k SEMI JOIN prognose "
                    "AS p ON p.voorziening = k.voorziening AND p.periode = k.periode "
                    "WHERE k.bron = 'trajecten'")["n"].iloc[0] == 0


def test_a_snapshot_has_no_prognose(negen: Path, tmp_path: Path):
    folder = maak_snapshot("2021-K1", negen, tmp_path, exports=("xlsx",))
    manifest = lezer.lees_manifest(folder)
    assert not [b for b in manifest["bestanden"] if "prognose" in b]
    _, intern = lezer.lees_snapshot(folder)
    _, publiek = lezer.lees_publiekscijfers(folder)
    for frame in (intern, publiek):
        assert not frame["indicator"].str.contains("prognose").any()
        assert not frame["bron"].str.contains("prognose").any()
        assert frame.loc[frame["periode_type"] == "kwartaal", "periode"].max() == "2021-K1"
    for publiek_ in (False, True):
        con = lezer.open_snapshot(folder, publiek=publiek_)
        namen = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        assert not {"prognose", "prognose_backtest"} & namen


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = dashboard(shipped_warehouse, monkeypatch)
    at.run()
    return at


def tabel(at: AppTest, kolom: str) -> pd.DataFrame:
    gevonden = [d.value for d in at.dataframe if kolom in d.value.columns]
    assert len(gevonden) == 1, [list(d.value.columns) for d in at.dataframe]
    return gevonden[0]


def terugtoets_tabellen(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "Kwartalen vooruit" in d.value.columns]


@pytest.mark.parametrize("voorziening", ["BW", "MO", "VO"])
def test_the_page_shows_the_warehouse_prognose(app: AppTest, shipped_warehouse: Path,
                                               voorziening: str):
    at = open_page_met(app, PAGE, voorziening=voorziening)
    naam = labels.VOORZIENINGEN[voorziening].lower()
    assert at.title[0].value == f"Prognose {naam}"
    assert any(w.value.startswith("**Prognose**") for w in at.warning)
    prognose = lees(shipped_warehouse, "SELECT * FROM prognose WHERE voorziening = ?",
                    [voorziening])
    assert prognose["demo"].all()  # the frame's Demodata banner is tested in test_dashboard
    for indicator in view.INDICATOREN:
        kop = labels.indicator(indicator)
        getoond = tabel(at, kop)
        verwacht = prognose[prognose["indicator"] == indicator].sort_values("horizon")
        rijen = getoond[getoond["Soort"] == view.SOORT_PROGNOSE]
        assert rijen["Periode"].tolist() == verwacht["periode"].tolist()
        assert rijen[kop].tolist() == verwacht["waarde"].tolist()
        assert rijen[view.ONDERGRENS].tolist() == verwacht["ondergrens"].tolist()
        assert rijen[view.BOVENGRENS].tolist() == verwacht["bovengrens"].tolist()
        # the observed rows are kerncijfers' and end where the prognose starts
        gezien = getoond[getoond["Soort"] == view.SOORT_WAARGENOMEN]
        assert gezien["Periode"].max() == verwacht["basis_kwartaal"].iloc[0]
        assert gezien[view.ONDERGRENS].isna().all()
        # the assumptions under the chart, as the warehouse wrote them
        aannames = verwacht["aannames"].iloc[0]
        # (the caption escapes Markdown: fmt.als_tekst)
        assert any(aannames in c.value.replace("\\", "") for c in at.caption)
    assert len(terugtoets_tabellen(at)) == 2
    assert all(len(t) == 16 for t in terugtoets_tabellen(at))  # 8 quarters x 2 horizons


def test_the_chart_marks_the_prognose(shipped_warehouse: Path):
    """Observed solid, prognose dashed with a shaded interval, 'Prognose' in title and legend,
    the assumptions on the chart."""
    from monitor import data

    waargenomen = lees(shipped_warehouse,
                       "SELECT voorziening, indicator, periode, waarde FROM kerncijfers WHERE "
                       "voorziening = 'BW' AND gemeentecode = 'TOTAAL' AND dimensie IS NULL "
                       "AND periode_type = 'kwartaal' AND indicator IN ('bezetting', "
                       "'wachtlijst')")
    p = data.Prognose("BW", waargenomen,
                      lees(shipped_warehouse, "SELECT * FROM prognose WHERE voorziening = 'BW'"),
                      lees(shipped_warehouse,
                           "SELECT * FROM prognose_backtest WHERE voorziening = 'BW'"))
    grafiek = view.grafiek(p, "bezetting", "2024-K1")
    fig = grafiek.fig
    assert "prognose" in fig.layout.title.text.lower()
    sporen = {t.name: t for t in fig.data}
    assert sporen[charts.WAARGENOMEN].line.dash is None
    assert sporen[charts.PROGNOSE].line.dash == "dash"
    assert sporen[charts.PROGNOSE_INTERVAL].fill == "tonexty"
    # the prognose starts at the last observed point, so the lines join
    assert sporen[charts.PROGNOSE].x[0] == sporen[charts.WAARGENOMEN].x[-1]
    assert "Prognose vanaf" in fig.layout.title.subtitle.text
    assert any(a.name == charts.PROGNOSE_GRENS for a in fig.layout.annotations)
    assert grafiek.naam == "prognose-bezetting-bw"
    assert set(grafiek.tabel["Soort"]) == {view.SOORT_WAARGENOMEN, view.SOORT_PROGNOSE}


def test_the_csv_download_is_the_table_under_the_chart(app: AppTest, shipped_warehouse: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    gevangen = vang_downloads(monkeypatch)
    at = open_page_met(app, PAGE, voorziening="BW")
    csv = gevangen["prognose-bezetting-bw"][0].decode("utf-8-sig").splitlines()
    assert csv[0] == "Periode;Soort;Bezetting;Ondergrens (80%);Bovengrens (80%)"
    laatste = lees(shipped_warehouse, "SELECT periode, waarde, ondergrens, bovengrens FROM "
                   "prognose WHERE voorziening = 'BW' AND indicator = 'bezetting' AND "
                   "horizon = 4").iloc[0]
    assert csv[-1] == (f"{laatste.periode};Prognose;{laatste.waarde:g};"
                       f"{laatste.ondergrens:g};{laatste.bovengrens:g}")
    assert "prognose-terugtoets-wachtlijst-bw" in gevangen
    assert not at.exception


def test_the_definitions_page_defines_the_prognose(app: AppTest):
    at = open_page_met(app, "pages/definities.py")
    tekst = " ".join(m.value for m in at.markdown)
    for naam in labels.PROGNOSE_DEFINITIES:
        assert labels.indicator(naam) in tekst


@pytest.fixture(scope="module")
def snapshots(negen: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prognose_snapshots")
    maak_snapshot("2021-K1", negen, folder, exports=("xlsx",))
    return folder


@pytest.mark.parametrize(("query", "regel"), [
    ({"snapshot": "2021-K1"}, view.GEEN_PROGNOSE_SNAPSHOT),
    ({"publiek": "true"}, view.GEEN_PROGNOSE_PUBLIEK),
    ({"snapshot": "2021-K1", "publiek": "true"}, view.GEEN_PROGNOSE_PUBLIEK),
], ids=["snapshot", "publiek", "snapshot-publiek"])
def test_a_snapshot_or_the_publieksversie_says_there_is_no_prognose(
        negen: Path, snapshots: Path, monkeypatch: pytest.MonkeyPatch, query, regel):
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(snapshots))
    at = dashboard(negen, monkeypatch)
    at.query_params.update(query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert [i.value for i in at.info if i.value == regel] == [regel]
    assert not at.dataframe and not at.get("plotly_chart")


def test_the_live_tiny_warehouse_shows_its_prognose(negen: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    at = dashboard(negen, monkeypatch)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    getoond = tabel(at, "Bezetting")
    assert getoond.loc[getoond["Soort"] == view.SOORT_PROGNOSE, "Bezetting"].tolist() == [
        20, 21, 22, 22]
    # nine quarters: no observed quarter was forecast from the data before it yet
    assert not terugtoets_tabellen(at)
    assert [i.value for i in at.info] == [view.GEEN_TERUGTOETS]


# --- view functions -------------------------------------------------------------------------


def test_backtest_markdown():
    frame = pd.DataFrame({
        "voorziening": ["BW", "BW", "BW"], "indicator": ["bezetting"] * 3,
        "periode": ["2026-K2", "2026-K3", "2026-K3"], "horizon": [1, 1, 4],
        "prognose": [564.0, 548.0, 560.0], "waargenomen": [554.0, 535.0, 535.0],
        "afwijking": [10.0, 13.0, 25.0], "binnen_interval": [False, True, False],
    })
    assert view.backtest_markdown(frame) == "\n".join([
        "Horizon 1 (one quarter ahead): prognose / observed (error)",
        "",
        "| quarter | BW bezetting |",
        "|---|---|",
        "| 2026-K2 | 564 / 554 (+10) |",
        "| 2026-K3 | 548 / 535 (+13) |",
        "| inside 80% interval | 1 of 2 |",
        "| mean absolute error | 11.5 |",
        "",
        "Horizon 4 (4 quarters ahead): prognose / observed (error)",
        "",
        "| quarter | BW bezetting |",
        "|---|---|",
        "| 2026-K3 | 560 / 535 (+25) |",
        "| inside 80% interval | 0 of 1 |",
        "| mean absolute error | 25.0 |",
    ])


def test_no_prognose_line():
    assert view.geen_prognose(publiek=True, snapshot=False) == view.GEEN_PROGNOSE_PUBLIEK
    assert view.geen_prognose(publiek=True, snapshot=True) == view.GEEN_PROGNOSE_PUBLIEK
    assert view.geen_prognose(publiek=False, snapshot=True) == view.GEEN_PROGNOSE_SNAPSHOT
    assert view.geen_prognose(publiek=False, snapshot=False) == view.GEEN_PROGNOSE_WAREHOUSE
