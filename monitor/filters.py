"""Sidebar filters shared by the explorer pages; their state lives in the URL query string.

Every widget is bound to a query parameter (`bind="query-params"`), so a copied link opens
the same view for a colleague, and the state survives switching pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from etl.settings import PRODUCTEN, VOORZIENINGEN_TRAJECTEN
from monitor import data, labels

ALLE = "Alle"
PERSPECTIEVEN = {"herkomst": "Herkomstgemeente", "verblijf": "Verblijfsgemeente"}
MATEN = {"absoluut": "Absoluut", "per10000": "Per 10.000 inwoners"}


@dataclass(frozen=True)
class Selectie:
    van: str
    tot: str
    voorziening: str
    gemeenten: tuple[str, ...]
    perspectief: str
    per_10000: bool
    product: str | None

    @property
    def dimensie(self) -> str | None:
        """The product as a kerncijfers dimension value, or None for all products."""
        return f"product={self.product}" if self.product else None

    @property
    def beschrijving(self) -> str:
        """One line that says what is shown (for captions and downloads)."""
        deel = [labels.VOORZIENINGEN[self.voorziening], f"{self.van} t/m {self.tot}"]
        if self.product:
            deel.append(self.product)
        deel.append(PERSPECTIEVEN[self.perspectief].lower())
        if self.per_10000:
            deel.append("per 10.000 inwoners")
        return " · ".join(deel)


def sidebar(voorziening: str | None = None) -> Selectie | None:
    """Draw the filters; None when the warehouse holds no quarters yet.

    A page about one voorziening (Vrouwenopvang) passes it: the voorziening filter is then
    shown disabled, keeping the user's choice for the other pages.
    """
    kwartalen = data.kwartalen()
    if not kwartalen:
        return None
    gemeenten = data.gemeenten()
    side = st.sidebar
    side.header("Selectie")
    # bound to the URL (shareable) and kept for the session (survives page switches)
    state = {"bind": "query-params", "persist_state": "session"}
    van, tot = side.select_slider(
        "Periode", options=kwartalen, value=(kwartalen[0], kwartalen[-1]),
        key="periode", **state,
    )
    gekozen_voorziening = side.selectbox(
        "Voorziening", VOORZIENINGEN_TRAJECTEN, format_func=labels.VOORZIENINGEN.get,
        key="voorziening", disabled=voorziening is not None,
        help="Deze pagina gaat over één voorziening." if voorziening else None, **state,
    )
    voorziening = voorziening or gekozen_voorziening
    product = side.selectbox(
        "Product", (ALLE, *PRODUCTEN[voorziening]), key=f"product_{voorziening.lower()}",
        **state,
    )
    gekozen = side.multiselect(
        "Gemeenten", list(gemeenten), default=list(gemeenten), format_func=gemeenten.get,
        key="gemeente", **state,
    )
    perspectief = side.radio(
        "Perspectief", list(PERSPECTIEVEN), format_func=PERSPECTIEVEN.get,
        key="perspectief", **state,
        help="Herkomst: de gemeente waar de cliënt vandaan komt. Verblijf: de gemeente waar "
        "de plek is.",
    )
    maat = side.radio(
        "Maat", list(MATEN), format_func=MATEN.get, key="maat", **state,
        help="Per 10.000 inwoners van de gemeente op 1 januari van het jaar.",
    )
    return Selectie(
        van=min(van, tot),
        tot=max(van, tot),
        voorziening=voorziening,
        gemeenten=tuple(gekozen),
        perspectief=perspectief,
        per_10000=maat == "per10000",
        product=None if product == ALLE else product,
    )
