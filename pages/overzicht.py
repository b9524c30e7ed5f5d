"""Overzicht: the latest quarter at a glance, per voorziening, against the quarter before."""

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
    st.info("Geen gegevens voor deze selectie.")
    st.stop()
kwartaal = kwartalen[-1]

st.title(f"Kerncijfers {kwartaal}")
st.caption(
    f"Regio totaal. {kwartaal} is **voorlopig** tot de volgende levering (late registraties); "
    "eerdere kwartalen zijn definitief. Lijntjes: verloop per kwartaal sinds "
    f"{kwartalen[0]}."
)

for voorziening, indicatoren in TEGELS.items():
    st.subheader(labels.VOORZIENINGEN[voorziening])
    sleutels = [f"{voorziening}/{i}" for i in indicatoren]
    columns = st.columns(4)
    for column, kpi in zip(columns, data.kpis(kwartaal, sleutels, kwartalen[0]), strict=False):
        ui.kpi_tegel(kpi, column)
