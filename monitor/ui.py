"""The frame every page shares: the warehouse check, the Demodata banner, the footer."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from monitor import charts, data, filters, fmt, labels, toegang

LOG = logging.getLogger("flevomonitor")
DEMO_BANNER = (
    "**Demodata** — deze cijfers zijn gegenereerd voor demonstratie en test. "
    "Ze zijn niet echt en mogen niet als echte cijfers worden gepresenteerd."
)


# Streamlit fades captions and help texts to 60% (#828180 on white, 3.88:1), below WCAG 1.4.3's
# 4.5:1; this grey at full opacity is 6.9:1 on white and 6.5:1 on the sidebar's background.
TEKST_GRIJS = "#5A5957"
STIJL = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricDeltaDescription"], [data-testid="stWidgetLabel"] small,
[data-testid="stTooltipHoverTarget"] svg {{
  color: {TEKST_GRIJS} !important; opacity: 1 !important;
}}
.st-key-toegankelijkheid {{ display: none !important; }}
</style>"""
_SCRIPT = (Path(__file__).with_name("toegankelijkheid.js")).read_text(encoding="utf-8")


def documentinstellingen() -> None:
    """What every page needs before anything is drawn, the login screen included: the
    document's language and Dutch names for Streamlit's own chrome (monitor/toegankelijkheid.js,
    our own fixed script: no data goes into it), and text contrast of at least 4.5:1."""
    st.html(STIJL)
    with st.container(key="toegankelijkheid"):
        st.html(f"<script>{_SCRIPT}</script>", unsafe_allow_javascript=True)


def navigatie(plek, secties: Mapping[str, Sequence]) -> None:
    """The sidebar's page links by section, in `plek` (a sidebar container made before the
    page's own sidebar widgets). Streamlit's own navigation menu puts section headers inside
    its list (an invalid `ul` that screen readers announce wrongly); plain links do not, and
    the script marks the container as the navigation landmark."""
    with plek:
        for sectie, paginas in secties.items():
            if not paginas:
                continue
            st.markdown(f"**{sectie}**")
            for pagina in paginas:
                st.page_link(pagina)


def frame() -> dict[str, str]:
    """Choose the source, check it, show the banners; stop the page when there is nothing."""
    bronkeuze()
    try:
        meta = data.meta()
    except data.NietGepubliceerd:
        uitleg = " Zet de publieksversie uit voor de actuele cijfers." if toegang.mag(
            "cijfers_intern") else ""
        st.warning(NIETS_GEPUBLICEERD + uitleg, icon=":material/visibility_off:")
        st.stop()
    except data.SnapshotOnbekend as fout:
        # what the link asked for is never repeated (nor rendered): a fixed sentence, and
        # the reader's own message as plain text
        st.error("Deze snapshot bestaat niet (meer) of is niet te lezen. Kies bij **Cijfers** "
                 "in de zijbalk een snapshot of Actueel.", icon=":material/error:")
        st.text(str(fout))
        st.stop()
    except data.WarehouseMissing:
        st.error(
            "Er is nog geen warehouse. Bouw hem met `make run` of `python -m etl build` "
            "en laad de pagina opnieuw."
        )
        st.stop()
    if meta.get("bevat_demo") == "ja":
        st.warning(DEMO_BANNER, icon=":material/science:")
    publiek = data.bron()[1]
    if "snapshot" in meta and not publiek:
        st.info(
            f"**Zoals gepresenteerd** — snapshot {meta['snapshot']}, vastgelegd op "
            f"{fmt.datum(data.datum(meta['snapshot_gemaakt_op'][:10]))}. Latere leveringen en "
            "correcties zijn hier niet in verwerkt. Cijfers per traject (uitsplitsingen "
            "die niet in de kerncijfers staan) zitten niet in een snapshot.",
            icon=":material/history:",
        )
    if publiek:
        st.info(
            f"**Publieksversie** — {publieksversie_bron(meta)} {PUBLIEK_UITLEG}",
            icon=":material/visibility_off:",
        )
    return meta


PUBLIEK_UITLEG = (
    "Kleine aantallen, en cijfers waaruit die terug te rekenen zijn, zijn weggelaten: op hun "
    "plaats staat een teken (zoals <5 of x) en in een grafiek ontbreekt het punt. Cijfers die "
    "niet zijn gepubliceerd, zoals cijfers per traject, staan niet in de publieksversie."
)
NIETS_GEPUBLICEERD = (
    "**Publieksversie** — er zijn nog geen cijfers gepubliceerd: de publieksversie toont "
    "alleen de cijfers van een vastgelegde snapshot, en die is er nog niet."
)


