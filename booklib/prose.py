"""Glue numbers into the prose, so text and data never drift apart.

A chapter's code computes its facts (formatted by `booklib.formats`) under literal
keys and glues them with `glue_facts`; the Markdown shows each with {glue:text}`key`.
A missing key fails the strict build.
"""

from __future__ import annotations

import math

from booklib.i18n import FREE_TEXT, N_, NAME_COLUMNS, translate, words


class ProseError(AssertionError):
    """The data no longer bear out a sentence of the text."""


def require(condition: bool, sentence: str) -> None:
    """Guard a sentence of the text: fail the build (and the tests) when the data contradict it."""
    if not condition:
        raise ProseError(f"the text says {sentence}; the data no longer bear this out")


class ParameterError(ValueError):
    """A chapter's parameter takes a value its code did not compute (outside the grid)."""


def one_of(value, allowed, parameter: str, computed_by: str = "") -> None:
    """Check a parameter the reader may change against the values the chapter computed; the
    error names the parameter and the values allowed (and the parameter that lists them)."""
    allowed = list(allowed)
    if value not in allowed:
        shown = ", ".join(f"{a:g}" if isinstance(a, float) else str(a) for a in allowed)
        where = f" (the values of {computed_by}; add it there to compute it)" if computed_by else ""
        raise ParameterError(f"{parameter} = {value!r} is not a value the chapter computed: choose one of {shown}{where}")


def glue_facts(facts: dict[str, str]) -> "Facts":
    """Glue each formatted fact under its key; the keys are literals in the code that
    computes them, so a search for a key in the text finds where its number comes from.

    Outside a book build (Jupyter, `make lab`, a downloaded notebook) the cell shows the facts where
    they are computed, as a compact table (key, value, unit), so a re-run with a changed parameter
    shows every new number; in a build the page shows them in its prose (and the downloadable
    notebook gets the same table from the glue records, booklib.build.notebooks)."""
    for key, text in facts.items():
        if not isinstance(text, str):
            raise TypeError(f"fact {key!r} is a {type(text).__name__}, not formatted text: use a booklib.formats formatter")
        glue_text(key, text)
    shown = Facts(facts)
    from booklib.data import building_page

    if building_page() is None:
        shown.show()
    return shown


UNIT_PATTERNS = [
    (r"percentage points?$|ポイント$|个百分点$", N_("percentage points")),
    (r"%$", N_("percent")),
    (r"^\$.*billion$|億ドル$|亿美元$", N_("US$ billion")),
    (r"^¥.*trillion$|兆円$|万亿日元$", N_("¥ trillion")),
    (r"yen$|円$|日元$", N_("yen per US$")),
    (r"^[\d,]+ days?$|^[\d,]+[日天]$", N_("days")),
    (r"^\d{1,2} [A-Z][a-z]+ \d{4}$|^\d{4}年\d{1,2}月\d{1,2}日$", N_("date")),
    (r"^[A-Z][a-z]+ \d{4}$|^\d{4}年\d{1,2}月$", N_("month")),
    (r"^-?[\d,]+(\.\d+)?$", N_("number")),
]


def unit_of(text: str) -> str:
    """The unit a formatted fact is written in, read from how booklib.formats wrote it ('' for words)."""
    import re

    text = text.strip()
    return next((translate(unit) for pattern, unit in UNIT_PATTERNS if re.search(pattern, text)), "")


