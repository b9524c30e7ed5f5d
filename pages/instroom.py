"""Instroom: aanmeldingen and instroom of the chosen voorziening per quarter, by product,
cluster and municipality, and the yearly instroom percentage."""

import streamlit as st

from monitor import data, filters, ui
from monitor.views import instroom as view

sel = filters.sidebar()
if sel is None or not sel.gemeenten:
    ui.leeg()
    st.stop()
gemeenten = data.gemeenten()
keuze = view.keuze(sel.gemeenten, gemeenten)
bron = view.gegevens(sel)
if not bron.periodes:
    ui.leeg()
    st.stop()


st.title("Instroom")
st.caption(sel.beschrijving)

for kolom, tegel in zip(st.columns(4), view.tegels(bron, keuze, sel), strict=True):
    kolom.metric(tegel.label, tegel.waarde, delta=tegel.delta, delta_color=tegel.delta_kleur,
                 help=tegel.uitleg, border=True)
toelichting = view.ratio_toelichting(keuze, "Instroompercentage")
if toelichting:
    st.caption(toelichting)

st.subheader("Aanmeldingen en instroom")
if sel.perspectief == "verblijf":
    st.info(
        "Een aanmelding heeft nog geen plek en dus geen verblijfsgemeente: de aanmeldingen "
        "staan hieronder naar **herkomstgemeente**, de instroom naar verblijfsgemeente.",
        icon=":material/info:",
    )
if toelichting := view.regio_toelichting(keuze, sel.per_10000):
    st.caption(toelichting)
ui.teken(view.grafiek_aanmeldingen(bron, keuze, sel), "instroom_aanmeldingen")

st.subheader("Instroom naar product" + (" en cluster" if sel.voorziening == "BW" else ""))
ui.teken(view.grafiek_product(bron, keuze, sel), "instroom_product")
if sel.voorziening == "BW":
    ui.teken(view.grafiek_cluster(bron, keuze, sel), "instroom_cluster")

st.subheader("Instroom per gemeente")
ui.teken(view.grafiek_gemeenten(bron, sel, gemeenten), "instroom_gemeenten")

st.subheader("Instroompercentage per jaar")
st.caption("Alleen volledige jaren. Per 10.000 inwoners is hier niet van toepassing: het is "
           "een percentage.")
ui.teken(view.grafiek_percentage(bron, sel, gemeenten), "instroom_pct")
