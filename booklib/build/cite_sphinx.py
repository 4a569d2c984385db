"""The Sphinx side of `booklib.citation` (connected by booklib.build.sphinx_ext.setup).

- A cite control (text, BibTeX, RIS, CSL-JSON, each copied with one click by
  book-cite.js) after every section heading, in every figure, after every table,
  and in every row of a table that names its rows (FilterableTable's
  `anchor_column`, e.g. the claims ledger). A row's control is made in the
  browser from one template per page and the row's number, title and anchor
  (103 controls written out would triple the claims page). Tables without a name
  get an id from their section (`tbl-<section>[-n]`). The controls are put into
  the page's HTML after the search index is fed, so citations are not indexed as words.
- The book's address is `html_baseurl` (`html: baseurl:` in _config.yml): when set,
  citations, canonical links and sitemap.xml use it; until then citations give the
  page path and say the address is not yet published.
- Whole-book citation files (cite/book.bib, .ris, .json), CITATION.cff and the data
  release zip are written into the HTML output.
- The anchors manifest (anchors.yml) is checked when the book is read: an anchor
  that disappeared fails the build unless `moved:` maps it to one that exists, and
  the old address is then kept (an alias id, a redirect by hash, or a stub page).
- The Revisions page gets its editions and computed changes, the Reproducibility
  page its execution table, the data dictionary its release link.
"""

from __future__ import annotations

import html as html_lib
import json
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import SphinxError
from sphinx.util.nodes import traverse_parent

from booklib import citation
from booklib.build import anchors, history, release
from booklib.build.titled_tables import titled_table

SLOT = '<span class="book-cite-slot" data-cite="{}"></span>'
SLOT_RE = re.compile(r'<span class="book-cite-slot" data-cite="([^"]*)"></span>')
ROW_RE = re.compile(r'<tr id="([^"]+)" data-cite-number="([^"]*)" data-cite-title="([^"]*)">')
CELL_RE = re.compile(r'<td class="book-cite-cell" data-cite-row="([^"]+)"></td>')
ROW_TEMPLATE_ID = "book-cite-row-template"  # book-cite.js finds the rows' template by this id
REVISIONS_DOC = "chapters/appendix/revisions"
DATA_DICTIONARY_DOC = "chapters/appendix/data_dictionary"
WATCHED = ("CITATION.cff", "editions.yml", "anchors.yml")


class CitationBuildError(SphinxError):
    category = "Citation error"


class exec_table_placeholder(nodes.General, nodes.Element):
    """Replaced by the execution table when references are resolved."""


class ExecTableDirective(Directive):
    """`booklib-exec-table`: the execution status of every page, without run times (which
    differ between builds, so myst-nb's nb-exec-table would break reproducible HTML)."""

    def run(self):
        return [exec_table_placeholder()]


def setup_citations(app) -> None:
    app.add_directive("booklib-exec-table", ExecTableDirective)
    app.add_node(exec_table_placeholder)
    app.connect("builder-inited", _check_editions)
    app.connect("env-get-outdated", _outdated_by_citation_files)
    # Before the citation box of booklib.build.sphinx_ext (priority 500), so the box stays last.
    app.connect("source-read", _add_generated_text, priority=400)
    app.connect("doctree-read", _collect_citables)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check_anchors)
    app.connect("doctree-resolved", _place_controls)
    app.connect("html-page-context", _fill_controls)
    app.connect("build-finished", _write_files)
    app.add_css_file("booklib/book-cite.css")
    app.add_js_file("booklib/book-cite.js", loading_method="defer")


def _root(app) -> Path:
    return Path(app.srcdir)


def edition(app) -> dict:
    if not hasattr(app, "booklib_edition"):
        app.booklib_edition = citation.edition(_root(app))
        # A citation from the Chinese or Japanese edition names it (its addresses are under zh/, ja/:
        # html_baseurl, booklib.build.edition_sphinx).
        label = EDITION_LABELS.get(getattr(app, "booklib_language", "en"))
        if label:
            app.booklib_edition["title"] = f"{app.booklib_edition['title']} ({label})"
    return app.booklib_edition


def _plain_edition(app) -> dict:
    """The edition as CITATION.cff has it (the data release is one for all three editions)."""
    return citation.edition(_root(app))


