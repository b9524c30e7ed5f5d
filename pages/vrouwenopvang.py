"""Vrouwenopvang: clients per product, with and without children, and where they come from."""

import streamlit as st

from etl.settings import PRODUCTEN
from monitor import charts, data, filters, labels, ui
from monitor.views import vrouwenopvang as view

VO = "VO"

sel = filters.sidebar(voorziening=VO)
if sel is None:
    ui.leeg()
    st.stop()

st.title("Vrouwenopvang")
st.caption(
    f"{sel.van} t/m {sel.tot}" + (f" · {sel.product}" if sel.product else "")
    + ". Cliënten: in zorg op enig moment in de periode (kwartaal of jaar)."
)
if not sel.gemeenten:
    ui.leeg()
    st.stop()

gemeenten = data.gemeenten()
eenheid = view.kolomnaam("Cliënten", sel.per_10000)
y_titel = view.y_titel(sel.per_10000)
decimalen = 2 if sel.per_10000 else 0
periode = {"van": sel.van, "tot": sel.tot}
regio = {"gemeenten": [], "perspectief": "herkomst"}
definitie_clienten = ("Cliënten: trajecten in zorg op enig moment in de periode "
                      "(ingestroomd vóór het einde en niet uitgestroomd vóór het begin).")

# --- tiles: the last quarter of the selection -------------------------------------------------
kwartaal = sel.tot
tegel_periode = {"van": min(sel.van, data.kwartaal_verschuiven(kwartaal, -4)), "tot": kwartaal}
clienten_regio = data.selectie(VO, "clienten", **tegel_periode, **regio, dimensie=sel.dimensie)
if clienten_regio.empty:
    ui.leeg()
    st.stop()
instroom_regio = data.selectie(VO, "instroom", **tegel_periode, **regio, dimensie=sel.dimensie)
buiten = data.selectie(VO, "clienten", **tegel_periode, gemeenten=[view.BUITEN],
                       perspectief="herkomst", dimensie=sel.dimensie)
kinderen_regio = data.selectie(VO, "clienten", **tegel_periode, **regio,
                               dimensie_naam="met_kinderen")
tegels = [
    view.tegel(clienten_regio, "clienten", kwartaal, sel.van, f"Cliënten regio {kwartaal}",
               uitleg=definitie_clienten),
    view.tegel(instroom_regio, "instroom", kwartaal, sel.van, f"Instroom regio {kwartaal}"),
    view.tegel(view.aandeel_buiten(buiten), "aandeel_buiten", kwartaal, sel.van,
               f"Van buiten de regio {kwartaal}", decimalen=1, procent=True,
               uitleg="Cliënten met herkomst buiten de regio, als deel van alle cliënten."),
    view.tegel(view.aandeel_kinderen(kinderen_regio), "aandeel_kinderen", kwartaal, sel.van,
               f"Met kinderen {kwartaal}", decimalen=1, procent=True,
               uitleg="Cliënten met kinderen, als deel van de cliënten van wie dit bekend is; "
               "alle producten samen (niet per product geregistreerd)."),
]
for kolom, item in zip(st.columns(len(tegels)), tegels, strict=True):
    with kolom.container(border=True):
        st.metric(item.label, item.waarde, delta=item.delta,
                  delta_color=item.delta_kleur(labels.delta_kleur(item.indicator)),
                  help=item.uitleg, chart_data=list(item.reeks) or None)
        st.caption(item.toelichting)

# --- clients per product, and with and without children: per quarter and per year ----------
# (product, kinderen) are single breakdowns in the warehouse: two charts, never crossed
per_product = {"dimensie": sel.dimensie} if sel.product else {"dimensie_naam": "product"}
onderwerpen = {  # subheader and chart title, table column, breakdown, file name
    "product": ("Cliënten per product", "Product", per_product, "vo-clienten-per-product"),
    "kinderen": ("Cliënten met en zonder kinderen", "Kinderen",
                 {"dimensie_naam": "met_kinderen"}, "vo-clienten-met-en-zonder-kinderen"),
}
for kolom, (onderwerp, (titel, kop, dimensie, bestand)) in zip(
    st.columns(2), onderwerpen.items(), strict=True
):
    with kolom:
        st.subheader(titel)
        if sel.per_10000:
            st.caption(labels.REGIO_PER_10000)
        for tab, periode_type in zip(st.tabs(["Per kwartaal", "Per jaar"]),
                                     ("kwartaal", "jaar"), strict=True):
            with tab:
                frame = view.per_onderwerp(
                    onderwerp,
                    data.selectie(VO, "clienten", **periode, **regio, per_10000=sel.per_10000,
                                  periode_type=periode_type, **dimensie),
                    PRODUCTEN[VO],
                )
                if frame.empty:
                    st.info("Geen gegevens voor deze selectie (een jaar telt pas mee als het "
                            "compleet is).", icon=":material/info:")
                    continue
                ui.grafiek(
                    view.fig_categorie(frame, f"{titel} (regio), per {periode_type}", y_titel,
                                       decimalen, view.volgorde(onderwerp, PRODUCTEN[VO])),
                    view.tabel_categorie(frame, kop, eenheid, periode_type),
                    f"{bestand}-per-{periode_type}",
                    definitie_clienten, f"vo_{onderwerp}_{periode_type}",
                )
        if onderwerp == "kinderen" and sel.product:
            st.caption(f"Met/zonder kinderen is niet per product geregistreerd: dit zijn alle "
                       f"producten samen, niet alleen {sel.product}.")

