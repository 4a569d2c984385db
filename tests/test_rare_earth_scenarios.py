"""The rare-earth scenario model against hand-computed cases."""

import pytest

from booklib.models.rare_earth_scenarios import LinearLoss

NRI = [(3, 0.66), (12, 2.6)]


def test_fit_through_the_origin_by_least_squares():
    model = LinearLoss.fit(NRI, anchor_months=12, anchor_pct=0.43)
    # slope = (3*0.66 + 12*2.6) / (9 + 144) = 33.18 / 153
    assert model.per_month_jpy_trn == pytest.approx(33.18 / 153)
    # GDP implied by 2.6 trillion yen = 0.43 %: 604.65 trillion yen
    assert model.gdp_jpy_trn == pytest.approx(2.6 / 0.0043)


def test_reproduces_the_published_points_closely():
    model = LinearLoss.fit(NRI, anchor_months=12, anchor_pct=0.43)
    assert model.loss_jpy_trn(12) == pytest.approx(2.6, abs=0.01)
    assert model.loss_jpy_trn(3) == pytest.approx(0.66, abs=0.02)
    assert model.loss_pct_of_gdp(12) == pytest.approx(0.43, abs=0.002)


def test_one_point_is_an_exact_line():
    model = LinearLoss.fit([(6, 1.2)], anchor_months=6, anchor_pct=0.2)
    assert model.loss_jpy_trn(3) == pytest.approx(0.6)
    assert model.loss_pct_of_gdp(6) == pytest.approx(0.2)


def test_extrapolation_is_flagged_and_bad_inputs_refused():
    model = LinearLoss.fit(NRI, anchor_months=12, anchor_pct=0.43)
    assert model.is_extrapolation(18) and not model.is_extrapolation(12)
    with pytest.raises(ValueError):
        model.loss_jpy_trn(-1)
    with pytest.raises(ValueError):
        LinearLoss.fit([(0, 1.0)], anchor_months=0, anchor_pct=0.1)
    with pytest.raises(ValueError):
        LinearLoss.fit(NRI, anchor_months=12, anchor_pct=0)


def test_a_share_line_through_one_published_point():
    from booklib.models.rare_earth_scenarios import ShareLine

    line = ShareLine.fit([(12, 1.3)])
    assert line.loss_pct_of_gdp(12) == pytest.approx(1.3)
    assert line.loss_pct_of_gdp(6) == pytest.approx(0.65)
    assert not line.is_extrapolation(12) and line.is_extrapolation(13)
    assert ShareLine.fit([(3, 0.1), (12, 0.5)]).per_month_pct == pytest.approx((0.3 + 6.0) / (9 + 144))
    with pytest.raises(ValueError):
        ShareLine.fit([(0, 1.0)])
    with pytest.raises(ValueError):
        line.loss_pct_of_gdp(-1)
