"""Logboek: the audit trail of deliveries, refusals, builds, snapshots and beheerder logins,
newest first, with the check of its hash chain and a download."""

import pandas as pd
import streamlit as st

from etl import logboek
from monitor import toegang, ui

toegang.vereis("logboek")

st.title("Logboek")
st.caption(
    "Elke aanlevering, weigering, build, snapshot en login van een beheerder, met wie en wanneer. "
    "Het logboek wordt alleen aangevuld. Elke regel bevat de hash van de regel ervoor, zodat een "
    "gewijzigde, verwijderde of verplaatste regel opvalt; elke snapshot bewaart een kopie. Er "
    "staan geen cijfers of bestandsinhoud in, alleen namen, hashes, aantallen rijen en uitkomsten."
)

problemen = logboek.controleer()
if problemen:
    st.error("Het logboek is niet intact: er is een regel gewijzigd, verwijderd of verplaatst.",
             icon=":material/gpp_bad:")
    st.code("\n".join(problemen), language=None)
else:
    st.success("De keten is intact: geen regel is gewijzigd, verwijderd of verplaatst.",
               icon=":material/verified:")

KOLOMMEN = {"tijd": "Tijd (UTC)", "gebeurtenis": "Gebeurtenis", "wie": "Wie",
            "details": "Details", "vorige": "Hash van de vorige regel"}
regels = pd.DataFrame(logboek.tabel(), columns=list(KOLOMMEN))
if regels.empty:
    st.caption("Het logboek is nog leeg.")
else:
    # every field as text in a table cell: names and supplier text are never markup
    st.dataframe(regels, hide_index=True, key="logboek_regels", column_config=KOLOMMEN)
    if toegang.mag("downloads"):
        csv, _ = ui.tabel_bestanden(regels, "logboek")  # formula starts neutralised
        st.download_button("Logboek downloaden (CSV)", csv, file_name="logboek.csv",
                           mime="text/csv", icon=":material/download:", key="logboek_csv")
st.text(f"Bestand: {logboek.standaard_pad()}")
