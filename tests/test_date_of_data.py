"""The date of the data, where a reader looks: under every page's title, on the front page, and
one structure (lettered appendices, the whole book's PDF) for web and print."""

from __future__ import annotations

import html
import re

import pytest

from booklib import formats as fmt
from booklib.data import documents_to
from conftest import REPO, toc_pages


def page_text(built_html, page: str) -> str:
    raw = (built_html / f"{page}.html").read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def as_of() -> str:
    from bookchapters import LATEST_DOCUMENT

    return fmt.day(LATEST_DOCUMENT)


def test_every_page_says_under_its_title_the_date_of_its_data(built_html):
    """'Documents to <date>' equals the latest document its declared tables cite, computed now."""
    from booklib.build.sphinx_ext import declared_reads, documents_to_line

    checked = 0
    for page in toc_pages()[1:]:
        reads = declared_reads((REPO / f"{page}.md").read_text(encoding="utf-8"))
        if not reads:
            continue
        text = page_text(built_html, page)
        line = re.search(r"Documents to (\d{1,2} \w+ \d{4}), the latest its data cite\. The book is as of (\d{1,2} \w+ \d{4})\.", text)
        assert line, f"{page}: no 'Documents to' line"
        if reads != ["*"]:
            assert line.group(1) == fmt.day(documents_to(reads)), page
        assert line.group(2) == as_of(), page
        assert documents_to_line(reads) in text
        checked += 1
    assert checked >= 6


def test_the_front_page_gives_the_edition_and_the_as_of_date(built_html):
    from booklib import citation

    text = page_text(built_html, "intro")
    assert f"Version {citation.edition()['version']} · the book is as of {as_of()}." in text


def test_appendix_figures_have_one_lettered_number(built_html):
    """Appendices are A, B, … on the web as in print: the timeline is the second appendix."""
    text = page_text(built_html, "chapters/appendix/timeline")
    assert re.search(r"Fig\. B\.1", text) and not re.search(r"Fig\. 1\b|Fig\. 7\.1", text)
    # The navigation of every page letters them too.
    navigation = (built_html / "chapters/tariffs.html").read_text(encoding="utf-8")
    assert re.search(r'href="appendix/timeline.html">B\. Timeline of events', navigation)
    assert not re.search(r'href="appendix/[a-z_]+\.html">\d+\. ', navigation)


def test_every_page_offers_the_whole_book_pdf(built_html):
    if not (built_html / "book.pdf").exists():
        pytest.skip("the PDF was not built before the HTML")
    for page in toc_pages():
        raw = (built_html / f"{page}.html").read_text(encoding="utf-8")
        assert re.search(r'href="(\.\./)*book\.pdf"', raw) and "The whole book (PDF)" in raw, page
