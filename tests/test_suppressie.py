"""Small-number suppression on small hand-made frames, each result checked by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import settings
from publicatie.suppressie import lees_publicatie, onderdruk, weergave

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD = (
    "GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995",
)
KEY = ["voorziening", "indicator", "periode", "gemeentecode", "perspectief", "dimensie", "bron"]


def rij(indicator: str, gemeente: str, waarde: float, dimensie: str | None = None, *,
        perspectief: str = "herkomst", periode: str = "2026-K3", voorziening: str = "BW",
        bron: str = "trajecten") -> dict:
    if gemeente == "TOTAAL":
        perspectief = "regio"
    return {
        "voorziening": voorziening, "indicator": indicator, "periode": periode,
        "periode_type": "jaar" if len(periode) == 4 else "kwartaal", "gemeentecode": gemeente,
        "gemeente": gemeente, "perspectief": perspectief, "dimensie": dimensie,
        "waarde": float(waarde), "bron": bron, "demo": False,
    }


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def uitkomst(result: pd.DataFrame) -> dict[tuple, str | None]:
    """(indicator, gemeentecode, dimensie) -> reden, for frames with one periode and bron."""
    return {
        (r.indicator, r.gemeentecode, r.dimensie if isinstance(r.dimensie, str) else None): r.reden
        for r in result.itertuples()
    }


def verborgen(result: pd.DataFrame) -> set[tuple]:
    return {k for k, reden in uitkomst(result).items() if reden is not None}


def test_the_threshold_comes_from_config():
    publicatie = lees_publicatie()
    assert publicatie.drempel == 5 and publicatie.teken == "<5"


def test_bad_threshold_is_refused(tmp_path: Path):
    (tmp_path / "p.toml").write_text('drempel = "vijf"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="drempel"):
        lees_publicatie(tmp_path / "p.toml")


@pytest.mark.parametrize(("drempel", "hidden"), [(5, {1, 2, 3, 4}), (3, {1, 2})])
def test_primary_hides_1_to_threshold_minus_1(drempel: int, hidden: set[int]):
    # six municipalities without a region total: no group, only primary suppression
    gemeenten = [ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD]
    data = frame(*(rij("instroom", g, n) for n, g in enumerate(gemeenten)))  # 0 .. 5
    result = onderdruk(data, drempel)
    for n, row in enumerate(result.itertuples()):
        if n in hidden:
            assert row.onderdrukt and row.reden == "primair" and np.isnan(row.waarde)
        else:
            assert not row.onderdrukt and row.reden is None and row.waarde == n
    assert data.waarde.tolist() == [0, 1, 2, 3, 4, 5]  # the input is left alone


def test_secondary_via_the_region_total():
    # Almere 3 is hidden; TOTAAL 19 minus the others would give it away: the smallest other
    # non-zero cell (Lelystad 7, not Urk 0 or Dronten 9) goes too; the total stays.
    data = frame(
        rij("instroom", ALMERE, 3), rij("instroom", LELYSTAD, 7), rij("instroom", DRONTEN, 9),
        rij("instroom", URK, 0), rij("instroom", "TOTAAL", 19),
    )
    assert uitkomst(onderdruk(data, 5)) == {
        ("instroom", ALMERE, None): "primair",
        ("instroom", LELYSTAD, None): "secundair",
        ("instroom", DRONTEN, None): None,
        ("instroom", URK, None): None,
        ("instroom", "TOTAAL", None): None,
    }


def test_region_groups_are_per_perspective_and_buiten_counts():
    # herkomst: Almere 2 hidden, BUITEN 6 is the smallest other; verblijf: nothing hidden
    data = frame(
        rij("bezetting", ALMERE, 2), rij("bezetting", LELYSTAD, 12),
        rij("bezetting", "BUITEN", 6), rij("bezetting", "TOTAAL", 20),
        rij("bezetting", ALMERE, 8, perspectief="verblijf"),
        rij("bezetting", LELYSTAD, 12, perspectief="verblijf"),
    )
    result = onderdruk(data, 5)
    assert set(result.loc[result.onderdrukt, "gemeentecode"]) == {ALMERE, "BUITEN"}
    assert set(result.loc[result.onderdrukt, "perspectief"]) == {"herkomst"}


def test_secondary_via_a_dimension_total():
    # Almere instroom 20 = BW midden 2 + BW hoog 8 + Combinatie 10: BW midden is hidden, so
    # BW hoog goes too. The cluster split is another group with nothing hidden.
    data = frame(
        rij("instroom", ALMERE, 20),
        rij("instroom", ALMERE, 2, "product=BW midden"),
        rij("instroom", ALMERE, 8, "product=BW hoog"),
        rij("instroom", ALMERE, 10, "product=Combinatie"),
        rij("instroom", ALMERE, 20, "cluster=Autisme"),
    )
    assert verborgen(onderdruk(data, 5)) == {
        ("instroom", ALMERE, "product=BW midden"),
        ("instroom", ALMERE, "product=BW hoog"),
    }
    assert onderdruk(data, 5).set_index("dimensie").loc["product=BW hoog", "reden"] == "secundair"


def test_a_secondary_suppression_can_start_a_chain():
    # 1. Almere: midden 3 hidden -> hoog 17 (the only other cell of Almere's product split)
    # 2. product=BW hoog over the region: Almere 17 now hidden -> Lelystad 25 (< Dronten 40)
    # 3. Lelystad: hoog 25 now hidden -> midden 6
    # product=BW midden has no region total here, so step 3 starts no fourth group.
    data = frame(
        rij("instroom", ALMERE, 20), rij("instroom", ALMERE, 3, "product=BW midden"),
        rij("instroom", ALMERE, 17, "product=BW hoog"),
        rij("instroom", LELYSTAD, 31), rij("instroom", LELYSTAD, 6, "product=BW midden"),
        rij("instroom", LELYSTAD, 25, "product=BW hoog"),
        rij("instroom", DRONTEN, 40), rij("instroom", DRONTEN, 40, "product=BW hoog"),
        rij("instroom", "TOTAAL", 82, "product=BW hoog"),
    )
    assert {k: v for k, v in uitkomst(onderdruk(data, 5)).items() if v} == {
        ("instroom", ALMERE, "product=BW midden"): "primair",
        ("instroom", ALMERE, "product=BW hoog"): "secundair",
        ("instroom", LELYSTAD, "product=BW hoog"): "secundair",
        ("instroom", LELYSTAD, "product=BW midden"): "secundair",
    }


def test_the_total_is_the_second_cell_only_when_nothing_else_can_be():
    # a published total that is smaller than the other cell (municipalities partly given):
    # the total is not picked while another cell can be: Lelystad is
    data = frame(
        rij("meldingen", ALMERE, 2, voorziening="E33", bron="Politie", perspectief="regio"),
        rij("meldingen", LELYSTAD, 9, voorziening="E33", bron="Politie", perspectief="regio"),
        rij("meldingen", "TOTAAL", 6, voorziening="E33", bron="Politie"),
    )
    assert verborgen(onderdruk(data, 5)) == {("meldingen", ALMERE, None),
                                             ("meldingen", LELYSTAD, None)}
    # when only zeros are left besides the total, the total is the only cover left: it goes
    # (a complete group's total would equal the hidden 3 and be hidden as a small count anyway)
    only_zeros = frame(
        rij("instroom", ALMERE, 3), rij("instroom", LELYSTAD, 0), rij("instroom", "TOTAAL", 7),
    )
    assert verborgen(onderdruk(only_zeros, 5)) == {("instroom", ALMERE, None),
                                                   ("instroom", "TOTAAL", None)}


def test_two_hidden_cells_need_no_third():
    data = frame(
        rij("instroom", ALMERE, 3), rij("instroom", LELYSTAD, 4), rij("instroom", DRONTEN, 9),
        rij("instroom", "TOTAAL", 16),
    )
    assert verborgen(onderdruk(data, 5)) == {("instroom", ALMERE, None),
                                             ("instroom", LELYSTAD, None)}


def test_rates_percentages_and_days_built_on_hidden_counts():
    data = frame(
        # per 10,000: of a primary (Almere), a secondary (Lelystad) and a shown count (Dronten)
        rij("instroom", ALMERE, 3), rij("instroom_per_10000", ALMERE, 0.12),
        rij("instroom", LELYSTAD, 7), rij("instroom_per_10000", LELYSTAD, 0.83),
        rij("instroom", DRONTEN, 9), rij("instroom_per_10000", DRONTEN, 2.0),
        rij("instroom", "TOTAAL", 19), rij("instroom_per_10000", "TOTAAL", 0.4),
        # day measures: wachttijd over instroom, verblijfsduur over uitstroom
        rij("wachttijd_mediaan_dagen", ALMERE, 40), rij("wachttijd_p90_dagen", ALMERE, 90),
        rij("wachttijd_mediaan_dagen", DRONTEN, 30),
        rij("uitstroom", ALMERE, 6), rij("verblijfsduur_mediaan_dagen", ALMERE, 300),
        rij("uitstroom", URK, 1), rij("verblijfsduur_mediaan_dagen", URK, 120),
    )
    assert {k: v for k, v in uitkomst(onderdruk(data, 5)).items() if v} == {
        ("instroom", ALMERE, None): "primair",
        ("instroom", LELYSTAD, None): "secundair",
        ("instroom_per_10000", ALMERE, None): "afgeleid",
        ("instroom_per_10000", LELYSTAD, None): "afgeleid",
        ("wachttijd_mediaan_dagen", ALMERE, None): "afgeleid",
        ("wachttijd_p90_dagen", ALMERE, None): "afgeleid",
        ("uitstroom", URK, None): "primair",
        ("verblijfsduur_mediaan_dagen", URK, None): "afgeleid",
    }


def test_yearly_percentages_follow_their_count_and_denominator():
    year = {"periode": "2025"}
    data = frame(
        # Almere: instroom 2 hidden -> instroom_pct; uitstroom 6 of 12 clients is shown
        rij("instroom", ALMERE, 2, **year), rij("uitstroom", ALMERE, 6, **year),
        rij("clienten", ALMERE, 12, **year),
        rij("instroom_pct", ALMERE, 16.7, **year), rij("uitstroom_pct", ALMERE, 50.0, **year),
        # Urk: 3 clients in the year: both percentages reveal them, even at 0%
        rij("instroom", URK, 0, **year), rij("uitstroom", URK, 0, **year),
        rij("clienten", URK, 3, **year),
        rij("instroom_pct", URK, 0.0, **year), rij("uitstroom_pct", URK, 0.0, **year),
        # the same percentages by product follow their own key
        rij("instroom", ALMERE, 2, "product=BW hoog", **year),
        rij("clienten", ALMERE, 12, "product=BW hoog", **year),
        rij("uitstroom_pct", ALMERE, 50.0, "product=BW hoog", **year),
    )
    result = uitkomst(onderdruk(data, 5))
    assert result[("instroom_pct", ALMERE, None)] == "afgeleid"
    assert result[("uitstroom_pct", ALMERE, None)] is None
    assert result[("instroom_pct", URK, None)] == "afgeleid"
    assert result[("uitstroom_pct", URK, None)] == "afgeleid"
    assert result[("uitstroom_pct", ALMERE, "product=BW hoog")] is None


def test_bezettingsgraad_follows_bezetting_and_capaciteit():
    verblijf = {"perspectief": "verblijf"}
    capaciteit = {"perspectief": "verblijf", "bron": "capaciteit"}
    data = frame(
        rij("bezetting", LELYSTAD, 3, **verblijf), rij("capaciteit", LELYSTAD, 10, **capaciteit),
        rij("bezettingsgraad", LELYSTAD, 0.3, **capaciteit),
        rij("bezetting", ALMERE, 4, **verblijf), rij("capaciteit", ALMERE, 4, **capaciteit),
        rij("bezettingsgraad", ALMERE, 1.0, **capaciteit),
        rij("bezetting", DRONTEN, 8, **verblijf), rij("capaciteit", DRONTEN, 10, **capaciteit),
        rij("bezettingsgraad", DRONTEN, 0.8, **capaciteit),
        rij("bezetting", URK, 0, **verblijf), rij("capaciteit", URK, 2, **capaciteit),
        rij("bezettingsgraad", URK, 0.0, **capaciteit),
    )
    result = uitkomst(onderdruk(data, 5))
    assert result[("bezettingsgraad", LELYSTAD, None)] == "afgeleid"  # bezetting 3
    assert result[("bezettingsgraad", ALMERE, None)] == "afgeleid"  # capaciteit 4
    assert result[("bezettingsgraad", URK, None)] == "afgeleid"  # capaciteit 2
    assert result[("bezettingsgraad", DRONTEN, None)] is None


def test_ratios_are_never_primary_suppressed_themselves():
    data = frame(
        rij("instroom", LELYSTAD, 7), rij("instroom_per_10000", LELYSTAD, 2.5),
        rij("bezettingsgraad", LELYSTAD, 0.04, perspectief="verblijf", bron="capaciteit"),
        rij("wachttijd_mediaan_dagen", LELYSTAD, 3),
        rij("tevredenheid_pct", LELYSTAD, 3, voorziening="OGGZ", bron="GGD", perspectief="regio"),
        rij("tevredenheid_pct", "TOTAAL", 4, voorziening="OGGZ", bron="GGD"),
    )
    result = onderdruk(data, 5)
    assert not result.onderdrukt.any()
    assert result.waarde.tolist() == data.waarde.tolist()


def test_the_order_of_the_rows_does_not_matter():
    data = frame(
        rij("instroom", ALMERE, 3), rij("instroom", LELYSTAD, 7), rij("instroom", DRONTEN, 7),
        rij("instroom", "TOTAAL", 17), rij("instroom_per_10000", LELYSTAD, 0.8),
        rij("instroom_per_10000", DRONTEN, 1.5),
    )
    expected = onderdruk(data, 5).set_index(KEY).sort_index()
    shuffled = onderdruk(data.sample(frac=1, random_state=3), 5).set_index(KEY).sort_index()
    pd.testing.assert_frame_equal(expected, shuffled)
    # a tie between Lelystad and Dronten goes to the lowest code, Dronten (GM0303)
    assert expected.xs(DRONTEN, level="gemeentecode").reden.tolist() == ["secundair", "afgeleid"]


def test_empty_frame():
    result = onderdruk(frame(rij("instroom", ALMERE, 1)).iloc[:0], 5)
    assert result.empty and {"onderdrukt", "reden"} <= set(result.columns)


def test_weergave():
    assert weergave(1944, False, "<5") == "1.944"
    assert weergave(float("nan"), True, "<5") == "<5"
    assert weergave(12.5, False, "<5") == "12,5"
    assert weergave(0.8312, False, "<5", decimalen=2) == "0,83"
    assert weergave(0, False, "<5") == "0"
    assert weergave(None, False, "<5") == "–"


def test_the_shipped_warehouse_is_suppressed_quickly_and_reproducibly(shipped_warehouse: Path):
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        kerncijfers = con.execute("SELECT * FROM kerncijfers").df()
    first = onderdruk(kerncijfers, 5)
    second = onderdruk(kerncijfers, 5)
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == len(kerncijfers)

    counts = ~kerncijfers.indicator.str.endswith(settings.RATIO_SUFFIXES)
    shown = first.loc[counts & ~first.onderdrukt, "waarde"]
    assert not shown.between(1, 4).any()
    assert set(first.reden.dropna()) == {"primair", "secundair", "afgeleid"}
    # every per 10,000 of a hidden count is hidden
    hidden = first[first.onderdrukt & counts].assign(
        indicator=lambda f: f.indicator + "_per_10000"
    )
    index = pd.MultiIndex.from_frame(hidden[KEY].fillna({"dimensie": ""}))
    rows = pd.MultiIndex.from_frame(first[KEY].fillna({"dimensie": ""}))
    assert first.loc[rows.isin(index), "onderdrukt"].all()
    assert rows.isin(index).sum() > 0


def test_a_region_total_of_one_municipality_does_not_betray_its_hidden_cell():
    # Lelystad: BW midden 2 (small) + BW hoog 7 = 9, so the 7 is hidden to protect the 2.
    # Only Lelystad has BW hoog: the region's BW hoog total is that same 7 and would give it
    # away (and 9 - 7 the 2): it is hidden as well, and so is the next cell of the region's
    # product split, or 30 - 23 would tell it again.
    data = frame(
        rij("instroom", LELYSTAD, 9), rij("instroom", ALMERE, 21), rij("instroom", "TOTAAL", 30),
        rij("instroom", LELYSTAD, 2, "product=BW midden"),
        rij("instroom", LELYSTAD, 7, "product=BW hoog"),
        rij("instroom", ALMERE, 21, "product=BW midden"),
        rij("instroom", ALMERE, 0, "product=BW hoog"),
        rij("instroom", "TOTAAL", 23, "product=BW midden"),
        rij("instroom", "TOTAAL", 7, "product=BW hoog"),
    )
    result = uitkomst(onderdruk(data, 5))
    assert result[("instroom", LELYSTAD, "product=BW midden")] == "primair"
    assert result[("instroom", LELYSTAD, "product=BW hoog")] == "secundair"
    assert result[("instroom", "TOTAAL", "product=BW hoog")] == "secundair"
    assert result[("instroom", "TOTAAL", "product=BW midden")] == "secundair"
    # nothing left from which a hidden cell can be computed: every total with one hidden
    # cell has a second one hidden beside it
