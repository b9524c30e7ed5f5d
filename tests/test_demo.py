"""The demo generator: deterministic, within the data contract, and true to the 2018 anchors."""

from __future__ import annotations

import itertools
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import demo
from etl.reference import load_region
from etl.settings import (
    AANMELDING_TYPES,
    BUITEN,
    CLUSTERS,
    GESLACHTEN,
    JA_NEE,
    LEEFTIJDSKLASSEN,
    ONBEKEND,
    PRODUCTEN,
    UITSTROOMBESTEMMINGEN,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"  # the shipped files are generated from this region
JULI, OKTOBER = "trajecten/trajecten_demo_2026-07-15.csv", "trajecten/trajecten_demo_2026-10-15.csv"
TELLINGEN = "tellingen/tellingen_demo_2026-10-15.csv"
CAPACITEIT = "capaciteit/capaciteit_demo_2026-10-15.csv"
DATES = ["datum_aanmelding", "datum_instroom", "datum_afgemeld", "datum_uitstroom"]
FULL_YEARS = range(2019, 2026)  # 2026 ends at the peildatum


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    return {p.relative_to(out).as_posix(): p for p in demo.generate(out, REFERENCE)}


@pytest.fixture(scope="module")
def region_codes() -> set[str]:
    return set(load_region(REFERENCE).gemeenten)


@pytest.fixture(scope="module")
def anchors() -> demo.Anchors:
    return demo.load_anchors(REFERENCE, load_region(REFERENCE))


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)


def with_dates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in DATES:
        df[c] = pd.to_datetime(df[c].where(df[c] != ""), format="%Y-%m-%d")
    return df


@pytest.fixture(scope="module")
def oktober(generated: dict[str, Path]) -> pd.DataFrame:
    return with_dates(read(generated[OKTOBER]))


# --- the figures of section 2 of the data contract, straight from an extract -----------------


def bezetting(df: pd.DataFrame, voorziening: str, day: str, product: str | None = None) -> int:
    s = df[df.voorziening == voorziening]
    if product:
        s = s[s["product"] == product]
    e = pd.Timestamp(day)
    return int(((s.datum_instroom <= e) & (s.datum_uitstroom.isna() | (s.datum_uitstroom > e)))
               .sum())


def wachtlijst(df: pd.DataFrame, voorziening: str, day: str) -> int:
    s = df[(df.voorziening == voorziening) & (df.aanmelding_type == "Nieuw")]
    e = pd.Timestamp(day)
    return int(((s.datum_aanmelding <= e) & ~(s.datum_instroom <= e) & ~(s.datum_afgemeld <= e))
               .sum())


def in_year(df: pd.DataFrame, voorziening: str, column: str, year: int) -> pd.DataFrame:
    s = df[df.voorziening == voorziening]
    return s[s[column].dt.year == year]


def pct(df: pd.DataFrame, column: str, year: int) -> float:
    """instroom_pct / uitstroom_pct: count in the year / (bezetting at its start + instroom)."""
    start = bezetting(df, "BW", f"{year - 1}-12-31")
    instroom = len(in_year(df, "BW", "datum_instroom", year))
    return 100 * len(in_year(df, "BW", column, year)) / (start + instroom)


# --- determinism and shipped files ------------------------------------------------------------


def test_two_runs_are_byte_identical(generated: dict[str, Path], tmp_path: Path) -> None:
    again = {p.relative_to(tmp_path).as_posix(): p for p in demo.generate(tmp_path, REFERENCE)}
    assert again.keys() == generated.keys()
    for name, path in generated.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_shipped_files_are_exactly_a_fresh_generation(generated: dict[str, Path]) -> None:
    for name, path in generated.items():
        shipped = demo.DEFAULT_OUT / name
        assert shipped.exists(), f"{shipped} ontbreekt: draai `make demo`"
        assert shipped.read_bytes() == path.read_bytes(), (
            f"{shipped} wijkt af van een nieuwe generatie: niet met de hand bewerken, "
            "draai `make demo`")


