"""The published figures of the Regionaal kader 2020-2026 come back from the warehouse.

Source: bijlage 3 ("Aanvullende feiten en cijfers") and par. 2.2 of the Regionaal kader
Zorglandschap Wmo Flevoland 2020-2026, transcribed by hand into

- data/raw/tellingen/tellingen_regionaalkader_2019-12-01.csv
- data/raw/capaciteit/capaciteit_regionaalkader_2019-12-01.csv

docs/bijlage3.md says which table went where and what does not add up in the document.

Three groups of tests:

1. Without a warehouse: the transcription itself (well formed; every printed total
   equals the sum of its parts; printed percentages match the printed counts).
2. Every transcribed row against the view `kerncijfers` of the shipped warehouse
   (fixture `shipped_warehouse` from tests/conftest.py), read independently with `csv`.
3. Hand-checked figures, one assert each, typed over from the document.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
TELLINGEN_CSV = (
    ROOT / "data" / "raw" / "tellingen" / "tellingen_regionaalkader_2019-12-01.csv"
)
CAPACITEIT_CSV = (
    ROOT / "data" / "raw" / "capaciteit" / "capaciteit_regionaalkader_2019-12-01.csv"
)
GEMEENTEN_CSV = ROOT / "data" / "reference" / "gemeenten.csv"

BIJLAGE3 = "Regionaal kader 2020-2026 bijlage 3"
PAR22 = "Regionaal kader 2020-2026 par. 2.2"

TELLINGEN_COLUMNS = [
    "bron",
    "voorziening",
    "indicator",
    "periode",
    "gemeente",
    "perspectief",
    "dimensie",
    "waarde",
    "opmerking",
]
CAPACITEIT_COLUMNS = [
    "voorziening",
    "aanbieder",
    "locatie",
    "gemeente",
    "product",
    "cluster",
    "plekken",
    "geldig_vanaf",
    "geldig_tot",
]

ALMERE = "GM0034"
ZEEWOLDE = "GM0050"
NOORDOOSTPOLDER = "GM0171"
URK = "GM0184"
DRONTEN = "GM0303"
LELYSTAD = "GM0995"
FLEVOLAND = (ALMERE, ZEEWOLDE, NOORDOOSTPOLDER, URK, DRONTEN, LELYSTAD)

# A whole number as a Dutch supplier writes it: 956, or 1.944 with a thousands dot.
WHOLE_NUMBER = re.compile(r"\d{1,3}(\.\d{3})+|\d+")


# --- reading the transcription (independently of the ETL) ---------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def whole(text: str) -> int:
    """'1.944' -> 1944, '956' -> 956."""
    assert WHOLE_NUMBER.fullmatch(text), f"not a whole number as printed: {text!r}"
    return int(text.replace(".", ""))


TELLINGEN = read_csv(TELLINGEN_CSV)
CAPACITEIT = read_csv(CAPACITEIT_CSV)


def tellingen_index() -> dict[tuple[str, str, str, str, str, str], int]:
    """(bron, voorziening, indicator, periode, gemeente, dimensie) -> waarde."""
    return {
        (
            r["bron"],
            r["voorziening"],
            r["indicator"],
            r["periode"],
            r["gemeente"],
            r["dimensie"],
        ): whole(r["waarde"])
        for r in TELLINGEN
    }


def row_id(row: dict[str, str]) -> str:
    parts = [row["voorziening"], row["indicator"], row["periode"], row["gemeente"]]
    if row["dimensie"]:
        parts.append(row["dimensie"])
    if row["bron"] == PAR22:
        parts.append("par2.2")
    return "|".join(parts)


def gemeentecode_by_name() -> dict[str, str]:
    return {r["gemeente"].lower(): r["gemeentecode"] for r in read_csv(GEMEENTEN_CSV)}


# --- 1. the transcription itself (no warehouse needed) -------------------------------


def test_tellingen_file_is_well_formed():
    with TELLINGEN_CSV.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    assert header == TELLINGEN_COLUMNS
    keys = [
        (
            r["bron"],
            r["voorziening"],
            r["indicator"],
            r["periode"],
            r["gemeente"],
            r["perspectief"] or "regio",
            r["dimensie"],
        )
        for r in TELLINGEN
    ]
    assert len(keys) == len(set(keys)), "a key (bron .. dimensie) occurs twice"
    for r in TELLINGEN:
        assert r["bron"] in (BIJLAGE3, PAR22), r
        assert r["voorziening"] in ("BW", "MO", "VO", "E33", "OGGZ"), r
        # par. 2.2 also speaks of "de huidige locaties (2019)" and of the Oranje Huis places
        # in a document of December 2019
        current = r["bron"] == PAR22 and r["indicator"] in ("locaties", "plekken")
        assert r["periode"] in (("2016", "2017", "2018", "2019") if current
                                else ("2016", "2017", "2018")), r
        assert r["gemeente"] in (*FLEVOLAND, "BUITEN", "TOTAAL"), r
        assert r["dimensie"] == "" or r["dimensie"].count("=") == 1, r
        # a table by municipality of origin says so; a total has no perspective
        assert r["perspectief"] in ("", "herkomst"), r
        assert not (r["perspectief"] and r["gemeente"] == "TOTAAL"), r
        assert r["opmerking"], f"every row names its table: {r}"
        waarde = whole(r["waarde"])
        if r["indicator"].endswith("_pct"):
            assert 0 <= waarde <= 100, r


def test_e33_totals_are_written_with_a_thousands_dot():
    raw = {
        r["periode"]: r["waarde"]
        for r in TELLINGEN
        if r["voorziening"] == "E33" and r["gemeente"] == "TOTAAL"
    }
    assert raw == {"2018": "1.944", "2017": "2.022", "2016": "1.518"}


def test_printed_totals_equal_sum_of_parts():
    t = tellingen_index()

    def v(voorziening, indicator, periode, gemeente, dimensie=""):
        return t[(BIJLAGE3, voorziening, indicator, periode, gemeente, dimensie)]

    # E33-meldingen per gemeente, rij 'Totaal' (1.944 / 2.022 / 1.518).
    for periode in ("2018", "2017", "2016"):
        parts = sum(v("E33", "meldingen", periode, g) for g in FLEVOLAND)
        assert parts == v("E33", "meldingen", periode, "TOTAAL"), f"E33 {periode}"

    # BW product table, rij 'Totaal' (380 / 301).
    for periode in ("2018", "2017"):
        parts = sum(
            v("BW", "aantal_per_product", periode, "TOTAAL", f"product={p}")
            for p in ("BW midden", "BW hoog", "Combinatie")
        )
        assert parts == v("BW", "aantal_per_product", periode, "TOTAAL"), (
            f"BW product {periode}"
        )

    # BW: 486 aanmeldingen = 260 nieuw + 226 verlenging.
    aanmeldingen = v("BW", "aanmeldingen", "2018", "TOTAAL")
    nieuw = v("BW", "aanmeldingen", "2018", "TOTAAL", "aanmelding_type=Nieuw")
    verlenging = v("BW", "aanmeldingen", "2018", "TOTAAL", "aanmelding_type=Verlenging")
    assert nieuw + verlenging == aanmeldingen

    # Gezinsopvang: column 'Totaal' = beschikbaar + te realiseren, per row;
    # row 'Totaal' = sum of the gemeenten.
    statuses = ("status=beschikbaar", "status=te realiseren", "")
    gezin_gemeenten = sorted(
        {
            r["gemeente"]
            for r in TELLINGEN
            if r["indicator"] == "gezinswoningen" and r["gemeente"] != "TOTAAL"
        }
    )
    for gemeente in (*gezin_gemeenten, "TOTAAL"):
        beschikbaar, te_realiseren, totaal = (
            v("MO", "gezinswoningen", "2018", gemeente, s) for s in statuses
        )
        assert beschikbaar + te_realiseren == totaal, f"gezinswoningen {gemeente}"
    for status in statuses:
        parts = sum(
            v("MO", "gezinswoningen", "2018", g, status) for g in gezin_gemeenten
        )
        assert parts == v("MO", "gezinswoningen", "2018", "TOTAAL", status), (
            f"gezinswoningen {status or 'totaal'}"
        )

    # Vrouwenopvang: alleenstaand + met kinderen = Totaal;
    # herkomst (incl. 'Buiten de regio') = Totaal.
    vo_herkomst = sorted(
        {
            r["gemeente"]
            for r in TELLINGEN
            if r["voorziening"] == "VO" and r["indicator"] == "clienten"
        }
        - {"TOTAAL"}
    )
    for product in ("Noodbed", "Crisisopvang", "Begeleid wonen"):
        dim = f"product={product}"
        totaal = v("VO", "clienten", "2018", "TOTAAL", dim)
        alleen = v("VO", "clienten_alleenstaand", "2018", "TOTAAL", dim)
        kinderen = v("VO", "clienten_met_kinderen", "2018", "TOTAAL", dim)
        assert alleen + kinderen == totaal, f"VO {product} alleenstaand + met kinderen"
        assert (
            sum(v("VO", "clienten", "2018", g, dim) for g in vo_herkomst) == totaal
        ), f"VO {product} herkomst"

    # MO capaciteit: 'Totaal 105 plekken'; per gemeente as in the figure of par. 2.2.
    assert sum(whole(r["plekken"]) for r in CAPACITEIT) == 105
    per_gemeente: dict[str, int] = defaultdict(int)
    for r in CAPACITEIT:
        per_gemeente[r["gemeente"]] += whole(r["plekken"])
    assert dict(per_gemeente) == {"Almere": 56, "Lelystad": 44, "Noordoostpolder": 5}


def test_printed_percentages_match_printed_counts():
    """Counts and percentages in one table: round(100 * count / sum) is printed."""
    t = tellingen_index()
    # MO herkomst (clienten) and MO uitstroombestemming (uitstroom), 2018.
    for indicator in ("clienten", "uitstroom"):
        counts = {
            (k[4], k[5]): n
            for k, n in t.items()
            if k[:4] == (BIJLAGE3, "MO", indicator, "2018")
        }
        total = sum(counts.values())
        for (gemeente, dimensie), n in counts.items():
            printed = t[
                (BIJLAGE3, "MO", f"{indicator}_pct", "2018", gemeente, dimensie)
            ]
            computed = (Decimal(100) * n / total).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            assert computed == printed, (
                f"MO {indicator} {gemeente} {dimensie}: {n}/{total}"
            )


def test_percentage_columns_sum_as_printed():
    """Sums off 100 are the document's, not typos (see docs/bijlage3.md)."""
    t = tellingen_index()

    def column(voorziening, indicator, periode, gemeente=None):
        return sum(
            n
            for (bron, vz, ind, per, gem, _dim), n in t.items()
            if (bron, vz, ind, per) == (BIJLAGE3, voorziening, indicator, periode)
            and (gemeente is None or gem == gemeente)
        )

    assert column("MO", "clienten_pct", "2018") == 100
    assert column("MO", "uitstroom_pct", "2018") == 99
    oggz_gemeenten_2018 = sum(
        t[(BIJLAGE3, "OGGZ", "adviesaanvragen_pct", "2018", g, "")] for g in FLEVOLAND
    )
    oggz_gemeenten_2017 = sum(
        t[(BIJLAGE3, "OGGZ", "adviesaanvragen_pct", "2017", g, "")] for g in FLEVOLAND
    )
    assert oggz_gemeenten_2018 == 101
    assert oggz_gemeenten_2017 == 97
    # Aanleidingen: melders may give several reasons, so these columns exceed 100.
    assert column("OGGZ", "adviesaanvragen_pct", "2018", "TOTAAL") == 214
    assert column("OGGZ", "adviesaanvragen_pct", "2017", "TOTAAL") == 199