EDITION_LABELS = {"zh": "Chinese edition, 中文版", "ja": "Japanese edition, 日本語版"}


def _check_editions(app) -> None:
    try:
        history.read_editions(_root(app))
    except citation.CitationError as error:
        raise CitationBuildError(str(error)) from None


def _stamp(app) -> str:
    """What every page shows: the citation files (the edition and its date; never the build day)."""
    import hashlib

    root = _root(app)
    digest = hashlib.sha256()
    for name in WATCHED:
        path = root / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def _revisions_markdown(app) -> str:
    try:
        return history.revisions_markdown(_root(app))
    except citation.CitationError as error:
        raise CitationBuildError(str(error)) from None


def _outdated_by_citation_files(app, env, added, changed, removed) -> list[str]:
    """Every page when the citation files changed (each page shows its version and its date); a page whose last change (from git) changed; Revisions when its computed
    changes did. Their execution cache is kept. What pages show from git is asked here, once per
    build, and kept in the environment for the pages as they are read."""
    paths = {d: Path(env.doc2path(d)) for d in env.found_docs}
    from booklib.paths import data_dir

    # What made each page: its source, its declared tables and its chapter module (history.page_inputs).
    inputs = {path: history.page_inputs(path, _root(app), data_dir()) for path in paths.values()}
    sentences = history.last_changes(list(paths.values()), _root(app), inputs)
    env.booklib_last_changes = {d: sentences[path] for d, path in paths.items()}
    env.booklib_revisions_text = _revisions_markdown(app) if REVISIONS_DOC in paths else ""
    pages = {d: s + (env.booklib_revisions_text if d == REVISIONS_DOC else "") for d, s in env.booklib_last_changes.items()}
    stamp = _stamp(app)
    previous = getattr(env, "booklib_citation_stamp", None)
    previous_pages = getattr(env, "booklib_page_stamps", {})
    env.booklib_citation_stamp, env.booklib_page_stamps = stamp, pages
    # previous None: an environment made before this extension (or a fresh one: then all are added).
    if previous != stamp:
        return sorted(d for d in env.found_docs if d not in added and d not in changed)
    return sorted(d for d, s in pages.items() if previous_pages.get(d) != s and d not in added and d not in changed)


# --- text added to pages when they are read --------------------------------------------------

def _add_generated_text(app, docname: str, source: list[str]) -> None:
    if docname == REVISIONS_DOC:
        source[0] += "\n\n" + app.env.booklib_revisions_text + "\n"
    if docname == DATA_DICTIONARY_DOC:
        from booklib.build.edition_sphinx import words

        here = posixpath.dirname(docname)
        release_link = _link(posixpath.relpath(f"data/{release.release_name(_plain_edition(app))}", here),
                             words("the data release, version {version} (.zip)", version=edition(app)["version"]), download=True)
        check_link = _link(f"{posixpath.relpath(CHECKSUMS_PAGE, here)}#{CHECKSUMS_ANCHOR}", words("how to check its checksums"))
        text = words("All tables, {package}, {sources} and a manifest of checksums in one file: {release}; {check}.",
                     package="<code>datapackage.json</code>", sources="<code>sources.csv</code>", release=release_link,
                     check=check_link)
        source[0] += f"\n\n```{{raw}} html\n<p class=\"book-release-link\">{text}</p>\n```\n"


# Where a reader learns to check the data release's checksums.
CHECKSUMS_PAGE, CHECKSUMS_ANCHOR = "chapters/appendix/reproducibility.html", "reproducibility-checksums"


def _link(href: str, text: str, download: bool = False) -> str:
    """An HTML link whose text (the edition's words) is escaped."""
    return f'<a href="{html_lib.escape(href)}"{" download" if download else ""}>{html_lib.escape(text, quote=False)}</a>'


def last_change_sentence(app, docname: str) -> str:
    """When the page last changed, as git said when this build began (_outdated_by_citation_files)."""
    return app.env.booklib_last_changes[docname]