def publieksversie_bron(meta: dict[str, str]) -> str:
    """Which published figures the publieksversie shows (the chosen or the newest snapshot)."""
    gemaakt = meta.get("snapshot_gemaakt_op") or ""
    op = f", vastgesteld op {fmt.datum(data.datum(gemaakt[:10]))}" if gemaakt else ""
    if data.bron()[0] == data.ACTUEEL:
        return (f"De publieksversie toont de laatst gepubliceerde cijfers: snapshot "
                f"{meta.get('snapshot', '')}{op}.")
    return f"De gepubliceerde cijfers van snapshot {meta.get('snapshot', '')}{op}."


def bronkeuze() -> None:
    """Sidebar: live figures or a snapshot, and the publieksversie switch (both in the link)."""
    try:
        versies = [m["versie"] for m in data.snapshots()]
    except OSError:
        versies = []
    gekozen = st.session_state.get(data.BRON_SLEUTEL) or st.query_params.get(data.BRON_SLEUTEL)
    if gekozen and gekozen not in versies and gekozen != data.ACTUEEL:
        versies.append(gekozen)  # a link to a missing snapshot gets a clear message
    st.sidebar.selectbox(
        "Cijfers", [data.ACTUEEL, *reversed(versies)], key=data.BRON_SLEUTEL,
        bind="query-params",  # no format_func: the link carries the label, ?snapshot=2026-K3
        help="Actueel: de warehouse zoals die nu is. Een snapshot: de cijfers zoals ze in dat "
        "kwartaal zijn vastgelegd en gepresenteerd.",
    )
    if not toegang.mag("cijfers_intern"):
        # this role sees the publieksversie only: no switch to offer (monitor.data enforces it)
        st.sidebar.caption("Publieksversie: de gepubliceerde cijfers.")
        return
    st.sidebar.toggle(
        "Publieksversie", key=data.PUBLIEK_SLEUTEL, bind="query-params",
        help="Kleine aantallen (1 tot en met 4) en wat daaruit terug te rekenen is, weglaten.",
    )


def storing() -> None:
    """A page that failed (call inside `except`): the detail goes to the server log; a user
    sees a short Dutch message, never a traceback with server paths. Where error details are
    switched on (development, tests), the error is raised as it is."""
    LOG.exception("Pagina mislukt")
    if str(st.get_option("client.showErrorDetails")).lower() not in ("none", "false"):
        raise
    st.error("Er ging iets mis bij het tonen van deze pagina. Probeer het later opnieuw; de "
             "beheerder vindt de details in het serverlog.", icon=":material/error:")


def footer(meta: dict[str, str]) -> None:
    st.caption(
        f"Flevomonitor · regio {meta.get('regio', '')} · warehouse-versie {meta.get('versie', '')} "
        f"· gebouwd {meta.get('gebouwd_op', '')[:10]} · {meta.get('bronvermelding', '')}"
    )


def kpi_tegel(kpi: data.Kpi, container=st) -> None:
    """One figure with its change against the previous quarter and against a year earlier,
    and a small trend line; the change is coloured by what is good for the region."""
    vorig = data.kwartaal_verschuiven(kpi.kwartaal, -1)
    vorig_jaar = data.kwartaal_verschuiven(kpi.kwartaal, -4)
    delta = fmt.verschil(kpi.verschil_kwartaal)
    with container.container(border=True):
        st.metric(
            labels.indicator(kpi.indicator),
            kpi.teken or fmt.getal(kpi.waarde),
            delta=delta or None,
            delta_color=labels.delta_kleur(kpi.indicator),
            delta_description=f"t.o.v. {vorig}" if delta else None,
            help=labels.DEFINITIES.get(kpi.indicator),
            chart_data=list(kpi.reeks) or None,
        )
        jaar = fmt.verschil(kpi.verschil_jaar)
        st.caption(f"{jaar or '–'} t.o.v. {vorig_jaar}")


LEEG_PUBLIEK = (
    "Geen gegevens voor deze selectie in de publieksversie: die toont alleen cijfers die zijn "
    "gepubliceerd, en deze zijn dat niet (zoals cijfers per traject)."
)


def leeg() -> None:
    """The calm message for a selection without figures (in the publieksversie: they are not
    published)."""
    publiek = data.bron()[1]
    if st.session_state.get(filters.GEMEENTEN_SLEUTEL) == []:
        # every municipality cleared in the sidebar: say what to do, not only what is missing
        st.info("Geen gegevens voor deze selectie: er is geen gemeente gekozen. Kies in de "
                "zijbalk bij **Gemeenten** één of meer gemeenten.", icon=":material/info:")
        return
    st.info("Geen gegevens voor deze selectie." if not publiek else LEEG_PUBLIEK,
            icon=":material/info:")


