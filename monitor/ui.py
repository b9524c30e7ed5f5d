"""The frame every page shares: the warehouse check, the Demodata banner, the footer."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from monitor import charts, data, fmt, labels

DEMO_BANNER = (
    "**Demodata** — deze cijfers zijn gegenereerd voor demonstratie en test. "
    "Ze zijn niet echt en mogen niet als echte cijfers worden gepresenteerd."
)


def frame() -> dict[str, str]:
    """Choose the source, check it, show the banners; stop the page when there is nothing."""
    bronkeuze()
    try:
        meta = data.meta()
    except data.WarehouseMissing:
        if data.bron()[0] != data.ACTUEEL:
            st.error(f"Snapshot {data.bron()[0]} bestaat niet (meer) in {data.snapshots_dir()}.")
            st.stop()
        st.error(
            "Er is nog geen warehouse. Bouw hem met `make run` of `python -m etl build` "
            "en laad de pagina opnieuw."
        )
        st.stop()
    if meta.get("bevat_demo") == "ja":
        st.warning(DEMO_BANNER, icon=":material/science:")
    if "snapshot" in meta:
        st.info(
            f"**Zoals gepresenteerd** — snapshot {meta['snapshot']}, vastgelegd op "
            f"{fmt.datum(data.datum(meta['snapshot_gemaakt_op'][:10]))}. Latere leveringen en "
            "correcties zijn hier niet in verwerkt. Cijfers per traject (uitsplitsingen "
            "die niet in de kerncijfers staan) zitten niet in een snapshot.",
            icon=":material/history:",
        )
    if data.bron()[1]:
        st.info(
            f"**Publieksversie** — {PUBLIEK_UITLEG} Cijfers per traject worden niet getoond.",
            icon=":material/visibility_off:",
        )
    return meta


PUBLIEK_UITLEG = (
    "aantallen van 1 tot en met 4 zijn weggelaten, net als cellen waarmee een weggelaten "
    "aantal uit een totaal terug te rekenen is, en percentages en cijfers per 10.000 die op "
    "een weggelaten aantal berusten."
)


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
    st.sidebar.toggle(
        "Publieksversie", key=data.PUBLIEK_SLEUTEL, bind="query-params",
        help="Kleine aantallen (1 tot en met 4) en wat daaruit terug te rekenen is, weglaten.",
    )


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
            fmt.getal(kpi.waarde),
            delta=delta or None,
            delta_color=labels.delta_kleur(kpi.indicator),
            delta_description=f"t.o.v. {vorig}" if delta else None,
            help=labels.DEFINITIES.get(kpi.indicator),
            chart_data=list(kpi.reeks) or None,
        )
        jaar = fmt.verschil(kpi.verschil_jaar)
        st.caption(f"{jaar or '–'} t.o.v. {vorig_jaar}")


def leeg() -> None:
    """The calm message for a selection without figures."""
    st.info("Geen gegevens voor deze selectie.", icon=":material/info:")


def tabel_bestanden(frame: pd.DataFrame, naam: str) -> tuple[bytes, bytes]:
    """The data behind a chart as Dutch CSV (`;`, decimal comma, BOM for Excel) and XLSX."""
    csv = frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        sheet = naam[:31]
        frame.to_excel(writer, index=False, sheet_name=sheet)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes = "A2"
        for column in worksheet.columns:
            width = max(len(str(c.value or "")) for c in column) + 2
            worksheet.column_dimensions[column[0].column_letter].width = min(width, 60)
    return csv, buffer.getvalue()


def onder_grafiek(frame: pd.DataFrame, naam: str, definitie: str, key: str) -> None:
    """Under every chart: its one-line definition and downloads of exactly the data shown."""
    st.caption(definitie)
    csv, xlsx = tabel_bestanden(frame, naam)
    # a wrapping row, not columns: in a narrow column the labels must not be cut off
    row = st.container(horizontal=True, gap="small")
    row.download_button("CSV", csv, file_name=f"{naam}.csv", mime="text/csv",
                         key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    row.download_button(
        "Excel", xlsx, file_name=f"{naam}.xlsx", key=f"{key}_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore",
    )


def teken(grafiek_: charts.Grafiek | None, key: str) -> None:
    """A prepared chart, or the calm empty message when the selection has none."""
    if grafiek_ is None:
        leeg()
    else:
        grafiek(grafiek_.fig, grafiek_.tabel, grafiek_.naam, grafiek_.definitie, key)


def grafiek(fig: go.Figure, tabel: pd.DataFrame, naam: str, definitie: str, key: str) -> None:
    """A chart, and under it its definition and the download of exactly `tabel`."""
    st.plotly_chart(fig, key=f"{key}_fig", config={"displaylogo": False})
    with st.expander("Tabel bij deze grafiek"):
        st.dataframe(tabel, hide_index=True, key=f"{key}_tabel")
    onder_grafiek(tabel, naam, definitie, key)
