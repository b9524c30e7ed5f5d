"""Dutch numbers in the table under a chart and in its downloads (issue 11, point 3): the table
shows `1.944`, `3,5`, `62,5%` and a count whole, and still sorts by value; the CSV is for a
Dutch Excel (`;`, decimal comma, BOM); the XLSX keeps numbers as numeric cells."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from monitor import fmt, ui

TEKENS = frozenset({"<5", "x"})


def frame() -> pd.DataFrame:
    """A chart's table as the publieksversie hands it over: a count column with a hidden
    figure's marks and a missing figure, a percentage, an index with four decimals."""
    return pd.DataFrame({
        "Periode": ["2024-K1", "2024-K2", "2024-K3", "2024-K4", "2025-K1"],
        "Gemeente": ["Almere", "Lelystad", "Dronten", "Zeewolde", "Urk"],
        "Waarde": [1944.0, "<5", np.nan, 50.0, "x"],
        "Aandeel (%)": [62.5, 3.5, np.nan, 100.0, 0.0],
        "Index": [0.0907, 0.1, 1.0, np.nan, 2.5],
    })


def getoond(styler) -> list[list[str]]:
    """The text of every cell as the table shows it."""
    styler._compute()
    return [[cel["display_value"] for cel in rij[1:]] for rij in styler._translate(False, False)[
        "body"]]


def test_the_table_under_a_chart_shows_dutch_numbers_marks_and_a_dash():
    assert getoond(ui.tabel_op_scherm(frame(), TEKENS)) == [
        ["2024-K1", "Almere", "1.944", "62,5%", "0,0907"],
        ["2024-K2", "Lelystad", "<5", "3,5%", "0,1000"],
        ["2024-K3", "Dronten", "–", "–", "1,0000"],
        ["2024-K4", "Zeewolde", "50", "100,0%", "–"],
        ["2025-K1", "Urk", "x", "0,0%", "2,5000"],
    ]


def test_the_table_text_comes_from_fmt():
    # one formatter: the table's numbers are fmt.getal / fmt.procent with the column's decimals
    assert fmt.decimalen([1944.0, "<5", np.nan, 50.0, "x"]) == 0
    assert fmt.decimalen([62.5, 3.5, 100.0]) == 1
    assert fmt.decimalen([83.49, 50.0]) == 2
    assert fmt.decimalen([0.0907, 1.0]) == 4
    assert fmt.getal(1944.0, 0) == "1.944" and fmt.procent(62.5, 1) == "62,5%"


def test_the_table_sorts_by_value_not_by_text():
    styler = ui.tabel_op_scherm(frame(), TEKENS)
    onder = styler.data
    # the cells underneath are numbers: a mark and a missing figure are empty numbers
    assert pd.api.types.is_float_dtype(onder["Waarde"])
    assert onder["Waarde"].tolist()[::3] == [1944.0, 50.0]
    assert onder["Waarde"].isna().tolist() == [False, True, True, False, True]
    # as text '1.944' < '50'; as numbers 50 < 1944, which is what a click on the header gives
    assert onder.sort_values("Waarde")["Gemeente"].tolist()[:2] == ["Zeewolde", "Almere"]
    # the table given to the chart is not changed
    assert frame()["Waarde"].tolist()[1] == "<5"


def test_a_table_without_marks_keeps_its_numbers_and_its_text_columns():
    tabel = pd.DataFrame({"Jaar": ["2019", "2020"], "Product": ["BW midden", "x"],
                          "Aantal": [48, 1200], "Leeg": [np.nan, np.nan]})
    styler = ui.tabel_op_scherm(tabel, TEKENS)
    # 'x' in a column of words is a word, not a mark; an all-empty column shows dashes
    assert getoond(styler) == [["2019", "BW midden", "48", "–"],
                               ["2020", "x", "1.200", "–"]]
    assert styler.data["Aantal"].tolist() == [48, 1200]