def facts_html(facts: dict[str, str]) -> str:
    """A compact table of facts: key, value, unit (in the edition's words)."""
    import html

    rows = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(v)}</td><td>{html.escape(unit_of(v))}</td></tr>"
                   for k, v in facts.items())
    return (f'<table class="booklib-facts"><thead><tr><th>{translate("key")}</th><th>{translate("value")}</th>'
            f'<th>{translate("unit")}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def facts_text(facts: dict[str, str]) -> str:
    width = max((len(k) for k in facts), default=0)
    return "\n".join(f"{k.ljust(width)}  {v}" + (f"  [{unit_of(v)}]" if unit_of(v) else "") for k, v in facts.items())


class Facts(dict):
    """The facts a cell glued (a dict), shown once as a compact table (key, value, unit) outside a
    build; never by itself in a build (the page's prose shows them)."""

    _shown = False

    def show(self) -> None:
        if self._shown:
            return
        self._shown = True
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is not None:
            display({"text/html": facts_html(self), "text/plain": facts_text(self)}, raw=True)

    def _ipython_display_(self) -> None:
        from booklib.data import building_page

        if building_page() is None:
            self.show()


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


def glue_documents_to(cited: list[str], tables: list[str]) -> str:
    """Glue `booklib-documents-to`, the date of the latest document the page uses: the sources of
    its figures and of its tables' rows (recorded as it ran, booklib.data.USED_SOURCES) and those
    its text cites (`cited`, source_ids); a page with none of them, the sources of its declared
    `tables`. The book's Sphinx extension adds this call at the end of each page and pastes the
    date under its title."""
    from booklib import formats as fmt
    from booklib.data import USED_SOURCES, documents_to, latest_document

    latest = latest_document(USED_SOURCES | set(cited))
    if latest is None:
        latest = documents_to(tables)
    return glue_text("booklib-documents-to", fmt.day(latest) if latest is not None else translate("no dated document"))


def escape_markdown(text: str) -> str:
    """Dollar signs would open inline math (MyST dollarmath): US$50bn must stay text."""
    return text.replace("$", "\\$")


def _record_sources(frame) -> None:
    """A table showing rows with a `source_id` uses those documents (the page's "Documents to")."""
    from booklib.data import use_sources

    if "source_id" in getattr(frame, "columns", ()):
        use_sources(frame["source_id"].dropna())


READER_VIEW = "booklib_reader_view"  # frame.attrs key: the table or view whose words the headers are


def markdown_table(frame, title: str | None = None):
    """Show a table as Markdown, which both the HTML and the PDF builders render. With a `title`,
    the table is numbered and titled alike in both ("Table 1.1: ..."), and its cite control uses it.
    `frame` is a reader's view, made by `reader_table` (a data table) or `view_table` (a model's
    output), so that its headers are the schema's words; any other frame fails."""
    from IPython.display import Markdown

    if not getattr(frame, "attrs", {}).get(READER_VIEW):
        raise WordsError(f"the table {title or '(untitled)'!r} is not a reader's view: show a data table through "
                         "reader_table and a model's output through view_table, so its headers are the schema's words "
                         f"(its columns: {', '.join(map(str, frame.columns))})")
    _record_sources(frame)

    def cell(value) -> str:
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        return escape_markdown(text).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.astype(object).itertuples(index=False)]
    return Markdown(titled_table("\n".join([header, rule, *rows]), words(title) if title else title))


def titled_table(markdown: str, title: str | None) -> str:
    """A Markdown table inside a MyST `table` directive, which numbers it and gives it `title` (a colon
    fence: a backtick fence's title may not hold `code`)."""
    if not title:
        return markdown
    return f":::{{table}} {escape_markdown(title)}\n\n{markdown}\n:::"


def markdown_list(frame, template: str):
    """One bullet per row, `template` formatted with the row's columns: long text
    wraps in both HTML and PDF, where wide tables would be clipped."""
    from IPython.display import Markdown

    _record_sources(frame)
    template = words(template)  # the chapter's literal, in the edition's words (booklib.po)
    rows = frame.to_dict("records")
    return Markdown("\n".join("- " + template.format(**{k: escape_markdown(str(v)) for k, v in row.items()}) for row in rows))


