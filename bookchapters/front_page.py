"""The front page's key findings (intro.md).

Every number on the front page is one a chapter computes: each function here calls that
chapter's own facts and re-keys the ones a finding repeats, so nothing is computed twice
and the front page cannot drift from the chapter it summarises.
"""

from __future__ import annotations

import pandas as pd

from bookchapters import tariffs


def tariff_findings(measures: pd.DataFrame, mix: pd.DataFrame, path: pd.DataFrame,
                    treasury: pd.DataFrame, yields: pd.DataFrame) -> dict[str, str]:
    """Findings 1–4: cars, the average tariff, the ruling, Treasuries (`measures` indexed by measure_id)."""
    rates = tariffs.measure_facts(measures)
    cars = tariffs.mix_facts(tariffs.import_mix(mix))
    average = tariffs.effective_facts(path, measures)
    holdings = tariffs.tic_facts(tariffs.tic_holdings(treasury))
    bond_yield = tariffs.yield_facts(yields)
    return {
        "kf-hs87-share": cars["tar-hs87-share"],
        "kf-autos15-rate": rates["tar-autos15-rate"],
        "kf-autos15-date": rates["tar-autos15-date"],
        "kf-eff-multiple": average["tar-eff-multiple"],
        "kf-eff-before": average["tar-eff-before"],
        "kf-eff-peak": average["tar-eff-peak"],
        "kf-eff-latest": average["tar-eff-latest"],
        "kf-s122-start": rates["tar-s122-start"],
        "kf-s122-rate": rates["tar-s122-rate"],
        "kf-tic-mar": holdings["tar-tic-mar25"],
        "kf-tic-apr": holdings["tar-tic-apr25"],
        "kf-yield-peak": bond_yield["tar-yield-april-peak"],
    }
