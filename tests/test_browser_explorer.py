"""The three scenario explorers in a real browser (Debian's Chromium, headless), network cut off:
each control is a labelled input that works from the keyboard and changes the chart, and for a
few settings the values drawn are those the Python model computed for them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from booklib import load
from bookchapters import LATEST_DOCUMENT
from bookchapters import export_controls as ec
from bookchapters import investment as inv
from bookchapters import tariffs as tar
from test_browser import browser, only_the_site, pytestmark  # noqa: F401  (browser: a fixture; pytestmark: skip without Chromium)
from test_reader_browser import site  # noqa: F401 (a fixture: the built book served on localhost)
from test_chapter_investment import page_parameters

PAGES = {"fig-tar-effective": "chapters/tariffs.html", "fig-mou-returns": "chapters/investment.html", "fig-ec-cost": "chapters/export_controls.html"}
# The controls of each explorer: (input, parameter name).
CONTROLS = {
    "fig-tar-effective": [("select", "choose_cars"), ("select", "choose_metals"), ("select", "choose_ruling")],
    "fig-mou-returns": [("range", "choose_life_years"), ("select", "choose_deemed_pct"), ("select", "choose_funding_pct")],
    "fig-ec-cost": [("select", "choose_estimate"), ("range", "choose_months")],
}


@pytest.fixture
def open_page(browser, site):  # noqa: F811
    """Open a chapter offline; yields the page and the problems seen (requests outside the site, errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    only_the_site(context, site, problems)

    def opener(figure: str):
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda msg: msg.type == "error" and "favicon" not in msg.text and problems.append(msg.text))
        page.goto(f"{site}/{PAGES[figure]}", wait_until="load")
        # Charts draw when they come near the viewport, as a reader scrolls to them.
        page.locator(f"#chart-{figure}").scroll_into_view_if_needed()
        page.wait_for_function(f"() => document.querySelector('#chart-{figure}').dataset.rendered === 'true'", timeout=15_000)
        return page

    yield opener, problems
    context.close()


def mark_labels(page, figure: str, selector: str = "g.mark-symbol path[aria-label]") -> list[str]:
    return page.locator(f"#chart-{figure} {selector}").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")


def drawn_state(page, figure: str) -> str:
    """Everything the chart draws, as text: every mark's description and every text mark."""
    return json.dumps([sorted(mark_labels(page, figure, "[aria-label]")), page.locator(f"#chart-{figure} svg.marks").text_content()])


def wait_for_change(page, figure: str, before: str) -> str:
    page.wait_for_function(
        "([id, before]) => JSON.stringify([[...document.querySelectorAll(`#chart-${id} [aria-label]`)].map(e => e.getAttribute('aria-label')).sort(),"
        " document.querySelector(`#chart-${id} svg.marks`).textContent]) !== before",
        arg=[figure, before], timeout=5_000, polling=50)
    return drawn_state(page, figure)


def fields(label: str) -> dict[str, str]:
    """A mark's aria label ("Title: value; Title: value") as a dict, with real minus signs (a
    value that itself holds "; " is joined back)."""
    found, key = {}, None
    for part in label.replace("\u2212", "-").split("; "):
        if ": " in part:
            key, value = part.split(": ", 1)
            found[key] = value
        else:
            found[key] += "; " + part
    return found


def set_input(page, figure: str, name: str, value) -> None:
    before = drawn_state(page, figure)
    control = page.locator(f"#controls-{figure} [name={name}]")
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value=str(value))
    else:
        control.evaluate("(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }", value)
    wait_for_change(page, figure, before)


@pytest.mark.parametrize("figure", list(PAGES))
def test_each_control_is_labelled_and_moves_the_chart_from_the_keyboard(open_page, figure):
    opener, problems = open_page
    page = opener(figure)
    group = page.locator(f"#controls-{figure}")
    assert group.get_attribute("role") == "group" and group.get_attribute("aria-label").startswith("Scenario controls")
    for kind, name in CONTROLS[figure]:
        control = group.locator(f"[name={name}]")
        assert control.count() == 1, name
        assert control.evaluate("e => e.tagName.toLowerCase() === 'select' ? 'select' : e.type") == kind
        label = control.evaluate("e => e.closest('label') && e.closest('label').querySelector('.vega-bind-name').textContent")
        assert label and label.strip(), f"{name} has no label"
        assert control.evaluate("e => e.labels.length") == 1, f"{name} is not inside its label"
        before = drawn_state(page, figure)
        control.focus()
        assert page.evaluate("() => document.activeElement.name") == name
        page.keyboard.press("ArrowDown" if kind == "select" else "ArrowRight")
        after = wait_for_change(page, figure, before)
        assert after != before
        page.keyboard.press("ArrowUp" if kind == "select" else "ArrowLeft")
        assert wait_for_change(page, figure, after) == before, f"{name}: going back does not restore the default view"
    assert not problems, problems


def model_points(page, figure: str, x_title: str, y_title: str, series: str | None = None) -> dict[float | str, float]:
    points = {}
    for label in mark_labels(page, figure):
        found = fields(label)
        if y_title in found and (series is None or found.get("Series") == series):
            points[found[x_title]] = float(found[y_title])
    return points


@pytest.fixture(scope="module")
def tariff_grid():
    tracker = tar.tracker_rows(load("effective_rate_estimates"))
    return tar.scenario_grid(load("tariff_schedule_japan"), load("us_imports_japan_by_hs2"), tracker, LATEST_DOCUMENT)


