"""The timeline of events (chapters/appendix/timeline.md): the count and the span its prose
glues, the figure's description, and the list of events under the chart.
"""

from __future__ import annotations

import pandas as pd

from booklib import formats as fmt
from booklib.i18n import _
from booklib.prose import reader_values, require

# The book's four themes, one lane each on the timeline.
THEMES = {"tariffs", "investment", "export_controls", "regional_trade"}


# The appendix timeline's events labelled on the chart: a few per theme, 2025–26.
KEY_EVENTS = ["tariff_02", "ec_10", "tariff_10", "mou_e04", "ec_14", "ec_15",
              "rt_22", "ec_20", "mou_e13", "tariff_20", "ec_29", "tariff_29"]


def timeline_facts(events: pd.DataFrame) -> dict[str, str]:
    """How many events the table holds, and the first and last of their dates."""
    require(set(events["theme"]) == THEMES, f"the events are those of the book's four themes {sorted(THEMES)}")
    return {
        "timeline-count": fmt.count(len(events)),
        "timeline-first": fmt.day(events["date"].min()),
        "timeline-last": fmt.day(events["date"].max()),
    }


def figure_description(events: pd.DataFrame) -> str:
    """The timeline figure's description: its number of events and its span in months."""
    return _("Timeline of {count} events by theme, from {first} to {last}.", count=fmt.count(len(events)),
             first=fmt.month(events['date'].min()), last=fmt.month(events['date'].max()))


def event_list(events: pd.DataFrame) -> pd.DataFrame:
    """The events in date order, as a reader sees them, for the list under the chart: ISO dates,
    themes in the schema's words, each source cited and linked to the bibliography."""
    events = events.sort_values("date", kind="stable")
    return reader_values(events.assign(date=events["date"].map(fmt.iso_day)), "events",
                         ["date", "theme", "actor", "event", "source_id"])
