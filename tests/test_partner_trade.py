"""Partner comparisons shared by the regional-trade chapter and the front page."""

import pandas as pd
import pytest

from booklib.partner_trade import flows_by_partner, latest_run, two_way_totals

TRADE = pd.DataFrame({
    "year": [2000, 2000, 2000, 2000, 2001, 2001, 2001],
    "partner": ["China", "China", "United States", "United States", "China", "China", "United States"],
    "flow": ["exports", "imports", "exports", "imports", "exports", "imports", "exports"],
    "value_jpy_bn": [3.0, 6.0, 15.0, 8.0, 4.0, 7.0, 14.0],
})


def test_two_way_totals_keep_only_years_with_both_flows_of_every_partner():
    totals = two_way_totals(flows_by_partner(TRADE), ["China", "United States"])
    assert list(totals.index) == [2000]
    assert totals.loc[2000].to_dict() == {"China": 9.0, "United States": 23.0}


def test_two_vintages_of_one_figure_are_refused():
    with pytest.raises(ValueError, match="pick one vintage"):
        flows_by_partner(pd.concat([TRADE, TRADE.iloc[[0]]]))


def test_latest_run_is_the_final_unbroken_stretch():
    mask = pd.Series([True, False, True, True], index=[2004, 2005, 2006, 2007])
    assert list(latest_run(mask)) == [2006, 2007]
    assert list(latest_run(pd.Series([True, False], index=[1, 2]))) == []
    assert list(latest_run(pd.Series([True, True], index=[1, 2]))) == [1, 2]
    with pytest.raises(ValueError, match="missing"):
        latest_run(pd.Series([True, None], index=[1, 2], dtype="boolean"))
