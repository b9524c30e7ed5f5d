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


GEMEENTEN_SLEUTEL = "gemeente"  # the municipality filter's key (ui.leeg reads it too)


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

    periode = _keuze("periode", kwartalen, [kwartalen[0], kwartalen[-1]], meer=True)
    van, tot = side.select_slider(
        "Periode", options=kwartalen, value=tuple(periode), key="periode",
    )
    gekozen_voorziening = _keuze("voorziening", VOORZIENINGEN_TRAJECTEN,
                                 VOORZIENINGEN_TRAJECTEN[0])
    if voorziening is None:
        gekozen_voorziening = side.selectbox(
            "Voorziening", VOORZIENINGEN_TRAJECTEN, format_func=labels.VOORZIENINGEN.get,
            index=VOORZIENINGEN_TRAJECTEN.index(gekozen_voorziening), key="voorziening",
        )
    else:
        # the page's own voorziening, shown as it is; the user's choice for the other pages
        # stays in the filter's memory (_keuze), not in this box
        side.selectbox(
            "Voorziening", [voorziening], format_func=labels.VOORZIENINGEN.get, disabled=True,
            help="Deze pagina gaat over één voorziening.", key="voorziening_van_pagina",
        )
    voorziening = voorziening or gekozen_voorziening
    product_sleutel = f"product_{voorziening.lower()}"
    producten = (ALLE, *PRODUCTEN[voorziening])
    product = side.selectbox(
        "Product", producten, index=producten.index(_keuze(product_sleutel, producten, ALLE)),
        key=product_sleutel,
    )
    codes = list(gemeenten)
    gekozen = side.multiselect(
        "Gemeenten", codes, default=_keuze(GEMEENTEN_SLEUTEL, codes, codes, meer=True),
        format_func=gemeenten.get, key=GEMEENTEN_SLEUTEL,
    )
    perspectieven = list(PERSPECTIEVEN)
    perspectief = side.radio(
        "Perspectief", perspectieven, format_func=PERSPECTIEVEN.get,
        index=perspectieven.index(_keuze("perspectief", perspectieven, perspectieven[0])),
        help="Herkomst: de gemeente waar de cliënt vandaan komt. Verblijf: de gemeente waar "
        "de plek is.",
        key="perspectief",
    )
    maten = list(MATEN)
    maat = side.radio(
        "Maat", maten, format_func=MATEN.get,
        index=maten.index(_keuze("maat", maten, maten[0])),
        help="Per 10.000 inwoners van de gemeente op 1 januari van het jaar.",
        key="maat",
    )
    _naar_url({
        "periode": ([van, tot], [kwartalen[0], kwartalen[-1]]),
        "voorziening": (gekozen_voorziening, VOORZIENINGEN_TRAJECTEN[0]),
        product_sleutel: (product, ALLE),
        GEMEENTEN_SLEUTEL: (gekozen, codes),
        "perspectief": (perspectief, perspectieven[0]),
        "maat": (maat, maten[0]),
    })
    return Selectie(
        van=min(van, tot),
        tot=max(van, tot),
        voorziening=voorziening,
        gemeenten=tuple(gekozen),
        perspectief=perspectief,
        per_10000=maat == "per10000",
        product=None if product == ALLE else product,
    )


# The filter state: a link opens it (query string), the session keeps it across pages (plain
# session keys: Streamlit drops widget state on a page switch), and every run writes it back
# to the query string, so the address bar is always a link to this view.


def _geheugen(key: str) -> str:
    return f"_filter_{key}"


def _keuze(key: str, opties, default, meer: bool = False):
    """This session's choice for a filter; at the start of a session, the link's."""
    if _geheugen(key) not in st.session_state:
        if meer:
            gevraagd = [v for v in st.query_params.get_all(key) if v in opties]
            geldig = key in st.query_params and (key != "periode" or len(gevraagd) == 2)
            st.session_state[_geheugen(key)] = gevraagd if geldig else default
        else:
            gevraagd = st.query_params.get(key)
            st.session_state[_geheugen(key)] = gevraagd if gevraagd in opties else default
    waarde = st.session_state[_geheugen(key)]
    if meer:
        return waarde if all(v in opties for v in waarde) else default
    return waarde if waarde in opties else default


def _naar_url(waarden: dict[str, tuple[object, object]]) -> None:
    """Remember the choices and write them to the query string (defaults left out)."""
    for key, (waarde, default) in waarden.items():
        st.session_state[_geheugen(key)] = waarde
        if waarde == default:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = waarde
