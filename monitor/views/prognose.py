"""Prognose: shaping and figures for the forecast page (pure functions, no Streamlit).

The prognose is computed in the warehouse (etl/sql/40_prognose.sql) and handed over by
`data.prognose` apart from the observed figures; here it becomes the charts (observed solid,
prognose dashed with its 80% interval, the assumptions on the chart), their tables, the
back-test, and the back-test table of the README (`backtest_markdown`, checked by
tests/test_prognose.py against the shipped demo build).
"""

from __future__ import annotations

import pandas as pd

from monitor import charts, data, fmt, labels

INDICATOREN = ("bezetting", "wachtlijst")
SOORT_WAARGENOMEN = "Waargenomen"
SOORT_PROGNOSE = "Prognose"
ONDERGRENS = "Ondergrens (80%)"
BOVENGRENS = "Bovengrens (80%)"

GEEN_PROGNOSE_PUBLIEK = (
    "De publieksversie toont geen prognose: die is afgeleid van aantallen, ook kleine, en valt "
    "niet onder de bescherming van de gepubliceerde cijfers."
)
GEEN_PROGNOSE_SNAPSHOT = (
    "Deze snapshot bevat geen prognose: een snapshot legt alleen waargenomen cijfers vast. "
    "Kies Actueel voor de prognose."
)
GEEN_PROGNOSE_WAREHOUSE = (
    "Er is geen prognose voor deze voorziening: daarvoor zijn ten minste 9 waargenomen "
    "kwartalen nodig."
)
GEEN_TERUGTOETS = (
    "Nog geen terugtoets: daarvoor moet een waargenomen kwartaal eerst voorspeld zijn uit de "
    "gegevens van daarvóór (ten minste 10 waargenomen kwartalen)."
)
UITLEG = (
    "Een prognose is een verwachting, geen waarneming: wat er gebeurt als instroom, uitstroom "
    "en wachtlijstbewegingen blijven zoals in het laatste jaar. Beleid, capaciteit en "
    "registratie kunnen het anders laten lopen; de terugtoets hieronder laat zien hoe ver de "
    "prognose er de laatste acht kwartalen naast zat."
)


def geen_prognose(publiek: bool, snapshot: bool) -> str:
    """The one Dutch line when the chosen source has no prognose."""
    if publiek:
        return GEEN_PROGNOSE_PUBLIEK
    return GEEN_PROGNOSE_SNAPSHOT if snapshot else GEEN_PROGNOSE_WAREHOUSE


def basis_kwartaal(prognose: data.Prognose) -> str:
    """The last observed quarter the prognose starts from."""
    return str(prognose.prognose["basis_kwartaal"].iloc[0])


def perioden(prognose: data.Prognose) -> tuple[str, str]:
    """The first and last quarter of the prognose."""
    p = sorted(prognose.prognose["periode"])
    return p[0], p[-1]


def waargenomen(prognose: data.Prognose, indicator: str, van: str) -> pd.DataFrame:
    """The observed region series of `indicator` from `van` on: periode, waarde."""
    frame = prognose.waargenomen
    rijen = frame[(frame["indicator"] == indicator) & (frame["periode"] >= van)]
    return rijen[["periode", "waarde"]].sort_values("periode").reset_index(drop=True)


def projectie(prognose: data.Prognose, indicator: str) -> pd.DataFrame:
    """The prognose of `indicator`: periode, horizon, waarde, ondergrens, bovengrens,
    methode, aannames."""
    frame = prognose.prognose
    return frame[frame["indicator"] == indicator].sort_values("horizon").reset_index(drop=True)


def aannames(prognose: data.Prognose, indicator: str) -> str:
    """The assumptions of the prognose of `indicator`, in words (from the warehouse)."""
    return str(projectie(prognose, indicator)["aannames"].iloc[0])


def methode(prognose: data.Prognose) -> str:
    return str(prognose.prognose["methode"].iloc[0])