def tabel_bestanden(frame: pd.DataFrame, naam: str) -> tuple[bytes, bytes]:
    """The data behind a chart as Dutch CSV (`;`, decimal comma, BOM for Excel) and XLSX.
    CSV: every digit that matters and no more (a count is `50`, never `50,0`), no thousands
    separator, a missing figure an empty cell, a hidden figure its mark. XLSX: numbers stay
    numeric cells with a number format (`#,##0`, `#,##0.0`; Excel draws the separators of the
    reader's locale: `1.944` and `3,5` in a Dutch Excel). Text that a spreadsheet would run as
    a formula (supplier text such as a bron) is kept as text."""
    frame = fmt.veilige_frame(frame)
    tekst = frame.map(lambda v: fmt.kaal_getal(v) if fmt.is_cijfer(v) else v)
    csv = tekst.to_csv(index=False, sep=";").encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        sheet = naam[:31]
        frame.to_excel(writer, index=False, sheet_name=sheet)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes = "A2"
        for column in worksheet.columns:
            width = max(len(str(c.value or "")) for c in column) + 2
            worksheet.column_dimensions[column[0].column_letter].width = min(width, 60)
        for rij in worksheet.iter_rows(min_row=2):
            for cel in rij:
                if cel.value == "":  # a missing figure: an empty cell, not an empty text
                    cel.value = None
        for positie, kolom in enumerate(frame.columns, start=1):
            if not frame[kolom].map(fmt.is_cijfer).any():
                continue
            opmaak = _getalnotatie(fmt.decimalen(frame[kolom]), _is_procent(kolom))
            for (cel,) in worksheet.iter_rows(min_row=2, min_col=positie, max_col=positie):
                if fmt.is_cijfer(cel.value):
                    cel.number_format = opmaak
    return csv, buffer.getvalue()


def _is_procent(kolom) -> bool:
    # 'Aandeel (%)', 'Bezettingsgraad (%)': a percentage given as 62.5
    return str(kolom).endswith("(%)")


def _getalnotatie(decimalen: int, procent: bool) -> str:
    # an Excel number format: the separators follow the reader's locale, the digits are fixed
    return "#,##0" + ("." + "0" * decimalen if decimalen else "") + ('"%"' if procent else "")


def getalkolommen(tabel: pd.DataFrame, tekens: frozenset[str]) -> list[str]:
    """The columns of figures: numeric ones, and in the publieksversie a column whose figures
    are numbers or a hidden figure's mark ('<5', 'x')."""
    def cijfer(v) -> bool:
        return fmt.is_getal(v) or v is None or v is pd.NA or (isinstance(v, str) and v in tekens)

    def van_cijfers(reeks: pd.Series) -> bool:
        if pd.api.types.is_bool_dtype(reeks):
            return False
        if pd.api.types.is_numeric_dtype(reeks):
            return True
        return (pd.api.types.is_object_dtype(reeks) and reeks.notna().any()
                and reeks.map(cijfer).all())

    return [k for k in tabel.columns if van_cijfers(tabel[k])]


def tabel_op_scherm(tabel: pd.DataFrame, tekens: frozenset[str]) -> Styler:
    """The table under a chart as it is shown: Dutch numbers (`1.944`, `3,5`, `62,5%` in a
    column named '... (%)'), a count whole (`50`), as many decimals in a column as its figures
    have (at most 4), `–` for a missing figure and its mark for a hidden one. Only the shown
    text is formatted (a pandas Styler): the cells underneath stay numbers, so clicking a
    column header sorts by value, not by text ('1.944' after '250'); a mark sorts with the
    missing figures."""
    waarden = tabel.reset_index(drop=True)
    kolommen = getalkolommen(waarden, tekens)
    tekens_in: dict[str, pd.Series] = {}  # column -> its marks, by row
    for kolom in kolommen:
        if pd.api.types.is_object_dtype(waarden[kolom]):
            is_teken = waarden[kolom].map(lambda v: isinstance(v, str))
            tekens_in[kolom] = waarden[kolom][is_teken]
            waarden[kolom] = pd.to_numeric(waarden[kolom].where(~is_teken), errors="coerce")
    styler = waarden.style
    for kolom in kolommen:
        decimalen = fmt.decimalen(waarden[kolom])
        procent = _is_procent(kolom)
        styler = styler.format(
            lambda v, d=decimalen, p=procent: fmt.LEEG if pd.isna(v)
            else (fmt.procent(float(v), d) if p else fmt.getal(v, d)),
            subset=[kolom])
    for kolom, tekens_ in tekens_in.items():
        for teken, rijen in tekens_.groupby(tekens_).groups.items():
            styler = styler.format(lambda _v, t=teken: t,
                                   subset=pd.IndexSlice[list(rijen), [kolom]])
    return styler


