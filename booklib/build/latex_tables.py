"""Long tables in the PDF wrap their cells instead of running off the page.

Sphinx prints a table of more than 30 rows as a LaTeX longtable, and without given column
widths a longtable's columns are `l`: a cell never wraps, so the right-hand columns of a
wide table (the tariff measures, the MOU's terms) were cut off the page. This post-transform
puts before such a table the column specification a `tabularcolumns` directive would:

- a short column (a date, a rate, a status) gets the room its longest cell needs, so it never wraps;
- the long columns share the rest of the line in proportion to their text (bounded, so that one
  long cell does not starve the others), each at least as wide as its longest word;
- every column is set ragged-right (justified narrow columns open wide gaps).

Widths are counted in characters of the body's type, a Chinese or Japanese character as two (a
line may break before or after it); a header's bold sans-serif letters count wider. Shorter tables
are left to Sphinx's tabulary, which wraps by itself.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

LONGTABLE_ROWS = 30  # Sphinx prints a table of more rows (header included) as a longtable
# Sphinx's tabulary squeezes a short column of identifiers in a table this wide until they are cut
# ("repor" for reporter in the data dictionary): such a table gets its widths here too.
WIDE_COLUMNS = 6
LINE = 90  # characters of the body's type across the PDF's text width
SHORT = 18  # characters: a column whose longest cell fits this keeps its cells on one line
WIDEST = 40  # characters: a long column's text counts up to this, so one long cell cannot take the line
PADDING = 3  # characters: the space between columns
HEADER_SCALE = 1.5  # a header letter's width, in body letters


@dataclass(frozen=True)
class Column:
    """What one column needs, in characters: its longest line and its longest word (padded)."""

    line: int
    word: int

    @property
    def short(self) -> bool:
        return self.line <= SHORT


# Chinese and Japanese characters and full-width forms; a line may break before or after each.
_CJK = "\u3000-\u9fff\uf900-\ufaff\uff00-\uffef"
_UNBREAKABLE = re.compile(f"[{_CJK}]|[^{_CJK}]+")
_WIDE = re.compile(f"[{_CJK}]")  # about as wide as two Latin letters


def _width(text: str, scale: float) -> int:
    return math.ceil((len(text) + len(_WIDE.findall(text))) * scale) + PADDING


def _words(text: str) -> list[str]:
    """What a line cannot break inside: the space-separated words, each CJK character apart."""
    return [w for token in text.split() for w in _UNBREAKABLE.findall(token)]


def columns(tgroup: nodes.tgroup) -> list[Column]:
    """What each column of the table needs, from its cells' text (a header's scaled)."""
    count = int(tgroup["cols"])
    line, word = [PADDING] * count, [PADDING] * count
    for row in tgroup.findall(nodes.row):
        scale = HEADER_SCALE if isinstance(row.parent, nodes.thead) else 1
        for index, entry in enumerate(child for child in row.children if isinstance(child, nodes.entry)):
            if index >= count:
                raise ValueError(f"a table row has more cells than the table's {count} columns: {row.astext()[:80]!r}")
            text = entry.astext()
            line[index] = max(line[index], _width(text, scale))
            word[index] = max(word[index], max((_width(w, scale) for w in _words(text)), default=PADDING))
    return [Column(min(l, max(WIDEST, w)), w) for l, w in zip(line, word)]


def line_shares(needs: list[Column]) -> list[float]:
    """Each column's share of the LINE, in characters. Short columns get their line; the long
    ones their longest word, then the rest of the line in proportion to their text. A table
    whose short lines and long words already overflow the line is scaled down as a whole."""
    floors = [c.line if c.short else c.word for c in needs]
    spare = LINE - sum(floors)
    if spare <= 0:
        return [LINE * f / sum(floors) for f in floors]
    weights = [0 if c.short else c.line for c in needs]
    if not any(weights):
        return [float(f) for f in floors]  # a narrow table stays narrow
    return [f + spare * w / sum(weights) for f, w in zip(floors, weights)]


def column_spec(shares: list[float]) -> str:
    """The LaTeX columns: each its share of the line (in tenths of a character), ragged-right."""
    return "".join(rf">{{\raggedright\arraybackslash}}\X{{{round(10 * s)}}}{{{10 * LINE}}}" for s in shares)


def needs_widths(table: nodes.table) -> bool:
    """A longtable, or a table of WIDE_COLUMNS or more: its widths are computed here."""
    tgroup = next(table.findall(nodes.tgroup))
    return len(list(table.findall(nodes.row))) > LONGTABLE_ROWS or int(tgroup["cols"]) >= WIDE_COLUMNS


class WrapLongTables(SphinxPostTransform):
    """Before every longtable, and every table of WIDE_COLUMNS or more, without a column
    specification, one that wraps (LaTeX builds only)."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            given = isinstance(table.previous_sibling(), addnodes.tabular_col_spec)
            tgroup = next(table.findall(nodes.tgroup))
            if given or "colwidths-given" in table["classes"] or not needs_widths(table):
                continue
            shares = line_shares(columns(tgroup))
            table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=column_spec(shares)))