def front_page_links(app) -> str:
    """Raw HTML: the whole book's citation files, CITATION.cff and the data release, in the edition's words."""
    from booklib.build.edition_sphinx import words

    files = " · ".join([_link("cite/book.bib", "BibTeX (.bib)", download=True), _link("cite/book.ris", "RIS (.ris)", download=True),
                        _link("cite/book.json", "CSL-JSON (.json)", download=True), _link("CITATION.cff", "CITATION.cff")])
    data = _link(f"data/{release.release_name(_plain_edition(app))}", words(
        "the data release, version {version} (.zip: every table, the sources, a manifest with SHA-256 checksums)",
        version=edition(app)["version"]), download=True)
    text = words("Cite the whole book: {files}. Data: {release}; {check}.", files=files, release=data,
                 check=_link(f"{CHECKSUMS_PAGE}#{CHECKSUMS_ANCHOR}", words("how to check it")))
    return f"```{{raw}} html\n<p class=\"book-downloads\">{text}</p>\n```\n"


# --- what a page holds that a reader may cite ------------------------------------------------

def _explicit_ids(doctree) -> set[str]:
    return {doctree.nameids[name] for name, explicit in doctree.nametypes.items()
            if explicit and doctree.nameids.get(name)}


def _section_anchor(section, explicit: set[str]) -> str:
    return next((i for i in section["ids"] if i in explicit), section["ids"][0])


CHART_SPEC = re.compile(r'<script type="application/json" class="book-chart-spec">(.*?)</script>', re.S)


def chart_title(node) -> str:
    """A book figure's own short title (book_figure's `title=`), from the chart spec its HTML ships;
    '' for a figure without one."""
    for raw in node.findall(nodes.raw):
        match = CHART_SPEC.search(raw.astext())
        if not match:
            continue
        title = json.loads(match.group(1).replace("<\\/", "</")).get("title")
        text = title.get("text", "") if isinstance(title, dict) else title
        return " ".join(text) if isinstance(text, list) else str(text or "")
    return ""


