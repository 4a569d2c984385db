"""Scenario explorers (booklib.explorer): the checks on the grid and the default, the filter the
browser applies, and the figure's HTML and PNG. Fast tier: builds nothing."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest
from pathlib import Path
import vl_convert as vlc

from booklib.explorer import Control, Explorer, explorer_figure

SOURCE = "test_primary"  # a row of tests/fixtures/valid/sources.csv
CASES = Control("case", "Case", "select", ("low", "high"), ("Low case", "High case"))
MONTHS = Control("months", "Months", "range", (1, 3, 1))


@pytest.fixture(autouse=True)
def fixture_sources(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))


def grid(drop=None) -> pd.DataFrame:
    """Two cases × three months of a line `loss = slope × months`, and a reference series that
    no control changes (no value in the control columns)."""
    rows = [{"case": case, "months": m, "loss": slope * m, "series": case}
            for case, slope in [("low", 1.0), ("high", 2.0)] for m in (1, 2, 3)]
    rows += [{"case": None, "months": None, "loss": 0.5 * m, "series": "published"} for m in (1, 2, 3)]
    frame = pd.DataFrame(rows).assign(x=lambda f: [1, 2, 3] * 3)
    if drop:
        frame = frame[~((frame["case"] == drop[0]) & (frame["months"] == drop[1]))]
    return frame


def explorer(frame=None, default=None) -> Explorer:
    return Explorer("fig-test", grid() if frame is None else frame, [CASES, MONTHS], default or {"case": "low", "months": 2})


def test_a_control_offers_every_step_of_its_slider():
    assert MONTHS.values() == [1, 2, 3]
    assert Control("r", "Rate", "range", (0, 1, 0.25)).values() == [0, 0.25, 0.5, 0.75, 1]
    with pytest.raises(ValueError, match="do not reach"):
        Control("r", "Rate", "range", (0, 1, 0.3)).values()


@pytest.mark.parametrize("args, message", [
    (("c", "Case", "checkbox", (1, 2)), "kind"),
    (("c", " ", "select", (1, 2)), "label"),
    (("c", "Case", "select", (1, 2), ("one",)), "one label per option"),
    (("c", "Case", "range", (3, 1, 1)), "min < max"),
])
def test_a_control_without_a_label_or_a_sane_range_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        Control(*args)


def test_a_grid_that_misses_a_value_a_control_offers_fails_naming_the_chart_and_the_value():
    with pytest.raises(ValueError, match=r"fig-test.*case='high', months=3"):
        explorer(grid(drop=("high", 3)))


def test_a_line_only_one_control_changes_covers_that_control_alone():
    # A level line per cost, with no case or month: drawn whatever those say.
    costs = Control("cost", "Cost", "select", (1, 2))
    lines = pd.DataFrame([{"cost": c, "loss": float(c), "series": "cost", "x": x} for c in (1, 2) for x in (1, 2, 3)])
    ex = Explorer("fig-test", pd.concat([grid(), lines]), [CASES, MONTHS, costs], {"case": "low", "months": 2, "cost": 1})
    assert sorted(ex.rows({"cost": 2})["series"]) == ["cost"] * 3 + ["low"] + ["published"] * 3
    with pytest.raises(ValueError, match=r"fig-test.*case='low', months=1, cost=2"):
        Explorer("fig-test", pd.concat([grid(), lines[lines["cost"] == 1]]), [CASES, MONTHS, costs], {"case": "low", "months": 2, "cost": 1})


def test_a_slider_beyond_the_grid_fails():
    wide = Control("months", "Months", "range", (1, 4, 1))
    with pytest.raises(ValueError, match=r"fig-test.*months=4"):
        Explorer("fig-test", grid(), [CASES, wide], {"case": "low", "months": 2})


def test_a_default_the_controls_do_not_offer_fails():
    with pytest.raises(ValueError, match=r"fig-test.*case='middle'"):
        explorer(default={"case": "middle", "months": 2})
    with pytest.raises(ValueError, match="one value per control"):
        Explorer("fig-test", grid(), [CASES, MONTHS], {"case": "low"})


def test_rows_are_the_chosen_scenario_and_the_rows_no_control_changes():
    rows = explorer().rows({"case": "high", "months": 3})
    assert sorted(rows["series"]) == ["high", "published", "published", "published"]
    assert rows.loc[rows["series"] == "high", "loss"].tolist() == [6.0]
    assert len(explorer().rows({"case": "high"}, on=["case"])) == 6


def test_a_default_that_differs_from_the_cited_figure_fails_naming_the_chart_and_the_value():
    ex = explorer(default={"case": "low", "months": 2})
    cited = pd.DataFrame({"series": ["low", "published", "published", "published"], "x": [2, 1, 2, 3], "loss": [2.0, 0.5, 1.0, 1.5]})
    ex.check_default(cited, on=["series", "x"], values=["loss"])
    with pytest.raises(ValueError, match=r"fig-test.*loss=2\.0 at \('low', 2\).*2\.5"):
        ex.check_default(cited.assign(loss=[2.5, 0.5, 1.0, 1.5]), on=["series", "x"], values=["loss"])
    with pytest.raises(ValueError, match="fig-test.*does not draw the points"):
        ex.check_default(cited.iloc[:3], on=["series", "x"], values=["loss"])


def test_the_domain_holds_every_scenario():
    assert explorer().domain("loss") == [0.0, 6.0]


def spec_of(ex: Explorer) -> dict:
    chart = alt.Chart(ex.grid).mark_line(point=True).encode(
        x="x:Q", y="loss:Q", color="series:N", tooltip=["x:Q", "loss:Q", "series:N", "case:N", "months:Q"])
    return ex.chart(chart.transform_filter(ex.chosen())).to_dict()


def drawn_losses(spec: dict, **setting) -> list[float]:
    """The losses vl-convert draws (the points' aria labels) with the parameters set."""
    spec = json.loads(json.dumps(spec))
    for param in spec["params"]:
        column = param["name"].removeprefix("choose_")
        if column in setting:
            param["value"] = setting[column]
    points = vlc.vegalite_to_svg(spec).split('class="mark-symbol', 1)[1]  # the points, not the lines
    return sorted(float(v) for v in re.findall(r'aria-label="x: \d+; loss: ([\d.]+)', points))


def test_the_filter_draws_what_rows_says_for_each_setting():
    ex = explorer()
    spec = spec_of(ex)
    for setting in [{}, {"case": "high"}, {"case": "high", "months": 3}, {"months": 1}]:
        expected = sorted(ex.rows(setting)["loss"].tolist())
        assert drawn_losses(spec, **setting) == pytest.approx(expected), setting


def test_each_control_is_a_labelled_input_in_the_figures_group():
    params = {p["name"]: p for p in spec_of(explorer())["params"]}
    assert params["choose_case"]["bind"] == {"input": "select", "options": ["low", "high"], "labels": ["Low case", "High case"],
                                             "name": "Case", "element": "#controls-fig-test"}
    assert params["choose_months"]["bind"]["input"] == "range" and params["choose_months"]["value"] == 2


def test_the_figure_carries_its_controls_and_a_png_of_the_default_and_every_page_links_their_style():
    ex = explorer()
    chart = alt.Chart(ex.grid[["x", "loss", "series", "case", "months"]]).mark_line().encode(
        x="x:Q", y="loss:Q", color="series:N", tooltip=["x:Q", "loss:Q", "series:N"]).transform_filter(ex.chosen())
    figure = explorer_figure(chart, ex, name="fig-test", title="T", sources=[SOURCE], description="Lines.", glue=False)
    page = figure.html()
    assert page.index('id="controls-fig-test" role="group"') < page.index('class="book-chart"')
    assert 'aria-label="Scenario controls: Case; Months"' in page and "<style>" not in page
    from booklib.build import sphinx_ext

    assert 'add_css_file(f"{STATIC_DIR_NAME}/book-explorer.css")' in Path(sphinx_ext.__file__).read_text()
    assert figure.png().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="checked as"):
        explorer_figure(chart, ex, name="fig-other", title="T", sources=[SOURCE], description="Lines.", glue=False)


def test_an_unused_control_column_is_still_refused_by_book_figure():
    """The filter names the control columns, so the figure may ship them; a column nothing names is refused."""
    ex = explorer()
    chart = alt.Chart(ex.grid).mark_line().encode(x="x:Q", y="loss:Q", tooltip=["x:Q"]).transform_filter(ex.chosen())
    with pytest.raises(ValueError, match="series"):
        explorer_figure(chart, ex, name="fig-test", title="T", sources=[SOURCE], description="Lines.", glue=False)


def test_an_axis_over_every_scenario_stays_put():
    """extent and domain span every scenario's rows, not the chosen one's."""
    chosen = explorer()
    assert chosen.extent("x") == [1.0, 3.0]
    assert chosen.domain("loss") == [0.0, 6.0]
    dated = explorer(grid().assign(when=pd.to_datetime(["2025-01-01"] * 8 + ["2026-03-01"])))
    assert dated.extent("when") == ["2025-01-01T00:00:00", "2026-03-01T00:00:00"]
