"""'Wat viel op': three to five plain Dutch sentences about a period, generated from the figures.

Each rule is a small pure function over one series (a `Reeks`: period -> value, the period
under discussion, its unit and the region's direction and target) that returns a `Bevinding`
or None. `zinnen` applies the rules to every series, keeps at most one finding per series (a
target crossed before a record before a plain change) and picks 3-5 of them. Everything is
deterministic: the same figures always give the same sentences in the same order.

Also home of the Dutch text of values and changes per unit, shared with the tiles, so a tile
and a sentence never write the same figure differently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor import fmt
from monitor.streefwaarden import GEEN, op_koers

# Units of a series: how its values and changes read.
AANTAL, PROCENT, FRACTIE, INDEX, DAGEN, PER_10000 = (
    "aantal", "procent", "fractie", "index", "dagen", "per_10000",
)
EENHEDEN = (AANTAL, PROCENT, FRACTIE, INDEX, DAGEN, PER_10000)
# Nouns that take 'het' (the others in our labels take 'de').
HET_WOORDEN = frozenset({"aantal", "aandeel", "percentage"})

STREEFWAARDE, RECORD, VERANDERING = "streefwaarde", "record", "verandering"


# --- values and changes as Dutch text -------------------------------------------------------


def decimalen(waarde: float | None, eenheid: str) -> int:
    """Decimals shown for a value of this unit (days: 1 only when the median is a half)."""
    if eenheid in (PROCENT, FRACTIE, PER_10000):
        return 1
    if eenheid == INDEX:
        return 2
    if eenheid == DAGEN and waarde is not None and not float(waarde).is_integer():
        return 1
    return 0


def _schaal(eenheid: str) -> float:
    # fractions (bezettingsgraad) are stored as 0.81 and read as 81,0%
    return 100.0 if eenheid == FRACTIE else 1.0


def waarde_tekst(waarde: float | None, eenheid: str) -> str:
    """22.5 procent -> '22,5%'; 0.8069 fractie -> '80,7%'; 1944 -> '1.944'; 67 dagen."""
    if waarde is None or math.isnan(waarde):
        return fmt.LEEG
    if eenheid in (PROCENT, FRACTIE):
        return fmt.procent(waarde * _schaal(eenheid), 1)
    tekst = fmt.getal(waarde, decimalen(waarde, eenheid))
    return f"{tekst} dagen" if eenheid == DAGEN else tekst


def afgerond_verschil(verschil: float | None, eenheid: str, waarde: float | None = None) -> \
        float | None:
    """The change rounded as it is shown (in the unit of kerncijfers), so a judgement never
    colours a change that reads as '0'."""
    if verschil is None or math.isnan(verschil):
        return None
    schaal = _schaal(eenheid)
    aantal = max(decimalen(waarde, eenheid), decimalen(verschil, eenheid))
    return round(verschil * schaal, aantal) / schaal


def verschil_tekst(
    verschil: float | None, eenheid: str, waarde: float | None = None, kort: bool = False
) -> str:
    """A signed change: '+5', '-9', '+1,4 procentpunt' ('+1,4 %-punt' kort), '-0,02',
    '+6 dagen'; '' when unknown."""
    if verschil is None or math.isnan(verschil):
        return ""
    aantal = max(decimalen(waarde, eenheid), decimalen(verschil, eenheid))
    tekst = fmt.verschil(verschil * _schaal(eenheid), aantal)
    if eenheid in (PROCENT, FRACTIE):
        return f"{tekst} {'%-punt' if kort else 'procentpunt'}"
    return f"{tekst} dagen" if eenheid == DAGEN else tekst


# --- the series and the findings --------------------------------------------------------------


@dataclass(frozen=True)
class Reeks:
    """One series: values per period (quarters '2026-K3' or years '2025'), oldest first by
    sorting, and the period the sentences are about."""

    sleutel: str
    label: str
    waarden: Mapping[str, float]
    periode: str
    eenheid: str = AANTAL
    richting: str = GEEN
    streefwaarde: float | None = None

    @property
    def waarde(self) -> float | None:
        return self.waarden.get(self.periode)

    @property
    def eerder(self) -> list[tuple[str, float]]:
        """The periods before `periode` with their values, oldest first."""
        return sorted((p, w) for p, w in self.waarden.items() if p < self.periode)

    @property
    def vorige(self) -> tuple[str, float] | None:
        eerder = self.eerder
        return eerder[-1] if eerder else None


@dataclass(frozen=True)
class Bevinding:
    soort: str  # streefwaarde, record or verandering
    sleutel: str
    zin: str
    gewicht: float  # relative size of the change, for ranking


def onderwerp(label: str) -> str:
    """'Wachtlijst beschermd wonen' -> 'De wachtlijst beschermd wonen' (the sentence subject)."""
    eerste = label.split()[0] if label.split() else label
    lidwoord = "Het" if eerste.lower() in HET_WOORDEN or eerste.lower().endswith(
        "percentage") else "De"
    # keep acronyms (OGGZ, E33) as they are: only 'Wachtlijst' becomes 'wachtlijst'
    tekst = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return f"{lidwoord} {tekst}"


def _gewicht(nu: float, toen: float) -> float:
    if toen == 0:
        return 0.0 if nu == 0 else 1.0
    return abs(nu - toen) / abs(toen)


def _verandering_tekst(reeks: Reeks) -> tuple[str, float] | None:
    """'De X daalde naar 31 (-9 ten opzichte van 2026-K2)' without the full stop, and its
    weight; None without a value for the period or the one before."""
    nu, vorige = reeks.waarde, reeks.vorige
    if nu is None or vorige is None or math.isnan(nu) or math.isnan(vorige[1]):
        return None
    periode, toen = vorige
    afgerond = afgerond_verschil(nu - toen, reeks.eenheid, nu)
    waarde = waarde_tekst(nu, reeks.eenheid)
    if not afgerond:
        return f"{onderwerp(reeks.label)} bleef gelijk op {waarde} (net als in {periode})", 0.0
    werkwoord = "steeg" if afgerond > 0 else "daalde"
    verschil = verschil_tekst(nu - toen, reeks.eenheid, nu)
    return (f"{onderwerp(reeks.label)} {werkwoord} naar {waarde} ({verschil} ten opzichte van "
            f"{periode})", _gewicht(nu, toen))


def verandering(reeks: Reeks) -> Bevinding | None:
    """The change against the period before: 'De instroom beschermd wonen steeg naar 31 (+4
    ten opzichte van 2026-K2).'"""
    tekst = _verandering_tekst(reeks)
    if tekst is None:
        return None
    return Bevinding(VERANDERING, reeks.sleutel, f"{tekst[0]}.", tekst[1])


