"""Long tables wrap in the PDF (booklib.build.latex_tables): what each column needs and its share of the
line. The built PDF's tables are checked in test_pdf.py."""

from __future__ import annotations

import math

import pytest
from docutils import nodes

from booklib.build.latex_tables import HEADER_SCALE, LINE, PADDING, WIDEST, Column, column_spec, columns, line_shares


def table(rows: list[list[str]], header: list[str] | None = None) -> nodes.tgroup:
    tgroup = nodes.tgroup(cols=len(rows[0]))
    tgroup += [nodes.colspec(colwidth=1) for _ in rows[0]]
    for kind, cells_of_rows in [(nodes.thead, [header] if header else []), (nodes.tbody, rows)]:
        part = kind()
        for cells in cells_of_rows:
            row = nodes.row()
            row += [nodes.entry("", nodes.paragraph(text=text)) for text in cells]
            part += row
        tgroup += part
    return tgroup


def test_a_column_needs_its_longest_line_and_word():
    needs = columns(table([["2025-04-09", "steel and aluminium derivatives", "x " * 60], ["never", "pharmaceuticals", "y"]],
                          header=["effective", "scope", "instrument"]))
    # The header "effective" (9 bold letters) is wider than "2025-04-09" and still short.
    assert needs[0] == Column(line=math.ceil(9 * HEADER_SCALE) + PADDING, word=math.ceil(9 * HEADER_SCALE) + PADDING)
    assert needs[0].short
    assert needs[1].word == len("pharmaceuticals") + PADDING and not needs[1].short
    assert needs[2].line == WIDEST and needs[2].word == math.ceil(len("instrument") * HEADER_SCALE) + PADDING


def test_a_chinese_or_japanese_cell_counts_double_width_and_breaks_between_characters():
    """Table 1.1 of the Japanese PDF: its status (置き換え済み) is a short column, kept on one line; its
    legal basis, one CJK "word" without spaces, may wrap after any character."""
    needs = columns(table([["2025-03-12", "通商拡大法232条", "置き換え済み"]], header=["発効日", "法的根拠", "状況"]))
    assert needs[2] == Column(line=2 * 6 + PADDING, word=math.ceil(2 * HEADER_SCALE) + PADDING) and needs[2].short
    assert needs[1].line == 2 * 6 + len("232") + PADDING  # 6 CJK characters and 3 digits
    assert needs[1].word == len("232") + PADDING  # its longest unbreakable run
    shares = line_shares([Column(13, 13), Column(40, 6), Column(40, 5), Column(15, 5)])
    assert shares[0] == 13 and shares[3] == 15  # the short columns are not squeezed


def test_a_row_with_too_many_cells_is_refused():
    bad = table([["a", "b"]])
    next(bad.findall(nodes.row)).append(nodes.entry("", nodes.paragraph(text="extra")))
    with pytest.raises(ValueError, match=r"2 columns.*extra"):
        columns(bad)


def test_short_columns_keep_their_line_and_long_ones_share_the_rest_from_their_longest_word():
    date, wide, narrow = Column(12, 12), Column(40, 10), Column(20, 15)
    shares = line_shares([date, wide, narrow])
    assert shares[0] == 12 and sum(shares) == pytest.approx(LINE)
    assert shares[1] > shares[2] >= 15  # in proportion to their text, above their longest word
    assert line_shares([Column(5, 5), Column(6, 4)]) == [5, 6]  # a narrow table stays narrow
    crowded = line_shares([Column(16, 16)] * 5 + [Column(40, 30)] * 2)
    assert sum(crowded) == pytest.approx(LINE)  # scaled down as a whole when the floors overflow


def test_the_spec_is_ragged_right_shares_of_the_line():
    assert column_spec([10.0, 80.0]) == (rf">{{\raggedright\arraybackslash}}\X{{100}}{{{10 * LINE}}}"
                                         rf">{{\raggedright\arraybackslash}}\X{{800}}{{{10 * LINE}}}")


def _table(columns: int, rows: int) -> "nodes.table":
    from docutils import nodes

    tgroup = nodes.tgroup(cols=columns)
    body = nodes.tbody()
    for _ in range(rows):
        body += nodes.row("", *(nodes.entry("", nodes.paragraph(text="x")) for _ in range(columns)))
    tgroup += body
    return nodes.table("", tgroup)


def test_a_wide_short_table_gets_its_widths_too():
    """Tabulary squeezed the data dictionary's six-column tables until their first column, the
    column names, printed cut ("repor" for reporter): six columns or more get computed widths."""
    from booklib.build.latex_tables import needs_widths

    assert needs_widths(_table(6, 10))
    assert needs_widths(_table(3, 40))
    assert not needs_widths(_table(5, 10))
