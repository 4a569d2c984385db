"""The house chart helpers that keep figure cells short: tooltips, time and year axes."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from booklib.charts import date_x, tooltips, year_x


@pytest.fixture
def frame():
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-04-05", "2025-08-07"]),
        "year": pd.Series([2024, 2025], dtype="Int64"),
        "rate_pct": [10.0, 15.0],
        "partner": ["Japan", "Japan"],
    })


def test_tooltips_follow_the_column_types_in_the_order_given(frame):
    tips = [t.to_dict() for t in tooltips(frame, {"partner": "Partner", "date": "From", "year": "Year", "rate_pct": ("Rate (%)", ".2f")})]
    assert tips == [
        {"field": "partner", "type": "nominal", "title": "Partner"},
        {"field": "date", "type": "temporal", "title": "From", "format": "%d %b %Y"},
        {"field": "year", "type": "ordinal", "title": "Year"},
        {"field": "rate_pct", "type": "quantitative", "title": "Rate (%)", "format": ".2f"},
    ]


def test_tooltips_refuse_a_column_the_chart_does_not_have(frame):
    with pytest.raises(ValueError, match=r"columns the data does not have: \['value'\]"):
        tooltips(frame, {"value": "Value"})


def test_axes_have_the_house_formats(frame):
    chart = alt.Chart(frame).mark_line().encode(x=date_x("date"), y="rate_pct:Q").to_dict()
    assert chart["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert chart["encoding"]["x"]["title"] is None
    years = alt.Chart(frame).mark_line().encode(x=year_x(), y="rate_pct:Q").to_dict()
    assert {"format": "d", "tickMinStep": 1}.items() <= years["encoding"]["x"]["axis"].items()


def test_time_axes_never_overlap_their_labels(frame):
    """Labels follow the width the page fits a chart to, and Vega drops one that would touch its neighbour."""
    for x in (date_x("date"), year_x(), year_x(years=frame["year"])):
        axis = alt.Chart(frame).mark_point().encode(x=x, y="rate_pct:Q").to_dict()["encoding"]["x"]["axis"]
        assert axis["labelOverlap"] == "greedy", axis
    assert "width" in date_x("date").to_dict()["axis"]["tickCount"]["expr"]


def test_bar_years_are_evenly_spaced_with_missing_years_kept_in_place():
    x = year_x(years=pd.Series([2016, 2018, 2021], dtype="Int64")).to_dict()
    assert x["type"] == "ordinal" and x["scale"]["domain"] == [2016, 2017, 2018, 2019, 2020, 2021]


def test_event_labels_shorten_words_not_the_figures():
    from booklib.charts import LEADING_WORDS, short_event, wrap_label

    event = "Commerce notice takes effect: Japanese cars and parts fall from 27.5% to 15% all-in; civil aircraft exempted."
    label = wrap_label("16 Sep 2025: " + short_event(event))
    assert "27.5% to 15%" in label.replace("\n", " ") and "…" not in label
    cut = short_event("The President signs a proclamation that raises the tariff on every kind of steel from 25 percent to 50 percent")
    assert "25% to 50%" in cut or not cut.rstrip("…").split()[-1].lower() in LEADING_WORDS, cut


def test_no_event_label_ends_on_a_word_that_leads_to_a_missing_figure():
    from booklib import load
    from booklib.charts import LEADING_WORDS, short_event, wrap_label

    for date, text in zip(load("events")["date"], load("events")["event"]):
        label = wrap_label(f"{date:%-d %b %Y}: {short_event(text)}")
        assert label.count("\n") <= 1, label
        if label.endswith("…"):
            assert label[:-1].split()[-1].lower() not in LEADING_WORDS, label
