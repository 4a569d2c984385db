"""A notebook per page that a reader can download and re-run (a Sphinx extension).

myst-nb keeps each page's executed notebook in `_build/jupyter_execute`, but its prose still holds
MyST roles ({glue:text}, {numref}, {cite:p}) that Jupyter cannot show, and every chart twice. This
extension writes a reader's copy beside the page's source download (`_sources/<page>.ipynb`) and
adds it to the page's download menu:

- glued values, figure numbers, section titles and citations are written out as the page shows them;
- each code cell carries what it shows: the facts it glued as a compact table (key, value, unit),
  its table as HTML, its figure as a static PNG (the interactive copy and filter scripts dropped);
  the figure's numbered caption sits where the page places it (with the PNG attached there when no
  code cell above drew it), so the notebook stays under 2 MB;
- outputs that myst-nb took from its execution cache (an incremental build) are read back from
  that cache, so a notebook written by an incremental build is the one a clean build writes;
- a first cell says what the notebook needs (a checkout of the book set up by `make book`), and fails
  with that message, not a traceback, anywhere else;
- the code is the page's code, unchanged, so Run All recomputes the same facts.
"""

from __future__ import annotations

import ast
import base64
import copy
import json
import re
from pathlib import Path

FINGERPRINT_CELL = "# booklib data fingerprint:"
GLUE_ROLE = re.compile(r"\{glue:(?:text|md|any)\}`([\w-]+)(?::[\w.]+)?`")
NUMREF_ROLE = re.compile(r"\{numref\}`(?:([^`<]*?)\s*<)?([\w-]+)>?`")
REF_ROLE = re.compile(r"\{ref\}`(?:([^`<]*?)\s*<)?([\w-]+)>?`")
CITE_ROLE = re.compile(r"\{cite:p\}`([^`]+)`")
MORE_SOURCES_ROLE = re.compile(r"\{more-sources\}`(\d+)`")
DOWNLOAD_ROLE = re.compile(r"\{download\}`([^`<]*?)\s*<[^`]*>`")
TARGET_LINE = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
GLUE_FIGURE = re.compile(r"```\{glue:figure\} ([\w-]+)\n(?::[\w-]+:[^\n]*\n)*\n?(.*?)\n```", re.S)
ADMONITION = re.compile(r":::\{admonition\} ([^\n]+)\n(?::[\w-]+:[^\n]*\n)*\n?(.*?)\n:::", re.S)
# A styled line (the date of the data under the title) and text for the web edition only (a notebook is read on screen).
CONTAINER = re.compile(r":::\{container\}[^\n]*\n(.*?)\n:::", re.S)
ONLY_HTML = re.compile(r"```\{only\} html\n(.*?)\n```", re.S)
# Outputs of the book's own objects that the notebook shows otherwise (a figure) or cannot run (a filter script).
CHART_HTML = 'class="book-chart"'

GUARD_SOURCE = '''\
# This notebook is a chapter of "{title}", executed when the book was built.
# The book's repository: {repository}.
# To re-run it you need a checkout of the book's repository set up with `make book`
# (its library `booklib`, the chapters' code `bookchapters`, and the tables in `data/`),
# and its Python (.venv) as the kernel; `make lab` opens the chapters in JupyterLab.
import importlib.util

if importlib.util.find_spec("booklib") is None or importlib.util.find_spec("bookchapters") is None:
    raise ModuleNotFoundError(
        "This notebook re-runs inside a checkout of the book's repository: run `make book` there, "
        "then open it with the kernel of its .venv (or run `make lab`)."
    )'''


class References:
    """How the page writes figure numbers, section titles and citations (filled from the Sphinx environment)."""

    def __init__(self, figures: dict[str, str], sections: dict[str, str], citations: dict[str, str]):
        self.figures = figures  # label -> "Fig. 1.2"
        self.sections = sections  # label -> section title
        self.citations = citations  # bib key -> "Publisher, 2025a"

    def figure(self, label: str) -> str:
        if label not in self.figures:
            raise KeyError(f"no figure number for {label!r}")
        return self.figures[label]


def _glued_text(glued: dict, key: str) -> str:
    if key not in glued:
        raise KeyError(f"the page pastes {key!r}, which its notebook did not glue")
    data = glued[key]["data"]
    if "text/markdown" in data:
        return "".join(data["text/markdown"])
    return ast.literal_eval("".join(data["text/plain"]))


