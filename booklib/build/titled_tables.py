"""Numbered titles for the tables a page draws itself (booklib.prose.FilterableTable: the claims ledger).

Such a table reaches Sphinx as a cell output with two forms, its HTML (filter, facets, sorting) and
a Markdown fallback for the PDF (a list, or a plain table). Neither is a Sphinx table, so neither got a
number, while the cite controls and the PDF's other tables are numbered "Table 5.1". Here the output is
wrapped, while the page is read and before myst-nb picks the form per builder, in one `titled_table`
node that Sphinx numbers with the other tables (`add_enumerable_node`, figtype "table"): the HTML shows
"Table 5.1: <title>" above the table, the PDF prints the same with `\\captionof{table}` above the list,
so the number is one in both, in the cite control and in a `{numref}`.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import traverse_parent

# The opening tag FilterableTable writes when it has a title (booklib/prose.py).
TITLED = re.compile(r'<div class="book-filter-table" id="([\w-]+)"[^>]*? data-table-title="([^"]*)"')


class titled_table(nodes.General, nodes.Element):
    """A page-drawn table with a numbered title (`title`); its id is the table's name."""


def _title(node: titled_table) -> str:
    return node["title"]


class TitlePageDrawnTables(SphinxTransform):
    """Wrap each titled FilterableTable output (its whole mime bundle) in a `titled_table`."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            match = TITLED.match(raw.astext()) if "html" in raw.get("format", "") else None
            if match is None:
                continue
            name, title = match.group(1), html.unescape(match.group(2))
            # The output with all its forms: myst-nb's mime bundle, whose form the builder picks later.
            outer = next((p for p in traverse_parent(raw.parent) if p.get("nb_element") == "mime_bundle"), raw)
            wrapper = titled_table(title=title, ids=[name], names=[name])
            outer.replace_self(wrapper)
            wrapper.append(outer)
            self.document.note_explicit_target(wrapper)


def visit_html(self, node: titled_table) -> None:
    # The id stays on the table's own <div> (its anchor, which scripts and links use).
    self.body.append('<div class="book-titled-table"><p class="caption book-table-title">')
    self.add_fignumber(node)
    self.body.append(f'<span class="caption-text">{self.encode(node["title"])}</span></p>')


def depart_html(self, node: titled_table) -> None:
    self.body.append("</div>")


def visit_latex(self, node: titled_table) -> None:
    # \captionof counts in LaTeX's table counter, as Sphinx's own tables do, so the PDF's numbers
    # match the HTML's; the label makes {numref} and the hyperlink land here.
    self.body.append("\n\n\\begin{flushleft}\\captionof{table}{" + self.encode(node["title"]) + "}"
                     + self.hypertarget_to(node) + "\\end{flushleft}\n")


def depart_latex(self, node: titled_table) -> None:
    self.body.append("\n")


def setup(app):
    app.add_enumerable_node(titled_table, "table", _title, html=(visit_html, depart_html),
                            latex=(visit_latex, depart_latex))
    app.add_transform(TitlePageDrawnTables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