def _first_sentence(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def _collect_citables(app, doctree) -> None:
    """Record the page's citable things (kind, anchor, title, all their ids); give each
    unnamed table an id from its section."""
    env = app.env
    docname = env.docname
    explicit = _explicit_ids(doctree)
    found, per_section, rubric = [], {}, None
    for node in doctree.findall(lambda n: isinstance(n, (nodes.section, nodes.figure, nodes.table, titled_table, nodes.raw, nodes.rubric))):
        if isinstance(node, titled_table):
            # A table the page draws itself (the claims ledger), numbered by booklib.build.titled_tables.
            found.append({"kind": "table", "anchor": node["ids"][0], "first_id": node["ids"][0], "ids": list(node["ids"]),
                          "title": node["title"]})
        elif isinstance(node, nodes.rubric):
            # A heading inside an output (e.g. the data dictionary's '### `claims.csv`: ...') names the table under it.
            rubric = " ".join(node.astext().split())
        elif isinstance(node, nodes.section) and node["ids"]:
            title = node[0].astext() if node.children and isinstance(node[0], nodes.title) else ""
            depth = sum(1 for _ in traverse_parent(node.parent, nodes.section))
            found.append({"kind": "section" if depth else "top", "anchor": _section_anchor(node, explicit),
                          "first_id": node["ids"][0], "ids": list(node["ids"]), "title": title})
        elif isinstance(node, nodes.figure) and node["ids"]:
            caption = next(iter(node.findall(nodes.caption)), None)
            # The chart's short title, whole; a figure without one: its caption's first sentence.
            title = chart_title(node) or _first_sentence(caption.astext() if caption else "")
            found.append({"kind": "figure", "anchor": node["ids"][0], "first_id": node["ids"][0],
                          "ids": list(node["ids"]), "title": title})
        elif isinstance(node, nodes.table):
            section = next(traverse_parent(node.parent, nodes.section), None)
            sec_anchor = _section_anchor(section, explicit) if section is not None and section["ids"] else docname.rsplit("/", 1)[-1]
            per_section[sec_anchor] = per_section.get(sec_anchor, 0) + 1
            title_node = next((c for c in node.children if isinstance(c, nodes.title)), None)
            title = _first_sentence(title_node.astext()) if title_node else (rubric or "")
            # A titled table without a name gets Sphinx's automatic id (id3), unstable: named here instead.
            if not node["ids"] or all(re.fullmatch(r"id\d+", i) for i in node["ids"]):
                n = per_section[sec_anchor]
                name = nodes.make_id(f"tbl-{rubric.split(':')[0][:40]}") if rubric else nodes.make_id(f"tbl-{sec_anchor}" + (f"-{n}" if n > 1 else ""))
                node["ids"] = [name if name not in {i for c in found for i in c["ids"]} else f"{name}-{n}"]
            rubric = None
            found.append({"kind": "table", "anchor": node["ids"][0], "first_id": node["ids"][0], "ids": list(node["ids"]),
                          "title": title,
                          "section": section["ids"][0] if section is not None and section["ids"] else "",
                          "ordinal": per_section[sec_anchor]})
        elif isinstance(node, nodes.raw) and "html" in node.get("format", ""):
            for row_id, number, title in ROW_RE.findall(node.astext()):
                found.append({"kind": "claim", "anchor": row_id, "first_id": row_id, "ids": [row_id],
                              "title": html_lib.unescape(title), "number": html_lib.unescape(number)})
    if not hasattr(env, "booklib_citables"):
        env.booklib_citables = {}
    env.booklib_citables[docname] = found


def _purge(app, env, docname) -> None:
    getattr(env, "booklib_citables", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    if not hasattr(env, "booklib_citables"):
        env.booklib_citables = {}
    for docname in docnames:
        if docname in getattr(other, "booklib_citables", {}):
            env.booklib_citables[docname] = other.booklib_citables[docname]


def current_anchors(env) -> dict[str, list[str]]:
    """page -> the primary anchor of each citable thing, in page order."""
    return {d: [c["anchor"] for c in found] for d, found in sorted(getattr(env, "booklib_citables", {}).items())}


def _check_anchors(app, env) -> None:
    ids = {d: {i for c in found for i in c["ids"]} for d, found in getattr(env, "booklib_citables", {}).items()}
    for docname in env.found_docs:
        ids.setdefault(docname, set())
    try:
        manifest = anchors.read_manifest(_root(app))
        # An edition checks the anchors of the pages it publishes translated (the same as English's);
        # a page published as a notice (booklib.build.edition_sphinx) links to the English page.
        from booklib.build.edition_sphinx import published

        manifest["anchors"] = {page: found for page, found in manifest["anchors"].items() if published(app, page)}
        manifest["moved"] = {old: new for old, new in manifest["moved"].items()
                             if published(app, anchors.split_address(old)[0])}
        env.booklib_moves = anchors.check_manifest(manifest, ids)
    except citation.CitationError as error:
        raise CitationBuildError(str(error)) from None
    out = Path(app.doctreedir) / "booklib-anchors.json"
    out.write_text(json.dumps(current_anchors(env), indent=1), encoding="utf-8")


# --- the controls ----------------------------------------------------------------------------

def page_citables(app, docname: str) -> dict[str, citation.Citable]:
    """anchor -> Citable for a page, with section, figure and table numbers."""
    env = app.env
    secnumbers = env.toc_secnumbers.get(docname, {})
    fignumbers = env.toc_fignumbers.get(docname, {})
    numbered = bool(secnumbers)
    out, section_labels = {}, {}
    for c in getattr(env, "booklib_citables", {}).get(docname, []):
        kind, anchor = c["kind"], c["anchor"]
        if kind == "top":
            number = ".".join(map(str, secnumbers.get("", ())))
            if docname == app.config.root_doc:
                item = citation.Citable("book", edition(app)["title"], page=docname, anchor="")
            else:
                item = citation.Citable("chapter" if numbered else "page", c["title"], number, docname, anchor)
            section_labels[c["first_id"]] = (number, c["title"])
        elif kind == "section":
            number = ".".join(map(str, secnumbers.get(f"#{c['first_id']}", ())))
            item = citation.Citable("section", c["title"], number, docname, anchor)
            section_labels[c["first_id"]] = (number, c["title"])
        elif kind == "figure":
            number = ".".join(map(str, fignumbers.get("figure", {}).get(anchor, ())))
            item = citation.Citable("figure", c["title"] or anchor, number, docname, anchor)
        elif kind == "table":
            number = ".".join(map(str, fignumbers.get("table", {}).get(anchor, ())))
            title = c["title"]
            if not title:
                sec_number, sec_title = section_labels.get(c.get("section"), ("", ""))
                where = f"section {sec_number}, {sec_title}" if sec_number else (sec_title or docname)
                title = f"Table {c['ordinal']} of {where}"
            item = citation.Citable("table", title, number, docname, anchor)
        else:
            title = c["title"].rstrip(". ") if len(c["title"]) <= 120 else c["title"][:120].rsplit(" ", 1)[0] + "…"
            item = citation.Citable("claim", title, c.get("number", ""), docname, anchor)
        out[anchor] = item
    return out


def _place_controls(app, doctree, docname: str) -> None:
    """Slots for the cite controls (HTML), aliases for moved anchors, the execution table."""
    for placeholder in list(doctree.findall(exec_table_placeholder)):
        placeholder.replace_self(exec_table(app))
    if app.builder.format != "html":
        return
    explicit_anchor = {c["first_id"]: c["anchor"] for c in getattr(app.env, "booklib_citables", {}).get(docname, [])}
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.section, nodes.figure, nodes.table, titled_table)))):
        if not node["ids"] or node["ids"][0] not in explicit_anchor:
            continue
        slot = nodes.raw("", SLOT.format(html_lib.escape(explicit_anchor[node["ids"][0]])), format="html")
        if isinstance(node, nodes.section):
            node.insert(1 if node.children and isinstance(node[0], nodes.title) else 0, slot)
        elif isinstance(node, nodes.figure):
            node.append(slot)
        else:
            node.parent.insert(node.parent.index(node) + 1, slot)
    for old_page, old_anchor, new_page, new_anchor in getattr(app.env, "booklib_moves", []):
        if old_page != docname or not old_anchor:
            continue
        if new_page == docname:
            target = next(iter(doctree.findall(lambda n: isinstance(n, nodes.Element) and new_anchor in n.get("ids", []))), None)
            if target is not None and old_anchor not in target["ids"]:
                target.insert(0, nodes.raw("", f'<span id="{html_lib.escape(old_anchor)}"></span>', format="html"))
        else:
            href = posixpath.relpath(f"{new_page}.html", posixpath.dirname(docname) or ".") + (f"#{new_anchor}" if new_anchor else "")
            doctree.append(nodes.raw("", f'<span id="{html_lib.escape(old_anchor)}" data-book-moved="{html_lib.escape(href)}"></span>', format="html"))
    app.booklib_page_citables = getattr(app, "booklib_page_citables", {})
    app.booklib_page_citables[docname] = page_citables(app, docname)