def resolve(text: str, glued: dict, refs: References) -> str:
    """Markdown the notebook can show: every MyST role the book uses written out as on the page."""
    text = GLUE_ROLE.sub(lambda m: _glued_text(glued, m.group(1)).replace("$", "\\$"), text)
    text = NUMREF_ROLE.sub(lambda m: refs.figure(m.group(2)), text)
    text = REF_ROLE.sub(lambda m: m.group(1) or refs.sections.get(m.group(2), m.group(2)), text)
    text = CITE_ROLE.sub(lambda m: "(" + "; ".join(refs.citations[k.strip()] for k in m.group(1).split(",")) + ")", text)
    # The notebook shows the chart as an image, without the list of its sources the page has.
    text = MORE_SOURCES_ROLE.sub(_more_sources, text)
    text = DOWNLOAD_ROLE.sub(lambda m: m.group(1), text)
    text = TARGET_LINE.sub(lambda m: f'<a id="{m.group(1)}"></a>', text)
    text = ADMONITION.sub(lambda m: "> **" + m.group(1) + "**\n>\n" + "\n".join("> " + line for line in m.group(2).splitlines()), text)
    text = CONTAINER.sub(lambda m: f"*{m.group(1).strip()}*", text)
    text = ONLY_HTML.sub(lambda m: m.group(1), text)
    return text


MYST_COMMENT = re.compile(r"^%[^\n]*\n?", re.M)
HEADING = re.compile(r"^(#+ )(.+)$")
ITEM = re.compile(r"^(\s*(?:[-*+]|\d+\.) )(.+)$")


def catalog_messages(path: Path) -> dict[str, str]:
    """A page catalog as msgid -> msgstr (translated, not fuzzy), whitespace as Sphinx extracts it."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return {" ".join(m.id.split()): m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


def translate_markdown(text: str, messages: dict[str, str]) -> str:
    """A Markdown cell in the edition's language: each heading, paragraph, list item and caption line the
    page catalog translates (the catalog is complete for a published page); code, directives' options,
    tables and raw blocks are kept as they are."""
    out = []
    for block in re.split(r"(\n\s*\n)", text):
        key = " ".join(block.split())
        if key in messages:
            out.append(messages[key])
            continue
        # Lines grouped into headings, list items (with their indented continuation lines) and the rest.
        groups: list[list[str]] = []
        for line in block.split("\n"):
            if groups and line.startswith((" ", "\t")) and line.strip() and ITEM.match(groups[-1][0]):
                groups[-1].append(line)
            else:
                groups.append([line])
        lines = []
        for group in groups:
            match = HEADING.match(group[0]) or ITEM.match(group[0])
            key = " ".join(" ".join([match.group(2), *group[1:]] if match else group).split())
            if key in messages:
                lines.append((match.group(1) if match else "") + messages[key])
            else:
                lines.extend(group)
        out.append("\n".join(lines))
    return "".join(out)


def _more_sources(match: re.Match) -> str:
    from booklib.build.edition_sphinx import words

    return words("and {count} more, listed on the chapter's page in the book", count=match.group(1))


def _escape_dollars(text: str) -> str:
    """The book writes US$ amounts with a bare $; Jupyter would read a pair of them as math."""
    return re.sub(r"(?<!\\)\$", r"\\$", text)


def glued_png(glued: dict, label: str) -> str:
    """The figure's PNG as the build rendered it (base64)."""
    return "".join(glued[label]["data"]["image/png"])


def small_png(glued: dict, label: str) -> str:
    """The figure re-rendered at screen scale from the spec its page ships (base64): a third of the
    print-scale PNG's size, which keeps a chapter's notebook well under 2 MB."""
    import vl_convert as vlc

    html = "".join(glued[label]["data"]["text/html"])
    spec = json.loads(re.search(r'class="book-chart-spec">(.*?)</script>', html, re.S).group(1).replace("<\\/", "</"))
    # The page ships the spec compiled to Vega (see booklib.charts); a Vega-Lite one is rendered as such.
    render = vlc.vegalite_to_png if "vega-lite" in spec.get("$schema", "") else vlc.vega_to_png
    return base64.b64encode(render(spec, scale=1)).decode("ascii")


