"""Glue numbers into the prose, so text and data never drift apart.

A chapter's code computes its facts (formatted by `booklib.formats`) under literal
keys and glues them with `glue_facts`; the Markdown shows each with {glue:text}`key`.
A missing key fails the strict build.
"""

from __future__ import annotations

import math


class ProseError(AssertionError):
    """The data no longer bear out a sentence of the text."""


def require(condition: bool, sentence: str) -> None:
    """Guard a sentence of the text: fail the build (and the tests) when the data contradict it."""
    if not condition:
        raise ProseError(f"the text says {sentence}; the data no longer bear this out")


def glue_facts(facts: dict[str, str]) -> dict[str, str]:
    """Glue each formatted fact under its key; the keys are literals in the code that
    computes them, so a search for a key in the text finds where its number comes from."""
    for key, text in facts.items():
        if not isinstance(text, str):
            raise TypeError(f"fact {key!r} is a {type(text).__name__}, not formatted text: use a booklib.formats formatter")
        glue_text(key, text)
    return facts


# Facts glued by a run outside a book build (a notebook in Jupyter, a headless re-run): kept here,
# so that the run can be compared with the built page.
RECORDED: dict[str, str] = {}


def glue_text(key: str, text: str) -> str:
    """Glue a short text (a date, a name) that comes from the data. Outside a book build there is
    nothing to paste it into: it is recorded in RECORDED instead (the cell shows what it returns)."""
    from booklib.data import building_page

    if building_page() is None:
        RECORDED[key] = text
        return text
    from myst_nb import glue

    glue(key, text, display=False)
    return text


def escape_markdown(text: str) -> str:
    """Dollar signs would open inline math (MyST dollarmath): US$50bn must stay text."""
    return text.replace("$", "\\$")


def markdown_table(frame):
    """Show a table as Markdown, which both the HTML and the PDF builders render."""
    from IPython.display import Markdown

    def cell(value) -> str:
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        return escape_markdown(text).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.astype(object).itertuples(index=False)]
    return Markdown("\n".join([header, rule, *rows]))


def markdown_list(frame, template: str):
    """One bullet per row, `template` formatted with the row's columns: long text
    wraps in both HTML and PDF, where wide tables would be clipped."""
    from IPython.display import Markdown

    rows = frame.to_dict("records")
    return Markdown("\n".join("- " + template.format(**{k: escape_markdown(str(v)) for k, v in row.items()}) for row in rows))


