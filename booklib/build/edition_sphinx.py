"""The Sphinx side of the editions (booklib.build.editions), set up by booklib.build.sphinx_ext in every build.

- Outputs are not messages: every node inside a myst-nb cell output and inside the build's own boxes
  (the date line, the citation and edition boxes) is `translatable=False`, so `make catalogs` extracts
  prose only and the translation of a page never touches what code printed (its words come from Python,
  in the edition's language).
- Glue inside translated paragraphs: Sphinx parses a translated message as a document of its own,
  without the page's notebook, so myst-nb's glue roles found no value ("No key ... found", only a
  warning). The page's notebook renderer is kept when the page is parsed and the roles look it up
  by page; the values are the page's own run, formatted in the edition's language.
- Never half-translated: in an edition, a page whose catalog is not published (booklib.build.editions:
  missing, incomplete, fuzzy) is a short notice in the edition's language linking to the English page;
  a reference to one of its labels from a translated page links to the English page.
- Switcher and addresses: every page carries a switcher (English / 中文 / 日本語) to the same page (its
  script keeps the anchor), `hreflang` alternate links; an edition's `html_baseurl` is the English one
  plus `<lang>/`.
- The PDF of an edition: book-<lang>.tex with the edition's CJK fonts (SC for zh, JP for ja), LaTeX's
  words and chapter heads in its language, the edition on the title page; in every PDF an address
  holding CJK characters is printed percent-encoded (the URL font has no CJK glyphs).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import SphinxError
from sphinx.transforms import SphinxTransform

from booklib.build import editions
from booklib.i18n import edition_language, translate

# Classes of the boxes the build writes into a page (booklib.build.sphinx_ext): their words come from build.po.
BUILD_BOX_CLASSES = {"book-cite-box", "book-edition", "book-asof", "book-edition-notice", "book-downloads"}
OUTPUT_CLASSES = {"cell_output", "output"}
NOTICE_CLASS = "book-edition-notice"


def words(message: str, **values) -> str:
    """The build's own words in the edition's language (locales/<lang>/LC_MESSAGES/build.po)."""
    text = translate(message, domain="build")
    return text.format(**values) if values else text


def page_catalog(app, pagename: str) -> Path | None:
    """The page's catalog where the edition's build reads it (booklib.build.editions), or None (English,
    or a page the edition does not publish translated)."""
    if not app.config.language or app.config.language == "en":
        return None
    for folder in app.config.locale_dirs or []:
        path = Path(app.srcdir, folder) / app.config.language / "LC_MESSAGES" / f"{pagename}.po"
        if path.exists():
            return path
    return None


def page_title(app, pagename: str, title: str) -> str:
    """A page's title (its `# ` heading) as the edition's page has it: the page catalog's translation
    where the edition publishes the page translated, else as written."""
    catalog = page_catalog(app, pagename)
    if catalog is None:
        return title
    from booklib.build.notebooks import catalog_messages

    return catalog_messages(catalog).get(" ".join(title.split()), title)


class TranslateTocCaptions(SphinxTransform):
    """The sidebar's part captions ("Chapters", "Appendix") in the edition's words: the table of contents
    inserts its toctrees (sphinx-external-toc, priority 100) after Sphinx has translated the page (20),
    so their captions are looked up here in the page's catalog, as Sphinx's Locale transform would."""

    default_priority = 101

    def apply(self, **kwargs) -> None:
        from sphinx import addnodes
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        if edition_language() == editions.SOURCE_LANGUAGE:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [os.path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, found = init_locale(dirs, self.config.language, domain)
        if not found:
            return
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and catalog.gettext(caption) != caption:
                toctree["caption"] = catalog.gettext(caption)


def setup(app):
    app.add_transform(TranslateTocCaptions)
    app.add_transform(OutputsAreNotMessages)
    app.add_transform(ForgetNotebookRenderer)
    _patch_notebook_parser()
    _patch_glue_retrieval()
    app.connect("config-inited", _edition_config)
    app.connect("config-inited", _edition_on_title_page, priority=600)
    app.connect("builder-inited", _check_published_catalogs)
    app.connect("env-updated", _edition_latex_document)
    app.connect("source-read", _notice_for_untranslated_page, priority=100)
    # Text the build appends to a page (citation box, revisions, hidden cells) follows this marker.
    app.connect("source-read", _mark_end_of_page_text, priority=110)
    app.connect("source-read", _find_generated_text, priority=990)
    app.connect("missing-reference", _reference_to_english_page)
    app.connect("html-page-context", _switcher_and_alternates)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


# --- outputs are not messages ----------------------------------------------------------------------

def _not_translatable(node: nodes.Element) -> None:
    # Inline nodes are never messages of their own; one with a `translatable` attribute would be
    # unwrapped by Sphinx (RemoveTranslatableInline), its text moved to the end of its paragraph.
    for inner in node.findall(nodes.Element):
        if isinstance(inner, nodes.Inline):
            continue
        if isinstance(inner, (nodes.TextElement, nodes.image)) or "translatable" in inner:
            inner["translatable"] = False


class OutputsAreNotMessages(SphinxTransform):
    """Before Sphinx's Locale transform (priority 20) and the gettext extraction."""

    default_priority = 10

    def apply(self, **kwargs) -> None:
        generated = getattr(self.env, "booklib_generated_from", {}).get(self.env.docname)
        appended = False  # the build appends its text at the end: from its first node on, in document order
        for node in list(self.document.findall(nodes.Element)):
            classes = set(node.get("classes", []))
            appended = appended or bool(generated and node.line and node.line > generated)
            if classes & OUTPUT_CLASSES or classes & BUILD_BOX_CLASSES or _is_output(node):
                _not_translatable(node)
            elif appended and isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
                node["translatable"] = False


