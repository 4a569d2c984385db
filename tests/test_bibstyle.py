"""The bibliography labels each entry as the text cites it, shows no LaTeX escape, and dates
each source as precisely as it is dated (booklib/build/bibstyle.py, booklib/build/bib.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from booklib.build import bibstyle
from booklib.build.bib import BIB_PATH, citation_labels, render
from booklib.data import load


@pytest.fixture(scope="module")
def entries():
    bibstyle.register()
    return parse_string(BIB_PATH.read_text(encoding="utf-8"), "bibtex").entries


@pytest.fixture(scope="module")
def formatted(entries):
    """The entries of references.bib a check needs (a $ in the title, a date without a day, a few
    others), as the book's style formats them: {key: (label, text)}. Formatting all 547 takes
    seconds; the built HTML and PDF are checked whole (test_words_built.py, test_pdf.py)."""
    style = find_plugin("pybtex.style.formatting", bibstyle.STYLE_NAME)()
    chosen = [e for key, e in entries.items()
              if "$" in e.fields["title"] or len(e.fields.get("date", "0000-00-00")) < 10 or key.startswith("whitehouse_")]
    return {e.key: (e.label, e.text.render_as("text")) for e in style.format_entries(chosen)}


def test_every_bibliography_label_is_the_in_text_label(entries, formatted):
    labels = citation_labels()
    style = find_plugin("pybtex.style.labels", bibstyle.STYLE_NAME)()
    given = dict(zip(entries.keys(), style.format_labels(entries.values())))
    wrong = {key: (label, labels[key]) for key, label in given.items() if label != labels[key]}
    assert not wrong, f"bibliography label differs from the in-text label (label, text): {dict(list(wrong.items())[:5])}"
    assert formatted["whitehouse_eo14345"][0] == "The White House, 2025l"


def test_no_latex_escape_is_printed(formatted):
    shown = [(key, text) for key, (label, text) in formatted.items() if "\\" in label + text]
    assert not shown, f"entries that print a backslash: {shown[:3]}"
    dollars = [key for key, (_, text) in formatted.items() if "$" in text]
    assert dollars, "titles with a $ (the US$550 billion) print it"


@pytest.mark.parametrize("given, printed", [("2025-07-23", "23 July 2025"), ("2024-07", "July 2024"), ("2024", "2024")])
def test_a_date_is_printed_as_precisely_as_the_source_gives_it(given, printed):
    assert bibstyle.published(given) == printed


def test_month_and_year_dated_sources_are_not_given_a_day(formatted):
    sources = load("sources").drop_duplicates("bib_key").set_index("bib_key")["date_published"].dropna()
    for key, date in sources[sources.index.isin(list(formatted))].items():
        text = formatted[key][1]
        assert f" {bibstyle.published(date)}." in text, f"{key} ({date}): {text[:160]}"
        if len(date) < 10:
            assert not re.search(rf"\. \d+ {bibstyle.published(date)}\.", text), f"{key}: a day invented"


def test_a_title_with_a_brace_is_refused_by_name():
    sources = pd.DataFrame({"bib_key": ["k"], "publisher": ["P"], "title": ["A {braced} title"], "url": ["https://example.org"],
                            "date_published": ["2025"], "date_accessed": pd.to_datetime(["2026-11-22"]), "kind": ["primary_official"]})
    with pytest.raises(ValueError, match="braced"):
        render(sources)
