"""Uitstroom: where clients of the chosen voorziening go, how long they stayed, the yearly
uitstroom percentage, and how much uitstroom leaves a place in the client's own municipality."""

import streamlit as st

from monitor import data, filters, ui
from monitor.views import instroom as selectie
from monitor.views import tellingen
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
if toelichting := selectie.regio_toelichting(keuze, sel.per_10000):
    st.caption(toelichting)
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

st.subheader("Weer Thuis: uitstroom naar de eigen gemeente")
st.caption(
    "De regio wil dat cliënten na hun verblijf weer gaan wonen in hun eigen gemeente "
    "(Bestuurlijk Akkoord Weer Thuis). Het aandeel van de uitstroom met een bekende "
    "woongemeente na uitstroom dat in de herkomstgemeente woont. Altijd naar herkomstgemeente, "
    "ook als het perspectief verblijf is gekozen; een aandeel, dus niet per 10.000 inwoners."
)
reden = view.weer_thuis_reden(bron, sel)
if reden:
    st.info(reden, icon=":material/info:")
else:
    ui.teken(view.grafiek_weer_thuis(bron, keuze, sel), "weer_thuis")
    ui.teken(view.grafiek_weer_thuis_per_gemeente(bron, keuze, sel, gemeenten),
             "weer_thuis_gemeenten")

st.subheader("Housing First, Woonstart en logeerplekken")
st.caption(
    "Wat de regio doet om uitstroom mogelijk te maken en terugval te voorkomen, zoals de "
    "gemeenten het publiceerden (niet afgeleid uit de trajecten, voor alle voorzieningen)."
)
aanbod = tellingen.tabel(bron.aanbod)
if aanbod.empty:
    st.info("Hierover zijn nog geen cijfers aangeleverd.", icon=":material/info:")
else:
    st.dataframe(ui.tabel_op_scherm(aanbod, frozenset()), hide_index=True, key="aanbod")

st.subheader("Uitstroom uit een plek in de eigen gemeente")
st.caption(
    "Per herkomstgemeente het deel van de uitstroom dat vertrok uit een plek in die gemeente "
    "zelf. Dat zegt iets over opvang dicht bij huis, niet over waar iemand daarna woont (dat "
    "is Weer Thuis, hierboven). Altijd naar herkomstgemeente, ook als het perspectief verblijf "
    "is gekozen; aantallen, dus niet per 10.000 inwoners."
)
ui.teken(view.grafiek_eigen_gemeente(bron, sel, gemeenten), "uitstroom_eigen_gemeente")