def _figure_cells(text: str, glued: dict, refs: References, png=glued_png, drawn: set | None = None) -> list[dict]:
    """Split a Markdown cell at each glue:figure directive, for its numbered caption. A figure whose
    code cell came before and carries its image (`drawn`) is not repeated (a chapter's notebook stays
    under 2 MB): the caption says so. Any other figure becomes an attached PNG above its caption."""
    drawn = drawn if drawn is not None else set()
    cells, last = [], 0
    for match in GLUE_FIGURE.finditer(text):
        before = text[last:match.start()].strip()
        if before:
            cells.append(_markdown(before, glued, refs))
        label, caption = match.group(1), match.group(2)
        number, words = refs.figure(label), _escape_dollars(resolve(caption, glued, refs))
        if label in drawn:
            cells.append({"cell_type": "markdown", "metadata": {},
                          "source": f'<a id="{label}"></a>\n\n**{number}** (the image the code cell above draws). {words}'})
        else:
            name = f"{label}.png"
            body = f"![{number}](attachment:{name})\n\n**{number}.** {words}"
            cells.append({"cell_type": "markdown", "metadata": {}, "source": body, "attachments": {name: {"image/png": png(glued, label)}}})
        last = match.end()
    rest = text[last:].strip()
    if rest:
        cells.append(_markdown(rest, glued, refs))
    return cells


def _markdown(text: str, glued: dict, refs: References) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": _escape_dollars(resolve(text, glued, refs))}


