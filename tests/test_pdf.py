"""The PDF: every chapter, every figure number, the bibliography, CJK names, a sane length."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, toc_pages

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
    """Numbers differ where the appendix is unnumbered in HTML, so match captions by their text."""
    flat = words(pdf_text)
    captions = []
    for page in built_html.rglob("*.html"):
        for caption in re.findall(r'<figcaption>\s*<p><span class="caption-number">[^<]*</span><span class="caption-text">(.*?)</span><a class="headerlink"', page.read_text(encoding="utf-8"), re.S):
            captions.append(words(re.sub("<[^>]+>", "", caption).replace("&amp;", "&"))[:50])
    assert captions
    pdf_numbers = re.findall(r"Fig\. (\d+\.\d+): (.{0,50})", flat)
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