def test_files_are_plain_demo_csv(generated: dict[str, Path]) -> None:
    assert set(generated) == {JULI, OKTOBER, TELLINGEN, CAPACITEIT}
    for name, path in generated.items():
        data = path.read_bytes()
        assert "demo" in path.name
        assert not data.startswith(b"\xef\xbb\xbf"), f"{name} has a BOM"
        header = data.decode("utf-8").split("\n", 1)[0]
        assert header == header.lower() and ";" in header
        # The ETL refuses anything that could be a BSN; keep well clear of long digit runs.
        assert not re.search(rb"\d{8,}", data), name
    assert sum(p.stat().st_size for p in generated.values()) < 3_000_000


# --- trajecten: the rules the ETL enforces --------------------------------------------------


def contract_problems(raw: pd.DataFrame, peildatum: str, codes: set[str]) -> list[str]:
    df = with_dates(raw)
    problems: list[str] = []

    def check(mask: pd.Series, what: str) -> None:
        if mask.any():
            problems.append(f"{what}: {raw.loc[mask, 'traject_id'].head(3).tolist()}")

    for column in ("traject_id", "voorziening", "product", "aanmelding_type",
                   "herkomstgemeente", "datum_aanmelding"):
        check(raw[column] == "", f"{column} empty")
    check(~raw.traject_id.str.fullmatch(r"(BW|MO|VO)-\d{6}"), "traject_id not a pseudonym")
    check(raw.traject_id.str[:2] != raw.voorziening, "traject_id prefix is not the voorziening")
    check(raw.duplicated(["voorziening", "traject_id"]), "duplicate traject_id")
    check(~raw.apply(lambda r: r["product"] in PRODUCTEN.get(r["voorziening"], ()), axis=1),
          "product not valid for the voorziening")
    check((raw.cluster != "") & (raw.voorziening != "BW"), "cluster on a non-BW row")
    for column, allowed in [
        ("cluster", CLUSTERS), ("aanmelding_type", AANMELDING_TYPES),
        ("herkomstgemeente", (*codes, BUITEN, ONBEKEND)), ("verblijfsgemeente", tuple(codes)),
        ("uitstroombestemming", UITSTROOMBESTEMMINGEN), ("leeftijdsklasse", LEEFTIJDSKLASSEN),
        ("geslacht", GESLACHTEN), ("met_kinderen", JA_NEE),
    ]:
        check((raw[column] != "") & ~raw[column].isin(allowed), f"{column} not allowed")
    for column in DATES:
        check(df[column] > pd.Timestamp(peildatum), f"{column} after the peildatum")
    check(df.datum_instroom < df.datum_aanmelding, "instroom before aanmelding")
    check(df.datum_afgemeld < df.datum_aanmelding, "afgemeld before aanmelding")
    check(df.datum_uitstroom < df.datum_instroom, "uitstroom before instroom")
    check(df.datum_uitstroom.notna() & df.datum_instroom.isna(), "uitstroom without instroom")
    check(df.datum_instroom.notna() & df.datum_afgemeld.notna(), "both instroom and afgemeld")
    check(df.datum_uitstroom.notna() & (raw.uitstroombestemming == ""), "uitstroom, no bestemming")
    check(df.datum_uitstroom.isna() & (raw.uitstroombestemming != ""), "bestemming, no uitstroom")
    check(df.datum_instroom.notna() & (raw.verblijfsgemeente == ""), "instroom, no verblijf")
    if "woongemeente_na_uitstroom" in raw:
        woon = raw.woongemeente_na_uitstroom
        check(df.datum_uitstroom.isna() & (woon != ""), "woongemeente, no uitstroom")
        check((woon != "") & ~woon.isin(codes | {"BUITEN", "ONBEKEND"}), "woongemeente unknown")
    verlenging = raw.aanmelding_type == "Verlenging"
    check(verlenging & df[DATES[1:]].notna().any(axis=1), "Verlenging with a flow date")
    return problems