def verborgen_cellen(tabel: pd.DataFrame, tekens: frozenset[str]) -> list[str]:
    """The hidden figures of a chart's table ('2020-K1 · BW midden: <5'): the cells that show
    a mark, named by the row's labels and, in a wide table, the column."""
    if not tekens or tabel.empty:
        return []
    is_teken = tabel.map(lambda v: isinstance(v, str) and v in tekens)
    waarden = [k for k in tabel.columns if is_teken[k].any()
               or pd.api.types.is_numeric_dtype(tabel[k].dtype)]
    labels_ = [k for k in tabel.columns if k not in waarden]
    regels = []
    for i, rij in tabel.iterrows():
        for kolom in waarden:
            if is_teken.at[i, kolom]:
                naam = [str(rij[k]) for k in labels_] + ([str(kolom)] if len(waarden) > 1 else [])
                regels.append(f"{' · '.join(naam)}: {rij[kolom]}")
    return regels


def onder_grafiek(frame: pd.DataFrame, naam: str, definitie: str, key: str) -> None:
    """Under every chart: its one-line definition and downloads of exactly the data shown."""
    verborgen = verborgen_cellen(frame, data.tekens())
    if verborgen:
        # plain text: the labels are data, never markup
        st.text("Niet gepubliceerd om kleine aantallen te beschermen (in de grafiek "
                f"weggelaten, in de tabel met een teken): {'; '.join(verborgen)}.")
    st.caption(fmt.als_tekst(definitie))  # it may name a supplier's bron: text, not markup
    if not toegang.mag("downloads"):
        return
    # the files are made when asked for (a callable), not on every rerun of every session
    row = st.container(horizontal=True, gap="small")  # wraps: labels are never cut off
    row.download_button("CSV", lambda: tabel_bestanden(frame, naam)[0], file_name=f"{naam}.csv",
                        mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                        on_click="ignore")
    row.download_button(
        "Excel", lambda: tabel_bestanden(frame, naam)[1], file_name=f"{naam}.xlsx",
        key=f"{key}_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore",
    )


def bronbestanden_tabel(bestanden: pd.DataFrame, key: str) -> None:
    """The loaded source files (Definities en bronnen, Gegevens aanleveren), one layout."""
    st.dataframe(
        bestanden,
        hide_index=True,
        key=key,
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


def teken(grafiek_: charts.Grafiek | None, key: str) -> None:
    """A prepared chart, or the calm empty message when the selection has none."""
    if grafiek_ is None:
        leeg()
    else:
        grafiek(grafiek_.fig, grafiek_.tabel, grafiek_.naam, grafiek_.definitie, key)


# Plotly's own localisation (config `locale` + `locales`): the chart toolbar's tooltips and
# messages in Dutch; the numbers are Dutch already through the figure's `separators`.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "locale": "nl",
    "locales": {"nl": {"dictionary": {
        "Download plot as a PNG": "Grafiek downloaden als PNG",
        "Download plot": "Grafiek downloaden",
        "Preparing image - this may take a few seconds":
            "Afbeelding wordt gemaakt, dit kan enkele seconden duren",
        "Taking snapshot - this may take a few seconds":
            "Afbeelding wordt gemaakt, dit kan enkele seconden duren",
        "Snapshot succeeded": "Afbeelding gemaakt",
        "Sorry, there was a problem downloading your snapshot!":
            "Het downloaden van de afbeelding is mislukt.",
        "Zoom": "Inzoomen op een gebied", "Pan": "Verschuiven",
        "Box Select": "Rechthoek selecteren",
        "Lasso Select": "Lasso selecteren", "Zoom in": "Inzoomen", "Zoom out": "Uitzoomen",
        "Autoscale": "Automatisch schalen", "Reset axes": "Assen herstellen",
        "Reset": "Herstellen", "Reset view": "Weergave herstellen",
        "Reset views": "Weergaven herstellen", "Toggle Spike Lines": "Hulplijnen aan/uit",
        "Show closest data on hover": "Dichtstbijzijnde waarde tonen",
        "Compare data on hover": "Waarden vergelijken",
        "Toggle show closest data on hover": "Dichtstbijzijnde waarde aan/uit",
        "Double-click to zoom back out": "Dubbelklik om uit te zoomen",
        "Double-click on legend to isolate one trace":
            "Dubbelklik op de legenda om één reeks apart te tonen",
    }, "format": {
        "decimal": ",", "thousands": ".",
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                   "september", "oktober", "november", "december"],
        "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt",
                        "nov", "dec"],
        "date": "%d-%m-%Y",
    }}},
}


def grafiek(fig: go.Figure, tabel: pd.DataFrame, naam: str, definitie: str, key: str) -> None:
    """A chart, and under it its definition and the download of exactly `tabel`."""
    st.plotly_chart(fig, key=f"{key}_fig", config=PLOTLY_CONFIG)
    with st.expander("Tabel bij deze grafiek"):
        st.dataframe(tabel_op_scherm(tabel, data.tekens()), hide_index=True, key=f"{key}_tabel")
    onder_grafiek(tabel, naam, definitie, key)