class FilterableTable:
    """A table a reader can filter by typing (HTML), and plain Markdown for the PDF.

    The filter script is inline, scoped to its own function and needs nothing
    from outside the page. Each cell names its column (`data-label`), so that on a
    phone the house style shows each row as a card of named fields (book-charts.css).
    """

    def __init__(self, frame, name: str, figure_column: str | None = None, figure_pages: dict | None = None,
                 pdf_template: str | None = None, anchor_column: str | None = None, anchor_prefix: str = "",
                 cite_title_column: str | None = None, table: str | None = None):
        """`figure_column` holds figure labels; they become links to `figure_pages[label]` (a page
        path relative to this one) in HTML and {numref} references in the PDF. With
        `pdf_template`, the PDF shows one bullet per row instead of a table (long text wraps).
        With `anchor_column` (unique values, e.g. claim ids), each HTML row gets the id
        `anchor_prefix + value` (lower case), so a reader can link to it and cite it: the book's
        Sphinx extension fills the last column with the row's cite control, titled by the value
        and `cite_title_column`. With `table` (its name in datapackage.json), the reader sees the
        schema's words (`reader_values`): titles for headers, labels for categories, and each source
        a link to its bibliography entry; the columns keep their names for `pdf_template`."""
        self.frame = frame
        self.table = table
        if table is not None:
            self.headers = {c: column_title(table, c) for c in frame.columns}
            self.source_columns = {c for c in frame.columns if _is_source_reference(table, c)}
            reader_values(frame, table)  # fails now, naming the column, on a category without words
        else:
            self.headers, self.source_columns = {c: str(c) for c in frame.columns}, set()
        self.name = name
        self.figure_column = figure_column
        self.figure_pages = figure_pages or {}
        self.pdf_template = pdf_template
        self.anchor_column = anchor_column
        self.anchor_prefix = anchor_prefix
        self.cite_title_column = cite_title_column
        if anchor_column is not None:
            values = frame[anchor_column].astype(str)
            if values.duplicated().any() or (values.str.strip() == "").any():
                raise ValueError(f"table {name}: {anchor_column} must be unique and non-empty to anchor rows")

    def row_anchor(self, value) -> str:
        import re

        return re.sub(r"[^a-z0-9]+", "-", f"{self.anchor_prefix}{value}".lower()).strip("-")

    def _repr_mimebundle_(self, include=None, exclude=None):
        markdown = self.frame if self.table is None else reader_values(self.frame, self.table)
        if self.figure_column:
            markdown = markdown.assign(**{self.figure_column: [
                f"{{numref}}`{label}`" if label else "" for label in self.frame[self.figure_column].fillna("")]})
        fallback = markdown_list(markdown, self.pdf_template) if self.pdf_template else markdown_table(markdown)
        return {"text/html": self.html(), "text/markdown": fallback.data}

    def html(self) -> str:
        import html as html_lib

        def cell(value) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return ""
            return str(value)

        def link(label: str) -> str:
            if not label:
                return ""
            if label not in self.figure_pages:
                raise ValueError(f"table {self.name}: figure {label!r} is on no known page")
            return f'<a href="{self.figure_pages[label]}#{label}">{html_lib.escape(label)}</a>'

        columns = list(self.frame.columns)
        shown = self.frame if self.table is None else reader_values(self.frame, self.table, sources="html")
        head = "".join(f"<th>{html_lib.escape(self.headers[c])}</th>" for c in columns)
        if self.anchor_column is not None:
            head += '<th class="book-cite-head">cite</th>'

        def open_row(row) -> str:
            if self.anchor_column is None:
                return "<tr>"
            values = dict(zip(columns, row))
            number = cell(values[self.anchor_column])
            title = cell(values[self.cite_title_column]) if self.cite_title_column else ""
            return (f'<tr id="{self.row_anchor(number)}" data-cite-number="{html_lib.escape(number)}" '
                    f'data-cite-title="{html_lib.escape(title)}">')

        def close_row(row) -> str:
            if self.anchor_column is None:
                return "</tr>"
            anchor = self.row_anchor(cell(dict(zip(columns, row))[self.anchor_column]))
            return f'<td class="book-cite-cell" data-cite-row="{anchor}"></td></tr>'

        def body(column, value) -> str:
            if column == self.figure_column:
                return link(cell(value))
            if column in self.source_columns:
                return cell(value)  # links made by booklib.sources, escaped there
            return html_lib.escape(cell(value))

        rows = "".join(
            open_row(row) + "".join(
                f'<td data-label="{html_lib.escape(self.headers[c])}">{body(c, v)}</td>'
                for c, v, r in zip(columns, shown_row, row)
            ) + close_row(row)
            for row, shown_row in zip(self.frame.astype(object).itertuples(index=False), shown.astype(object).itertuples(index=False))
        )
        box = f"filter-{self.name}"
        return (
            f'<div class="book-filter-table" id="{self.name}">'
            f'<label for="{box}">Filter the {len(self.frame)} rows: </label>'
            f'<input type="search" id="{box}" placeholder="type a word, a theme or a verdict">'
            f' <span class="book-filter-count"></span>'
            f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
            "<script>(function () {"
            f'var root = document.getElementById("{self.name}");'
            'var input = root.querySelector("input"), count = root.querySelector(".book-filter-count");'
            'var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));'
            'input.addEventListener("input", function () {'
            "var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;"
            "rows.forEach(function (row) {"
            'var text = Array.prototype.map.call(row.querySelectorAll("td:not(.book-cite-cell)"), '
            "function (td) { return td.textContent; }).join(\" \").toLowerCase();"
            "var keep = words.every(function (w) { return text.indexOf(w) >= 0; });"
            'row.style.display = keep ? "" : "none"; if (keep) shown += 1; });'
            'count.textContent = words.length ? shown + " shown" : ""; });'
            "})();</script></div>"
        )


def figure_pages(chapters_dir, relative_to: str = "") -> dict[str, str]:
    """Map each figure label (`:name:` of a glue:figure) in the chapters to its page's HTML path."""
    import os
    import re
    from pathlib import Path

    found = {}
    for source in sorted(Path(chapters_dir).rglob("*.md")):
        page = os.path.relpath(source.with_suffix(".html"), Path(chapters_dir) / relative_to)
        for label in re.findall(r"^```\{glue:figure\}[^\n]*\n:name: ([\w-]+)", source.read_text(encoding="utf-8"), re.M):
            found[label] = page
    return found


