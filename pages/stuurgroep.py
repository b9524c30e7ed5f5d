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
    """Vorige/Volgende: move the screen choice (the link follows below)."""
    st.session_state["sg_scherm"] = view.buur(st.session_state.get("sg_scherm"), richting)


with st.container(key="sg_bediening", horizontal=True, vertical_alignment="bottom", gap="medium"):
    # the switch first: after 'Naar de inhoud' (the first Tab stop) it is the next one
    presentatie = st.toggle(
        "Presentatiemodus", key="sg_presentatie", bind="query-params",
        help="Eén scherm tegelijk, passend op een beamer, zonder zijbalk. Bladeren met "
        "Vorige/Volgende of de pijltjestoetsen (← →). Een link opent direct een scherm, "
        "bijvoorbeeld `?sg_presentatie=true&sg_scherm=bw`. De codes van de schermen: "
        f"{view.scherm_codes_tekst()}.",
    )
    kwartaal = st.selectbox(
        "Kwartaal", list(reversed(kwartalen)), key="sg_kwartaal", bind="query-params",
        width=200, help="Standaard het laatste kwartaal met gegevens.",
    )
    if presentatie:
        # The link names the screen by its code (?sg_scherm=bw), kept in step by hand: a
        # widget bound to the link would write its label there. The link decides the screen
        # when there is none yet (opened, switched on) or when it changed since this page
        # last wrote it (edited, the browser's Back).
        link = st.query_params.get("sg_scherm")
        gevraagd = view.scherm_uit_link(link)
        if gevraagd and ("sg_scherm" not in st.session_state
                         or link != st.session_state.get("sg_scherm_link")):
            st.session_state["sg_scherm"] = gevraagd
        st.session_state.setdefault("sg_scherm", view.SCHERM_CODES[0])
        with st.container(key="sg_navigatie", horizontal=True, vertical_alignment="center",
                          gap="small"):
            st.button("Vorige", key="sg_vorige", icon=":material/chevron_left:",
                      shortcut="left", on_click=stap, args=(-1,))
            code = st.segmented_control(
                "Scherm", view.SCHERM_CODES, required=True,
                format_func=lambda c: view.scherm(c).knop, key="sg_scherm",
                label_visibility="collapsed",
            ) or view.SCHERM_CODES[0]
            st.button("Volgende", key="sg_volgende", icon=":material/chevron_right:",
                      icon_position="right", shortcut="right", on_click=stap, args=(1,))
        if link != code:
            st.query_params["sg_scherm"] = code
        st.session_state["sg_scherm_link"] = code
    else:
        code = None
        st.session_state.pop("sg_scherm_link", None)
        if "sg_scherm" in st.query_params:
            del st.query_params["sg_scherm"]  # every screen is shown: the link names none
st.html(view.stijl(presentatie))
st.html(view.PRINT_SCRIPT + view.PRESENTATIE_SCRIPT, unsafe_allow_javascript=True)

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

if code is not None:
    schermen = [overzicht.scherm(code)]
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
                st.container(key="sg_wat").markdown(
                    "\n".join(f"- {zin}" for zin in overzicht.zinnen))
            else:
                st.info("Voor dit kwartaal is er nog geen eerder kwartaal om mee te vergelijken.",
                        icon=":material/info:")
            st.subheader("Streefwaarden", anchor=False)
            st.container(key="sg_doelen_regels").markdown(
                "\n".join(f"- {regel}" for regel in overzicht.doelen_regels))
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
            elif presentatie:
                # one screen: the chart takes the room the tiles leave (no table, no download)
                st.plotly_chart(view.figuur(grafiek, inhoud.tabel, groot=True, doelen=config),
                                key=f"sg_{inhoud.code}_fig", height="stretch",
                                config=ui.PLOTLY_CONFIG)
                ui.onder_grafiek(inhoud.tabel, grafiek.naam, grafiek.definitie,
                                 key=f"sg_{inhoud.code}")
            else:
                ui.grafiek(view.figuur(grafiek, inhoud.tabel, doelen=config), inhoud.tabel,
                           grafiek.naam, grafiek.definitie, key=f"sg_{inhoud.code}")