@pytest.mark.parametrize(("name", "peildatum"), [(JULI, "2026-07-15"), (OKTOBER, "2026-10-15")])
def test_trajecten_pass_the_contract_rules(generated: dict[str, Path], region_codes: set[str],
                                           name: str, peildatum: str) -> None:
    raw = read(generated[name])
    # the optional Weer Thuis column only in the recent (October) extract
    extra = ["woongemeente_na_uitstroom"] if name == OKTOBER else []
    assert list(raw.columns) == demo.TRAJECT_COLUMNS + extra
    assert contract_problems(raw, peildatum, region_codes) == []
    assert set(raw.voorziening) == {"BW", "MO", "VO"}


def test_july_extract_is_the_october_one_as_known_then(generated: dict[str, Path]) -> None:
    juli = read(generated[JULI]).set_index(["voorziening", "traject_id"])
    okt = read(generated[OKTOBER]).set_index(["voorziening", "traject_id"])
    assert juli.index.isin(okt.index).all(), "traject_id not stable between the extracts"
    later = okt.loc[juli.index, list(juli.columns)]
    for column in DATES:
        assert (juli[column] <= "2026-07-15").all()
        known = juli[column] != ""
        assert (juli.loc[known, column] == later.loc[known, column]).all(), column
    differs = (juli != later).any(axis=1)
    assert differs.any()
    # Late registration: events before the peildatum that only the October extract has.
    late = sum(((juli[c] == "") & (later[c] != "") & (later[c] <= "2026-07-15")).sum()
               for c in DATES[1:])
    assert late > 0


# --- tellingen and capaciteit -----------------------------------------------------------------


def test_tellingen_cover_every_quarter_and_municipality(generated: dict[str, Path],
                                                        region_codes: set[str]) -> None:
    t = read(generated[TELLINGEN])
    assert list(t.columns) == ["bron", "voorziening", "indicator", "periode", "gemeente",
                               "dimensie", "waarde", "opmerking"]
    assert set(t.bron) == {"Demodata (gegenereerd)"}
    assert set(zip(t.voorziening, t.indicator, strict=True)) == {
        ("E33", "meldingen"), ("OGGZ", "adviesaanvragen")}
    assert set(t.gemeente) == region_codes  # no TOTAAL: the ETL derives region totals
    assert (t.dimensie == "").all()
    assert t.waarde.str.fullmatch(r"\d+").all()
    quarters = [f"{y}-K{q}" for y, q in demo.quarters()]
    assert quarters[0] == "2019-K1" and quarters[-1] == "2026-K3"
    assert len(t) == 2 * len(region_codes) * len(quarters)
    assert set(t.periode) == set(quarters)
    noted = t[t.opmerking != ""]
    assert set(noted.periode) == {"2020-K1", "2020-K2"} and set(noted.voorziening) == {"E33"}


