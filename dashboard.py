"""Flevomonitor: the router and frame of the dashboard (`streamlit run dashboard.py`).

Who sees which page is decided by monitor.toegang: the navigation holds only the pages the
session's role may open, and each page that needs more than the figures asks again."""

from pathlib import Path

import streamlit as st

from monitor import toegang, ui

# the icon is served by the app itself: a Material icon would be fetched from the internet
FAVICON = Path(__file__).resolve().parent / "monitor" / "favicon.png"
st.set_page_config(page_title="Flevomonitor", page_icon=str(FAVICON), layout="wide")

# (script, st.Page options) per section of the navigation
PAGINAS: dict[str, list[tuple[str, dict]]] = {
    "Monitor": [
        ("pages/overzicht.py", dict(title="Overzicht", icon=":material/dashboard:",
                                    default=True)),
        ("pages/instroom.py", dict(title="Instroom", icon=":material/login:")),
        ("pages/uitstroom.py", dict(title="Uitstroom", icon=":material/logout:")),
        ("pages/spreiding.py", dict(title="Spreiding", icon=":material/map:")),
        ("pages/wachtlijsten.py", dict(title="Wachtlijsten", icon=":material/hourglass_top:")),
        ("pages/verward_gedrag.py", dict(title="Verward gedrag (E33)",
                                         icon=":material/local_police:",
                                         url_path="verward-gedrag")),
        ("pages/vrouwenopvang.py", dict(title="Vrouwenopvang", icon=":material/shield:")),
        ("pages/prognose.py", dict(title="Prognose", icon=":material/trending_up:")),
    ],
    "Stuurgroep": [
        ("pages/stuurgroep.py", dict(title="Stuurgroep", icon=":material/co_present:")),
    ],
    "Over de cijfers": [
        ("pages/definities.py", dict(title="Definities en bronnen", icon=":material/menu_book:",
                                     url_path="definities")),
        ("pages/snapshots.py", dict(title="Snapshots", icon=":material/history:")),
    ],
    "Beheer": [
        ("pages/aanleveren.py", dict(title="Gegevens aanleveren", icon=":material/upload_file:",
                                     url_path="aanleveren")),
        ("pages/logboek.py", dict(title="Logboek", icon=":material/receipt_long:")),
    ],
}
ui.documentinstellingen()
plek_navigatie = st.sidebar.container(key="navigatie")  # at the top of the sidebar
# stops here for a visitor without a login or a role (every page registered hidden)
toegang.aanmelden([st.Page(pad, **opties) for paginas in PAGINAS.values()
                   for pad, opties in paginas])
toegestaan = {
    sectie: [st.Page(pad, **opties) for pad, opties in paginas if toegang.mag_pagina(pad)]
    for sectie, paginas in PAGINAS.items()
}
navigation = st.navigation([p for paginas in toegestaan.values() for p in paginas],
                           position="hidden")
ui.navigatie(plek_navigatie, toegestaan)
meta = ui.frame()
try:
    navigation.run()
except Exception:
    ui.storing()
ui.footer(meta)