def tabel(waargenomen_: pd.DataFrame, projectie_: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The table under the chart: the observed quarters and the prognose, marked as such."""
    naam = labels.indicator(indicator)
    gezien = pd.DataFrame({
        "Periode": waargenomen_["periode"], "Soort": SOORT_WAARGENOMEN,
        naam: waargenomen_["waarde"], ONDERGRENS: float("nan"), BOVENGRENS: float("nan"),
    })
    verwacht = pd.DataFrame({
        "Periode": projectie_["periode"], "Soort": SOORT_PROGNOSE, naam: projectie_["waarde"],
        ONDERGRENS: projectie_["ondergrens"], BOVENGRENS: projectie_["bovengrens"],
    })
    uit = pd.concat([gezien, verwacht], ignore_index=True)
    # numbers stay numbers (a missing bound is NaN, shown as '–', never the text 'None')
    for kolom in (naam, ONDERGRENS, BOVENGRENS):
        uit[kolom] = pd.to_numeric(uit[kolom], errors="coerce").astype(float)
    return uit


def definitie(prognose: data.Prognose, indicator: str) -> str:
    """The text under the chart: what the figure is, the method and the assumptions."""
    return (f"{labels.definitie(f'prognose_{indicator}')} {methode(prognose)} "
            f"{aannames(prognose, indicator)}")


def grafiek(prognose: data.Prognose, indicator: str, van: str) -> charts.Grafiek:
    """The chart of one indicator: observed from `van` on, then the prognose."""
    gezien = waargenomen(prognose, indicator, van)
    verwacht = projectie(prognose, indicator)
    eerste, laatste = perioden(prognose)
    naam = labels.indicator(indicator)
    voorziening = prognose.voorziening
    fig = charts.prognose_lijn(
        gezien, verwacht,
        f"{naam} {voorziening}: waargenomen en prognose {eerste} t/m {laatste}",
        "aantal", aannames(prognose, indicator), voorzieningen=[voorziening],
    )
    return charts.Grafiek(fig, tabel(gezien, verwacht, indicator),
                          f"prognose-{indicator}-{voorziening.lower()}",
                          definitie(prognose, indicator))


def terugtoets(prognose: data.Prognose, indicator: str) -> pd.DataFrame:
    """The back-test rows of one indicator."""
    frame = prognose.backtest
    return frame[frame["indicator"] == indicator].reset_index(drop=True)


def terugtoets_tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """The back-test as a table: per quarter and horizon the prognose, its interval, what was
    observed and how far off it was."""
    return pd.DataFrame({
        "Kwartaal": frame["periode"],
        "Kwartalen vooruit": frame["horizon"],
        "Prognose vanaf": frame["basis_kwartaal"],
        "Prognose": frame["prognose"],
        ONDERGRENS: frame["ondergrens"],
        BOVENGRENS: frame["bovengrens"],
        "Waargenomen": frame["waargenomen"],
        "Afwijking": frame["afwijking"],
        "Afwijking (%)": frame["afwijking_pct"],
        "Binnen interval": frame["binnen_interval"].map({True: "ja", False: "nee"}),
    }).sort_values(["Kwartalen vooruit", "Kwartaal"]).reset_index(drop=True)


def terugtoets_grafiek(prognose: data.Prognose, indicator: str) -> charts.Grafiek | None:
    """The back-test chart of one indicator; None when there is no back-test."""
    frame = terugtoets(prognose, indicator)
    if frame.empty:
        return None
    naam = labels.indicator(indicator)
    voorziening = prognose.voorziening
    fig = charts.prognose_terugtoets(
        frame, f"Terugtoets prognose {naam.lower()} {voorziening}: de laatste 8 kwartalen",
        "aantal", voorzieningen=[voorziening])
    return charts.Grafiek(fig, terugtoets_tabel(frame),
                          f"prognose-terugtoets-{indicator}-{voorziening.lower()}",
                          labels.definitie("prognose_backtest"))


def samenvatting(frame: pd.DataFrame) -> str:
    """One Dutch line on a back-test: the mean absolute deviation and how often the observed
    figure was inside the interval, per horizon."""
    delen = []
    for horizon, deel in frame.groupby("horizon", sort=True):
        vooruit = "1 kwartaal" if horizon == 1 else f"{horizon} kwartalen"
        delen.append(
            f"{vooruit} vooruit: gemiddeld {fmt.getal(deel['afwijking'].abs().mean(), 1)} "
            f"ernaast, {int(deel['binnen_interval'].sum())} van de {len(deel)} keer binnen "
            "het 80%-interval")
    return "Terugtoets — " + "; ".join(delen) + "." if delen else ""


# --- the README's back-test table -------------------------------------------------------------


def backtest_markdown(frame: pd.DataFrame) -> str:
    """The back-test of every voorziening as Markdown tables, one per horizon (English, for
    the README): per quarter `prognose / observed (error)`, then how often the observed
    figure was inside the 80% interval and the mean absolute error. `frame`: the rows of
    `prognose_backtest`."""
    kolommen = sorted({(v, i) for v, i in zip(frame["voorziening"], frame["indicator"],
                                              strict=True)})
    blokken = []
    for horizon, deel in frame.groupby("horizon", sort=True):
        vooruit = "one quarter ahead" if horizon == 1 else f"{horizon} quarters ahead"
        kop = ["quarter", *(f"{v} {i}" for v, i in kolommen)]
        regels = [f"Horizon {horizon} ({vooruit}): prognose / observed (error)", "",
                  "| " + " | ".join(kop) + " |", "|" + "---|" * len(kop)]
        for periode in sorted(deel["periode"].unique()):
            cellen = [periode]
            for v, i in kolommen:
                rij = deel[(deel["voorziening"] == v) & (deel["indicator"] == i)
                           & (deel["periode"] == periode)]
                cellen.append("–" if rij.empty else _cel(rij.iloc[0]))
            regels.append("| " + " | ".join(cellen) + " |")
        binnen, fout = ["inside 80% interval"], ["mean absolute error"]
        for v, i in kolommen:
            rijen = deel[(deel["voorziening"] == v) & (deel["indicator"] == i)]
            binnen.append(f"{int(rijen['binnen_interval'].sum())} of {len(rijen)}")
            fout.append(f"{rijen['afwijking'].abs().mean():.1f}")
        regels += ["| " + " | ".join(binnen) + " |", "| " + " | ".join(fout) + " |"]
        blokken.append("\n".join(regels))
    return "\n\n".join(blokken)


def _cel(rij: pd.Series) -> str:
    afwijking = int(rij["afwijking"])
    teken = "+" if afwijking > 0 else ""
    return f"{int(rij['prognose'])} / {int(rij['waargenomen'])} ({teken}{afwijking})"
