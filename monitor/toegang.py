"""Who may see and change what: the one module every page, download and data call asks.

Roles come from the identity provider (Streamlit's OIDC login, `st.login`/`st.user`) through
`config/toegang.toml`: a claim with groups or app roles, or a user's e-mail address. Without
`[auth]` in `.streamlit/secrets.toml` the dashboard runs in local mode: no login, reachable
from this computer only, with the configured local role. In "productie" mode it refuses to run
without login (`python -m monitor.toegang` checks that before the server starts).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from etl import logboek, settings

BEHEERDER, REGIO, PUBLIEK = "beheerder", "regio", "publiek"
ROLLEN = (BEHEERDER, REGIO, PUBLIEK)  # from most to least

# What each role may do. `cijfers_intern`: figures before disclosure control (the live
# warehouse, a snapshot as presented); without it every figure is the publieksversie.
RECHTEN: dict[str, frozenset[str]] = {
    BEHEERDER: frozenset({"cijfers", "downloads", "cijfers_intern", "snapshots",
                          "snapshot_maken", "aanleveren", "logboek"}),
    REGIO: frozenset({"cijfers", "downloads", "cijfers_intern", "snapshots"}),
    PUBLIEK: frozenset({"cijfers", "downloads"}),
}
# The right a page needs to be shown in the navigation (and to run at all).
PAGINA_RECHT = {
    "pages/snapshots.py": "snapshots",
    "pages/aanleveren.py": "aanleveren",
    "pages/logboek.py": "logboek",
}
LOKAAL, PRODUCTIE = "lokaal", "productie"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CONFIG = settings.CONFIG_DIR / "toegang.toml"


class ToegangFout(ValueError):
    """config/toegang.toml is not valid; the message is Dutch."""


@dataclass(frozen=True)
class Instellingen:
    modus: str = LOKAAL
    lokale_rol: str = BEHEERDER
    provider: str = ""
    claim: str = "groups"
    groepen: Mapping[str, frozenset[str]] = field(default_factory=dict)  # rol -> values
    standaard: str = ""
    gebruikers: Mapping[str, str] = field(default_factory=dict)  # e-mail (lower) -> rol


@dataclass(frozen=True)
class Gebruiker:
    naam: str
    email: str
    rol: str
    lokaal: bool


def lees_instellingen(pad: Path | None = None) -> Instellingen:
    """config/toegang.toml, checked; FLEVOMONITOR_MODUS overrides its modus."""
    pad = pad or Path(os.environ.get("FLEVOMONITOR_TOEGANG", CONFIG))
    try:
        stempel = pad.stat().st_mtime_ns
    except OSError as fout:
        raise ToegangFout(f"{pad.name} is niet te lezen: {fout}") from fout
    # every data call asks for the role: read the file again only when it changed
    return _instellingen(pad, stempel, os.environ.get("FLEVOMONITOR_MODUS", ""))


@lru_cache(maxsize=8)
def _instellingen(pad: Path, stempel: int, modus_omgeving: str) -> Instellingen:
    del stempel  # cache key only
    try:
        ruw = tomllib.loads(pad.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as fout:
        raise ToegangFout(f"{pad.name} is niet te lezen: {fout}") from fout
    toegang = ruw.get("toegang", {})
    rollen = ruw.get("rollen", {})
    modus = modus_omgeving or toegang.get("modus", LOKAAL)
    if modus not in (LOKAAL, PRODUCTIE):
        raise ToegangFout(f"modus moet 'lokaal' of 'productie' zijn, niet {modus!r}")
    lokale_rol = toegang.get("lokale_rol", BEHEERDER)
    standaard = rollen.get("standaard", "")
    for naam, rol in (("lokale_rol", lokale_rol), ("standaard", standaard or PUBLIEK)):
        if rol not in ROLLEN:
            raise ToegangFout(f"{naam} moet een van {', '.join(ROLLEN)} zijn, niet {rol!r}")
    groepen = {}
    for rol in ROLLEN:
        waarden = rollen.get(rol, [])
        if not isinstance(waarden, list) or not all(isinstance(w, str) for w in waarden):
            raise ToegangFout(f"[rollen] {rol} moet een lijst van namen zijn")
        groepen[rol] = frozenset(waarden)
    gebruikers = {}
    for email, rol in ruw.get("gebruikers", {}).items():
        if rol not in ROLLEN:
            raise ToegangFout(f"[gebruikers] {email}: onbekende rol {rol!r}")
        gebruikers[email.strip().lower()] = rol
    return Instellingen(modus, lokale_rol, str(toegang.get("provider", "")),
                        str(rollen.get("claim", "groups")), groepen, standaard, gebruikers)


def rol_van(claims: Mapping[str, object], inst: Instellingen) -> str | None:
    """The role of a logged-in user from the ID token's claims; None: no access."""
    email = str(claims.get("email") or "").strip().lower()
    if email and email in inst.gebruikers:
        return inst.gebruikers[email]
    waarde = claims.get(inst.claim)
    if isinstance(waarde, str):
        heeft = {waarde}
    elif isinstance(waarde, list | tuple):
        heeft = {str(w) for w in waarde}
    else:
        heeft = set()
    for rol in ROLLEN:  # the highest role wins
        if heeft & inst.groepen.get(rol, frozenset()):
            return rol
    return inst.standaard or None