def _fill_controls(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    citables = getattr(app, "booklib_page_citables", {}).get(pagename)
    if not body or not citables:
        return
    ed, baseurl = edition(app), app.config.html_baseurl or ""

    def control(anchor: str) -> str:
        item = citables.get(html_lib.unescape(anchor))
        return in_edition_words(citation.control_html(ed, item, baseurl)) if item else ""

    def row(match) -> str:
        """The row as book-cite.js reads it: its number and the title its citation uses."""
        item = citables[html_lib.unescape(match.group(1))]
        try:
            citation.check_row(item)
        except citation.CitationError as error:
            raise CitationBuildError(str(error)) from None
        return (f'<tr id="{match.group(1)}" data-cite-number="{html_lib.escape(item.number)}" '
                f'data-cite-title="{html_lib.escape(item.title)}">')

    body = SLOT_RE.sub(lambda m: control(m.group(1)), body)
    if CELL_RE.search(body):
        # Rows cited one by one (the claims ledger) share one template; book-cite.js makes each row's control.
        body = ROW_RE.sub(row, body) + (f'<template id="{ROW_TEMPLATE_ID}">'
                                         f'{in_edition_words(citation.row_control_template(ed, pagename, baseurl))}</template>')
    context["body"] = body


CONTROL_SUMMARY = re.compile(r">(Cite (?:the book|this page|this chapter|this section|this figure|this table|this claim))</summary>")


def in_edition_words(control: str) -> str:
    """A cite control's label ("Cite this figure") in the edition's language (build.po); the citation
    itself keeps the forms reference managers read."""
    from booklib.build.edition_sphinx import words

    return CONTROL_SUMMARY.sub(lambda m: f">{words(m.group(1))}</summary>", control)


# --- the execution table ---------------------------------------------------------------------

def exec_table(app) -> nodes.Node:
    from myst_nb.sphinx_ import NbMetadataCollector

    rows = []
    for docname in sorted(app.env.found_docs):
        data = NbMetadataCollector.get_exec_data(app.env, docname) if hasattr(NbMetadataCollector, "get_exec_data") else None
        if not data:
            continue
        status = "ran without error" if data.get("succeeded") else "FAILED"
        rows.append((docname, str(data.get("method", "")), status))
    if not rows:
        return nodes.paragraph(text="No page of this build executed code.")
    table = nodes.table(classes=["booklib-exec-table"])
    group = nodes.tgroup(cols=3)
    table += group
    for _ in range(3):
        group += nodes.colspec(colwidth=1)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body

    def row(cells):
        r = nodes.row()
        for cell in cells:
            r += nodes.entry("", nodes.paragraph(text=cell))
        return r

    head += row(["Page (source file)", "Execution mode", "Result"])
    for cells in rows:
        body += row(cells)
    return table


# --- files written with the HTML -------------------------------------------------------------

def _write_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out, root = Path(app.outdir), _root(app)
    ed, baseurl = edition(app), app.config.html_baseurl or ""
    book = citation.Citable("book", ed["title"], page=app.config.root_doc)
    (out / "cite").mkdir(exist_ok=True)
    (out / "cite" / "book.bib").write_text(citation.as_bibtex(ed, book, baseurl), encoding="utf-8")
    (out / "cite" / "book.ris").write_text(citation.as_ris(ed, book, baseurl), encoding="utf-8")
    (out / "cite" / "book.json").write_text(citation.as_csl_json(ed, [book], baseurl), encoding="utf-8")
    shutil.copyfile(root / "CITATION.cff", out / "CITATION.cff")
    from booklib.paths import data_dir

    try:
        release.build_release(data_dir(), out / "data" / release.release_name(_plain_edition(app)), _plain_edition(app), history.head_commit(root))
    except citation.CitationError as error:
        raise CitationBuildError(str(error)) from None
    for old_page, old_anchor, new_page, new_anchor in getattr(app.env, "booklib_moves", []):
        if old_page not in app.env.found_docs:
            _write_stub(out, old_page, old_anchor, new_page, new_anchor)
    sitemap = out / "sitemap.xml"
    if baseurl:
        sitemap.write_text(sitemap_xml(app, baseurl), encoding="utf-8")
    elif sitemap.exists():
        sitemap.unlink()


def _write_stub(out: Path, old_page: str, old_anchor: str, new_page: str, new_anchor: str) -> None:
    """A page that no longer exists sends its cited anchors to their new address."""
    stub = out / f"{old_page}.html"
    moves = json.loads(stub.read_text(encoding="utf-8").split("<!--moves:", 1)[1].split("-->", 1)[0]) if stub.exists() else {}
    href = posixpath.relpath(f"{new_page}.html", posixpath.dirname(old_page) or ".") + (f"#{new_anchor}" if new_anchor else "")
    moves[old_anchor] = href
    first = next(iter(moves.values()))
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Moved</title><!--moves:{json.dumps(moves)}-->"
        f"<script>var m={json.dumps(moves)},h=location.hash.slice(1);location.replace(m[h]||{json.dumps(first)});</script>"
        f"</head><body><p>This page has moved: <a href=\"{html_lib.escape(first)}\">{html_lib.escape(first)}</a>.</p></body></html>\n",
        encoding="utf-8")


def sitemap_xml(app, baseurl: str) -> str:
    root = _root(app)
    entries = []
    for docname in sorted(app.env.found_docs):
        url = f"{baseurl.rstrip('/')}/{docname}.html"
        log = (history.git(root, "log", "-1", "--format=%cs", "--", str(app.env.doc2path(docname))) or "").strip()
        lastmod = f"<lastmod>{log}</lastmod>" if log else ""
        entries.append(f"  <url><loc>{html_lib.escape(url)}</loc>{lastmod}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries) + "\n</urlset>\n")
