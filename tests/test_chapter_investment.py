"""The investment chapter's code (bookchapters.investment) on the real data: the glued
values the text shows, and each guarded sentence failing when the data contradict it.
Fast tier: builds nothing."""

from __future__ import annotations

import ast
import re

import pandas as pd
import pytest

from booklib import formats as fmt
from booklib.i18n import _, translate

from bookchapters import investment as inv
from booklib import load
from booklib.prose import ProseError
from conftest import REPO

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


def page_parameters(page: str) -> dict:
    """The named values (UPPER_CASE = literal) the page's cells set, e.g. the model's scenario."""
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", (REPO / page).read_text(encoding="utf-8"), re.M | re.S)
    found = {}
    for cell in cells:
        code = "\n".join(line for line in cell.splitlines() if not line.startswith(":"))
        for node in ast.parse(code).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and getattr(node.targets[0], "id", "").isupper():
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


P = page_parameters("chapters/investment.md")


@pytest.fixture(scope="module")
def tables():
    return {name: load(name) for name in ["mou_terms", "exchange_rates", "investment_pledges", "mou_projects", "gdp",
                                          "japan_fdi_position_us", "us_treasury_yield"]}


@pytest.fixture(scope="module")
def scenarios(tables):
    return inv.return_scenarios(tables["mou_terms"], P["INVESTED"], P["YEARS"], P["GROSS_RETURNS_PCT"])


def test_terms_facts(tables):
    facts = inv.terms_facts(tables["mou_terms"], tables["investment_pledges"])
    assert facts["mou-total"] == fmt.usd_bn(550, 0)
    assert facts["mou-tariff"] == fmt.percent(15, 0)
    assert facts["mou-deadline"] == fmt.day("2029-01-19")
    assert facts["mou-funding-days"] == fmt.days(45)
    assert (facts["mou-split-before"], facts["mou-split-after"]) == ("50:50", "90:10")


def test_a_term_in_another_unit_is_refused(tables):
    terms = tables["mou_terms"].copy()
    terms.loc[terms["term"] == "funding_deadline_days", "unit"] = "business days"
    with pytest.raises(ValueError, match="funding_deadline_days"):
        inv.terms_facts(terms, tables["investment_pledges"])


def test_yen_on_the_three_days(tables):
    facts = inv.yen_facts(tables["mou_terms"], tables["exchange_rates"], tables["investment_pledges"], tables["mou_projects"])
    assert facts == {
        "mou-rate-deal": fmt.yen_per_usd(146.36), "mou-yen-deal": fmt.jpy_tn(80.5, 1),
        "mou-rate-signing": fmt.yen_per_usd(148.63), "mou-yen-signing": fmt.jpy_tn(81.7, 1),
        "mou-rate-first-projects": fmt.yen_per_usd(153.57), "mou-yen-first-projects": fmt.jpy_tn(84.5, 1),
    }


def test_80_trillion_must_match_only_the_july_rate(tables):
    rates = tables["exchange_rates"].copy()
    rates.loc[rates["date"] == "2025-09-04", "jpy_per_usd"] = 146.0  # the signing day's sum rounds to 80 too
    with pytest.raises(ProseError, match="80 trillion yen"):
        inv.yen_facts(tables["mou_terms"], rates, tables["investment_pledges"], tables["mou_projects"])


def test_the_scenario_the_text_describes(scenarios):
    assert P["SHOWN_GROSS_PCT"] in P["GROSS_RETURNS_PCT"]
    facts = inv.scenario_facts(scenarios, P["SHOWN_GROSS_PCT"], P["YEARS"])
    assert facts == {"mou-shown-gross": fmt.percent(8, 0), "mou-shown-japan": fmt.percent(0.0, 1), "mou-shown-share": fmt.percent(49, 0),
                     "mou-shown-recovery": "19.6", "mou-years": "20"}


def test_japan_return_must_stay_below_the_projects(scenarios):
    doctored = scenarios.assign(japan_return_pct=scenarios["gross_return_pct"] + 1)
    with pytest.raises(ProseError, match="below the project's own return"):
        inv.scenario_facts(doctored, P["SHOWN_GROSS_PCT"], P["YEARS"])


