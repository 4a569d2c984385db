"""Trade-weighted effective US tariff on a partner's goods, from a dated schedule.

The schedule lists, per product group, the rows of each measure with the date
they take effect. A row's `regime` says how it stacks:
- `add`: an additional duty on top of everything else (e.g. a Section 232 25 %);
- `floor`: an all-in rate, the higher of the MFN duty and this rate (the
  US–Japan deal's "15 % all-in");
- `none`: the measure stops applying to the group from that date.
At a date, the latest row of each measure applies. A group's rate is
max(MFN, the highest floor) + the sum of the adds; the effective rate is the
average of group rates weighted by a fixed import mix. Fixed weights mean no
substitution between goods: the rate on the pre-tariff basket, the measure
usually called the "pre-substitution" effective rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGIMES = {"add", "floor", "none"}


def _check(schedule: pd.DataFrame, mix: pd.DataFrame) -> None:
    unknown = set(schedule["regime"]) - REGIMES
    if unknown:
        raise ValueError(f"unknown regime(s) {sorted(unknown)}; allowed: {sorted(REGIMES)}")
    groups = set(mix["product_group"])
    stray = set(schedule["product_group"]) - groups
    if stray:
        raise ValueError(f"schedule names product groups not in the import mix: {sorted(stray)}")
    if mix["product_group"].duplicated().any():
        raise ValueError("the import mix lists a product group twice")
    if (mix["import_value"] < 0).any() or mix["import_value"].sum() <= 0:
        raise ValueError("import values must be non-negative and not all zero")


def group_rates(schedule: pd.DataFrame, mix: pd.DataFrame, date) -> pd.Series:
    """All-in tariff rate (percent) per product group in force on `date`."""
    _check(schedule, mix)
    date = pd.Timestamp(date)
    in_force = schedule[schedule["effective_date"] <= date].sort_values("effective_date", kind="stable")
    latest = in_force.groupby(["measure_id", "product_group"], sort=False).tail(1)
    mfn = mix.set_index("product_group")["mfn_rate_pct"].astype(float)
    by_regime = latest.assign(rate_pct=latest["rate_pct"].astype(float)).groupby(["regime", "product_group"])["rate_pct"]
    floors = by_regime.max().get("floor", pd.Series(dtype=float)).reindex(mfn.index)
    adds = by_regime.sum().get("add", pd.Series(dtype=float)).reindex(mfn.index, fill_value=0.0)
    # fmax: the higher of the MFN duty and the floor, the MFN duty where there is no floor.
    rates = np.fmax(mfn, floors) + adds
    return rates.astype(float).rename("rate_pct").rename_axis(None)


def effective_rate(schedule: pd.DataFrame, mix: pd.DataFrame, dates) -> pd.DataFrame:
    """Trade-weighted effective rate (percent) at each of `dates`."""
    weights = mix.set_index("product_group")["import_value"] / mix["import_value"].sum()
    rows = []
    for date in dates:
        rates = group_rates(schedule, mix, date)
        rows.append({"date": pd.Timestamp(date), "effective_rate_pct": float((rates * weights).sum())})
    return pd.DataFrame(rows)


def change_dates(schedule: pd.DataFrame, start, end) -> list[pd.Timestamp]:
    """`start`, every date the schedule changes in between, and `end`."""
    inside = schedule["effective_date"][(schedule["effective_date"] > pd.Timestamp(start)) & (schedule["effective_date"] <= pd.Timestamp(end))]
    return sorted({pd.Timestamp(start), *inside, pd.Timestamp(end)})


def japan_effective_path(end) -> pd.DataFrame:
    """The book's effective-rate path for Japanese goods, from the data tables, 2025 to `end`.

    Weights and MFN levels: `us_imports_japan_by_hs2` (2024); measures: `tariff_schedule_japan`.
    """
    from booklib.data import load

    schedule = load("tariff_schedule_japan")
    return effective_rate(schedule, import_weights(load("us_imports_japan_by_hs2")), change_dates(schedule, "2025-01-01", end))


def import_weights(imports: pd.DataFrame) -> pd.DataFrame:
    """The model's import mix from the table `us_imports_japan_by_hs2`: value and MFN duty per group."""
    return imports.rename(columns={"imports_usd_bn": "import_value", "duty_paid_pct_of_value": "mfn_rate_pct"})
