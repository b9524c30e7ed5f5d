"""Overzicht: a quarter at a glance, per voorziening, against the quarter before and a year
earlier, with the status of the figures."""

import streamlit as st

from monitor import data, labels, ui

TEGELS = {
    "BW": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "MO": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "VO": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "E33": ["meldingen"],
}

kwartalen = data.kwartalen()
if not kwartalen:
    ui.leeg()
    st.stop()

kwartaal = st.selectbox(
    "Kwartaal", list(reversed(kwartalen)), key="kwartaal", bind="query-params",
    help="Standaard het laatste kwartaal met gegevens.",
)
status = data.status(kwartaal)
st.title(f"Kerncijfers {kwartaal}")
st.badge(status, color="orange" if status == "voorlopig" else "green")
st.caption(
    f"Regio totaal. Het laatste kwartaal ({kwartalen[-1]}) is **voorlopig** tot de volgende "
    "levering: late registraties kunnen het nog veranderen. Eerdere kwartalen zijn "
    f"definitief. Lijntjes: verloop per kwartaal sinds {kwartalen[0]}."
)

for voorziening, indicatoren in TEGELS.items():
    st.subheader(labels.VOORZIENINGEN[voorziening])
    sleutels = [f"{voorziening}/{i}" for i in indicatoren]
    columns = st.columns(4)
    for column, kpi in zip(columns, data.kpis(kwartaal, sleutels, kwartalen[0]), strict=False):
        ui.kpi_tegel(kpi, column)
