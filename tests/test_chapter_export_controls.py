"""The export-controls chapter's code (bookchapters.export_controls) on the real data: the
glued values the text shows, and each guarded sentence failing when the data contradict it.
Fast tier: builds nothing."""

from __future__ import annotations

import pytest

from booklib import formats as fmt
from booklib.i18n import _, translate

from bookchapters import export_controls as ec
from booklib import load
from booklib.prose import ProseError
from conftest import REPO
from test_chapter_investment import page_parameters

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")

P = page_parameters("chapters/export_controls.md")


@pytest.fixture(scope="module")
def measures():
    return load("export_control_measures").sort_values("effective_date")


@pytest.fixture(scope="module")
def shares():
    return ec.china_shares(load("japan_rare_earth_imports"))


@pytest.fixture(scope="module")
def monthly():
    return ec.magnet_months(load("china_rare_earth_exports"))


@pytest.fixture(scope="module")
def estimates():
    return load("rare_earth_gdp_scenarios")


def test_measure_facts(measures):
    facts = ec.measure_facts(measures)
    assert (facts["ec-count"], facts["ec-china-count"], facts["ec-sme-kinds"]) == ("25", "19", "23")
    assert facts["ec-sme-date"] == fmt.day("2023-07-23")
    assert facts["ec-ree7-date"] == fmt.day("2025-04-04")
    assert facts["ec-suspension-date"] == fmt.day("2025-11-07")
    assert (facts["ec-japan-military-date"], facts["ec-dcs-date"]) == (fmt.day("2026-01-06"), fmt.day("2026-01-07"))
    assert facts["ec-june-list-date"] == fmt.day("2026-06-29")


@pytest.mark.parametrize("measure_id, column, value, sentence", [
    ("us_2022_acs", "effective_date", "2023-10-07", "measures from 2022"),
    ("cn_2025_no18_7ree", "status", "suspended", "April 2025 licensing"),
    ("cn_2025_no57_5ree", "status", "in_force", "October 2025 expansion was suspended"),
    ("cn_2026_dcs_antidumping", "effective_date", "2026-02-07", "in January 2026"),
    ("jp_2023_sme23", "items", "advanced semiconductor manufacturing equipment", "kinds of chip-making equipment"),
    ("cn_2026_06_japan_control_list", "target", "United States", "Japanese entities on its export control list in June 2026"),
])
def test_each_sentence_on_the_measures_can_fail(measures, measure_id, column, value, sentence):
    doctored = measures.copy()
    doctored.loc[doctored["measure_id"] == measure_id, column] = value
    if column == "effective_date":
        doctored[column] = doctored[column].astype("datetime64[ns]")
    with pytest.raises(ProseError, match=sentence):
        ec.measure_facts(doctored)


def test_timeline_and_list(measures):
    sides = ec.timeline(measures)
    assert set(sides["side"]) == {"China's measures", "Japan's and US measures"}
    listed = ec.measures_list(measures)
    assert listed["effective_date"].iloc[0] == "2022-10-07" and not listed["status"].str.contains("_").any()
    assert listed["source_id"].str.startswith("{cite:p}`").all()


def test_share_facts(shares):
    assert shares["note"].notna().all()
    assert ec.share_facts(shares) == {"ec-share-2010": fmt.percent(82, 0), "ec-share-2024": fmt.percent(72, 0), "ec-share-2024-low": fmt.percent(60, 0)}


def test_the_dependence_summary_can_fail(shares):
    no_fall = shares.copy()
    no_fall.loc[(no_fall["year"] == 2024) & (no_fall["period"] == "2024") & (no_fall["qualifier"] == "exact"), "value"] = 85.0
    with pytest.raises(ProseError, match="two-thirds to seven-tenths"):
        ec.share_facts(no_fall)
    not_four_fifths = shares.copy()
    not_four_fifths.loc[(not_four_fifths["year"] == 2010) & (not_four_fifths["qualifier"] == "exact"), "value"] = 95.0
    with pytest.raises(ProseError, match="four-fifths"):
        ec.share_facts(not_four_fifths)


def test_magnet_facts(monthly):
    assert set(monthly["destination"]) == {"World", "United States", "Japan"}
    assert ec.magnet_facts(monthly) == {"ec-magnets-jan": fmt.with_unit("6,357", _("tonnes")), "ec-magnets-may": fmt.with_unit("1,238", _("tonnes")), "ec-magnets-japan-months": "4"}


