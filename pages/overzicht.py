"""Overzicht: a quarter at a glance, per voorziening, against the quarter before and a year
earlier, with the status of the figures."""

import streamlit as st

from monitor import data, labels, ui
from monitor.views import tellingen

TEGELS = {
    "BW": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "MO": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "VO": ["bezetting", "instroom", "uitstroom", "wachtlijst"],
    "E33": ["meldingen"],
}

kwartalen = data.kwartalen()
if not kwartalen:
    # a region without trajecten may still have a document's figures (Centraal Gelderland)
    gepubliceerd = tellingen.tabel(data.query("gepubliceerde_tellingen", indicatoren=None))
    if gepubliceerd.empty:
        ui.leeg()
    else:
        st.title("Gepubliceerde cijfers")
        st.caption("Voor deze regio zijn er (nog) geen trajecten aangeleverd, dus geen "
                   "kwartaalcijfers. Wel deze cijfers, zoals de bron ze publiceerde.")
        st.dataframe(ui.tabel_op_scherm(gepubliceerd, frozenset()), hide_index=True,
                     key="gepubliceerde_tellingen")
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
