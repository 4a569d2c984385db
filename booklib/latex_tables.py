"""Long tables in the PDF wrap their cells instead of running off the page.

Sphinx prints a table of more than 30 rows as a LaTeX longtable, and without given column
widths a longtable's columns are `l`: a cell never wraps, so the right-hand columns of a
wide table (the tariff measures, the MOU's terms) were cut off the page. This post-transform
puts before such a table the column specification a `tabularcolumns` directive would: widths
in proportion to its columns' longest text, bounded so that one long cell does not starve the
others, set ragged-right (justified narrow columns open wide gaps). Shorter tables are left to
Sphinx's tabulary, which wraps by itself.
"""

from __future__ import annotations

import math

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

LONGTABLE_ROWS = 30  # Sphinx prints a table of more rows (header included) as a longtable
NARROWEST, WIDEST = 4, 40  # a column's width, in characters of its longest cell
PADDING = 2  # characters
HEADER_SCALE = 1.5  # a header's bold sans-serif letters are wider than the body's


def column_widths(tgroup: nodes.tgroup) -> list[int]:
    """Each column's longest cell text (a header's scaled) plus PADDING, bounded to
    [NARROWEST, WIDEST] characters."""
    widths = [NARROWEST] * int(tgroup["cols"])
    for row in tgroup.findall(nodes.row):
        scale = HEADER_SCALE if isinstance(row.parent, nodes.thead) else 1
        for column, entry in enumerate(child for child in row.children if isinstance(child, nodes.entry)):
            if column >= len(widths):
                raise ValueError(f"a table row has more cells than the table's {len(widths)} columns: {row.astext()[:80]!r}")
            widths[column] = max(widths[column], min(math.ceil(len(entry.astext()) * scale) + PADDING, WIDEST))
    return widths


def column_spec(widths: list[int]) -> str:
    """The LaTeX columns: each a share of the line, ragged-right."""
    total = sum(widths)
    return "".join(rf">{{\raggedright\arraybackslash}}\X{{{width}}}{{{total}}}" for width in widths)


class WrapLongTables(SphinxPostTransform):
    """Before every longtable without a column specification, one that wraps (LaTeX builds only)."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            given = isinstance(table.previous_sibling(), addnodes.tabular_col_spec)
            if given or "colwidths-given" in table["classes"] or len(list(table.findall(nodes.row))) <= LONGTABLE_ROWS:
                continue
            spec = addnodes.tabular_col_spec(spec=column_spec(column_widths(next(table.findall(nodes.tgroup)))))
            table.parent.insert(table.parent.index(table), spec)
