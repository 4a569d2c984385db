"""Book figures: what every chart must carry, and what it refuses."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

import altair as alt
import pandas as pd
import pytest

from booklib import book_figure, economy_color
from booklib.charts import ECONOMY_COLORS, gap_rows, lines_across_gaps, source_line

SOURCE = "test_primary"  # a row of tests/fixtures/valid/sources.csv


@pytest.fixture(autouse=True)
def fixture_sources(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))


@pytest.fixture
def frame():
    return pd.DataFrame({"date": pd.to_datetime(["2025-04-05", "2025-08-07"]), "economy": ["Japan", "Japan"], "rate": [10.0, 15.0]})


def chart(frame, tooltip=True):
    encoding = {"x": "date:T", "y": "rate:Q", "color": economy_color("economy:N")}
    if tooltip:
        encoding["tooltip"] = ["date:T", "economy:N", "rate:Q"]
    return alt.Chart(frame).mark_line().encode(**encoding)


def make(frame, **kwargs):
    args = dict(name="fig-test", title="A title", sources=[SOURCE], description="Rates over time.", glue=False)
    args.update(kwargs)
    return book_figure(chart(frame), **args)


def test_bundle_has_interactive_html_and_static_png(frame, monkeypatch):
    monkeypatch.setenv("BOOKLIB_PAGE", "chapters/test")  # as in a book build
    bundle = make(frame)._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    html = bundle["text/html"]
    assert 'class="book-chart"' in html and f'data-sources="{SOURCE}"' in html
    assert 'aria-label="Rates over time."' in html
    assert "<script src" not in html and "cdn" not in html.lower(), "the chart must not load code itself"
    spec = json.loads(re.search(r'<script type="application/json" class="book-chart-spec">(.*?)</script>', html).group(1))
    # The spec is compiled to Vega at build time (the browser needs no Vega-Lite compiler).
    assert spec["$schema"].endswith("/vega/v6.json")
    assert spec["title"]["text"] == "A title" and spec["description"] == "Rates over time."


def test_csv_link_holds_exactly_the_chart_data(frame):
    html = make(frame).html()
    href = re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', html).group(1)
    shipped = pd.read_csv(__import__("io").StringIO(urllib.parse.unquote(href)))
    assert list(shipped.columns) == ["date", "economy", "rate"] and len(shipped) == 2
    assert 'download="fig-test.csv"' in html


def test_chart_without_tooltips_is_refused(frame):
    with pytest.raises(ValueError, match="no tooltip"):
        book_figure(chart(frame, tooltip=False), name="fig-x", title="t", sources=[SOURCE], description="d", glue=False)


def test_unused_columns_are_refused(frame):
    with pytest.raises(ValueError, match=r"columns \['extra'\] are not used"):
        make(frame.assign(extra=1))


def test_unknown_or_missing_sources_are_refused(frame):
    with pytest.raises(ValueError, match="unknown: \\['nope'\\]"):
        make(frame, sources=["nope"])
    with pytest.raises(ValueError, match="sources must be non-empty"):
        make(frame, sources=[])


def test_source_line_cites_bib_keys():
    assert source_line([SOURCE, "test_seed"]) == "*Source:* {cite:p}`test_primary,test_seed`."


def test_economy_colours_are_fixed_and_checked():
    encoding = economy_color("economy:N", economies=["China", "Japan"]).to_dict()
    assert encoding["scale"]["range"] == [ECONOMY_COLORS["China"], ECONOMY_COLORS["Japan"]]
    with pytest.raises(ValueError, match="no house colour"):
        economy_color("economy:N", economies=["Atlantis"])


def test_annual_runs_join_only_consecutive_years_of_one_key():
    from booklib.charts import annual_runs

    frame = pd.DataFrame({
        "year": pd.array([2011, 2012, 2013, 2024, 2011, 2020], dtype="Int64"),  # nullable, as load() gives
        "who": ["a", "a", "a", "a", "b", "b"],
    })
    marked = annual_runs(frame, ["who"]).set_index(["who", "year"])
    assert marked.loc[("a", 2011), "run"] == marked.loc[("a", 2013), "run"] != marked.loc[("a", 2024), "run"]
    assert marked["annual"].to_dict() == {("a", 2011): True, ("a", 2012): True, ("a", 2013): True,
                                          ("a", 2024): False, ("b", 2011): False, ("b", 2020): False}


def test_label_values_refuses_a_category_without_a_label():
    from booklib import label_values

    status = pd.Series(["reported", "lower_bound", None], name="status")
    assert label_values(status, {"reported": "as reported", "lower_bound": "lower bound"}).tolist()[:2] == ["as reported", "lower bound"]
    with pytest.raises(ValueError, match=r"status: no label for \['lower_bound'\]"):
        label_values(status, {"reported": "as reported"})


def monthly(months, values, series="World"):
    return pd.DataFrame({"month": pd.to_datetime(months), "to": series, "value": values})


def test_gap_rows_add_an_empty_row_for_each_missing_month_of_each_series():
    frame = pd.concat([monthly(["2025-01-01", "2025-04-01", "2025-05-01"], [6.0, 1.0, 2.0]),
                       monthly(["2025-02-01", "2025-03-01"], [3.0, 4.0], series="Japan")])
    filled = gap_rows(frame, "month", ["to"])
    world = filled[filled["to"] == "World"]
    assert list(world["month"].dt.month) == [1, 2, 3, 4, 5]
    assert world["value"].isna().tolist() == [False, True, True, False, False]
    assert len(filled[filled["to"] == "Japan"]) == 2, "a series without missing months is left alone"


def test_a_line_across_missing_months_is_refused_and_gap_rows_fix_it():
    frame = monthly(["2025-01-01", "2025-05-01", "2025-06-01"], [6.0, 1.0, 2.0])

    def line(data):
        return alt.Chart(data).mark_line(point=True).encode(
            x="month:T", y="value:Q", color="to:N", tooltip=["month:T", "value:Q"])

    with pytest.raises(ValueError, match=r"a line joins periods with missing ones between \(World 2025-01–2025-05\)"):
        book_figure(line(frame), name="fig-gap", title="T", sources=[SOURCE], description="D.", glue=False)
    fixed = book_figure(line(gap_rows(frame, "month", ["to"])), name="fig-gap", title="T", sources=[SOURCE], description="D.", glue=False)
    assert lines_across_gaps(fixed.spec, fixed.data) == []
    # Vega draws no line through the empty months: they reach the spec as nulls.
    values = next(iter(fixed.spec["datasets"].values()))
    assert [v["value"] for v in values] == [6.0, None, None, None, 1.0, 2.0]


def test_whole_years_on_a_number_axis_follow_the_same_rule_and_a_dotted_line_may_bridge():
    """Years found far apart (1991, 2002) are not joined by a solid line; a dashed one is the
    house sign of a line drawn across missing years, and may."""
    frame = pd.DataFrame({"year": pd.Series([1991, 2002, 2003], dtype="Int64"), "value": [8.0, 55.0, 78.0]})
    solid = alt.Chart(frame).mark_line().encode(x="year:Q", y="value:Q", tooltip=["year:Q", "value:Q"])
    assert lines_across_gaps(solid.to_dict(), frame) == ["all 1991-01–2002-01"]
    dotted = alt.Chart(frame).mark_line(strokeDash=[2, 3]).encode(x="year:Q", y="value:Q", tooltip=["year:Q", "value:Q"])
    assert lines_across_gaps(dotted.to_dict(), frame) == []