def test_capaciteit_file_is_well_formed():
    with CAPACITEIT_CSV.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    assert header == CAPACITEIT_COLUMNS
    assert len(CAPACITEIT) == 8
    codes = gemeentecode_by_name()
    for r in CAPACITEIT:
        assert r["voorziening"] == "MO", r
        assert r["gemeente"].lower() in codes, r
        assert (r["geldig_vanaf"], r["geldig_tot"]) == ("01-01-2018", "31-12-2018"), r
    assert len({r["locatie"] for r in CAPACITEIT}) == 8


# --- 2. every transcribed row against kerncijfers ------------------------------------


@pytest.fixture(scope="module")
def kerncijfers(shipped_warehouse):
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    yield con
    con.close()


def telling(
    con, voorziening, indicator, periode, gemeentecode, dimensie=None, bron=BIJLAGE3,
    perspectief="regio",
):
    """The waarde of one telling in kerncijfers; exactly one row must match."""
    rows = con.execute(
        """
        select waarde
        from kerncijfers
        where bron = ?
          and voorziening = ?
          and indicator = ?
          and periode = ?
          and periode_type = 'jaar'
          and gemeentecode = ?
          and perspectief = ?
          and dimensie is not distinct from ?
          and not demo
        """,
        [bron, voorziening, indicator, periode, gemeentecode, perspectief, dimensie],
    ).fetchall()
    key = (bron, voorziening, indicator, periode, gemeentecode, perspectief, dimensie)
    assert len(rows) == 1, f"expected one kerncijfers row for {key}, found {len(rows)}"
    waarde = rows[0][0]
    assert isinstance(waarde, int | float | Decimal), f"{key}: {waarde!r} is no number"
    return waarde