class FilterableTable:
    """A table a reader can filter, sort and facet (HTML), and plain Markdown for the PDF.

    The page's book-tables.js (booklib/build/static) gives it its filter box, sorting, facets and its
    fit to the column; the table itself is plain HTML. Each cell names its column (`data-label`), so
    that on a phone each row reads as a card of named fields (book-tables.css).
    """

    def __init__(self, frame, name: str, figure_column: str | None = None, figure_pages: dict | None = None,
                 pdf_template: str | None = None, anchor_column: str | None = None, anchor_prefix: str = "",
                 cite_title_column: str | None = None, facet_column: str | None = None, facet_order: list[str] | None = None,
                 links: dict[str, dict[str, str]] | None = None, key_columns: list[str] | None = None,
                 priorities: dict[str, int] | None = None, table: str | None = None, title: str | None = None):
        """`figure_column` holds figure labels; they become links to `figure_pages[label]` (a page
        path relative to this one), shown as the figure's number ("Fig. 1.5", filled in by the
        build), and {numref} references in the PDF. With
        `pdf_template`, the PDF shows one bullet per row instead of a table (long text wraps).
        With `anchor_column` (unique values, e.g. claim ids), each HTML row gets the id
        `anchor_prefix + value` (lower case), so a reader can link to it and cite it: the book's
        Sphinx extension fills the last column with the row's cite control, titled by the value
        and `cite_title_column`. `facet_column` (e.g. the verdict) gets one button per value, with
        its count, in `facet_order`; its cells are tagged with their value (styled per value).
        `links` maps a column to {cell text: address}. When the table is wider than the page,
        `key_columns` stay and the others fold into each row's disclosure, lowest `priorities` first.
        With `table` (its name in datapackage.json), the reader sees the schema's words
        (`reader_values`): titles for headers, labels for categories (the facets' too), and each
        source a link to its bibliography entry, except in a column of `links`, which shows its own
        text linked as given; the columns keep their names for `pdf_template`, `key_columns`,
        `priorities` and the page's scripts (`data-column`). With a `title`, the build numbers the
        table with the page's other tables, in HTML and PDF alike ("Table 5.1: <title>";
        booklib.build.titled_tables)."""
        _record_sources(frame)
        self.frame = frame
        self.name = name
        self.figure_column = figure_column
        self.figure_pages = figure_pages or {}
        self.pdf_template = words(pdf_template) if pdf_template else pdf_template
        self.anchor_column = anchor_column
        self.anchor_prefix = anchor_prefix
        self.cite_title_column = cite_title_column
        self.facet_column = facet_column
        self.facet_order = facet_order or []
        self.links = links or {}
        self.key_columns = key_columns or []
        self.priorities = priorities or {}
        self.table = table
        self.title = words(title) if title else title  # the chapter's literal, in the edition's words
        unknown = ({facet_column} - {None}) | set(self.links) | set(self.key_columns) | set(self.priorities)
        if unknown - set(frame.columns):
            raise ValueError(f"table {name}: no column {sorted(unknown - set(frame.columns))}")
        if anchor_column is not None:
            values = frame[anchor_column].astype(str)
            if values.duplicated().any() or (values.str.strip() == "").any():
                raise ValueError(f"table {name}: {anchor_column} must be unique and non-empty to anchor rows")
        if table is not None:
            self.headers = {c: column_title(table, c) for c in frame.columns}
            self.source_columns = {c for c in frame.columns if c not in self.links and _is_source_reference(table, c)}
            self._shown("markdown")  # fails now, naming the column, on a category without words
            if facet_column is not None:
                labels = category_labels(table, facet_column)
                self.facet_order = [labels.get(v, v) for v in self.facet_order]
        else:
            self.headers, self.source_columns = {c: str(c) for c in frame.columns}, set()

    def _shown(self, sources: str):
        """The frame as a reader sees it, under its own column names: the schema's words (with
        `table`), but a column of `links` as it is (its text is what `links` maps)."""
        if self.table is None:
            return self.frame
        words = [c for c in self.frame.columns if c not in self.links]
        shown = self.frame.copy()
        if words:
            values = reader_values(self.frame, self.table, words, sources=sources)
            for column in words:
                shown[column] = values[column]
        return shown

    def row_anchor(self, value) -> str:
        import re

        return re.sub(r"[^a-z0-9]+", "-", f"{self.anchor_prefix}{value}".lower()).strip("-")

    def _repr_mimebundle_(self, include=None, exclude=None):
        markdown = self._shown("markdown")
        if self.figure_column:
            markdown = markdown.assign(**{self.figure_column: [
                f"{{numref}}`{label}`" if label else "" for label in self.frame[self.figure_column].fillna("")]})
        if self.pdf_template:
            fallback = markdown_list(markdown, self.pdf_template)
        else:
            headed = markdown.rename(columns=self.headers)
            headed.attrs[READER_VIEW] = self.table or self.name
            fallback = markdown_table(headed)
        return {"text/html": self.html(), "text/markdown": fallback.data}

    def html(self) -> str:
        import html as html_lib

        esc = html_lib.escape

        def cell(value) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return ""
            return str(value)

        def figure(label: str) -> str:
            if not label:
                return ""
            if label not in self.figure_pages:
                raise ValueError(f"table {self.name}: figure {label!r} is on no known page")
            # The build writes the figure's number in place of its label (booklib.build.sphinx_ext).
            return f'<a class="book-figref" href="{self.figure_pages[label]}#{label}">{esc(label)}</a>'

        def content(column: str, value: str, raw: str) -> str:
            if column == self.figure_column:
                return figure(raw)
            if column == self.facet_column:
                return f'<span class="book-verdict">{esc(value)}</span>'
            if column in self.links and value in self.links[column]:
                return f'<a href="{esc(self.links[column][value])}">{esc(value)}</a>'
            if column in self.source_columns:
                return value  # links made by booklib.sources, escaped there
            return esc(value)

        def td(column: str, value: str, raw: str) -> str:
            facet = f' data-value="{esc(value)}"' if column == self.facet_column else ""
            return f'<td data-label="{esc(self.headers[column])}"{facet}>{content(column, value, raw)}</td>'

        def th(column: str) -> str:
            attributes = f' data-column="{esc(str(column))}"'
            if column in self.key_columns:
                attributes += " data-key"
            if column in self.priorities:
                attributes += f' data-priority="{self.priorities[column]}"'
            return f"<th{attributes}>{esc(self.headers[column])}</th>"

        columns = list(self.frame.columns)
        shown = self._shown("html")
        head = "".join(th(c) for c in columns)
        if self.anchor_column is not None:
            head += f'<th class="book-cite-head">{esc(translate("Cite"))}</th>'

        def open_row(row) -> str:
            if self.anchor_column is None:
                return "<tr>"
            values = dict(zip(columns, row))
            number = cell(values[self.anchor_column])
            title = cell(values[self.cite_title_column]) if self.cite_title_column else ""
            if title and self.cite_title_column in FREE_TEXT.get(self.table or "", ()):
                title = free_text(self.table, self.cite_title_column, title)
            return (f'<tr id="{self.row_anchor(number)}" data-cite-number="{esc(number)}" '
                    f'data-cite-title="{esc(title)}">')

        def close_row(row) -> str:
            if self.anchor_column is None:
                return "</tr>"
            anchor = self.row_anchor(cell(dict(zip(columns, row))[self.anchor_column]))
            return f'<td class="book-cite-cell" data-cite-row="{anchor}"></td></tr>'

        rows = "".join(
            open_row(row) + "".join(td(c, cell(v), cell(r)) for c, v, r in zip(columns, shown_row, row)) + close_row(row)
            for row, shown_row in zip(self.frame.astype(object).itertuples(index=False),
                                      shown.astype(object).itertuples(index=False))
        )
        box = f"filter-{self.name}"
        facet = (f' data-facet="{esc(self.facet_column)}" data-facet-order="{esc("|".join(self.facet_order))}"'
                 if self.facet_column else "")
        titled = f' data-table-title="{esc(self.title)}"' if self.title else ""
        return (
            f'<div class="book-filter-table" id="{self.name}"{facet}{titled}>'
            f'<label for="{box}">{esc(translate("Filter the {rows} rows: ").format(rows=len(self.frame)))}</label>'
            f'<input type="search" id="{box}" placeholder="{esc(translate("type a word, a theme or a verdict"))}">'
            f' <span class="book-filter-count" aria-live="polite"></span>'
            f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
        )


