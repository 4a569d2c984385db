"""booklib.formats: numbers know their unit, and another language can write the same facts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from booklib import formats as fmt
from booklib.data import load


@pytest.fixture
def measures():
    return load("tariff_measures").set_index("measure_id")


def test_a_value_from_a_table_carries_its_column_unit(measures):
    rate = fmt.quantity(measures["rate_pct"], at="M01_baseline_10")
    assert rate.unit == "percent ad valorem"
    assert rate.origin == "tariff_measures.rate_pct"
    assert fmt.percent(rate) == "10\u00a0%"


def test_a_formatter_refuses_a_value_in_another_unit():
    trade = load("us_goods_trade")
    dollars = fmt.quantity(trade["value_usd_bn"], how="max")
    with pytest.raises(fmt.UnitError, match=r"percent\(\) cannot write us_goods_trade.value_usd_bn, whose unit is 'billion US dollars \(nominal\)'"):
        fmt.percent(dollars)
    assert fmt.usd_bn(dollars).startswith("$")


def test_billion_yen_is_scaled_to_trillions_not_by_hand():
    exports = load("japan_exports_to_us_by_product").set_index(["year", "product_group"])["value_jpy_bn"]
    total = fmt.quantity(exports, at=(2024, "total_exports_to_us"))
    assert total.unit == "billion yen"
    assert fmt.jpy_tn(total) == f"¥{total.value / 1000:.1f}\u00a0trillion"


def test_quantity_says_which_value_it_needs(measures):
    with pytest.raises(ValueError, match="has 3[0-9] values: say which"):
        fmt.quantity(measures["rate_pct"])
    with pytest.raises(fmt.UnitError, match="no recorded unit"):
        fmt.quantity(pd.Series([1.0], name="x"))
    with pytest.raises(ValueError, match="missing value"):
        fmt.quantity(measures["rate_pct"], at="M31_s301_excess_capacity")


@pytest.mark.parametrize(
    ("call", "english"),
    [
        (lambda: fmt.percent(27.46), "27\u00a0%"),
        (lambda: fmt.percent(27.46, 1), "27.5\u00a0%"),
        (lambda: fmt.share(0.2746), "27\u00a0%"),
        (lambda: fmt.usd_bn(550, 0), "$550\u00a0billion"),
        (lambda: fmt.usd_bn(1234.56), "$1,234.6\u00a0billion"),
        (lambda: fmt.jpy_tn(80.61), "¥80.6\u00a0trillion"),
        (lambda: fmt.yen_per_usd(146.571), "146.57\u00a0yen"),
        (lambda: fmt.count(1234), "1,234"),
        (lambda: fmt.days(45), "45\u00a0days"),
        (lambda: fmt.days(1), "1\u00a0day"),
        (lambda: fmt.points(2.46), "2.5\u00a0percentage points"),
        (lambda: fmt.fold(9.3), "9-fold"),
        (lambda: fmt.day(dt.date(2025, 8, 7)), "7 August 2025"),
        (lambda: fmt.iso_day(pd.Timestamp("2025-08-07")), "2025-08-07"),
        (lambda: fmt.month(pd.Timestamp("2025-12-01")), "December 2025"),
        (lambda: fmt.period("2026-01-01", "2026-02-28"), "January–February 2026"),
        (lambda: fmt.period("2025-01-01", "2025-12-31"), "2025"),
        (lambda: fmt.period("2025-12-01", "2026-02-28"), "December 2025–February 2026"),
    ],
)
def test_english_forms(call, english):
    assert call() == english


def test_japanese_and_chinese_editions_write_the_same_facts_their_way(monkeypatch):
    monkeypatch.setenv("BOOK_LANGUAGE", "ja")
    assert fmt.usd_bn(550, 0) == "5,500億ドル"
    assert fmt.percent(15) == "15%"
    assert fmt.fold(9) == "9倍"
    assert fmt.day(dt.date(2025, 9, 4)) == "2025年9月4日"
    assert fmt.period("2026-01-01", "2026-02-28") == "2026年1月～2月"
    assert fmt.period("2025-01-01", "2025-03-31") == "2025年1月～3月"
    assert fmt.period("2025-12-01", "2026-02-28") == "2025年12月～2026年2月"
    assert fmt.period("2025-12-01", "2025-12-31") == "2025年12月"
    monkeypatch.setenv("BOOK_LANGUAGE", "zh")
    assert fmt.period("2025-01-01", "2025-03-31") == "2025年1月—3月"
    assert fmt.period("2025-01-01", "2025-12-31") == "2025年"
    assert fmt.day_span("2025-01-01", "2026-06-30") == "2025年1月1日—2026年6月30日"
    with fmt.in_language("en"):
        assert fmt.period("2025-01-01", "2025-03-31") == "January–March 2025"
    assert fmt.percent(15) == "15%"
    assert fmt.usd_bn(550, 0) == "5,500亿美元"
    assert fmt.days(90) == "90天"
    monkeypatch.setenv("BOOK_LANGUAGE", "fr")
    with pytest.raises(ValueError, match="BOOK_LANGUAGE='fr': no such edition"):
        fmt.percent(1)


@pytest.mark.parametrize("bad", [None, float("nan"), pd.NA])
def test_a_missing_value_is_refused_not_written(bad):
    with pytest.raises(ValueError, match="missing"):
        fmt.percent(bad)


def test_counts_and_days_must_be_whole():
    with pytest.raises(ValueError, match="not a whole number"):
        fmt.count(2.5)
    with pytest.raises(ValueError, match="not a whole number"):
        fmt.days(1.5)


def test_number_refuses_to_drop_a_unit(measures):
    with pytest.raises(fmt.UnitError, match="would drop the unit"):
        fmt.number(fmt.quantity(measures["rate_pct"], at="M01_baseline_10"))


def test_period_refuses_a_span_that_is_not_whole_months():
    with pytest.raises(ValueError, match="not a span of whole months"):
        fmt.period("2026-01-15", "2026-02-28")


def test_a_value_computed_from_a_column_keeps_its_unit():
    exports = load("japan_exports_to_us_by_product")["value_jpy_bn"]
    total = fmt.in_unit_of(exports, exports.sum())
    assert (total.unit, total.origin) == ("billion yen", "japan_exports_to_us_by_product.value_jpy_bn (computed)")
    with pytest.raises(fmt.UnitError):
        fmt.usd_bn(total)


def test_keep_units_glues_a_typed_number_to_its_unit():
    text = 'when steel went to 50 % and cars paid 27.5 %, "from 90 % to 60 %", $550 billion, 12 tonnes, in 2025 the'
    kept = fmt.keep_units(text)
    assert "50\u00a0%" in kept and "27.5\u00a0%" in kept and "60\u00a0%" in kept and "550\u00a0billion" in kept
    assert "12\u00a0tonnes" in kept and "2025 the" in kept, "only a unit after a number is glued"


@pytest.mark.parametrize("months, words", [(1, "a one-month"), (6, "a six-month"), (8, "an eight-month"),
                                           (11, "an eleven-month"), (12, "a one-year"), (18, "an 18-month"),
                                           (24, "a two-year"), (13, "a 13-month")])
def test_lasting_writes_a_duration_before_a_noun_with_its_article(months, words):
    assert fmt.lasting(months) == words


def test_lasting_refuses_a_part_month():
    with pytest.raises(ValueError, match="whole number of months"):
        fmt.lasting(1.5)