# --- herkomst (incl. outside the region) next to the published table --------------------------
herkomst = sel.perspectief == "herkomst"
links, rechts = st.columns(2)
with links:
    st.subheader("Herkomst" if herkomst else "Verblijf")
    codes = [*sel.gemeenten, view.BUITEN, view.ONBEKEND] if herkomst else list(sel.gemeenten)
    frame = view.per_gemeente(
        data.selectie(VO, "clienten", **periode, gemeenten=codes, perspectief=sel.perspectief,
                      per_10000=sel.per_10000, met_totaal=False, dimensie=sel.dimensie),
        gemeenten,
    )
    kop = "Herkomstgemeente" if herkomst else "Verblijfsgemeente"
    if frame.empty:
        ui.leeg()
    else:
        ui.grafiek(
            view.fig_gemeenten(frame, charts.gemeente_kleuren(gemeenten),
                               f"Cliënten per {kop.lower()}", y_titel, decimalen,
                               gestapeld=not sel.per_10000),
            view.tabel_gemeente(frame, kop, eenheid), f"vo-clienten-per-{kop.lower()}",
            definitie_clienten, "vo_gemeente",
        )
    if herkomst and sel.per_10000:
        st.caption("Buiten de regio en onbekend hebben geen inwonertal: per 10.000 inwoners "
                   "alleen voor de gemeenten van de regio.")
    if not herkomst:
        st.caption("Verblijfsgemeente: alle plekken liggen in de regio. Kies het perspectief "
                   "herkomst om cliënten van buiten de regio te zien.")
with rechts:
    gepubliceerd = data.query(
        "vrouwenopvang_gepubliceerd", voorziening=VO,
        indicatoren=[f"{i}{s}" for i in view.PUBLICATIE_INDICATOREN for s in ("", "_per_10000")],
        gemeenten=[*sel.gemeenten, view.BUITEN, view.ONBEKEND],
    )
    publicatie = view.publicatie(gepubliceerd)
    st.subheader(publicatie.titel)
    if gepubliceerd.empty:
        ui.leeg()
    else:
        st.caption(
            f"Zoals gepubliceerd ({publicatie.bronnen}), niet herberekend en niet vergelijkbaar "
            "met de afgeleide cijfers hiernaast: cliënten in het hele jaar."
            + (" Per 10.000 inwoners: berekend door de monitor uit de gepubliceerde "
               "aantallen." if sel.per_10000 else "")
        )
        producten = view.gepubliceerd_per_product(gepubliceerd, PRODUCTEN[VO], sel.per_10000,
                                                  sel.product)
        st.markdown("**Regio, per product**")
        st.dataframe(producten, hide_index=True, key="vo_gepubliceerd_product_tabel")
        ui.onder_grafiek(producten, "vo-gepubliceerd-per-product",
                         "Cliënten vrouwenopvang per product, met kinderen en alleenstaand, "
                         "zoals gepubliceerd.", "vo_gepubliceerd_product")
        per_gemeente = view.gepubliceerd_per_gemeente(
            gepubliceerd, gemeenten, PRODUCTEN[VO], sel.per_10000, sel.product)
        st.markdown("**Per gemeente, incl. buiten de regio**")
        st.dataframe(per_gemeente, hide_index=True, key="vo_gepubliceerd_gemeente_tabel")
        ui.onder_grafiek(per_gemeente, "vo-gepubliceerd-per-gemeente",
                         "Cliënten vrouwenopvang per gemeente en product, zoals gepubliceerd.",
                         "vo_gepubliceerd_gemeente")