GENERATED_MARKER = "% booklib: the text below is generated by the build"


def _mark_end_of_page_text(app, docname: str, source: list[str]) -> None:
    source[0] = source[0].rstrip("\n") + f"\n\n{GENERATED_MARKER}\n"


def _find_generated_text(app, docname: str, source: list[str]) -> None:
    """The line where the build's own text begins: what follows is not a message of the page."""
    before, found, _ = source[0].partition(GENERATED_MARKER)
    lines = getattr(app.env, "booklib_generated_from", {})
    lines[docname] = before.count("\n") + 1 if found else None
    app.env.booklib_generated_from = lines


def _is_output(node) -> bool:
    name = type(node).__name__
    return name in {"CellOutputNode", "CellOutputBundleNode", "MimeBundleNode"}


# --- glue inside translated paragraphs -------------------------------------------------------------

_RENDERERS: dict[str, object] = {}


class _KeepRenderer(dict):
    """The document's attributes while myst-nb parses it: the notebook renderer it removes at the end
    of the parse is kept for the page's translated messages (parsed later, by the Locale transform)."""

    docname = ""

    def pop(self, key, *default):
        value = super().pop(key, *default)
        if key == "nb_renderer" and value is not None:
            _RENDERERS[self.docname] = value
        return value


def _patch_notebook_parser() -> None:
    from myst_nb.sphinx_ import Parser

    original = Parser.parse
    if getattr(original, "booklib_patched", False):
        return

    def parse(self, inputstring, document):
        env = getattr(document.settings, "env", None)
        if env is None or document.current_source.endswith("<translated>"):
            return original(self, inputstring, document)
        kept = _KeepRenderer(document.attributes)
        kept.docname = env.docname
        document.attributes = kept
        try:
            return original(self, inputstring, document)
        finally:
            document.attributes = dict(document.attributes)

    parse.booklib_patched = True
    Parser.parse = parse


class ForgetNotebookRenderer(SphinxTransform):
    """After Sphinx's Locale transform (priority 20): the page's translated messages are parsed."""

    default_priority = 21

    def apply(self, **kwargs) -> None:
        _RENDERERS.pop(self.env.docname, None)


