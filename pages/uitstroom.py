"""Uitstroom: where clients of the chosen voorziening go, how long they stayed, the yearly
uitstroom percentage, and how much uitstroom leaves a place in the client's own municipality."""

import streamlit as st

from monitor import data, filters, ui
from monitor.views import instroom as selectie
from monitor.views import uitstroom as view

sel = filters.sidebar()
if sel is None or not sel.gemeenten:
    ui.leeg()
    st.stop()
gemeenten = data.gemeenten()
keuze = selectie.keuze(sel.gemeenten, gemeenten)
bron = view.gegevens(sel, gemeenten)
if not bron.periodes:
    ui.leeg()
    st.stop()


st.title("Uitstroom")
st.caption(sel.beschrijving)

for kolom, tegel in zip(st.columns(4), view.tegels(bron, keuze, sel), strict=True):
    kolom.metric(tegel.label, tegel.waarde, delta=tegel.delta, delta_color=tegel.delta_kleur,
                 help=tegel.uitleg, border=True)
toelichting = selectie.ratio_toelichting(keuze, "Mediane verblijfsduur en uitstroompercentage")
if toelichting:
    st.caption(toelichting)

st.subheader("Uitstroom naar bestemming")
if keuze.regio:
    st.caption("Regio totaal: alle cliënten, ook die van buiten de regio of met onbekende "
               "herkomst.")
ui.teken(view.grafiek_bestemming(bron, keuze, sel), "uitstroom_bestemming")

st.subheader("Verblijfsduur")
st.caption("In dagen en in klassen: per 10.000 inwoners is hier niet van toepassing.")
links, rechts = st.columns(2)
with links:
    ui.teken(view.grafiek_mediaan(bron, sel, gemeenten), "uitstroom_mediaan")
with rechts:
    ui.teken(view.grafiek_verdeling(bron, keuze, sel), "uitstroom_verdeling")

st.subheader("Uitstroompercentage per jaar")
st.caption("Alleen volledige jaren. Per 10.000 inwoners is hier niet van toepassing: het is "
           "een percentage.")
ui.teken(view.grafiek_percentage(bron, sel, gemeenten), "uitstroom_pct")

st.subheader("Uitstroom uit een plek in de eigen gemeente")
st.caption(
    "De regio wil dat cliënten na hun verblijf terugkeren naar hun eigen gemeente "
    "(\"Weer Thuis\"). Dat is met deze gegevens **niet te meten**: het datacontract kent geen "
    "woongemeente na uitstroom, alleen een bestemming (zoals zelfstandig wonen). Wat wel kan: "
    "per herkomstgemeente het deel van de uitstroom dat vertrok uit een plek in die gemeente "
    "zelf. Dat zegt iets over opvang dicht bij huis, niet over waar iemand daarna woont. Altijd "
    "naar herkomstgemeente, ook als het perspectief verblijf is gekozen; aantallen, dus niet "
    "per 10.000 inwoners."
)
ui.teken(view.grafiek_eigen_gemeente(bron, sel, gemeenten), "uitstroom_eigen_gemeente")