def markdown_html(markdown: str) -> str:
    """A Markdown output (a table, a list) as HTML, which every notebook viewer renders."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(markdown)


def _reader_outputs(outputs: list[dict], glued: dict, refs: References, png=None, drawn: set | None = None) -> list[dict]:
    """The outputs a reader's notebook keeps: a cell's glued facts as one compact table (key,
    value, unit), tables as HTML (and Markdown), a figure's static image (its interactive copy and
    filter scripts dropped), anything else as it was."""
    from booklib.prose import facts_html, facts_text

    kept, facts = [], {}
    for output in outputs:
        data = output.get("data", {})
        record = output.get("metadata", {}).get("scrapbook")
        if record:
            prefix = record.get("mime_prefix", "")
            bundle = {k[len(prefix):]: v for k, v in data.items() if k.startswith(prefix)}
            if set(bundle) == {"text/plain"}:  # a text fact; figures and source lines are written into the prose
                facts[record["name"]] = ast.literal_eval("".join(bundle["text/plain"]))
            continue
        if CHART_HTML in "".join(data.get("text/html", "")):
            # A figure: its image, as the cell drew it (the page's placement shows it with its caption too).
            if png is not None and "image/png" in data:
                found = re.search(r'id="chart-([\w-]+)"', "".join(data["text/html"]))
                label = found.group(1) if found else ""
                image = png(glued, label) if label in glued else "".join(data["image/png"])
                kept.append({"output_type": "display_data", "metadata": {"booklib": {"figure": label}}, "data": {"image/png": image}})
                if drawn is not None and label:
                    drawn.add(label)
            continue
        if "text/markdown" in data:
            markdown = resolve("".join(data["text/markdown"]), glued, refs)
            # Its plain repr may hold a memory address, which would make two builds differ.
            output = {**output, "data": {"text/html": markdown_html(_escape_dollars(markdown)), "text/markdown": markdown}}
        kept.append(output)
    if facts:
        kept.insert(0, {"output_type": "display_data", "metadata": {},
                        "data": {"text/html": facts_html(facts), "text/plain": facts_text(facts)}})
    return kept


def guard_source(title: str, repository: str = "") -> str:
    from booklib.build.repository import NOT_PUBLISHED

    return GUARD_SOURCE.format(title=title, repository=repository or NOT_PUBLISHED)


def reader_notebook(executed: dict, glued: dict, refs: References, title: str, png=glued_png, repository: str = "",
                    translate=None) -> dict:
    """The reader's copy of an executed page notebook (see the module docstring); `translate`, in an
    edition, writes each Markdown cell in its language (translate_markdown with the page's catalog)."""
    notebook = copy.deepcopy(executed)
    rendered: dict[str, str] = {}
    render = png

    def png(glued: dict, label: str) -> str:  # each figure rendered once, for its cell and its place in the prose
        if label not in rendered:
            rendered[label] = render(glued, label)
        return rendered[label]

    cells = [{"cell_type": "code", "metadata": {"tags": ["book-guard"]}, "execution_count": None,
              "outputs": [], "source": guard_source(title, repository)}]
    drawn: set[str] = set()  # figures whose image a code cell above carries
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            source = MYST_COMMENT.sub("", source)
            cells += _figure_cells(translate(source) if translate else source, glued, refs, png, drawn)
        elif cell["cell_type"] == "code" and not source.startswith(FINGERPRINT_CELL):
            cells.append({**cell, "source": source, "outputs": _reader_outputs(cell.get("outputs", []), glued, refs, png, drawn)})
    notebook["cells"] = cells
    notebook["metadata"] = {k: v for k, v in notebook["metadata"].items() if k in ("kernelspec", "language_info")}
    notebook["metadata"]["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.setdefault("nbformat_minor", 5)
    notebook["nbformat_minor"] = max(notebook["nbformat_minor"], 5)
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number}"
    return notebook


# --- Sphinx -----------------------------------------------------------------------------------

def setup(app):
    # Before sphinx-book-theme's header buttons (priority 501), which offer `ipynb_source` for download.
    app.connect("html-page-context", _write_reader_notebook, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def references(app) -> References:
    env = app.env
    figures = {}
    for numbers in env.toc_fignumbers.values():
        for label, number in numbers.get("figure", {}).items():
            # "Fig. %s" in English, the edition's words in another (Sphinx's numfig_format for its language).
            figures[label] = (app.config.numfig_format or {}).get("figure", "Fig. %s").replace("%s", ".".join(map(str, number))).strip()
    # A figure of a page the edition publishes as a notice (booklib.build.edition_sphinx): its English page.
    for label in getattr(env, "booklib_english_labels", {}):
        if label not in figures:
            from booklib.build.edition_sphinx import words

            figures[label] = words("(English page)")
    sections = {label: title for label, (_doc, _id, title) in env.domaindata["std"]["labels"].items() if title}
    from booklib.build.bib import citation_labels

    return References(figures, sections, citation_labels())


def with_outputs(app, executed: dict) -> dict:
    """The page's notebook with all its outputs, as its run left them: the execution cache's copy of
    the run of this code. myst-nb's own copy in jupyter_execute/ lacks the glue records (it moves
    them to <page>.glue.json, so which cell glued which fact is lost), and, when it took the outputs
    from the cache (a page re-read but not re-run: an incremental build), every output."""
    path = getattr(app.config, "nb_execution_cache_path", "") or ""
    if not path:
        return executed
    import nbformat
    from jupyter_cache import get_cache

    cache_dir = Path(app.srcdir) / path if not Path(path).is_absolute() else Path(path)
    if not cache_dir.exists():
        return executed
    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nbformat.from_dict(executed))
    except KeyError:  # the cache holds no run of this code
        return executed
    return json.loads(nbformat.writes(merged))


def _write_reader_notebook(app, pagename, templatename, context, doctree) -> None:
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not executed.exists():
        return
    glue_file = executed.with_suffix(".glue.json")
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    context["ipynb_source"] = f"{pagename}.ipynb"
    # What the reader's copy is made of: the outputs, the page (captions, prose), the numbering, the citations.
    inputs = [executed, glue_file, Path(app.env.doc2path(pagename)), Path(app.srcdir) / "_toc.yml",
              Path(app.srcdir) / "data" / "sources.csv", Path(app.srcdir) / "_config.yml", Path(app.srcdir) / "CITATION.cff",
              Path(__file__)]
    from booklib.build.edition_sphinx import page_catalog

    catalog = page_catalog(app, pagename)
    if catalog:
        inputs.append(catalog)
    if target.exists() and all(target.stat().st_mtime_ns >= p.stat().st_mtime_ns for p in inputs if p.exists()):
        return  # the page's outputs have not changed since its notebook was written
    glued = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
    from booklib.build.repository import settings

    notebook = reader_notebook(with_outputs(app, json.loads(executed.read_text(encoding="utf-8"))), glued, references(app),
                               app.config.project, png=small_png, repository=settings(Path(app.srcdir))["url"],
                               translate=(lambda text, m=catalog_messages(catalog): translate_markdown(text, m)) if catalog else None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

