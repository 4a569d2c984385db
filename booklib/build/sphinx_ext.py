"""Sphinx extension of the book (listed in _config.yml).

- Serves the Vega, Vega-Lite and vega-embed JavaScript from the book's own
  `_static`, built at build time by vl-convert and wrapped in its own function
  scope (a bare bundle clashes with Sphinx's underscore.js: "Identifier '_' has
  already been declared"). Only pages that hold charts load it, once.
- Drops sphinx-thebe's page assets and live-kernel configuration (live kernels are
  not offered offline).
- Formats the bibliography only when it, a citation or a bibliography directive changed:
  sphinxcontrib-bibtex re-formats every entry on every build, most of a no-op rebuild.
- Empties the theme's 1.5 MB icon script: its stylesheet already draws the icons from
  Font Awesome's web fonts.
- Ends every page with a "How to cite" box (and when the page last changed) and
  shows the edition on the front page, all generated from CITATION.cff (one
  place, not typed per chapter); cite controls, citation files, the anchors
  manifest, revisions and the data release are booklib.build.cite_sphinx.
- Re-executes a page when a data table it reads changes. A page declares its
  tables in its front matter (`booklib: reads: [...]`); `load()` refuses any
  other. myst-nb's cache is keyed on code cells only, so a hidden cell with the
  hash of those tables (and of the book's code) is added to each such page: an
  edited CSV changes the page's code hash, wherever the cache was made.
- Re-reads every page when a bibliography file changed: sphinxcontrib-bibtex
  re-parses it but rewrites no page, so a citation of a new or edited entry
  would stay empty ("[]") or stale.
- Rewrites the front page when a library style or script changed, so that Sphinx copies
  it (a build that writes no page copies no static file).
- Makes long tables wrap in the PDF (booklib.build.latex_tables).
- Loads book-tables.js and .css on every page (tables that fit, sort and filter; in-page contents);
  writes a figure's number ("Fig. 1.5") where a table links it; writes an identifier without the
  inner span Sphinx wraps each word of inline code in, a bibliography label without its bracket
  spans (drawn by the stylesheet) and its long addresses shown shortened (linked whole), and a chart's inline data as columns rather than records (made
  records again by book-charts.js): the same page, lighter (scripts/bench.py weighs it). A page
  that uses no sphinx-design component does not load its stylesheet and script.
- Keeps a number and its unit on one line on every page (booklib.build.typography).
- Writes each chart's spec but a page's first beside the book (`_charts/`), loaded when the chart
  nears the screen, so that a page carries only what its first screen draws.
- Gives each page a description, an Open Graph card and the favicon, writes no empty index and
  loads the search index on the search page only (booklib.build.share).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from sphinx.errors import SphinxError

from booklib.build.edition_sphinx import words
from booklib.build.latex_tables import WrapLongTables
from booklib.build.typography import CjkAddresses, KeepUnits

# altair, vl_convert and pandas are imported where used: a no-op rebuild needs none of them.

STATIC_DIR_NAME = "booklib"
BUNDLE_NAME = "vega-bundle.js"
BUILD_DIR = Path(__file__).resolve().parent
LIBRARY_DIR = BUILD_DIR.parent
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# The code a page's outputs depend on: the library and the chapters' own modules.
CODE_DIRS = (LIBRARY_DIR, LIBRARY_DIR.parent / "bookchapters")


def setup(app):
    _drop_thebe_assets(app)
    _reuse_formatted_bibliography()
    from booklib.build import bibstyle

    bibstyle.register()  # the bibliography labels entries as the text cites them (bibtex_default_style: book)
    app.connect("config-inited", _add_static_dir)
    app.setup_extension("booklib.build.repository")  # the project's name and the repository's links
    app.setup_extension("booklib.build.titled_tables")  # numbered titles for the tables a page draws itself
    app.setup_extension("booklib.build.figure_sources")  # a caption's "and N more, listed ..." in each output
    # The editions (zh, ja): outputs are not messages, glue in translated prose, notices, switcher.
    app.setup_extension("booklib.build.edition_sphinx")
    app.connect("env-get-outdated", _outdated_by_data)
    app.connect("env-get-outdated", _outdated_by_bibliography)
    app.connect("env-get-outdated", _outdated_by_static)
    app.connect("html-page-context", _add_chart_scripts)
    app.connect("html-page-context", _chart_data_as_files)
    app.connect("html-page-context", _lighter_tables_and_references)
    app.connect("html-page-context", _drop_unused_design_assets)
    # After the columns above: a spec moved beside the book keeps its data as columns.
    app.connect("html-page-context", _chart_specs_as_files)
    app.connect("build-finished", _slim_icon_script)
    app.connect("source-read", _declare_page_data)
    app.connect("source-read", _add_citation_box)
    # Before cite_sphinx's generated text (priority 400), right under the page's title.
    app.connect("source-read", _add_date_of_data, priority=300)
    app.connect("config-inited", _edition_on_title_page)
    app.add_css_file(f"{STATIC_DIR_NAME}/book-charts.css")
    app.add_css_file(f"{STATIC_DIR_NAME}/book-explorer.css")
    # Tables that fit, sort and filter; the in-page contents of long pages (every page: shared, cached once).
    app.add_css_file(f"{STATIC_DIR_NAME}/book-tables.css")
    app.add_js_file(f"{STATIC_DIR_NAME}/book-tables.js", loading_method="defer")
    _add_script_words(app)
    app.add_css_file(f"{STATIC_DIR_NAME}/book-print.css")
    # After sphinx-book-theme's header buttons (priority 501), which make the download menu.
    app.connect("html-page-context", _whole_book_in_download_menu, priority=510)
    app.connect("build-finished", _copy_book_pdf)
    app.add_post_transform(WrapLongTables)
    app.add_post_transform(KeepUnits)
    app.add_post_transform(CjkAddresses)
    _setup_citations(app)
    _setup_sharing(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def edition(app) -> dict:
    """Title (naming the edition, in zh and ja), authors, version and its date of the book, from
    CITATION.cff: as the cite controls give them (booklib.build.cite_sphinx)."""
    from booklib.build import cite_sphinx

    info = cite_sphinx.edition(app)
    return {**info, "authors": info["authors_text"]}


def citation_box(docname: str, source: str, info: dict, last_change: str = "", title=lambda heading: heading) -> str:
    """MyST for the box that ends a page: author, title (the page's, through `title` for an edition's
    words), version, date, address with anchor, where to find the other formats, and when the page last changed."""
    heading = re.search(r"^# (.+)$", source, re.M)
    label = re.search(r"^\(([\w-]+)\)=\s*$", source, re.M)
    if not heading:
        return ""
    anchor = f"#{label.group(1)}" if label else ""
    return (
        f"\n\n:::{{admonition}} {words('How to cite this chapter')}\n:class: tip book-cite-box\n\n"
        + words('{authors} ({year}). "{chapter}". In *{title}*, version {version} of {released}.',
                authors=info['authors'], year=info['year'], chapter=title(heading.group(1).strip()), title=info['title'],
                version=info['version'], released=info['released'])
        + f" `{docname}.html{anchor}`\n\n"
        + words("The *Cite* control under each heading, figure and table gives its citation as text, BibTeX, RIS "
                "and CSL-JSON.")
        + f"\n\n{last_change}\n:::\n"
    )


# The words the page scripts write (book-tables.js, book-charts.js, book-cite.js call bookWord(...)),
# each a message of build.po: in another edition, the page carries their translations.
SCRIPT_WORDS = (
    "Show the other columns of this row", "Show the {count} other columns of this row", "Sort by this column",
    "Show the rows of one {facet}", "all", "On this page", "Scenario. ", "The book's scenario is drawn again.",
    "Link to this scenario copied.", "The address now links to this scenario.", "Copy {name}", "{name} copied.",
    "Select the text and copy it.",
    # The in-page contents' titles the pages give (data-title of their book-contents-marker).
    "Events by year", "Entries by letter", "The tables on this page",
)
SCRIPT_WORD = ("window.bookWord=function(t,v){var s=(window.bookWords||{})[t]||t;return v?s.replace(/\\{(\\w+)\\}/g,"
               "function(m,k){return k in v?v[k]:m}):s};")


def _add_script_words(app) -> None:
    """bookWord(text, values) for the page scripts, before them (a small inline script in the head):
    English is the text itself; another edition's page carries the translations."""
    import json
    import os

    translated = {}
    if os.environ.get("BOOK_LANGUAGE", "en") != "en":
        translated = {message: words(message) for message in SCRIPT_WORDS}
    body = SCRIPT_WORD + (f"window.bookWords={json.dumps(translated, ensure_ascii=False)};" if translated else "")
    app.add_js_file(None, body=body, priority=100)