def test_the_described_project_must_pay_japan_back(scenarios):
    doctored = scenarios.assign(recovery_year=None)
    with pytest.raises(ProseError, match="pays Japan back"):
        inv.scenario_facts(doctored, P["SHOWN_GROSS_PCT"], P["YEARS"])


def test_return_lines_are_three_series(scenarios):
    lines = inv.return_lines(scenarios, 4.17)
    assert len(lines) == 3 * len(scenarios)
    assert list(lines.columns) == ["gross_return_pct", "series", "return_pct", "funding_pct"]
    assert lines.loc[lines["series"] == inv.COST_SERIES, "return_pct"].eq(4.17).all()


def test_pledge_facts(tables):
    latest = inv.latest_pledges(tables["investment_pledges"])
    assert latest["partner"].is_unique
    assert set(latest["tariff"]) == {fmt.percent(15, 0), _("none attached")}
    facts = inv.pledge_facts(latest, tables["gdp"])
    assert facts == {"mou-eu-pledge": fmt.usd_bn(600, 0), "mou-korea-pledge": fmt.usd_bn(350, 0),
                     "mou-gdp-share-japan": fmt.percent(13, 0), "mou-gdp-share-eu": fmt.percent(3, 0)}


def test_eu_and_korea_must_have_japans_rate(tables):
    latest = inv.latest_pledges(tables["investment_pledges"])
    latest.loc[latest["partner"] == "South Korea", "tariff_rate_obtained_pct"] = 25.0
    with pytest.raises(ProseError, match="same tariff rate"):
        inv.pledge_facts(latest, tables["gdp"])


def test_only_japan_and_the_eu_have_a_dollar_gdp(tables):
    latest = inv.latest_pledges(tables["investment_pledges"])
    gdp = tables["gdp"].copy()
    gdp.loc[gdp["partner"] == "South Korea", "gdp_usd_bn"] = 1875.0
    with pytest.raises(ProseError, match="Japan and the EU only"):
        inv.pledge_facts(latest, gdp)


def test_project_facts(tables):
    projects = inv.projects_by_stage(tables["mou_projects"])
    assert projects["stage"].notna().all()
    assert inv.project_facts(projects) == {"mou-interest-total": fmt.usd_bn(456, 0), "mou-interest-count": "19", "mou-tranche-count": "5"}
    assert list(inv.project_bars(projects).columns) == ["project", "sector", "company", "amount_usd_bn", "stage"]


def test_most_of_the_interest_list_must_be_energy(tables):
    projects = tables["mou_projects"].copy()
    projects.loc[projects["sector"].str.startswith("energy"), "amount_usd_bn"] = 1.0
    with pytest.raises(ProseError, match="power generation and grids"):
        inv.project_facts(projects)


def test_no_money_may_be_disbursed(tables):
    projects = tables["mou_projects"].copy()
    projects.loc[projects["project_id"] == "F01", "status"] = "disbursed"
    with pytest.raises(ProseError, match="money disbursed"):
        inv.project_facts(projects)


def test_tables_shown(tables):
    terms = inv.terms_table(tables["mou_terms"])
    term = translate("Term")
    assert terms[term].str.contains("_").sum() == 0 and translate("JBIC's expected share") in set(terms[term])
    fdi = inv.fdi_table(tables["japan_fdi_position_us"])
    assert translate("Billion US$") in fdi.columns and fdi[translate("Year")].is_monotonic_increasing
    assert inv.returns_sources(tables["mou_terms"], tables["us_treasury_yield"])[-1] == "fred_dgs10"
    assert isinstance(inv.split_of(tables["mou_terms"]).japan_after, float)
    assert pd.api.types.is_float_dtype(inv.return_scenarios(tables["mou_terms"], 100.0, 20, [8])["gross_return_pct"])


# The scenario explorer ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def benchmark(tables):
    return inv.funding_benchmark(tables["us_treasury_yield"])


