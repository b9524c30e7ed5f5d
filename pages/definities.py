"""Definities en bronnen: what every figure means, where it comes from, what is demo."""

import streamlit as st

from monitor import data

meta = data.meta()
st.title("Definities en bronnen")
st.markdown(
    f"Warehouse-versie **{meta['versie']}**, gebouwd op {meta['gebouwd_op']} "
    f"(code {meta['code_versie']}). Regio: {meta['regio']}. "
    f"Trajecten geregistreerd vanaf {meta['trajecten_vanaf']}."
)
files = data.bronbestanden()
st.dataframe(
    files,
    hide_index=True,
    column_config={
        "bestand": "Bestand",
        "soort": "Soort",
        "bron": "Bron",
        "peildatum": st.column_config.DateColumn("Peildatum", format="DD-MM-YYYY"),
        "sha256": "SHA-256",
        "rijen": st.column_config.NumberColumn("Rijen", format="localized"),
        "demo": "Demodata",
        "geladen_op": "Eerst geladen op (UTC)",
    },
)
st.caption(meta["bronvermelding"])
