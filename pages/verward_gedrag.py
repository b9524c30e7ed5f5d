"""Verward gedrag (E33): meldingen per municipality since 2016, next to OGGZ adviesaanvragen."""

import streamlit as st

from monitor import charts, data, filters, labels, ui
from monitor.views import verward_gedrag as view

sel = filters.sidebar()
if sel is None:
    ui.leeg()
    st.stop()

st.title("Verward gedrag (E33)")
st.caption(
    f"{sel.van} t/m {sel.tot}. Op deze pagina gelden de filters **periode**, **gemeenten** en "
    "**maat**. Voorziening, product en perspectief gelden hier niet: politie en GGD tellen "
    "meldingen en adviesaanvragen per gemeente."
)
if not sel.gemeenten:
    ui.leeg()
    st.stop()

gemeenten = data.gemeenten()
kleuren = charts.gemeente_kleuren(gemeenten)
meldingen = view.kolomnaam("Meldingen", sel.per_10000)
adviesaanvragen = view.kolomnaam("Adviesaanvragen", sel.per_10000)
y_titel = view.y_titel(sel.per_10000)
decimalen = 2 if sel.per_10000 else 0
kwartaal = sel.tot
jaar = view.laatste_volledige_jaar(kwartaal)
periode = {"van": sel.van, "tot": sel.tot}
gekozen = {"gemeenten": list(sel.gemeenten), "perspectief": "regio", "per_10000": sel.per_10000}

# --- tiles: region totals ---------------------------------------------------------------------
kwartalen_regio = data.selectie(
    "E33", "meldingen", van=min(sel.van, data.kwartaal_verschuiven(kwartaal, -4)), tot=kwartaal,
    gemeenten=[], perspectief="regio",
)
jaren_regio = view.jaren(
    data.query("verward_gedrag_jaren", voorziening="E33", indicatoren=["meldingen"],
               van=view.VANAF, tot=jaar, gemeenten=[]),
    gemeenten,
)
if kwartalen_regio.empty and jaren_regio.empty:
    ui.leeg()
    st.stop()
tegels = [
    view.tegel_kwartaal(kwartalen_regio, kwartaal, sel.van, f"E33-meldingen regio {kwartaal}"),
    view.tegel_jaar(jaren_regio, jaar, "meldingen", f"E33-meldingen regio {jaar}"),
]
for kolom, item in zip(st.columns(len(tegels)), tegels, strict=True):
    with kolom.container(border=True):
        st.metric(item.label, item.waarde, delta=item.delta, delta_color="off",
                  help=item.uitleg, chart_data=list(item.reeks) or None)
        st.caption(item.toelichting)

# --- E33 per year since the first published year, then per quarter ---------------------------
st.subheader("E33-meldingen")
jaren = view.jaren(
    data.query("verward_gedrag_jaren", voorziening="E33",
               indicatoren=["meldingen_per_10000" if sel.per_10000 else "meldingen"],
               van=view.VANAF, tot=kwartaal[:4], gemeenten=list(sel.gemeenten)),
    gemeenten,
)
if jaren.empty:
    ui.leeg()
else:
    ui.grafiek(
        view.fig_jaren(jaren, kleuren, "E33-meldingen per jaar", y_titel, decimalen),
        view.tabel_jaren(jaren, meldingen), "e33-meldingen-per-jaar",
        f"{labels.DEFINITIES['meldingen']} {view.bijschrift_jaren(jaren)}", "e33_jaar",
    )
    st.caption(
        "Vanaf maart 2020 registreert de politie ook lichtere meldingen als E33: cijfers vanaf "
        "2020 zijn niet zonder meer vergelijkbaar met eerdere jaren. De jaargrafiek begint bij "
        "het eerste gepubliceerde jaar; de periodefilter bepaalt het laatste jaar."
    )

e33 = view.per_gemeente(data.selectie("E33", "meldingen", **periode, **gekozen), gemeenten)
if e33.empty:
    ui.leeg()
else:
    ui.grafiek(
        view.fig_kwartalen(e33, kleuren, "E33-meldingen per kwartaal", y_titel, decimalen,
                           voorzieningen=("E33",)),
        view.tabel_gemeente(e33, meldingen), "e33-meldingen-per-kwartaal",
        f"{labels.DEFINITIES['meldingen']} 2020-K1 bevat al een maand (maart) met de nieuwe "
        "registratie.", "e33_kwartaal",
    )

# --- OGGZ adviesaanvragen -----------------------------------------------------------------
st.subheader("OGGZ-adviesaanvragen")
links, rechts = st.columns(2)
with links:
    oggz = view.per_gemeente(data.selectie("OGGZ", "adviesaanvragen", **periode, **gekozen),
                             gemeenten)
    if oggz.empty:
        ui.leeg()
    else:
        ui.grafiek(
            view.fig_kwartalen(oggz, kleuren, "Adviesaanvragen per kwartaal", y_titel,
                               decimalen),
            view.tabel_gemeente(oggz, adviesaanvragen), "oggz-adviesaanvragen-per-kwartaal",
            labels.DEFINITIES["adviesaanvragen"], "oggz_kwartaal",
        )
with rechts:
    st.markdown("**Gepubliceerde jaarcijfers**")
    gepubliceerd = view.oggz_gepubliceerd(
        data.query("verward_gedrag_jaren", voorziening="OGGZ",
                   indicatoren=["adviesaanvragen_pct", "adviesaanvragen_per_10000"],
                   van=view.VANAF, tot=kwartaal[:4], gemeenten=list(sel.gemeenten)),
        gemeenten,
    )
    if gepubliceerd.empty:
        ui.leeg()
    else:
        st.dataframe(gepubliceerd, hide_index=True, key="oggz_gepubliceerd_tabel")
        ui.onder_grafiek(
            gepubliceerd, "oggz-adviesaanvragen-gepubliceerd",
            "Zoals gepubliceerd, niet herberekend: aandeel van de gemeente in de adviesaanvragen "
            "van de regio, en adviesaanvragen per 10.000 inwoners (afgerond).",
            "oggz_gepubliceerd",
        )