def _add_citation_box(app, docname: str, source: list[str]) -> None:
    from booklib.build import cite_sphinx

    info = edition(app)
    last_change = cite_sphinx.last_change_sentence(app, docname)
    if docname == app.config.root_doc:
        # A leading slash makes the path relative to the source folder.
        pdf = _built_pdf(app)
        download = (" " + words("{sentence}.", sentence=f"{{download}}`{words('Download the whole book as PDF')} "
                                                         f"</{os.path.relpath(pdf, app.srcdir)}>`")
                    if app.builder.format == "html" and pdf.exists() else "")
        source[0] += (
            f"\n\n:::{{admonition}} {words('This edition')}\n:class: note book-edition\n\n"
            + words("Version {version} of {released}. To cite the whole report: {authors} ({year}). *{title}*, "
                     "version {version}. What changed in each edition:", version=info['version'],
                     released=info['released'], authors=info['authors'], year=info['year'], title=info['title'])
            + " " + words("{sentence}.", sentence=f"{{doc}}`{words('Revisions')} </{cite_sphinx.REVISIONS_DOC}>`")
            + f"{download}\n\n{cite_sphinx.front_page_links(app)}\n{last_change}\n:::\n"
        )
    elif not docname.endswith("bibliography"):
        from booklib.build.edition_sphinx import page_title

        source[0] += citation_box(docname, source[0], info, last_change, title=lambda heading: page_title(app, docname, heading))