def test_capaciteit_rows(generated: dict[str, Path], oktober: pd.DataFrame,
                         anchors: demo.Anchors, region_codes: set[str]) -> None:
    cap = read(generated[CAPACITEIT])
    cap["plekken"] = cap.plekken.astype(int)
    assert (cap.geldig_vanaf >= "2019-01-01").all()  # 2018 comes from the published file
    assert ((cap.geldig_tot == "") | (cap.geldig_tot >= cap.geldig_vanaf)).all()
    for _, rows in cap.groupby(["voorziening", "locatie", "product", "cluster"]):
        spans = sorted(zip(rows.geldig_vanaf, rows.geldig_tot, strict=True))
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end and end < start, f"overlapping rows: {rows}"

    def valid(day: str) -> pd.DataFrame:
        return cap[(cap.geldig_vanaf <= day) & ((cap.geldig_tot == "") | (cap.geldig_tot >= day))]

    mo = valid("2026-09-30")[lambda c: c.voorziening == "MO"]
    assert len(mo) == 8 and mo.plekken.sum() == 105
    vo = valid("2026-09-30")[lambda c: c.voorziening == "VO"]
    assert dict(zip(vo["product"], vo.plekken, strict=True)) == {
        "Crisisopvang": 10, "Noodbed": 2, "Begeleid wonen": 15}
    bw = cap[cap.voorziening == "BW"]
    # The Bijlage 3 cluster table lists 37 locations (its text says 36), in every municipality.
    assert bw.locatie.nunique() == len(anchors.bw_locaties) == 37
    assert bw.gemeente.nunique() == len(region_codes)
    bw_2019 = valid("2019-12-31")[lambda c: c.voorziening == "BW"].plekken.sum()
    assert bezetting(oktober, "BW", "2019-12-31") < bw_2019 < 1.15 * bezetting(
        oktober, "BW", "2019-12-31")
    assert valid("2022-12-31")[lambda c: c.voorziening == "BW"].plekken.sum() < 0.8 * bw_2019
    assert (valid("2024-12-31")["product"] == "Beschut wonen").any()
    # Every placed client sits at a location of the capacity file, in its municipality.
    names = dict(load_region(REFERENCE).gemeenten)
    placed = oktober[oktober.verblijfsgemeente != ""]
    known = set(zip(cap.voorziening, cap.locatie, cap.gemeente, strict=True))
    assert set(zip(placed.voorziening, placed.locatie, placed.verblijfsgemeente.map(names),
                   strict=True)) <= known


# --- the story: anchors from the published 2018 figures --------------------------------------


def test_bw_anchors(oktober: pd.DataFrame) -> None:
    assert abs(bezetting(oktober, "BW", "2018-12-31") - 811) <= 25
    assert abs(wachtlijst(oktober, "BW", "2018-12-31") - 40) <= 10
    assert abs(pct(oktober, "datum_instroom", 2019) - 20) <= 3
    assert abs(pct(oktober, "datum_uitstroom", 2019) - 17) <= 3


def test_bw_wlz_transfer_in_2021(oktober: pd.DataFrame) -> None:
    before, after = bezetting(oktober, "BW", "2020-12-31"), bezetting(oktober, "BW", "2021-12-31")
    assert 0.25 <= 1 - after / before <= 0.40
    bestemming = in_year(oktober, "BW", "datum_uitstroom", 2021).uitstroombestemming
    assert bestemming.value_counts().index[0] == "Wlz"


def test_mo_is_nearly_always_full(oktober: pd.DataFrame) -> None:
    for year, q in demo.quarters():
        day = demo.quarter_end(year, q).isoformat()
        assert 90 <= bezetting(oktober, "MO", day) <= 105, day
    for year in FULL_YEARS:
        assert 250 <= len(in_year(oktober, "MO", "datum_instroom", year)) <= 310, year


def test_vo_crisisopvang_clients_per_year(oktober: pd.DataFrame) -> None:
    crisis = oktober[oktober["product"] == "Crisisopvang"]
    for year in FULL_YEARS:
        assert 60 <= len(in_year(crisis, "VO", "datum_instroom", year)) <= 85, year
    assert bezetting(oktober, "VO", "2023-06-30", "Crisisopvang") <= 10


def test_e33_level_and_the_2020_registration_change(generated: dict[str, Path]) -> None:
    t = read(generated[TELLINGEN])
    e33 = t[t.voorziening == "E33"].assign(jaar=lambda d: d.periode.str[:4],
                                           waarde=lambda d: d.waarde.astype(int))
    per_year = e33.groupby("jaar").waarde.sum()
    assert 1850 <= per_year["2019"] <= 2150
    assert per_year["2021"] > 1.15 * per_year["2019"]


def test_quarter_helpers() -> None:
    assert demo.quarter_end(2020, 4) == date(2020, 12, 31)
    assert demo.quarter_end(2021, 1) == date(2021, 3, 31)
    assert demo.quarter_start(2021, 3) == date(2021, 7, 1)


# --- demo.toml: the anchors tied to the municipalities ---------------------------------------


