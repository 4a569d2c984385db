"""The timeline's facts, description and list (bookchapters.timeline), on the real data."""

from __future__ import annotations

import pytest

from booklib import formats as fmt
from booklib.i18n import _, translate

from booklib import load
from booklib.prose import ProseError
from bookchapters import timeline

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


@pytest.fixture(scope="module")
def events():
    return load("events").sort_values("date")


def test_timeline_facts_are_the_count_and_span_the_text_shows(events):
    assert timeline.timeline_facts(events) == {
        "timeline-count": "126", "timeline-first": fmt.day("2005-01-26"), "timeline-last": fmt.day("2026-09-29"),
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
    assert timeline.figure_description(events) == _("Timeline of {count} events by theme, from {first} to {last}.", count=126,
                                                    first=fmt.month("2005-01-01"), last=fmt.month("2026-09-01"))


def test_event_list_is_in_date_order_with_themes_in_words(events):
    listed = timeline.event_list(events.sample(frac=1, random_state=0))
    assert listed["date"].tolist() == sorted(listed["date"])
    assert listed["date"].iloc[0] == "2005-01-26"
    assert "_" not in "".join(listed["theme"])
    several = listed.set_index(events.sample(frac=1, random_state=0).sort_values("date", kind="stable")["event_id"]).loc["tariff_29", "source_id"]
    # Each source cited as the text cites it, a link to its bibliography entry.
    assert several.startswith("{cite:p}`wh_2026_07_23_s301_memo,wh_2026_02_20_s122,") and "_s122;" not in several