def capaciteit(con, periode, gemeentecode, perspectief):
    rows = con.execute(
        """
        select waarde
        from kerncijfers
        where bron = 'capaciteit'
          and voorziening = 'MO'
          and indicator = 'capaciteit'
          and periode = ?
          and periode_type = 'jaar'
          and gemeentecode = ?
          and perspectief = ?
          and dimensie is null
          and not demo
        """,
        [periode, gemeentecode, perspectief],
    ).fetchall()
    assert len(rows) == 1, (
        f"expected one capaciteit row for {periode} {gemeentecode} {perspectief}, "
        f"found {len(rows)}"
    )
    return rows[0][0]


@pytest.mark.parametrize("row", TELLINGEN, ids=row_id)
def test_every_transcribed_telling_comes_back(kerncijfers, row):
    expected = whole(row["waarde"])
    found = telling(
        kerncijfers,
        row["voorziening"],
        row["indicator"],
        row["periode"],
        row["gemeente"],
        row["dimensie"] or None,
        bron=row["bron"],
        perspectief=row["perspectief"] or "regio",
    )
    assert found == expected


def test_document_figures_are_not_duplicated_or_invented(kerncijfers):
    """No second row for a transcribed figure, and nothing the document does not print
    under the document's name: the region total the ETL adds where every municipality is
    given (MO herkomst: the table lists all six plus Buiten Flevoland, 286 persons, but
    prints no total) is "afgeleid uit" the document (issue 12, point 4).

    Only the indicators of the transcription count here: figures the ETL may derive
    under new indicator names (a per_10000 of a count, say) are not checked here.
    """
    indicators = sorted({r["indicator"] for r in TELLINGEN})
    rows = kerncijfers.execute(
        """
        select bron, voorziening, indicator, periode, gemeentecode, dimensie, waarde
        from kerncijfers
        where bron in (?, ?)
          and list_contains(?, indicator)
          and periode_type = 'jaar'
        """,
        [BIJLAGE3, PAR22, indicators],
    ).fetchall()
    printed = {
        (r["bron"], r["voorziening"], r["indicator"], r["periode"], r["gemeente"],
         r["dimensie"] or None)
        for r in TELLINGEN
    }
    extra = [r for r in rows if r[:6] not in printed]
    assert extra == []
    assert len(rows) == len(TELLINGEN)
    afgeleid = kerncijfers.execute(
        """
        select bron, voorziening, indicator, periode, gemeentecode, perspectief, waarde
        from kerncijfers
        where starts_with(bron, 'afgeleid uit ') and list_contains(?, indicator)
          and periode_type = 'jaar' and not demo
        """,
        [indicators],
    ).fetchall()
    assert afgeleid == [
        (f"afgeleid uit {BIJLAGE3}", "MO", "clienten", "2018", "TOTAAL", "regio", 286.0)]


