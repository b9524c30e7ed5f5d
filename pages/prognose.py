"""Prognose: the expected bezetting and wachtlijst of a voorziening for the next four quarters
(computed in the warehouse), apart from the observed figures and marked as prognose
everywhere, with its back-test on the last eight quarters."""

import streamlit as st

from monitor import data, filters, labels, ui
from monitor.views import prognose as view

sel = filters.sidebar()
if sel is None:
    ui.leeg()
    st.stop()

voorziening = labels.VOORZIENINGEN[sel.voorziening]
st.title(f"Prognose {voorziening.lower()}")
gekozen, publiek = data.bron()
prognose = data.prognose(sel.voorziening)
if prognose is None:
    st.info(view.geen_prognose(publiek, gekozen != data.ACTUEEL), icon=":material/info:")
    st.stop()

eerste, laatste = view.perioden(prognose)
st.caption(
    f"Regio totaal, alle producten · waargenomen vanaf {sel.van} t/m "
    f"{view.basis_kwartaal(prognose)} · prognose {eerste} t/m {laatste}. Gemeenten, product, "
    "perspectief en maat gelden niet voor de prognose."
)
st.warning(f"**Prognose** — {view.UITLEG}", icon=":material/trending_up:")

for indicator in view.INDICATOREN:
    st.header(f"Prognose {labels.indicator(indicator).lower()}")
    ui.teken(view.grafiek(prognose, indicator, sel.van), f"prognose_{indicator}")

st.header("Terugtoets")
for indicator in view.INDICATOREN:
    terugtoets = view.terugtoets_grafiek(prognose, indicator)
    if terugtoets is None:
        st.info(view.GEEN_TERUGTOETS, icon=":material/info:")
        break
    ui.teken(terugtoets, f"prognose_terugtoets_{indicator}")
    st.caption(view.samenvatting(view.terugtoets(prognose, indicator)))
