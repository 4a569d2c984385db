"""Glue numbers into the prose, so text and data never drift apart.

A chapter computes a value from a loaded table and calls `glue_number`; the
Markdown shows it with {glue:text}`key`. A missing key fails the strict build.
"""

from __future__ import annotations

import math


def format_number(value: float, fmt: str = "{:,.1f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("refusing to glue a missing value")
    return fmt.format(value)


def glue_number(key: str, value: float, fmt: str = "{:,.1f}") -> str:
    """Glue `value` formatted with `fmt` (e.g. '{:,.0f}', '{:.1%}') under `key`."""
    return glue_text(key, format_number(value, fmt))


def glue_text(key: str, text: str) -> str:
    """Glue a short text (a date, a name) that comes from the data."""
    from myst_nb import glue

    glue(key, text, display=False)
    return text


def markdown_table(frame) -> "IPython.display.Markdown":
    """Show a table as Markdown, which both the HTML and the PDF builders render."""
    from IPython.display import Markdown

    def cell(value) -> str:
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.astype(object).itertuples(index=False)]
    return Markdown("\n".join([header, rule, *rows]))


def markdown_list(frame, template: str) -> "IPython.display.Markdown":
    """One bullet per row, `template` formatted with the row's columns: long text
    wraps in both HTML and PDF, where wide tables would be clipped."""
    from IPython.display import Markdown

    return Markdown("\n".join("- " + template.format(**row) for row in frame.to_dict("records")))
