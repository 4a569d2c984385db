"""Japan's trade by partner: the comparisons the regional-trade chapter and the front page both draw."""

from __future__ import annotations

import pandas as pd


def flows_by_partner(trade: pd.DataFrame) -> pd.DataFrame:
    """Exports and imports in billion yen, one row per year, columns (partner, flow).

    `trade` holds one row per year, partner and flow (see `latest_vintage`); a year a
    document did not give stays empty rather than being filled.
    """
    duplicated = trade.duplicated(["year", "partner", "flow"])
    if duplicated.any():
        raise ValueError(f"more than one value for {trade.loc[duplicated, ['year', 'partner', 'flow']].to_dict('records')}; pick one vintage first")
    exports_imports = trade[trade["flow"].isin(["exports", "imports"])]
    return exports_imports.pivot(index="year", columns=["partner", "flow"], values="value_jpy_bn")


def two_way_totals(flows: pd.DataFrame, partners: list[str]) -> pd.DataFrame:
    """Exports plus imports for each partner, in the years where every one of them has both."""
    return pd.concat({p: flows[(p, "exports")] + flows[(p, "imports")] for p in partners}, axis=1).dropna()


def latest_run(mask: pd.Series) -> pd.Index:
    """The index labels of the last unbroken run of True in `mask` (in index order); empty if it ends False."""
    if mask.isna().any():
        raise ValueError("the comparison is missing for some years; drop them first")
    ends_true = mask.astype(bool)[::-1].cumprod()[::-1].astype(bool)
    return mask.index[ends_true.to_numpy()]


def reported_record(changes: pd.DataFrame, reporter: str, flow: str, partner: str) -> dict[str, str | float]:
    """The one value in `changes` (table china_japan_trade_changes) that its source calls a record:
    the value, its period and the month it is a record since, as the prose writes them, and the
    last month any figure of the table covers. The caller names the flow its text describes, and
    an error says so if the record is another one."""
    from booklib import formats as fmt

    records = changes[changes["highest_since"].notna()]
    if len(records) != 1:
        raise ValueError(f"expected one value with highest_since, found {len(records)}")
    record = records.iloc[0]
    found = (record["reporter"], record["flow"], record["partner"])
    if found != (reporter, flow, partner):
        raise ValueError(f"the text describes {(reporter, flow, partner)}, but the record is {found}")
    return {
        "value": record["value"],
        "period": fmt.period(record["period_start"], record["period_end"]),
        "record_since": fmt.month(record["highest_since"]),
        "figures_end": fmt.month(changes["period_end"].max()),
    }
