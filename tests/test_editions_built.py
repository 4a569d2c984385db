"""The built editions (`make editions`): zh and ja under _build/html/<lang>/, their language, switcher,
alternates, notices, anchors and glued numbers against the English pages, Chinese search; in Chromium,
the switcher landing on the same anchor. Built here if `make editions` has not built them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from conftest import REPO, toc_pages

from booklib.build import edition_sphinx, editions

EDITIONS = editions.TRANSLATED
LANG_ATTR = {"zh": "zh-CN", "ja": "ja"}
HREF = re.compile(r'<(?:a|link)[^>]*href="([^"#?]+\.html)[^"]*"')


@pytest.fixture(scope="module")
def built_editions(built_html) -> Path:
    if not all((built_html / lang / "intro.html").exists() for lang in EDITIONS):
        subprocess.run([sys.executable, "-m", "booklib.build.editions", "html", *EDITIONS], check=True, cwd=REPO,
                       env={**os.environ, "BOOKLIB_DATA_DIR": str(REPO / "data")})
    return built_html


def published(lang: str) -> set[str]:
    root = editions.prepared_locales(lang) / editions.SPHINX_LANGUAGE[lang] / "LC_MESSAGES"
    return {p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.po")} if root.is_dir() else set()


def test_an_editions_baseurl_is_the_english_one_plus_its_folder(monkeypatch):
    monkeypatch.setenv("BOOK_LANGUAGE", "zh")
    config = SimpleNamespace(language="zh_CN", html_baseurl="https://example.org/book/", locale_dirs=[], html_theme_options={"search_bar_text": "Search this book..."},
                             latex_elements={"fontpkg": "\\setCJKmainfont{Noto Serif CJK JP}"})
    app = SimpleNamespace(srcdir=str(REPO))
    edition_sphinx._edition_config(app, config)
    assert config.html_baseurl == "https://example.org/book/zh/"
    assert "Noto Serif CJK SC" in config.latex_elements["fontpkg"]
    assert config.html_theme_options["search_bar_text"] == "搜索本书…"


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_of_an_edition_has_its_language_switcher_and_alternates(built_editions, lang):
    for page in toc_pages():
        path = built_editions / lang / f"{page}.html"
        text = path.read_text(encoding="utf-8")
        assert f'<html lang="{LANG_ATTR[lang]}"' in text, page
        nav = re.search(r'<nav class="book-editions".*?</nav>', text, re.S)
        assert nav and all(name in nav.group(0) for name in editions.NAMES.values()), page
        assert text.count('<link rel="alternate" hreflang=') == 3, page
        for href in HREF.findall(nav.group(0)) + re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', text):
            assert (path.parent / href).resolve().exists(), f"{lang}/{page}: {href} does not exist"


def test_english_pages_switch_to_the_same_page_of_each_edition(built_editions):
    for page in toc_pages():
        path = built_editions / f"{page}.html"
        nav = re.search(r'<nav class="book-editions".*?</nav>', path.read_text(encoding="utf-8"), re.S)
        assert nav, page
        targets = HREF.findall(nav.group(0))
        assert sorted(targets) == sorted(edition_sphinx.edition_href(page, "en", lang) for lang in EDITIONS)
        assert all((path.parent / t).resolve().exists() for t in targets), page


@pytest.mark.parametrize("lang", EDITIONS)
def test_a_page_not_translated_is_a_notice_linking_to_english(built_editions, lang):
    notices = [p for p in toc_pages() if p not in published(lang) and p not in edition_sphinx.ALWAYS_PUBLISHED]
    for page in notices:
        path = built_editions / lang / f"{page}.html"
        text = path.read_text(encoding="utf-8")
        assert edition_sphinx.NOTICE_CLASS in text, page
        english = re.search(r'<a class="book-edition-english" href="([^"]+)"', text).group(1)
        assert (path.parent / english).resolve() == (built_editions / f"{page}.html").resolve()


@pytest.mark.parametrize("lang", EDITIONS)
def test_a_translated_page_keeps_the_english_anchors_and_glued_numbers(built_editions, lang):
    """Anchors (anchors.yml) are the same in every edition; a translated page shows as many glued
    values as the English page (their values computed in the edition's language)."""
    manifest = yaml.safe_load((REPO / "anchors.yml").read_text(encoding="utf-8"))["anchors"]
    pages = sorted(published(lang) - edition_sphinx.ALWAYS_PUBLISHED)
    if not pages:
        pytest.skip(f"no page of the {lang} edition is translated yet (locales/translated.yml)")
    for page in pages:
        english = (built_editions / f"{page}.html").read_text(encoding="utf-8")
        edition = (built_editions / lang / f"{page}.html").read_text(encoding="utf-8")
        ids = set(re.findall(r' id="([^"]+)"', edition))
        missing = [a for a in manifest.get(page, []) if a not in ids]
        assert not missing, f"{lang}/{page} lacks the anchors {missing}"
        assert edition.count('class="pasted-text"') == english.count('class="pasted-text"'), page


def test_chinese_search_segments_words(built_editions):
    """Sphinx's Chinese search with jieba: words, not single characters or whole sentences, are indexed."""
    index = (built_editions / "zh" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    chinese = [t for t in terms if re.fullmatch(r"[\u4e00-\u9fff]+", t)]
    assert chinese and any(len(t) == 2 for t in chinese) and max(map(len, chinese)) <= 10


# --- in Chromium ------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (installed by .ci/run)")
@pytest.mark.parametrize("lang", EDITIONS)
def test_the_switcher_lands_on_the_same_anchor(built_editions, lang):
    """From a chart page in English, scrolled to a figure (its address's anchor), the switcher opens
    the same page of the edition at the same anchor; and back. A translated chart page shows as many
    glued numbers as the English page."""
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_ARGS, serve

    server = serve(built_editions)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/chapters/tariffs.html#fig-tar-headline")
            page.click(f'nav.book-editions a[lang="{editions.HTML_LANG[lang]}"]')
            page.wait_for_load_state("load")
            assert page.url == f"{base}/{lang}/chapters/tariffs.html#fig-tar-headline"
            assert page.get_attribute("html", "lang") == LANG_ATTR[lang]
            glued = page.locator(".pasted-text").count()
            page.click('nav.book-editions a[lang="en"]')
            page.wait_for_load_state("load")
            assert page.url == f"{base}/chapters/tariffs.html#fig-tar-headline"
            if "chapters/tariffs" in published(lang):
                assert glued == page.locator(".pasted-text").count()
            browser.close()
    finally:
        server.shutdown()


CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", EDITIONS)
def test_a_chart_of_an_edition_is_drawn_with_its_title_and_axes_in_the_editions_words(built_editions, lang):
    """In Chromium, offline: the first chart of the edition's tariff chapter, drawn by Vega, has a
    Chinese or Japanese title and axis titles (read from the drawn scene, as SVG), in the edition's font."""
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_ARGS, serve

    server = serve(built_editions)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{lang}/chapters/tariffs.html#fig-tar-headline")
            page.wait_for_function("() => { const f = document.querySelector('#chart-fig-tar-headline'); return f && f._bookView; }", timeout=20000)
            svg = page.evaluate("() => document.querySelector('#chart-fig-tar-headline')._bookView.toSVG()")
            browser.close()
    finally:
        server.shutdown()
    def marks(role: str) -> list[str]:
        return [t for body in re.findall(rf'<g class="mark-text role-{role}"[^>]*>(.*?)</g>', svg, re.S)
                for t in re.findall(r"<text[^>]*>([^<]*)</text>", body)]

    # The title and its subtitle, the panels' and the legend's titles, the time axis's labels (2026年1月).
    for role in ("title-text", "title-subtitle", "legend-title", "axis-label"):
        assert any(CJK.search(t) for t in marks(role)), f"{role}: {marks(role)[:4]}"
    assert all(CJK.search(t) or not re.search(r"[A-Za-z]{3,}", t) for t in marks("title-text") + marks("legend-label")), marks("title-text")
    assert "Noto Sans CJK" in svg


PDF_WORDS = {"zh": ("中文版", "数据截至", "目录"), "ja": ("日本語版", "データは", "目次")}


@pytest.mark.pdf
@pytest.mark.parametrize("lang", EDITIONS)
def test_the_pdf_of_an_edition(lang):
    """book-<lang>.pdf (make pdf-editions): the edition and the as-of date on its title page, its contents
    in the language's words, CJK fonts of the language (the build fails on a missing glyph)."""
    pdf = editions.edition_dir(lang) / "latex" / f"book-{lang}.pdf"
    if not pdf.exists():
        pytest.skip("run `make pdf-editions` first")
    first = subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for word in PDF_WORDS[lang]:
        assert word in first, f"book-{lang}.pdf: no {word!r} on its first pages"
    if lang == "zh":  # full-width quotes and dash between Chinese characters: no space beside them
        assert "其他“以投资换关税”的协议" in first and "中国—东盟" in first
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    log = (pdf.with_suffix(".log")).read_text(encoding="utf-8", errors="replace")
    assert not editions.missing_glyphs(log)


def extracted_templates() -> Path:
    """_build/gettext (the page catalogs' templates), extracted again when a page or the build changed."""
    gettext = REPO / "_build" / "gettext"
    stamp = gettext / "intro.pot"
    inputs = [*REPO.glob("*.md"), *(REPO / "chapters").rglob("*.md"), *(REPO / "booklib" / "build").glob("*.py")]
    if not stamp.exists() or any(p.stat().st_mtime > stamp.stat().st_mtime for p in inputs):
        subprocess.run([sys.executable, "-m", "booklib.build.editions", "pot"], check=True, cwd=REPO)
    return gettext


@pytest.mark.book
def test_the_extracted_catalogs_hold_prose_only():
    """Every message of a page's template is text of the page's source (or a caption of _toc.yml): no cell
    output (tables, the ledger, glued values) and no box the build writes is a message."""
    from babel.messages.pofile import read_po

    captions = {part["caption"] for part in yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))["parts"]}
    gettext = extracted_templates()
    for page in toc_pages():
        source = " ".join((REPO / f"{page}.md").read_text(encoding="utf-8").split())
        with (gettext / f"{page}.pot").open("rb") as handle:
            messages = [m.id for m in read_po(handle) if m.id]
        stray = [m for m in messages if " ".join(m.split()) not in source and m not in captions]
        assert not stray, f"{page}: messages that are not the page's prose: {stray[:5]}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_sidebar_names_the_book_and_its_parts_in_the_editions_words(built_editions, lang):
    """The part captions come from the table of contents after Sphinx translated the page: they were
    "Chapters" and "Appendix" over Chinese and Japanese titles (booklib.build.edition_sphinx.TranslateTocCaptions)."""
    from booklib.i18n import translate

    page = (built_editions / lang / "chapters" / "tariffs.html").read_text(encoding="utf-8")
    captions = re.findall(r'<p aria-level="2" class="caption" role="heading"><span class="caption-text">([^<]+)</span>', page)
    assert captions and "Chapters" not in captions and "Appendix" not in captions, captions
    title = translate("Japan between Washington and Beijing, 2025–2026", domain="build", language=lang)
    assert f"<title>" in page and title in page.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_page_s_citation_box_and_the_front_page_s_links_are_in_the_editions_words(built_editions, lang):
    """The box that ends a page cites the page by its translated title in the named edition, as its cite
    controls do; the front page's citation files and data release are offered in the edition's words."""
    from booklib.build.cite_sphinx import EDITION_LABELS
    from booklib.i18n import translate

    page = (built_editions / lang / "chapters" / "tariffs.html").read_text(encoding="utf-8")
    title = re.sub(r"<[^>]+>", "", re.search(r'<h1><span class="section-number">[^<]*</span>(.*?)<a class="headerlink"', page, re.S).group(1)).strip()
    box = re.sub(r"<[^>]+>", "", page.split("book-cite-box", 1)[1].split("</div>", 1)[0])
    assert title and title in box and EDITION_LABELS[lang] in box, box[:300]
    front = (built_editions / lang / "intro.html").read_text(encoding="utf-8")
    links = re.sub(r"<[^>]+>", "", front.split('class="book-downloads"', 1)[1].split("</p>", 1)[0])
    assert translate("how to check it", domain="build", language=lang) in links and "Cite the whole book" not in links
