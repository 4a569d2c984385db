"""What a page shows when shared, over the built HTML: a description and an Open Graph card on every
page (its image: the page's first chart, a file beside the book), the favicon, no empty general index,
and the search index loaded by the search page only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from booklib.build import share
from conftest import toc_pages, html_pages


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.scripts: list[str] = []
        self.charts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"].split("?")[0])
        elif tag == "div" and attrs.get("class") == "book-chart":
            self.charts.append(attrs["id"].removeprefix("chart-"))


def parsed(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_has_a_description_and_an_open_graph_card(built_html, page):
    path = built_html / f"{page}.html"
    head = parsed(path)
    for key in ("description", "og:title", "og:description", "og:site_name", "og:type", "og:image", "twitter:card"):
        assert head.meta.get(key, "").strip(), f"{page}: no {key}"
    assert 60 <= len(head.meta["description"]) <= share.DESCRIPTION_CHARS
    assert head.meta["description"] == head.meta["og:description"]
    assert "og:url" not in head.meta, "og:url is given while the book has no published address (html: baseurl:)"
    image = (path.parent / head.meta["og:image"]).resolve()
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", head.meta["og:image"]
    assert (int(head.meta["og:image:width"]), int(head.meta["og:image:height"])) == share.png_size(image.read_bytes())
    if head.charts:
        # A page with charts shows its first one.
        assert image == (built_html / share.OG_DIR / f"{page}.png").resolve()
        assert head.meta["twitter:card"] == "summary_large_image"


def test_the_favicon_is_linked_on_every_page(built_html):
    for page in toc_pages():
        path = built_html / f"{page}.html"
        icons = [link for link in parsed(path).links if link.get("rel") == "icon"]
        assert icons, f"{page}: no favicon"
        icon = (path.parent / icons[0]["href"]).resolve()
        assert icon.is_file() and icon.read_text(encoding="utf-8").lstrip().startswith("<svg"), icon


def test_no_empty_index_page_and_no_link_to_one(built_html):
    assert not (built_html / "genindex.html").exists()
    for path in html_pages(built_html):
        assert "genindex" not in path.read_text(encoding="utf-8"), f"{path.relative_to(built_html)} links to genindex.html"


def test_only_the_search_page_loads_the_search_index(built_html):
    for page in toc_pages():
        assert not any(s.endswith("searchindex.js") for s in parsed(built_html / f"{page}.html").scripts), page
    assert any(s.endswith("searchindex.js") for s in parsed(built_html / "search.html").scripts)


def test_the_card_names_the_published_address_only_when_there_is_one():
    tags = share.card_tags("T", "Book", "A page.", "https://example.org/book/_og/a.png", (10, 20), "", "https://example.org/book/a.html")
    assert '<meta property="og:url" content="https://example.org/book/a.html" />' in tags
    assert "og:url" not in share.card_tags("T", "Book", "A page.")
    assert re.search(r'name="twitter:card" content="summary"', share.card_tags("T", "Book", "A page."))


def test_a_description_is_cut_at_a_word():
    text = "word " * 100
    short = share.shorten(text)
    assert len(short) <= share.DESCRIPTION_CHARS and short.endswith("word…")
    assert share.shorten("A short page.") == "A short page."


def test_a_page_carries_only_its_first_charts_spec(built_html):
    """The other charts' specs (their data included) are scripts beside the book, loaded as the
    reader nears them: each exists and names its chart."""
    pages = [p for p in html_pages(built_html) if 'class="book-chart"' in p.read_text(encoding="utf-8")]
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        holders = re.findall(r'<div class="book-chart" id="chart-(fig-[\w-]+)".*?<script type="application/json" class="book-chart-spec"([^>]*)>(.*?)</script>', text, re.S)
        assert holders and not holders[0][1] and holders[0][2].startswith("{"), f"{path.name}: the first chart's spec is not in the page"
        for name, attrs, inline in holders[1:]:
            assert not inline, f"{path.name}: {name}'s spec is in the page"
            src = re.search(r'data-src="([^"?]+)', attrs).group(1)
            spec = (path.parent / src).resolve()
            assert spec.is_file() and spec.read_text(encoding="utf-8").startswith(f'(window.bookChartSpecs = window.bookChartSpecs || {{}})["{name}"] = {{'), src