def test_capaciteit_per_gemeente_comes_back(kerncijfers):
    codes = gemeentecode_by_name()
    per_gemeente: dict[str, int] = defaultdict(int)
    for r in CAPACITEIT:
        per_gemeente[codes[r["gemeente"].lower()]] += whole(r["plekken"])
    for gemeentecode, plekken in per_gemeente.items():
        assert capaciteit(kerncijfers, "2018", gemeentecode, "verblijf") == plekken, (
            gemeentecode
        )
    assert capaciteit(kerncijfers, "2018", "TOTAAL", "regio") == sum(
        per_gemeente.values()
    )


# --- 3. hand-checked figures, typed over from the document ---------------------------


@pytest.fixture(scope="module")
def fig(kerncijfers):
    """One figure of the document; gemeente defaults to TOTAAL, bron to bijlage 3."""

    def lookup(
        voorziening, indicator, periode, gemeente="TOTAAL", dim=None, bron=BIJLAGE3,
        perspectief="regio",
    ):
        return telling(
            kerncijfers, voorziening, indicator, periode, gemeente, dim, bron, perspectief
        )

    return lookup


def test_e33_meldingen(fig):
    assert fig("E33", "meldingen", "2018", ALMERE) == 956
    assert fig("E33", "meldingen", "2018") == 1944
    assert fig("E33", "meldingen", "2017") == 2022
    assert fig("E33", "meldingen", "2016") == 1518


