"""Quarter arithmetic on labels like '2026-K3' (pure: the exports use it without Streamlit)."""

from __future__ import annotations


def kwartaal_verschuiven(kwartaal: str, stappen: int) -> str:
    """'2026-K3' moved by `stappen` quarters: -1 -> '2026-K2', -4 -> '2025-K3'."""
    year, quarter = int(kwartaal[:4]), int(kwartaal[-1])
    index = year * 4 + quarter - 1 + stappen
    return f"{index // 4}-K{index % 4 + 1}"
