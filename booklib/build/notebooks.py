"""A notebook per page that a reader can download and re-run (a Sphinx extension).

myst-nb keeps each page's executed notebook in `_build/jupyter_execute`, but its prose still holds
MyST roles ({glue:text}, {numref}, {cite:p}) that Jupyter cannot show, and every chart twice. This
extension writes a reader's copy beside the page's source download (`_sources/<page>.ipynb`) and
adds it to the page's download menu:

- glued values, figure numbers, section titles and citations are written out as the page shows them;
- each figure sits where the page places it, as an attached PNG with its numbered caption; the
  interactive copy and the glue records are dropped, so the notebook stays small;
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
    text = DOWNLOAD_ROLE.sub(lambda m: m.group(1), text)
    text = TARGET_LINE.sub(lambda m: f'<a id="{m.group(1)}"></a>', text)
    text = ADMONITION.sub(lambda m: "> **" + m.group(1) + "**\n>\n" + "\n".join("> " + line for line in m.group(2).splitlines()), text)
    text = CONTAINER.sub(lambda m: f"*{m.group(1).strip()}*", text)
    text = ONLY_HTML.sub(lambda m: m.group(1), text)
    return text


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


def _figure_cells(text: str, glued: dict, refs: References, png=glued_png) -> list[dict]:
    """Split a Markdown cell at each glue:figure directive: the figure becomes an attached PNG with its caption."""
    cells, last = [], 0
    for match in GLUE_FIGURE.finditer(text):
        before = text[last:match.start()].strip()
        if before:
            cells.append(_markdown(before, glued, refs))
        label, caption = match.group(1), match.group(2)
        name = f"{label}.png"
        body = f"![{refs.figure(label)}](attachment:{name})\n\n**{refs.figure(label)}.** {_escape_dollars(resolve(caption, glued, refs))}"
        cells.append({"cell_type": "markdown", "metadata": {}, "source": body, "attachments": {name: {"image/png": png(glued, label)}}})
        last = match.end()
    rest = text[last:].strip()
    if rest:
        cells.append(_markdown(rest, glued, refs))
    return cells


def _markdown(text: str, glued: dict, refs: References) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": _escape_dollars(resolve(text, glued, refs))}


def _reader_outputs(outputs: list[dict], glued: dict, refs: References) -> list[dict]:
    kept = []
    for output in outputs:
        data = output.get("data", {})
        if "scrapbook" in output.get("metadata", {}):
            continue  # a glue record: the value is written into the prose
        if CHART_HTML in "".join(data.get("text/html", "")):
            continue  # a figure: shown where the page places it
        if "text/markdown" in data:
            markdown = resolve("".join(data["text/markdown"]), glued, refs)
            # Its plain repr may hold a memory address, which would make two builds differ.
            output = {**output, "data": {"text/markdown": markdown}}
        kept.append(output)
    return kept


def reader_notebook(executed: dict, glued: dict, refs: References, title: str, png=glued_png) -> dict:
    """The reader's copy of an executed page notebook (see the module docstring)."""
    notebook = copy.deepcopy(executed)
    cells = [{"cell_type": "code", "metadata": {"tags": ["book-guard"]}, "execution_count": None,
              "outputs": [], "source": GUARD_SOURCE.format(title=title)}]
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            cells += _figure_cells(source, glued, refs, png)
        elif cell["cell_type"] == "code" and not source.startswith(FINGERPRINT_CELL):
            cells.append({**cell, "source": source, "outputs": _reader_outputs(cell.get("outputs", []), glued, refs)})
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
            figures[label] = "Fig. " + ".".join(map(str, number))
    sections = {label: title for label, (_doc, _id, title) in env.domaindata["std"]["labels"].items() if title}
    from booklib.build.bib import citation_labels

    return References(figures, sections, citation_labels())


def _write_reader_notebook(app, pagename, templatename, context, doctree) -> None:
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not executed.exists():
        return
    glue_file = executed.with_suffix(".glue.json")
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    context["ipynb_source"] = f"{pagename}.ipynb"
    # What the reader's copy is made of: the outputs, the page (captions, prose), the numbering, the citations.
    inputs = [executed, glue_file, Path(app.env.doc2path(pagename)), Path(app.srcdir) / "_toc.yml",
              Path(app.srcdir) / "data" / "sources.csv"]
    if target.exists() and all(target.stat().st_mtime_ns >= p.stat().st_mtime_ns for p in inputs if p.exists()):
        return  # the page's outputs have not changed since its notebook was written
    glued = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
    notebook = reader_notebook(json.loads(executed.read_text(encoding="utf-8")), glued, references(app),
                               app.config.project, png=small_png)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