def auth_ingesteld() -> bool:
    """Whether `.streamlit/secrets.toml` (or the test's secrets) configures a login."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def serveradres() -> str:
    return str(st.get_option("server.address") or "")


def startfout(inst: Instellingen) -> str | None:
    """Why the dashboard may not run as configured (Dutch), or None."""
    if auth_ingesteld():
        return None
    if inst.modus == PRODUCTIE:
        return ("Flevomonitor staat in productiemodus maar er is geen inlog ingesteld: voeg een "
                "[auth]-sectie toe aan .streamlit/secrets.toml (zie README, 'Inloggen en "
                "rollen'). Zonder inlog start het dashboard niet.")
    if serveradres() not in LOOPBACK:
        return ("De lokale modus (zonder inlog) is alleen bereikbaar vanaf deze computer: zet "
                "server.address op 127.0.0.1, of stel een inlog in.")
    return None


def gebruiker() -> Gebruiker:
    """The user of this session (local mode: the configured local role)."""
    inst = lees_instellingen()
    if not auth_ingesteld():
        return Gebruiker("Lokale gebruiker", "", inst.lokale_rol, lokaal=True)
    if not st.user.is_logged_in:
        return Gebruiker("", "", "", lokaal=False)
    claims = st.user.to_dict()
    email = str(claims.get("email") or "")
    naam = str(claims.get("name") or email or claims.get("sub") or "")
    return Gebruiker(naam, email, rol_van(claims, inst) or "", lokaal=False)


def mag(recht: str) -> bool:
    return recht in RECHTEN.get(gebruiker().rol, frozenset())


def mag_pagina(pagina: str) -> bool:
    return mag(PAGINA_RECHT.get(pagina, "cijfers"))


def vereis(recht: str) -> None:
    """Stop the page, with a Dutch message, when this session's role lacks `recht`."""
    if not mag(recht):
        st.error("U heeft geen toegang tot dit onderdeel.", icon=":material/block:")
        st.stop()


def aanmelden(paginas: Sequence[StreamlitPage] = ()) -> Gebruiker:
    """The gate every page passes: refuse a configuration that would expose the figures, ask
    for a login, turn away users without a role; mark local mode; log a beheerder's login.
    `paginas`: every page of the app, registered hidden where the gate stops, so Streamlit
    does not list the page files in the sidebar of a visitor who may see none of them."""

    def stop() -> NoReturn:
        st.navigation(list(paginas) or [st.Page(_niets, title="Flevomonitor")],
                      position="hidden")
        st.stop()

    try:
        inst = lees_instellingen()
    except ToegangFout as fout:
        st.error("De toegangsinstellingen zijn niet in orde; het dashboard toont niets.",
                 icon=":material/error:")
        st.text(str(fout))
        stop()
    fout = startfout(inst)
    if fout:
        st.error(fout, icon=":material/gpp_bad:")
        stop()
    wie = gebruiker()
    if wie.lokaal:
        st.sidebar.warning(
            f"**Lokale modus** — zonder inloggen, alleen bereikbaar vanaf deze computer. "
            f"Rol: {wie.rol}.", icon=":material/computer:")
        return wie
    if not st.user.is_logged_in:
        st.title("Flevomonitor")
        st.write("Log in met uw account om de monitor te bekijken.")
        if st.button("Inloggen", type="primary", icon=":material/login:", key="inloggen"):
            st.login(inst.provider or None)
        stop()
    if not wie.rol:
        st.error("U bent ingelogd, maar uw account heeft geen toegang tot de Flevomonitor. "
                 "Vraag de beheerder om een rol.", icon=":material/block:")
        st.text(wie.email or wie.naam)  # as text: it comes from the identity provider
        _uitlogknop()
        stop()
    if wie.rol == BEHEERDER:
        _log_login(wie)
    st.sidebar.text(f"Ingelogd: {wie.naam} ({wie.rol})")
    _uitlogknop()
    return wie


def _niets() -> None:
    """The page of a visitor the gate stopped: nothing."""


@st.cache_resource(show_spinner=False)
def _gelogde_logins() -> tuple[set[str], threading.Lock]:
    return set(), threading.Lock()


def _log_login(wie: Gebruiker) -> None:
    """One logboek entry per login (per ID token), not per session: a reload, a link or a
    second tab opens a new session with the same login cookie."""
    claims = st.user.to_dict()
    sleutel = json.dumps([str(claims.get(k)) for k in ("iss", "sub", "iat", "nonce")])
    login = hashlib.sha256(sleutel.encode()).hexdigest()[:16]
    gelogd, slot = _gelogde_logins()
    with slot:
        if login in gelogd:
            return
        gelogd.add(login)
        # after a restart of the server the same login may come by again
        if any(r.get("details", {}).get("login") == login for r in logboek.lees()
               if r.get("gebeurtenis") == "login"):
            return
        logboek.schrijf("login", wie.email or wie.naam, rol=wie.rol, login=login)


def _uitlogknop() -> None:
    if st.sidebar.button("Uitloggen", icon=":material/logout:", key="uitloggen"):
        st.logout()


def main() -> int:
    """`python -m monitor.toegang`: refuse to start (exit 1) when the configuration would run
    without login where a login is required; `make run` asks this before the server starts."""
    try:
        inst = lees_instellingen()
    except ToegangFout as fout:
        print(f"Toegang: {fout}", file=sys.stderr)
        return 1
    fout = startfout(inst)
    if fout:
        print(fout, file=sys.stderr)
        return 1
    print("Toegang: " + ("inlog ingesteld" if auth_ingesteld() else
                         f"lokale modus op {serveradres()}, rol {inst.lokale_rol}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