def test_the_magnet_sentences_can_fail(monthly):
    no_fall = monthly.copy()
    no_fall.loc[(no_fall["period"] == "2025-05") & (no_fall["destination"] == "World"), "value"] = 7000.0
    with pytest.raises(ProseError, match="fell from January to May"):
        ec.magnet_facts(no_fall)
    few_world = monthly[(monthly["destination"] != "World") | monthly["period"].isin(["2025-01", "2025-05"])]
    with pytest.raises(ProseError, match="only some months"):
        ec.magnet_facts(few_world)


def test_cost_facts(estimates):
    model = ec.cost_model(estimates)
    facts = ec.cost_facts(estimates, model, P["SHOWN_MONTHS"])
    assert facts == {
        "ec-nri-12-trn": fmt.jpy_tn(2.6, 1), "ec-nri-12-pct": fmt.percent(0.43, 2), "ec-nri-3-trn": fmt.jpy_tn(0.66, 2),
        "ec-per-month": fmt.jpy_tn(0.22, 2), "ec-gdp": fmt.jpy_tn(605, 0),
        "ec-shown-restriction": _("{lasting} restriction", lasting=fmt.lasting(6)), "ec-model-shown": fmt.percent(0.22, 2),
        "ec-daiwa": fmt.percent(1.3, 1), "ec-daiwa-metals": fmt.percent(3.2, 1), "ec-mizuho": fmt.percent(0.88, 2),
    }
    curve = ec.cost_curve(model, P["CURVE_MONTHS"])
    assert len(curve) == P["CURVE_MONTHS"] and curve["loss_pct"].is_monotonic_increasing
    assert set(ec.published_estimates(estimates)["label"]) == {"Nomura Research Institute", "Daiwa Institute of Research", "Mizuho Research & Technologies"}


@pytest.mark.parametrize("months, words", [(12, "a one-year restriction"), (3, "a three-month restriction"),
                                           (8, "an eight-month restriction")])
def test_the_priced_duration_is_written_from_the_parameter(estimates, months, words):
    """SHOWN_MONTHS = 12 once printed the one-year cost under a six-month label."""
    facts = ec.cost_facts(estimates, ec.cost_model(estimates), months)
    assert facts["ec-shown-restriction"] == _("{lasting} restriction", lasting=fmt.lasting(months))
    if fmt.language().code == "en":
        assert facts["ec-shown-restriction"] == words
    page = (REPO / "chapters" / "export_controls.md").read_text(encoding="utf-8")
    assert "six-month" not in page, "the page types the duration its parameter sets"
    assert "so {glue:text}`ec-shown-restriction` would cost about {glue:text}`ec-model-shown`" in page


def test_the_cost_sentences_can_fail(estimates):
    model = ec.cost_model(estimates)
    with pytest.raises(ProseError, match="within NRI's estimated durations"):
        ec.cost_facts(estimates, model, 18)
    off_line = estimates.copy()
    off_line.loc[off_line["scenario_id"] == "nri_3m", "gdp_loss_jpy_trn"] = 1.2
    with pytest.raises(ProseError, match="line through the origin"):
        ec.cost_facts(off_line, ec.cost_model(off_line), P["SHOWN_MONTHS"])
    modest = estimates.copy()
    modest.loc[modest["scenario_id"] == "mizuho_12m", "gdp_loss_pct"] = 0.5
    with pytest.raises(ProseError, match="far larger costs"):
        ec.cost_facts(modest, model, P["SHOWN_MONTHS"])


def test_diversification_amounts():
    listed = ec.diversification_list(load("diversification"))
    assert listed["amount"].iloc[0] == fmt.with_unit("100", translate("JPY bn"))
    assert _("amount not stated") in set(listed["amount"])


# The scenario explorer ---------------------------------------------------------------------

@pytest.fixture
def cost_grid(estimates, book_language):  # its words are the edition's
    return ec.cost_grid(estimates, ec.cost_model(estimates))


def test_the_grid_covers_every_estimate_and_month(cost_grid):
    assert set(cost_grid["estimate"]) == {ec.BOOK_LINE, *ec.OTHER_ESTIMATES}
    assert cost_grid.groupby("estimate")["months"].apply(sorted).map(lambda m: m == list(range(1, ec.LONGEST_MONTHS + 1))).all()


def test_the_default_is_the_figure_the_text_cites(cost_grid, estimates):
    model = ec.cost_model(estimates)
    curve = ec.cost_curve(model, P["CURVE_MONTHS"])
    explorer = ec.cost_explorer(cost_grid, estimates, model, curve, P["SHOWN_MONTHS"])
    marker = explorer.rows()["marker"].iloc[0]
    assert marker == _("{count} months: {loss} of GDP", count=fmt.count(P["SHOWN_MONTHS"]),
                       loss=ec.cost_facts(estimates, model, P['SHOWN_MONTHS'])['ec-model-shown'])
    assert ec.curve_reach(explorer, P["CURVE_MONTHS"]) == f"datum.months <= max({P['CURVE_MONTHS']}, choose_months)"
    with pytest.raises(ValueError, match="fig-ec-cost.*loss_pct"):
        ec.cost_explorer(cost_grid, estimates, model, curve.assign(loss_pct=curve["loss_pct"] * 1.01), P["SHOWN_MONTHS"])


