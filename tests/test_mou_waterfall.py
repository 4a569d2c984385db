"""The MOU waterfall against cases computed by hand."""

import pytest

from booklib.models.mou_waterfall import Split, irr, waterfall


def test_split_terms_are_read_us_first():
    split = Split.from_terms("50:50", "90:10")
    assert split.japan_before == 0.5 and split.japan_after == pytest.approx(0.1)
    with pytest.raises(ValueError):
        Split.from_terms("60:50", "90:10")


def test_threshold_crossed_at_a_year_end():
    # Invest 100; cash 200 a year. Year 1: Japan gets 100 (50 %), exactly the threshold.
    # Year 2: 10 % of 200 = 20.
    result = waterfall(100, [200, 200])
    assert result.cash["to_japan"].tolist() == pytest.approx([100, 20])
    assert result.cash["to_us"].tolist() == pytest.approx([100, 180])
    assert result.crossing_year == pytest.approx(1.0)


def test_threshold_crossed_mid_year():
    # Invest 100; cash 120 a year. Year 1: Japan 60. Year 2: 40 more fills it, using 80 of
    # the 120 (crossing at 1 + 80/120); the other 40 splits 10 %: Japan 40 + 4 = 44.
    result = waterfall(100, [120, 120, 120])
    assert result.cash["to_japan"].tolist() == pytest.approx([60, 44, 12])
    assert result.crossing_year == pytest.approx(1 + 80 / 120)


def test_project_that_never_recovers():
    # Invest 100; cash 30 a year for 4 years: Japan gets 15 a year = 60 < 100, never crosses.
    result = waterfall(100, [30, 30, 30, 30])
    assert result.crossing_year is None
    assert result.cash["to_japan"].sum() == pytest.approx(60)
    assert result.japan_irr < 0 and result.project_irr > 0


def test_threshold_above_the_investment():
    # Deemed allocation amount 110 on an investment of 100: Japan gets 50 % until 110.
    result = waterfall(100, [100, 100, 100], threshold=110)
    assert result.cash["to_japan"].tolist() == pytest.approx([50, 50, 10 + (100 - 20) * 0.1])
    assert result.crossing_year == pytest.approx(2 + 20 / 100)


def test_irr_matches_a_known_case():
    assert irr([-100, 110]) == pytest.approx(0.10, abs=1e-8)
    assert irr([-100, 0, 121]) == pytest.approx(0.10, abs=1e-8)
    assert irr([100, 10]) is None


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        waterfall(0, [10])
    with pytest.raises(ValueError):
        waterfall(100, [10, -5])


def test_a_deemed_return_accrues_on_what_japan_has_not_recovered():
    # Invest 100 at a deemed return of 10 %; cash 120 a year. Year 1: owed 110, Japan gets 60,
    # 50 still owed. Year 2: owed 55, filled by 110 of the 120 (crossing at 1 + 110/120); the other
    # 10 splits 10 %: Japan 55 + 1 = 56. Year 3: 12.
    result = waterfall(100, [120, 120, 120], deemed_return=0.10)
    assert result.cash["to_japan"].tolist() == pytest.approx([60, 56, 12])
    assert result.crossing_year == pytest.approx(1 + 110 / 120)


def test_no_deemed_return_is_the_funding_alone():
    plain, zero = waterfall(100, [120, 120, 120]), waterfall(100, [120, 120, 120], deemed_return=0.0)
    assert zero.cash.equals(plain.cash) and zero.crossing_year == plain.crossing_year


def test_a_deemed_return_delays_the_crossing_and_raises_japans_return():
    cash = [15.0] * 20
    plain, accrued = waterfall(100, cash), waterfall(100, cash, deemed_return=0.03)
    assert accrued.crossing_year > plain.crossing_year
    assert accrued.japan_irr > plain.japan_irr
    with pytest.raises(ValueError):
        waterfall(100, cash, deemed_return=-0.01)


def test_the_amount_funded_changes_neither_japans_return_nor_its_share():
    # Why the explorer offers no control of the amount Japan funds (see bookchapters.investment).
    small = waterfall(100.0, [30.0, 40.0, 50.0, 60.0], deemed_return=0.03)
    large = waterfall(550_000.0, [165_000.0, 220_000.0, 275_000.0, 330_000.0], deemed_return=0.03)
    assert large.japan_irr == pytest.approx(small.japan_irr)
    assert large.crossing_year == pytest.approx(small.crossing_year)
    assert (large.cash["to_japan"] / large.cash["project_cash"]).tolist() == pytest.approx((small.cash["to_japan"] / small.cash["project_cash"]).tolist())
