"""Snapshots: the frozen quarters (the record of what was presented), making a new one, and
what changed since: a snapshot against another or against today."""

import streamlit as st

from monitor import data, fmt, toegang, ui
from publicatie.snapshot import maak_snapshot

toegang.vereis("snapshots")
st.title("Snapshots")
st.caption(
    "Elk kwartaal worden de cijfers vastgelegd: zo kan altijd worden getoond wat er is "
    "gepresenteerd, ook na latere correcties. Een snapshot wordt nooit overschreven; een nieuwe "
    "versie krijgt een reden. Bekijk een snapshot via **Cijfers** in de zijbalk."
)

# set when a snapshot was just made: the page runs again so the list shows it
if gemaakt_naam := st.session_state.pop("snapshot_gemaakt", None):
    st.success(f"Snapshot {gemaakt_naam} gemaakt.", icon=":material/check:")

lijst = data.snapshot_tabel()
if lijst.empty:
    st.info("Er zijn nog geen snapshots.", icon=":material/info:")
else:
    st.dataframe(lijst, hide_index=True, key="snapshot_lijst")
    st.subheader("Rapportages downloaden")
    versie = st.selectbox("Snapshot", lijst["Versie"].tolist(), key="rapport_versie")
    try:
        rapporten = data.rapportbestanden(versie)
    except Exception as fout:  # a snapshot folder that is no longer as recorded
        st.error(str(fout), icon=":material/error:")
        rapporten = []
    if not rapporten:
        st.caption("Bij deze snapshot zijn geen rapportages gemaakt.")
    rij = st.container(horizontal=True, gap="small")
    for rapport in rapporten:
        # read and checked against the manifest when clicked, not on every rerun
        rij.download_button(
            rapport.label, lambda r=rapport: data.rapport_inhoud(versie, r.bestand),
            file_name=rapport.naam, mime=rapport.mime, key=f"rapport_{rapport.naam}",
            icon=":material/download:", on_click="ignore",
        )

if toegang.mag("snapshot_maken"):
    st.header("Snapshot maken")
    if data.bron()[0] != data.ACTUEEL or data.bron()[1]:
        st.caption("Een snapshot wordt gemaakt van de actuele cijfers: kies in de zijbalk "
                   "**Actueel** en zet de publieksversie uit.")
    else:
        kwartalen = data.kwartalen()
        kwartaal = st.selectbox("Kwartaal", list(reversed(kwartalen)), key="snapshot_kwartaal")
        voorlopig = data.status(kwartaal) == "voorlopig"
        if voorlopig:
            st.warning(
                f"**{kwartaal} is voorlopig**: late registraties kunnen de cijfers nog "
                "veranderen tot de volgende levering. Een snapshot legt ze vast zoals ze nu "
                "zijn.", icon=":material/warning:")
        with st.form("snapshot_maken"):
            reden = st.text_input(
                "Reden (verplicht voor een nieuwe versie van een kwartaal dat al is "
                "vastgelegd)", key="snapshot_reden",
            )
            bevestigd = st.checkbox(
                "Ik leg dit voorlopige kwartaal toch vast", key="snapshot_voorlopig_ok",
            ) if voorlopig else True
            gemaakt = st.form_submit_button("Snapshot maken", icon=":material/lock:")
        if gemaakt and not bevestigd:
            st.error("Niet vastgelegd: bevestig dat u een voorlopig kwartaal vastlegt.",
                     icon=":material/error:")
        elif gemaakt:
            try:
                with st.spinner("Cijfers vastleggen en rapportages maken…"):
                    # the only writing this page does: a new folder, never the warehouse
                    bestaand = {m["kwartaal"] for m in data.snapshots()}
                    wie = toegang.gebruiker()
                    folder = maak_snapshot(
                        kwartaal, data.warehouse_path(), data.snapshots_dir(),
                        nieuwe_versie=kwartaal in bestaand, reden=reden or None,
                        wie=wie.email or wie.naam,
                    )
            except Exception as fout:  # the snapshot's own refusal, shown to the data steward
                st.error("Snapshot niet gemaakt:", icon=":material/error:")
                st.text(str(fout))  # plain text: the message may quote what was typed
            else:
                st.session_state["snapshot_gemaakt"] = folder.name
                st.rerun()

st.header("Wat is er veranderd?")
keuzes = [data.ACTUEEL, *reversed(lijst["Versie"].tolist())] if not lijst.empty else []
if data.bron()[1]:
    # the comparison shows unsuppressed figures: for the data steward, never in public
    st.caption("De vergelijking staat niet in de publieksversie.")
elif len(keuzes) < 2:
    st.caption("Vergelijken kan zodra er een snapshot is.")
else:
    links, rechts = st.columns(2)
    oud = links.selectbox("Was (snapshot)", keuzes[1:], key="vergelijk_oud")
    nieuw = rechts.selectbox(
        "Is", [k for k in keuzes if k != oud], key="vergelijk_nieuw",
    )
    verschillen = data.vergelijking(oud, nieuw)
    st.metric("Gewijzigde cijfers", fmt.getal(len(verschillen)))
    if verschillen.empty:
        st.caption("Geen verschillen: alle cijfers zijn gelijk gebleven.")
    else:
        st.dataframe(verschillen, hide_index=True, key="vergelijking")
        ui.onder_grafiek(
            verschillen, f"verschillen-{oud}-{nieuw}",
            "Cijfers die na het vastleggen zijn veranderd (correcties en late registraties), "
            "over de perioden die in beide staan.", "vergelijking",
        )