@pytest.fixture(scope="module")
def grid(tables, benchmark):
    return inv.return_grid(tables["mou_terms"], P["INVESTED"], P["GROSS_RETURNS_PCT"], inv.funding_costs(benchmark))


def test_the_benchmark_is_the_ten_year_yield_on_the_day_of_signing(benchmark):
    assert benchmark.value == 4.17 and benchmark.unit == "percent"
    assert inv.funding_costs(benchmark) == (2.0, 4.17, 6.0)
    assert inv.funding_labels(benchmark)[1] == _("{rate}: the ten-year US Treasury yield on {day}", rate=fmt.percent(4.17, 2),
                                                 day=fmt.day("2025-09-04"))


def test_funding_facts_and_the_break_even(tables, benchmark):
    facts = inv.funding_facts(tables["mou_terms"], benchmark, P["INVESTED"], P["YEARS"], P["GROSS_RETURNS_PCT"])
    assert facts["mou-cost-benchmark"] == fmt.percent(4.17, 2)
    needed = inv.break_even_gross_pct(tables["mou_terms"], P["INVESTED"], P["YEARS"], benchmark.value)
    assert facts["mou-break-even"] == inv.fmt.percent(needed, 1) == fmt.percent(24.5, 1)
    at_needed = inv.return_scenarios(tables["mou_terms"], P["INVESTED"], P["YEARS"], [needed])["japan_return_pct"].iloc[0]
    assert at_needed == pytest.approx(benchmark.value, abs=1e-4)
    # A deemed return lowers the project return Japan needs.
    assert inv.break_even_gross_pct(tables["mou_terms"], P["INVESTED"], P["YEARS"], benchmark.value, 4) < needed


def test_funding_facts_fail_when_the_figure_stops_short_of_the_break_even_or_runs_far_past_it(tables, benchmark):
    """The figure's x-axis must reach the break-even return the text names (24.5 %), and only just."""
    with pytest.raises(ProseError, match="right-hand edge of the figure"):
        inv.funding_facts(tables["mou_terms"], benchmark, P["INVESTED"], P["YEARS"], [2, 4, 6, 8, 10, 12, 15])
    with pytest.raises(ProseError, match="right-hand edge of the figure"):
        inv.funding_facts(tables["mou_terms"], benchmark, P["INVESTED"], P["YEARS"], [*P["GROSS_RETURNS_PCT"], 30])


def test_a_cost_no_project_reaches_is_refused(tables):
    with pytest.raises(ValueError, match="stays below 60"):
        inv.break_even_gross_pct(tables["mou_terms"], P["INVESTED"], 10, 60.0)


def test_each_cost_is_a_level_line_no_other_control_changes(grid, benchmark):
    costs = grid[grid["series"] == inv.COST_SERIES]
    assert set(costs["funding_pct"]) == set(inv.funding_costs(benchmark))
    assert (costs["return_pct"] == costs["funding_pct"]).all()
    assert costs[["life_years", "deemed_pct", "share_pct"]].isna().all().all()
    assert grid.loc[grid["series"] != inv.COST_SERIES, "funding_pct"].isna().all()


def test_the_grid_covers_every_life_and_deemed_amount(grid):
    japan = grid[grid["series"] == inv.JAPAN_SERIES]
    low, high, step = inv.LIVES
    assert set(japan["life_years"]) == set(range(low, high + 1, step))
    assert set(japan["deemed_pct"]) == set(inv.DEEMED_RETURNS_PCT)
    assert len(japan) == len(set(japan["life_years"])) * len(inv.DEEMED_RETURNS_PCT) * len(P["GROSS_RETURNS_PCT"])