ASOF_CLASS = "book-asof"


def book_as_of() -> str:
    """The book's as-of date, written out: LATEST_DOCUMENT of bookchapters."""
    from bookchapters import LATEST_DOCUMENT
    from booklib import formats as fmt

    return fmt.day(LATEST_DOCUMENT)


CITE_ROLE = re.compile(r"\{cite:\w+\}`([^`]+)`")
DOCUMENTS_TO_KEY = "booklib-documents-to"


def cited_sources(source: str) -> list[str]:
    """The source_ids the page's text cites ({cite:p}`key,...`), through sources.csv's bib keys."""
    import csv

    from booklib.paths import data_dir

    with open(data_dir() / "sources.csv", encoding="utf-8") as handle:
        by_key = {row["bib_key"]: row["source_id"] for row in csv.DictReader(handle)}
    keys = {key.strip() for group in CITE_ROLE.findall(source) for key in group.split(",")}
    return sorted(by_key[key] for key in keys if key in by_key)


def documents_to_line() -> str:
    """The line under a page's title: the latest document it uses (glued by the cell that
    `documents_to_cell` adds at its end, never typed) and the book's as-of date."""
    before, _, after = words("Documents to {date}, the latest its figures, tables and text cite. "
                              "The book is as of {as_of}.", date="\0", as_of=book_as_of()).partition("\0")
    return f"{before}{{glue:text}}`{DOCUMENTS_TO_KEY}`{after}"


def documents_to_cell(source: str, reads: list[str]) -> str:
    """A hidden last cell that glues the date of the latest document the page used (its figures'
    and tables' sources, recorded as it ran, and those its text cites: booklib.prose.glue_documents_to)."""
    return ("\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
            "from booklib.prose import glue_documents_to\n"
            f"glue_documents_to(cited={cited_sources(source)!r}, tables={reads!r})\n```\n")


def _add_date_of_data(app, docname: str, source: list[str]) -> None:
    """Under each page's title, the date of its data; under the front page's, the edition and the
    book's as-of date (the title page of the PDF gives both too: _edition_on_title_page)."""
    if docname == app.config.root_doc:
        info = edition(app)
        line = words("Version {version} · the book is as of {as_of}.", version=info['version'], as_of=book_as_of())
    else:
        reads = declared_reads(source[0])
        if not reads:
            return
        line = documents_to_line()
        source[0] += documents_to_cell(source[0], reads)
    source[0] = re.sub(r"^(# .+)$", lambda m: f"{m.group(1)}\n\n:::{{container}} {ASOF_CLASS}\n{line}\n:::\n",
                       source[0], count=1, flags=re.M)


def _edition_on_title_page(app, config) -> None:
    """The PDF's title page: the edition as Sphinx's release, and the as-of date as its date."""
    from booklib import citation

    info = citation.edition()  # its version and date, the same in every edition
    config.release = config.version = info["version"]
    config.today = words("Data as of {as_of}", as_of=book_as_of())
    config.latex_elements = {**(config.latex_elements or {}), "releasename": words("Version")}


