"""Definities en bronnen: what every figure means, where it comes from, what is demo."""

import streamlit as st

from monitor import data, fmt, labels, ui

meta = data.meta()
st.title("Definities en bronnen")

st.header("Deze cijfers")
st.markdown(
    f"Regio **{meta['regio']}**, bijgewerkt op {fmt.tijdstip(meta['gebouwd_op'])}. Trajecten "
    f"worden afgeleid vanaf {fmt.datum(data.datum(meta['trajecten_vanaf']))}; alleen hele "
    "kwartalen tot en met de laatste peildatum. Het laatste kwartaal is voorlopig tot de "
    "volgende levering."
)
with st.expander("Technische gegevens (voor beheer en controle)"):
    # what identifies this build exactly: for the data steward and an auditor, not a reader
    st.markdown(
        f"- Warehouse-versie: `{meta['versie']}`\n"
        f"- Gebouwd op: `{meta['gebouwd_op']}` (UTC)\n"
        f"- Code: `{meta['code_versie']}`"
    )
if meta.get("bevat_demo") == "ja":
    st.markdown(
        "**Wat is demo?** Cijfers uit bestanden met *demo* in de naam (hieronder gemarkeerd) "
        "zijn gegenereerd en niet echt. Cijfers uit de andere bestanden en de "
        "bevolkingscijfers zijn echt. In `kerncijfers` staat bij elk cijfer `demo = true` of "
        "`false`."
    )

st.header("Indicatoren")
st.caption(
    "Zo zijn de cijfers berekend (datacontract, hoofdstuk 2). Elk cijfer bestaat per gemeente in "
    "twee perspectieven: herkomst (waar de cliënt vandaan komt) en verblijf (waar de plek is); "
    "'regio' is het regiototaal en de tellingen zonder perspectief (een gepubliceerde tabel "
    "naar herkomstgemeente is herkomst). Een bron 'afgeleid uit …' wil zeggen: niet zo "
    "gepubliceerd, maar door de monitor berekend uit de cijfers van die bron."
)
indicatoren = data.indicatoren_tabel()
# every definition in full (a grid cuts long text off); the names and definitions are the
# monitor's own, no supplier text
st.markdown("\n".join(f"- **{r.Indicator}**: {r.Definitie}"
                       for r in indicatoren.itertuples()))
st.subheader("Waar elk cijfer bestaat")
st.dataframe(indicatoren, hide_index=True, key="indicatoren", height="content")
ui.onder_grafiek(indicatoren, "definities", "De definities van alle indicatoren.", "definities")

st.header("Prognose")
st.caption(
    "De prognose staat niet in de kerncijfers en niet in een snapshot: de warehouse houdt haar "
    "apart (tabellen `prognose` en `prognose_backtest`). Zie de pagina Prognose."
)
st.markdown("\n".join(f"- **{labels.indicator(naam)}**: {tekst}"
                       for naam, tekst in labels.PROGNOSE_DEFINITIES.items()))

st.header("Bronbestanden")
bestanden = data.bronbestanden()
ui.bronbestanden_tabel(bestanden, "bronbestanden")

st.header("Correcties op tellingen")
correcties = data.correcties()
if correcties.empty:
    st.caption("Geen: geen enkele telling is door een latere levering gewijzigd.")
else:
    st.dataframe(correcties, hide_index=True, key="correcties")

st.header("Bronvermelding")
st.markdown(
    f"- Bevolking en gemeentegrenzen: {meta['bronvermelding']}.\n"
    "- Tellingen en gepubliceerde cijfers: de bron staat bij elk cijfer (kolom *bron* in "
    "`kerncijfers`) en bij elk bestand hierboven."
)
