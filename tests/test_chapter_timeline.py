"""The timeline's facts, description and list (bookchapters.timeline), on the real data."""

from __future__ import annotations

import pytest

from booklib import load
from booklib.prose import ProseError
from bookchapters import timeline


@pytest.fixture(scope="module")
def events():
    return load("events").sort_values("date")


def test_timeline_facts_are_the_count_and_span_the_text_shows(events):
    assert timeline.timeline_facts(events) == {
        "timeline-count": "126", "timeline-first": "26 January 2005", "timeline-last": "29 September 2026",
    }


def test_a_missing_theme_breaks_the_four_themes(events):
    with pytest.raises(ProseError, match="four themes"):
        timeline.timeline_facts(events[events["theme"] != "investment"])


def test_an_unknown_theme_breaks_the_four_themes(events):
    odd = events.copy()
    odd["theme"] = odd["theme"].astype(object)
    odd.loc[odd.index[0], "theme"] = "finance"
    with pytest.raises(ProseError, match="four themes"):
        timeline.timeline_facts(odd)


def test_figure_description(events):
    assert timeline.figure_description(events) == "Timeline of 126 events by theme, from January 2005 to September 2026."


def test_event_list_is_in_date_order_with_themes_in_words(events):
    listed = timeline.event_list(events.sample(frac=1, random_state=0))
    assert listed["date"].tolist() == sorted(listed["date"])
    assert listed["date"].iloc[0] == "2005-01-26"
    assert "_" not in "".join(listed["theme"])
    several = listed.set_index(events.sample(frac=1, random_state=0).sort_values("date", kind="stable")["event_id"]).loc["tariff_29", "source_id"]
    # Each source cited as the text cites it, a link to its bibliography entry.
    assert several.startswith("{cite:p}`wh_2026_07_23_s301_memo,wh_2026_02_20_s122,") and "_s122;" not in several