BOOK_PDF = "book.pdf"


def book_pdf_name() -> str:
    """book.pdf, or book-<lang>.pdf in an edition (booklib.build.editions)."""
    from booklib import formats

    code = formats.language().code
    return BOOK_PDF if code == "en" else f"book-{code}.pdf"


def _built_pdf(app) -> Path:
    return Path(app.outdir).parent / "latex" / book_pdf_name()


def _whole_book_in_download_menu(app, pagename, templatename, context, doctree) -> None:
    """Every page's download menu offers the whole book's PDF first (the theme's ".pdf" only
    prints the page in view, and says so now), then the page's notebook and source."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        for button in buttons:
            if button.get("label") == "download-pdf-button":
                button.update(text=words("Print this page"), tooltip=words("Print this page (or save it as PDF)"), icon="fas fa-print")
            elif button.get("label") == "download-notebook-button":
                button.update(text=words("This page as a notebook (.ipynb)"))
        if _built_pdf(app).exists():
            buttons.insert(0, {"type": "link", "url": context["pathto"](book_pdf_name(), 1), "text": words("The whole book (PDF)"),
                               "tooltip": words("Download the whole book as one PDF"), "icon": "fas fa-file-pdf",
                               "label": "download-book-pdf-button"})


def _copy_book_pdf(app, exception) -> None:
    """The whole book's PDF at a fixed address beside the pages (book.pdf), for the download menus."""
    import shutil

    if exception or app.builder.format != "html" or not _built_pdf(app).exists():
        return
    target = Path(app.outdir) / book_pdf_name()
    if not target.exists() or target.stat().st_mtime_ns < _built_pdf(app).stat().st_mtime_ns:
        shutil.copy2(_built_pdf(app), target)


def _setup_citations(app) -> None:
    """Cite controls, citation files, anchors manifest, revisions, data release: booklib.build.cite_sphinx."""
    from booklib.build import cite_sphinx

    cite_sphinx.setup_citations(app)


def _setup_sharing(app) -> None:
    """Description and Open Graph card of each page, favicon, no empty index: booklib.build.share."""
    from booklib.build import share

    share.setup(app)


def _drop_thebe_assets(app) -> None:
    """Jupyter Book always loads sphinx-thebe, which adds to every page a live-kernel
    configuration naming a Binder repository, an inline config script (added twice per page:
    "Identifier 'THEBE_JS_URL' has already been declared") naming a CDN, and its stylesheet.
    The book has no live kernels: none of it is added, and its static files are not copied."""
    thebe_handlers = {"init_thebe_core", "init_thebe_default_config", "update_thebe_context", "st_static_path"}
    for event in ("env-before-read-docs", "doctree-resolved", "builder-inited"):
        listeners = app.events.listeners.get(event, [])
        listeners[:] = [l for l in listeners if not _is_thebe(l.handler, thebe_handlers)]
    app.registry.css_files[:] = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in name]


def _is_thebe(handler, names: set[str]) -> bool:
    return getattr(handler, "__name__", "") in names and "thebe" in getattr(handler, "__module__", "")