@pytest.mark.parametrize("setting", [
    {"cars": "kept_25", "metals": "enacted", "ruling": "enacted"},
    {"cars": "none", "metals": "none", "ruling": "nothing"},
    {"cars": "enacted", "metals": "kept_25", "ruling": "no_ruling"},
])
def test_the_tariff_paths_drawn_are_the_models(open_page, tariff_grid, setting):
    opener, problems = open_page
    page = opener("fig-tar-effective")
    for column, value in setting.items():
        if value != "enacted":
            set_input(page, "fig-tar-effective", f"choose_{column}", value)
    drawn = model_points(page, "fig-tar-effective", "From", "Additional tariff, trade-weighted (%)", tar.MODEL_SERIES)
    rows = tariff_grid[(tariff_grid[list(setting)] == pd.Series(setting)).all(axis=1)]
    expected = {d.strftime("%d %b %Y"): v for d, v in zip(rows["date"], rows["additional_pct"])}
    assert drawn.keys() == expected.keys()
    assert [drawn[k] for k in expected] == pytest.approx(list(expected.values()), abs=1e-9)
    assert not problems, problems


@pytest.mark.parametrize("life, deemed, cost", [(30, 4, 6), (10, 0, None), (15, 6, 2)])
def test_japans_return_and_share_drawn_are_the_models(open_page, life, deemed, cost):
    opener, problems = open_page
    page = opener("fig-mou-returns")
    set_input(page, "fig-mou-returns", "choose_life_years", life)
    if deemed:
        set_input(page, "fig-mou-returns", "choose_deemed_pct", deemed)
    if cost:
        set_input(page, "fig-mou-returns", "choose_funding_pct", cost)
    benchmark = inv.funding_benchmark(load("us_treasury_yield")).value
    P = page_parameters("chapters/investment.md")
    expected = inv.return_scenarios(load("mou_terms"), P["INVESTED"], life, P["GROSS_RETURNS_PCT"], deemed).set_index("gross_return_pct")
    x = "Project's gross return (% a year)"
    returns = model_points(page, "fig-mou-returns", x, "Return to Japan (% a year)", inv.JAPAN_SERIES)
    shares = model_points(page, "fig-mou-returns", x, "Japan's share of the cash (%)")
    assert {float(k): v for k, v in returns.items()} == pytest.approx(expected["japan_return_pct"].to_dict(), abs=1e-9)
    assert {float(k): v for k, v in shares.items()} == pytest.approx(expected["japan_share_of_cash_pct"].to_dict(), abs=1e-9)
    legend = page.locator("#chart-fig-mou-returns g.role-legend-label text").all_text_contents()
    assert legend == list(inv.SERIES_COLOURS), legend
    costs = model_points(page, "fig-mou-returns", x, "Return to Japan (% a year)", inv.COST_SERIES)
    assert sorted(costs) == sorted(returns) and set(costs.values()) == {cost or benchmark}
    assert not problems, problems


@pytest.mark.parametrize("estimate, months", [("daiwa_re_metals_12m", 18), ("mizuho_12m", 3), (ec.BOOK_LINE, 12)])
def test_the_cost_drawn_is_the_models(open_page, estimate, months):
    opener, problems = open_page
    page = opener("fig-ec-cost")
    if estimate != ec.BOOK_LINE:
        set_input(page, "fig-ec-cost", "choose_estimate", estimate)
    set_input(page, "fig-ec-cost", "choose_months", months)
    estimates = load("rare_earth_gdp_scenarios")
    words, line = ec.estimate_lines(estimates, ec.cost_model(estimates))[estimate]
    chosen = [fields(label) for label in mark_labels(page, "fig-ec-cost") if "Chosen" in fields(label)]
    assert len(chosen) == 1
    assert float(chosen[0]["Loss of GDP (%)"]) == pytest.approx(line.loss_pct_of_gdp(months), abs=1e-9)
    marker = page.locator("#chart-fig-ec-cost g.mark-text.role-mark text").text_content()
    assert marker == chosen[0]["Chosen"] and marker.startswith(f"{months} months: ")
    assert marker.endswith("(extrapolated)") == line.is_extrapolation(months)
    # One estimate's line: solid as far as the estimate goes, dashed beyond (extrapolated).
    assert page.locator("#chart-fig-ec-cost g.mark-line path").count() == 2
    assert page.locator("#chart-fig-ec-cost g.mark-line path[stroke-dasharray]").count() == 1
    assert not problems, problems


def test_a_theme_switch_keeps_the_chosen_scenario(open_page):
    """Switching to dark mode redraws the chart; the reader's choice and its lines stay, once, in the new colours."""
    opener, problems = open_page
    page = opener("fig-ec-cost")
    control = page.locator("#controls-fig-ec-cost [name=choose_months]")
    set_input(page, "fig-ec-cost", "choose_months", 18)
    chosen = [label for label in mark_labels(page, "fig-ec-cost", "[aria-label]")]
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
    page.wait_for_function("() => document.querySelector('#chart-fig-ec-cost').dataset.theme === 'dark'"
                           " && document.querySelector('#chart-fig-ec-cost').dataset.rendered === 'true'")
    assert page.locator("#controls-fig-ec-cost [name=choose_months]").count() == 1, "the redraw doubled the inputs"
    assert control.input_value() == "18", "the redraw reset the reader's choice"
    assert sorted(mark_labels(page, "fig-ec-cost", "[aria-label]")) == sorted(chosen)
    assert not problems, problems
