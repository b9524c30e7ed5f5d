"""Flevomonitor: the router and frame of the dashboard (`streamlit run dashboard.py`)."""

from pathlib import Path

import streamlit as st

from monitor import ui

# the icon is served by the app itself: a Material icon would be fetched from the internet
FAVICON = Path(__file__).resolve().parent / "monitor" / "favicon.png"
st.set_page_config(page_title="Flevomonitor", page_icon=str(FAVICON), layout="wide")

navigation = st.navigation(
    {
        "Monitor": [
            st.Page("pages/overzicht.py", title="Overzicht", icon=":material/dashboard:",
                    default=True),
            st.Page("pages/instroom.py", title="Instroom", icon=":material/login:"),
            st.Page("pages/uitstroom.py", title="Uitstroom", icon=":material/logout:"),
            st.Page("pages/spreiding.py", title="Spreiding", icon=":material/map:"),
            st.Page("pages/wachtlijsten.py", title="Wachtlijsten",
                    icon=":material/hourglass_top:"),
            st.Page("pages/verward_gedrag.py", title="Verward gedrag (E33)",
                    icon=":material/local_police:", url_path="verward-gedrag"),
            st.Page("pages/vrouwenopvang.py", title="Vrouwenopvang", icon=":material/shield:"),
        ],
        "Stuurgroep": [
            st.Page("pages/stuurgroep.py", title="Stuurgroep", icon=":material/co_present:"),
        ],
        "Over de cijfers": [
            st.Page("pages/definities.py", title="Definities en bronnen",
                    icon=":material/menu_book:", url_path="definities"),
            st.Page("pages/snapshots.py", title="Snapshots", icon=":material/history:"),
        ],
    }
)
meta = ui.frame()
navigation.run()
ui.footer(meta)