def test_the_default_is_the_figure_the_text_cites(grid, scenarios, benchmark):
    explorer = inv.return_explorer(grid, inv.return_lines(scenarios, benchmark.value), P["YEARS"], benchmark)
    shown = explorer.rows().query("series == @inv.JAPAN_SERIES and gross_return_pct == @P['SHOWN_GROSS_PCT']").iloc[0]
    facts = inv.scenario_facts(scenarios, P["SHOWN_GROSS_PCT"], P["YEARS"])
    assert inv.fmt.percent(shown["return_pct"], 1) == facts["mou-shown-japan"]
    assert inv.fmt.percent(shown["share_pct"]) == facts["mou-shown-share"]
    with pytest.raises(ValueError, match="fig-mou-returns"):
        inv.return_explorer(grid, inv.return_lines(scenarios.assign(japan_return_pct=scenarios["japan_return_pct"] + 1), benchmark.value),
                            P["YEARS"], benchmark)
    with pytest.raises(ValueError, match="fig-mou-returns.*return_pct=4.17"):
        inv.return_explorer(grid, inv.return_lines(scenarios, 2.0), P["YEARS"], benchmark)


@pytest.mark.parametrize("years, deemed_pct, gross_pct", [(10, 0, 8), (30, 4, 12), (25, 6, 2)])
def test_grid_values_are_the_waterfalls(grid, tables, years, deemed_pct, gross_pct):
    from booklib.models.mou_waterfall import waterfall

    gross = gross_pct / 100
    annual = P["INVESTED"] * gross / (1 - (1 + gross) ** -years)
    result = waterfall(P["INVESTED"], [annual] * years, split=inv.split_of(tables["mou_terms"]), deemed_return=deemed_pct / 100)
    row = grid[(grid["life_years"] == years) & (grid["deemed_pct"] == deemed_pct) & (grid["gross_return_pct"] == gross_pct)].iloc[0]
    assert row["return_pct"] == pytest.approx(100 * result.japan_irr)
    assert row["share_pct"] == pytest.approx(100 * result.cash["to_japan"].sum() / result.cash["project_cash"].sum())


def test_a_deemed_return_never_lowers_japans_share(grid):
    japan = grid[grid["series"] == inv.JAPAN_SERIES].set_index(["life_years", "gross_return_pct", "deemed_pct"])["share_pct"].unstack()
    assert (japan.diff(axis=1).iloc[:, 1:] >= -1e-9).all().all()


def test_the_return_table(grid):
    table = inv.return_table(grid, P["SHOWN_GROSS_PCT"], P["TABLE_LIVES"])
    amount = translate("Deemed allocation amount")
    assert list(table.columns) == [amount, *[_("{count} years", count=life) for life in P["TABLE_LIVES"]]]
    assert len(table) == len(inv.DEEMED_RETURNS_PCT)
    assert table.iloc[0][amount] == _("Japan's funding only")
    facts = inv.scenario_facts(inv.return_scenarios(load("mou_terms"), P["INVESTED"], P["YEARS"], P["GROSS_RETURNS_PCT"]), P["SHOWN_GROSS_PCT"], P["YEARS"])
    assert table.iloc[0][_("{count} years", count=P['YEARS'])] == _("{rate} ({share})", rate=facts['mou-shown-japan'], share=facts['mou-shown-share'])


def test_an_off_grid_shown_return_names_the_values_allowed(scenarios):
    """An off-list SHOWN_GROSS_PCT once stopped with a bare KeyError."""
    from booklib.prose import ParameterError

    with pytest.raises(ParameterError, match=r"SHOWN_GROSS_PCT = 9\.0 is not a value the chapter computed: "
                                             r"choose one of 2, 4, 6, 8, 10, 12, 15, 20, 25 \(the values of GROSS_RETURNS_PCT"):
        inv.scenario_facts(scenarios, 9, P["YEARS"])


def test_an_off_grid_table_return_or_life_names_the_values_allowed():
    from booklib.prose import ParameterError

    grid = inv.return_grid(load("mou_terms"), P["INVESTED"], P["GROSS_RETURNS_PCT"], inv.funding_costs(inv.funding_benchmark(load("us_treasury_yield"))))
    with pytest.raises(ParameterError, match="SHOWN_GROSS_PCT = 9.0 .* choose one of 2, 4, 6, 8, 10, 12, 15"):
        inv.return_table(grid, 9, P["TABLE_LIVES"])
    with pytest.raises(ParameterError, match="a life in TABLE_LIVES = 45 is not a value the chapter computed"):
        inv.return_table(grid, P["SHOWN_GROSS_PCT"], [10, 45])