def _patch_glue_retrieval() -> None:
    from myst_nb.ext.glue import directives, roles, utils

    original = utils.retrieve_glue_data
    if getattr(original, "booklib_patched", False):
        return

    def retrieve_glue_data(document, key):
        if "nb_renderer" in document:
            return original(document, key)
        env = getattr(document.settings, "env", None)
        renderer = _RENDERERS.get(getattr(env, "docname", None))
        if renderer is None:
            return original(document, key)
        # A translated message of the page: its notebook's glue data (only for this look-up).
        document["nb_renderer"] = renderer
        try:
            return original(document, key)
        finally:
            del document["nb_renderer"]

    retrieve_glue_data.booklib_patched = True
    for module in (utils, roles, directives):
        if hasattr(module, "retrieve_glue_data"):
            module.retrieve_glue_data = retrieve_glue_data


# --- configuration of an edition -------------------------------------------------------------------

CJK_FONTS = {"en": "JP", "ja": "JP", "zh": "SC"}
# Chinese text quotes with full-width “ ” and joins with a full-width dash (中国—东盟, 2025—2026年); the
# book's fontpkg makes them Western, for English text, and between Chinese characters a Western quote
# or dash gets a space beside it.
FULL_WIDTH_PUNCTUATION = {"zh": '\n\\xeCJKDeclareCharClass{FullLeft}{"2018, "201C}\n\\xeCJKDeclareCharClass{FullRight}{"2019, "201D}'
                           '\n\\xeCJKDeclareCharClass{CJK}{"2014}\n'}


def _edition_config(app, config) -> None:
    lang = edition_language()
    expected = editions.SPHINX_LANGUAGE[lang]
    if lang != editions.SOURCE_LANGUAGE and (config.language or "en") != expected:
        raise ValueError(f"BOOK_LANGUAGE={lang} but Sphinx language {config.language!r}: build editions with booklib.build.editions")
    app.booklib_language = lang
    if lang == editions.SOURCE_LANGUAGE:
        app.booklib_published = None  # every page
        return
    app.booklib_published = published_pages(app.srcdir, config.locale_dirs, expected)
    base = config.html_baseurl or ""
    if base:
        config.html_baseurl = base.rstrip("/") + f"/{lang}/"
    # The book's title over the sidebar and in each page's <title>, in the edition's words.
    if getattr(config, "html_title", None):
        config.html_title = words(config.html_title)
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text"):
        options["search_bar_text"] = words(options["search_bar_text"])
        config.html_theme_options = options
    # The PDF: CJK fonts of the language (Simplified Chinese or Japanese glyphs: one character may be
    # drawn differently), xeCJK's CJK line breaking, LaTeX's own words in the language (babel and
    # polyglossia know no Chinese: the names are set here); its file name and title page:
    # _edition_latex_document.
    elements = dict(config.latex_elements or {})
    fonts = elements.get("fontpkg", "")
    elements["fontpkg"] = re.sub(r"CJK (JP|SC|TC|KR)\}", f"CJK {CJK_FONTS[lang]}}}", fonts) + FULL_WIDTH_PUNCTUATION.get(lang, "")
    names = LATEX_NAMES[lang]
    renames = "".join(f"\\renewcommand{{\\{name}}}{{{word}}}" for name, word in names.items())
    # Set where nothing comes after to set them back (babel's captions are applied at \begin{document}).
    elements["maketitle"] = renames + elements.get("maketitle", "\\sphinxmaketitle")
    elements["tableofcontents"] = renames + elements.get("tableofcontents", "\\sphinxtableofcontents")
    # Chapters headed "第 1 章" (an appendix "附录 A" / "付録 A"), not fncychap's "Chapter 1".
    elements["fncychap"] = ""
    elements["preamble"] = elements.get("preamble", "") + CJK_CHAPTER_HEAD
    config.latex_elements = elements


CJK_CHAPTER_HEAD = r"""
% The edition's chapter heads (booklib.build.edition_sphinx): 第 1 章, or the appendix's name and letter.
\makeatletter
\newcommand{\booklibchapterlabel}{\ifx\@chapapp\appendixname\appendixname\ \thechapter\else 第\,\thechapter\,章\fi}
\renewcommand{\@makechapterhead}[1]{\vspace*{30\p@}{\parindent\z@\raggedright\normalfont
  \ifnum\c@secnumdepth>\m@ne\if@mainmatter{\huge\bfseries\booklibchapterlabel\par\nobreak}\vskip 20\p@\fi\fi
  \interlinepenalty\@M{\Huge\bfseries #1\par\nobreak}\vskip 40\p@}}
\makeatother
"""


