"""The tariffs chapter's code (bookchapters.tariffs) on the real data: the values the text
glues, and each sentence a `require` guards failing when the data no longer bear it out.
Fast tier: builds nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from booklib import formats as fmt
from booklib.i18n import _, translate

from booklib import load
from booklib.prose import ProseError
from booklib.models.tariff_model import japan_effective_path
from bookchapters import LATEST_DOCUMENT
from bookchapters import tariffs as tar

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


@pytest.fixture(scope="module")
def measures():
    return load("tariff_measures").set_index("measure_id")


@pytest.fixture(scope="module")
def path():
    return japan_effective_path(LATEST_DOCUMENT)


def test_measure_facts(measures):
    facts = tar.measure_facts(measures)
    assert facts["tar-baseline-rate"] == fmt.percent(10, 0)
    assert facts["tar-baseline-date"] == fmt.day("2025-04-05")
    assert facts["tar-s301-rate"] == fmt.percent(12.5, 1)
    assert facts["tar-autos15-date"] == fmt.day("2025-09-16")
    assert facts["tar-s122-start"] == fmt.day("2026-02-24")
    assert facts["tar-measure-count"] == str(len(measures))
    assert (facts["tar-s301-announced"], facts["tar-metals-ic-date"]) == (fmt.day("2026-07-23"), fmt.day("2026-06-08"))
    assert (facts["tar-drones-date"], facts["tar-poly-date"]) == (fmt.day("2026-09-03"), fmt.day("2026-12-04"))


@pytest.mark.parametrize("measure_id, column, value, sentence", [
    ("M34_drones_232_japan", "rate_pct", 25.0, "cap Japanese goods at the deal's rate"),
    ("M18_metals_annex1c_japan", "partner", "all", "cap Japanese goods at the deal's rate"),
    ("M27_polysilicon_232", "status", "in_force", "polysilicon tariff had not started"),
])
def test_each_sentence_on_the_2026_caps_can_fail(measures, measure_id, column, value, sentence):
    doctored = measures.copy()
    doctored.loc[measure_id, column] = value
    with pytest.raises(ProseError, match=sentence):
        tar.measure_facts(doctored)


def test_measures_table_writes_rates_as_given(measures):
    table = tar.measures_table(measures)
    T = {c: translate(c) for c in ["Effective", "Partner", "Scope", "Rate", "Legal basis", "Instrument", "Status"]}
    assert list(table.columns) == list(T.values())
    row = table.loc["M33_s301_forcedlabor_final"]
    assert (row[T["Effective"]], row[T["Rate"]]) == ("2026-07-24", fmt.percent(12.5, 1))
    assert table.loc["M06_deal_0722", T["Effective"]] == _("never")
    assert table.loc["M31_s301_excess_capacity", T["Rate"]] == ""
    assert table.loc["M01_baseline_10", [T["Partner"], T["Scope"], T["Status"]]].tolist() == [
        translate("all countries"), translate("all goods"), translate("superseded")]


def test_measures_table_is_in_date_order_with_the_measures_that_never_took_effect_last(measures):
    effective = tar.measures_table(measures)[translate("Effective")].tolist()
    dated = [day for day in effective if day != _("never")]
    assert dated == sorted(dated) and effective[len(dated):] == [_("never")] * (len(effective) - len(dated))
    assert len(dated) < len(effective)


def test_headline(measures):
    headline = load("headline_rates")
    assert tar.headline_facts(headline)["tar-china-peak"] == fmt.percent(145, 0)
    steps = tar.headline_steps(headline, LATEST_DOCUMENT)
    assert (steps.groupby("partner")["effective_date"].max() == pd.Timestamp(LATEST_DOCUMENT)).all()
    tamed = headline.assign(headline_rate_pct=headline["headline_rate_pct"].clip(upper=20))
    with pytest.raises(ProseError, match="China"):
        tar.headline_facts(tamed)


def test_trade_facts():
    japan = tar.japan_trade(load("us_goods_trade"))
    facts = tar.trade_facts(japan)
    assert facts["tar-imports-2024"] == fmt.usd_bn(148.4, 1)
    assert facts["tar-balance-2024"] == fmt.usd_bn(69.4, 1)
    assert facts["tar-partial-period"] == ("2025-01 to 2025-11" if fmt.language().code == "en" else fmt.period("2025-01-01", "2025-11-30"))
    assert set(tar.trade_bars(japan)["flow"]) == set(tar.FLOW_COLORS)
    earlier_partial = japan.assign(period_covered=japan["period_covered"].where(japan["year"] != 2024, "2024-01 to 2024-06"))
    with pytest.raises(ProseError, match="partial"):
        tar.trade_facts(earlier_partial)


def test_mof_facts():
    facts = tar.mof_facts(load("japan_exports_to_us_by_product"))
    assert facts["tar-mof-2024-total"] == fmt.jpy_tn(21.3, 1)
    assert facts["tar-mof-2024-autos-share"] == fmt.percent(34, 0)


def test_mix_facts():
    mix = tar.import_mix(load("us_imports_japan_by_hs2"))
    facts = tar.mix_facts(mix)
    assert facts["tar-hs87-share"] == fmt.percent(34, 0)
    assert facts["tar-mix-total"] == fmt.usd_bn(151.3, 1)
    assert translate("Motor vehicles and parts (hs 87)") in set(mix["group"])  # str.capitalize lowers "HS", as before
    vehicles = mix["product_group"] == tar.VEHICLES
    smaller = mix.assign(imports_usd_bn=mix["imports_usd_bn"].where(~vehicles, 1.0))
    with pytest.raises(ProseError, match="largest"):
        tar.mix_facts(smaller)


def test_effective_facts(path, measures):
    facts = tar.effective_facts(path, measures)
    assert facts["tar-eff-before"] == fmt.percent(1.5, 1)
    assert facts["tar-eff-peak"] == fmt.percent(18.6, 1)
    assert facts["tar-eff-peak-date"] == fmt.day("2025-08-07")
    assert facts["tar-eff-deal"] == fmt.percent(14.2, 1)
    assert facts["tar-eff-latest"] == fmt.percent(13.7, 1)
    assert facts["tar-eff-fold"] == fmt.fold(9)


def test_effective_facts_guard_the_steps(path, measures):
    later_peak = path.copy()
    later_peak.loc[later_peak.index[-1], "effective_rate_pct"] = 30.0
    with pytest.raises(ProseError, match="peak"):
        tar.effective_facts(later_peak, measures)
    no_cut = path.assign(effective_rate_pct=path["effective_rate_pct"].where(path["date"] < "2025-09-16", path["effective_rate_pct"].max()))
    with pytest.raises(ProseError, match="deal"):
        tar.effective_facts(no_cut, measures)


def test_tracker(path, measures):
    tracker = tar.tracker_rows(load("effective_rate_estimates"))
    facts = tar.tracker_facts(tracker, path, measures)
    assert facts["tar-twt-deal"] == fmt.percent(15.4, 1)
    assert facts["tar-twt-last-date"] == fmt.day("2026-07-24")
    both = tar.effective_series(path, tracker)
    assert both["series"].nunique() == 2 and len(both) == len(path) + len(tracker)


def test_tic_facts():
    holdings = tar.tic_holdings(load("treasury_holdings"))
    facts = tar.tic_facts(holdings)
    assert facts["tar-tic-mar25"] == fmt.usd_bn(1130.8, 1)
    assert facts["tar-tic-apr25"] == fmt.usd_bn(1134.5, 1)
    april = (holdings["holder"] == "Japan") & (holdings["month"] == "2025-04-01")
    sold = holdings.assign(value_usd_bn=holdings["value_usd_bn"].where(~april, 1000.0))
    with pytest.raises(ProseError, match="rose"):
        tar.tic_facts(sold)


def test_tic_holdings_have_every_month():
    treasury = load("treasury_holdings")
    assert tar.tic_holdings(treasury).groupby("holder")["month"].min().max() <= pd.Timestamp("2024-01-01")
    gap = (treasury["holder"] == "Japan") & (treasury["month"] == "2024-07-01")
    with pytest.raises(ProseError, match="every month"):
        tar.tic_holdings(treasury[~gap])


def test_yield_facts():
    yields = load("us_treasury_yield")
    facts = tar.yield_facts(yields)
    assert facts["tar-yield-april-peak"] == fmt.percent(4.48, 2)
    assert facts["tar-yield-april-peak-date"] == fmt.day("2025-04-11")
    assert facts["tar-yield-series-max"] == fmt.percent(4.79, 2)
    assert tar.claimed_yield()["label"].iloc[0] == _("Level claimed in a seed article: {level}", level=fmt.percent(4.8, 1))
    spike = yields.assign(value_pct=yields["value_pct"].where(yields["date"] != "2025-04-11", 4.9))
    with pytest.raises(ProseError, match="4.8"):
        tar.yield_facts(spike)


def test_bond_flow_facts():
    flows = load("japan_portfolio_flows")
    facts = tar.bond_flow_facts(flows)
    assert (facts["tar-flow-week1"], facts["tar-flow-week2"]) == (fmt.usd_bn(17.5, 1), fmt.usd_bn(3.6, 1))
    assert facts["tar-flow-week1-end"] == fmt.day("2025-04-05")
    big_sale = flows.assign(value_usd_bn=flows["value_usd_bn"].where(flows["period_start"] != "2025-03-30", -55.0))
    with pytest.raises(ProseError, match="50 billion"):
        tar.bond_flow_facts(big_sale)


def test_timeline_and_courts(measures):
    events = load("events")
    tariff = tar.tariff_events(events)
    assert tar.timeline_facts(tariff)["tar-event-count"] == "37"
    assert tar.timeline_description(tariff).startswith(_("Timeline of {count} tariff events from {first} to {last}, by actor: "
                                                         "the US government, Japan, and the US courts.", count=37,
                                                         first=fmt.month("2025-03-01"), last=fmt.month("2026-09-01")))
    facts = tar.court_facts(events, measures)
    assert facts["tar-scotus-date"] == fmt.day("2026-02-20")
    assert facts["tar-s122-days"] == fmt.days(150)
    assert facts["tar-232-in-force"] == "11"
    extended = measures.copy()
    extended.loc["M29_s122_10", "end_date"] = pd.Timestamp("2026-08-30")
    with pytest.raises(ProseError, match="150 days"):
        tar.court_facts(events, extended)


def test_the_facts_the_front_page_repeats(path, measures):
    """intro.md's key findings take these from the chapter's own functions instead of recomputing them."""
    assert tar.front_page_facts(
        measures, load("us_imports_japan_by_hs2"), path, load("treasury_holdings"), load("us_treasury_yield")
    ) == {
        "kf-hs87-share": fmt.percent(34, 0), "kf-autos15-rate": fmt.percent(15, 0), "kf-autos15-date": fmt.day("2025-09-16"),
        "kf-eff-fold": fmt.fold(9), "kf-eff-before": fmt.percent(1.5, 1), "kf-eff-peak-added": fmt.percent(17.1, 1),
        "kf-eff-latest-added": fmt.percent(12.2, 1), "kf-eff-latest": fmt.percent(13.7, 1),
        "kf-s122-start": fmt.day("2026-02-24"), "kf-s122-rate": fmt.percent(10, 0), "kf-tic-mar": fmt.usd_bn(1130.8, 1),
        "kf-tic-apr": fmt.usd_bn(1134.5, 1), "kf-yield-peak": fmt.percent(4.48, 2),
    }


# The scenario explorer ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def schedule():
    return load("tariff_schedule_japan")


@pytest.fixture(scope="module")
def tracker():
    return tar.tracker_rows(load("effective_rate_estimates"))


@pytest.fixture(scope="module")
def grid(schedule, tracker):
    return tar.scenario_grid(schedule, load("us_imports_japan_by_hs2"), tracker, LATEST_DOCUMENT)


def scenario_path(grid, cars="enacted", metals="enacted", ruling="enacted") -> pd.Series:
    rows = grid[(grid["cars"] == cars) & (grid["metals"] == metals) & (grid["ruling"] == ruling)]
    return rows.set_index("date")["additional_pct"]


def test_the_grid_holds_every_scenario_and_the_tracker_once(grid, tracker):
    scenarios = grid.dropna(subset=["cars"]).groupby(["cars", "metals", "ruling"]).size()
    assert len(scenarios) == 3 * 3 * 4 and scenarios.nunique() == 1
    assert (grid["series"] != tar.MODEL_SERIES).sum() == len(tracker)
    assert grid.loc[grid["series"] != tar.MODEL_SERIES, ["cars", "metals", "ruling"]].isna().all().all()


def test_the_default_is_the_path_the_text_describes(grid, schedule, tracker, path):
    explorer = tar.effective_explorer(grid, schedule, tar.effective_series(path, tracker))
    drawn = explorer.rows().query("series == @tar.MODEL_SERIES")
    assert drawn["additional_pct"].tolist() == pytest.approx((path["effective_rate_pct"] - path["effective_rate_pct"].iloc[0]).tolist())
    wrong = tar.effective_series(path.assign(effective_rate_pct=path["effective_rate_pct"] + 0.1 * (path.index == 5)), tracker)
    with pytest.raises(ValueError, match="fig-tar-effective.*additional_pct"):
        tar.effective_explorer(grid, schedule, wrong)


def test_scenarios_equal_the_model_on_the_schedule_without_those_measures(grid, schedule):
    from booklib.models.tariff_model import change_dates, effective_rate, import_weights

    dates = change_dates(schedule, "2025-01-01", LATEST_DOCUMENT)
    without = schedule[~schedule["measure_id"].isin([tar.CARS, tar.METALS])]
    model = effective_rate(without, import_weights(load("us_imports_japan_by_hs2")), dates)["effective_rate_pct"]
    assert scenario_path(grid, cars="none", metals="none").tolist() == pytest.approx((model - model.iloc[0]).tolist())


def test_the_choices_change_the_path_where_they_should(grid, schedule):
    enacted = scenario_path(grid)
    ruling_day, deal_day = pd.Timestamp("2026-02-24"), pd.Timestamp("2025-09-16")
    # No ruling: from the ruling on, the rate stays where the deal left it.
    assert scenario_path(grid, ruling="no_ruling")[ruling_day] == pytest.approx(enacted[deal_day])
    # Nothing replaces IEEPA: lower than the Section 122 surcharge; before the ruling, unchanged.
    nothing = scenario_path(grid, ruling="nothing")
    assert nothing[ruling_day] < enacted[ruling_day]
    assert nothing[nothing.index < ruling_day].tolist() == enacted[enacted.index < ruling_day].tolist()
    # Section 122 only: as enacted until the Section 301 duty, lower from then on.
    s122_only, s301_day = scenario_path(grid, ruling="s122_only"), pd.Timestamp("2026-07-24")
    assert s122_only[s122_only.index < s301_day].tolist() == enacted[enacted.index < s301_day].tolist()
    assert s122_only[s301_day] < enacted[s301_day]
    # Cars keep 25 %: higher from the deal for cars on; metals kept at 25 %: lower from June 2025.
    assert scenario_path(grid, cars="kept_25")[deal_day] > enacted[deal_day]
    assert scenario_path(grid, metals="kept_25")[pd.Timestamp("2025-06-04")] < enacted[pd.Timestamp("2025-06-04")]


def test_the_menus_words_come_from_the_schedule(schedule):
    words = tar.scenario_choices(schedule)
    assert words["cars"]["enacted"] == _("As enacted ({added} added, {allin} all-in from {day})", added=fmt.percent(25),
                                         allin=fmt.percent(15), day=fmt.day("2025-09-16"))
    assert words["ruling"]["enacted"] == _("As enacted (struck down; Section 122 {s122}, then Section 301 {s301} all-in)",
                                           s122=fmt.percent(10), s301=fmt.percent(12.5, 1))
    assert [len(words[control]) for control in ["cars", "metals", "ruling"]] == [3, 3, 4]


def test_the_scenario_table(grid, schedule, path):
    table = tar.scenario_table(grid, schedule)
    assert len(table) == len(tar.TABLE_SCENARIOS)
    first = table.iloc[0]
    assert list(table.columns) == [translate("Scenario (what differs from the measures as enacted)"),
                                   translate("Peak additional rate"), translate("Latest additional rate")]
    first = first.set_axis(["scenario", "peak", "latest"])
    assert first["scenario"] == _("All measures as enacted")
    assert table.iloc[-1, 0] == _("; ").join([
        _("{control}: {choice}", control=translate("Cars and parts"), choice=_("No Section 232 car tariff")),
        _("{control}: {choice}", control=translate("Steel and aluminium"), choice=_("No Section 232 metals tariff"))])
    rate = path["effective_rate_pct"]
    assert first["latest"] == tar.fmt.percent(rate.iloc[-1] - rate.iloc[0], 1)
    assert first["peak"] == tar.fmt.percent(rate.max() - rate.iloc[0], 1)


def test_the_front_page_quotes_the_numbers_its_figure_plots(path, measures):
    """Key finding 2 links to fig-tar-effective, which plots the rate above the duties of 2024:
    the front page quotes that figure's peak and last value, not the total rate."""
    facts = tar.front_page_facts(
        measures, load("us_imports_japan_by_hs2"), path, load("treasury_holdings"), load("us_treasury_yield"))
    plotted = tar.effective_series(path, tar.tracker_rows(load("effective_rate_estimates")))
    model = plotted[plotted["series"] == tar.MODEL_SERIES]["additional_pct"]
    assert facts["kf-eff-peak-added"] == tar.fmt.percent(model.max(), 1)
    assert facts["kf-eff-latest-added"] == tar.fmt.percent(model.iloc[-1], 1)


def test_a_measure_that_had_not_begun_by_the_as_of_date_has_no_rate():
    """AS_OF = '2025-12-31' once reported a Section 122 rate for a date before Section 122 existed."""
    from booklib.models.tariff_model import japan_effective_path
    from booklib.prose import ProseError

    measures = load("tariff_measures").set_index("measure_id")
    path = japan_effective_path("2025-12-31")
    assert tar.rate_on(path, measures.loc["M29_s122_10", "effective_date"]) is None
    assert tar.rate_on(path, "2025-09-16") is not None
    with pytest.raises(ProseError, match=r"Section 122 surcharge \(from 24 February 2026\).*runs to 31 December 2025 \(AS_OF\)"):
        tar.effective_facts(path, measures)