def figure_pages(chapters_dir=None, relative_to: str = "") -> dict[str, str]:
    """Map each figure label (`:name:` of a glue:figure) in the chapters to its page's HTML path,
    relative to `chapters_dir/relative_to`. `chapters_dir` defaults to the book's chapters/ folder
    (found from this library, not from the working directory, so a notebook run from anywhere in
    or outside the checkout finds the same pages)."""
    import os
    import re
    from pathlib import Path

    if chapters_dir is None:
        from booklib.paths import REPO_ROOT

        chapters_dir = REPO_ROOT / "chapters"
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
    return translate(title)


def category_labels(table: str, column: str) -> dict[str, str]:
    """{value: label} of a column's categories (empty when the schema gives none), the labels in
    the edition's language (booklib.po)."""
    return {c["value"]: translate(c["label"]) for c in _fields(table).get(column, {}).get("categories", [])}


def free_text(table: str, column: str, values):
    """`values` of a free-text column (FREE_TEXT, or a text of TEXT_FUNCTIONS) in the edition's
    language; blanks stay blank."""
    from booklib import i18n

    def one(value):
        if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "" or str(value) == "<NA>":
            return value
        return i18n.translate_value(table, column, str(value))

    return values.map(one) if hasattr(values, "map") else one(values)


def _in_words(table: str, column: str, values, labels: dict[str, str]):
    """`values` in the schema's words; a value without a label fails, naming table and column."""
    unlabelled = sorted({v for v in values.dropna() if v not in labels}, key=str)
    if unlabelled:
        raise WordsError(f"table {table}: column {column!r} shows value(s) {unlabelled} that have no label in datapackage.json")
    return values.map(lambda v: labels.get(v, v))


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
        if not labels and column in NAME_COLUMNS.get(table, ()):  # names and words of booklib.po (a unit, "final")
            shown[column] = shown[column].map(lambda v: words(v) if isinstance(v, str) else v)
            continue
        if not labels and "enum" not in field.get("constraints", {}):
            if column in FREE_TEXT.get(table, ()):  # free text (a column with categories has the schema's words)
                shown[column] = free_text(table, column, shown[column])
            continue
        shown[column] = _in_words(table, column, shown[column], labels)
    return shown


