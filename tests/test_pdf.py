"""The PDF: every chapter, every figure number, the bibliography, CJK names, a sane length."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, toc_pages, html_pages

PDF = REPO / "_build" / "latex" / "book.pdf"
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("xelatex"),
                                reason="needs poppler-utils and TeX (installed by .ci/run)")


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.exists():
        subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO), "--builder", "pdflatex",
                        "--warningiserror", "--nitpick", "--keep-going"], check=True, cwd=REPO)
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout


def page_title(page: str) -> str:
    source = (REPO / f"{page}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", source, re.M).group(1)


def test_every_chapter_title_is_in_the_pdf(pdf_text):
    flat = " ".join(pdf_text.split())
    for page in toc_pages():
        assert page_title(page) in flat, f"{page}: title missing from the PDF"


def words(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def test_every_html_figure_is_a_numbered_figure_in_the_pdf(pdf_text, built_html):
    """Match captions by their text (and the numbers, lettered in the appendix, are the same: test_date_of_data)."""
    flat = words(pdf_text)
    captions = []
    for page in html_pages(built_html):
        for caption in re.findall(r'<figcaption>\s*<p><span class="caption-number">[^<]*</span><span class="caption-text">(.*?)</span><a class="headerlink"', page.read_text(encoding="utf-8"), re.S):
            captions.append(words(re.sub("<[^>]+>", "", caption).replace("&amp;", "&"))[:50])
    assert captions
    pdf_numbers = re.findall(r"Fig\. ([\dA-Z]+\.\d+): (.{0,50})", flat)
    assert len(pdf_numbers) >= len(captions), f"{len(captions)} figures in HTML, {len(pdf_numbers)} numbered in the PDF"
    for caption in captions:
        assert any(caption[:40] in text or text[:40] in caption for _, text in pdf_numbers) or caption[:40] in flat, \
            f"caption {caption!r} missing from the PDF"


def test_bibliography_and_cjk_names_print(pdf_text):
    assert "Bibliography" in pdf_text
    joined = "".join(pdf_text.split())  # CJK lines break anywhere
    for name in ("赤澤亮正", "高市早苗", "中华人民共和国商务部"):
        assert name in joined, f"{name} is not in the PDF text (missing CJK font?)"


def test_page_count_is_sane():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 20 <= pages <= 400, pages


def test_long_tables_wrap_instead_of_running_off_the_page(pdf_text):
    """The MOU's terms and the tariff measures are longtables: their right-hand columns print
    (before booklib.build.latex_tables they were cut off at the page's edge)."""
    tex = (PDF.parent / "book.tex").read_text(encoding="utf-8")
    specs = re.findall(r"\\begin\{longtable\}(\S*)", tex)
    assert len(specs) >= 2
    assert not [spec for spec in specs if re.fullmatch(r"\{[|l]+\}", spec)], specs
    terms_page = next(page for page in pdf_text.split("\f") if "capital commitment" in page)
    assert "Mainichi" in terms_page, "the last column of the MOU's terms (T02: '... reported by Mainichi') is cut off"


def test_no_space_is_swallowed_after_a_closing_quote(pdf_text):
    """xeCJK took ’ and ” for CJK punctuation and ate the space after them ('a “reciprocal”tariff',
    'the seed articles’claims'): no letter follows a closing double quote, nor a plural possessive."""
    glued = re.findall(r"\S{0,20}(?:”[A-Za-z]|s’(?!s\b)[A-Za-z])\S{0,10}", pdf_text)
    assert not glued, f"{len(glued)} closing quotes glued to the next word: {glued[:8]}"


def test_no_line_starts_with_a_unit_torn_from_its_number(pdf_text):
    """A no-break space keeps '17.1 %' together: no line (of text or of a table cell) starts with '%'
    (a web address broken inside its percent-encoding, '%E3%83...', is not a unit)."""
    torn = [line for line in pdf_text.splitlines() if re.match(r"\s*%(?![0-9A-F]{2})", line)]
    assert not torn, f"{len(torn)} lines start with '%': {torn[:5]}"
    assert " -fold" not in pdf_text


def test_one_numbered_bibliography_and_lettered_appendices(pdf_text):
    """The bibliography is the numbered appendix 'Bibliography', holding the entries (not one
    sentence, with the entries after the last chapter); an appendix's figures carry its letter."""
    flat = " ".join(pdf_text.split())
    assert re.search(r"E Bibliography \d+", flat), "the contents list no lettered Bibliography appendix"
    assert not re.search(r"\b1[0-2] Bibliography\b", flat)
    assert "Fig. B.1: Events of the book" in flat, "the timeline's figure is not Fig. B.1 as on the web"
    assert "Type in the box" not in flat


def test_the_title_page_gives_the_edition_and_the_as_of_date():
    from booklib import citation
    from booklib import formats as fmt
    from bookchapters import LATEST_DOCUMENT

    first = subprocess.run(["pdftotext", "-l", "1", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(first.split())
    assert citation.edition()["version"] in flat and f"Data as of {fmt.day(LATEST_DOCUMENT)}" in flat


def test_a_figure_has_the_same_number_online_and_in_print(pdf_text, built_html):
    """Appendices are lettered in both editions, so 'Fig. B.1' on the web is 'Fig. B.1' in the PDF."""
    flat = words(pdf_text)
    checked = 0
    for page in html_pages(built_html):
        for number, caption in re.findall(r'<figcaption>\s*<p><span class="caption-number">Fig\. ([^ <]+) </span><span class="caption-text">(.*?)</span><a class="headerlink"', page.read_text(encoding="utf-8"), re.S):
            text = words(re.sub("<[^>]+>", "", caption).replace("&amp;", "&"))[:30]
            assert f"Fig. {number}: {text}" in flat, f"Fig. {number} ({text!r}) has another number in the PDF"
            checked += 1
    assert checked >= 20


def test_bibliography_labels_are_the_in_text_labels_and_no_escape_prints(pdf_text):
    """Each entry of the PDF's bibliography is labelled as the text cites it ([The White House, 2025l],
    not [TheWHouse25]; booklib/build/bibstyle.py), and no LaTeX escape (\\$) prints."""
    import unicodedata

    from booklib.sources import citation_labels

    def bare(text: str) -> str:
        """Without spaces (CJK and long lines break anywhere), ligatures or curly quotes."""
        text = unicodedata.normalize("NFKC", text).translate(str.maketrans("\u2019\u2018\u201c\u201d", "''\"\""))
        return "".join(text.split())

    flat = bare(pdf_text)
    labels = citation_labels()
    missing = [label for label in labels.values() if f"[{bare(label)}]" not in flat]
    assert not missing, f"{len(missing)} bibliography labels are not the text's: {missing[:5]}"
    bibliography = flat.rindex(f"[{bare(labels['whitehouse_eo14345'])}]")
    assert bare("The White House, 2025l") in flat[:bibliography], "the text cites the entry with the bibliography's label"
    assert "[TheWHouse" not in flat
    escape = re.search(r".{0,30}\\[$&%#_].{0,10}", " ".join(pdf_text.split()))
    assert not escape, escape.group(0)


def test_the_claims_ledger_has_its_html_number_in_print(pdf_text, built_html):
    """The ledger prints as a list in the PDF, under the same numbered title as on the web."""
    page = (built_html / "chapters" / "claims.html").read_text(encoding="utf-8")
    number, title = re.search(r'book-table-title"><span class="caption-number">Table ([\d.]+) </span>'
                              r'<span class="caption-text">([^<]+)</span>', page).groups()
    assert f"Table {number}: {words(title)}" in words(pdf_text)


def test_a_caption_naming_only_some_sources_points_to_the_list_in_print(pdf_text):
    """The web lists a figure's every source under the chart; the PDF lists them at the end of the
    chapter, and its captions say so: no caption sends the reader of the print to the web."""
    flat = words(pdf_text)
    assert "listed under the chart" not in flat
    pointers = re.findall(r"and \d+ more, listed at the end of the chapter", flat)
    assert len(pointers) >= 10
    assert flat.count("Sources of the figures") >= 5


def test_an_address_with_japanese_characters_prints_whole(pdf_text):
    """Set as a URL (math-like), its CJK characters had no font and vanished ("…/ja//china-…")."""
    assert "business-humanrights.org/ja/最新ニュース/china-belt-and-road" in words(pdf_text).replace(" ", "")