def test_streamlit_shows_the_dutch_text_over_numeric_cells():
    def app():
        import numpy as np
        import pandas as pd
        import streamlit as st

        from monitor import ui

        tabel = pd.DataFrame({"Periode": ["2024-K1", "2024-K2", "2024-K3"],
                              "Waarde": [1944.0, "<5", np.nan],
                              "Aandeel (%)": [62.5, 3.5, np.nan]})
        st.dataframe(ui.tabel_op_scherm(tabel, frozenset({"<5", "x"})), hide_index=True)

    at = AppTest.from_function(app).run()
    assert not at.exception
    (tabel,) = at.dataframe
    assert pd.api.types.is_float_dtype(tabel.value["Waarde"])
    tekst = dataframe_util.convert_arrow_bytes_to_pandas_df(
        tabel.proto.arrow_data.styler.display_values)
    assert tekst["Waarde"].tolist() == ["1.944", "<5", "–"]
    assert tekst["Aandeel (%)"].tolist() == ["62,5%", "3,5%", "–"]


def test_the_csv_is_for_a_dutch_excel():
    csv, _ = ui.tabel_bestanden(frame(), "instroom")
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the ë of Cliënten
    assert csv.decode("utf-8-sig").splitlines() == [
        "Periode;Gemeente;Waarde;Aandeel (%);Index",
        "2024-K1;Almere;1944;62,5;0,0907",  # no thousands separator: a file, not a page
        "2024-K2;Lelystad;<5;3,5;0,1",
        "2024-K3;Dronten;;;1",  # a missing figure is an empty cell
        "2024-K4;Zeewolde;50;100;",  # a count is 50, never 50,0
        "2025-K1;Urk;x;0;2,5",
    ]
    # read back as a Dutch spreadsheet would: the same numbers
    terug = pd.read_csv(io.BytesIO(csv), sep=";", decimal=",", encoding="utf-8-sig")
    assert terug["Aandeel (%)"].tolist()[:2] == [62.5, 3.5]
    assert terug["Index"].tolist()[0] == 0.0907


def test_a_numeric_column_in_the_csv_has_whole_counts_and_decimal_commas():
    tabel = pd.DataFrame({"Periode": ["2024-K1", "2024-K2"], "Instroom": [50.0, 1944.0],
                          "Per 10.000 inwoners": [2.44, np.nan], "Plekken": [12, 7]})
    csv, _ = ui.tabel_bestanden(tabel, "t")
    assert csv.decode("utf-8-sig").splitlines() == [
        "Periode;Instroom;Per 10.000 inwoners;Plekken",
        "2024-K1;50;2,44;12",
        "2024-K2;1944;;7",
    ]


def test_the_xlsx_keeps_numbers_as_numbers_with_a_number_format():
    _, xlsx = ui.tabel_bestanden(frame(), "instroom")
    blad = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    kop = [c.value for c in blad[1]]
    assert kop == ["Periode", "Gemeente", "Waarde", "Aandeel (%)", "Index"]
    waarde = [blad.cell(r, 3) for r in range(2, 7)]
    assert [c.value for c in waarde] == [1944, "<5", None, 50, "x"]
    assert [c.data_type for c in waarde] == ["n", "s", "n", "n", "s"]
    # Excel draws the separators of the reader's locale: 1.944 in a Dutch Excel
    assert waarde[0].number_format == waarde[3].number_format == "#,##0"
    aandeel = [blad.cell(r, 4) for r in range(2, 7)]
    assert [c.value for c in aandeel] == [62.5, 3.5, None, 100, 0]
    assert aandeel[0].number_format == '#,##0.0"%"'
    assert blad.cell(2, 5).value == 0.0907 and blad.cell(2, 5).number_format == "#,##0.0000"
    # text stays text
    assert blad.cell(2, 1).data_type == "s" and blad.cell(2, 1).number_format == "General"


def test_a_moment_in_dutch_time_and_words():
    # winter: UTC+1; summer: UTC+2 (the warehouse records UTC)
    assert fmt.tijdstip("2026-12-07T17:07:42+00:00") == "7 december 2026 om 18:07"
    assert fmt.tijdstip("2026-07-01T08:30:00+00:00") == "1 juli 2026 om 10:30"