# The words a reader sees ------------------------------------------------------------------------
# A table's columns are named for the code (`legal_basis`, `source_id`) and its categories for the
# data (`in_force`). A reader sees the schema's words instead: each field's `title`, each category's
# `label` (data/datapackage.json, `categories: [{value, label}]`), and each source as its citation,
# a link to the bibliography. A column or category without words fails, naming table and column.


class WordsError(ValueError):
    """A table shown to readers lacks the schema's words for a column or a category."""


def _fields(table: str) -> dict[str, dict]:
    from booklib.data import resource

    return {field["name"]: field for field in resource(table)["schema"]["fields"]}


def _is_source_reference(table: str, name: str) -> bool:
    """A column of source_ids: the sources table's key, or a foreign key into it."""
    from booklib.data import resource

    schema = resource(table)["schema"]
    return name == "source_id" or any(
        fk["reference"]["resource"] == "sources" and name in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
        for fk in schema.get("foreignKeys", []))


def column_title(table: str, column: str) -> str:
    """The header a reader sees for `column` of `table`: its schema title."""
    fields = _fields(table)
    if column not in fields:
        raise WordsError(f"table {table}: column {column!r} is not in datapackage.json, so it has no title for readers")
    title = fields[column].get("title")
    if not title:
        raise WordsError(f"table {table}: column {column!r} has no title in datapackage.json; add one for readers")
    return title


def category_labels(table: str, column: str) -> dict[str, str]:
    """{value: label} of a column's categories (empty when the schema gives none)."""
    return {c["value"]: c["label"] for c in _fields(table).get(column, {}).get("categories", [])}


def reader_values(frame, table: str, columns: list[str] | None = None, sources: str = "markdown"):
    """`frame`'s `columns` (default: all) as a reader sees them, under their own names (for a
    template): categories in the schema's words, sources as citations linked to the bibliography
    (`sources="markdown"`: a {cite:p} role for a Markdown table or list, HTML and PDF alike;
    `"html"`: links, for an HTML table). A category without a label fails, naming table and column;
    so does a column of enumerated values (`constraints.enum`) without any labels."""
    from booklib.sources import cite_markdown, links_html

    columns = list(frame.columns) if columns is None else list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise WordsError(f"table {table}: the frame has no column(s) {missing}")
    fields = _fields(table)
    shown = frame[columns].copy()
    for column in columns:
        field = fields.get(column)
        if field is None:
            raise WordsError(f"table {table}: column {column!r} is not in datapackage.json, so it has no words for readers")
        if _is_source_reference(table, column):
            cite = cite_markdown if sources == "markdown" else links_html
            shown[column] = [cite(cell) for cell in shown[column]]
            continue
        labels = category_labels(table, column)
        if not labels and "enum" not in field.get("constraints", {}):
            continue
        values = shown[column].dropna()
        unlabelled = sorted({v for v in values if v not in labels}, key=str)
        if unlabelled:
            raise WordsError(f"table {table}: column {column!r} shows value(s) {unlabelled} that have no label in datapackage.json")
        shown[column] = shown[column].map(lambda v: labels.get(v, v))
    return shown


def reader_table(frame, table: str, columns: list[str] | None = None, sources: str = "markdown"):
    """`frame` as a reader sees it (see `reader_values`), under the schema's titles: the one way a
    chapter shows a table's rows. A column without a title fails, naming table and column."""
    shown = reader_values(frame, table, columns, sources)
    return shown.rename(columns={c: column_title(table, c) for c in shown.columns})


def label_categories(frame, table: str, columns: list[str]):
    """`frame` with the categories of `columns` in the schema's words, for a chart's legend, axis and
    tooltips (its column names stay, for the encodings). A value without a label fails, naming
    table and column."""
    shown = frame.copy()
    for column in columns:
        labels = category_labels(table, column)
        if not labels:
            raise WordsError(f"table {table}: column {column!r} has no category labels in datapackage.json")
        unlabelled = sorted({v for v in shown[column].dropna() if v not in labels}, key=str)
        if unlabelled:
            raise WordsError(f"table {table}: column {column!r} shows value(s) {unlabelled} that have no label in datapackage.json")
        shown[column] = shown[column].map(lambda v: labels.get(v, v))
    return shown
