"""The Uitstroom page: its figures equal kerncijfers (and stg_trajecten of the internal store
for the verblijfsduur classes) for the selection; its view functions and named query on
hand-made data."""

from __future__ import annotations

from pathlib import Path

import duckdb
import paginahulp
import pandas as pd
import pytest
from paginahulp import dashboard, gemeenten, kc, reeks, tabel
from streamlit.testing.v1 import AppTest

from etl.build import intern_pad
from etl.settings import UITSTROOMBESTEMMINGEN
from monitor import fmt
from monitor.data import kwartaal_verschuiven
from monitor.views import instroom as selectie
from monitor.views import uitstroom as view

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/uitstroom.py"
BESTEMMING = ["Periode", "Bestemming", "Waarde"]
PER_GEMEENTE = ["Periode", "Gemeente", "Waarde"]
VERDELING = ["Verblijfsduur", "Aantal", "Aandeel (%)"]
EIGEN = ["Herkomstgemeente", "Uitstroom", "Waarvan uit een plek in de eigen gemeente",
         "Aandeel (%)"]
KLASSEN = ["< 3 maanden", "3-6 maanden", "6-12 maanden", "1-2 jaar", "2-3 jaar", "> 3 jaar"]


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return dashboard(shipped_warehouse, monkeypatch)


def open_page(at: AppTest) -> AppTest:
    return paginahulp.open_page(at, PAGE)


def kolom(frame: pd.DataFrame, naam: str = "Waarde", sleutel: str = "Periode") -> dict:
    return dict(zip(frame[sleutel], frame[naam], strict=True))


def klassen_uit_trajecten(warehouse: Path, voorziening: str, van: str, tot: str,
                          product: str | None = None, kolom_gemeente: str | None = None,
                          codes: tuple[str, ...] = ()) -> list[int]:
    """The verblijfsduur classes counted independently, with pandas month offsets."""
    t = kc(intern_pad(warehouse), "SELECT * FROM stg_trajecten WHERE voorziening = ? "
           "AND datum_uitstroom IS NOT NULL", [voorziening])
    start = pd.Timestamp(f"{van[:4]}-{3 * int(van[-1]) - 2:02d}-01")
    eind = pd.Timestamp(f"{tot[:4]}-{3 * int(tot[-1]) - 2:02d}-01") + pd.DateOffset(months=3)
    instroom, uitstroom = pd.to_datetime(t["datum_instroom"]), pd.to_datetime(t["datum_uitstroom"])
    keep = (uitstroom >= start) & (uitstroom < eind)
    if product:
        keep &= t["product"] == product
    if kolom_gemeente:
        keep &= t[kolom_gemeente].isin(codes)
    grenzen = [instroom + pd.DateOffset(months=m) for m in (3, 6, 12, 24, 36)]
    klasse = pd.Series(5, index=t.index)
    for index, grens in reversed(list(enumerate(grenzen))):
        klasse[uitstroom < grens] = index
    return [int(((klasse == k) & keep).sum()) for k in range(6)]


