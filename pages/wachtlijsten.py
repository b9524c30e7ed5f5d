"""Wachtlijsten: who waits at the end of each quarter, how long, against how many free places."""

import streamlit as st

from etl.settings import CLUSTERS, PRODUCTEN
from monitor import charts, data, filters, labels, ui
from monitor.views import wachtlijsten as view

sel = filters.sidebar()
if sel is None:
    ui.leeg()
    st.stop()

voorziening = labels.VOORZIENINGEN[sel.voorziening]
st.title("Wachtlijsten")
st.caption(
    f"{voorziening} · {sel.van} t/m {sel.tot}"
    + (f" · {sel.product}" if sel.product else "")
    + ". De wachtlijst is de stand op de laatste dag van elk kwartaal."
)
if not sel.gemeenten:
    ui.leeg()
    st.stop()

eenheid = view.kolomnaam("Wachtlijst", sel.per_10000)
y_titel = view.y_titel(sel.per_10000)
decimalen = 2 if sel.per_10000 else 0
periode = {"van": sel.van, "tot": sel.tot}
regio = {"gemeenten": [], "perspectief": "herkomst"}

# --- tiles: the last quarter of the selection, against the quarter and the year before -------
kwartaal = sel.tot
tegel_periode = {"van": min(sel.van, data.kwartaal_verschuiven(kwartaal, -4)), "tot": kwartaal}
wachtlijst_regio = data.selectie(sel.voorziening, "wachtlijst", **tegel_periode, **regio,
                                 dimensie=sel.dimensie)
if wachtlijst_regio.empty:
    ui.leeg()
    st.stop()
mediaan_regio = data.selectie(sel.voorziening, "wachttijd_mediaan_dagen", **tegel_periode,
                              **regio, dimensie=sel.dimensie)
# capacity is registered per product for some products only: otherwise the voorziening total
capaciteit_dimensie = sel.dimensie
capaciteit = data.selectie(sel.voorziening, "capaciteit", **tegel_periode, **regio,
                           dimensie=capaciteit_dimensie)
if capaciteit.empty and sel.product:
    capaciteit_dimensie = None
    capaciteit = data.selectie(sel.voorziening, "capaciteit", **tegel_periode, **regio)
bezetting = data.selectie(sel.voorziening, "bezetting", **tegel_periode, **regio,
                          dimensie=capaciteit_dimensie)
wachtlijst_vrij = (
    wachtlijst_regio if capaciteit_dimensie == sel.dimensie
    else data.selectie(sel.voorziening, "wachtlijst", **tegel_periode, **regio)
)
vrij_alles = view.vrije_plekken(wachtlijst_vrij, capaciteit, bezetting)

tegels = [
    view.tegel(wachtlijst_regio, "wachtlijst", kwartaal, sel.van, f"Wachtlijst regio {kwartaal}"),
    view.tegel(mediaan_regio, "wachttijd_mediaan_dagen", kwartaal, sel.van,
               f"Wachttijd mediaan {kwartaal} (dagen)", decimalen=1),
    view.tegel(view.reeks_vrij(vrij_alles), "vrije_plekken", kwartaal, sel.van,
               f"Vrije plekken regio {kwartaal}",
               uitleg="Capaciteit min bezetting op de laatste dag van het kwartaal."),
]
for kolom, item in zip(st.columns(len(tegels)), tegels, strict=True):
    with kolom.container(border=True):
        st.metric(item.label, item.waarde, delta=item.delta,
                  delta_color=item.delta_kleur(labels.delta_kleur(item.indicator)),
                  help=item.uitleg, chart_data=list(item.reeks) or None)
        st.caption(item.toelichting)
if capaciteit_dimensie != sel.dimensie:
    st.caption(f"Capaciteit is niet per product geregistreerd voor {sel.product}: vrije plekken "
               f"en de wachtlijst ernaast gelden voor heel {voorziening.lower()}.")

# --- by product and cluster -----------------------------------------------------------------
# one product chosen: its own bars; otherwise every product stacked
per_product = {"dimensie": sel.dimensie} if sel.product else {"dimensie_naam": "product"}
links, rechts = st.columns(2)
with links:
    producten = view.per_categorie(
        data.selectie(sel.voorziening, "wachtlijst", **periode, **regio,
                      per_10000=sel.per_10000, **per_product),
        PRODUCTEN[sel.voorziening],
    )
    if producten.empty:
        ui.leeg()
    else:
        if sel.per_10000:
            st.caption(labels.REGIO_PER_10000)
        ui.grafiek(
            view.met_streefwaarde(
                view.fig_categorie(producten, "Wachtlijst per product (regio)", y_titel,
                                   decimalen, PRODUCTEN[sel.voorziening], sel.voorziening),
                sel.voorziening, sel.per_10000, sel.dimensie),
            view.tabel_categorie(producten, "Product", eenheid),
            "wachtlijst-per-product", labels.DEFINITIES["wachtlijst"], "wl_product",
        )