# LaTeX's words in each edition (Sphinx sets \figurename and \tablename from numfig_format itself).
LATEX_NAMES = {
    "zh": {"contentsname": "目录", "chaptername": "章", "appendixname": "附录", "bibname": "参考文献", "indexname": "索引"},
    "ja": {"contentsname": "目次", "chaptername": "章", "appendixname": "付録", "bibname": "参考文献", "indexname": "索引"},
}
EDITION_TITLES = {"zh": "中文版", "ja": "日本語版"}


def _edition_latex_document(app, env) -> None:
    """After Jupyter Book set latex_documents (book.tex): the edition's book-<lang>.tex, its title naming
    the edition. Run when the environment is updated, before the LaTeX builder reads them."""
    lang = getattr(app, "booklib_language", editions.SOURCE_LANGUAGE)
    if lang == editions.SOURCE_LANGUAGE or app.builder.format != "latex":
        return
    documents = list(app.config.latex_documents or [])
    if documents:
        first = list(documents[0])
        first[1] = f"book-{lang}.tex"
        first[2] = words(first[2])  # the book's title on the title page and in the running heads
        app.config.latex_documents = [tuple(first), *documents[1:]]


def _edition_on_title_page(app, config) -> None:
    """The title page: "版本 0.3.0 · 中文版" under the title, the as-of date as its date (sphinx_ext sets
    release and today before, at priority 500)."""
    lang = getattr(app, "booklib_language", editions.SOURCE_LANGUAGE)
    if lang != editions.SOURCE_LANGUAGE and EDITION_TITLES[lang] not in (config.release or ""):
        config.release = f"{config.release} · {EDITION_TITLES[lang]}"