def test_each_line_goes_through_its_published_point(cost_grid, estimates):
    one_year = cost_grid[cost_grid["months"] == 12].set_index("estimate")["loss_pct"]
    published = estimates.set_index("scenario_id")["gdp_loss_pct"]
    for scenario in ec.OTHER_ESTIMATES:
        assert one_year[scenario] == pytest.approx(published[scenario])
    assert one_year[ec.BOOK_LINE] == pytest.approx(ec.cost_model(estimates).loss_pct_of_gdp(12))


def test_markers_say_where_the_line_is_extrapolated(cost_grid):
    extrapolated = cost_grid["marker"].str.endswith(_(" (extrapolated)"))
    assert (extrapolated == (cost_grid["months"] > 12)).all()
    first = cost_grid[cost_grid["months"] == 1]
    assert all(m == _("{count} month: {loss} of GDP", count=1, loss=fmt.percent(x, 2)) for m, x in zip(first["marker"], first["loss_pct"]))
    if fmt.language().code == "en":
        assert first["marker"].str.startswith("1 month:").all()


def test_the_cost_table(cost_grid):
    table = ec.cost_table(cost_grid, P["TABLE_MONTHS"])
    months = {m: _("{count} months", count=m) for m in P["TABLE_MONTHS"]}
    assert list(table.columns) == [translate("Estimate"), *months.values()]
    assert len(table) == 1 + len(ec.OTHER_ESTIMATES)
    longest = max(P["TABLE_MONTHS"])
    assert table[months[longest]].str.endswith(_(" (extrapolated)")).all() == (longest > 12)
    assert not table[months[12]].str.contains(_(" (extrapolated)"), regex=False).any()


@pytest.fixture(scope="module")
def exports():
    return load("china_rare_earth_exports")


def test_rare_earth_facts(exports):
    rare_earths = ec.rare_earth_months(exports)
    assert set(rare_earths["product"]) == {"rare_earths"} and rare_earths["month"].is_monotonic_increasing
    assert ec.rare_earth_facts(rare_earths, exports) == {
        "ec-ree-mar-2025": fmt.with_unit("5,666", _("tonnes")), "ec-ree-apr-2025": fmt.with_unit("4,785", _("tonnes")), "ec-ree-jun-2025": fmt.with_unit("7,742", _("tonnes")),
        "ec-ree-2024": fmt.with_unit("55,431", _("tonnes")), "ec-ree-2025": fmt.with_unit("62,585", _("tonnes")),
        "ec-ree-last-month": fmt.month("2026-07-01"), "ec-ree-first-month": fmt.month("2024-01-01"),
    }


@pytest.mark.parametrize("period, tonnes, message", [
    ("2025-04", 6000.0, "dipped in April 2025"),
    ("2024-05", 8000.0, "June 2025 is the highest month"),
    ("2024", 70000.0, "exceeded 2024's"),
])
def test_the_rare_earth_sentences_can_fail(exports, period, tonnes, message):
    changed = exports.copy()
    changed.loc[(changed["period"] == period) & (changed["product"] == "rare_earths"), "value"] = tonnes
    with pytest.raises(ProseError, match=message):
        ec.rare_earth_facts(ec.rare_earth_months(changed), changed)


def test_front_page_repeats_the_chapters_own_facts(exports):
    chapter = {**ec.magnet_facts(ec.magnet_months(exports)), **ec.rare_earth_facts(ec.rare_earth_months(exports), exports)}
    assert ec.front_page_facts(exports) == {
        "kf-magnets-jan": chapter["ec-magnets-jan"], "kf-magnets-may": chapter["ec-magnets-may"],
        "kf-ree-apr": chapter["ec-ree-apr-2025"], "kf-ree-jun": chapter["ec-ree-jun-2025"],
    }


def test_the_front_page_finding_fails_if_rare_earths_fell_as_far_as_magnets(exports):
    changed = exports.copy()
    changed.loc[(changed["period"] == "2025-04") & (changed["product"] == "rare_earths"), "value"] = 1200.0
    with pytest.raises(ProseError, match="magnets fell far more"):
        ec.front_page_facts(changed)
