"""The effective-rate model against cases computed by hand."""

import pandas as pd
import pytest

from booklib.models.tariff_model import change_dates, effective_rate, group_rates

MIX = pd.DataFrame({
    "product_group": ["autos", "steel", "other"],
    "import_value": [50.0, 10.0, 40.0],
    "mfn_rate_pct": [2.5, 1.0, 2.0],
})


def schedule(*rows):
    frame = pd.DataFrame(rows, columns=["measure_id", "product_group", "effective_date", "regime", "rate_pct"])
    frame["effective_date"] = pd.to_datetime(frame["effective_date"])
    return frame


SCHEDULE = schedule(
    ("s232_autos", "autos", "2025-04-03", "add", 25.0),
    ("s232_autos", "autos", "2025-09-16", "floor", 15.0),
    ("s232_steel", "steel", "2025-03-12", "add", 25.0),
    ("s232_steel", "steel", "2025-06-04", "add", 50.0),
    ("reciprocal", "other", "2025-04-05", "add", 10.0),
    ("reciprocal", "other", "2025-08-07", "floor", 15.0),
    ("reciprocal", "other", "2026-02-24", "none", 0.0),
    ("s122", "other", "2026-02-24", "add", 10.0),
)


def rate_at(date):
    return effective_rate(SCHEDULE, MIX, [date])["effective_rate_pct"].iloc[0]


def test_before_any_measure_only_mfn():
    # 0.5*2.5 + 0.1*1 + 0.4*2 = 2.15
    assert rate_at("2025-01-01") == pytest.approx(2.15)


def test_adds_stack_on_mfn():
    # autos 27.5, steel 26, other 12: 0.5*27.5 + 0.1*26 + 0.4*12 = 13.75 + 2.6 + 4.8 = 21.15
    assert rate_at("2025-05-01") == pytest.approx(21.15)


def test_floor_is_all_in_not_added():
    rates = group_rates(SCHEDULE, MIX, "2025-10-01")
    assert rates["autos"] == pytest.approx(15.0)  # max(2.5, 15), the 25 % add replaced
    assert rates["steel"] == pytest.approx(51.0)  # 1 + 50
    assert rates["other"] == pytest.approx(15.0)  # max(2, 15)
    # 0.5*15 + 0.1*51 + 0.4*15 = 7.5 + 5.1 + 6 = 18.6
    assert rate_at("2025-10-01") == pytest.approx(18.6)


def test_floor_below_mfn_keeps_mfn():
    mix = pd.DataFrame({"product_group": ["beef"], "import_value": [1.0], "mfn_rate_pct": [26.4]})
    sched = schedule(("reciprocal", "beef", "2025-08-07", "floor", 15.0))
    assert group_rates(sched, mix, "2025-09-01")["beef"] == pytest.approx(26.4)


def test_measure_ended_with_none_and_replaced():
    rates = group_rates(SCHEDULE, MIX, "2026-03-01")
    assert rates["other"] == pytest.approx(12.0)  # reciprocal gone, Section 122 10 % on MFN 2


def test_rate_changes_on_the_effective_day():
    assert group_rates(SCHEDULE, MIX, "2025-06-03")["steel"] == pytest.approx(26.0)
    assert group_rates(SCHEDULE, MIX, "2025-06-04")["steel"] == pytest.approx(51.0)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="unknown regime"):
        group_rates(schedule(("x", "autos", "2025-01-01", "stack", 1.0)), MIX, "2025-02-01")
    with pytest.raises(ValueError, match="not in the import mix"):
        group_rates(schedule(("x", "ships", "2025-01-01", "add", 1.0)), MIX, "2025-02-01")


def test_change_dates_cover_every_step():
    dates = change_dates(SCHEDULE, "2025-01-01", "2026-06-30")
    assert dates[0] == pd.Timestamp("2025-01-01") and dates[-1] == pd.Timestamp("2026-06-30")
    assert pd.Timestamp("2025-09-16") in dates and len(dates) == 9


def test_book_path_starts_at_the_2024_duties_paid():
    from booklib import load
    from booklib.models.tariff_model import japan_effective_path

    mix = load("us_imports_japan_by_hs2")
    duties_2024 = (mix["duty_paid_pct_of_value"] * mix["imports_usd_bn"]).sum() / mix["imports_usd_bn"].sum()
    path = japan_effective_path("2026-11-22")
    assert path["effective_rate_pct"].iloc[0] == pytest.approx(duties_2024)
    assert path["date"].is_monotonic_increasing and path["effective_rate_pct"].max() > 10