def published_pages(srcdir, locale_dirs, sphinx_language: str) -> set[str]:
    """The pages that have a catalog where Sphinx reads them (the edition's prepared locale folder,
    which booklib.build.editions fills with the complete catalogs only)."""
    found = set()
    for folder in locale_dirs or []:
        root = Path(srcdir, folder) / sphinx_language / "LC_MESSAGES"
        if root.is_dir():
            found |= {p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.po")}
    return found


class EditionError(SphinxError):
    category = "Edition error"


def _check_published_catalogs(app) -> None:
    """A published catalog whose translation drops, adds or changes a glue, numref, ref, cite or doc
    role fails the build, naming the page, the message and the role."""
    if getattr(app, "booklib_published", None) is None:
        return
    problems = []
    for folder in app.config.locale_dirs or []:
        root = Path(app.srcdir, folder) / app.config.language / "LC_MESSAGES"
        for path in sorted(root.rglob("*.po")) if root.is_dir() else []:
            problems += editions.catalog_problems(path, path.relative_to(root).with_suffix("").as_posix())
    if problems:
        raise EditionError("page catalogs that cannot be published:\n  " + "\n  ".join(problems))


# Pages every edition publishes as they are: the bibliography (its entries are the sources' own
# metadata, and every citation of a translated page links to it).
ALWAYS_PUBLISHED = {"chapters/appendix/bibliography"}


def published(app, docname: str) -> bool:
    chosen = getattr(app, "booklib_published", None)
    return chosen is None or docname in chosen or docname in ALWAYS_PUBLISHED


# --- never half-translated -------------------------------------------------------------------------

TITLE = re.compile(r"^# (.+)$", re.M)
LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
NAMED = re.compile(r"^:name:\s*([\w-]+)\s*$", re.M)
GLUE_FIGURE_NAME = re.compile(r"^```\{glue:figure\}\s+([\w-]+)", re.M)


def english_href(docname: str, depth_extra: int = 1) -> str:
    """From a page of an edition (one folder below the root) to the same page in English."""
    return "../" * (docname.count("/") + depth_extra) + f"{docname}.html"


def notice_source(docname: str, source: str, lang: str, english_base: str = "") -> str:
    """A page the edition does not publish translated: its English title, a notice in the edition's
    language, a link to the English page (on the web) or its address (in the PDF)."""
    title = TITLE.search(source)
    heading = title.group(1).strip() if title else docname
    labels = LABEL.findall(source)
    head = "\n".join(f"({label})=" for label in labels[:1])
    print_pointer = (words("The English page: {address}", address=f"<{english_base}{docname}.html>") if english_base
                     else words("The English edition of this book has this page, under the same title."))
    return (
        f"{head}\n# {heading}\n\n"
        f":::{{admonition}} {words('Not yet translated')}\n:class: warning {NOTICE_CLASS}\n\n"
        f"{words('This page is not yet available in {language}. Read it in English:', language=editions.NAMES[lang])}\n\n"
        f"```{{raw}} html\n<p><a class=\"book-edition-english\" href=\"{english_href(docname)}\" hreflang=\"en\">"
        f"{words('The English page')}</a></p>\n```\n\n"
        f"```{{only}} latex\n{print_pointer}\n```\n:::\n"
    )


def _notice_for_untranslated_page(app, docname: str, source: list[str]) -> None:
    lang = getattr(app, "booklib_language", editions.SOURCE_LANGUAGE)
    if published(app, docname):
        return
    text = source[0]
    app.env.booklib_english_labels = getattr(app.env, "booklib_english_labels", {})
    for label in {*LABEL.findall(text), *NAMED.findall(text), *GLUE_FIGURE_NAME.findall(text)}:
        app.env.booklib_english_labels[label] = docname
    base = app.config.html_baseurl or ""
    english_base = base[: -len(lang) - 1] if base.endswith(f"/{lang}/") else ""
    source[0] = notice_source(docname, text, lang, english_base)


def _reference_to_english_page(app, env, node, contnode):
    """A reference from a translated page to a label of a page published as a notice: the English page."""
    target = node.get("reftarget", "")
    page = getattr(env, "booklib_english_labels", {}).get(target)
    if not page:
        return None
    from_doc = node.get("refdoc", env.docname)
    href = "../" * (from_doc.count("/") + 1) + f"{page}.html#{target}"
    reference = nodes.reference("", "", internal=False, refuri=href, classes=["book-english-link"])
    text = contnode.astext() if contnode is not None else target
    if node.get("reftype") == "numref" and not node.get("refexplicit"):
        text = words("(English page)")
    reference += nodes.inline(text, text)
    return reference


# --- switcher, alternates --------------------------------------------------------------------------

def edition_href(pagename: str, here: str, there: str) -> str:
    """The address of `pagename` in edition `there`, from the same page in edition `here`."""
    up = "../" * (pagename.count("/") + (0 if here == editions.SOURCE_LANGUAGE else 1))
    folder = "" if there == editions.SOURCE_LANGUAGE else f"{there}/"
    return f"{up}{folder}{pagename}.html"


def switcher_html(pagename: str, here: str) -> str:
    # Lean markup (every page carries it; the <link rel="alternate" hreflang> tags name the languages);
    # book-tables.js adds the page's anchor to the link followed.
    links = []
    for lang in editions.LANGUAGES:
        name = editions.NAMES[lang]
        if lang == here:
            links.append(f'<span aria-current="page">{name}</span>')
        else:
            links.append(f'<a href="{edition_href(pagename, here, lang)}" lang="{editions.HTML_LANG[lang]}">{name}</a>')
    return f'<nav class="book-editions" aria-label="{words("Editions")}">{" · ".join(links)}</nav>\n'


def _switcher_and_alternates(app, pagename, templatename, context, doctree) -> None:
    if doctree is None and pagename not in ("search", "genindex"):
        return
    here = getattr(app, "booklib_language", editions.SOURCE_LANGUAGE)
    base = app.config.html_baseurl or ""
    if here != editions.SOURCE_LANGUAGE and base.endswith(f"/{here}/"):
        base = base[: -len(here) - 1]
    tags = []
    for lang in editions.LANGUAGES:
        if base:
            href = base + ("" if lang == editions.SOURCE_LANGUAGE else f"{lang}/") + f"{pagename}.html"
        else:
            href = edition_href(pagename, here, lang)
        tags.append(f'<link rel="alternate" hreflang="{editions.HTML_LANG[lang]}" href="{href}" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)
    if "body" in context:
        context["body"] = switcher_html(pagename, here) + context["body"]
