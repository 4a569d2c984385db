"""The built pages show readers words, not the database: no column name, category code or source_id
in their text, every source a link that lands on its bibliography entry, labelled as the entry is,
and no LaTeX escape. (Marked `book`: it reads the HTML build.)"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import html_pages

from booklib.data import load, package

# Where code is shown as code (a chart's "Show the code", a data dictionary's column names).
CODE_TAGS = {"pre", "code"}
HIDDEN_TAGS = {"script", "style", "head", "template", "svg"}


class _Visible(HTMLParser):
    """The text a reader sees, with and without the code shown as code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = self.code = self.pre = 0
        self.prose: list[str] = []
        self.outside_pre: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in HIDDEN_TAGS
        self.code += tag in CODE_TAGS
        self.pre += tag == "pre"

    def handle_endtag(self, tag):
        self.hidden -= tag in HIDDEN_TAGS and self.hidden > 0
        self.code -= tag in CODE_TAGS and self.code > 0
        self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data):
        if self.hidden:
            return
        if not self.code:
            self.prose.append(data)
        if not self.pre:
            self.outside_pre.append(data)


def visible(page: Path) -> tuple[str, str]:
    parser = _Visible()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.prose), " ".join(parser.outside_pre)


def pages(built_html: Path) -> list[Path]:
    return [p for p in sorted(html_pages(built_html))
            if "_static" not in p.parts and p.name not in ("genindex.html", "search.html")]


def database_words() -> tuple[set[str], set[str]]:
    """Source ids, and the schema's column names and category codes that contain '_'."""
    names = set()
    for res in package()["resources"]:
        for field in res["schema"]["fields"]:
            names.add(field["name"])
            names.update(str(v) for v in field.get("constraints", {}).get("enum", []))
    return set(load("sources")["source_id"]), {n for n in names if "_" in n}


# A word with an underscore; not part of a path or file name (chapters/export_controls, events.csv).
TOKEN = re.compile(r"(?<![\w/.])[A-Za-z0-9]*_[A-Za-z0-9_]+(?![\w/]|\.\w)")


def test_no_page_shows_a_column_name_category_code_or_source_id(built_html):
    ids, names = database_words()
    found = {}
    for page in pages(built_html):
        prose, outside_pre = visible(page)
        shown = {t for t in TOKEN.findall(prose) if t in names or t in ids}
        # A source_id is not shown even as code (it is a link to its entry); column names may be, as code.
        shown |= {t for t in TOKEN.findall(outside_pre) if t in ids}
        if shown:
            found[page.relative_to(built_html).as_posix()] = sorted(shown)[:8]
    assert not found, f"database words shown to readers: {found}"


def bibliography_labels(built_html: Path) -> dict[str, str]:
    """{anchor: label} of every entry of the bibliography page."""
    text = (built_html / "chapters/appendix/bibliography.html").read_text(encoding="utf-8")
    # The build writes a label without its bracket spans (booklib.build.sphinx_ext; the stylesheet draws them).
    entries = re.findall(r'<div class="citation" id="(cite-[^"]+)"[^>]*>\s*<span class="label">(?:<span class="fn-bracket">\[</span>)?'
                         r'(.*?)(?:<span class="fn-bracket">\]</span>|</span>)', text, re.S)
    return {anchor: html_lib.unescape(re.sub(r"<[^>]+>", "", label)) for anchor, label in entries}


def test_every_bibliography_label_is_the_in_text_label(built_html):
    from booklib.sources import anchor, citation_labels

    labels = bibliography_labels(built_html)
    assert len(labels) == len(load("sources").drop_duplicates("bib_key"))
    expected = {anchor(key): label for key, label in citation_labels().items()}
    wrong = {a: (labels[a], expected[a]) for a in labels if labels[a] != expected[a]}
    assert not wrong, f"bibliography labels that are not the text's (shown, text): {dict(list(wrong.items())[:5])}"


LINK = re.compile(r'<a\b[^>]*href="([^"]*bibliography\.html)#(cite-[^"]+)"[^>]*>(.*?)</a>', re.S)


def ledger_article_names() -> dict[str, str]:
    """{anchor: name} of the seed articles as the claims ledger names them (by outlet and date,
    bookchapters.claims.article_name): the one other way a link to an entry may read."""
    from bookchapters.claims import article_name
    from booklib.sources import anchor

    sources = load("sources").set_index("source_id")
    return {anchor(sources.loc[s, "bib_key"]): article_name(s, sources) for s in load("claims")["article_source_id"].unique()}


def test_every_source_link_lands_on_its_entry_and_reads_as_its_label(built_html):
    labels = bibliography_labels(built_html)
    articles = ledger_article_names()
    problems, links = [], 0
    for page in pages(built_html):
        for target, anchor, text in LINK.findall(page.read_text(encoding="utf-8")):
            links += 1
            if (page.parent / target).resolve() != (built_html / "chapters/appendix/bibliography.html").resolve():
                problems.append(f"{page.name}: {target} is not the bibliography")
            elif anchor not in labels:
                problems.append(f"{page.name}: #{anchor} is no entry of the bibliography")
            elif html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip() not in (labels[anchor], articles.get(anchor)):
                problems.append(f"{page.name}: link {text!r} to #{anchor}, whose label is {labels[anchor]!r}")
    assert links > 1000
    assert not problems, f"{len(problems)} source links: {problems[:5]}"


@pytest.mark.parametrize("page, least", [("chapters/appendix/timeline.html", 100), ("chapters/appendix/glossary.html", 50),
                                         ("chapters/claims.html", 100), ("chapters/export_controls.html", 40),
                                         ("chapters/appendix/data_dictionary.html", 300)])
def test_rows_cite_their_sources_as_links(built_html, page, least):
    links = LINK.findall((built_html / page).read_text(encoding="utf-8"))
    assert len(links) >= least, f"{page}: {len(links)} links to the bibliography"


def test_no_latex_escape_is_visible(built_html):
    found = {}
    for page in pages(built_html):
        prose, _ = visible(page)
        escapes = re.findall(r".{0,30}\\[$&%#_{}].{0,10}", prose)
        if escapes:
            found[page.name] = escapes[:3]
    assert not found, f"LaTeX escapes printed: {found}"


def test_the_checks_see_what_the_issue_found(tmp_path):
    """The page checks above catch a source_id shown as code, a column name or category code in a
    table, and a printed escape; a column name shown as code (the data dictionary's) passes. Fast."""
    ids, names = database_words()
    page = tmp_path / "p.html"
    page.write_text("<html><body><table><tr><th>term_id</th><td>in_force</td></tr></table>"
                    "<p>Sources: [<code>mofcom_2025_no62</code>] cost \\$550 bn; the column <code>legal_basis</code></p>"
                    "<pre>load('whitehouse_eo14345')</pre></body></html>")
    prose, outside_pre = visible(page)
    assert {t for t in TOKEN.findall(prose) if t in names} == {"term_id", "in_force"}
    assert {t for t in TOKEN.findall(outside_pre) if t in ids} == {"mofcom_2025_no62"}
    assert re.search(r"\\[$&%#_{}]", prose)
