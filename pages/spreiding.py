"""Spreiding: who houses whose clients, for one voorziening and one quarter."""

import streamlit as st

from monitor import charts, data, filters, labels, ui
from monitor.views import spreiding as view

INDEX_DEFINITIE = (
    "Dissimilariteitsindex D = ½·Σ |aandeel verblijf − aandeel herkomst| over de gemeenten van "
    "de regio, uit de bezetting op de laatste dag van het kwartaal: 0 = elke gemeente vangt "
    "precies haar eigen aandeel op, 1 = volledige scheiding."
)

sel = filters.sidebar()
if sel is None:
    ui.leeg()
    st.stop()

gemeenten = data.gemeenten()
regio = list(gemeenten)
kleuren = charts.gemeente_kleuren(regio)
kwartalen = view.kwartalen_in(data.kwartalen(), sel.van, sel.tot)
if not kwartalen:
    ui.leeg()
    st.stop()

st.title("Spreiding")
st.caption(
    f"Wie vangt wiens cliënten op? {labels.VOORZIENINGEN[sel.voorziening]}"
    f"{' · ' + sel.product if sel.product else ''}. Deze pagina zet herkomst en verblijf naast "
    "elkaar: het perspectieffilter geldt hier niet."
)

keuze_kwartaal, keuze_kaart = st.columns([1, 2])
kwartaal = keuze_kwartaal.selectbox(
    "Kwartaal", list(reversed(kwartalen)), key="spreiding_kwartaal", bind="query-params",
    help="Een kwartaal binnen de gekozen periode; standaard het laatste.",
)
kaart_keuze = keuze_kaart.radio(
    "Kaart kleurt naar", list(view.KAARTEN), horizontal=True, key="spreiding_kaart",
    bind="query-params",
    help="Plekken: de capaciteit in de gemeente. Cliënten: de bezetting van de plekken in de "
    "gemeente (verblijf).",
)
kaart = view.KAARTEN[kaart_keuze]
vorig = data.kwartaal_verschuiven(kwartaal, -1)
per_10000 = " per 10.000 inwoners" if sel.per_10000 else ""
decimalen = 2 if sel.per_10000 else 0
y_titel = "Per 10.000 inwoners" if sel.per_10000 else "Aantal"

# --- evenness of the spreiding: always the whole region, absolute counts -------------------------
st.subheader("Hoe gelijkmatig is de spreiding?")
index_selectie = {"van": data.kwartaal_verschuiven(sel.van, -1), "tot": sel.tot,
                  "gemeenten": regio, "met_totaal": False, "dimensie": sel.dimensie}
reeks = view.index_reeks(
    data.selectie(sel.voorziening, "bezetting", perspectief="verblijf", **index_selectie),
    data.selectie(sel.voorziening, "bezetting", perspectief="herkomst", **index_selectie),
)
index = view.index_kwartaal(reeks, kwartaal, vorig)
waarde, delta = view.index_beschrijving(index)
metric_kolom, trend_kolom = st.columns([1, 2])
metric_kolom.metric(
    "Dissimilariteitsindex", waarde, delta=delta, delta_color="off",
    help=INDEX_DEFINITIE, border=True,
)
metric_kolom.caption(
    "Altijd de hele regio (het gemeentefilter geldt hier niet), in absolute aantallen (per "
    "10.000 geldt niet voor een index). Cliënten van buiten de regio of met onbekende herkomst "
    "tellen niet mee."
)
with trend_kolom:
    index_tabel = view.index_tabel(reeks, sel.van, sel.tot)
    if index_tabel.empty:
        ui.leeg()
    else:
        ui.grafiek(view.index_figuur(index_tabel, "Dissimilariteitsindex per kwartaal",
                                     sel.voorziening),
                   index_tabel, "spreidingsindex-per-kwartaal", INDEX_DEFINITIE, "index")

# --- map and flows: the whole region in the chosen quarter ---------------------------------------
st.subheader(f"Herkomst en verblijf in {kwartaal}")
kaart_kolom, stroom_kolom = st.columns(2)
with kaart_kolom:
    kaart_tabel = view.kaart_tabel(data.selectie(
        sel.voorziening, kaart, van=kwartaal, tot=kwartaal, gemeenten=regio,
        perspectief="verblijf", per_10000=sel.per_10000, met_totaal=False,
        dimensie=sel.dimensie,
    ))
    if kaart_tabel.empty:
        ui.leeg()
    else:
        ui.grafiek(
            view.kaart_figuur(kaart_tabel, data.gemeentegrenzen(), gemeenten,
                              f"{view.KAART_TITELS[kaart]}{per_10000}", decimalen),
            kaart_tabel, f"spreiding-kaart-{kaart}", labels.DEFINITIES[kaart], "kaart",
        )
    st.caption(
        "De kaart toont de hele regio; het gemeentefilter geldt voor de staafdiagrammen. "
        + data.meta().get("bronvermelding", "")
    )
