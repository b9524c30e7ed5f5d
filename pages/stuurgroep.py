"""Stuurgroep: the quarter in a few screens for the regional steering group, judged against the
region's goals (config/streefwaarden.toml). Presentation mode shows one screen at a time for a
projector; the browser's print gives one A4 landscape page per screen."""

import streamlit as st

from monitor import data, streefwaarden, ui
from monitor.views import stuurgroep as view

kwartalen = data.kwartalen()
if not kwartalen:
    ui.leeg()
    st.stop()
try:
    config = streefwaarden.laad()
except streefwaarden.StreefwaardenFout as fout:
    st.error(f"De streefwaarden kunnen niet worden gelezen: {fout}", icon=":material/error:")
    st.stop()


def stap(richting: int) -> None:
    """Vorige/Volgende: move the bound screen choice, so the URL follows."""
    st.session_state["sg_scherm"] = view.buur(st.session_state.get("sg_scherm"), richting)


with st.container(key="sg_bediening", horizontal=True, vertical_alignment="bottom", gap="medium"):
    kwartaal = st.selectbox(
        "Kwartaal", list(reversed(kwartalen)), key="sg_kwartaal", bind="query-params",
        width=200, help="Standaard het laatste kwartaal met gegevens.",
    )
    presentatie = st.toggle(
        "Presentatiemodus", key="sg_presentatie", bind="query-params",
        help="Eén scherm tegelijk, grote letters, zonder zijbalk. Bladeren met Vorige/Volgende "
        "of de pijltjestoetsen.",
    )
st.html(view.stijl(presentatie))
st.html(view.PRINT_SCRIPT, unsafe_allow_javascript=True)

publiek = data.bron()[1]  # published figures carry the spreiding series as rows
overzicht = view.overzicht(
    view.reeksen(
        data.query("stuurgroep_reeksen", sleutels=view.kerncijfer_sleutels(publiek)),
        data.query("stuurgroep_spreiding", voorzieningen=list(view.SPREIDING_VOORZIENINGEN),
                   gemeenten=list(data.gemeenten())),
        list(data.gemeenten()),
        gepubliceerd=publiek,
    ),
    config,
    kwartaal,
)
status = data.status(kwartaal)

if presentatie:
    # the first screen until the URL or a click says otherwise (no widget default: the
    # Vorige/Volgende callbacks set this state)
    st.session_state.setdefault("sg_scherm", view.SCHERM_CODES[0])
    with st.container(key="sg_navigatie", horizontal=True, vertical_alignment="center"):
        st.button("Vorige", key="sg_vorige", icon=":material/chevron_left:", shortcut="left",
                  on_click=stap, args=(-1,))
        code = st.segmented_control(
            "Scherm", view.SCHERM_CODES, required=True,
            format_func=lambda c: view.scherm(c).titel, key="sg_scherm", bind="query-params",
            label_visibility="collapsed",
        )
        st.button("Volgende", key="sg_volgende", icon=":material/chevron_right:",
                  icon_position="right", shortcut="right", on_click=stap, args=(1,))
    schermen = [overzicht.scherm(code or view.SCHERM_CODES[0])]
else:
    st.title(f"Stuurgroep {kwartaal}")
    st.badge(status, color="orange" if status == "voorlopig" else "green")
    st.caption(
        "Regio totaal. Pijlen en kleuren zeggen of een verandering gunstig is voor het doel van "
        "de regio, niet of het getal stijgt of daalt. Afdrukken geeft één A4 (liggend) per thema."
    )
    schermen = list(overzicht.schermen)

for inhoud in schermen:
    with st.container(key=f"sg_pagina_{inhoud.code}"):
        st.header(f"{inhoud.titel} · {kwartaal}", anchor=False)
        st.caption(f"{inhoud.scherm.toelichting} Cijfers {status}.")
        if inhoud.code == view.SAMENVATTING:
            if overzicht.zinnen:
                st.markdown("\n".join(f"- {zin}" for zin in overzicht.zinnen))
            else:
                st.info("Voor dit kwartaal is er nog geen eerder kwartaal om mee te vergelijken.",
                        icon=":material/info:")
            st.subheader("Streefwaarden", anchor=False)
            st.markdown("\n".join(f"- {regel}" for regel in overzicht.doelen_regels))
            with st.expander("Streefwaarden en hun bronnen"):
                st.dataframe(overzicht.doelen, hide_index=True, key="sg_doelen")
            st.caption("Richtingen en streefwaarden: config/streefwaarden.toml. Op koers = beter "
                       "dan de streefwaarde.")
            continue
        for kolom, tegel in zip(st.columns(len(inhoud.tegels)), inhoud.tegels, strict=True):
            with kolom.container(border=True):
                st.metric(tegel.titel, tegel.tekst, delta=tegel.delta,
                          delta_color=tegel.delta_kleur,
                          delta_description=tegel.delta_beschrijving, help=tegel.definitie)
                for regel in tegel.regels:
                    st.markdown(regel)
        grafiek = inhoud.scherm.grafiek
        if grafiek is not None:
            if inhoud.tabel is None or inhoud.tabel.empty:
                ui.leeg()
            else:
                ui.grafiek(view.figuur(grafiek, inhoud.tabel, groot=presentatie), inhoud.tabel,
                           grafiek.naam, grafiek.definitie, key=f"sg_{inhoud.code}")
