"""Gegevens aanleveren: upload a supplier file, check it against the data contract, deliver it
(stored under data/raw/, the warehouse rebuilt), and what was loaded and refused so far."""

import dataclasses

import streamlit as st

from etl import aanlevering, settings
from etl.readers import SUPPORTED_SUFFIXES
from monitor import data, fmt, toegang, ui

toegang.vereis("aanleveren")

st.title("Gegevens aanleveren")
st.caption(
    "Lever een bestand met trajecten, tellingen of capaciteit aan. Het wordt eerst gecontroleerd "
    "tegen het datacontract (dezelfde controle als `python -m etl check`). Een goedgekeurd "
    "bestand wordt bewaard onder data/raw/ en de warehouse wordt opnieuw gebouwd; een "
    "geweigerd bestand wordt met het rapport bewaard bij de geweigerde leveringen. Alles komt "
    "in het logboek."
)
gebruiker = toegang.gebruiker()
wie = gebruiker.email or gebruiker.naam
st.text(f"Aanleveren als: {wie}")  # as text: the name comes from the identity provider

try:
    config = aanlevering.lees_config()
except aanlevering.ConfigFout as fout:
    st.error("De instellingen voor aanleveren zijn niet in orde.", icon=":material/error:")
    st.text(str(fout))
    st.stop()

soort = st.selectbox("Soort gegevens", settings.KINDS, key="aanleveren_soort")
bestand = st.file_uploader(
    f"Bestand (CSV of Excel, hoogstens {fmt.getal(config.max_megabytes)} MB)",
    type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], key="aanleveren_bestand",
)

# The check and the delivery belong to this file and kind; another choice starts over.
sleutel = (bestand.file_id, bestand.name, soort) if bestand is not None else None
if st.session_state.get("aanleveren_voor") != sleutel:
    st.session_state.pop("aanleveren_controle", None)
    st.session_state.pop("aanleveren_uitkomst", None)
    st.session_state["aanleveren_voor"] = sleutel

if bestand is not None:
    # the size first: an oversize file is refused before a byte of it is read
    if st.button("Controleren", icon=":material/fact_check:", key="aanleveren_controleren"):
        with st.spinner("Bestand controleren…"):
            st.session_state["aanleveren_controle"] = aanlevering.controleer_levering(
                bestand.name, bestand.size, bestand.getvalue, soort, config=config)
    controle = st.session_state.get("aanleveren_controle")
    uitkomst = st.session_state.get("aanleveren_uitkomst")
    if controle is not None and uitkomst is None:
        if controle.uitkomst == aanlevering.GOEDGEKEURD:
            st.success("Het bestand voldoet aan het datacontract. Lever het aan om het te "
                       "laden.", icon=":material/check:")
        elif controle.uitkomst == aanlevering.DUBBEL:
            st.info("Dit bestand is al aangeleverd; aanleveren verandert niets.",
                    icon=":material/content_copy:")
        elif controle.sha256 is None:  # refused on its name or size: never read
            st.error("Dit bestand wordt geweigerd en niet gelezen. Aanleveren legt alleen de "
                     "weigering vast in het logboek.", icon=":material/block:")
        else:
            st.error("Dit bestand wordt geweigerd. Aanleveren legt de weigering vast: het "
                     "bestand wordt met dit rapport bewaard bij de geweigerde leveringen (om "
                     "naar de leverancier te sturen).", icon=":material/block:")
        st.code(controle.rapport, language=None, wrap_lines=True)  # text, never Markdown
        if st.button("Aanleveren", type="primary", icon=":material/upload:",
                     key="aanleveren_aanleveren"):
            with st.spinner("Aanleveren en de warehouse opnieuw bouwen…"):
                st.session_state["aanleveren_uitkomst"] = aanlevering.lever_aan(
                    bestand.name, bestand.size, bestand.getvalue, soort, wie, config=config)
            st.rerun()
    if uitkomst is not None:
        if uitkomst.uitkomst == aanlevering.GEACCEPTEERD:
            st.success(f"Geaccepteerd. De warehouse is opnieuw gebouwd: versie {uitkomst.versie}. "
                       "Open pagina's tonen de nieuwe cijfers bij de volgende klik.",
                       icon=":material/check_circle:")
        elif uitkomst.uitkomst == aanlevering.DUBBEL:
            st.info("Al aangeleverd: dit bestand is al geladen. Er is niets veranderd.",
                    icon=":material/content_copy:")
        elif uitkomst.uitkomst == aanlevering.TE_GROOT:
            st.error(f"Te groot: de grens is {fmt.getal(config.max_megabytes)} MB. Het bestand "
                     "is niet gelezen en niet bewaard.", icon=":material/block:")
        elif uitkomst.uitkomst == aanlevering.BUILD_MISLUKT:
            st.error("Het bestand is goedgekeurd, maar de warehouse kon daarna niet worden "
                     "gebouwd. Het bestand is teruggenomen; de warehouse is ongewijzigd.",
                     icon=":material/error:")
        else:
            st.error("Geweigerd: zie het rapport.", icon=":material/block:")
        st.code(uitkomst.rapport, language=None, wrap_lines=True)

st.header("Geladen bestanden")
versie, bestanden = data.bronbestanden_actueel()
st.text(f"Warehouse-versie {versie}")
ui.bronbestanden_tabel(bestanden, "aanleveren_geladen")

st.header("Geweigerde leveringen")
geweigerd = aanlevering.geweigerde_leveringen()
if not geweigerd:
    st.caption("Geen.")
else:
    st.caption("Elk geweigerd bestand staat met zijn rapport (rapport.txt) in data/rejected/, "
               "in de map hieronder.")
    st.dataframe(
        [dataclasses.asdict(w) for w in geweigerd],
        hide_index=True,
        key="aanleveren_geweigerd",
        column_config={
            "map": "Map", "tijd": "Ontvangen (UTC)", "bestand": "Bestand", "soort": "Soort",
            "grootte": st.column_config.NumberColumn("Bytes", format="localized"),
            "sha256": "SHA-256", "reden": "Reden", "eerste_probleem": "Eerste probleem",
        },
    )