with stroom_kolom:
    stromen = view.stromen(data.selectie(
        sel.voorziening, "bezetting", van=kwartaal, tot=kwartaal, gemeenten=regio,
        perspectief="verblijf", met_totaal=False, dimensie_naam="herkomstgemeente",
    ), gemeenten)
    if stromen.empty:
        ui.leeg()
    else:
        ui.grafiek(
            view.sankey_figuur(stromen, kleuren, "Van herkomstgemeente naar verblijfsgemeente"),
            stromen, "spreiding-stromen",
            "Bezetting op de laatste dag van het kwartaal, naar herkomstgemeente (links) en "
            "verblijfsgemeente (rechts).", "stromen",
        )
    st.caption(
        "Hele regio, alle producten samen (de stromen zijn er niet per product), absolute "
        "aantallen; inclusief cliënten van buiten de regio en met onbekende herkomst."
    )

# --- per municipality: the municipality filter applies -----------------------------------------
per_gemeente = {"van": kwartaal, "tot": kwartaal, "gemeenten": list(sel.gemeenten),
                "met_totaal": False}
st.subheader(f"Per gemeente, {kwartaal}")
bezetting = {
    perspectief: data.selectie(sel.voorziening, "bezetting", perspectief=perspectief,
                               per_10000=sel.per_10000, dimensie=sel.dimensie, **per_gemeente)
    for perspectief in ("herkomst", "verblijf")
}
hv_tabel = view.herkomst_verblijf(bezetting["herkomst"], bezetting["verblijf"])
if hv_tabel.empty:
    ui.leeg()
else:
    ui.grafiek(
        view.herkomst_verblijf_figuur(
            hv_tabel, f"Cliënten uit de gemeente en cliënten in de gemeente{per_10000}",
            y_titel, decimalen),
        hv_tabel, "bezetting-herkomst-verblijf",
        f"{labels.DEFINITIES['bezetting']} Herkomst: waar de cliënt vandaan komt; verblijf: "
        "waar de plek is.", "herkomst_verblijf",
    )

capaciteit_tabel = view.capaciteit_tabel(
    data.selectie(sel.voorziening, "capaciteit", perspectief="verblijf",
                  per_10000=sel.per_10000, dimensie=sel.dimensie, **per_gemeente),
    bezetting["verblijf"],
    None if sel.product else data.selectie(
        sel.voorziening, "bezettingsgraad", perspectief="verblijf", **per_gemeente),
)
if capaciteit_tabel.empty:
    ui.leeg()
else:
    ui.grafiek(
        view.capaciteit_figuur(capaciteit_tabel, f"Capaciteit en bezetting{per_10000}",
                               y_titel, decimalen),
        capaciteit_tabel, "capaciteit-bezettingsgraad",
        f"{labels.DEFINITIES['capaciteit']} {labels.DEFINITIES['bezettingsgraad']}",
        "capaciteit",
    )
    st.caption(
        "Boven de staven: de bezettingsgraad (een verhouding: per 10.000 geldt daar niet)."
        if not sel.product else
        "De bezettingsgraad is er alleen voor alle producten samen."
    )

st.subheader(f"Plekken per locatie, {kwartaal}")
locaties = view.locaties_tabel(data.query(
    "spreiding_locaties", voorziening=sel.voorziening, kwartaal=kwartaal,
    gemeenten=list(sel.gemeenten), product=sel.product,
))
if locaties.empty:
    ui.leeg()
else:
    st.dataframe(
        locaties, hide_index=True, key="locaties_tabel",
        column_config={"Plekken": st.column_config.ProgressColumn(
            "Plekken", format="%d", min_value=0, max_value=view.meeste_plekken(locaties),
        )},
    )
    ui.onder_grafiek(
        locaties, "plekken-per-locatie",
        "Plekken van de locaties die geldig zijn op de laatste dag van het kwartaal. De "
        "bezetting per locatie staat niet in het warehouse; per 10.000 geldt hier niet.",
        "locaties",
    )