def record(reeks: Reeks, min_eerder: int = 4) -> Bevinding | None:
    """A new highest or lowest value since the start of the series (strictly, with at least
    `min_eerder` earlier periods): '…, de laagste stand sinds 2019.'"""
    nu, eerder = reeks.waarde, reeks.eerder
    if nu is None or len(eerder) < min_eerder:
        return None
    waarden = [w for _, w in eerder]
    if nu > max(waarden):
        stand = "hoogste"
    elif nu < min(waarden):
        stand = "laagste"
    else:
        return None
    tekst = _verandering_tekst(reeks)
    if tekst is None:
        return None
    return Bevinding(RECORD, reeks.sleutel,
                     f"{tekst[0]}, de {stand} stand sinds {eerder[0][0][:4]}.", tekst[1])


def streefwaarde(reeks: Reeks) -> Bevinding | None:
    """The target crossed since the period before, either way: 'De wachtlijst beschermd wonen
    zakte onder de streefwaarde van 40 (31 in 2026-K3, was 45 in 2026-K2) en is daarmee op
    koers.'"""
    nu, vorige, doel = reeks.waarde, reeks.vorige, reeks.streefwaarde
    if nu is None or vorige is None or doel is None:
        return None
    periode, toen = vorige
    nu_op = op_koers(nu, reeks.richting, doel)
    toen_op = op_koers(toen, reeks.richting, doel)
    if nu_op is None or toen_op is None or nu_op == toen_op:
        return None
    werkwoord = "steeg boven" if nu > doel else ("zakte onder" if nu < doel else "kwam uit op")
    koers = "op koers" if nu_op else "niet meer op koers"
    eenheid = reeks.eenheid
    zin = (f"{onderwerp(reeks.label)} {werkwoord} de streefwaarde van "
           f"{waarde_tekst(doel, eenheid)} ({waarde_tekst(nu, eenheid)} in {reeks.periode}, was "
           f"{waarde_tekst(toen, eenheid)} in {periode}) en is daarmee {koers}.")
    return Bevinding(STREEFWAARDE, reeks.sleutel, zin, _gewicht(nu, toen))


REGELS = (streefwaarde, record, verandering)


def bevindingen(reeksen: Sequence[Reeks]) -> list[Bevinding]:
    """Per series the first rule that finds something (target, record, change)."""
    gevonden = []
    for reeks in reeksen:
        for regel in REGELS:
            bevinding = regel(reeks)
            if bevinding is not None:
                gevonden.append(bevinding)
                break
    return gevonden


def kies(
    gevonden: Sequence[Bevinding], minimum: int = 3, maximum: int = 5, drempel: float = 0.10
) -> list[Bevinding]:
    """Targets crossed, then records, then changes of at least `drempel` (relative), largest
    first; up to `maximum`. Fewer than `minimum`: the largest smaller changes fill up (never a
    series that did not change: 'bleef gelijk' is no news)."""
    def rang(index_bevinding: tuple[int, Bevinding]) -> tuple[int, float, int]:
        index, b = index_bevinding
        if b.soort == STREEFWAARDE:
            return 0, 0.0, index
        if b.soort == RECORD:
            return 1, 0.0, index
        return (2 if b.gewicht >= drempel else 3), -b.gewicht, index

    geordend = [b for _, b in sorted(enumerate(gevonden), key=rang)]
    belangrijk = [b for b in geordend if b.soort != VERANDERING or b.gewicht >= drempel]
    gekozen = belangrijk[:maximum]
    for b in geordend:
        if len(gekozen) >= minimum:
            break
        if b not in gekozen and b.gewicht > 0:
            gekozen.append(b)
    return gekozen


def zinnen(
    reeksen: Sequence[Reeks], minimum: int = 3, maximum: int = 5, drempel: float = 0.10
) -> list[str]:
    """The sentences of 'Wat viel op' for these series, most important first."""
    return [b.zin for b in kies(bevindingen(reeksen), minimum, maximum, drempel)]
