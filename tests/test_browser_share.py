"""Sharing and reuse in a real browser (Debian's Chromium, headless), network cut off: an explorer's
setting lives in the page's address and survives a reload or a shared link, "Reset" restores the
book's scenario, every chart saves as PNG and SVG without fetching anything, and the page follows
the reader's light or dark system setting until they choose."""

from __future__ import annotations

import re

import pytest

from test_browser import browser, only_the_site, pytestmark  # noqa: F401  (browser: a fixture; pytestmark: skip without Chromium)
from test_reader_browser import site  # noqa: F401 (a fixture: the built book served on localhost)
from test_browser_explorer import drawn_state, set_input

PAGE = "chapters/investment.html"
FIGURE = "fig-mou-returns"


@pytest.fixture
def reader(browser, site):  # noqa: F811
    """A fresh offline browser context per test; yields (context, problems)."""
    contexts, problems = [], []

    def make(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, **options)
        only_the_site(context, site, problems)
        contexts.append(context)
        return context

    yield make, problems
    for context in contexts:
        context.close()


def open_chart(context, url: str, figure: str):
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.goto(url, wait_until="load")
    page.locator(f"#chart-{figure}").scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelector('#chart-{figure}').dataset.rendered === 'true'", timeout=15_000)
    page._problems = problems
    return page


def control_values(page, figure: str) -> dict[str, str]:
    return page.locator(f"#controls-{figure} [name]").evaluate_all("els => Object.fromEntries(els.map(e => [e.name, e.value]))")


def test_an_explorers_setting_is_in_the_address_and_survives_a_reload_and_a_shared_link(reader, site):
    make, problems = reader
    page = open_chart(make(), f"{site}/{PAGE}", FIGURE)
    default_state, default_values = drawn_state(page, FIGURE), control_values(page, FIGURE)
    set_input(page, FIGURE, "choose_life_years", 30)
    set_input(page, FIGURE, "choose_funding_pct", 6)
    chosen_state, chosen_values = drawn_state(page, FIGURE), control_values(page, FIGURE)
    assert chosen_state != default_state and chosen_values != default_values
    page.wait_for_function("() => location.hash.includes('funding_pct=6')", timeout=5_000)
    address = page.url
    assert re.search(rf"#{FIGURE}\?(.*&)?life_years=30(&|$)", address) and "funding_pct=6" in address, address
    assert page.locator(f"#{FIGURE} .book-explorer-link").get_attribute("href") == address[address.index("#"):]

    page.reload(wait_until="load")
    page.wait_for_function(f"() => document.querySelector('#chart-{FIGURE}').dataset.rendered === 'true'", timeout=15_000)
    assert control_values(page, FIGURE) == chosen_values
    assert drawn_state(page, FIGURE) == chosen_state

    # The same address in another browser (a link someone sent): the same scenario, scrolled to.
    other = open_chart(make(), address, FIGURE)
    assert control_values(other, FIGURE) == chosen_values
    assert drawn_state(other, FIGURE) == chosen_state
    top = other.locator(f"#{FIGURE}").evaluate("e => e.getBoundingClientRect().top")
    assert -5 <= top < 900, f"the linked explorer is not on screen (top {top})"
    assert not problems and not page._problems and not other._problems, (problems, page._problems, other._problems)


def test_reset_restores_the_books_scenario_and_its_address(reader, site):
    make, problems = reader
    page = open_chart(make(), f"{site}/{PAGE}", FIGURE)
    default_state, default_values = drawn_state(page, FIGURE), control_values(page, FIGURE)
    reset = page.locator(f"#{FIGURE} .book-explorer-reset")
    assert reset.is_disabled(), "Reset is offered when the book's scenario is already drawn"
    set_input(page, FIGURE, "choose_deemed_pct", 4)
    set_input(page, FIGURE, "choose_life_years", 10)
    page.wait_for_function("() => location.hash.includes('life_years=10')", timeout=5_000)
    assert reset.is_enabled()
    reset.click()
    page.wait_for_function(f"() => document.querySelector('#{FIGURE} .book-explorer-status').textContent !== ''")
    assert control_values(page, FIGURE) == default_values
    assert drawn_state(page, FIGURE) == default_state
    page.wait_for_function(f"() => location.hash === '#{FIGURE}'", timeout=5_000)
    assert reset.is_disabled()
    assert not problems and not page._problems, (problems, page._problems)