def test_anchors_are_keyed_by_the_region_codes(anchors: demo.Anchors,
                                               region_codes: set[str]) -> None:
    for table in (anchors.e33_2018, anchors.oggz_per_10000_2018, anchors.bw_herkomst_factor):
        assert set(table) == region_codes
    herkomst = region_codes | {BUITEN, ONBEKEND}
    assert set(anchors.mo_herkomst) <= herkomst
    for table in (*anchors.mo_herkomst_per_verblijf.values(), *anchors.vo_herkomst.values()):
        assert set(table) <= herkomst
    gemeenten = {b.gemeente for b in anchors.bw_locaties} | {m.gemeente for m in
                                                             anchors.mo_locaties}
    assert gemeenten | {anchors.vo_gemeente} <= region_codes
    assert sum(sum(m.bedden.values()) for m in anchors.mo_locaties) == 105


def copy_reference(tmp_path: Path) -> Path:
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    return reference


def test_demo_toml_must_name_the_municipalities_of_gemeenten_csv(tmp_path: Path) -> None:
    reference = copy_reference(tmp_path)
    demo_toml = reference / "demo.toml"
    # Drop the first municipality's E33 level: the generator refuses, and says which is missing.
    first_name = next(iter(load_region(REFERENCE).gemeenten.values()))
    text = demo_toml.read_text(encoding="utf-8")
    start = text.index("[gemeenten.e33_meldingen_2018]")
    line = f"\n{first_name} = "
    at = text.index(line, start)
    rest = text[text.index("\n", at + 1):]
    demo_toml.write_text(text[:at] + rest, encoding="utf-8")
    with pytest.raises(ValueError, match=r"gemeenten\.csv.*ontbreekt: " + first_name):
        demo.generate(tmp_path / "out", reference)
    assert not (tmp_path / "out").exists()
    # A municipality from elsewhere is named as such.
    rest = text[text.index("\n", at + 1):]
    demo_toml.write_text(text[:at] + "\nNergenshuizen = 1" + rest, encoding="utf-8")
    with pytest.raises(ValueError, match=r"niet in gemeenten\.csv: Nergenshuizen"):
        demo.generate(tmp_path / "out", reference)


def test_demo_toml_is_required(tmp_path: Path) -> None:
    reference = copy_reference(tmp_path)
    (reference / "demo.toml").unlink()
    with pytest.raises(ValueError, match=r"demo\.toml ontbreekt"):
        demo.generate(tmp_path / "out", reference)


def test_demo_toml_names_are_checked(tmp_path: Path) -> None:
    reference = copy_reference(tmp_path)
    demo_toml = reference / "demo.toml"
    text = demo_toml.read_text(encoding="utf-8")
    demo_toml.write_text(text.replace('bedden = { Noodopvang = 5 }', 'bedden = { Nachtbed = 5 }'),
                         encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[mo\.locaties\]: 'Nachtbed' is geen MO-product"):
        demo.generate(tmp_path / "out", reference)


def test_woongemeente_recorded_from_its_start_date_only(generated: dict[str, Path]) -> None:
    """Weer Thuis in the demo: the October extract records woongemeente_na_uitstroom for
    every uitstroom on or after WOONGEMEENTE_VANAF and for none before; some go home to
    their herkomstgemeente, some elsewhere, some unknown."""
    okt = read(generated[OKTOBER])
    uit = okt[okt.datum_uitstroom != ""]
    vanaf = uit.datum_uitstroom >= demo.WOONGEMEENTE_VANAF.isoformat()
    assert (uit.loc[vanaf, "woongemeente_na_uitstroom"] != "").all()
    assert (uit.loc[~vanaf, "woongemeente_na_uitstroom"] == "").all()
    recent = uit[vanaf]
    thuis = (recent.woongemeente_na_uitstroom == recent.herkomstgemeente).mean()
    assert 0.3 < thuis < 0.9
    assert (recent.woongemeente_na_uitstroom == "ONBEKEND").any()
    assert (recent.woongemeente_na_uitstroom == "BUITEN").any()
