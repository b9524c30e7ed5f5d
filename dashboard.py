"""Flevomonitor: the router and frame of the dashboard (`streamlit run dashboard.py`)."""

import streamlit as st

from monitor import ui

st.set_page_config(page_title="Flevomonitor", page_icon=":material/monitoring:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/overzicht.py", title="Overzicht", icon=":material/dashboard:", default=True),
        st.Page("pages/bronnen.py", title="Bronnen en status", icon=":material/database:",
                url_path="bronnen"),
    ]
)
meta = ui.frame()
navigation.run()
ui.footer(meta)