def test_default_view_equals_region_totals(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    totaal = reeks(w, "BW", "uitstroom", "TOTAAL", "regio")
    kwartalen = sorted(totaal)
    laatste, vorig = kwartalen[-1], kwartaal_verschuiven(kwartalen[-1], -1)

    bestemming = tabel(at, BESTEMMING)
    assert list(bestemming["Bestemming"].unique()) == [
        b for b in UITSTROOMBESTEMMINGEN if b in set(bestemming["Bestemming"])]
    for naam, deel in bestemming.groupby("Bestemming"):
        assert kolom(deel) == reeks(w, "BW", "uitstroom", "TOTAAL", "regio",
                                    f"bestemming={naam}")
    assert bestemming.groupby("Periode")["Waarde"].sum().to_dict() == totaal

    mediaan = tabel(at, PER_GEMEENTE)
    namen = {**gemeenten(w), "TOTAAL": "Regio totaal"}
    for code, naam in namen.items():
        perspectief = "regio" if code == "TOTAAL" else "herkomst"
        assert kolom(mediaan[mediaan["Gemeente"] == naam]) == reeks(
            w, "BW", "verblijfsduur_mediaan_dagen", code, perspectief)

    verdeling = tabel(at, VERDELING)
    assert list(verdeling["Verblijfsduur"]) == KLASSEN
    assert verdeling["Aantal"].sum() == sum(totaal.values())
    assert list(verdeling["Aantal"]) == klassen_uit_trajecten(w, "BW", kwartalen[0], laatste)
    assert verdeling["Aandeel (%)"].sum() == pytest.approx(100, abs=0.5)

    pct = tabel(at, ["Jaar", "Gemeente", "Waarde"])
    regio = pct[pct["Gemeente"] == "Regio totaal"]
    assert kolom(regio, sleutel="Jaar") == {
        j: v for j, v in reeks(w, "BW", "uitstroom_pct", "TOTAAL", "regio",
                               periode_type="jaar").items() if j >= "2019"}

    eigen = tabel(at, EIGEN)
    for code, naam in gemeenten(w).items():
        rij = eigen[eigen["Herkomstgemeente"] == naam].iloc[0]
        assert rij["Uitstroom"] == sum(reeks(w, "BW", "uitstroom", code, "herkomst").values())
        assert rij["Waarvan uit een plek in de eigen gemeente"] == sum(reeks(
            w, "BW", "uitstroom", code, "verblijf", f"herkomstgemeente={code}").values())
    samen = eigen[eigen["Herkomstgemeente"] == view.TOTAAL_SELECTIE].iloc[0]
    assert samen["Aandeel (%)"] == round(
        100 * samen["Waarvan uit een plek in de eigen gemeente"] / samen["Uitstroom"], 1)
    assert "Uitstroom uit een plek in de eigen gemeente" in [s.value for s in at.subheader]
    assert any("woongemeente na uitstroom" in c.value for c in at.caption)

    tegels = {m.label: m for m in at.metric}
    assert len(tegels) == 4
    tegel = tegels[f"Uitstroom {laatste}"]
    assert tegel.value == fmt.getal(totaal[laatste])
    assert tegel.delta == f"{fmt.verschil(totaal[laatste] - totaal[vorig])} t.o.v. {vorig}"
    mediaan_regio = reeks(w, "BW", "verblijfsduur_mediaan_dagen", "TOTAAL", "regio")
    tegel = tegels[f"Mediane verblijfsduur {laatste}"]
    assert tegel.value == f"{fmt.getal(mediaan_regio[laatste])} dagen"
    jaar = laatste[:4] if laatste.endswith("K4") else str(int(laatste[:4]) - 1)
    jaren = reeks(w, "BW", "uitstroom_pct", "TOTAAL", "regio", periode_type="jaar")
    assert tegels[f"Uitstroompercentage {jaar}"].value == fmt.procent(jaren[jaar])
    zelfstandig = sum(reeks(w, "BW", "uitstroom", "TOTAAL", "regio", f"bestemming={b}")[laatste]
                      for b in view.ZELFSTANDIG)
    assert tegels[f"Naar zelfstandig {laatste}"].value == fmt.procent(
        round(100 * zelfstandig / totaal[laatste], 1))


def test_verblijf_and_per_10000(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    at.radio(key="perspectief").set_value("verblijf").run()
    at.radio(key="maat").set_value("per10000").run()
    assert not at.exception

    bestemming = tabel(at, BESTEMMING)
    for naam, deel in bestemming.groupby("Bestemming"):
        verwacht = reeks(w, "BW", "uitstroom_per_10000", "TOTAAL", "regio", f"bestemming={naam}")
        assert kolom(deel) == pytest.approx(verwacht, abs=0.011)

    mediaan = tabel(at, PER_GEMEENTE)
    for code, naam in gemeenten(w).items():
        assert kolom(mediaan[mediaan["Gemeente"] == naam]) == reeks(
            w, "BW", "verblijfsduur_mediaan_dagen", code, "verblijf")
    pct = tabel(at, ["Jaar", "Gemeente", "Waarde"])
    code, naam = next(iter(gemeenten(w).items()))
    verwacht = reeks(w, "BW", "uitstroom_pct", code, "verblijf", periode_type="jaar")
    assert kolom(pct[pct["Gemeente"] == naam], sleutel="Jaar") == {
        j: v for j, v in verwacht.items() if j >= "2019"}
    tegel = next(m for m in at.metric if m.label.startswith("Uitstroom "))
    assert tegel.label.endswith(" per 10.000")


def test_some_municipalities_and_a_product(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    codes = tuple(gemeenten(w))[:2]
    product, dim = "BW midden", "product=BW midden"
    at.multiselect(key="gemeente").set_value(list(codes)).run()
    at.selectbox(key="product_bw").set_value(product).run()
    at.select_slider(key="periode").set_value(("2022-K1", "2024-K4")).run()
    assert not at.exception

    bestemming = tabel(at, BESTEMMING)
    kwartalen = [f"{j}-K{k}" for j in (2022, 2023, 2024) for k in range(1, 5)]
    per_gemeente = {c: reeks(w, "BW", "uitstroom", c, "herkomst", dim) for c in codes}
    som = {p: sum(per_gemeente[c][p] for c in codes) for p in kwartalen}
    assert bestemming.groupby("Periode")["Waarde"].sum().reindex(kwartalen,
                                                                 fill_value=0).to_dict() == som

    verdeling = tabel(at, VERDELING)
    assert verdeling["Aantal"].sum() == sum(som.values())
    assert list(verdeling["Aantal"]) == klassen_uit_trajecten(
        w, "BW", "2022-K1", "2024-K4", product, "herkomstgemeente", codes)

    eigen = tabel(at, EIGEN)
    assert list(eigen["Herkomstgemeente"]) == [*(gemeenten(w)[c] for c in codes),
                                               view.TOTAAL_SELECTIE]
    # the per-client rows are in the internal store only
    direct = kc(intern_pad(w), "SELECT herkomstgemeente, count(*) AS n FROM stg_trajecten "
                "WHERE voorziening = 'BW' AND product = ? AND herkomstgemeente = verblijfsgemeente "
                "AND datum_uitstroom BETWEEN DATE '2022-01-01' AND DATE '2024-12-31' "
                "GROUP BY ALL", [product])
    direct = dict(zip(direct["herkomstgemeente"], direct["n"], strict=True))
    for code in codes:
        rij = eigen[eigen["Herkomstgemeente"] == gemeenten(w)[code]].iloc[0]
        assert rij["Uitstroom"] == sum(per_gemeente[code][p] for p in kwartalen)
        assert rij["Waarvan uit een plek in de eigen gemeente"] == direct.get(code, 0)

    # one municipality: its own median in the tile, per 10,000 equal to kerncijfers
    at.multiselect(key="gemeente").set_value(list(codes[:1])).run()
    at.radio(key="maat").set_value("per10000").run()
    naam = gemeenten(w)[codes[0]]
    mediaan = reeks(w, "BW", "verblijfsduur_mediaan_dagen", codes[0], "herkomst", dim)
    tegel = next(m for m in at.metric if m.label.startswith("Mediane verblijfsduur"))
    assert tegel.label == "Mediane verblijfsduur 2024-K4"
    assert any(naam in c.value for c in at.caption)
    assert tegel.value == (f"{fmt.getal(mediaan['2024-K4'])} dagen" if "2024-K4" in mediaan
                           else fmt.LEEG)
    bestemming = tabel(at, BESTEMMING)
    verwacht = reeks(w, "BW", "uitstroom_per_10000", codes[0], "herkomst", dim)
    getoond = bestemming.groupby("Periode")["Waarde"].sum()
    for periode in kwartalen:
        assert getoond.get(periode, 0.0) == pytest.approx(verwacht[periode], abs=0.05)


def test_url_round_trip(app, shipped_warehouse):
    app.query_params.update({"perspectief": "verblijf",
                             "maat": "per10000",
                             "voorziening": "MO"})
    at = app.switch_page(PAGE).run()
    assert not at.exception
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.selectbox(key="voorziening").value == "MO"
    w = shipped_warehouse
    mediaan = tabel(at, PER_GEMEENTE)
    code, naam = next(iter(gemeenten(w).items()))
    assert kolom(mediaan[mediaan["Gemeente"] == naam]) == reeks(
        w, "MO", "verblijfsduur_mediaan_dagen", code, "verblijf")
    bestemming = tabel(at, BESTEMMING)
    verwacht = reeks(w, "MO", "uitstroom_per_10000", "TOTAAL", "regio",
                     "bestemming=Zelfstandig wonen")
    deel = bestemming[bestemming["Bestemming"] == "Zelfstandig wonen"]
    assert kolom(deel) == pytest.approx(verwacht, abs=0.011)


def test_empty_selection(app):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)


# --- view functions and the named query on hand-made data -------------------------------------

NAMEN = {"GM1": "Aaa", "GM2": "Bbb", "GM3": "Ccc"}


def test_aandeel_zelfstandig():
    rows = pd.DataFrame(
        [("2024-K1", "TOTAAL", "bestemming=Zelfstandig wonen", 3.0),
         ("2024-K1", "TOTAAL", "bestemming=Zelfstandig met ambulante begeleiding", 1.0),
         ("2024-K1", "TOTAAL", "bestemming=Detentie", 4.0),
         ("2024-K2", "TOTAAL", "bestemming=Detentie", 0.0),
         ("2024-K1", "GM1", "bestemming=Zelfstandig wonen", 1.0),
         ("2024-K1", "GM1", "bestemming=Wlz", 2.0)],
        columns=["periode", "gemeentecode", "dimensie", "waarde"])
    regio = view.aandeel_zelfstandig(rows, selectie.keuze(list(NAMEN), NAMEN))
    assert regio.values.tolist() == [["2024-K1", 50.0]]  # no uitstroom in K2: no share
    een = view.aandeel_zelfstandig(rows, selectie.keuze(["GM1"], NAMEN))
    assert een.values.tolist() == [["2024-K1", 33.3]]


def test_verdeling_shares():
    rows = pd.DataFrame({"volgorde": [2, 1, 3], "klasse": ["b", "a", "c"], "aantal": [1, 2, 5]})
    assert view.verdeling(rows).values.tolist() == [["a", 2, 25.0], ["b", 1, 12.5],
                                                     ["c", 5, 62.5]]


def test_eigen_gemeente():
    eigen = pd.DataFrame(
        [("2024-K1", "GM1", "herkomstgemeente=GM1", 3.0),
         ("2024-K2", "GM1", "herkomstgemeente=GM1", 1.0),
         ("2024-K1", "GM1", "herkomstgemeente=GM2", 5.0),  # another's client: not counted
         ("2024-K1", "GM2", "herkomstgemeente=GM2", 0.0)],
        columns=["periode", "gemeentecode", "dimensie", "waarde"])
    per_herkomst = pd.DataFrame(
        [("2024-K1", "GM1", None, 6.0), ("2024-K2", "GM1", None, 2.0),
         ("2024-K1", "GM2", None, 5.0), ("2024-K1", "GM3", None, 9.0)],
        columns=["periode", "gemeentecode", "dimensie", "waarde"])
    result = view.eigen_gemeente(eigen, per_herkomst, NAMEN, ("GM1", "GM2"))
    assert result[["gemeente", "uitstroom", "eigen", "aandeel"]].values.tolist() == [
        ["Aaa", 8.0, 4.0, 50.0], ["Bbb", 5.0, 0.0, 0.0],
        [view.TOTAAL_SELECTIE, 13.0, 4.0, 30.8]]


def test_verblijfsduur_query_classes_by_calendar_months():
    """The classes are made by the ETL model (from stg_trajecten) and summed by the query."""
    sql = (ROOT / "monitor" / "queries" / "uitstroom_verblijfsduur.sql").read_text()
    modellen = [(ROOT / "etl" / "sql" / naam).read_text() for naam in
                ("13_stg_kwartalen.sql", "26_mart_uitstroom_verblijfsduur.sql")]
    con = duckdb.connect()
    con.execute("CREATE TABLE periodes_trajecten AS SELECT * FROM (VALUES "
                "('2024-K1', 'kwartaal', DATE '2024-01-01', DATE '2024-03-31'), "
                "('2024-K2', 'kwartaal', DATE '2024-04-01', DATE '2024-06-30'), "
                "('2024', 'jaar', DATE '2024-01-01', DATE '2024-12-31')) "
                "AS t(periode, periode_type, start, eind)")
    con.execute("CREATE TABLE stg_trajecten AS SELECT * FROM (VALUES "
                # exactly 3 months: the second class
                "('BW', 'BW hoog', 'GM1', 'GM1', DATE '2023-12-15', DATE '2024-03-15'), "
                # one day short of 3 months: the first class
                "('BW', 'BW hoog', 'GM1', 'GM2', DATE '2023-12-15', DATE '2024-03-14'), "
                "('BW', 'BW midden', 'GM2', 'GM2', DATE '2021-03-31', DATE '2024-03-31'), "
                "('BW', 'BW midden', 'GM2', 'GM1', DATE '2022-06-01', DATE '2024-05-31'), "
                # outside the period (K2 is beyond the peildatum) or another voorziening
                "('BW', 'BW hoog', 'GM1', 'GM1', DATE '2024-01-01', DATE '2024-04-02'), "
                "('MO', 'Nachtopvang', 'GM1', 'GM1', DATE '2024-01-01', DATE '2024-01-02')) "
                "AS t(voorziening, product, herkomstgemeente, verblijfsgemeente, "
                "datum_instroom, datum_uitstroom)")
    con.execute("ALTER TABLE stg_trajecten ADD COLUMN peildatum DATE DEFAULT DATE '2024-04-15'")
    for model in modellen:
        con.execute(model)

    def tel(**params) -> list[int]:
        basis = {"voorziening": "BW", "product": None, "van": "2024-K1", "tot": "2024-K2",
                 "gemeenten": ["GM1"], "perspectief": "herkomst", "alle": True}
        return con.execute(sql, {**basis, **params}).df()["aantal"].tolist()

    assert tel() == [1, 1, 0, 0, 0, 1]
    assert tel(product="BW hoog") == [1, 1, 0, 0, 0, 0]
    assert tel(alle=False) == [1, 1, 0, 0, 0, 0]
    assert tel(alle=False, perspectief="verblijf", gemeenten=["GM2"]) == [1, 0, 0, 0, 0, 1]