with rechts:
    clusters = view.per_categorie(
        data.selectie(sel.voorziening, "wachtlijst", **periode, **regio,
                      per_10000=sel.per_10000, dimensie_naam="cluster"),
        CLUSTERS,
    )
    if clusters.empty:
        st.info(f"Voor {voorziening.lower()} wordt geen cluster geregistreerd.",
                icon=":material/info:")
    else:
        ui.grafiek(
            view.fig_categorie(clusters, "Wachtlijst per cluster (regio)", y_titel,
                               decimalen, CLUSTERS, sel.voorziening),
            view.tabel_categorie(clusters, "Cluster", eenheid),
            "wachtlijst-per-cluster", labels.DEFINITIES["wachtlijst"], "wl_cluster",
        )
        if sel.product:
            st.caption("Cluster en product zijn niet gekruist beschikbaar: dit zijn alle "
                       "producten samen.")

# --- by herkomstgemeente ----------------------------------------------------------------------
if sel.perspectief == "verblijf":
    st.info("De wachtlijst kent geen verblijfsgemeente: een wachtende cliënt heeft nog geen "
            "plek. Hieronder staat daarom de herkomstgemeente.", icon=":material/info:")
gemeenten = data.gemeenten()
herkomst = view.per_gemeente(
    data.selectie(sel.voorziening, "wachtlijst", **periode, gemeenten=list(sel.gemeenten),
                  perspectief="herkomst", per_10000=sel.per_10000, dimensie=sel.dimensie),
    gemeenten,
)
if herkomst.empty:
    ui.leeg()
else:
    ui.grafiek(
        view.met_streefwaarde(
            view.fig_gemeenten(herkomst, charts.gemeente_kleuren(gemeenten),
                               "Wachtlijst per herkomstgemeente", y_titel, decimalen,
                               sel.voorziening),
            sel.voorziening, sel.per_10000, sel.dimensie),
        view.tabel_gemeente(herkomst, eenheid),
        "wachtlijst-per-herkomstgemeente", labels.DEFINITIES["wachtlijst"], "wl_herkomst",
    )

# --- wachttijd and free places --------------------------------------------------------------
links, rechts = st.columns(2)
with links:
    wachttijd = view.wachttijd(
        data.selectie(sel.voorziening, "wachttijd_mediaan_dagen", **periode, **regio,
                      dimensie=sel.dimensie),
        data.selectie(sel.voorziening, "wachttijd_p90_dagen", **periode, **regio,
                      dimensie=sel.dimensie),
    )
    if wachttijd.empty:
        ui.leeg()
    else:
        ui.grafiek(
            view.fig_wachttijd(wachttijd, "Wachttijd tot instroom (regio)", sel.voorziening),
            view.tabel_wachttijd(wachttijd), "wachttijd",
            f"{labels.DEFINITIES['wachttijd_mediaan_dagen']} Het 90e percentiel: 9 op de 10 "
            "wachtten korter.", "wl_wachttijd",
        )
        if sel.per_10000:
            st.caption("Per 10.000 inwoners is niet van toepassing op een wachttijd: dagen.")
with rechts:
    vrij = view.in_periode(vrij_alles, sel.van, sel.tot)
    if vrij.empty:
        ui.leeg()
    else:
        ui.grafiek(
            # the wachtlijst next to the free places is the whole voorziening's when the
            # capacity is (always in people)
            view.met_streefwaarde(
                view.fig_vrij(vrij, "Wachtlijst en vrije plekken (regio)", sel.voorziening),
                sel.voorziening, False, capaciteit_dimensie),
            view.tabel_vrij(vrij), "wachtlijst-en-vrije-plekken",
            "Vrije plekken: capaciteit min bezetting op de laatste dag van het kwartaal; "
            "negatief betekent meer cliënten dan geregistreerde plekken.", "wl_vrij",
        )
        if view.vrij_ontbreekt(vrij):
            st.caption("Zonder geregistreerde capaciteit in een kwartaal ontbreken daar de vrije "
                       "plekken.")
        if sel.per_10000:
            st.caption("Altijd absolute aantallen: het gaat om plekken tegenover wachtenden.")
