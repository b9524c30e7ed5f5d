"""The publieksversie: exactly a snapshot's published figures (its publiekscijfers file, the one
the exports are made from), a hidden figure never shown as 0, and a link that cannot pick
anything but an existing snapshot."""

from __future__ import annotations

import ast
import base64
import io
import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import paginahulp
import pandas as pd
import pyarrow.parquet as pq
import pytest
from paginahulp import gemeenten, tabel
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from etl import settings
from monitor import charts
from monitor import snapshots as lezer

ROOT = Path(__file__).resolve().parents[1]


# The cell of the issue: BW instroom product BW midden in 2020-K1 (50), hidden to protect
# another and drawn as 0 by the old publieksversie.
BW_MIDDEN = ("BW", "instroom", "2020-K1", "TOTAAL", "regio", "product=BW midden")


def schrijf_snapshot(warehouse: Path, uit: Path) -> Path:
    """A snapshot folder in the layout of monitor.snapshots, written here so these tests do not
    depend on the disclosure engine: its published figures hide every count from 1 to 4
    ('<5', primair) and BW_MIDDEN ('x', secundair)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kwartaal = con.execute("SELECT max(periode) FROM kerncijfers WHERE periode_type = "
                               "'kwartaal' AND bron = 'trajecten'").fetchall()[0][0]
        kerncijfers = lezer.kerncijfers_tot(con, kwartaal)
        referentie = {n: con.sql(q).to_arrow_table() for n, q in lezer.REFERENTIE_TABELLEN.items()}
    map_ = uit / kwartaal
    (map_ / lezer.REFERENTIE).mkdir(parents=True)
    (map_ / lezer.PUBLICATIE).mkdir()
    pq.write_table(kerncijfers, map_ / lezer.KERNCIJFERS)
    for naam, inhoud in referentie.items():
        pq.write_table(inhoud, map_ / lezer.REFERENTIE / f"{naam}.parquet")
    frame = kerncijfers.to_pandas()
    telling = ~frame["indicator"].str.endswith(settings.RATIO_SUFFIXES)
    primair = telling & frame["waarde"].between(1, 4)
    sleutel = frame[["voorziening", "indicator", "periode", "gemeentecode", "perspectief",
                     "dimensie"]].astype(object).apply(tuple, axis=1)
    secundair = sleutel == BW_MIDDEN
    frame["onderdrukt"] = primair | secundair
    frame["reden"] = np.where(primair, "primair", np.where(secundair, "secundair", None))
    frame["teken"] = np.where(primair, "<5", np.where(secundair, "x", None))
    frame["waarde"] = frame["waarde"].where(~frame["onderdrukt"])
    frame.to_parquet(map_ / lezer.publiekscijfers(kwartaal))
    manifest = {
        "kwartaal": kwartaal, "versie": kwartaal, "vervangt": None, "reden": None,
        "created_at": "2026-10-12T09:00:00+00:00", "regio": "Flevoland", "bevat_demo": True,
        "drempel": 5, "teken": "<5", "teken_overig": "x",
        "bestanden": {p.relative_to(map_).as_posix(): lezer.sha256(p)
                      for p in sorted(map_.rglob("*")) if p.is_file()},
    }
    (map_ / lezer.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return map_


@pytest.fixture(scope="module")
def snapshot_dir(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gepubliceerd")
    schrijf_snapshot(shipped_warehouse, folder)
    return folder


@pytest.fixture(scope="module")
def gepubliceerd(snapshot_dir: Path) -> pd.DataFrame:
    """The published figures of the one snapshot."""
    (map_,) = [Path(m["map"]) for m in lezer.snapshots(snapshot_dir)]
    return lezer.lees_publiekscijfers(map_)[1]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, bytes]]:
    """The CSV and XLSX of every chart the page offers, by file name."""
    return paginahulp.vang_downloads(monkeypatch)


def dashboard(warehouse: Path, snapshots: Path, monkeypatch, **query: str) -> AppTest:
    monkeypatch.setenv("FLEVOMONITOR_SNAPSHOTS", str(snapshots))
    at = paginahulp.dashboard(warehouse, monkeypatch)
    at.query_params.update(query)
    return at


def publiek(shipped_warehouse, snapshot_dir, monkeypatch, page: str) -> AppTest:
    at = dashboard(shipped_warehouse, snapshot_dir, monkeypatch, publiek="true")
    return paginahulp.open_page(at, page)


def getal(tekst: str) -> float:
    """A Dutch number as the table shows it ('1.944', '3,5') as a float."""
    return float(tekst.replace(".", "").replace(",", "."))


def als_tekst(at: AppTest, kolommen: list[str]) -> pd.DataFrame:
    """The chart table with these headers as a reader sees it: the shown text of every cell
    (the cells underneath stay numbers, so the table sorts by value)."""
    gevonden = [d for d in at.dataframe if list(d.value.columns) == kolommen]
    assert len(gevonden) == 1, [list(d.value.columns) for d in at.dataframe]
    return dataframe_util.convert_arrow_bytes_to_pandas_df(
        gevonden[0].proto.arrow_data.styler.display_values)


def cellen(frame: pd.DataFrame, voorziening: str, indicator: str, gemeentecode: str,
           perspectief: str, dimensie_naam: str | None = None) -> dict[tuple[str, str], object]:
    """(periode, label) -> the published figure, or its mark when hidden: the dimension value
    as label, else the municipality code."""
    rijen = frame[(frame["voorziening"] == voorziening) & (frame["indicator"] == indicator)
                  & (frame["perspectief"] == perspectief) & (frame["bron"] == "trajecten")
                  & (frame["periode_type"] == "kwartaal")]
    if dimensie_naam is None:
        rijen = rijen[rijen["dimensie"].isna()]
        label = rijen["gemeentecode"]
    else:
        rijen = rijen[(rijen["gemeentecode"] == gemeentecode)
                      & rijen["dimensie"].str.startswith(f"{dimensie_naam}=", na=False)]
        label = rijen["dimensie"].str.split("=", n=1).str[1]
    return {(p, lab): (t if o else w) for p, lab, o, t, w in zip(
        rijen["periode"], label, rijen["onderdrukt"], rijen["teken"], rijen["waarde"],
        strict=True)}


def figuur(at: AppTest, titel: str) -> dict:
    """The chart (its Plotly JSON) whose title starts with `titel`."""
    gevonden = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    gevonden = [f for f in gevonden if f["layout"]["title"]["text"].startswith(titel)]
    assert len(gevonden) == 1, titel
    return gevonden[0]


def _waarden(reeks: list | dict) -> list:
    # Plotly writes a numeric array as base64 with its dtype
    if isinstance(reeks, dict):
        return np.frombuffer(base64.b64decode(reeks["bdata"]), dtype=reeks["dtype"]).tolist()
    return list(reeks)


def punten(fig: dict, naam: str) -> dict[str, float]:
    (trace,) = [t for t in fig["data"] if t["name"] == naam]
    return dict(zip(_waarden(trace["x"]), _waarden(trace["y"]), strict=True))


def assert_zoals_gepubliceerd(at: AppTest, downloads, verwacht: dict, kop: str, titel: str,
                              bestand: str, namen: dict[str, str] | None = None) -> None:
    """The page's table shows every published cell of the chart as published (a mark where
    hidden), its CSV and XLSX too, and the chart leaves a hidden point out (never 0)."""
    getoond = als_tekst(at, ["Periode", kop, "Waarde"])
    waarden = tabel(at, ["Periode", kop, "Waarde"])["Waarde"]
    assert pd.api.types.is_float_dtype(waarden)  # numbers underneath: it sorts by value
    naar_label = {v: k for k, v in (namen or {}).items()}
    verborgen = []
    for rij in getoond.itertuples(index=False):
        sleutel = (rij.Periode, naar_label.get(getattr(rij, kop), getattr(rij, kop)))
        cel = verwacht[sleutel]
        if isinstance(cel, str):
            assert rij.Waarde == cel, sleutel
            verborgen.append((rij.Periode, getattr(rij, kop), cel))
        else:
            assert getal(rij.Waarde) == pytest.approx(cel), sleutel
    assert verborgen, "the demo data has hidden cells in this chart"

    fig = figuur(at, titel)
    for periode, label, teken in verborgen:
        y = punten(fig, label)[periode]
        assert y is None or pd.isna(y), (periode, label, y)  # a gap, never 0
        assert any(f"{periode} · {label}: {teken}" in t.value for t in at.text)
    # a bar chart's value label over a stack with a hidden figure is a mark, never a number
    waardelabels = {a["x"]: a["text"] for a in fig["layout"].get("annotations", [])
                    if a.get("name") == charts.WAARDELABEL}
    if waardelabels:
        plekken = list(fig["layout"]["xaxis"]["categoryarray"])
        tekens = {t for _, _, t in verborgen} | {"x"}
        for periode, label, _ in verborgen:
            assert waardelabels.get(plekken.index(periode)) in tekens, (periode, label)

    csv, xlsx = downloads[bestand]
    uit_csv = pd.read_csv(io.BytesIO(csv), sep=";", dtype=str, encoding="utf-8-sig")
    blad = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    uit_xlsx = pd.DataFrame(list(blad.values)[1:], columns=[c.value for c in blad[1]])
    for periode, label, teken in verborgen:
        for frame in (uit_csv, uit_xlsx):
            cel = frame[(frame["Periode"] == periode) & (frame[kop] == label)]["Waarde"]
            assert cel.tolist() == [teken], (periode, label)
    zichtbaar = uit_csv[~uit_csv["Waarde"].isin({t for _, _, t in verborgen})]
    assert zichtbaar["Waarde"].map(getal).notna().all()


def test_instroom_product_bars_show_hidden_cells_as_marks_never_zero(
        shipped_warehouse, snapshot_dir, gepubliceerd, downloads, monkeypatch):
    at = publiek(shipped_warehouse, snapshot_dir, monkeypatch, "pages/instroom.py")
    verwacht = cellen(gepubliceerd, "BW", "instroom", "TOTAAL", "regio", "product")
    # the example: BW midden 2020-K1 (50) was drawn as 0
    assert verwacht[("2020-K1", "BW midden")] == "x"
    assert_zoals_gepubliceerd(at, downloads, verwacht, "Product", "Instroom per product",
                              "instroom-per-product")


def test_uitstroom_bestemming_bars_show_hidden_cells_as_marks_never_zero(
        shipped_warehouse, snapshot_dir, gepubliceerd, downloads, monkeypatch):
    at = publiek(shipped_warehouse, snapshot_dir, monkeypatch, "pages/uitstroom.py")
    verwacht = cellen(gepubliceerd, "BW", "uitstroom", "TOTAAL", "regio", "bestemming")
    assert_zoals_gepubliceerd(at, downloads, verwacht, "Bestemming",
                              "Uitstroom per bestemming", "uitstroom-per-bestemming")


def test_instroom_line_per_municipality_leaves_hidden_points_out(
        shipped_warehouse, snapshot_dir, gepubliceerd, downloads, monkeypatch):
    at = publiek(shipped_warehouse, snapshot_dir, monkeypatch, "pages/instroom.py")
    verwacht = {k: v for k, v in cellen(gepubliceerd, "BW", "instroom", "", "herkomst").items()}
    verwacht.update(cellen(gepubliceerd, "BW", "instroom", "", "regio"))
    namen = {**gemeenten(shipped_warehouse), "TOTAAL": "Regio totaal"}
    assert_zoals_gepubliceerd(at, downloads, verwacht, "Gemeente",
                              "Instroom per herkomstgemeente", "instroom-per-herkomstgemeente",
                              namen)


def test_actueel_publiek_shows_the_newest_snapshot(shipped_warehouse, snapshot_dir,
                                                   monkeypatch):
    at = dashboard(shipped_warehouse, snapshot_dir, monkeypatch, publiek="true").run()
    assert not at.exception
    (manifest,) = lezer.snapshots(snapshot_dir)
    banner = [i.value for i in at.info if "Publieksversie" in i.value]
    assert banner and (f"De publieksversie toont de laatst gepubliceerde cijfers: snapshot "
                       f"{manifest['versie']}, vastgesteld op") in banner[0]
    assert at.title[0].value == f"Kerncijfers {manifest['kwartaal']}"


def test_publiek_without_any_snapshot_says_nothing_is_published(shipped_warehouse, tmp_path,
                                                                 monkeypatch):
    at = dashboard(shipped_warehouse, tmp_path, monkeypatch, publiek="true").run()
    assert not at.exception
    assert any("nog geen cijfers gepubliceerd" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe and not at.title


@pytest.mark.parametrize("waarde", ["../../evil", "[x](http://e)", "2019-K1"])
@pytest.mark.parametrize("publiek_", ["false", "true"])
def test_a_bad_snapshot_link_gets_a_plain_message_and_no_figures(
        shipped_warehouse, snapshot_dir, monkeypatch, waarde, publiek_):
    at = dashboard(shipped_warehouse, snapshot_dir, monkeypatch, snapshot=waarde,
                   publiek=publiek_).run()
    assert not at.exception
    assert "bestaat niet" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.title
    # what the link asked for is never rendered as markdown
    for element in [*at.error, *at.markdown, *at.info, *at.caption, *at.warning]:
        assert waarde not in element.value


def test_stuurgroep_shows_the_published_spreiding_rows_as_given(
        shipped_warehouse, snapshot_dir, monkeypatch, tmp_path):
    # a copy of the snapshot whose published figures carry the derived region rows
    (manifest,) = lezer.snapshots(snapshot_dir)
    map_ = tmp_path / manifest["versie"]
    shutil.copytree(manifest["map"], map_)
    bestand = lezer.publiekscijfers(manifest["versie"])
    frame = pd.read_parquet(map_ / bestand)
    basis = frame.iloc[[0]].assign(gemeentecode="TOTAAL", gemeente="Regio", perspectief="regio",
                                   dimensie=None, periode_type="kwartaal", bron="afgeleid",
                                   periode=manifest["kwartaal"], onderdrukt=False, reden=None,
                                   teken=None)
    extra = pd.concat([
        basis.assign(voorziening="BW", indicator="spreidingsindex", waarde=0.23),
        basis.assign(voorziening="BW", indicator="eigen_gemeente_pct", waarde=float("nan"),
                     onderdrukt=True, reden="afgeleid", teken="x"),
    ])  # MO spreidingsindex absent
    pd.concat([frame, extra], ignore_index=True).to_parquet(map_ / bestand)
    gegevens = json.loads((map_ / lezer.MANIFEST).read_text(encoding="utf-8"))
    gegevens["bestanden"][bestand] = lezer.sha256(map_ / bestand)
    (map_ / lezer.MANIFEST).write_text(json.dumps(gegevens), encoding="utf-8")

    at = dashboard(shipped_warehouse, tmp_path, monkeypatch, publiek="true")
    at = paginahulp.open_page(at, "pages/stuurgroep.py")
    tegels = {m.label: m.value for m in at.metric}
    assert tegels["Spreidingsindex BW"] == "0,23"
    assert tegels["Spreidingsindex MO"] == "–"
    assert tegels["BW-cliënten in eigen gemeente"] == "–"


def test_monitor_imports_nothing_of_the_publication_layer():
    for pad in sorted((ROOT / "monitor").rglob("*.py")):
        for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
            if isinstance(knoop, ast.Import):
                namen = [a.name for a in knoop.names]
            elif isinstance(knoop, ast.ImportFrom):
                namen = [knoop.module or ""]
            else:
                continue
            assert not any(n == "publicatie" or n.startswith("publicatie.") for n in namen), pad
