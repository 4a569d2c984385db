"""Who gets a project's cash under the US–Japan investment MOU.

As reported of the memorandum of 4 September 2025: distributable cash flow is
split 50/50 between the United States and Japan until Japan has received its
"deemed allocation amount" (what it funded, plus a return as the MOU defines
it), and 90/10 in favour of the United States after that. The model takes the
threshold as a parameter because the MOU's exact definition was read only
through secondary reports. Cash flows are annual; the year in which the
threshold is crossed is split pro rata, so the crossing can fall mid-year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Split:
    """Japan's share of cash before and after it recovers the threshold."""

    japan_before: float = 0.5
    japan_after: float = 0.1

    @classmethod
    def from_terms(cls, before: str, after: str) -> "Split":
        """From terms written US:Japan, e.g. '50:50' and '90:10'."""
        def japan_share(term: str) -> float:
            us, japan = (float(x) for x in term.split(":"))
            if us < 0 or japan < 0 or us + japan != 100:
                raise ValueError(f"split {term!r} must be two non-negative shares adding to 100")
            return japan / 100

        return cls(japan_share(before), japan_share(after))


@dataclass(frozen=True)
class Waterfall:
    cash: pd.DataFrame  # year, project_cash, to_japan, to_us, japan_cumulative
    crossing_year: float | None  # fractional year in which Japan's receipts reach the threshold
    japan_irr: float | None  # per year, on -investment then Japan's receipts
    project_irr: float | None  # per year, on -investment then all project cash


def irr(flows: list[float], low: float = -0.99, high: float = 10.0, tolerance: float = 1e-10) -> float | None:
    """Internal rate of return by bisection; None when the flows never change sign."""
    def npv(rate: float) -> float:
        return sum(f / (1 + rate) ** t for t, f in enumerate(flows))

    if not any(f < 0 for f in flows) or not any(f > 0 for f in flows):
        return None
    lo, hi = low, high
    if npv(lo) * npv(hi) > 0:
        return None
    for _ in range(300):
        mid = (lo + hi) / 2
        if npv(lo) * npv(mid) <= 0:
            hi = mid
        else:
            lo = mid
        if hi - lo < tolerance:
            break
    return (lo + hi) / 2


def waterfall(investment: float, cash_flows: list[float], threshold: float | None = None, split: Split = Split(),
              deemed_return: float = 0.0) -> Waterfall:
    """Split each year's project cash between Japan and the US.

    `investment` is what Japan funds at year 0; `cash_flows` the project's
    distributable cash in years 1, 2, ...; `threshold` the deemed allocation
    amount Japan must receive before the split turns (default: the investment).
    `deemed_return` (a year, e.g. 0.04) adds to the threshold a return on what
    Japan has not yet recovered, as a loan's interest accrues on what is owed: the
    floating-rate return that reports describe (an assumption of the book: the
    MOU's definition was read only through one analyst's reading). A whole year's
    return accrues before that year's cash is paid; 0, the default, is the
    threshold alone.
    """
    if investment <= 0:
        raise ValueError("investment must be positive")
    if any(c < 0 for c in cash_flows):
        raise ValueError("cash flows must be distributable cash (non-negative)")
    if deemed_return < 0:
        raise ValueError("the deemed return must be non-negative")
    owed = investment if threshold is None else threshold
    received, crossing, rows = 0.0, None, []
    for year, cash in enumerate(cash_flows, start=1):
        owed *= 1 + deemed_return
        remaining = max(owed, 0.0)
        if remaining > 0 and cash * split.japan_before >= remaining:
            # Crosses this year: the part of the year's cash that fills the threshold at the
            # first split, the rest at the second.
            filling_cash = remaining / split.japan_before
            to_japan = remaining + (cash - filling_cash) * split.japan_after
            crossing = year - 1 + filling_cash / cash
        elif remaining > 0:
            to_japan = cash * split.japan_before
        else:
            to_japan = cash * split.japan_after
        received += to_japan
        owed = 0.0 if crossing is not None else owed - to_japan
        rows.append({"year": year, "project_cash": cash, "to_japan": to_japan, "to_us": cash - to_japan, "japan_cumulative": received})
    cash = pd.DataFrame(rows, columns=["year", "project_cash", "to_japan", "to_us", "japan_cumulative"])
    return Waterfall(
        cash=cash,
        crossing_year=crossing,
        japan_irr=irr([-investment, *cash["to_japan"]]),
        project_irr=irr([-investment, *cash_flows]),
    )
