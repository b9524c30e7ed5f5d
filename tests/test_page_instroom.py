"""The Instroom page: its figures equal kerncijfers for the selection; its view functions."""

from __future__ import annotations

from pathlib import Path

import paginahulp
import pandas as pd
import pytest
from paginahulp import dashboard, gemeenten, reeks, tabel
from streamlit.testing.v1 import AppTest

from monitor import fmt, labels
from monitor.views import instroom as view

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/instroom.py"


@pytest.fixture
def app(shipped_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return dashboard(shipped_warehouse, monkeypatch)


def open_page(at: AppTest) -> AppTest:
    return paginahulp.open_page(at, PAGE)


def url_filters(perspectief: str, maat: str, voorziening: str) -> dict[str, str]:
    # links carry the codes (perspectief=verblijf, maat=per10000, voorziening=MO)
    return {"perspectief": perspectief, "maat": maat, "voorziening": voorziening}


def kolom(frame: pd.DataFrame, naam: str) -> dict[str, float]:
    return dict(zip(frame["Periode"], frame[naam], strict=True))


AANMELDINGEN = ["Periode", "Aanmeldingen nieuw", "Aanmeldingen verlenging", "Instroom"]


def test_default_view_equals_region_totals(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    laatste = max(reeks(w, "BW", "instroom", "TOTAAL", "regio"))
    vorig = view.data.kwartaal_verschuiven(laatste, -1)

    aanmeldingen = tabel(at, AANMELDINGEN)
    nieuw = reeks(w, "BW", "aanmeldingen", "TOTAAL", "regio", "aanmelding_type=Nieuw")
    verlenging = reeks(w, "BW", "aanmeldingen", "TOTAAL", "regio", "aanmelding_type=Verlenging")
    instroom = reeks(w, "BW", "instroom", "TOTAAL", "regio")
    assert list(aanmeldingen["Periode"]) == sorted(instroom)
    assert kolom(aanmeldingen, "Aanmeldingen nieuw") == nieuw
    assert kolom(aanmeldingen, "Aanmeldingen verlenging") == verlenging
    assert kolom(aanmeldingen, "Instroom") == instroom

    producten = tabel(at, ["Periode", "Product", "Waarde"])
    for product, deel in producten.groupby("Product"):
        assert kolom(deel, "Waarde") == reeks(w, "BW", "instroom", "TOTAAL", "regio",
                                               f"product={product}")
    clusters = tabel(at, ["Periode", "Cluster", "Waarde"])
    assert clusters["Cluster"].nunique() >= 5
    for cluster, deel in clusters.groupby("Cluster"):
        assert kolom(deel, "Waarde") == reeks(w, "BW", "instroom", "TOTAAL", "regio",
                                               f"cluster={cluster}")

    per_gemeente = tabel(at, ["Periode", "Gemeente", "Waarde"])
    namen = {**gemeenten(w), "TOTAAL": "Regio totaal"}
    assert set(per_gemeente["Gemeente"]) == set(namen.values())
    for code, naam in namen.items():
        deel = per_gemeente[per_gemeente["Gemeente"] == naam]
        perspectief = "regio" if code == "TOTAAL" else "herkomst"
        assert kolom(deel, "Waarde") == reeks(w, "BW", "instroom", code, perspectief)

    pct = tabel(at, ["Jaar", "Gemeente", "Waarde"])
    totaal = pct[pct["Gemeente"] == "Regio totaal"]
    assert dict(zip(totaal["Jaar"], totaal["Waarde"], strict=True)) == {
        j: v for j, v in reeks(w, "BW", "instroom_pct", "TOTAAL", "regio",
                               periode_type="jaar").items() if j >= "2019"
    }

    tegels = {m.label: m for m in at.metric}
    assert len(tegels) == 4
    tegel = tegels[f"Aanmeldingen {laatste}"]
    totaal_aanm = reeks(w, "BW", "aanmeldingen", "TOTAAL", "regio")
    assert tegel.value == fmt.getal(totaal_aanm[laatste])
    verschil = fmt.verschil(totaal_aanm[laatste] - totaal_aanm[vorig])
    assert tegel.delta == f"{verschil} t.o.v. {vorig}"
    assert tegels[f"Waarvan nieuw {laatste}"].value == fmt.getal(nieuw[laatste])
    assert tegels[f"Instroom {laatste}"].value == fmt.getal(instroom[laatste])
    jaar = str(int(laatste[:4]) - 1) if not laatste.endswith("K4") else laatste[:4]
    jaren = reeks(w, "BW", "instroom_pct", "TOTAAL", "regio", periode_type="jaar")
    tegel = tegels[f"Instroompercentage {jaar}"]
    assert tegel.value == fmt.procent(jaren[jaar])
    verschil = fmt.verschil(jaren[jaar] - jaren[str(int(jaar) - 1)], 1, "%-punt")
    assert tegel.delta == f"{verschil} t.o.v. {int(jaar) - 1}"


def test_verblijf_and_per_10000(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    at.radio(key="perspectief").set_value("verblijf").run()
    at.radio(key="maat").set_value("per10000").run()
    assert not at.exception
    # aanmeldingen have no place yet: the page says they are shown by herkomst
    assert any("herkomstgemeente" in i.value for i in at.info)

    per_gemeente = tabel(at, ["Periode", "Gemeente", "Waarde"])
    for code, naam in gemeenten(w).items():
        deel = per_gemeente[per_gemeente["Gemeente"] == naam]
        assert kolom(deel, "Waarde") == reeks(w, "BW", "instroom_per_10000", code, "verblijf")

    # the whole region: the region's own per 10,000 figures
    aanmeldingen = tabel(at, AANMELDINGEN)
    verwacht = reeks(w, "BW", "aanmeldingen_per_10000", "TOTAAL", "regio",
                     "aanmelding_type=Nieuw")
    assert kolom(aanmeldingen, "Aanmeldingen nieuw") == pytest.approx(verwacht, abs=0.011)
    verwacht = reeks(w, "BW", "instroom_per_10000", "TOTAAL", "regio")
    assert kolom(aanmeldingen, "Instroom") == pytest.approx(verwacht, abs=0.011)
    # ... which count clients from outside the region, divided by the region's inwoners
    assert any(labels.REGIO_PER_10000 in c.value for c in at.caption)

    pct = tabel(at, ["Jaar", "Gemeente", "Waarde"])
    code, naam = next(iter(gemeenten(w).items()))
    deel = pct[pct["Gemeente"] == naam]
    verwacht = reeks(w, "BW", "instroom_pct", code, "verblijf", periode_type="jaar")
    assert dict(zip(deel["Jaar"], deel["Waarde"], strict=True)) == {
        j: v for j, v in verwacht.items() if j >= "2019"}


def test_some_municipalities_and_a_product(app, shipped_warehouse):
    at = open_page(app)
    w = shipped_warehouse
    codes = list(gemeenten(w))[:2]
    at.multiselect(key="gemeente").set_value(codes).run()
    at.selectbox(key="product_bw").set_value("BW midden").run()
    assert not at.exception
    dim = "product=BW midden"

    aanmeldingen = tabel(at, AANMELDINGEN)
    som_aanm = {p: sum(reeks(w, "BW", "aanmeldingen", c, "herkomst", dim)[p] for c in codes)
                for p in aanmeldingen["Periode"]}
    getoond = (aanmeldingen["Aanmeldingen nieuw"] + aanmeldingen["Aanmeldingen verlenging"])
    assert dict(zip(aanmeldingen["Periode"], getoond, strict=True)) == som_aanm
    som_in = {p: sum(reeks(w, "BW", "instroom", c, "herkomst", dim)[p] for c in codes)
              for p in aanmeldingen["Periode"]}
    assert kolom(aanmeldingen, "Instroom") == som_in

    producten = tabel(at, ["Periode", "Product", "Waarde"])
    assert set(producten["Product"]) == {"BW midden"}
    assert kolom(producten, "Waarde") == som_in
    clusters = tabel(at, ["Periode", "Cluster", "Waarde"])
    # every trajectory of this product in the demo data has a cluster
    assert clusters.groupby("Periode")["Waarde"].sum().to_dict() == som_in

    # one municipality per 10,000: the municipality's own kerncijfers figure
    at.multiselect(key="gemeente").set_value(codes[:1]).run()
    at.radio(key="maat").set_value("per10000").run()
    aanmeldingen = tabel(at, AANMELDINGEN)
    verwacht = reeks(w, "BW", "instroom_per_10000", codes[0], "herkomst", dim)
    assert kolom(aanmeldingen, "Instroom") == pytest.approx(
        {p: verwacht[p] for p in aanmeldingen["Periode"]}, abs=0.011)
    laatste = aanmeldingen["Periode"].iloc[-1]
    tegel = next(m for m in at.metric if m.label.startswith("Instroom "))
    assert tegel.value == fmt.getal(verwacht[laatste], 2)
    assert tegel.label == f"Instroom {laatste} per 10.000"
    assert not any(labels.REGIO_PER_10000 in c.value for c in at.caption)
    # the percentage tile shows this municipality, and says so
    assert any(c.value == f"Instroompercentage: {gemeenten(w)[codes[0]]}." for c in at.caption)


def test_period_change(app, shipped_warehouse):
    at = open_page(app)
    at.select_slider(key="periode").set_value(("2021-K1", "2022-K4")).run()
    assert not at.exception
    aanmeldingen = tabel(at, AANMELDINGEN)
    assert list(aanmeldingen["Periode"]) == [f"{j}-K{k}" for j in (2021, 2022) for k in range(1, 5)]
    getoond = [m.label for m in at.metric]
    assert "Instroom 2022-K4" in getoond
    assert "Instroompercentage 2022" in getoond
    pct = tabel(at, ["Jaar", "Gemeente", "Waarde"])
    assert set(pct["Jaar"]) == {"2021", "2022"}


def test_url_round_trip(app, shipped_warehouse):
    # a copied link: the page with the filters in its query string (Streamlit writes the
    # shown label of a widget with a format_func into the URL)
    app.query_params.update(url_filters(perspectief="verblijf", maat="per10000",
                                        voorziening="MO"))
    at = app.switch_page(PAGE).run()
    assert not at.exception
    assert at.radio(key="perspectief").value == "verblijf"
    assert at.radio(key="maat").value == "per10000"
    assert at.selectbox(key="voorziening").value == "MO"
    w = shipped_warehouse
    per_gemeente = tabel(at, ["Periode", "Gemeente", "Waarde"])
    code, naam = next(iter(gemeenten(w).items()))
    deel = per_gemeente[per_gemeente["Gemeente"] == naam]
    assert kolom(deel, "Waarde") == reeks(w, "MO", "instroom_per_10000", code, "verblijf")
    # no clusters outside beschermd wonen
    assert not [d for d in at.dataframe if "Cluster" in d.value.columns]


def test_empty_selection(app):
    at = open_page(app)
    at.multiselect(key="gemeente").set_value([]).run()
    assert not at.exception
    assert any("Geen gegevens voor deze selectie" in i.value for i in at.info)


# --- view functions on hand-made frames -----------------------------------------------------------

NAMEN = {"GM1": "Aaa", "GM2": "Bbb", "GM3": "Ccc"}


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["periode", "gemeentecode", "dimensie", "waarde"])


def test_keuze():
    assert view.keuze(["GM2", "GM1", "GM3"], NAMEN) == view.Keuze(("GM1", "GM2", "GM3"), True,
                                                                  "Regio totaal")
    assert view.keuze(["GM2"], NAMEN).naam == "Bbb"
    twee = view.keuze(["GM3", "GM1"], NAMEN)
    assert (twee.gemeenten, twee.regio, twee.naam) == (("GM1", "GM3"), False, "Aaa + Ccc")
    veel = {f"GM{i}": f"G{i}" for i in range(6)}
    assert view.keuze(list(veel)[:4], veel).naam == "4 gekozen gemeenten samen"


def test_som_selectie_uses_totaal_for_region_and_sums_otherwise():
    rows = frame([
        ("2024-K1", "GM1", None, 2.0), ("2024-K1", "GM2", None, 3.0),
        ("2024-K1", "GM3", None, 4.0), ("2024-K1", "TOTAAL", None, 11.0),  # 2 from BUITEN
    ])
    regio = view.som_selectie(rows, view.keuze(list(NAMEN), NAMEN))
    assert regio["waarde"].tolist() == [11.0]
    twee = view.som_selectie(rows, view.keuze(["GM1", "GM3"], NAMEN))
    assert twee["waarde"].tolist() == [6.0]


def test_per_10000_selectie():
    inwoners = pd.DataFrame({"gemeentecode": ["GM1", "GM2", "GM3", "GM1", "GM2", "GM3"],
                             "jaar": ["2024"] * 3 + ["2025"] * 3,
                             "inwoners": [10000, 30000, 60000, 20000, 30000, 50000]})
    serie = pd.DataFrame({"periode": ["2024-K4", "2025-K1"], "waarde": [8.0, 10.0]})
    twee = view.per_10000_selectie(serie, inwoners, view.keuze(["GM1", "GM2"], NAMEN))
    assert twee["waarde"].tolist() == [2.0, 2.0]  # 8 / 40,000 and 10 / 50,000 inwoners
    regio = view.per_10000_selectie(serie, inwoners, view.keuze(list(NAMEN), NAMEN))
    assert regio["waarde"].tolist() == [0.8, 1.0]


def test_als_kerncijfers_adds_region_totals():
    kruis = pd.DataFrame({
        "periode": ["2024-K1", "2024-K1", "2024-K1"],
        "herkomstgemeente": ["GM1", "GM1", "BUITEN"],
        "categorie": ["Nieuw", "Verlenging", "Nieuw"],
        "aantal": [2, 1, 4],
    })
    result = view.als_kerncijfers(kruis, "herkomstgemeente", "categorie", "aanmelding_type")
    waarden = {(r.gemeentecode, r.dimensie): r.waarde for r in result.itertuples()}
    assert waarden == {
        ("GM1", "aanmelding_type=Nieuw"): 2.0, ("GM1", "aanmelding_type=Verlenging"): 1.0,
        ("BUITEN", "aanmelding_type=Nieuw"): 4.0,
        ("TOTAAL", "aanmelding_type=Nieuw"): 6.0, ("TOTAAL", "aanmelding_type=Verlenging"): 1.0,
    }
    zonder = view.als_kerncijfers(kruis, "herkomstgemeente")
    assert {(r.gemeentecode, r.waarde) for r in zonder.itertuples()} == {
        ("GM1", 3.0), ("BUITEN", 4.0), ("TOTAAL", 7.0)}
    assert zonder["dimensie"].isna().all()


def test_per_categorie_fills_zeros_keeps_order_drops_empty_categories():
    rows = frame([
        ("2024-K1", "GM1", "product=B", 1.0), ("2024-K2", "GM2", "product=A", 2.0),
        ("2024-K2", "GM1", "product=A", 3.0), ("2024-K2", "GM3", "product=A", 9.0),
    ])
    result = view.per_categorie(rows, view.keuze(["GM1", "GM2"], NAMEN), ["A", "B", "C"],
                                ["2024-K1", "2024-K2"])
    assert result[["periode", "categorie", "waarde"]].values.tolist() == [
        ["2024-K1", "A", 0.0], ["2024-K1", "B", 1.0], ["2024-K2", "A", 5.0], ["2024-K2", "B", 0.0]]
    assert result["teken"].isna().all()


def test_a_hidden_cell_hides_its_sum_and_is_never_filled_with_zero():
    rows = frame([
        ("2024-K1", "GM1", "product=A", 7.0), ("2024-K1", "GM2", "product=A", None),
        ("2024-K1", "GM1", "product=B", None), ("2024-K2", "GM1", "product=A", 3.0),
    ])
    rows["teken"] = [None, "<5", "<5", None]
    twee = view.keuze(["GM1", "GM2"], NAMEN)
    result = view.per_categorie(rows, twee, ["A", "B"], ["2024-K1", "2024-K2"], vul=False)
    cellen = {(r.periode, r.categorie): (r.waarde, r.teken) for r in result.itertuples()}
    # a sum over a hidden cell is hidden (the sum's own mark), a single hidden cell keeps its
    # mark, a cell not published stays absent (NaN without a mark), never 0
    assert pd.isna(cellen[("2024-K1", "A")][0]) and cellen[("2024-K1", "A")][1] == "x"
    assert pd.isna(cellen[("2024-K1", "B")][0]) and cellen[("2024-K1", "B")][1] == "<5"
    assert cellen[("2024-K2", "A")][0] == 3.0 and pd.isna(cellen[("2024-K2", "A")][1])
    assert pd.isna(cellen[("2024-K2", "B")][0]) and pd.isna(cellen[("2024-K2", "B")][1])
    getoond = view.tabel_categorie(result, "Product")
    assert getoond["Waarde"].tolist()[:2] == ["x", "<5"]


def test_per_gemeente_orders_by_reference_then_total():
    rows = frame([("2024-K1", "TOTAAL", None, 9.0), ("2024-K1", "GM2", None, 2.0),
                  ("2024-K1", "GM1", None, 1.0), ("2024-K1", "BUITEN", None, 6.0)])
    rows["gemeente"] = rows["gemeentecode"]
    assert view.per_gemeente(rows, NAMEN)["gemeentecode"].tolist() == ["GM1", "GM2", "TOTAAL"]


def test_laatste_volledige_jaar():
    assert view.laatste_volledige_jaar("2024-K4") == "2024"
    assert view.laatste_volledige_jaar("2024-K3") == "2023"


def test_tiles_format_and_compare():
    serie = pd.DataFrame({"periode": ["2024-K1", "2024-K2"], "waarde": [1200.0, 1944.0]})
    tegel = view.tegel_kwartaal("instroom", "Instroom 2024-K2", serie, "2024-K2", 0, "uitleg")
    assert (tegel.waarde, tegel.delta, tegel.delta_kleur) == (
        "1.944", "+744 t.o.v. 2024-K1", "inverse")  # less instroom is better for the region
    eerste = view.tegel_kwartaal("instroom", "x", serie, "2024-K1", 0, "uitleg")
    assert eerste.delta is None

    pct = pd.DataFrame({"periode": ["2023", "2024", "2023", "2024"],
                        "gemeentecode": ["TOTAAL", "TOTAAL", "GM1", "GM1"],
                        "waarde": [20.0, 18.5, 30.0, 35.3]})
    regio = view.tegel_jaarpercentage("instroom_pct", pct, view.keuze(list(NAMEN), NAMEN), "2024")
    assert (regio.label, regio.waarde, regio.delta) == (
        "Instroompercentage 2024", "18,5%", "-1,5%-punt t.o.v. 2023")
    een = view.tegel_jaarpercentage("instroom_pct", pct, view.keuze(["GM1"], NAMEN), "2024")
    assert een.waarde == "35,3%"
    twee = view.tegel_jaarpercentage("instroom_pct", pct, view.keuze(["GM1", "GM2"], NAMEN),
                                     "2024")
    assert twee.waarde == "18,5%"  # percentages do not add up: the region's


def test_ratio_toelichting():
    assert view.ratio_toelichting(view.keuze(list(NAMEN), NAMEN), "X") is None
    assert view.ratio_toelichting(view.keuze(["GM2"], NAMEN), "X") == "X: Bbb."
    assert "regio totaal" in view.ratio_toelichting(view.keuze(["GM1", "GM2"], NAMEN), "X")
