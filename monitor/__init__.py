"""The dashboard's modules: data access (`data`), Dutch formatting (`fmt`), labels, page frame."""


def _leave_legacy_multipage_mode() -> None:
    """Make a direct link to a page (/spreiding) open inside the dashboard's frame.

    Streamlit treats an app with a `pages/` folder as a legacy multipage app until the main
    script calls st.navigation; the very first request of a fresh server to a page URL then
    runs that page file bare (no frame, no Demodata banner). This runs once per process, at
    the first import of this package, and reruns the request through dashboard.py.
    Relies on PagesManager.uses_pages_directory (streamlit 1.67, pinned).
    """
    try:
        from streamlit import runtime
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - another streamlit layout
        return
    if not runtime.exists():  # imported by the ETL or a test, not by a running app
        return
    ctx = get_script_run_ctx()
    if not PagesManager.uses_pages_directory or ctx is None:
        return
    # dashboard.py itself is running: its st.navigation call switches the mode by itself
    if ctx.page_script_hash in ("", ctx.pages_manager.main_script_hash):
        return
    import streamlit as st

    PagesManager.uses_pages_directory = False
    st.rerun()


_leave_legacy_multipage_mode()
