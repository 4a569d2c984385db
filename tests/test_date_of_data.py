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


def used_sources(raw: str, registry) -> set[str]:
    """The documents a built page shows: its charts' sources, the entries its links cite in the
    bibliography, and source ids its tables print."""
    used = {s for cell in re.findall(r'class="book-chart" id="[^"]*" data-sources="([^"]*)"', raw) for s in cell.split()}
    by_anchor = {re.sub(r"[^a-z0-9]+", "-", str(key).lower()).strip("-"): sid for sid, key in registry["bib_key"].items()}
    # Links from the page itself (not from the chart's disclosure, which lists the chart's sources).
    body = re.sub(r'<details class="book-chart-sources">.*?</details>', "", raw, flags=re.S)
    used |= {by_anchor[a] for a in re.findall(r'bibliography\.html#cite-([\w-]+)"', body) if a in by_anchor}
    tables = " ".join(re.findall(r"<table.*?</table>", body, re.S))
    used |= {sid for sid in registry.index if re.search(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", tables)}
    return used


def test_every_page_says_under_its_title_the_date_of_its_data(built_html):
    """'Documents to <date>' is the latest document the page's figures, tables and text cite,
    recomputed here from the built page (or, on a page that cites none, from its declared tables)."""
    from booklib import load
    from booklib.build.sphinx_ext import declared_reads
    from booklib.data import latest_document

    registry = load("sources").set_index("source_id")
    checked = 0
    for page in toc_pages()[1:]:
        reads = declared_reads((REPO / f"{page}.md").read_text(encoding="utf-8"))
        if not reads:
            continue
        raw = (built_html / f"{page}.html").read_text(encoding="utf-8")
        text = page_text(built_html, page)
        line = re.search(r"Documents to (\d{1,2} \w+ \d{4}) ?, the latest its figures, tables and text cite\. "
                         r"The book is as of (\d{1,2} \w+ \d{4})\.", text)
        assert line, f"{page}: no 'Documents to' line"
        used = used_sources(raw, registry)
        expected = latest_document(used) if used else documents_to(reads)
        assert line.group(1) == fmt.day(expected), f"{page}: says {line.group(1)}, its documents end {fmt.day(expected)}"
        assert line.group(2) == as_of(), page
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
