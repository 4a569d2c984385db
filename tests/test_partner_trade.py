"""Partner comparisons shared by the regional-trade chapter and the front page."""

import pandas as pd
import pytest

from booklib import formats as fmt

from booklib.models.partner_trade import flows_by_partner, latest_run, two_way_totals

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")

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


def test_reported_record_names_the_one_record_and_the_last_month_covered():
    from booklib.models.partner_trade import reported_record

    changes = pd.DataFrame({
        "reporter": ["China", "China"], "flow": ["imports", "exports"], "partner": ["Japan", "Japan"],
        "period_start": pd.to_datetime(["2025-12-01", "2026-01-01"]),
        "period_end": pd.to_datetime(["2025-12-31", "2026-02-28"]),
        "value": [16.4, 8.9],
        "highest_since": pd.to_datetime(["2022-09-01", None]),
    })
    assert reported_record(changes, "China", "imports", "Japan") == {
        "value": 16.4, "period": fmt.month("2025-12-01"), "record_since": fmt.month("2022-09-01"), "figures_end": fmt.month("2026-02-01")}
    with pytest.raises(ValueError, match="but the record is"):
        reported_record(changes, "Japan", "exports", "China")
    with pytest.raises(ValueError, match="expected one value"):
        reported_record(changes.assign(highest_since=pd.NaT), "China", "imports", "Japan")
