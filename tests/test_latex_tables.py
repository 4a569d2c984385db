"""Long tables wrap in the PDF (booklib.latex_tables): the widths the transform gives. The built
PDF's tables are checked in test_pdf.py."""

from __future__ import annotations

from docutils import nodes

from booklib.latex_tables import HEADER_SCALE, NARROWEST, PADDING, WIDEST, column_spec, column_widths


def table(rows: list[list[str]], header: list[str] | None = None) -> nodes.tgroup:
    tgroup = nodes.tgroup(cols=len(rows[0]))
    tgroup += [nodes.colspec(colwidth=1) for _ in rows[0]]
    if header:
        head, row = nodes.thead(), nodes.row()
        row += [nodes.entry("", nodes.paragraph(text=text)) for text in header]
        head += row
        tgroup += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        row += [nodes.entry("", nodes.paragraph(text=text)) for text in cells]
        body += row
    tgroup += body
    return tgroup


def test_widths_follow_the_longest_cell_within_bounds():
    widths = column_widths(table([["T01", "a", "x" * 100], ["T02", "total amount", "y"]]))
    assert widths == [len("T01") + PADDING, len("total amount") + PADDING, WIDEST]
    assert column_widths(table([["a", ""]])) == [NARROWEST, NARROWEST]
    # A header is wider than cells of as many letters.
    assert column_widths(table([["T01"]], header=["term_id"])) == [int(7 * HEADER_SCALE + 0.5) + PADDING]
    assert column_spec([1, 3]) == r">{\raggedright\arraybackslash}\X{1}{4}>{\raggedright\arraybackslash}\X{3}{4}"


def test_a_row_with_too_many_cells_is_refused():
    bad = table([["a", "b"]])
    next(bad.findall(nodes.row)).append(nodes.entry("", nodes.paragraph(text="extra")))
    try:
        column_widths(bad)
    except ValueError as error:
        assert "2 columns" in str(error) and "extra" in str(error)
    else:
        raise AssertionError("a row wider than its table passed")