@pytest.mark.parametrize("periode", ["2018", "2017", "2016"])
def test_e33_gemeenten_sum_to_totaal(kerncijfers, fig, periode):
    (som,) = kerncijfers.execute(
        """
        select sum(waarde)
        from kerncijfers
        where bron = ?
          and voorziening = 'E33'
          and indicator = 'meldingen'
          and periode = ?
          and gemeentecode like 'GM%'
          and dimensie is null
        """,
        [BIJLAGE3, periode],
    ).fetchone()
    assert som == fig("E33", "meldingen", periode)


def test_mo_capaciteit_2018(kerncijfers):
    assert capaciteit(kerncijfers, "2018", "TOTAAL", "regio") == 105
    assert capaciteit(kerncijfers, "2018", ALMERE, "verblijf") == 56
    assert capaciteit(kerncijfers, "2018", LELYSTAD, "verblijf") == 44
    assert capaciteit(kerncijfers, "2018", NOORDOOSTPOLDER, "verblijf") == 5


def test_bw_aantal_per_product_2018(fig):
    assert fig("BW", "aantal_per_product", "2018", dim="product=BW midden") == 339
    assert fig("BW", "aantal_per_product", "2018", dim="product=BW hoog") == 34
    assert fig("BW", "aantal_per_product", "2018", dim="product=Combinatie") == 7
    assert fig("BW", "aantal_per_product", "2018") == 380


def test_vo_crisisopvang_2018(fig):
    assert fig("VO", "clienten", "2018", dim="product=Crisisopvang") == 71
    # the table "Woonplaats van herkomst": by municipality of origin
    assert fig("VO", "clienten", "2018", "BUITEN", dim="product=Crisisopvang",
               perspectief="herkomst") == 45


def test_bw_aanmeldingen_2018(fig):
    totaal = fig("BW", "aanmeldingen", "2018")
    nieuw = fig("BW", "aanmeldingen", "2018", dim="aanmelding_type=Nieuw")
    verlenging = fig("BW", "aanmeldingen", "2018", dim="aanmelding_type=Verlenging")
    assert totaal == 486
    assert nieuw == 260
    assert verlenging == 226
    assert nieuw + verlenging == totaal


def test_mo_uitstroom_vertrokken_2018(fig):
    assert fig("MO", "uitstroom", "2018", dim="bestemming=Vertrokken") == 63


def test_gezinswoningen(fig):
    assert fig("MO", "gezinswoningen", "2018", dim="status=beschikbaar") == 12
    assert fig("MO", "gezinswoningen", "2018", dim="status=te realiseren") == 8
    assert fig("MO", "gezinswoningen", "2018") == 20


def test_par_2_2_counts(fig):
    assert fig("BW", "clienten", "2018", bron=PAR22) == 811
    assert fig("BW", "wachtlijst", "2018", bron=PAR22) == 40
    assert fig("MO", "clienten", "2018", bron=PAR22) == 245