def test_an_address_value_the_inputs_do_not_offer_draws_the_books_scenario(reader, site):
    make, problems = reader
    page = open_chart(make(), f"{site}/{PAGE}", FIGURE)
    default_values = control_values(page, FIGURE)
    bad = open_chart(make(), f"{site}/{PAGE}#{FIGURE}?life_years=17.5&deemed_pct=99&funding_pct=<script>", FIGURE)
    assert control_values(bad, FIGURE) == default_values
    assert not problems and not bad._problems, (problems, bad._problems)


@pytest.mark.parametrize("path, figure", [(PAGE, FIGURE), ("chapters/claims.html", "fig-cl-verdicts")])
def test_every_chart_saves_as_png_and_svg_offline(reader, site, path, figure, tmp_path):
    make, problems = reader
    page = open_chart(make(), f"{site}/{path}", figure)
    if figure == FIGURE:
        set_input(page, FIGURE, "choose_life_years", 30)
    buttons = page.locator(f"#chart-{figure} .book-chart-save-button")
    assert buttons.all_text_contents() == ["PNG", "SVG"]
    saved = {}
    for index, kind in enumerate(["png", "svg"]):
        with page.expect_download() as download:
            buttons.nth(index).click()
        assert download.value.suggested_filename == f"{figure}.{kind}"
        target = tmp_path / f"{figure}.{kind}"
        download.value.save_as(target)
        saved[kind] = target.read_bytes()
    png, svg = saved["png"], saved["svg"].decode("utf-8")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 400 and height > 200, (width, height)
    assert svg.lstrip().startswith("<svg") and "<text" in svg and len(svg) > 5_000
    title = page.locator(f"#chart-{figure} .role-title-text text").first.text_content()
    assert title and title in svg, "the SVG does not hold the chart's title"
    if figure == FIGURE:
        # The image is the scenario drawn, and says so under its title (it has no inputs).
        assert "Life of the project (years): 30" in svg and "Scenario." in svg
    assert not problems and not page._problems, (problems, page._problems)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_page_follows_the_readers_system_setting(reader, site, scheme):
    make, problems = reader
    page = open_chart(make(color_scheme=scheme), f"{site}/{PAGE}", FIGURE)
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    assert page.locator(f"#chart-{FIGURE}").get_attribute("data-theme") == scheme
    assert not problems and not page._problems, (problems, page._problems)


@pytest.mark.parametrize("width", [1280, 390])
def test_one_search_box(reader, site, width):
    make, problems = reader
    context = make()
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/{PAGE}", wait_until="load")
    visible = [b for b in page.locator(".search-button-field, .search-button").all() if b.is_visible()]
    assert len(visible) <= 1, f"{len(visible)} search boxes at {width} px"
    if width >= 1200:
        assert len(visible) == 1


def test_a_scenario_link_followed_within_the_page_draws_that_scenario(reader, site):
    """A link to #<figure>?... on the page itself (the explorer not yet drawn, far below): the page
    goes there and draws that setting."""
    make, problems = reader
    page = make().new_page()
    page.goto(f"{site}/chapters/export_controls.html", wait_until="load")
    assert page.locator("#chart-fig-ec-cost").get_attribute("data-rendered") is None
    page.evaluate("() => { location.hash = 'fig-ec-cost?months=18'; }")
    page.wait_for_function("() => document.querySelector('#chart-fig-ec-cost').dataset.rendered === 'true'", timeout=15_000)
    assert page.locator("#controls-fig-ec-cost [name=choose_months]").input_value() == "18"
    assert page.locator("#chart-fig-ec-cost g.mark-text.role-mark text").text_content().startswith("18 months: ")
    top = page.locator("#fig-ec-cost").evaluate("e => e.getBoundingClientRect().top")
    assert -5 <= top < 900, top
    assert not problems