def reader_table(frame, table: str, columns: list[str] | None = None, sources: str = "markdown"):
    """`frame` as a reader sees it (see `reader_values`), under the schema's titles: the one way a
    chapter shows a table's rows. A column without a title fails, naming table and column."""
    shown = reader_values(frame, table, columns, sources)
    shown = shown.rename(columns={c: column_title(table, c) for c in shown.columns})
    shown.attrs[READER_VIEW] = table
    return shown


def view_table(frame, view: str, values_as_columns: list[str] | None = None):
    """A model's output as a reader sees it: its headers are the titles of the view `view` in
    datapackage.json ("views"), in the edition's words. `values_as_columns`: columns whose headers are
    values already written for readers (a pivot's: "10 years"), which the view names in
    `values_as_columns`. Any other column without a title fails, naming view and column."""
    from booklib.data import package

    spec = next((v for v in package().get("views", []) if v["name"] == view), None)
    if spec is None:
        raise WordsError(f"no view named {view!r} in datapackage.json (views)")
    values_as_columns = list(values_as_columns or [])
    if values_as_columns and not spec.get("values_as_columns"):
        raise WordsError(f"view {view}: columns {values_as_columns} are values, which the view does not declare (values_as_columns)")
    titles = {f["name"]: f.get("title") for f in spec["fields"]}
    for column in frame.columns:
        if column not in values_as_columns and not titles.get(column):
            raise WordsError(f"view {view}: column {column!r} has no title in datapackage.json (views); add one for readers")
    shown = frame.rename(columns={c: translate(titles[c]) for c in frame.columns if c not in values_as_columns})
    shown.attrs[READER_VIEW] = view
    return shown


def in_reader_words(frame, table: str, columns: list[str]):
    """`frame` with `columns` in the reader's words, for a chart's axes, legends and tooltips:
    categories in the schema's labels, names (NAME_COLUMNS) and free text (FREE_TEXT) in the
    edition's language; its other columns (the encodings' keys) as they are. A column that has none
    of these words fails, naming table and column; so does a category without a label."""
    for column in columns:
        if not (category_labels(table, column) or column in FREE_TEXT.get(table, ()) or column in NAME_COLUMNS.get(table, ())):
            raise WordsError(f"table {table}: column {column!r} has no category labels in datapackage.json and no catalog "
                             "of its words (booklib.i18n FREE_TEXT or NAME_COLUMNS)")
    shown = frame.copy()
    shown[columns] = reader_values(frame, table, columns)
    return shown