def _reuse_formatted_bibliography() -> None:
    """sphinxcontrib-bibtex formats all 455 entries with pybtex at every build, even when nothing
    changed (its env-updated handler). Its results live in the pickled environment: keep them when
    the inputs are those they were made from (bib files, directives, citations, page order,
    styles), so a no-op rebuild skips the formatting."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    original = BibtexDomain.env_updated
    if getattr(original, "booklib_cached", False):
        return

    def env_updated(self):
        stamp = bibliography_stamp(self)
        if self.data.get("booklib_stamp") == stamp and self.citations:
            return []
        result = original(self)
        self.data["booklib_stamp"] = stamp
        return result

    env_updated.booklib_cached = True
    BibtexDomain.env_updated = env_updated


def bibliography_stamp(domain) -> str:
    """Hash of everything sphinxcontrib-bibtex formats the bibliography from."""
    import ast

    from sphinxcontrib.bibtex.domain import get_docnames

    config = domain.env.config
    parts = [repr(list(get_docnames(domain.env)))]
    parts += [repr((config.bibtex_tooltips, config.bibtex_tooltips_style, config.bibtex_reference_style, config.bibtex_default_style,
                    config.bibtex_cite_id, config.bibtex_bibliography_id))]
    for path, info in sorted(domain.bibdata.bibfiles.items()):
        parts.append(repr((str(path), info.mtime, list(info.keys))))
        parts.append(hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).exists() else "missing")
    for key, value in sorted(domain.bibliographies.items(), key=lambda item: repr(item[0])):
        fields = value._asdict()
        fields["filter_"] = ast.dump(fields["filter_"])
        fields["citation_nodes"] = {k: list(node["ids"]) for k, node in fields["citation_nodes"].items()}
        fields["bibfiles"] = [str(f) for f in fields["bibfiles"]]
        parts.append(repr((tuple(key), sorted(fields.items()))))
    parts.append(repr([tuple(ref) for ref in domain.citation_refs]))
    # The style's own code formats the entries too.
    parts.append(hashlib.sha256(Path(__file__).with_name("bibstyle.py").read_bytes()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def bundle_js() -> str:
    """The offline Vega runtime, inside its own function scope. Charts are compiled from
    Vega-Lite to Vega when the page executes (booklib.charts), so the browser needs neither
    the Vega-Lite compiler nor vega-embed: a third less to download."""
    import vl_convert as vlc

    from booklib.charts import VL_VERSION

    # The snippet's `vega` is vega's (missing) default export; its module namespace is reached by
    # the address vl-convert bundles it under (resolved from vl-convert's own copy, offline).
    snippet = f'import * as vegaModule from "https://cdn.jsdelivr.net/npm/vega@{vlc.get_vega_version()}/+esm"; window.vega = vegaModule;'
    return (
        f"/* Vega {vlc.get_vega_version()}, bundled by vl-convert {vlc.__version__}. */\n"
        "(function () {\n" + vlc.javascript_bundle(snippet=snippet, vl_version=VL_VERSION) + "\n}).call(window);\n"
    )


def _add_static_dir(app, config) -> None:
    """Write our static files under the build folder and add it to html_static_path."""
    root = Path(app.doctreedir).parent / "booklib_static"
    target = root / STATIC_DIR_NAME
    target.mkdir(parents=True, exist_ok=True)
    bundle = target / BUNDLE_NAME
    stamp = target / (BUNDLE_NAME + ".version")
    version = f"vega namespace {_version('vl-convert-python')} {_version('altair')}"
    if not bundle.exists() or not stamp.exists() or stamp.read_text() != version:
        bundle.write_text(bundle_js(), encoding="utf-8")
        stamp.write_text(version)
    changed = False
    for static in (BUILD_DIR / "static").iterdir():
        copy, text = target / static.name, static.read_bytes()
        if not copy.exists() or copy.read_bytes() != text:
            copy.write_bytes(text)
            changed = True
    app.booklib_static_changed = changed
    config.html_static_path = [*config.html_static_path, str(root)]


def _outdated_by_static(app, env, added, changed, removed) -> list[str]:
    """The front page, when a style or script of the library changed: Sphinx copies static files
    only in a build that writes a page, so an edit to them alone would not reach the built book."""
    return [app.config.root_doc] if app.booklib_static_changed and app.config.root_doc in env.found_docs else []


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


CHART_CSV = re.compile(r'<a download="(fig-[\w-]+)\.csv" href="data:text/csv;charset=utf-8,([^"]*)"')
CHART_CSV_DIR = "_downloads/charts"


def _folder_beside_the_book(app, pagename: str, name: str) -> tuple[Path, str]:
    """The folder `name` at the built book's root (made if missing), and its address from `pagename`."""
    folder = Path(app.outdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder, "../" * pagename.count("/") + name


def _chart_data_as_files(app, pagename, templatename, context, doctree) -> None:
    """A chart's "Download the data" link points to a CSV file written beside the book, not to
    the data inlined in the page: the page stays light, and the file is fetched only on click."""
    import urllib.parse

    body = context.get("body", "")
    if "data:text/csv" not in body:
        return
    folder, to_folder = _folder_beside_the_book(app, pagename, CHART_CSV_DIR)

    def to_file(match) -> str:
        name, data = match.group(1), urllib.parse.unquote(match.group(2))
        (folder / f"{name}.csv").write_text(data, encoding="utf-8")
        return f'<a download="{name}.csv" href="{to_folder}/{name}.csv"'

    context["body"] = CHART_CSV.sub(to_file, body)


FIGREF = re.compile(r'(<a class="book-figref" href="[^"]*#([\w-]+)">)[\w-]+</a>')
# Inline code: Sphinx wraps each whitespace-free word in <span class="pre">, which only keeps its
# spaces; a word with no space inside needs no span (code.literal keeps it on one line).
PRE_WORD = re.compile(r'<span class="pre">([^<\s]+)</span>')
BIB_BRACKET = re.compile(r'<span class="fn-bracket">[\[\]]</span>')
# A citation's link to its bibliography entry, with the tooltip sphinxcontrib-bibtex gives it (the
# whole entry). A page that cites hundreds of sources (the data dictionary cites every table's
# sources) writes its links without the tooltip: the link lands on the entry, which says the same.
CITE_TITLE = re.compile(r'(<a class="reference internal" href="[^"]*#cite-[^"]*") title="[^"]*"')
MANY_CITATIONS = 200


CHART_SPEC = re.compile(r'(<script type="application/json" class="book-chart-spec">)(.*?)(</script>)', re.S)
COLUMNS_KEY = "bookColumns"


def columnar_spec(text: str) -> str:
    """A chart's inline data as columns ({"year": [2000, ...], ...}) instead of records that repeat
    every key; book-charts.js makes the records again before drawing. Data of records with differing
    keys are left as they are."""
    spec = json.loads(text)
    changed = False
    for data in spec.get("data", []):
        values = data.get("values")
        if not isinstance(values, list) or len(values) < 2 or not all(isinstance(v, dict) for v in values):
            continue
        keys = list(values[0])
        if any(list(v) != keys for v in values):
            continue
        data[COLUMNS_KEY] = {k: [v[k] for v in values] for k in keys}
        del data["values"]
        changed = True
    if not changed:
        return text
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


BARE_URL = re.compile(r'<a href="(https?://[^"]+)">\1</a>')
SHORT_URL = 50


def short_url(url: str) -> str:
    """An address as a bibliography entry shows it: without https:// and www., and at most SHORT_URL
    characters, an ellipsis in its middle keeping its site and its end, where addresses of one site
    differ (the link still goes to the whole address)."""
    shown = re.sub(r"^https?://(www\.)?", "", url)
    if len(shown) <= SHORT_URL:
        return shown
    tail = (SHORT_URL - 1) * 2 // 5
    return shown[: SHORT_URL - 1 - tail] + "\u2026" + shown[-tail:]


def figure_numbers(env) -> dict[str, str]:
    """Every numbered figure's label -> its number as the page shows it ("1.5")."""
    return {label: ".".join(map(str, number))
            for numbers in env.toc_fignumbers.values() for label, number in numbers.get("figure", {}).items()}


def _lighter_tables_and_references(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if not body:
        return
    if "book-figref" in body:
        numbers = figure_numbers(app.env)

        english = getattr(app.env, "booklib_english_labels", {})

        def number(match) -> str:
            label = match.group(2)
            if label not in numbers and label in english:
                # A figure of a page this edition publishes as a notice: its English page (edition_sphinx).
                href = "../" * (pagename.count("/") + 1) + f"{english[label]}.html#{label}"
                return f'<a class="book-figref" href="{href}" hreflang="en">{words("(English page)")}</a>'
            if label not in numbers:
                raise ValueError(f"{pagename}: a table links figure {label!r}, which has no number")
            # "Fig. 1.5" in English, the edition's word in another (Sphinx's numfig_format for its language).
            word = (app.config.numfig_format or {}).get("figure", "Fig. %s").replace(" %s", "\u00a0%s")
            return f"{match.group(1)}{word.replace('%s', numbers[label])}</a>"

        body = FIGREF.sub(number, body)
    body = PRE_WORD.sub(r"\1", body)
    if body.count('#cite-') > MANY_CITATIONS:
        body = CITE_TITLE.sub(r"\1", body)
    if 'class="book-chart-spec"' in body:
        body = CHART_SPEC.sub(lambda m: m.group(1) + columnar_spec(m.group(2)) + m.group(3), body)
    if 'class="fn-bracket"' in body:
        body = BIB_BRACKET.sub("", body)
        # The bibliography's addresses: the class only marks external links in the navigation; a
        # long address is shown shortened (the link keeps it whole, and the PDF prints it whole).
        body = body.replace('<a class="reference external" href="http', '<a href="http')
        body = BARE_URL.sub(lambda m: f'<a href="{m.group(1)}">{short_url(m.group(1))}</a>', body)
        # An entry of the bibliography's role="list" is a list item (DPUB-ARIA 1.1 deprecates
        # doc-biblioentry); 4 KB less on a page at its weight limit.
        body = body.replace(' role="doc-biblioentry">', ' role="listitem">')
    context["body"] = body


DESIGN_ASSETS = ("sphinx-design.min.css", "design-tabs.js")


def _drop_unused_design_assets(app, pagename, templatename, context, doctree) -> None:
    """Jupyter Book always loads sphinx-design's stylesheet and tab script (62 KB on a first visit);
    a page that uses none of its components (classes sd-...) does without them."""
    if re.search(r'class="[^"]*\bsd-', context.get("body", "")):
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [f for f in context[key] if not str(getattr(f, "filename", f)).endswith(DESIGN_ASSETS)]


CHART_SPEC_BLOCK = re.compile(r'(<div class="book-chart" id="chart-(fig-[\w-]+)".*?)<script type="application/json" class="book-chart-spec">(.*?)</script>', re.S)
CHART_SPEC_DIR = "_charts"


def _chart_specs_as_files(app, pagename, templatename, context, doctree) -> None:
    """A chart's spec (its data included) is a script file beside the book, loaded when the chart
    nears the screen (book-charts.js), except the page's first chart, which the page carries: a
    reader downloads the specs of the charts they scroll to, and the first screen waits for none.
    A script, not JSON fetched: a book opened from the disk (file://) may not fetch files."""
    body = context.get("body", "")
    if 'class="book-chart-spec"' not in body:
        return
    folder, to_folder = _folder_beside_the_book(app, pagename, CHART_SPEC_DIR)
    first = True

    def to_file(match) -> str:
        nonlocal first
        if first:
            first = False
            return match.group(0)
        name, spec = match.group(2), match.group(3)
        text = f"(window.bookChartSpecs = window.bookChartSpecs || {{}})[{json.dumps(name)}] = {spec};\n"
        target = folder / f"{name}.js"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        version = hashlib.sha256(text.encode()).hexdigest()[:8]
        return (f'{match.group(1)}<script type="application/json" class="book-chart-spec" '
                f'data-src="{to_folder}/{name}.js?v={version}"></script>')

    context["body"] = CHART_SPEC_BLOCK.sub(to_file, body)


def _add_chart_scripts(app, pagename, templatename, context, doctree) -> None:
    """The chart runtime, on pages with charts, so that the charts of the first screen draw first:
    the Vega bundle `async` (it runs while the page is still being read, when the browser waits for
    the network anyway), book-charts.js deferred before the other deferred scripts (priority 450 <
    the default 500); it waits for the bundle if it has not run yet."""
    if 'class="book-chart"' in context.get("body", ""):
        app.add_js_file(f"{STATIC_DIR_NAME}/{BUNDLE_NAME}", loading_method="async", priority=450)
        app.add_js_file(f"{STATIC_DIR_NAME}/book-charts.js", loading_method="defer", priority=450)


ICON_SCRIPT = Path("_static") / "scripts" / "fontawesome.js"
ICON_STUB = (
    "/* Emptied by booklib.build.sphinx_ext: the theme's stylesheet already draws the Font Awesome icons\n"
    "   from its web fonts; this 1.5 MB script only drew them again as inline SVG. */\n"
)


def _slim_icon_script(app, exception) -> None:
    """Empty the theme's icon script in the built site: pydata-sphinx-theme.css carries Font
    Awesome's classes and web fonts, which draw every icon; the script (every icon of Font
    Awesome as JavaScript, 1.5 MB on each first visit) is redundant."""
    if exception or app.builder.format != "html":
        return
    target = Path(app.outdir) / ICON_SCRIPT
    if target.exists() and target.read_text(encoding="utf-8") != ICON_STUB:
        target.write_text(ICON_STUB, encoding="utf-8")


class BookDataError(SphinxError):
    """A page's declared tables or the data package cannot be read: Sphinx reports it as an error
    of the book's data, naming the page, not as a crash of its own to report as a Sphinx bug."""

    category = "Data error"


def _data_error(docname: str, error: Exception) -> BookDataError:
    return BookDataError(f"{docname}: {error} (front matter `booklib: reads:`, data/datapackage.json)")


def declared_reads(source: str) -> list[str] | None:
    """The tables a page declares in its front matter (`booklib: reads: [...]`, or `all`);
    None when it declares nothing."""
    import yaml

    match = FRONT_MATTER.match(source)
    if not match:
        return None
    reads = ((yaml.safe_load(match.group(1)) or {}).get("booklib") or {}).get("reads")
    if reads is None:
        return None
    if reads == "all":
        return ["*"]
    if not isinstance(reads, list) or not all(isinstance(t, str) for t in reads):
        raise ValueError(f"booklib: reads: must be a list of table names or 'all', not {reads!r}")
    return sorted(reads)


def data_fingerprint(reads: list[str], data_dir: Path) -> str:
    """Hash of what a page's outputs depend on besides its code cells: the tables it
    reads, the schema, the sources, and the book's code (library and chapter modules)."""
    resources = {r["name"]: r["path"] for r in json.loads((data_dir / "datapackage.json").read_text())["resources"]}
    unknown = sorted(set(reads) - set(resources) - {"*"})
    if unknown:
        raise ValueError(f"booklib: reads: names tables that datapackage.json does not have: {unknown}")
    tables = sorted(resources) if reads == ["*"] else [*reads, "sources"]
    paths = [data_dir / "datapackage.json", *(data_dir / resources[t] for t in tables)]
    paths += sorted(p for folder in CODE_DIRS for p in folder.rglob("*.py"))
    language = os.environ.get("BOOK_LANGUAGE", "en")
    if language != "en":
        # In an edition, the words the page's code writes (charts, tables, data text) come from its
        # catalogs: an edited catalog re-executes the page, as an edited table does.
        from booklib.paths import REPO_ROOT

        catalogs = REPO_ROOT / "locales" / language / "LC_MESSAGES"
        paths += [catalogs / "booklib.po", *sorted((catalogs / "data").glob("*.po"))]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _page_reads(env, docname: str) -> list[str] | None:
    path = Path(env.doc2path(docname))
    if path.suffix not in (".md", ".ipynb"):
        return None
    return declared_reads(path.read_text(encoding="utf-8"))


def _outdated_by_data(app, env, added, changed, removed) -> list[str]:
    """Pages whose declared tables (or the book's code) changed since the last build."""
    from booklib.paths import data_dir

    current = {}
    for docname in sorted(env.found_docs):
        try:
            reads = _page_reads(env, docname)
            if reads is not None:
                current[docname] = data_fingerprint(reads, data_dir())
        except (ValueError, OSError, KeyError, yaml_error()) as error:
            raise _data_error(docname, error) from None
    # Kept in the pickled environment, keyed by docname: a moved checkout starts afresh.
    previous, env.booklib_data_fingerprints = getattr(env, "booklib_data_fingerprints", {}), current
    return [d for d, print_ in current.items() if previous.get(d) != print_ and d not in changed and d not in added]


def _declare_page_data(app, docname: str, source: list[str]) -> None:
    """Tell the page's kernel which tables it may load, and key its cached execution on
    their contents: a hidden cell holding the data fingerprint is part of the code that
    the execution cache hashes, so changed data can never replay old outputs, wherever
    the cache was made. The fingerprint is the one `_outdated_by_data` computed for this build."""
    try:
        reads = declared_reads(source[0])
    except (ValueError, yaml_error()) as error:
        raise _data_error(docname, error) from None
    # The kernel is started after this event, in this process, and inherits these.
    os.environ["BOOKLIB_PAGE"] = docname
    os.environ["BOOKLIB_PAGE_READS"] = ",".join(reads or [])
    if reads is not None:
        source[0] += (
            "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
            f"# booklib data fingerprint: {app.env.booklib_data_fingerprints[docname]}\n"
            # The edition's language: its outputs are cached apart from English's wherever the cache is.
            + (f"# booklib edition language: {os.environ['BOOK_LANGUAGE']}\n" if os.environ.get("BOOK_LANGUAGE", "en") != "en" else "")
            + "```\n"
        )


def _outdated_by_bibliography(app, env, added, changed, removed) -> list[str]:
    """Every page, when a bibliography file changed since the last build (their execution cache is kept)."""
    files = [Path(app.srcdir) / name for name in getattr(app.config, "bibtex_bibfiles", [])]
    stamp = hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()
    # The stamp lives in the pickled environment, so it is reset whenever the environment is.
    previous, env.booklib_bibliography_stamp = getattr(env, "booklib_bibliography_stamp", None), stamp
    if previous in (None, stamp):
        return []
    return sorted(d for d in env.found_docs if d not in added and d not in changed)
